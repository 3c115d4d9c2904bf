// Generated from src-tauri/src/api/ by `UPDATE_BINDINGS=1 cargo test -p scopebook-app`.
// Do not edit: change the Rust types and regenerate. A test fails when this file drifts.

export type AppError = { code: ErrorCode, message: string, 
/**
 * Located problems, e.g. one per invalid cell of an activity row.
 */
details: Array<FieldError>, };

export type ErrorCode = "validation" | "not_found" | "conflict" | "locked" | "io" | "internal";

export type DiagnosticCode = "unreadable-file" | "empty-file" | "missing-column" | "duplicate-column" | "unknown-column" | "malformed-row" | "missing-value" | "malformed-number" | "negative-quantity" | "non-positive-value" | "out-of-range" | "unknown-unit" | "invalid-region" | "no-data-rows" | "unit-mismatch" | "malformed-date" | "impossible-date-range" | "unknown-gas" | "unknown-scope" | "unknown-category" | "misplaced-scope3-category" | "duplicate-id" | "invalid-factor" | "missing-gwp-basis" | "checksum-mismatch" | "invalid-metadata" | "unknown-factor" | "no-factor" | "ambiguous-factor" | "missing-gwp" | "gwp-basis-mismatch" | "unverified-factor" | "inexact-conversion" | "overflow" | "not-a-scopebook-database" | "newer-schema" | "database-exists" | "database-error" | "unknown-record" | "period-overlap" | "period-locked" | "invalid-state" | "audit-chain-broken" | "audit-data-mismatch" | "duplicate-record" | "unmapped-field" | "unknown-value" | "error-cell" | "wrong-file-type" | "file-too-large" | "snapshot-mismatch" | "unknown-sector" | "invalid-value" | "instrument-over-allocated" | "duplicate-serial" | "instrument-quality" | "insufficient-holdings" | "ineligible-offset" | "offset-cap-exceeded" | "co2e-only-factor" | "figure-mismatch" | "factor-withheld" | "missing-exchange-rate" | "missing-price-index" | "scope3-status-conflict";

export type Severity = "error" | "warning";

export type FieldError = { 
/**
 * The field (an activity column name such as `quantity` or `unit`), or "" for the whole row.
 */
field: string, 
/**
 * The diagnostic code (`malformed-number`, `unit-mismatch`, …).
 */
code: DiagnosticCode, message: string, severity: Severity, };

export type Consolidation = "operational-control" | "financial-control" | "equity-share";

export type GwpSetId = "AR4" | "AR5" | "AR6";

export type Language = "en" | "zh";

export type Settings = { language: Language, };

export type NewOrganisationInput = { 
/**
 * The file to create (must not exist yet); its folder is created when missing.
 */
path: string, name: string, consolidation: Consolidation, };

export type OrganisationInfo = { path: string, name: string, consolidation: Consolidation, created_at: string, 
/**
 * The name written into the audit log for this session's changes.
 */
user: string, };

export type RecentOrganisation = { path: string, name: string, 
/**
 * `false` when the file is no longer there.
 */
exists: boolean, };

export type Session = { organisation: OrganisationInfo | null, recent: Array<RecentOrganisation>, 
/**
 * The folder suggested for a new organisation file.
 */
default_folder: string, 
/**
 * Why the last organisation could not be reopened at start, if it could not.
 */
reopen_error: AppError | null, };

export type FacilityKind = "legal-entity" | "facility";

export type FacilityInput = { code: string, name: string, kind: FacilityKind, 
/**
 * The parent's code, or "".
 */
parent: string, 
/**
 * Percent, 0 to 100, as a decimal string. `null`: not given — a new facility then has the
 * store's default (100, as `scopebook facility add` without `--equity-share`), and an edit
 * leaves the share as it is.
 */
equity_share: string | null, operational_control: boolean, financial_control: boolean, region: string, 
/**
 * "" for none.
 */
grid_region: string, ets_covered: boolean, 
/**
 * The IPCC sector its fuels are burnt in (a `SectorInfo.sector`), or "" for none; an
 * edit sends the sector shown, so "" clears it.
 */
sector: string, };

export type FacilityView = { id: number, code: string, name: string, kind: FacilityKind, parent: string | null, equity_share: string, operational_control: boolean, financial_control: boolean, region: string, grid_region: string | null, ets_covered: boolean, 
/**
 * Its IPCC sector's stable name (`manufacturing`), if it has one.
 */
sector: string | null, };

export type SectorInfo = { 
/**
 * The stable name files and the store use: `energy`, `manufacturing`, `commercial`, `residential`.
 */
sector: string, name_en: string, name_zh: string, };

export type ConsolidationChange = { consolidation: Consolidation, reason: string, 
/**
 * Make it as a restatement of the locked periods whose figures it alters (the reason is
 * then required); without it such a change is refused (`locked`).
 */
restate: boolean, };

export type PeriodStatus = "open" | "in_review" | "locked";

export type PeriodInput = { year: number, start: string, end: string, gwp_set: GwpSetId, base_year: boolean, };

