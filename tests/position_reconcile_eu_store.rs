//! `position --db --scheme eu-ets --reconcile` (issue 12, decision 0036): the EU ETS scheme
//! emissions beside the inventory from the inventory file itself. Golden case 12 loaded into a
//! store (the facilities, KALK-1 registered under eu-ets for the account holder, the registry
//! export imported and DE-990002 tied to KALK-1, the records) gives, byte for byte, what the file
//! mode gives for the store's own export of the records (JSON, table, findings); a record edit
//! changes it; a locked period still computes it; an installation without a facility, a
//! registered facility without an installation and a registry status in place of the verified
//! emissions each give their finding.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scopebook_core::library::FactorLibrary;
use scopebook_store::{
    ActivityInput, Consolidation, EtsEnrolment, EtsScheme, NewFacility, NewOrganisation, NewPeriod, Store,
};
use serde_json::Value;

const CASE: &str = "12-eu-reconciliation-2021";
const HOLDER: &str = "Rheinwerk Stahl GmbH";
const REGISTRY: &str = "registry-DE-NO.csv";

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

/// Golden case 12 in an inventory file in `dir`, with the case's files beside it: the kiln
/// (KALK-1, registered under eu-ets for the account holder and tied to DE-990002) and the
/// office (not covered), period 2021, the registry export and the records. Returns the
/// records' ids.
fn store_of_case(dir: &Path, lib: &FactorLibrary) -> Vec<i64> {
    for f in [REGISTRY, "COVERED.csv", "factors.csv"] {
        std::fs::copy(golden().join(f), dir.join(f)).unwrap();
    }
    let org = NewOrganisation { name: "Golden".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&dir.join("org.db"), &org, "tester").unwrap();
    s.add_facility(&NewFacility { ets_covered: true, ..NewFacility::new("KALK-1", "Kalkofen", "DE") }).unwrap();
    s.add_facility(&NewFacility::new("KALK-OFFICE", "Office", "DE")).unwrap();
    s.add_period(lib, &NewPeriod::year(2021)).unwrap();
    let e = EtsEnrolment { facility: "KALK-1".into(), scheme: EtsScheme::EuEts, enterprise: HOLDER.into(), plan: None };
    s.set_ets_facility(&e).unwrap();
    let registry = std::fs::read(dir.join(REGISTRY)).unwrap();
    assert_eq!(s.import_ets_registry(2021, &[(REGISTRY.to_string(), registry)]).unwrap(), 3);
    s.link_ets_registry(2021, "DE-990002", Some("KALK-1"), None).unwrap();
    // One record entered and deleted first: each record's id is then its line in the export
    // (the header is line 1), so the file mode's rows and the store's ids are the same numbers.
    let first = records().remove(0);
    let gone = s.add_activity(lib, 2021, &first).unwrap();
    s.delete_activity(gone.id, Some("entered to align ids with export lines")).unwrap();
    s.add_activities(lib, 2021, &records()).unwrap()
}

const DB: &[&str] = &[
    "position",
    "--db",
    "org.db",
    "--scheme",
    "eu-ets",
    "--period",
    "2021",
    "--reconcile",
    "--factors",
    "factors.csv",
];

fn db_mode(dir: &Path, format: &str) -> Output {
    ok(dir, &[DB, &["--format", format]].concat())
}

