//! One import, from a table read from a file to records in the store: choose the column
//! mapping (a named template, a template saved for the same headers, or a guess, then the
//! user's corrections), turn each row's cells into a record (value mapping, exact numbers,
//! dates), let the store check and write them in one transaction, and report the preview:
//! every problem with its row, column, value and reason, duplicates, unknown values with
//! suggestions, and the emissions the import adds.
//!
//! Used the same way by `scopebook import` and the app's import wizard.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use super::mapping::{self, ColumnMapping, Field, MappingProblem};
use super::read::{date_text, number_text, Cell, Table};
use super::values::{self, Resolved, ValueKind, ValueMap};
use scopebook_core::diagnostic::{Code, Diagnostic, Location, Severity};
use scopebook_core::library::FactorLibrary;
use scopebook_core::report::tonnes;
use scopebook_store::{
    ActivityInput, Duplicate, ImportFile, ImportMode, ImportRow, NewTemplate, Store, StoreError, ValueChoice,
};

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

/// The mapping an import will use, and where it came from.
pub fn choose_mapping(
    store: &Store,
    table: &Table,
    opts: &ImportOptions,
) -> Result<(ColumnMapping, MappingSource), ImportError> {
    let templates = store.templates()?;
    let (mut mapping, source) = if let Some(name) = &opts.template {
        let Some(t) = templates.iter().find(|t| &t.name == name) else {
            return Err(ImportError::NoTemplate {
                file: table.file.clone(),
                name: name.clone(),
                known: templates.iter().map(|t| t.name.clone()).collect(),
            });
        };
        (saved_mapping(table, t)?, MappingSource::Template { name: name.clone() })
    } else {
        let signature = mapping::header_signature(&table.headers);
        match templates.iter().find(|t| t.signature == signature) {
            Some(t) => (saved_mapping(table, t)?, MappingSource::SameHeaders { name: t.name.clone() }),
            None => (mapping::guess(&table.headers).mapping, MappingSource::Guess),
        }
    };
    for (field, header) in &opts.columns {
        if header.trim().is_empty() {
            mapping.columns.remove(field);
        } else {
            mapping.columns.insert(*field, header.clone());
        }
    }
    Ok((mapping, source))
}

/// A saved template's mapping (stored as the JSON of field → header).
fn saved_mapping(table: &Table, t: &scopebook_store::SavedTemplate) -> Result<ColumnMapping, ImportError> {
    serde_json::from_str::<BTreeMap<Field, String>>(&t.mapping).map(|columns| ColumnMapping { columns }).map_err(|e| {
        ImportError::Store(StoreError {
            diagnostics: vec![Diagnostic::error(
                Code::DatabaseError,
                Location::file(&table.file),
                format!("the saved import template '{}' cannot be read ({e}); save it again", t.name),
            )],
        })
    })
}

/// A row turned into a record, or its problems; and the values it looked up.
struct Converted {
    row: Result<ImportRow, Vec<Problem>>,
}

#[derive(Clone)]
enum Lookup {
    Exact,
    Mapped(String, values::MappedBy),
    Unknown(Vec<String>),
}

/// The cells of one row for the fields, with the period's dates for rows without their own.
struct RowContext<'a> {
    /// Each distinct activity and unit text of the file, resolved once.
    activities: &'a HashMap<String, Lookup>,
    units: &'a HashMap<String, Lookup>,
    columns: &'a BTreeMap<Field, usize>,
    headers: &'a [String],
    period_start: &'a str,
    period_end: &'a str,
    unit_hint: Option<&'a str>,
}

