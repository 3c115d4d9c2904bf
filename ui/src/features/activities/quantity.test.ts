import { describe, expect, it } from 'vitest';
import type { WorkedQuantity } from '../../lib/bindings';
import { emptyDraft } from './draft';
import {
  CALCULATORS,
  applyWorked,
  calculatorsFor,
  cellOf,
  cellShown,
  choiceKey,
  emptyEntry,
  fieldKey,
  fieldsOf,
  noteWith,
  panelErrors,
  sentEntry,
  withCell,
} from './quantity';

const leg: WorkedQuantity = {
  activity: 'travel.air.long_haul.economy',
  quantity: '8000',
  unit: 'pkm',
  scope3_category: '6',
  method: 'distance-based',
  working: 'Flight leg: 8000 km × 1 passenger one way = 8000 pkm; long_haul, economy, without radiative forcing → travel.air.long_haul.economy',
  attribution: '',
  pcaf_score: '',
};

const holding: WorkedQuantity = {
  activity: 'investee_scope1_2',
  quantity: '4800',
  unit: 't',
  scope3_category: '15',
  method: 'investment-specific',
  working: "Investment: outstanding 25000000 ÷ EVIC 100000000 = 0.25 of Example Co's 4800 t Scope 1+2; PCAF score 2 (listed equity and corporate bonds) → investee_scope1_2",
  attribution: '0.25',
  pcaf_score: '2',
};

