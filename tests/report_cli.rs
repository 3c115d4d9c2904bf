//! `scopebook report` end to end, on the sample organisation file (`scopebook_report::sample`):
//! the inventory PDF in English and Chinese, read back with `pdftotext` (every section
//! that answers a required item has its heading and id, and the totals are exactly those of
//! `scopebook calc --db --format json` at the report's rounding), checked as PDF/A-2b
//! (`qpdf --check`, the XMP `pdfaid` part and conformance), the same bytes twice; the workbook
//! read back with calamine; CSV and XLSX inert against formula injection. Pages are rendered
//! to PNG in e2e-artifacts/reports/ when `pdftoppm` is there.
//!
//! Needs the report fonts (`npm ci --prefix fonts`) and poppler-utils and qpdf (scripts/test.sh
//! installs them).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_decimal::{Decimal, RoundingStrategy};
use scopebook_core::library::FactorLibrary;
use scopebook_report::standards::{required_sections, SECTIONS};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_scopebook")
}

/// The sample organisation file with period 2024 locked.
fn sample(dir: &Path) -> PathBuf {
    let lib = FactorLibrary::shipped().0;
    let db = dir.join("acme.scopebook");
    let mut store = scopebook_report::sample::create(&db, &lib).unwrap();
    store.lock_period(&lib, 2024).unwrap();
    db
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn report(db: &Path, lang: &str, out: &Path) -> Vec<u8> {
    let (code, stdout, stderr) = run(&[
        "report",
        "--db",
        db.to_str().unwrap(),
        "--period",
        "2024",
        "--kind",
        "inventory",
        "--lang",
        lang,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::fs::read(out).unwrap()
}

/// A JSON figure rounded half to even to 3 places and grouped by thousands, as a reader would
/// round it by hand (independent of the report's own code).
fn shown(json_figure: &str) -> String {
    let d = Decimal::from_str(json_figure).unwrap().round_dp_with_strategy(3, RoundingStrategy::MidpointNearestEven);
    let text = format!("{d:.3}");
    let (int, frac) = text.split_once('.').unwrap();
    let digits: Vec<char> = int.chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(*c);
    }
    format!("{grouped}.{frac}")
}

fn tool(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

#[test]
fn the_inventory_pdf_has_every_required_section_and_the_calc_totals_and_is_pdf_a() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample(dir.path());
    let (code, json, stderr) =
        run(&["calc", "--db", db.to_str().unwrap(), "--period", "2024", "--format", "json", "--summary"]);
    assert_eq!(code, 0, "{stderr}");
    let calc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut figures: Vec<String> = ["scope1", "scope2_location", "scope2_market", "scope3", "biogenic_co2"]
        .iter()
        .map(|k| shown(calc["totals"][k].as_str().unwrap()))
        .collect();
    for g in calc["by_gas"].as_array().unwrap() {
        figures.push(shown(g["co2e_t"].as_str().unwrap()));
    }
    for c in calc["by_scope3_category"].as_array().unwrap() {
        figures.push(shown(c["co2e_t"].as_str().unwrap()));
    }
    assert!(tool("pdftotext"), "pdftotext is needed (Debian poppler-utils)");
    assert!(tool("qpdf") || Command::new("qpdf").arg("--version").output().is_ok(), "qpdf is needed");
    let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e-artifacts/reports");
    let _ = std::fs::create_dir_all(&artefacts);
    // English and Chinese here; both languages side by side are rendered by the crate's own test.
    for lang in ["en", "zh"] {
        let pdf = dir.path().join(format!("inventory-{lang}.pdf"));
        let first = report(&db, lang, &pdf);
        if lang == "en" {
            // A locked period is dated by its lock time: a rerun gives the same bytes.
            let again = report(&db, lang, &dir.path().join(format!("again-{lang}.pdf")));
            assert!(first == again, "{lang}: a rerun gave different bytes");
        }

        let text =
            String::from_utf8(Command::new("pdftotext").args([pdf.to_str().unwrap(), "-"]).output().unwrap().stdout)
                .unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for id in required_sections() {
            let def = SECTIONS.iter().find(|s| s.id == id).unwrap();
            let heading = match lang {
                "en" => def.en.to_string(),
                "zh" => def.zh.to_string(),
                _ => format!("{} / {}", def.en, def.zh),
            };
            let heading = heading.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&heading), "{lang}: no heading '{heading}' for section {id}");
            assert!(flat.contains(&format!(": {id}")), "{lang}: section id {id} not shown");
        }
        for f in &figures {
            assert!(flat.contains(f.as_str()), "{lang}: total {f} not in the PDF");
        }
        let check = Command::new("qpdf").args(["--check", pdf.to_str().unwrap()]).output().unwrap();
        assert!(check.status.success(), "{lang}: qpdf --check: {}", String::from_utf8_lossy(&check.stdout));
        let raw = String::from_utf8_lossy(&first);
        assert!(raw.contains("<pdfaid:part>2</pdfaid:part>"), "{lang}: no PDF/A part in the XMP");
        assert!(raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "{lang}: no PDF/A conformance in the XMP");
        if tool("pdftoppm") {
            let prefix = artefacts.join(format!("inventory-{lang}"));
            let _ = Command::new("pdftoppm")
                .args(["-r", "60", "-png", pdf.to_str().unwrap(), prefix.to_str().unwrap()])
                .status();
        }
    }
}

