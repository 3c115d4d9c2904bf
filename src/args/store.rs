//! Arguments of the inventory-file commands: `init`, `facility`, `period`, `activity`, `audit`.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use scopebook_core::run::Pin;
use scopebook_store::{Consolidation, FacilityKind};

use super::values::trimmed;
use super::{DbArgs, Gwp, StoreFormat};

// `init --consolidation`.
#[derive(Clone, Copy, ValueEnum)]
pub enum ConsolidationArg {
    OperationalControl,
    FinancialControl,
    EquityShare,
}

impl From<ConsolidationArg> for Consolidation {
    fn from(c: ConsolidationArg) -> Consolidation {
        match c {
            ConsolidationArg::OperationalControl => Consolidation::OperationalControl,
            ConsolidationArg::FinancialControl => Consolidation::FinancialControl,
            ConsolidationArg::EquityShare => Consolidation::EquityShare,
        }
    }
}

#[derive(clap::Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The organisation's name.
    #[arg(long)]
    pub name: String,
    /// How the organisational boundary is drawn (GHG Protocol, chapter 3).
    #[arg(long, value_enum)]
    pub consolidation: ConsolidationArg,
}

// `facility add --kind`.
#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Facility,
    LegalEntity,
}

impl From<KindArg> for FacilityKind {
    fn from(k: KindArg) -> FacilityKind {
        match k {
            KindArg::Facility => FacilityKind::Facility,
            KindArg::LegalEntity => FacilityKind::LegalEntity,
        }
    }
}

#[derive(Subcommand)]
pub enum FacilityCommand {
    /// Add a legal entity or facility.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// A short unique code, used in activity records.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// Country or province code (ISO 3166, e.g. CN-JS), used to find location factors.
        #[arg(long)]
        region: String,
        /// The grid region, e.g. CN-GRID-EAST.
        #[arg(long = "grid-region")]
        grid_region: Option<String>,
        #[arg(long, value_enum, default_value = "facility")]
        kind: KindArg,
        /// The code of the legal entity or facility this one belongs to.
        #[arg(long)]
        parent: Option<String>,
        /// The organisation's equity share in percent, 0 to 100 (default 100).
        #[arg(long = "equity-share", value_name = "PCT")]
        equity_share: Option<String>,
        /// The organisation does not have operational control.
        #[arg(long = "no-operational-control")]
        no_operational_control: bool,
        /// The organisation does not have financial control.
        #[arg(long = "no-financial-control")]
        no_financial_control: bool,
        /// Covered by an emissions-trading scheme.
        #[arg(long)]
        ets: bool,
        /// The IPCC sector its fuels are burnt in, used by its records that name none: energy,
        /// manufacturing, commercial or residential (or the Chinese names).
        #[arg(long)]
        sector: Option<String>,
    },
    /// Change a legal entity or facility (audited). A change of share, control or sector that
    /// alters a locked period's figures is refused unless made with --restate and --reason.
    Edit {
        #[command(flatten)]
        db: DbArgs,
        /// The facility's code (it does not change).
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: Option<String>,
        /// The IPCC sector (energy, manufacturing, commercial, residential); "" clears it.
        #[arg(long)]
        sector: Option<String>,
        /// The organisation's equity share in percent, 0 to 100.
        #[arg(long = "equity-share", value_name = "PCT")]
        equity_share: Option<String>,
        /// The organisation has operational control.
        #[arg(long = "operational-control", conflicts_with = "no_operational_control")]
        operational_control: bool,
        /// The organisation does not have operational control.
        #[arg(long = "no-operational-control")]
        no_operational_control: bool,
        /// The organisation has financial control.
        #[arg(long = "financial-control", conflicts_with = "no_financial_control")]
        financial_control: bool,
        /// The organisation does not have financial control.
        #[arg(long = "no-financial-control")]
        no_financial_control: bool,
        /// Country or province code (used for records entered from now on).
        #[arg(long)]
        region: Option<String>,
        /// The grid region, e.g. CN-GRID-EAST; "" clears it.
        #[arg(long = "grid-region")]
        grid_region: Option<String>,
        /// Covered by an emissions-trading scheme.
        #[arg(long, conflicts_with = "no_ets")]
        ets: bool,
        /// Not covered by an emissions-trading scheme.
        #[arg(long = "no-ets")]
        no_ets: bool,
        /// Why (kept in the audit log; required with --restate).
        #[arg(long)]
        reason: Option<String>,
        /// Make the change as a restatement of the locked periods whose figures it alters.
        #[arg(long, requires = "reason")]
        restate: bool,
    },
    /// List the legal entities and facilities.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
}

