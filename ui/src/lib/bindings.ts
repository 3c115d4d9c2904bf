// Generated from src-tauri/src/api.rs by `UPDATE_BINDINGS=1 cargo test -p scopebook-app`.
// Do not edit: change the Rust types and regenerate. A test fails when this file drifts.

export type AppError = { code: ErrorCode, message: string, 
/**
 * Located problems, e.g. one per invalid cell of an activity row.
 */
details: Array<FieldError>, };

export type ErrorCode = "validation" | "not_found" | "conflict" | "locked" | "io" | "internal";

export type FieldError = { 
/**
 * The field (an activity column name such as `quantity` or `unit`), or "" for the whole row.
 */
field: string, 
/**
 * The diagnostic code (`malformed-number`, `unit-mismatch`, …).
 */
code: string, message: string, severity: string, };

export type Consolidation = "operational-control" | "financial-control" | "equity-share";

export type GwpSetId = "AR4" | "AR5" | "AR6";

export type Language = "en" | "zh";

export type SetupInput = { name: string, reporting_year: number, consolidation: Consolidation, gwp_set: GwpSetId, };

export type Settings = { language: Language, };

export type ActivityDraft = { facility: string, period_start: string, period_end: string, activity: string, quantity: string, unit: string, region: string, 
/**
 * An explicit factor id, or "".
 */
factor: string, evidence: string, };

export type ActivityRow = { id: number, draft: ActivityDraft, };

export type Session = { 
/**
 * `None` until the guided setup is done.
 */
organisation: SetupInput | null, activities: Array<ActivityRow>, };

export type ActivityType = { activity: string, 
/**
 * The units its factors are per, e.g. ["kWh"] or ["t", "GJ"].
 */
units: Array<string>, 
/**
 * Regions its factors cover.
 */
regions: Array<string>, scope: number, };

export type Totals = { scope1: string, scope2_location: string, scope2_market: string, scope3: string, biogenic_co2: string, };

export type FacilityTotals = { facility: string, totals: Totals, };

export type CategoryTotal = { category: number, co2e_t: string, };

export type DashboardLine = { id: number, facility: string, activity: string, scope: number, factor_id: string, dataset: string, edition: string, selected_by: string, verified: boolean, co2e_t: string, };

export type UnresolvedRow = { id: number, activity: string, code: string, message: string, };

export type Dashboard = { gwp_set: GwpSetId, complete: boolean, totals: Totals, scope2_market_basis: string, 
/**
 * A stable code for the basis, which the UI translates: `grid-average` (no contractual
 * instruments yet; decision 0007).
 */
scope2_market_basis_code: string, by_facility: Array<FacilityTotals>, by_scope3_category: Array<CategoryTotal>, lines: Array<DashboardLine>, unresolved: Array<UnresolvedRow>, 
/**
 * Warnings about factors used (unverified figures, GWP basis).
 */
notes: Array<FieldError>, };

export type FactorQuery = { text: string, dataset: string, edition: string, region: string, gas: string, 
/**
 * 0 for any scope.
 */
scope: number, 
/**
 * At most this many results (0: no limit).
 */
limit: number, };

export type FactorSummary = { id: string, activity: string, name: string, scope: number, category: string, unit: string, region: string, gases: Array<string>, dataset: string, edition: string, verified: boolean, };

export type FactorSearchResult = { 
/**
 * How many factors match in all (the list may be cut at `limit`).
 */
total: number, factors: Array<FactorSummary>, };

export type Field = { label: string, value: string, };

export type FactorDetail = { summary: FactorSummary, 
/**
 * Every figure and provenance field, flattened: `figures.co2e_kg`, `dataset.licence`, …
 */
fields: Array<Field>, };

export type DatasetInfo = { id: string, edition: string, title: string, publisher: string, region: string, licence: string, factors: number, shipped: boolean, };

export type UserFactorsResult = { file: string, factors_added: number, 
/**
 * Every problem found, located by row and column; with any error nothing was added.
 */
problems: Array<FieldErrorAt>, };

export type FieldErrorAt = { row: number, field: string, code: string, message: string, severity: string, };