impl RowContext<'_> {
    fn convert(&self, line: u64, cells: &[Cell]) -> Converted {
        let mut problems = Vec::new();
        let cell = |f: Field| self.columns.get(&f).and_then(|i| cells.get(*i));
        let header = |f: Field| self.columns.get(&f).and_then(|i| self.headers.get(*i)).cloned();
        let problem = |f: Field, value: Option<String>, code: Code, message: String| Problem {
            row: line,
            column: header(f),
            field: Some(f),
            value,
            code,
            severity: Severity::Error,
            message,
        };
        // Text of an optional or required text field.
        let text = |f: Field, problems: &mut Vec<Problem>| -> Option<String> {
            match cell(f) {
                None | Some(Cell::Empty) => {
                    if f.required() {
                        problems.push(problem(
                            f,
                            None,
                            Code::MissingValue,
                            format!("the {} is empty; it is required", f.as_str()),
                        ));
                    }
                    None
                }
                Some(Cell::Error(e)) => {
                    problems.push(problem(
                        f,
                        Some(e.clone()),
                        Code::ErrorCell,
                        format!("the cell holds the spreadsheet error {e}, not a value"),
                    ));
                    None
                }
                Some(c) => {
                    let t = cell_text(c);
                    (!t.is_empty()).then(|| t.into_owned())
                }
            }
        };
        let facility = text(Field::Facility, &mut problems);
        let activity_text = text(Field::Activity, &mut problems);
        // A file's value as the library's, or an `unknown-value` problem.
        let resolve =
            |text: &String, table: &HashMap<String, Lookup>, f: Field, problems: &mut Vec<Problem>| match table
                .get(text)
            {
                Some(Lookup::Exact) => Some(text.clone()),
                Some(Lookup::Mapped(to, _)) => Some(to.clone()),
                found => {
                    let suggestions = match found {
                        Some(Lookup::Unknown(s)) => s.as_slice(),
                        _ => &[],
                    };
                    let kind = if f == Field::Unit { ValueKind::Unit } else { ValueKind::Activity };
                    let message = unknown_message(kind, text, suggestions);
                    problems.push(problem(f, Some(text.clone()), Code::UnknownValue, message));
                    None
                }
            };
        let activity = activity_text.as_ref().and_then(|a| resolve(a, self.activities, Field::Activity, &mut problems));
        let quantity = match cell(Field::Quantity) {
            None | Some(Cell::Empty) => {
                problems.push(problem(
                    Field::Quantity,
                    None,
                    Code::MissingValue,
                    "the quantity is empty; it is required".into(),
                ));
                None
            }
            Some(Cell::Error(e)) => {
                problems.push(problem(
                    Field::Quantity,
                    Some(e.clone()),
                    Code::ErrorCell,
                    format!("the cell holds the spreadsheet error {e}, not a quantity"),
                ));
                None
            }
            Some(c) => match number_text(c) {
                Ok(q) => match scopebook_core::number::parse_decimal(&q) {
                    Ok(d) if d > MAX_QUANTITY => {
                        problems.push(problem(
                            Field::Quantity,
                            Some(c.display_text()),
                            Code::OutOfRange,
                            format!("{q} is implausibly large for one record (over 10^12); check the unit and the decimal separator"),
                        ));
                        None
                    }
                    _ => Some(q),
                },
                Err(reason) => {
                    problems.push(problem(
                        Field::Quantity,
                        Some(c.display_text()),
                        Code::MalformedNumber,
                        format!("'{}' is not a quantity: {reason}", c.display_text()),
                    ));
                    None
                }
            },
        };
        let unit_text = match (cell(Field::Unit), self.unit_hint) {
            (None, Some(hint)) => Some(hint.to_string()),
            _ => text(Field::Unit, &mut problems),
        };
        let unit = unit_text.as_ref().and_then(|u| resolve(u, self.units, Field::Unit, &mut problems));
        let (period_start, period_end) = self.period_dates(cell(Field::Period), &mut problems, &problem);
        let date = |f: Field, fallback: Option<String>, problems: &mut Vec<Problem>| -> Option<String> {
            match cell(f) {
                None | Some(Cell::Empty) => fallback,
                Some(c) => match date_text(c) {
                    Ok(d) => Some(d.get(..10).unwrap_or(&d).to_string()),
                    Err(reason) => {
                        problems.push(problem(
                            f,
                            Some(c.display_text()),
                            Code::MalformedDate,
                            format!("'{}' is not a date: {reason}", c.display_text()),
                        ));
                        None
                    }
                },
            }
        };
        let start = date(Field::Start, period_start, &mut problems);
        let end = date(Field::End, period_end, &mut problems);
        let mut opt = |f: Field| text(f, &mut problems);
        let factor = opt(Field::Factor);
        let region = opt(Field::Region);
        let scope3_category = opt(Field::Scope3Category);
        let supplier = opt(Field::Supplier);
        let evidence = opt(Field::Evidence);
        let meter_id = opt(Field::MeterId);
        let data_quality = opt(Field::DataQuality).map(|q| q.to_lowercase());
        let note = opt(Field::Note);
        let row = match (facility, activity, quantity, unit, start, end) {
            (Some(facility), Some(activity), Some(quantity), Some(unit), Some(start), Some(end))
                if problems.is_empty() =>
            {
                Ok(ImportRow {
                    source_row: line,
                    input: ActivityInput {
                        facility,
                        activity,
                        quantity,
                        unit,
                        start,
                        end,
                        factor,
                        region,
                        scope3_category,
                        supplier,
                        evidence,
                        evidence_file: None,
                        meter_id,
                        data_quality,
                        note,
                    },
                })
            }
            _ => Err(problems),
        };
        Converted { row }
    }

    /// The dates a row's `period` cell gives (`2023`, `2023-03`, `2023年3月`, `2023-Q1`), or the
    /// reporting period's own.
    fn period_dates(
        &self,
        cell: Option<&Cell>,
        problems: &mut Vec<Problem>,
        problem: &dyn Fn(Field, Option<String>, Code, String) -> Problem,
    ) -> (Option<String>, Option<String>) {
        let whole = (Some(self.period_start.to_string()), Some(self.period_end.to_string()));
        let Some(c) = cell.filter(|c| !c.is_empty()) else { return whole };
        let text = c.display_text();
        match period_range(&text) {
            Some((s, e)) => (Some(s), Some(e)),
            None => {
                problems.push(problem(
                    Field::Period,
                    Some(text.clone()),
                    Code::MalformedDate,
                    format!("'{text}' is not a period: write a year (2023), a month (2023-03, 2023年3月) or a quarter (2023-Q1)"),
                ));
                (None, None)
            }
        }
    }
}