export type SnapshotSummary = { id: number, taken_at: string, engine_version: string, gwp_set: string, input_sha256: string, result_sha256: string, 
/**
 * The snapshot's totals in tonnes CO2e (read from its stored report); `null` when the stored
 * report cannot be read.
 */
totals: SnapshotTotals | null, };

export type SnapshotTotals = { scope1: string, scope2_location: string, scope2_market: string, scope3: string, 
/**
 * `null` when the stored report does not record it.
 */
biogenic_co2: string | null, };

export type PeriodView = { year: number, start: string, end: string, status: PeriodStatus, base_year: boolean, gwp_set: GwpSetId, 
/**
 * `dataset=edition` pins.
 */
pins: Array<string>, 
/**
 * Present once the period is locked.
 */
snapshot: SnapshotSummary | null, };

export type ActivityDraft = { facility: string, period_start: string, period_end: string, activity: string, quantity: string, unit: string, region: string, 
/**
 * An explicit factor id, or "".
 */
factor: string, evidence: string, 
/**
 * `measured`, `calculated`, `estimated` or "".
 */
data_quality: string, note: string, 
/**
 * The IPCC sector the fuel is burnt in (else the facility's), or "".
 */
sector: string, 
/**
 * The record's own fuel parameters, or "" for the factor's defaults.
 */
ncv_gj_per_unit: string, carbon_t_per_gj: string, oxidation: string, 
/**
 * How the parameters were obtained: `measured`, `calculated`, `default` or "".
 */
parameter_source: string, 
/**
 * The Scope 3 category 1–15, overriding the factor's, or "" for the factor's.
 */
scope3_category: string, 
/**
 * The Scope 3 columns (`activity::SCOPE3_COLUMNS`, decisions 0035 and 0050), each as typed
 * or "" for none: the method (`spend-based`, …) and the five data-quality scores 1–5.
 */
method: string, dq_technology: string, dq_time: string, dq_geography: string, dq_completeness: string, dq_reliability: string, 
/**
 * A spend line's money: the price year, units of the line's currency per unit of the
 * factor's, and the price index from that year to the factor's.
 */
currency_year: string, exchange_rate: string, price_index: string, 
/**
 * Category 15: the reporter's share of the investee (0–1) and the PCAF score 1–5.
 */
attribution: string, pcaf_score: string, };

export type RecordStatus = "current" | "superseded";

export type ActivityRecordView = { id: number, period: number, draft: ActivityDraft, entered_by: string, created_at: string, status: RecordStatus, 
/**
 * The record this one restates.
 */
supersedes: number | null, restatement_reason: string | null, };

export type ActivityPage = { 
/**
 * How many records the period has in all (with `all`, superseded ones too).
 */
total: number, offset: number, records: Array<ActivityRecordView>, };

export type AuditEntryView = { seq: number, at: string, user: string, action: string, table: string, record: number, old_value: string | null, new_value: string | null, reason: string | null, hash: string, };

export type AuditQuery = { action: string, table: string, user: string, 
/**
 * Matched against the values and the reason.
 */
text: string, offset: number, 
/**
 * 0: no limit.
 */
limit: number, 
/**
 * Count every entry a text matches; otherwise counting stops after
 * `scopebook_store::AUDIT_COUNT_CAP` (decision 0041).
 */
exact_count: boolean, };

export type AuditPage = { 
/**
 * How many entries match; with `total_at_least`, more than this (counting stopped).
 */
total: number, total_at_least: boolean, entries: Array<AuditEntryView>, };

export type VerifyResult = { ok: boolean, entries: number, 
/**
 * The last entry's hash (when ok).
 */
head: string, 
/**
 * The diagnostic code of the first problem (when not ok).
 */
code: DiagnosticCode | null, message: string, };

export type ActivityType = { activity: string, 
/**
 * The units its factors are per, e.g. ["kWh"] or ["t", "GJ"].
 */
units: Array<string>, 
/**
 * Regions its factors cover.
 */
regions: Array<string>, 
/**
 * The scopes of its factors, ascending (one, unless its factors disagree).
 */
scopes: Array<number>, 
/**
 * Its names in the activity vocabulary, when the vocabulary maps it.
 */
names: ActivityNames | null, };

export type ActivityNames = { en: string, zh: string, };

export type Totals = { scope1: string, scope2_location: string, scope2_market: string, scope3: string, biogenic_co2: string, };

export type FacilityTotals = { facility: string, 
/**
 * After the organisation's share: what the facility adds to the totals.
 */
totals: Totals, 
/**
 * The organisation's share of the facility, in percent, as the calculation applied it.
 */
share_applied: string, 
/**
 * The facility's own full emissions (before the share).
 */
own: Totals, 
/**
 * What its market-based Scope 2 rests on; `null` when it used no electricity.
 */
scope2_market_basis: Scope2MarketBasis | null, 
/**
 * Whether its own market-based Scope 2 is above its location-based figure.
 */
market_above_location: boolean, };

export type CategoryTotal = { category: number, co2e_t: string, };