/// The file mode on the store's export: the records exported (named as the store's
/// calculation names them), the case's registry export, COVERED.csv and factors.
fn file_mode(dir: &Path, store: &Store, format: &str) -> Output {
    std::fs::write(dir.join("period 2021"), store.export(2021).unwrap().0).unwrap();
    let args = [
        "position",
        "--scheme",
        "eu-ets",
        "--registry",
        REGISTRY,
        "--year",
        "2021",
        "--activities",
        "period 2021",
        "--covered",
        "COVERED.csv",
        "--factors",
        "factors.csv",
        "--format",
        format,
    ];
    ok(dir, &args)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn golden_12_in_a_store_gives_the_file_modes_reconciliation_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = library();
    assert_eq!(store_of_case(dir, &lib), vec![2, 3, 4]);
    let store = Store::open(&dir.join("org.db"), "tester").unwrap();
    for format in ["json", "table"] {
        let file = file_mode(dir, &store, format);
        let db = db_mode(dir, format);
        assert_eq!(String::from_utf8_lossy(&db.stdout), String::from_utf8_lossy(&file.stdout), "{format}");
        assert_eq!(db.stdout, file.stdout, "{format}: the same bytes");
        assert_eq!(String::from_utf8_lossy(&db.stderr), String::from_utf8_lossy(&file.stderr), "the same findings");
    }
    // The figures worked by hand in the case's WORKING.md.
    let v = json(&db_mode(dir, "json"));
    let r = &v["reconciliation"];
    assert_eq!(r["activities"], "period 2021");
    assert_eq!(r["covered"], "COVERED.csv");
    assert_eq!(r["inventory_t"], "28917.25");
    assert_eq!(r["computed_t"], "28050");
    let reasons = serde_json::json!({ "gas-excluded": "27.25", "indirect-excluded": "800", "outside-scheme": "40" });
    assert_eq!(r["reasons"], reasons);
    let h = &r["holders"];
    assert_eq!(h.as_array().unwrap().len(), 1);
    assert_eq!(h[0]["holder"], "DE-990002");
    assert_eq!(h[0]["facilities"], serde_json::json!(["KALK-1"]));
    assert_eq!(h[0]["inventory_t"], "28877.25");
    assert_eq!(h[0]["verified_t"], "30000");
    assert_eq!(h[0]["verified_minus_computed_t"], "1950");
    assert_eq!(h[0]["prevails"], "verified");
    let rows: Vec<&Value> = r["lines"].as_array().unwrap().iter().map(|l| &l["row"]).collect();
    assert_eq!(rows, [2, 3, 4].map(Value::from).iter().collect::<Vec<_>>(), "each line is its record's id");
    // The installations no facility is tied to are named, in both modes (one warning).
    let found: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["message"].as_str()).collect();
    let uncovered: Vec<&&str> = found.iter().filter(|m| m.contains("have no covered facility")).collect();
    assert_eq!(uncovered.len(), 1, "{found:?}");
    assert!(
        uncovered[0].starts_with("2 installation(s) of the position")
            && uncovered[0].contains("(DE-990001, NO-990003)")
    );
}

#[test]
fn a_record_edit_changes_the_reconciliation_and_a_locked_period_still_computes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = library();
    let ids = store_of_case(dir, &lib);
    let before = json(&db_mode(dir, "json"))["reconciliation"].clone();
    assert_eq!(before["computed_t"], "28050");

    // The kiln burns 400,000 GJ instead of 500,000: CO2 400,000 × 56.1 kg = 22,440 t; CH4
    // 0.4 t × 28 = 11.2 and N2O 0.04 t × 265 = 10.6 left out (21.8); verified − computed =
    // 30,000 − 22,440 = 7,560.
    let mut s = Store::open(&dir.join("org.db"), "tester").unwrap();
    let gas = ActivityInput { quantity: "400000".into(), ..records().remove(0) };
    s.update_activity(&lib, ids[0], &gas, Some("meter reading corrected")).unwrap();
    let after = json(&db_mode(dir, "json"))["reconciliation"].clone();
    assert_eq!(after["computed_t"], "22440");
    assert_eq!(after["lines"][0]["inventory_t"], "22461.8");
    assert_eq!(after["reasons"]["gas-excluded"], "21.8");
    assert_eq!(after["holders"][0]["verified_minus_computed_t"], "7560");
    assert_ne!(after["activities_sha256"], before["activities_sha256"]);

    // Locked: nothing can change, the reconciliation is still worked from the locked records.
    s.review_period(2021).unwrap();
    s.lock_period(&lib, 2021).unwrap();
    drop(s);
    assert_eq!(json(&db_mode(dir, "json"))["reconciliation"], after);
}

