// Field errors of a form, grouped by the field they are shown at. Every screen with a form keeps
// its errors this way and shows each field's with `FieldError.svelte`. An error is found by its
// `field` (the Rust side's name of the field), never by its message text.

import type { AppError, DiagnosticCode, FieldError } from './bindings';

/**
 * A problem shown at a form: a `FieldError` the Rust side located (its `code` is a code of the
 * diagnostic catalogue), or one with no catalogue code (`null`): a refusal that named no problem.
 */
export type FormError = Omit<FieldError, 'code'> & { code: DiagnosticCode | null };

/**
 * Errors by field, in the order they came. The key `''` holds the errors that are not about one
 * of the form's fields: they are shown at the form (or only in the error banner).
 */
export type FieldErrors<F extends string = string> = Partial<Record<F | '', FormError[]>>;

/**
 * Groups errors by field. Given the form's `fields`, an error about any other field is put under
 * `''`; without them, every error stays under its own field.
 */
export function groupFieldErrors<F extends string = string>(
  details: readonly FormError[],
  fields?: readonly F[],
): FieldErrors<F> {
  const known: readonly string[] | undefined = fields;
  const out: FieldErrors<F> = {};
  for (const d of details) {
    const key = (known === undefined || known.includes(d.field) ? d.field : '') as F | '';
    (out[key] ??= []).push(d);
  }
  return out;
}

/**
 * The field errors of a validation error. A validation error that names no field is put under
 * `''` with its message, so the form can still say why it was refused; any other error has none
 * (it belongs in the banner).
 */
export function validationErrors<F extends string = string>(error: AppError, fields?: readonly F[]): FieldErrors<F> {
  if (error.code !== 'validation') return {};
  if (error.details.length > 0) return groupFieldErrors(error.details, fields);
  const whole: FieldErrors<F> = {};
  whole[''] = [localError('', error.message, null)];
  return whole;
}

/** The errors about these fields, in the order of the fields. */
export function errorsFor<F extends string>(errors: FieldErrors<F>, ...fields: NoInfer<F | ''>[]): FormError[] {
  return fields.flatMap((f) => errors[f] ?? []);
}

/** The errors without those about `field` (which was just changed, so they are out of date). */
export function withoutField<F extends string>(errors: FieldErrors<F>, field: NoInfer<F | ''>): FieldErrors<F> {
  if (!(field in errors)) return errors;
  const rest: FieldErrors<F> = { ...errors };
  delete rest[field];
  return rest;
}

/** Whether any field has an error. */
export function hasFieldErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some((list) => list !== undefined && list.length > 0);
}

/** An error the UI puts at a field itself (a check made before asking the Rust side, with its catalogue code). */
export function localError(field: string, message: string, code: DiagnosticCode | null): FormError {
  return { field, code, message, severity: 'error' };
}
