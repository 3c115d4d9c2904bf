import { describe, expect, it } from 'vitest';
import type { AppError, FieldError } from '../../lib/bindings';
import { fieldOf, draftKey, emptyDraft, findType, givenParameters, groupErrors, requiredFilled, saveErrors, snapshot, typeHint } from './draft';

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
    const g = groupErrors([err('quantity', 'a'), err('quantity', 'b'), err(''), err('scope3_category'), err('unit')]);
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
    expect(fieldOf('scope3_category')).toBeUndefined();
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
});
