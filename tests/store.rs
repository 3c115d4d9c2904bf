//! The inventory file (`scopebook_store`): model rules, one transaction per action, locked
//! periods and restatements, snapshots, migrations, foreign files, backup and restore, and the
//! audit chain's detection of tampering.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::Connection;
use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;
use scopebook_core::run::Run;
use scopebook_store::{
    schema, ActivityInput, Consolidation, FacilityChange, FacilityKind, LockedChange, NewFacility, NewOrganisation,
    NewPeriod, PeriodStatus, RecordStatus, SnapshotComparison, Store, StoreError,
};

fn lib() -> &'static FactorLibrary {
    static LIB: OnceLock<FactorLibrary> = OnceLock::new();
    LIB.get_or_init(|| {
        let (lib, diags) = FactorLibrary::shipped();
        assert!(diags.is_empty(), "{diags:?}");
        lib
    })
}

fn code(e: &StoreError) -> Code {
    e.code().unwrap_or_else(|| panic!("an error without a diagnostic: {e:?}"))
}

fn org() -> NewOrganisation {
    NewOrganisation { name: "Acme Manufacturing".into(), consolidation: Consolidation::OperationalControl }
}

fn electricity(kwh: &str) -> ActivityInput {
    ActivityInput {
        facility: "SZ".into(),
        activity: "grid_electricity".into(),
        quantity: kwh.into(),
        unit: "kWh".into(),
        start: "2023-01-01".into(),
        end: "2023-12-31".into(),
        evidence: Some("INV-2023-001".into()),
        ..ActivityInput::default()
    }
}

fn gas(amount: &str) -> ActivityInput {
    ActivityInput {
        facility: "SZ".into(),
        activity: "natural_gas".into(),
        quantity: amount.into(),
        unit: "10^4 Nm3".into(),
        start: "2023-01-01".into(),
        end: "2023-03-31".into(),
        data_quality: Some("measured".into()),
        ..ActivityInput::default()
    }
}

/// A file with an organisation, two facilities, period 2023 and two records.
fn populated(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("acme.db");
    let mut s = Store::create(&path, &org(), "alice").unwrap();
    s.add_facility(&NewFacility {
        kind: FacilityKind::LegalEntity,
        ..NewFacility::new("ACME-CN", "Acme China Ltd", "CN")
    })
    .unwrap();
    s.add_facility(&NewFacility {
        parent: Some("ACME-CN".into()),
        grid_region: Some("CN-GRID-EAST".into()),
        equity_share: Some("75.5".into()),
        ..NewFacility::new("SZ", "Suzhou plant", "CN-JS")
    })
    .unwrap();
    s.add_period(lib(), &NewPeriod::year(2023)).unwrap();
    s.add_activity(lib(), 2023, &electricity("1862400")).unwrap();
    s.add_activity(lib(), 2023, &gas("12.5")).unwrap();
    (path, s)
}

fn counts(s: &Store) -> (i64, i64, i64, i64) {
    let c = s.connection();
    let n = |t: &str| c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap();
    (n("facility"), n("period"), n("activity"), n("audit_log"))
}

fn raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

fn sha(path: &Path) -> String {
    scopebook_core::dataset::sha256_hex(&std::fs::read(path).unwrap())
}

#[test]
fn a_new_file_records_its_creation_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = populated(dir.path());
    assert_eq!(s.organisation().unwrap().name, "Acme Manufacturing");
    let v = s.verify().unwrap();
    assert_eq!(v.entries, 6, "organisation, 2 facilities, 1 period, 2 records");
    assert_eq!(s.audit_log().unwrap()[0].user, "alice");
    drop(s);
    let c = raw(&path);
    let (app, version) = schema::identity(&c).unwrap();
    assert_eq!((app, version), (schema::APPLICATION_ID, schema::SCHEMA_VERSION));
    let mode: String = c.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let s = Store::open(&path, "bob").unwrap();
    let f = s.facility("SZ").unwrap();
    assert_eq!(
        (f.parent.as_deref(), f.equity_share.as_str(), f.grid_region.as_deref()),
        (Some("ACME-CN"), "75.5", Some("CN-GRID-EAST"))
    );
    assert_eq!(s.activities(2023, false).unwrap().len(), 2);
}

