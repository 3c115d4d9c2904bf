import { describe, expect, it } from 'vitest';
import type { FieldError } from '../../lib/bindings';
import { draftKey, emptyDraft, findType, groupErrors, requiredFilled, snapshot } from './draft';

const err = (field: string, message = 'bad'): FieldError => ({ field, code: 'x', message, severity: 'error' });

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

  it('keys drafts by content and copies them', () => {
    const a = emptyDraft();
    const b = snapshot(a);
    expect(b).not.toBe(a);
    expect(draftKey(a)).toBe(draftKey(b));
    b.quantity = '1';
    expect(draftKey(a)).not.toBe(draftKey(b));
  });

  it('finds the activity type case-insensitively', () => {
    const types = [{ activity: 'grid_electricity', units: ['kWh'], regions: ['CN'], scope: 2 }];
    expect(findType(types, ' Grid_Electricity ')?.units).toEqual(['kWh']);
    expect(findType(types, 'grid')).toBeUndefined();
    expect(findType(types, '')).toBeUndefined();
  });
});
