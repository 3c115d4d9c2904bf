//! `position --db --reconcile` (issue 12, decision 0032): the scheme's emissions beside the
//! inventory from the inventory file itself. Golden case 08 loaded into a store (facilities, the
//! smelter's registration, UNITS.csv, the records) gives, byte for byte, what the file mode gives
//! for the store's own export of the records; a record edit changes the reconciliation; a
//! locked period still computes it; the options of the file mode (`--own-project`,
//! `--offset-price`) work with `--db` (golden 09 and 11 imported give the file mode's bytes);
//! combinations that cannot work are refused; an equity share gives `boundary-share` reasons.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scopebook_core::library::FactorLibrary;
use scopebook_store::{
    ActivityInput, Consolidation, EtsEnrolment, EtsScheme, NewFacility, NewOrganisation, NewPeriod, Store,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

const CASE: &str = "08-reconciliation-aluminium-2024";
const ENTERPRISE: &str = "Baotou Example Aluminium";
const PLAN: &str = "cn-industry-2024-2025";

mod common;

fn records() -> Vec<ActivityInput> {
    common::golden_store::records(&golden(CASE))
}

fn library() -> FactorLibrary {
    common::golden_store::library(&golden(CASE))
}

fn golden(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden-position").join(case)
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).env("USER", "tester").output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = run_in(dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Golden case 08 in an inventory file in `dir`: the smelter (covered, registered under the
/// China ETS for the case's enterprise) and the office (not covered), period 2024, the case's
/// UNITS.csv and records. Returns the records' ids.
fn store_of_case(dir: &Path, lib: &FactorLibrary) -> Vec<i64> {
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
    let units = std::fs::read(golden(CASE).join("UNITS.csv")).unwrap();
    s.import_ets_units(2024, "UNITS.csv", &units, None, None).unwrap();
    // One record entered and deleted first: each record's id is then its line in the export
    // (the header is line 1), so the file mode's rows and the store's ids are the same numbers.
    let first = records().remove(0);
    let gone = s.add_activity(lib, 2024, &first).unwrap();
    s.delete_activity(gone.id, Some("entered to align ids with export lines")).unwrap();
    s.add_activities(lib, 2024, &records()).unwrap()
}

const DB_RECONCILE: &[&str] = &[
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
    "--default-parameters",
    "BT-SMELTER",
];

/// The file mode on the store's export: the records exported (named as the store's
/// calculation names them), the case's UNITS.csv, COVERED.csv and factors.
fn file_mode(dir: &Path, store: &Store, format: &str) -> Output {
    std::fs::write(dir.join("period 2024"), store.export(2024).unwrap().0).unwrap();
    let args = [
        "position",
        "--scheme",
        "cn-ets",
        "--plan",
        PLAN,
        "--year",
        "2024",
        "--units",
        "UNITS.csv",
        "--activities",
        "period 2024",
        "--covered",
        "COVERED.csv",
        "--factors",
        "factors.csv",
        "--format",
        format,
    ];
    ok(dir, &args)
}

fn db_mode(dir: &Path, format: &str) -> Output {
    let mut args = DB_RECONCILE.to_vec();
    args.extend(["--format", format]);
    ok(dir, &args)
}

/// Arguments joined.
fn cat<'a>(parts: &[&[&'a str]]) -> Vec<&'a str> {
    parts.concat()
}

fn reconciliation(out: &Output) -> Value {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["reconciliation"].clone()
}

