import { describe, expect, it } from 'vitest';
import type { FacilityView } from '../../lib/bindings';
import { treeRows } from './tree';

const f = (code: string, parent: string | null, id = 1): FacilityView => ({
  id,
  code,
  name: code,
  kind: parent ? 'facility' : 'legal-entity',
  parent,
  equity_share: '100',
  operational_control: true,
  financial_control: true,
  region: 'CN',
  grid_region: null,
  ets_covered: false,
  sector: null,
});

describe('facilities tree', () => {
  it('puts children under their parent, depth first, in code order', () => {
    const rows = treeRows([f('SZ', 'HD'), f('HD', null), f('NB', 'HD'), f('AA', null), f('LINE1', 'SZ')]);
    expect(rows.map((r) => `${r.depth}:${r.facility.code}`)).toEqual(['0:AA', '0:HD', '1:NB', '1:SZ', '2:LINE1']);
  });

  it('shows an orphan as a root and never loops', () => {
    const rows = treeRows([f('X', 'MISSING'), f('A', 'B'), f('B', 'A')]);
    expect(rows.map((r) => r.facility.code)).toEqual(['X']);
  });
});
