//! The audit log: an append-only, hash-chained record of every change, and its verification.
//!
//! Each entry records the time (RFC 3339, UTC), the user, the action, the record (table and
//! id), the record's values before and after (canonical JSON, see [`row_json`]), and the reason
//! when one was given. `hash = SHA-256(prev_hash + "\n" + canonical entry)` (see
//! [`entry_canonical`]); the first entry's `prev_hash` is [`GENESIS`]. Decision 0011 documents
//! the canonical form so that anyone can recompute the chain.
//!
//! [`verify`] walks the chain and replays it: the log must rebuild exactly the rows the tables
//! hold.

mod row;

use std::collections::HashMap;
use std::fmt::Write as _;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use scopebook_core::diagnostic::Code;

use row::push_json_str;
pub use row::{row_json, RowJson, OMITTED_WHEN_CURRENT, OMITTED_WHEN_NULL};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The audited tables, in the order `verify` compares them.
pub const AUDITED_TABLES: &[&str] = &[
    "organisation",
    "facility",
    "period",
    "activity",
    "snapshot",
    "import_batch",
    "import_template",
    "value_mapping",
    "ets_facility",
    "ets_unit",
    "ets_ledger",
    "ets_registry",
    "ets_parameters",
    "instrument",
    "scope3_status",
    "factor_file",
];

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub user: String,
    pub action: String,
    pub table: String,
    pub record: i64,
    /// The record before the change (canonical JSON), `None` for a creation.
    pub old_value: Option<String>,
    /// The record after the change (canonical JSON), `None` for a deletion.
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The canonical JSON of one record, or `None` when it does not exist.
pub fn read_row(conn: &Connection, table: &str, id: i64) -> rusqlite::Result<Option<String>> {
    let key = if table == "audit_log" { "seq" } else { "id" };
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE {key} = ?1"))?;
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    stmt.query_row([id], |r| row_json(table, &names, r)).optional()
}

/// The text the hash of an entry covers: a canonical JSON object of the entry's fields, keys in
/// byte order. `old`/`new` are embedded as stored (they are themselves canonical JSON).
pub fn entry_canonical(e: &EntryFields<'_>) -> String {
    let mut out = String::with_capacity(128 + e.old.map_or(0, str::len) + e.new.map_or(0, str::len));
    out.push_str("{\"action\":");
    push_json_str(&mut out, e.action);
    out.push_str(",\"at\":");
    push_json_str(&mut out, e.at);
    out.push_str(",\"new\":");
    out.push_str(e.new.unwrap_or("null"));
    out.push_str(",\"old\":");
    out.push_str(e.old.unwrap_or("null"));
    out.push_str(",\"reason\":");
    match e.reason {
        Some(r) => push_json_str(&mut out, r),
        None => out.push_str("null"),
    }
    let _ = write!(out, ",\"record\":{},\"seq\":{},\"table\":", e.record, e.seq);
    push_json_str(&mut out, e.table);
    out.push_str(",\"user\":");
    push_json_str(&mut out, e.user);
    out.push('}');
    out
}

/// The fields of an entry that its hash covers.
pub struct EntryFields<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub user: &'a str,
    pub action: &'a str,
    pub table: &'a str,
    pub record: i64,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// `SHA-256(prev_hash + "\n" + canonical entry)`, lower-case hex.
