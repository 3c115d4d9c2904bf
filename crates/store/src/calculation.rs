//! Calculating a period: its current records, under its GWP set and pinned editions, give the
//! same [`Run`] as `scopebook calc` makes of them exported as an activity file (named
//! `period YEAR`), except that each line's `row` is its record id; and how a fresh calculation
//! of a locked period compares with its snapshot.
//!
//! The records are not exported first and read back afterwards. Each thread of the pool reads
//! spans of ids on a connection of its own in this transaction's view (`readers`, decision 0060),
//! or, when the view cannot be shared, this thread reads them while the pool calculates
//! (`export::read_records`). Each piece, an activity file of its own (the header, then its
//! records), is read from its cells as `calc` reads a file's rows (`pipeline::calculate_split`;
//! a piece with a cell to quote is written as CSV for `pipeline::calculate_csv`), calculated,
//! then hashed in file order.
//! The pieces' inventories are merged in file order; every sum is exact, so the result does not
//! depend on how the file is split (ARCHITECTURE.md, "Precision and determinism"), and the
//! input's SHA-256 is that of the whole export. The run is assembled as `Run::calculate_numbered`
//! assembles it; a test compares the two byte for byte (decision 0016).

use std::collections::BTreeMap;
use std::sync::{mpsc, Mutex};

use rusqlite::{Connection, TransactionBehavior};
use scopebook_core::calc::{CalcOptions, Inventory};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;
use scopebook_core::pipeline::{calculate_csv, calculate_split};
use scopebook_core::report::InputFile;
use scopebook_core::run::Run;
use sha2::{Digest, Sha256};

use crate::boundary::boundary;
use crate::error::{refuse, Fail, StoreError};
use crate::export::{export_csv, read_records, Layout, Prepared, RawRecords, RecordLines, Records, Split};
use crate::factor_files::period_library;
use crate::instruments::with_stored_inputs;
use crate::model::ReportingPeriod;
use crate::periods::period_by_year;
use crate::readers::parallel_plan;
use crate::Store;

/// A period's records calculated: the same [`Run`] as `scopebook calc` makes of the records
/// exported as an activity file (named `period YEAR`), except that each line's `row` is its
/// record id.
#[derive(Debug)]
pub struct PeriodCalculation {
    pub period: ReportingPeriod,
    pub run: Run,
}

/// How a fresh calculation of a locked period compares with its snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotComparison {
    /// The period is not locked: there is no snapshot.
    NoSnapshot,
    Identical,
    /// A warning saying what differs.
    Differs(Diagnostic),
}

/// Read the period and its records in one read transaction (one view of the file, whatever
/// another program commits meanwhile), unless a transaction is already open.
pub(crate) fn read_view(c: &Connection) -> Result<Option<rusqlite::Transaction<'_>>, Fail> {
    if c.is_autocommit() {
        Ok(Some(rusqlite::Transaction::new_unchecked(c, TransactionBehavior::Deferred)?))
    } else {
        Ok(None)
    }
}

impl Store {
    /// A period's current records as an activity file (`scopebook calc` input), in entry
    /// order, with their ids.
    pub fn export(&self, year: i32) -> Result<(Vec<u8>, Vec<i64>), StoreError> {
        self.read(|c| {
            let _view = read_view(c)?;
            let p = period_by_year(c, year)?;
            export_csv(c, p.id).map(|(bytes, ids, _)| (bytes, ids))
        })
    }

    /// Calculate a period's current records under its GWP set and pinned editions.
    pub fn calculate(&self, lib: &FactorLibrary, year: i32, keep_lines: bool) -> Result<PeriodCalculation, StoreError> {
        self.read(|c| {
            let _view = read_view(c)?;
            let p = period_by_year(c, year)?;
            calculate(c, lib, &p, keep_lines)
        })
    }

    /// Records `offset..offset + limit` of a period's current records (in entry order)
    /// calculated, with lines: each line is the line of the same record in the full calculation
    /// ([`Store::calculate`]), as every line depends on its own record only. What a screen
    /// shows of a period of a million records.
    pub fn calculate_page(
        &self,
        lib: &FactorLibrary,
        year: i32,
        offset: u64,
        limit: u64,
    ) -> Result<PeriodCalculation, StoreError> {
        self.read(|c| {
            let _view = read_view(c)?;
            let p = period_by_year(c, year)?;
            calculate_whole(c, lib, &p, true, Records::Page { offset, limit })
        })
    }