export type SelectionRule = "explicit" | "facility-specific" | "supplier-specific" | "user-supplied" | "region" | "parent-region" | "global-default" | "latest-available";

export type DashboardLine = { id: number, facility: string, activity: string, scope: number, factor_id: string, dataset: string, edition: string, selected_by: SelectionRule, verified: boolean, co2e_t: string, };

export type UnresolvedRow = { id: number, activity: string, code: DiagnosticCode, message: string, };

export type Scope2MarketBasis = "instruments" | "residual-mix" | "grid-average";

export type Dashboard = { gwp_set: GwpSetId, complete: boolean, totals: Totals, 
/**
 * The organisation's consolidation approach, applied to every total.
 */
consolidation: Consolidation, 
/**
 * How market-based Scope 2 is made (the library's text; the UI says it in its language).
 */
scope2_market_basis: string, 
/**
 * The bases the facilities' market-based Scope 2 rests on, each once, in the order of the
 * hierarchy (instruments, residual mix, grid average).
 */
scope2_market_bases: Array<Scope2MarketBasis>, 
/**
 * Whether market-based Scope 2 is above location-based in all.
 */
market_above_location: boolean, by_facility: Array<FacilityTotals>, by_scope3_category: Array<CategoryTotal>, 
/**
 * The period's records calculated: each one is a line or an unresolved row, and
 * `dashboard_lines` gives them a page at a time.
 */
records: number, 
/**
 * How many of the records were calculated.
 */
line_count: number, 
/**
 * How many could not be calculated.
 */
unresolved_total: number, 
/**
 * The first [`UNRESOLVED_SHOWN`] of those, in entry order.
 */
unresolved: Array<UnresolvedRow>, 
/**
 * Warnings about factors used (unverified figures, GWP basis).
 */
notes: Array<FieldError>, };

export type DashboardLinesPage = { 
/**
 * How many records the period has: the rows of the table.
 */
total: number, offset: number, lines: Array<DashboardLine>, unresolved: Array<UnresolvedRow>, };

export type DashboardInstrument = { id: number, facility: string, 
/**
 * gec, i-rec, go, rec, ppa-physical, ppa-virtual, green-tariff or supplier-rate.
 */
instrument: string, 
/**
 * `heat`, `steam` or `cooling`; `None` for electricity.
 */
energy: string | null, 
/**
 * MWh as stored; empty when the row gives GJ (`gj`).
 */
mwh: string, 
/**
 * Heat, steam or cooling in GJ, when the row gives GJ.
 */
gj: string | null, emission_rate_kg_per_mwh: string, generation_start: string, generation_end: string, market: string | null, registry: string | null, serial_from: string | null, serial_to: string | null, retired_on: string | null, beneficiary: string | null, };

export type InstrumentKindId = "gec" | "i-rec" | "go" | "rec" | "ppa-physical" | "ppa-virtual" | "green-tariff" | "supplier-rate";

export type Scope2Energy = "electricity" | "heat" | "steam" | "cooling";

export type CoverageBy = "gec" | "i-rec" | "go" | "rec" | "ppa-physical" | "ppa-virtual" | "green-tariff" | "supplier-rate" | "residual-mix" | "grid-average";

export type HeatCoverageBy = "supplier-rate" | "location-based";

export type HeatShare = { energy: Scope2Energy, by: HeatCoverageBy, gj: string, percent: string, };

export type InstrumentGrade = "pass" | "warn" | "fail";

export type InstrumentQuality = { 
/**
 * Generated in the reporting period (pass), within 12 months of it (warn), or not (fail).
 */
vintage: InstrumentGrade, 
/**
 * Generated in the consumption's country (pass), market unknown (warn), another (fail).
 */
market: InstrumentGrade, 
/**
 * A certificate retired with a beneficiary (pass), without one (warn), not retired (fail).
 */
retired: InstrumentGrade, 
/**
 * A China GEC within two years of its production month (pass), after (fail).
 */
validity: InstrumentGrade, 
/**
 * No serial used twice and no more MWh than consumed (pass), else fail.
 */
unique: InstrumentGrade, };

export type Scope2Instrument = { 
/**
 * The stored row's id (`scopebook instrument delete`).
 */
id: number, facility: string, instrument: InstrumentKindId, 
/**
 * Electricity, or heat, steam or cooling (a supplier's rate).
 */
energy: Scope2Energy, 
/**
 * MWh as the row gives them; empty when it gives GJ (`gj`).
 */
mwh: string, 
/**
 * Heat, steam or cooling in GJ, when the row gives GJ.
 */
gj: string | null, 
/**
 * MWh applied (for heat, steam or cooling: `applied_gj` ÷ 3.6).
 */
applied_mwh: string, 
/**
 * GJ applied, for heat, steam or cooling.
 */
applied_gj: string | null, emission_rate_kg_per_mwh: string, generation_start: string, generation_end: string, market: string | null, serial_from: string | null, serial_to: string | null, retired_on: string | null, beneficiary: string | null, 
/**
 * When the contract was signed (`YYYY-MM-DD`).
 */
contract_date: string | null, 
/**
 * Whether the same attribute was also claimed as a CCER: `true` fails `unique` (a double
 * claim), and the instrument is not applied.
 */
ccer_claimed: boolean | null, quality: InstrumentQuality, 
/**
 * `false`: a failing grade; listed apart, not applied.
 */
applied: boolean, };

