//! The import wizard's wire types (issue 6): read options, the mapping, the preview with its
//! problems and unknown values, progress, lineage and the blank template.

use scopebook_import::{pipeline, values};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{DiagnosticCode, Language, Severity, Totals};

/// How to read an import file; empty strings and 0 mean "detect".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportReadOptions {
    /// The worksheet (workbooks only); "" for the first that is not empty.
    pub sheet: String,
    /// 1-based row (line, for CSV) of the header; 0 to detect.
    pub header_row: u32,
    /// One ASCII character, or "tab"; "" to detect.
    pub delimiter: String,
    /// e.g. "gbk", "utf-8"; "" to detect.
    pub encoding: String,
}

/// A Scopebook field a file column can fill, with its labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportField {
    /// The wire name (`facility`, `quantity`, …).
    pub field: String,
    pub label_en: String,
    pub label_zh: String,
    pub required: bool,
}

/// One field mapped to one of the file's headers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnChoice {
    pub field: String,
    /// The file's header; "" unmaps the field.
    pub header: String,
}

/// Where the column mapping came from: `guess`, `template` (named by the user) or
/// `same-headers` (a template saved for files with these headers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MappingSourceView {
    pub kind: MappingSourceKind,
    pub name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum MappingSourceKind {
    Guess,
    Template,
    SameHeaders,
}

/// What kind of value of the file a value mapping is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Activity,
    Unit,
}

impl From<values::ValueKind> for ValueKind {
    fn from(k: values::ValueKind) -> Self {
        match k {
            values::ValueKind::Activity => ValueKind::Activity,
            values::ValueKind::Unit => ValueKind::Unit,
        }
    }
}

impl From<ValueKind> for values::ValueKind {
    fn from(k: ValueKind) -> Self {
        match k {
            ValueKind::Activity => values::ValueKind::Activity,
            ValueKind::Unit => values::ValueKind::Unit,
        }
    }
}

/// Who mapped a value: Scopebook's own spelling rules and dictionaries, or the user earlier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MappedBy {
    BuiltIn,
    User,
}

impl From<values::MappedBy> for MappedBy {
    fn from(b: values::MappedBy) -> Self {
        match b {
            values::MappedBy::BuiltIn => MappedBy::BuiltIn,
            values::MappedBy::User => MappedBy::User,
        }
    }
}

/// One data row of the file as display text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SampleRow {
    /// The row (line) as the user sees it in the file.
    pub row: u32,
    pub cells: Vec<String>,
}

/// What `import_inspect` found in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportInspection {
    pub file: String,
    pub path: String,
    pub format: String,
    /// Every sheet of a workbook (empty for CSV), and the one read.
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub header_row: u32,
    pub headers: Vec<String>,
    pub rows_total: u32,
    /// The first rows, for the preview table.
    pub sample: Vec<SampleRow>,
    /// The mapping the import will start from (a template, or the guess).
    pub mapping: Vec<ColumnChoice>,
    pub mapping_source: MappingSourceView,
    pub fields: Vec<ImportField>,
    /// The saved templates' names.
    pub templates: Vec<String>,
}

/// A value of the file mapped by the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ValueChoiceInput {
    pub kind: ValueKind,
    pub value: String,
    pub target: String,
}

/// Everything the user chose for an import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportRequest {
    pub path: String,
    pub read: ImportReadOptions,
    pub year: i32,
    /// A saved template to use, or "".
    pub template: String,
    /// Corrections to the mapping.
    pub columns: Vec<ColumnChoice>,
    pub values: Vec<ValueChoiceInput>,
    /// Save the mapping as a template of this name when the import is written ("" for none).
    pub save_template: String,
    /// Where a valid-rows-only import writes the skipped rows ("" for FILE.skipped.csv).
    pub skipped_path: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportRunMode {
    /// Write every row, or nothing if any row has a problem.
    AllOrNothing,
    /// Write the valid rows; the others go to the skipped-rows file.
    ValidRowsOnly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A dry run: nothing was written.
    Checked,
    Imported,
    /// All or nothing with problems: nothing was written.
    Refused,
    Cancelled,
}

/// One problem of one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportProblem {
    pub row: u32,
    /// The file's header of the column, or "" for the whole row.
    pub column: String,
    pub field: String,
    /// The cell's text.
    pub value: String,
    pub code: DiagnosticCode,
    pub severity: Severity,
    pub message: String,
}

/// A row that repeats a stored record or an earlier row of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportDuplicate {
    pub row: u32,
    pub of_record: Option<u32>,
    pub of_row: Option<u32>,
}

/// A value of the file no rule maps yet, with suggestions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnknownValueView {
    pub kind: ValueKind,
    pub value: String,
    pub rows: u32,
    pub first_row: u32,
    pub suggestions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MappedValueView {
    pub kind: ValueKind,
    pub value: String,
    pub to: String,
    pub by: MappedBy,
    pub rows: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EarlierImportView {
    pub id: u32,
    pub imported_at: String,
    pub imported_by: String,
    pub records: u32,
}

/// The preview of an import (a dry run), or the outcome of the real run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportPreview {
    pub file: String,
    pub sha256: String,
    pub period: i32,
    pub mapping: Vec<ColumnChoice>,
    pub mapping_source: MappingSourceView,
    pub unmapped_columns: Vec<String>,
    pub rows_read: u32,
    pub rows_valid: u32,
    pub rows_with_problems: u32,
    /// The first [`PROBLEMS_SHOWN`] problems, in row order.
    pub problems: Vec<ImportProblem>,
    /// How many problems there are in all.
    pub problems_total: u32,
    pub duplicates: Vec<ImportDuplicate>,
    pub unknown_values: Vec<UnknownValueView>,
    pub mapped_values: Vec<MappedValueView>,
    /// The emissions the import adds (tonnes CO2e, exact decimal strings).
    pub emissions: Totals,
    pub warnings: Vec<String>,
    pub earlier_imports: Vec<EarlierImportView>,
    pub outcome: ImportOutcome,
    pub import_id: Option<u32>,
    pub records_imported: u32,
    pub first_record: Option<u32>,
    pub last_record: Option<u32>,
    /// Where a valid-rows-only import wrote the skipped rows.
    pub skipped_file: Option<String>,
}

/// How many problems an import preview carries at most (`problems_total` has the count).
pub const PROBLEMS_SHOWN: usize = 1000;

/// The stages of an import, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ImportStage {
    Converting,
    Checking,
    Writing,
}

impl From<pipeline::Stage> for ImportStage {
    fn from(s: pipeline::Stage) -> Self {
        match s {
            pipeline::Stage::Converting => ImportStage::Converting,
            pipeline::Stage::Checking => ImportStage::Checking,
            pipeline::Stage::Writing => ImportStage::Writing,
        }
    }
}

/// The payload of the `import-progress` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportProgress {
    pub stage: ImportStage,
    pub done: u32,
    pub total: u32,
}

/// Where an imported record came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecordLineage {
    pub import_id: u32,
    pub file_name: String,
    pub file_sha256: String,
    /// The row (line) of the file.
    pub source_row: u32,
    pub imported_at: String,
    pub imported_by: String,
}

/// A blank import workbook to write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplateExportInput {
    pub path: String,
    pub lang: Language,
    /// Limit the date columns to this year (0 for none).
    pub year: i32,
}
