//! Arguments of `scopebook residual-mix`: the AIB and Green-e residual-mix files converted into
//! the factor format (decision 0048).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use scopebook_import::residual_mix::Publication;

use super::Gwp;

// `residual-mix import --format`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MixFormat {
    /// AIB European Residual Mixes (per country, g CO2/kWh).
    Aib,
    /// Green-e Residual Mix Emissions Rates (per eGRID subregion, lb/MWh).
    GreenE,
}

impl From<MixFormat> for Publication {
    fn from(f: MixFormat) -> Publication {
        match f {
            MixFormat::Aib => Publication::Aib,
            MixFormat::GreenE => Publication::GreenE,
        }
    }
}

#[derive(Subcommand)]
pub enum ResidualMixCommand {
    /// Convert the residual-mix file you downloaded (the publisher's XLSX, or its table copied
    /// into a CSV) into a factor file for `calc --residual-mix`: one factor a region, valid for
    /// the data year only, each with its file, SHA-256, sheet, row and column.
    Import(Box<ResidualMixImportArgs>),
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("output").required(true).multiple(true).args(["out", "dataset_dir"])))]
pub struct ResidualMixImportArgs {
    /// The publication the file is.
    #[arg(long, value_enum)]
    pub format: MixFormat,
    /// The year the figures are for, as the publication says: AIB's "European Residual Mixes
    /// 2023" is 2023; Green-e's "2023 Green-e Residual Mix Emissions Rates (2021 Data)" is 2021
    /// (the data year, two years before the title's). Never guessed.
    #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub data_year: i32,
    /// The file you downloaded: .xlsx (.xls, .ods) or .csv.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The factor file to write (CSV, the factor format).
    #[arg(long, value_name = "OUT.csv")]
    pub out: Option<PathBuf>,
    /// A user dataset folder to write instead or as well: dataset.toml (dataset id
    /// aib-residual-mix or green-e-residual-mix, edition = the data year, not redistributable)
    /// and factors.csv; `calc --residual-mix DIR` reads it.
    #[arg(long, value_name = "DIR")]
    pub dataset_dir: Option<PathBuf>,
    /// The workbook's sheet that holds the table (default: the first sheet with its header).
    #[arg(long)]
    pub sheet: Option<String>,
    /// The GWP set of a CO2e rate column (Green-e's "lbs CO2e/MWh"), as the publication states;
    /// required when the table gives CO2e.
    #[arg(long, value_enum)]
    pub gwp_basis: Option<Gwp>,
    /// Replace OUT.csv (or the folder's two files) if it exists.
    #[arg(long)]
    pub force: bool,
}
