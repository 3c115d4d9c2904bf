//! `scopebook import` and `scopebook template export` end to end, through the built binary:
//! a GBK export with Chinese headers, the JSON preview, templates reused for the same headers,
//! value choices remembered, the skipped-rows file, periods in a cell, units in a header, and
//! the blank template filled in and imported with no help.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook"))
        .args(args)
        .current_dir(dir)
        .env("USER", "erin")
        .env_remove("USERNAME")
        .output()
        .unwrap()
}

/// Run, expect `status`, return (stdout, stderr).
fn ok(dir: &Path, args: &[&str], status: i32) -> (String, String) {
    let out = run(dir, args);
    let (stdout, stderr) = (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap());
    assert_eq!(out.status.code(), Some(status), "{args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    (stdout, stderr)
}

fn json(dir: &Path, args: &[&str], status: i32) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    serde_json::from_str(&ok(dir, &a, status).0).unwrap()
}

/// An organisation with facility SZ (CN-JS) and period 2023.
fn org(dir: &Path) {
    ok(dir, &["init", "--db", "org.db", "--name", "Acme", "--consolidation", "operational-control"], 0);
    ok(dir, &["facility", "add", "--db", "org.db", "--code", "SZ", "--name", "Suzhou", "--region", "CN-JS"], 0);
    ok(dir, &["period", "add", "--db", "org.db", "--year", "2023"], 0);
}

fn gbk(dir: &Path, name: &str, text: &str) {
    let (bytes, _, bad) = encoding_rs::GBK.encode(text);
    assert!(!bad);
    std::fs::write(dir.join(name), bytes).unwrap();
}

const BILLS: &str = "设施,能源品种,用量,单位,开始日期,结束日期,凭证号\n\
SZ,天然气,\"1,234.5\",Nm3,2023-01-01,2023-01-31,G-1\n\
SZ,电力,１２３４５,千瓦时,2023/2/1,2023/2/28,E-2\n\
SZ,柴油,-5,吨,2023-03-01,2023-03-31,D-3\n\
SZ,神秘燃料,5,吨,2023-03-01,2023-03-31,X-4\n";

