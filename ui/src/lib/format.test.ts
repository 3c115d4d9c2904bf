import { describe, expect, it } from 'vitest';
import { formatCount, formatDate, formatDecimal, groupDigits, isDecimal, roundHalfEven, separators } from './format';

describe('roundHalfEven', () => {
  it('rounds ties to the even neighbour', () => {
    expect(roundHalfEven('0.5', 0)).toBe('0');
    expect(roundHalfEven('1.5', 0)).toBe('2');
    expect(roundHalfEven('2.5', 0)).toBe('2');
    expect(roundHalfEven('3.5', 0)).toBe('4');
    expect(roundHalfEven('1.0005', 3)).toBe('1.000');
    expect(roundHalfEven('1.0015', 3)).toBe('1.002');
    expect(roundHalfEven('2.675', 2)).toBe('2.68'); // a float would give 2.67
    expect(roundHalfEven('2.665', 2)).toBe('2.66');
  });

  it('rounds up past a tie and down below it', () => {
    expect(roundHalfEven('2.50000001', 0)).toBe('3');
    expect(roundHalfEven('2.4999999', 0)).toBe('2');
    expect(roundHalfEven('0.1234', 3)).toBe('0.123');
    expect(roundHalfEven('0.1236', 3)).toBe('0.124');
  });

  it('carries through nines into a new digit', () => {
    expect(roundHalfEven('9.9996', 3)).toBe('10.000');
    expect(roundHalfEven('999999.9995', 3)).toBe('1000000.000');
    expect(roundHalfEven('0.0995', 2)).toBe('0.10');
  });

  it('pads short fractions and keeps exact values', () => {
    expect(roundHalfEven('12', 3)).toBe('12.000');
    expect(roundHalfEven('12.3', 3)).toBe('12.300');
    expect(roundHalfEven('0012.30', 1)).toBe('12.3');
    expect(roundHalfEven('.5', 2)).toBe('0.50');
    expect(roundHalfEven('7.', 1)).toBe('7.0');
  });

  it('rounds negatives symmetrically and drops the sign of a zero result', () => {
    expect(roundHalfEven('-2.5', 0)).toBe('-2');
    expect(roundHalfEven('-3.5', 0)).toBe('-4');
    expect(roundHalfEven('-0.125', 2)).toBe('-0.12');
    expect(roundHalfEven('-0.135', 2)).toBe('-0.14');
    expect(roundHalfEven('-1234.5678', 2)).toBe('-1234.57');
    expect(roundHalfEven('-0.0004', 3)).toBe('0.000');
    expect(roundHalfEven('-0', 0)).toBe('0');
    expect(roundHalfEven('+1.25', 1)).toBe('1.2');
  });

  it('handles decimals longer than a double can hold', () => {
    // 28 decimal places, as rust_decimal can produce.
    expect(roundHalfEven('0.1234567890123456789012345678', 27)).toBe('0.123456789012345678901234568');
    expect(roundHalfEven('79228162514264337593543950335.5', 0)).toBe('79228162514264337593543950336');
    expect(roundHalfEven('123456789012345678901234.4999999999999999999995', 0)).toBe('123456789012345678901234');
    expect(roundHalfEven('1.00000000000000000000000000050', 27)).toBe('1.000000000000000000000000000');
    expect(roundHalfEven('1.00000000000000000000000000150', 27)).toBe('1.000000000000000000000000002');
  });

  it('refuses what is not a plain decimal', () => {
    expect(() => roundHalfEven('1e3', 0)).toThrow(RangeError);
    expect(() => roundHalfEven('1,000', 0)).toThrow(RangeError);
    expect(() => roundHalfEven('', 0)).toThrow(RangeError);
    expect(() => roundHalfEven('-', 0)).toThrow(RangeError);
    expect(() => roundHalfEven('1', -1)).toThrow(RangeError);
    expect(isDecimal('NaN')).toBe(false);
    expect(isDecimal(' 12.5 ')).toBe(true);
  });
});

describe('groupDigits', () => {
  it('groups in threes from the right', () => {
    expect(groupDigits('0', ',')).toBe('0');
    expect(groupDigits('999', ',')).toBe('999');
    expect(groupDigits('1000', ',')).toBe('1,000');
    expect(groupDigits('1234567', ' ')).toBe('1 234 567');
    expect(groupDigits('123456789012345678901234567', ',')).toBe('123,456,789,012,345,678,901,234,567');
  });
});

describe('formatDecimal', () => {
  it('groups thousands and rounds for English', () => {
    expect(formatDecimal('1234567.8915', 'en', 3)).toBe('1,234,567.892');
    expect(formatDecimal('1234567.8925', 'en', 3)).toBe('1,234,567.892');
    expect(formatDecimal('-1234.5', 'en', 0)).toBe('-1,234');
    expect(formatDecimal('0', 'en', 3)).toBe('0.000');
    expect(formatDecimal('999.9995', 'en', 3)).toBe('1,000.000');
  });

  it('uses the same Western grouping for Simplified Chinese', () => {
    expect(formatDecimal('1234567.8915', 'zh-CN', 3)).toBe('1,234,567.892');
    expect(formatDecimal('-98765.4321', 'zh-CN', 2)).toBe('-98,765.43');
    expect(separators('zh-CN')).toEqual(separators('en'));
  });

  it('follows the separators of the locale', () => {
    const de = separators('de-DE');
    expect(de.group).toBe('.');
    expect(de.decimal).toBe(',');
    expect(formatDecimal('1234567.125', 'de-DE', 2)).toBe('1.234.567,12');
  });

  it('keeps every digit when no rounding is asked for', () => {
    expect(formatDecimal('1234.000012345678901234567', 'en')).toBe('1,234.000012345678901234567');
    expect(formatDecimal('00042', 'en')).toBe('42');
    expect(formatDecimal('-0.000', 'en')).toBe('0.000');
  });

  it('returns what it cannot read unchanged', () => {
    expect(formatDecimal('n/a', 'en', 3)).toBe('n/a');
    expect(formatDecimal('1,000', 'en')).toBe('1,000');
  });

  it('formats counts', () => {
    expect(formatCount(4459, 'en')).toBe('4,459');
    expect(formatCount(0, 'zh-CN')).toBe('0');
  });
});

describe('formatDate', () => {
  it('formats a calendar date for each locale without moving it', () => {
    expect(formatDate('2023-03-31', 'en')).toBe('Mar 31, 2023');
    expect(formatDate('2023-03-31', 'zh-CN')).toBe('2023年3月31日');
    expect(formatDate('2024-01-01', 'en')).toBe('Jan 1, 2024');
  });

  it('leaves anything else alone', () => {
    expect(formatDate('2023-02-30', 'en')).toBe('2023-02-30');
    expect(formatDate('31/03/2023', 'en')).toBe('31/03/2023');
    expect(formatDate('', 'en')).toBe('');
  });
});
