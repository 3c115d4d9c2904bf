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