#[test]
fn golden_08_in_a_store_gives_the_file_modes_reconciliation_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = library();
    let ids = store_of_case(dir, &lib);
    assert_eq!(ids, vec![2, 3, 4, 5, 6]);
    for f in ["UNITS.csv", "COVERED.csv", "factors.csv"] {
        std::fs::copy(golden(CASE).join(f), dir.join(f)).unwrap();
    }
    let store = Store::open(&dir.join("org.db"), "tester").unwrap();
    for format in ["json", "table"] {
        let file = file_mode(dir, &store, format);
        let db = db_mode(dir, format);
        assert_eq!(String::from_utf8_lossy(&db.stdout), String::from_utf8_lossy(&file.stdout), "{format}");
        assert_eq!(db.stdout, file.stdout, "{format}: the same bytes");
        assert_eq!(String::from_utf8_lossy(&db.stderr), String::from_utf8_lossy(&file.stderr), "the same findings");
    }
    // The figures worked by hand in the case's WORKING.md.
    let r = reconciliation(&db_mode(dir, "json"));
    assert_eq!(r["activities"], "period 2024");
    assert_eq!(r["covered"], "COVERED.csv");
    assert_eq!(r["inventory_t"], "187143.6");
    assert_eq!(r["computed_t"], "135045");
    let reasons = serde_json::json!({
        "default-parameter": "-8712", "gas-excluded": "510.6", "indirect-excluded": "60000", "outside-scheme": "300"
    });
    assert_eq!(r["reasons"], reasons);
    let h = &r["holders"][0];
    assert_eq!(h["holder"], ENTERPRISE);
    assert_eq!(h["verified_t"], "135000");
    assert_eq!(h["prevails"], "verified");
    assert_eq!(h["verified_minus_computed_t"], "-45");
    let rows: Vec<&Value> = r["lines"].as_array().unwrap().iter().map(|l| &l["row"]).collect();
    assert_eq!(rows, [2, 3, 4, 5, 6].map(Value::from).iter().collect::<Vec<_>>(), "each line is its record's id");
    // The export the file mode read has the calculation's SHA-256.
    let export = std::fs::read(dir.join("period 2024")).unwrap();
    let hex: String = Sha256::digest(&export).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(r["activities_sha256"], hex.as_str());
}

#[test]
fn a_record_edit_changes_the_reconciliation_and_a_locked_period_still_computes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = library();
    let ids = store_of_case(dir, &lib);
    std::fs::copy(golden(CASE).join("factors.csv"), dir.join("factors.csv")).unwrap();
    let before = reconciliation(&db_mode(dir, "json"));
    assert_eq!(before["computed_t"], "135045");

    // The boiler burns 1,000,000 GJ instead of 1,200,000: at the default 0.027 t C/GJ, oxidation
    // 0.99, 44/12: 1,000,000 × 0.027 × 0.99 × 44/12 = 98,010 t; + 16,989 + 444 = 115,443 t.
    let mut s = Store::open(&dir.join("org.db"), "tester").unwrap();
    let coal = ActivityInput { quantity: "1000000".into(), ..records().remove(0) };
    s.update_activity(&lib, ids[0], &coal, Some("meter reading corrected")).unwrap();
    let after = reconciliation(&db_mode(dir, "json"));
    assert_eq!(after["computed_t"], "115443");
    assert_eq!(after["holders"][0]["verified_minus_computed_t"], "19557");
    assert_eq!(after["lines"][0]["scheme_t"], "98010");
    assert_ne!(after["activities_sha256"], before["activities_sha256"]);

    // Locked: nothing can change, the reconciliation is still worked from the locked records.
    s.review_period(2024).unwrap();
    s.lock_period(&lib, 2024).unwrap();
    drop(s);
    let locked = db_mode(dir, "json");
    assert_eq!(reconciliation(&locked), after);
}

