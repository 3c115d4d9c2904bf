// The facilities tree: each entity under its parent, roots in code order.

import type { FacilityView } from '../../lib/bindings';

export interface TreeRow {
  facility: FacilityView;
  depth: number;
}

/** Depth-first rows of the hierarchy; a facility whose parent is missing is shown as a root. */
export function treeRows(list: FacilityView[]): TreeRow[] {
  const codes = new Set(list.map((f) => f.code));
  const children = new Map<string, FacilityView[]>();
  const roots: FacilityView[] = [];
  for (const f of list) {
    if (f.parent && codes.has(f.parent) && f.parent !== f.code) {
      const siblings = children.get(f.parent) ?? [];
      siblings.push(f);
      children.set(f.parent, siblings);
    } else {
      roots.push(f);
    }
  }
  const byCode = (a: FacilityView, b: FacilityView) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const out: TreeRow[] = [];
  const seen = new Set<string>();
  const walk = (f: FacilityView, depth: number) => {
    if (seen.has(f.code)) return;
    seen.add(f.code);
    out.push({ facility: f, depth });
    for (const c of (children.get(f.code) ?? []).sort(byCode)) walk(c, depth + 1);
  };
  for (const r of roots.sort(byCode)) walk(r, 0);
  return out;
}
