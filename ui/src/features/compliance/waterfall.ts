// The waterfall from an enterprise's obligation to its gap: the obligation, less the allocation,
// less the other allowances it holds (bought, transferred in, banked, borrowed, less sold), less
// the offsets it may use, leaves the shortfall (negative: a surplus). The steps are exact decimal
// strings (decimal.ts); only the drawing turns them into pixels.

import { negate, same, subtract } from './decimal';

export type StepKey = 'obligation' | 'allocation' | 'other' | 'offsets' | 'gap';

export interface Step {
  key: StepKey;
  /** The step's own figure in tonnes: the obligation, what a reduction takes off, or the gap. */
  value: string;
  /** The running level before and after the step (a total starts at zero). */
  from: string;
  to: string;
  /** `total` bars stand on zero; `change` bars float from the previous level. */
  kind: 'total' | 'change';
}

/** The figures of an enterprise's position the waterfall needs (decimal strings, tonnes). */
export interface PositionFigures {
  obligation_t: string;
  allocation_t: string;
  holdings_t: string;
  offsets_used_t: string;
  shortfall_t: string;
}

export interface Waterfall {
  steps: Step[];
  /** Whether obligation − holdings − offsets equals the backend's shortfall (it always should). */
  consistent: boolean;
}

/** The five steps, from the obligation to the gap. */
export function waterfallSteps(p: PositionFigures): Waterfall {
  const other = subtract(p.holdings_t, p.allocation_t);
  const afterAllocation = subtract(p.obligation_t, p.allocation_t);
  const afterOther = subtract(afterAllocation, other);
  const afterOffsets = subtract(afterOther, p.offsets_used_t);
  const steps: Step[] = [
    { key: 'obligation', value: p.obligation_t, from: '0', to: p.obligation_t, kind: 'total' },
    { key: 'allocation', value: negate(p.allocation_t), from: p.obligation_t, to: afterAllocation, kind: 'change' },
    { key: 'other', value: negate(other), from: afterAllocation, to: afterOther, kind: 'change' },
    { key: 'offsets', value: negate(p.offsets_used_t), from: afterOther, to: afterOffsets, kind: 'change' },
    { key: 'gap', value: p.shortfall_t, from: '0', to: p.shortfall_t, kind: 'total' },
  ];
  return { steps, consistent: same(afterOffsets, p.shortfall_t) };
}

export interface Bar {
  key: StepKey;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Where the bar's level ends, for the connector to the next bar. */
  endY: number;
  /** Up (the level rises), down (it falls) or flat. */
  direction: 'up' | 'down' | 'flat';
}

export interface Geometry {
  bars: Bar[];
  /** The y of the zero line. */
  zeroY: number;
  width: number;
  height: number;
}

/**
 * Bars for `steps` in a `width` × `height` box with `pad` pixels around the plot: the scale spans
 * zero and every level. Pixels are the only place figures become floating point; a bar of any
 * non-zero change is at least one pixel high, so no step vanishes.
 */
export function layout(steps: Step[], width: number, height: number, pad = 24): Geometry {
  const levels = steps.flatMap((s) => [Number(s.from), Number(s.to)]);
  const max = Math.max(0, ...levels);
  const min = Math.min(0, ...levels);
  const span = max - min || 1;
  const plotH = Math.max(1, height - 2 * pad);
  const y = (v: number) => pad + ((max - v) / span) * plotH;
  const slot = steps.length > 0 ? (width - 2 * pad) / steps.length : 0;
  const barW = slot * 0.6;
  const bars = steps.map((s, i) => {
    const from = Number(s.from);
    const to = Number(s.to);
    const top = y(Math.max(from, to));
    const bottom = y(Math.min(from, to));
    const changed = from !== to;
    const h = changed ? Math.max(1, bottom - top) : 0;
    return {
      key: s.key,
      x: pad + i * slot + (slot - barW) / 2,
      y: top,
      width: barW,
      height: h,
      endY: y(to),
      direction: (to > from ? 'up' : to < from ? 'down' : 'flat') as Bar['direction'],
    };
  });
  return { bars, zeroY: y(0), width, height };
}
