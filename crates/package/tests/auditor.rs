//! The auditor's view (decision 0042): a package opened and paged, a line followed to its record,
//! evidence and factor; the sample reproducible and tied to the phrase; every line at or above
//! the materiality in full; findings round-trip; a package with findings still verifies, and
//! tampered findings are reported.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use rust_decimal::Decimal;
use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;
use scopebook_package::audit_view::{AuditView, LineFilter};
use scopebook_package::findings::{self, Findings, Mark, MarkStatus};
use scopebook_package::sample::{draw, parse_materiality, SampleSettings};
use scopebook_package::{archive, export, verify, ExportOptions};
use scopebook_store::{ActivityInput, Consolidation, NewFacility, NewOrganisation, NewPeriod, Store};

fn input(facility: &str, activity: &str, quantity: &str, unit: &str, evidence: &str) -> ActivityInput {
    ActivityInput {
        facility: facility.into(),
        activity: activity.into(),
        quantity: quantity.into(),
        unit: unit.into(),
        start: "2023-01-01".into(),
        end: "2023-12-31".into(),
        evidence: Some(evidence.into()),
        ..ActivityInput::default()
    }
}

/// A locked period with one large electricity line and 40 small diesel lines in Leeds.
fn package() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let (lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty());
    let db = dir.path().join("inv.db");
    let org = NewOrganisation { name: "Acme".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&db, &org, "preparer").unwrap();
    s.add_facility(&NewFacility::new("SZ", "Suzhou plant", "CN-JS")).unwrap();
    s.add_facility(&NewFacility::new("LDS", "Leeds depot", "GB")).unwrap();
    s.add_period(&lib, &NewPeriod::year(2023)).unwrap();
    s.add_activity(&lib, 2023, &input("SZ", "grid_electricity", "1862400", "kWh", "SGCC-JS-12")).unwrap();
    for i in 0..40 {
        let mut d = input("LDS", "diesel", &format!("{}", 100 + i), "L", &format!("FUEL-{i}"));
        d.factor = Some("desnz2024.diesel.l".into());
        s.add_activity(&lib, 2023, &d).unwrap();
    }
    s.lock_period(&lib, 2023).unwrap();
    export(&s, &lib, 2023, &ExportOptions::default()).unwrap().bytes
}

fn settings(phrase: &str, m: &str, size: Option<usize>) -> SampleSettings {
    SampleSettings { phrase: phrase.into(), materiality: parse_materiality(m).unwrap(), size }
}

fn mark(record: u64, status: MarkStatus, comment: &str) -> Mark {
    Mark { record, status, comment: comment.into(), auditor: "Li Na 李娜".into(), at: "2026-12-05T01:00:00Z".into() }
}

#[test]
fn a_package_opens_pages_and_follows_a_line_to_its_record_and_factor() {
    let bytes = package();
    let v = AuditView::open("p.zip", &bytes).unwrap();
    assert!(v.verification.verified, "{:?}", v.verification.findings);
    assert_eq!(v.line_count(), 41);
    assert_eq!(v.facilities(), ["LDS".to_string(), "SZ".to_string()]);
    let all = v.page(&LineFilter::default(), 0, 10);
    assert_eq!((all.matching, all.lines.len()), (41, 10));
    let next = v.page(&LineFilter::default(), 40, 10);
    assert_eq!(next.lines.len(), 1);
    let sz = v.page(&LineFilter { facility: Some("SZ".into()), ..LineFilter::default() }, 0, 50);
    assert_eq!(sz.matching, 1);
    assert_eq!(sz.lines[0].co2e_kg, "1085220.48");
    let scope2 = v.page(&LineFilter { scope: Some("2".into()), ..LineFilter::default() }, 0, 50);
    assert_eq!(scope2.matching, 1);
    let text = v.page(&LineFilter { text: "fuel-3".into(), ..LineFilter::default() }, 0, 50);
    assert_eq!(text.matching, 11, "FUEL-3 and FUEL-30..39");

    let id = sz.lines[0].record;
    let d = v.detail(id).unwrap();
    assert!(d.record_sha256_ok);
    assert_eq!(d.evidence, "SGCC-JS-12");
    assert_eq!(d.factor.dataset, "cn-mee-nbs-grid");
    assert_eq!(d.factor.edition, "2023");
    assert!(d.factor.licence.contains("Copyright"), "{}", d.factor.licence);
    assert_eq!(d.gwp_set, "AR5");
    assert!(d.steps.iter().any(|s| s.contains(&("step".into(), "gwp".into()))));
    assert!(d.record_fields.contains(&("quantity".into(), "1862400".into())));
    assert!(v.detail(9999).is_none());
}

