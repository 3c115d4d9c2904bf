//! The wire types of the app's commands: what crosses IPC. TypeScript declarations are generated
//! from these (`ui/src/lib/bindings.ts`; a test fails when they drift). Decimals cross as
//! strings, never as JavaScript numbers; ids are 32-bit so they fit a JavaScript number.
//!
//! Every code that crosses is typed: a problem's code is a [`DiagnosticCode`] (a code of the
//! diagnostic catalogue, `tests/errors/`, and nothing else), and its severity, an import's stage
//! and a line's selection rule are enums, so the UI switches on a closed union.

use scopebook_core::diagnostic::{self, Code};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

mod auditor;
mod compliance;
mod dashboard;
mod exports;
mod factor_files;
mod import;
mod registry;
mod scope23;
mod scope3_entry;
pub use auditor::*;
pub use compliance::*;
pub use dashboard::*;
pub use exports::*;
pub use factor_files::*;
pub use import::*;
pub use registry::*;
pub use scope23::*;
pub use scope3_entry::*;

/// A code of the diagnostic catalogue (`scopebook_core::diagnostic::Code`, one fixture each in
/// `tests/errors/`). Its TypeScript type is the union of every catalogue code, generated from
/// `Code::ALL`, so the shell cannot send a code the catalogue does not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DiagnosticCode(pub Code);

impl From<Code> for DiagnosticCode {
    fn from(c: Code) -> Self {
        DiagnosticCode(c)
    }
}

impl Serialize for DiagnosticCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for DiagnosticCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Code::ALL
            .iter()
            .find(|c| c.as_str() == text)
            .map(|c| DiagnosticCode(*c))
            .ok_or_else(|| serde::de::Error::custom(format!("'{text}' is not a diagnostic code")))
    }
}

impl TS for DiagnosticCode {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &ts_rs::Config) -> String {
        "DiagnosticCode".to_string()
    }

    fn inline(_: &ts_rs::Config) -> String {
        Code::ALL.iter().map(|c| format!("\"{}\"", c.as_str())).collect::<Vec<_>>().join(" | ")
    }

    fn decl(cfg: &ts_rs::Config) -> String {
        format!("type DiagnosticCode = {};", Self::inline(cfg))
    }

    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        Self::decl(cfg)
    }
}

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The data is wrong; it is refused.
    Error,
    /// The result stands, with a caveat the user must see.
    Warning,
}

impl From<diagnostic::Severity> for Severity {
    fn from(s: diagnostic::Severity) -> Self {
        match s {
            diagnostic::Severity::Error => Severity::Error,
            diagnostic::Severity::Warning => Severity::Warning,
        }
    }
}

/// The one error type of every command. The UI switches on `code`, never on `message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// Located problems, e.g. one per invalid cell of an activity row.
    pub details: Vec<FieldError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input was read and found wrong; `details` says where.
    Validation,
    NotFound,
    /// The request conflicts with the current state (e.g. setup not done yet).
    Conflict,
    /// The record belongs to a locked period (a correction is a restatement).
    Locked,
    Io,
    Internal,
}

/// One problem at one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldError {
    /// The field (an activity column name such as `quantity` or `unit`), or "" for the whole row.
    pub field: String,
    /// The diagnostic code (`malformed-number`, `unit-mismatch`, …).
    pub code: DiagnosticCode,
    pub message: String,
    pub severity: Severity,
}