export type KindMwh = { kind: InstrumentKindId, mwh: string, };

export type Scope2Facility = { facility: string, consumption_mwh: string, 
/**
 * MWh covered by instruments, by kind, in the kinds' order.
 */
covered_mwh: Array<KindMwh>, residual_mix_mwh: string, 
/**
 * The residual-mix factors its uncovered MWh were at (none when nothing was at a residual mix).
 */
residual_mix_factors: Array<string>, 
/**
 * At the grid average: the location-based factor of its lines.
 */
grid_average_mwh: string, basis: Scope2MarketBasis, 
/**
 * `by_facility[].own`, t CO2e.
 */
scope2_location: string, scope2_market: string, };

export type CoverageShare = { by: CoverageBy, mwh: string, percent: string, };

export type Scope2View = { scope2_location: string, scope2_market: string, consumption_mwh: string, facilities: Array<Scope2Facility>, instruments: Array<Scope2Instrument>, failing: Array<Scope2Instrument>, coverage: Array<CoverageShare>, 
/**
 * Heat, steam and cooling bought: the share at a supplier's rate and the rest at the
 * lines' location-based factor (decision 0058); empty when none was bought.
 */
heat_coverage: Array<HeatShare>, 
/**
 * Whether the period is locked (nothing can be imported or deleted).
 */
locked: boolean, };

export type Scope3Status = "relevant" | "excluded" | "not-applicable" | "not-assessed";

export type MethodShare = { 
/**
 * A calculation method (`spend-based`, `supplier-specific`, …) or `unstated`.
 */
method: string, co2e_t: string, };

export type DataQualityView = { 
/**
 * Per indicator (technology, time, geography, completeness, reliability).
 */
indicators: Array<MethodShare>, overall: string, 
/**
 * The t CO2e the scores cover (the rest of the category gives none).
 */
scored_co2e_t: string, };

export type PcafView = { score: string, 
/**
 * The t CO2e the scores cover.
 */
scored_co2e_t: string, 
/**
 * t CO2e per score that occurs (`method` holds the score, "1" to "5").
 */
by_score: Array<MethodShare>, };

export type Scope3CategoryView = { category: number, status: Scope3Status, reason: string | null, co2e_t: string, lines: number, method_mix: Array<MethodShare>, data_quality: DataQualityView | null, 
/**
 * Category 15's PCAF data-quality score, when a line gives one (decision 0050).
 */
pcaf: PcafView | null, 
/**
 * The category's estimated t CO2e from its status (decision 0054), when given.
 */
estimate_t: string | null, };

export type IsoSourceView = { scope: number, category: string, co2e_t: string, };

export type IsoCategoryView = { category: number, co2e_t: string, sources: Array<IsoSourceView>, };

export type Scope3View = { scope3: string, categories: Array<Scope3CategoryView>, iso14064: Array<IsoCategoryView>, 
/**
 * How much of Scope 3 the lines report against the estimates of the categories without
 * lines; only when a category gives an estimate (decision 0054).
 */
coverage: CoverageView | null, locked: boolean, };

export type CoverageView = { 
/**
 * t CO2e of every category's lines.
 */
reported_t: string, 
/**
 * The estimates of the categories with no lines, t CO2e.
 */
estimated_t: string, 
/**
 * reported ÷ (reported + estimated) × 100, two places; absent when both are zero.
 */
percent: string | null, 
/**
 * The categories whose estimate is counted.
 */
categories: Array<number>, };

export type InstrumentsImported = { file: string, rows: number, };

export type InstrumentRestated = { file: string, restated: number, id: number, };

export type PeriodFactorFile = { id: number, year: number, 
/**
 * The name it was added under (a file's or a dataset folder's name).
 */
name: string, 
/**
 * The SHA-256 of the factor file's bytes, in full (the screen shows the first 16 hex).
 */
sha256: string, 
/**
 * The dataset's id and edition (`user:NAME` and `-` for a plain file).
 */
dataset: string, edition: string, 
/**
 * How many factors it adds to the period's library.
 */
factors: number, };

export type FactorQuery = { text: string, dataset: string, edition: string, region: string, gas: string, 
/**
 * 0 for any scope.
 */
scope: number, 
/**
 * At most this many results (0: no limit).
 */
limit: number, };

export type FactorSummary = { id: string, activity: string, 
/**
 * The factor's descriptive name, when its file gives one.
 */
name: string | null, 
/**
 * The names of its activity type in the activity vocabulary, when the vocabulary maps it.
 */
activity_names: ActivityNames | null, scope: number, 
/**
 * As a factor file writes it: `stationary`, `electricity`, or the Scope 3 number `1`–`15`.
 */
category: string, unit: string, region: string, gases: Array<string>, dataset: string, edition: string, verified: boolean, };

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

