//! A period's current records as an activity file (`scopebook calc` input, `scopebook activity
//! export`), read from SQLite in pieces ([`read_records`]) by one thread that does nothing else:
//! it copies each row's cells, as stored, into a line of the piece. Whoever takes the piece
//! ([`RawRecords::into_csv`]) checks it in one pass: when no cell holds a comma, a quote or a line
//! break and the text is UTF-8 (nearly always) the piece is the file's text already; otherwise
//! its lines are written again cell by cell with the quoting of the `csv` crate's default writer
//! and `String::from_utf8_lossy`, which is how the export was written before (a test compares
//! the two byte for byte). See decision 0016.

use std::io::Write as _;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use scopebook_core::activity::SplitRows;
use scopebook_core::diagnostic::Code;

use crate::error::{refuse, Fail};

/// Every column of the activity-file format, in its order (the core's required, then optional
/// columns): the columns of an export whose records give their own sector or fuel parameters, or
/// whose facilities name a sector (decision 0021). A column added to the format without changing
/// its length here fails to compile.
pub const FULL_EXPORT_COLUMNS: [&str; 17] = first_columns();
const _: () = assert!(
    scopebook_core::activity::REQUIRED_COLUMNS.len() + scopebook_core::activity::OPTIONAL_COLUMNS.len() == 17,
    "the activity-file format changed: FULL_EXPORT_COLUMNS must list every column"
);

/// Columns of a period's records exported as an activity file (`scopebook calc` input) before
/// schema 3: the first twelve of [`FULL_EXPORT_COLUMNS`].
pub const EXPORT_COLUMNS: [&str; 12] = first_columns();

/// [`FULL_EXPORT_COLUMNS`] and the Scope 3 columns (`activity::SCOPE3_COLUMNS`, decision 0035):
/// the columns of an export one of whose records gives a method, data-quality scores, a
/// currency year, an exchange rate, a price index or an attribution (schema 9, decision 0043).
pub const SCOPE3_EXPORT_COLUMNS: [&str; 27] = {
    let mut out = [""; 27];
    let mut k = 0;
    while k < 27 {
        out[k] = ALL_COLUMNS[k];
        k += 1;
    }
    out
};

/// Every column of the activity-file format: [`SCOPE3_EXPORT_COLUMNS`] and `pcaf_score`
/// (schema 10, decision 0050), the columns of an export one of whose records gives a PCAF score.
pub const ALL_COLUMNS: [&str; 28] = {
    use scopebook_core::activity::SCOPE3_COLUMNS;
    let mut out = [""; 28];
    let mut k = 0;
    while k < 28 {
        out[k] = if k < 17 { FULL_EXPORT_COLUMNS[k] } else { SCOPE3_COLUMNS[k - 17] };
        k += 1;
    }
    out
};
const _: () = assert!(
    scopebook_core::activity::SCOPE3_COLUMNS.len() == 11,
    "the activity-file format changed: ALL_COLUMNS must list every column"
);

/// The first `N` columns of the activity-file format.
const fn first_columns<const N: usize>() -> [&'static str; N] {
    use scopebook_core::activity::{OPTIONAL_COLUMNS, REQUIRED_COLUMNS};
    let mut out = [""; N];
    let mut k = 0;
    while k < N {
        out[k] =
            if k < REQUIRED_COLUMNS.len() { REQUIRED_COLUMNS[k] } else { OPTIONAL_COLUMNS[k - REQUIRED_COLUMNS.len()] };
        k += 1;
    }
    out
}

/// Which columns a period's export has. A period none of whose records gives a sector or fuel
/// parameters, and none of whose records' facilities names a sector, is exported with the
/// twelve columns it always had, byte for byte as before (so the input hash of a snapshot
/// taken before schema 3 still matches); otherwise with [`FULL_EXPORT_COLUMNS`], the `sector`
/// cell holding the record's sector, else its facility's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    full: bool,
    /// The records give Scope 3 columns: [`SCOPE3_EXPORT_COLUMNS`], whatever `full` says.
    scope3: bool,
    /// A record gives a PCAF score: [`ALL_COLUMNS`], whatever the others say.
    pcaf: bool,
}