impl FieldError {
    /// An error about `field`.
    pub fn error(field: &str, code: Code, message: impl Into<String>) -> FieldError {
        FieldError { field: field.to_string(), code: code.into(), message: message.into(), severity: Severity::Error }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Consolidation {
    OperationalControl,
    FinancialControl,
    EquityShare,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum GwpSetId {
    AR4,
    AR5,
    AR6,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Zh,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settings {
    pub language: Language,
}

/// A new organisation file: where to create it, the organisation's name and its boundary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewOrganisationInput {
    /// The file to create (must not exist yet); its folder is created when missing.
    pub path: String,
    pub name: String,
    pub consolidation: Consolidation,
}

/// The organisation file the app has open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OrganisationInfo {
    pub path: String,
    pub name: String,
    pub consolidation: Consolidation,
    pub created_at: String,
    /// The name written into the audit log for this session's changes.
    pub user: String,
}

/// An organisation file opened before, most recent first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecentOrganisation {
    pub path: String,
    pub name: String,
    /// `false` when the file is no longer there.
    pub exists: bool,
}

/// What the app shows at start: the open organisation (reopened automatically when the last
/// one still exists), the recent files and where new files go by default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Session {
    pub organisation: Option<OrganisationInfo>,
    pub recent: Vec<RecentOrganisation>,
    /// The folder suggested for a new organisation file.
    pub default_folder: String,
    /// Why the last organisation could not be reopened at start, if it could not.
    pub reopen_error: Option<AppError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum FacilityKind {
    LegalEntity,
    Facility,
}

/// A legal entity or facility as typed in the form; text fields are validated by the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FacilityInput {
    pub code: String,
    pub name: String,
    pub kind: FacilityKind,
    /// The parent's code, or "".
    pub parent: String,
    /// Percent, 0 to 100, as a decimal string. `null`: not given — a new facility then has the
    /// store's default (100, as `scopebook facility add` without `--equity-share`), and an edit
    /// leaves the share as it is.
    pub equity_share: Option<String>,
    pub operational_control: bool,
    pub financial_control: bool,
    pub region: String,
    /// "" for none.
    pub grid_region: String,
    pub ets_covered: bool,
    /// The IPCC sector its fuels are burnt in (a `SectorInfo.sector`), or "" for none; an
    /// edit sends the sector shown, so "" clears it.
    pub sector: String,
}

/// A stored legal entity or facility.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FacilityView {
    pub id: u32,
    pub code: String,
    pub name: String,
    pub kind: FacilityKind,
    pub parent: Option<String>,
    pub equity_share: String,
    pub operational_control: bool,
    pub financial_control: bool,
    pub region: String,
    pub grid_region: Option<String>,
    pub ets_covered: bool,
    /// Its IPCC sector's stable name (`manufacturing`), if it has one.
    pub sector: Option<String>,
}

/// An IPCC stationary-combustion sector, with its names in both languages (from the library).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SectorInfo {
    /// The stable name files and the store use: `energy`, `manufacturing`, `commercial`, `residential`.
    pub sector: String,
    pub name_en: String,
    pub name_zh: String,
}

/// A change of the organisation's consolidation approach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConsolidationChange {
    pub consolidation: Consolidation,
    pub reason: String,
    /// Make it as a restatement of the locked periods whose figures it alters (the reason is
    /// then required); without it such a change is refused (`locked`).
    pub restate: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PeriodStatus {
    Open,
    InReview,
    Locked,
}

/// A new reporting period; empty dates mean the calendar year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PeriodInput {
    pub year: i32,
    pub start: String,
    pub end: String,
    pub gwp_set: GwpSetId,
    pub base_year: bool,
}

/// The calculation stored when a period was locked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SnapshotSummary {
    pub id: u32,
    pub taken_at: String,
    pub engine_version: String,
    pub gwp_set: String,
    pub input_sha256: String,
    pub result_sha256: String,
    /// The snapshot's totals in tonnes CO2e (read from its stored report); `null` when the stored
    /// report cannot be read.
    pub totals: Option<SnapshotTotals>,
}

/// A snapshot's totals in tonnes CO2e, as decimal strings, as its stored report has them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SnapshotTotals {
    pub scope1: String,
    pub scope2_location: String,
    pub scope2_market: String,
    pub scope3: String,
    /// `null` when the stored report does not record it.
    pub biogenic_co2: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PeriodView {
    pub year: i32,
    pub start: String,
    pub end: String,
    pub status: PeriodStatus,
    pub base_year: bool,
    pub gwp_set: GwpSetId,
    /// `dataset=edition` pins.
    pub pins: Vec<String>,
    /// Present once the period is locked.
    pub snapshot: Option<SnapshotSummary>,
}

