// The import wizard's pure logic: the mapping the user edits, the request sent to the Rust side,
// the value choices, the step reached, and the progress bar's arithmetic. No Tauri, no DOM.

import type {
  ColumnChoice,
  ImportField,
  ImportInspection,
  ImportPreview,
  ImportReadOptions,
  ImportRequest,
  Language,
  ValueChoiceInput,
  ValueKind,
} from '../../lib/bindings';

/** Field → the file's header ('' when the field is not mapped). */
export type Mapping = Record<string, string>;

/** The mapping shown in the selects: every field, pre-filled from the inspection. */
export function initialMapping(inspection: ImportInspection): Mapping {
  const out: Mapping = {};
  for (const f of inspection.fields) out[f.field] = '';
  for (const c of inspection.mapping) {
    if (inspection.headers.includes(c.header)) out[c.field] = c.header;
  }
  return out;
}

/** Every field with the header chosen for it ('' unmaps), so the Rust side uses exactly what is shown. */
export function columnChoices(fields: ImportField[], mapping: Mapping): ColumnChoice[] {
  return fields.map((f) => ({ field: f.field, header: mapping[f.field] ?? '' }));
}

/** Required fields with no column. */
export function missingRequired(fields: ImportField[], mapping: Mapping): string[] {
  return fields.filter((f) => f.required && !(mapping[f.field] ?? '').trim()).map((f) => f.field);
}

/** Headers chosen for more than one field. */
export function sharedHeaders(mapping: Mapping): string[] {
  const seen = new Map<string, number>();
  for (const h of Object.values(mapping)) if (h) seen.set(h, (seen.get(h) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([h]) => h);
}

/** The field's label in the UI language. */
export function fieldLabel(f: ImportField, language: Language): string {
  return language === 'zh' ? f.label_zh : f.label_en;
}

/** The user's answers for values the file spells its own way: `kind\u0000value` → target. */
export type ValueChoices = Record<string, string>;

export const valueKey = (kind: ValueKind, value: string): string => `${kind}\u0000${value}`;

const VALUE_KINDS: readonly string[] = ['activity', 'unit'] satisfies ValueKind[];

/** The value choices with a target, as the request carries them. */
export function valueInputs(choices: ValueChoices): ValueChoiceInput[] {
  return Object.entries(choices)
    .filter(([, target]) => target.trim() !== '')
    .flatMap(([key, target]): ValueChoiceInput[] => {
      const [kind, value] = key.split('\u0000');
      // Every key is made by `valueKey`; a key without a kind is not a choice.
      return VALUE_KINDS.includes(kind) ? [{ kind: kind as ValueKind, value, target: target.trim() }] : [];
    })
    .sort((a, b) => (a.kind + a.value < b.kind + b.value ? -1 : a.kind + a.value > b.kind + b.value ? 1 : 0));
}

/** The read options typed in the wizard. */
export function readOptions(sheet: string, headerRow: string, delimiter = '', encoding = ''): ImportReadOptions {
  const n = Number(headerRow.trim());
  return {
    sheet,
    header_row: Number.isInteger(n) && n > 0 ? n : 0,
    delimiter,
    encoding,
  };
}

export interface RequestParts {
  path: string;
  read: ImportReadOptions;
  year: number;
  fields: ImportField[];
  mapping: Mapping;
  values: ValueChoices;
  saveTemplate: string;
  skippedPath: string;
}

export function buildRequest(p: RequestParts): ImportRequest {
  return {
    path: p.path.trim(),
    read: p.read,
    year: p.year,
    template: '',
    columns: columnChoices(p.fields, p.mapping),
    values: valueInputs(p.values),
    save_template: p.saveTemplate.trim(),
    skipped_path: p.skippedPath.trim(),
  };
}

/** A key of everything a preview depends on: a preview is out of date when it changes. */
export function requestKey(r: ImportRequest): string {
  return JSON.stringify([r.path, r.read, r.year, r.columns, r.values]);
}

/** The default file the skipped rows go to: `name.skipped.csv` beside the file (as the Rust side). */
export function defaultSkippedPath(path: string): string {
  const p = path.trim();
  const slash = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  const dir = p.slice(0, slash + 1);
  const name = p.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name || 'import';
  return `${dir}${stem}.skipped.csv`;
}

/** A suggested path for the blank workbook: beside the organisation file. */
export function templatePath(orgPath: string, language: Language): string {
  const slash = Math.max(orgPath.lastIndexOf('/'), orgPath.lastIndexOf('\\'));
  const dir = slash >= 0 ? orgPath.slice(0, slash + 1) : '';
  return `${dir}scopebook-import-template-${language}.xlsx`;
}

/** Whole percent done, 0–100 (integers only; a zero total is 0 %). */
export function percent(done: number, total: number): number {
  if (total <= 0 || done <= 0) return 0;
  if (done >= total) return 100;
  return Math.floor((done * 100) / total);
}

/** The wizard's steps, in order. */
export const STEPS = ['file', 'sheet', 'mapping', 'preview', 'import'] as const;
export type Step = (typeof STEPS)[number];

/** The furthest step the user has reached. */
export function stepReached(inspection: ImportInspection | null, preview: ImportPreview | null, done: boolean): Step {
  if (!inspection) return 'file';
  if (done) return 'import';
  if (preview) return 'preview';
  return 'mapping';
}

/** Options offered for an unknown value: its suggestions, plus what the user already chose. */
export function valueOptions(suggestions: string[], chosen: string): string[] {
  const out = [...suggestions];
  if (chosen && !out.includes(chosen)) out.unshift(chosen);
  return out;
}
