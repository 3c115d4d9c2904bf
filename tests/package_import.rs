//! Issue 13: a package of records that came in through `scopebook import` (one audit entry for
//! the whole import, carrying `records_sha256`) verifies, in Rust and in `verify.py`; an imported
//! record changed or removed in the package is found, naming the import or the record
//! (decision 0045).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;
use scopebook_package::{archive, export, seal, verify, ExportOptions, Verification};
use scopebook_store::{
    ActivityInput, Consolidation, ImportFile, ImportMode, ImportRow, NewFacility, NewOrganisation, NewPeriod, Store,
};

const ORG: &str = "Acme (Suzhou) Co., Ltd.";

fn row(source_row: u64, quantity: &str) -> ImportRow {
    ImportRow {
        source_row,
        input: ActivityInput {
            facility: "SZ".into(),
            activity: "natural_gas".into(),
            quantity: quantity.into(),
            unit: "10^4 Nm3".into(),
            start: "2023-01-01".into(),
            end: "2023-12-31".into(),
            evidence: Some(format!("GAS-{source_row}")),
            ..ActivityInput::default()
        },
    }
}

/// A store with one hand-entered record and four imported ones (file rows 2..=5, ids 2..=5);
/// `edit` runs before the period is locked.
fn inventory(dir: &Path, lib: &FactorLibrary, edit: impl FnOnce(&mut Store)) -> PathBuf {
    let db = dir.join("inventory.db");
    let org = NewOrganisation { name: ORG.into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&db, &org, "preparer").unwrap();
    s.add_facility(&NewFacility::new("SZ", "Suzhou plant", "CN-JS")).unwrap();
    s.add_period(lib, &NewPeriod::year(2023)).unwrap();
    let mut hand = row(0, "1.5").input;
    hand.evidence = Some("HAND-1".into());
    s.add_activity(lib, 2023, &hand).unwrap();
    let rows = vec![row(2, "4.5"), row(3, "5"), row(4, "6.25"), row(5, "7.125")];
    let file = ImportFile {
        file_name: "gas-2023.csv".into(),
        sha256: "ab".repeat(32),
        format: "csv".into(),
        sheet: None,
        header_row: 1,
        template: None,
        mapping: r#"{"activity":"activity","facility":"facility","quantity":"quantity","unit":"unit"}"#.into(),
        rows_read: 4,
        rows_refused_earlier: 0,
    };
    let out = s.import(lib, 2023, &file, &rows, ImportMode::AllOrNothing, None, &[], &|_| true).unwrap();
    let written = out.written.expect("the import was written");
    assert_eq!((written.first_record, written.last_record), (Some(2), Some(5)));
    edit(&mut s);
    s.lock_period(lib, 2023).unwrap();
    db
}

fn package(db: &Path, lib: &FactorLibrary) -> Vec<u8> {
    let s = Store::open(db, "auditor").unwrap();
    export(&s, lib, 2023, &ExportOptions::default()).unwrap().bytes
}

fn codes(v: &Verification) -> Vec<String> {
    v.findings.iter().map(ToString::to_string).collect()
}

fn has(v: &Verification, code: Code, text: &str) -> bool {
    v.findings.iter().any(|d| d.code == code && d.to_string().contains(text))
}

fn tampered(bytes: &[u8], edit: impl FnOnce(&mut BTreeMap<String, Vec<u8>>)) -> Vec<u8> {
    let mut files = archive::read(bytes).unwrap();
    edit(&mut files);
    seal(&mut files, ORG, 2023);
    archive::write(&files).unwrap()
}

fn replace(files: &mut BTreeMap<String, Vec<u8>>, path: &str, from: &str, to: &str) {
    let text = String::from_utf8(files[path].clone()).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}");
    files.insert(path.into(), text.replacen(from, to, 1).into_bytes());
}

/// `python3 verify.py` in the unzipped package, or `None` (with a note) when python3 is missing.
fn python(bytes: &[u8], dir: &Path) -> Option<std::process::Output> {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed, so verify.py was not run");
        return None;
    }
    let out = dir.join("unzipped");
    let _ = std::fs::remove_dir_all(&out);
    for (path, b) in archive::read(bytes).unwrap() {
        let p = out.join(&path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b).unwrap();
    }
    Some(Command::new("python3").arg(out.join("verify.py")).output().unwrap())
}

/// The record `id` of `data/records.json` changed by `change` (its stored JSON re-hashed), with
/// the activity file's row changed alike, as a forger who knows the format would.
fn change_record(files: &mut BTreeMap<String, Vec<u8>>, id: i64, from: &str, to: &str) {
    let mut records: serde_json::Value = serde_json::from_slice(&files["data/records.json"]).unwrap();
    for r in records.as_array_mut().unwrap() {
        if r["id"] == id {
            let stored = r["stored"].as_str().unwrap().replacen(from, to, 1);
            assert_ne!(stored, r["stored"].as_str().unwrap(), "record {id} has no {from:?}");
            r["sha256"] = scopebook_core::dataset::sha256_hex(stored.as_bytes()).into();
            r["stored"] = stored.into();
        }
    }
    files.insert("data/records.json".into(), serde_json::to_vec_pretty(&records).unwrap());
}

