//! Every PDF report kind in every language, checked as PDF/A and read back (issue 13,
//! decision 0044).
//!
//! The inventory report (the sample organisation, period 2024 locked) and the allowance position
//! report (golden position cases 04 and 05, period 2019) are written by `scopebook report` in
//! English, Chinese and both. Then:
//! - `--lang both`: `pdftotext` finds every required section's heading in English AND in
//!   Chinese, with its id (the inventory's required sections; every section of the position).
//! - PDF/A: `scripts/check-pdfa.py` checks each file with page-validation (PDF/A-2b; its known
//!   false positive on CFF CID font widths allow-listed), `qpdf --check`, and the XMP `pdfaid`
//!   part and conformance. The checker's Python is `$SCOPEBOOK_PDFA_PYTHON`, else
//!   `.venv-tools/bin/python3` (scripts/setup-system.sh makes it). Without it the check is
//!   skipped with a message, unless `SCOPEBOOK_REQUIRE_PDFA=1` (scripts/test.sh, CI), which
//!   makes a missing checker a failure.
//!
//! Needs the report fonts and poppler-utils (scripts/setup-system.sh).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scopebook_core::library::FactorLibrary;
use scopebook_report::standards::{required_sections, SECTIONS};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).env("USER", "tester").output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) {
    let out = run(dir, args);
    assert!(out.status.success(), "scopebook {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
}

/// The position file of tests/report_position.rs, cases 04 and 05 only (period 2019).
fn position_store(dir: &Path) {
    ok(dir, &["init", "--db", "pos.db", "--name", "Golden 金色", "--consolidation", "operational-control"]);
    ok(dir, &["period", "add", "--db", "pos.db", "--year", "2019"]);
    for (code, name) in [("F1", "Hebei Example Coal Power"), ("F2", "Jiangsu Example Power")] {
        ok(dir, &["facility", "add", "--db", "pos.db", "--code", code, "--name", name, "--region", "CN", "--ets"]);
        ok(
            dir,
            &[
                "ets",
                "facility",
                "set",
                "--db",
                "pos.db",
                "--facility",
                code,
                "--scheme",
                "cn-ets",
                "--enterprise",
                name,
                "--plan",
                "cn-power-2019-2020",
            ],
        );
    }
    for case in ["04-enterprise-20pct-gap-cap", "05-ccer-above-5pct"] {
        let golden = root().join("tests/golden-position").join(case);
        let units = golden.join("UNITS.csv");
        ok(dir, &["ets", "unit", "import", "--db", "pos.db", "--period", "2019", units.to_str().unwrap()]);
    }
    let ledger = root().join("tests/golden-position/05-ccer-above-5pct/LEDGER.csv");
    ok(
        dir,
        &[
            "ets",
            "ledger",
            "import",
            "--db",
            "pos.db",
            "--period",
            "2019",
            "--scheme",
            "cn-ets",
            ledger.to_str().unwrap(),
        ],
    );
}

/// Every PDF kind in every language: (file, kind, lang).
fn render_all(dir: &Path) -> Vec<(PathBuf, &'static str, &'static str)> {
    let lib = FactorLibrary::shipped().0;
    let mut inv = scopebook_report::sample::create(&dir.join("inv.db"), &lib).unwrap();
    inv.lock_period(&lib, 2024).unwrap();
    drop(inv);
    position_store(dir);
    let mut out = Vec::new();
    for lang in ["en", "zh", "both"] {
        let file = format!("inventory-{lang}.pdf");
        ok(
            dir,
            &["report", "--db", "inv.db", "--period", "2024", "--kind", "inventory", "--lang", lang, "--out", &file],
        );
        out.push((dir.join(file), "inventory", lang));
        let file = format!("position-{lang}.pdf");
        let args = [
            "report",
            "--db",
            "pos.db",
            "--period",
            "2019",
            "--kind",
            "position",
            "--lang",
            lang,
            "--price",
            "central=75",
            "--out",
            &file,
        ];
        ok(dir, &args);
        out.push((dir.join(file), "position", lang));
    }
    out
}

/// The PDF's text with every whitespace removed (a heading may wrap anywhere in a table of
/// Chinese text).
fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext").args([path.to_str().unwrap(), "-"]).output();
    let out = out.expect("pdftotext is needed (Debian poppler-utils; scripts/setup-system.sh)");
    String::from_utf8(out.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect()
}

fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn checker_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SCOPEBOOK_PDFA_PYTHON").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let venv = root().join(".venv-tools/bin/python3");
    venv.is_file().then_some(venv)
}

