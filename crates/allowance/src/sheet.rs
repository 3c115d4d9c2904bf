//! Reading the position's CSV files (UNITS.csv, LEDGER.csv): the header checked once, then each
//! row's cells read with their location (file, line, column) for every finding.

use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::number::parse_decimal;

/// The header of a file: which known column sits where.
pub struct Header {
    pub file: String,
    names: Vec<String>,
}

impl Header {
    fn index(&self, column: &str) -> Option<usize> {
        self.names.iter().position(|n| n == column)
    }
}

/// Read a CSV file's header and rows. Missing required columns and duplicate columns are
/// errors; columns the file's format does not name are `unknown-column` warnings. Rows that are
/// not CSV are `malformed-row` errors and are left out.
pub fn read(
    file: &str,
    bytes: &[u8],
    required: &[&str],
    optional: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<(Header, Vec<(u64, csv::StringRecord)>)> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut records = rdr.records();
    let header = match records.next() {
        None => {
            diags.push(Diagnostic::error(
                Code::EmptyFile,
                Location::file(file),
                "the file is empty; it needs a header row",
            ));
            return None;
        }
        Some(Err(e)) => {
            diags.push(Diagnostic::error(
                Code::MalformedRow,
                Location::row(file, 1),
                format!("the header row is not CSV: {e}"),
            ));
            return None;
        }
        Some(Ok(h)) => h,
    };
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let before = diags.len();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            diags.push(Diagnostic::error(
                Code::DuplicateColumn,
                Location::cell(file, 1, n),
                format!("the column '{n}' appears twice"),
            ));
        } else if !required.contains(&n.as_str()) && !optional.contains(&n.as_str()) {
            diags.push(Diagnostic::warning(
                Code::UnknownColumn,
                Location::cell(file, 1, n),
                format!(
                    "the column '{n}' is not one this file has ({}), and is ignored",
                    [required, optional].concat().join(", ")
                ),
            ));
        }
    }
    for r in required {
        if !names.iter().any(|n| n == r) {
            diags.push(Diagnostic::error(
                Code::MissingColumn,
                Location::row(file, 1),
                format!("the header has no '{r}' column; the file needs {}", required.join(", ")),
            ));
        }
    }
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    let width = names.len();
    let mut rows = Vec::new();
    for rec in records {
        match rec {
            Ok(r) if r.len() == width => rows.push((r.position().map_or(0, csv::Position::line), r)),
            Ok(r) => {
                let line = r.position().map_or(0, csv::Position::line);
                if r.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                diags.push(Diagnostic::error(
                    Code::MalformedRow,
                    Location::row(file, line),
                    format!("the row has {} fields for a {width}-column header", r.len()),
                ));
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                diags.push(Diagnostic::error(
                    Code::MalformedRow,
                    Location::row(file, line),
                    format!("the row is not CSV: {e}"),
                ));
            }
        }
    }
    Some((Header { file: file.to_string(), names }, rows))
}

/// One row's cells, each read with its location; findings go to `diags`.
pub struct Row<'a> {
    pub header: &'a Header,
    pub line: u64,
    pub record: &'a csv::StringRecord,
}

impl Row<'_> {
    pub fn at(&self, column: &str) -> Location {
        Location::cell(&self.header.file, self.line, column)
    }

    /// The trimmed cell, `None` when the column is absent or the cell empty.
    pub fn text(&self, column: &str) -> Option<&str> {
        let i = self.header.index(column)?;
        self.record.get(i).map(str::trim).filter(|t| !t.is_empty())
    }

    /// A cell that must not be empty.
    pub fn required(&self, column: &str, diags: &mut Vec<Diagnostic>) -> Option<&str> {
        let t = self.text(column);
        if t.is_none() {
            diags.push(Diagnostic::error(Code::MissingValue, self.at(column), format!("'{column}' is empty")));
        }
        t
    }

    /// A decimal cell, if given.
    pub fn decimal(&self, column: &str, diags: &mut Vec<Diagnostic>) -> Result<Option<Decimal>, ()> {
        let Some(t) = self.text(column) else { return Ok(None) };
        parse_decimal(t).map(Some).map_err(|why| {
            diags.push(Diagnostic::error(
                Code::MalformedNumber,
                self.at(column),
                format!("'{column}' is not a plain decimal number, found '{t}': {why}"),
            ));
        })
    }

    /// A decimal cell that must be given and not below zero.
    pub fn quantity(&self, column: &str, diags: &mut Vec<Diagnostic>) -> Option<Decimal> {
        match self.decimal(column, diags) {
            Ok(Some(d)) if d < Decimal::ZERO => {
                diags.push(Diagnostic::error(
                    Code::NegativeQuantity,
                    self.at(column),
                    format!("'{column}' is below zero, found {d}; the direction of a quantity comes from its kind"),
                ));
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                diags.push(Diagnostic::error(Code::MissingValue, self.at(column), format!("'{column}' is empty")));
                None
            }
            Err(()) => None,
        }
    }

    /// A ratio cell: a fraction between 0 and 1, if given.
    pub fn ratio(&self, column: &str, diags: &mut Vec<Diagnostic>) -> Result<Option<Decimal>, ()> {
        let d = self.decimal(column, diags)?;
        match d {
            Some(v) if v < Decimal::ZERO || v > Decimal::ONE => {
                let hint = if v >= Decimal::TWO && v <= Decimal::ONE_HUNDRED {
                    format!("; write {}, not {v}", v / Decimal::ONE_HUNDRED)
                } else {
                    String::new()
                };
                diags.push(Diagnostic::error(
                    Code::OutOfRange,
                    self.at(column),
                    format!("'{column}' is a fraction between 0 and 1 (0.78 for 78 %), found {v}{hint}"),
                ));
                Err(())
            }
            _ => Ok(d),
        }
    }
}
