import { describe, expect, it } from 'vitest';
import { dictionaries } from '../../lib/i18n';
import { lineBalances, reasonKey, REASON_KEYS, toggled, verifiedSide } from './reconciliation';

describe('reconciliation helpers', () => {
  it('names every reason code in both languages, and leaves an unknown code as it is', () => {
    for (const key of Object.values(REASON_KEYS)) {
      expect(dictionaries.en[key]).toBeTruthy();
      expect(dictionaries['zh-CN'][key]).toBeTruthy();
    }
    expect(reasonKey('gas-excluded')).toBe('cmp.reason.gas-excluded');
    expect(reasonKey('toString')).toBeNull();
    expect(reasonKey('something-new')).toBeNull();
  });
  it('checks that a line\u2019s reasons add up to inventory \u2212 scheme, exactly', () => {
    // Golden 08, row 2: 109,410.6 in the inventory, 117,612 under the scheme.
    const coal = {
      inventory_t: '109410.6',
      scheme_t: '117612',
      reasons: [
        { reason: 'gas-excluded', tonnes: '510.6', detail: 'CH4, N2O' },
        { reason: 'default-parameter', tonnes: '-8712', detail: 'bt.coal' },
      ],
    };
    expect(lineBalances(coal)).toBe(true);
    expect(lineBalances({ ...coal, scheme_t: '117612.1' })).toBe(false);
    expect(lineBalances({ inventory_t: '16989', scheme_t: '16989', reasons: [] })).toBe(true);
  });
  it('says where the verifier\u2019s figure stands', () => {
    expect(verifiedSide({ verified_minus_computed_t: '-45' })).toBe('below');
    expect(verifiedSide({ verified_minus_computed_t: '1950' })).toBe('above');
    expect(verifiedSide({ verified_minus_computed_t: '0.000' })).toBe('equal');
    expect(verifiedSide({ verified_minus_computed_t: null })).toBe('none');
  });
  it('switches a facility in and out of the default-parameter list', () => {
    expect(toggled([], 'BT-SMELTER')).toEqual(['BT-SMELTER']);
    expect(toggled(['Z', 'BT-SMELTER'], 'A')).toEqual(['A', 'BT-SMELTER', 'Z']);
    expect(toggled(['A', 'BT-SMELTER'], 'A')).toEqual(['BT-SMELTER']);
  });
});