impl Layout {
    pub(crate) const FULL: Layout = Layout { full: true, scope3: false, pcaf: false };

    /// The layout of period `period_id`'s export. The partial index `activity_with_own_values`
    /// holds only records with such values, so this costs next to nothing when there are none.
    /// The unary `+` keeps SQLite from choosing the index on (period, status, id) instead, which
    /// reads every record of the period (0.5–0.7 s at a million records).
    pub(crate) fn of_period(c: &Connection, period_id: i64) -> Result<Layout, Fail> {
        let own: Option<i64> = c
            .prepare_cached(
                "SELECT 1 FROM activity WHERE period_id = ?1 AND +status = 'current'
                 AND (sector IS NOT NULL OR ncv_gj_per_unit IS NOT NULL OR carbon_t_per_gj IS NOT NULL
       OR oxidation IS NOT NULL OR parameter_source IS NOT NULL) LIMIT 1",
            )?
            .query_row([period_id], |r| r.get(0))
            .optional()?;
        let scope3: Option<i64> = c
            .prepare_cached(
                "SELECT 1 FROM activity WHERE period_id = ?1 AND +status = 'current'
                 AND (method IS NOT NULL OR dq_technology IS NOT NULL OR currency_year IS NOT NULL
       OR exchange_rate IS NOT NULL OR price_index IS NOT NULL OR attribution IS NOT NULL
       OR pcaf_score IS NOT NULL) LIMIT 1",
            )?
            .query_row([period_id], |r| r.get(0))
            .optional()?;
        let pcaf = scope3.is_some()
            && {
                let found: Option<i64> = c
                .prepare_cached(
                    "SELECT 1 FROM activity WHERE period_id = ?1 AND +status = 'current' AND pcaf_score IS NOT NULL LIMIT 1",
                )?
                .query_row([period_id], |r| r.get(0))
                .optional()?;
                found.is_some()
            };
        let scope3 = scope3.is_some();
        if own.is_some() {
            return Ok(Layout { full: true, scope3, pcaf });
        }
        let facility: Option<i64> = c
            .prepare_cached(
                "SELECT 1 FROM facility f WHERE f.sector IS NOT NULL AND EXISTS
                 (SELECT 1 FROM activity a WHERE a.facility_id = f.id AND a.period_id = ?1 AND a.status = 'current') LIMIT 1",
            )?
            .query_row([period_id], |r| r.get(0))
            .optional()?;
        Ok(Layout { full: facility.is_some(), scope3, pcaf })
    }

    /// Whether the records give Scope 3 columns (decision 0043).
    pub(crate) fn scope3(self) -> bool {
        self.scope3
    }

    pub(crate) fn columns(self) -> &'static [&'static str] {
        if self.pcaf {
            &ALL_COLUMNS
        } else if self.scope3 {
            &SCOPE3_EXPORT_COLUMNS
        } else if self.full {
            &FULL_EXPORT_COLUMNS
        } else {
            &EXPORT_COLUMNS
        }
    }

    /// The cells of a record.
    fn cells(self) -> usize {
        self.columns().len()
    }

    /// The export's first line.
    pub(crate) fn header_line(self) -> Vec<u8> {
        let mut out = self.columns().join(",").into_bytes();
        out.push(b'\n');
        out
    }
}

/// The record on each line of an export: record `i` starts on line `2 + i` (the header is line
/// 1), unless an earlier record spans lines (a quoted cell with a line break).
#[derive(Debug, Default)]
pub(crate) struct RecordLines {
    /// The records' ids, in file order.
    pub(crate) ids: Vec<i64>,
    /// The line each record starts on, kept once a record has spanned lines.
    starts: Option<Vec<u64>>,
}

