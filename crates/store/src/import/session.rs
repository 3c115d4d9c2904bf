//! An import in progress ([`ImportSession`]): one transaction, fed blocks of rows.

use std::borrow::Cow;
use std::ops::Deref;
use std::sync::{Arc, LazyLock, OnceLock};

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use super::digest::{self, RecordJson, Shared};
use super::keys::DupKeys;
use super::*;
use crate::checks::{Facilities, FacilityLookup};
use crate::error::refuse;
use scopebook_core::calc::Inventory;

/// Records whose lines of `records_sha256` are worked out by one task of the thread pool.
const CHUNK: usize = 4096;

/// A large import touches many pages of the tables and indexes: SQLite gets a page cache that
/// holds them (256 MiB at most) instead of re-reading them, restored however the import ends.
struct PageCache<'s> {
    conn: &'s Connection,
    before: i64,
}

impl<'s> PageCache<'s> {
    fn raise(conn: &'s Connection) -> PageCache<'s> {
        let before: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0)).unwrap_or(-2000);
        let _ = conn.pragma_update(None, "cache_size", -262_144);
        PageCache { conn, before }
    }
}

impl Drop for PageCache<'_> {
    fn drop(&mut self) {
        let _ = self.conn.pragma_update(None, "cache_size", self.before);
    }
}

/// What an import has written so far.
#[derive(Default)]
struct Written {
    first: Option<i64>,
    last: Option<i64>,
    records: u64,
    /// `records_sha256` so far: the lines of the records written, in id order.
    digest: Sha256,
}

/// An import in progress: one open transaction, fed blocks of rows in file order by
/// [`ImportSession::add_checked`] and ended by [`ImportSession::finish`]. Dropped without `finish` (an
/// error, a cancellation), it rolls back: nothing of the import remains.
pub struct ImportSession<'s> {
    store: &'s Store,
    tx: rusqlite::Transaction<'s>,
    lib: SharedLib<'s>,
    period: ReportingPeriod,
    file: ImportFile,
    mode: ImportMode,
    at: String,
    import_id: i64,
    keys: DupKeys,
    /// `None`: the activity table has a column an import does not set; records are read back.
    json: Option<RecordJson>,
    /// All-or-nothing and a row has a problem: nothing more is written, and nothing will be.
    refused: bool,
    cancelled: bool,
    valid: u64,
    written: Written,
    inventory: Inventory,
    warnings: Vec<Diagnostic>,
    earlier_imports: Vec<ImportSummary>,
    // Last: restored after the transaction has ended.
    _cache: PageCache<'s>,
}

impl Store {
    /// Start an import of `file` into period `year`: open its transaction (refused when the
    /// period is locked) and find the period's records that rows could repeat and the earlier
    /// imports of the same file. Feed it the rows with [`ImportSession::checker`] and
    /// [`ImportSession::add_checked`], then
    /// [`ImportSession::finish`] it. In all-or-nothing mode a non-zero
    /// `file.rows_refused_earlier` refuses the import from the start (the rows are still
    /// checked, to list their problems).
    pub fn begin_import<'s>(
        &'s mut self,
        lib: &'s FactorLibrary,
        year: i32,
        file: &ImportFile,
        mode: ImportMode,
    ) -> Result<ImportSession<'s>, StoreError> {
        let store: &'s Store = self;
        let cache = PageCache::raise(&store.conn);
        let begin = || -> Result<ImportSession<'s>, Fail> {
            let tx = store.conn.unchecked_transaction()?;
            let p = period_by_year(&tx, year)?;
            if p.status == PeriodStatus::Locked {
                return Err(locked(&p, "nothing can be imported into it; a correction is a restatement"));
            }
            let plib = match period_library(&tx, lib, &p)? {
                Cow::Borrowed(lib) => SharedLib::Borrowed(lib),
                Cow::Owned(lib) => SharedLib::Owned(Arc::new(lib)),
            };
            let earlier_imports = {
                let mut stmt = tx.prepare_cached(&format!("{IMPORT_SELECT} WHERE b.file_sha256 = ?1 ORDER BY b.id"))?;
                let found = stmt.query_map([&file.sha256], import_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
                found
            };
            let keys = DupKeys::load(&tx, p.id, file.rows_read)?;
            let json = RecordJson::for_table(&tx)?;
            let import_id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM import_batch", [], |r| r.get(0))?;
            Ok(ImportSession {
                store,
                tx,
                lib: plib,
                period: p,
                file: file.clone(),
                mode,
                at: now(),
                import_id,
                keys,
                json,
                refused: mode == ImportMode::AllOrNothing && file.rows_refused_earlier > 0,
                cancelled: false,
                valid: 0,
                written: Written::default(),
                inventory: Inventory::default(),
                warnings: Vec::new(),
                earlier_imports,
                _cache: cache,
            })
        };
        begin().map_err(|e| store.err(e))
    }
}

