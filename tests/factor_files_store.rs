//! A period's own factor files in the inventory file (schema 10, decision 0053), end to end
//! through the built binary: a residual mix converted from an AIB-shaped file (decision 0048)
//! and a grid factor file kept in a period give `calc --db` the figures `calc --factors
//! --residual-mix` gives of the same files; the lock snapshot, the audit log and the auditor's
//! package carry them. The fixtures in `tests/residual-mix/` are MADE-UP TEST DATA.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/residual-mix").join(name).display().to_string()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).output().unwrap()
}

/// Run, expect `status`, return (stdout, stderr).
fn ok(dir: &Path, args: &[&str], status: i32) -> (String, String) {
    let out = run(dir, args);
    let (stdout, stderr) = (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap());
    assert_eq!(out.status.code(), Some(status), "{args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    (stdout, stderr)
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args, 0).0).unwrap()
}

/// An inventory file with a facility in DE and period 2023 holding 1,000 MWh of its electricity,
/// at the test grid factor the period keeps (no DE grid factor ships: a record needs one).
fn store(dir: &Path) -> PathBuf {
    let u = ["--user", "alice"];
    std::fs::copy(fixture("de-grid-test.csv"), dir.join("de-grid.csv")).unwrap();
    let steps: [&[&str]; 5] = [
        &["init", "--db", "org.db", "--name", "Acme Europe", "--consolidation", "operational-control"],
        &["facility", "add", "--db", "org.db", "--code", "BERLIN", "--name", "Berlin office", "--region", "DE"],
        &["period", "add", "--db", "org.db", "--year", "2023"],
        &["factors", "add", "--db", "org.db", "--period", "2023", "de-grid.csv"],
        &[
            "activity",
            "add",
            "--db",
            "org.db",
            "--period",
            "2023",
            "--facility",
            "BERLIN",
            "--activity",
            "grid_electricity",
            "--quantity",
            "1000",
            "--unit",
            "MWh",
            "--start",
            "2023-01-01",
            "--end",
            "2023-12-31",
        ],
    ];
    for step in steps {
        let mut args = step.to_vec();
        args.extend(u);
        ok(dir, &args, 0);
    }
    dir.join("org.db")
}

