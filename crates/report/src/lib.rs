//! Scopebook's reports (issue 13, decision 0025).
//!
//! - [`source::InventorySource`]: what a report of a period reads from the inventory file — the
//!   organisation, its facilities, the period, the calculation (`Store::calculate`, so every
//!   figure is the one `scopebook calc --db` gives), the base year, the audit chain's state.
//! - [`document`]: the GHG inventory report as a document of sections with stable ids (mapped
//!   to the GHG Protocol Corporate Standard, chapter 9, and ISO 14064-1:2018, 9.3.1, in
//!   [`standards`]), every figure already rounded and formatted here (one rounding policy: the
//!   template only lays out strings).
//! - [`pdf`]: Typst as a library: the embedded template (`templates/inventory.typ`) and the
//!   document as JSON, fonts loaded at run time ([`fonts`]), PDF/A-2b, dated by the period's
//!   lock time, so a rerun gives the same bytes.
//! - [`workbook`]: the .xlsx export (summary, lines with lineage, factors used, audit log).
//! - [`csv_export`]: the report's figures as CSV, safe against formula injection.
//!
//! - [`position`]: the allowance position report for finance (decision 0034): every scheme of the
//!   period as `scopebook position --db` gives it, as PDF (the same template and rounding), a
//!   workbook or CSV.
//!
//! - [`cn_sheet`]: the China ETS data sheet (.xlsx), per covered facility and month, prefilled
//!   from the units and the calculation of the records (decision 0034).
//!
//! - [`eu_aer`]: the EU annual emissions report data sheet (.xlsx), per installation, the MRR
//!   source-stream table prefilled from the calculation of the records and the registry
//!   (decision 0040). [`ets_sheet`] holds what the two data sheets share.
//!
//! - [`findings`]: the auditor's findings workbook (.xlsx; decision 0042), sheets the package
//!   crate fills.
//!
//! [`Kind::available`] says which kinds this build renders (all of them now).

pub mod cn_sheet;
pub mod csv_export;
pub mod document;
pub mod ets_sheet;
pub mod eu_aer;
pub mod findings;
pub mod fonts;
pub mod pdf;
pub mod position;
pub mod sample;
pub mod source;
pub mod standards;
mod text;
pub mod workbook;

pub use document::Document;
pub use fonts::Fonts;
pub use source::InventorySource;
pub use text::Lang;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The inventory file refused or failed.
    #[error("{0}")]
    Store(#[from] scopebook_store::StoreError),
    /// The fonts could not be found or read.
    #[error("{0}")]
    Fonts(String),
    /// The template failed to compile (a defect of this build) or the PDF could not be written.
    #[error("the report template failed: {0}")]
    Template(String),
    /// The workbook could not be written.
    #[error("the workbook could not be written: {0}")]
    Workbook(String),
    /// The data refused the report (a period without units under any scheme, a price no scheme
    /// takes, a position with errors): every finding, located.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Refused(Vec<scopebook_core::diagnostic::Diagnostic>),
    /// A kind this build does not render yet.
    #[error("{0}")]
    NotAvailable(String),
}

/// The kinds of report (`scopebook report --kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The GHG inventory report (PDF, .xlsx, CSV).
    Inventory,
    /// The allowance position report for finance (needs the allowance crate).
    Position,
    /// China ETS data sheets (MEE power-sector supplementary data sheet layout).
    CnEtsSheet,
    /// EU annual emissions report data sheet per installation.
    EuAer,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Inventory => "inventory",
            Kind::Position => "position",
            Kind::CnEtsSheet => "cn-ets-sheet",
            Kind::EuAer => "eu-aer",
        }
    }

    /// `Ok` when this build renders the kind; else why not.
    pub fn available(self) -> Result<(), ReportError> {
        match self {
            Kind::Inventory | Kind::Position | Kind::CnEtsSheet | Kind::EuAer => Ok(()),
        }
    }
}

/// The output format, from the output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Xlsx,
    Csv,
}

impl Format {
    /// The format an output path's extension names (case-insensitive); `None` for any other.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "pdf" => Some(Format::Pdf),
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// The inventory report of `source` in `format`, as bytes. `fonts` is needed for PDF only.
pub fn inventory(
    source: &InventorySource,
    format: Format,
    lang: Lang,
    rounding: scopebook_core::report::Rounding,
    fonts: Option<&Fonts>,
) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Pdf => {
            let fonts = fonts.ok_or_else(|| ReportError::Fonts("a PDF report needs its fonts".into()))?;
            document::inventory_pdf(source, lang, rounding, fonts)
        }
        Format::Xlsx => workbook::inventory_xlsx(source, lang),
        Format::Csv => Ok(csv_export::inventory_csv(source, lang, rounding).into_bytes()),
    }
}
