import { describe, expect, it } from 'vitest';
import { en } from '../../lib/i18n/en';
import { zhCN } from '../../lib/i18n/zh';
import type { InstrumentGrade, InstrumentQuality } from '../../lib/bindings';
import { CRITERIA, coverageKey, gradeRows, worst } from './scope2';

const pass: InstrumentQuality = { vintage: 'pass', market: 'pass', retired: 'pass', validity: 'pass', unique: 'pass' };

describe('scope 2 grades', () => {
  it('gives each criterion its grade and the reason for it, in both languages', () => {
    const rows = gradeRows({ ...pass, vintage: 'fail', retired: 'warn' });
    expect(rows.map((r) => [r.criterion, r.grade])).toEqual([
      ['vintage', 'fail'],
      ['market', 'pass'],
      ['retired', 'warn'],
      ['validity', 'pass'],
      ['unique', 'pass'],
    ]);
    expect(rows[0].why).toBe('s2.why.vintage.fail');
    const grades: InstrumentGrade[] = ['pass', 'warn', 'fail'];
    for (const c of CRITERIA) {
      for (const g of grades) {
        const key = `s2.why.${c}.${g}` as keyof typeof en;
        expect(en[key], key).toBeTruthy();
        expect(zhCN[key], key).toBeTruthy();
      }
    }
  });

  it('takes the worst grade', () => {
    expect(worst(pass)).toBe('pass');
    expect(worst({ ...pass, market: 'warn' })).toBe('warn');
    expect(worst({ ...pass, market: 'warn', unique: 'fail' })).toBe('fail');
  });

  it('names what covers the consumption', () => {
    expect(coverageKey('gec')).toBe('s2.kind.gec');
    expect(coverageKey('residual-mix')).toBe('s2.by.residual-mix');
    expect(coverageKey('grid-average')).toBe('s2.by.grid-average');
  });
});
