// The reconciliation panel's logic: reason codes named in the user's language, the check that a
// line's reasons add up to inventory − scheme (exactly, on the decimal strings), how the
// verifier's figure stands to the computed one, and the facilities whose scheme figure takes
// the factor's defaults.

import type { ReconciliationHolder, ReconciliationLine } from '../../lib/bindings';
import type { MessageKey } from '../../lib/i18n';
import { add, same, sign, subtract } from './decimal';

/** The reason codes of decision 0031, each with its dictionary key. */
export const REASON_KEYS: Record<string, MessageKey> = {
  'outside-scheme': 'cmp.reason.outside-scheme',
  'indirect-excluded': 'cmp.reason.indirect-excluded',
  'gas-excluded': 'cmp.reason.gas-excluded',
  'co2e-only-factor': 'cmp.reason.co2e-only-factor',
  'default-parameter': 'cmp.reason.default-parameter',
  'boundary-share': 'cmp.reason.boundary-share',
};

/** The dictionary key naming a reason code; null for a code this screen does not know (shown as the code). */
export function reasonKey(code: string): MessageKey | null {
  return Object.prototype.hasOwnProperty.call(REASON_KEYS, code) ? (REASON_KEYS[code] ?? null) : null;
}

/** Whether a line's reasons add up to its inventory − scheme figure, exactly. */
export function lineBalances(line: Pick<ReconciliationLine, 'inventory_t' | 'scheme_t' | 'reasons'>): boolean {
  const sum = line.reasons.reduce((a, r) => add(a, r.tonnes), '0');
  return same(sum, subtract(line.inventory_t, line.scheme_t));
}

/** How the verifier's figure stands to the computed one. */
export type VerifiedSide = 'above' | 'below' | 'equal' | 'none';

export function verifiedSide(h: Pick<ReconciliationHolder, 'verified_minus_computed_t'>): VerifiedSide {
  if (h.verified_minus_computed_t === null) return 'none';
  const s = sign(h.verified_minus_computed_t);
  return s > 0 ? 'above' : s < 0 ? 'below' : 'equal';
}

/** The facilities with `facility` switched in or out, in code order, each once. */
export function toggled(list: readonly string[], facility: string): string[] {
  const set = new Set(list);
  if (set.has(facility)) set.delete(facility);
  else set.add(facility);
  return [...set].sort();
}