/// A cell's text, trimmed, borrowed when it can be.
fn cell_text(c: &Cell) -> std::borrow::Cow<'_, str> {
    match c {
        Cell::Text(s) | Cell::Number(s) | Cell::Date(s) | Cell::Error(s) => std::borrow::Cow::Borrowed(s.trim()),
        Cell::Empty => std::borrow::Cow::Borrowed(""),
        Cell::Bool(_) => std::borrow::Cow::Owned(c.display_text()),
    }
}

fn unknown_message(kind: ValueKind, value: &str, suggestions: &[String]) -> String {
    let mut m = format!(
        "'{value}' is not {} Scopebook knows",
        if kind == ValueKind::Unit { "a unit" } else { "an activity type" }
    );
    if suggestions.is_empty() {
        m.push_str("; map it with `--value ");
    } else {
        let _ = write!(m, " (did you mean {}?); map it with `--value ", suggestions.join(", "));
    }
    let _ = write!(m, "{}:{value}=…` (remembered for later imports)", kind.as_str());
    m
}

/// A period cell's first and last day.
pub fn period_range(text: &str) -> Option<(String, String)> {
    let t: String = mapping_normalise(text);
    let t = t.trim();
    let days = |y: i32, m: u32| -> Option<u32> {
        let next = if m == 12 {
            chrono::NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            chrono::NaiveDate::from_ymd_opt(y, m + 1, 1)
        };
        next?.pred_opt().map(|d| chrono::Datelike::day(&d))
    };
    let month = |y: i32, m: u32| -> Option<(String, String)> {
        if !(1..=12).contains(&m) {
            return None;
        }
        Some((format!("{y:04}-{m:02}-01"), format!("{y:04}-{m:02}-{:02}", days(y, m)?)))
    };
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let year =
        |s: &str| -> Option<i32> { num(s).filter(|y| (1900..=2200).contains(y)).and_then(|y| i32::try_from(y).ok()) };
    if let Some(y) = year(t) {
        return Some((format!("{y:04}-01-01"), format!("{y:04}-12-31")));
    }
    // 2023年3月, 2023年03月
    if let Some((y, rest)) = t.split_once('年') {
        let m = rest.trim_end_matches('月').trim();
        if let (Some(y), Some(m)) = (year(y.trim()), num(m)) {
            return month(y, m);
        }
        return None;
    }
    let parts: Vec<&str> = t.split(['-', '/', '.']).map(str::trim).collect();
    match parts.as_slice() {
        [y, q] if q.len() == 2 && (q.starts_with('q') || q.starts_with('Q')) => {
            let (y, q) = (year(y)?, num(&q[1..])?);
            if !(1..=4).contains(&q) {
                return None;
            }
            let (first, last) = (q * 3 - 2, q * 3);
            Some((month(y, first)?.0, month(y, last)?.1))
        }
        [y, m] => month(year(y)?, num(m)?),
        _ => None,
    }
}

