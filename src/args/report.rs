//! Arguments of `report`: a period's report written to a file whose extension names the format.

use std::path::PathBuf;

use clap::ValueEnum;

use super::DbArgs;

/// `report --kind`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// The GHG inventory report (.pdf, .xlsx, .csv).
    Inventory,
    /// The allowance position report for finance (.pdf, .xlsx, .csv): every scheme of the period.
    Position,
    /// The China ETS data sheet (.xlsx), prefilled per facility, unit and month.
    CnEtsSheet,
    /// The EU annual emissions report data sheet (.xlsx), prefilled per installation and
    /// source stream.
    EuAer,
}

impl From<ReportKind> for scopebook_report::Kind {
    fn from(k: ReportKind) -> scopebook_report::Kind {
        match k {
            ReportKind::Inventory => scopebook_report::Kind::Inventory,
            ReportKind::Position => scopebook_report::Kind::Position,
            ReportKind::CnEtsSheet => scopebook_report::Kind::CnEtsSheet,
            ReportKind::EuAer => scopebook_report::Kind::EuAer,
        }
    }
}

/// `report --lang`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportLang {
    En,
    Zh,
    Both,
}

impl From<ReportLang> for scopebook_report::Lang {
    fn from(l: ReportLang) -> scopebook_report::Lang {
        match l {
            ReportLang::En => scopebook_report::Lang::En,
            ReportLang::Zh => scopebook_report::Lang::Zh,
            ReportLang::Both => scopebook_report::Lang::Both,
        }
    }
}

/// `report --pdfa`: the PDF/A part of a PDF report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PdfA {
    /// PDF/A-2b (no attachment).
    #[value(name = "2b")]
    A2b,
    /// PDF/A-3b carrying the inventory as data (`inventory.json`, the bytes of `calc --db
    /// --format json`); --kind inventory only.
    #[value(name = "3b")]
    A3b,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The reporting period (its year).
    #[arg(long, value_name = "YEAR")]
    pub period: i32,
    /// Which report.
    #[arg(long, value_enum)]
    pub kind: ReportKind,
    /// The report's language: English, Chinese, or both side by side.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: ReportLang,
    /// Decimal places shown (half to even); every total is computed unrounded.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=9))]
    pub decimals: u32,
    /// The folder holding the report fonts (default: $SCOPEBOOK_FONTS, then fonts/ beside the
    /// executable, then the source tree's fonts/).
    #[arg(long, value_name = "DIR")]
    pub fonts: Option<PathBuf>,
    /// --kind position: a price scenario, [NAME=]AMOUNT[CURRENCY], as `scopebook position --price`;
    /// may be repeated. One naming a currency values the schemes in that currency; one naming
    /// none, every scheme.
    #[arg(long = "price", value_name = "P", allow_hyphen_values = true)]
    pub prices: Vec<String>,
    /// --kind position: the China positions with the scheme's emissions beside the inventory of
    /// the period's records, as `scopebook position --db --reconcile` (decision 0032).
    #[arg(long)]
    pub reconcile: bool,
    /// With --reconcile, --kind cn-ets-sheet or --kind eu-aer: a factor file or user dataset
    /// folder the records use, as `calc --factors`; may be repeated.
    #[arg(long = "factors", value_name = "FILE|DIR")]
    pub factors: Vec<PathBuf>,
    /// With --reconcile: a registered facility whose scheme figure takes the factor's defaults;
    /// may be repeated.
    #[arg(long = "default-parameters", value_name = "FACILITY", requires = "reconcile")]
    pub default_parameters: Vec<String>,
    /// With --reconcile: the records run to this date (YYYY-MM-DD); the rest of the year is
    /// forecast.
    #[arg(long, value_name = "DATE", requires = "reconcile")]
    pub as_of: Option<String>,
    /// A PDF report's PDF/A part: 2b, or 3b with the inventory JSON attached (--kind inventory).
    #[arg(long, value_enum, default_value = "2b")]
    pub pdfa: PdfA,
    /// The file to write; its extension names the format: .pdf, .xlsx or .csv.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}