#[test]
fn the_sample_is_reproducible_changes_with_the_phrase_and_takes_material_lines_in_full() {
    let bytes = package();
    let v = AuditView::open("p.zip", &bytes).unwrap();
    let a = draw(&v.root_hash, &v.population(), &settings("FY2023 审计", "5", Some(8))).unwrap();
    // Another opening of the same bytes (another machine) gives the same sample.
    let again = AuditView::open("elsewhere.zip", &bytes).unwrap();
    assert_eq!(a, draw(&again.root_hash, &again.population(), &settings("FY2023 审计", "5", Some(8))).unwrap());
    let b = draw(&v.root_hash, &v.population(), &settings("FY2023 audit", "5", Some(8))).unwrap();
    assert_ne!(a.sampled, b.sampled);
    assert_eq!(a.sampled.len(), 8);
    // Every line whose emissions are ≥ 5 % of the total is in full, and no other.
    let total: Decimal = v.population().iter().map(|p| p.co2e_kg.abs()).sum();
    for p in v.population() {
        let material = p.co2e_kg.abs() * Decimal::ONE_HUNDRED >= Decimal::new(5, 0) * total;
        assert_eq!(a.in_full.iter().any(|d| d.record == p.record), material, "record {}", p.record);
        assert!(!(material && a.sampled.iter().any(|d| d.record == p.record)));
    }
    assert_eq!(a.in_full.len(), 1, "only the electricity line is material");
    assert_eq!(a.package_root_hash, v.root_hash);
    assert!(a.rule.contains("SHA-256"));
}

#[test]
fn findings_round_trip_into_the_package_which_still_verifies() {
    let bytes = package();
    let v = AuditView::open("p.zip", &bytes).unwrap();
    let mut f = Findings::new(&v);
    f.sample = Some(draw(&v.root_hash, &v.population(), &settings("phrase", "2", None)).unwrap());
    let first = v.page(&LineFilter::default(), 0, 2).lines;
    f.mark(&v, mark(first[0].record, MarkStatus::Checked, "")).unwrap();
    f.mark(&v, mark(first[1].record, MarkStatus::Queried, "=1+1 meter photo missing")).unwrap();
    // Refusals change nothing.
    let before = f.clone();
    assert_eq!(f.mark(&v, mark(9999, MarkStatus::Checked, "")).unwrap_err().code, Code::UnknownRecord);
    assert_eq!(f.mark(&v, mark(first[0].record, MarkStatus::Queried, " ")).unwrap_err().code, Code::MissingValue);
    let mut nobody = mark(first[0].record, MarkStatus::Checked, "");
    nobody.auditor = String::new();
    assert_eq!(f.mark(&v, nobody).unwrap_err().code, Code::MissingValue);
    assert_eq!(f, before);

    let json = f.to_json();
    assert_eq!(Findings::from_json("side.json", &json, &v.root_hash).unwrap(), f);
    assert_eq!(Findings::from_json("side.json", &json, &"0".repeat(64)).unwrap_err().code, Code::ChecksumMismatch);

    let xlsx = f.to_xlsx(&v).unwrap();
    assert_eq!(xlsx, f.to_xlsx(&v).unwrap(), "the same findings give the same workbook");
    let with = findings::into_package(&bytes, &f, &xlsx).unwrap();
    let files = archive::read(&with).unwrap();
    let original = archive::read(&bytes).unwrap();
    for (path, b) in &original {
        assert_eq!(files.get(path), Some(b), "{path} is unchanged");
    }
    assert_eq!(Findings::from_json(findings::FINDINGS_JSON, &files[findings::FINDINGS_JSON], &v.root_hash).unwrap(), f);
    let checked = verify("with.zip", &with);
    assert!(checked.verified, "{:?}", checked.findings);
    assert_eq!(checked.root_hash, v.root_hash, "the original root hash stays");
    let fc = checked.auditor_findings.clone().unwrap();
    assert!(fc.intact);
    assert_eq!((fc.files, fc.marks, fc.checked, fc.queried), (3, 2, 1, 1));
    assert!(checked.to_table().contains("auditor's findings: 3 file(s), 2 mark(s)"));
    // The view of a package with findings opens as before.
    assert_eq!(AuditView::open("with.zip", &with).unwrap().root_hash, v.root_hash);
}

