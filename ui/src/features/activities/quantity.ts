// The record form's "Work out the quantity…" panel (decision 0057), without the DOM: which
// calculators a Scope 3 category offers, each calculator's cells and choices, and how a worked-out
// quantity fills the record's cells (an investment's attribution and PCAF score too). The arithmetic is the Rust side's (`scope3_entry`).

import type { ActivityDraft, QuantityEntry, WorkedQuantity } from '../../lib/bindings';
import { groupFieldErrors, type FieldErrors, type FormError } from '../../lib/fieldErrors';

export type Calculator = QuantityEntry['calculator'];

/** Every calculator, in the order offered. */
export const CALCULATORS = ['flight', 'commute', 'freight', 'waste', 'product_use', 'investment'] as const satisfies readonly Calculator[];

/** The Scope 3 category each calculator states (freight: 4 upstream or 9 downstream). */
const CATEGORIES: Record<Calculator, readonly string[]> = {
  flight: ['6'],
  commute: ['7'],
  freight: ['4', '9'],
  waste: ['5'],
  product_use: ['11'],
  investment: ['15'],
};

/**
 * The calculators offered for a record's Scope 3 category: all of them while none is chosen,
 * those of the category otherwise (none for a category no calculator applies to).
 */
export function calculatorsFor(category: string): Calculator[] {
  const c = category.trim();
  return c === '' ? [...CALCULATORS] : CALCULATORS.filter((k) => CATEGORIES[k].includes(c));
}

/** The choices of a calculator's select cells (the names `scope3_entry` reads). */
export const CHOICES = {
  trip: ['one_way', 'return'],
  haul: ['domestic', 'short_haul', 'long_haul', 'international_non_uk'],
  cabin: ['average', 'economy', 'premium_economy', 'business', 'first'],
  radiative_forcing: ['without', 'with'],
  mode: [
    'car_petrol',
    'car_diesel',
    'car_hybrid',
    'car_phev',
    'car_bev',
    'car_unknown',
    'motorbike',
    'bus_local',
    'coach',
    'rail_national',
    'light_rail_tram',
    'underground',
  ],
  direction: ['upstream', 'downstream'],
  treatment: ['landfill', 'combustion', 'composting', 'anaerobic_digestion', 'closed_loop', 'open_loop'],
  basis: ['listed_equity_bonds', 'business_loans_unlisted_equity', 'project_finance', 'equity_share'],
  pcaf_score: ['1', '2', '3', '4', '5'],
} as const;

export type ChoiceField = keyof typeof CHOICES;

/** The modes whose factors are per vehicle-km: the occupancy is asked for them only. */
export function perVehicle(mode: string): boolean {
  return mode.startsWith('car_') || mode === 'motorbike';
}

/** The message key of a choice's label (PCAF's scores are the record form's own). */
export function choiceKey(field: string, choice: string): string {
  return field === 'pcaf_score' ? `act.s3.pcaf.${choice}` : `qty.c.${field}.${choice}`;
}

/**
 * The message key of a cell's label: the investee's value is EVIC for listed equity and bonds,
 * total equity + debt for loans and unlisted equity, the project's for project finance; its
 * share is the equity share (the commuting survey's is the share using a mode).
 */
export function fieldKey(entry: QuantityEntry, field: string): string {
  if (entry.calculator === 'investment' && field === 'investee_value' && entry.basis !== '') {
    return `qty.f.investee_value.${entry.basis}`;
  }
  if (entry.calculator === 'investment' && field === 'share_percent') return 'qty.f.equity_share_percent';
  return `qty.f.${field}`;
}

/** Whether an investment's basis is one of PCAF's asset classes (outstanding ÷ the investee's value). */
function byAmounts(basis: string): boolean {
  return basis !== '' && basis !== 'equity_share';
}

