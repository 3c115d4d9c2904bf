//! The Compliance screen's wire types (issue 12): a covered facility's registration under an
//! ETS, a period's units and ledger as typed (every cell text, "" for none, checked by the
//! store exactly as `scopebook ets` checks it), the shipped plans with their source documents,
//! and the allowance position as `scopebook position --format json` gives it. Every quantity,
//! price and amount is a decimal string.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{DiagnosticCode, Severity};

/// An emissions trading scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum EtsSchemeId {
    /// China national ETS (CEA, CCER; CNY).
    CnEts,
    /// EU ETS (EUA; EUR).
    EuEts,
}

/// A covered facility's registration as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsEnrolmentInput {
    /// The facility's code; the facility must have the "covered by an ETS" flag.
    pub facility: String,
    pub scheme: EtsSchemeId,
    /// The enterprise (`enterprise` of UNITS.csv and LEDGER.csv) the facility belongs to.
    pub enterprise: String,
    /// China: the shipped plan its units are entered under unless a unit names its own; "" for none.
    pub plan: String,
}

/// A stored registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsFacilityView {
    pub id: u32,
    pub facility: String,
    pub facility_name: String,
    pub scheme: EtsSchemeId,
    pub enterprise: String,
    pub plan: Option<String>,
}

/// A unit as typed: UNITS.csv's cells ("" for an empty cell); the enterprise is the facility's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsUnitDraft {
    pub facility: String,
    /// China: a shipped plan id, "" for the facility's.
    pub plan: String,
    pub unit: String,
    pub unit_class: String,
    /// `water` or `air`.
    pub cooling: String,
    pub output_mwh: String,
    pub heat_gj: String,
    /// A decimal fraction (0.78).
    pub heat_supply_ratio: String,
    pub load_factor: String,
    pub verified_t: String,
    /// Sectors and years whose rules are not shipped, and the EU's free allocation.
    pub allocation_t: String,
}

/// A stored unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsUnitView {
    pub id: u32,
    pub year: i32,
    pub scheme: EtsSchemeId,
    pub enterprise: String,
    pub draft: EtsUnitDraft,
}

/// The kind of a ledger movement (LEDGER.csv's `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum EtsLedgerKind {
    Allocation,
    Purchase,
    Sale,
    TransferIn,
    TransferOut,
    Surrender,
    BankIn,
    Borrow,
}

/// A ledger movement as typed: LEDGER.csv's cells ("" for an empty cell).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsLedgerDraft {
    pub scheme: EtsSchemeId,
    pub enterprise: String,
    /// ISO date.
    pub date: String,
    pub kind: EtsLedgerKind,
    pub quantity_t: String,
    /// CEA, CCER, EUA.
    pub instrument: String,
    pub price: String,
    pub currency: String,
    pub vintage: String,
    pub project: String,
    pub evidence: String,
}

/// A stored ledger movement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsLedgerEntryView {
    pub id: u32,
    pub year: i32,
    pub draft: EtsLedgerDraft,
}

/// What an import wrote (all or nothing: a refused file writes nothing and rejects).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsImported {
    pub file: String,
    pub rows: u32,
}

/// A plan's (or the EU rules') source document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanDocument {
    pub title: String,
    pub title_en: Option<String>,
    pub number: String,
    pub date: String,
    pub publisher: String,
    pub table: String,
    pub note: Option<String>,
}

/// A unit class of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanUnitClass {
    pub id: String,
    pub fuel: String,
    pub label: String,
}

/// A shipped China plan, or the EU rules (`scheme` says which).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanInfo {
    pub id: String,
    pub scheme: EtsSchemeId,
    pub sector: String,
    pub currency: String,
    pub years: Vec<i32>,
    /// The file it is read from (`allowance-plans/<id>/plan.toml`).
    pub file: String,
    pub document: PlanDocument,
    pub classes: Vec<PlanUnitClass>,
}

