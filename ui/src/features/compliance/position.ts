// The Compliance screen's pure helpers: which way a gap goes, the price scenarios the price
// control edits (sent as `--price` texts, `NAME=AMOUNT`; the backend values them), blank drafts.

import type { EtsLedgerDraft, EtsLedgerKind, EtsSchemeId, EtsUnitDraft } from '../../lib/bindings';
import { isDecimal } from '../../lib/format';
import { sign } from './decimal';

/** Positive shortfall: allowances to buy; negative: a surplus; zero: exactly covered. */
export type GapKind = 'shortfall' | 'surplus' | 'balanced';

export function gapKind(shortfall: string): GapKind {
  const s = sign(shortfall);
  return s > 0 ? 'shortfall' : s < 0 ? 'surplus' : 'balanced';
}

/** One price scenario as the user edits it: its name and the amount as typed. */
export interface Scenario {
  name: string;
  amount: string;
}

/**
 * The scenarios the price control starts with, per scheme (issue 12's examples: CEA low 50 /
 * central 75 / high 105 CNY; EUA 55 / 75 / 95 EUR). They are the user's starting point, sent like
 * any other price; the backend knows no default.
 */
export function startingScenarios(scheme: EtsSchemeId): Scenario[] {
  const [low, central, high] = scheme === 'cn-ets' ? ['50', '75', '105'] : ['55', '75', '95'];
  return [
    { name: 'low', amount: low },
    { name: 'central', amount: central },
    { name: 'high', amount: high },
  ];
}

/** The `--price` texts of the scenarios: `name=amount`, blanks trimmed; a scenario with no amount is left out. */
export function priceTexts(scenarios: Scenario[]): string[] {
  return scenarios
    .map((s) => ({ name: s.name.trim(), amount: s.amount.trim() }))
    .filter((s) => s.amount !== '')
    .map((s) => (s.name ? `${s.name}=${s.amount}` : s.amount));
}

/** Whether an amount as typed is a plain decimal the slider can show (else the slider waits). */
export function sliderValue(amount: string, max: number): string {
  const a = amount.trim();
  if (!isDecimal(a) || a.startsWith('-')) return '0';
  const whole = a.split('.')[0] || '0';
  return whole.length > String(max).length ? String(max) : whole;
}

export function blankUnit(facility = '', plan = ''): EtsUnitDraft {
  return {
    facility,
    plan,
    unit: '',
    unit_class: '',
    cooling: '',
    output_mwh: '',
    heat_gj: '',
    heat_supply_ratio: '',
    load_factor: '',
    verified_t: '',
    allocation_t: '',
  };
}

export function blankEntry(scheme: EtsSchemeId, enterprise = ''): EtsLedgerDraft {
  return {
    scheme,
    enterprise,
    date: '',
    kind: 'purchase',
    quantity_t: '',
    instrument: scheme === 'cn-ets' ? 'CEA' : 'EUA',
    price: '',
    currency: '',
    vintage: '',
    project: '',
    evidence: '',
  };
}

export const LEDGER_KINDS: readonly EtsLedgerKind[] = [
  'allocation',
  'purchase',
  'sale',
  'transfer-in',
  'transfer-out',
  'surrender',
  'bank-in',
  'borrow',
];

/** The enterprises registered under a scheme, once each, sorted. */
export function enterprisesOf(registrations: { scheme: EtsSchemeId; enterprise: string }[], scheme: EtsSchemeId): string[] {
  return [...new Set(registrations.filter((r) => r.scheme === scheme).map((r) => r.enterprise))].sort();
}