#[test]
fn bad_boundary_input_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    let before = counts(&s);
    let cases: Vec<(NewFacility, Code)> = vec![
        (NewFacility::new("SZ", "again", "CN"), Code::DuplicateId),
        (NewFacility { equity_share: Some("100.01".into()), ..NewFacility::new("A", "a", "CN") }, Code::OutOfRange),
        (NewFacility { equity_share: Some("-1".into()), ..NewFacility::new("A", "a", "CN") }, Code::OutOfRange),
        (NewFacility { equity_share: Some("50%".into()), ..NewFacility::new("A", "a", "CN") }, Code::MalformedNumber),
        (NewFacility { parent: Some("NOPE".into()), ..NewFacility::new("A", "a", "CN") }, Code::UnknownRecord),
        (NewFacility::new("A", "a", "Jiangsu Province"), Code::InvalidRegion),
        (NewFacility::new(" ", "a", "CN"), Code::MissingValue),
    ];
    for (f, want) in cases {
        let e = s.add_facility(&f).unwrap_err();
        assert_eq!(code(&e), want, "{f:?}: {e}");
    }
    let e = s.add_period(lib(), &NewPeriod::year(2023)).unwrap_err();
    assert_eq!(code(&e), Code::PeriodOverlap);
    assert!(e.to_string().contains("period 2023 already exists"), "{e}");
    let fiscal =
        NewPeriod { start: Some("2023-07-01".into()), end: Some("2024-06-30".into()), ..NewPeriod::year(2024) };
    assert_eq!(code(&s.add_period(lib(), &fiscal).unwrap_err()), Code::PeriodOverlap);
    let pinned =
        NewPeriod { pins: BTreeMap::from([("cn-mee-nbs-grid".into(), "1999".into())]), ..NewPeriod::year(2024) };
    assert_eq!(code(&s.add_period(lib(), &pinned).unwrap_err()), Code::UnknownRecord);
    let backwards =
        NewPeriod { start: Some("2024-12-31".into()), end: Some("2024-01-01".into()), ..NewPeriod::year(2024) };
    assert_eq!(code(&s.add_period(lib(), &backwards).unwrap_err()), Code::ImpossibleDateRange);
    assert_eq!(counts(&s), before, "a refused action leaves nothing behind");
    s.verify().unwrap();

    s.add_period(lib(), &NewPeriod { base_year: true, ..NewPeriod::year(2019) }).unwrap();
    let e = s.add_period(lib(), &NewPeriod { base_year: true, ..NewPeriod::year(2020) }).unwrap_err();
    assert_eq!(code(&e), Code::InvalidState);
}

#[test]
fn facility_changes_are_audited_with_old_and_new_values() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    let change =
        FacilityChange { equity_share: Some("60".into()), ets_covered: Some(true), ..FacilityChange::default() };
    let f = s.update_facility(lib(), "SZ", &change, Some("share bought back"), LockedChange::Refuse).unwrap();
    assert_eq!((f.equity_share.as_str(), f.ets_covered), ("60", true));
    let e = s.update_facility(
        lib(),
        "SZ",
        &FacilityChange { equity_share: Some("101".into()), ..FacilityChange::default() },
        None,
        LockedChange::Refuse,
    );
    assert_eq!(code(&e.unwrap_err()), Code::OutOfRange);
    let h = s.history("facility", f.id).unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].action, "update");
    assert_eq!(h[1].reason.as_deref(), Some("share bought back"));
    assert!(h[1].old_value.as_deref().unwrap().contains("\"equity_share\":\"75.5\""));
    assert!(h[1].new_value.as_deref().unwrap().contains("\"equity_share\":\"60\""));
    // Referenced facilities cannot be removed; unreferenced ones can, and the log keeps them.
    assert_eq!(code(&s.delete_facility("SZ", None).unwrap_err()), Code::InvalidState);
    s.add_facility(&NewFacility::new("TMP", "temporary", "CN")).unwrap();
    s.delete_facility("TMP", Some("typo")).unwrap();
    assert_eq!(code(&s.facility("TMP").unwrap_err()), Code::UnknownRecord);
    s.verify().unwrap();
}

#[test]
fn activity_rows_are_checked_exactly_as_calc_checks_them() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    let before = counts(&s);
    let cases: Vec<(ActivityInput, Code, &str)> = vec![
        (electricity("1,000"), Code::MalformedNumber, "quantity"),
        (electricity("-5"), Code::NegativeQuantity, "quantity"),
        (ActivityInput { unit: "万方".into(), ..electricity("5") }, Code::UnknownUnit, "unit"),
        (ActivityInput { unit: "t".into(), ..electricity("5") }, Code::UnitMismatch, "unit"),
        (ActivityInput { start: "01/01/2023".into(), ..electricity("5") }, Code::MalformedDate, "period_start"),
        (
            ActivityInput { start: "2023-12-31".into(), end: "2023-01-01".into(), ..electricity("5") },
            Code::ImpossibleDateRange,
            "period_end",
        ),
        (ActivityInput { facility: "NOPE".into(), ..electricity("5") }, Code::UnknownRecord, "facility"),
        (ActivityInput { start: "2022-12-01".into(), ..electricity("5") }, Code::OutOfRange, "period_start"),
        (ActivityInput { factor: Some("cn-grid.2031.CN".into()), ..electricity("5") }, Code::UnknownFactor, "factor"),
        (ActivityInput { data_quality: Some("guessed".into()), ..electricity("5") }, Code::OutOfRange, "data_quality"),
        (ActivityInput { activity: "unobtainium".into(), ..electricity("5") }, Code::NoFactor, "activity"),
    ];
    for (input, want, column) in cases {
        let e = s.add_activity(lib(), 2023, &input).unwrap_err();
        assert_eq!(code(&e), want, "{input:?}: {e}");
        assert_eq!(e.diagnostics[0].location.column.as_deref(), Some(column), "{e}");
        if want != Code::OutOfRange {
            assert_eq!(e.diagnostics.len(), 1, "{e}");
        }
    }
    assert_eq!(code(&s.add_activity(lib(), 2031, &electricity("5")).unwrap_err()), Code::UnknownRecord);
    // A batch with one bad row is rejected whole, naming the row by its position.
    let batch = vec![electricity("1"), electricity("2"), electricity("x"), electricity("4")];
    let e = s.add_activities(lib(), 2023, &batch).unwrap_err();
    assert_eq!(e.diagnostics.len(), 1);
    assert_eq!(e.diagnostics[0].location.row, Some(3));
    assert_eq!(counts(&s), before, "refused rows leave nothing behind");
    let ids = s.add_activities(lib(), 2023, &batch[..2]).unwrap();
    assert_eq!(ids.len(), 2);
    // Stored values are the reader's: activity type lower case, region from the facility.
    let a = s
        .add_activity(lib(), 2023, &ActivityInput { activity: "Grid_Electricity".into(), ..electricity("5.50") })
        .unwrap();
    assert_eq!(
        (a.activity.as_str(), a.quantity.as_str(), a.region.as_deref()),
        ("grid_electricity", "5.50", Some("CN-JS"))
    );
    assert_eq!(a.entered_by, "alice");
    s.verify().unwrap();
}