pub fn entry_hash(prev_hash: &str, e: &EntryFields<'_>) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(entry_canonical(e).as_bytes());
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The end of the chain, kept for the length of one transaction.
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl Head {
    pub fn load(conn: &Connection) -> rusqlite::Result<Head> {
        let last: Option<(i64, String)> = conn
            .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match last {
            Some((seq, hash)) => Head { seq, hash },
            None => Head { seq: 0, hash: GENESIS.to_string() },
        })
    }

    /// Append one entry (inside the caller's transaction).
    #[allow(clippy::too_many_arguments)]
    pub fn append(
        &mut self,
        conn: &Connection,
        at: &str,
        user: &str,
        action: &str,
        table: &str,
        record: i64,
        old: Option<&str>,
        new: Option<&str>,
        reason: Option<&str>,
    ) -> rusqlite::Result<()> {
        let seq = self.seq + 1;
        let fields = EntryFields { seq, at, user, action, table, record, old, new, reason };
        let hash = entry_hash(&self.hash, &fields);
        let mut stmt = conn.prepare_cached(
            "INSERT INTO audit_log (seq, at, user, action, table_name, record_id, old_value, new_value, reason, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        stmt.execute(params![seq, at, user, action, table, record, old, new, reason, self.hash, hash])?;
        self.seq = seq;
        self.hash = hash;
        Ok(())
    }
}

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        user: r.get(2)?,
        action: r.get(3)?,
        table: r.get(4)?,
        record: r.get(5)?,
        old_value: r.get(6)?,
        new_value: r.get(7)?,
        reason: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

const ENTRY_COLUMNS: &str =
    "seq, at, user, action, table_name, record_id, old_value, new_value, reason, prev_hash, hash";

/// Entries, oldest first; optionally only those of one record.
pub fn entries(conn: &Connection, record: Option<(&str, i64)>) -> rusqlite::Result<Vec<AuditEntry>> {
    match record {
        Some((table, id)) => {
            let mut stmt = conn.prepare(&format!(
                "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE table_name = ?1 AND record_id = ?2 ORDER BY seq"
            ))?;
            let rows = stmt.query_map(params![table, id], entry_from_row)?;
            rows.collect()
        }
        None => {
            let mut stmt = conn.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq"))?;
            let rows = stmt.query_map([], entry_from_row)?;
            rows.collect()
        }
    }
}

/// Which entries [`page`] returns; empty fields match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: String,
    pub table: String,
    pub user: String,
    pub text: String,
}

/// The words of a search text as an FTS5 query of `audit_text` (decision 0020): each word of
/// ASCII letters and digits, the last one as a prefix (`"inv" AND "0500000"*`). `exact` when the
/// text is that one word alone: the index then decides by itself. `None` when the text has no
/// such word, or has other than ASCII characters (Chinese text has no word breaks to index):
/// such a search reads the whole log.
struct Words {
    query: String,
    exact: bool,
}

fn words(text: &str) -> Option<Words> {
    if !text.is_ascii() {
        return None;
    }
    let words: Vec<&str> = text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let last = words.len().checked_sub(1)?;
    let query = words
        .iter()
        .enumerate()
        .map(|(i, w)| if i == last { format!("\"{w}\"*") } else { format!("\"{w}\"") })
        .collect::<Vec<_>>()
        .join(" AND ");
    Some(Words { query, exact: words.len() == 1 && words[0] == text })
}

/// Where counting the entries a text matches stops ([`AuditCount::at_least`]): a page of a
/// common text is then found by reading a few thousand entries, not the whole log (decision 0041).
pub const AUDIT_COUNT_CAP: u64 = 10_000;

/// How many entries match a filter: `n` exactly, or, when `at_least`, more than `n` (counting
/// stopped there; [`crate::Store::audit_page_counted`] with `exact` counts them all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditCount {
    pub n: u64,
    pub at_least: bool,
}

/// One page of entries, newest first, and the number of entries that match.
///
/// A text is searched for in each entry's old and new values and its reason. When it is made of
/// ASCII characters, it must begin at the start of a word (`0500000` finds `INV-0500000`,
/// `uzhou` does not find `Suzhou`); the word index (`audit_text`) finds the entries holding its
/// words, and the text itself is then looked for in those (case-insensitive for ASCII letters).
/// A single word matches words that begin with it, case- and accent-insensitively. Any other
/// text is looked for as it is, anywhere, by reading the log.
pub fn page(conn: &Connection, f: &AuditFilter, offset: u64, limit: u64) -> rusqlite::Result<(Vec<AuditEntry>, u64)> {
    page_counted(conn, f, offset, limit, None).map(|(entries, count)| (entries, count.n))
}