impl RecordLines {
    fn push(&mut self, id: i64, line: u64) {
        let expected = 2 + self.ids.len() as u64;
        match &mut self.starts {
            Some(starts) => starts.push(line),
            None if line != expected => {
                let mut starts: Vec<u64> = (0..self.ids.len() as u64).map(|i| 2 + i).collect();
                starts.push(line);
                self.starts = Some(starts);
            }
            None => {}
        }
        self.ids.push(id);
    }

    /// The id of the record on `line`; a line inside a record that spans lines is that record's.
    pub(crate) fn id_at(&self, line: u64) -> Option<i64> {
        let index = match &self.starts {
            None => line.checked_sub(2).and_then(|i| usize::try_from(i).ok()),
            Some(starts) => starts.partition_point(|&s| s <= line).checked_sub(1),
        };
        index.and_then(|i| self.ids.get(i)).copied()
    }
}

/// The select of a period's current records. The facility is its id (the codes are looked up
/// in memory: a join per record costs a third of the read); `?1` is the period.
const SELECT: &str = "SELECT a.id, a.facility_id, a.start_date, a.end_date, a.activity, a.quantity, a.unit, a.factor,
       a.region, a.scope3_category, a.supplier, a.evidence, a.note FROM activity a";

/// [`SELECT`] with the record's sector and fuel parameters (the [`Layout::FULL`] export).
const SELECT_FULL: &str =
    "SELECT a.id, a.facility_id, a.start_date, a.end_date, a.activity, a.quantity, a.unit, a.factor,
       a.region, a.scope3_category, a.supplier, a.evidence, a.note,
       a.sector, a.ncv_gj_per_unit, a.carbon_t_per_gj, a.oxidation, a.parameter_source FROM activity a";

/// [`SELECT_FULL`] with the record's Scope 3 columns (the Scope 3 export, schema 9).
const SELECT_SCOPE3: &str =
    "SELECT a.id, a.facility_id, a.start_date, a.end_date, a.activity, a.quantity, a.unit, a.factor,
       a.region, a.scope3_category, a.supplier, a.evidence, a.note,
       a.sector, a.ncv_gj_per_unit, a.carbon_t_per_gj, a.oxidation, a.parameter_source,
       a.method, a.dq_technology, a.dq_time, a.dq_geography, a.dq_completeness, a.dq_reliability,
       a.currency_year, a.exchange_rate, a.price_index, a.attribution FROM activity a";

/// [`SELECT_SCOPE3`] with the record's PCAF score (schema 10).
const SELECT_ALL: &str =
    "SELECT a.id, a.facility_id, a.start_date, a.end_date, a.activity, a.quantity, a.unit, a.factor,
       a.region, a.scope3_category, a.supplier, a.evidence, a.note,
       a.sector, a.ncv_gj_per_unit, a.carbon_t_per_gj, a.oxidation, a.parameter_source,
       a.method, a.dq_technology, a.dq_time, a.dq_geography, a.dq_completeness, a.dq_reliability,
       a.currency_year, a.exchange_rate, a.price_index, a.attribution, a.pcaf_score FROM activity a";

/// By the index on (period, status, id): any layout of the records.
const BY_INDEX: &str = " WHERE a.period_id = ?1 AND a.status = 'current' ORDER BY a.id";

/// By the index on (period, status, id), the ids `?2..=?3`.
const BETWEEN: &str = " WHERE a.period_id = ?1 AND a.status = 'current' AND a.id BETWEEN ?2 AND ?3 ORDER BY a.id";

/// By the table itself over the ids `?2..=?3`, when most of that range is the period's current
/// records (an import writes a period's records one after another): no index look-up per record.
/// The unary `+` keeps SQLite from choosing the index for these terms.
const BY_RANGE: &str = " WHERE a.id BETWEEN ?2 AND ?3 AND +a.period_id = ?1 AND +a.status = 'current' ORDER BY a.id";

/// How the records of a period lie in the table: the first and last id, about how many there
/// are, and whether reading the whole id range by the table's own order is the cheaper way.
struct Extent {
    first: i64,
    last: i64,
    records: u64,
    by_range: bool,
}

/// The ids a density sample looks at: `SAMPLES` windows of `WINDOW` ids spread over the range.
const SAMPLES: i64 = 16;
const WINDOW: i64 = 256;