    /// Compare a fresh calculation (with lines) of a locked period with its snapshot.
    pub fn compare_with_snapshot(&self, calc: &PeriodCalculation) -> Result<SnapshotComparison, StoreError> {
        let Some(snap) = self.snapshot(calc.period.year)? else { return Ok(SnapshotComparison::NoSnapshot) };
        // The fresh report's JSON (`Report::to_json`'s bytes) is compared with the stored one as
        // it is written, not built as a string first: at 100,000 lines that string is 190 MB.
        let mut same = SameBytes { expected: snap.result_json.as_bytes(), at: 0, differs: false };
        let written = serde_json::to_writer_pretty(&mut same, &calc.run.report(true));
        if written.is_ok() && !same.differs && same.expected.get(same.at..) == Some(b"\n".as_slice()) {
            return Ok(SnapshotComparison::Identical);
        }
        let fresh = calc.run.report(true).to_json();
        if fresh == snap.result_json {
            return Ok(SnapshotComparison::Identical);
        }
        let old: serde_json::Value = serde_json::from_str(&snap.result_json).unwrap_or_default();
        if crate::boundary::same_as_before_boundaries(&old, &fresh) {
            return Ok(SnapshotComparison::Identical);
        }
        let restated: i64 = self.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM activity WHERE period_id = ?1 AND supersedes IS NOT NULL",
                [calc.period.id],
                |r| r.get(0),
            )?)
        })?;
        let mut why = Vec::new();
        if snap.engine_version != scopebook_core::ENGINE_VERSION {
            why.push(format!(
                "it was taken by Scopebook {}, this is {}",
                snap.engine_version,
                scopebook_core::ENGINE_VERSION
            ));
        }
        if snap.input_sha256 != calc.run.input_sha256() {
            if restated > 0 {
                why.push(format!("{restated} record(s) were restated since"));
            } else {
                why.push("the period's records (or their facilities' sectors) differ".to_string());
            }
        }
        if let Some(why_boundary) = crate::boundary::boundary_changes(&old, &calc.run.report(false)) {
            why.push(why_boundary);
        }
        if old.pointer("/inputs/datasets") != serde_json::to_value(&calc.run.inputs.datasets).ok().as_ref() {
            why.push("the loaded dataset editions differ".to_string());
        }
        let report = calc.run.report(false);
        let total = |v: &serde_json::Value, k: &str| {
            v.pointer(&format!("/totals/{k}")).and_then(|x| x.as_str()).unwrap_or("?").to_string()
        };
        let mut totals = Vec::new();
        for (k, now) in [
            ("scope1", report.totals.scope1),
            ("scope2_location", report.totals.scope2_location),
            ("scope2_market", report.totals.scope2_market),
            ("scope3", report.totals.scope3),
        ] {
            let then = total(&old, k);
            if then != now.to_string() {
                totals.push(format!("{k} {then} t → {now} t"));
            }
        }
        if totals.is_empty() {
            why.push("the totals are unchanged".to_string());
        } else {
            why.push(format!("totals: {}", totals.join(", ")));
        }
        Ok(SnapshotComparison::Differs(Diagnostic::warning(
            Code::SnapshotMismatch,
            Location::file(calc.run.file()),
            format!(
                "this calculation differs from the snapshot taken when period {} was locked (snapshot {}): {}",
                calc.period.year,
                snap.id,
                why.join("; ")
            ),
        )))
    }
}

/// A writer that compares what is written with `expected` (from its start), stopping at the
/// first difference.
struct SameBytes<'a> {
    expected: &'a [u8],
    at: usize,
    differs: bool,
}