/// What to work a position for. `prices` are `--price` texts (`[NAME=]AMOUNT[CURRENCY]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PositionRequest {
    pub scheme: EtsSchemeId,
    pub year: i32,
    /// China, when the period's units are under several plans: which; "" otherwise.
    pub plan: String,
    pub prices: Vec<String>,
}

/// A finding of the position, located in the file (`UNITS.csv`, `LEDGER.csv`, …) it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PositionFinding {
    pub file: String,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub code: DiagnosticCode,
    pub message: String,
    pub severity: Severity,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PriceScenarioView {
    pub scenario: String,
    pub price: String,
    pub currency: String,
}

/// A named factor or part of a unit's allocation (`benchmark`, `cooling`, `electricity_t`, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NamedFigure {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnitPositionLine {
    pub enterprise: String,
    pub unit: String,
    pub unit_class: String,
    pub row: u32,
    /// `benchmark`, `heat`, `verified` or `entered`.
    pub method: String,
    pub basis: Option<String>,
    pub allocation_t: String,
    pub verified_t: String,
    pub obligation_t: String,
    pub factors: Vec<NamedFigure>,
}

/// shortfall × price at one scenario: positive = the cost of closing the gap, negative = what the
/// surplus is worth.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PositionValue {
    pub scenario: String,
    pub price: String,
    pub currency: String,
    pub amount: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PenaltyView {
    pub low: String,
    pub high: String,
    pub currency: String,
    pub owed_t: String,
    pub basis: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReliefView {
    pub rule: String,
    /// `obligation` (capped) or `allocation` (topped up).
    pub caps: String,
    pub tonnes: String,
}

/// The cheapest mix of offsets and allowances that closes a shortfall at one scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MixView {
    pub scenario: String,
    pub currency: String,
    pub allowance_price: String,
    pub offset_price: Option<String>,
    pub gap_t: String,
    pub headroom_t: String,
    pub offsets_t: String,
    pub allowances_t: String,
    pub amount: String,
    pub saving: String,
}

/// One enterprise's position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EnterprisePositionView {
    pub enterprise: String,
    pub allocation_t: String,
    pub verified_t: String,
    pub obligation_t: String,
    pub relief: Vec<ReliefView>,
    pub relief_t: String,
    /// `null` when the scheme takes no offsets for the year.
    pub offset_cap_t: Option<String>,
    pub offsets_used_t: String,
    pub holdings_t: String,
    pub surrendered_t: String,
    /// obligation − holdings − offsets used: positive = shortfall, negative = surplus.
    pub shortfall_t: String,
    pub values: Vec<PositionValue>,
    pub penalty: Option<PenaltyView>,
    pub deadline: Option<String>,
    pub bankable_t: Option<String>,
    pub cheapest_mix: Vec<MixView>,
}

/// The text the registry gives instead of one of an installation's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FigureStatus {
    /// `free_allocation_t`, `verified_t` or `surrendered_t`.
    pub figure: String,
    /// `NA`, `Excluded`, `Not Reported`, … (`""`: an empty cell).
    pub status: String,
}

/// One EU installation in the year. A figure is `null` where the registry gives a status
/// instead (`figure_status` says which), never a zero.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InstallationPositionLine {
    pub installation: String,
    pub name: String,
    pub account_holder: String,
    pub free_allocation_t: Option<String>,
    pub verified_t: Option<String>,
    pub surrendered_t: Option<String>,
    /// The registry's compliance code (A, B, C, D, E; `*` = changed after the deadline).
    pub status: Option<String>,
    pub figure_status: Vec<FigureStatus>,
    pub obligation_t: Option<String>,
    pub shortfall_t: Option<String>,
    pub penalty: Option<PenaltyView>,
}

/// A reason the scheme's emissions differ from the inventory's, with its tonnes: a code
/// (`outside-scheme`, `indirect-excluded`, `gas-excluded`, `co2e-only-factor`,
/// `default-parameter`, `boundary-share`) the screen names in the user's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconciliationReason {
    pub reason: String,
    pub tonnes: String,
    /// On a line: the gases left out, or the factor whose defaults or CO2e-only figure it is.
    pub detail: Option<String>,
}

