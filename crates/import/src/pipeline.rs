//! One import, from a table read from a file to records in the store, in named stages:
//!
//! 1. `plan::plan` — choose the column mapping (a named template, a template saved for the
//!    same headers, or a guess, then the user's corrections) and find its columns;
//! 2. `lookup::Values::learn` — resolve each distinct activity and unit text once, when a
//!    block first has it;
//! 3. `convert::RowContext::convert_block` — turn rows of cells into records (value mapping,
//!    exact numbers, dates), a block at a time, in parallel;
//! 4. and 5. `stream::check_and_write` — the store checks each block exactly as `scopebook
//!    calc` does, finds duplicates and writes it, all in one transaction;
//! 6. `preview::preview` — every problem with its row, column, value and reason, duplicates,
//!    unknown values with suggestions, the emissions the import adds, and the outcome.
//!
//! Stages 2 to 5 stream: only a few blocks of rows exist as cells or records at any time,
//! whatever the size of the file. A CSV is read a block at a time too ([`run_file`], with
//! [`crate::read::open`]); a table already read ([`run`]) is taken a block at a time. Used the
//! same way by `scopebook import` and the app's import wizard.

mod convert;
mod lookup;
mod plan;
mod preview;
mod stream;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::mapping::{Field, MappingProblem};
use super::read::{FileRows, ReadError, RowBlocks, Table, TableRows};
use super::values::{self, ValueKind};
use scopebook_core::diagnostic::{Code, Diagnostic, Location, Severity};
use scopebook_core::library::FactorLibrary;
use scopebook_store::{Store, StoreError};

pub use convert::period_range;
pub use plan::choose_mapping;
pub use preview::{skipped_path, skipped_rows_csv, skipped_rows_csv_from};
pub use stream::BLOCK_ROWS;

/// A quantity above this in any unit is refused as implausible for one record (decision 0015).
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0); // 10^12

/// What the user chose for an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    pub year: i32,
    /// A saved template to use by name.
    pub template: Option<String>,
    /// Corrections to the mapping: field → the file's header (an empty header unmaps it).
    pub columns: BTreeMap<Field, String>,
    /// Value choices confirmed for this import (remembered when it is written).
    pub values: Vec<(ValueKind, String, String)>,
    /// Save the mapping used as a template of this name (when the import is written).
    pub save_template: Option<String>,
    pub mode: Mode,
}

/// How the import treats rows with problems.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Check and report; write nothing.
    #[default]
    DryRun,
    /// Write every row, or nothing if any row has a problem.
    AllOrNothing,
    /// Write the rows without problems and report the others as skipped.
    ValidRowsOnly,
}

/// Where the mapping came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MappingSource {
    /// The template the user named.
    Template { name: String },
    /// A saved template for files with the same headers.
    SameHeaders { name: String },
    /// Guessed from the header names.
    Guess,
}

/// One problem of one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The row as the user sees it in the file.
    pub row: u64,
    /// The file's header of the column, when the problem is in one cell.
    pub column: Option<String>,
    pub field: Option<Field>,
    /// The cell's text.
    pub value: Option<String>,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
}

/// A file value that no rule maps yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnknownValue {
    pub kind: ValueKind,
    pub value: String,
    pub rows: u64,
    pub first_row: u64,
    pub suggestions: Vec<String>,
}

/// A file value mapped to a library one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MappedValue {
    pub kind: ValueKind,
    pub value: String,
    pub to: String,
    pub by: values::MappedBy,
    pub rows: u64,
}

/// The emissions of the rows that are (or would be) imported, in tonnes CO2e, exact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Emissions {
    pub scope1: String,
    pub scope2_location: String,
    pub scope2_market: String,
    pub scope3: String,
    pub biogenic_co2: String,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A dry run: nothing was written.
    Checked,
    /// The records were written.
    Imported,
    /// All-or-nothing with problems: nothing was written.
    Refused,
    /// The user cancelled: nothing was written.
    Cancelled,
}

