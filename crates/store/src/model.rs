//! The stored records and the inputs that create or change them.

use std::collections::BTreeMap;

use serde::Serialize;

use scopebook_core::gas::GwpSet;

/// How the organisational boundary is drawn (GHG Protocol Corporate Standard, chapter 3): the
/// core's type, which computes each facility's share from it.
pub use scopebook_core::boundary::Consolidation;

/// The organisation a database belongs to (one per file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub name: String,
    pub consolidation: Consolidation,
    pub created_at: String,
}

/// A legal entity or a facility in the organisation's hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FacilityKind {
    LegalEntity,
    Facility,
}

impl FacilityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FacilityKind::LegalEntity => "legal-entity",
            FacilityKind::Facility => "facility",
        }
    }

    pub fn parse(s: &str) -> Option<FacilityKind> {
        match s {
            "legal-entity" => Some(FacilityKind::LegalEntity),
            "facility" => Some(FacilityKind::Facility),
            _ => None,
        }
    }
}

/// A stored legal entity or facility.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Facility {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: FacilityKind,
    /// The parent's code.
    pub parent: Option<String>,
    /// Percent, 0 to 100, as a decimal string.
    pub equity_share: String,
    pub operational_control: bool,
    pub financial_control: bool,
    pub region: String,
    pub grid_region: Option<String>,
    pub ets_covered: bool,
    /// The IPCC sector its fuels are burnt in (`energy`, `manufacturing`, `commercial`,
    /// `residential`): used by its records that name none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
}

/// A new legal entity or facility, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFacility {
    pub code: String,
    pub name: String,
    pub kind: FacilityKind,
    pub parent: Option<String>,
    /// Percent, 0 to 100; `None` means 100.
    pub equity_share: Option<String>,
    pub operational_control: bool,
    pub financial_control: bool,
    pub region: String,
    pub grid_region: Option<String>,
    pub ets_covered: bool,
    /// The IPCC sector (`energy`, `manufacturing`, `commercial`, `residential`, or the Chinese
    /// names); none when empty.
    pub sector: Option<String>,
}

impl NewFacility {
    /// A facility with full control and a 100 % share.
    pub fn new(code: &str, name: &str, region: &str) -> NewFacility {
        NewFacility {
            code: code.to_string(),
            name: name.to_string(),
            kind: FacilityKind::Facility,
            parent: None,
            equity_share: None,
            operational_control: true,
            financial_control: true,
            region: region.to_string(),
            grid_region: None,
            ets_covered: false,
            sector: None,
        }
    }
}

/// Changes to a facility: each `Some` field is set. The code and the parent do not change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacilityChange {
    pub name: Option<String>,
    pub equity_share: Option<String>,
    pub operational_control: Option<bool>,
    pub financial_control: Option<bool>,
    pub region: Option<String>,
    /// `Some(None)` clears the grid region.
    pub grid_region: Option<Option<String>>,
    pub ets_covered: Option<bool>,
    /// `Some(None)` clears the sector.
    pub sector: Option<Option<String>>,
}

/// How a change that alters a locked period's figures (a facility's share, control or sector,
/// the organisation's approach) is made: refused, or made as a restatement with its reason
/// (decision 0021). The snapshot of a locked period is never changed either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LockedChange<'a> {
    /// Refuse the change (`period-locked`) when it alters any locked period's figures.
    #[default]
    Refuse,
    /// Make it as a restatement of the locked periods it alters; the reason is required.
    Restate(&'a str),
}

/// A reporting period's status: open → in review → locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodStatus {
    Open,
    InReview,
    Locked,
}

impl PeriodStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodStatus::Open => "open",
            PeriodStatus::InReview => "in_review",
            PeriodStatus::Locked => "locked",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodStatus> {
        match s {
            "open" => Some(PeriodStatus::Open),
            "in_review" => Some(PeriodStatus::InReview),
            "locked" => Some(PeriodStatus::Locked),
            _ => None,
        }
    }
}

/// A stored reporting period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportingPeriod {
    pub id: i64,
    pub year: i32,
    pub start: String,
    pub end: String,
    pub status: PeriodStatus,
    pub base_year: bool,
    pub gwp_set: GwpSet,
    /// Dataset id → the edition the period uses.
    pub pins: BTreeMap<String, String>,
}

/// A new reporting period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPeriod {
    pub year: i32,
    /// Defaults to 1 January of `year`.
    pub start: Option<String>,
    /// Defaults to 31 December of `year`.
    pub end: Option<String>,
    pub base_year: bool,
    pub gwp_set: GwpSet,
    pub pins: BTreeMap<String, String>,
}

impl NewPeriod {
    pub fn year(year: i32) -> NewPeriod {
        NewPeriod { year, start: None, end: None, base_year: false, gwp_set: GwpSet::AR5, pins: BTreeMap::new() }
    }
}

/// A file attached as evidence: its name and SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvidenceFile {
    pub name: String,
    pub sha256: String,
}

