//! Imported records tied to their import (decision 0045). An import is audited by one entry
//! whose value (the `import_batch` row) carries `records_sha256`: the SHA-256 of one line per
//! record it created, in id order, `"{id}\t{source_row}\t{sha256 of the record's canonical
//! JSON at the import}\n"` (decision 0015). A record's value at the import is the `old_value` of
//! the first later entry that touches it, or else its value now (`data/records.json`: a record
//! no entry touched since is a current record of the import's period). The source rows are in
//! `audit/imports.csv`. An import whose records give its digest vouches for each of them.

use std::collections::{BTreeMap, BTreeSet};

use scopebook_core::dataset::sha256_hex;
use scopebook_core::diagnostic::{Code, Location};
use serde_json::Value;

use crate::layout;
use crate::verify::Ctx;

/// An `import` entry of the log: its batch row's fields.
struct ImportEntry {
    seq: i64,
    id: i64,
    period_id: i64,
    first: i64,
    last: i64,
    records_sha256: String,
}

/// The ids of `stored` (record id → stored canonical JSON, the package's current records)
/// that an import of period `period_id` created and whose digest the package's data give.
/// Each import that does not is reported, named with its entry and records.
pub(crate) fn covered(c: &mut Ctx, stored: &BTreeMap<i64, String>, period_id: i64) -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    let log = c.files.get(layout::AUDIT_LOG).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let entries: Vec<Value> = log.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let imports: Vec<ImportEntry> = entries
        .iter()
        .filter(|e| e["action"] == "import" && e["table"] == "import_batch")
        .filter_map(|e| {
            let row: Value = serde_json::from_str(e["new_value"].as_str()?).ok()?;
            Some(ImportEntry {
                seq: e["seq"].as_i64()?,
                id: row["id"].as_i64()?,
                period_id: row["period_id"].as_i64()?,
                first: row["first_activity"].as_i64()?,
                last: row["last_activity"].as_i64()?,
                records_sha256: row["records_sha256"].as_str()?.to_string(),
            })
        })
        .collect();
    if imports.is_empty() {
        return out;
    }
    // The first entry after its import that touches each imported record: its old value.
    let by_first: BTreeMap<i64, &ImportEntry> = imports.iter().map(|i| (i.first, i)).collect();
    let mut at_import: BTreeMap<i64, Option<String>> = BTreeMap::new();
    for e in entries.iter().filter(|e| e["table"] == "activity") {
        let (Some(id), Some(seq)) = (e["record"].as_i64(), e["seq"].as_i64()) else { continue };
        let Some((_, imp)) = by_first.range(..=id).next_back() else { continue };
        if id <= imp.last && seq > imp.seq && !at_import.contains_key(&id) {
            at_import.insert(id, e["old_value"].as_str().map(str::to_string));
        }
    }
    let sources = read_sources(c);
    let known: BTreeSet<i64> = imports.iter().map(|i| i.id).collect();
    for id in sources.keys().filter(|id| !known.contains(id)) {
        c.error(
            Code::AuditDataMismatch,
            Location::file(layout::AUDIT_IMPORTS),
            format!("it lists records of import {id}, which no entry of the audit log records"),
        );
    }
    for imp in imports.iter().filter(|i| i.period_id == period_id) {
        let rows = sources.get(&imp.id).map(Vec::as_slice).unwrap_or_default();
        match digest(imp, rows, &at_import, stored) {
            Ok(sha) if sha == imp.records_sha256 => out.extend(rows.iter().map(|(id, _)| *id)),
            Ok(_) => c.error(
                Code::AuditDataMismatch,
                Location::file(layout::AUDIT_IMPORTS),
                format!(
                    "import {} (audit entry {}, activity {}-{}): its records in the package, with their source rows, do not give the records_sha256 the entry recorded: a record or a source row was changed, added or removed",
                    imp.id, imp.seq, imp.first, imp.last
                ),
            ),
            Err(why) => c.error(
                Code::AuditDataMismatch,
                Location::file(layout::AUDIT_IMPORTS),
                format!("import {} (audit entry {}, activity {}-{}): {why}", imp.id, imp.seq, imp.first, imp.last),
            ),
        }
    }
    out
}

/// `records_sha256` worked out from the package, or why it cannot be.
fn digest(
    imp: &ImportEntry,
    rows: &[(i64, i64)],
    at_import: &BTreeMap<i64, Option<String>>,
    stored: &BTreeMap<i64, String>,
) -> Result<String, String> {
    let expected = imp.last - imp.first + 1;
    if i64::try_from(rows.len()).ok() != Some(expected) {
        return Err(format!("the import created {expected} records but audit/imports.csv lists {}", rows.len()));
    }
    let mut text = String::with_capacity(rows.len() * 90);
    for (id, row) in rows {
        if *id < imp.first || *id > imp.last {
            return Err(format!("activity {id} is listed but the import did not create it"));
        }
        let value = match at_import.get(id) {
            Some(Some(old)) => old,
            Some(None) => return Err(format!("activity {id}: the first later entry that touches it has no old value")),
            None => stored.get(id).ok_or_else(|| {
                format!("activity {id} is neither in data/records.json nor changed by a later audit entry: it was removed from the package")
            })?,
        };
        text.push_str(&format!("{id}\t{row}\t{}\n", sha256_hex(value.as_bytes())));
    }
    Ok(sha256_hex(text.as_bytes()))
}

/// `audit/imports.csv`: import id → (record id, source row), by record id.
fn read_sources(c: &mut Ctx) -> BTreeMap<i64, Vec<(i64, i64)>> {
    let mut out: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    let Some(bytes) = c.files.get(layout::AUDIT_IMPORTS).cloned() else { return out };
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    for (i, row) in reader.records().enumerate() {
        let cells = row.ok().map(|r| r.iter().map(|c| c.parse::<i64>().ok()).collect::<Vec<_>>()).unwrap_or_default();
        match cells.as_slice() {
            [Some(import), Some(activity), Some(source_row)] => {
                out.entry(*import).or_default().push((*activity, *source_row));
            }
            _ => c.error(
                Code::MalformedRow,
                Location::row(layout::AUDIT_IMPORTS, i as u64 + 2),
                "not a row of three whole numbers (import, activity, source_row)",
            ),
        }
    }
    for rows in out.values_mut() {
        rows.sort_unstable();
    }
    out
}

/// Ids as runs: `2-5, 7`.
pub(crate) fn runs(ids: &[i64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { ids[i].to_string() } else { format!("{}-{}", ids[i], ids[j]) });
        i = j + 1;
    }
    parts.join(", ")
}
