import { describe, expect, it } from 'vitest';
import { asksRestatement, facilityInput, type FacilityForm } from './form';

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
  sector: 'manufacturing',
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

describe('asksRestatement', () => {
  it('offers a restatement only when the store refused the change for a locked period', () => {
    expect(asksRestatement({ code: 'locked', message: 'period 2023 is locked', details: [] })).toBe(true);
    expect(asksRestatement({ code: 'validation', message: 'bad share', details: [] })).toBe(false);
    expect(asksRestatement({ code: 'conflict', message: 'no', details: [] })).toBe(false);
  });
});

describe('facilityInput with a sector', () => {
  it('sends the sector as chosen, and none as empty (the store clears it)', () => {
    expect(facilityInput(form).sector).toBe('manufacturing');
    expect(facilityInput({ ...form, sector: '' }).sector).toBe('');
  });
});
