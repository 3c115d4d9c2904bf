// The options of the dashboard's two bar charts. This is the one place where decimal strings
// become JavaScript numbers, and only for the length of a bar: every figure a person reads (the
// tooltips) is formatted from the exact string.

import type { FacilityTotals, Totals } from '../../lib/bindings';
import type { ChartOption } from './echarts';

export const COLORS = {
  scope1: '#0f6e63',
  scope2_location: '#2f6fd6',
  scope2_market: '#7aa7ea',
  scope3: '#d4881c',
  biogenic_co2: '#6b9e2f',
} as const satisfies Record<keyof Totals, string>;

const FONT =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";

/** A bar's length from a decimal string. The UI's only decimal-to-number conversion. */
export function barLength(value: string): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** Escape text for the tooltips, which ECharts renders as HTML (facility names are user input). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface ScopeBar {
  key: keyof Totals;
  /** The full label (tooltip). */
  label: string;
  /** The axis label, with line breaks where it may wrap (CJK text has no spaces to break at). */
  axisLabel?: string;
  value: string;
}

/** Formats an exact decimal string for display (with its unit). */
export type Fmt = (value: string) => string;

const axisLabel = { color: '#556070', fontFamily: FONT, fontSize: 12 };
const splitLine = { lineStyle: { color: '#e8ebef' } };
const tooltipBase = {
  backgroundColor: '#fff',
  borderColor: '#dde1e7',
  textStyle: { color: '#1d2430', fontFamily: FONT, fontSize: 12.5 },
  extraCssText: 'box-shadow: 0 2px 8px rgba(16,24,40,.12);',
};

function marker(color: string): string {
  return `<span style="display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:6px;background:${color}"></span>`;
}

/** Totals by scope: one bar each, biogenic CO2 last (it is outside the scopes). */
export function scopeChartOption(bars: ScopeBar[], fmt: Fmt): ChartOption {
  return {
    textStyle: { fontFamily: FONT },
    animationDuration: 300,
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase,
      trigger: 'item',
      formatter: (p: unknown) => {
        const bar = bars[(p as { dataIndex: number }).dataIndex];
        return bar ? `${marker(COLORS[bar.key])}${escapeHtml(bar.label)}<br/><b>${escapeHtml(fmt(bar.value))}</b>` : '';
      },
    },
    xAxis: {
      type: 'category',
      data: bars.map((b) => b.axisLabel ?? b.label),
      axisLabel: { ...axisLabel, interval: 0, lineHeight: 16 },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#c5cbd4' } },
    },
    yAxis: { type: 'value', axisLabel, splitLine },
    series: [
      {
        type: 'bar',
        barMaxWidth: 56,
        data: bars.map((b) => ({ value: barLength(b.value), itemStyle: { color: COLORS[b.key], borderRadius: [3, 3, 0, 0] } })),
      },
    ],
  };
}

export interface FacilitySeriesLabels {
  scope1: string;
  scope2: string;
  scope3: string;
}

/**
 * Totals by facility, stacked by scope. Scope 2 is one basis at a time (location or market):
 * stacking both would count the same electricity twice.
 */
export function facilityChartOption(
  facilities: FacilityTotals[],
  basis: 'location' | 'market',
  labels: FacilitySeriesLabels,
  fmt: Fmt,
): ChartOption {
  const scope2Key = basis === 'location' ? 'scope2_location' : 'scope2_market';
  const series: { key: keyof Totals; name: string }[] = [
    { key: 'scope1', name: labels.scope1 },
    { key: scope2Key, name: labels.scope2 },
    { key: 'scope3', name: labels.scope3 },
  ];
  // Horizontal bars, first facility at the top.
  const rows = [...facilities].reverse();
  return {
    textStyle: { fontFamily: FONT },
    animationDuration: 300,
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 12, textStyle: { ...axisLabel } },
    grid: { left: 8, right: 20, top: 34, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const list = params as { dataIndex: number; seriesIndex: number }[];
        if (!list.length) return '';
        const row = rows[list[0].dataIndex];
        if (!row) return '';
        const lines = list.map((p) => {
          const s = series[p.seriesIndex];
          return `${marker(COLORS[s.key])}${escapeHtml(s.name)}: <b>${escapeHtml(fmt(row.totals[s.key]))}</b>`;
        });
        return `<b>${escapeHtml(row.facility)}</b><br/>${lines.join('<br/>')}`;
      },
    },
    xAxis: { type: 'value', axisLabel, splitLine },
    yAxis: {
      type: 'category',
      data: rows.map((f) => f.facility),
      axisLabel: { ...axisLabel, width: 140, overflow: 'truncate' },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#c5cbd4' } },
    },
    series: series.map((s) => ({
      type: 'bar' as const,
      name: s.name,
      stack: 'total',
      barMaxWidth: 28,
      itemStyle: { color: COLORS[s.key] },
      emphasis: { focus: 'series' as const },
      data: rows.map((f) => barLength(f.totals[s.key])),
    })),
  };
}
