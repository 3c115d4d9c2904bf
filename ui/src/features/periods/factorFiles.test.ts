import { describe, expect, it } from 'vitest';
import type { AppError } from '../../lib/bindings';
import { datasetLabel, fileProblems, shortSha } from './factorFiles';

describe('a period factor file as the panel shows it', () => {
  it('shows the first 16 hex of the SHA-256', () => {
    expect(shortSha('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef');
    expect(shortSha('abc')).toBe('abc');
  });

  it('names a dataset with its edition, a plain file without the "-" edition', () => {
    expect(datasetLabel('aib-residual-mix', '2023')).toBe('aib-residual-mix 2023');
    expect(datasetLabel('user:de-grid.csv', '-')).toBe('user:de-grid.csv');
  });

  it('lists every problem of a refused file with its column, in order', () => {
    const err: AppError = {
      code: 'validation',
      message: 'bad.csv line 3: not a number (and 1 more problems)',
      details: [
        { field: 'co2_kg', code: 'malformed-number', message: 'bad.csv line 3: not a number', severity: 'error' },
        { field: '', code: 'duplicate-id', message: 'bad.csv line 4: id x used twice', severity: 'error' },
      ],
    };
    expect(fileProblems(err)).toEqual([
      { message: 'bad.csv line 3: not a number', column: 'co2_kg', code: 'malformed-number' },
      { message: 'bad.csv line 4: id x used twice', column: '', code: 'duplicate-id' },
    ]);
    expect(fileProblems(null)).toEqual([]);
  });
});
