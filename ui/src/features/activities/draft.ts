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
  'scope3_category',
  'method',
  'dq_technology',
  'dq_time',
  'dq_geography',
  'dq_completeness',
  'dq_reliability',
  'currency_year',
  'exchange_rate',
  'price_index',
  'attribution',
  'pcaf_score',
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
    scope3_category: '',
    method: '',
    dq_technology: '',
    dq_time: '',
    dq_geography: '',
    dq_completeness: '',
    dq_reliability: '',
    currency_year: '',
    exchange_rate: '',
    price_index: '',
    attribution: '',
    pcaf_score: '',
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

// ---- the Scope 3 section (decisions 0035, 0050 and 0051) ---------------------------------------

/** The GHG Protocol's Scope 3 categories. */
export const SCOPE3_CATEGORIES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] as const;

/** The Scope 3 methods the activity-file reader accepts (`scope3::Scope3Method`). */
export const METHODS = [
  'supplier-specific',
  'hybrid',
  'average-data',
  'spend-based',
  'distance-based',
  'fuel-based',
  'waste-type-specific',
  'investment-specific',
] as const;

/** The five data-quality indicators, each scored 1 (very good) to 5 (very poor): all or none. */
export const DQ_FIELDS = ['dq_technology', 'dq_time', 'dq_geography', 'dq_completeness', 'dq_reliability'] as const satisfies readonly Column[];

/** A spend line's money: the price year, the exchange rate and the price index. */
export const MONEY_FIELDS = ['currency_year', 'exchange_rate', 'price_index'] as const satisfies readonly Column[];

/** Category 15's cells: the reporter's share (0–1) and the PCAF score (1–5). */
export const INVESTMENT_FIELDS = ['attribution', 'pcaf_score'] as const satisfies readonly Column[];

/** Every cell of the Scope 3 section. */
export const SCOPE3_FIELDS = ['scope3_category', 'method', ...DQ_FIELDS, ...MONEY_FIELDS, ...INVESTMENT_FIELDS] as const satisfies readonly Column[];

const filled = (d: ActivityDraft, fields: readonly Column[]) => fields.some((f) => d[f].trim() !== '');
const erred = (errors: FormErrors, fields: readonly Column[]) => fields.some((f) => (errors[f]?.length ?? 0) > 0);

/** Whether a draft gives any Scope 3 cell. */
export function hasScope3(d: ActivityDraft): boolean {
  return filled(d, SCOPE3_FIELDS);
}

/**
 * Whether the Scope 3 section starts open: for a line of a Scope 3 activity type, a record that
 * already gives any Scope 3 cell, or one of its cells in error; collapsed otherwise.
 */
export function scope3Open(d: ActivityDraft, type: ActivityType | undefined, errors: FormErrors): boolean {
  const scope3Type = type !== undefined && type.scopes.length > 0 && type.scopes.every((s) => s === 3);
  return scope3Type || hasScope3(d) || erred(errors, SCOPE3_FIELDS);
}

/** An ISO 4217-like currency code as a unit (a spend line's quantity is money). */
const CURRENCY = /^[A-Z]{3}$/;

/**
 * Whether the money cells are shown: on a spend line (method spend-based, a `spend.` activity, or
 * a currency as its unit), or when one is given or in error.
 */
export function moneyRelevant(d: ActivityDraft, errors: FormErrors = {}): boolean {
  return (
    d.method.trim() === 'spend-based' ||
    d.activity.trim().toLowerCase().startsWith('spend.') ||
    CURRENCY.test(d.unit.trim()) ||
    filled(d, MONEY_FIELDS) ||
    erred(errors, MONEY_FIELDS)
  );
}

/**
 * Whether the category-15 cells are shown: category 15 chosen, the investment-specific method, or
 * one of them given or in error. (A factor's own category is known only once the row is checked,
 * so an investee line says 15 or its method.)
 */
export function investmentRelevant(d: ActivityDraft, errors: FormErrors = {}): boolean {
  return (
    d.scope3_category.trim() === '15' ||
    d.method.trim() === 'investment-specific' ||
    filled(d, INVESTMENT_FIELDS) ||
    erred(errors, INVESTMENT_FIELDS)
  );
}

/** What the record list shows of a record's Scope 3 cells: its method and PCAF score, if given. */
export function scope3Summary(d: ActivityDraft): { method: string | null; pcaf: string | null } {
  const method = d.method.trim();
  const pcaf = d.pcaf_score.trim();
  return { method: method === '' ? null : method, pcaf: pcaf === '' ? null : pcaf };
}