/// `--flag` / `--no-flag`: `Some(true)`, `Some(false)`, or `None` when neither is given.
pub fn tri_state(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// The organisation: its name and consolidation approach.
    Show {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Change the organisation's name or consolidation approach (audited). A new approach that
    /// alters a locked period's figures is refused unless made with --restate and --reason.
    Edit {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        name: Option<String>,
        /// How the organisational boundary is drawn (GHG Protocol, chapter 3).
        #[arg(long, value_enum)]
        consolidation: Option<ConsolidationArg>,
        /// Why (kept in the audit log; required with --restate).
        #[arg(long)]
        reason: Option<String>,
        /// Make the change as a restatement of the locked periods whose figures it alters.
        #[arg(long, requires = "reason")]
        restate: bool,
    },
}

#[derive(Subcommand)]
pub enum PeriodCommand {
    /// Add a reporting period (by default the calendar year).
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
        /// First day, if not 1 January (YYYY-MM-DD).
        #[arg(long)]
        start: Option<String>,
        /// Last day, if not 31 December (YYYY-MM-DD).
        #[arg(long)]
        end: Option<String>,
        #[arg(long, value_enum, default_value = "ar5")]
        gwp: Gwp,
        /// The period is the base year.
        #[arg(long = "base-year")]
        base_year: bool,
        /// Use only this edition of a dataset, e.g. cn-mee-nbs-grid=2022; may be repeated.
        #[arg(long = "pin", value_name = "DATASET=EDITION")]
        pins: Vec<Pin>,
    },
    /// Change the dataset editions a period uses (each record must still find its factor).
    Pin {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
        /// The complete new set of pins; none means every edition may be used.
        #[arg(long = "pin", value_name = "DATASET=EDITION")]
        pins: Vec<Pin>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Open → in review.
    Review {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
    },
    /// In review → open.
    Reopen {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
    },
    /// Lock a period and store a snapshot of its calculation; later corrections are restatements.
    Lock {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
    },
    /// List the periods.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
}

// `activity --quality`.
#[derive(Clone, Copy, ValueEnum)]
pub enum QualityArg {
    Measured,
    Calculated,
    Estimated,
}

impl QualityArg {
    /// The record's `data_quality` text.
    pub fn as_str(self) -> &'static str {
        match self {
            QualityArg::Measured => "measured",
            QualityArg::Calculated => "calculated",
            QualityArg::Estimated => "estimated",
        }
    }
}

