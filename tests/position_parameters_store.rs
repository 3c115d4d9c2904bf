//! COVERED.csv's `parameters` kept in the inventory file (issue 12, decisions 0032 and 0038):
//! `scopebook ets parameters set` stores that a covered facility's scheme figure takes the
//! factor's defaults in a period, and `position --db --reconcile` then gives without
//! `--default-parameters` the bytes it gives with it (golden case 08 in a store). Given as well,
//! the argument prevails and a warning says so. A locked period's choice is restated.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scopebook_core::library::FactorLibrary;
use scopebook_store::{
    ActivityInput, Consolidation, EtsEnrolment, EtsScheme, NewFacility, NewOrganisation, NewPeriod, Store,
};
use serde_json::Value;

const CASE: &str = "08-reconciliation-aluminium-2024";
const ENTERPRISE: &str = "Baotou Example Aluminium";
const PLAN: &str = "cn-industry-2024-2025";

mod common;

fn records() -> Vec<ActivityInput> {
    common::golden_store::records(&golden())
}

fn library() -> FactorLibrary {
    common::golden_store::library(&golden())
}

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden-position").join(CASE)
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).env("USER", "tester").output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = run_in(dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Golden case 08 in `dir/org.db` (as `tests/position_reconcile_store.rs` builds it), with the
/// case's factors beside it.
fn store_of_case(dir: &Path, lib: &FactorLibrary) {
    let org = NewOrganisation { name: "Golden".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&dir.join("org.db"), &org, "tester").unwrap();
    s.add_facility(&NewFacility { ets_covered: true, ..NewFacility::new("BT-SMELTER", "Smelter", "CN-NM") }).unwrap();
    s.add_facility(&NewFacility::new("BT-OFFICE", "Office", "CN-NM")).unwrap();
    s.add_period(lib, &NewPeriod::year(2024)).unwrap();
    let e = EtsEnrolment {
        facility: "BT-SMELTER".into(),
        scheme: EtsScheme::CnEts,
        enterprise: ENTERPRISE.into(),
        plan: Some(PLAN.into()),
    };
    s.set_ets_facility(&e).unwrap();
    let units = std::fs::read(golden().join("UNITS.csv")).unwrap();
    s.import_ets_units(2024, "UNITS.csv", &units, None, None).unwrap();
    s.add_activities(lib, 2024, &records()).unwrap();
    std::fs::copy(golden().join("factors.csv"), dir.join("factors.csv")).unwrap();
}

const RECONCILE: &[&str] = &[
    "position",
    "--db",
    "org.db",
    "--scheme",
    "cn-ets",
    "--period",
    "2024",
    "--reconcile",
    "--factors",
    "factors.csv",
];

fn reconcile(dir: &Path, extra: &[&str]) -> Output {
    ok(dir, &[RECONCILE, extra, &["--format", "json"]].concat())
}

fn reasons(out: &Output) -> Value {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["reconciliation"]["reasons"].clone()
}

#[test]
fn stored_default_parameters_give_what_the_argument_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = library();
    store_of_case(dir, &lib);
    let argument = reconcile(dir, &["--default-parameters", "BT-SMELTER"]);
    let argument_table = ok(dir, &[RECONCILE, &["--default-parameters", "BT-SMELTER", "--format", "table"]].concat());
    let none = reconcile(dir, &[]);
    assert_eq!(reasons(&argument)["default-parameter"], "-8712");
    assert_eq!(reasons(&none)["default-parameter"], Value::Null, "the records' own parameters: {:?}", reasons(&none));

    // Stored: the same bytes as the argument, without it.
    let out = ok(
        dir,
        &[
            "ets",
            "parameters",
            "set",
            "--db",
            "org.db",
            "--period",
            "2024",
            "--facility",
            "BT-SMELTER",
            "--parameters",
            "default",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "facility BT-SMELTER takes the factor's default parameters in period 2024 (stored parameters 1)\n"
    );
    let stored = reconcile(dir, &[]);
    assert_eq!(String::from_utf8_lossy(&stored.stdout), String::from_utf8_lossy(&argument.stdout));
    assert_eq!(String::from_utf8_lossy(&stored.stderr), String::from_utf8_lossy(&argument.stderr));
    let table = ok(dir, &[RECONCILE, &["--format", "table"]].concat());
    assert_eq!(String::from_utf8_lossy(&table.stdout), String::from_utf8_lossy(&argument_table.stdout));

    // Both: the argument prevails, and says so.
    let both = reconcile(dir, &["--default-parameters", "BT-SMELTER"]);
    let v: Value = serde_json::from_slice(&both.stdout).unwrap();
    let note = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap_or_default().contains("prevails"))
        .cloned()
        .unwrap_or_else(|| panic!("a note that the argument prevails: {v}"));
    assert_eq!(note["severity"], "warning");
    assert!(note["message"].as_str().unwrap().contains("BT-SMELTER default"), "{note}");

    // Back to the records' own: as without anything stored (and the change audited).
    ok(
        dir,
        &[
            "ets",
            "parameters",
            "set",
            "--db",
            "org.db",
            "--period",
            "2024",
            "--facility",
            "BT-SMELTER",
            "--parameters",
            "record",
            "--reason",
            "the verifier accepted the measurements after all",
        ],
    );
    assert_eq!(String::from_utf8_lossy(&reconcile(dir, &[]).stdout), String::from_utf8_lossy(&none.stdout));
    // A facility not registered under an ETS takes no choice.
    let e = run_in(
        dir,
        &[
            "ets",
            "parameters",
            "set",
            "--db",
            "org.db",
            "--period",
            "2024",
            "--facility",
            "BT-OFFICE",
            "--parameters",
            "default",
        ],
    );
    assert!(!e.status.success());
    assert!(String::from_utf8_lossy(&e.stderr).contains("not registered under an ETS"));

    // Locked: refused as a change, made as a restatement; the position follows.
    let mut st = Store::open(&dir.join("org.db"), "tester").unwrap();
    st.review_period(2024).unwrap();
    st.lock_period(&lib, 2024).unwrap();
    drop(st);
    let e = run_in(
        dir,
        &[
            "ets",
            "parameters",
            "set",
            "--db",
            "org.db",
            "--period",
            "2024",
            "--facility",
            "BT-SMELTER",
            "--parameters",
            "default",
        ],
    );
    assert!(
        String::from_utf8_lossy(&e.stderr).contains("error[period-locked]"),
        "{}",
        String::from_utf8_lossy(&e.stderr)
    );
    let out = ok(
        dir,
        &[
            "ets",
            "parameters",
            "restate",
            "--db",
            "org.db",
            "--id",
            "1",
            "--parameters",
            "default",
            "--reason",
            "the verifier's final opinion",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("parameters 1 are restated by parameters 2"));
    assert_eq!(String::from_utf8_lossy(&reconcile(dir, &[]).stdout), String::from_utf8_lossy(&argument.stdout));
    let listed =
        ok(dir, &["ets", "parameters", "list", "--db", "org.db", "--period", "2024", "--all", "--format", "json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["status"], "superseded");
    assert_eq!((&listed[1]["parameters"], &listed[1]["supersedes"]), (&Value::from("default"), &Value::from(1)));
    ok(dir, &["audit", "verify", "--db", "org.db"]);
}