/// Where a period's current records lie. Counting them exactly would read the whole index (a
/// tenth of the time of reading the records themselves, for a million); the first and last id
/// come from the index directly, and how densely the period fills that range is sampled.
fn extent(c: &Connection, period_id: i64) -> Result<Extent, Fail> {
    let end =
        |sql: &str| -> Result<Option<i64>, Fail> { Ok(c.prepare_cached(sql)?.query_row([period_id], |r| r.get(0))?) };
    let first = end("SELECT min(id) FROM activity WHERE period_id = ?1 AND status = 'current'")?;
    let last = end("SELECT max(id) FROM activity WHERE period_id = ?1 AND status = 'current'")?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(Extent { first: 0, last: -1, records: 0, by_range: false });
    };
    let range = last.saturating_sub(first).saturating_add(1);
    let mut count = c.prepare_cached(
        "SELECT count(*) FROM activity WHERE period_id = ?1 AND status = 'current' AND id BETWEEN ?2 AND ?3",
    )?;
    let (mut seen, mut found) = (0i64, 0i64);
    if range <= SAMPLES * WINDOW {
        (seen, found) = (range, count.query_row([period_id, first, last], |r| r.get(0))?);
    } else {
        let step = (range - WINDOW) / (SAMPLES - 1);
        for k in 0..SAMPLES {
            let from = first + k * step;
            found += count.query_row([period_id, from, from + WINDOW - 1], |r| r.get::<_, i64>(0))?;
            seen += WINDOW;
        }
    }
    // The table's own order when about 3 in 4 of the ids in the range or more are the period's
    // current records (an import writes a period's records one after another); otherwise the
    // index, which reads only the period's records but looks each one up.
    let by_range = found * 4 >= seen * 3;
    let records = u64::try_from(i128::from(range) * i128::from(found) / i128::from(seen.max(1))).unwrap_or(0);
    Ok(Extent { first, last, records: records.max(1), by_range })
}

/// A facility's id, code and sector (empty when it has none), as stored.
type CodeAndSector = (i64, Box<[u8]>, Box<[u8]>);

/// Facility ids with their codes and sectors, in id order.
pub(crate) struct Codes(Vec<CodeAndSector>);

impl Codes {
    /// The facilities' codes and sectors by id.
    pub(crate) fn read(c: &Connection) -> Result<Codes, Fail> {
        let mut stmt = c.prepare_cached("SELECT id, code, sector FROM facility ORDER BY id")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            // Facility codes are never quoted: a code with a comma, quote or line break, or that
            // is not UTF-8, is written through the careful path (see `RawRecords::into_csv`).
            let (mut code, mut sector) = (Vec::new(), Vec::new());
            push_stored(&mut code, r.get_ref(1)?);
            push_stored(&mut sector, r.get_ref(2)?);
            out.push((r.get::<_, i64>(0)?, code.into_boxed_slice(), sector.into_boxed_slice()));
        }
        Ok(Codes(out))
    }

    /// A facility's code and sector (empty when it has none).
    fn get(&self, id: i64) -> Option<(&[u8], &[u8])> {
        self.0.binary_search_by_key(&id, |(id, _, _)| *id).ok().map(|i| (&*self.0[i].1, &*self.0[i].2))
    }
}

