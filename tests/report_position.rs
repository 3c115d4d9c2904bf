//! `scopebook report --kind position` end to end (issue 13, decision 0034), on an inventory file
//! holding golden position cases: 04 and 05 (two enterprises under cn-power-2019-2020, period
//! 2019) and 09 (cn-industry-2024-2025, period 2025, with the cheapest mix). The PDF, read back
//! with `pdftotext`, has every section's heading and id, and every enterprise's obligation,
//! holdings, shortfall, value and mix exactly as `scopebook position --db --format json` gives
//! them, at the report's rounding, in English and Chinese; the workbook read back with calamine
//! equals the JSON; the same inputs give the same bytes twice; a period without a scheme is a
//! located refusal that writes nothing.
//!
//! Needs the report fonts (`npm ci --prefix fonts`) and poppler-utils (scripts/setup-system.sh).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_decimal::{Decimal, RoundingStrategy};
use scopebook_report::position::SECTIONS;

mod common;

fn golden(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden-position").join(case)
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).env("USER", "tester").output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// An inventory file with golden cases 04 + 05 in period 2019 and 09 in period 2025, and an
/// empty period 2026.
fn store(dir: &Path) {
    ok(dir, &["init", "--db", "org.db", "--name", "Golden 金色", "--consolidation", "operational-control"]);
    for y in ["2019", "2025", "2026"] {
        ok(dir, &["period", "add", "--db", "org.db", "--year", y]);
    }
    let facilities = [
        ("F1", "Hebei Example Coal Power", "cn-power-2019-2020"),
        ("F2", "Jiangsu Example Power", "cn-power-2019-2020"),
        ("F3", "Handan Example Steel", "cn-industry-2024-2025"),
    ];
    for (code, name, plan) in facilities {
        ok(dir, &["facility", "add", "--db", "org.db", "--code", code, "--name", name, "--region", "CN", "--ets"]);
        let set = ["ets", "facility", "set", "--db", "org.db", "--facility", code, "--scheme", "cn-ets"];
        let mut args: Vec<&str> = set.to_vec();
        args.extend(["--enterprise", name, "--plan", plan]);
        ok(dir, &args);
    }
    for (case, year, ledger) in [
        ("04-enterprise-20pct-gap-cap", "2019", false),
        ("05-ccer-above-5pct", "2019", true),
        ("09-cheapest-mix-2025", "2025", true),
    ] {
        let units = golden(case).join("UNITS.csv");
        ok(dir, &["ets", "unit", "import", "--db", "org.db", "--period", year, units.to_str().unwrap()]);
        if ledger {
            let l = golden(case).join("LEDGER.csv");
            let args = [
                "ets",
                "ledger",
                "import",
                "--db",
                "org.db",
                "--period",
                year,
                "--scheme",
                "cn-ets",
                l.to_str().unwrap(),
            ];
            ok(dir, &args);
        }
    }
}

const PRICES: [&str; 3] = ["low=50", "central=75", "high=105"];

fn with_prices(mut args: Vec<&str>) -> Vec<&str> {
    for p in PRICES {
        args.extend(["--price", p]);
    }
    args
}

fn position_json(dir: &Path, year: &str) -> serde_json::Value {
    let args =
        with_prices(vec!["position", "--db", "org.db", "--scheme", "cn-ets", "--period", year, "--format", "json"]);
    serde_json::from_str(&ok(dir, &args)).unwrap()
}

fn report(dir: &Path, year: &str, lang: &str, out: &str) -> Vec<u8> {
    let args = with_prices(vec![
        "report", "--db", "org.db", "--period", year, "--kind", "position", "--lang", lang, "--out", out,
    ]);
    ok(dir, &args);
    std::fs::read(dir.join(out)).unwrap()
}

