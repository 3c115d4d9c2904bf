// The paging of the record list: which records a page shows and where Previous, Next and a save
// take it. Offsets are 0-based indexes of the first record shown; what people read is 1-based.

/** Records a page shows. */
export const PAGE = 100;

/** The 1-based range of records a page shows, for "records {from}–{to} of {total}". */
export function pageRange(offset: number, total: number, limit = PAGE): { from: number; to: number; total: number } {
  return { from: Math.min(offset + 1, total), to: Math.min(offset + limit, total), total };
}

/** Whether the records need more than one page (the pager is shown only then). */
export const paged = (total: number, limit = PAGE): boolean => total > limit;

export const hasPrevious = (offset: number): boolean => offset > 0;
export const hasNext = (offset: number, total: number, limit = PAGE): boolean => offset + limit < total;

export const previousOffset = (offset: number, limit = PAGE): number => Math.max(0, offset - limit);
export const nextOffset = (offset: number, total: number, limit = PAGE): number =>
  hasNext(offset, total, limit) ? offset + limit : offset;

/**
 * The offset after a save, so the saved record (the new last one) is in view: the last page when
 * the page shown ends before record `total + 1` (`total` counted before the save); else the same.
 */
export function offsetAfterSave(offset: number, total: number, limit = PAGE): number {
  return offset + limit <= total ? Math.floor(total / limit) * limit : offset;
}
