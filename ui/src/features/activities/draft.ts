// Pure helpers of the activity entry row (kept out of the component so they can be unit-tested).

import type { ActivityDraft, ActivityType, AppError, FieldError } from '../../lib/bindings';
import { groupFieldErrors, validationErrors, type FieldErrors } from '../../lib/fieldErrors';

/** The columns of an activity row, in grid order; error `field`s name one of these or "". */
export const COLUMNS = [
  'facility',
  'period_start',
  'period_end',
  'activity',
  'quantity',
  'unit',
  'region',
  'factor',
  'evidence',
  'data_quality',
  'note',
  'sector',
  'ncv_gj_per_unit',
  'carbon_t_per_gj',
  'oxidation',
  'parameter_source',
] as const satisfies readonly (keyof ActivityDraft)[];

/** How a record's own fuel parameters were obtained (the library's `parameter_source` values). */
export const PARAMETER_SOURCES = ['measured', 'calculated', 'default'] as const;

/** The record's own fuel parameters, in the order they are shown. */
export const PARAMETERS = ['ncv_gj_per_unit', 'carbon_t_per_gj', 'oxidation'] as const satisfies readonly Column[];

/**
 * The fuel parameters a record gives, as typed, in display order (empty ones left out: the
 * factor's default applies to them, and nothing is shown for them).
 */
export function givenParameters(d: ActivityDraft): { field: (typeof PARAMETERS)[number]; value: string }[] {
  return PARAMETERS.filter((f) => d[f].trim() !== '').map((field) => ({ field, value: d[field].trim() }));
}

export type Column = (typeof COLUMNS)[number];

/** The cells every row needs before it is worth asking the Rust side to check it. */
export const REQUIRED: readonly Column[] = ['facility', 'period_start', 'period_end', 'activity', 'quantity', 'unit'];

export function emptyDraft(): ActivityDraft {
  return {
    facility: '',
    period_start: '',
    period_end: '',
    activity: '',
    quantity: '',
    unit: '',
    region: '',
    factor: '',
    evidence: '',
    data_quality: '',
    note: '',
    sector: '',
    ncv_gj_per_unit: '',
    carbon_t_per_gj: '',
    oxidation: '',
    parameter_source: '',
  };
}

/** Whether every required cell has something in it. */
export function requiredFilled(d: ActivityDraft): boolean {
  return REQUIRED.every((c) => d[c].trim() !== '');
}

/** A stable key of a draft's contents, to skip checking the same row twice. */
export function draftKey(d: ActivityDraft): string {
  return JSON.stringify(COLUMNS.map((c) => d[c]));
}

/** The draft as sent: cells exactly as typed (the Rust side trims and validates). */
export function snapshot(d: ActivityDraft): ActivityDraft {
  const out = emptyDraft();
  for (const c of COLUMNS) out[c] = d[c];
  return out;
}

/**
 * The fields of the record form: the columns, and the reason of an edit or a restatement (asked
 * for only then). An error about any other field is shown at the row.
 */
export const FORM_FIELDS = [...COLUMNS, 'reason'] as const;

export type FormField = (typeof FORM_FIELDS)[number];

/** The form's errors: each at its cell (`err-<field>`), the rest at the row (`err-row`). */
export type FormErrors = FieldErrors<FormField>;

/**
 * Errors grouped by where they are shown: each known field at its cell, everything else
 * (the empty field, or a column the grid has no cell for) at the row.
 */
export function groupErrors(details: readonly FieldError[]): FormErrors {
  return groupFieldErrors(details, FORM_FIELDS);
}

/**
 * What a refused save shows in the form: a validation error's problems at their cells (or its
 * message at the row when it names none); `null` for any other error, which goes to the banner.
 */
export function saveErrors(error: AppError): FormErrors | null {
  return error.code === 'validation' ? validationErrors(error, FORM_FIELDS) : null;
}

/** The form field an input is, by its `data-col`, if it is one. */
export function fieldOf(name: string | undefined): FormField | undefined {
  return (FORM_FIELDS as readonly (string | undefined)[]).includes(name) ? (name as FormField) : undefined;
}

/** The activity type a draft names, if the list has it (activity types are lower case). */
export function findType(types: ActivityType[], activity: string): ActivityType | undefined {
  const a = activity.trim().toLowerCase();
  return a ? types.find((t) => t.activity === a) : undefined;
}

/**
 * What the hint under the activity cell says: the type's scope and units when the library knows
 * the activity; that it is unknown once the list for exactly what was typed has come back without
 * it; otherwise nothing.
 */
export function typeHint(
  types: ActivityType[],
  activity: string,
  typesQuery: string | null,
): { kind: 'known'; type: ActivityType } | { kind: 'unknown' } | { kind: 'none' } {
  const type = findType(types, activity);
  if (type) return { kind: 'known', type };
  const a = activity.trim().toLowerCase();
  return a !== '' && typesQuery === a ? { kind: 'unknown' } : { kind: 'none' };
}
