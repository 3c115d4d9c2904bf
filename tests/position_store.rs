//! `position --db` and `scopebook ets` through the binary (issue 12, decision 0030): each golden
//! China case's files imported into an inventory file give the file mode's position byte for
//! byte; a locked period refuses every write; a bad row changes nothing; `audit verify` passes
//! after the writes; a schema-4 file takes ETS data after its upgrade.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden-position")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).env("USER", "tester").output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run_in(dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A refused command: exit status 1, and its stderr.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = run_in(dir, args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

/// A golden case's arguments: (option, value) pairs.
fn case_args(case: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(case.join("args")).unwrap();
    let lines: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    lines.chunks(2).map(|c| (c[0].clone(), c.get(1).cloned().unwrap_or_default())).collect()
}

/// The enterprises of a UNITS.csv, in order of first appearance.
fn enterprises(units: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in units.lines().skip(1) {
        let e = line.split(',').next().unwrap().to_string();
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// The state `ets` writes touch: the units, the ledger and the audit log of period `year`.
fn state(dir: &Path, year: &str) -> (String, String, usize) {
    let units = ok(dir, &["ets", "unit", "list", "--db", "org.db", "--period", year, "--format", "json"]);
    let ledger = ok(dir, &["ets", "ledger", "list", "--db", "org.db", "--period", year, "--format", "json"]);
    let log: serde_json::Value =
        serde_json::from_str(&ok(dir, &["audit", "log", "--db", "org.db", "--format", "json"])).unwrap();
    (units, ledger, log.as_array().unwrap().len())
}

fn verify(dir: &Path) {
    let out = ok(dir, &["audit", "verify", "--db", "org.db"]);
    assert!(out.starts_with("ok: "), "{out}");
}

/// An inventory file in `dir` with the case's enterprises as covered facilities F1, F2, ...
/// registered under the case's plan, its files imported into the period. Returns the period.
fn store_of_case(case: &Path, dir: &Path) -> Option<(String, Vec<String>)> {
    let args = case_args(case);
    let get = |k: &str| args.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    if get("--scheme").as_deref() != Some("cn-ets")
        || args
            .iter()
            .any(|(a, _)| !matches!(a.as_str(), "--scheme" | "--plan" | "--year" | "--units" | "--ledger" | "--price"))
    {
        return None;
    }
    let plan = get("--plan").unwrap();
    let year = get("--year").unwrap_or_else(|| plan.rsplit('-').nth(1).unwrap().to_string());
    let units = std::fs::read_to_string(case.join(get("--units").unwrap())).unwrap();
    ok(dir, &["init", "--db", "org.db", "--name", "Golden", "--consolidation", "operational-control"]);
    ok(dir, &["period", "add", "--db", "org.db", "--year", &year]);
    for (i, e) in enterprises(&units).iter().enumerate() {
        let code = format!("F{}", i + 1);
        ok(dir, &["facility", "add", "--db", "org.db", "--code", &code, "--name", e, "--region", "CN", "--ets"]);
        ok(
            dir,
            &[
                "ets",
                "facility",
                "set",
                "--db",
                "org.db",
                "--facility",
                &code,
                "--scheme",
                "cn-ets",
                "--enterprise",
                e,
                "--plan",
                &plan,
            ],
        );
    }
    let units_path = case.join(get("--units").unwrap());
    ok(dir, &["ets", "unit", "import", "--db", "org.db", "--period", &year, units_path.to_str().unwrap()]);
    if let Some(l) = get("--ledger") {
        let ledger_path = case.join(l);
        ok(
            dir,
            &[
                "ets",
                "ledger",
                "import",
                "--db",
                "org.db",
                "--period",
                &year,
                "--scheme",
                "cn-ets",
                ledger_path.to_str().unwrap(),
            ],
        );
    }
    let prices: Vec<String> = args.iter().filter(|(a, _)| a == "--price").map(|(_, v)| v.clone()).collect();
    Some((year, prices))
}

#[test]
fn golden_cases_imported_into_a_store_give_the_file_modes_bytes() {
    let mut cases: Vec<PathBuf> =
        std::fs::read_dir(golden()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    let mut compared = 0;
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        let Some((year, prices)) = store_of_case(&case, dir.path()) else { continue };
        let file_args: Vec<String> = case_args(&case).into_iter().flat_map(|(a, v)| [a, v]).collect();
        for format in ["json", "table"] {
            let mut file_run: Vec<&str> = vec!["position"];
            file_run.extend(file_args.iter().map(String::as_str));
            file_run.extend(["--format", format]);
            let file = run_in(&case, &file_run);
            assert!(file.status.success(), "{name}: {}", String::from_utf8_lossy(&file.stderr));
            let mut db_run: Vec<&str> = vec!["position", "--db", "org.db", "--scheme", "cn-ets", "--period", &year];
            for p in &prices {
                db_run.extend(["--price", p]);
            }
            db_run.extend(["--format", format]);
            let db = run_in(dir.path(), &db_run);
            assert!(db.status.success(), "{name}: {}", String::from_utf8_lossy(&db.stderr));
            assert_eq!(String::from_utf8_lossy(&db.stdout), String::from_utf8_lossy(&file.stdout), "{name} ({format})");
            assert_eq!(db.stdout, file.stdout, "{name} ({format}): the same bytes");
            assert_eq!(
                String::from_utf8_lossy(&db.stderr),
                String::from_utf8_lossy(&file.stderr),
                "{name}: the same findings"
            );
        }
        // The export is the file the position read: the file mode on it gives the same again.
        let units =
            ok(dir.path(), &["ets", "unit", "export", "--db", "org.db", "--period", &year, "--scheme", "cn-ets"]);
        assert!(units.starts_with("enterprise,unit,unit_class,"), "{name}: {units}");
        verify(dir.path());
        compared += 1;
    }
    assert!(compared >= 6, "only {compared} golden China cases were compared");
}

#[test]
fn a_locked_period_refuses_every_ets_write_and_bad_rows_change_nothing() {
    let case = golden().join("05-ccer-above-5pct");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (year, _) = store_of_case(&case, dir).unwrap();
    let before = state(dir, &year);

    // Bad rows: a load factor of 1.7 in an imported file, a unit class the plan does not know,
    // a surrender larger than holdings, a negative price, a price in the wrong currency.
    std::fs::write(
        dir.join("units.csv"),
        "enterprise,unit,unit_class,cooling,output_mwh,heat_gj,heat_supply_ratio,load_factor,verified_t\n\
         Jiangsu Example Power,U7,coal-above-300mw,water,1000,,,0.8,900\n\
         Jiangsu Example Power,U8,coal-above-300mw,water,1000,,,1.7,900\n",
    )
    .unwrap();
    let e = refused(dir, &["ets", "unit", "import", "--db", "org.db", "--period", &year, "units.csv"]);
    assert!(e.contains("error[out-of-range] units.csv:3 (column load_factor)"), "{e}");
    let unit = |class: &str| -> Vec<String> {
        [
            "ets",
            "unit",
            "add",
            "--db",
            "org.db",
            "--period",
            &year,
            "--facility",
            "F1",
            "--unit",
            "U9",
            "--unit-class",
            class,
            "--cooling",
            "water",
            "--output-mwh",
            "1000",
            "--load-factor",
            "0.9",
            "--verified-t",
            "900",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let args = unit("coal-supercritical");
    let e = refused(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        e.contains("error[invalid-value]")
            && e.contains("(column unit_class)")
            && e.contains("is not a unit class of plan cn-power-2019-2020"),
        "{e}"
    );
    let entry = |kind: &str, quantity: &str, price: Option<&str>| -> Vec<String> {
        let mut a: Vec<String> = [
            "ets",
            "ledger",
            "add",
            "--db",
            "org.db",
            "--period",
            &year,
            "--scheme",
            "cn-ets",
            "--enterprise",
            "Jiangsu Example Power",
            "--date",
            "2021-12-20",
            "--kind",
            kind,
            "--quantity-t",
            quantity,
            "--instrument",
            "CEA",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if let Some(p) = price {
            a.extend(["--price".to_string(), p.to_string(), "--currency".to_string(), "CNY".to_string()]);
        }
        a
    };
    let args = entry("surrender", "5000000", None);
    let e = refused(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("error[insufficient-holdings]"), "{e}");
    let args = entry("purchase", "10", Some("-5"));
    let e = refused(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("error[out-of-range]") && e.contains("(column price)"), "{e}");
    let e = refused(dir, &["position", "--db", "org.db", "--scheme", "cn-ets", "--period", &year, "--price", "75EUR"]);
    assert!(e.contains("error[invalid-value]"), "a price in the wrong currency: {e}");
    assert_eq!(state(dir, &year), before, "the refused rows changed nothing");
    verify(dir);

    // A good write, then the lock: every write refused, nothing changed.
    let args = unit("coal-above-300mw");
    ok(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    ok(dir, &["period", "lock", "--db", "org.db", "--year", &year]);
    let locked = state(dir, &year);
    let args = entry("purchase", "10", Some("60"));
    let mut unit_u10 = unit("coal-above-300mw");
    unit_u10[10] = "U10".to_string();
    let writes: Vec<Vec<String>> = vec![
        unit_u10,
        vec!["ets", "unit", "edit", "--db", "org.db", "--id", "1", "--verified-t", "1"]
            .into_iter()
            .map(String::from)
            .collect(),
        vec!["ets", "unit", "delete", "--db", "org.db", "--id", "1"].into_iter().map(String::from).collect(),
        args,
        vec!["ets", "ledger", "edit", "--db", "org.db", "--id", "1", "--evidence", "x"]
            .into_iter()
            .map(String::from)
            .collect(),
        vec!["ets", "ledger", "delete", "--db", "org.db", "--id", "1"].into_iter().map(String::from).collect(),
        vec!["ets", "unit", "import", "--db", "org.db", "--period", &year, "units.csv"]
            .into_iter()
            .map(String::from)
            .collect(),
    ];
    for w in writes {
        let e = refused(dir, &w.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(e.contains("error[period-locked]"), "{w:?}: {e}");
    }
    assert_eq!(state(dir, &year), locked);
    let pos = ok(dir, &["position", "--db", "org.db", "--scheme", "cn-ets", "--period", &year, "--format", "json"]);
    assert!(pos.contains("\"unit\": \"U9\""), "{pos}");
    verify(dir);
}

#[test]
fn a_schema_4_file_takes_ets_data_after_its_upgrade() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v4.scopebook");
    std::fs::copy(fixture, dir.join("org.db")).unwrap();
    ok(
        dir,
        &[
            "ets",
            "facility",
            "set",
            "--db",
            "org.db",
            "--facility",
            "NX",
            "--scheme",
            "cn-ets",
            "--enterprise",
            "Ningxia Example Power",
            "--plan",
            "cn-power-2023-2024",
        ],
    );
    ok(
        dir,
        &[
            "ets",
            "unit",
            "add",
            "--db",
            "org.db",
            "--period",
            "2024",
            "--facility",
            "NX",
            "--unit",
            "U2",
            "--unit-class",
            "coal-300mw-or-below",
            "--cooling",
            "air",
            "--output-mwh",
            "2000000",
            "--load-factor",
            "0.8",
            "--verified-t",
            "1700000",
        ],
    );
    // The 2023 period is locked in the fixture: its ETS data cannot be added.
    let e = refused(
        dir,
        &[
            "ets",
            "unit",
            "add",
            "--db",
            "org.db",
            "--period",
            "2023",
            "--facility",
            "NX",
            "--unit",
            "U2",
            "--unit-class",
            "coal-300mw-or-below",
            "--cooling",
            "air",
            "--output-mwh",
            "2000000",
            "--load-factor",
            "0.8",
            "--verified-t",
            "1700000",
        ],
    );
    assert!(e.contains("error[period-locked]"), "{e}");
    let pos: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &["position", "--db", "org.db", "--scheme", "cn-ets", "--period", "2024", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(pos["plan"], "cn-power-2023-2024");
    assert_eq!(pos["year"], 2024);
    assert_eq!(pos["units"][0]["unit"], "U2");
    let records = ok(dir, &["activity", "list", "--db", "org.db", "--period", "2023", "--format", "json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&records).unwrap().as_array().unwrap().len(),
        2,
        "the records survive"
    );
    verify(dir);
}

#[test]
fn position_db_refuses_the_file_options_and_an_empty_period() {
    let case = golden().join("01-coal-600mw-air-78pct-2019-2020");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (year, _) = store_of_case(&case, dir).unwrap();
    let out =
        run_in(dir, &["position", "--db", "org.db", "--scheme", "cn-ets", "--period", &year, "--units", "UNITS.csv"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--units, --ledger, --registry and --year are for the files"));
    let e = refused(dir, &["position", "--db", "org.db", "--scheme", "eu-ets", "--period", &year]);
    assert!(e.contains("error[no-data-rows]") && e.contains("has no eu-ets units"), "{e}");
    let e = refused(dir, &["position", "--db", "org.db", "--scheme", "cn-ets", "--period", "2031"]);
    assert!(e.contains("error[unknown-record]") && e.contains("there is no period 2031"), "{e}");
}