#[test]
fn issue_13_a_package_of_imported_records_verifies_in_rust_and_python() {
    let dir = tempfile::tempdir().unwrap();
    let lib = FactorLibrary::shipped().0;
    let db = inventory(dir.path(), &lib, |_| {});
    let bytes = package(&db, &lib);
    let v = verify("pkg.zip", &bytes);
    assert!(v.verified, "{:#?}", codes(&v));
    assert_eq!((v.records, v.recomputed), (5, 5));
    let Some(out) = python(&bytes, dir.path()) else { return };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "verify.py failed:\n{text}{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn issue_13_an_imported_record_edited_before_the_lock_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let lib = FactorLibrary::shipped().0;
    let db = inventory(dir.path(), &lib, |s| {
        let mut input = row(3, "5.5").input;
        input.evidence = Some("GAS-3-corrected".into());
        s.update_activity(&lib, 3, &input, Some("meter reading corrected")).unwrap();
    });
    let bytes = package(&db, &lib);
    let v = verify("pkg.zip", &bytes);
    assert!(v.verified, "{:#?}", codes(&v));
    let Some(out) = python(&bytes, dir.path()) else { return };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "verify.py failed:\n{text}{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn issue_13_an_imported_record_restated_after_the_lock_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let lib = FactorLibrary::shipped().0;
    let db = inventory(dir.path(), &lib, |_| {});
    let mut s = Store::open(&db, "preparer").unwrap();
    let restated = s.restate_activity(&lib, 4, &row(4, "6.5").input, "meter reading corrected").unwrap();
    drop(s);
    let bytes = package(&db, &lib);
    let files = archive::read(&bytes).unwrap();
    // The superseded record 4 is not among the period's records, but its import still lists it.
    let records = String::from_utf8_lossy(&files["data/records.json"]).to_string();
    assert!(records.contains("\"id\": 5,") && !records.contains("\"id\": 4,"), "{records}");
    assert!(String::from_utf8_lossy(&files["audit/imports.csv"]).contains("\n1,4,4\n"));
    let v = verify("pkg.zip", &bytes);
    assert!(v.verified, "{:#?}", codes(&v));
    assert!(has(&v, Code::SnapshotMismatch, "restated"), "{:#?}", codes(&v));
    assert_eq!(v.records, 5, "records 2, 3, 5, the hand-entered 1 and the restating {}", restated.id);
    let Some(out) = python(&bytes, dir.path()) else { return };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "verify.py failed:\n{text}{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn issue_13_an_imported_record_changed_or_removed_in_the_package_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let lib = FactorLibrary::shipped().0;
    let db = inventory(dir.path(), &lib, |_| {});
    let bytes = package(&db, &lib);

    // Record 4's quantity changed in its stored JSON and its row (manifest resealed): only the
    // import's records_sha256 can catch it.
    let bad = tampered(&bytes, |f| {
        change_record(f, 4, "\"quantity\":\"6.25\"", "\"quantity\":\"6.2\"");
        replace(f, "data/activities.csv", "6.25", "6.2");
    });
    let v = verify("pkg.zip", &bad);
    assert!(!v.verified);
    assert!(has(&v, Code::AuditDataMismatch, "import 1"), "{:#?}", codes(&v));
    assert!(has(&v, Code::AuditDataMismatch, "records 2-5"), "{:#?}", codes(&v));
    if let Some(out) = python(&bad, dir.path()) {
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains("import 1"), "{text}");
    }

    // Record 5 removed from the records and the activity file (manifest resealed).
    let bad = tampered(&bytes, |f| {
        let mut records: serde_json::Value = serde_json::from_slice(&f["data/records.json"]).unwrap();
        records.as_array_mut().unwrap().retain(|r| r["id"] != 5);
        f.insert("data/records.json".into(), serde_json::to_vec_pretty(&records).unwrap());
        let text = String::from_utf8(f["data/activities.csv"].clone()).unwrap();
        let kept: Vec<&str> = text.lines().filter(|l| !l.contains("GAS-5")).collect();
        f.insert("data/activities.csv".into(), (kept.join("\n") + "\n").into_bytes());
    });
    let v = verify("pkg.zip", &bad);
    assert!(!v.verified);
    assert!(has(&v, Code::AuditDataMismatch, "activity 5"), "{:#?}", codes(&v));
    if let Some(out) = python(&bad, dir.path()) {
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains("activity 5"), "{text}");
    }

    // An import's source row rewritten in the package.
    let bad = tampered(&bytes, |f| replace(f, "audit/imports.csv", "1,3,3", "1,3,9"));
    let v = verify("pkg.zip", &bad);
    assert!(has(&v, Code::AuditDataMismatch, "import 1"), "{:#?}", codes(&v));
}
