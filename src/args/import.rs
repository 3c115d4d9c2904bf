//! Arguments of `import` and `template export`.

use std::path::PathBuf;

use clap::ValueEnum;
use scopebook_import::mapping::Lang;
use scopebook_import::pipeline::Mode;

use super::values::{ColumnMapping, Delimiter, ValueMapping};
use super::{DbArgs, StoreFormat};

#[derive(clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The reporting period (year) the records belong to.
    #[arg(long)]
    pub period: i32,
    /// The file: CSV (any delimiter; UTF-8, UTF-16 or GBK/GB18030), .xlsx, .xls or .ods.
    pub file: PathBuf,
    /// Use this saved column template (otherwise a template saved for the same headers, or a
    /// guess from the header names).
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Check and report; write nothing.
    #[arg(long, conflicts_with = "valid_rows_only")]
    pub dry_run: bool,
    /// Import the rows without problems and write the others, with a reason column, to
    /// `--skipped` (default FILE.skipped.csv).
    #[arg(long)]
    pub valid_rows_only: bool,
    /// Where `--valid-rows-only` writes the skipped rows.
    #[arg(long, value_name = "FILE")]
    pub skipped: Option<PathBuf>,
    /// The worksheet to read (default: the first that is not empty).
    #[arg(long)]
    pub sheet: Option<String>,
    /// The row of the header (default: found from the first 20 rows).
    #[arg(long, value_name = "N")]
    pub header_row: Option<usize>,
    /// The CSV delimiter (default: detected among , ; tab |). Write `tab` for a tab.
    #[arg(long, value_parser = Delimiter::parse)]
    pub delimiter: Option<Delimiter>,
    /// The CSV encoding, e.g. gbk, gb18030, utf-8 (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Correct the column mapping: FIELD=HEADER (e.g. `quantity=用量`); FIELD= unmaps it.
    /// Fields: facility, period, activity, quantity, unit, start, end, factor, region,
    /// scope3_category, supplier, evidence, meter_id, data_quality, note.
    #[arg(long = "column", value_name = "FIELD=HEADER", value_parser = ColumnMapping::parse)]
    pub columns: Vec<ColumnMapping>,
    /// Map a value of the file: activity:TEXT=TYPE or unit:TEXT=UNIT (e.g.
    /// `activity:天然气=natural_gas`). Remembered in the file for later imports.
    #[arg(long = "value", value_name = "KIND:TEXT=TARGET", value_parser = ValueMapping::parse)]
    pub values: Vec<ValueMapping>,
    /// Save the column mapping as a template of this name (reused for files with the same headers).
    #[arg(long, value_name = "NAME")]
    pub save_template: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: StoreFormat,
}

impl ImportArgs {
    /// `--dry-run`, `--valid-rows-only`, or neither (all or nothing).
    pub fn mode(&self) -> Mode {
        if self.dry_run {
            Mode::DryRun
        } else if self.valid_rows_only {
            Mode::ValidRowsOnly
        } else {
            Mode::AllOrNothing
        }
    }
}

// `template export --lang`.
#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    En,
    Zh,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

#[derive(clap::Subcommand)]
pub enum TemplateCommand {
    /// Write a blank import workbook (.xlsx) with dropdowns of activity types and units.
    Export {
        /// The workbook to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
        /// Fill the facility dropdown from this organisation file.
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        /// Limit the date columns to this year.
        #[arg(long)]
        year: Option<i32>,
    },
}