/// The bytes that make a cell quoted: `,`, `"`, `\n`, `\r`.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Append one cell as the `csv` crate's default writer writes it (`QuoteStyle::Necessary`, `,`,
/// `"` doubled): quoted when it holds a comma, a quote or a line break. Returns the line breaks
/// it holds (a record with any spans lines).
fn push_cell(out: &mut Vec<u8>, cell: &[u8]) -> u64 {
    if !cell.iter().any(|&b| SPECIAL[usize::from(b)]) {
        out.extend_from_slice(cell);
        return 0;
    }
    out.push(b'"');
    let mut breaks = 0;
    for &b in cell {
        match b {
            b'"' => out.extend_from_slice(b"\"\""),
            b'\n' => {
                breaks += 1;
                out.push(b);
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
    breaks
}

/// How to split an export into pieces: about `pieces` of them, none under `min_records`
/// records (but the last); one piece when `pieces` ≤ 1.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Split {
    pub(crate) pieces: usize,
    pub(crate) min_records: u64,
}

impl Split {
    /// The whole export in one piece.
    pub(crate) const WHOLE: Split = Split { pieces: 1, min_records: 1 };
}

/// Which of a period's current records (in id order) an export holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Records {
    All,
    /// `limit` records from the `offset`-th (what a screen shows of a large period).
    Page {
        offset: u64,
        limit: u64,
    },
    /// The records whose id is above `after` and at most `upto`, no piece holding records of
    /// two blocks of `block` ids (`id - 1` divided by it): the blocks whose totals are kept
    /// apart (decision 0041).
    Range {
        after: i64,
        upto: i64,
        block: i64,
    },
    /// The records of a span found by [`span`] (a part of one, on its own connection).
    Span(Span),
}

/// Where some of a period's current records lie: ids above `after` and at most `upto`, about
/// `records` of them, read in the table's own order (`by_range`: most ids in the span are the
/// period's current records) or by the index on (period, status, id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) after: i64,
    pub(crate) upto: i64,
    pub(crate) records: u64,
    pub(crate) by_range: bool,
}

impl Span {
    /// No ids.
    const EMPTY: Span = Span { after: 0, upto: 0, records: 0, by_range: false };
}

/// Where `records` lie; `None` for a page, which is read by its place in id order.
pub(crate) fn span(c: &Connection, period_id: i64, records: Records) -> Result<Option<Span>, Fail> {
    Ok(match records {
        Records::Page { .. } => None,
        Records::Span(span) => Some(span),
        Records::All => {
            let e = extent(c, period_id)?;
            Some(Span { after: e.first.saturating_sub(1), upto: e.last, records: e.records, by_range: e.by_range })
        }
        Records::Range { after, upto, .. } => {
            let n: i64 = c
                .prepare_cached(
                    "SELECT count(*) FROM activity WHERE period_id = ?1 AND status = 'current' AND id > ?2 AND id <= ?3",
                )?
                .query_row([period_id, after, upto], |r| r.get(0))?;
            // The table's own order when about 3 in 4 of the ids are the period's current records,
            // as for a whole period ([`extent`]); the index otherwise.
            let ids = upto.saturating_sub(after);
            let by_range = n > 0 && n.saturating_mul(4) >= ids.saturating_mul(3);
            Some(Span { after, upto, records: u64::try_from(n).unwrap_or(0), by_range })
        }
    })
}

/// A piece of the export as the reading thread leaves it: the records as activity-file lines,
/// each cell as stored, after the header line. Reading the rows and copying their cells is all
/// that thread does; whether a cell must be quoted (a comma, a quote or a line break in it, which
/// is rare) and whether the text is UTF-8 is found out by the thread that calculates the piece,
/// in one pass over it ([`RawRecords::into_csv`]).
pub(crate) struct RawRecords {
    ids: Vec<i64>,
    /// The header line, then one line a record: its cells as stored, separated by commas.
    text: Vec<u8>,
    head: usize,
    /// The cells of a record: the facility's code, then the cells of the select after it.
    cells: usize,
    /// Each cell's length, `cells` a record (to write the lines again, quoted, when needed).
    lengths: Vec<u32>,
}

