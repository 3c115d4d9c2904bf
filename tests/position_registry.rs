//! `scopebook ets registry` and `position --db --scheme eu-ets` (issue 12, decision 0033): golden
//! case 07's registry export imported into an inventory file gives the file mode's position byte
//! for byte (JSON, table, findings), with an EU ledger as well; the export written back reads
//! the same; a locked period refuses every registry write and nothing changes; a bad registry
//! file changes nothing; a schema-5 file (made by the schema-5 build) takes registry figures
//! after its upgrade; a facility's registration is removed only when nothing names it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn case07() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden-position/07-eu-installation-penalty")
}

fn registry07() -> String {
    case07().join("registry-DE-NO.csv").to_str().unwrap().to_string()
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

fn verify(dir: &Path) {
    let out = ok(dir, &["audit", "verify", "--db", "org.db"]);
    assert!(out.starts_with("ok: "), "{out}");
}

/// What registry writes touch: the period's registry rows, the registrations and the log's length.
fn state(dir: &Path, year: &str) -> (String, String, usize) {
    let rows = ok(dir, &["ets", "registry", "list", "--db", "org.db", "--period", year, "--format", "json"]);
    let regs = ok(dir, &["ets", "facility", "list", "--db", "org.db", "--format", "json"]);
    let log: serde_json::Value =
        serde_json::from_str(&ok(dir, &["audit", "log", "--db", "org.db", "--format", "json"])).unwrap();
    (rows, regs, log.as_array().unwrap().len())
}

/// An inventory file with period 2021 and facility DE-HO (Rheinwerk's blast furnace) registered
/// under eu-ets, and case 07's registry export imported into 2021.
fn store07(dir: &Path) {
    ok(dir, &["init", "--db", "org.db", "--name", "Golden", "--consolidation", "operational-control"]);
    ok(dir, &["period", "add", "--db", "org.db", "--year", "2021"]);
    ok(
        dir,
        &["facility", "add", "--db", "org.db", "--code", "DE-HO", "--name", "Hochofen 2", "--region", "DE", "--ets"],
    );
    ok(
        dir,
        &[
            "ets",
            "facility",
            "set",
            "--db",
            "org.db",
            "--facility",
            "DE-HO",
            "--scheme",
            "eu-ets",
            "--enterprise",
            "Rheinwerk Stahl GmbH",
        ],
    );
    let out = ok(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2021", &registry07()]);
    assert_eq!(out, "imported the registry figures of 3 installation(s) into period 2021\n");
}

/// `position` in file mode (in case 07's folder, `extra` added) and `position --db` on the store
/// give the same bytes on stdout and stderr, in JSON and as a table.
fn same_as_file_mode(dir: &Path, extra_file: &[&str], name: &str) {
    for format in ["json", "table"] {
        let mut file_run = vec!["position", "--scheme", "eu-ets", "--registry", "registry-DE-NO.csv", "--year", "2021"];
        file_run.extend(extra_file);
        file_run.extend(["--price", "central=75", "--format", format]);
        let file = run_in(&case07(), &file_run);
        assert!(file.status.success(), "{name}: {}", String::from_utf8_lossy(&file.stderr));
        let db = run_in(
            dir,
            &[
                "position",
                "--db",
                "org.db",
                "--scheme",
                "eu-ets",
                "--period",
                "2021",
                "--price",
                "central=75",
                "--format",
                format,
            ],
        );
        assert!(db.status.success(), "{name}: {}", String::from_utf8_lossy(&db.stderr));
        assert_eq!(String::from_utf8_lossy(&db.stdout), String::from_utf8_lossy(&file.stdout), "{name} ({format})");
        assert_eq!(db.stdout, file.stdout, "{name} ({format}): the same bytes");
        assert_eq!(
            String::from_utf8_lossy(&db.stderr),
            String::from_utf8_lossy(&file.stderr),
            "{name}: the same findings"
        );
    }
}

#[test]
fn golden_07_imported_into_a_store_gives_the_file_modes_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store07(dir);
    same_as_file_mode(dir, &[], "07");

    // Statuses stay statuses: NO-990003's verified figure is `Excluded`, never a zero.
    let rows: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &["ets", "registry", "list", "--db", "org.db", "--period", "2021", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    assert_eq!(rows[0]["installation"], "DE-990001");
    assert_eq!(rows[0]["verified_t"], "250000");
    assert_eq!(rows[0]["verified_status"], serde_json::Value::Null);
    assert_eq!(rows[0]["compliance"], "B");
    assert_eq!(rows[2]["verified_t"], serde_json::Value::Null);
    assert_eq!(rows[2]["verified_status"], "Excluded");
    assert_eq!(rows[2]["free_allocation_status"], "NA");
    assert_eq!(rows[2]["compliance"], serde_json::Value::Null);

    // Tying an installation to its facility changes no figure.
    let out = ok(
        dir,
        &[
            "ets",
            "registry",
            "link",
            "--db",
            "org.db",
            "--period",
            "2021",
            "--installation",
            "DE-990001",
            "--facility",
            "DE-HO",
        ],
    );
    assert_eq!(out, "tied installation DE-990001 to facility DE-HO in period 2021\n");
    // Another holder's installation cannot be this facility; nor can a second installation.
    let e = refused(
        dir,
        &[
            "ets",
            "registry",
            "link",
            "--db",
            "org.db",
            "--period",
            "2021",
            "--installation",
            "NO-990003",
            "--facility",
            "DE-HO",
        ],
    );
    assert!(e.contains("error[invalid-value]") && e.contains("'Nordkraft AS'"), "{e}");
    let e = refused(
        dir,
        &[
            "ets",
            "registry",
            "link",
            "--db",
            "org.db",
            "--period",
            "2021",
            "--installation",
            "DE-990002",
            "--facility",
            "DE-HO",
        ],
    );
    assert!(e.contains("error[invalid-state]") && e.contains("already installation DE-990001"), "{e}");
    same_as_file_mode(dir, &[], "07 with DE-990001 tied to DE-HO");

    // The export is a registry export of 2021: the file mode on it gives the same position.
    let export = ok(dir, &["ets", "registry", "export", "--db", "org.db", "--period", "2021"]);
    assert!(export.starts_with("id,InstallationOrAircraftOperatorID,AccountHolderName,"), "{export}");
    assert!(export.contains("NO-990003,990003,Nordkraft AS,Reservekraft,NO,Combustion of fuels,NA,Excluded,NA,NA,\n"));
    std::fs::write(dir.join("export.csv"), &export).unwrap();
    let db = ok(dir, &["position", "--db", "org.db", "--scheme", "eu-ets", "--period", "2021", "--format", "json"]);
    let file =
        ok(dir, &["position", "--scheme", "eu-ets", "--registry", "export.csv", "--year", "2021", "--format", "json"]);
    assert_eq!(db, file);
    verify(dir);
}

#[test]
fn an_eu_ledger_with_the_registry_gives_the_file_modes_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store07(dir);
    let ledger = "enterprise,date,kind,quantity_t,instrument,price,currency,vintage,project,evidence\n\
                  Rheinwerk Stahl GmbH,2022-03-01,purchase,300000,EUA,80,EUR,,,broker note 7\n\
                  Rheinwerk Stahl GmbH,2022-04-20,surrender,280000,EUA,,,,,registry 2022-04-20\n";
    let ledger_path = dir.join("LEDGER.csv");
    std::fs::write(&ledger_path, ledger).unwrap();
    ok(dir, &["ets", "ledger", "import", "--db", "org.db", "--period", "2021", "--scheme", "eu-ets", "LEDGER.csv"]);
    same_as_file_mode(dir, &["--ledger", ledger_path.to_str().unwrap()], "07 + ledger");
    let pos: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &[
            "position",
            "--db",
            "org.db",
            "--scheme",
            "eu-ets",
            "--period",
            "2021",
            "--price",
            "central=75",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    // Rheinwerk: the registry's 270,000 surrendered and the ledger's 280,000 held against its
    // 280,000 t obligation (eu.rs: holdings = the larger of the account and the surrenders):
    // 550,000 t, a surplus of 270,000 t; the ledger's last trade prices a scenario.
    let e = &pos["enterprises"][0];
    assert_eq!(e["enterprise"], "Rheinwerk Stahl GmbH");
    assert_eq!((e["holdings_t"].as_str(), e["shortfall_t"].as_str()), (Some("550000"), Some("-270000")), "{pos}");
    assert_eq!(pos["prices"][0]["scenario"], "central");
    assert_eq!(pos["prices"][1]["scenario"], "last-trade");
    assert_eq!(pos["prices"][1]["price"], "80");

    // The ledger's holder must hold installations: deleting them all is refused.
    let before = state(dir, "2021");
    let e = refused(dir, &["ets", "registry", "delete", "--db", "org.db", "--period", "2021", "--all"]);
    assert!(e.contains("error[unknown-record]") && e.contains("Rheinwerk Stahl GmbH"), "{e}");
    assert_eq!(state(dir, "2021"), before, "nothing changed");
    // One installation can go, with the audit log keeping it.
    let out = ok(
        dir,
        &[
            "ets",
            "registry",
            "delete",
            "--db",
            "org.db",
            "--period",
            "2021",
            "--installation",
            "NO-990003",
            "--reason",
            "not ours",
        ],
    );
    assert_eq!(out, "deleted the registry figures of 1 installation(s) of period 2021\n");
    verify(dir);
}

#[test]
fn a_locked_period_refuses_registry_writes_and_bad_files_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store07(dir);
    let before = state(dir, "2021");
    let header = std::fs::read_to_string(case07().join("registry-DE-NO.csv")).unwrap();
    let header = header.lines().next().unwrap().to_string();
    let row07 = std::fs::read_to_string(case07().join("registry-DE-NO.csv")).unwrap();
    let row1 = row07.lines().nth(1).unwrap();

    // The same installations again: each would count twice.
    let e = refused(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2021", &registry07()]);
    assert!(e.contains("error[duplicate-id]") && e.contains("registry-DE-NO.csv:2 (column id)"), "{e}");
    assert!(e.contains("installation DE-990001 is already stored for period 2021"), "{e}");
    // A good file beside a bad one: nothing of either is written. The bad one has a verified
    // figure with a thousands separator.
    let good = row1.replace("DE-990001,990001", "DE-990011,990011");
    std::fs::write(dir.join("good.csv"), format!("{header}\n{good}\n")).unwrap();
    let bad = row1.replace("DE-990001,990001", "DE-990012,990012").replace(",250000,B,", ",\"250,000\",B,");
    std::fs::write(dir.join("bad.csv"), format!("{header}\n{bad}\n")).unwrap();
    let e = refused(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2021", "good.csv", "bad.csv"]);
    assert!(e.contains("error[malformed-number] bad.csv:2 (column VerifiedEmissions_2021)"), "{e}");
    // Twice in one import.
    let e = refused(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2021", "good.csv", "good.csv"]);
    assert!(e.contains("error[duplicate-id]") && e.contains("also at good.csv:2"), "{e}");
    // A file without the period's year.
    let old: String = header.split(',').take_while(|h| !h.ends_with("_2021")).collect::<Vec<_>>().join(",");
    let width = old.split(',').count();
    let cells: Vec<&str> = good.split(',').take(width).collect();
    std::fs::write(dir.join("old.csv"), format!("{old}\n{}\n", cells.join(","))).unwrap();
    let e = refused(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2021", "old.csv"]);
    assert!(e.contains("error[out-of-range] old.csv:1") && e.contains("no figures for 2021"), "{e}");
    // Not a registry export at all.
    std::fs::write(dir.join("units.csv"), "enterprise,unit\nA,U1\n").unwrap();
    let e = refused(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2021", "units.csv"]);
    assert!(e.contains("error[missing-column] units.csv:1"), "{e}");
    assert_eq!(state(dir, "2021"), before, "the refused imports changed nothing");
    verify(dir);

    // The lock: every registry write refused, nothing changed; the position still reads.
    ok(dir, &["period", "lock", "--db", "org.db", "--year", "2021"]);
    let locked = state(dir, "2021");
    let writes: Vec<Vec<&str>> = vec![
        vec!["ets", "registry", "import", "--db", "org.db", "--period", "2021", "good.csv"],
        vec!["ets", "registry", "delete", "--db", "org.db", "--period", "2021", "--all"],
        vec!["ets", "registry", "delete", "--db", "org.db", "--period", "2021", "--installation", "DE-990002"],
        vec![
            "ets",
            "registry",
            "link",
            "--db",
            "org.db",
            "--period",
            "2021",
            "--installation",
            "DE-990001",
            "--facility",
            "DE-HO",
        ],
    ];
    for w in writes {
        let e = refused(dir, &w);
        assert!(e.contains("error[period-locked]"), "{w:?}: {e}");
    }
    assert_eq!(state(dir, "2021"), locked);
    same_as_file_mode(dir, &[], "07 locked");
    verify(dir);
}

#[test]
fn a_registration_is_removed_only_when_nothing_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store07(dir);
    ok(
        dir,
        &[
            "ets",
            "registry",
            "link",
            "--db",
            "org.db",
            "--period",
            "2021",
            "--installation",
            "DE-990001",
            "--facility",
            "DE-HO",
        ],
    );
    let before = state(dir, "2021");
    let e = refused(dir, &["ets", "facility", "remove", "--db", "org.db", "--facility", "DE-HO"]);
    assert!(e.contains("error[invalid-state]") && e.contains("registry installation(s) tied to it"), "{e}");
    // Nor may the registration move away from the installation's holder while tied.
    let e = refused(
        dir,
        &[
            "ets",
            "facility",
            "set",
            "--db",
            "org.db",
            "--facility",
            "DE-HO",
            "--scheme",
            "eu-ets",
            "--enterprise",
            "Other AG",
        ],
    );
    assert!(e.contains("error[invalid-state]") && e.contains("installation DE-990001"), "{e}");
    assert_eq!(state(dir, "2021"), before);
    ok(dir, &["ets", "registry", "link", "--db", "org.db", "--period", "2021", "--installation", "DE-990001"]);
    let out = ok(dir, &["ets", "facility", "remove", "--db", "org.db", "--facility", "DE-HO", "--reason", "sold"]);
    assert_eq!(out, "removed the ETS registration of DE-HO\n");
    let regs = ok(dir, &["ets", "facility", "list", "--db", "org.db", "--format", "json"]);
    assert_eq!(regs.trim(), "[]");
    let e = refused(dir, &["ets", "facility", "remove", "--db", "org.db", "--facility", "DE-HO"]);
    assert!(e.contains("error[unknown-record]"), "{e}");
    verify(dir);
}

/// `tests/fixtures/schema-v5.scopebook` was written by the schema-5 build (see
/// `tests/fixtures/README.md`): NX under cn-ets with a unit in locked 2023 and in 2024 and a
/// 2024 ledger entry; DE-HO under eu-ets with an EU unit (DE-990009) in 2024.
#[test]
fn a_schema_5_file_takes_registry_figures_after_its_upgrade() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v5.scopebook");
    std::fs::copy(fixture, dir.join("org.db")).unwrap();
    let cn_before =
        ok(dir, &["position", "--db", "org.db", "--scheme", "cn-ets", "--period", "2024", "--format", "json"]);
    let header = "id,InstallationOrAircraftOperatorID,AccountHolderName,InstallationNameOrAircraftOperatorCode,Country,MainActivityTypeCodeLookup,FreeAllocations_2024,VerifiedEmissions_2024,UnitsSurrendered_2024,SurrenderedAllowances_2024,ComplianceCode_2024";
    std::fs::write(
        dir.join("eutl-2024.csv"),
        format!("{header}\nDE-990001,990001,Rheinwerk Stahl GmbH,Hochofen 2,DE,Production of pig iron or steel,70000,240000,Not Reported,Not Reported,\n"),
    )
    .unwrap();
    // Locked 2023 takes none.
    let e = refused(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2023", "eutl-2024.csv"]);
    assert!(e.contains("error[period-locked]"), "{e}");
    ok(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2024", "eutl-2024.csv"]);
    ok(
        dir,
        &[
            "ets",
            "registry",
            "link",
            "--db",
            "org.db",
            "--period",
            "2024",
            "--installation",
            "DE-990001",
            "--facility",
            "DE-HO",
        ],
    );
    let pos: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &["position", "--db", "org.db", "--scheme", "eu-ets", "--period", "2024", "--format", "json"],
    ))
    .unwrap();
    // The registry's installation first, then the unit stored under schema 5; one holder.
    assert_eq!(pos["installations"][0]["installation"], "DE-990001");
    assert_eq!(pos["installations"][0]["surrendered_t"], serde_json::Value::Null);
    assert_eq!(pos["installations"][0]["figure_status"]["surrendered_t"], "Not Reported");
    assert_eq!(pos["installations"][1]["installation"], "DE-990009");
    assert_eq!(pos["enterprises"].as_array().unwrap().len(), 1);
    assert_eq!(pos["enterprises"][0]["allocation_t"], "150000", "70,000 + the unit's 80,000: {pos}");
    // The same installation as a unit and from the registry would count twice.
    std::fs::write(
        dir.join("dup.csv"),
        format!("{header}\nDE-990009,990009,Rheinwerk Stahl GmbH,Kalkofen,DE,Production of lime,1,1,1,1,A\n"),
    )
    .unwrap();
    let e = refused(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2024", "dup.csv"]);
    assert!(e.contains("error[duplicate-id]") && e.contains("DE-990009"), "{e}");
    // The China position is as it was; NX keeps its registration (units in locked 2023).
    let cn_after =
        ok(dir, &["position", "--db", "org.db", "--scheme", "cn-ets", "--period", "2024", "--format", "json"]);
    assert_eq!(cn_after, cn_before);
    let e = refused(dir, &["ets", "facility", "remove", "--db", "org.db", "--facility", "NX"]);
    assert!(e.contains("error[period-locked]") && e.contains("period 2023"), "{e}");
    verify(dir);
}

/// The whole real EUTL copy (`../shared/datasets/real-world/eutl/`, 32 files, 17,957
/// installations) loads into a store, and `position --db` gives the file mode's bytes for 2021.
/// Skipped (with a note) where the shared data set is not present.
#[test]
fn the_whole_eutl_copy_loads_and_gives_the_file_modes_position() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/real-world/eutl");
    let Ok(entries) = std::fs::read_dir(&data) else {
        eprintln!("skipped: {} is not present", data.display());
        return;
    };
    let mut files: Vec<String> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    files.sort();
    assert_eq!(files.len(), 32);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(dir, &["init", "--db", "org.db", "--name", "EUTL", "--consolidation", "operational-control"]);
    ok(dir, &["period", "add", "--db", "org.db", "--year", "2021"]);
    let mut import = vec!["ets", "registry", "import", "--db", "org.db", "--period", "2021"];
    import.extend(files.iter().map(String::as_str));
    assert_eq!(ok(dir, &import), "imported the registry figures of 17957 installation(s) into period 2021\n");
    let db = run_in(dir, &["position", "--db", "org.db", "--scheme", "eu-ets", "--period", "2021", "--format", "json"]);
    let mut file_run = vec!["position", "--scheme", "eu-ets", "--registry"];
    file_run.extend(files.iter().map(String::as_str));
    file_run.extend(["--year", "2021", "--format", "json"]);
    let file = run_in(dir, &file_run);
    assert!(db.status.success() && file.status.success(), "{}", String::from_utf8_lossy(&db.stderr));
    assert!(db.stdout == file.stdout, "the whole EUTL copy: position --db differs from the file mode");
    assert_eq!(db.stderr, file.stderr);
    verify(dir);
}
