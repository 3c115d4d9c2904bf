import { describe, expect, it } from 'vitest';
import type { AppError, FieldError } from '../../lib/bindings';
import {
  SCOPE3_FIELDS,
  fieldOf,
  draftKey,
  emptyDraft,
  findType,
  givenParameters,
  groupErrors,
  hasScope3,
  investmentRelevant,
  moneyRelevant,
  requiredFilled,
  saveErrors,
  scope3Open,
  scope3Summary,
  snapshot,
  typeHint,
} from './draft';

const err = (field: string, message = 'bad'): FieldError => ({ field, code: 'malformed-number', message, severity: 'error' });

describe('activity draft helpers', () => {
  it('needs facility, period, activity, quantity and unit before checking', () => {
    const d = emptyDraft();
    expect(requiredFilled(d)).toBe(false);
    Object.assign(d, {
      facility: 'SZ',
      period_start: '2023-01-01',
      period_end: '2023-12-31',
      activity: 'grid_electricity',
      quantity: '1,000',
      unit: ' ',
    });
    expect(requiredFilled(d)).toBe(false);
    d.unit = 'kWh';
    expect(requiredFilled(d)).toBe(true); // region, factor and evidence are optional
  });

  it('groups errors by column, with unknown and empty fields at the row', () => {
    const g = groupErrors([err('quantity', 'a'), err('quantity', 'b'), err(''), err('supplier'), err('unit')]);
    expect(g.quantity?.map((e) => e.message)).toEqual(['a', 'b']);
    expect(g.unit).toHaveLength(1);
    expect(g['']).toHaveLength(2);
    expect(g.facility).toBeUndefined();
  });

  it("shows the reason's errors at the reason cell", () => {
    const g = groupErrors([err('reason', 'the reason for the restatement is empty')]);
    expect(g.reason).toHaveLength(1);
    expect(g['']).toBeUndefined();
  });

  it('shows a refused save at the cells, or at the row when the error names no cell', () => {
    const refused = (code: AppError['code'], details: FieldError[]): AppError => ({ code, message: 'refused', details });
    expect(saveErrors(refused('validation', [err('unit', 'u')]))?.unit?.[0].message).toBe('u');
    expect(saveErrors(refused('validation', []))?.['']?.[0].message).toBe('refused');
    expect(saveErrors(refused('locked', [err('quantity')]))).toBeNull();
  });

  it('knows the fields by their data-col', () => {
    expect(fieldOf('period_start')).toBe('period_start');
    expect(fieldOf('reason')).toBe('reason');
    expect(fieldOf('scope3_category')).toBe('scope3_category');
    expect(fieldOf('supplier')).toBeUndefined();
    expect(fieldOf(undefined)).toBeUndefined();
  });

  it('keys drafts by content and copies them', () => {
    const a = emptyDraft();
    const b = snapshot(a);
    expect(b).not.toBe(a);
    expect(draftKey(a)).toBe(draftKey(b));
    b.quantity = '1';
    expect(draftKey(a)).not.toBe(draftKey(b));
  });

  it('finds the activity type case-insensitively', () => {
    const types = [{ activity: 'grid_electricity', units: ['kWh'], regions: ['CN'], scopes: [2], names: null }];
    expect(findType(types, ' Grid_Electricity ')?.units).toEqual(['kWh']);
    expect(findType(types, 'grid')).toBeUndefined();
    expect(findType(types, '')).toBeUndefined();
  });

  it('hints at the type, or says it is unknown once the list for it has come', () => {
    const types = [{ activity: 'grid_electricity', units: ['kWh'], regions: ['CN'], scopes: [2], names: null }];
    expect(typeHint(types, 'Grid_Electricity', null)).toEqual({ kind: 'known', type: types[0] });
    expect(typeHint([], 'nonsense', 'nonsense')).toEqual({ kind: 'unknown' });
    expect(typeHint([], 'nonsense', 'nons')).toEqual({ kind: 'none' }); // the list is for something else
    expect(typeHint([], ' ', '')).toEqual({ kind: 'none' });
  });

  it('lists the fuel parameters a record gives, and none it leaves empty', () => {
    const d = { ...emptyDraft(), ncv_gj_per_unit: ' 20.9 ', oxidation: '0.98' };
    expect(givenParameters(d)).toEqual([
      { field: 'ncv_gj_per_unit', value: '20.9' },
      { field: 'oxidation', value: '0.98' },
    ]);
    expect(givenParameters(emptyDraft())).toEqual([]);
  });

  it('sends the sector and the parameters as typed', () => {
    const d = { ...emptyDraft(), sector: 'manufacturing', carbon_t_per_gj: '0.0261', parameter_source: 'measured' };
    expect(snapshot(d)).toEqual(d);
    expect(draftKey(d)).not.toBe(draftKey(emptyDraft()));
  });

  it("shows each Scope 3 column's error at its own field (issue 14)", () => {
    const columns = ['scope3_category', 'method', 'dq_technology', 'dq_time', 'dq_geography', 'dq_completeness', 'dq_reliability', 'currency_year', 'exchange_rate', 'price_index', 'attribution', 'pcaf_score'];
    expect([...SCOPE3_FIELDS]).toEqual(columns);
    const g = groupErrors(columns.map((c) => err(c, c)));
    for (const c of columns) expect(g[c as keyof typeof g]?.map((e) => e.message)).toEqual([c]);
    expect(g['']).toBeUndefined();
    expect(saveErrors({ code: 'validation', message: 'the row has errors', details: [err('pcaf_score', 'out of range')] })?.pcaf_score?.[0].message).toBe('out of range');
    for (const c of columns) expect(fieldOf(c)).toBe(c);
  });

  it('sends the Scope 3 cells as typed, empty ones as none', () => {
    const d = { ...emptyDraft(), method: 'spend-based', dq_time: '3', pcaf_score: '' };
    expect(snapshot(d)).toEqual(d);
    expect(draftKey(d)).not.toBe(draftKey({ ...d, dq_time: '4' }));
    expect(hasScope3(emptyDraft())).toBe(false);
    expect(hasScope3({ ...emptyDraft(), dq_time: ' ' })).toBe(false);
    expect(hasScope3(d)).toBe(true);
  });

  it('opens the Scope 3 section for a Scope 3 line, given cells or an error there, else not', () => {
    const spend = { activity: 'spend.naics.334111', units: ['USD'], regions: ['US'], scopes: [3], names: null };
    const power = { activity: 'grid_electricity', units: ['kWh'], regions: ['CN'], scopes: [2], names: null };
    const mixed = { activity: 'diesel', units: ['L'], regions: ['CN'], scopes: [1, 3], names: null };
    const d = emptyDraft();
    expect(scope3Open(d, undefined, {})).toBe(false);
    expect(scope3Open(d, power, {})).toBe(false);
    expect(scope3Open(d, mixed, {})).toBe(false);
    expect(scope3Open(d, spend, {})).toBe(true);
    expect(scope3Open({ ...d, attribution: '0.25' }, power, {})).toBe(true);
    expect(scope3Open(d, power, groupErrors([err('dq_time')]))).toBe(true);
    expect(scope3Open(d, power, groupErrors([err('quantity')]))).toBe(false);
  });

  it('shows the money cells on a spend line and the category-15 cells on an investment', () => {
    const d = emptyDraft();
    expect(moneyRelevant(d)).toBe(false);
    expect(moneyRelevant({ ...d, method: 'spend-based' })).toBe(true);
    expect(moneyRelevant({ ...d, activity: 'Spend.naics.334111' })).toBe(true);
    expect(moneyRelevant({ ...d, unit: 'CNY' })).toBe(true);
    expect(moneyRelevant({ ...d, unit: 'kWh' })).toBe(false);
    expect(moneyRelevant({ ...d, price_index: '1.0719' })).toBe(true);
    expect(moneyRelevant(d, groupErrors([err('exchange_rate')]))).toBe(true);
    expect(investmentRelevant(d)).toBe(false);
    expect(investmentRelevant({ ...d, scope3_category: '15' })).toBe(true);
    expect(investmentRelevant({ ...d, scope3_category: '1' })).toBe(false);
    expect(investmentRelevant({ ...d, method: 'investment-specific' })).toBe(true);
    expect(investmentRelevant({ ...d, pcaf_score: '2' })).toBe(true);
    expect(investmentRelevant(d, groupErrors([err('pcaf_score')]))).toBe(true);
  });

  it("summarises a record's method and PCAF score for the list", () => {
    expect(scope3Summary(emptyDraft())).toEqual({ method: null, pcaf: null });
    expect(scope3Summary({ ...emptyDraft(), method: ' spend-based ', pcaf_score: '3' })).toEqual({ method: 'spend-based', pcaf: '3' });
  });
});
