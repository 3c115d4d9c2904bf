//! Imports into the store: many records from one file in one transaction, with their lineage
//! (file, SHA-256, row), one audit entry for the whole import, and the remembered column
//! templates and value choices (decision 0015).
//!
//! An import is audited by one `import` entry for its `import_batch` record, whose value holds
//! `records_sha256`: the SHA-256 of one line per created record, in id order,
//! `"{id}\t{source_row}\t{sha256 of the record's canonical JSON}\n"`. `verify` recomputes it
//! from the records (or, for a record changed later, from the value the next entry found), so a
//! record added, removed or changed behind the log's back, or a rewritten source row, is found
//! as surely as with one entry per record — at a fraction of the cost for a million rows.
//!
//! An import streams ([`Store::begin_import`], [`ImportSession::checker`] and [`ImportSession::add_checked`] per block of rows,
//! [`ImportSession::finish`]): memory is a block of rows plus one duplicate key per row
//! (`keys`). `records_sha256` is computed while writing, on the thread pool, from the values
//! each record was written with (`digest`), not read back after.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};

mod digest;
mod keys;
mod session;

use super::*;
use scopebook_core::calc::Inventory;

pub use session::{BlockChecker, CheckedBlock, ImportSession};

/// One row of a file to import: its row number in the file and the record it gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub source_row: u64,
    pub input: ActivityInput,
}

impl AsRef<ActivityInput> for ImportRow {
    fn as_ref(&self) -> &ActivityInput {
        &self.input
    }
}

/// What an import records about its file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportFile {
    pub file_name: String,
    pub sha256: String,
    /// `csv`, `xlsx`, `xls` or `ods`.
    pub format: String,
    pub sheet: Option<String>,
    pub header_row: u64,
    /// The name of the column template used, if any.
    pub template: Option<String>,
    /// The column mapping used (canonical JSON: field → header).
    pub mapping: String,
    /// Data rows the file holds.
    pub rows_read: u64,
    /// Rows refused before they reached the store (unreadable cells, unknown values, …).
    pub rows_refused_earlier: u64,
}

/// How an import treats rows with problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportMode {
    /// Check everything and write nothing.
    DryRun,
    /// Write every row, or nothing when any row has a problem.
    AllOrNothing,
    /// Write the rows without problems; the others are reported as skipped.
    ValidRowsOnly,
}

/// An import checked (and, unless refused or a dry run, written).
#[derive(Debug, Default)]
pub struct ImportChecked {
    /// The problems of each row that has any, by the row's position in the input.
    pub problems: BTreeMap<usize, Vec<Diagnostic>>,
    /// Positions in the input of rows that repeat an existing record or an earlier row: same
    /// facility, period, activity and evidence. Each also has a `duplicate-record` problem.
    pub duplicates: Vec<(usize, Duplicate)>,
    /// The inventory of the rows that are (or would be) written.
    pub inventory: Inventory,
    /// Warnings of the calculation (unverified factors and the like).
    pub warnings: Vec<Diagnostic>,
    /// The rows that are (or would be) written.
    pub valid: u64,
    /// Set when the records were written.
    pub written: Option<ImportWritten>,
    /// Earlier imports of a file with the same SHA-256.
    pub earlier_imports: Vec<ImportSummary>,
    /// Set when `keep_going` said stop while the records were written: nothing was.
    pub cancelled: bool,
}

/// What a duplicate repeats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Duplicate {
    Record(i64),
    /// An earlier row of the same file (its source row).
    Row(u64),
}

/// The outcome of a written import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportWritten {
    pub import_id: i64,
    pub first_record: Option<i64>,
    pub last_record: Option<i64>,
    pub records: u64,
    pub records_sha256: String,
}

/// A recorded import.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub id: i64,
    pub period: i32,
    pub file_name: String,
    pub file_sha256: String,
    pub format: String,
    pub sheet: Option<String>,
    pub template: Option<String>,
    pub rows_read: i64,
    pub rows_imported: i64,
    pub rows_skipped: i64,
    pub first_record: Option<i64>,
    pub last_record: Option<i64>,
    pub records_sha256: String,
    pub imported_by: String,
    pub imported_at: String,
}

/// Where an imported record came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Lineage {
    pub import: ImportSummary,
    pub source_row: i64,
}

/// A saved column template.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SavedTemplate {
    pub name: String,
    /// The header signature it is reused for.
    pub signature: String,
    /// The headers it was made from (JSON array).
    pub headers: String,
    /// Field → header (canonical JSON).
    pub mapping: String,
    pub created_at: String,
}