describe('the quantity panel', () => {
  it('offers every calculator while no category is chosen, and those of the category otherwise', () => {
    expect(calculatorsFor('')).toEqual([...CALCULATORS]);
    expect(calculatorsFor('6')).toEqual(['flight']);
    expect(calculatorsFor('7')).toEqual(['commute']);
    expect(calculatorsFor('4')).toEqual(['freight']);
    expect(calculatorsFor(' 9 ')).toEqual(['freight']);
    expect(calculatorsFor('5')).toEqual(['waste']);
    expect(calculatorsFor('11')).toEqual(['product_use']);
    expect(calculatorsFor('1')).toEqual([]);
    expect(calculatorsFor('15')).toEqual(['investment']);
  });

  it('starts every calculator empty: no passenger count, class or radiative forcing is assumed', () => {
    for (const c of CALCULATORS) {
      const e = emptyEntry(c);
      expect(e.calculator).toBe(c);
      for (const f of fieldsOf(e)) expect(cellOf(e, f)).toBe('');
    }
    expect(fieldsOf(emptyEntry('flight'))).toEqual(['distance_km', 'passengers', 'trip', 'haul', 'cabin', 'radiative_forcing']);
  });

  it('sets a cell of the calculator and ignores a field it does not have', () => {
    const e = withCell(emptyEntry('flight'), 'distance_km', '8000');
    expect(cellOf(e, 'distance_km')).toBe('8000');
    expect(withCell(e, 'employees', '3')).toBe(e);
  });

  it('asks for the occupancy of car and motorbike modes only, and never sends a hidden one', () => {
    let e = withCell(withCell(emptyEntry('commute'), 'mode', 'car_petrol'), 'occupancy', '1.2');
    expect(cellShown(e, 'occupancy')).toBe(true);
    expect(sentEntry(e)).toEqual(e);
    e = withCell(e, 'mode', 'bus_local');
    expect(cellShown(e, 'occupancy')).toBe(false);
    expect(cellOf(sentEntry(e), 'occupancy')).toBe('');
    expect(cellShown(emptyEntry('flight'), 'occupancy')).toBe(true);
  });

  it('puts each refusal at its cell, and any other at the panel', () => {
    const errs = panelErrors(emptyEntry('flight'), [
      { field: 'passengers', code: 'non-positive-value', message: 'zero', severity: 'error' },
      { field: 'mode', code: 'invalid-value', message: 'not here', severity: 'error' },
    ]);
    expect(errs.passengers?.[0].message).toBe('zero');
    expect(errs['']?.[0].message).toBe('not here');
  });

  it('fills activity, quantity, unit, category, method and note, and leaves the rest as typed', () => {
    const d = { ...emptyDraft(), facility: 'SZ', period_start: '2024-01-01', dq_time: '2', quantity: '5', unit: 'km' };
    const out = applyWorked(d, leg, null);
    expect(out).toEqual({
      ...d,
      activity: 'travel.air.long_haul.economy',
      quantity: '8000',
      unit: 'pkm',
      scope3_category: '6',
      method: 'distance-based',
      note: leg.working,
    });
    expect(d.quantity).toBe('5'); // the draft given is not changed
    // A calculator with no method keeps the user's.
    const use = { ...leg, method: '', scope3_category: '11' };
    expect(applyWorked({ ...d, method: 'average-data' }, use, null).method).toBe('average-data');
  });

  it('asks for outstanding and value for a PCAF asset class, the share for an equity share, none before', () => {
    let e = withCell(withCell(withCell(emptyEntry('investment'), 'outstanding', '25'), 'investee_value', '100'), 'share_percent', '25');
    const shown = (x: typeof e) => fieldsOf(x).filter((f) => cellShown(x, f));
    expect(shown(e)).toEqual(['investee', 'investee_emissions_t', 'basis', 'pcaf_score']);
    e = withCell(e, 'basis', 'listed_equity_bonds');
    expect(shown(e)).toEqual(['investee', 'investee_emissions_t', 'basis', 'outstanding', 'investee_value', 'pcaf_score']);
    expect(sentEntry(e)).toEqual({ ...e, share_percent: '' });
    e = withCell(e, 'basis', 'equity_share');
    expect(shown(e)).toEqual(['investee', 'investee_emissions_t', 'basis', 'share_percent', 'pcaf_score']);
    expect(sentEntry(e)).toEqual({ ...e, outstanding: '', investee_value: '' });
    // No basis chosen: none of the amounts is sent.
    e = withCell(e, 'basis', '');
    expect([cellOf(sentEntry(e), 'outstanding'), cellOf(sentEntry(e), 'investee_value'), cellOf(sentEntry(e), 'share_percent')]).toEqual(['', '', '']);
    // The score starts unchosen; it is one of five.
    expect(cellOf(emptyEntry('investment'), 'pcaf_score')).toBe('');
  });

  it('names the investee\'s value by the basis, the equity share apart from a commuting share, PCAF\'s scores as the form does', () => {
    const e = emptyEntry('investment');
    expect(fieldKey(e, 'investee_value')).toBe('qty.f.investee_value');
    expect(fieldKey(withCell(e, 'basis', 'listed_equity_bonds'), 'investee_value')).toBe('qty.f.investee_value.listed_equity_bonds');
    expect(fieldKey(withCell(e, 'basis', 'project_finance'), 'investee_value')).toBe('qty.f.investee_value.project_finance');
    expect(fieldKey(e, 'share_percent')).toBe('qty.f.equity_share_percent');
    expect(fieldKey(emptyEntry('commute'), 'share_percent')).toBe('qty.f.share_percent');
    expect(choiceKey('pcaf_score', '2')).toBe('act.s3.pcaf.2');
    expect(choiceKey('basis', 'equity_share')).toBe('qty.c.basis.equity_share');
  });

  it('fills an investment\'s attribution and PCAF score, and keeps them for a calculator that gives none', () => {
    const d = { ...emptyDraft(), facility: 'HQ', attribution: '0.5', pcaf_score: '4' };
    const out = applyWorked(d, holding, null);
    expect(out).toEqual({
      ...d,
      activity: 'investee_scope1_2',
      quantity: '4800',
      unit: 't',
      scope3_category: '15',
      method: 'investment-specific',
      attribution: '0.25',
      pcaf_score: '2',
      note: holding.working,
    });
    const flown = applyWorked(d, leg, null);
    expect([flown.attribution, flown.pcaf_score]).toEqual(['0.5', '4']);
  });

  it('keeps the user\'s note and replaces its own previous working', () => {
    expect(noteWith('', 'W1', null)).toBe('W1');
    expect(noteWith('Trip to Lima', 'W1', null)).toBe('Trip to Lima · W1');
    expect(noteWith('Trip to Lima · W1', 'W2', 'W1')).toBe('Trip to Lima · W2');
    expect(noteWith('W1', 'W2', 'W1')).toBe('W2');
    // The user rewrote the note: the new working goes after it.
    expect(noteWith('my own words', 'W2', 'W1')).toBe('my own words · W2');
  });
});
