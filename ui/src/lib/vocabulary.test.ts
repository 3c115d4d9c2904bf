import { describe, expect, it } from 'vitest';
import type { SectorInfo } from './bindings';
import { activityName, sectorName } from './vocabulary';

const sectors: SectorInfo[] = [
  { sector: 'energy', name_en: 'Energy industries', name_zh: '能源工业' },
  { sector: 'manufacturing', name_en: 'Manufacturing industries and construction', name_zh: '制造业和建筑业' },
];

describe('sectorName', () => {
  it('names a sector in the UI language', () => {
    expect(sectorName(sectors, 'manufacturing', 'en')).toBe('Manufacturing industries and construction');
    expect(sectorName(sectors, 'manufacturing', 'zh')).toBe('制造业和建筑业');
  });

  it('shows nothing for no sector, and an unknown one as stored', () => {
    expect(sectorName(sectors, null, 'en')).toBe('');
    expect(sectorName(sectors, '', 'zh')).toBe('');
    expect(sectorName(sectors, 'residential', 'zh')).toBe('residential');
  });
});

describe('activityName', () => {
  it('gives the vocabulary name in the UI language, or null without one', () => {
    const names = { en: 'Natural gas', zh: '天然气' };
    expect(activityName(names, 'en')).toBe('Natural gas');
    expect(activityName(names, 'zh')).toBe('天然气');
    expect(activityName(null, 'zh')).toBeNull();
  });
});