/// [`page`], its count stopping after `cap` matches of a text that is looked for in each entry
/// (`None`: every match counted). A text's matches are read newest first, so a page and a
/// capped count of a common text read a few thousand entries.
pub fn page_counted(
    conn: &Connection,
    f: &AuditFilter,
    offset: u64,
    limit: u64,
    cap: Option<u64>,
) -> rusqlite::Result<(Vec<AuditEntry>, AuditCount)> {
    let text = f.text.trim();
    match (text.is_empty(), words(text)) {
        (false, Some(w)) => match page_with(conn, f, offset, limit, Some(&w), cap) {
            Ok(found) => Ok(found),
            // A query the index refuses (it should not happen): read the whole log instead.
            Err(_) => page_with(conn, f, offset, limit, None, cap),
        },
        _ => page_with(conn, f, offset, limit, None, cap),
    }
}

/// The entries of `seqs`, in that order.
fn entries_at(conn: &Connection, seqs: &[i64]) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq = ?1"))?;
    seqs.iter().map(|seq| stmt.query_row([seq], entry_from_row)).collect()
}

fn page_with(
    conn: &Connection,
    f: &AuditFilter,
    offset: u64,
    limit: u64,
    words: Option<&Words>,
    cap: Option<u64>,
) -> rusqlite::Result<(Vec<AuditEntry>, AuditCount)> {
    // A text looked for in each entry (not one word the index decides alone).
    if !f.text.trim().is_empty() && !words.is_some_and(|w| w.exact) {
        return by_text(conn, f, words, offset, limit, cap);
    }
    // Each clause twice: as written, and with its column hidden from the indexes (unary `+`).
    let (mut clauses, mut unindexed) = (Vec::new(), Vec::new());
    let mut args: Vec<String> = Vec::new();
    for (column, value) in [("action", &f.action), ("table_name", &f.table), ("user", &f.user)] {
        if !value.trim().is_empty() {
            args.push(value.trim().to_string());
            clauses.push(format!("{column} = ?{}", args.len()));
            unindexed.push(format!("+{column} = ?{}", args.len()));
        }
    }
    let mut indexed_only = None;
    if !f.text.trim().is_empty() {
        if let Some(w) = words {
            args.push(w.query.clone());
            let n = args.len();
            let found = format!("seq IN (SELECT rowid FROM audit_text WHERE audit_text MATCH ?{n})");
            clauses.push(found.clone());
            unindexed.push(found);
            if w.exact && clauses.len() == 1 {
                indexed_only = Some(n);
            }
        }
    }
    let filter_of = |c: &[String]| if c.is_empty() { String::new() } else { format!(" WHERE {}", c.join(" AND ")) };
    let filter = filter_of(&clauses);
    // The index counts its own matches when nothing else filters them.
    let count = match indexed_only {
        Some(n) => format!("SELECT COUNT(*) FROM audit_text WHERE audit_text MATCH ?{n}"),
        None => format!("SELECT COUNT(*) FROM audit_log{filter}"),
    };
    let total: i64 = conn.query_row(&count, rusqlite::params_from_iter(&args), |r| r.get(0))?;
    // Newest first. When the page is likely to be found by reading the log backwards (about
    // (offset + limit) × entries / matches entries read, fewer than the matches), read it so,
    // in the order of its key: the index on `table_name` would have SQLite sort every match
    // first (6 s for a page of a million matches). With few matches, that index finds them.
    let entries: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM audit_log", [], |r| r.get(0))?;
    let backwards = i128::from(total) * i128::from(total)
        > i128::from(offset.saturating_add(limit).min(u64::from(u32::MAX))) * i128::from(entries);
    let page_filter = if backwards { filter_of(&unindexed) } else { filter };
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log{page_filter} ORDER BY seq DESC LIMIT {limit} OFFSET {offset}"
    ))?;
    let rows =
        stmt.query_map(rusqlite::params_from_iter(&args), entry_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, AuditCount { n: u64::try_from(total).unwrap_or(0), at_least: false }))
}