fn edited(bytes: &[u8], edit: impl FnOnce(&mut BTreeMap<String, Vec<u8>>)) -> Vec<u8> {
    let mut files = archive::read(bytes).unwrap();
    edit(&mut files);
    archive::write(&files).unwrap()
}

#[test]
fn tampered_findings_are_reported() {
    let bytes = package();
    let v = AuditView::open("p.zip", &bytes).unwrap();
    let mut f = Findings::new(&v);
    let id = v.page(&LineFilter::default(), 0, 1).lines[0].record;
    f.mark(&v, mark(id, MarkStatus::Queried, "invoice differs")).unwrap();
    let with = findings::into_package(&bytes, &f, &f.to_xlsx(&v).unwrap()).unwrap();

    let changed = edited(&with, |files| {
        let text = String::from_utf8(files[findings::FINDINGS_JSON].clone()).unwrap();
        files.insert(findings::FINDINGS_JSON.into(), text.replace("queried", "checked").into_bytes());
    });
    let r = verify("t.zip", &changed);
    assert!(!r.verified);
    assert!(r.findings.iter().any(|d| d.code == Code::ChecksumMismatch
        && d.location.file == findings::FINDINGS_JSON
        && d.to_string().contains("changed after they were written")));
    assert!(!r.auditor_findings.unwrap().intact);

    let added = edited(&with, |files| {
        files.insert("findings/extra.txt".into(), b"x".to_vec());
    });
    let r = verify("t.zip", &added);
    assert!(r.findings.iter().any(|d| d.location.file == "findings/extra.txt"), "{:?}", r.findings);

    // Findings about another package: refused when written in, reported when forged in.
    let mut other = f.clone();
    other.package_root_hash = "0".repeat(64);
    assert_eq!(findings::into_package(&bytes, &other, b"").unwrap_err().code, Code::ChecksumMismatch);
    let forged = edited(&with, |files| {
        let text = String::from_utf8(files[findings::FINDINGS_MANIFEST].clone()).unwrap();
        files.insert(findings::FINDINGS_MANIFEST.into(), text.replace(&v.root_hash, &"0".repeat(64)).into_bytes());
    });
    let r = verify("t.zip", &forged);
    assert!(!r.verified);
    assert!(
        r.findings.iter().any(|d| d.to_string().contains("refer to the package of root hash 000")),
        "{:?}",
        r.findings
    );
    // The package's own files are still checked as before: a changed record is found.
    let broken = edited(&with, |files| {
        files.insert("README.md".into(), b"changed".to_vec());
    });
    assert!(verify("t.zip", &broken).findings.iter().any(|d| d.location.file == "README.md"));
}

/// `python3 verify.py PKG.zip` (this build's verifier), or `None` when python3 is missing.
fn verify_py(dir: &std::path::Path, package: &[u8]) -> Option<std::process::Output> {
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed, so verify.py was not run");
        return None;
    }
    std::fs::write(dir.join("verify.py"), scopebook_package::VERIFY_PY).unwrap();
    std::fs::write(dir.join("p.zip"), package).unwrap();
    Some(std::process::Command::new("python3").arg(dir.join("verify.py")).arg(dir.join("p.zip")).output().unwrap())
}

