// The Scope 3 screen's status form: what a category's status may be set to, and whether the
// form can be sent (an exclusion needs its reason, as `scopebook scope3 status set`). No Tauri,
// no DOM.

import type { Scope3Status } from '../../lib/bindings';

/** The statuses a user sets (`not-assessed` is only the absence of one). */
export const SETTABLE = ['relevant', 'excluded', 'not-applicable'] as const satisfies readonly Scope3Status[];
export type Settable = (typeof SETTABLE)[number];

/**
 * Whether a status with this reason and estimate can be saved: an exclusion needs a reason; an
 * estimate (t CO2e, decision 0054) is empty or a number of zero or more, and a category that is
 * not applicable has none. The store checks the same and says why when it refuses.
 */
export function canSave(status: Settable, reason: string, estimate = ''): boolean {
  return (status !== 'excluded' || reason.trim().length > 0) && estimateOk(status, estimate);
}

/** An estimate the form may send: none, or a plain decimal of zero or more (not for a category that is not applicable). */
export function estimateOk(status: Settable, estimate: string): boolean {
  const e = estimate.trim();
  if (e === '') return true;
  return status !== 'not-applicable' && /^\d+(\.\d+)?$/.test(e);
}

/** The status the form starts from: the category's own, or relevant when it has none. */
export function startStatus(status: Scope3Status): Settable {
  return status === 'not-assessed' ? 'relevant' : status;
}