/// A JSON figure rounded half to even to 3 places and grouped by thousands, as a reader would
/// round it by hand (independent of the report's code).
fn shown(json_figure: &str) -> String {
    let d = Decimal::from_str(json_figure).unwrap().round_dp_with_strategy(3, RoundingStrategy::MidpointNearestEven);
    let text = format!("{d:.3}");
    let (sign, body) = text.strip_prefix('-').map_or(("", text.as_str()), |b| ("-", b));
    let (int, frac) = body.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

/// Every figure of the position JSON the PDF must show.
fn expected_figures(pos: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in pos["enterprises"].as_array().unwrap() {
        let name = e["enterprise"].as_str().unwrap();
        for k in ["obligation_t", "allocation_t", "holdings_t", "offsets_used_t", "shortfall_t"] {
            out.push((format!("{name} {k}"), shown(e[k].as_str().unwrap())));
        }
        for v in e["values"].as_array().unwrap() {
            out.push((format!("{name} value {}", v["scenario"]), shown(v["amount"].as_str().unwrap())));
        }
        for m in e.get("cheapest_mix").and_then(|m| m.as_array()).into_iter().flatten() {
            out.push((format!("{name} mix {}", m["scenario"]), shown(m["amount"].as_str().unwrap())));
            out.push((format!("{name} saving {}", m["scenario"]), shown(m["saving"].as_str().unwrap())));
        }
        if let Some(p) = e["penalty"].as_object() {
            out.push((format!("{name} penalty high"), shown(p["high"].as_str().unwrap())));
        }
    }
    out
}

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext").args([path.to_str().unwrap(), "-"]).output();
    let out = out.expect("pdftotext is needed (Debian poppler-utils; scripts/setup-system.sh)");
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_position_pdf_has_every_section_and_the_position_figures_in_both_languages_and_the_same_bytes_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store(dir);
    for year in ["2019", "2025"] {
        let pos = position_json(dir, year);
        let figures = expected_figures(&pos);
        assert!(figures.len() >= 8, "{year}: {figures:?}");
        for lang in ["en", "zh"] {
            let out = format!("position-{year}-{lang}.pdf");
            let first = report(dir, year, lang, &out);
            assert!(first.starts_with(b"%PDF-"));
            let raw = String::from_utf8_lossy(&first);
            assert!(raw.contains("<pdfaid:part>2</pdfaid:part>"), "{year} {lang}: not PDF/A-2");
            let flat = pdf_text(&dir.join(&out));
            // Pages as PNG for a reader to look at (as tests/report_cli.rs does), when poppler can.
            let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e-artifacts/reports");
            if std::fs::create_dir_all(&artefacts).is_ok() {
                let prefix = artefacts.join(format!("position-{year}-{lang}"));
                let pdf = dir.join(&out);
                let _ = Command::new("pdftoppm")
                    .args(["-r", "60", "-png", pdf.to_str().unwrap(), prefix.to_str().unwrap()])
                    .status();
            }
            for s in SECTIONS.iter() {
                let heading = if lang == "en" { s.en } else { s.zh };
                assert!(flat.contains(heading), "{year} {lang}: no heading '{heading}'");
                assert!(flat.contains(&format!(": {}", s.id)), "{year} {lang}: section id {} not shown", s.id);
            }
            for (what, f) in &figures {
                assert!(flat.contains(f.as_str()), "{year} {lang}: {what} = {f} not in the PDF");
            }
            if lang == "en" && year == "2019" {
                // Two enterprises: the total row nets the surplus against the shortfall.
                let net: Decimal = pos["enterprises"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| Decimal::from_str(e["shortfall_t"].as_str().unwrap()).unwrap())
                    .sum();
                assert!(flat.contains(&shown(&net.to_string())), "no total shortfall {net}");
                assert!(flat.contains("Total (surpluses netted)"));
                let again = report(dir, year, lang, "again.pdf");
                assert!(first == again, "a rerun gave different bytes");
            }
        }
    }
}

/// The column of a header row named `name`.
fn col(header: &[Data], name: &str) -> usize {
    header.iter().position(|c| c == &Data::String(name.into())).unwrap_or_else(|| panic!("no column {name}"))
}