export type DatasetInfo = { id: string, edition: string, 
/**
 * The file the factors were read from.
 */
file: string, 
/**
 * From the dataset's metadata; `null` for a user's factor file, which has none.
 */
title: string | null, publisher: string | null, region: string, licence: string | null, factors: number, shipped: boolean, };

export type UserFactorsResult = { file: string, factors_added: number, 
/**
 * Every problem found, located by row and column; with any error nothing was added.
 */
problems: Array<FieldErrorAt>, };

export type FieldErrorAt = { row: number, field: string, code: DiagnosticCode, message: string, severity: Severity, };

export type ImportReadOptions = { 
/**
 * The worksheet (workbooks only); "" for the first that is not empty.
 */
sheet: string, 
/**
 * 1-based row (line, for CSV) of the header; 0 to detect.
 */
header_row: number, 
/**
 * One ASCII character, or "tab"; "" to detect.
 */
delimiter: string, 
/**
 * e.g. "gbk", "utf-8"; "" to detect.
 */
encoding: string, };

export type ImportField = { 
/**
 * The wire name (`facility`, `quantity`, …).
 */
field: string, label_en: string, label_zh: string, required: boolean, };

export type ColumnChoice = { field: string, 
/**
 * The file's header; "" unmaps the field.
 */
header: string, };

export type MappingSourceView = { kind: MappingSourceKind, name: string | null, };

export type MappingSourceKind = "guess" | "template" | "same-headers";

export type ValueKind = "activity" | "unit";

export type MappedBy = "built_in" | "user";

export type SampleRow = { 
/**
 * The row (line) as the user sees it in the file.
 */
row: number, cells: Array<string>, };

export type ImportInspection = { file: string, path: string, format: string, 
/**
 * Every sheet of a workbook (empty for CSV), and the one read.
 */
sheets: Array<string>, sheet: string | null, encoding: string | null, delimiter: string | null, header_row: number, headers: Array<string>, rows_total: number, 
/**
 * The first rows, for the preview table.
 */
sample: Array<SampleRow>, 
/**
 * The mapping the import will start from (a template, or the guess).
 */
mapping: Array<ColumnChoice>, mapping_source: MappingSourceView, fields: Array<ImportField>, 
/**
 * The saved templates' names.
 */
templates: Array<string>, };

export type ValueChoiceInput = { kind: ValueKind, value: string, target: string, };

export type ImportRequest = { path: string, read: ImportReadOptions, year: number, 
/**
 * A saved template to use, or "".
 */
template: string, 
/**
 * Corrections to the mapping.
 */
columns: Array<ColumnChoice>, values: Array<ValueChoiceInput>, 
/**
 * Save the mapping as a template of this name when the import is written ("" for none).
 */
save_template: string, 
/**
 * Where a valid-rows-only import writes the skipped rows ("" for FILE.skipped.csv).
 */
skipped_path: string, };

export type ImportRunMode = "all_or_nothing" | "valid_rows_only";

export type ImportOutcome = "checked" | "imported" | "refused" | "cancelled";

export type ImportProblem = { row: number, 
/**
 * The file's header of the column, or "" for the whole row.
 */
column: string, field: string, 
/**
 * The cell's text.
 */
value: string, code: DiagnosticCode, severity: Severity, message: string, };

export type ImportDuplicate = { row: number, of_record: number | null, of_row: number | null, };

export type UnknownValueView = { kind: ValueKind, value: string, rows: number, first_row: number, suggestions: Array<string>, };

export type MappedValueView = { kind: ValueKind, value: string, to: string, by: MappedBy, rows: number, };

export type EarlierImportView = { id: number, imported_at: string, imported_by: string, records: number, };

export type ImportPreview = { file: string, sha256: string, period: number, mapping: Array<ColumnChoice>, mapping_source: MappingSourceView, unmapped_columns: Array<string>, rows_read: number, rows_valid: number, rows_with_problems: number, 
/**
 * The first [`PROBLEMS_SHOWN`] problems, in row order.
 */
problems: Array<ImportProblem>, 
/**
 * How many problems there are in all.
 */
problems_total: number, duplicates: Array<ImportDuplicate>, unknown_values: Array<UnknownValueView>, mapped_values: Array<MappedValueView>, 
/**
 * The emissions the import adds (tonnes CO2e, exact decimal strings).
 */
emissions: Totals, warnings: Array<string>, earlier_imports: Array<EarlierImportView>, outcome: ImportOutcome, import_id: number | null, records_imported: number, first_record: number | null, last_record: number | null, 
/**
 * Where a valid-rows-only import wrote the skipped rows.
 */
skipped_file: string | null, };

export type ImportStage = "converting" | "checking" | "writing";

export type ImportProgress = { stage: ImportStage, done: number, total: number, };

export type RecordLineage = { import_id: number, file_name: string, file_sha256: string, 
/**
 * The row (line) of the file.
 */
source_row: number, imported_at: string, imported_by: string, };