/// An activity record as typed: the activity-file cells, then the record's own fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityInput {
    /// The facility's code.
    pub facility: String,
    pub activity: String,
    pub quantity: String,
    pub unit: String,
    pub start: String,
    pub end: String,
    pub factor: Option<String>,
    /// Defaults to the facility's region.
    pub region: Option<String>,
    pub scope3_category: Option<String>,
    pub supplier: Option<String>,
    /// A document number or other reference.
    pub evidence: Option<String>,
    pub evidence_file: Option<EvidenceFile>,
    pub meter_id: Option<String>,
    /// `measured`, `calculated` or `estimated`.
    pub data_quality: Option<String>,
    pub note: Option<String>,
    /// The IPCC sector the fuel is burnt in; else the facility's.
    pub sector: Option<String>,
    /// The record's own fuel parameters, replacing the factor's defaults for this record.
    pub ncv_gj_per_unit: Option<String>,
    pub carbon_t_per_gj: Option<String>,
    pub oxidation: Option<String>,
    /// `measured`, `calculated` or `default`.
    pub parameter_source: Option<String>,
    /// The Scope 3 columns (decision 0035; stored since schema 9).
    pub scope3: Scope3Cells,
}

/// A record's Scope 3 columns (`activity::SCOPE3_COLUMNS`, decision 0035), as typed: the method,
/// the five data-quality scores, the money's year, exchange rate and price index, and the
/// category-15 attribution. Checked by the activity-file reader; stored as the trimmed text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Scope3Cells {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dq_technology: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dq_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dq_geography: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dq_completeness: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dq_reliability: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_year: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange_rate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_index: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// A category-15 record's PCAF score, 1–5 (schema 10, decision 0050).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pcaf_score: Option<String>,
}

impl Scope3Cells {
    /// The cells, in `activity::SCOPE3_COLUMNS` order.
    pub fn values(&self) -> [&Option<String>; 11] {
        [
            &self.method,
            &self.dq_technology,
            &self.dq_time,
            &self.dq_geography,
            &self.dq_completeness,
            &self.dq_reliability,
            &self.currency_year,
            &self.exchange_rate,
            &self.price_index,
            &self.attribution,
            &self.pcaf_score,
        ]
    }

    /// The cell of column `name` (one of `activity::SCOPE3_COLUMNS`), to set it.
    pub fn cell_mut(&mut self, name: &str) -> Option<&mut Option<String>> {
        Some(match name {
            "method" => &mut self.method,
            "dq_technology" => &mut self.dq_technology,
            "dq_time" => &mut self.dq_time,
            "dq_geography" => &mut self.dq_geography,
            "dq_completeness" => &mut self.dq_completeness,
            "dq_reliability" => &mut self.dq_reliability,
            "currency_year" => &mut self.currency_year,
            "exchange_rate" => &mut self.exchange_rate,
            "price_index" => &mut self.price_index,
            "attribution" => &mut self.attribution,
            "pcaf_score" => &mut self.pcaf_score,
            _ => return None,
        })
    }
}

impl AsRef<ActivityInput> for ActivityInput {
    fn as_ref(&self) -> &ActivityInput {
        self
    }
}

/// The data-quality indicators a record may carry.
pub const DATA_QUALITY: &[&str] = &["measured", "calculated", "estimated"];

/// Whether a record counts (current) or was replaced by a restatement (superseded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    Current,
    Superseded,
}

/// A stored activity record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActivityRecord {
    pub id: i64,
    pub period: i32,
    pub facility: String,
    pub activity: String,
    pub quantity: String,
    pub unit: String,
    pub start: String,
    pub end: String,
    pub factor: Option<String>,
    pub region: Option<String>,
    pub scope3_category: Option<i64>,
    pub supplier: Option<String>,
    pub evidence: Option<String>,
    pub evidence_file: Option<EvidenceFile>,
    pub meter_id: Option<String>,
    pub data_quality: Option<String>,
    pub note: Option<String>,
    pub entered_by: String,
    pub created_at: String,
    pub status: RecordStatus,
    /// The record this one restates.
    pub supersedes: Option<i64>,
    pub restatement_reason: Option<String>,
    /// The record's own sector (its facility's applies when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ncv_gj_per_unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carbon_t_per_gj: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oxidation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter_source: Option<String>,
    /// The Scope 3 columns (schema 9); each left out when empty.
    #[serde(flatten)]
    pub scope3: Scope3Cells,
}

impl ActivityRecord {
    /// The record's fields as an input, to change some of them (an edit or a restatement).
    pub fn to_input(&self) -> ActivityInput {
        ActivityInput {
            facility: self.facility.clone(),
            activity: self.activity.clone(),
            quantity: self.quantity.clone(),
            unit: self.unit.clone(),
            start: self.start.clone(),
            end: self.end.clone(),
            factor: self.factor.clone(),
            region: self.region.clone(),
            scope3_category: self.scope3_category.map(|c| c.to_string()),
            supplier: self.supplier.clone(),
            evidence: self.evidence.clone(),
            evidence_file: self.evidence_file.clone(),
            meter_id: self.meter_id.clone(),
            data_quality: self.data_quality.clone(),
            note: self.note.clone(),
            sector: self.sector.clone(),
            ncv_gj_per_unit: self.ncv_gj_per_unit.clone(),
            carbon_t_per_gj: self.carbon_t_per_gj.clone(),
            oxidation: self.oxidation.clone(),
            parameter_source: self.parameter_source.clone(),
            scope3: self.scope3.clone(),
        }
    }
}

/// The calculation stored when a period was locked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub id: i64,
    pub year: i32,
    pub taken_at: String,
    pub engine_version: String,
    pub gwp_set: String,
    /// Every loaded dataset edition with its SHA-256 (canonical JSON).
    pub datasets: String,
    /// SHA-256 of the period's records exported as an activity file.
    pub input_sha256: String,
    pub result_sha256: String,
    /// The `scopebook calc --format json` document.
    #[serde(skip)]
    pub result_json: String,
}
