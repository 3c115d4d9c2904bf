// The auditor's lines list, a page at a time (decision 0042). A package can hold a million lines:
// the open package stays indexed in the shell, the list is virtualised, and only the pages of the
// rows in view are asked for, one request at a time (a fast scroll asks only for where it stops).
// Also: how the sample panel's materiality choice becomes the text the shell parses.

import type { AuditorLine, AuditorLinePage } from '../../lib/bindings';

/** Lines a page holds. */
export const PAGE = 200;

/** Pages kept at most; those farthest from the rows in view are dropped first. */
export const KEPT = 30;

export type Fetch = (offset: number, limit: number) => Promise<AuditorLinePage>;

/** The pages holding rows `[start, end)`. */
export function pagesFor(start: number, end: number, size = PAGE): number[] {
  if (!(end > start) || !(size > 0)) return [];
  const first = Math.floor(Math.max(0, start) / size);
  const last = Math.floor((end - 1) / size);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export class LinePages {
  /** How many lines match, as the last page said (`null` before any page). */
  matching: number | null = null;
  private pages = new Map<number, AuditorLine[]>();
  private wanted: number[] = [];
  private loading = false;
  private stopped = false;

  constructor(
    private readonly fetch: Fetch,
    private readonly onchange: () => void,
    private readonly onerror: (e: unknown) => void,
    private readonly size = PAGE,
    private readonly kept = KEPT,
  ) {}

  at(index: number): AuditorLine | undefined {
    return this.pages.get(Math.floor(index / this.size))?.[index % this.size];
  }

  show(start: number, end: number): void {
    this.wanted = pagesFor(start, end, this.size);
    void this.pump();
  }

  stop(): void {
    this.stopped = true;
  }

  /** Load the first page (to learn how many lines match). */
  async first(): Promise<void> {
    this.wanted = [0];
    await this.pump();
  }

  private async pump(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      for (;;) {
        const next = this.wanted.find((n) => !this.pages.has(n));
        if (next === undefined || this.stopped) return;
        const page = await this.fetch(next * this.size, this.size);
        if (this.stopped) return;
        this.pages.set(next, page.lines);
        this.matching = page.matching;
        this.evict();
        this.onchange();
      }
    } catch (e) {
      if (!this.stopped) this.onerror(e);
    } finally {
      this.loading = false;
    }
  }

  private evict(): void {
    if (this.pages.size <= this.kept) return;
    const centre = this.wanted[0] ?? 0;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const n of far.slice(0, this.pages.size - this.kept)) this.pages.delete(n);
  }
}

/** The materiality choices of the sample panel. */
export type MaterialityChoice = '5' | '2' | 'other';

/** The materiality text sent to the shell (which parses it exactly): 5, 2, or what was typed. */
export function materialityText(choice: MaterialityChoice, other: string): string {
  return choice === 'other' ? other.trim() : choice;
}

/** The sample size sent: `null` (the default size) for an empty field, else the number typed. */
export function sizeValue(text: string): number | null | 'invalid' {
  const t = text.trim();
  if (t === '') return null;
  return /^\d+$/.test(t) && Number(t) <= 4294967295 ? Number(t) : 'invalid';
}
