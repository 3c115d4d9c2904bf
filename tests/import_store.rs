//! Imports into the store (`Store::import`): one transaction, lineage to the file's rows, one
//! audit entry per import whose digest `verify` recomputes, duplicates, and refusals that
//! change nothing. Runs on the schema-1 fixture, migrated, as users' files are.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::Connection;
use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;
use scopebook_store::{ActivityInput, Duplicate, ImportFile, ImportMode, ImportRow, NewTemplate, Store, ValueChoice};

fn lib() -> &'static FactorLibrary {
    static LIB: OnceLock<FactorLibrary> = OnceLock::new();
    LIB.get_or_init(|| {
        let (lib, diags) = FactorLibrary::shipped();
        assert!(diags.is_empty(), "{diags:?}");
        lib
    })
}

/// The schema-1 fixture (period 2023 locked, 2024 open with one record, evidence GAS-2024-Q1).
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("acme.scopebook");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v1.scopebook"), &path).unwrap();
    path
}

fn file() -> ImportFile {
    ImportFile {
        file_name: "gas-2024.csv".into(),
        sha256: "ab".repeat(32),
        format: "csv".into(),
        sheet: None,
        header_row: 1,
        template: None,
        mapping: r#"{"activity":"活动","facility":"设施","quantity":"用量","unit":"单位"}"#.into(),
        rows_read: 3,
        rows_refused_earlier: 0,
    }
}

fn row(source_row: u64, quantity: &str, evidence: &str) -> ImportRow {
    ImportRow {
        source_row,
        input: ActivityInput {
            facility: "SZ".into(),
            activity: "natural_gas".into(),
            quantity: quantity.into(),
            unit: "10^4 Nm3".into(),
            start: "2024-04-01".into(),
            end: "2024-06-30".into(),
            evidence: Some(evidence.into()),
            ..ActivityInput::default()
        },
    }
}

fn rows() -> Vec<ImportRow> {
    vec![row(2, "4.5", "GAS-2024-Q2"), row(3, "5", "GAS-2024-Q3"), row(4, "6.25", "GAS-2024-Q4")]
}

fn raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

fn sha(path: &Path) -> String {
    let c = raw(path);
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(c);
    scopebook_core::dataset::sha256_hex(&std::fs::read(path).unwrap())
}

#[test]
fn an_import_writes_its_records_with_lineage_and_one_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let mut s = Store::open(&path, "bob").unwrap();
    let entries_before = s.audit_log().unwrap().len();
    let template = NewTemplate {
        name: "gas bills".into(),
        signature: "sig".into(),
        headers: vec!["设施".into(), "活动".into(), "用量".into(), "单位".into()],
        mapping: file().mapping,
    };
    let choice = ValueChoice { kind: "activity".into(), source: "天然气".into(), target: "natural_gas".into() };
    let out = s
        .import(
            lib(),
            2024,
            &file(),
            &rows(),
            ImportMode::AllOrNothing,
            Some(&template),
            std::slice::from_ref(&choice),
            &|_| true,
        )
        .unwrap();
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let written = out.written.expect("written");
    assert_eq!(written.records, 3);
    assert_eq!((written.first_record, written.last_record), (Some(4), Some(6)));
    // The emissions are what `scopebook calc` gives for the same rows as an activity file.
    assert_eq!(out.inventory.line_count, 3);
    let csv = "facility,period_start,period_end,activity,quantity,unit,region\n\
               SZ,2024-04-01,2024-06-30,natural_gas,4.5,10^4 Nm3,CN-JS\n\
               SZ,2024-04-01,2024-06-30,natural_gas,5,10^4 Nm3,CN-JS\n\
               SZ,2024-04-01,2024-06-30,natural_gas,6.25,10^4 Nm3,CN-JS\n";
    let opts = scopebook_core::calc::CalcOptions { gwp_set: scopebook_core::gas::GwpSet::AR5, keep_lines: false };
    let (calc, _) = scopebook_core::pipeline::calculate_csv(lib(), "same.csv", csv.as_bytes(), opts);
    assert!(calc.totals.all.scope1 > rust_decimal::Decimal::ZERO);
    assert_eq!(out.inventory.totals.all, calc.totals.all);

    // One import entry, one template entry, one value-choice entry.
    let log = s.audit_log().unwrap();
    let new: Vec<_> = log[entries_before..].iter().map(|e| (e.action.as_str(), e.table.as_str())).collect();
    assert_eq!(new, [("import", "import_batch"), ("create", "import_template"), ("create", "value_mapping")]);
    s.verify().unwrap();

    let lineage = s.lineage(5).unwrap().expect("record 5 was imported");
    assert_eq!((lineage.source_row, lineage.import.file_name.as_str()), (3, "gas-2024.csv"));
    assert_eq!(lineage.import.rows_imported, 3);
    assert_eq!(s.lineage(3).unwrap(), None, "record 3 was typed in");
    assert_eq!(s.templates().unwrap()[0].name, "gas bills");
    assert_eq!(s.value_choices().unwrap(), [choice]);
    assert_eq!(s.activities(2024, false).unwrap().len(), 4);

    // An imported record edited later still verifies: the edit's entry shows its first value.
    let mut input = s.activity(5).unwrap().to_input();
    input.quantity = "5.5".into();
    s.update_activity(lib(), 5, &input, Some("meter re-read")).unwrap();
    s.delete_activity(6, Some("entered twice")).unwrap();
    s.verify().unwrap();
}

