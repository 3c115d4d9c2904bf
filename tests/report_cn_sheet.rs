//! `scopebook report --kind cn-ets-sheet` (decision 0034): the China ETS data sheet prefilled
//! from an inventory file holding golden position case 09's unit (period 2025) and three records
//! of its facility: coal in January with the plant's measured parameters, coal in February with
//! none (the factor's defaults), electricity in January. Read back with calamine, each value
//! has its month, how it was obtained and its source; the same bytes twice; a period without
//! China units is a located refusal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};
use std::str::FromStr;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_decimal::Decimal;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).env("USER", "tester").output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn store(dir: &Path) {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden-position/09-cheapest-mix-2025");
    ok(dir, &["init", "--db", "org.db", "--name", "Golden", "--consolidation", "operational-control"]);
    ok(dir, &["period", "add", "--db", "org.db", "--year", "2025"]);
    ok(dir, &["period", "add", "--db", "org.db", "--year", "2026"]);
    let name = "Handan Example Steel";
    ok(dir, &["facility", "add", "--db", "org.db", "--code", "F3", "--name", name, "--region", "CN", "--ets"]);
    let set = ["ets", "facility", "set", "--db", "org.db", "--facility", "F3", "--scheme", "cn-ets", "--enterprise"];
    let mut args = set.to_vec();
    args.extend([name, "--plan", "cn-industry-2024-2025"]);
    ok(dir, &args);
    let units = case.join("UNITS.csv");
    ok(dir, &["ets", "unit", "import", "--db", "org.db", "--period", "2025", units.to_str().unwrap()]);
    let add = ["activity", "add", "--db", "org.db", "--period", "2025", "--facility", "F3"];
    let mut jan = add.to_vec();
    jan.extend([
        "--activity",
        "bituminous_coal",
        "--quantity",
        "1000",
        "--unit",
        "t",
        "--start",
        "2025-01-01",
        "--end",
        "2025-01-31",
        "--ncv-gj-per-unit",
        "21.5",
        "--carbon-t-per-gj",
        "0.0255",
        "--oxidation",
        "0.98",
        "--parameter-source",
        "measured",
        "--quality",
        "measured",
        "--evidence",
        "=lab report LR-01",
    ]);
    ok(dir, &jan);
    let mut feb = add.to_vec();
    feb.extend([
        "--activity",
        "bituminous_coal",
        "--quantity",
        "800",
        "--unit",
        "t",
        "--start",
        "2025-02-01",
        "--end",
        "2025-02-28",
        "--quality",
        "measured",
    ]);
    ok(dir, &feb);
    let mut power = add.to_vec();
    power.extend([
        "--activity",
        "grid_electricity",
        "--quantity",
        "100000",
        "--unit",
        "kWh",
        "--start",
        "2025-01-01",
        "--end",
        "2025-01-31",
    ]);
    ok(dir, &power);
}

fn s(text: &str) -> Data {
    Data::String(text.into())
}

fn number(cell: &Data) -> Decimal {
    match cell {
        Data::Float(f) => Decimal::from_str(&f.to_string()).unwrap(),
        Data::String(t) => Decimal::from_str(t).unwrap(),
        other => panic!("not a figure: {other:?}"),
    }
}