/// A page of the entries whose values or reason contain `f`'s text (and of its action, table
/// and user when given), and their count: the matches are read newest first, up to the page's
/// end or the `cap`, whichever is further, then the page's entries. With the text's `words`,
/// the word index's rows are read in descending order (its `rowid` is the entry's `seq`) and
/// each entry checked, so no list of every candidate is made first; without, the log is read
/// backwards.
fn by_text(
    conn: &Connection,
    f: &AuditFilter,
    words: Option<&Words>,
    offset: u64,
    limit: u64,
    cap: Option<u64>,
) -> rusqlite::Result<(Vec<AuditEntry>, AuditCount)> {
    let (mut args, mut checks): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (column, value) in [("action", &f.action), ("table_name", &f.table), ("user", &f.user)] {
        if !value.trim().is_empty() {
            args.push(value.trim().to_string());
            checks.push(format!("+a.{column} = ?{}", args.len()));
        }
    }
    // LIKE with the wildcards in the text escaped: a plain "contains".
    let escaped = f.text.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    args.push(format!("%{escaped}%"));
    let n = args.len();
    checks.push(format!(
        "(a.old_value LIKE ?{n} ESCAPE '\\' OR a.new_value LIKE ?{n} ESCAPE '\\' OR a.reason LIKE ?{n} ESCAPE '\\')"
    ));
    // One more than is needed: whether there are more.
    let wanted = cap.map(|c| c.max(offset.saturating_add(limit)).saturating_add(1));
    let limit_sql = wanted.map_or(String::new(), |n| format!(" LIMIT {}", i64::try_from(n).unwrap_or(i64::MAX)));
    let sql = match words {
        Some(w) => {
            args.push(w.query.clone());
            format!(
                "SELECT a.seq FROM audit_text t JOIN audit_log a ON a.seq = t.rowid WHERE t.audit_text MATCH ?{} AND {} ORDER BY t.rowid DESC{limit_sql}",
                args.len(),
                checks.join(" AND ")
            )
        }
        None => format!("SELECT a.seq FROM audit_log a WHERE {} ORDER BY a.seq DESC{limit_sql}", checks.join(" AND ")),
    };
    let seqs: Vec<i64> = conn
        .prepare(&sql)?
        .query_map(rusqlite::params_from_iter(&args), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let found = u64::try_from(seqs.len()).unwrap_or(u64::MAX);
    let count = match wanted {
        Some(n) if found >= n => AuditCount { n: n - 1, at_least: true },
        _ => AuditCount { n: found, at_least: false },
    };
    let from = usize::try_from(offset).unwrap_or(usize::MAX).min(seqs.len());
    let to = usize::try_from(offset.saturating_add(limit)).unwrap_or(usize::MAX).min(seqs.len());
    Ok((entries_at(conn, &seqs[from..to])?, count))
}

/// The outcome of a successful verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Number of entries in the chain.
    pub entries: i64,
    /// The last entry's hash (the genesis value for an empty log). Writing it down elsewhere
    /// lets a later verification prove that the log was not rewritten wholesale.
    pub head: String,
    /// Records of each audited table, as rebuilt from the log (equal to the tables).
    pub records: Vec<(String, u64)>,
}

/// Why verification failed: the first entry (by `seq`) where the chain or the data stop
/// matching, or `None` when the problem is a record no entry describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    pub code: Code,
    pub seq: Option<i64>,
    pub message: String,
}

type Digest32 = [u8; 32];

fn digest(s: &str) -> Digest32 {
    Sha256::digest(s.as_bytes()).into()
}

/// Replay state of one record: digest of its current value (`None` once deleted), and the
/// last entry that touched it.
struct Replayed {
    value: Option<Digest32>,
    seq: i64,
    /// Set for a record created by an import (the index of the import in `imports`) until an
    /// entry or the table shows its value; that value then goes into the import's digest.
    import: Option<usize>,
}

