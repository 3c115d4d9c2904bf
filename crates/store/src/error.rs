//! What a store operation reports when it refuses or fails: a [`StoreError`] of diagnostics with
//! stable codes. Inside the crate a failure is a [`Fail`], turned into a `StoreError` (located in
//! the database's file) at the API. A refused operation has changed nothing.

use std::fmt;

use scopebook_core::diagnostic::{Code, Diagnostic, Location};

use crate::model::ReportingPeriod;

/// A refused or failed store operation: one or more diagnostics (every problem of every
/// rejected activity row, or a single reason). The database is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    pub diagnostics: Vec<Diagnostic>,
}

impl StoreError {
    /// The code of the first diagnostic.
    pub fn code(&self) -> Option<Code> {
        self.diagnostics.first().map(|d| d.code)
    }

    pub(crate) fn one(code: Code, file: &str, message: impl Into<String>) -> StoreError {
        StoreError { diagnostics: vec![Diagnostic::error(code, Location::file(file), message)] }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StoreError {}

/// An internal failure, turned into a [`StoreError`] (with the database's name) at the API.
#[derive(Debug)]
pub(crate) enum Fail {
    Sql(rusqlite::Error),
    Refused { code: Code, column: Option<&'static str>, message: String },
    Rows(Vec<Diagnostic>),
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Fail {
        // A stored value that a row reader refused (see [`stored`]) is a located refusal.
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(u) = inner.downcast_ref::<UnknownStored>() {
                return Fail::Refused { code: Code::DatabaseError, column: Some(u.column), message: u.message.clone() };
            }
        }
        Fail::Sql(e)
    }
}

pub(crate) fn refuse(code: Code, message: impl Into<String>) -> Fail {
    Fail::Refused { code, column: None, message: message.into() }
}

pub(crate) fn refuse_at(code: Code, column: &'static str, message: impl Into<String>) -> Fail {
    Fail::Refused { code, column: Some(column), message: message.into() }
}

/// The refusal of a change to a locked period.
pub(crate) fn locked(p: &ReportingPeriod, what: &str) -> Fail {
    refuse(Code::PeriodLocked, format!("period {} is locked: {what}", p.year))
}

impl Fail {
    pub(crate) fn into_error(self, file: &str) -> StoreError {
        match self {
            Fail::Refused { code, column, message } => {
                let mut location = Location::file(file);
                location.column = column.map(str::to_string);
                StoreError { diagnostics: vec![Diagnostic::error(code, location, message)] }
            }
            Fail::Rows(diagnostics) => StoreError { diagnostics },
            Fail::Sql(e) => sql_error(file, &e),
        }
    }
}

/// A SQLite failure as a diagnostic.
fn sql_error(file: &str, e: &rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode as E;
    let (code, message) = match e.sqlite_error_code() {
        Some(E::NotADatabase) => (
            Code::NotAScopebookDatabase,
            "the file is not a Scopebook database: it is not an SQLite database at all".to_string(),
        ),
        Some(E::DatabaseCorrupt) => (
            Code::DatabaseError,
            format!("the database file is damaged ({e}); restore it from a backup (`scopebook restore`)"),
        ),
        Some(E::DatabaseBusy | E::DatabaseLocked) => (
            Code::DatabaseError,
            "the database is busy: another program is writing to it; try again when it has finished".to_string(),
        ),
        Some(E::ReadOnly | E::PermissionDenied | E::CannotOpen) => (
            Code::DatabaseError,
            format!("the database cannot be written or opened ({e}); check the file's permissions"),
        ),
        Some(E::DiskFull) => (Code::DatabaseError, "the disk is full; nothing was changed".to_string()),
        _ => (Code::DatabaseError, format!("the database reported an error: {e}")),
    };
    StoreError::one(code, file, message)
}

/// A stored value this build does not know: the file was changed by another program, or is
/// damaged (a newer Scopebook that added a value would also have raised the schema version, and
/// such a file is refused when it is opened). Never replaced by a default.
#[derive(Debug)]
pub(crate) struct UnknownStored {
    pub column: &'static str,
    pub message: String,
}

impl fmt::Display for UnknownStored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnknownStored {}

impl UnknownStored {
    /// `what` (e.g. "the organisation's consolidation approach") is stored as `value` in `column`,
    /// which is none of `known`.
    pub(crate) fn new(what: &str, column: &'static str, value: &str, known: &[&str]) -> UnknownStored {
        UnknownStored {
            column,
            message: format!(
                "the database holds '{value}' as {what} (column {column}), which this Scopebook does not know (it knows {}): the file was changed by another program or is damaged; restore it from a backup (`scopebook restore`)",
                known.join(", ")
            ),
        }
    }
}

impl From<UnknownStored> for Fail {
    fn from(u: UnknownStored) -> Fail {
        Fail::Refused { code: Code::DatabaseError, column: Some(u.column), message: u.message }
    }
}

/// A stored text read back as a typed value by `parse`, inside a row reader (column `idx`):
/// an unknown value is an error carrying an [`UnknownStored`], which becomes a located
/// `database-error` refusal through `From<rusqlite::Error> for Fail`.
pub(crate) fn stored<T>(
    idx: usize,
    text: &str,
    parse: impl FnOnce(&str) -> Option<T>,
    unknown: impl FnOnce(&str) -> UnknownStored,
) -> rusqlite::Result<T> {
    parse(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(unknown(text)))
    })
}