#[test]
fn untied_installations_and_facilities_and_registry_statuses_are_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = library();
    store_of_case(dir, &lib);
    // KALK-1 untied from DE-990002: the installation keeps its figures in the position; the
    // facility's records are outside the scheme, and both are said.
    let mut s = Store::open(&dir.join("org.db"), "tester").unwrap();
    s.link_ets_registry(2021, "DE-990002", None, Some("test: untied")).unwrap();
    let out = db_mode(dir, "json");
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("warning[unknown-record] COVERED.csv: facility 'KALK-1' is registered under eu-ets as 'Rheinwerk Stahl GmbH' but tied to no installation of period 2021"),
        "{e}"
    );
    assert!(e.contains("3 installation(s) of the position have no covered facility in COVERED.csv (DE-990001, DE-990002, NO-990003)"), "{e}");
    let v = json(&out);
    let r = &v["reconciliation"];
    assert_eq!(r["computed_t"], "0");
    assert_eq!(r["reasons"], serde_json::json!({ "outside-scheme": "28917.25" }));
    assert_eq!(r["holders"], serde_json::json!([]));
    assert_eq!(v["installations"][1]["verified_t"], "30000", "the position itself is unchanged");
    // --default-parameters names a facility tied to an installation of the position.
    let out = run_in(dir, &[DB, &["--default-parameters", "KALK-1"]].concat());
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("error[unknown-record]") && e.contains("'KALK-1' is not tied to an installation"), "{e}");

    // Nordkraft's reserve plant tied to a facility: the registry gives 'Excluded' for its
    // verified emissions, so there is no verifier's figure and the computed one (0 t: no
    // records) prevails, said so.
    s.add_facility(&NewFacility { ets_covered: true, ..NewFacility::new("NK-1", "Reservekraft", "NO") }).unwrap();
    let e = EtsEnrolment {
        facility: "NK-1".into(),
        scheme: EtsScheme::EuEts,
        enterprise: "Nordkraft AS".into(),
        plan: None,
    };
    s.set_ets_facility(&e).unwrap();
    s.link_ets_registry(2021, "NO-990003", Some("NK-1"), None).unwrap();
    drop(s);
    let out = db_mode(dir, "json");
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("warning[missing-value] COVERED.csv:2 (column installation): 'NO-990003' has no verifier's figure: the registry gives 'Excluded'"),
        "{e}"
    );
    let h = &json(&out)["reconciliation"]["holders"][0];
    assert_eq!(h["holder"], "NO-990003");
    assert_eq!(h["verified_t"], Value::Null);
    assert_eq!(h["prevails"], "computed");
    assert_eq!(h["scheme_t"], "0");
}

/// `report --kind position --reconcile` reconciles the EU position too (decision 0036): its
/// workbook's figures are `position --db --reconcile`'s, and a `--default-parameters` facility
/// registered under the EU is not refused by the China side (none here), nor ignored.
#[test]
fn the_position_report_reconciles_the_eu_position_as_position_db_does() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = library();
    store_of_case(dir, &lib);
    let args = ["report", "--db", "org.db", "--period", "2021", "--kind", "position", "--reconcile"];
    let csv = |extra: &[&str], out: &str| {
        ok(dir, &[&args[..], &["--factors", "factors.csv"], extra, &["--out", out]].concat());
        std::fs::read_to_string(dir.join(out)).unwrap()
    };
    let plain = csv(&[], "r.csv");
    // Each holder's reconciliation row in the report is the figure `position --db --reconcile`
    // gives (28,877.25 / 28,050 / 30,000 here, worked by hand in the case's WORKING.md).
    let v = json(&db_mode(dir, "json"));
    let holders = v["reconciliation"]["holders"].as_array().unwrap();
    assert_eq!(holders.len(), 1);
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(plain.as_bytes()).records().map(Result::unwrap).collect();
    for h in holders {
        let holder = h["holder"].as_str().unwrap();
        for key in ["inventory_t", "computed_t", "verified_t", "scheme_t"] {
            let row = rows
                .iter()
                .find(|r| r.get(0) == Some("reconciliation") && r.get(3) == Some(holder) && r.get(4) == Some(key))
                .unwrap_or_else(|| panic!("no {key} row for {holder} in:\n{plain}"));
            assert_eq!(row.get(7), h[key].as_str(), "{row:?}");
        }
    }
    assert!(plain.contains("reconciliation,eu-ets,eu-ets,DE-990002,computed_t,\"Scheme emissions, computed\",t,28050,"));
    // A facility registered under the EU is given to the EU side only; the report is written.
    assert_eq!(csv(&["--default-parameters", "KALK-1"], "d.csv"), plain, "no measured parameters in this case");
    // A facility registered under no scheme is refused, not ignored, and nothing is written.
    let unknown = run_in(
        dir,
        &[&args[..], &["--factors", "factors.csv", "--default-parameters", "NOPE", "--out", "n.csv"]].concat(),
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("error[unknown-record]"));
    assert!(!dir.join("n.csv").exists());
}
