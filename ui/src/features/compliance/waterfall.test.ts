import { describe, expect, it } from 'vitest';
import { layout, waterfallSteps } from './waterfall';

// Golden position 05 (tests/golden-position/05-ccer-above-5pct): allocation 1,754,000 t,
// obligation 1,800,000 t, holdings 1,754,000 t, 90,000 t of CCERs used (the 5 % cap), a surplus
// of 44,000 t.
const golden05 = {
  obligation_t: '1800000',
  allocation_t: '1754000',
  holdings_t: '1754000',
  offsets_used_t: '90000',
  shortfall_t: '-44000',
};

describe('waterfall steps', () => {
  it('goes from the obligation to the gap exactly', () => {
    const w = waterfallSteps(golden05);
    expect(w.consistent).toBe(true);
    expect(w.steps.map((s) => [s.key, s.value, s.from, s.to])).toEqual([
      ['obligation', '1800000', '0', '1800000'],
      ['allocation', '-1754000', '1800000', '46000'],
      ['other', '0', '46000', '46000'],
      ['offsets', '-90000', '46000', '-44000'],
      ['gap', '-44000', '0', '-44000'],
    ]);
  });
  it('counts purchases and sales beyond the allocation, in decimals', () => {
    const w = waterfallSteps({ ...golden05, holdings_t: '1764000.5', shortfall_t: '-54000.5' });
    expect(w.steps[2]).toMatchObject({ value: '-10000.5', from: '46000', to: '35999.5' });
    expect(w.consistent).toBe(true);
  });
  it('notices a shortfall that does not follow from the figures', () => {
    expect(waterfallSteps({ ...golden05, shortfall_t: '-44000.001' }).consistent).toBe(false);
  });
});

describe('waterfall geometry', () => {
  it('spans zero and every level, and floats each change from the previous level', () => {
    const { steps } = waterfallSteps(golden05);
    const g = layout(steps, 500, 300, 25);
    // Levels run from -44,000 to 1,800,000 over 250 px.
    const y = (v: number) => 25 + ((1800000 - v) / 1844000) * 250;
    expect(g.zeroY).toBeCloseTo(y(0), 9);
    expect(g.bars).toHaveLength(5);
    const [obligation, allocation, other, offsets, gap] = g.bars;
    expect(obligation.y).toBeCloseTo(25, 9);
    expect(obligation.y + obligation.height).toBeCloseTo(g.zeroY, 9);
    expect(allocation.direction).toBe('down');
    expect(allocation.y).toBeCloseTo(25, 9);
    expect(allocation.endY).toBeCloseTo(y(46000), 9);
    expect(other.height).toBe(0);
    expect(other.direction).toBe('flat');
    // The offsets cross zero: from 46,000 down to -44,000.
    expect(offsets.y).toBeCloseTo(y(46000), 9);
    expect(offsets.y + offsets.height).toBeCloseTo(y(-44000), 9);
    // The surplus hangs below the zero line.
    expect(gap.y).toBeCloseTo(g.zeroY, 9);
    expect(gap.endY).toBeCloseTo(y(-44000), 9);
    // Bars sit side by side inside the box.
    expect(gap.x + gap.width).toBeLessThanOrEqual(500 - 25);
    expect(allocation.x).toBeGreaterThan(obligation.x + obligation.width);
  });
  it('keeps a tiny change visible', () => {
    const { steps } = waterfallSteps({ ...golden05, offsets_used_t: '0.001', shortfall_t: '45999.999' });
    expect(layout(steps, 500, 300).bars[3].height).toBeGreaterThanOrEqual(1);
  });
});