fn mapping_normalise(text: &str) -> String {
    values::normalise(text)
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

/// Run an import of `table` into `store` (a dry run unless `opts.mode` says otherwise).
pub fn run(
    store: &mut Store,
    lib: &FactorLibrary,
    table: &Table,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<Preview, ImportError> {
    let period = store.period(opts.year)?;
    let (mapping, mapping_source) = choose_mapping(store, table, opts)?;
    let guess = mapping::guess(&table.headers);
    let columns = mapping.resolve(&table.headers).map_err(|problems| ImportError::Mapping {
        file: table.file.clone(),
        problems: problems
            .into_iter()
            // A unit in the quantity's header ("用量(吨)") stands for a unit column.
            .filter(|p| {
                !(matches!(p, MappingProblem::MissingField { field: Field::Unit })
                    && unit_hint(&mapping, &guess).is_some())
            })
            .collect(),
        headers: table.headers.clone(),
    });
    let columns = match columns {
        Ok(c) => c,
        // Only the unit column was missing, and the quantity's header names the unit.
        Err(ImportError::Mapping { problems, .. }) if problems.is_empty() => {
            resolve_except_unit(&mapping, &table.headers)
        }
        Err(e) => return Err(e),
    };
    let mut user_values = ValueMap::new();
    for c in store.value_choices()? {
        // The store keeps only these two kinds (a CHECK constraint).
        if let Some(kind) = ValueKind::parse(&c.kind) {
            user_values.insert(kind, &c.source, &c.target);
        }
    }
    for (kind, source, target) in &opts.values {
        user_values.insert(*kind, source, target);
    }
    let total = table.rows.len() as u64;
    progress.report(Stage::Converting, 0, total);
    let unit_hint = if columns.contains_key(&Field::Unit) { None } else { unit_hint(&mapping, &guess) };
    // A file names few activities and units, many times over: resolve each distinct text once.
    // Each distinct text with the number of rows that have it and the first of them.
    let distinct = |f: Field| -> BTreeMap<String, (u64, u64)> {
        let Some(&c) = columns.get(&f) else { return BTreeMap::new() };
        let mut seen: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for r in &table.rows {
            let Some(cell) = r.cells.get(c) else { continue };
            if matches!(cell, Cell::Error(_)) {
                continue;
            }
            let t = cell_text(cell);
            if t.is_empty() {
                continue;
            }
            match seen.get_mut(t.as_ref()) {
                Some(n) => n.0 += 1,
                None => {
                    seen.insert(t.into_owned(), (1, r.line as u64));
                }
            }
        }
        seen
    };
    let lookup = |r: Resolved<'_>| match r {
        Resolved::Exact => Lookup::Exact,
        Resolved::Mapped { to, by } => Lookup::Mapped(to.to_string(), by),
        Resolved::Unknown { suggestions } => Lookup::Unknown(suggestions),
    };
    let activity_texts = distinct(Field::Activity);
    let activities: HashMap<String, Lookup> =
        activity_texts.keys().map(|a| (a.clone(), lookup(values::resolve_activity(lib, &user_values, a)))).collect();
    let mut unit_texts = distinct(Field::Unit);
    if let (Some(hint), Some(first)) = (unit_hint, table.rows.first()) {
        unit_texts.insert(hint.to_string(), (total, first.line as u64));
    }
    // A unit Scopebook reads as written is stored in its canonical spelling ("kwh" → "kWh").
    let units: HashMap<String, Lookup> = unit_texts
        .keys()
        .map(|u| {
            let l = match lookup(values::resolve_unit(&user_values, u)) {
                Lookup::Exact => match scopebook_core::unit::Unit::parse(u) {
                    Ok(unit) if unit.to_string() != *u => Lookup::Mapped(unit.to_string(), values::MappedBy::BuiltIn),
                    _ => Lookup::Exact,
                },
                other => other,
            };
            (u.clone(), l)
        })
        .collect();
    let ctx = RowContext {
        activities: &activities,
        units: &units,
        columns: &columns,
        headers: &table.headers,
        period_start: &period.start,
        period_end: &period.end,
        unit_hint,
    };
    let converted: Vec<Converted> = table.rows.par_iter().map(|r| ctx.convert(r.line as u64, &r.cells)).collect();
    progress.report(Stage::Converting, total, total);
    if progress.cancelled() {
        return Ok(preview_base(table, opts, mapping, mapping_source, Outcome::Cancelled));
    }

    // Values summarised: each mapped or unknown text once, with its rows.
    let mut unknown_values: Vec<UnknownValue> = Vec::new();
    let mut mapped_values: Vec<MappedValue> = Vec::new();
    for (kind, texts, lookups) in
        [(ValueKind::Activity, &activity_texts, &activities), (ValueKind::Unit, &unit_texts, &units)]
    {
        for (value, (rows, first_row)) in texts {
            match lookups.get(value) {
                Some(Lookup::Mapped(to, by)) => {
                    mapped_values.push(MappedValue { kind, value: value.clone(), to: to.clone(), by: *by, rows: *rows })
                }
                Some(Lookup::Unknown(suggestions)) => unknown_values.push(UnknownValue {
                    kind,
                    value: value.clone(),
                    rows: *rows,
                    first_row: *first_row,
                    suggestions: suggestions.clone(),
                }),
                _ => {}
            }
        }
    }
    let mut problems: Vec<Problem> = Vec::new();
    let mut rows = Vec::with_capacity(converted.len());
    let mut refused_early = 0u64;
    for c in converted {
        match c.row {
            Ok(r) => rows.push(r),
            Err(ps) => {
                refused_early += 1;
                problems.extend(ps);
            }
        }
    }

    // The store checks the rest exactly as `scopebook calc` does, and writes.
    let store_mode = match opts.mode {
        Mode::DryRun => ImportMode::DryRun,
        Mode::AllOrNothing if refused_early > 0 => ImportMode::DryRun,
        Mode::AllOrNothing => ImportMode::AllOrNothing,
        Mode::ValidRowsOnly => ImportMode::ValidRowsOnly,
    };
    let mapping_json = serde_json::to_string(&mapping.columns).unwrap_or_default();
    let template_name = match &mapping_source {
        MappingSource::Template { name } | MappingSource::SameHeaders { name } => Some(name.clone()),
        MappingSource::Guess => None,
    };
    let file = ImportFile {
        file_name: table.file.clone(),
        sha256: table.sha256.clone(),
        format: table.format.as_str().to_string(),
        sheet: table.sheet.clone(),
        header_row: table.header_row as u64,
        template: template_name,
        mapping: mapping_json.clone(),
        rows_read: total,
        rows_refused_earlier: refused_early,
    };
    let template = opts.save_template.as_ref().map(|name| NewTemplate {
        name: name.clone(),
        signature: mapping::header_signature(&table.headers),
        headers: table.headers.clone(),
        mapping: mapping_json,
    });
    let choices: Vec<ValueChoice> = opts
        .values
        .iter()
        .map(|(kind, source, target)| ValueChoice {
            kind: kind.as_str().to_string(),
            source: values::normalise(source),
            target: target.trim().to_string(),
        })
        .collect();
    progress.report(Stage::Checking, 0, rows.len() as u64);
    let checked = store.import(lib, opts.year, &file, &rows, store_mode, template.as_ref(), &choices, &|n| {
        progress.report(Stage::Writing, n, rows.len() as u64);
        !progress.cancelled()
    })?;

    // Store findings, located at the file's own columns.
    let field_of = |column: &str| -> Option<Field> {
        Some(match column {
            "facility" => Field::Facility,
            "activity" => Field::Activity,
            "quantity" => Field::Quantity,
            "unit" => Field::Unit,
            "period_start" => Field::Start,
            "period_end" => Field::End,
            "factor" => Field::Factor,
            "region" => Field::Region,
            "scope3_category" => Field::Scope3Category,
            "supplier" => Field::Supplier,
            "evidence" | "evidence_file" => Field::Evidence,
            "data_quality" => Field::DataQuality,
            "note" => Field::Note,
            _ => return None,
        })
    };
    for (i, ds) in &checked.problems {
        let Some(r) = rows.get(*i) else { continue };
        for d in ds {
            let field = d.location.column.as_deref().and_then(field_of);
            // Dates from the period cell (or the period) belong to the period column.
            let field = match field {
                Some(Field::Start | Field::End) if !columns.contains_key(&field.unwrap_or(Field::Start)) => {
                    columns.contains_key(&Field::Period).then_some(Field::Period)
                }
                f => f,
            };
            let column = field.and_then(|f| columns.get(&f)).and_then(|c| table.headers.get(*c)).cloned();
            let value = field.and_then(|f| field_value(&r.input, f));
            problems.push(Problem {
                row: r.source_row,
                column,
                field,
                value,
                code: d.code,
                severity: d.severity,
                message: d.message.clone(),
            });
        }
    }
    problems.sort_by(|a, b| a.row.cmp(&b.row).then_with(|| a.column.cmp(&b.column)));
    let rows_with_problems = {
        let mut rs: Vec<u64> = problems.iter().filter(|p| p.severity == Severity::Error).map(|p| p.row).collect();
        rs.dedup();
        rs.len() as u64
    };
    let totals = &checked.inventory.totals.all;
    let t = |kg: Decimal| tonnes(kg).to_string();
    let outcome = if checked.cancelled {
        Outcome::Cancelled
    } else if checked.written.is_some() {
        Outcome::Imported
    } else if opts.mode == Mode::DryRun {
        Outcome::Checked
    } else {
        Outcome::Refused
    };
    let written = checked.written.as_ref();
    let base = preview_base(table, opts, mapping, mapping_source, outcome);
    Ok(Preview {
        rows_valid: checked.valid,
        rows_with_problems,
        problems,
        duplicates: checked
            .duplicates
            .iter()
            .filter_map(|(i, d)| {
                let row = rows.get(*i)?.source_row;
                Some(match d {
                    Duplicate::Record(id) => DuplicateRow { row, of_record: Some(*id), of_row: None },
                    Duplicate::Row(r) => DuplicateRow { row, of_record: None, of_row: Some(*r) },
                })
            })
            .collect(),
        unknown_values,
        mapped_values,
        emissions: Emissions {
            scope1: t(totals.scope1),
            scope2_location: t(totals.scope2_location),
            scope2_market: t(totals.scope2_market),
            scope3: t(totals.scope3),
            biogenic_co2: t(totals.biogenic_co2),
        },
        warnings: checked.warnings.iter().map(|d| d.message.clone()).collect(),
        earlier_imports: checked
            .earlier_imports
            .iter()
            .map(|e| EarlierImport {
                id: e.id,
                imported_at: e.imported_at.clone(),
                imported_by: e.imported_by.clone(),
                records: e.rows_imported,
            })
            .collect(),
        import_id: written.map(|w| w.import_id),
        records_imported: written.map_or(0, |w| w.records),
        first_record: written.and_then(|w| w.first_record),
        last_record: written.and_then(|w| w.last_record),
        ..base
    })
}

/// The columns of a mapping that lacks only its unit column (`resolve` refuses it).
fn resolve_except_unit(mapping: &ColumnMapping, headers: &[String]) -> BTreeMap<Field, usize> {
    let keys: Vec<String> = headers.iter().map(|h| values::normalise(h)).collect();
    mapping
        .columns
        .iter()
        .filter(|(f, _)| **f != Field::Unit)
        .filter_map(|(f, h)| {
            let k = values::normalise(h);
            keys.iter().position(|x| *x == k).map(|i| (*f, i))
        })
        .collect()
}

fn unit_hint<'a>(mapping: &ColumnMapping, guess: &'a mapping::Guess) -> Option<&'a str> {
    // Only when the quantity column the mapping uses is the one the hint came from.
    let q = mapping.columns.get(&Field::Quantity)?;
    let g = guess.mapping.columns.get(&Field::Quantity)?;
    (q == g).then(|| guess.unit_hints.get(&Field::Quantity).map(String::as_str)).flatten()
}

