import zhCN from './zh-CN/rollout-results.ts';
import en from './en/rollout-results.ts';

/** Messages of the acceptance, bulletin and inspection pages by locale, deep-merged into the console's own messages. */
export const rolloutResultMessages = { 'zh-CN': zhCN, en } as const;