#[test]
fn records_change_and_delete_while_open_and_the_log_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    let id = s.activities(2023, false).unwrap()[0].id;
    let a = s.update_activity(lib(), id, &electricity("2000000"), Some("meter re-read")).unwrap();
    assert_eq!(a.quantity, "2000000");
    s.review_period(2023).unwrap();
    s.delete_activity(id, Some("duplicate of the invoice total")).unwrap();
    assert_eq!(code(&s.activity(id).unwrap_err()), Code::UnknownRecord);
    let h = s.history("activity", id).unwrap();
    let actions: Vec<&str> = h.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    assert!(h[2].new_value.is_none() && h[2].old_value.as_deref().unwrap().contains("2000000"));
    s.reopen_period(2023).unwrap();
    assert_eq!(code(&s.reopen_period(2023).unwrap_err()), Code::InvalidState);
    s.verify().unwrap();
}

#[test]
fn a_locked_period_refuses_edits_and_restatements_keep_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    let ids: Vec<i64> = s.activities(2023, false).unwrap().iter().map(|a| a.id).collect();
    let e = s.restate_activity(lib(), ids[0], &electricity("1"), "too early").unwrap_err();
    assert_eq!(code(&e), Code::InvalidState, "restatements are for locked periods");
    let snap = s.lock_period(lib(), 2023).unwrap();
    assert_eq!(s.period(2023).unwrap().status, PeriodStatus::Locked);
    assert_eq!(code(&s.lock_period(lib(), 2023).unwrap_err()), Code::InvalidState);
    let before = counts(&s);
    assert_eq!(code(&s.add_activity(lib(), 2023, &electricity("5")).unwrap_err()), Code::PeriodLocked);
    let e = s.update_activity(lib(), ids[0], &electricity("5"), None).unwrap_err();
    assert_eq!(code(&e), Code::PeriodLocked);
    assert!(e.to_string().contains("period 2023 is locked"), "{e}");
    assert_eq!(code(&s.delete_activity(ids[0], None).unwrap_err()), Code::PeriodLocked);
    assert_eq!(code(&s.set_pins(lib(), 2023, &BTreeMap::new(), None).unwrap_err()), Code::PeriodLocked);
    assert_eq!(code(&s.restate_activity(lib(), ids[0], &electricity("5"), "  ").unwrap_err()), Code::MissingValue);
    assert_eq!(counts(&s), before);

    let new = s.restate_activity(lib(), ids[0], &electricity("1900000"), "supplier's corrected invoice").unwrap();
    assert_eq!(new.supersedes, Some(ids[0]));
    assert_eq!(new.restatement_reason.as_deref(), Some("supplier's corrected invoice"));
    let original = s.activity(ids[0]).unwrap();
    assert_eq!((original.status, original.quantity.as_str()), (RecordStatus::Superseded, "1862400"));
    assert_eq!(s.activities(2023, false).unwrap().len(), 2);
    assert_eq!(s.activities(2023, true).unwrap().len(), 3);
    let e = s.restate_activity(lib(), ids[0], &electricity("5"), "again").unwrap_err();
    assert_eq!(code(&e), Code::InvalidState);
    assert!(e.to_string().contains(&format!("restate record {}", new.id)), "{e}");

    // The snapshot is kept as signed; a fresh calculation now differs and says why.
    assert_eq!(s.snapshot(2023).unwrap().unwrap(), snap);
    let calc = s.calculate(lib(), 2023, true).unwrap();
    let SnapshotComparison::Differs(d) = s.compare_with_snapshot(&calc).unwrap() else {
        panic!("expected a difference")
    };
    assert_eq!(d.code, Code::SnapshotMismatch);
    assert!(d.message.contains("1 record(s) were restated since"), "{}", d.message);
    s.verify().unwrap();
}