/// An activity row as typed in the grid; every field is text until validated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActivityDraft {
    pub facility: String,
    pub period_start: String,
    pub period_end: String,
    pub activity: String,
    pub quantity: String,
    pub unit: String,
    pub region: String,
    /// An explicit factor id, or "".
    pub factor: String,
    pub evidence: String,
    /// `measured`, `calculated`, `estimated` or "".
    pub data_quality: String,
    pub note: String,
    /// The IPCC sector the fuel is burnt in (else the facility's), or "".
    pub sector: String,
    /// The record's own fuel parameters, or "" for the factor's defaults.
    pub ncv_gj_per_unit: String,
    pub carbon_t_per_gj: String,
    pub oxidation: String,
    /// How the parameters were obtained: `measured`, `calculated`, `default` or "".
    pub parameter_source: String,
    /// The Scope 3 category 1–15, overriding the factor's, or "" for the factor's.
    pub scope3_category: String,
    /// The Scope 3 columns (`activity::SCOPE3_COLUMNS`, decisions 0035 and 0050), each as typed
    /// or "" for none: the method (`spend-based`, …) and the five data-quality scores 1–5.
    pub method: String,
    pub dq_technology: String,
    pub dq_time: String,
    pub dq_geography: String,
    pub dq_completeness: String,
    pub dq_reliability: String,
    /// A spend line's money: the price year, units of the line's currency per unit of the
    /// factor's, and the price index from that year to the factor's.
    pub currency_year: String,
    pub exchange_rate: String,
    pub price_index: String,
    /// Category 15: the reporter's share of the investee (0–1) and the PCAF score 1–5.
    pub attribution: String,
    pub pcaf_score: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    Current,
    /// Replaced by a restatement; kept as it was.
    Superseded,
}

/// A stored activity record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActivityRecordView {
    pub id: u32,
    pub period: i32,
    pub draft: ActivityDraft,
    pub entered_by: String,
    pub created_at: String,
    pub status: RecordStatus,
    /// The record this one restates.
    pub supersedes: Option<u32>,
    pub restatement_reason: Option<String>,
}

/// One page of a period's records, in entry order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActivityPage {
    /// How many records the period has in all (with `all`, superseded ones too).
    pub total: u32,
    pub offset: u32,
    pub records: Vec<ActivityRecordView>,
}

/// One audit-log entry; the values are the record's canonical JSON before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditEntryView {
    pub seq: u32,
    pub at: String,
    pub user: String,
    pub action: String,
    pub table: String,
    pub record: u32,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub hash: String,
}

/// Filters of the audit log; empty strings match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditQuery {
    pub action: String,
    pub table: String,
    pub user: String,
    /// Matched against the values and the reason.
    pub text: String,
    pub offset: u32,
    /// 0: no limit.
    pub limit: u32,
    /// Count every entry a text matches; otherwise counting stops after
    /// `scopebook_store::AUDIT_COUNT_CAP` (decision 0041).
    pub exact_count: bool,
}

/// A page of matching entries, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditPage {
    /// How many entries match; with `total_at_least`, more than this (counting stopped).
    pub total: u32,
    pub total_at_least: bool,
    pub entries: Vec<AuditEntryView>,
}

/// The outcome of verifying the file: the integrity check, the hash chain and its replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VerifyResult {
    pub ok: bool,
    pub entries: u32,
    /// The last entry's hash (when ok).
    pub head: String,
    /// The diagnostic code of the first problem (when not ok).
    pub code: Option<DiagnosticCode>,
    pub message: String,
}

/// An activity type of the factor library, for the grid's picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActivityType {
    pub activity: String,
    /// The units its factors are per, e.g. ["kWh"] or ["t", "GJ"].
    pub units: Vec<String>,
    /// Regions its factors cover.
    pub regions: Vec<String>,
    /// The scopes of its factors, ascending (one, unless its factors disagree).
    pub scopes: Vec<u8>,
    /// Its names in the activity vocabulary, when the vocabulary maps it.
    pub names: Option<ActivityNames>,
}

/// An activity type's names in the activity vocabulary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActivityNames {
    pub en: String,
    pub zh: String,
}