fn required() -> bool {
    std::env::var_os("SCOPEBOOK_REQUIRE_PDFA").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn every_pdf_kind_in_every_language_is_pdf_a_and_both_languages_carry_every_heading_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = render_all(dir);
    assert_eq!(files.len(), 6);

    // --lang both: each required heading in both languages, and its id.
    for (file, kind, lang) in &files {
        if *lang != "both" {
            continue;
        }
        let text = pdf_text(file);
        let sections: Vec<(&str, &str, &str)> = match *kind {
            "inventory" => required_sections()
                .into_iter()
                .map(|id| {
                    let d = SECTIONS.iter().find(|s| s.id == id).unwrap();
                    (d.id, d.en, d.zh)
                })
                .collect(),
            _ => scopebook_report::position::SECTIONS.iter().map(|s| (s.id, s.en, s.zh)).collect(),
        };
        assert!(sections.len() >= 5, "{kind}: {sections:?}");
        for (id, en, zh) in sections {
            assert!(text.contains(&squeezed(en)), "{kind} both: no English heading '{en}' ({id})");
            assert!(text.contains(&squeezed(zh)), "{kind} both: no Chinese heading '{zh}' ({id})");
            assert!(text.contains(&format!(":{id}")), "{kind} both: section id {id} not shown");
        }
    }

    // PDF/A: page-validation (allow-list in the script), qpdf --check, XMP pdfaid.
    let Some(python) = checker_python() else {
        assert!(
            !required(),
            "SCOPEBOOK_REQUIRE_PDFA is set but no checker: run scripts/setup-system.sh's scopebook_install_pdfa_checker \
             (a venv in .venv-tools with page-validation) or set SCOPEBOOK_PDFA_PYTHON"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the PDF/A check: no .venv-tools/bin/python3 with page-validation (scripts/test.sh makes it); \
             SCOPEBOOK_REQUIRE_PDFA=1 makes this a failure"
        );
        return;
    };
    let mut cmd = Command::new(&python);
    cmd.arg(root().join("scripts/check-pdfa.py")).args(["--profile", "2b"]);
    for (file, _, _) in &files {
        cmd.arg(file);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "check-pdfa.py failed ({}):\n{said}", out.status);
    assert_eq!(said.matches("PDF/A-2b ok").count(), 6, "{said}");
}

/// The checker fails a file that is not PDF/A (an honest check: it can fail).
#[test]
fn the_checker_refuses_a_pdf_that_is_not_pdf_a() {
    let Some(python) = checker_python() else {
        assert!(!required(), "SCOPEBOOK_REQUIRE_PDFA is set but no checker");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain.pdf");
    // A minimal valid PDF 1.4 without any PDF/A metadata.
    let body = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 100 100]>>endobj\n";
    let xref_at = body.len();
    let mut offsets = Vec::new();
    for n in 1..=3 {
        offsets.push(body.find(&format!("{n} 0 obj")).unwrap());
    }
    let mut pdf = body.to_string();
    pdf.push_str("xref\n0 4\n0000000000 65535 f \n");
    for o in offsets {
        pdf.push_str(&format!("{o:010} 00000 n \n"));
    }
    pdf.push_str(&format!("trailer<</Size 4/Root 1 0 R>>\nstartxref\n{xref_at}\n%%EOF\n"));
    std::fs::write(&plain, pdf).unwrap();
    let out = Command::new(&python).arg(root().join("scripts/check-pdfa.py")).arg(&plain).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("pdfaid:part"), "{said}");
}