fn field_value(input: &ActivityInput, f: Field) -> Option<String> {
    match f {
        Field::Facility => Some(input.facility.clone()),
        Field::Activity => Some(input.activity.clone()),
        Field::Quantity => Some(input.quantity.clone()),
        Field::Unit => Some(input.unit.clone()),
        Field::Start => Some(input.start.clone()),
        Field::End => Some(input.end.clone()),
        Field::Period => Some(format!("{}..{}", input.start, input.end)),
        Field::Factor => input.factor.clone(),
        Field::Region => input.region.clone(),
        Field::Scope3Category => input.scope3_category.clone(),
        Field::Supplier => input.supplier.clone(),
        Field::Evidence => input.evidence.clone(),
        Field::MeterId => input.meter_id.clone(),
        Field::DataQuality => input.data_quality.clone(),
        Field::Note => input.note.clone(),
    }
}

/// A preview of what the file and the mapping say, with no rows checked yet: what a cancelled
/// import reports, and the part of every preview that does not depend on the rows.
fn preview_base(
    table: &Table,
    opts: &ImportOptions,
    mapping: ColumnMapping,
    source: MappingSource,
    outcome: Outcome,
) -> Preview {
    Preview {
        file: table.file.clone(),
        sha256: table.sha256.clone(),
        format: table.format.as_str().to_string(),
        sheet: table.sheet.clone(),
        sheets: table.sheets.clone(),
        encoding: table.encoding.clone(),
        delimiter: table.delimiter.map(|d| char::from(d).to_string()),
        header_row: table.header_row as u64,
        headers: table.headers.clone(),
        period: opts.year,
        mode: opts.mode,
        unmapped_columns: table
            .headers
            .iter()
            .filter(|h| !mapping.columns.values().any(|m| m == *h))
            .cloned()
            .collect(),
        mapping: mapping.columns,
        mapping_source: source,
        rows_read: table.rows.len() as u64,
        rows_valid: 0,
        rows_with_problems: 0,
        problems: Vec::new(),
        duplicates: Vec::new(),
        unknown_values: Vec::new(),
        mapped_values: Vec::new(),
        emissions: Emissions::default(),
        warnings: Vec::new(),
        earlier_imports: Vec::new(),
        outcome,
        import_id: None,
        records_imported: 0,
        first_record: None,
        last_record: None,
    }
}