#[test]
fn combinations_that_cannot_work_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = library();
    store_of_case(dir, &lib);
    std::fs::copy(golden(CASE).join("factors.csv"), dir.join("factors.csv")).unwrap();
    let base = ["position", "--db", "org.db", "--scheme", "cn-ets", "--period", "2024"];
    let with = |extra: &[&str]| -> Output { run_in(dir, &cat(&[&base, extra])) };
    // Without --reconcile the position is as before: no reconciliation, and its options refused.
    let plain: Value = serde_json::from_slice(&ok(dir, &cat(&[&base, &["--format", "json"]])).stdout).unwrap();
    assert!(plain.get("reconciliation").is_none(), "{plain}");
    for extra in
        [&["--as-of", "2024-06-30"][..], &["--default-parameters", "BT-SMELTER"], &["--factors", "factors.csv"]]
    {
        let out = with(extra);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", String::from_utf8_lossy(&out.stdout));
    }
    // The records' user factors are needed: without them the records are unresolved, located.
    let out = with(&["--reconcile"]);
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("period 2024:2"), "{e}");
    // A facility that is not registered for the position's enterprises.
    let out = with(&["--reconcile", "--factors", "factors.csv", "--default-parameters", "BT-OFFICE"]);
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("error[unknown-record]") && e.contains("(column default-parameters)") && e.contains("'BT-OFFICE'"),
        "{e}"
    );
    // A record after --as-of is out of range at its record; a date that is not one is refused.
    let out = with(&["--reconcile", "--factors", "factors.csv", "--as-of", "2024-06-30"]);
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("error[out-of-range] period 2024:2 (column period_end)"), "{e}");
    let out = with(&["--reconcile", "--factors", "factors.csv", "--as-of", "2024-02-30"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[malformed-date] --as-of 2024-02-30"));
    // The EU: no reconciliation from the store yet, and no offsets at all.
    let eu = ["position", "--db", "org.db", "--scheme", "eu-ets", "--period", "2024"];
    let out = run_in(dir, &cat(&[&eu, &["--reconcile"]]));
    assert_ne!(out.status.code(), Some(0));
    let out = run_in(dir, &cat(&[&eu, &["--offset-price", "60"]]));
    assert_eq!(out.status.code(), Some(2));
    // File mode: --reconcile and --default-parameters are for --db.
    let out = run_in(dir, &["position", "--scheme", "cn-ets", "--plan", PLAN, "--units", "UNITS.csv", "--reconcile"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Golden 09 (`--offset-price`) and 11 (`--own-project`) imported into a store give the file
/// mode's bytes with the same options given to `position --db`.
#[test]
fn own_projects_and_offset_prices_with_db_give_the_file_modes_bytes() {
    for case in ["09-cheapest-mix-2025", "11-own-boundary-ccer-2025"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let case_dir = golden(case);
        let text = std::fs::read_to_string(case_dir.join("args")).unwrap();
        let args: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
        let pairs: Vec<(&str, &str)> = args.chunks(2).map(|c| (c[0].as_str(), c[1].as_str())).collect();
        let units = std::fs::read_to_string(case_dir.join("UNITS.csv")).unwrap();
        let mut enterprises: Vec<&str> = Vec::new();
        for line in units.lines().skip(1) {
            let e = line.split(',').next().unwrap();
            if !enterprises.contains(&e) {
                enterprises.push(e);
            }
        }
        ok(dir, &["init", "--db", "org.db", "--name", "Golden", "--consolidation", "operational-control"]);
        ok(dir, &["period", "add", "--db", "org.db", "--year", "2025"]);
        for (i, &e) in enterprises.iter().enumerate() {
            let code = format!("F{}", i + 1);
            ok(dir, &["facility", "add", "--db", "org.db", "--code", &code, "--name", e, "--region", "CN", "--ets"]);
            let set = ["ets", "facility", "set", "--db", "org.db", "--facility", &code, "--scheme", "cn-ets"];
            ok(dir, &cat(&[&set, &["--enterprise", e, "--plan", PLAN]]));
        }
        let path = |f: &str| case_dir.join(f).display().to_string();
        ok(dir, &["ets", "unit", "import", "--db", "org.db", "--period", "2025", &path("UNITS.csv")]);
        let ledger = path("LEDGER.csv");
        ok(dir, &["ets", "ledger", "import", "--db", "org.db", "--period", "2025", "--scheme", "cn-ets", &ledger]);
        let options: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| matches!(*k, "--price" | "--offset-price" | "--own-project"))
            .flat_map(|(k, v)| [*k, *v])
            .collect();
        for format in ["json", "table"] {
            let given: Vec<&str> = args.iter().map(String::as_str).collect();
            let file = ok(&case_dir, &cat(&[&["position"], &given, &["--format", format]]));
            let db_args = ["position", "--db", "org.db", "--scheme", "cn-ets", "--period", "2025", "--format", format];
            let db = ok(dir, &cat(&[&db_args, &options]));
            assert_eq!(String::from_utf8_lossy(&db.stdout), String::from_utf8_lossy(&file.stdout), "{case} ({format})");
            assert_eq!(db.stderr, file.stderr, "{case}: the same findings");
        }
    }
}

/// `boundary-share` (decision 0031): under the equity-share approach with the smelter 40 %
/// owned, the inventory counts 40 % of each of its lines and the scheme all of it, so each of
/// its lines gains a `boundary-share` reason of −60 % of the line's full emissions; the scheme
/// figure and the verifier's comparison are the operational-control case's, and every line
/// still balances (inventory − scheme = the sum of its reasons).
#[test]
fn an_equity_share_gives_each_covered_line_a_boundary_share_reason() {
    let lib = library();
    let full_tmp = tempfile::tempdir().unwrap();
    store_of_case(full_tmp.path(), &lib);
    std::fs::copy(golden(CASE).join("factors.csv"), full_tmp.path().join("factors.csv")).unwrap();
    let full = reconciliation(&db_mode(full_tmp.path(), "json"));

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::copy(golden(CASE).join("factors.csv"), dir.join("factors.csv")).unwrap();
    let org = NewOrganisation { name: "Golden".into(), consolidation: Consolidation::EquityShare };
    let mut s = Store::create(&dir.join("org.db"), &org, "tester").unwrap();
    let smelter = NewFacility {
        ets_covered: true,
        equity_share: Some("40".into()),
        ..NewFacility::new("BT-SMELTER", "Smelter", "CN-NM")
    };
    s.add_facility(&smelter).unwrap();
    s.add_facility(&NewFacility {
        equity_share: Some("100".into()),
        ..NewFacility::new("BT-OFFICE", "Office", "CN-NM")
    })
    .unwrap();
    s.add_period(&lib, &NewPeriod::year(2024)).unwrap();
    let e = EtsEnrolment {
        facility: "BT-SMELTER".into(),
        scheme: EtsScheme::CnEts,
        enterprise: ENTERPRISE.into(),
        plan: Some(PLAN.into()),
    };
    s.set_ets_facility(&e).unwrap();
    s.import_ets_units(2024, "UNITS.csv", &std::fs::read(golden(CASE).join("UNITS.csv")).unwrap(), None, None).unwrap();
    let first = records().remove(0);
    let gone = s.add_activity(&lib, 2024, &first).unwrap();
    s.delete_activity(gone.id, Some("entered to align ids with export lines")).unwrap();
    s.add_activities(&lib, 2024, &records()).unwrap();
    drop(s);
    let shared = reconciliation(&db_mode(dir, "json"));

    // The scheme counts the whole smelter: the same scheme figures as under operational control.
    assert_eq!(shared["computed_t"], "135045");
    assert_eq!(shared["computed_t"], full["computed_t"]);
    assert_eq!(shared["holders"][0]["verified_minus_computed_t"], "-45");
    let scheme = |v: &Value| v["lines"].as_array().unwrap().iter().map(|l| l["scheme_t"].clone()).collect::<Vec<_>>();
    assert_eq!(scheme(&shared), scheme(&full));

    // By hand: 40 % of each smelter line; boundary-share = −60 % of its full emissions.
    // Coal: 108,900 CO2 measured + 510.6 CH4 and N2O = 109,410.6 t → 43,764.24 and −65,646.36.
    // CF4 16,989 → 6,795.6 and −10,193.4; C2F6 444 → 177.6 and −266.4.
    // The smelter's electricity: 40 % of 60,000 = 24,000, left out whole as indirect (no share
    // reason: the scheme counts none of it). The office, 100 % owned: 300, outside the scheme.
    let share_reason = |l: &Value| {
        l["reasons"].as_array().unwrap().iter().find(|r| r["reason"] == "boundary-share").map(|r| r["tonnes"].clone())
    };
    let lines = shared["lines"].as_array().unwrap();
    let got: Vec<(Value, Option<Value>)> = lines.iter().map(|l| (l["inventory_t"].clone(), share_reason(l))).collect();
    let want: Vec<(Value, Option<Value>)> = [
        ("43764.24", Some("-65646.36")),
        ("6795.6", Some("-10193.4")),
        ("177.6", Some("-266.4")),
        ("24000", None),
        ("300", None),
    ]
    .iter()
    .map(|(i, r)| (Value::from(*i), r.map(Value::from)))
    .collect();
    assert_eq!(got, want);
    assert_eq!(shared["holders"][0]["reasons"]["boundary-share"], "-76106.16");
    assert_eq!(shared["inventory_t"], "75037.44");
    assert!(full["lines"].as_array().unwrap().iter().all(|l| share_reason(l).is_none()));

    // Every line balances exactly: inventory − scheme = the sum of its reasons.
    let dec = |v: &Value| v.as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
    for l in lines {
        let reasons: rust_decimal::Decimal = l["reasons"].as_array().unwrap().iter().map(|r| dec(&r["tonnes"])).sum();
        assert_eq!(dec(&l["inventory_t"]) - dec(&l["scheme_t"]), reasons, "{l}");
    }
}