impl std::io::Write for SameBytes<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.differs {
            return Err(std::io::Error::other("differs"));
        }
        let end = self.at.saturating_add(buf.len());
        if self.expected.get(self.at..end) == Some(buf) {
            self.at = end;
            Ok(buf.len())
        } else {
            self.differs = true;
            Err(std::io::Error::other("differs"))
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The SHA-256 of the export, fed its pieces in file order as they are done.
struct InOrder {
    next: usize,
    sha: Sha256,
    /// Pieces done before those ahead of them: the piece (with its header) by its position.
    waiting: BTreeMap<usize, Vec<u8>>,
}

/// Hash piece `k` (after its first `head` bytes, the header line), and any waiting pieces after
/// it, once those before it are hashed; otherwise keep it waiting.
fn hash_in_order(hashing: &Mutex<InOrder>, k: usize, piece: Vec<u8>, head: usize) {
    let mut h = hashing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    h.waiting.insert(k, piece);
    loop {
        let next = h.next;
        let Some(piece) = h.waiting.remove(&next) else { break };
        h.sha.update(piece.get(head..).unwrap_or_default());
        h.next += 1;
    }
}

/// One piece of the export, read and calculated as `scopebook calc` reads and calculates a
/// file, with its lines numbered by record id.
fn calculate_piece(
    lib: &FactorLibrary,
    file: &str,
    piece: &[u8],
    lines: &RecordLines,
    opts: CalcOptions,
) -> (Inventory, Vec<Diagnostic>) {
    let (mut inventory, file_findings) = calculate_csv(lib, file, piece, opts);
    inventory.renumber_rows(|line| lines.id_at(line).and_then(|id| u64::try_from(id).ok()).unwrap_or(line));
    (inventory, file_findings)
}

/// Calculate a period: its records streamed from the database in pieces of the export, each
/// read and calculated (in parallel) while the next is read, with each line numbered by its
/// record id. The same [`Run`] as [`Run::calculate_numbered`] on the whole export (a test
/// compares them byte for byte).
pub(crate) fn calculate(
    c: &Connection,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    keep_lines: bool,
) -> Result<PeriodCalculation, Fail> {
    calculate_records(c, lib, p, keep_lines, Records::All, streaming_split())
}

/// How [`calculate`] splits a period's export: eight pieces a thread, reading the next while
/// the last is calculated. The piece read last is still calculated after the read ends: at two
/// pieces a thread it held a quarter of a two-core machine's records (about 0.15 s of a million
/// records' 1.2 s), at eight a sixteenth. Factor selection, cached within a piece, is repeated
/// once a piece: a few hundred selections.
pub(crate) fn streaming_split() -> Split {
    Split { pieces: rayon::current_num_threads() * 8, min_records: 8192 }
}

/// Some of a period's records exported whole and calculated by [`Run::calculate_numbered`] itself:
/// for a page of records, where reading and calculating at once gains nothing.
fn calculate_whole(
    c: &Connection,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    keep_lines: bool,
    records: Records,
) -> Result<PeriodCalculation, Fail> {
    let plib = period_library(c, lib, p)?;
    let layout = Layout::of_period(c, p.id)?;
    let head = layout.header_line();
    let mut export = None;
    read_records(c, p.id, layout, records, Split::WHOLE, &head, |raw| {
        export = Some(raw.into_csv());
        Ok(())
    })?;
    let (bytes, lines) = export.unwrap_or_else(|| (head, RecordLines::default()));
    let opts = CalcOptions { gwp_set: p.gwp_set, keep_lines };
    let run = Run::calculate_numbered(&plib, &format!("period {}", p.year), &bytes, opts, |line| {
        lines.id_at(line).and_then(|id| u64::try_from(id).ok()).unwrap_or(line)
    });
    // A page's lines only: the period's instruments allocate its whole consumption, so they
    // are not applied to a page's (decision 0043); the lines do not depend on them.
    Ok(PeriodCalculation { period: p.clone(), run: run.with_boundary(&boundary(c)?) })
}

/// [`calculate`] of some of the period's records, in pieces as `split` says (tests split finely).
fn calculate_records(
    c: &Connection,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    keep_lines: bool,
    records: Records,
    split: Split,
) -> Result<PeriodCalculation, Fail> {
    let plib = period_library(c, lib, p)?;
    let layout = Layout::of_period(c, p.id)?;
    let calculated = calculate_pieces(c, &plib, p, keep_lines, records, split, layout)?;
    calculated.finish(c, &plib, p)
}

/// Some of a period's records calculated in pieces and merged, before the run is assembled.
pub(crate) struct Calculated {
    /// The pieces' inventories merged in file order.
    pub(crate) inventory: Inventory,
    /// The findings about the export's header.
    pub(crate) file_findings: Vec<Diagnostic>,
    /// The SHA-256 of the export of those records.
    pub(crate) sha256: String,
}

impl Calculated {
    /// The run, as `Run::calculate_numbered` assembles it, under the organisation's boundary.
    pub(crate) fn finish(
        self,
        c: &Connection,
        plib: &FactorLibrary,
        p: &ReportingPeriod,
    ) -> Result<PeriodCalculation, Fail> {
        let file = InputFile { file: format!("period {}", p.year), sha256: self.sha256 };
        let run = Run::assemble(plib, file, self.inventory, self.file_findings, p.gwp_set);
        // The organisation's boundary: lines keep their full emissions, totals are after the shares.
        let run = run.with_boundary(&boundary(c)?);
        // The period's instruments and Scope 3 statuses (decision 0043).
        let run = with_stored_inputs(c, plib, p, run, Layout::of_period(c, p.id)?.scope3())?;
        Ok(PeriodCalculation { period: p.clone(), run })
    }
}

/// Some of a period's records exported in `layout` (the period's), in pieces as `split` says,
/// each calculated under `lib` (the period's library) on the thread pool while the next is read.
pub(crate) fn calculate_pieces(
    c: &Connection,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    keep_lines: bool,
    records: Records,
    split: Split,
    layout: Layout,
) -> Result<Calculated, Fail> {
    let parts = calculate_parts(c, lib, p, keep_lines, records, split, layout)?;
    let mut inventory = Inventory::default();
    for (_, part) in parts.pieces {
        inventory.merge(part);
    }
    Ok(Calculated { inventory, file_findings: parts.file_findings, sha256: parts.sha256 })
}

/// Some of a period's records calculated in pieces, before they are merged.
pub(crate) struct Parts {
    /// Each piece's first record id (`None`: the header alone, when there are no records) and
    /// inventory, in file order.
    pub(crate) pieces: Vec<(Option<i64>, Inventory)>,
    /// The findings about the export's header.
    pub(crate) file_findings: Vec<Diagnostic>,
    /// The SHA-256 of the export of those records.
    pub(crate) sha256: String,
}

/// A piece calculated: its first record id, inventory and findings.
type Piece = (Option<i64>, (Inventory, Vec<Diagnostic>));

/// [`calculate_pieces`] without the merge: each piece's inventory with its first record id.
pub(crate) fn calculate_parts(
    c: &Connection,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    keep_lines: bool,
    records: Records,
    split: Split,
    layout: Layout,
) -> Result<Parts, Fail> {
    let file = format!("period {}", p.year);
    let opts = CalcOptions { gwp_set: p.gwp_set, keep_lines };
    let head = layout.header_line();
    let (head_ref, file_ref) = (head.as_slice(), file.as_str());
    let hashing = Mutex::new(InOrder { next: 0, sha: Sha256::new(), waiting: BTreeMap::new() });
    if let Ok(mut h) = hashing.lock() {
        h.sha.update(&head);
    }
    let (done, results) = mpsc::channel::<(usize, Result<Option<Piece>, Fail>)>();
    let hashing_ref = &hashing;
    // A piece read: its cells read as a file's rows (or, with a cell to quote, written as CSV and
    // read), calculated, then hashed in file order.
    let calculate_raw = move |k: usize, raw: RawRecords| -> Piece {
        match raw.prepare() {
            Prepared::Split(piece) => {
                let part = calculate_split(lib, file_ref, piece.header(), &piece.rows(), opts);
                let first = piece.first;
                hash_in_order(hashing_ref, k, piece.text.into_bytes(), head_ref.len());
                (first, part)
            }
            Prepared::Csv(bytes, lines) => {
                let part = calculate_piece(lib, file_ref, &bytes, &lines, opts);
                let first = lines.ids.first().copied();
                hash_in_order(hashing_ref, k, bytes, head_ref.len());
                (first, part)
            }
        }
    };
    let plan = parallel_plan(c, p.id, records, split)?;
    // The scope ends when every piece is done (a thread of the pool that calls this helps with
    // them meanwhile, so that nothing waits on a thread that waits).
    let pieces = rayon::in_place_scope(|s| match &plan {
        // Each thread of the pool reads a span on its own connection, then calculates it.
        Some((readers, spans)) => {
            for (k, &span) in spans.iter().enumerate() {
                let done = done.clone();
                s.spawn(move |_| {
                    let read = readers.with(|r| {
                        let mut raw = None;
                        read_records(r, p.id, layout, Records::Span(span), Split::WHOLE, head_ref, |piece| {
                            raw = Some(piece);
                            Ok(())
                        })
                        .map(|_| raw)
                    });
                    let piece = read.map(|raw| match raw {
                        Some(raw) => Some(calculate_raw(k, raw)),
                        None => {
                            // No records in this span: nothing to calculate or hash.
                            hash_in_order(hashing_ref, k, Vec::new(), head_ref.len());
                            None
                        }
                    });
                    let _ = done.send((k, piece));
                });
            }
            Ok(spans.len())
        }
        // This thread reads the records from SQLite (and nothing else); the pool calculates each
        // piece meanwhile.
        None => {
            let mut pieces = 0;
            read_records(c, p.id, layout, records, split, head_ref, |raw| {
                let (k, done) = (pieces, done.clone());
                pieces += 1;
                s.spawn(move |_| {
                    let _ = done.send((k, Ok(Some(calculate_raw(k, raw)))));
                });
                Ok(())
            })?;
            Ok::<usize, Fail>(pieces)
        }
    })?;
    drop(done);
    drop(plan);
    let mut slots: Vec<Option<Result<Option<Piece>, Fail>>> = (0..pieces).map(|_| None).collect();
    for (k, part) in results.try_iter() {
        if let Some(slot) = slots.get_mut(k) {
            *slot = Some(part);
        }
    }
    let mut parts: Vec<Piece> = Vec::with_capacity(pieces);
    for slot in slots {
        match slot {
            Some(Ok(Some(piece))) => parts.push(piece),
            Some(Ok(None)) => {}
            Some(Err(e)) => return Err(e),
            None => return Err(refuse(Code::DatabaseError, "a piece of the calculation did not finish")),
        }
    }
    let hashing = hashing.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    if hashing.next != pieces {
        return Err(refuse(Code::DatabaseError, "a piece of the calculation was not hashed"));
    }
    let sha = hashing.sha;
    if parts.is_empty() {
        // No records: the export is its header alone.
        parts.push((None, calculate_piece(lib, &file, &head, &RecordLines::default(), opts)));
    }
    let mut pieces = Vec::with_capacity(parts.len());
    let mut file_findings = None;
    for (first, (part, findings)) in parts {
        // Every piece starts with the same header, and so has the same findings about it.
        file_findings.get_or_insert(findings);
        pieces.push((first, part));
    }
    let file_findings = file_findings.unwrap_or_default();
    let sha256: String = sha.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Parts { pieces, file_findings, sha256 })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::model::{ActivityInput, NewPeriod};
    use crate::testing::{electricity, lib, store, TempDir};

    #[test]
    fn same_bytes_says_equal_only_for_the_same_bytes() {
        // Issue 13: the snapshot comparison streams the fresh JSON through this writer.
        use std::io::Write;
        let same = |expected: &[u8], parts: &[&[u8]]| {
            let mut w = SameBytes { expected, at: 0, differs: false };
            let ok = parts.iter().all(|p| w.write_all(p).is_ok());
            ok && !w.differs && w.at == expected.len()
        };
        assert!(same(b"{\"a\": 1}", &[b"{\"a\"", b": 1}"]));
        assert!(!same(b"{\"a\": 1}", &[b"{\"a\"", b": 2}"]));
        assert!(!same(b"{\"a\": 1}", &[b"{\"a\""]), "a prefix is not the same");
        assert!(!same(b"{\"a\"", &[b"{\"a\": 1}"]), "longer is not the same");
    }

    /// `scopebook calc` on the export, each line numbered by the id of the record it is in
    /// (found by reading the export's records), as [`Run::calculate_numbered`] makes it.
    fn reference(s: &Store, lib: &FactorLibrary, year: i32, keep_lines: bool) -> Run {
        let p = s.period(year).unwrap();
        let plib = period_library(s.connection(), lib, &p).unwrap();
        let (csv, ids) = s.export(year).unwrap();
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(csv.as_slice());
        let starts: Vec<u64> = rdr.records().map(|r| r.unwrap().position().unwrap().line()).collect();
        assert_eq!(starts.len(), ids.len());
        let opts = CalcOptions { gwp_set: p.gwp_set, keep_lines };
        Run::calculate_numbered(&plib, &format!("period {year}"), &csv, opts, |line| {
            let k = starts.partition_point(|&s| s <= line);
            k.checked_sub(1).map_or(line, |i| u64::try_from(ids[i]).unwrap())
        })
        .with_boundary(&s.boundary().unwrap())
    }

    fn assert_same(streamed: &Run, reference: &Run, what: &str) {
        assert_eq!(streamed.report(true).to_json(), reference.report(true).to_json(), "{what}: the report");
        assert_eq!(streamed.report(false).to_json(), reference.report(false).to_json(), "{what}: the summary");
        assert_eq!(streamed.diagnostics, reference.diagnostics, "{what}: the findings");
        assert_eq!(streamed.input_findings, reference.input_findings, "{what}");
        assert_eq!(streamed.input_sha256(), reference.input_sha256(), "{what}: the input's SHA-256");
        assert_eq!(streamed.inventory.line_count, reference.inventory.line_count, "{what}");
    }

    /// The export as it was written before it was streamed (decision 0016): the oracle.
    fn export_as_before(s: &Store, year: i32) -> (Vec<u8>, Vec<i64>) {
        let c = s.connection();
        let p = s.period(year).unwrap();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(crate::EXPORT_COLUMNS).unwrap();
        let mut stmt = c
            .prepare(
                "SELECT a.id, f.code, a.start_date, a.end_date, a.activity, a.quantity, a.unit, a.factor, a.region,
                        a.scope3_category, a.supplier, a.evidence, a.note
                 FROM activity a JOIN facility f ON f.id = a.facility_id
                 WHERE a.period_id = ?1 AND a.status = 'current' ORDER BY a.id",
            )
            .unwrap();
        let mut rows = stmt.query([p.id]).unwrap();
        let mut ids = Vec::new();
        while let Some(r) = rows.next().unwrap() {
            ids.push(r.get::<_, i64>(0).unwrap());
            let record: Vec<String> = (1..=12)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    _ => String::new(),
                })
                .collect();
            w.write_record(&record).unwrap();
        }
        (w.into_inner().unwrap(), ids)
    }

    /// The period calculated in pieces (as finely as one record a piece) is the run of its export,
    /// and the export is the one written before.
    fn check(s: &Store, lib: &FactorLibrary, year: i32, what: &str) {
        assert_eq!(s.export(year).unwrap(), export_as_before(s, year), "{what}: the export");
        for keep_lines in [true, false] {
            let want = reference(s, lib, year, keep_lines);
            assert_same(&s.calculate(lib, year, keep_lines).unwrap().run, &want, what);
            let p = s.period(year).unwrap();
            let whole = calculate_whole(s.connection(), lib, &p, keep_lines, Records::All).unwrap();
            assert_same(&whole.run, &want, &format!("{what}, whole"));
            for (pieces, min_records) in [(1, 1), (2, 1), (3, 2), (1000, 1)] {
                let split = Split { pieces, min_records };
                // Outside a transaction this thread reads alone (nothing fixes what more
                // connections would see); inside one, the pool's threads read spans at once.
                let calc = calculate_records(s.connection(), lib, &p, keep_lines, Records::All, split).unwrap();
                assert_same(&calc.run, &want, &format!("{what}, {pieces} pieces"));
                let c = s.connection();
                let _view = read_view(c).unwrap();
                let parallel = parallel_plan(c, p.id, Records::All, split).unwrap();
                let records = want.inventory.line_count;
                if pieces > 1 && records >= 2 && rayon::current_num_threads() > 1 {
                    assert!(parallel.is_some(), "{what}: {pieces} pieces of {records} records read at once");
                }
                drop(parallel);
                let calc = calculate_records(c, lib, &p, keep_lines, Records::All, split).unwrap();
                assert_same(&calc.run, &want, &format!("{what}, {pieces} pieces read at once"));
            }
        }
    }

    #[test]
    fn the_streamed_calculation_is_the_run_of_the_export() {
        let dir = TempDir::new("streamed");
        let mut s = store(&dir);
        s.add_period(lib(), &NewPeriod::year(2022)).unwrap();
        // An empty period: the export is its header alone.
        check(&s, lib(), 2023, "an empty period");
        // A user's factor the shipped library lacks: its records are unresolved under `lib()`.
        let mut with_mine = lib().clone();
        let mine =
            "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\nmine.widget,widgets,3,1,kg,2.5,AR5,supplier,GLOBAL\n";
        let found = with_mine.add_user_file("mine.csv", mine.as_bytes());
        assert!(found.is_empty(), "{found:?}");
        for i in 0..40 {
            let input = match i % 6 {
                0 => electricity(&format!("{}.5", 1000 + i)),
                1 => ActivityInput {
                    activity: "natural_gas".into(),
                    unit: "10^4 Nm3".into(),
                    start: "2023-03-01".into(),
                    end: "2023-03-31".into(),
                    ..electricity(&format!("1.{i}"))
                },
                2 => ActivityInput {
                    factor: Some("mine.widget".into()),
                    activity: "widgets".into(),
                    unit: "kg".into(),
                    ..electricity("7")
                },
                // Cells that must be quoted, one with line breaks: records that span lines.
                3 => ActivityInput {
                    note: Some(format!("read on site,\n\"by {i}\"\nagain")),
                    evidence: Some(format!("INV, {i}")),
                    facility: "BJ".into(),
                    ..electricity("12")
                },
                4 => ActivityInput { supplier: Some("Grid \"East\"".into()), ..electricity(&format!("{i}")) },
                _ => electricity(&format!("{i}")),
            };
            s.add_activity(&with_mine, 2023, &input).unwrap();
            // Another period's records between them: the period's ids are not one run.
            if i % 4 == 0 {
                s.add_activity(
                    lib(),
                    2022,
                    &ActivityInput { start: "2022-01-01".into(), end: "2022-12-31".into(), ..electricity("5") },
                )
                .unwrap();
            }
        }
        let ids: Vec<i64> = s.activities(2023, false).unwrap().iter().map(|a| a.id).collect();
        s.delete_activity(ids[3], None).unwrap();
        s.update_activity(&with_mine, ids[6], &electricity("42"), None).unwrap();
        // A facility code with a comma, and a note that is not UTF-8 (written by another program).
        s.add_facility(&crate::NewFacility::new("SZ,2", "Suzhou, hall 2", "CN-JS")).unwrap();
        let odd = s.add_activity(lib(), 2023, &ActivityInput { facility: "SZ,2".into(), ..electricity("3") }).unwrap();
        s.connection()
            .execute("UPDATE activity SET note = CAST(x'6e6fff7465' AS TEXT) WHERE id = ?1", [odd.id])
            .unwrap();
        let export = String::from_utf8(s.export(2023).unwrap().0).unwrap();
        assert!(export.contains("\"SZ,2\",2023-01-01,2023-12-31,grid_electricity,3,kWh,,CN-JS,,,,no\u{fffd}te\n"));
        assert!(export.contains(",\"INV, 9\",\"read on site,\n\"\"by 9\"\"\nagain\"\n"), "{export}");
        // Read in the table's order, skipping the 2022 records between them; 2022's by the index.
        check(&s, lib(), 2023, "records with errors, warnings, quoted cells and line breaks");
        check(&s, &with_mine, 2023, "the same records, all resolved");
        check(&s, lib(), 2022, "the other period");
        // A period whose records are one run of ids is read by the table's own order.
        s.add_period(lib(), &NewPeriod::year(2021)).unwrap();
        let run: Vec<ActivityInput> = (0..30)
            .map(|i| ActivityInput {
                start: "2021-02-01".into(),
                end: "2021-02-28".into(),
                note: (i % 7 == 0).then(|| "two\nlines".to_string()),
                ..electricity(&format!("{i}.25"))
            })
            .collect();
        s.add_activities(lib(), 2021, &run).unwrap();
        check(&s, lib(), 2021, "one run of ids");
    }
}