/// A figure read back: the exact text where the workbook gives one, else the float.
fn figure(row: &[Data], value: usize) -> Option<Decimal> {
    match (row.get(value), row.get(value + 1)) {
        (_, Some(Data::String(exact))) => Some(Decimal::from_str(exact).unwrap()),
        (Some(Data::Float(f)), _) => Some(Decimal::from_str(&f.to_string()).unwrap()),
        (Some(Data::Int(i)), _) => Some(Decimal::from(*i)),
        _ => None,
    }
}

#[test]
fn the_workbook_and_csv_equal_the_position_json_and_a_period_without_a_scheme_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store(dir);
    for year in ["2019", "2025"] {
        let pos = position_json(dir, year);
        let out = format!("position-{year}.xlsx");
        let first = report(dir, year, "zh", &out);
        assert!(first == report(dir, year, "zh", "again.xlsx"), "{year}: a rerun gave a different workbook");
        let mut wb: Xlsx<_> = open_workbook(dir.join(&out)).unwrap();
        assert_eq!(
            wb.sheet_names(),
            ["汇总", "企业", "机组", "设施", "台账", "情景价值", "最低成本组合", "排放核对", "发现与诊断"]
        );
        for name in wb.sheet_names() {
            let formulas = wb.worksheet_formula(&name).unwrap();
            assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name} holds a formula");
        }
        let sheet = wb.worksheet_range("企业").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        let enterprise = col(rows[0], "enterprise");
        let enterprises = pos["enterprises"].as_array().unwrap();
        assert_eq!(rows.len() - 1, enterprises.len(), "{year}: one row per enterprise");
        for e in enterprises {
            let name = e["enterprise"].as_str().unwrap();
            let row = rows.iter().find(|r| r[enterprise] == Data::String(name.into())).unwrap();
            for k in [
                "obligation_t",
                "allocation_t",
                "verified_t",
                "relief_t",
                "holdings_t",
                "offsets_used_t",
                "shortfall_t",
            ] {
                let want = Decimal::from_str(e[k].as_str().unwrap()).unwrap();
                assert_eq!(figure(row, col(rows[0], k)), Some(want), "{year} {name} {k}");
            }
        }
        // The summary's values equal the JSON's, scenario by scenario.
        let summary = wb.worksheet_range("汇总").unwrap();
        let srows: Vec<&[Data]> = summary.rows().collect();
        let (key, ent, value) = (col(srows[0], "key"), col(srows[0], "enterprise"), col(srows[0], "value"));
        let mut compared = 0;
        for e in enterprises {
            let name = e["enterprise"].as_str().unwrap();
            for v in e["values"].as_array().unwrap() {
                let k = format!("values.{}.amount", v["scenario"].as_str().unwrap());
                let row = srows
                    .iter()
                    .find(|r| r[key] == Data::String(k.clone()) && r[ent] == Data::String(name.into()))
                    .unwrap_or_else(|| panic!("{year}: no {k} of {name}"));
                assert_eq!(figure(row, value), Some(Decimal::from_str(v["amount"].as_str().unwrap()).unwrap()));
                compared += 1;
            }
        }
        assert!(compared >= 3, "{year}: only {compared} values compared");
    }
    // 09's cheapest mix, scenario by scenario.
    let pos = position_json(dir, "2025");
    let mut wb: Xlsx<_> = open_workbook(dir.join("position-2025.xlsx")).unwrap();
    let mix = wb.worksheet_range("最低成本组合").unwrap();
    let rows: Vec<&[Data]> = mix.rows().collect();
    let want = pos["enterprises"][0]["cheapest_mix"].as_array().unwrap();
    assert_eq!(rows.len() - 1, want.len());
    for (m, r) in want.iter().zip(&rows[1..]) {
        assert_eq!(r[col(rows[0], "scenario")], Data::String(m["scenario"].as_str().unwrap().into()));
        for k in ["offsets_t", "allowances_t", "amount", "saving"] {
            assert_eq!(figure(r, col(rows[0], k)), Some(Decimal::from_str(m[k].as_str().unwrap()).unwrap()), "{k}");
        }
    }

    // CSV: the same figures, exact, and the shown column at the report's rounding.
    report(dir, "2019", "en", "position.csv");
    let text = std::fs::read_to_string(dir.join("position.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let pos = position_json(dir, "2019");
    for e in pos["enterprises"].as_array().unwrap() {
        let name = e["enterprise"].as_str().unwrap();
        let rec = records.iter().find(|r| r.get(3) == Some(name) && r.get(4) == Some("shortfall_t")).unwrap();
        assert_eq!(rec.get(7), e["shortfall_t"].as_str(), "{name}");
        let d = Decimal::from_str(e["shortfall_t"].as_str().unwrap()).unwrap();
        assert_eq!(
            rec.get(8).unwrap(),
            format!("{:.3}", d.round_dp_with_strategy(3, RoundingStrategy::MidpointNearestEven))
        );
    }

    // A period without any scheme: refused, located, nothing written.
    let out = run(dir, &["report", "--db", "org.db", "--period", "2026", "--kind", "position", "--out", "none.pdf"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error[no-data-rows] org.db (column period): period 2026 has no units under any emissions trading scheme"
        ),
        "{stderr}"
    );
    assert!(!dir.join("none.pdf").exists());
    // A price in a currency no scheme of the period takes: refused, nothing written.
    let out = run(
        dir,
        &[
            "report", "--db", "org.db", "--period", "2019", "--kind", "position", "--price", "80EUR", "--out",
            "eur.xlsx",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--price 80EUR") && stderr.contains("cn-ets: CNY"), "{stderr}");
    assert!(!dir.join("eur.xlsx").exists());
}

/// Golden case 08 (the aluminium smelter and its office, period 2024) in an inventory file in
/// `dir`, through the library, with the case's own factors beside it as factors.csv.
fn reconciled_store(dir: &Path) {
    use scopebook_store::{Consolidation, EtsEnrolment, EtsScheme, NewFacility, NewOrganisation, NewPeriod, Store};
    let case = golden("08-reconciliation-aluminium-2024");
    std::fs::copy(case.join("factors.csv"), dir.join("factors.csv")).unwrap();
    let lib = common::golden_store::library(&case);
    let org = NewOrganisation { name: "Golden".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&dir.join("org.db"), &org, "tester").unwrap();
    s.add_facility(&NewFacility { ets_covered: true, ..NewFacility::new("BT-SMELTER", "Smelter", "CN-NM") }).unwrap();
    s.add_facility(&NewFacility::new("BT-OFFICE", "Office", "CN-NM")).unwrap();
    s.add_period(&lib, &NewPeriod::year(2024)).unwrap();
    let e = EtsEnrolment {
        facility: "BT-SMELTER".into(),
        scheme: EtsScheme::CnEts,
        enterprise: "Baotou Example Aluminium".into(),
        plan: Some("cn-industry-2024-2025".into()),
    };
    s.set_ets_facility(&e).unwrap();
    s.import_ets_units(2024, "UNITS.csv", &std::fs::read(case.join("UNITS.csv")).unwrap(), None, None).unwrap();
    let records = common::golden_store::records(&case);
    s.add_activities(&lib, 2024, &records).unwrap();
}

#[test]
fn with_reconcile_the_report_shows_the_scheme_emissions_beside_the_inventory_as_position_reconcile_gives_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    reconciled_store(dir);
    let with = ["--reconcile", "--factors", "factors.csv", "--default-parameters", "BT-SMELTER"];
    let mut args = vec!["position", "--db", "org.db", "--scheme", "cn-ets", "--period", "2024", "--format", "json"];
    args.extend(with);
    let pos: serde_json::Value = serde_json::from_str(&ok(dir, &args)).unwrap();
    let rec = &pos["reconciliation"];
    let holders = rec["holders"].as_array().unwrap();
    assert!(!holders.is_empty(), "{rec}");
    for out in ["r.pdf", "r.xlsx"] {
        let mut args = vec!["report", "--db", "org.db", "--period", "2024", "--kind", "position", "--out", out];
        args.extend(with);
        ok(dir, &args);
    }
    let flat = pdf_text(&dir.join("r.pdf"));
    assert!(!flat.contains("has no reconciliation"), "the reconciliation is left out");
    assert!(flat.contains(&shown(rec["inventory_t"].as_str().unwrap())), "no inventory total");
    for h in holders {
        for k in ["inventory_t", "computed_t", "scheme_t"] {
            let f = shown(h[k].as_str().unwrap());
            assert!(flat.contains(&f), "{k} = {f} not in the PDF");
        }
    }
    let mut wb: Xlsx<_> = open_workbook(dir.join("r.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Reconciliation").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len() - 1, holders.len());
    for (h, r) in holders.iter().zip(&rows[1..]) {
        assert_eq!(r[col(rows[0], "holder")], Data::String(h["holder"].as_str().unwrap().into()));
        for k in ["inventory_t", "computed_t", "scheme_t"] {
            let want = Decimal::from_str(h[k].as_str().unwrap()).unwrap();
            assert_eq!(figure(r, col(rows[0], k)), Some(want), "{k}");
        }
    }
    // --reconcile is for the position report only.
    let out = run(
        dir,
        &["report", "--db", "org.db", "--period", "2024", "--kind", "inventory", "--reconcile", "--out", "i.csv"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_eu_period_from_registry_figures_reports_its_installations_account_holders_and_penalty_in_eur() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let registry = golden("07-eu-installation-penalty").join("registry-DE-NO.csv");
    ok(dir, &["init", "--db", "org.db", "--name", "EU", "--consolidation", "operational-control"]);
    ok(dir, &["period", "add", "--db", "org.db", "--year", "2021"]);
    ok(dir, &["ets", "registry", "import", "--db", "org.db", "--period", "2021", registry.to_str().unwrap()]);
    let args = ["position", "--db", "org.db", "--scheme", "eu-ets", "--period", "2021", "--price", "central=75"];
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let pos: serde_json::Value = serde_json::from_str(&ok(dir, &json_args)).unwrap();
    let report = ["report", "--db", "org.db", "--period", "2021", "--kind", "position", "--price", "central=75"];
    for out in ["eu.pdf", "eu.xlsx"] {
        let mut a = report.to_vec();
        a.extend(["--out", out]);
        ok(dir, &a);
    }
    let flat = pdf_text(&dir.join("eu.pdf"));
    assert!(flat.contains("EU ETS (eu-ets), plan eu-ets, 2021, EUR"), "no scheme line");
    for (what, f) in expected_figures(&pos) {
        assert!(flat.contains(f.as_str()), "{what} = {f} not in the PDF");
    }
    let installations = pos["installations"].as_array().unwrap();
    for i in installations {
        assert!(flat.contains(i["installation"].as_str().unwrap()), "{}", i["installation"]);
    }
    let mut wb: Xlsx<_> = open_workbook(dir.join("eu.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Installations").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len() - 1, installations.len());
    for (i, r) in installations.iter().zip(&rows[1..]) {
        assert_eq!(r[col(rows[0], "installation")], Data::String(i["installation"].as_str().unwrap().into()));
        let want = i["verified_t"].as_str().map(|v| Decimal::from_str(v).unwrap());
        assert_eq!(figure(r, col(rows[0], "verified_t")), want, "{}", i["installation"]);
    }
    // A CNY price goes to no scheme of an EU-only period: refused.
    let mut a = report.to_vec();
    a.extend(["--price", "high=105CNY", "--out", "cny.pdf"]);
    let out = run(dir, &a);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("eu-ets: EUR"));
}
