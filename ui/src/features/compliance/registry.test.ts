import { describe, expect, it } from 'vitest';
import type { EtsFacilityView, InstallationPositionLine } from '../../lib/bindings';
import { installationFigure, installationsOf, lastPath, linkable, pageInfo, pathsOf, shownFigure, slicePage, withPath } from './registry';

const line = (over: Partial<InstallationPositionLine>): InstallationPositionLine => ({
  installation: 'DE-990001',
  name: 'Hochofen 2',
  account_holder: 'Rheinwerk Stahl GmbH',
  free_allocation_t: '80000',
  verified_t: '250000',
  surrendered_t: '240000',
  status: 'B',
  figure_status: [],
  obligation_t: '250000',
  shortfall_t: '10000',
  penalty: null,
  ...over,
});

describe('registry figures', () => {
  it('keeps a status a status, never a zero', () => {
    expect(shownFigure({ value: '80000.5' })).toEqual({ kind: 'value', value: '80000.5' });
    expect(shownFigure({ status: 'Excluded' })).toEqual({ kind: 'status', status: 'Excluded' });
    expect(shownFigure({ status: '' })).toEqual({ kind: 'status', status: '' });
    const excluded = line({
      installation: 'NO-990003',
      free_allocation_t: null,
      verified_t: null,
      surrendered_t: null,
      figure_status: [
        { figure: 'free_allocation_t', status: 'NA' },
        { figure: 'verified_t', status: 'Excluded' },
      ],
    });
    expect(installationFigure(excluded, 'verified_t')).toEqual({ kind: 'status', status: 'Excluded' });
    expect(installationFigure(excluded, 'free_allocation_t')).toEqual({ kind: 'status', status: 'NA' });
    expect(installationFigure(excluded, 'surrendered_t')).toBeNull();
    expect(installationFigure(line({}), 'verified_t')).toEqual({ kind: 'value', value: '250000' });
  });
});

describe('paths and pages', () => {
  it('reads one path a line', () => {
    expect(pathsOf(' /d/a.csv \r\n\n/d/b c.csv\n  ')).toEqual(['/d/a.csv', '/d/b c.csv']);
    expect(pathsOf('   ')).toEqual([]);
    // A path picked with Browse… goes on its own line, once; the dialog starts at the last one.
    expect(withPath('', '/d/a.csv')).toBe('/d/a.csv');
    expect(withPath(' /d/a.csv \n\n', '/d/b c.csv')).toBe('/d/a.csv\n/d/b c.csv');
    expect(withPath('/d/a.csv\n/d/b.csv', '/d/a.csv')).toBe('/d/a.csv\n/d/b.csv');
    expect(lastPath('/d/a.csv\n/d/b.csv\n')).toBe('/d/b.csv');
    expect(lastPath('  ')).toBe('');
  });

  it('says where a page lies and where the next one starts', () => {
    expect(pageInfo(0, 50, 50, 17957)).toEqual({ from: 1, to: 50, prev: null, next: 50 });
    expect(pageInfo(17950, 7, 50, 17957)).toEqual({ from: 17951, to: 17957, prev: 17900, next: null });
    expect(pageInfo(20, 20, 50, 40)).toEqual({ from: 21, to: 40, prev: 0, next: null });
    expect(pageInfo(0, 0, 50, 0)).toEqual({ from: 0, to: 0, prev: null, next: null });
  });

  it('slices a long list into pages, clamping the page asked for', () => {
    const items = Array.from({ length: 120 }, (_, i) => i);
    expect(slicePage(items, 0, 50).rows).toHaveLength(50);
    expect(slicePage(items, 2, 50)).toEqual({ rows: items.slice(100), page: 2, pages: 3 });
    expect(slicePage(items, 9, 50).page).toBe(2);
    expect(slicePage([], 0, 50)).toEqual({ rows: [], page: 0, pages: 1 });
  });
});

describe('holders', () => {
  it('ties an installation only to its holder’s EU facilities and groups lines by holder', () => {
    const reg = (facility: string, scheme: 'cn-ets' | 'eu-ets', enterprise: string): EtsFacilityView => ({
      id: 1,
      facility,
      facility_name: facility,
      scheme,
      enterprise,
      plan: null,
    });
    const regs = [reg('DE-HO', 'eu-ets', 'Rheinwerk Stahl GmbH'), reg('NO-1', 'eu-ets', 'Nordkraft AS'), reg('JS', 'cn-ets', 'Rheinwerk Stahl GmbH')];
    expect(linkable(regs, 'Rheinwerk Stahl GmbH').map((r) => r.facility)).toEqual(['DE-HO']);
    const lines = [line({}), line({ installation: 'NO-990003', account_holder: 'Nordkraft AS' }), line({ installation: 'DE-990002' })];
    expect(installationsOf(lines, 'Rheinwerk Stahl GmbH').map((l) => l.installation)).toEqual(['DE-990001', 'DE-990002']);
  });
});