/// An import entry being checked: the records it created, with their values when it ran.
struct ImportReplay {
    seq: i64,
    id: i64,
    first: Option<i64>,
    last: Option<i64>,
    records_sha256: String,
    values: HashMap<i64, Digest32>,
}

impl ImportReplay {
    /// From an `import` entry's value (the `import_batch` row as canonical JSON).
    fn parse(seq: i64, value: Option<&str>) -> Option<ImportReplay> {
        let v: serde_json::Value = serde_json::from_str(value?).ok()?;
        Some(ImportReplay {
            seq,
            id: v.get("id")?.as_i64()?,
            first: v.get("first_activity").and_then(serde_json::Value::as_i64),
            last: v.get("last_activity").and_then(serde_json::Value::as_i64),
            records_sha256: v.get("records_sha256")?.as_str()?.to_string(),
            values: HashMap::new(),
        })
    }
}

/// Walk the chain and replay it against the tables. `Ok(Err(..))` is a verification failure;
/// `Err` is a failure to read the database.
pub fn verify(conn: &Connection) -> rusqlite::Result<Result<Verified, Broken>> {
    let mut state: HashMap<&'static str, HashMap<i64, Replayed>> =
        AUDITED_TABLES.iter().map(|t| (*t, HashMap::new())).collect();
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1i64;
    let mut problems: Vec<Broken> = Vec::new();
    let mut imports: Vec<ImportReplay> = Vec::new();
    {
        let mut stmt = conn.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let e = entry_from_row(r)?;
            let chain_fail = |message: String| Broken { code: Code::AuditChainBroken, seq: Some(e.seq), message };
            if e.seq != expected_seq {
                let message = if e.seq > expected_seq {
                    format!(
                        "audit entry {expected_seq} is missing: the log goes from entry {} to entry {}",
                        expected_seq - 1,
                        e.seq
                    )
                } else {
                    format!("audit entry {} is out of order (expected entry {expected_seq})", e.seq)
                };
                return Ok(Err(Broken { code: Code::AuditChainBroken, seq: Some(expected_seq), message }));
            }
            if e.prev_hash != prev {
                return Ok(Err(chain_fail(format!(
                    "audit entry {} does not follow entry {}: its prev_hash is not entry {}'s hash (an entry was removed, reordered or rewritten)",
                    e.seq,
                    e.seq - 1,
                    e.seq - 1
                ))));
            }
            let fields = EntryFields {
                seq: e.seq,
                at: &e.at,
                user: &e.user,
                action: &e.action,
                table: &e.table,
                record: e.record,
                old: e.old_value.as_deref(),
                new: e.new_value.as_deref(),
                reason: e.reason.as_deref(),
            };
            if entry_hash(&e.prev_hash, &fields) != e.hash {
                return Ok(Err(chain_fail(format!(
                    "audit entry {} has been altered: its contents ({} {} {}) no longer match its hash",
                    e.seq, e.action, e.table, e.record
                ))));
            }
            prev = e.hash.clone();
            expected_seq += 1;

            // Replay.
            let Some(table) = state.get_mut(e.table.as_str()) else {
                problems.push(Broken {
                    code: Code::AuditDataMismatch,
                    seq: Some(e.seq),
                    message: format!("audit entry {} names an unknown table '{}'", e.seq, e.table),
                });
                continue;
            };
            let old = e.old_value.as_deref().map(digest);
            // A record an import created: the first entry to touch it shows its value then.
            let pending = table.get(&e.record).and_then(|r| r.import);
            let current = match (pending, old) {
                (Some(k), Some(o)) => {
                    if let Some(imp) = imports.get_mut(k) {
                        imp.values.insert(e.record, o);
                    }
                    Some(o)
                }
                _ => table.get(&e.record).and_then(|r| r.value),
            };
            if old != current {
                let what = match (current.is_some(), old.is_some()) {
                    (false, true) => "changes a record that did not exist at that point",
                    (true, false) => "creates a record that already existed",
                    _ => "starts from other values than the log had recorded for the record",
                };
                problems.push(Broken {
                    code: Code::AuditDataMismatch,
                    seq: Some(e.seq),
                    message: format!("audit entry {} ({} {} {}) {what}", e.seq, e.action, e.table, e.record),
                });
            }
            table.insert(e.record, Replayed { value: e.new_value.as_deref().map(digest), seq: e.seq, import: None });
            if e.action == "import" && e.table == "import_batch" {
                let Some(imp) = ImportReplay::parse(e.seq, e.new_value.as_deref()) else {
                    problems.push(Broken {
                        code: Code::AuditDataMismatch,
                        seq: Some(e.seq),
                        message: format!("audit entry {} records an import whose value cannot be read", e.seq),
                    });
                    continue;
                };
                if let (Some(first), Some(last), Some(records)) = (imp.first, imp.last, state.get_mut("activity")) {
                    for id in first..=last {
                        if records.contains_key(&id) {
                            problems.push(Broken {
                                code: Code::AuditDataMismatch,
                                seq: Some(e.seq),
                                message: format!(
                                    "audit entry {} (import {}) creates activity {id}, which already existed",
                                    e.seq, imp.id
                                ),
                            });
                            break;
                        }
                        records.insert(id, Replayed { value: None, seq: e.seq, import: Some(imports.len()) });
                    }
                }
                imports.push(imp);
            }
        }
    }
    if let Some(first) = problems.into_iter().next() {
        return Ok(Err(first));
    }

    // Compare the replayed records with the tables.
    let mut mismatches: Vec<Broken> = Vec::new();
    let mut records = Vec::new();
    for &table in AUDITED_TABLES {
        let mut replayed = state.remove(table).unwrap_or_default();
        let mut count = 0u64;
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id"))?;
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let id_col = names.iter().position(|n| n == "id").unwrap_or(0);
        let json_col = names.iter().position(|n| n == "result_json");
        let sha_col = names.iter().position(|n| n == "result_sha256");
        let json = RowJson::new(table, &names);
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            count += 1;
            let id: i64 = r.get(id_col)?;
            let value = digest(&json.write(r)?);
            match replayed.remove(&id) {
                Some(Replayed { import: Some(k), .. }) => {
                    if let Some(imp) = imports.get_mut(k) {
                        imp.values.insert(id, value);
                    }
                }
                Some(Replayed { value: Some(v), seq, .. }) if v == value => {
                    if let (Some(j), Some(s)) = (json_col, sha_col) {
                        let json: String = r.get(j)?;
                        let sha: String = r.get(s)?;
                        if scopebook_core::dataset::sha256_hex(json.as_bytes()) != sha {
                            mismatches.push(Broken {
                                code: Code::AuditDataMismatch,
                                seq: Some(seq),
                                message: format!("{table} {id}: the stored report no longer matches its SHA-256 recorded in audit entry {seq}"),
                            });
                        }
                    }
                }
                Some(Replayed { value: Some(_), seq, .. }) => mismatches.push(Broken {
                    code: Code::AuditDataMismatch,
                    seq: Some(seq),
                    message: format!("{table} {id} differs from its value in audit entry {seq}, the last entry that changed it: it was changed without the audit log"),
                }),
                Some(Replayed { value: None, seq, .. }) => mismatches.push(Broken {
                    code: Code::AuditDataMismatch,
                    seq: Some(seq),
                    message: format!("{table} {id} exists, but audit entry {seq} deleted it"),
                }),
                None => mismatches.push(Broken {
                    code: Code::AuditDataMismatch,
                    seq: None,
                    message: format!("{table} {id} exists, but no audit entry created it: it was added without the audit log"),
                }),
            }
        }
        for (id, r) in replayed {
            if r.value.is_some() || r.import.is_some() {
                mismatches.push(Broken {
                    code: Code::AuditDataMismatch,
                    seq: Some(r.seq),
                    message: format!(
                        "{table} {id} is missing, but audit entry {} records it: it was deleted without the audit log",
                        r.seq
                    ),
                });
            }
        }
        records.push((table.to_string(), count));
    }
    check_imports(conn, &imports, &mut mismatches)?;
    // The first entry where the data stops matching; records no entry describes come last.
    mismatches.sort_by_key(|b| (b.seq.unwrap_or(i64::MAX), b.message.clone()));
    if let Some(first) = mismatches.into_iter().next() {
        return Ok(Err(first));
    }
    Ok(Ok(Verified { entries: expected_seq - 1, head: prev, records }))
}