#[test]
fn the_snapshot_reproduces_the_fresh_calculation() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = populated(dir.path());
    let snap = s.lock_period(lib(), 2023).unwrap();
    assert_eq!(snap.engine_version, scopebook_core::ENGINE_VERSION);
    assert_eq!(snap.result_sha256, scopebook_core::dataset::sha256_hex(snap.result_json.as_bytes()));
    let calc = s.calculate(lib(), 2023, true).unwrap();
    assert_eq!(calc.run.report(true).to_json(), snap.result_json);
    assert_eq!(s.compare_with_snapshot(&calc).unwrap(), SnapshotComparison::Identical);
    assert_eq!(calc.run.input_sha256(), snap.input_sha256);
    // The same after closing and reopening.
    drop(s);
    let s = Store::open(&path, "auditor").unwrap();
    let calc = s.calculate(lib(), 2023, true).unwrap();
    assert_eq!(s.compare_with_snapshot(&calc).unwrap(), SnapshotComparison::Identical);
    // Lock lines are numbered by record id.
    let ids: Vec<u64> = s.activities(2023, false).unwrap().iter().map(|a| u64::try_from(a.id).unwrap()).collect();
    let rows: Vec<u64> = calc.run.inventory.lines.iter().map(|l| l.activity.row).collect();
    assert_eq!(rows, ids);
}

#[test]
fn the_period_calculation_equals_calc_on_the_exported_file() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    // Leave a gap in the ids, so that record ids and file lines differ.
    let first = s.activities(2023, false).unwrap()[0].id;
    s.delete_activity(first, None).unwrap();
    s.add_activity(lib(), 2023, &electricity("1000")).unwrap();
    let (csv, ids) = s.export(2023).unwrap();
    let calc = s.calculate(lib(), 2023, true).unwrap();
    // `scopebook calc` on the export (the one calculation run), with lines numbered by record id.
    let opts = scopebook_core::calc::CalcOptions { gwp_set: scopebook_core::gas::GwpSet::AR5, keep_lines: true };
    // The store applies the organisation's boundary (decision 0021); here every share is 100 %.
    let renumbered = Run::calculate_numbered(lib(), "period 2023", &csv, opts, |line| {
        u64::try_from(ids[usize::try_from(line).unwrap() - 2]).unwrap()
    })
    .with_boundary(&s.boundary().unwrap());
    assert_eq!(renumbered.report(true).to_json(), calc.run.report(true).to_json());
    // Numbering aside, it is the file's own calculation: the same totals and lines.
    let plain = Run::calculate(lib(), "period 2023", &csv, opts);
    let plain_json: serde_json::Value = serde_json::from_str(&plain.report(true).to_json()).unwrap();
    let store_json: serde_json::Value = serde_json::from_str(&calc.run.report(true).to_json()).unwrap();
    assert_eq!(plain_json["totals"], store_json["totals"]);
    assert_eq!(plain.inventory.lines.len(), calc.run.inventory.lines.len());
    let rows: Vec<i64> = calc.run.inventory.lines.iter().map(|l| i64::try_from(l.activity.row).unwrap()).collect();
    assert_eq!(rows, ids);
    assert_eq!(calc.run.input_sha256(), scopebook_core::dataset::sha256_hex(&csv));
}

#[test]
fn the_lines_of_every_page_are_the_full_calculations_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    // A user's factor this library lacks: records naming it are unresolved under `lib()`.
    let mut with_mine = lib().clone();
    let mine =
        "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\nmine.widget,widgets,3,1,kg,2.5,AR5,supplier,GLOBAL\n";
    assert!(with_mine.add_user_file("mine.csv", mine.as_bytes()).is_empty());
    for i in 0..23 {
        let input = match i % 5 {
            0 => electricity(&format!("{}.5", 1000 + i)),
            1 | 3 => gas(&format!("1.{i}")),
            2 => ActivityInput {
                factor: Some("mine.widget".into()),
                ..ActivityInput { activity: "widgets".into(), unit: "kg".into(), ..electricity("7") }
            },
            _ => electricity(&format!("{i}")),
        };
        s.add_activity(&with_mine, 2023, &input).unwrap();
    }
    // A gap in the ids, and a record changed after later ones were entered.
    let ids: Vec<i64> = s.activities(2023, false).unwrap().iter().map(|a| a.id).collect();
    s.delete_activity(ids[3], None).unwrap();
    s.update_activity(lib(), ids[6], &electricity("42"), None).unwrap();
    let full = s.calculate(lib(), 2023, true).unwrap();
    let (current, total) = s.activities_page(2023, false, 0, 0).unwrap();
    assert!(current.is_empty());
    assert_eq!(total, 24);
    assert_eq!(full.run.inventory.unresolved.len(), 5);
    for size in [1, 4, 7, 24, 100] {
        let (mut lines, mut unresolved) = (Vec::new(), Vec::new());
        for offset in (0..total + size).step_by(usize::try_from(size).unwrap()) {
            let page = s.calculate_page(lib(), 2023, offset, size).unwrap();
            assert_eq!(page.period, full.period);
            assert_eq!(page.run.inventory.line_count, total.saturating_sub(offset).min(size), "page at {offset}");
            lines.extend(page.run.inventory.lines);
            unresolved.extend(page.run.inventory.unresolved);
        }
        assert_eq!(lines, full.run.inventory.lines, "pages of {size}");
        assert_eq!(unresolved, full.run.inventory.unresolved, "pages of {size}");
        let json = |l: &[scopebook_core::calc::ResultLine]| serde_json::to_string(l).unwrap();
        assert_eq!(json(&lines), json(&full.run.inventory.lines), "pages of {size}: the lines' JSON");
    }
    assert_eq!(s.calculate_page(lib(), 2023, 0, 0).unwrap().run.inventory.line_count, 0);
    assert_eq!(
        code(&s.calculate_page(lib(), 2031, 0, 10).unwrap_err()),
        code(&s.calculate(lib(), 2031, false).unwrap_err())
    );
}

