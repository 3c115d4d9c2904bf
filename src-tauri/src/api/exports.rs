//! The wire types of the Periods screen's exports (issue 13, decision 0044): a period's report
//! (`scopebook report`) and its auditor's package (`scopebook export-package`), written by the
//! same library calls as the CLI's.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which report (`scopebook report --kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKindId {
    Inventory,
    Position,
    CnEtsSheet,
    EuAer,
}

/// A report's language (`--lang`): English, Chinese, or both side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ReportLanguage {
    En,
    Zh,
    Both,
}

/// A report's file format, named by the output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormatId {
    Pdf,
    Xlsx,
    Csv,
}

/// A report kind the period's data can give, with the formats it is written in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportKindChoice {
    pub kind: ReportKindId,
    pub formats: Vec<ReportFormatId>,
}

/// What the export panel of a period offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportChoices {
    pub year: i32,
    /// The inventory always; the position when the file registers a facility under an ETS; the
    /// China data sheet under the China ETS; the EU sheet under the EU ETS.
    pub kinds: Vec<ReportKindChoice>,
}

/// `scopebook report --db <open file> --period YEAR --kind KIND --lang LANG --out PATH`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportExportInput {
    pub year: i32,
    pub kind: ReportKindId,
    pub lang: ReportLanguage,
    /// The file to write; its extension (.pdf, .xlsx, .csv) names the format.
    pub path: String,
}

/// A report written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportExported {
    pub path: String,
    pub format: ReportFormatId,
    pub bytes: u64,
    /// Records the report leaves out because they could not be calculated (the CLI writes the
    /// report, says so and exits 1); 0 when the report is complete.
    pub left_out: u32,
}

/// `scopebook export-package --db <open file> --period YEAR --out PATH`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackageExportInput {
    pub year: i32,
    pub path: String,
}

/// An auditor's package written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackageExported {
    pub path: String,
    pub bytes: u64,
    pub root_hash: String,
    pub files: u32,
    pub records: u32,
    pub lines: u32,
    /// Lines whose factor file the package carries only as a reference and hash (licence).
    pub withheld_lines: u32,
    pub withheld_datasets: Vec<String>,
}