/// Each import's `records_sha256` against the values its records had when it ran, and the
/// source rows; and no source row outside an import.
fn check_imports(conn: &Connection, imports: &[ImportReplay], out: &mut Vec<Broken>) -> rusqlite::Result<()> {
    let mut stmt =
        conn.prepare("SELECT activity_id, source_row FROM activity_source WHERE import_id = ?1 ORDER BY activity_id")?;
    let mut linked = 0u64;
    for imp in imports {
        let mut lines = Vec::with_capacity(imp.values.len() * 90);
        let mut sources = stmt.query([imp.id])?;
        let mut count = 0usize;
        let mut bad: Option<String> = None;
        while let Some(r) = sources.next()? {
            let (id, row): (i64, i64) = (r.get(0)?, r.get(1)?);
            count += 1;
            match imp.values.get(&id) {
                Some(d) => super::import::record_line(&mut lines, id, row, d),
                None => {
                    bad.get_or_insert(format!(
                        "activity {id} is linked to import {} but the import did not create it",
                        imp.id
                    ));
                }
            }
        }
        linked += count as u64;
        if bad.is_none() && count != imp.values.len() {
            bad = Some(format!(
                "import {} created {} records, but {count} are linked to its file rows",
                imp.id,
                imp.values.len()
            ));
        }
        if bad.is_none() && scopebook_core::dataset::sha256_hex(&lines) != imp.records_sha256 {
            bad = Some(format!(
                "the records of import {} (activity {}..{}) or their source rows differ from what audit entry {} recorded: they were changed without the audit log",
                imp.id,
                imp.first.unwrap_or_default(),
                imp.last.unwrap_or_default(),
                imp.seq
            ));
        }
        if let Some(message) = bad {
            out.push(Broken { code: Code::AuditDataMismatch, seq: Some(imp.seq), message });
        }
    }
    let total: i64 = conn.query_row("SELECT COUNT(*) FROM activity_source", [], |r| r.get(0))?;
    if u64::try_from(total).unwrap_or(0) != linked {
        out.push(Broken {
            code: Code::AuditDataMismatch,
            seq: None,
            message: "activity_source holds source rows of no recorded import: they were added without the audit log"
                .into(),
        });
    }
    Ok(())
}