#[test]
fn an_edition_change_must_keep_every_record_resolvable() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    let before = counts(&s);
    // The 2021 grid edition has no factor valid for 2023.
    let old = BTreeMap::from([("cn-mee-nbs-grid".to_string(), "2021".to_string())]);
    let e = s.set_pins(lib(), 2023, &old, Some("try")).unwrap_err();
    assert_eq!(code(&e), Code::NoFactor, "{e}");
    assert!(e.diagnostics[0].message.starts_with("record 1, under the new editions"), "{e}");
    assert_eq!(counts(&s), before);
    let ok = BTreeMap::from([("cn-mee-nbs-grid".to_string(), "2023".to_string())]);
    let p = s.set_pins(lib(), 2023, &ok, Some("use the 2023 edition")).unwrap();
    assert_eq!(p.pins, ok);
    let last = s.audit_log().unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.table.as_str()), ("pin", "period"));
    s.verify().unwrap();
}

#[test]
fn files_that_are_not_scopebook_databases_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "not a database at all, just some text that is long enough to fill a header").unwrap();
    let other = dir.path().join("other.sqlite");
    raw(&other).execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    for p in [&text, &other, &empty] {
        let before = sha(p);
        let e = Store::open(p, "u").err().unwrap();
        assert_eq!(code(&e), Code::NotAScopebookDatabase, "{}: {e}", p.display());
        assert_eq!(sha(p), before);
    }
    assert_eq!(code(&Store::create(&text, &org(), "u").err().unwrap()), Code::NotAScopebookDatabase);
    assert_eq!(code(&Store::create(&other, &org(), "u").err().unwrap()), Code::NotAScopebookDatabase);
    let e = Store::open(&dir.path().join("missing.db"), "u").err().unwrap();
    assert_eq!(code(&e), Code::UnreadableFile);
    // An empty file may become an organisation; an existing one may not be created again.
    Store::create(&empty, &org(), "u").unwrap();
    assert_eq!(code(&Store::create(&empty, &org(), "u").err().unwrap()), Code::DatabaseExists);
}

#[test]
fn a_file_from_a_newer_scopebook_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = populated(dir.path());
    drop(s);
    let c = raw(&path);
    c.pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1).unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(c);
    let before = sha(&path);
    let e = Store::open(&path, "u").err().unwrap();
    assert_eq!(code(&e), Code::NewerSchema);
    assert!(e.to_string().contains(&format!("schema version {}", schema::SCHEMA_VERSION + 1)), "{e}");
    assert_eq!(sha(&path), before);
}

/// A file at schema version `version` with data in it, as that version's Scopebook wrote it.
/// Each is a committed file made by the release of that version with its CLI (see
/// `tests/fixtures/README.md`): an organisation, a legal entity and a facility, period 2023
/// locked with two records, and period 2024 open with one.
fn build_version(version: i32, dir: &Path) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/schema-v{version}.scopebook"));
    assert!(fixture.exists(), "add a fixture for schema version {version}: {}", fixture.display());
    let path = dir.join(format!("v{version}.scopebook"));
    std::fs::copy(&fixture, &path).unwrap();
    assert_eq!(schema::identity(&raw(&path)).unwrap().1, version);
    path
}

#[test]
fn every_earlier_schema_version_opens_and_migrates() {
    // Every released version before the current one (the current one is what `Store::create`
    // writes). Schema 3 was never released: it landed together with schema 4.
    const UNRELEASED: &[i32] = &[3];
    for version in (1..schema::SCHEMA_VERSION).filter(|v| !UNRELEASED.contains(v)) {
        let dir = tempfile::tempdir().unwrap();
        let path = build_version(version, dir.path());
        let s = Store::open(&path, "u").unwrap();
        assert_eq!(schema::identity(s.connection()).unwrap(), (schema::APPLICATION_ID, schema::SCHEMA_VERSION));
        s.integrity_check().unwrap();
        s.verify().unwrap();
        // The schema-9 file's locked period also holds a Scope 3 record (tests/fixtures/README.md).
        let records = if version >= 9 { 3 } else { 2 };
        assert_eq!(s.activities(2023, false).unwrap().len(), records, "version {version}: the records survive");
        let calc = s.calculate(lib(), 2023, true).unwrap();
        match s.compare_with_snapshot(&calc).unwrap() {
            SnapshotComparison::Identical => {}
            // Market-based Scope 2 changed meaning after these files were written (the residual
            // mix, decision 0026); the snapshot keeps what was reported then. Nothing else differs.
            SnapshotComparison::Differs(d) => {
                let totals = d.message.split("totals: ").nth(1).unwrap_or_default();
                assert!(
                    !totals.is_empty() && totals.split(", ").all(|t| t.starts_with("scope2_market ")),
                    "version {version}: {}",
                    d.message
                );
            }
            SnapshotComparison::NoSnapshot => panic!("version {version}: period 2023 is locked in the fixture"),
        }
    }
}

