//! `scopebook sample` (decision 0042): the auditor's sample outside the app equals the library's
//! draw (the one the app makes) for the same package, phrase and settings; it changes with the
//! phrase; a bad materiality is refused; `verify` reports a package's findings folder.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use scopebook_core::library::FactorLibrary;
use scopebook_package::audit_view::{AuditView, LineFilter};
use scopebook_package::findings::{self, Findings, Mark, MarkStatus};
use scopebook_package::sample::{draw, parse_materiality, SampleSettings};
use scopebook_package::{export, ExportOptions};
use scopebook_store::{ActivityInput, Consolidation, NewFacility, NewOrganisation, NewPeriod, Store};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_scopebook")
}

fn package(dir: &std::path::Path) -> Vec<u8> {
    let (lib, _) = FactorLibrary::shipped();
    let org = NewOrganisation { name: "Acme".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&dir.join("inv.db"), &org, "preparer").unwrap();
    s.add_facility(&NewFacility::new("LDS", "Leeds depot", "GB")).unwrap();
    s.add_period(&lib, &NewPeriod::year(2023)).unwrap();
    for i in 0..30 {
        let r = ActivityInput {
            facility: "LDS".into(),
            activity: "diesel".into(),
            quantity: format!("{}", 100 + i * i),
            unit: "L".into(),
            start: "2023-01-01".into(),
            end: "2023-12-31".into(),
            evidence: Some(format!("FUEL-{i}")),
            factor: Some("desnz2024.diesel.l".into()),
            ..ActivityInput::default()
        };
        s.add_activity(&lib, 2023, &r).unwrap();
    }
    s.lock_period(&lib, 2023).unwrap();
    export(&s, &lib, 2023, &ExportOptions::default()).unwrap().bytes
}

fn sample(path: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin()).arg("sample").arg(path).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_cli_sample_is_the_librarys_and_changes_with_the_phrase() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = package(dir.path());
    let path = dir.path().join("p.zip");
    std::fs::write(&path, &bytes).unwrap();
    let view = AuditView::open("p.zip", &bytes).unwrap();
    let settings =
        SampleSettings { phrase: "审计 FY2023".into(), materiality: parse_materiality("2").unwrap(), size: Some(6) };
    let expected = draw(&view.root_hash, &view.population(), &settings).unwrap();

    let (code, json, err) =
        sample(&path, &["--phrase", "审计 FY2023", "--materiality", "2", "--size", "6", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let cli: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(cli, serde_json::to_value(&expected).unwrap());
    assert_eq!(cli["sampled"].as_array().unwrap().len(), 6);
    assert!(!expected.in_full.is_empty(), "the largest lines are ≥ 2 %");

    let (_, other, _) =
        sample(&path, &["--phrase", "another", "--materiality", "2", "--size", "6", "--format", "json"]);
    let other: serde_json::Value = serde_json::from_str(&other).unwrap();
    assert_ne!(other["sampled"], cli["sampled"]);
    assert_eq!(other["in_full"], cli["in_full"]);

    let (code, table, _) = sample(&path, &["--phrase", "审计 FY2023"]);
    assert_eq!(code, 0);
    assert!(table.contains(&format!("seed: {}", expected.seed)), "{table}");
    assert!(table.contains("(the default size)"), "{table}");

    let (code, _, err) = sample(&path, &["--phrase", "x", "--materiality", "five"]);
    assert_eq!(code, 1);
    assert!(err.contains("malformed-number"), "{err}");

    // A package with findings: verify passes and reports them.
    let mut f = Findings::new(&view);
    let first = view.page(&LineFilter::default(), 0, 1).lines[0].record;
    let at = findings::utc_text(0);
    f.mark(
        &view,
        Mark { record: first, status: MarkStatus::Queried, comment: "meter".into(), auditor: "A".into(), at },
    )
    .unwrap();
    let with = findings::into_package(&bytes, &f, &f.to_xlsx(&view).unwrap()).unwrap();
    let with_path = dir.path().join("with.zip");
    std::fs::write(&with_path, with).unwrap();
    let out = Command::new(bin()).arg("verify").arg(&with_path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("auditor's findings: 3 file(s), 1 mark(s) (0 checked, 1 queried)"), "{text}");
    assert!(text.contains(&view.root_hash));
}
