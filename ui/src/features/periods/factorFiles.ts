// A period's own factor files on the Periods screen (decision 0055): what the panel shows of a
// stored file and of a refused one. The store checks the file; nothing here reads it.

import type { AppError, FieldError } from '../../lib/bindings';

/** The first 16 hex digits of a SHA-256, as `scopebook factors files` lists it. */
export function shortSha(sha256: string): string {
  return sha256.slice(0, 16);
}

/** One problem of a refused file: its message (led by its file and line) and its column. */
export interface FileProblem {
  message: string;
  column: string;
  code: FieldError['code'];
}

/** Every problem a refusal carries, in the order found; none when it carries no details. */
export function fileProblems(err: AppError | null): FileProblem[] {
  return (err?.details ?? []).map((d) => ({ message: d.message, column: d.field, code: d.code }));
}

/** The dataset column: its id and edition, the edition left out when it is `-` (a plain file). */
export function datasetLabel(dataset: string, edition: string): string {
  return edition === '-' || edition === '' ? dataset : `${dataset} ${edition}`;
}
