import { describe, expect, it } from 'vitest';
import type { AppError, DiagnosticCode, FieldError } from './bindings';
import { errorsFor, groupFieldErrors, hasFieldErrors, localError, validationErrors, withoutField } from './fieldErrors';

const err = (field: string, message = 'bad', code: DiagnosticCode = 'malformed-number'): FieldError => ({ field, code, message, severity: 'error' });
const appError = (code: AppError['code'], details: FieldError[], message = 'refused'): AppError => ({ code, message, details });

describe('groupFieldErrors', () => {
  it('groups by field, keeping the order of each field', () => {
    const g = groupFieldErrors([err('name', 'a'), err('path', 'p'), err('name', 'b'), err('')]);
    expect(g.name?.map((e) => e.message)).toEqual(['a', 'b']);
    expect(g.path).toHaveLength(1);
    expect(g['']).toHaveLength(1);
    expect(g.code).toBeUndefined();
  });

  it("puts fields the form does not know under ''", () => {
    const g = groupFieldErrors([err('quantity'), err('scope3_category'), err(''), err('unit')], ['quantity', 'unit'] as const);
    expect(g.quantity).toHaveLength(1);
    expect(g.unit).toHaveLength(1);
    expect(g['']?.map((e) => e.field)).toEqual(['scope3_category', '']);
  });

  it('gives nothing for no errors', () => {
    expect(groupFieldErrors([])).toEqual({});
    expect(hasFieldErrors(groupFieldErrors([]))).toBe(false);
  });
});

describe('validationErrors', () => {
  it('groups the details of a validation error', () => {
    const g = validationErrors(appError('validation', [err('unit', 'u')]), ['unit', 'quantity'] as const);
    expect(g.unit?.[0].message).toBe('u');
    expect(hasFieldErrors(g)).toBe(true);
  });

  it("keeps the message of a validation error without details at ''", () => {
    const g = validationErrors(appError('validation', [], 'the row is refused'));
    expect(g['']).toEqual([{ field: '', code: null, message: 'the row is refused', severity: 'error' }]);
  });

  it('has no field errors for other codes (they go to the banner)', () => {
    expect(validationErrors(appError('locked', [err('quantity')]))).toEqual({});
    expect(validationErrors(appError('io', []))).toEqual({});
  });
});

describe('errorsFor and withoutField', () => {
  const g = groupFieldErrors([err('sheet', 's'), err('header_row', 'h1'), err('header_row', 'h2')]);

  it('lists the errors of several fields in field order', () => {
    expect(errorsFor(g, 'header_row', 'sheet').map((e) => e.message)).toEqual(['h1', 'h2', 's']);
    expect(errorsFor(g, 'path')).toEqual([]);
  });

  it('drops one field without changing the others', () => {
    const rest = withoutField(g, 'header_row');
    expect(rest.header_row).toBeUndefined();
    expect(rest.sheet).toHaveLength(1);
    expect(g.header_row).toHaveLength(2); // the original is left as it was
    expect(withoutField(g, 'path')).toBe(g);
  });
});

describe('localError', () => {
  it('is an error at a field, with its catalogue code', () => {
    expect(localError('year', 'not a year', 'malformed-number')).toEqual({
      field: 'year',
      code: 'malformed-number',
      message: 'not a year',
      severity: 'error',
    });
  });
});
