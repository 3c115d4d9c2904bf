import { describe, expect, it } from 'vitest';
import { facilityInput, type FacilityForm } from './form';

const form: FacilityForm = {
  code: 'SZ',
  name: 'Suzhou',
  kind: 'facility',
  parent: 'HD',
  equity_share: ' 60 ',
  operational_control: true,
  financial_control: false,
  region: 'CN-JS',
  grid_region: '',
  ets_covered: false,
};

describe('facilityInput', () => {
  it('sends the equity share as typed (trimmed)', () => {
    expect(facilityInput(form)).toEqual({ ...form, equity_share: '60' });
  });

  it('sends an empty equity share as absent, never as a made-up figure', () => {
    expect(facilityInput({ ...form, equity_share: '' }).equity_share).toBeNull();
    expect(facilityInput({ ...form, equity_share: '   ' }).equity_share).toBeNull();
  });
});