#[test]
fn a_gbk_export_is_previewed_with_every_problem_located() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    org(d);
    gbk(d, "bills.csv", BILLS);
    let p = json(d, &["import", "--db", "org.db", "--period", "2023", "bills.csv", "--dry-run"], 1);
    assert_eq!(p["encoding"], "GB18030");
    assert_eq!(p["mapping_source"]["kind"], "guess");
    assert_eq!(p["mapping"]["quantity"], "用量");
    assert_eq!(
        (p["rows_read"].as_u64(), p["rows_valid"].as_u64(), p["rows_with_problems"].as_u64()),
        (Some(4), Some(2), Some(2))
    );
    let problems: Vec<(u64, &str, &str, &str)> = p["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["row"].as_u64().unwrap(),
                x["column"].as_str().unwrap(),
                x["value"].as_str().unwrap(),
                x["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(problems, [(4, "用量", "-5", "negative-quantity"), (5, "能源品种", "神秘燃料", "unknown-value")]);
    assert_eq!(p["unknown_values"][0]["value"], "神秘燃料");
    assert_eq!(p["outcome"], "checked");
    // 1,234.5 Nm3 of gas and 12,345 kWh (full-width digits) were read exactly.
    assert!(p["emissions"]["scope1"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    // Nothing was written by the dry run.
    let (list, _) = ok(d, &["activity", "list", "--db", "org.db", "--period", "2023", "--format", "json"], 0);
    assert_eq!(serde_json::from_str::<Value>(&list).unwrap().as_array().unwrap().len(), 0);
    // All or nothing refuses; the message names file, row and column.
    let (_, err) = ok(d, &["import", "--db", "org.db", "--period", "2023", "bills.csv"], 1);
    assert!(err.contains("error[negative-quantity] bills.csv:4 (column 用量)"), "{err}");
}

#[test]
fn valid_rows_only_writes_a_skipped_file_and_value_choices_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    org(d);
    gbk(d, "bills.csv", BILLS);
    let p = json(
        d,
        &[
            "import",
            "--db",
            "org.db",
            "--period",
            "2023",
            "bills.csv",
            "--valid-rows-only",
            "--value",
            "activity:神秘燃料=diesel",
            "--save-template",
            "monthly bills",
        ],
        0,
    );
    assert_eq!(p["outcome"], "imported");
    assert_eq!(p["records_imported"], 3, "the unknown fuel now maps to diesel");
    let skipped = std::fs::read_to_string(d.join("bills.skipped.csv")).unwrap();
    let lines: Vec<&str> = skipped.lines().collect();
    assert_eq!(lines[0], "\u{feff}设施,能源品种,用量,单位,开始日期,结束日期,凭证号,reason");
    assert!(lines[1].starts_with("SZ,柴油,-5,吨,2023-03-01,2023-03-31,D-3,用量: "), "{skipped}");
    assert_eq!(lines.len(), 2);

    // A second file with the same headers: the template is reused and 神秘燃料 is remembered.
    gbk(
        d,
        "more.csv",
        "设施,能源品种,用量,单位,开始日期,结束日期,凭证号\nSZ,神秘燃料,7,吨,2023-04-01,2023-04-30,X-9\n",
    );
    let p = json(d, &["import", "--db", "org.db", "--period", "2023", "more.csv"], 0);
    assert_eq!(p["mapping_source"], serde_json::json!({"kind": "same-headers", "name": "monthly bills"}));
    assert_eq!(p["mapped_values"][0]["by"], "user");
    assert_eq!(p["records_imported"], 1);
    // The same file again: its row is a duplicate of the record just imported.
    let p = json(d, &["import", "--db", "org.db", "--period", "2023", "more.csv", "--dry-run"], 1);
    assert_eq!(p["duplicates"][0]["row"], 2);
    assert_eq!(p["earlier_imports"].as_array().unwrap().len(), 1);
    let (v, _) = ok(d, &["audit", "verify", "--db", "org.db"], 0);
    assert!(v.starts_with("ok:"), "{v}");
}

#[test]
fn a_period_column_and_a_unit_in_the_header_stand_for_dates_and_unit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    org(d);
    std::fs::write(d.join("power.csv"), "Site;Month;Energy type;Consumption (kWh)\nSZ;2023-03;electricity;1000\nSZ;2023年4月;electricity;1200\nSZ;2023-Q3;electricity;900\n").unwrap();
    let p = json(d, &["import", "--db", "org.db", "--period", "2023", "power.csv"], 0);
    assert_eq!(p["delimiter"], ";");
    assert_eq!(p["records_imported"], 3);
    let (list, _) = ok(d, &["activity", "list", "--db", "org.db", "--period", "2023", "--format", "json"], 0);
    let list: Value = serde_json::from_str(&list).unwrap();
    let got: Vec<(&str, &str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["start"].as_str().unwrap(), r["end"].as_str().unwrap(), r["unit"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [("2023-03-01", "2023-03-31", "kWh"), ("2023-04-01", "2023-04-30", "kWh"), ("2023-07-01", "2023-09-30", "kWh")]
    );
}

#[test]
fn the_blank_template_filled_in_imports_with_no_help() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    org(d);
    ok(d, &["template", "export", "--out", "模板.xlsx", "--lang", "zh", "--db", "org.db", "--year", "2023"], 0);
    ok(d, &["template", "export", "--out", "模板.xlsx", "--lang", "zh"], 1);
    // Fill the template's first sheet as a user would, keeping its header row.
    let bytes = std::fs::read(d.join("模板.xlsx")).unwrap();
    let table = scopebook_import::read::read_bytes("模板.xlsx", &bytes, &Default::default());
    let headers = match table {
        Ok(t) => t.headers,
        Err(e) => {
            // A blank template has a header and no rows.
            assert_eq!(e.code, scopebook_import::read::ReadErrorCode::HeaderOnly, "{e}");
            let mut wb: calamine::Xlsx<_> = calamine::open_workbook(d.join("模板.xlsx")).unwrap();
            let first = calamine::Reader::sheet_names(&wb)[0].clone();
            let range = calamine::Reader::worksheet_range(&mut wb, &first).unwrap();
            range.rows().next().unwrap().iter().map(ToString::to_string).collect()
        }
    };
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let field = |name: &str| {
        let label = scopebook_import::mapping::Field::parse(name).unwrap().label(scopebook_import::mapping::Lang::Zh);
        headers.iter().position(|h| h.contains(label)).unwrap_or_else(|| panic!("{name} ({label}) in {headers:?}"))
            as u16
    };
    ws.write_string(1, field("facility"), "SZ").unwrap();
    ws.write_string(1, field("activity"), "natural_gas").unwrap();
    ws.write_number(1, field("quantity"), 12.5).unwrap();
    ws.write_string(1, field("unit"), "10^4 Nm3").unwrap();
    ws.write_string(1, field("start"), "2023-01-01").unwrap();
    ws.write_string(1, field("end"), "2023-03-31").unwrap();
    wb.save(d.join("filled.xlsx")).unwrap();
    let p = json(d, &["import", "--db", "org.db", "--period", "2023", "filled.xlsx"], 0);
    assert_eq!(p["format"], "xlsx");
    assert_eq!(p["records_imported"], 1);
    assert_eq!(
        p["unmapped_columns"].as_array().unwrap().len(),
        headers.len() - p["mapping"].as_object().unwrap().len()
    );
}

#[test]
fn usage_errors_exit_2_and_bad_files_exit_1_changing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    org(d);
    gbk(d, "bills.csv", BILLS);
    ok(d, &["import", "--db", "org.db", "--period", "2023", "bills.csv", "--column", "nope=用量"], 2);
    ok(d, &["import", "--db", "org.db", "--period", "2023", "bills.csv", "--value", "fuel:x=y"], 2);
    ok(d, &["import", "--db", "org.db", "--period", "2023", "bills.csv", "--dry-run", "--valid-rows-only"], 2);
    let (_, err) = ok(d, &["import", "--db", "org.db", "--period", "2023", "bills.csv", "--template", "none"], 1);
    assert!(err.contains("there is no import template 'none'"), "{err}");
    let (_, err) = ok(d, &["import", "--db", "org.db", "--period", "2023", "bills.csv", "--column", "unit="], 1);
    assert!(err.contains("error[unmapped-field]"), "{err}");
    let (_, err) = ok(d, &["import", "--db", "org.db", "--period", "2030", "bills.csv"], 1);
    assert!(err.contains("there is no period 2030"), "{err}");
    std::fs::write(d.join("empty.csv"), "").unwrap();
    let (_, err) = ok(d, &["import", "--db", "org.db", "--period", "2023", "empty.csv"], 1);
    assert!(err.contains("error[empty-file]"), "{err}");
    let (log, _) = ok(d, &["audit", "log", "--db", "org.db", "--format", "json"], 0);
    let log: Value = serde_json::from_str(&log).unwrap();
    assert!(log.as_array().unwrap().iter().all(|e| e["action"] != "import"), "nothing was imported");
}
