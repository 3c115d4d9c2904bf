// The dashboard's lines table, a page at a time. A period can hold a million records, so the
// table is virtualised and loads only the pages of the rows in view: `dashboard_lines` calculates
// just those records. Row i of the table is the period's record i in entry order: its line, or
// why it could not be calculated.

import type { DashboardLine, DashboardLinesPage, UnresolvedRow } from '../../lib/bindings';

/** Records a page holds. */
export const LINES_PAGE = 100;

/** Pages kept at most; those farthest from the rows in view are dropped first. */
export const PAGES_KEPT = 40;

export type LineRow = { kind: 'line'; line: DashboardLine } | { kind: 'unresolved'; row: UnresolvedRow };

/** A page's rows in entry order: its lines and its unresolved rows, merged by record id. */
export function pageRows(page: DashboardLinesPage): LineRow[] {
  const rows: LineRow[] = [];
  let u = 0;
  for (const line of page.lines) {
    while (u < page.unresolved.length && page.unresolved[u].id < line.id) {
      rows.push({ kind: 'unresolved', row: page.unresolved[u++] });
    }
    rows.push({ kind: 'line', line });
  }
  for (; u < page.unresolved.length; u++) rows.push({ kind: 'unresolved', row: page.unresolved[u] });
  return rows;
}

/** The pages holding rows `[start, end)`. */
export function pagesFor(start: number, end: number, size = LINES_PAGE): number[] {
  if (!(end > start) || !(size > 0)) return [];
  const first = Math.floor(Math.max(0, start) / size);
  const last = Math.floor((end - 1) / size);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export type FetchPage = (offset: number, limit: number) => Promise<DashboardLinesPage>;

/**
 * The pages of the table loaded so far. `show(start, end)` says which rows are in view; the
 * pages they need are loaded one request at a time (so a fast scroll through a million rows asks
 * only for where it stops, not for every page it passed), and `onchange` is called when one
 * arrives. `stop()` discards a table whose results are no longer wanted (a refresh).
 */
export class LinePages {
  /** The period's record count as the last page said (`null` before any page). */
  total: number | null = null;
  private pages = new Map<number, LineRow[]>();
  private wanted: number[] = [];
  private failed = new Set<number>();
  private loading = false;
  private stopped = false;

  constructor(
    private readonly fetch: FetchPage,
    private readonly onchange: () => void,
    private readonly onerror: (e: unknown) => void,
    private readonly size = LINES_PAGE,
    private readonly kept = PAGES_KEPT,
  ) {}

  /** Row `index`, or undefined while its page is not loaded. */
  at(index: number): LineRow | undefined {
    const page = this.pages.get(Math.floor(index / this.size));
    return page?.[index % this.size];
  }

  /** Whether page `n` is loaded. */
  has(n: number): boolean {
    return this.pages.has(n);
  }

  /** The rows in view are `[start, end)`: load the pages they need. */
  show(start: number, end: number): void {
    this.wanted = pagesFor(start, end, this.size);
    void this.pump();
  }

  stop(): void {
    this.stopped = true;
  }

  private next(): number | undefined {
    return this.wanted.find((n) => !this.pages.has(n) && !this.failed.has(n));
  }

  private async pump(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      for (let n = this.next(); n !== undefined && !this.stopped; n = this.next()) {
        try {
          const page = await this.fetch(n * this.size, this.size);
          if (this.stopped) return;
          this.total = page.total;
          this.pages.set(n, pageRows(page));
          this.evict();
          this.onchange();
        } catch (e) {
          this.failed.add(n);
          if (!this.stopped) this.onerror(e);
        }
      }
    } finally {
      this.loading = false;
    }
  }

  /** Keep at most `kept` pages: drop those farthest from the ones in view. */
  private evict(): void {
    if (this.pages.size <= this.kept) return;
    const centre = this.wanted.length > 0 ? this.wanted[0] : 0;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const n of far.slice(0, this.pages.size - this.kept)) this.pages.delete(n);
  }
}
