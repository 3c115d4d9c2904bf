// The run-time switch between the dictionaries (one file per language in `i18n/`: `en.ts`, the
// reference, and `zh.ts`). Components use `$t('key')` (a store, so they re-render when the
// language changes). The dictionaries must have exactly the same keys: `zh.ts` is typed against
// the English keys, and a unit test checks it as well.

import { derived, writable } from 'svelte/store';
import type { Language } from './bindings';
import { en, type Dictionary, type MessageKey } from './i18n/en';
import { zhCN } from './i18n/zh';

export type { Dictionary, MessageKey };

/** The BCP 47 locale of each dictionary. */
export type Locale = 'en' | 'zh-CN';

export const dictionaries: Record<Locale, Dictionary> = { en, 'zh-CN': zhCN };

/** The locale of a language setting (the Rust side stores `en` / `zh`). */
export function localeOf(language: Language): Locale {
  return language === 'zh' ? 'zh-CN' : 'en';
}

export type Vars = Record<string, string | number>;

/** Look a key up for a language and fill its `{placeholders}`. */
export function translate(language: Language, key: MessageKey, vars?: Vars): string {
  const dict = dictionaries[localeOf(language)];
  const text = dict[key] ?? en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Whether a string is a key of the dictionaries (for keys built from data, e.g. `selectedBy.*`). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** The current language. Set it with `setLanguage` in App (which also persists it). */
export const language = writable<Language>('en');

/** The current locale, for number and date formatting. */
export const locale = derived(language, localeOf);

/** The translation function of the current language: `$t('nav.dashboard')`. */
export const t = derived(language, (lang) => (key: MessageKey, vars?: Vars) => translate(lang, key, vars));

/**
 * Translate a key built from data (`selectedBy.${rule}`), falling back to the raw value when the
 * dictionaries do not know it.
 */
export const tOr = derived(language, (lang) => (key: string, fallback: string, vars?: Vars) =>
  isMessageKey(key) ? translate(lang, key, vars) : fallback,
);