#[test]
fn a_residual_mix_kept_in_the_period_gives_calc_db_the_file_modes_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    store(d);
    let aib = fixture("aib-2023-test.csv");
    ok(d, &["residual-mix", "import", "--format", "aib", "--data-year", "2023", &aib, "--dataset-dir", "aib-2023"], 0);
    // Before the residual mix: market = location (the grid average).
    let db = json(d, &["calc", "--db", "org.db", "--period", "2023", "--format", "json"]);
    assert_eq!(db["by_facility"][0]["scope2_market_basis"], "grid-average");
    let (out, _) = ok(d, &["factors", "add", "--db", "org.db", "--period", "2023", "aib-2023"], 0);
    assert!(out.contains("3 factor(s) of aib-residual-mix 2023"), "{out}");

    // calc --db: location 1,000 MWh × 400 kg = 400 t; market at the residual mix 1,000 × 700.5 kg
    // = 700.5 t — what calc gives of the same files.
    let db = json(d, &["calc", "--db", "org.db", "--period", "2023", "--format", "json"]);
    assert_eq!(
        (db["totals"]["scope2_location"].as_str(), db["totals"]["scope2_market"].as_str()),
        (Some("400"), Some("700.5"))
    );
    assert_eq!(db["by_facility"][0]["scope2_market_basis"], "residual-mix");
    let (export, _) = ok(d, &["activity", "export", "--db", "org.db", "--period", "2023"], 0);
    std::fs::write(d.join("period.csv"), export).unwrap();
    let file =
        json(d, &["calc", "period.csv", "--factors", "de-grid.csv", "--residual-mix", "aib-2023", "--format", "json"]);
    for key in ["totals", "by_facility"] {
        assert_eq!(db[key], file[key], "{key}");
    }
    let ids = |v: &Value| -> Vec<String> {
        v["inputs"]["datasets"].as_array().unwrap().iter().map(|x| format!("{} {}", x["id"], x["edition"])).collect()
    };
    assert!(ids(&db).contains(&"\"aib-residual-mix\" \"2023\"".to_string()), "{:?}", ids(&db));

    // Listed in the order loaded; a bad file, a name taken and a missing period change nothing.
    let files = json(d, &["factors", "files", "--db", "org.db", "--period", "2023", "--format", "json"]);
    let listed: Vec<(&str, u64)> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["factors"].as_u64().unwrap()))
        .collect();
    assert_eq!(listed, [("de-grid.csv", 2), ("aib-2023", 3)]);
    std::fs::write(
        d.join("bad.csv"),
        "id,activity,scope,category,unit,co2_kg,source\nx,grid_electricity,2,electricity,MWh,abc,test\n",
    )
    .unwrap();
    let (_, stderr) = ok(d, &["factors", "add", "--db", "org.db", "--period", "2023", "bad.csv"], 1);
    assert!(stderr.contains("bad.csv:2 (column co2_kg)"), "{stderr}");
    let (_, stderr) = ok(d, &["factors", "add", "--db", "org.db", "--period", "2023", "de-grid.csv"], 1);
    assert!(stderr.starts_with("error[duplicate-id]"), "{stderr}");
    ok(d, &["factors", "add", "--db", "org.db", "--period", "1999", "de-grid.csv"], 1);
    assert_eq!(json(d, &["factors", "files", "--db", "org.db", "--period", "2023", "--format", "json"]), files);

    // Locked: the snapshot holds the residual mix; the files cannot change; the log verifies.
    ok(d, &["period", "lock", "--db", "org.db", "--year", "2023"], 0);
    let (_, stderr) = ok(d, &["calc", "--db", "org.db", "--period", "2023", "--format", "json"], 0);
    assert!(stderr.contains("identical to the snapshot"), "{stderr}");
    let (_, stderr) = ok(d, &["factors", "remove", "--db", "org.db", "--id", "1"], 1);
    assert!(stderr.starts_with("error[period-locked]"), "{stderr}");
    let (_, stderr) = ok(d, &["factors", "add", "--db", "org.db", "--period", "2023", "bad.csv"], 1);
    assert!(stderr.starts_with("error[period-locked]"), "{stderr}");
    let (out, _) = ok(d, &["audit", "verify", "--db", "org.db"], 0);
    assert!(out.contains("2 factor_file"), "{out}");

    // The auditor's package: the grid file travels (its licence allows it), the AIB residual mix
    // only as its reference and SHA-256 (redistributable = false), and verify says so.
    ok(d, &["export-package", "--db", "org.db", "--period", "2023", "--out", "pkg.zip"], 0);
    let (out, stderr) = ok(d, &["verify", "pkg.zip"], 0);
    assert!(out.contains("lines: 1, of which 1 recomputed to the same figures, 0 withheld"), "{out}");
    assert!(out.contains("verified: every hash, the audit chain, every line and every total match"), "{out}");
    assert!(
        out.contains("not recomputed: the residual mix aib-residual-mix.2023.DE (dataset aib-residual-mix edition 2023) is not in the package's factor files"),
        "{out}"
    );
    assert!(stderr.contains("warning[factor-withheld]"), "{stderr}");
    let zip = std::fs::read(d.join("pkg.zip")).unwrap();
    let names: Vec<String> = {
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        (0..a.len()).map(|i| a.by_index(i).unwrap().name().to_string()).collect()
    };
    assert!(names.contains(&"factors/user_de-grid.csv/-/factors.csv".to_string()), "{names:?}");
    assert!(names.contains(&"factors/aib-residual-mix/2023/dataset.json".to_string()), "{names:?}");
    assert!(!names.contains(&"factors/aib-residual-mix/2023/factors.csv".to_string()), "{names:?}");
}

#[test]
fn a_file_a_record_needs_is_not_removed_and_one_it_does_not_is() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    store(d);
    let db = json(d, &["calc", "--db", "org.db", "--period", "2023", "--format", "json"]);
    assert_eq!(db["totals"]["scope2_location"], "400");
    // The record reads its grid factor from file 1: refused, naming the record; nothing changed.
    let (_, stderr) = ok(d, &["factors", "remove", "--db", "org.db", "--id", "1", "--reason", "wrong year"], 1);
    assert!(
        stderr.starts_with("error[no-factor]") && stderr.contains("record 1, without factor file de-grid.csv"),
        "{stderr}"
    );
    assert_eq!(json(d, &["calc", "--db", "org.db", "--period", "2023", "--format", "json"]), db);
    // A residual mix no record names goes; the calculation is as before it came.
    let aib = fixture("aib-2023-test.csv");
    ok(d, &["residual-mix", "import", "--format", "aib", "--data-year", "2023", &aib, "--out", "rm.csv"], 0);
    ok(d, &["factors", "add", "--db", "org.db", "--period", "2023", "rm.csv"], 0);
    let with = json(d, &["calc", "--db", "org.db", "--period", "2023", "--format", "json"]);
    assert_eq!(with["totals"]["scope2_market"], "700.5");
    ok(d, &["factors", "remove", "--db", "org.db", "--id", "2", "--reason", "not ours"], 0);
    let without = json(d, &["calc", "--db", "org.db", "--period", "2023", "--format", "json"]);
    assert_eq!(without["totals"], db["totals"]);
    let (_, stderr) = ok(d, &["factors", "remove", "--db", "org.db", "--id", "2"], 1);
    assert!(stderr.starts_with("error[unknown-record]"), "{stderr}");
    let (out, _) = ok(d, &["audit", "verify", "--db", "org.db"], 0);
    assert!(out.contains("1 factor_file"), "{out}");
}