/** A calculator's cells, every one empty: nothing is assumed, not even one passenger. */
export function emptyEntry(calculator: Calculator): QuantityEntry {
  switch (calculator) {
    case 'flight':
      return { calculator, distance_km: '', passengers: '', trip: '', haul: '', cabin: '', radiative_forcing: '' };
    case 'commute':
      return { calculator, employees: '', working_days: '', one_way_km: '', share_percent: '', mode: '', occupancy: '' };
    case 'freight':
      return { calculator, tonnes: '', distance_km: '', activity: '', direction: '' };
    case 'waste':
      return { calculator, material: '', treatment: '', tonnes: '' };
    case 'product_use':
      return { calculator, units_sold: '', lifetime_uses: '', energy_per_use: '', energy_unit: '', activity: '' };
    case 'investment':
      return {
        calculator,
        investee: '',
        investee_emissions_t: '',
        basis: '',
        outstanding: '',
        investee_value: '',
        share_percent: '',
        pcaf_score: '',
      };
  }
}

/** A calculator's cells, in the order shown (its `calculator` tag left out). */
export function fieldsOf(entry: QuantityEntry): string[] {
  return Object.keys(entry).filter((k) => k !== 'calculator');
}

/** The cell `field` of `entry`, as typed. */
export function cellOf(entry: QuantityEntry, field: string): string {
  const value = (entry as unknown as Record<string, string>)[field];
  return typeof value === 'string' ? value : '';
}

/** `entry` with cell `field` set to `value` (a field the calculator does not have is ignored). */
export function withCell(entry: QuantityEntry, field: string, value: string): QuantityEntry {
  if (!fieldsOf(entry).includes(field)) return entry;
  return { ...entry, [field]: value } as QuantityEntry;
}

/**
 * The cells sent: the occupancy only for a mode per vehicle-km; an investment's outstanding and
 * value only for a PCAF asset class, its share only for an equity share (a hidden cell is never
 * sent with a value).
 */
export function sentEntry(entry: QuantityEntry): QuantityEntry {
  if (entry.calculator === 'commute' && !perVehicle(entry.mode)) return { ...entry, occupancy: '' };
  if (entry.calculator === 'investment') {
    const amounts = byAmounts(entry.basis);
    return {
      ...entry,
      outstanding: amounts ? entry.outstanding : '',
      investee_value: amounts ? entry.investee_value : '',
      share_percent: entry.basis === 'equity_share' ? entry.share_percent : '',
    };
  }
  return entry;
}

/**
 * Whether a cell is shown: every cell, except the occupancy of a mode that is not per vehicle,
 * and an investment's amounts (outstanding and value for a PCAF asset class, the share for an
 * equity share: none until the basis is chosen).
 */
export function cellShown(entry: QuantityEntry, field: string): boolean {
  if (entry.calculator === 'commute') return !(field === 'occupancy' && !perVehicle(entry.mode));
  if (entry.calculator === 'investment') {
    if (field === 'outstanding' || field === 'investee_value') return byAmounts(entry.basis);
    if (field === 'share_percent') return entry.basis === 'equity_share';
  }
  return true;
}

/** A refusal's problems at the calculator's cells (any other at `''`). */
export function panelErrors(entry: QuantityEntry, details: readonly FormError[]): FieldErrors {
  return groupFieldErrors(details, fieldsOf(entry));
}

/**
 * The note after a working is applied: the working when the note is empty; the previous working
 * replaced when the note still holds it (the user worked the quantity out again); otherwise the
 * user's note kept, the working after it.
 */
export function noteWith(note: string, working: string, previous: string | null): string {
  const n = note.trim();
  if (n === '') return working;
  if (previous && n.includes(previous)) return n.replace(previous, working);
  return `${n} · ${working}`;
}

/**
 * The draft with a worked-out quantity applied: activity, quantity, unit, the category, the
 * method (kept when the calculator names none), an investment's attribution and PCAF score (kept
 * when the calculator gives none) and the working in the note. Everything else — facility,
 * dates, data-quality scores — is the user's, untouched; every cell stays editable.
 */
export function applyWorked(draft: ActivityDraft, worked: WorkedQuantity, previous: string | null): ActivityDraft {
  return {
    ...draft,
    activity: worked.activity,
    quantity: worked.quantity,
    unit: worked.unit,
    scope3_category: worked.scope3_category,
    method: worked.method !== '' ? worked.method : draft.method,
    attribution: worked.attribution !== '' ? worked.attribution : draft.attribution,
    pcaf_score: worked.pcaf_score !== '' ? worked.pcaf_score : draft.pcaf_score,
    note: noteWith(draft.note, worked.working, previous),
  };
}