// The store's audit operations.
impl crate::Store {
    /// The whole audit log, oldest first.
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>, crate::StoreError> {
        self.read(|c| Ok(entries(c, None)?))
    }

    /// One page of the audit log, newest first, with the number of matching entries: entries
    /// of one action, table and user when given, whose values or reason contain `text`
    /// (case-insensitive for ASCII letters).
    pub fn audit_page(
        &self,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<AuditEntry>, u64), crate::StoreError> {
        self.read(|c| Ok(page(c, filter, offset, limit)?))
    }

    /// [`Store::audit_page`] for a screen: unless `exact`, the matches of a text looked for in
    /// each entry are counted up to [`AUDIT_COUNT_CAP`] (or the page's end, if further) and the
    /// count says "more than" beyond it (decision 0041).
    pub fn audit_page_counted(
        &self,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
        exact: bool,
    ) -> Result<(Vec<AuditEntry>, AuditCount), crate::StoreError> {
        self.read(|c| Ok(page_counted(c, filter, offset, limit, (!exact).then_some(AUDIT_COUNT_CAP))?))
    }

    /// The audit entries of one record (its history), oldest first.
    pub fn history(&self, table: &str, id: i64) -> Result<Vec<AuditEntry>, crate::StoreError> {
        self.read(|c| Ok(entries(c, Some((table, id)))?))
    }