/// A template to save with an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTemplate {
    pub name: String,
    pub signature: String,
    pub headers: Vec<String>,
    pub mapping: String,
}

/// A remembered value choice: (kind, the file's text in its normalised form, library value).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ValueChoice {
    pub kind: String,
    pub source: String,
    pub target: String,
}

const IMPORT_SELECT: &str = "SELECT b.id, p.year, b.file_name, b.file_sha256, b.format, b.sheet, b.template, b.rows_read, b.rows_imported, b.rows_skipped, b.first_activity, b.last_activity, b.records_sha256, b.imported_by, b.imported_at FROM import_batch b JOIN period p ON p.id = b.period_id";

fn import_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ImportSummary> {
    Ok(ImportSummary {
        id: r.get(0)?,
        period: r.get(1)?,
        file_name: r.get(2)?,
        file_sha256: r.get(3)?,
        format: r.get(4)?,
        sheet: r.get(5)?,
        template: r.get(6)?,
        rows_read: r.get(7)?,
        rows_imported: r.get(8)?,
        rows_skipped: r.get(9)?,
        first_record: r.get(10)?,
        last_record: r.get(11)?,
        records_sha256: r.get(12)?,
        imported_by: r.get(13)?,
        imported_at: r.get(14)?,
    })
}

/// The line of one record in `records_sha256`.
pub(crate) fn record_line(out: &mut Vec<u8>, id: i64, source_row: i64, digest: &[u8; 32]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(decimal(id, &mut [0; 20]).as_bytes());
    out.push(b'\t');
    out.extend_from_slice(decimal(source_row, &mut [0; 20]).as_bytes());
    out.push(b'\t');
    for b in digest {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
    out.push(b'\n');
}

/// `v` in decimal, as `{v}` writes it (without the formatting machinery: a million records
/// have two numbers each).
pub(crate) fn decimal(v: i64, buf: &mut [u8; 20]) -> &str {
    let mut n = v.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    std::str::from_utf8(&buf[at..]).unwrap_or_default()
}

/// One block of rows checked and added by [`ImportSession::add_checked`] (and its valid rows written, unless not).
#[derive(Debug, Default)]
pub struct BlockChecked {
    /// The problems of each row that has any, by the row's position in the block.
    pub problems: BTreeMap<usize, Vec<Diagnostic>>,
    /// Positions in the block of rows that repeat an existing record or an earlier row.
    pub duplicates: Vec<(usize, Duplicate)>,
    /// The rows of the block without problems.
    pub valid: u64,
    /// Set when `keep_going` said stop: the import is cancelled and will write nothing.
    pub cancelled: bool,
}

/// Rows per block when [`Store::import`] streams a slice through an [`ImportSession`].
const BLOCK: usize = 32_768;

impl Store {
    /// Check rows for period `year` and, unless `mode` is a dry run, write them as one import:
    /// every record with its source row, one `import_batch` record and one audit entry, plus
    /// the template and value choices to remember — all in one transaction. Refused (nothing
    /// written) when the period is locked, or in all-or-nothing mode when any row has a problem
    /// (the problems are then in the returned [`ImportChecked`], with `written` unset) or
    /// `file.rows_refused_earlier` is not zero.
    ///
    /// Diagnostics carry the file's name and each row's source row. While writing,
    /// `keep_going(records written so far)` is asked every 4,096 records; `false` rolls the
    /// import back (`cancelled` is then set and nothing was written). Streams through an
    /// [`ImportSession`] in blocks.
    #[allow(clippy::too_many_arguments)]
    pub fn import(
        &mut self,
        lib: &FactorLibrary,
        year: i32,
        file: &ImportFile,
        rows: &[ImportRow],
        mode: ImportMode,
        template: Option<&NewTemplate>,
        choices: &[ValueChoice],
        keep_going: &dyn Fn(u64) -> bool,
    ) -> Result<ImportChecked, StoreError> {
        let mut session = self.begin_import(lib, year, file, mode)?;
        let checker = session.checker()?;
        let mut problems = BTreeMap::new();
        let mut duplicates = Vec::new();
        for (k, block) in rows.chunks(BLOCK).enumerate() {
            let base = k * BLOCK;
            let checked = session.add_checked(block, 0, checker.check(block), keep_going)?;
            problems.extend(checked.problems.into_iter().map(|(i, ds)| (base + i, ds)));
            duplicates.extend(checked.duplicates.into_iter().map(|(i, d)| (base + i, d)));
            if checked.cancelled {
                break;
            }
        }
        let mut out = session.finish(template, choices)?;
        out.problems = problems;
        out.duplicates = duplicates;
        Ok(out)
    }

    /// Every import, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportSummary>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!("{IMPORT_SELECT} ORDER BY b.id"))?;
            let rows = stmt.query_map([], import_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// Where record `id` came from, when it was imported.
    pub fn lineage(&self, id: i64) -> Result<Option<Lineage>, StoreError> {
        self.read(|c| {
            let found: Option<(i64, i64)> = c
                .query_row("SELECT import_id, source_row FROM activity_source WHERE activity_id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            let Some((import_id, source_row)) = found else { return Ok(None) };
            let import = c.query_row(&format!("{IMPORT_SELECT} WHERE b.id = ?1"), [import_id], import_from_row)?;
            Ok(Some(Lineage { import, source_row }))
        })
    }

    /// The records import `import_id` created, each with its row in the file, by record id:
    /// with their import-time values, the lines of its `records_sha256`.
    pub fn import_sources(&self, import_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT activity_id, source_row FROM activity_source WHERE import_id = ?1 ORDER BY activity_id",
            )?;
            let rows =
                stmt.query_map([import_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// The saved column templates, by name.
    pub fn templates(&self) -> Result<Vec<SavedTemplate>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT name, signature, headers, mapping, created_at FROM import_template ORDER BY name")?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(SavedTemplate {
                        name: r.get(0)?,
                        signature: r.get(1)?,
                        headers: r.get(2)?,
                        mapping: r.get(3)?,
                        created_at: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// Save (or replace) a column template on its own.
    pub fn save_template(&mut self, t: &NewTemplate) -> Result<(), StoreError> {
        self.write(|w| save_template(w, t))
    }

    /// The remembered value choices.
    pub fn value_choices(&self) -> Result<Vec<ValueChoice>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT kind, source, target FROM value_mapping ORDER BY kind, source")?;
            let rows = stmt
                .query_map([], |r| Ok(ValueChoice { kind: r.get(0)?, source: r.get(1)?, target: r.get(2)? }))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// Remember value choices on their own.
    pub fn remember_values(&mut self, choices: &[ValueChoice]) -> Result<(), StoreError> {
        self.write(|w| {
            for c in choices {
                remember_value(w, c)?;
            }
            Ok(())
        })
    }
}

fn save_template(w: &mut Tx<'_>, t: &NewTemplate) -> Result<(), Fail> {
    let name = non_empty(&t.name, "template", "the template's name")?;
    let headers = serde_json::to_string(&t.headers).unwrap_or_else(|_| "[]".to_string());
    let old: Option<(i64, String)> = w
        .conn
        .query_row("SELECT id, mapping FROM import_template WHERE name = ?1", [&name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match old {
        Some((id, _)) => {
            let before = w.row("import_template", id)?;
            w.conn.execute(
                "UPDATE import_template SET signature = ?1, headers = ?2, mapping = ?3 WHERE id = ?4",
                params![t.signature, headers, t.mapping, id],
            )?;
            if before != w.row("import_template", id)? {
                w.log("update", "import_template", id, before.as_deref(), None)?;
            }
        }
        None => {
            w.conn.execute(
                "INSERT INTO import_template (name, signature, headers, mapping, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, t.signature, headers, t.mapping, w.at],
            )?;
            let id = w.conn.last_insert_rowid();
            w.log("create", "import_template", id, None, None)?;
        }
    }
    Ok(())
}

fn remember_value(w: &mut Tx<'_>, c: &ValueChoice) -> Result<(), Fail> {
    if !matches!(c.kind.as_str(), "activity" | "unit") {
        return Err(refuse_at(
            Code::OutOfRange,
            "kind",
            format!("'{}' is not a kind of value (activity, unit)", c.kind),
        ));
    }
    let target = non_empty(&c.target, "target", "the value to map to")?;
    let old: Option<i64> = w
        .conn
        .query_row("SELECT id FROM value_mapping WHERE kind = ?1 AND source = ?2", params![c.kind, c.source], |r| {
            r.get(0)
        })
        .optional()?;
    match old {
        Some(id) => {
            let before = w.row("value_mapping", id)?;
            w.conn.execute("UPDATE value_mapping SET target = ?1 WHERE id = ?2", params![target, id])?;
            if before != w.row("value_mapping", id)? {
                w.log("update", "value_mapping", id, before.as_deref(), None)?;
            }
        }
        None => {
            w.conn.execute(
                "INSERT INTO value_mapping (kind, source, target, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![c.kind, c.source, target, w.at],
            )?;
            let id = w.conn.last_insert_rowid();
            w.log("create", "value_mapping", id, None, None)?;
        }
    }
    Ok(())
}