impl<'s> ImportSession<'s> {
    /// What checks this import's blocks before [`ImportSession::add_checked`] writes them: the
    /// same checks as `scopebook calc` checks an activity file, plus the store's own rules,
    /// against this transaction's facilities, on any thread (the pipeline checks the next block
    /// while this one writes the last).
    pub fn checker(&self) -> Result<BlockChecker<'s>, StoreError> {
        let facilities = Facilities::read(&self.tx).map_err(|e| self.store.err(e))?;
        Ok(BlockChecker {
            lib: self.lib.clone(),
            period: self.period.clone(),
            file: self.file.file_name.clone(),
            facilities,
        })
    }

    /// Add the next block of the file's rows, as `checker` checked them: its duplicates are
    /// found (of the period's records and of every earlier row of the import; they depend on
    /// every earlier row, so here, in order) and its valid rows written unless the import is a
    /// dry run or refused. `refused_earlier` counts the rows of this block the caller refused
    /// before they reached the store; in all-or-nothing mode any refuses the import.
    ///
    /// `keep_going(records written so far)` is asked every 4,096 records; `false` cancels the
    /// import (`cancelled` is set; `finish` then writes nothing).
    pub fn add_checked(
        &mut self,
        rows: &[ImportRow],
        refused_earlier: u64,
        checked: CheckedBlock,
        keep_going: &dyn Fn(u64) -> bool,
    ) -> Result<BlockChecked, StoreError> {
        let store = self.store;
        self.add_block(rows, refused_earlier, checked, keep_going).map_err(|e| store.err(e))
    }

    fn add_block(
        &mut self,
        rows: &[ImportRow],
        refused_earlier: u64,
        checked: CheckedBlock,
        keep_going: &dyn Fn(u64) -> bool,
    ) -> Result<BlockChecked, Fail> {
        let mut out = BlockChecked { cancelled: self.cancelled, ..BlockChecked::default() };
        if self.mode == ImportMode::AllOrNothing && refused_earlier > 0 {
            self.refused = true;
        }
        if rows.is_empty() || self.cancelled {
            return Ok(out);
        }
        if checked.rows != rows.len() {
            return Err(refuse(Code::DatabaseError, "the rows checked are not the rows to write; nothing was written"));
        }
        let file = self.file.file_name.as_str();
        let source_row = |i: usize| rows.get(i).map(|r| r.source_row);
        let Checked { rows: checked_rows, activities, mut problems, warnings } = checked.checked?;
        // The calculation numbers rows by their line in the block's activity file (row i is
        // line i + 2): give them their source rows.
        self.warnings.extend(warnings.into_iter().map(|mut d| {
            d.location.row = d.location.row.and_then(|l| source_row(usize::try_from(l).ok()?.checked_sub(2)?));
            d
        }));
        // Duplicates: of a current record with the same facility, activity and evidence, or of
        // an earlier row of this import.
        for (i, (row, c)) in rows.iter().zip(&checked_rows).enumerate() {
            let Some(c) = c else { continue };
            let Some(evidence) = &c.evidence else { continue };
            let Some(d) = self.keys.repeats(c.facility_id, &c.activity, evidence, row.source_row) else { continue };
            let facility = row.input.facility.trim();
            let message = match &d {
                Duplicate::Record(id) => format!(
                    "this row repeats record {id} (facility {facility}, activity {}, evidence {evidence}) already in period {}",
                    c.activity, self.period.year
                ),
                Duplicate::Row(r) => format!(
                    "this row repeats row {r} of the file (facility {facility}, activity {}, evidence {evidence})",
                    c.activity
                ),
            };
            let location =
                Location { file: file.to_string(), row: Some(row.source_row), column: Some("evidence".to_string()) };
            if let Some(ps) = problems.get_mut(i) {
                ps.push(Diagnostic::error(Code::DuplicateRecord, location, message));
            }
            out.duplicates.push((i, d));
        }
        let valid: Vec<usize> = (0..rows.len()).filter(|i| problems.get(*i).is_some_and(Vec::is_empty)).collect();
        out.valid = valid.len() as u64;
        self.valid += out.valid;
        let activities: Vec<scopebook_core::activity::Activity> =
            activities.into_iter().zip(&problems).filter(|(_, ps)| ps.is_empty()).filter_map(|(a, _)| a).collect();
        for (i, ps) in problems.into_iter().enumerate() {
            if !ps.is_empty() {
                out.problems.insert(i, ps);
            }
        }
        if self.mode == ImportMode::AllOrNothing && !out.problems.is_empty() {
            self.refused = true;
        }
        let write = self.mode != ImportMode::DryRun && !self.refused;
        // This thread writes the valid rows; meanwhile the thread pool calculates their
        // emissions and hashes the records written, a chunk at a time.
        let opts = CalcOptions { gwp_set: self.period.gwp_set, keep_lines: false };
        let mut written = std::mem::take(&mut self.written);
        let this = &*self;
        let lib: &FactorLibrary = &this.lib;
        let mut inventory = None;
        // The lines of `records_sha256`, a chunk of records each, in id order (or, when the
        // table has columns an import does not set, all of them read back).
        let chunks: Vec<OnceLock<Vec<u8>>> = (0..valid.len().div_ceil(CHUNK)).map(|_| OnceLock::new()).collect();
        let (mut hashed, mut read_back) = (0usize, Vec::new());
        let shared = Shared { period_id: this.period.id, user: &this.store.user, at: &this.at };
        let wrote: Result<bool, Fail> = rayon::in_place_scope(|s| {
            s.spawn(|_| {
                inventory = Some(scopebook_core::pipeline::calculate_activities(lib, &activities, file, opts));
            });
            if !write {
                return Ok(true);
            }
            let mut records: Vec<(i64, usize)> = Vec::with_capacity(CHUNK);
            let mut all: Vec<(i64, i64)> = Vec::new();
            // What every record of the import shares is bound once; SQLite keeps it.
            let mut insert = this.tx.prepare_cached(&INSERT_IMPORTED)?;
            insert.raw_bind_parameter(1, this.period.id)?;
            insert.raw_bind_parameter(RECORD_COLUMNS.len() + 2, &this.store.user)?;
            insert.raw_bind_parameter(RECORD_COLUMNS.len() + 3, &this.at)?;
            let mut source = this.tx.prepare_cached(INSERT_SOURCE)?;
            source.raw_bind_parameter(2, this.import_id)?;
            let (rows_ref, checked_ref, shared) = (rows, &checked_rows, &shared);
            let mut hash = |records: Vec<(i64, usize)>| {
                if let (Some(json), Some(slot)) = (&this.json, chunks.get(hashed)) {
                    s.spawn(move |_| {
                        let _ = slot.set(json.lines(shared, &records, rows_ref, checked_ref));
                    });
                }
                hashed += 1;
            };
            for &i in &valid {
                let (Some(row), Some(Some(c))) = (rows.get(i), checked_rows.get(i)) else {
                    // A row without problems has its checked record: never write fewer silently.
                    return Err(refuse(
                        Code::DatabaseError,
                        "a row without problems was not checked; nothing was written",
                    ));
                };
                for (k, v) in RecordValues::new(&row.input, c).params().into_iter().enumerate() {
                    insert.raw_bind_parameter(k + 2, v)?;
                }
                insert.raw_execute()?;
                let id = this.tx.last_insert_rowid();
                source.raw_bind_parameter(1, id)?;
                source.raw_bind_parameter(3, digest::source_row(row))?;
                source.raw_execute()?;
                written.first.get_or_insert(id);
                written.last = Some(id);
                written.records += 1;
                records.push((id, i));
                if this.json.is_none() {
                    all.push((id, digest::source_row(row)));
                }
                if records.len() == CHUNK {
                    hash(std::mem::take(&mut records));
                }
                if written.records % 4096 == 0 && !keep_going(written.records) {
                    return Ok(false);
                }
            }
            if !records.is_empty() {
                hash(records);
            }
            if this.json.is_none() {
                read_back = digest::read_back(&this.tx, &all)?;
            }
            Ok(true)
        });
        if this.json.is_some() {
            for chunk in chunks.iter().take(hashed) {
                // Every task spawned has run when the scope ends.
                let Some(lines) = chunk.get() else {
                    return Err(refuse(Code::DatabaseError, "a chunk of the import's records was not hashed"));
                };
                written.digest.update(lines);
            }
        }
        written.digest.update(&read_back);
        self.written = written;
        if let Some(inv) = inventory {
            self.inventory.merge(inv);
        }
        if !wrote? {
            self.cancelled = true;
            out.cancelled = true;
        }
        Ok(out)
    }

    /// The file's data rows, for a file whose rows are only counted once it has been read to
    /// the end (a streamed CSV): what `finish` records. `begin_import` took
    /// `file.rows_read` as a guess (it sizes the duplicate keys by it).
    pub fn rows_read(&mut self, rows: u64) {
        self.file.rows_read = rows;
    }

    /// End the import. Unless it is a dry run, refused or cancelled: write its `import_batch`
    /// record, its one audit entry, the template and the value choices, and commit. Otherwise
    /// roll everything back. Per-row problems and duplicates were returned by each `add_checked`.
    pub fn finish(self, template: Option<&NewTemplate>, choices: &[ValueChoice]) -> Result<ImportChecked, StoreError> {
        let store = self.store;
        self.finish_import(template, choices).map_err(|e| store.err(e))
    }

    fn finish_import(self, template: Option<&NewTemplate>, choices: &[ValueChoice]) -> Result<ImportChecked, Fail> {
        let (inventory, warnings, earlier_imports) = (self.inventory, self.warnings, self.earlier_imports);
        let mut out = ImportChecked { inventory, warnings, valid: self.valid, earlier_imports, ..Default::default() };
        out.cancelled = self.cancelled;
        if self.mode == ImportMode::DryRun || self.refused || self.cancelled {
            return Ok(out);
        }
        let (tx, file, written, user) = (self.tx, &self.file, &self.written, &self.store.user);
        let records_sha256 = format!("{:x}", written.digest.clone().finalize());
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO import_batch (id, period_id, file_name, file_sha256, format, sheet, header_row, template, mapping,
               rows_read, rows_imported, rows_skipped, first_activity, last_activity, records_sha256, imported_by, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                self.import_id,
                self.period.id,
                file.file_name,
                file.sha256,
                file.format,
                file.sheet,
                count(file.header_row),
                file.template.as_deref().or(template.map(|t| t.name.as_str())),
                file.mapping,
                count(file.rows_read),
                count(written.records),
                count(file.rows_read.saturating_sub(written.records)),
                written.first,
                written.last,
                records_sha256,
                user,
                self.at,
            ],
        )?;
        let mut w = Tx { conn: &tx, user, at: self.at.clone(), head: audit::Head::load(&tx)? };
        w.log("import", "import_batch", self.import_id, None, None)?;
        if let Some(t) = template {
            save_template(&mut w, t)?;
        }
        for c in choices {
            remember_value(&mut w, c)?;
        }
        drop(w);
        tx.commit()?;
        out.written = Some(ImportWritten {
            import_id: self.import_id,
            first_record: written.first,
            last_record: written.last,
            records: written.records,
            records_sha256,
        });
        Ok(out)
    }
}

