import { describe, expect, it } from 'vitest';
import type { FacilityTotals } from '../../lib/bindings';
import { barLength, escapeHtml, facilityChartOption, scopeChartOption } from './charts';

const totals = (s1: string, s2l: string, s2m: string, s3: string) => ({
  scope1: s1,
  scope2_location: s2l,
  scope2_market: s2m,
  scope3: s3,
  biogenic_co2: '0',
});

/** A facility's row with its own figures equal to those counted (a share of 100 %). */
const facility = (name: string): FacilityTotals => ({
  facility: name,
  totals: totals('0', '0', '0', '0'),
  share_applied: '100',
  own: totals('0', '0', '0', '0'),
  scope2_market_basis: null,
  market_above_location: false,
});

describe('dashboard charts', () => {
  it('turns decimal strings into bar lengths only', () => {
    expect(barLength('1234.5678')).toBe(1234.5678);
    expect(barLength('oops')).toBe(0);
  });

  it('escapes user text for the HTML tooltips', () => {
    expect(escapeHtml(`<b>"A&B"</b>`)).toBe('&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;');
  });

  it('shows the exact formatted string in the scope tooltip', () => {
    const opt = scopeChartOption([{ key: 'scope1', label: 'Scope 1', value: '1234.5675' }], (s) => `[${s}]`);
    const series = opt.series as { data: { value: number }[] }[];
    expect(series[0].data[0].value).toBe(1234.5675);
    const tooltip = opt.tooltip as { formatter: (p: unknown) => string };
    expect(tooltip.formatter({ dataIndex: 0 })).toContain('[1234.5675]');
  });

  it('stacks facilities by scope with one Scope 2 basis', () => {
    const facilities: FacilityTotals[] = [
      { ...facility('A'), totals: totals('1', '2', '3', '4') },
      { ...facility('B<x>'), totals: totals('5', '6', '7', '8') },
    ];
    const labels = { scope1: 'S1', scope2: 'S2', scope3: 'S3' };
    const market = facilityChartOption(facilities, 'market', labels, (s) => s);
    const series = market.series as { name: string; stack: string; data: number[] }[];
    expect(series.map((s) => s.name)).toEqual(['S1', 'S2', 'S3']);
    expect(series.every((s) => s.stack === 'total')).toBe(true);
    // Reversed so the first facility is drawn at the top of the horizontal chart.
    expect(series[1].data).toEqual([7, 3]);
    expect((market.yAxis as { data: string[] }).data).toEqual(['B<x>', 'A']);
    const location = facilityChartOption(facilities, 'location', labels, (s) => s);
    expect((location.series as { data: number[] }[])[1].data).toEqual([6, 2]);
    const tooltip = market.tooltip as { formatter: (p: unknown) => string };
    const html = tooltip.formatter([{ dataIndex: 0, seriesIndex: 1 }]);
    expect(html).toContain('B&lt;x&gt;');
    expect(html).toContain('S2: <b>7</b>');
  });
});
