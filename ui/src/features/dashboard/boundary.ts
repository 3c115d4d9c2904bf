// The dashboard's by-facility table: the organisation's share of each facility, its own figures,
// and what its market-based Scope 2 rests on. Every figure is the calculation's (decimal text);
// nothing is computed here. No Tauri, no DOM.

import type { FacilityTotals, Scope2MarketBasis } from '../../lib/bindings';

/** The message key naming a market-based basis. */
export type BasisKey = `dashboard.basis.${Scope2MarketBasis}`;

export function basisKey(basis: Scope2MarketBasis): BasisKey {
  return `dashboard.basis.${basis}`;
}

/**
 * Whether the organisation counts all of the facility (its share is 100 %, however the decimal
 * is written): the facility's own figures are then the ones counted, and are not repeated.
 */
export function countedInFull(f: FacilityTotals): boolean {
  return /^\s*100(\.0*)?\s*$/.test(f.share_applied);
}

/** The facilities whose market-based Scope 2 is above their location-based figure. */
export function marketAbove(facilities: readonly FacilityTotals[]): string[] {
  return facilities.filter((f) => f.market_above_location).map((f) => f.facility);
}
