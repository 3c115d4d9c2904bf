//! The ETS data's stored records and the inputs that create or change them.

use serde::Serialize;

use crate::model::RecordStatus;

/// An emissions trading scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EtsScheme {
    /// China national ETS (allowances CEA, offsets CCER, prices in CNY).
    CnEts,
    /// EU ETS (allowances EUA, prices in EUR).
    EuEts,
}

impl EtsScheme {
    pub const ALL: [EtsScheme; 2] = [EtsScheme::CnEts, EtsScheme::EuEts];

    pub fn as_str(self) -> &'static str {
        match self {
            EtsScheme::CnEts => "cn-ets",
            EtsScheme::EuEts => "eu-ets",
        }
    }

    pub fn parse(text: &str) -> Option<EtsScheme> {
        EtsScheme::ALL.into_iter().find(|s| s.as_str() == text.trim().to_lowercase())
    }
}

/// A covered facility's registration, as typed: the scheme, the enterprise it belongs to (the
/// `enterprise` of UNITS.csv and LEDGER.csv), and the plan its units are entered under unless a
/// unit names its own (China only: a shipped plan id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EtsEnrolment {
    /// The facility's code; the facility must have the `ets_covered` flag.
    pub facility: String,
    pub scheme: EtsScheme,
    pub enterprise: String,
    pub plan: Option<String>,
}

/// A stored registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EtsFacility {
    pub id: i64,
    /// The facility's code.
    pub facility: String,
    pub facility_name: String,
    pub scheme: EtsScheme,
    pub enterprise: String,
    pub plan: Option<String>,
}

/// A unit of a covered facility in one period, as typed: UNITS.csv's cells (the enterprise is
/// the facility's). Empty optional cells are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EtsUnitInput {
    /// The facility's code.
    pub facility: String,
    /// China: the shipped plan id; default the facility's.
    pub plan: Option<String>,
    pub unit: String,
    pub unit_class: String,
    pub cooling: Option<String>,
    pub output_mwh: Option<String>,
    pub heat_gj: Option<String>,
    pub heat_supply_ratio: Option<String>,
    pub load_factor: Option<String>,
    pub verified_t: String,
    pub allocation_t: Option<String>,
}

/// A stored unit: its values as stored (exact decimal text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EtsUnit {
    pub id: i64,
    /// The period's year.
    pub year: i32,
    pub scheme: EtsScheme,
    pub enterprise: String,
    /// `current`, or `superseded` by a restatement (decision 0038; kept as it was).
    pub status: RecordStatus,
    /// The row this one restates.
    pub supersedes: Option<i64>,
    pub restatement_reason: Option<String>,
    #[serde(flatten)]
    pub values: EtsUnitInput,
}

/// A ledger movement of one enterprise under one scheme, as typed: LEDGER.csv's cells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EtsLedgerInput {
    pub scheme: EtsScheme,
    pub enterprise: String,
    /// ISO date.
    pub date: String,
    /// allocation, purchase, sale, transfer-in, transfer-out, surrender, bank-in, borrow.
    pub kind: String,
    pub quantity_t: String,
    /// CEA, CCER, EUA, ...
    pub instrument: String,
    pub price: Option<String>,
    pub currency: Option<String>,
    pub vintage: Option<String>,
    pub project: Option<String>,
    pub evidence: Option<String>,
}

/// A stored ledger movement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EtsLedgerEntry {
    pub id: i64,
    /// The period's year.
    pub year: i32,
    /// `current`, or `superseded` by a restatement (decision 0038; kept as it was).
    pub status: RecordStatus,
    /// The row this one restates.
    pub supersedes: Option<i64>,
    pub restatement_reason: Option<String>,
    #[serde(flatten)]
    pub values: EtsLedgerInput,
}

/// A page of a period's current registry rows ([`crate::Store::ets_registry_page`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EtsRegistryPage {
    pub rows: Vec<EtsRegistryRow>,
    /// Rows matching the search (all of them when there is none).
    pub matching: usize,
    /// Current rows of the period.
    pub total: usize,
}

impl EtsRegistryRow {
    /// Whether the installation, its id, name, account holder, country or tied facility
    /// contains `needle`, already lower-cased ("" matches every row). Unicode case folding,
    /// which SQLite's `lower` lacks (Ä and ä are one letter here).
    pub fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || [&self.installation, &self.installation_id, &self.name, &self.account_holder, &self.country]
                .into_iter()
                .chain(self.facility.as_ref())
                .any(|f| f.to_lowercase().contains(needle))
    }
}

/// One installation's EU Transaction Log figures for one period (schema 6, decision 0033), as
/// stored: each figure as exact decimal text (`*_t`) or the status the registry gives instead
/// (`*_status`: `NA`, `Excluded`, `Not Reported`, ...; `""` for an empty cell), never both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EtsRegistryRow {
    pub id: i64,
    /// The period's year: the figures are this year's.
    pub year: i32,
    /// The code of the facility (registered under the EU ETS) this installation is, if tied.
    pub facility: Option<String>,
    /// The registry's key (`DE-990001`), else the installation id.
    pub installation: String,
    pub installation_id: String,
    pub account_holder: String,
    pub name: String,
    pub country: String,
    pub activity: String,
    pub free_allocation_t: Option<String>,
    pub free_allocation_status: Option<String>,
    pub verified_t: Option<String>,
    pub verified_status: Option<String>,
    pub surrendered_t: Option<String>,
    pub surrendered_status: Option<String>,
    pub surrendered_allowances_t: Option<String>,
    pub surrendered_allowances_status: Option<String>,
    /// The compliance code as published (A, B, C, D, E; `*` = changed after the deadline).
    pub compliance: Option<String>,
    /// The file and line the row was imported from.
    pub source_file: String,
    pub source_line: i64,
    /// `current`, or `superseded` by a restatement (decision 0038; kept as it was).
    pub status: RecordStatus,
    /// The row this one restates.
    pub supersedes: Option<i64>,
    pub restatement_reason: Option<String>,
}

/// Which fuel parameters a covered facility's scheme figure takes in a period: COVERED.csv's
/// `parameters` stored (schema 7, decision 0038).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EtsParameters {
    /// The records' own (measured, calculated) parameters, as the inventory: the default.
    Record,
    /// The factor's defaults (the verifier did not accept the measured parameters).
    Default,
}

impl EtsParameters {
    pub fn as_str(self) -> &'static str {
        match self {
            EtsParameters::Record => "record",
            EtsParameters::Default => "default",
        }
    }

    pub fn parse(text: &str) -> Option<EtsParameters> {
        match text.trim().to_lowercase().as_str() {
            "record" => Some(EtsParameters::Record),
            "default" => Some(EtsParameters::Default),
            _ => None,
        }
    }
}

/// A stored choice of parameters of a registered facility in a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EtsParametersRow {
    pub id: i64,
    /// The period's year.
    pub year: i32,
    /// The facility's code.
    pub facility: String,
    pub parameters: EtsParameters,
    /// `current`, or `superseded` by a restatement (decision 0038; kept as it was).
    pub status: RecordStatus,
    /// The row this one restates.
    pub supersedes: Option<i64>,
    pub restatement_reason: Option<String>,
}
