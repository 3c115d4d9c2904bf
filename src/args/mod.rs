//! The command line's clap types. Each argument is parsed here, once, into a typed value: a
//! `ValueEnum`, a library type (`Pin`, `GwpSet`, `Consolidation`, ...) or one of the typed
//! values of [`values`]. Nothing here reads files, calls the store or prints a result.

mod calc;
mod ets;
mod import;
mod instrument;
mod package;
mod position;
mod report;
mod residual_mix;
mod store;
mod values;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use scopebook_core::gas::GwpSet;

pub use calc::{CalcArgs, EditionDiffArgs, FactorsCommand, Format, ListFormat};
pub use ets::{
    EtsCommand, EtsFacilityCommand, EtsLedgerCommand, EtsLedgerFields, EtsParametersCommand, EtsRegistryCommand,
    EtsUnitCommand, EtsUnitFields, ParametersChoice,
};
pub use import::{ImportArgs, TemplateCommand};
pub use instrument::{InstrumentCommand, Scope3Command, Scope3StatusCommand, StatusFields};
pub use package::{ExportPackageArgs, SampleArgs, VerifyArgs};
pub use position::{PositionArgs, Scheme};
pub use report::{PdfA, ReportArgs};
pub use residual_mix::{ResidualMixCommand, ResidualMixImportArgs};
pub use store::{
    tri_state, ActivityCommand, ActivityFields, AuditCommand, FacilityCommand, InitArgs, OrgCommand, PeriodCommand,
};
pub use values::UsageError;

#[derive(Parser)]
#[command(name = "scopebook", version, about = "Exact, auditable greenhouse-gas inventories")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Calculate an inventory from an activity CSV file.
    Calc(CalcArgs),
    /// Dry run of an edition change: what changes, line by line, if DATASET=EDITION is used.
    EditionDiff(EditionDiffArgs),
    /// Browse the emission-factor library.
    Factors {
        #[command(subcommand)]
        command: FactorsCommand,
    },
    /// Create an organisation's inventory file (an SQLite database).
    Init(InitArgs),
    /// The organisation: show it, or change its name or consolidation approach.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Legal entities and facilities of the organisation.
    Facility {
        #[command(subcommand)]
        command: FacilityCommand,
    },
    /// Reporting periods: add, review, lock (with a snapshot of the calculation), list.
    Period {
        #[command(subcommand)]
        command: PeriodCommand,
    },
    /// Activity records of a period.
    Activity {
        #[command(subcommand)]
        command: Box<ActivityCommand>,
    },
    /// The audit log: list it, or verify its hash chain against the data.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Copy the database to a new file with SQLite's online backup, and check the copy.
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// The allowance position (China ETS or EU ETS): obligation, allocation, holdings, offsets,
    /// shortfall or surplus, its value at each --price, the penalty exposure.
    Position(Box<PositionArgs>),
    /// ETS data in the inventory file (what `position --db` reads): covered facilities'
    /// scheme and enterprise, each period's units and ledger; audited, locked with the period.
    Ets {
        #[command(subcommand)]
        command: EtsCommand,
    },
    /// Contractual instruments in the inventory file (what `calc --db` allocates for
    /// market-based Scope 2): certificates, PPAs, green tariffs, supplier rates per period.
    Instrument {
        #[command(subcommand)]
        command: Box<InstrumentCommand>,
    },
    /// Scope 3 in the inventory file: each category's status per period.
    Scope3 {
        #[command(subcommand)]
        command: Box<Scope3Command>,
    },
    /// Residual mixes for market-based Scope 2: convert the AIB or Green-e file you downloaded
    /// into a factor file for `calc --residual-mix` (decision 0048).
    ResidualMix {
        #[command(subcommand)]
        command: ResidualMixCommand,
    },
    /// Write a period as an auditor's package: the inventory as data, factors, audit log,
    /// snapshot, evidence index, a README and verify.py, with a manifest of SHA-256s (a .zip).
    ExportPackage(ExportPackageArgs),
    /// Check an auditor's package from the package alone: hashes, audit chain, every line and
    /// total recomputed. Exit 0 only if everything matches.
    Verify(VerifyArgs),
    /// Draw an auditor's reproducible sample from a package: every line at or above the
    /// materiality in full, the rest ranked by SHA-256 of the root hash and a phrase.
    Sample(SampleArgs),
    /// A period's report written to --out (.pdf, .xlsx or .csv): the GHG inventory report
    /// (PDF/A, English, Chinese or both), its workbook with every line, or its figures as CSV.
    Report(Box<ReportArgs>),
    /// Import activity records from a CSV or spreadsheet file: preview, mapping, exact errors.
    Import(Box<ImportArgs>),
    /// The blank import workbook.
    Template {
        #[command(subcommand)]
        command: TemplateCommand,
    },
    /// Replace (or create) a database from a backup, after checking the backup completely.
    Restore {
        /// The backup file.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Parse the command line. Help and version go to stdout (status 0); a usage error goes to
/// stderr (status 2): in clap's words, or as `scopebook: MESSAGE` when one of our own value
/// parsers refused the value ([`UsageError`]).
pub fn parse() -> Result<Cli, ExitCode> {
    Cli::try_parse().map_err(|e| {
        if let Some(u) = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<UsageError>()) {
            eprintln!("scopebook: {u}");
            return ExitCode::from(2);
        }
        let _ = e.print();
        if e.use_stderr() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        }
    })
}

// `--db FILE` and `--user NAME`: the inventory file a store command works on.
#[derive(clap::Args)]
pub struct DbArgs {
    /// The organisation's inventory file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Your name for the audit log (default: $USER, else $USERNAME, else "unknown").
    #[arg(long)]
    pub user: Option<String>,
}

impl DbArgs {
    /// The name for the audit log: `--user` trimmed, else the default user.
    pub fn user(&self) -> String {
        self.user
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map_or_else(scopebook_store::default_user, str::to_string)
    }
}

// `--format` of the store and import commands.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreFormat {
    Table,
    Json,
}

// `--gwp`: the GWP-100 set.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Gwp {
    Ar4,
    Ar5,
    Ar6,
}

impl From<Gwp> for GwpSet {
    fn from(g: Gwp) -> GwpSet {
        match g {
            Gwp::Ar4 => GwpSet::AR4,
            Gwp::Ar5 => GwpSet::AR5,
            Gwp::Ar6 => GwpSet::AR6,
        }
    }
}