#[test]
fn a_dry_run_and_a_refused_import_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let mut s = Store::open(&path, "bob").unwrap();
    drop(s);
    let before = sha(&path);
    s = Store::open(&path, "bob").unwrap();

    let dry = s.import(lib(), 2024, &file(), &rows(), ImportMode::DryRun, None, &[], &|_| true).unwrap();
    assert!(dry.written.is_none());
    assert_eq!(dry.valid, 3);
    assert_eq!(dry.inventory.line_count, 3);

    let mut bad = rows();
    bad[1].input.unit = "km".into(); // does not fit natural gas (kWh now does: it is energy)
    bad[2].input.facility = "NOPE".into();
    let refused = s.import(lib(), 2024, &file(), &bad, ImportMode::AllOrNothing, None, &[], &|_| true).unwrap();
    assert!(refused.written.is_none());
    assert_eq!(refused.valid, 1);
    let codes: Vec<(usize, Code, Option<u64>)> =
        refused.problems.iter().flat_map(|(i, ds)| ds.iter().map(move |d| (*i, d.code, d.location.row))).collect();
    assert_eq!(codes, [(1, Code::UnitMismatch, Some(3)), (2, Code::UnknownRecord, Some(4))]);
    assert_eq!(refused.problems[&1][0].location.file, "gas-2024.csv");

    let locked = s.import(lib(), 2023, &file(), &rows(), ImportMode::AllOrNothing, None, &[], &|_| true).unwrap_err();
    assert_eq!(locked.code(), Some(Code::PeriodLocked));
    drop(s);
    assert_eq!(sha(&path), before, "nothing was written");
}

#[test]
fn valid_rows_only_skips_the_others_and_duplicates_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let mut s = Store::open(&path, "bob").unwrap();
    let mut mixed = rows();
    mixed.push(row(5, "1", "GAS-2024-Q1")); // repeats record 3 of the fixture
    mixed.push(row(6, "2", "GAS-2024-Q3")); // repeats row 3 of this file
    mixed[0].input.quantity = "-4".into();
    let out = s.import(lib(), 2024, &file(), &mixed, ImportMode::ValidRowsOnly, None, &[], &|_| true).unwrap();
    assert_eq!(out.duplicates, [(3, Duplicate::Record(3)), (4, Duplicate::Row(3))]);
    assert_eq!(out.problems.keys().copied().collect::<Vec<_>>(), [0, 3, 4]);
    assert_eq!(out.problems[&0][0].code, Code::NegativeQuantity);
    assert_eq!(out.problems[&3][0].code, Code::DuplicateRecord);
    let written = out.written.unwrap();
    assert_eq!(written.records, 2);
    let summary = &s.imports().unwrap()[0];
    assert_eq!((summary.rows_read, summary.rows_imported, summary.rows_skipped), (3, 2, 1));
    s.verify().unwrap();

    // The same file again: every row is now a duplicate, and the earlier import is named.
    let again = s.import(lib(), 2024, &file(), &rows(), ImportMode::DryRun, None, &[], &|_| true).unwrap();
    assert_eq!(again.earlier_imports.len(), 1);
    assert_eq!(again.duplicates.len(), 2);
}

/// Each way of changing imported data behind the log's back is found by `verify`.
#[test]
fn tampering_with_imported_records_or_their_lineage_is_detected() {
    let cases: &[(&str, &str)] = &[
        ("a record's quantity", "UPDATE activity SET quantity = '45' WHERE id = 5"),
        ("a record removed", "DELETE FROM activity WHERE id = 6"),
        (
            "a record added behind the log's back",
            "INSERT INTO activity SELECT 7, period_id, facility_id, activity, quantity, unit, start_date, end_date, factor, region, scope3_category, supplier, evidence, evidence_file, evidence_sha256, meter_id, data_quality, note, entered_by, created_at, status, supersedes, restatement_reason, sector, ncv_gj_per_unit, carbon_t_per_gj, oxidation, parameter_source, method, dq_technology, dq_time, dq_geography, dq_completeness, dq_reliability, currency_year, exchange_rate, price_index, attribution, pcaf_score FROM activity WHERE id = 6",
        ),
        (
            "a source row rewritten",
            "DROP TRIGGER activity_source_no_update; UPDATE activity_source SET source_row = 9 WHERE activity_id = 4",
        ),
        ("a source row invented", "INSERT INTO activity_source VALUES (3, 1, 2)"),
        (
            "the import's digest rewritten",
            "DROP TRIGGER import_batch_no_update; UPDATE import_batch SET records_sha256 = 'x'",
        ),
    ];
    for (what, sql) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path());
        let mut s = Store::open(&path, "bob").unwrap();
        s.import(lib(), 2024, &file(), &rows(), ImportMode::AllOrNothing, None, &[], &|_| true).unwrap();
        s.verify().unwrap();
        drop(s);
        raw(&path).execute_batch(sql).unwrap();
        let s = Store::open(&path, "bob").unwrap();
        let e = s.verify().expect_err(what);
        assert_eq!(e.code(), Some(Code::AuditDataMismatch), "{what}: {e}");
    }
}

#[test]
fn a_cancelled_import_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let mut s = Store::open(&path, "bob").unwrap();
    let many: Vec<ImportRow> = (0..5000u64).map(|i| row(i + 2, "1", &format!("GAS-{i}"))).collect();
    let asked = std::sync::atomic::AtomicU64::new(0);
    let out = s
        .import(lib(), 2024, &file(), &many, ImportMode::AllOrNothing, None, &[], &|n| {
            asked.store(n, std::sync::atomic::Ordering::Relaxed);
            false
        })
        .unwrap();
    assert!(out.cancelled && out.written.is_none());
    assert_eq!(asked.into_inner(), 4096, "asked after the first 4,096 records");
    drop(s);
    // Opening migrated the file to schema 2; nothing else changed.
    let s = Store::open(&path, "bob").unwrap();
    assert_eq!(s.activities(2024, false).unwrap().len(), 1);
    assert!(s.imports().unwrap().is_empty());
    s.verify().unwrap();
}