/// One Scope 1 or 2 line of the inventory beside the scheme: its record (`row` is the record's
/// id), the holder of its facility (none: outside the scheme), and inventory − scheme by reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconciliationLine {
    pub row: u32,
    pub facility: String,
    pub holder: Option<String>,
    pub activity: String,
    pub scope: u8,
    pub category: String,
    pub inventory_t: String,
    pub scheme_t: String,
    pub reasons: Vec<ReconciliationReason>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconciliationHolder {
    pub holder: String,
    /// Its covered facilities' codes.
    pub facilities: Vec<String>,
    pub inventory_t: String,
    pub computed_t: String,
    pub verified_t: Option<String>,
    /// verified − computed, where the verifier's figure is given.
    pub verified_minus_computed_t: Option<String>,
    pub scheme_t: String,
    /// Which figure the scheme counts: `computed` or `verified`.
    pub prevails: String,
    pub reasons: Vec<ReconciliationReason>,
    /// With an as-of date: the rest of the year projected from the records so far.
    pub forecast: Option<ReconciliationForecast>,
}

/// The year's scheme emissions projected at the run-rate of the records up to `as_of`
/// (`scopebook position … --reconcile --as-of DATE`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconciliationForecast {
    pub as_of: String,
    pub days_covered: u32,
    pub days_in_year: u32,
    pub year_to_date_t: String,
    pub projected_t: String,
    /// What covers the obligation in the position, where known.
    pub available_t: Option<String>,
    /// projected − available: positive = the gap expected at the year's end.
    pub expected_shortfall_t: Option<String>,
}

/// The scheme emissions beside the inventory of the same records (when the position carries it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconciliationView {
    /// The plan whose scheme boundary counts (which gases, whether indirect emissions do).
    pub plan: String,
    /// The records calculated (`period YEAR`) and the compliance period they lie in.
    pub activities: String,
    pub period_start: String,
    pub period_end: String,
    pub inventory_t: String,
    pub computed_t: String,
    pub reasons: Vec<ReconciliationReason>,
    pub holders: Vec<ReconciliationHolder>,
    pub lines: Vec<ReconciliationLine>,
    /// Scope 3 lines, in neither figure.
    pub scope3_lines: u32,
}

/// The reconciliation of a stored period: `scopebook position --db FILE --scheme S
/// --period YEAR --reconcile [--default-parameters FACILITY]...`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconciliationRequest {
    pub scheme: EtsSchemeId,
    pub year: i32,
    /// When the period's units are under several plans: which; "" otherwise.
    pub plan: String,
    /// Registered facilities whose scheme figure takes the factor's defaults, not the records'
    /// own parameters (the verifier did not accept them).
    pub default_parameters: Vec<String>,
    /// `YYYY-MM-DD`: the records run to this date and the rest of the year is projected; "" for
    /// the whole period.
    pub as_of: String,
}

/// The reconciliation with the position's and its own warnings (errors refuse it instead).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReconciliationReport {
    pub reconciliation: ReconciliationView,
    pub findings: Vec<PositionFinding>,
}

/// The allowance position of a period: `scopebook position --db FILE --scheme S --period YEAR`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PositionView {
    pub scheme: EtsSchemeId,
    pub plan: String,
    pub year: Option<i32>,
    pub currency: String,
    pub document: PlanDocument,
    pub prices: Vec<PriceScenarioView>,
    pub units: Vec<UnitPositionLine>,
    pub enterprises: Vec<EnterprisePositionView>,
    pub installations: Vec<InstallationPositionLine>,
    pub notes: Vec<String>,
    /// Warnings (a position with an error is refused instead).
    pub findings: Vec<PositionFinding>,
    pub reconciliation: Option<ReconciliationView>,
}
