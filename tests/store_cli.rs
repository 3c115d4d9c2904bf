//! The inventory-file commands end to end, through the built `scopebook` binary: outputs,
//! exit statuses (0 ok, 1 refused or failed verification, 2 usage), and `calc --db` giving the
//! same document as `calc` on the exported records.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook"))
        .args(args)
        .current_dir(dir)
        .env("USER", "dana")
        .env_remove("USERNAME")
        .output()
        .unwrap()
}

/// Run, expect `status`, return stdout.
fn ok(dir: &Path, args: &[&str], status: i32) -> String {
    let out = run(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(status), "{args:?}\nstderr:\n{stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn stderr(dir: &Path, args: &[&str], status: i32) -> String {
    let out = run(dir, args);
    assert_eq!(out.status.code(), Some(status), "{args:?}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stderr).unwrap()
}

/// Replace RFC 3339 timestamps (which change every run) with `TIME`.
fn untimed(text: &str) -> String {
    text.lines()
        .map(|l| {
            l.split(' ')
                .map(
                    |w| {
                        if w.len() >= 20 && w.ends_with('Z') && w.as_bytes().get(10) == Some(&b'T') {
                            "TIME"
                        } else {
                            w
                        }
                    },
                )
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

const DB: &str = "acme.db";

fn setup(dir: &Path) {
    let out = ok(
        dir,
        &["init", "--db", DB, "--name", "Acme Manufacturing", "--consolidation", "equity-share", "--user", "erin"],
        0,
    );
    assert_eq!(out, "created acme.db for Acme Manufacturing (equity share)\n");
    ok(
        dir,
        &[
            "facility",
            "add",
            "--db",
            DB,
            "--code",
            "ACME-CN",
            "--name",
            "Acme China Ltd",
            "--region",
            "CN",
            "--kind",
            "legal-entity",
        ],
        0,
    );
    let out = ok(
        dir,
        &[
            "facility",
            "add",
            "--db",
            DB,
            "--code",
            "SZ",
            "--name",
            "Suzhou plant",
            "--region",
            "CN-JS",
            "--grid-region",
            "CN-GRID-EAST",
            "--parent",
            "ACME-CN",
            "--equity-share",
            "60",
            "--ets",
        ],
        0,
    );
    assert_eq!(out, "added facility SZ (Suzhou plant, id 2)\n");
    assert_eq!(
        ok(dir, &["period", "add", "--db", DB, "--year", "2023"], 0),
        "added period 2023 (2023-01-01..2023-12-31, AR5, open)\n"
    );
    std::fs::write(dir.join("invoice-2023-12.pdf"), b"%PDF-1.7 a scanned invoice").unwrap();
    let add = |args: &[&str]| {
        let mut all = vec!["activity", "add", "--db", DB, "--period", "2023", "--facility", "SZ"];
        all.extend_from_slice(args);
        ok(dir, &all, 0)
    };
    assert_eq!(
        add(&[
            "--activity",
            "grid_electricity",
            "--quantity",
            "1862400",
            "--unit",
            "kWh",
            "--start",
            "2023-01-01",
            "--end",
            "2023-12-31",
            "--evidence",
            "SGCC-JS-2023-12",
            "--evidence-file",
            "invoice-2023-12.pdf",
            "--meter",
            "M-0042",
            "--quality",
            "measured",
        ]),
        "added record 1 to period 2023\n"
    );
    add(&[
        "--activity",
        "natural_gas",
        "--quantity",
        "12.5",
        "--unit",
        "10^4 Nm3",
        "--start",
        "2023-01-01",
        "--end",
        "2023-03-31",
    ]);
}

#[test]
fn the_store_commands_from_init_to_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);

    assert_eq!(
        ok(dir, &["facility", "list", "--db", DB], 0),
        "code     kind          name            parent   equity %  op. control  fin. control  region  grid          ETS\n\
         ACME-CN  legal-entity  Acme China Ltd  -        100       yes          yes           CN      -             no\n\
         SZ       facility      Suzhou plant    ACME-CN  60        yes          yes           CN-JS   CN-GRID-EAST  yes\n"
    );
    let facilities: serde_json::Value =
        serde_json::from_str(&ok(dir, &["facility", "list", "--db", DB, "--format", "json"], 0)).unwrap();
    assert_eq!(facilities[1]["equity_share"], "60");
    assert_eq!(
        ok(dir, &["activity", "list", "--db", DB, "--period", "2023"], 0),
        "id  facility  start       end         activity          quantity  unit      factor  region  evidence         status\n\
         1   SZ        2023-01-01  2023-12-31  grid_electricity  1862400   kWh       -       CN-JS   SGCC-JS-2023-12  current\n\
         2   SZ        2023-01-01  2023-03-31  natural_gas       12.5      10^4 Nm3  -       CN-JS   -                current\n"
    );
    let records: serde_json::Value =
        serde_json::from_str(&ok(dir, &["activity", "list", "--db", DB, "--period", "2023", "--format", "json"], 0))
            .unwrap();
    let pdf_sha = scopebook_core::dataset::sha256_hex(b"%PDF-1.7 a scanned invoice");
    assert_eq!(records[0]["evidence_file"]["name"], "invoice-2023-12.pdf");
    assert_eq!(records[0]["evidence_file"]["sha256"], pdf_sha.as_str());
    assert_eq!(
        (records[0]["meter_id"].as_str(), records[0]["data_quality"].as_str()),
        (Some("M-0042"), Some("measured"))
    );
    assert_eq!(records[0]["entered_by"], "dana", "the user comes from $USER without --user");

    // Refused input: status 1, a diagnostic, nothing changed.
    let err = stderr(
        dir,
        &["facility", "add", "--db", DB, "--code", "X", "--name", "X", "--region", "CN", "--equity-share", "120"],
        1,
    );
    assert_eq!(err, "error[out-of-range] acme.db (column equity_share): an equity share of 120 % is impossible: it is a percentage from 0 to 100\n");
    let err = stderr(
        dir,
        &[
            "activity",
            "add",
            "--db",
            DB,
            "--period",
            "2023",
            "--facility",
            "SZ",
            "--activity",
            "grid_electricity",
            "--quantity",
            "1,5",
            "--unit",
            "kWh",
            "--start",
            "2023-01-01",
            "--end",
            "2023-12-31",
        ],
        1,
    );
    assert!(err.starts_with("error[malformed-number] acme.db (column quantity): '1,5' is not a number"), "{err}");

    // calc --db is calc on the exported records (the file name and row numbers aside).
    let export = ok(dir, &["activity", "export", "--db", DB, "--period", "2023"], 0);
    std::fs::write(dir.join("period 2023"), &export).unwrap();
    let from_db = ok(dir, &["calc", "--db", DB, "--period", "2023", "--format", "json"], 0);
    let from_file = ok(dir, &["calc", "period 2023", "--format", "json"], 0);
    let rows = |doc: &mut serde_json::Value| -> Vec<u64> {
        doc["lines"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .map(|l| {
                let row = l["activity"]["row"].as_u64().unwrap();
                l["activity"]["row"] = 0.into();
                row
            })
            .collect()
    };
    let (mut db_doc, mut file_doc): (serde_json::Value, serde_json::Value) =
        (serde_json::from_str(&from_db).unwrap(), serde_json::from_str(&from_file).unwrap());
    assert_eq!(rows(&mut db_doc), [1, 2], "record ids");
    assert_eq!(rows(&mut file_doc), [2, 3], "file lines");
    // The organisation applies equity shares (SZ: 60 % of ACME-CN, held at 100 %): the lines
    // keep their full emissions and show the share; the totals are 60 % of the file's.
    assert_eq!((db_doc["consolidation"].as_str(), file_doc.get("consolidation")), (Some("equity-share"), None));
    assert_eq!(
        (db_doc["totals"]["scope1"].as_str(), file_doc["totals"]["scope1"].as_str()),
        (Some("162.164160675"), Some("270.273601125"))
    );
    assert_eq!(db_doc["by_facility"][0]["own"], file_doc["by_facility"][0]["own"]);
    for line in db_doc["lines"].as_array_mut().unwrap() {
        assert_eq!(line["share_applied"], "60");
        line["share_applied"] = "100".into();
    }
    assert_eq!(db_doc["lines"], file_doc["lines"]);
    assert_eq!(db_doc["inputs"], file_doc["inputs"]);
    assert_eq!(db_doc["inputs"]["activities"]["file"], "period 2023");

    // Lock; edits are refused; a restatement keeps the original.
    let out = ok(dir, &["period", "lock", "--db", DB, "--year", "2023"], 0);
    assert!(out.starts_with("locked period 2023; snapshot 1 stores the calculation"), "{out}");
    let err = stderr(dir, &["activity", "edit", "--db", DB, "--id", "1", "--quantity", "5"], 1);
    assert_eq!(err, "error[period-locked] acme.db: period 2023 is locked: record 1 cannot be changed; correct it with `scopebook activity restate --id 1`\n");
    let err = stderr(dir, &["calc", "--db", DB, "--period", "2023", "--format", "json"], 0);
    assert!(err.contains("note: period 2023 is locked; this calculation is identical to the snapshot"), "{err}");
    let out = ok(
        dir,
        &[
            "activity",
            "restate",
            "--db",
            DB,
            "--id",
            "1",
            "--quantity",
            "1900000",
            "--reason",
            "corrected invoice",
            "--user",
            "frank",
        ],
        0,
    );
    assert_eq!(out, "record 1 is restated by record 3; the original is kept as superseded\n");
    let listed = ok(dir, &["activity", "list", "--db", DB, "--period", "2023", "--all"], 0);
    assert!(listed.contains("1862400   kWh       -       CN-JS   SGCC-JS-2023-12  superseded"), "{listed}");
    assert!(listed.contains("1900000   kWh       -       CN-JS   SGCC-JS-2023-12  restates 1"), "{listed}");
    let err = stderr(dir, &["calc", "--db", DB, "--period", "2023", "--summary"], 0);
    assert!(
        err.contains("warning[snapshot-mismatch] period 2023: this calculation differs from the snapshot"),
        "{err}"
    );

    // The audit log and its verification.
    let squeezed: Vec<String> = untimed(&ok(dir, &["audit", "log", "--db", DB], 0))
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        squeezed,
        [
            "seq at user action record reason",
            "1 TIME erin create organisation 1 -",
            "2 TIME dana create facility 1 -",
            "3 TIME dana create facility 2 -",
            "4 TIME dana create period 1 -",
            "5 TIME dana create activity 1 -",
            "6 TIME dana create activity 2 -",
            "7 TIME dana lock period 1 -",
            "8 TIME dana lock snapshot 1 -",
            "9 TIME frank restate activity 1 corrected invoice",
            "10 TIME frank restate activity 3 corrected invoice",
        ]
    );
    let log: serde_json::Value =
        serde_json::from_str(&ok(dir, &["audit", "log", "--db", DB, "--format", "json"], 0)).unwrap();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 10);
    let actions: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| (e["user"].as_str().unwrap(), e["action"].as_str().unwrap(), e["table"].as_str().unwrap()))
        .collect();
    assert_eq!(actions[0], ("erin", "create", "organisation"));
    assert_eq!(actions[8], ("frank", "restate", "activity"));
    assert_eq!(entries[8]["reason"], "corrected invoice");
    let verified = ok(dir, &["audit", "verify", "--db", DB], 0);
    let head = entries[9]["hash"].as_str().unwrap();
    assert!(verified.starts_with("ok: 10 audit entries; the hash chain is intact"), "{verified}");
    assert!(verified.ends_with(&format!("head: {head}\n")), "{verified}");
    ok(dir, &["audit", "verify", "--db", DB, "--expect-head", head], 0);
    let err = stderr(dir, &["audit", "verify", "--db", DB, "--expect-head", &"0".repeat(64)], 1);
    assert!(err.starts_with("error[audit-chain-broken] acme.db: the chain no longer contains the head"), "{err}");
    let history = ok(dir, &["activity", "history", "--db", DB, "--id", "1"], 0);
    assert_eq!(history.lines().count(), 3, "{history}");

    // Backup and restore.
    assert_eq!(
        ok(dir, &["backup", "--db", DB, "--to", "acme-backup.db"], 0),
        "backed up acme.db to acme-backup.db (checked)\n"
    );
    let err = stderr(dir, &["backup", "--db", DB, "--to", "acme-backup.db"], 1);
    assert!(err.starts_with("error[database-exists] acme-backup.db"), "{err}");
    ok(
        dir,
        &[
            "activity",
            "add",
            "--db",
            DB,
            "--period",
            "2023",
            "--facility",
            "SZ",
            "--activity",
            "diesel",
            "--quantity",
            "1",
            "--unit",
            "t",
            "--start",
            "2023-01-01",
            "--end",
            "2023-01-31",
        ],
        1,
    );
    assert_eq!(
        ok(dir, &["restore", "--from", "acme-backup.db", "--db", "restored.db"], 0),
        "restored restored.db from acme-backup.db (10 audit entries verified)\n"
    );
    assert_eq!(ok(dir, &["activity", "list", "--db", "restored.db", "--period", "2023", "--all"], 0), listed);
    // A tampered backup is refused.
    let c = rusqlite::Connection::open(dir.join("acme-backup.db")).unwrap();
    let refused = c.execute("UPDATE activity SET quantity = '1' WHERE id = 2", []).unwrap_err();
    assert!(refused.to_string().contains("the period is locked"), "{refused}");
    c.execute_batch("DROP TRIGGER activity_locked_update; UPDATE activity SET quantity = '1' WHERE id = 2;").unwrap();
    drop(c);
    let err = stderr(dir, &["restore", "--from", "acme-backup.db", "--db", "restored.db"], 1);
    assert!(
        err.starts_with("error[audit-data-mismatch] acme-backup.db: the audit log does not verify: activity 2 differs"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_and_the_file_calc_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    std::fs::write(dir.join("a.csv"), "facility,period_start,period_end,activity,quantity,unit,region\nSZ,2023-01-01,2023-12-31,grid_electricity,1000,kWh,CN-JS\n").unwrap();
    ok(dir, &["calc", "a.csv", "--format", "json"], 0);
    ok(dir, &["calc", "a.csv", "--db", DB, "--period", "2023"], 2);
    ok(dir, &["calc", "--db", DB], 2);
    ok(dir, &["calc", "--db", DB, "--period", "2023", "--gwp", "ar6"], 2);
    ok(dir, &["calc"], 2);
    ok(dir, &["period", "add", "--db", DB, "--year", "2024", "--pin", "no-equals-sign"], 2);
    ok(dir, &["facility", "list"], 2);
    ok(dir, &["init", "--db", "x.db", "--name", "X", "--consolidation", "sole-control"], 2);
    // A missing file is refused, not created.
    let err = stderr(dir, &["facility", "list", "--db", "missing.db"], 1);
    assert_eq!(
        err,
        "error[unreadable-file] missing.db: the database does not exist; create it with `scopebook init`\n"
    );
    assert!(!dir.join("missing.db").exists());
}

/// `calc --db DB --period 2023 --format json`, parsed.
fn calc_json(dir: &Path, db: &str) -> serde_json::Value {
    serde_json::from_str(&ok(dir, &["calc", "--db", db, "--period", "2023", "--format", "json"], 0)).unwrap()
}

/// (scope 1, scope 2 location) totals of a report, in tonnes.
fn totals(doc: &serde_json::Value) -> (String, String) {
    let t = |k: &str| doc["totals"][k].as_str().unwrap().to_string();
    (t("scope1"), t("scope2_location"))
}

/// Each facility's (share applied, scope 1 after the share, scope 1 of its own).
fn facility_shares(doc: &serde_json::Value) -> Vec<(String, String, String, String)> {
    doc["by_facility"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |v: &serde_json::Value| v.as_str().unwrap().to_string();
            (s(&f["facility"]), s(&f["share_applied"]), s(&f["scope2_location"]), s(&f["own"]["scope2_location"]))
        })
        .collect()
}

/// The organisational boundary applied in the store (issue 11, decision 0021), worked by hand.
///
/// The tree: legal entity HOLD (the organisation holds 60 %, has operational but not financial
/// control) owns 50 % of PLANT (operational and financial control by HOLD); JV is held directly,
/// 40 %, financially controlled but operated by the partner.
///
/// The records:
/// - PLANT, 1,000,000 kWh of grid electricity in Jiangsu, 2023 factor 0.5827 kg/kWh:
///   582.7 t (Scope 2, location);
/// - JV, 1,000,000 kWh in Guangdong, 0.4419 kg/kWh: 441.9 t (Scope 2, location).
///
/// Equity share: PLANT 60 % × 50 % = 30 % → 174.81 t; JV 40 % → 176.76 t; total 351.57 t.
/// Operational control: PLANT 100 % (HOLD and PLANT operated) → 582.7 t; JV 0 % → 0; total 582.7 t.
/// Financial control: PLANT 0 % (HOLD is not financially controlled) → 0; JV 100 % → 441.9 t.
/// Every line keeps its full emissions (582700 kg and 441900 kg) with the share it gets.
#[test]
fn consolidation_is_applied_to_every_total_under_each_approach() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let db = "group.db";
    let run_ok = |args: &[&str]| ok(dir, args, 0);
    run_ok(&["init", "--db", db, "--name", "Group", "--consolidation", "equity-share"]);
    let fac = |code: &str, extra: &[&str]| {
        let mut a = vec!["facility", "add", "--db", db, "--code", code, "--name", code];
        a.extend_from_slice(extra);
        run_ok(&a);
    };
    fac("HOLD", &["--region", "CN", "--kind", "legal-entity", "--equity-share", "60", "--no-financial-control"]);
    fac("PLANT", &["--region", "CN-JS", "--parent", "HOLD", "--equity-share", "50"]);
    fac("JV", &["--region", "CN-GD", "--equity-share", "40", "--no-operational-control"]);
    run_ok(&["period", "add", "--db", db, "--year", "2023"]);
    for facility in ["PLANT", "JV"] {
        run_ok(&[
            "activity",
            "add",
            "--db",
            db,
            "--period",
            "2023",
            "--facility",
            facility,
            "--activity",
            "grid_electricity",
            "--quantity",
            "1000000",
            "--unit",
            "kWh",
            "--start",
            "2023-01-01",
            "--end",
            "2023-12-31",
        ]);
    }
    let cases = [
        ("equity-share", "351.57", [("JV", "40", "176.76"), ("PLANT", "30", "174.81")]),
        ("operational-control", "582.7", [("JV", "0", "0"), ("PLANT", "100", "582.7")]),
        ("financial-control", "441.9", [("JV", "100", "441.9"), ("PLANT", "0", "0")]),
    ];
    for (approach, total, facilities) in cases {
        let out = run_ok(&["org", "edit", "--db", db, "--consolidation", approach, "--reason", "test"]);
        assert!(out.starts_with("changed the organisation: Group"), "{out}");
        let doc = calc_json(dir, db);
        assert_eq!(doc["consolidation"], approach);
        assert_eq!(totals(&doc), ("0".to_string(), total.to_string()), "{approach}");
        let want: Vec<(String, String, String, String)> = facilities
            .iter()
            .zip(["441.9", "582.7"])
            .map(|((f, share, after), own)| (f.to_string(), share.to_string(), after.to_string(), own.to_string()))
            .collect();
        assert_eq!(facility_shares(&doc), want, "{approach}");
        // Lines keep their full emissions and show the share.
        let lines: Vec<(String, String)> = doc["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["emission"]["co2e_kg"].as_str().unwrap().to_string(), l["share_applied"].to_string()))
            .collect();
        let share = |f: &str| facilities.iter().find(|x| x.0 == f).map(|x| format!("\"{}\"", x.1)).unwrap();
        assert_eq!(lines, [("582700.0000".to_string(), share("PLANT")), ("441900.0000".to_string(), share("JV"))]);
        // The CSV lines carry the share as well; the summary table shows it per facility.
        let csv = run_ok(&["calc", "--db", db, "--period", "2023", "--format", "csv"]);
        assert!(csv.lines().next().unwrap().ends_with(",share_applied"), "{csv}");
        let table = run_ok(&["calc", "--db", db, "--period", "2023", "--summary"]);
        assert!(table.contains(&format!("({approach}: after the organisation's share)")), "{table}");
    }

    // Locked under financial control: the snapshot is what calc --db gives.
    run_ok(&["period", "lock", "--db", db, "--year", "2023"]);
    let err = stderr(dir, &["calc", "--db", db, "--period", "2023", "--format", "json"], 0);
    assert!(err.contains("identical to the snapshot"), "{err}");
    // Changing the approach now alters the locked totals: refused, nothing changed. (Scope 2
    // market-based uses China's residual-mix proxy, 0.6096 kg/kWh for both: 609.6 t for JV in
    // full; under equity shares 609.6 × 30 % + 609.6 × 40 % = 182.88 + 243.84 = 426.72 t.)
    let err = stderr(dir, &["org", "edit", "--db", db, "--consolidation", "equity-share"], 1);
    assert_eq!(err, "error[period-locked] group.db: period 2023 is locked: this change alters the figures of locked period(s) 2023 (scope2_location 441.9 t → 351.57 t, scope2_market 609.6 t → 426.72 t); make it as a restatement with its reason (`--restate --reason TEXT`), or leave it\n");
    let err = stderr(
        dir,
        &["facility", "edit", "--db", db, "--code", "JV", "--equity-share", "45", "--no-financial-control"],
        1,
    );
    assert!(err.starts_with("error[period-locked] group.db: period 2023 is locked"), "{err}");
    // A change that alters no locked figure is made (JV's share does not count under control).
    let out =
        run_ok(&["facility", "edit", "--db", db, "--code", "JV", "--equity-share", "45", "--reason", "bought 5 %"]);
    assert_eq!(out, "changed facility JV (JV)\n");
    // --restate needs a reason (usage error), and is refused when no locked figure changes.
    ok(dir, &["org", "edit", "--db", db, "--consolidation", "equity-share", "--restate"], 2);
    let err = stderr(
        dir,
        &["facility", "edit", "--db", db, "--code", "JV", "--name", "Joint venture", "--restate", "--reason", "x"],
        1,
    );
    assert!(
        err.starts_with("error[invalid-state] group.db (column reason): this change alters no locked period's figures"),
        "{err}"
    );
    // As a restatement it is made, audited with its reason; the snapshot stays as signed and
    // calc --db says how the fresh figures differ.
    let out = run_ok(&[
        "org",
        "edit",
        "--db",
        db,
        "--consolidation",
        "equity-share",
        "--restate",
        "--reason",
        "group policy: equity share from 2023",
    ]);
    assert_eq!(out, "restated the organisation: Group (equity share)\n");
    let doc = calc_json(dir, db);
    // JV is now 45 %: 441.9 × 0.45 = 198.855; PLANT 174.81; total 373.665 t.
    assert_eq!(totals(&doc), ("0".to_string(), "373.665".to_string()));
    let err = stderr(dir, &["calc", "--db", db, "--period", "2023", "--format", "json"], 0);
    assert!(err.contains("warning[snapshot-mismatch]"), "{err}");
    assert!(err.contains("the organisation's boundary differs (consolidation financial-control → equity-share, JV share 100 % → 45 %, PLANT share 0 % → 30 %)"), "{err}");
    let log = run_ok(&["audit", "log", "--db", db, "--format", "json"]);
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!((last["action"].as_str(), last["table"].as_str()), (Some("restate"), Some("organisation")));
    assert_eq!(last["reason"], "group policy: equity share from 2023");
    let verified = run_ok(&["audit", "verify", "--db", db]);
    assert!(verified.starts_with("ok: "), "{verified}");
}

/// Sectors and a record's own fuel parameters through the CLI: stored, listed, exported as the
/// activity-file columns, and used by the calculation.
#[test]
fn sectors_and_measured_parameters_are_stored_exported_and_used() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let db = "coal.db";
    let run_ok = |args: &[&str]| ok(dir, args, 0);
    run_ok(&["init", "--db", db, "--name", "Wuhan Steel", "--consolidation", "operational-control"]);
    run_ok(&[
        "facility",
        "add",
        "--db",
        db,
        "--code",
        "WH",
        "--name",
        "Wuhan plant",
        "--region",
        "CN-HB",
        "--sector",
        "制造业和建筑业",
    ]);
    run_ok(&["facility", "add", "--db", db, "--code", "XA", "--name", "Xi'an office", "--region", "CN-SN"]);
    run_ok(&["period", "add", "--db", db, "--year", "2023"]);
    // Only a facility without a sector and records without parameters: the export is the
    // twelve columns it always had.
    let base = ["activity", "add", "--db", db, "--period", "2023", "--start", "2023-01-01", "--end", "2023-12-31"];
    let add = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        run_ok(&a)
    };
    add(&["--facility", "XA", "--activity", "grid_electricity", "--quantity", "1000", "--unit", "kWh"]);
    let export = run_ok(&["activity", "export", "--db", db, "--period", "2023"]);
    assert!(export.starts_with("facility,period_start,period_end,activity,quantity,unit,factor,region,scope3_category,supplier,evidence,note\n"), "{export}");
    // Coal with the plant's measured NCV, carbon content and oxidation (MEE 实测值):
    // 1200 t × 21.5 GJ/t = 25,800 GJ; × 0.0262 t C/GJ = 675.96 t C; × 0.94 = 635.4024 t C
    // oxidised; × 44/12 = 2,329.8088 t CO2. (The defaults, 19.57 GJ/t, 0.0261 and 0.93, would
    // give 1200 × 19.57 × 0.0261 × 0.93 × 44/12 = 2,090.6 t.)
    add(&[
        "--facility",
        "WH",
        "--activity",
        "bituminous_coal",
        "--quantity",
        "1200",
        "--unit",
        "t",
        "--ncv-gj-per-unit",
        "21.50",
        "--carbon-t-per-gj",
        "0.0262",
        "--oxidation",
        "0.94",
        "--parameter-source",
        "measured",
        "--evidence",
        "LAB-2023-07",
    ]);
    let records: serde_json::Value =
        serde_json::from_str(&run_ok(&["activity", "list", "--db", db, "--period", "2023", "--format", "json"]))
            .unwrap();
    let coal = &records[1];
    assert_eq!(
        (
            coal["ncv_gj_per_unit"].as_str(),
            coal["carbon_t_per_gj"].as_str(),
            coal["oxidation"].as_str(),
            coal["parameter_source"].as_str()
        ),
        (Some("21.5"), Some("0.0262"), Some("0.94"), Some("measured"))
    );
    assert_eq!(coal.get("sector"), None, "the record names no sector; its facility's applies");
    let table = run_ok(&["activity", "list", "--db", db, "--period", "2023"]);
    assert!(table.contains("ncv 21.5 GJ/unit, C 0.0262 t/GJ, ox 0.94 (measured)"), "{table}");
    // The export now has the five columns; the sector cell is the facility's.
    let export = run_ok(&["activity", "export", "--db", db, "--period", "2023"]);
    let lines: Vec<&str> = export.lines().collect();
    assert!(lines[0].ends_with(",note,sector,ncv_gj_per_unit,carbon_t_per_gj,oxidation,parameter_source"), "{export}");
    assert!(lines[1].ends_with(",,,,,"), "the office has no sector and no parameters: {}", lines[1]);
    assert!(lines[2].ends_with(",LAB-2023-07,,manufacturing,21.5,0.0262,0.94,measured"), "{}", lines[2]);
    let doc = calc_json(dir, db);
    let line = &doc["lines"][1];
    assert_eq!(line["emission"]["co2e_kg"], "2329808.8000000");
    let chain = line["steps"].as_array().unwrap().iter().find(|s| s["step"] == "carbon_chain").unwrap();
    assert_eq!(chain["oxidation_from_record"]["source"], "measured");
    assert_eq!(chain["oxidation_from_record"]["factor_default"], "0.93");
    // calc --db is calc on the export (every share is 100 % here).
    std::fs::write(dir.join("period 2023"), &export).unwrap();
    let file: serde_json::Value = serde_json::from_str(&run_ok(&["calc", "period 2023", "--format", "json"])).unwrap();
    assert_eq!(file["totals"], doc["totals"]);
    // Bad input is refused with its code and changes nothing.
    let before = run_ok(&["activity", "list", "--db", db, "--period", "2023", "--format", "json"]);
    let bad = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(&["--facility", "WH", "--activity", "bituminous_coal", "--quantity", "1", "--unit", "t"]);
        a.extend_from_slice(extra);
        stderr(dir, &a, 1)
    };
    assert_eq!(
        bad(&["--oxidation", "1.2"]),
        "error[out-of-range] coal.db (column oxidation): 'oxidation' is a fraction between 0 and 1, found 1.2\n"
    );
    assert_eq!(
        bad(&["--ncv-gj-per-unit", "0"]),
        "error[non-positive-value] coal.db (column ncv_gj_per_unit): 'ncv_gj_per_unit' must be above zero, found 0\n"
    );
    assert_eq!(bad(&["--sector", "industry"]), "error[unknown-sector] coal.db (column sector): 'industry' is not a sector; use one of: energy, manufacturing, commercial, residential\n");
    let err = stderr(dir, &["facility", "edit", "--db", db, "--code", "WH", "--sector", "industry"], 1);
    assert!(err.starts_with("error[unknown-sector] coal.db (column sector)"), "{err}");
    assert_eq!(run_ok(&["activity", "list", "--db", db, "--period", "2023", "--format", "json"]), before);
    // The facility's sector is edited (audited) and cleared with "".
    run_ok(&["facility", "edit", "--db", db, "--code", "XA", "--sector", "commercial", "--reason", "office"]);
    let list = run_ok(&["facility", "list", "--db", db]);
    assert!(list.lines().next().unwrap().ends_with("sector"), "{list}");
    run_ok(&["facility", "edit", "--db", db, "--code", "XA", "--sector", ""]);
    let f: serde_json::Value =
        serde_json::from_str(&run_ok(&["facility", "list", "--db", db, "--format", "json"])).unwrap();
    assert_eq!((f[0]["sector"].as_str(), f[1].get("sector")), (Some("manufacturing"), None));
    assert!(run_ok(&["audit", "verify", "--db", db]).starts_with("ok: "));
}