/// `INSERT` of an imported record: the period, [`RECORD_COLUMNS`] (?2 to ?17), who and when
/// (the columns and values `insert_activity` writes, never restating).
static INSERT_IMPORTED: LazyLock<String> = LazyLock::new(|| {
    let marks: Vec<String> = (2..=RECORD_COLUMNS.len() + 1).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO activity (period_id, {}, entered_by, created_at, status) VALUES (?1, {}, ?{}, ?{}, 'current')",
        RECORD_COLUMNS.join(", "),
        marks.join(", "),
        RECORD_COLUMNS.len() + 2,
        RECORD_COLUMNS.len() + 3
    )
});

const INSERT_SOURCE: &str = "INSERT INTO activity_source (activity_id, import_id, source_row) VALUES (?1, ?2, ?3)";

/// The period's library of an import, shared with its [`BlockChecker`].
#[derive(Clone)]
enum SharedLib<'s> {
    Borrowed(&'s FactorLibrary),
    Owned(Arc<FactorLibrary>),
}

impl Deref for SharedLib<'_> {
    type Target = FactorLibrary;

    fn deref(&self) -> &FactorLibrary {
        match self {
            SharedLib::Borrowed(lib) => lib,
            SharedLib::Owned(lib) => lib,
        }
    }
}

/// Checks an import's blocks (the activity-file reader, factor selection, the store's rules)
/// against the facilities and library of the import's transaction, on any thread
/// ([`ImportSession::checker`]).
pub struct BlockChecker<'s> {
    lib: SharedLib<'s>,
    period: ReportingPeriod,
    file: String,
    facilities: Facilities,
}

impl BlockChecker<'_> {
    /// Check a block of rows, for [`ImportSession::add_checked`].
    pub fn check(&self, rows: &[ImportRow]) -> CheckedBlock {
        let source_row = |i: usize| rows.get(i).map(|r| r.source_row);
        let facilities: &dyn FacilityLookup = &self.facilities;
        let checked = check_inputs(facilities, &self.file, &self.lib, &self.period, rows, &source_row);
        CheckedBlock { rows: rows.len(), checked }
    }
}

/// A block of rows checked, not yet written ([`BlockChecker::check`]).
pub struct CheckedBlock {
    rows: usize,
    checked: Result<Checked, Fail>,
}