/// Filters for the factor browser; empty strings match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FactorQuery {
    pub text: String,
    pub dataset: String,
    pub edition: String,
    pub region: String,
    pub gas: String,
    /// 0 for any scope.
    pub scope: u8,
    /// At most this many results (0: no limit).
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FactorSummary {
    pub id: String,
    pub activity: String,
    /// The factor's descriptive name, when its file gives one.
    pub name: Option<String>,
    /// The names of its activity type in the activity vocabulary, when the vocabulary maps it.
    pub activity_names: Option<ActivityNames>,
    pub scope: u8,
    /// As a factor file writes it: `stationary`, `electricity`, or the Scope 3 number `1`–`15`.
    pub category: String,
    pub unit: String,
    pub region: String,
    pub gases: Vec<String>,
    pub dataset: String,
    pub edition: String,
    pub verified: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FactorSearchResult {
    /// How many factors match in all (the list may be cut at `limit`).
    pub total: u32,
    pub factors: Vec<FactorSummary>,
}

/// A label and a value of a factor's provenance, in display order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Field {
    pub label: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FactorDetail {
    pub summary: FactorSummary,
    /// Every figure and provenance field, flattened: `figures.co2e_kg`, `dataset.licence`, …
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DatasetInfo {
    pub id: String,
    pub edition: String,
    /// The file the factors were read from.
    pub file: String,
    /// From the dataset's metadata; `null` for a user's factor file, which has none.
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub region: String,
    pub licence: Option<String>,
    pub factors: u32,
    pub shipped: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserFactorsResult {
    pub file: String,
    pub factors_added: u32,
    /// Every problem found, located by row and column; with any error nothing was added.
    pub problems: Vec<FieldErrorAt>,
}

/// A problem at a row and column of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldErrorAt {
    pub row: u32,
    pub field: String,
    pub code: DiagnosticCode,
    pub message: String,
    pub severity: Severity,
}

/// Every declaration of this module, as the TypeScript file the UI imports.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        AppError::decl(&cfg),
        ErrorCode::decl(&cfg),
        DiagnosticCode::decl(&cfg),
        Severity::decl(&cfg),
        FieldError::decl(&cfg),
        Consolidation::decl(&cfg),
        GwpSetId::decl(&cfg),
        Language::decl(&cfg),
        Settings::decl(&cfg),
        NewOrganisationInput::decl(&cfg),
        OrganisationInfo::decl(&cfg),
        RecentOrganisation::decl(&cfg),
        Session::decl(&cfg),
        FacilityKind::decl(&cfg),
        FacilityInput::decl(&cfg),
        FacilityView::decl(&cfg),
        SectorInfo::decl(&cfg),
        ConsolidationChange::decl(&cfg),
        PeriodStatus::decl(&cfg),
        PeriodInput::decl(&cfg),
        SnapshotSummary::decl(&cfg),
        SnapshotTotals::decl(&cfg),
        PeriodView::decl(&cfg),
        ActivityDraft::decl(&cfg),
        RecordStatus::decl(&cfg),
        ActivityRecordView::decl(&cfg),
        ActivityPage::decl(&cfg),
        AuditEntryView::decl(&cfg),
        AuditQuery::decl(&cfg),
        AuditPage::decl(&cfg),
        VerifyResult::decl(&cfg),
        ActivityType::decl(&cfg),
        ActivityNames::decl(&cfg),
        Totals::decl(&cfg),
        FacilityTotals::decl(&cfg),
        CategoryTotal::decl(&cfg),
        SelectionRule::decl(&cfg),
        DashboardLine::decl(&cfg),
        UnresolvedRow::decl(&cfg),
        Scope2MarketBasis::decl(&cfg),
        Dashboard::decl(&cfg),
        DashboardLinesPage::decl(&cfg),
        DashboardInstrument::decl(&cfg),
        InstrumentKindId::decl(&cfg),
        Scope2Energy::decl(&cfg),
        CoverageBy::decl(&cfg),
        HeatCoverageBy::decl(&cfg),
        HeatShare::decl(&cfg),
        InstrumentGrade::decl(&cfg),
        InstrumentQuality::decl(&cfg),
        Scope2Instrument::decl(&cfg),
        KindMwh::decl(&cfg),
        Scope2Facility::decl(&cfg),
        CoverageShare::decl(&cfg),
        Scope2View::decl(&cfg),
        Scope3Status::decl(&cfg),
        MethodShare::decl(&cfg),
        DataQualityView::decl(&cfg),
        PcafView::decl(&cfg),
        Scope3CategoryView::decl(&cfg),
        IsoSourceView::decl(&cfg),
        IsoCategoryView::decl(&cfg),
        Scope3View::decl(&cfg),
        CoverageView::decl(&cfg),
        InstrumentsImported::decl(&cfg),
        InstrumentRestated::decl(&cfg),
        PeriodFactorFile::decl(&cfg),
        FactorQuery::decl(&cfg),
        FactorSummary::decl(&cfg),
        FactorSearchResult::decl(&cfg),
        Field::decl(&cfg),
        FactorDetail::decl(&cfg),
        DatasetInfo::decl(&cfg),
        UserFactorsResult::decl(&cfg),
        FieldErrorAt::decl(&cfg),
        ImportReadOptions::decl(&cfg),
        ImportField::decl(&cfg),
        ColumnChoice::decl(&cfg),
        MappingSourceView::decl(&cfg),
        MappingSourceKind::decl(&cfg),
        ValueKind::decl(&cfg),
        MappedBy::decl(&cfg),
        SampleRow::decl(&cfg),
        ImportInspection::decl(&cfg),
        ValueChoiceInput::decl(&cfg),
        ImportRequest::decl(&cfg),
        ImportRunMode::decl(&cfg),
        ImportOutcome::decl(&cfg),
        ImportProblem::decl(&cfg),
        ImportDuplicate::decl(&cfg),
        UnknownValueView::decl(&cfg),
        MappedValueView::decl(&cfg),
        EarlierImportView::decl(&cfg),
        ImportPreview::decl(&cfg),
        ImportStage::decl(&cfg),
        ImportProgress::decl(&cfg),
        RecordLineage::decl(&cfg),
        TemplateExportInput::decl(&cfg),
        EtsSchemeId::decl(&cfg),
        EtsEnrolmentInput::decl(&cfg),
        EtsFacilityView::decl(&cfg),
        EtsUnitDraft::decl(&cfg),
        EtsUnitView::decl(&cfg),
        EtsLedgerKind::decl(&cfg),
        EtsLedgerDraft::decl(&cfg),
        EtsLedgerEntryView::decl(&cfg),
        EtsImported::decl(&cfg),
        PlanDocument::decl(&cfg),
        PlanUnitClass::decl(&cfg),
        PlanInfo::decl(&cfg),
        PositionRequest::decl(&cfg),
        PositionFinding::decl(&cfg),
        PriceScenarioView::decl(&cfg),
        NamedFigure::decl(&cfg),
        UnitPositionLine::decl(&cfg),
        PositionValue::decl(&cfg),
        PenaltyView::decl(&cfg),
        ReliefView::decl(&cfg),
        MixView::decl(&cfg),
        EnterprisePositionView::decl(&cfg),
        FigureStatus::decl(&cfg),
        InstallationPositionLine::decl(&cfg),
        RegistryFigure::decl(&cfg),
        EtsRegistryRowView::decl(&cfg),
        EtsRegistryQuery::decl(&cfg),
        EtsRegistryPage::decl(&cfg),
        EtsRegistryImported::decl(&cfg),
        ReconciliationReason::decl(&cfg),
        ReconciliationLine::decl(&cfg),
        ReconciliationHolder::decl(&cfg),
        ReconciliationForecast::decl(&cfg),
        ReconciliationView::decl(&cfg),
        ReconciliationRequest::decl(&cfg),
        ReconciliationReport::decl(&cfg),
        PositionView::decl(&cfg),
        AuditorPackage::decl(&cfg),
        AuditorPackageFindings::decl(&cfg),
        AuditorLineQuery::decl(&cfg),
        AuditorLine::decl(&cfg),
        AuditorLinePage::decl(&cfg),
        AuditorField::decl(&cfg),
        AuditorFactor::decl(&cfg),
        AuditorLineDetail::decl(&cfg),
        AuditorSampleRequest::decl(&cfg),
        AuditorDrawn::decl(&cfg),
        AuditorSample::decl(&cfg),
        AuditorMarkStatus::decl(&cfg),
        AuditorMark::decl(&cfg),
        AuditorMarkInput::decl(&cfg),
        AuditorFindings::decl(&cfg),
        AuditorExported::decl(&cfg),
        ReportKindId::decl(&cfg),
        ReportLanguage::decl(&cfg),
        ReportFormatId::decl(&cfg),
        ReportKindChoice::decl(&cfg),
        ExportChoices::decl(&cfg),
        ReportExportInput::decl(&cfg),
        ReportExported::decl(&cfg),
        PackageExportInput::decl(&cfg),
        PackageExported::decl(&cfg),
        QuantityEntry::decl(&cfg),
        WorkedQuantity::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/api/ by `UPDATE_BINDINGS=1 cargo test -p scopebook-app`.\n// Do not edit: change the Rust types and regenerate. A test fails when this file drifts.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use scopebook_core::library;
    use scopebook_import::{pipeline, values};

    /// A code string the shell sends that is not in the catalogue (the examples).
    const NOT_CATALOGUE_CODES: [&str; 5] = ["malformed-value", "unknown-field", "too-large", "zip-bomb", "validation"];

    #[test]
    fn every_code_the_shell_can_send_is_a_catalogue_code() {
        let cfg = ts_rs::Config::new();
        // The generated union is exactly the catalogue, in its order.
        let union: Vec<String> =
            DiagnosticCode::inline(&cfg).split(" | ").map(|c| c.trim_matches('"').to_string()).collect();
        let catalogue: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(union, catalogue);
        // Each crosses as its catalogue string and comes back; nothing else is accepted.
        for c in Code::ALL {
            let wire = serde_json::to_value(DiagnosticCode(*c)).unwrap();
            assert_eq!(wire, c.as_str());
            assert_eq!(serde_json::from_value::<DiagnosticCode>(wire).unwrap(), DiagnosticCode(*c));
        }
        for bad in NOT_CATALOGUE_CODES {
            assert!(serde_json::from_value::<DiagnosticCode>(serde_json::json!(bad)).is_err(), "{bad}");
        }
    }

    /// A wire field that carries a code, a severity, a stage, a rule or a kind is typed: in the
    /// TypeScript the UI compiles against, none of them is a bare `string` (a facility's `code`
    /// is its name in the organisation, not a code the UI switches on).
    #[test]
    fn no_code_crosses_ipc_as_a_plain_string() {
        let ts = typescript_bindings();
        let typed = ["code", "severity", "stage", "selected_by", "kind", "by"];
        let names = ["FacilityInput.code", "FacilityView.code"];
        let mut plain = Vec::new();
        for decl in ts.split("export type ").skip(1) {
            let Some((ty, body)) = decl.split_once(" = ") else { continue };
            for name in typed {
                for (at, _) in body.match_indices(&format!("{name}: ")) {
                    let whole_word = body[..at].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                    let rest = &body[at + name.len() + 2..];
                    let field = format!("{ty}.{name}");
                    if whole_word && rest.starts_with("string") && !names.contains(&field.as_str()) {
                        plain.push(field);
                    }
                }
            }
        }
        assert!(plain.is_empty(), "wire fields sent as plain strings: {plain:?}");
        for name in ["DiagnosticCode", "Severity", "ImportStage", "SelectionRule", "ValueKind", "MappedBy"] {
            assert!(ts.contains(&format!("export type {name} = ")), "{name} is not generated");
        }
    }

    #[test]
    fn the_wire_enums_cross_as_the_librarys_names() {
        for rule in library::SelectionRule::ALL {
            assert_eq!(serde_json::to_value(SelectionRule::from(rule)).unwrap(), rule.as_str());
        }
        for stage in [pipeline::Stage::Converting, pipeline::Stage::Checking, pipeline::Stage::Writing] {
            assert_eq!(serde_json::to_value(ImportStage::from(stage)).unwrap(), serde_json::to_value(stage).unwrap());
        }
        for s in [diagnostic::Severity::Error, diagnostic::Severity::Warning] {
            assert_eq!(serde_json::to_value(Severity::from(s)).unwrap(), serde_json::to_value(s).unwrap());
        }
        for k in [values::ValueKind::Activity, values::ValueKind::Unit] {
            assert_eq!(serde_json::to_value(ValueKind::from(k)).unwrap(), k.as_str());
            assert_eq!(values::ValueKind::from(ValueKind::from(k)), k);
        }
        for b in [values::MappedBy::BuiltIn, values::MappedBy::User] {
            assert_eq!(serde_json::to_value(MappedBy::from(b)).unwrap(), serde_json::to_value(b).unwrap());
        }
    }
}