#[test]
fn verify_py_checks_the_findings_folder_apart() {
    let bytes = package();
    let v = AuditView::open("p.zip", &bytes).unwrap();
    let mut f = Findings::new(&v);
    let id = v.page(&LineFilter::default(), 0, 1).lines[0].record;
    f.mark(&v, mark(id, MarkStatus::Checked, "")).unwrap();
    let with = findings::into_package(&bytes, &f, &f.to_xlsx(&v).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let Some(out) = verify_py(dir.path(), &with) else { return };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("auditor's findings: 3 file(s), 1 mark(s), intact"), "{text}");
    assert!(text.contains(&v.root_hash));
    let changed = edited(&with, |files| {
        let text = String::from_utf8(files[findings::FINDINGS_JSON].clone()).unwrap();
        files.insert(findings::FINDINGS_JSON.into(), text.replace("checked", "queried").into_bytes());
    });
    let out = verify_py(dir.path(), &changed).unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("findings/findings.json: SHA-256"), "{text}");
}

/// The findings workbook read back: its four sheets in English and Chinese, each mark's row with
/// the record, status and comment as text (a comment starting with `=` stays inert: no formula
/// anywhere), the sample's seed and phrase, and the summary's counts.
#[test]
fn the_findings_workbook_reads_back() {
    let bytes = package();
    let v = AuditView::open("p.zip", &bytes).unwrap();
    let mut f = Findings::new(&v);
    let sample = draw(&v.root_hash, &v.population(), &settings("年度 phrase", "2", Some(3))).unwrap();
    f.sample = Some(sample.clone());
    let first = v.page(&LineFilter::default(), 0, 2).lines;
    f.mark(&v, mark(first[0].record, MarkStatus::Checked, "")).unwrap();
    f.mark(&v, mark(first[1].record, MarkStatus::Queried, "=HYPERLINK(\"http://x\",\"y\")")).unwrap();
    let mut wb = Xlsx::new(Cursor::new(f.to_xlsx(&v).unwrap())).unwrap();
    assert_eq!(wb.sheet_names(), ["Findings 审核发现", "Sample 抽样参数", "Drawn 抽取明细", "Summary 汇总"]);
    for name in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name} holds a formula");
    }
    let text = |d: Option<&Data>| match d {
        Some(Data::String(s)) => s.clone(),
        // An empty text (a check without a comment) is an empty cell.
        Some(Data::Empty) | None => String::new(),
        other => panic!("not text: {other:?}"),
    };
    let marks = wb.worksheet_range("Findings 审核发现").unwrap();
    let rows: Vec<_> = marks.rows().collect();
    assert_eq!(text(rows[0].first()), "Record 记录");
    assert_eq!(rows.len(), 3, "a header and two marks");
    for (row, m) in rows[1..].iter().zip(&f.marks) {
        assert_eq!(text(row.first()), m.record.to_string());
        assert_eq!(text(row.get(5)), m.status.as_str());
        assert_eq!(text(row.get(6)), m.comment);
        assert_eq!(text(row.get(7)), m.auditor);
    }
    assert_eq!(text(rows[2].get(6)), "=HYPERLINK(\"http://x\",\"y\")", "the comment is kept as text");
    let params = wb.worksheet_range("Sample 抽样参数").unwrap();
    let value = |key: &str| {
        let row = params.rows().find(|r| r.first().is_some_and(|c| c.to_string().starts_with(key))).unwrap();
        text(row.get(1))
    };
    assert_eq!(value("Package root hash"), v.root_hash);
    assert_eq!(value("Phrase"), "年度 phrase");
    assert_eq!(value("Seed"), sample.seed);
    let drawn = wb.worksheet_range("Drawn 抽取明细").unwrap();
    assert_eq!(drawn.rows().count(), 1 + sample.in_full.len() + sample.sampled.len());
    let summary = wb.worksheet_range("Summary 汇总").unwrap();
    let count = |key: &str| {
        let row = summary.rows().find(|r| r.first().is_some_and(|c| c.to_string().starts_with(key))).unwrap();
        text(row.get(1))
    };
    assert_eq!(count("Checked"), "1");
    assert_eq!(count("Queried"), "1");
    assert_eq!(count("Lines in the package"), v.line_count().to_string());
}
