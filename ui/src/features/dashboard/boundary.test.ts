import { describe, expect, it } from 'vitest';
import type { FacilityTotals } from '../../lib/bindings';
import { basisKey, countedInFull, marketAbove } from './boundary';

const totals = (v: string) => ({ scope1: v, scope2_location: v, scope2_market: v, scope3: v, biogenic_co2: '0' });

const row = (facility: string, share: string, above = false): FacilityTotals => ({
  facility,
  totals: totals('3'),
  share_applied: share,
  own: totals('10'),
  scope2_market_basis: 'residual-mix',
  market_above_location: above,
});

describe('the by-facility table', () => {
  it('repeats a facility’s own figures only when the organisation counts part of it', () => {
    expect(countedInFull(row('A', '100'))).toBe(true);
    expect(countedInFull(row('A', '100.00'))).toBe(true);
    expect(countedInFull(row('A', '30'))).toBe(false);
    expect(countedInFull(row('A', '0'))).toBe(false);
    expect(countedInFull(row('A', '1000'))).toBe(false);
  });

  it('names each basis by a message key', () => {
    expect(basisKey('instruments')).toBe('dashboard.basis.instruments');
    expect(basisKey('residual-mix')).toBe('dashboard.basis.residual-mix');
    expect(basisKey('grid-average')).toBe('dashboard.basis.grid-average');
  });

  it('lists the facilities whose market-based figure is above location-based, as the calculation says', () => {
    expect(marketAbove([row('A', '100', true), row('B', '30'), row('C', '60', true)])).toEqual(['A', 'C']);
    expect(marketAbove([])).toEqual([]);
  });
});
