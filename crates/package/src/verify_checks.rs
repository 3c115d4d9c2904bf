//! The package's files tied to each other: the activity file's rows to the stored records, the
//! snapshot to its report, the GWP tables to their metadata.

use std::collections::BTreeMap;

use scopebook_core::dataset::{sha256_hex, DatasetMeta};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use serde_json::Value;

use crate::layout;
use crate::verify::{s, tied, Ctx};

/// The activity file's cells against the stored records (column → stored key).
pub(crate) fn check_rows(c: &mut Ctx, ids: &[u64], stored: &[Value], codes: &BTreeMap<i64, String>) {
    let Some(bytes) = c.files.get(layout::ACTIVITIES).cloned() else {
        c.error(Code::WrongFileType, Location::file(layout::ACTIVITIES), "the package lacks its activity file");
        return;
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
    let headers: Vec<String> = reader.headers().map(|h| h.iter().map(str::to_string).collect()).unwrap_or_default();
    let pairs = [
        ("period_start", "start_date"),
        ("period_end", "end_date"),
        ("activity", "activity"),
        ("quantity", "quantity"),
        ("unit", "unit"),
        ("factor", "factor"),
        ("scope3_category", "scope3_category"),
        ("supplier", "supplier"),
        ("evidence", "evidence"),
        ("ncv_gj_per_unit", "ncv_gj_per_unit"),
        ("carbon_t_per_gj", "carbon_t_per_gj"),
        ("oxidation", "oxidation"),
        ("parameter_source", "parameter_source"),
    ];
    let mut count = 0;
    for (i, row) in reader.records().enumerate() {
        count += 1;
        let Ok(row) = row else {
            c.error(
                Code::MalformedRow,
                Location::row(layout::ACTIVITIES, i as u64 + 2),
                "the row cannot be read as CSV",
            );
            continue;
        };
        let (Some(id), Some(rec)) = (ids.get(i), stored.get(i)) else { break };
        let cell =
            |name: &str| headers.iter().position(|h| h == name).and_then(|p| row.get(p)).unwrap_or("").to_string();
        let facility =
            rec.get("facility_id").and_then(Value::as_i64).and_then(|f| codes.get(&f).cloned()).unwrap_or_default();
        let mut wrong: Vec<&str> = Vec::new();
        if cell("facility") != facility {
            wrong.push("facility");
        }
        for (column, key) in pairs {
            let value = s(rec, &format!("/{key}"));
            if headers.iter().any(|h| h == column) && cell(column) != value {
                wrong.push(column);
            }
        }
        if !wrong.is_empty() {
            c.error(
                Code::AuditDataMismatch,
                Location::row(layout::ACTIVITIES, i as u64 + 2),
                format!("record {id}: {} not what the stored record says", wrong.join(", ")),
            );
        }
    }
    if count != ids.len() {
        c.error(
            Code::AuditDataMismatch,
            Location::file(layout::ACTIVITIES),
            format!("it has {count} rows but data/records.json has {} records", ids.len()),
        );
    }
}

pub(crate) fn check_snapshot(c: &mut Ctx, last: &BTreeMap<(String, i64), Option<String>>, activities_sha: &str) {
    if !c.files.contains_key(layout::SNAPSHOT) {
        return;
    }
    let Some(snap) = c.json(layout::SNAPSHOT) else { return };
    let id = snap.get("id").and_then(Value::as_i64).unwrap_or(0);
    let Some(row) = tied(c, last, layout::SNAPSHOT, "snapshot", id, &s(&snap, "/stored")) else { return };
    let report_sha = c.files.get(layout::SNAPSHOT_REPORT).map(|b| sha256_hex(b)).unwrap_or_default();
    if s(&row, "/result_sha256") != report_sha {
        c.error(
            Code::ChecksumMismatch,
            Location::file(layout::SNAPSHOT_REPORT),
            "it is not the report the snapshot record's result_sha256 names",
        );
    }
    if s(&row, "/input_sha256") != activities_sha {
        c.findings.push(Diagnostic::warning(
            Code::SnapshotMismatch,
            Location::file(layout::SNAPSHOT),
            "the records were restated after the lock: data/activities.csv is not the input the snapshot was taken of (the snapshot keeps the signed figures)",
        ));
    }
}

pub(crate) fn check_gwp(c: &mut Ctx) -> bool {
    let Some(text) = c.files.get(layout::GWP_META).map(|b| String::from_utf8_lossy(b).into_owned()) else {
        c.error(Code::WrongFileType, Location::file(layout::GWP_META), "the package lacks its GWP table's metadata");
        return false;
    };
    let meta = match DatasetMeta::parse(layout::GWP_META, &text) {
        Ok(m) => m,
        Err(d) => {
            c.findings.push(d);
            return false;
        }
    };
    let mut ok = true;
    for (key, path) in [("gwp100", layout::GWP_TABLE), ("blends", layout::GWP_BLENDS)] {
        let want = meta.files.get(&format!("{key}_sha256")).cloned().unwrap_or_default();
        let Some(bytes) = c.files.get(path) else {
            c.error(Code::WrongFileType, Location::file(path), "the package lacks this GWP file");
            ok = false;
            continue;
        };
        if let Err(d) = scopebook_core::dataset::verify_checksum(path, bytes, &want) {
            c.findings.push(d);
            ok = false;
        }
    }
    ok
}
