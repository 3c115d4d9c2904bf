// The Scope 3 screen's status form: what a category's status may be set to, and whether the
// form can be sent (an exclusion needs its reason, as `scopebook scope3 status set`). No Tauri,
// no DOM.

import type { Scope3Status } from '../../lib/bindings';

/** The statuses a user sets (`not-assessed` is only the absence of one). */
export const SETTABLE = ['relevant', 'excluded', 'not-applicable'] as const satisfies readonly Scope3Status[];
export type Settable = (typeof SETTABLE)[number];

/** Whether a status with this reason can be saved: an exclusion needs a reason. */
export function canSave(status: Settable, reason: string): boolean {
  return status !== 'excluded' || reason.trim().length > 0;
}

/** The status the form starts from: the category's own, or relevant when it has none. */
export function startStatus(status: Scope3Status): Settable {
  return status === 'not-assessed' ? 'relevant' : status;
}
