import { describe, expect, it } from 'vitest';
import { blankEntry, enterprisesOf, gapKind, priceTexts, sliderValue, startingScenarios } from './position';

describe('position helpers', () => {
  it('reads a shortfall, a surplus and a balance from the sign', () => {
    expect(gapKind('46000')).toBe('shortfall');
    expect(gapKind('-44000')).toBe('surplus');
    expect(gapKind('0')).toBe('balanced');
  });
  it('sends the scenarios as --price texts, leaving out blanks', () => {
    expect(priceTexts(startingScenarios('cn-ets'))).toEqual(['low=50', 'central=75', 'high=105']);
    expect(priceTexts(startingScenarios('eu-ets'))).toEqual(['low=55', 'central=75', 'high=95']);
    expect(priceTexts([{ name: ' central ', amount: ' 80.5 ' }, { name: 'x', amount: '' }, { name: '', amount: '60' }])).toEqual([
      'central=80.5',
      '60',
    ]);
  });
  it('shows the slider at the whole part of a plain amount', () => {
    expect(sliderValue('80.5', 300)).toBe('80');
    expect(sliderValue('abc', 300)).toBe('0');
    expect(sliderValue('-5', 300)).toBe('0');
    expect(sliderValue('123456', 300)).toBe('300');
  });
  it('starts a ledger entry in the scheme\'s allowance', () => {
    expect(blankEntry('cn-ets', 'E').instrument).toBe('CEA');
    expect(blankEntry('eu-ets').instrument).toBe('EUA');
  });
  it('lists each enterprise of a scheme once', () => {
    const regs = [
      { scheme: 'cn-ets' as const, enterprise: 'B' },
      { scheme: 'cn-ets' as const, enterprise: 'A' },
      { scheme: 'cn-ets' as const, enterprise: 'B' },
      { scheme: 'eu-ets' as const, enterprise: 'C' },
    ];
    expect(enterprisesOf(regs, 'cn-ets')).toEqual(['A', 'B']);
  });
});
