//! `records_sha256` while writing: each imported record's line
//! `"{id}\t{source_row}\t{sha256 of the record's canonical JSON}\n"` (see the module above).
//!
//! The canonical JSON is `audit::row_json` of the record as stored. An import writes a record
//! from [`RecordValues`] and a few values of its own (id, period, user, time, status), all bound
//! as SQLite integers, text or NULL into a STRICT table, so the stored row holds exactly those
//! values: [`RecordJson`] writes the same JSON from them, on the thread pool while the
//! connection writes the next records, instead of reading a million records back. Should the
//! table ever have a column an import does not set, the records are read back instead
//! ([`read_back`]). `verify` recomputes the digest from the table either way, and the tests
//! compare both ways of computing it.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql};
use sha2::{Digest, Sha256};

use super::{decimal, record_line, ImportRow};
use crate::activities::{RecordValues, RECORD_COLUMNS};
use crate::audit;
use crate::checks::CheckedRow;
use crate::error::{refuse, Fail};
use scopebook_core::diagnostic::Code;

/// Where a column's value comes from.
enum Source {
    Id,
    Period,
    /// `RECORD_COLUMNS[i]`.
    Record(usize),
    User,
    At,
    Current,
    Null,
}

/// The canonical JSON of a record an import wrote, from the values it was written with.
pub(super) struct RecordJson {
    /// (`"name":` as JSON, where its value comes from, whether it is left out when NULL as
    /// `audit::row_json` leaves it out), in byte order of the names.
    cols: Vec<(String, Source, bool)>,
}

/// The values every record of an import shares.
pub(super) struct Shared<'a> {
    pub period_id: i64,
    pub user: &'a str,
    pub at: &'a str,
}

impl RecordJson {
    /// For the activity table as it is; `None` when it has a column an import does not set.
    pub(super) fn for_table(c: &Connection) -> Result<Option<RecordJson>, Fail> {
        let stmt = c.prepare("SELECT * FROM activity LIMIT 0")?;
        let mut names: Vec<&str> = stmt.column_names().collect();
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        let mut cols = Vec::with_capacity(names.len());
        for name in names {
            let source = match name {
                "id" => Source::Id,
                "period_id" => Source::Period,
                "entered_by" => Source::User,
                "created_at" => Source::At,
                "status" => Source::Current,
                "supersedes" | "restatement_reason" => Source::Null,
                other => match RECORD_COLUMNS.iter().position(|c| *c == other) {
                    Some(i) => Source::Record(i),
                    None => return Ok(None),
                },
            };
            let mut key = String::with_capacity(name.len() + 3);
            push_json_str(&mut key, name);
            key.push(':');
            cols.push((key, source, audit::OMITTED_WHEN_NULL.contains(&("activity", name))));
        }
        Ok(Some(RecordJson { cols }))
    }

    fn write(&self, out: &mut String, id: i64, shared: &Shared<'_>, values: &RecordValues<'_>) {
        let params = values.params();
        out.clear();
        out.push('{');
        let mut first = true;
        for (key, source, omit_null) in &self.cols {
            let value = match source {
                Source::Record(i) => Some(params.get(*i).map(|p| p.to_sql())),
                _ => None,
            };
            if *omit_null && matches!(&value, Some(Some(Ok(v))) if matches!(value_ref(v), ValueRef::Null)) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(key);
            match source {
                Source::Id => push_int(out, id),
                Source::Period => push_int(out, shared.period_id),
                Source::User => push_json_str(out, shared.user),
                Source::At => push_json_str(out, shared.at),
                Source::Current => push_json_str(out, "current"),
                Source::Null => out.push_str("null"),
                Source::Record(_) => match value.flatten() {
                    Some(Ok(v)) => push_value(out, &v),
                    // Neither happens for the values of `RecordValues`; the digest then differs
                    // from the table and `verify` says so.
                    _ => out.push_str("\"unreadable\""),
                },
            }
        }
        out.push('}');
    }

    /// The lines of `records` (id, position in the block) of a block, in order.
    pub(super) fn lines(
        &self,
        shared: &Shared<'_>,
        records: &[(i64, usize)],
        rows: &[ImportRow],
        checked: &[Option<CheckedRow>],
    ) -> Vec<u8> {
        let mut lines = Vec::with_capacity(records.len() * 96);
        let mut json = String::with_capacity(512);
        for &(id, i) in records {
            let (Some(row), Some(Some(c))) = (rows.get(i), checked.get(i)) else { continue };
            self.write(&mut json, id, shared, &RecordValues::new(&row.input, c));
            record_line(&mut lines, id, source_row(row), &Sha256::digest(json.as_bytes()).into());
        }
        lines
    }
}

/// The source row as stored in `activity_source`.
pub(super) fn source_row(row: &ImportRow) -> i64 {
    i64::try_from(row.source_row).unwrap_or(i64::MAX)
}