#[test]
fn the_workbook_and_csv_carry_the_calc_figures_and_stay_inert() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample(dir.path());
    let (_, json, _) =
        run(&["calc", "--db", db.to_str().unwrap(), "--period", "2024", "--format", "json", "--summary"]);
    let calc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let xlsx = dir.path().join("inventory.xlsx");
    let first = report(&db, "zh", &xlsx);
    assert!(first == report(&db, "zh", &dir.path().join("again.xlsx")), "a rerun gave a different workbook");
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(wb.sheet_names(), ["汇总", "明细行", "所用排放因子", "审计日志"]);
    let summary = wb.worksheet_range("汇总").unwrap();
    let rows: Vec<&[Data]> = summary.rows().collect();
    for (key, zh) in [("scope1", "范围一"), ("scope2_location", "范围二，基于位置"), ("scope3", "范围三")]
    {
        let want = Decimal::from_str(calc["totals"][key].as_str().unwrap()).unwrap();
        let row = rows.iter().find(|r| r.get(1) == Some(&Data::String(zh.into()))).unwrap_or_else(|| panic!("no {zh}"));
        match (row.get(3), row.get(4)) {
            (_, Some(Data::String(exact))) => assert_eq!(Decimal::from_str(exact).unwrap(), want, "{key} exact text"),
            (Some(Data::Float(f)), _) => {
                assert_eq!(Decimal::from_str(&f.to_string()).unwrap(), want.normalize(), "{key}")
            }
            other => panic!("{key}: {other:?}"),
        }
    }
    // Every figure is a number; every text stays text: no formula anywhere.
    for name in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name} holds a formula");
    }
    let lines = wb.worksheet_range("明细行").unwrap();
    assert!(
        lines.rows().any(|r| r.iter().any(|c| c == &Data::String("=HYPERLINK(\"http://x\",\"y\")".into()))),
        "the note is kept as text"
    );

    let csv_path = dir.path().join("inventory.csv");
    report(&db, "en", &csv_path);
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let names: Vec<&str> = records.iter().filter_map(|r| r.get(3)).filter(|n| !n.is_empty()).collect();
    assert!(names.contains(&"'+cmd|' /C calc'!A0"), "{names:?}");
    assert!(names.contains(&"'@SUM(1) London works"), "{names:?}");
    for rec in &records {
        for cell in rec.iter() {
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r', '\n']), "an active cell: {cell:?}");
        }
        let value = rec.get(5).unwrap();
        assert!(Decimal::from_str(value).is_ok(), "value {value:?} is a plain number");
    }
    let scope1 = records.iter().find(|r| r.get(0) == Some("scope-totals") && r.get(1) == Some("Scope 1")).unwrap();
    assert_eq!(scope1.get(5), calc["totals"]["scope1"].as_str());
}

#[test]
fn other_kinds_and_unknown_extensions_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample(dir.path());
    // Every kind is rendered (tests/report_position.rs, report_cn_sheet.rs, report_eu_aer.rs);
    // a data sheet is a workbook only, and no kind writes .docx.
    for (kind, out) in [("eu-aer", "e.csv"), ("cn-ets-sheet", "c.pdf"), ("inventory", "x.docx")] {
        let out = dir.path().join(out);
        let (code, _, stderr) = run(&[
            "report",
            "--db",
            db.to_str().unwrap(),
            "--period",
            "2024",
            "--kind",
            kind,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{kind}: {stderr}");
        assert!(
            stderr.contains("writes a workbook: --out FILE.xlsx") || stderr.contains(".pdf, .xlsx or .csv"),
            "{stderr}"
        );
        assert!(!out.exists());
    }
    let missing = dir.path().join("no-fonts");
    std::fs::create_dir_all(&missing).unwrap();
    let (code, _, stderr) = run(&[
        "report",
        "--db",
        db.to_str().unwrap(),
        "--period",
        "2024",
        "--kind",
        "inventory",
        "--fonts",
        missing.to_str().unwrap(),
        "--out",
        dir.path().join("r.pdf").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("fonts are missing") && stderr.contains("npm ci --prefix fonts"), "{stderr}");
}
