import { describe, expect, it } from 'vitest';
import { PAGE, hasNext, hasPrevious, nextOffset, offsetAfterSave, pageRange, paged, previousOffset } from './paging';

describe('record list paging', () => {
  it('shows the 1-based range of a page', () => {
    expect(pageRange(0, 250)).toEqual({ from: 1, to: 100, total: 250 });
    expect(pageRange(200, 250)).toEqual({ from: 201, to: 250, total: 250 });
    expect(pageRange(0, 0)).toEqual({ from: 0, to: 0, total: 0 });
  });

  it('pages only past one page of records', () => {
    expect(paged(PAGE)).toBe(false);
    expect(paged(PAGE + 1)).toBe(true);
  });

  it('moves a page back and forth within the records', () => {
    expect(hasPrevious(0)).toBe(false);
    expect(hasPrevious(100)).toBe(true);
    expect(previousOffset(100)).toBe(0);
    expect(previousOffset(40)).toBe(0);
    expect(hasNext(0, 250)).toBe(true);
    expect(hasNext(200, 250)).toBe(false);
    expect(hasNext(100, 200)).toBe(false);
    expect(nextOffset(100, 250)).toBe(200);
    expect(nextOffset(200, 250)).toBe(200);
  });

  it('goes to the last page after a save when the new record would be out of view', () => {
    expect(offsetAfterSave(0, 5)).toBe(0); // the first page has room
    expect(offsetAfterSave(0, 99)).toBe(0); // the 100th record is still on the first page
    expect(offsetAfterSave(0, 100)).toBe(100); // the 101st is on the second
    expect(offsetAfterSave(0, 250)).toBe(200);
    expect(offsetAfterSave(200, 250)).toBe(200); // already on the last page
  });
});
