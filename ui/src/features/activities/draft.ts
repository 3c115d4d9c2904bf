// Pure helpers of the activity entry row (kept out of the component so they can be unit-tested).

import type { ActivityDraft, ActivityType, FieldError } from '../../lib/bindings';

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
] as const satisfies readonly (keyof ActivityDraft)[];

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
 * Errors grouped by where they are shown: each known column at its cell, everything else
 * (the empty field, or a column the grid has no cell for) at the row.
 */
export function groupErrors(details: FieldError[]): Partial<Record<Column | '', FieldError[]>> {
  const out: Partial<Record<Column | '', FieldError[]>> = {};
  for (const d of details) {
    const key: Column | '' = (COLUMNS as readonly string[]).includes(d.field) ? (d.field as Column) : '';
    (out[key] ??= []).push(d);
  }
  return out;
}

/** The activity type a draft names, if the list has it (activity types are lower case). */
export function findType(types: ActivityType[], activity: string): ActivityType | undefined {
  const a = activity.trim().toLowerCase();
  return a ? types.find((t) => t.activity === a) : undefined;
}
