import { describe, expect, it } from 'vitest';
import type { AuditorLine, AuditorLinePage } from '../../lib/bindings';
import { LinePages, materialityText, pagesFor, sizeValue } from './pages';

const line = (record: number): AuditorLine => ({
  record,
  facility: 'F',
  scope: '1',
  category: 'stationary',
  activity: 'diesel',
  quantity: '1',
  unit: 'L',
  factor: 'x',
  evidence: '',
  co2e_kg: '1',
});

function fetcher(total: number, calls: number[]) {
  return async (offset: number, limit: number): Promise<AuditorLinePage> => {
    calls.push(offset);
    const lines = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => line(offset + i + 1));
    return { lines, offset, matching: total };
  };
}

describe('auditor line pages', () => {
  it('asks only for the pages of the rows in view', async () => {
    expect(pagesFor(0, 10, 5)).toEqual([0, 1]);
    expect(pagesFor(5, 5, 5)).toEqual([]);
    const calls: number[] = [];
    const pages = new LinePages(fetcher(1_000_000, calls), () => {}, () => {}, 100, 3);
    await pages.first();
    expect(pages.matching).toBe(1_000_000);
    expect(pages.at(0)?.record).toBe(1);
    pages.show(500_000, 500_050);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual([0, 500_000]);
    expect(pages.at(500_049)?.record).toBe(500_050);
    expect(pages.at(100)).toBeUndefined();
  });

  it('keeps at most the pages it may', async () => {
    const calls: number[] = [];
    const pages = new LinePages(fetcher(1000, calls), () => {}, () => {}, 10, 2);
    for (const s of [0, 100, 200, 300]) {
      pages.show(s, s + 5);
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(pages.at(300)?.record).toBe(301);
    expect(pages.at(0)).toBeUndefined();
  });

  it('sends the materiality and size the auditor chose', () => {
    expect(materialityText('5', '9')).toBe('5');
    expect(materialityText('2', '')).toBe('2');
    expect(materialityText('other', ' 1.5 ')).toBe('1.5');
    expect(sizeValue('')).toBeNull();
    expect(sizeValue('30')).toBe(30);
    expect(sizeValue('3.5')).toBe('invalid');
    expect(sizeValue('-1')).toBe('invalid');
  });
});
