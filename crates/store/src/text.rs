//! The user's typed text as the store keeps it: trimmed; a required value refused when empty,
//! an optional one `None` when empty.

use scopebook_core::diagnostic::Code;

use crate::error::{refuse_at, Fail};

/// A required value, trimmed; refused (`missing-value`, located at `column`) when empty.
pub(crate) fn non_empty(value: &str, column: &'static str, what: &str) -> Result<String, Fail> {
    let v = value.trim();
    if v.is_empty() {
        return Err(refuse_at(Code::MissingValue, column, format!("{what} is empty; it is required")));
    }
    Ok(v.to_string())
}

/// An optional value, trimmed; `None` when absent or empty.
pub(crate) fn opt(s: &Option<String>) -> Option<String> {
    opt_str(s).map(str::to_string)
}

/// As [`opt`], borrowed.
pub(crate) fn opt_str(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// An optional cell's text, or "" (an empty cell).
pub(crate) fn cell_or_empty(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or("")
}
