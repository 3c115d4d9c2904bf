//! Arguments of `position`: the allowance position of a China ETS plan's units or of EU
//! Transaction Log installations.

use std::path::PathBuf;

use clap::ValueEnum;
use scopebook_core::run::Pin;

use super::{Gwp, StoreFormat};

/// `position --scheme`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scheme {
    /// China national ETS (allowances CEA, offsets CCER, prices in CNY).
    CnEts,
    /// EU ETS (allowances EUA, prices in EUR).
    EuEts,
}

pub const PRICE_HELP: &str = "\
Prices (--price, repeatable): [NAME=]AMOUNT[CURRENCY], e.g. --price low=50 --price central=75 \
--price high=105CNY. The amount is a plain decimal, not below zero; the currency, if written, must \
be the scheme's (CNY for cn-ets, EUR for eu-ets). Each enterprise's shortfall is valued at every \
price (positive = the cost of closing it, negative = what the surplus is worth); the last trade \
in the ledger is added as scenario 'last-trade'. China's penalty range is low × the lowest price \
to high × the highest, per tonne owed, where the plan sets a multiple of the price.

Plans: cn-power-2019-2020, cn-power-2021-2022, cn-power-2023-2024, cn-industry-2024-2025, or a \
plan file (PATH.toml) in the same format (allowance-plans/README.md).

Scheme emissions beside the inventory (decision 0031): --activities ACTIVITIES.csv (an activity \
file as `calc` reads it, with calc's --factors, --pin, --strict-years and --gwp) and \
--covered COVERED.csv (facility, enterprise for cn-ets or installation for eu-ets, parameters \
record|default) add \"reconciliation\": each covered facility's emissions under the scheme's rules \
beside the inventory's Scope 1 + 2, line by line with a reason. --as-of DATE: the records run to \
DATE; the rest of the year is projected at the run-rate so far, with the shortfall expected at \
the year's end.

With --db (decision 0032): --reconcile adds the same \"reconciliation\" from the inventory file \
itself: the period's records, calculated as `calc --db` does (the period's GWP set and pinned \
editions; --factors for the user's factor files they use), and the facilities registered under \
the scheme (`ets facility set`) for the position's enterprises as COVERED.csv; \
--default-parameters FACILITY (repeatable) is COVERED.csv's parameters = default; --as-of as \
above. EU ETS (decision 0036): the covered facilities are those tied to the period's \
installations (`ets registry link`, or EU units), and the verifier's figure is the registry's \
verified emissions.

Offsets (cn-ets): --own-project ENTERPRISE=PROJECT (repeatable) names a project inside the \
enterprise's own boundary (so do COVERED.csv's facility codes): its credits do not count. \
--offset-price [NAME=]AMOUNT[CURRENCY] prices credits for the cheapest mix that closes a \
shortfall (\"cheapest_mix\"): a named one pairs with the --price scenario of that name, one \
without a name with every other scenario.";

#[derive(clap::Args)]
#[command(after_help = PRICE_HELP)]
#[command(group(clap::ArgGroup::new("records").args(["activities", "reconcile"]).multiple(true)))]
pub struct PositionArgs {
    /// The scheme.
    #[arg(long, value_enum)]
    pub scheme: Scheme,
    /// China: the allocation plan, a shipped id or a plan file (PATH.toml); with --db, the
    /// plan of the stored units to take where a period's units are under several.
    #[arg(long, value_name = "PLAN")]
    pub plan: Option<String>,
    /// The compliance year (China: needed for a plan allocated year by year; EU: default the
    /// registry's last year).
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// China: the covered units (enterprise, unit, unit_class, cooling, output_mwh, heat_gj,
    /// heat_supply_ratio, load_factor, verified_t; or allocation_t).
    #[arg(long, value_name = "UNITS.csv")]
    pub units: Option<PathBuf>,
    /// The ledger: enterprise, date, kind, quantity_t, instrument, price, currency, vintage,
    /// project, evidence.
    #[arg(long, value_name = "LEDGER.csv")]
    pub ledger: Option<PathBuf>,
    /// EU: the EU Transaction Log's per-installation export files, as published.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub registry: Vec<PathBuf>,
    /// A price scenario, [NAME=]AMOUNT[CURRENCY]; may be repeated.
    #[arg(long = "price", value_name = "P", allow_hyphen_values = true)]
    pub prices: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: StoreFormat,
    /// The units and ledger kept in this inventory file (`scopebook ets`) instead of files.
    #[arg(long, value_name = "FILE", requires = "period")]
    pub db: Option<PathBuf>,
    /// The compliance period, with --db (a plan allocated once for two years, such as
    /// cn-power-2019-2020, is worked for the period its units are entered in, without a year).
    #[arg(long, value_name = "YEAR", requires = "db")]
    pub period: Option<i32>,
    /// Activity records (the `calc` format) of the facilities, for the scheme emissions beside
    /// the inventory ("reconciliation").
    #[arg(long, value_name = "ACTIVITIES.csv", requires = "covered", conflicts_with = "db")]
    pub activities: Option<PathBuf>,
    /// The covered facilities: facility, enterprise (cn-ets) or installation (eu-ets), and
    /// parameters (record or default).
    #[arg(long, value_name = "COVERED.csv", requires = "activities")]
    pub covered: Option<PathBuf>,
    /// The records run to this date (YYYY-MM-DD): forecast the rest of the year.
    #[arg(long, value_name = "DATE", requires = "records")]
    pub as_of: Option<String>,
    /// With --activities or --reconcile: a factor file or user dataset folder, as `calc --factors`.
    #[arg(long = "factors", value_name = "FILE|DIR", requires = "records")]
    pub factors: Vec<PathBuf>,
    /// With --activities: use only this edition of a dataset, as `calc --pin`.
    #[arg(long = "pin", value_name = "DATASET=EDITION", requires = "activities")]
    pub pins: Vec<Pin>,
    /// With --activities: editions valid for each record's period only, as `calc --strict-years`.
    #[arg(long, requires = "activities")]
    pub strict_years: bool,
    /// With --activities: the GWP-100 set, as `calc --gwp`.
    #[arg(long, value_enum, default_value = "ar5")]
    pub gwp: Gwp,
    /// China: a project inside an enterprise's own boundary, ENTERPRISE=PROJECT; may be repeated.
    #[arg(long = "own-project", value_name = "ENTERPRISE=PROJECT")]
    pub own_projects: Vec<String>,
    /// China: an offset credit price, [NAME=]AMOUNT[CURRENCY], for the cheapest mix.
    #[arg(long = "offset-price", value_name = "P", allow_hyphen_values = true)]
    pub offset_prices: Vec<String>,
    /// With --db: the scheme's emissions beside the inventory of the period's records, the
    /// covered facilities being those registered under the scheme (China) or tied to the
    /// period's installations (EU).
    #[arg(long, requires = "db")]
    pub reconcile: bool,
    /// With --reconcile: a registered facility whose scheme figure takes the factor's defaults,
    /// not the records' own parameters (COVERED.csv parameters = default); may be repeated.
    #[arg(long = "default-parameters", value_name = "FACILITY", requires = "reconcile")]
    pub default_parameters: Vec<String>,
}
