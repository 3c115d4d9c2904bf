import { describe, expect, it } from 'vitest';
import type { DashboardLine, DashboardLinesPage, UnresolvedRow } from '../../lib/bindings';
import { LinePages, pageRows, pagesFor } from './lines';

const line = (id: number): DashboardLine => ({
  id,
  facility: 'SZ',
  activity: 'grid_electricity',
  scope: 2,
  factor_id: 'cn.grid',
  dataset: 'cn-grid',
  edition: '2022',
  selected_by: 'region',
  verified: true,
  co2e_t: `${id}.5`,
});

const unresolved = (id: number): UnresolvedRow => ({ id, activity: 'steam', code: 'no-factor', message: 'no factor' });

/** Records 1..total, with the ids in `bad` unresolved, served `limit` at a time from `offset`. */
function period(total: number, bad: number[] = []) {
  const calls: [number, number][] = [];
  const fetch = async (offset: number, limit: number): Promise<DashboardLinesPage> => {
    calls.push([offset, limit]);
    const ids = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => offset + i + 1);
    return {
      total,
      offset,
      lines: ids.filter((id) => !bad.includes(id)).map(line),
      unresolved: ids.filter((id) => bad.includes(id)).map(unresolved),
    };
  };
  return { calls, fetch };
}

/** Let every pending promise settle. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('dashboard lines', () => {
  it('merges a page’s lines and unresolved rows by record id', () => {
    const rows = pageRows({ total: 5, offset: 0, lines: [line(2), line(4)], unresolved: [unresolved(1), unresolved(3), unresolved(5)] });
    expect(rows.map((r) => (r.kind === 'line' ? `L${r.line.id}` : `U${r.row.id}`))).toEqual(['U1', 'L2', 'U3', 'L4', 'U5']);
  });

  it('names the pages that hold a range of rows', () => {
    expect(pagesFor(0, 30, 100)).toEqual([0]);
    expect(pagesFor(90, 210, 100)).toEqual([0, 1, 2]);
    expect(pagesFor(100, 200, 100)).toEqual([1]);
    expect(pagesFor(5, 5, 100)).toEqual([]);
  });

  it('loads the pages in view, one request at a time, and serves their rows', async () => {
    const { calls, fetch } = period(250, [102]);
    let changes = 0;
    const pages = new LinePages(fetch, () => changes++, (e) => { throw e; }, 100);
    expect(pages.at(0)).toBeUndefined();
    pages.show(95, 130);
    pages.show(95, 130);
    await settle();
    expect(calls).toEqual([[0, 100], [100, 100]]);
    expect(changes).toBe(2);
    expect(pages.total).toBe(250);
    expect(pages.at(0)).toEqual({ kind: 'line', line: line(1) });
    expect(pages.at(101)).toEqual({ kind: 'unresolved', row: unresolved(102) });
    expect(pages.at(200)).toBeUndefined();
    pages.show(240, 250);
    await settle();
    expect(calls.at(-1)).toEqual([200, 100]);
    expect(pages.at(249)).toEqual({ kind: 'line', line: line(250) });
  });

  it('asks only for where a fast scroll stops', async () => {
    const { calls, fetch } = period(1_000_000);
    const pages = new LinePages(fetch, () => {}, () => {}, 100);
    pages.show(0, 30);
    for (let start = 1000; start < 500_000; start += 1000) pages.show(start, start + 30);
    pages.show(700_000, 700_030);
    await settle();
    expect(calls).toEqual([[0, 100], [700_000, 100]]);
  });

  it('keeps a bounded number of pages, dropping the farthest', async () => {
    const { fetch } = period(10_000);
    const pages = new LinePages(fetch, () => {}, () => {}, 100, 3);
    for (const start of [0, 100, 200, 300, 5000]) {
      pages.show(start, start + 10);
      await settle();
    }
    expect([0, 1, 2, 3, 50].filter((n) => pages.has(n))).toEqual([2, 3, 50]);
  });

  it('reports a failed page once and ignores pages arriving after a stop', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const { fetch } = period(300);
    const flaky = (offset: number, limit: number) => (fail ? Promise.reject(new Error('busy')) : fetch(offset, limit));
    const pages = new LinePages(flaky, () => {}, (e) => errors.push(e), 100);
    pages.show(0, 10);
    await settle();
    pages.show(0, 10);
    await settle();
    expect(errors).toHaveLength(1);
    fail = false;
    pages.show(150, 160);
    pages.stop();
    await settle();
    expect(pages.has(1)).toBe(false);
  });
});
