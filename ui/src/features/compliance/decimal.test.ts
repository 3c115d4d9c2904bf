import { describe, expect, it } from 'vitest';
import { add, negate, same, sign, subtract } from './decimal';

describe('exact decimal steps', () => {
  it('subtracts without binary noise', () => {
    expect(subtract('0.3', '0.1')).toBe('0.2');
    expect(subtract('1754000', '1800000')).toBe('-46000');
    expect(subtract('1800000', '1754000.125')).toBe('45999.875');
    expect(subtract('12345678901234567890.1', '0.05')).toBe('12345678901234567890.05');
  });
  it('adds and negates, with no minus on zero', () => {
    expect(add('-1.5', '1.50')).toBe('0');
    expect(negate('0')).toBe('0');
    expect(negate('90000')).toBe('-90000');
    expect(negate('-0.001')).toBe('0.001');
  });
  it('reads signs and equality', () => {
    expect(sign('-44000')).toBe(-1);
    expect(sign('0.000')).toBe(0);
    expect(sign('0.001')).toBe(1);
    expect(same('1.50', '1.5')).toBe(true);
    expect(same('1.5', '1.51')).toBe(false);
  });
  it('refuses text that is not a decimal', () => {
    expect(() => subtract('1e3', '1')).toThrow(RangeError);
    expect(() => sign('')).toThrow(RangeError);
  });
});
