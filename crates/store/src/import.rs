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

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::*;
use scopebook_core::calc::Inventory;

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
    use std::io::Write as _;
    let _ = write!(out, "{id}\t{source_row}\t");
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out.push(b'\n');
}

/// Duplicate key of a record: facility, activity, evidence (within one period).
type DupKey = (String, String, String);

fn existing_keys(c: &Connection, period_id: i64) -> Result<HashMap<DupKey, i64>, Fail> {
    let mut stmt = c.prepare_cached(
        "SELECT f.code, a.activity, a.evidence, a.id FROM activity a JOIN facility f ON f.id = a.facility_id
         WHERE a.period_id = ?1 AND a.status = 'current' AND a.evidence IS NOT NULL",
    )?;
    let mut rows = stmt.query([period_id])?;
    let mut out = HashMap::new();
    while let Some(r) = rows.next()? {
        out.entry((r.get(0)?, r.get(1)?, r.get(2)?)).or_insert(r.get(3)?);
    }
    Ok(out)
}

impl Store {
    /// Check rows for period `year` and, unless `mode` is a dry run, write them as one import:
    /// every record with its source row, one `import_batch` record and one audit entry, plus
    /// the template and value choices to remember — all in one transaction. Refused (nothing
    /// written) when the period is locked, or in all-or-nothing mode when any row has a problem
    /// (the problems are then in the returned [`ImportChecked`], with `written` unset).
    ///
    /// Diagnostics carry the file's name and each row's source row. While writing,
    /// `keep_going(records written so far)` is asked every 4,096 records; `false` rolls the
    /// import back (`cancelled` is then set and nothing was written).
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
        let user = self.user.clone();
        let run = |conn: &Connection| -> Result<ImportChecked, Fail> {
            let tx = conn.unchecked_transaction()?;
            let p = period_by_year(&tx, year)?;
            if p.status == PeriodStatus::Locked {
                return Err(locked(&p, "nothing can be imported into it; a correction is a restatement"));
            }
            let plib = period_library(lib, &p.pins)?;
            let mut checked =
                check_inputs(&tx, &file.file_name, &plib, &p, rows, &|i| rows.get(i).map(|r| r.source_row))?;
            let mut out = ImportChecked { warnings: checked.warnings, ..ImportChecked::default() };
            out.earlier_imports = {
                let mut stmt = tx.prepare_cached(&format!("{IMPORT_SELECT} WHERE b.file_sha256 = ?1 ORDER BY b.id"))?;
                let found = stmt.query_map([&file.sha256], import_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
                found
            };
            // Duplicates: of a current record with the same facility, activity and evidence, or of
            // an earlier row of this file.
            let existing_owned = existing_keys(&tx, p.id)?;
            let existing: HashMap<(&str, &str, &str), i64> =
                existing_owned.iter().map(|((f, a, e), id)| ((f.as_str(), a.as_str(), e.as_str()), *id)).collect();
            let mut seen: HashMap<(&str, &str, &str), u64> = HashMap::new();
            let mut problems = checked.problems;
            for (i, (row, checked)) in rows.iter().zip(&checked.rows).enumerate() {
                let Some(c) = checked else { continue };
                let Some(evidence) = &c.evidence else { continue };
                let key = (row.input.facility.trim(), c.activity.as_str(), evidence.as_str());
                let dup = match existing.get(&key) {
                    Some(id) => Some(Duplicate::Record(*id)),
                    None => seen.get(&key).map(|r| Duplicate::Row(*r)),
                };
                match dup {
                    Some(d) => {
                        let message = match &d {
                            Duplicate::Record(id) => format!(
                                "this row repeats record {id} (facility {}, activity {}, evidence {evidence}) already in period {}",
                                key.0, key.1, p.year
                            ),
                            Duplicate::Row(r) => format!(
                                "this row repeats row {r} of the file (facility {}, activity {}, evidence {evidence})",
                                key.0, key.1
                            ),
                        };
                        let location = Location {
                            file: file.file_name.clone(),
                            row: Some(row.source_row),
                            column: Some("evidence".to_string()),
                        };
                        if let Some(ps) = problems.get_mut(i) {
                            ps.push(Diagnostic::error(Code::DuplicateRecord, location, message));
                        }
                        out.duplicates.push((i, d));
                    }
                    None => {
                        seen.insert(key, row.source_row);
                    }
                }
            }
            let valid: Vec<usize> = (0..rows.len()).filter(|i| problems.get(*i).is_some_and(Vec::is_empty)).collect();
            out.valid = valid.len() as u64;
            for (i, ps) in problems.into_iter().enumerate() {
                if !ps.is_empty() {
                    out.problems.insert(i, ps);
                }
            }
            // The inventory of the rows to write.
            let activities: Vec<scopebook_core::activity::Activity> = {
                let keep: HashSet<usize> = valid.iter().copied().collect();
                checked_activities(std::mem::take(&mut checked.activities), &keep)
            };
            out.inventory = scopebook_core::pipeline::calculate_activities(
                &plib,
                &activities,
                &file.file_name,
                CalcOptions { gwp_set: p.gwp_set, keep_lines: false },
            );
            let refuse_all = mode == ImportMode::AllOrNothing && !out.problems.is_empty();
            if mode == ImportMode::DryRun || refuse_all {
                return Ok(out);
            }
            // Write.
            let mut w = Tx { conn: &tx, user: &user, at: now(), head: audit::Head::load(&tx)? };
            let import_id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM import_batch", [], |r| r.get(0))?;
            let mut ids = Vec::with_capacity(valid.len());
            {
                let mut source = tx.prepare_cached(
                    "INSERT INTO activity_source (activity_id, import_id, source_row) VALUES (?1, ?2, ?3)",
                )?;
                for &i in &valid {
                    let (Some(row), Some(Some(c))) = (rows.get(i), checked.rows.get(i)) else { continue };
                    let id = insert_activity(&w, &p, &row.input, c, None, None)?;
                    source.execute(params![id, import_id, i64::try_from(row.source_row).unwrap_or(i64::MAX)])?;
                    ids.push((id, row.source_row));
                    if ids.len() % 4096 == 0 && !keep_going(ids.len() as u64) {
                        out.cancelled = true;
                        return Ok(out);
                    }
                }
            }
            let (first, last) = (ids.first().map(|r| r.0), ids.last().map(|r| r.0));
            let records_sha256 = records_digest(&tx, first, last, &ids)?;
            tx.execute(
                "INSERT INTO import_batch (id, period_id, file_name, file_sha256, format, sheet, header_row, template, mapping,
                   rows_read, rows_imported, rows_skipped, first_activity, last_activity, records_sha256, imported_by, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                params![
                    import_id,
                    p.id,
                    file.file_name,
                    file.sha256,
                    file.format,
                    file.sheet,
                    i64::try_from(file.header_row).unwrap_or(i64::MAX),
                    file.template.as_deref().or(template.map(|t| t.name.as_str())),
                    file.mapping,
                    i64::try_from(file.rows_read).unwrap_or(i64::MAX),
                    i64::try_from(ids.len()).unwrap_or(i64::MAX),
                    i64::try_from(file.rows_read.saturating_sub(ids.len() as u64)).unwrap_or(i64::MAX),
                    first,
                    last,
                    records_sha256,
                    w.user,
                    w.at,
                ],
            )?;
            w.log("import", "import_batch", import_id, None, None)?;
            if let Some(t) = template {
                save_template(&mut w, t)?;
            }
            for c in choices {
                remember_value(&mut w, c)?;
            }
            tx.commit()?;
            out.written = Some(ImportWritten {
                import_id,
                first_record: first,
                last_record: last,
                records: ids.len() as u64,
                records_sha256,
            });
            Ok(out)
        };
        // A large import touches many pages of the tables and indexes: give SQLite a page cache
        // that holds them (256 MiB at most, for this import only) instead of re-reading them.
        let cache: i64 = self.conn.pragma_query_value(None, "cache_size", |r| r.get(0)).unwrap_or(-2000);
        let _ = self.conn.pragma_update(None, "cache_size", -262_144);
        let out = run(&self.conn).map_err(|e| self.err(e));
        let _ = self.conn.pragma_update(None, "cache_size", cache);
        out
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

/// The activities of the rows in `keep`.
fn checked_activities(
    all: Vec<Option<scopebook_core::activity::Activity>>,
    keep: &HashSet<usize>,
) -> Vec<scopebook_core::activity::Activity> {
    all.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).filter_map(|(_, a)| a).collect()
}

/// `records_sha256` of the records `first..=last` just written, read back in one pass (SQLite
/// reads, the hashing runs in parallel in blocks).
fn records_digest(c: &Connection, first: Option<i64>, last: Option<i64>, ids: &[(i64, u64)]) -> Result<String, Fail> {
    use rayon::prelude::*;
    const BLOCK: usize = 1 << 16;
    let mut lines = Vec::with_capacity(ids.len() * 90);
    if let (Some(first), Some(last)) = (first, last) {
        let rows: HashMap<i64, u64> = ids.iter().copied().collect();
        let mut stmt = c.prepare("SELECT * FROM activity WHERE id BETWEEN ?1 AND ?2 ORDER BY id")?;
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let id_col = names.iter().position(|n| n == "id").unwrap_or(0);
        let writer = audit::RowJson::new("activity", &names);
        let mut q = stmt.query([first, last])?;
        let mut block: Vec<(i64, String)> = Vec::with_capacity(BLOCK);
        let flush = |block: &mut Vec<(i64, String)>, lines: &mut Vec<u8>| {
            let digests: Vec<[u8; 32]> =
                block.par_iter().map(|(_, json)| Sha256::digest(json.as_bytes()).into()).collect();
            for ((id, _), d) in block.iter().zip(&digests) {
                let source = rows.get(id).copied().and_then(|s| i64::try_from(s).ok()).unwrap_or(-1);
                record_line(lines, *id, source, d);
            }
            block.clear();
        };
        while let Some(r) = q.next()? {
            block.push((r.get(id_col)?, writer.write(r)?));
            if block.len() == BLOCK {
                flush(&mut block, &mut lines);
            }
        }
        flush(&mut block, &mut lines);
    }
    Ok(scopebook_core::dataset::sha256_hex(&lines))
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
