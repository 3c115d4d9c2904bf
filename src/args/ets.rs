//! Arguments of `ets`: the ETS data of covered facilities kept in the inventory file (decision
//! 0030): a facility's registration, a period's units and ledger, and the EU Transaction Log's
//! figures of a period (decision 0033). `position --db` reads them. A locked period's are corrected
//! by restatement (`restate`, decision 0038), as activity records are.

use std::path::PathBuf;

use clap::Subcommand;

use super::{DbArgs, Scheme, StoreFormat};

#[derive(Subcommand)]
pub enum EtsCommand {
    /// Covered facilities: the scheme, the enterprise and the default plan.
    Facility {
        #[command(subcommand)]
        command: EtsFacilityCommand,
    },
    /// A period's units (UNITS.csv's columns), each of a registered facility.
    Unit {
        #[command(subcommand)]
        command: Box<EtsUnitCommand>,
    },
    /// A period's allowance ledger (LEDGER.csv's columns).
    Ledger {
        #[command(subcommand)]
        command: Box<EtsLedgerCommand>,
    },
    /// A period's EU Transaction Log figures per installation (the registry export's year).
    Registry {
        #[command(subcommand)]
        command: Box<EtsRegistryCommand>,
    },
    /// Which fuel parameters a covered facility's scheme figure takes in a period (COVERED.csv's
    /// `parameters`), read by `position --db --reconcile`.
    Parameters {
        #[command(subcommand)]
        command: Box<EtsParametersCommand>,
    },
}

/// COVERED.csv's `parameters`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ParametersChoice {
    /// The records' own (measured, calculated) parameters, as the inventory.
    Record,
    /// The factor's defaults (the verifier did not accept the measured parameters).
    Default,
}

#[derive(Subcommand)]
pub enum EtsParametersCommand {
    /// Say which parameters a registered facility's scheme figure takes in an open period
    /// (`record` unless stored; `position --db --reconcile --default-parameters` prevails).
    Set {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// The registered facility's code.
        #[arg(long)]
        facility: String,
        #[arg(long, value_enum)]
        parameters: ParametersChoice,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Correct a locked period's stored parameters: the original is kept, superseded.
    Restate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[arg(long, value_enum)]
        parameters: ParametersChoice,
        /// Why the parameters are restated (required).
        #[arg(long)]
        reason: String,
    },
    /// A period's stored parameters.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// Include superseded (restated) rows.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
}