impl RawRecords {
    fn new(head: &[u8], cells: usize, records: usize, bytes_per_record: usize) -> RawRecords {
        let mut text = Vec::with_capacity(head.len() + records.saturating_mul(bytes_per_record));
        text.extend_from_slice(head);
        RawRecords {
            ids: Vec::with_capacity(records),
            text,
            head: head.len(),
            cells,
            lengths: Vec::with_capacity(records.saturating_mul(cells)),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no cell holds a comma, a quote or a line break: the only such bytes are the
    /// separators, a comma between cells and a line break a record (any more, or a carriage
    /// return, are in a cell).
    fn plain(&self) -> bool {
        count_special(self.text.get(self.head..).unwrap_or_default()) == self.ids.len() * self.cells
    }

    /// The piece as an activity file, as the `csv` crate's default writer would write its
    /// records after the header, with which record is on which line (the first on line 2).
    pub(crate) fn into_csv(self) -> (Vec<u8>, RecordLines) {
        // One line a record, no cell to quote, and valid UTF-8: the text is the file already.
        if self.plain() && std::str::from_utf8(&self.text).is_ok() {
            return (self.text, RecordLines { ids: self.ids, starts: None });
        }
        self.write_quoted()
    }

    /// The piece to calculate: its records split into cells as they were read, when no cell
    /// needs quoting and the text is UTF-8 (nearly always; the text is then the activity file
    /// already, for the hash); otherwise the activity file written ([`RawRecords::into_csv`]).
    pub(crate) fn prepare(self) -> Prepared {
        // Rows are record ids, which AUTOINCREMENT starts at 1 (in ascending order here).
        if !self.plain() || self.ids.first().is_some_and(|&id| id < 1) {
            let (bytes, lines) = self.write_quoted();
            return Prepared::Csv(bytes, lines);
        }
        match String::from_utf8(self.text) {
            Ok(text) => Prepared::Split(SplitPiece {
                rows: self.ids.iter().map(|&id| id.unsigned_abs()).collect(),
                first: self.ids.first().copied(),
                text,
                head: self.head,
                lengths: self.lengths,
                cells: self.cells,
            }),
            Err(e) => {
                let raw = RawRecords {
                    ids: self.ids,
                    text: e.into_bytes(),
                    head: self.head,
                    cells: self.cells,
                    lengths: self.lengths,
                };
                let (bytes, lines) = raw.write_quoted();
                Prepared::Csv(bytes, lines)
            }
        }
    }

    /// The piece written again cell by cell, quoted where needed, as valid UTF-8.
    fn write_quoted(self) -> (Vec<u8>, RecordLines) {
        let n = self.ids.len();
        let mut out = Vec::with_capacity(self.text.len() + n * 4);
        out.extend_from_slice(self.text.get(..self.head).unwrap_or_default());
        let mut lines = RecordLines { ids: Vec::with_capacity(n), starts: None };
        let (mut line, mut at) = (2u64, self.head);
        for (&id, lengths) in self.ids.iter().zip(self.lengths.chunks_exact(self.cells)) {
            lines.push(id, line);
            let mut breaks = 0;
            for (i, &len) in lengths.iter().enumerate() {
                let end = at + len as usize;
                if i > 0 {
                    out.push(b',');
                }
                let cell = self.text.get(at..end).unwrap_or_default();
                breaks += push_cell(&mut out, String::from_utf8_lossy(cell).as_bytes());
                // The separator (or the line's end) after the cell.
                at = end + 1;
            }
            out.push(b'\n');
            line += 1 + breaks;
        }
        (out, lines)
    }
}

/// A piece of the export ready to calculate ([`RawRecords::prepare`]).
pub(crate) enum Prepared {
    /// Its records as read, split into cells.
    Split(SplitPiece),
    /// Its records written as an activity file, with which record is on which line.
    Csv(Vec<u8>, RecordLines),
}

/// A piece's records split into cells: `text` is the header line, then the records' lines.
pub(crate) struct SplitPiece {
    pub(crate) text: String,
    head: usize,
    lengths: Vec<u32>,
    cells: usize,
    /// Each record's id, as the row its lines and findings are located at.
    rows: Vec<u64>,
    pub(crate) first: Option<i64>,
}

impl SplitPiece {
    /// The header line.
    pub(crate) fn header(&self) -> &[u8] {
        self.text.as_bytes().get(..self.head).unwrap_or_default()
    }

    pub(crate) fn rows(&self) -> SplitRows<'_> {
        SplitRows {
            text: self.text.get(self.head..).unwrap_or_default(),
            lengths: &self.lengths,
            width: self.cells,
            rows: &self.rows,
        }
    }
}

/// How many commas, quotes and line breaks (`\n`, `\r`) `bytes` holds; counted in blocks of
/// 255 bytes with byte-wide sums, which the compiler turns into vector instructions.
fn count_special(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            let n = block.iter().fold(0u8, |n, &b| n.wrapping_add(u8::from(matches!(b, b',' | b'\n' | b'"' | b'\r'))));
            usize::from(n)
        })
        .sum()
}