/// The preview of an import, and its outcome. Serialised as `scopebook import`'s JSON.
#[derive(Clone, Debug, Serialize)]
pub struct Preview {
    pub file: String,
    pub sha256: String,
    pub format: String,
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub header_row: u64,
    pub headers: Vec<String>,
    pub period: i32,
    pub mode: Mode,
    pub mapping: BTreeMap<Field, String>,
    pub mapping_source: MappingSource,
    /// Headers no field uses.
    pub unmapped_columns: Vec<String>,
    pub rows_read: u64,
    pub rows_valid: u64,
    pub rows_with_problems: u64,
    pub problems: Vec<Problem>,
    /// Rows that repeat an existing record (`record`) or an earlier row of the file (`row`).
    pub duplicates: Vec<DuplicateRow>,
    pub unknown_values: Vec<UnknownValue>,
    pub mapped_values: Vec<MappedValue>,
    pub emissions: Emissions,
    /// Calculation warnings (unverified factors and the like).
    pub warnings: Vec<String>,
    /// Earlier imports of the same file (same SHA-256).
    pub earlier_imports: Vec<EarlierImport>,
    pub outcome: Outcome,
    pub import_id: Option<i64>,
    pub records_imported: u64,
    pub first_record: Option<i64>,
    pub last_record: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DuplicateRow {
    pub row: u64,
    pub of_record: Option<i64>,
    pub of_row: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EarlierImport {
    pub id: i64,
    pub imported_at: String,
    pub imported_by: String,
    pub records: i64,
}

/// Why an import could not even be checked row by row.
#[derive(Debug)]
pub enum ImportError {
    /// The mapping does not fit the file's header.
    Mapping {
        file: String,
        problems: Vec<MappingProblem>,
        headers: Vec<String>,
    },
    /// A template named that does not exist.
    NoTemplate {
        file: String,
        name: String,
        known: Vec<String>,
    },
    Store(StoreError),
    /// The file was refused part-way through (a row too long for its header): nothing was
    /// written.
    Read(ReadError),
}

impl ImportError {
    /// As located diagnostics (for the CLI and the app).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            ImportError::Mapping { file, problems, headers } => problems
                .iter()
                .map(|p| {
                    let code = match p {
                        MappingProblem::MissingField { .. } => Code::UnmappedField,
                        MappingProblem::HeaderNotInFile { .. } => Code::MissingColumn,
                        MappingProblem::AmbiguousHeader { .. } | MappingProblem::SharedColumn { .. } => {
                            Code::DuplicateColumn
                        }
                    };
                    let mut location = Location::file(file);
                    location.row = Some(1);
                    let hint = match p {
                        MappingProblem::MissingField { field } => format!(
                            "; the file's columns are: {}; map one with `--column {}=HEADER`",
                            headers.join(", "),
                            field.as_str()
                        ),
                        _ => String::new(),
                    };
                    Diagnostic::error(code, location, format!("{p}{hint}"))
                })
                .collect(),
            ImportError::NoTemplate { file, name, known } => {
                let list = if known.is_empty() { "none is saved yet".to_string() } else { known.join(", ") };
                vec![Diagnostic::error(
                    Code::UnknownRecord,
                    Location::file(file),
                    format!("there is no import template '{name}' (saved templates: {list})"),
                )]
            }
            ImportError::Store(e) => e.diagnostics.clone(),
            ImportError::Read(e) => vec![e.diagnostic()],
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.diagnostics().iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

impl From<ReadError> for ImportError {
    fn from(e: ReadError) -> Self {
        ImportError::Read(e)
    }
}

/// What the caller hears while an import runs, and how it stops one.
pub trait Progress: Sync {
    /// `done` of `total` rows through `stage`.
    fn report(&self, stage: Stage, done: u64, total: u64);
    fn cancelled(&self) -> bool;
}

/// The stages of an import, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Converting,
    Checking,
    Writing,
}

/// No progress reports, never cancelled.
pub struct Quiet;

impl Progress for Quiet {
    fn report(&self, _: Stage, _: u64, _: u64) {}
    fn cancelled(&self) -> bool {
        false
    }
}

/// Run an import of `table` into `store` (a dry run unless `opts.mode` says otherwise): the
/// stages above, in order.
pub fn run(
    store: &mut Store,
    lib: &FactorLibrary,
    table: &Table,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<Preview, ImportError> {
    run_blocks(store, lib, &mut TableRows::new(table), opts, progress, BLOCK_ROWS)
}

/// Run an import of a file opened with [`crate::read::open`]: a CSV is read a block at a time
/// while the blocks before are checked and written, so that its rows are never all in memory.
/// The preview is the one [`run`] gives for the same file read whole.
pub fn run_file(
    store: &mut Store,
    lib: &FactorLibrary,
    file: &mut FileRows,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<Preview, ImportError> {
    run_blocks(store, lib, file, opts, progress, BLOCK_ROWS)
}

/// [`run`] of rows given `block_rows` at a time ([`BLOCK_ROWS`] but in tests, which make
/// small files cross blocks).
pub fn run_blocks<'a>(
    store: &mut Store,
    lib: &FactorLibrary,
    rows: &mut dyn RowBlocks<'a>,
    opts: &ImportOptions,
    progress: &dyn Progress,
    block_rows: usize,
) -> Result<Preview, ImportError> {
    let period = store.period(opts.year)?;
    let head = rows.head().clone();
    let plan = plan::plan(store, &head, opts)?;
    progress.report(Stage::Converting, 0, rows.estimated_rows());
    let mut values = lookup::Values::new(store, lib, &plan, opts)?;
    if progress.cancelled() {
        return Ok(preview::base(&head, rows.estimated_rows(), opts, plan.mapping, plan.source, Outcome::Cancelled));
    }
    let ctx = convert::RowContext::new(&head.headers, &plan, &period);
    let blocks = stream::Blocks { rows, values: &mut values, ctx: &ctx, size: block_rows.max(1) };
    let streamed = stream::check_and_write(store, lib, &head, blocks, opts, &plan, progress)?;
    let listed = values.listed(streamed.rows_read);
    Ok(preview::preview(&head, opts, plan, listed, streamed))
}