/// The fields of an activity record; for `edit` and `restate` each one given replaces the
/// record's value.
#[derive(clap::Args)]
pub struct ActivityFields {
    /// The facility's code.
    #[arg(long)]
    pub facility: Option<String>,
    /// The activity type, e.g. grid_electricity, natural_gas.
    #[arg(long)]
    pub activity: Option<String>,
    #[arg(long)]
    pub quantity: Option<String>,
    #[arg(long)]
    pub unit: Option<String>,
    /// First day of the activity (YYYY-MM-DD).
    #[arg(long)]
    pub start: Option<String>,
    /// Last day of the activity (YYYY-MM-DD).
    #[arg(long)]
    pub end: Option<String>,
    /// An explicit factor id.
    #[arg(long)]
    pub factor: Option<String>,
    /// Region for factor selection (default: the facility's region).
    #[arg(long)]
    pub region: Option<String>,
    #[arg(long = "scope3-category")]
    pub scope3_category: Option<String>,
    #[arg(long)]
    pub supplier: Option<String>,
    /// A document number or other reference.
    #[arg(long)]
    pub evidence: Option<String>,
    /// A file attached as evidence: its name and SHA-256 are stored.
    #[arg(long = "evidence-file", value_name = "PATH")]
    pub evidence_file: Option<PathBuf>,
    #[arg(long = "meter")]
    pub meter_id: Option<String>,
    #[arg(long, value_enum)]
    pub quality: Option<QualityArg>,
    #[arg(long)]
    pub note: Option<String>,
    /// The IPCC sector the fuel is burnt in (default: the facility's): energy, manufacturing,
    /// commercial or residential.
    #[arg(long)]
    pub sector: Option<String>,
    /// The fuel's net calorific value measured for this record, GJ per unit of the quantity.
    #[arg(long = "ncv-gj-per-unit", value_name = "GJ")]
    pub ncv_gj_per_unit: Option<String>,
    /// The fuel's carbon content per unit of energy, t C per GJ.
    #[arg(long = "carbon-t-per-gj", value_name = "T")]
    pub carbon_t_per_gj: Option<String>,
    /// The fraction of carbon oxidised, above 0 and at most 1.
    #[arg(long, value_name = "FRACTION")]
    pub oxidation: Option<String>,
    /// How the parameters were obtained: measured, calculated or default.
    #[arg(long = "parameter-source")]
    pub parameter_source: Option<String>,
    /// The Scope 3 method (decision 0035): supplier-specific, hybrid, average-data,
    /// spend-based, distance-based, fuel-based, waste-type-specific or investment-specific.
    #[arg(long)]
    pub method: Option<String>,
    /// Data-quality score for technology, 1 (best) to 5; all five scores or none.
    #[arg(long = "dq-technology", value_name = "1-5")]
    pub dq_technology: Option<String>,
    #[arg(long = "dq-time", value_name = "1-5")]
    pub dq_time: Option<String>,
    #[arg(long = "dq-geography", value_name = "1-5")]
    pub dq_geography: Option<String>,
    #[arg(long = "dq-completeness", value_name = "1-5")]
    pub dq_completeness: Option<String>,
    #[arg(long = "dq-reliability", value_name = "1-5")]
    pub dq_reliability: Option<String>,
    /// The year the money of a spend line was spent in.
    #[arg(long = "currency-year", value_name = "YEAR")]
    pub currency_year: Option<String>,
    /// Units of the line's currency per one unit of the factor's currency (reporting year).
    #[arg(long = "exchange-rate", value_name = "RATE")]
    pub exchange_rate: Option<String>,
    /// The factor currency's price level of the currency year relative to the price year.
    #[arg(long = "price-index", value_name = "INDEX")]
    pub price_index: Option<String>,
    /// Category 15: the reporter's share of the investee, a fraction above 0 and at most 1.
    #[arg(long, value_name = "FRACTION")]
    pub attribution: Option<String>,
    /// Category 15: the PCAF data-quality score, 1 (audited emissions) to 5 (estimated).
    #[arg(long = "pcaf-score", value_name = "1-5")]
    pub pcaf_score: Option<String>,
}

impl ActivityFields {
    /// The Scope 3 flags given, by column name (`activity::SCOPE3_COLUMNS`).
    pub fn scope3(&self) -> [(&'static str, &Option<String>); 11] {
        [
            ("method", &self.method),
            ("dq_technology", &self.dq_technology),
            ("dq_time", &self.dq_time),
            ("dq_geography", &self.dq_geography),
            ("dq_completeness", &self.dq_completeness),
            ("dq_reliability", &self.dq_reliability),
            ("currency_year", &self.currency_year),
            ("exchange_rate", &self.exchange_rate),
            ("price_index", &self.price_index),
            ("attribution", &self.attribution),
            ("pcaf_score", &self.pcaf_score),
        ]
    }
}

#[derive(Subcommand)]
pub enum ActivityCommand {
    /// Add a record, checked exactly as `scopebook calc` checks a row.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[command(flatten)]
        fields: ActivityFields,
    },
    /// Change a record of an open or in-review period.
    Edit {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        fields: ActivityFields,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Delete a record of an open or in-review period (the audit log keeps it).
    Delete {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Correct a record of a locked period: the original is kept, superseded by a new record.
    Restate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        fields: ActivityFields,
        /// Why the record is restated (required).
        #[arg(long)]
        reason: String,
    },
    /// List a period's records.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// Include superseded (restated) records.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Write a period's current records as an activity file (`scopebook calc` input).
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
    },
    /// The audit history of one record.
    History {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// The audit log, oldest first.
    Log {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Check the file's integrity, walk the hash chain and replay it against the data.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// The head hash noted at an earlier verification: fail unless the chain still
        /// contains it (detects a log rewritten from an earlier point).
        #[arg(long, value_name = "HASH", value_parser = trimmed)]
        expect_head: Option<String>,
    },
}