export type TemplateExportInput = { path: string, lang: Language, 
/**
 * Limit the date columns to this year (0 for none).
 */
year: number, };

export type EtsSchemeId = "cn-ets" | "eu-ets";

export type EtsEnrolmentInput = { 
/**
 * The facility's code; the facility must have the "covered by an ETS" flag.
 */
facility: string, scheme: EtsSchemeId, 
/**
 * The enterprise (`enterprise` of UNITS.csv and LEDGER.csv) the facility belongs to.
 */
enterprise: string, 
/**
 * China: the shipped plan its units are entered under unless a unit names its own; "" for none.
 */
plan: string, };

export type EtsFacilityView = { id: number, facility: string, facility_name: string, scheme: EtsSchemeId, enterprise: string, plan: string | null, };

export type EtsUnitDraft = { facility: string, 
/**
 * China: a shipped plan id, "" for the facility's.
 */
plan: string, unit: string, unit_class: string, 
/**
 * `water` or `air`.
 */
cooling: string, output_mwh: string, heat_gj: string, 
/**
 * A decimal fraction (0.78).
 */
heat_supply_ratio: string, load_factor: string, verified_t: string, 
/**
 * Sectors and years whose rules are not shipped, and the EU's free allocation.
 */
allocation_t: string, };

export type EtsUnitView = { id: number, year: number, scheme: EtsSchemeId, enterprise: string, draft: EtsUnitDraft, };

export type EtsLedgerKind = "allocation" | "purchase" | "sale" | "transfer-in" | "transfer-out" | "surrender" | "bank-in" | "borrow";

export type EtsLedgerDraft = { scheme: EtsSchemeId, enterprise: string, 
/**
 * ISO date.
 */
date: string, kind: EtsLedgerKind, quantity_t: string, 
/**
 * CEA, CCER, EUA.
 */
instrument: string, price: string, currency: string, vintage: string, project: string, evidence: string, };

export type EtsLedgerEntryView = { id: number, year: number, draft: EtsLedgerDraft, };

export type EtsImported = { file: string, rows: number, };

export type PlanDocument = { title: string, title_en: string | null, number: string, date: string, publisher: string, table: string, note: string | null, };

export type PlanUnitClass = { id: string, fuel: string, label: string, };

export type PlanInfo = { id: string, scheme: EtsSchemeId, sector: string, currency: string, years: Array<number>, 
/**
 * The file it is read from (`allowance-plans/<id>/plan.toml`).
 */
file: string, document: PlanDocument, classes: Array<PlanUnitClass>, };

export type PositionRequest = { scheme: EtsSchemeId, year: number, 
/**
 * China, when the period's units are under several plans: which; "" otherwise.
 */
plan: string, prices: Array<string>, };

export type PositionFinding = { file: string, row: number | null, column: string | null, code: DiagnosticCode, message: string, severity: Severity, };

export type PriceScenarioView = { scenario: string, price: string, currency: string, };

export type NamedFigure = { name: string, value: string, };

export type UnitPositionLine = { enterprise: string, unit: string, unit_class: string, row: number, 
/**
 * `benchmark`, `heat`, `verified` or `entered`.
 */
method: string, basis: string | null, allocation_t: string, verified_t: string, obligation_t: string, factors: Array<NamedFigure>, };

export type PositionValue = { scenario: string, price: string, currency: string, amount: string, };

export type PenaltyView = { low: string, high: string, currency: string, owed_t: string, basis: string, };

export type ReliefView = { rule: string, 
/**
 * `obligation` (capped) or `allocation` (topped up).
 */
caps: string, tonnes: string, };

export type MixView = { scenario: string, currency: string, allowance_price: string, offset_price: string | null, gap_t: string, headroom_t: string, offsets_t: string, allowances_t: string, amount: string, saving: string, };

export type EnterprisePositionView = { enterprise: string, allocation_t: string, verified_t: string, obligation_t: string, relief: Array<ReliefView>, relief_t: string, 
/**
 * `null` when the scheme takes no offsets for the year.
 */
offset_cap_t: string | null, offsets_used_t: string, holdings_t: string, surrendered_t: string, 
/**
 * obligation − holdings − offsets used: positive = shortfall, negative = surplus.
 */
shortfall_t: string, values: Array<PositionValue>, penalty: PenaltyView | null, deadline: string | null, bankable_t: string | null, cheapest_mix: Array<MixView>, };

export type FigureStatus = { 
/**
 * `free_allocation_t`, `verified_t` or `surrendered_t`.
 */
figure: string, 
/**
 * `NA`, `Excluded`, `Not Reported`, … (`""`: an empty cell).
 */
status: string, };

export type InstallationPositionLine = { installation: string, name: string, account_holder: string, free_allocation_t: string | null, verified_t: string | null, surrendered_t: string | null, 
/**
 * The registry's compliance code (A, B, C, D, E; `*` = changed after the deadline).
 */
status: string | null, figure_status: Array<FigureStatus>, obligation_t: string | null, shortfall_t: string | null, penalty: PenaltyView | null, };