#[derive(Subcommand)]
pub enum EtsRegistryCommand {
    /// Import EU Transaction Log exports (as `position --registry` reads them) into a period:
    /// every installation's figures for the period's year, all or nothing.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// The export files (one per registry country).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// A period's registry figures.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// Include superseded (restated) rows.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Correct a locked period's registry figures with corrected registry exports: each
    /// installation of the files (or of --installation) whose figures differ replaces the stored
    /// row, which is kept, superseded. A locked period takes no new installation.
    Restate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// Only this installation of the files (the registry's id, `DE-990001`); repeatable.
        #[arg(long)]
        installation: Vec<String>,
        /// Why the figures are restated (required).
        #[arg(long)]
        reason: String,
        /// The corrected export files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a period's registry figures as a registry export of its year, which
    /// `position --registry FILE --year YEAR` reads as `position --db` does.
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
    },
    /// Delete one installation's figures, or the whole period's (the audit log keeps them).
    Delete {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// The installation (the registry's id, `DE-990001`).
        #[arg(long, required_unless_present = "all")]
        installation: Option<String>,
        /// Every installation of the period.
        #[arg(long, conflicts_with = "installation")]
        all: bool,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Tie an installation to the facility it is (registered under eu-ets as its account
    /// holder), or untie it (no --facility).
    Link {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[arg(long)]
        installation: String,
        #[arg(long)]
        facility: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum EtsFacilityCommand {
    /// Register a facility covered by an ETS (its `--ets` flag set), or change its registration.
    Set {
        #[command(flatten)]
        db: DbArgs,
        /// The facility's code.
        #[arg(long)]
        facility: String,
        #[arg(long, value_enum)]
        scheme: Scheme,
        /// The enterprise (China) or account holder (EU) it belongs to: UNITS.csv's and
        /// LEDGER.csv's `enterprise`.
        #[arg(long)]
        enterprise: String,
        /// China: the shipped plan its units are entered under unless a unit names its own.
        #[arg(long)]
        plan: Option<String>,
    },
    /// Un-register a facility (the facility stays). Refused while units of it are stored or a
    /// registry installation is tied to it.
    Remove {
        #[command(flatten)]
        db: DbArgs,
        /// The facility's code.
        #[arg(long)]
        facility: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// The registered facilities.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
}

/// A unit's cells; on `edit`, only those given change ("" empties an optional one).
#[derive(clap::Args)]
pub struct EtsUnitFields {
    /// The registered facility's code.
    #[arg(long)]
    pub facility: Option<String>,
    /// China: the shipped plan (default: the facility's).
    #[arg(long)]
    pub plan: Option<String>,
    #[arg(long)]
    pub unit: Option<String>,
    /// China power: coal-above-300mw, coal-300mw-or-below, coal-unconventional, gas (the plan's
    /// classes); other plans and the EU: the plan's class or the activity.
    #[arg(long = "unit-class")]
    pub unit_class: Option<String>,
    /// water or air.
    #[arg(long)]
    pub cooling: Option<String>,
    /// Output on the plan's basis (net supply or generation), MWh.
    #[arg(long = "output-mwh", value_name = "MWH", allow_hyphen_values = true)]
    pub output_mwh: Option<String>,
    /// Heat supplied, GJ.
    #[arg(long = "heat-gj", value_name = "GJ", allow_hyphen_values = true)]
    pub heat_gj: Option<String>,
    /// A fraction (0.3 for 30 %).
    #[arg(long = "heat-supply-ratio", value_name = "RATIO", allow_hyphen_values = true)]
    pub heat_supply_ratio: Option<String>,
    /// A fraction (0.78 for 78 %).
    #[arg(long = "load-factor", value_name = "RATIO", allow_hyphen_values = true)]
    pub load_factor: Option<String>,
    /// Verified emissions, t CO2.
    #[arg(long = "verified-t", value_name = "T", allow_hyphen_values = true)]
    pub verified_t: Option<String>,
    /// The allocation as entered (plans that ship no rules for the year; the EU's free
    /// allocation), t.
    #[arg(long = "allocation-t", value_name = "T", allow_hyphen_values = true)]
    pub allocation_t: Option<String>,
}

#[derive(Subcommand)]
pub enum EtsUnitCommand {
    /// Add a unit, checked as `scopebook position --units` checks a row.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[command(flatten)]
        fields: EtsUnitFields,
    },
    /// Change a unit of an open period.
    Edit {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        fields: EtsUnitFields,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Delete a unit of an open period (the audit log keeps it).
    Delete {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Correct a unit of a locked period: the original is kept, superseded by a new unit (its
    /// cells, with those given changed).
    Restate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        fields: EtsUnitFields,
        /// Why the unit is restated (required).
        #[arg(long)]
        reason: String,
    },
    /// A period's units.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// Include superseded (restated) units.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Import a UNITS.csv into a period, all or nothing.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// Every row to this facility (default: the facility registered as the row's enterprise).
        #[arg(long)]
        facility: Option<String>,
        /// China: the shipped plan (default: each facility's).
        #[arg(long)]
        plan: Option<String>,
        /// The UNITS.csv file.
        file: PathBuf,
    },
    /// Write a period's units of a scheme as the UNITS.csv `position --db` reads.
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[arg(long, value_enum)]
        scheme: Scheme,
        /// China: the plan, where the period's units are under several.
        #[arg(long)]
        plan: Option<String>,
    },
}

/// A ledger movement's cells; on `edit`, only those given change ("" empties an optional one).
#[derive(clap::Args)]
pub struct EtsLedgerFields {
    #[arg(long)]
    pub enterprise: Option<String>,
    /// ISO date (2021-12-10).
    #[arg(long)]
    pub date: Option<String>,
    /// allocation, purchase, sale, transfer-in, transfer-out, surrender, bank-in, borrow.
    #[arg(long)]
    pub kind: Option<String>,
    /// Tonnes, not below zero (the kind gives the direction).
    #[arg(long = "quantity-t", value_name = "T", allow_hyphen_values = true)]
    pub quantity_t: Option<String>,
    /// CEA, CCER, EUA, ...
    #[arg(long)]
    pub instrument: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub price: Option<String>,
    /// ISO 4217 (CNY, EUR).
    #[arg(long)]
    pub currency: Option<String>,
    /// The credits' vintage year.
    #[arg(long)]
    pub vintage: Option<String>,
    #[arg(long)]
    pub project: Option<String>,
    /// A document number or other reference.
    #[arg(long)]
    pub evidence: Option<String>,
}

#[derive(Subcommand)]
pub enum EtsLedgerCommand {
    /// Add a movement, checked as `scopebook position --ledger` checks a row.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[arg(long, value_enum)]
        scheme: Scheme,
        #[command(flatten)]
        fields: EtsLedgerFields,
    },
    /// Change a movement of an open period.
    Edit {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        fields: EtsLedgerFields,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Delete a movement of an open period (the audit log keeps it).
    Delete {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Correct a movement of a locked period: the original is kept, superseded by a new
    /// movement (its cells, with those given changed).
    Restate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        fields: EtsLedgerFields,
        /// Why the movement is restated (required).
        #[arg(long)]
        reason: String,
    },
    /// A period's ledger.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// Include superseded (restated) movements.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Import a LEDGER.csv of a scheme into a period, all or nothing.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[arg(long, value_enum)]
        scheme: Scheme,
        /// The LEDGER.csv file.
        file: PathBuf,
    },
    /// Write a period's ledger of a scheme as the LEDGER.csv `position --db` reads.
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[arg(long, value_enum)]
        scheme: Scheme,
        /// China: the plan, where the period's units are under several.
        #[arg(long)]
        plan: Option<String>,
    },
}
