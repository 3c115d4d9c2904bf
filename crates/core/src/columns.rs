//! Reading a CSV header into named columns, shared by the factor and activity readers.

use crate::diagnostic::{Code, Diagnostic, Location};

/// The position of each known column in a file's header.
pub struct Columns {
    names: Vec<&'static str>,
    index: Vec<Option<usize>>,
}

impl Columns {
    /// Match `header` against the known columns. Required columns that are missing, columns that
    /// appear twice (errors) and unknown columns (warnings) are reported.
    pub fn read(
        file: &str,
        header: &csv::StringRecord,
        required: &[&'static str],
        optional: &[&'static str],
    ) -> (Columns, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let names: Vec<&'static str> = required.iter().chain(optional).copied().collect();
        let mut index = vec![None; names.len()];
        for (pos, raw) in header.iter().enumerate() {
            let name = raw.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            match names.iter().position(|n| *n == name) {
                Some(k) if index[k].is_some() => diags.push(Diagnostic::error(
                    Code::DuplicateColumn,
                    Location::cell(file, 1, &name),
                    format!("column '{name}' appears more than once in the header"),
                )),
                Some(k) => index[k] = Some(pos),
                None if name.is_empty() => {}
                None => diags.push(Diagnostic::warning(
                    Code::UnknownColumn,
                    Location::cell(file, 1, &name),
                    format!("column '{name}' is not one Scopebook reads; it is ignored"),
                )),
            }
        }
        for (k, name) in required.iter().enumerate() {
            if index[k].is_none() {
                diags.push(Diagnostic::error(
                    Code::MissingColumn,
                    Location::row(file, 1),
                    format!("the header has no '{name}' column (required: {})", required.join(", ")),
                ));
            }
        }
        (Columns { names, index }, diags)
    }

    /// The trimmed cell of `column`, or "" when the column is absent or the cell empty.
    pub fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> &'r str {
        self.names
            .iter()
            .position(|n| *n == column)
            .and_then(|k| self.index[k])
            .and_then(|pos| record.get(pos))
            .map(str::trim)
            .unwrap_or("")
    }

    /// The position of `column` in the file, if present.
    pub fn position(&self, column: &str) -> Option<usize> {
        self.names.iter().position(|n| *n == column).and_then(|k| self.index[k])
    }
}

/// Read a CSV file with a header of known columns, calling `row(line, columns, record, diags)` for
/// each data row. An empty file, an unreadable header or a fatal header problem stops before any
/// row; a row with the wrong number of fields or bad UTF-8 is reported and skipped. Returns every
/// finding, in file order. Shared by the factor and instruments readers.
pub fn read_rows(
    file: &str,
    bytes: &[u8],
    required: &[&'static str],
    optional: &[&'static str],
    mut row: impl FnMut(u64, &Columns, &csv::StringRecord, &mut Vec<Diagnostic>),
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header = match rdr.headers() {
        Ok(h) if !(h.is_empty() || h.len() == 1 && h[0].trim().is_empty()) => h.clone(),
        Ok(_) => {
            diags.push(Diagnostic::error(
                Code::EmptyFile,
                Location::file(file),
                "the file is empty: expected a header row",
            ));
            return diags;
        }
        Err(e) => {
            diags.push(Diagnostic::error(Code::MalformedRow, Location::row(file, 1), crate::factor::csv_reason(&e)));
            return diags;
        }
    };
    let (cols, col_diags) = Columns::read(file, &header, required, optional);
    let fatal = col_diags.iter().any(Diagnostic::is_error);
    diags.extend(col_diags);
    if fatal {
        return diags;
    }
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => row(record.position().map_or(0, csv::Position::line), &cols, &record, &mut diags),
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                diags.push(Diagnostic::error(
                    Code::MalformedRow,
                    Location::row(file, line),
                    crate::factor::csv_reason(&e),
                ));
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    diags
}
