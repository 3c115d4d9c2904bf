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
    assert_eq!(db_doc, file_doc);
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
