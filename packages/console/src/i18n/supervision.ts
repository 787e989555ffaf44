import zhCN from './zh-CN/supervision.ts';
import en from './en/supervision.ts';

/** Messages of the use-supervision pages by locale, deep-merged into the console's own messages. */
export const supervisionMessages = { 'zh-CN': zhCN, en } as const;
