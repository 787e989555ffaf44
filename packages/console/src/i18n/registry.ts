import zhCN from './zh-CN/registry.ts';
import en from './en/registry.ts';

/** Messages of the vehicles and terminals page by locale, deep-merged into the console's own messages. */
export const registryMessages = { 'zh-CN': zhCN, en } as const;
