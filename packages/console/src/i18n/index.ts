import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.ts';
import en from './en.ts';
import { supervisionMessages } from './supervision.ts';
import { securityMessages } from './security.ts';
import { rolloutResultMessages } from './rollout-results.ts';
import { rolloutAdminMessages } from './rollout-admin.ts';
import { registryMessages } from './registry.ts';

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The message tree of every language: the keys of zh-CN.ts with string leaves. */
export type Messages = Widen<typeof zhCN>;

export type Locale = 'zh-CN' | 'en';
export const locales: readonly Locale[] = ['zh-CN', 'en'];
const storageKey = 'gongche.locale';

function savedLocale(): Locale {
  const saved = localStorage.getItem(storageKey);
  return saved === 'en' ? 'en' : 'zh-CN';
}

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN as Messages, en },
});

// The use-supervision pages keep their messages in files of their own.
for (const [locale, messages] of Object.entries(supervisionMessages)) i18n.global.mergeLocaleMessage(locale as Locale, messages as never);
// So do the security administrator's.
for (const [locale, messages] of Object.entries(securityMessages)) i18n.global.mergeLocaleMessage(locale as Locale, messages as never);
// So do the acceptance, bulletin and inspection pages.
for (const [locale, messages] of Object.entries(rolloutResultMessages)) i18n.global.mergeLocaleMessage(locale as Locale, messages as never);
// And the bureau's rollout pages (batches, reply letters, work order creation).
for (const [locale, messages] of Object.entries(rolloutAdminMessages)) i18n.global.mergeLocaleMessage(locale as Locale, messages as never);
// And the registry page (units, vehicles, terminals).
for (const [locale, messages] of Object.entries(registryMessages)) i18n.global.mergeLocaleMessage(locale as Locale, messages as never);

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(storageKey, locale);
  document.documentElement.lang = locale;
}
