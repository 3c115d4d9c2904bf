import { describe, expect, it } from 'vitest';
import { canSave, startStatus } from './scope3';

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
