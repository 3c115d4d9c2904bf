//! Stage 3 of an import: rows of cells to records (`ActivityInput`s with their source rows),
//! one block at a time and in parallel: the resolved values, exact numbers (`number_text`),
//! dates (`date_text`), and the period's dates for rows without their own. A row that cannot
//! become a record gets its problems instead, located at the file's own column.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use rayon::prelude::*;

use super::lookup::{Lookup, Values};
use super::plan::Plan;
use super::{Problem, MAX_QUANTITY};
use crate::mapping::Field;
use crate::read::{date_text, number_text, Cell, Row};
use crate::values::{self, ValueKind};
use scopebook_core::diagnostic::{Code, Severity};
use scopebook_store::{ActivityInput, ImportRow, ReportingPeriod, Scope3Cells};

/// A block of rows converted: the records of the rows that could be read, and the problems of
/// the others.
pub(super) struct ConvertedBlock {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<Problem>,
    /// Rows refused here (they have problems and no record).
    pub refused: u64,
    /// Rows in the block.
    pub len: u64,
}

/// The cells of one row for the fields, with the period's dates for rows without their own.
pub(super) struct RowContext<'a> {
    columns: &'a BTreeMap<Field, usize>,
    headers: &'a [String],
    period_start: &'a str,
    period_end: &'a str,
    unit_hint: Option<&'a str>,
}

impl<'a> RowContext<'a> {
    pub(super) fn new(headers: &'a [String], plan: &'a Plan, period: &'a ReportingPeriod) -> Self {
        RowContext {
            columns: &plan.columns,
            headers,
            period_start: &period.start,
            period_end: &period.end,
            unit_hint: plan.unit_hint.as_deref(),
        }
    }

    /// Convert a block of rows, in parallel, with their activity and unit texts resolved
    /// ([`Values::learn`] has seen the block).
    pub(super) fn convert_block(&self, rows: &[Row], values: &Values<'_>) -> ConvertedBlock {
        let converted: Vec<Result<ImportRow, Vec<Problem>>> =
            rows.par_iter().map(|r| self.convert(r.line as u64, &r.cells, values)).collect();
        let mut block = ConvertedBlock {
            rows: Vec::with_capacity(rows.len()),
            problems: Vec::new(),
            refused: 0,
            len: rows.len() as u64,
        };
        for c in converted {
            match c {
                Ok(r) => block.rows.push(r),
                Err(ps) => {
                    block.refused += 1;
                    block.problems.extend(ps);
                }
            }
        }
        block
    }
}

impl RowContext<'_> {
    /// One row's record, or its problems.
    fn convert(&self, line: u64, cells: &[Cell], values: &Values<'_>) -> Result<ImportRow, Vec<Problem>> {
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
        let activity =
            activity_text.as_ref().and_then(|a| resolve(a, &values.activities, Field::Activity, &mut problems));
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
        let unit = unit_text.as_ref().and_then(|u| resolve(u, &values.units, Field::Unit, &mut problems));
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
        let sector = opt(Field::Sector);
        let ncv_gj_per_unit = opt(Field::NcvGjPerUnit);
        let carbon_t_per_gj = opt(Field::CarbonTPerGj);
        let oxidation = opt(Field::Oxidation);
        let parameter_source = opt(Field::ParameterSource);
        let scope3 = Scope3Cells {
            method: opt(Field::Method),
            dq_technology: opt(Field::DqTechnology),
            dq_time: opt(Field::DqTime),
            dq_geography: opt(Field::DqGeography),
            dq_completeness: opt(Field::DqCompleteness),
            dq_reliability: opt(Field::DqReliability),
            currency_year: opt(Field::CurrencyYear),
            exchange_rate: opt(Field::ExchangeRate),
            price_index: opt(Field::PriceIndex),
            attribution: opt(Field::Attribution),
            pcaf_score: opt(Field::PcafScore),
        };
        match (facility, activity, quantity, unit, start, end) {
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
                        sector,
                        ncv_gj_per_unit,
                        carbon_t_per_gj,
                        oxidation,
                        parameter_source,
                        scope3,
                    },
                })
            }
            _ => Err(problems),
        }
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
pub(super) fn cell_text(c: &Cell) -> std::borrow::Cow<'_, str> {
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