    /// Walk the audit chain and replay it against the tables. Fails with the first entry where
    /// the chain or the data stop matching.
    pub fn verify(&self) -> Result<Verified, crate::StoreError> {
        let outcome = self.read(|c| Ok(verify(c)?))?;
        outcome.map_err(|b| crate::StoreError::one(b.code, self.name(), b.message))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn json_strings_are_written_as_serde_json_writes_them() {
        for s in ["", "plain", "天然气 10^4 Nm3", "quote\" in", "back\\slash", "tab\there", "nl\n", "\u{1f}", "é\u{7f}"]
        {
            let mut out = String::new();
            super::push_json_str(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }
}

#[cfg(test)]
mod count_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::model::ActivityInput;
    use crate::testing::{electricity, lib, store, TempDir};

    /// A text looked for in each entry, its count stopped at a cap: the same pages as when every
    /// match is counted, and "more than" the cap (or the page's end) when there are more.
    #[test]
    fn a_capped_count_gives_the_same_pages_and_says_more_than() {
        let dir = TempDir::new("audit-cap");
        let mut s = store(&dir);
        let inputs: Vec<ActivityInput> = (0..12)
            .map(|i| ActivityInput {
                evidence: Some(if i % 3 == 0 { format!("苏州 {i} 10^4 Nm3") } else { format!("other {i}") }),
                ..electricity(&format!("{}", 10 + i))
            })
            .collect();
        for input in &inputs {
            s.add_activity(lib(), 2023, input).unwrap();
        }
        let c = s.connection();
        for text in ["10^4 Nm3", "苏州", "other", "other 1"] {
            let f = AuditFilter { text: text.into(), ..AuditFilter::default() };
            let (all, total) = page(c, &f, 0, 100).unwrap();
            assert_eq!(u64::try_from(all.len()).unwrap(), total, "{text}");
            assert!(total >= 2, "{text}: {total}");
            for cap in [0u64, 1, 2, 3, 20] {
                for offset in 0..=total {
                    for limit in [1u64, 2, 5] {
                        let (got, count) = page_counted(c, &f, offset, limit, Some(cap)).unwrap();
                        let (want, _) = page(c, &f, offset, limit).unwrap();
                        assert_eq!(got, want, "{text}, cap {cap}, page {offset}+{limit}");
                        let end = cap.max(offset + limit);
                        // One word alone is counted by the index, exactly.
                        let expected = if total > end && text != "other" {
                            AuditCount { n: end, at_least: true }
                        } else {
                            AuditCount { n: total, at_least: false }
                        };
                        assert_eq!(count, expected, "{text}, cap {cap}, page {offset}+{limit}");
                    }
                }
            }
            let (_, exact) = page_counted(c, &f, 0, 1, None).unwrap();
            assert_eq!(exact, AuditCount { n: total, at_least: false });
        }
        // Filters with a text: only the entries of that action and table.
        let f = AuditFilter {
            action: "create".into(),
            table: "activity".into(),
            text: "10^4 Nm3".into(),
            ..AuditFilter::default()
        };
        assert_eq!(page_counted(c, &f, 0, 10, Some(1)).unwrap().1, AuditCount { n: 4, at_least: false });
        assert_eq!(page_counted(c, &f, 0, 2, Some(1)).unwrap().1, AuditCount { n: 2, at_least: true });
        let f = AuditFilter { action: "delete".into(), text: "10^4 Nm3".into(), ..AuditFilter::default() };
        assert_eq!(page_counted(c, &f, 0, 10, Some(1)).unwrap().1, AuditCount { n: 0, at_least: false });
    }
}