export type RegistryFigure = { "value": string } | { "status": string };

export type EtsRegistryRowView = { id: number, 
/**
 * The registry's key (`DE-990001`), else the installation id.
 */
installation: string, installation_id: string, account_holder: string, name: string, country: string, activity: string, 
/**
 * The facility (registered under the EU ETS as the holder) this installation is, if tied.
 */
facility: string | null, free_allocation: RegistryFigure, verified: RegistryFigure, surrendered: RegistryFigure, surrendered_allowances: RegistryFigure, 
/**
 * The compliance code as published (A, B, C, D, E; `*` = changed after the deadline).
 */
compliance: string | null, 
/**
 * The file and line the row was imported from.
 */
source_file: string, source_line: number, };

export type EtsRegistryQuery = { year: number, search: string, offset: number, limit: number, };

export type EtsRegistryPage = { rows: Array<EtsRegistryRowView>, offset: number, 
/**
 * The rows that match the search.
 */
matching: number, 
/**
 * Every row of the period.
 */
total: number, };

export type EtsRegistryImported = { files: Array<string>, rows: number, };

export type ReconciliationReason = { reason: string, tonnes: string, 
/**
 * On a line: the gases left out, or the factor whose defaults or CO2e-only figure it is.
 */
detail: string | null, };

export type ReconciliationLine = { row: number, facility: string, holder: string | null, activity: string, scope: number, category: string, inventory_t: string, scheme_t: string, reasons: Array<ReconciliationReason>, };

export type ReconciliationHolder = { holder: string, 
/**
 * Its covered facilities' codes.
 */
facilities: Array<string>, inventory_t: string, computed_t: string, verified_t: string | null, 
/**
 * verified − computed, where the verifier's figure is given.
 */
verified_minus_computed_t: string | null, scheme_t: string, 
/**
 * Which figure the scheme counts: `computed` or `verified`.
 */
prevails: string, reasons: Array<ReconciliationReason>, 
/**
 * With an as-of date: the rest of the year projected from the records so far.
 */
forecast: ReconciliationForecast | null, };

export type ReconciliationForecast = { as_of: string, days_covered: number, days_in_year: number, year_to_date_t: string, projected_t: string, 
/**
 * What covers the obligation in the position, where known.
 */
available_t: string | null, 
/**
 * projected − available: positive = the gap expected at the year's end.
 */
expected_shortfall_t: string | null, };

export type ReconciliationView = { 
/**
 * The plan whose scheme boundary counts (which gases, whether indirect emissions do).
 */
plan: string, 
/**
 * The records calculated (`period YEAR`) and the compliance period they lie in.
 */
activities: string, period_start: string, period_end: string, inventory_t: string, computed_t: string, reasons: Array<ReconciliationReason>, holders: Array<ReconciliationHolder>, lines: Array<ReconciliationLine>, 
/**
 * Scope 3 lines, in neither figure.
 */
scope3_lines: number, };

export type ReconciliationRequest = { scheme: EtsSchemeId, year: number, 
/**
 * When the period's units are under several plans: which; "" otherwise.
 */
plan: string, 
/**
 * Registered facilities whose scheme figure takes the factor's defaults, not the records'
 * own parameters (the verifier did not accept them).
 */
default_parameters: Array<string>, 
/**
 * `YYYY-MM-DD`: the records run to this date and the rest of the year is projected; "" for
 * the whole period.
 */
as_of: string, };

export type ReconciliationReport = { reconciliation: ReconciliationView, findings: Array<PositionFinding>, };

export type PositionView = { scheme: EtsSchemeId, plan: string, year: number | null, currency: string, document: PlanDocument, prices: Array<PriceScenarioView>, units: Array<UnitPositionLine>, enterprises: Array<EnterprisePositionView>, installations: Array<InstallationPositionLine>, notes: Array<string>, 
/**
 * Warnings (a position with an error is refused instead).
 */
findings: Array<PositionFinding>, reconciliation: ReconciliationView | null, };

export type AuditorPackage = { 
/**
 * The package file's path, as opened.
 */
path: string, root_hash: string, organisation: string, period: number | null, 
/**
 * Whether `scopebook verify` would pass; a failing package is browsable, marked.
 */
verified: boolean, 
/**
 * What verification found (errors and warnings), located.
 */
problems: Array<FieldError>, records: number, lines: number, recomputed: number, withheld: number, 
/**
 * The facility codes of the lines, sorted.
 */
facilities: Array<string>, 
/**
 * Where the findings are saved while the auditor works (`PKG.zip.findings.json`).
 */
sidecar: string, 
/**
 * Findings the package itself carries (`findings/`, written by an auditor's export), as
 * `verify` found them; `None` when it has none.
 */
package_findings: AuditorPackageFindings | null, findings: AuditorFindings, };

export type AuditorPackageFindings = { files: number, marks: number, checked: number, queried: number, sampled: number, in_full: number, 
/**
 * Every file matches the findings manifest, about this package's root hash.
 */
intact: boolean, };

