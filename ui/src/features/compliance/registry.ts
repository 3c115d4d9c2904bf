// The EU registry panel's and the EU position's pure helpers: a registry figure is its exact
// decimal or the status the registry gives instead (never a zero), the paths an import reads,
// the page the list shows, an installation's facilities to tie to, a holder's installations.

import type { EtsFacilityView, InstallationPositionLine, RegistryFigure } from '../../lib/bindings';

/** A figure as the screen shows it: a decimal (formatted by the caller) or a status text. */
export type Shown = { kind: 'value'; value: string } | { kind: 'status'; status: string };

export function shownFigure(f: RegistryFigure): Shown {
  return 'value' in f ? { kind: 'value', value: f.value } : { kind: 'status', status: f.status };
}

/** The figures of an EU installation line that the registry may give as a status. */
export type InstallationFigure = 'free_allocation_t' | 'verified_t' | 'surrendered_t';

/** An installation's figure: its decimal, else the registry's status for it, else none (null). */
export function installationFigure(line: InstallationPositionLine, key: InstallationFigure): Shown | null {
  const v = line[key];
  if (v !== null) return { kind: 'value', value: v };
  const s = line.figure_status.find((f) => f.figure === key);
  return s ? { kind: 'status', status: s.status } : null;
}

/** The paths typed, one a line, blanks trimmed and empty lines left out. */
export function pathsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** `text` (one path a line) with `path` added on its own line, unless it is already listed. */
export function withPath(text: string, path: string): string {
  const list = pathsOf(text);
  return list.includes(path) ? list.join('\n') : [...list, path].join('\n');
}

/** The last path listed (where the dialog starts), or ''. */
export function lastPath(text: string): string {
  return pathsOf(text).at(-1) ?? '';
}

export interface PageInfo {
  /** 1-based first and last row shown (0, 0 when none). */
  from: number;
  to: number;
  prev: number | null;
  next: number | null;
}

/** Where a page of `shown` rows from `offset` lies among `matching`, and the offsets either side. */
export function pageInfo(offset: number, shown: number, limit: number, matching: number): PageInfo {
  return {
    from: shown === 0 ? 0 : offset + 1,
    to: offset + shown,
    prev: offset > 0 ? Math.max(0, offset - limit) : null,
    next: offset + shown < matching ? offset + limit : null,
  };
}

/** The EU-registered facilities an installation of `holder` may be tied to (the holder's own). */
export function linkable(registrations: EtsFacilityView[], holder: string): EtsFacilityView[] {
  return registrations.filter((r) => r.scheme === 'eu-ets' && r.enterprise === holder);
}

/** The position's installations of one account holder, in the position's order. */
export function installationsOf(lines: InstallationPositionLine[], holder: string): InstallationPositionLine[] {
  return lines.filter((l) => l.account_holder === holder);
}

/** The rows of one page of a long list (the position's holders), and how many pages there are. */
export function slicePage<T>(items: T[], page: number, size: number): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { rows: items.slice(p * size, p * size + size), page: p, pages };
}
