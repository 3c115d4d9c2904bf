//! Restatement of a locked period's ETS data (issue 12, decision 0038), on the schema-6 file
//! written by the schema-6 build (`tests/fixtures/schema-v6.scopebook`, see the README there):
//! after its upgrade to schema 7, a locked period's China unit, ledger movement and EU registry
//! figures are corrected by restatement. The position of the locked period then uses the restated
//! figures; the originals stay, marked superseded, listed with `--all`; both halves are audited
//! with the reason; `audit verify` replays them and still catches a superseded row changed
//! behind the log's back; a plain edit of a locked period is still refused. Files of schema 4, 5
//! and 6 upgrade to 7 and verify.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(version: i32) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/schema-v{version}.scopebook"))
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).env("USER", "tester").output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run_in(dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn refused(dir: &Path, args: &[&str]) -> String {
    let out = run_in(dir, args);
    assert!(!out.status.success(), "{args:?} should be refused: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).unwrap()
}

fn position(dir: &Path, scheme: &str, year: &str) -> Value {
    json(dir, &["position", "--db", "org.db", "--scheme", scheme, "--period", year, "--format", "json"])
}

fn list(dir: &Path, what: &str, year: &str, all: bool) -> Value {
    let mut args = vec!["ets", what, "list", "--db", "org.db", "--period", year, "--format", "json"];
    if all {
        args.push("--all");
    }
    json(dir, &args)
}

/// The audit entries of one record, oldest first.
fn history(dir: &Path, table: &str, id: i64) -> Vec<Value> {
    let log = json(dir, &["audit", "log", "--db", "org.db", "--format", "json"]);
    log.as_array().unwrap().iter().filter(|e| e["table"] == table && e["record"] == id).cloned().collect()
}

/// The schema-6 file in `dir` as `org.db`.
fn v6(dir: &Path) {
    std::fs::copy(fixture(6), dir.join("org.db")).unwrap();
}

const REASON: &str = "the verifier's corrected report of 2024-03-28";

#[test]
fn a_locked_periods_china_unit_is_restated_and_its_position_follows() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    v6(dir);
    ok(dir, &["audit", "verify", "--db", "org.db"]);
    let before = position(dir, "cn-ets", "2023");
    let open_before = position(dir, "cn-ets", "2024");
    assert_eq!(before["enterprises"][0]["verified_t"], "1700000");
    assert_eq!(before["enterprises"][0]["shortfall_t"], "57083");

    // Plain changes of the locked period are refused, and change nothing.
    let entries = json(dir, &["audit", "log", "--db", "org.db", "--format", "json"]).as_array().unwrap().len();
    for args in [
        &["ets", "unit", "edit", "--db", "org.db", "--id", "1", "--verified-t", "1800000"][..],
        &["ets", "unit", "delete", "--db", "org.db", "--id", "1"],
        &["ets", "ledger", "edit", "--db", "org.db", "--id", "1", "--quantity-t", "600"],
        &["ets", "ledger", "delete", "--db", "org.db", "--id", "1"],
        &["ets", "registry", "delete", "--db", "org.db", "--period", "2023", "--all"],
    ] {
        let e = refused(dir, args);
        assert!(e.contains("error[period-locked]") && e.contains("restate"), "{args:?}: {e}");
    }
    // A restatement needs a reason, and is for locked periods only.
    let e = refused(dir, &["ets", "unit", "restate", "--db", "org.db", "--id", "1", "--verified-t", "1800000"]);
    assert!(e.contains("--reason"), "{e}");
    let e = refused(
        dir,
        &["ets", "unit", "restate", "--db", "org.db", "--id", "2", "--verified-t", "1", "--reason", "typo"],
    );
    assert!(e.contains("error[invalid-state]") && e.contains("period 2024 is open"), "{e}");
    let log = json(dir, &["audit", "log", "--db", "org.db", "--format", "json"]);
    assert_eq!(log.as_array().unwrap().len(), entries);

    // The restatement.
    let out = ok(
        dir,
        &["ets", "unit", "restate", "--db", "org.db", "--id", "1", "--verified-t", "1800000", "--reason", REASON],
    );
    assert_eq!(out, "ETS unit 1 is restated by ETS unit 4; the original is kept as superseded\n");
    let after = position(dir, "cn-ets", "2023");
    assert_eq!(after["enterprises"][0]["verified_t"], "1800000");
    assert_eq!(after["enterprises"][0]["obligation_t"], "1800000");
    assert_eq!(after["enterprises"][0]["shortfall_t"], "157083", "100,000 t more owed");
    assert_eq!(after["units"].as_array().unwrap().len(), 1, "the original no longer counts");
    assert_eq!(position(dir, "cn-ets", "2024"), open_before, "the open period is as it was");

    // The original stays, marked; the list of current units holds the restated one.
    let all = list(dir, "unit", "2023", true);
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(
        (&all[0]["id"], &all[0]["status"], &all[0]["verified_t"]),
        (&Value::from(1), &Value::from("superseded"), &Value::from("1700000"))
    );
    assert_eq!(
        (&all[1]["id"], &all[1]["status"], &all[1]["supersedes"]),
        (&Value::from(4), &Value::from("current"), &Value::from(1))
    );
    assert_eq!(all[1]["restatement_reason"], REASON);
    let current = list(dir, "unit", "2023", false);
    assert_eq!(current.as_array().unwrap().len(), 1);
    assert_eq!(current[0]["id"], 4);
    let table = ok(dir, &["ets", "unit", "list", "--db", "org.db", "--period", "2023", "--all"]);
    assert!(table.lines().nth(1).unwrap().trim_end().ends_with("superseded"), "{table}");
    assert!(table.lines().nth(2).unwrap().trim_end().ends_with("restates 1"), "{table}");
    // The export the position reads is the restated unit's.
    let export = ok(dir, &["ets", "unit", "export", "--db", "org.db", "--period", "2023", "--scheme", "cn-ets"]);
    assert!(export.contains(",1800000,") && !export.contains(",1700000,"), "{export}");

    // Both halves are audited with the reason; the original's entry shows it superseded.
    let h = history(dir, "ets_unit", 1);
    let last = h.last().unwrap();
    assert_eq!((last["action"].as_str(), last["reason"].as_str()), (Some("restate"), Some(REASON)));
    assert!(last["new_value"].as_str().unwrap().contains("\"status\":\"superseded\""), "{last}");
    let created = &history(dir, "ets_unit", 4)[0];
    assert_eq!((created["action"].as_str(), created["reason"].as_str()), (Some("restate"), Some(REASON)));
    // Restating the original again is refused, naming its restatement.
    let e = refused(dir, &["ets", "unit", "restate", "--db", "org.db", "--id", "1", "--reason", "again"]);
    assert!(e.contains("already restated by ETS unit 4"), "{e}");
    // A restated unit of the locked period is still not edited.
    let e = refused(dir, &["ets", "unit", "edit", "--db", "org.db", "--id", "4", "--verified-t", "1"]);
    assert!(e.contains("error[period-locked]"), "{e}");

    // The ledger movement of the locked period: 500 → 600 t bought.
    let out = ok(
        dir,
        &[
            "ets",
            "ledger",
            "restate",
            "--db",
            "org.db",
            "--id",
            "1",
            "--quantity-t",
            "600",
            "--reason",
            "the broker's note",
        ],
    );
    assert_eq!(out, "ledger entry 1 is restated by ledger entry 3; the original is kept as superseded\n");
    let moved = position(dir, "cn-ets", "2023");
    assert_eq!(moved["enterprises"][0]["shortfall_t"], "156983", "100 t more held");
    assert_eq!(list(dir, "ledger", "2023", true).as_array().unwrap().len(), 2);
    assert_eq!(list(dir, "ledger", "2023", false)[0]["quantity_t"], "600");

    ok(dir, &["audit", "verify", "--db", "org.db"]);

    // A superseded row changed behind the log's back (its trigger dropped) is caught.
    let c = rusqlite::Connection::open(dir.join("org.db")).unwrap();
    c.execute_batch("DROP TRIGGER ets_unit_locked_update; UPDATE ets_unit SET verified_t = '1600000' WHERE id = 1;")
        .unwrap();
    drop(c);
    let e = refused(dir, &["audit", "verify", "--db", "org.db"]);
    assert!(e.contains("error[audit-data-mismatch]") && e.contains("ets_unit 1 differs"), "{e}");
}

#[test]
fn a_locked_periods_registry_figures_are_restated_from_a_corrected_export() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    v6(dir);
    let header = "id,InstallationOrAircraftOperatorID,AccountHolderName,InstallationNameOrAircraftOperatorCode,Country,MainActivityTypeCodeLookup,FreeAllocations_2023,VerifiedEmissions_2023,UnitsSurrendered_2023,SurrenderedAllowances_2023,ComplianceCode_2023";
    let row = |verified: &str, code: &str| {
        format!("DE-990001,990001,Rheinwerk Stahl GmbH,Hochofen 2,DE,Production of pig iron or steel,72000,{verified},245000,245000,{code}")
    };
    std::fs::write(dir.join("same.csv"), format!("{header}\n{}\n", row("245000", "A"))).unwrap();
    std::fs::write(dir.join("fixed.csv"), format!("{header}\n{}\n", row("250000", "B"))).unwrap();
    std::fs::write(
        dir.join("new.csv"),
        format!("{header}\nDE-990002,990002,Rheinwerk Stahl GmbH,Kalkofen,DE,Production of lime,1,1,1,1,A\n"),
    )
    .unwrap();
    let before = position(dir, "eu-ets", "2023");
    assert_eq!(before["installations"][0]["verified_t"], "245000");

    // An import into the locked period is refused; the unchanged export restates nothing; a new
    // installation is no restatement.
    let e = refused(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2023", "fixed.csv"]);
    assert!(e.contains("error[period-locked]"), "{e}");
    let restate = |file: &str| -> Vec<String> {
        ["ets", "registry", "restate", "--db", "org.db", "--period", "2023", "--reason", "EUTL correction", file]
            .iter()
            .map(|s| (*s).to_string())
            .collect()
    };
    let args = restate("same.csv");
    let e = refused(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("error[invalid-state]") && e.contains("nothing to restate"), "{e}");
    let args = restate("new.csv");
    let e = refused(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("error[unknown-record] new.csv:2") && e.contains("DE-990002"), "{e}");
    // Restatements are for locked periods.
    let e = refused(
        dir,
        &["ets", "registry", "restate", "--db", "org.db", "--period", "2024", "--reason", "x", "fixed.csv"],
    );
    assert!(e.contains("error[invalid-state]") && e.contains("period 2024 is open"), "{e}");

    let args = restate("fixed.csv");
    let out = ok(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        out,
        "restated the registry figures of 1 installation(s) of period 2023; the originals are kept as superseded\n"
    );
    let after = position(dir, "eu-ets", "2023");
    assert_eq!(after["installations"].as_array().unwrap().len(), 1);
    assert_eq!(after["installations"][0]["verified_t"], "250000");
    assert_eq!(after["installations"][0]["status"], "B", "the compliance code");
    assert_eq!(after["enterprises"][0]["shortfall_t"], "5000");
    let all = list(dir, "registry", "2023", true);
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!((&all[0]["status"], &all[0]["verified_t"]), (&Value::from("superseded"), &Value::from("245000")));
    assert_eq!(
        (&all[1]["supersedes"], &all[1]["facility"]),
        (&Value::from(1), &Value::from("DE-HO")),
        "the tie is kept"
    );
    assert_eq!(all[1]["source_file"], "fixed.csv");
    // The registry export of the period is the restated figures'.
    let export = ok(dir, &["ets", "registry", "export", "--db", "org.db", "--period", "2023"]);
    assert!(export.contains(",250000,") && !export.contains(",245000,245000,245000"), "{export}");
    let h = history(dir, "ets_registry", 2);
    assert_eq!((h[0]["action"].as_str(), h[0]["reason"].as_str()), (Some("restate"), Some("EUTL correction")));
    ok(dir, &["audit", "verify", "--db", "org.db"]);
}

/// Files of every schema with ETS data (4: none yet; 5 and 6: units, ledger, registry) upgrade to
/// schema 7: every existing row is current, and the log written before still replays.
#[test]
fn files_of_schema_4_5_and_6_upgrade_to_7_and_verify() {
    for version in [4, 5, 6] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::copy(fixture(version), dir.join("org.db")).unwrap();
        let out = ok(dir, &["audit", "verify", "--db", "org.db"]);
        assert!(out.contains("0 ets_parameters"), "version {version}: {out}");
        let c = rusqlite::Connection::open(dir.join("org.db")).unwrap();
        let v: i32 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, scopebook_store::schema::SCHEMA_VERSION, "version {version}: upgraded to the current schema");
        for table in ["ets_unit", "ets_ledger", "ets_registry"] {
            let not_current: i64 = c
                .query_row(
                    &format!("SELECT count(*) FROM {table} WHERE status != 'current' OR supersedes IS NOT NULL"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(not_current, 0, "version {version}: {table}");
        }
        drop(c);
        if version >= 5 {
            let all = list(dir, "unit", "2024", true);
            assert!(all.as_array().unwrap().iter().all(|u| u["status"] == "current"), "version {version}: {all}");
            position(dir, "cn-ets", "2024");
        }
    }
}