#[test]
fn backup_and_restore_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = populated(dir.path());
    let copy = dir.path().join("copy.db");
    s.backup(&copy).unwrap();
    assert_eq!(code(&s.backup(&copy).unwrap_err()), Code::DatabaseExists, "a backup never overwrites");
    // Changes after the backup are undone by restoring it.
    s.add_activity(lib(), 2023, &electricity("7")).unwrap();
    let log_at_backup = 6;
    drop(s);
    let restored = Store::restore(&copy, &path, "carol").unwrap();
    assert_eq!(restored.activities(2023, false).unwrap().len(), 2);
    assert_eq!(restored.verify().unwrap().entries, log_at_backup);
    // Restoring into a new file creates it.
    let fresh = dir.path().join("fresh.db");
    let s2 = Store::restore(&copy, &fresh, "carol").unwrap();
    assert_eq!(s2.facilities().unwrap().len(), 2);
}

#[test]
fn restore_refuses_a_damaged_or_tampered_backup_and_leaves_the_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = populated(dir.path());
    let good = dir.path().join("good.db");
    s.backup(&good).unwrap();
    drop(s);
    raw(&path).execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let target_before = sha(&path);

    // Damaged: overwrite the middle of the file.
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&good).unwrap();
    let page = 4096;
    assert!(bytes.len() > 3 * page);
    for b in &mut bytes[page + 100..2 * page] {
        *b = 0xA5;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    let e = Store::restore(&damaged, &path, "u").err().unwrap();
    assert!(matches!(code(&e), Code::DatabaseError | Code::NotAScopebookDatabase), "{e}");
    assert_eq!(sha(&path), target_before);

    // Tampered: a record changed behind the log's back.
    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&good, &tampered).unwrap();
    raw(&tampered).execute("UPDATE activity SET quantity = '1' WHERE id = 1", []).unwrap();
    let e = Store::restore(&tampered, &path, "u").err().unwrap();
    assert_eq!(code(&e), Code::AuditDataMismatch, "{e}");
    assert_eq!(sha(&path), target_before);

    // Not Scopebook's, as backup or as target.
    let text = dir.path().join("text.db");
    std::fs::write(&text, "hello, this is not SQLite at all and never was, not even a little").unwrap();
    assert_eq!(code(&Store::restore(&text, &path, "u").err().unwrap()), Code::NotAScopebookDatabase);
    assert_eq!(code(&Store::restore(&good, &text, "u").err().unwrap()), Code::NotAScopebookDatabase);
    assert_eq!(sha(&path), target_before);
    Store::restore(&good, &path, "u").unwrap();
}

// ---- tampering ----

fn tamper(path: &Path, sql: &str) {
    let c = raw(path);
    c.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         DROP TRIGGER activity_locked_update; DROP TRIGGER activity_locked_delete;",
    )
    .unwrap();
    c.execute_batch(sql).unwrap();
}

fn broken(path: &Path) -> StoreError {
    Store::open(path, "auditor").unwrap().verify().unwrap_err()
}

/// seq of the entry that created activity `id`.
fn created(path: &Path, id: i64) -> i64 {
    raw(path)
        .query_row(
            "SELECT seq FROM audit_log WHERE table_name = 'activity' AND record_id = ?1 AND action = 'create'",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn the_log_cannot_be_changed_through_sqlite_without_dropping_its_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = populated(dir.path());
    drop(s);
    let c = raw(&path);
    let e = c.execute("UPDATE audit_log SET reason = 'x' WHERE seq = 1", []).unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = c.execute("DELETE FROM audit_log WHERE seq = 1", []).unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
}

#[test]
fn verify_reports_a_quantity_edited_with_another_tool() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = populated(dir.path());
    drop(s);
    tamper(&path, "UPDATE activity SET quantity = '1000' WHERE id = 1");
    let e = broken(&path);
    let seq = created(&path, 1);
    assert_eq!(code(&e), Code::AuditDataMismatch);
    assert!(e.to_string().contains(&format!("activity 1 differs from its value in audit entry {seq}")), "{e}");
}

