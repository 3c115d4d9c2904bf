import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { dictionaries, isMessageKey, language, locale, localeOf, t, translate, type Dictionary } from './i18n';
import { en as enFile } from './i18n/en';
import { zhCN as zhFile } from './i18n/zh';

describe('dictionaries', () => {
  const en = dictionaries.en;
  const zh = dictionaries['zh-CN'];

  it('have exactly the same keys', () => {
    const enKeys = Object.keys(en).sort();
    const zhKeys = Object.keys(zh).sort();
    expect(zhKeys).toEqual(enKeys);
    expect(enKeys.length).toBeGreaterThan(100);
  });

  it('are the one file per language', () => {
    expect(en).toBe(enFile);
    expect(zh).toBe(zhFile);
  });

  it('leave no key out, by type as well (zh.ts is typed against the English keys)', () => {
    const { 'nav.factors': left, ...partial } = zhFile;
    // @ts-expect-error: a dictionary without one of the English keys is not a Dictionary
    const incomplete: Dictionary = partial;
    expect(Object.keys(incomplete)).not.toContain('nav.factors');
    expect(left).toBe('排放因子');
  });

  it('have no empty strings', () => {
    for (const [name, dict] of Object.entries(dictionaries)) {
      for (const [key, value] of Object.entries(dict)) {
        expect(typeof value, `${name} ${key}`).toBe('string');
        expect(value.trim(), `${name} ${key}`).not.toBe('');
      }
    }
  });

  it('use the same placeholders in both languages', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('say the scopes and methods in Simplified Chinese', () => {
    expect(zh['totals.scope1']).toBe('范围一');
    expect(zh['totals.scope2_location']).toBe('范围二（基于位置）');
    expect(zh['totals.scope2_market']).toBe('范围二（基于市场）');
    expect(zh['totals.scope3']).toBe('范围三');
    expect(zh['totals.biogenic']).toContain('生物源二氧化碳');
    expect(zh['consolidation.operational-control']).toBe('运营控制权');
    expect(zh['consolidation.financial-control']).toBe('财务控制权');
    expect(zh['consolidation.equity-share']).toBe('股权比例');
    expect(zh['setup.gwp']).toContain('全球变暖潜势');
    expect(zh['nav.dashboard']).toBe('仪表板');
  });
});

describe('translate', () => {
  it('fills placeholders and switches with the language', () => {
    expect(translate('en', 'factors.total', { count: '4,459' })).toBe('4,459 factors');
    expect(translate('zh', 'factors.total', { count: '4,459' })).toBe('共 4,459 个排放因子');
    expect(translate('en', 'activities.deleteRow', {})).toBe('Delete row {id}');
  });

  it('maps languages to locales', () => {
    expect(localeOf('en')).toBe('en');
    expect(localeOf('zh')).toBe('zh-CN');
  });

  it('changes the stores at run time', () => {
    language.set('zh');
    expect(get(t)('nav.factors')).toBe('排放因子');
    expect(get(locale)).toBe('zh-CN');
    language.set('en');
    expect(get(t)('nav.factors')).toBe('Emission factors');
  });

  it('knows its keys', () => {
    expect(isMessageKey('selectedBy.region')).toBe(true);
    expect(isMessageKey('selectedBy.nonsense')).toBe(false);
    expect(isMessageKey('toString')).toBe(false);
  });
});