/// Append a stored cell's bytes as they are: text (checked for UTF-8 later), an integer in
/// decimal, anything else (NULL) nothing.
fn push_stored(out: &mut Vec<u8>, v: ValueRef<'_>) {
    match v {
        ValueRef::Text(t) => out.extend_from_slice(t),
        ValueRef::Integer(n) => {
            let _ = write!(out, "{n}");
        }
        _ => {}
    }
}

/// Read period `period_id`'s current `records`, in id order, with the cells of `layout`, in
/// pieces as `split` says, each after `head` (the header line): `emit(records)` gets each piece
/// as soon as it is read; nothing is emitted when there are no records. Returns the number of
/// records.
pub(crate) fn read_records(
    c: &Connection,
    period_id: i64,
    layout: Layout,
    records: Records,
    split: Split,
    head: &[u8],
    mut emit: impl FnMut(RawRecords) -> Result<(), Fail>,
) -> Result<u64, Fail> {
    let codes = Codes::read(c)?;
    let select = if layout.pcaf {
        SELECT_ALL
    } else if layout.scope3 {
        SELECT_SCOPE3
    } else if layout.full {
        SELECT_FULL
    } else {
        SELECT
    };
    let cells = layout.cells();
    let (mut stmt, mut rows, count);
    if let Records::Page { offset, limit } = records {
        stmt = c.prepare_cached(&format!("{select}{BY_INDEX} LIMIT ?2 OFFSET ?3"))?;
        let [offset, limit] = [offset, limit].map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        rows = stmt.query([period_id, limit, offset])?;
        count = u64::try_from(limit).unwrap_or(0);
    } else {
        let span = span(c, period_id, records)?.unwrap_or(Span::EMPTY);
        stmt = c.prepare_cached(&format!("{select}{}", if span.by_range { BY_RANGE } else { BETWEEN }))?;
        rows = stmt.query([period_id, span.after.saturating_add(1), span.upto])?;
        count = span.records;
    }
    // The pieces grow from an eighth of their size to their size, doubling: the first is soon
    // read, so that the threads that calculate start early, and there are few of them in all
    // (each one's factor selections are cached apart).
    let full = if split.pieces <= 1 { u64::MAX } else { count.div_ceil(split.pieces as u64).max(split.min_records) };
    let mut chunk = if split.pieces <= 1 { u64::MAX } else { (full / 8).max(split.min_records).max(1) };
    // Room for what the records so far took a record (80 bytes to begin with).
    let capacity = |chunk: u64| usize::try_from(chunk.min(count).min(1 << 22)).unwrap_or(0);
    let mut per_record = 80;
    let mut raw = RawRecords::new(head, cells, capacity(chunk), per_record);
    let mut total = 0u64;
    // A block's records in pieces of their own ([`Records::Range`]).
    let block = match records {
        Records::Range { block, .. } if block > 0 => Some(block),
        _ => None,
    };
    let block_of = |id: i64| block.map(|b| id.saturating_sub(1).div_euclid(b));
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if raw.ids.first().is_some_and(|&first| block_of(first) != block_of(id)) {
            per_record = per_record.max((raw.text.len() - raw.head) / raw.len() + 8);
            emit(std::mem::replace(&mut raw, RawRecords::new(head, cells, capacity(chunk), per_record)))?;
        }
        let facility: i64 = r.get(1)?;
        let Some((code, facility_sector)) = codes.get(facility) else {
            return Err(refuse(
                Code::DatabaseError,
                format!("activity record {id} names facility {facility}, which does not exist: the file was changed by another program or is damaged; restore it from a backup (`scopebook restore`)"),
            ));
        };
        raw.ids.push(id);
        raw.text.extend_from_slice(code);
        raw.lengths.push(u32::try_from(code.len()).unwrap_or(u32::MAX));
        for i in 2..=cells {
            raw.text.push(b',');
            let before = raw.text.len();
            let value = r.get_ref(i)?;
            // The sector cell (full layout): the record's own, else its facility's.
            if i == SECTOR_COLUMN && matches!(value, ValueRef::Null) {
                raw.text.extend_from_slice(facility_sector);
            } else {
                push_stored(&mut raw.text, value);
            }
            raw.lengths.push(u32::try_from(raw.text.len() - before).unwrap_or(u32::MAX));
        }
        raw.text.push(b'\n');
        total += 1;
        if raw.len() as u64 == chunk {
            per_record = per_record.max((raw.text.len() - raw.head) / raw.len() + 8);
            chunk = chunk.saturating_mul(2).min(full);
            emit(std::mem::replace(&mut raw, RawRecords::new(head, cells, capacity(chunk), per_record)))?;
        }
    }
    if raw.len() > 0 {
        emit(raw)?;
    }
    Ok(total)
}