#[test]
fn verify_reports_an_edited_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = populated(dir.path());
    drop(s);
    let seq = created(&path, 2);
    tamper(&path, &format!("UPDATE audit_log SET new_value = replace(new_value, '12.5', '1.25') WHERE seq = {seq}"));
    let e = broken(&path);
    assert_eq!(code(&e), Code::AuditChainBroken);
    assert!(e.to_string().contains(&format!("audit entry {seq} has been altered")), "{e}");
}

#[test]
fn verify_reports_a_deleted_audit_entry_and_a_deleted_record() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = populated(dir.path());
    drop(s);
    let copy = dir.path().join("copy.db");
    raw(&path).execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    std::fs::copy(&path, &copy).unwrap();

    tamper(&path, "DELETE FROM audit_log WHERE seq = 3");
    let e = broken(&path);
    assert_eq!(code(&e), Code::AuditChainBroken);
    assert!(e.to_string().contains("audit entry 3 is missing"), "{e}");

    tamper(&copy, "DELETE FROM activity WHERE id = 2");
    let e = broken(&copy);
    assert_eq!(code(&e), Code::AuditDataMismatch);
    let seq = created(&copy, 2);
    assert!(e.to_string().contains(&format!("activity 2 is missing, but audit entry {seq} records it")), "{e}");
}

#[test]
fn verify_reports_records_added_behind_the_logs_back_and_a_rewritten_report() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = populated(dir.path());
    s.lock_period(lib(), 2023).unwrap();
    drop(s);
    let copy = dir.path().join("copy.db");
    raw(&path).execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    std::fs::copy(&path, &copy).unwrap();

    tamper(&path, "INSERT INTO facility (code, name, kind, equity_share, operational_control, financial_control, region, ets_covered, created_at) VALUES ('GHOST', 'g', 'facility', '100', 1, 1, 'CN', 0, 'now')");
    let e = broken(&path);
    assert!(e.to_string().contains("no audit entry created it"), "{e}");

    tamper(&copy, "DROP TRIGGER snapshot_no_update; UPDATE snapshot SET result_json = replace(result_json, '\"complete\": true', '\"complete\": false')");
    let e = broken(&copy);
    assert_eq!(code(&e), Code::AuditDataMismatch);
    assert!(e.to_string().contains("the stored report no longer matches its SHA-256"), "{e}");
}

#[test]
fn canonical_row_json_is_sorted_and_compact() {
    let dir = tempfile::tempdir().unwrap();
    let (_, s) = populated(dir.path());
    let entry = &s.history("facility", 2).unwrap()[0];
    let v = entry.new_value.as_deref().unwrap();
    assert!(v.starts_with("{\"code\":\"SZ\",\"created_at\":\""), "{v}");
    assert!(v.contains("\"equity_share\":\"75.5\",\"ets_covered\":0,\"financial_control\":1,\"grid_region\":\"CN-GRID-EAST\",\"id\":2"), "{v}");
    assert!(!v.contains(": ") && !v.contains(", "));
    // Anyone can recompute an entry's hash from its fields.
    let fields = scopebook_store::audit::EntryFields {
        seq: entry.seq,
        at: &entry.at,
        user: &entry.user,
        action: &entry.action,
        table: &entry.table,
        record: entry.record,
        old: entry.old_value.as_deref(),
        new: entry.new_value.as_deref(),
        reason: entry.reason.as_deref(),
    };
    assert_eq!(scopebook_store::audit::entry_hash(&entry.prev_hash, &fields), entry.hash);
    let canonical = scopebook_store::audit::entry_canonical(&fields);
    let reparsed: serde_json::Value = serde_json::from_str(&canonical).unwrap();
    assert_eq!(reparsed["table"], "facility");
}

#[test]
fn pages_of_records_and_of_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    for q in ["1", "2", "3"] {
        s.add_activity(lib(), 2023, &gas(q)).unwrap();
    }
    let (page, total) = s.activities_page(2023, false, 1, 2).unwrap();
    assert_eq!(total, 5);
    let all = s.activities(2023, false).unwrap();
    assert_eq!(page, all[1..3]);
    assert_eq!(s.activities_page(2023, false, 5, 10).unwrap(), (vec![], 5));

    let log = s.audit_log().unwrap();
    let (newest, total) = s.audit_page(&scopebook_store::AuditFilter::default(), 0, 2).unwrap();
    assert_eq!(total as usize, log.len());
    assert_eq!(newest, [log[log.len() - 1].clone(), log[log.len() - 2].clone()]);
    let f = scopebook_store::AuditFilter { table: "activity".into(), text: "10^4 nm3".into(), ..Default::default() };
    let (found, total) = s.audit_page(&f, 0, 100).unwrap();
    assert_eq!(total, 4, "the gas records, matched case-insensitively");
    assert!(found.iter().all(|e| e.table == "activity" && e.new_value.as_deref().unwrap().contains("10^4 Nm3")));
    let f = scopebook_store::AuditFilter { text: "100%_".into(), ..Default::default() };
    assert_eq!(s.audit_page(&f, 0, 100).unwrap().1, 0, "wildcards in the text are literal");
}