/// Where a valid-rows-only import writes the skipped rows unless told otherwise:
/// `FILE.skipped.csv` beside the file.
pub fn skipped_path(file: &std::path::Path) -> std::path::PathBuf {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "import".into());
    file.with_file_name(format!("{stem}.skipped.csv"))
}

/// The rows a valid-rows-only import skipped, as a UTF-8 CSV (with a BOM, so that Excel reads
/// Chinese text right): the file's own columns and cells, then a `reason` column. Ready to be
/// corrected and imported again.
pub fn skipped_rows_csv(table: &Table, preview: &Preview) -> Vec<u8> {
    let mut reasons: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for p in preview.problems.iter().filter(|p| p.severity == Severity::Error) {
        let at = p.column.as_ref().map(|c| format!("{c}: ")).unwrap_or_default();
        reasons.entry(p.row).or_default().push(format!("{at}{}", p.message));
    }
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let mut header: Vec<String> = table.headers.clone();
        header.push("reason".into());
        let _ = w.write_record(&header);
        for r in &table.rows {
            let Some(why) = reasons.get(&(r.line as u64)) else { continue };
            let mut rec: Vec<String> = r.cells.iter().map(Cell::display_text).collect();
            rec.push(why.join("; "));
            let _ = w.write_record(&rec);
        }
        let _ = w.flush();
    }
    out
}
