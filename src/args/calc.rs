//! Arguments of `calc`, `edition-diff` and `factors`.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use scopebook_core::listing;
use scopebook_core::run::Pin;

use super::Gwp;

// `calc --format`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

// `--format` of `edition-diff` and `factors`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Markdown,
}

impl From<ListFormat> for listing::Format {
    fn from(f: ListFormat) -> listing::Format {
        match f {
            ListFormat::Table => listing::Format::Table,
            ListFormat::Json => listing::Format::Json,
            ListFormat::Markdown => listing::Format::Markdown,
        }
    }
}

#[derive(clap::Args)]
pub struct CalcArgs {
    /// Activity file: facility, period_start, period_end, activity, quantity, unit, and optional
    /// factor, region, scope3_category, evidence, note, sector, fuel parameters, and the Scope 3
    /// columns method, dq_technology, dq_time, dq_geography, dq_completeness, dq_reliability,
    /// currency_year, exchange_rate, price_index, attribution.
    #[arg(required_unless_present = "db", conflicts_with = "db")]
    pub activities: Option<PathBuf>,
    /// Calculate a period of an inventory file instead (with its own GWP set and editions).
    #[arg(long, value_name = "FILE", requires = "period", conflicts_with_all = ["factors", "pins", "gwp"])]
    pub db: Option<PathBuf>,
    /// The period to calculate, with --db.
    #[arg(long, value_name = "YEAR", requires = "db")]
    pub period: Option<i32>,
    /// A factor file in the user format, or a user dataset folder (dataset.toml + factors);
    /// may be given several times. Its factors rank above shipped ones.
    #[arg(long = "factors", value_name = "FILE|DIR")]
    pub factors: Vec<PathBuf>,
    /// Use only this edition of a dataset, e.g. cn-mee-nbs-grid=2022; may be repeated.
    #[arg(long = "pin", value_name = "DATASET=EDITION")]
    pub pins: Vec<Pin>,
    /// Use only editions valid for each activity's period: a line no edition covers is
    /// unresolved, instead of getting its dataset's latest earlier edition (`latest-available`).
    #[arg(long)]
    pub strict_years: bool,
    /// Contractual instruments for market-based Scope 2 (certificates, PPAs, green tariffs,
    /// supplier rates): facility, instrument, mwh, emission_rate_kg_per_mwh, generation_start,
    /// generation_end, and optional market, registry, serial_from, serial_to, retired_on,
    /// beneficiary, evidence, contract_date, ccer_claimed (yes/no: an attribute also claimed
    /// as a CCER is not applied), energy (electricity, or heat, steam or cooling at a supplier's
    /// rate) and gj (heat, steam or cooling in GJ instead of mwh).
    #[arg(long = "instruments", value_name = "INSTR.csv", conflicts_with = "db")]
    pub instruments: Option<PathBuf>,
    /// A residual-mix file (factor format, activity `residual_mix_electricity`, one row per region
    /// and year); may be repeated. Used for consumption no instrument covers.
    #[arg(long = "residual-mix", value_name = "FILE", conflicts_with = "db")]
    pub residual_mix: Vec<PathBuf>,
    /// The status of each Scope 3 category: category (1-15), status (relevant, excluded,
    /// not-applicable) and reason (required for excluded). Categories it leaves out are shown
    /// as not-assessed.
    #[arg(long = "scope3-status", value_name = "FILE", conflicts_with = "db")]
    pub scope3_status: Option<PathBuf>,
    /// GWP-100 set.
    #[arg(long, value_enum, default_value = "ar5")]
    pub gwp: Gwp,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Totals only: leave the per-line output out.
    #[arg(long)]
    pub summary: bool,
    /// Decimal places of tonnes shown in the table (rounded half-even; JSON and CSV are exact).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=12))]
    pub decimals: u32,
}

#[derive(clap::Args)]
pub struct EditionDiffArgs {
    pub activities: PathBuf,
    /// The edition to change to, e.g. cn-mee-nbs-grid=2022.
    #[arg(long = "to", value_name = "DATASET=EDITION")]
    pub to: Pin,
    #[arg(long = "factors", value_name = "FILE|DIR")]
    pub factors: Vec<PathBuf>,
    /// Editions the current calculation uses (as with `calc --pin`).
    #[arg(long = "pin", value_name = "DATASET=EDITION")]
    pub pins: Vec<Pin>,
    #[arg(long, value_enum, default_value = "ar5")]
    pub gwp: Gwp,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
}

#[derive(clap::Args)]
pub struct SearchFilters {
    /// Only factors for this activity type (exact).
    #[arg(long)]
    pub activity: Option<String>,
    /// Only factors for this region (exact code, e.g. CN-GD).
    #[arg(long)]
    pub region: Option<String>,
    /// Only factors that give this gas (CO2, CH4, N2O, HFC-134a, R-410A, CO2e).
    #[arg(long)]
    pub gas: Option<String>,
    /// Only factors of this dataset id.
    #[arg(long)]
    pub dataset: Option<String>,
    /// Only factors of this edition.
    #[arg(long)]
    pub edition: Option<String>,
    /// Only factors of this scope (1, 2 or 3).
    #[arg(long)]
    pub scope: Option<u8>,
}

impl From<SearchFilters> for listing::Filters {
    fn from(f: SearchFilters) -> listing::Filters {
        listing::Filters {
            activity: f.activity,
            region: f.region,
            gas: f.gas,
            dataset: f.dataset,
            edition: f.edition,
            scope: f.scope,
        }
    }
}

#[derive(Subcommand)]
pub enum FactorsCommand {
    /// List the loaded datasets and editions.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Search factors by text (id, activity, name, region, dataset, source, gas) and filters.
    Search {
        #[arg(default_value = "")]
        text: String,
        #[command(flatten)]
        filters: SearchFilters,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Show one factor with its full provenance.
    Show {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Check a user factor file or dataset folder and report every problem.
    Validate { path: PathBuf },
    /// Keep a factor file or dataset folder in an open period of an inventory file: every
    /// calculation of the period loads it, as `calc --factors` does (a residual mix from
    /// `residual-mix import`, a supplier's factors). All or nothing.
    Add {
        #[command(flatten)]
        db: super::DbArgs,
        #[arg(long)]
        period: i32,
        /// A factor file, or a dataset folder (dataset.toml and the factor file it names).
        #[arg(value_name = "FILE|DIR")]
        path: PathBuf,
    },
    /// The factor files a period of an inventory file keeps, in the order its library loads them.
    Files {
        #[command(flatten)]
        db: super::DbArgs,
        #[arg(long)]
        period: i32,
        #[arg(long, value_enum, default_value = "table")]
        format: super::StoreFormat,
    },
    /// Delete a factor file of an open period (audited).
    Remove {
        #[command(flatten)]
        db: super::DbArgs,
        #[arg(long)]
        id: i64,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}
