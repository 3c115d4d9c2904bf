import { describe, expect, it } from 'vitest';
import { scrollToReveal, visibleWindow } from './virtual';

describe('visibleWindow', () => {
  const base = { rowHeight: 30, count: 4400, viewportHeight: 300 };

  it('renders only the visible rows at the top', () => {
    expect(visibleWindow({ ...base, scrollTop: 0 })).toEqual({ start: 0, end: 10, offset: 0, totalHeight: 132000 });
  });

  it('includes partly visible rows at both edges', () => {
    // 45px scrolled: row 1 is half hidden at the top, row 11 half shown at the bottom.
    expect(visibleWindow({ ...base, scrollTop: 45 })).toMatchObject({ start: 1, end: 12, offset: 30 });
  });

  it('adds overscan rows on both sides, clamped to the list', () => {
    expect(visibleWindow({ ...base, scrollTop: 3000, overscan: 5 })).toMatchObject({ start: 95, end: 115, offset: 2850 });
    expect(visibleWindow({ ...base, scrollTop: 0, overscan: 5 })).toMatchObject({ start: 0, end: 15 });
  });

  it('ends at the last row when scrolled to the bottom', () => {
    const bottom = 4400 * 30 - 300;
    expect(visibleWindow({ ...base, scrollTop: bottom, overscan: 3 })).toMatchObject({ start: 4387, end: 4400 });
  });

  it('clamps a scroll position beyond a list that shrank', () => {
    // 20 rows left, but the viewport is still scrolled far down: show the last screen.
    expect(visibleWindow({ ...base, count: 20, scrollTop: 50000 })).toEqual({ start: 10, end: 20, offset: 300, totalHeight: 600 });
    expect(visibleWindow({ ...base, scrollTop: -100 })).toMatchObject({ start: 0, end: 10 });
  });

  it('renders every row of a list shorter than the viewport', () => {
    expect(visibleWindow({ ...base, count: 3, scrollTop: 0 })).toEqual({ start: 0, end: 3, offset: 0, totalHeight: 90 });
  });

  it('renders nothing for an empty list or no row height', () => {
    expect(visibleWindow({ ...base, count: 0, scrollTop: 0 })).toEqual({ start: 0, end: 0, offset: 0, totalHeight: 0 });
    expect(visibleWindow({ ...base, rowHeight: 0, scrollTop: 0 })).toEqual({ start: 0, end: 0, offset: 0, totalHeight: 0 });
  });

  it('renders at least one row before the viewport is measured', () => {
    expect(visibleWindow({ ...base, viewportHeight: 0, scrollTop: 0 })).toMatchObject({ start: 0, end: 1 });
  });

  it('keeps the rendered count bounded whatever the scroll position', () => {
    for (let top = 0; top < 4400 * 30; top += 977) {
      const w = visibleWindow({ ...base, scrollTop: top, overscan: 4 });
      expect(w.end - w.start).toBeLessThanOrEqual(10 + 1 + 8);
      expect(w.offset).toBe(w.start * 30);
      // The rows on screen are always inside the rendered window.
      expect(w.start * 30).toBeLessThanOrEqual(top);
      expect(w.end * 30).toBeGreaterThanOrEqual(Math.min(top + 300, 4400 * 30));
    }
  });
});

describe('scrollToReveal', () => {
  it('leaves a visible row alone', () => {
    expect(scrollToReveal(5, 0, 300, 30)).toBe(0);
    expect(scrollToReveal(9, 0, 300, 30)).toBe(0);
  });

  it('scrolls up to a row above the viewport', () => {
    expect(scrollToReveal(2, 300, 300, 30)).toBe(60);
  });

  it('scrolls down just enough for a row below the viewport', () => {
    expect(scrollToReveal(10, 0, 300, 30)).toBe(30);
    expect(scrollToReveal(100, 0, 300, 30)).toBe(2730);
  });
});
