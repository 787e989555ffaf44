import zhCN from './zh-CN/rollout-admin.ts';
import en from './en/rollout-admin.ts';

/** Messages of the bureau's rollout pages by locale, deep-merged into the console's own messages. */
export const rolloutAdminMessages = { 'zh-CN': zhCN, en } as const;
