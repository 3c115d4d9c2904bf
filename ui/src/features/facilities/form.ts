// The facility form: what is typed, and the `FacilityInput` sent to the Rust side. No Tauri, no DOM.

import type { AppError, FacilityInput } from '../../lib/bindings';

/** The form as typed: every text field is text, the equity share too ('' when not given). */
export type FacilityForm = Omit<FacilityInput, 'equity_share'> & { equity_share: string };

/**
 * The input sent for the form. An empty equity share is sent as absent (`null`): a new facility
 * then gets the store's default of 100 %, and an edit leaves the share as it was.
 */
export function facilityInput(form: FacilityForm): FacilityInput {
  const share = form.equity_share.trim();
  return { ...form, equity_share: share === '' ? null : share };
}

/**
 * Whether a refused change can be made as a restatement: the store refused it (`locked`) because
 * it alters the figures of a locked period. The user may then confirm it as a restatement with
 * a reason; any other refusal is shown as it is.
 */
export function asksRestatement(error: AppError): boolean {
  return error.code === 'locked';
}
