// Names the library gives in both languages (IPCC sectors, activity types of the vocabulary),
// shown in the UI's language. No Tauri, no DOM.

import type { ActivityNames, Language, SectorInfo } from './bindings';

/** A name pair in `language`. */
export function nameIn(names: { en: string; zh: string }, language: Language): string {
  return language === 'zh' ? names.zh : names.en;
}

/** An activity type's vocabulary name in `language`, or `null` when the vocabulary has none. */
export function activityName(names: ActivityNames | null | undefined, language: Language): string | null {
  return names ? nameIn(names, language) : null;
}

/**
 * A sector's name in `language`: '' for none; a stable name the list does not have (an older
 * file, a library that changed) is shown as it is stored, never replaced by another sector.
 */
export function sectorName(sectors: readonly SectorInfo[], sector: string | null | undefined, language: Language): string {
  if (!sector) return '';
  const s = sectors.find((x) => x.sector === sector);
  return s ? nameIn({ en: s.name_en, zh: s.name_zh }, language) : sector;
}