export type AuditorLineQuery = { 
/**
 * A facility code, or "" for all.
 */
facility: string, 
/**
 * `1`, `2`, `3`, or "" for all.
 */
scope: string, text: string, offset: number, limit: number, };

export type AuditorLine = { record: number, facility: string, scope: string, category: string, activity: string, quantity: string, unit: string, factor: string, evidence: string, 
/**
 * kg CO2e as the totals count it (after the equity share).
 */
co2e_kg: string, };

export type AuditorLinePage = { lines: Array<AuditorLine>, offset: number, matching: number, };

export type AuditorField = { name: string, value: string, };

export type AuditorFactor = { id: string, dataset: string, edition: string, dataset_sha256: string, source: string, licence: string, 
/**
 * `included`, or why its file is not in the package.
 */
file: string, };

export type AuditorLineDetail = { line: AuditorLine, iso_category: string, full_co2e_kg: string, share_applied: string, biogenic_co2_kg: string, record_sha256: string, record_sha256_ok: boolean, record_fields: Array<AuditorField>, evidence: string, evidence_file: string, evidence_sha256: string, factor: AuditorFactor, 
/**
 * `None` when the package names a rule this build does not know.
 */
selected_by: SelectionRule | null, gwp_set: string, steps: Array<Array<AuditorField>>, mark: AuditorMark | null, };

export type AuditorSampleRequest = { phrase: string, 
/**
 * `5`, `2` or another exact decimal percent.
 */
materiality: string, 
/**
 * `None`: the default size (25, or every remaining line when fewer).
 */
size: number | null, };

export type AuditorDrawn = { record: number, co2e_kg: string, rank_key: string, };

export type AuditorSample = { phrase: string, seed: string, materiality_percent: string, total_co2e_kg: string, threshold_co2e_kg: string, size: number, lines: number, in_full: Array<AuditorDrawn>, sampled: Array<AuditorDrawn>, rule: string, };

export type AuditorMarkStatus = "checked" | "queried";

export type AuditorMark = { record: number, status: AuditorMarkStatus, comment: string, auditor: string, 
/**
 * RFC 3339, UTC, by the auditor's clock.
 */
at: string, };

export type AuditorMarkInput = { record: number, status: AuditorMarkStatus, comment: string, auditor: string, };

export type AuditorFindings = { sample: AuditorSample | null, marks: Array<AuditorMark>, };

export type AuditorExported = { path: string, bytes: number, 
/**
 * The SHA-256 of the findings JSON written.
 */
findings_sha256: string, };

export type ReportKindId = "inventory" | "position" | "cn-ets-sheet" | "eu-aer";

export type ReportLanguage = "en" | "zh" | "both";

export type ReportFormatId = "pdf" | "xlsx" | "csv";

export type ReportKindChoice = { kind: ReportKindId, formats: Array<ReportFormatId>, };

export type ExportChoices = { year: number, 
/**
 * The inventory always; the position when the file registers a facility under an ETS; the
 * China data sheet under the China ETS; the EU sheet under the EU ETS.
 */
kinds: Array<ReportKindChoice>, };

export type ReportExportInput = { year: number, kind: ReportKindId, lang: ReportLanguage, 
/**
 * The file to write; its extension (.pdf, .xlsx, .csv) names the format.
 */
path: string, };

export type ReportExported = { path: string, format: ReportFormatId, bytes: number, 
/**
 * Records the report leaves out because they could not be calculated (the CLI writes the
 * report, says so and exits 1); 0 when the report is complete.
 */
left_out: number, };

export type PackageExportInput = { year: number, path: string, };

export type PackageExported = { path: string, bytes: number, root_hash: string, files: number, records: number, lines: number, 
/**
 * Lines whose factor file the package carries only as a reference and hash (licence).
 */
withheld_lines: number, withheld_datasets: Array<string>, };

export type QuantityEntry = { "calculator": "flight", distance_km: string, passengers: string, trip: string, haul: string, cabin: string, radiative_forcing: string, } | { "calculator": "commute", employees: string, working_days: string, one_way_km: string, share_percent: string, mode: string, occupancy: string, } | { "calculator": "freight", tonnes: string, distance_km: string, activity: string, direction: string, } | { "calculator": "waste", material: string, treatment: string, tonnes: string, } | { "calculator": "product_use", units_sold: string, lifetime_uses: string, energy_per_use: string, energy_unit: string, activity: string, } | { "calculator": "investment", investee: string, investee_emissions_t: string, basis: string, outstanding: string, investee_value: string, share_percent: string, pcaf_score: string, };

export type WorkedQuantity = { activity: string, 
/**
 * Exact decimal text.
 */
quantity: string, unit: string, scope3_category: string, method: string, 
/**
 * One line for the record's note: how the quantity was obtained.
 */
working: string, 
/**
 * Category 15: the share of the investee (exact decimal text, or held at 28 decimal places as
 * the working says); "" for the other calculators.
 */
attribution: string, 
/**
 * Category 15: PCAF's score 1–5; "" for the other calculators.
 */
pcaf_score: string, };

