import { describe, expect, it } from 'vitest';
import { en } from '../../lib/i18n/en';
import { zhCN as zh } from '../../lib/i18n/zh';
import { countLabel, hasNext } from './count';

describe('the audit count', () => {
  it('says "more than" when counting stopped, and the number otherwise', () => {
    expect(countLabel({ total: 10_000, total_at_least: true })).toEqual(['audit.countAtLeast', { count: 10_000 }]);
    expect(countLabel({ total: 42, total_at_least: false })).toEqual(['audit.count', { count: 42 }]);
  });

  it('has both wordings, and the button to count them all, in English and Chinese', () => {
    for (const dict of [en, zh] as Record<string, string>[]) {
      expect(dict['audit.countAtLeast']).toContain('{count}');
      expect(dict['audit.count']).toContain('{count}');
      expect(dict['audit.countAll']).toBeTruthy();
      expect(dict['audit.countAllTitle']).toBeTruthy();
    }
    expect(zh['audit.countAtLeast']).not.toEqual(en['audit.countAtLeast']);
  });

  it('offers a next page while counting stopped, and only up to the count otherwise', () => {
    expect(hasNext({ total: 10_000, total_at_least: true }, 9_950, 50)).toBe(true);
    expect(hasNext({ total: 100, total_at_least: false }, 50, 50)).toBe(false);
    expect(hasNext({ total: 101, total_at_least: false }, 50, 50)).toBe(true);
  });
});