/// `--pdfa 3b`: the inventory PDF is PDF/A-3b and carries `inventory.json`, the bytes `calc --db
/// --format json` prints; the checker passes it as 3b; other kinds and formats are refused.
#[test]
fn pdfa_3b_carries_the_calc_json_as_its_attachment() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = FactorLibrary::shipped().0;
    let mut inv = scopebook_report::sample::create(&dir.join("inv.db"), &lib).unwrap();
    inv.lock_period(&lib, 2024).unwrap();
    drop(inv);
    let base = ["report", "--db", "inv.db", "--period", "2024", "--kind", "inventory", "--lang", "zh"];
    ok(dir, &[&base[..], &["--pdfa", "3b", "--out", "a3.pdf"]].concat());
    ok(dir, &[&base[..], &["--out", "a2.pdf"]].concat());
    let a3 = std::fs::read(dir.join("a3.pdf")).unwrap();
    let raw = String::from_utf8_lossy(&a3);
    assert!(raw.contains("<pdfaid:part>3</pdfaid:part>"), "not PDF/A-3");
    assert!(
        String::from_utf8_lossy(&std::fs::read(dir.join("a2.pdf")).unwrap()).contains("<pdfaid:part>2</pdfaid:part>")
    );
    // The same bytes twice.
    ok(dir, &[&base[..], &["--pdfa", "3b", "--out", "again.pdf"]].concat());
    assert!(std::fs::read(dir.join("again.pdf")).unwrap() == a3, "a rerun gave different bytes");

    let listed = Command::new("qpdf").args(["--list-attachments", "a3.pdf"]).current_dir(dir).output().unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(listed.contains("inventory.json"), "{listed}");
    let attached =
        Command::new("qpdf").args(["--show-attachment=inventory.json", "a3.pdf"]).current_dir(dir).output().unwrap();
    assert!(attached.status.success(), "{}", String::from_utf8_lossy(&attached.stderr));
    let calc = run(dir, &["calc", "--db", "inv.db", "--period", "2024", "--format", "json"]);
    assert!(calc.status.success());
    assert!(attached.stdout.len() > 1000, "{} bytes", attached.stdout.len());
    assert!(attached.stdout == calc.stdout, "the attachment is not calc --db --format json's bytes");

    let refused = run(
        dir,
        &["report", "--db", "inv.db", "--period", "2024", "--kind", "inventory", "--pdfa", "3b", "--out", "x.xlsx"],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(!dir.join("x.xlsx").exists());

    let Some(python) = checker_python() else {
        assert!(!required(), "SCOPEBOOK_REQUIRE_PDFA is set but no checker");
        return;
    };
    let out = Command::new(&python)
        .arg(root().join("scripts/check-pdfa.py"))
        .args(["--profile", "3b"])
        .arg(dir.join("a3.pdf"))
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.contains("PDF/A-3b ok"), "{said}");
}

/// The stream-length allowance (a stream whose data end with CR, which page-validation misreads)
/// never hides a wrong /Length: a report with one stream's /Length off by one byte is refused.
#[test]
fn the_checker_refuses_a_wrong_stream_length() {
    let Some(python) = checker_python() else {
        assert!(!required(), "SCOPEBOOK_REQUIRE_PDFA is set but no checker");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = FactorLibrary::shipped().0;
    let mut inv = scopebook_report::sample::create(&dir.join("inv.db"), &lib).unwrap();
    inv.lock_period(&lib, 2024).unwrap();
    drop(inv);
    ok(dir, &["report", "--db", "inv.db", "--period", "2024", "--kind", "inventory", "--out", "r.pdf"]);
    let mut pdf = std::fs::read(dir.join("r.pdf")).unwrap();
    // The first direct /Length whose last digit is not 9, one more (the file's size unchanged).
    let at = pdf
        .windows(8)
        .enumerate()
        .filter(|(_, w)| w.starts_with(b"/Length "))
        .find_map(|(i, _)| {
            let digits = pdf[i + 8..].iter().take_while(|b| b.is_ascii_digit()).count();
            let last = i + 8 + digits - 1;
            (digits > 0 && pdf[last] != b'9' && pdf[last + 1] != b' ').then_some(last)
        })
        .unwrap();
    pdf[at] += 1;
    let bad = dir.join("bad.pdf");
    std::fs::write(&bad, &pdf).unwrap();
    let out = Command::new(&python).arg(root().join("scripts/check-pdfa.py")).arg(&bad).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a wrong /Length passed: {said}");
    assert!(!said.contains("allowed: PDFA2B-STREAM-LENGTH"), "{said}");
}
