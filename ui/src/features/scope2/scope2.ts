// The Scope 2 screen's words for the calculation's figures: an instrument's grades with the rule
// each one names (decision 0026), and the coverage rows. Every figure is the calculation's
// (decimal text); nothing is computed here. No Tauri, no DOM.

import type { InstrumentGrade, InstrumentQuality } from '../../lib/bindings';

/** The Quality Criteria, in the order the screen shows them. */
export const CRITERIA = ['vintage', 'market', 'retired', 'validity', 'unique'] as const;
export type Criterion = (typeof CRITERIA)[number];

export interface GradeRow {
  criterion: Criterion;
  grade: InstrumentGrade;
  /** The message key of the criterion's name, and of why it has this grade. */
  label: `s2.crit.${Criterion}`;
  why: `s2.why.${Criterion}.${InstrumentGrade}`;
}

/** Each criterion's grade with the message keys naming it and its reason. */
export function gradeRows(q: InstrumentQuality): GradeRow[] {
  return CRITERIA.map((c) => ({ criterion: c, grade: q[c], label: `s2.crit.${c}`, why: `s2.why.${c}.${q[c]}` }));
}

/** The worst grade of an instrument (fail over warn over pass). */
export function worst(q: InstrumentQuality): InstrumentGrade {
  const grades = CRITERIA.map((c) => q[c]);
  return grades.includes('fail') ? 'fail' : grades.includes('warn') ? 'warn' : 'pass';
}

/** The message key naming what covers a share of the consumption (a kind or the fallbacks). */
export function coverageKey(by: string): string {
  return by === 'residual-mix' || by === 'grid-average' ? `s2.by.${by}` : `s2.kind.${by}`;
}