/// The index of the record's sector in [`SELECT_FULL`].
const SECTOR_COLUMN: usize = 13;

/// The current records of a period as an activity file, with their ids in file order and the
/// columns it has.
pub(crate) fn export_csv(c: &Connection, period_id: i64) -> Result<(Vec<u8>, Vec<i64>, Layout), Fail> {
    let layout = Layout::of_period(c, period_id)?;
    let (mut out, mut ids) = (layout.header_line(), Vec::new());
    let split = Split { pieces: 64, min_records: 1 << 14 };
    read_records(c, period_id, layout, Records::All, split, &[], |raw| {
        let (piece, lines) = raw.into_csv();
        out.extend_from_slice(&piece);
        ids.extend(lines.ids);
        Ok(())
    })?;
    Ok((out, ids, layout))
}

/// The cells of an export's data rows (for re-checking them).
pub(crate) fn read_export_rows(csv: &[u8]) -> Vec<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(csv);
    rdr.records().filter_map(Result::ok).map(|r| r.iter().map(str::to_string).collect()).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn cells_are_written_as_the_csv_crates_writer_writes_them() {
        let cells: [&[u8]; 15] = [
            b"",
            b"plain",
            b"with space",
            b"a,b",
            b"say \"hi\"",
            b"\"",
            b"two\nlines",
            b"carriage\rreturn",
            b"crlf\r\n",
            b" leading and trailing ",
            "电力 10^4 Nm3".as_bytes(),
            b"#comment",
            b"tab\there",
            b"\\backslash",
            b"last",
        ];
        let mut theirs = csv::Writer::from_writer(Vec::new());
        let mut ours = Vec::new();
        for row in cells.chunks(3) {
            theirs.write_record(row).unwrap();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    ours.push(b',');
                }
                push_cell(&mut ours, cell);
            }
            ours.push(b'\n');
        }
        assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs.into_inner().unwrap()));
        let mut out = Vec::new();
        assert_eq!(push_cell(&mut out, b"one\ntwo\nthree"), 2);
        assert_eq!(push_cell(&mut out, b"no break\r"), 0);
    }

    #[test]
    fn a_line_inside_a_record_that_spans_lines_is_that_records() {
        let mut lines = RecordLines::default();
        lines.push(10, 2);
        lines.push(11, 3);
        assert_eq!((lines.id_at(2), lines.id_at(3), lines.id_at(4), lines.id_at(1)), (Some(10), Some(11), None, None));
        // Record 11 spans lines 3 and 4; record 12 starts on line 5.
        lines.push(12, 5);
        let ids: Vec<Option<i64>> = (1..=6).map(|l| lines.id_at(l)).collect();
        assert_eq!(ids, [None, Some(10), Some(11), Some(11), Some(12), Some(12)]);
    }
}