#[test]
fn audit_pages_are_the_same_whether_read_by_index_or_backwards() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = populated(dir.path());
    let rows: Vec<ActivityInput> = (1..=40).map(|i| gas(&format!("{i}"))).collect();
    s.add_activities(lib(), 2023, &rows).unwrap();
    let log = s.audit_log().unwrap();
    // Many matches (read backwards, at least for the first pages) and few (by the index).
    for (table, action) in [("activity", "create"), ("facility", ""), ("", "")] {
        let f = scopebook_store::AuditFilter { table: table.into(), action: action.into(), ..Default::default() };
        let want: Vec<_> = log
            .iter()
            .rev()
            .filter(|e| (table.is_empty() || e.table == table) && (action.is_empty() || e.action == action))
            .cloned()
            .collect();
        for limit in [1, 7, 100] {
            let mut got = Vec::new();
            for offset in (0..=want.len()).step_by(limit) {
                let (page, total) = s.audit_page(&f, offset as u64, limit as u64).unwrap();
                assert_eq!(total as usize, want.len(), "{table} {action}");
                got.extend(page);
            }
            assert_eq!(got, want, "{table} {action}, pages of {limit}");
        }
    }
}

#[test]
fn check_activity_checks_as_add_would_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, s) = populated(dir.path());
    let entries = s.audit_log().unwrap().len();
    s.check_activity(lib(), 2023, &gas("3")).unwrap();
    let mut wrong_unit = gas("3");
    wrong_unit.unit = "km".into(); // kWh fits natural gas now: it is energy
    assert_eq!(code(&s.check_activity(lib(), 2023, &wrong_unit).unwrap_err()), Code::UnitMismatch);
    let mut outside = gas("3");
    outside.end = "2024-01-31".into();
    let e = s.check_activity(lib(), 2023, &outside).unwrap_err();
    assert_eq!((code(&e), e.diagnostics[0].location.column.as_deref()), (Code::OutOfRange, Some("period_end")));
    let mut nowhere = gas("3");
    nowhere.facility = "XX".into();
    assert_eq!(code(&s.check_activity(lib(), 2023, &nowhere).unwrap_err()), Code::UnknownRecord);
    assert_eq!(s.audit_log().unwrap().len(), entries, "a check writes nothing");
    assert_eq!(s.activities(2023, false).unwrap().len(), 2);
}

/// Schema 3 (decision 0021): a file written before it opens, gains the sector and parameter
/// columns, and still verifies (a NULL in the new columns is left out of a row's audited value,
/// so every logged value and import digest stays what it was); the new values are then stored,
/// audited and verified like any other.
#[test]
fn files_from_before_schema_3_gain_sectors_and_parameters_and_still_verify() {
    for version in [1, 2] {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/schema-v{version}.scopebook"));
        if !fixture.exists() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = build_version(version, dir.path());
        let mut s = Store::open(&path, "u").unwrap();
        s.verify().unwrap_or_else(|e| panic!("version {version}: {e}"));
        let columns: Vec<String> = s
            .connection()
            .prepare("SELECT name FROM pragma_table_info('activity')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for c in ["sector", "ncv_gj_per_unit", "carbon_t_per_gj", "oxidation", "parameter_source"] {
            assert!(columns.iter().any(|x| x == c), "version {version}: activity.{c}");
        }
        // A record logged before the migration has the same audited value after it.
        let logged = s.history("activity", 1).unwrap().last().unwrap().new_value.clone();
        assert_eq!(logged, scopebook_store::audit::read_row(s.connection(), "activity", 1).unwrap());
        // The old records export as they always did: the twelve columns.
        let (csv, _) = s.export(2024).unwrap();
        assert!(csv.starts_with(b"facility,period_start,period_end,activity,quantity,unit,factor,region,scope3_category,supplier,evidence,note\n"));
        // New values on the migrated file: a facility's sector, a record with its own parameters.
        let change = FacilityChange { sector: Some(Some("manufacturing".into())), ..FacilityChange::default() };
        s.update_facility(lib(), "SZ", &change, Some("IPCC sector"), LockedChange::Refuse).unwrap();
        let measured = ActivityInput {
            start: "2024-04-01".into(),
            end: "2024-06-30".into(),
            ncv_gj_per_unit: Some("380.5".into()),
            parameter_source: Some("measured".into()),
            evidence: Some("GAS-2024-Q2".into()),
            ..gas("2")
        };
        let r = s.add_activity(lib(), 2024, &measured).unwrap();
        assert_eq!((r.ncv_gj_per_unit.as_deref(), r.sector.as_deref()), (Some("380.5"), None));
        let (csv, _) = s.export(2024).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.lines().nth(1).unwrap().ends_with(",manufacturing,,,,"), "{csv}");
        assert!(csv.lines().last().unwrap().ends_with(",GAS-2024-Q2,,manufacturing,380.5,,,measured"), "{csv}");
        s.verify().unwrap_or_else(|e| panic!("version {version}, after new values: {e}"));
        // A locked record's new columns are covered by the locked-period trigger.
        let e = s.connection().execute("UPDATE activity SET oxidation = '0.5' WHERE id = 1", []).unwrap_err();
        assert!(e.to_string().contains("the period is locked"), "{e}");
    }
}
