import zhCN from './zh-CN/security.ts';
import en from './en/security.ts';

/** Messages of the security administrator's page by locale, deep-merged into the console's own messages. */
export const securityMessages = { 'zh-CN': zhCN, en } as const;