#[test]
fn the_data_sheet_is_prefilled_month_by_month_with_how_each_value_was_obtained() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store(dir);
    let sheet = ["report", "--db", "org.db", "--period", "2025", "--kind", "cn-ets-sheet", "--lang", "zh", "--out"];
    let mut args = sheet.to_vec();
    args.push("sheet.xlsx");
    ok(dir, &args);
    let first = std::fs::read(dir.join("sheet.xlsx")).unwrap();
    args.pop();
    args.push("again.xlsx");
    ok(dir, &args);
    assert!(first == std::fs::read(dir.join("again.xlsx")).unwrap(), "a rerun gave a different workbook");

    let mut wb: Xlsx<_> = open_workbook(dir.join("sheet.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), ["指南", "设施 F3", "数据"]);
    for name in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name} holds a formula");
    }
    // The long form: one row a value.
    let data = wb.worksheet_range("数据").unwrap();
    let rows: Vec<&[Data]> = data.rows().collect();
    let find = |parameter: &str, month: &str| -> &[Data] {
        rows.iter()
            .find(|r| r[2] == s(parameter) && r[5] == s(month))
            .copied()
            .unwrap_or_else(|| panic!("no {parameter} in month {month}"))
    };
    let ncv_jan = find("ncv", "1");
    assert_eq!(number(&ncv_jan[6]), Decimal::from_str("21.5").unwrap());
    assert_eq!(ncv_jan[9], s("实测"));
    assert!(matches!(&ncv_jan[10], Data::String(t) if t.starts_with("record ")), "{:?}", ncv_jan[10]);
    assert_eq!(ncv_jan[11], s("=lab report LR-01"), "the evidence, as text");
    let ncv_feb = find("ncv", "2");
    assert_eq!(number(&ncv_feb[6]), Decimal::from_str("19.57").unwrap(), "the factor's default");
    assert_eq!(ncv_feb[9], s("缺省值"));
    assert!(matches!(&ncv_feb[10], Data::String(t) if t.contains("cn-mee.bituminous_coal")), "{:?}", ncv_feb[10]);
    assert_eq!(number(&find("carbon_content", "1")[6]), Decimal::from_str("0.0255").unwrap());
    assert_eq!(number(&find("oxidation", "2")[6]), Decimal::from_str("0.93").unwrap());
    assert_eq!(number(&find("fuel_consumption", "2")[6]), Decimal::from(800));
    // 1000 t × 21.5 GJ/t × 0.0255 t C/GJ × 0.98 × 44/12 = 1,970.045 t CO2 (to the engine's places).
    let co2 = number(&find("co2_t", "1")[6]);
    assert!((co2 - Decimal::from_str("1970.045").unwrap()).abs() < Decimal::from_str("0.000001").unwrap(), "{co2}");
    assert_eq!(number(&find("electricity_bought", "1")[6]), Decimal::from(100_000));
    let verified = find("verified_t", "year");
    assert_eq!(number(&verified[6]), Decimal::from(1_000_000));
    assert_eq!(verified[9], s("录入（未说明获取方式）"));

    // The MEE layout: a row a parameter, a column a month.
    let wide = wb.worksheet_range("设施 F3").unwrap();
    let rows: Vec<&[Data]> = wide.rows().collect();
    assert_eq!(rows[0][4], s("1月"));
    assert_eq!(rows[0][16], s("全年"));
    let ncv = rows.iter().find(|r| r[1] == s("低位发热量")).unwrap();
    assert_eq!(number(&ncv[4]), Decimal::from_str("21.5").unwrap());
    assert_eq!(number(&ncv[5]), Decimal::from_str("19.57").unwrap());
    assert_eq!(ncv[17], s("实测; 缺省值"));
    let fuel = rows.iter().find(|r| r[1] == s("燃料消耗量")).unwrap();
    assert_eq!((number(&fuel[4]), number(&fuel[5])), (Decimal::from(1000), Decimal::from(800)));
    let output = rows.iter().find(|r| r[1] == s("核查排放量")).unwrap();
    assert_eq!((output[0].clone(), number(&output[16])), (s("BF-2"), Decimal::from(1_000_000)));

    // No China units in 2026: refused, located, nothing written.
    let out = run(dir, &["report", "--db", "org.db", "--period", "2026", "--kind", "cn-ets-sheet", "--out", "x.xlsx"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[no-data-rows] org.db (column period): period 2026 has no China ETS units"),
        "{stderr}"
    );
    assert!(!dir.join("x.xlsx").exists());
    // The data sheet is a workbook only.
    let out = run(dir, &["report", "--db", "org.db", "--period", "2025", "--kind", "cn-ets-sheet", "--out", "x.pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("x.pdf").exists());
}
