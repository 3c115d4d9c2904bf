// The Browse… buttons beside the typed path fields (decision 0039): which files each field's
// dialog offers, and what picking or cancelling does to the field. The dialogs themselves are
// `pickOpenFile` / `pickSaveFile` in tauri.ts.

import type { MessageKey } from './i18n';
import { pickFolder, pickOpenFile, pickSaveFile, type FileFilter } from './tauri';

/** What a path field holds, which decides the dialog's file types. */
export type FileKind = 'organisation' | 'import' | 'csv' | 'workbook' | 'package' | 'report' | 'factors';

/** Whether the field names a file to read (open), one to write (save) or a folder to read (folder). */
export type BrowseMode = 'open' | 'save' | 'folder';

const EXTENSIONS: Record<FileKind, string[]> = {
  organisation: ['scopebook'],
  import: ['csv', 'xlsx', 'xls', 'ods'],
  csv: ['csv'],
  workbook: ['xlsx'],
  package: ['zip'],
  report: ['pdf', 'xlsx', 'csv'],
  factors: ['csv'],
};

/**
 * The filters of a kind's dialog, labelled in the current language: the kind's own types first,
 * then all files (an open dialog only; a save dialog keeps the kind's extension). A folder
 * dialog has none.
 */
export function filtersFor(kind: FileKind, mode: BrowseMode, tr: (key: MessageKey) => string): FileFilter[] {
  if (mode === 'folder') return [];
  const own: FileFilter = { name: tr(`browse.filter.${kind}`), extensions: EXTENSIONS[kind] };
  return mode === 'open' ? [own, { name: tr('browse.filter.all'), extensions: ['*'] }] : [own];
}

/**
 * Show a field's dialog, starting from what the field holds, and resolve to the field's new
 * value: the picked path, or `current` unchanged when the user cancels. A dialog that cannot be
 * shown rejects with an `AppError` (the field is then left as it is).
 */
export async function browse(mode: BrowseMode, kind: FileKind, current: string, tr: (key: MessageKey) => string): Promise<string> {
  const filters = filtersFor(kind, mode, tr);
  const start = current.trim();
  const picked =
    mode === 'open'
      ? await pickOpenFile(filters, start || undefined)
      : mode === 'folder'
        ? await pickFolder(start || undefined)
        : await pickSaveFile(start, filters);
  return picked ?? current;
}
