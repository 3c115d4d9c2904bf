//! The canonical JSON of a row (decision 0011): what the audit log records of a record, and
//! what `verify` compares with the tables. Columns added to audited tables after their rows
//! may have been logged are left out when they hold what the migration gave every earlier row
//! (decisions 0021 and 0038), so that a value logged before still replays.

use std::fmt::Write as _;

use rusqlite::types::ValueRef;

/// Columns left out of a row's audited value. A snapshot's report can be large: the audited
/// value carries its SHA-256 (`result_sha256`), and `verify` checks the report against it.
fn excluded(table: &str, column: &str) -> bool {
    table == "snapshot" && column == "result_json"
}

/// Columns added to an audited table after its records may have been logged (schema 3): a NULL
/// in them is left out of the row's audited value, so a record's value is the same before and
/// after the migration that added them, and the log and import digests written before still
/// verify (decision 0021). A value in them is written as any other column's.
pub const OMITTED_WHEN_NULL: &[(&str, &str)] = &[
    ("facility", "sector"),
    ("activity", "sector"),
    ("activity", "ncv_gj_per_unit"),
    ("activity", "carbon_t_per_gj"),
    ("activity", "oxidation"),
    ("activity", "parameter_source"),
    // Schema 9 (decision 0043): a record's Scope 3 columns.
    ("activity", "method"),
    ("activity", "dq_technology"),
    ("activity", "dq_time"),
    ("activity", "dq_geography"),
    ("activity", "dq_completeness"),
    ("activity", "dq_reliability"),
    ("activity", "currency_year"),
    ("activity", "exchange_rate"),
    ("activity", "price_index"),
    ("activity", "attribution"),
    // Schema 10: a record's PCAF score (decision 0050), an instrument's contract date and CCER
    // claim (decision 0049).
    ("activity", "pcaf_score"),
    ("scope3_status", "estimate_t"),
    ("instrument", "contract_date"),
    ("instrument", "ccer_claimed"),
    // Schema 11 (decision 0058): an instrument's energy and GJ.
    ("instrument", "energy"),
    ("instrument", "gj"),
];

/// Columns added by schema 7 (decision 0038) to tables whose rows may have been logged before:
/// NULL is left out as for [`OMITTED_WHEN_NULL`], and so is the status every earlier row got,
/// `current` — a row that has not been restated keeps exactly the value it was logged with; a
/// superseded row, and the row that restates it, carry the columns like any other.
pub const OMITTED_WHEN_CURRENT: &[(&str, &str)] = &[
    ("ets_unit", "status"),
    ("ets_unit", "supersedes"),
    ("ets_unit", "restatement_reason"),
    ("ets_ledger", "status"),
    ("ets_ledger", "supersedes"),
    ("ets_ledger", "restatement_reason"),
    ("ets_registry", "status"),
    ("ets_registry", "supersedes"),
    ("ets_registry", "restatement_reason"),
    // Schema 11 (decision 0058).
    ("instrument", "status"),
    ("instrument", "supersedes"),
    ("instrument", "restatement_reason"),
    ("scope3_status", "record_status"),
    ("scope3_status", "supersedes"),
    ("scope3_status", "restatement_reason"),
];

/// When a column's value is left out of a row's audited value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Omit {
    Never,
    /// When NULL.
    Null,
    /// When NULL or `current`.
    Current,
}

fn omitted(table: &str, column: &str) -> Omit {
    if OMITTED_WHEN_NULL.iter().any(|(t, c)| *t == table && *c == column) {
        Omit::Null
    } else if OMITTED_WHEN_CURRENT.iter().any(|(t, c)| *t == table && *c == column) {
        Omit::Current
    } else {
        Omit::Never
    }
}

/// Write `s` as a JSON string (RFC 8259 escaping, as serde_json does it).
pub(super) fn push_json_str(out: &mut String, s: &str) {
    // Most values need no escaping: write them as they are (what serde_json writes for them).
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    match serde_json::to_string(s) {
        Ok(q) => out.push_str(&q),
        // Serialising a &str cannot fail; keep the output well-formed regardless.
        Err(_) => out.push_str("\"\""),
    }
}

/// The canonical JSON of a row: an object of every column (minus the excluded ones, and minus
/// the columns of [`OMITTED_WHEN_NULL`] when they are NULL, and of [`OMITTED_WHEN_CURRENT`]
/// when they are NULL or `current`) with keys in byte order, no
/// whitespace; INTEGER as a JSON integer, TEXT as a JSON string, NULL as `null`. (The schema
/// has no REAL or BLOB columns; should one appear, it is written as a
/// tagged string so that it can never equal a stored value.)
pub fn row_json(table: &str, names: &[String], row: &rusqlite::Row<'_>) -> rusqlite::Result<String> {
    RowJson::new(table, names).write(row)
}

/// [`row_json`] for many rows of one query: the column order is worked out once.
pub struct RowJson {
    /// (column index, `"name":` already written as JSON, when it is left out), in byte order of
    /// the names.
    cols: Vec<(usize, String, Omit)>,
}

impl RowJson {
    pub fn new(table: &str, names: &[String]) -> RowJson {
        let mut cols: Vec<(usize, &str)> =
            names.iter().enumerate().filter(|(_, n)| !excluded(table, n)).map(|(i, n)| (i, n.as_str())).collect();
        cols.sort_by(|a, b| a.1.as_bytes().cmp(b.1.as_bytes()));
        let cols = cols
            .into_iter()
            .map(|(i, name)| {
                let mut key = String::with_capacity(name.len() + 3);
                push_json_str(&mut key, name);
                key.push(':');
                (i, key, omitted(table, name))
            })
            .collect();
        RowJson { cols }
    }

    pub fn write(&self, row: &rusqlite::Row<'_>) -> rusqlite::Result<String> {
        let mut out = String::with_capacity(384);
        out.push('{');
        let mut first = true;
        for (i, key, omit) in &self.cols {
            let value = row.get_ref(*i)?;
            let left_out = match (omit, value) {
                (Omit::Never, _) => false,
                (_, ValueRef::Null) => true,
                (Omit::Current, ValueRef::Text(t)) => t == b"current",
                _ => false,
            };
            if left_out {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(key);
            match value {
                ValueRef::Null => out.push_str("null"),
                ValueRef::Integer(v) => {
                    let _ = write!(out, "{v}");
                }
                ValueRef::Text(t) => push_json_str(&mut out, &String::from_utf8_lossy(t)),
                ValueRef::Real(v) => push_json_str(&mut out, &format!("real:{v}")),
                ValueRef::Blob(b) => {
                    push_json_str(&mut out, &format!("blob:{}", scopebook_core::dataset::sha256_hex(b)))
                }
            }
        }
        out.push('}');
        Ok(out)
    }
}
