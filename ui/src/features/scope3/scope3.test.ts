import { describe, expect, it } from 'vitest';
import { canSave, estimateOk, startStatus } from './scope3';

describe('scope 3 status form', () => {
  it('needs a reason to exclude a category, not otherwise', () => {
    expect(canSave('excluded', '')).toBe(false);
    expect(canSave('excluded', '   ')).toBe(false);
    expect(canSave('excluded', 'no leased assets')).toBe(true);
    expect(canSave('relevant', '')).toBe(true);
    expect(canSave('not-applicable', '')).toBe(true);
  });

  it('starts from the category\'s status, relevant when not assessed', () => {
    expect(startStatus('not-assessed')).toBe('relevant');
    expect(startStatus('excluded')).toBe('excluded');
  });
});

describe('the estimate of a category without lines (decision 0054)', () => {
  it('is empty, or a decimal of zero or more, and never for a category that is not applicable', () => {
    expect(estimateOk('relevant', '')).toBe(true);
    expect(estimateOk('excluded', ' 120 ')).toBe(true);
    expect(estimateOk('excluded', '0')).toBe(true);
    expect(estimateOk('relevant', '12.5')).toBe(true);
    expect(estimateOk('relevant', '-1')).toBe(false);
    expect(estimateOk('relevant', '1e3')).toBe(false);
    expect(estimateOk('relevant', '12,5')).toBe(false);
    expect(estimateOk('not-applicable', '5')).toBe(false);
    expect(estimateOk('not-applicable', '')).toBe(true);
    // An exclusion still needs its reason, whatever the estimate.
    expect(canSave('excluded', '', '120')).toBe(false);
    expect(canSave('excluded', 'no leased assets', '120')).toBe(true);
    expect(canSave('relevant', '', 'abc')).toBe(false);
  });
});
