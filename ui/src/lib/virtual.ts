// The index math of a virtualised list of fixed-height rows: which rows to render for a scroll
// position, where to put them, and how to scroll so a row is in view.

export interface WindowInput {
  /** Pixels scrolled from the top of the rows. */
  scrollTop: number;
  /** Pixels of rows visible at once. */
  viewportHeight: number;
  /** Height of every row, in pixels (> 0). */
  rowHeight: number;
  /** Number of rows in the list. */
  count: number;
  /** Extra rows rendered above and below the visible ones, so fast scrolling shows no gap. */
  overscan?: number;
}

export interface RowWindow {
  /** First row to render (inclusive). */
  start: number;
  /** Row after the last one to render (exclusive); `end - start` rows are rendered. */
  end: number;
  /** Offset of row `start` from the top of the list, in pixels. */
  offset: number;
  /** Height of the whole list, in pixels. */
  totalHeight: number;
}

const clamp = (n: number, lo: number, hi: number) => Math.min(Math.max(n, lo), hi);

/** The rows to render for a scroll position. */
export function visibleWindow({ scrollTop, viewportHeight, rowHeight, count, overscan = 0 }: WindowInput): RowWindow {
  const rows = Math.max(0, Math.floor(count));
  if (!(rowHeight > 0) || rows === 0) return { start: 0, end: 0, offset: 0, totalHeight: 0 };
  const totalHeight = rows * rowHeight;
  const viewport = Math.max(0, viewportHeight);
  // A list that shrank under a scrolled viewport: show its last screen, not nothing.
  const top = clamp(Number.isFinite(scrollTop) ? scrollTop : 0, 0, Math.max(0, totalHeight - viewport));
  const extra = Math.max(0, Math.floor(overscan));
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + viewport) / rowHeight); // exclusive
  const start = clamp(first - extra, 0, rows);
  const end = clamp(Math.max(last, first + 1) + extra, start, rows);
  return { start, end, offset: start * rowHeight, totalHeight };
}

/**
 * The scrollTop that brings row `index` fully into view with the least movement (unchanged when
 * it already is in view).
 */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