/// The lines of `records` (id, source row), read back from the table.
pub(super) fn read_back(c: &Connection, records: &[(i64, i64)]) -> Result<Vec<u8>, Fail> {
    let (Some(first), Some(last)) = (records.first(), records.last()) else { return Ok(Vec::new()) };
    let mut stmt = c.prepare_cached("SELECT * FROM activity WHERE id BETWEEN ?1 AND ?2 ORDER BY id")?;
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let json = audit::RowJson::new("activity", &names);
    let id_col = names.iter().position(|n| n == "id").unwrap_or(0);
    let mut lines = Vec::with_capacity(records.len() * 96);
    let mut rows = stmt.query([first.0, last.0])?;
    let mut expected = records.iter();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(id_col)?;
        let Some(&(want, source_row)) = expected.next().filter(|(want, _)| *want == id) else {
            return Err(refuse(
                Code::DatabaseError,
                format!("activity {id} appeared among the records being imported"),
            ));
        };
        record_line(&mut lines, want, source_row, &Sha256::digest(json.write(r)?.as_bytes()).into());
    }
    Ok(lines)
}

fn push_int(out: &mut String, v: i64) {
    out.push_str(decimal(v, &mut [0; 20]));
}

/// As `audit::row_json` writes a value.
fn value_ref<'a>(v: &'a ToSqlOutput<'_>) -> ValueRef<'a> {
    match v {
        ToSqlOutput::Borrowed(v) => *v,
        ToSqlOutput::Owned(v) => ValueRef::from(v),
        _ => ValueRef::Null,
    }
}

fn push_value(out: &mut String, v: &ToSqlOutput<'_>) {
    match value_ref(v) {
        ValueRef::Null => out.push_str("null"),
        ValueRef::Integer(i) => push_int(out, i),
        ValueRef::Text(t) => push_json_str(out, &String::from_utf8_lossy(t)),
        ValueRef::Real(r) => push_json_str(out, &format!("real:{r}")),
        ValueRef::Blob(b) => push_json_str(out, &format!("blob:{}", scopebook_core::dataset::sha256_hex(b))),
    }
}

/// A JSON string as serde_json writes it (as `audit` does).
fn push_json_str(out: &mut String, s: &str) {
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    match serde_json::to_string(s) {
        Ok(q) => out.push_str(&q),
        Err(_) => out.push_str("\"\""),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::testing::{electricity, lib, store, TempDir};
    use crate::{EvidenceFile, ImportFile, ImportMode, Store};

    /// Rows with every column an import sets, and texts JSON must escape; more than one chunk.
    /// No line break inside a cell: `scopebook_core::pipeline::check_rows` takes its rows for
    /// lines one to one, so a cell with one shifts the rows after it onto other rows.
    fn rows() -> Vec<ImportRow> {
        (0..5000u64)
            .map(|i| {
                let mut input = electricity(&format!("{}.{}", i + 1, i % 7));
                if i % 2 == 0 {
                    input.facility = "BJ".into();
                    input.supplier = Some(format!("Grid \"North\"\\{i}\t电网"));
                    input.evidence = Some(format!("INV-{i}"));
                    input.evidence_file = Some(EvidenceFile { name: " bill.pdf ".into(), sha256: "ab".repeat(32) });
                    input.meter_id = Some(format!(" M-{i} "));
                    input.data_quality = Some("measured".into());
                    input.note = Some("\u{1f}note\u{2028}".into());
                }
                ImportRow { source_row: i * 2 + 3, input }
            })
            .collect()
    }

    fn import(s: &mut Store) -> crate::ImportWritten {
        let file = ImportFile { file_name: "f.csv".into(), rows_read: 5000, ..ImportFile::default() };
        let out = s.import(lib(), 2023, &file, &rows(), ImportMode::AllOrNothing, None, &[], &|_| true).unwrap();
        assert!(out.problems.is_empty(), "{:?}", out.problems.first_key_value());
        out.written.expect("written")
    }

    /// `records_sha256` as `verify` works it out: every record read back with its source row.
    fn read_back_digest(s: &Store) -> String {
        let c = &s.conn;
        let mut stmt = c.prepare("SELECT activity_id, source_row FROM activity_source ORDER BY activity_id").unwrap();
        let records: Vec<(i64, i64)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(records.len(), 5000);
        scopebook_core::dataset::sha256_hex(&read_back(c, &records).unwrap())
    }

    #[test]
    fn the_digest_built_while_writing_is_the_one_read_back() {
        let dir = TempDir::new("import-digest");
        let mut s = store(&dir);
        assert!(RecordJson::for_table(&s.conn).unwrap().is_some());
        let written = import(&mut s);
        assert_eq!(written.records_sha256, read_back_digest(&s));
        s.verify().unwrap();
    }

    #[test]
    fn a_column_an_import_does_not_set_makes_it_read_the_records_back() {
        let dir = TempDir::new("import-digest-column");
        let mut s = store(&dir);
        s.conn.execute_batch("ALTER TABLE activity ADD COLUMN later TEXT DEFAULT 'x'").unwrap();
        assert!(RecordJson::for_table(&s.conn).unwrap().is_none());
        let written = import(&mut s);
        assert_eq!(written.records_sha256, read_back_digest(&s));
        s.verify().unwrap();
    }

    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for v in [0, 7, -1, 10, 99, 1234567890, i64::MIN, i64::MAX] {
            assert_eq!(decimal(v, &mut [0; 20]), v.to_string());
        }
    }
}
