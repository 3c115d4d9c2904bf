//! `scopebook report --kind eu-aer` (decision 0040): the EU annual emissions report data sheet
//! prefilled from golden position case 12 loaded into an inventory file (as
//! tests/position_reconcile_eu_store.rs loads it: the kiln KALK-1 registered under eu-ets and
//! tied to the registry's DE-990002, the office not covered, the records). Read back with
//! calamine, its figures are `position --db --scheme eu-ets --period 2021 --reconcile`'s and the
//! calculation's; the same bytes twice; a period without an EU installation is a located
//! refusal that writes nothing; records that cannot be calculated are shown as such and the
//! total is then no figure; another extension than .xlsx is a usage error.
//!
//! Hand check of the one source stream, record 2 (eu_kiln_gas, 500,000 GJ, factor eu.kiln_gas
//! 56.1 kg CO₂/GJ, the factor's default): 500,000 GJ × 56.1 kg/GJ = 28,050,000 kg = 28,050 t
//! CO₂ — the position's `scheme_t` of line 2 and its `computed_t`. Its N₂O: 500,000 GJ ×
//! 0.0001 kg/GJ = 50 kg = 0.05 t N₂O (the scheme does not count it for lime: `gas-excluded`).
//! The electricity (record 3) is indirect: no source stream. The registry gives DE-990002's
//! verified emissions 30,000 t and free allocation 50,000.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_decimal::Decimal;
use scopebook_core::library::FactorLibrary;
use scopebook_store::{
    ActivityInput, Consolidation, EtsEnrolment, EtsScheme, NewFacility, NewOrganisation, NewPeriod, Store,
};
use serde_json::Value;

const REGISTRY: &str = "registry-DE-NO.csv";

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden-position/12-eu-reconciliation-2021")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).env("USER", "tester").output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = run(dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Golden case 12 in `dir/org.db` (periods 2021, with the case, and 2022, empty).
fn store(dir: &Path) {
    for f in [REGISTRY, "factors.csv"] {
        std::fs::copy(golden().join(f), dir.join(f)).unwrap();
    }
    let (mut lib, _) = FactorLibrary::shipped();
    assert!(lib.add_user_file("factors.csv", &std::fs::read(dir.join("factors.csv")).unwrap()).is_empty());
    let org = NewOrganisation { name: "Golden".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&dir.join("org.db"), &org, "tester").unwrap();
    s.add_facility(&NewFacility { ets_covered: true, ..NewFacility::new("KALK-1", "Kalkofen", "DE") }).unwrap();
    s.add_facility(&NewFacility::new("KALK-OFFICE", "Office", "DE")).unwrap();
    s.add_period(&lib, &NewPeriod::year(2021)).unwrap();
    s.add_period(&lib, &NewPeriod::year(2022)).unwrap();
    let holder = "Rheinwerk Stahl GmbH".to_string();
    let e = EtsEnrolment { facility: "KALK-1".into(), scheme: EtsScheme::EuEts, enterprise: holder, plan: None };
    s.set_ets_facility(&e).unwrap();
    let registry = std::fs::read(dir.join(REGISTRY)).unwrap();
    assert_eq!(s.import_ets_registry(2021, &[(REGISTRY.to_string(), registry)]).unwrap(), 3);
    s.link_ets_registry(2021, "DE-990002", Some("KALK-1"), None).unwrap();
    let text = std::fs::read_to_string(golden().join("activities.csv")).unwrap();
    let records: Vec<ActivityInput> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            let (facility, start, end, activity) = (r[0].into(), r[1].into(), r[2].into(), r[3].into());
            let (quantity, unit) = (r[4].into(), r[5].into());
            ActivityInput { facility, start, end, activity, quantity, unit, ..ActivityInput::default() }
        })
        .collect();
    // One record entered and deleted first, so that the records' ids are the export's lines
    // (2, 3, 4), as the position's lines name them.
    let gone = s.add_activity(&lib, 2021, &records[0]).unwrap();
    s.delete_activity(gone.id, Some("align ids with the export's lines")).unwrap();
    assert_eq!(s.add_activities(&lib, 2021, &records).unwrap(), vec![2, 3, 4]);
}

fn s(text: &str) -> Data {
    Data::String(text.into())
}

/// A figure as written: the number, or the exact text where the float would change it.
fn number(cell: &Data) -> Decimal {
    match cell {
        Data::Float(f) => Decimal::from_str(&f.to_string()).unwrap(),
        Data::Int(i) => Decimal::from(*i),
        Data::String(t) => Decimal::from_str(t).unwrap(),
        other => panic!("not a figure: {other:?}"),
    }
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap()).unwrap()
}

const AER: &[&str] =
    &["report", "--db", "org.db", "--period", "2021", "--kind", "eu-aer", "--factors", "factors.csv", "--out"];

#[test]
fn golden_12_gives_the_source_stream_table_with_the_positions_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store(dir);
    ok(dir, &[AER, &["aer.xlsx"]].concat());
    ok(dir, &[AER, &["again.xlsx"]].concat());
    let first = std::fs::read(dir.join("aer.xlsx")).unwrap();
    assert!(first == std::fs::read(dir.join("again.xlsx")).unwrap(), "a rerun gave a different workbook");

    let position = ok(
        dir,
        &[
            "position",
            "--db",
            "org.db",
            "--scheme",
            "eu-ets",
            "--period",
            "2021",
            "--reconcile",
            "--factors",
            "factors.csv",
            "--format",
            "json",
        ],
    );
    let position: Value = serde_json::from_slice(&position.stdout).unwrap();
    let rec = &position["reconciliation"];
    let holder = &rec["holders"][0];
    assert_eq!(holder["holder"], "DE-990002");

    let mut wb: Xlsx<_> = open_workbook(dir.join("aer.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), ["Guide", "Installation DE-990002", "Data"]);
    for name in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name} holds a formula");
    }
    let guide = wb.worksheet_range("Guide").unwrap();
    assert!(matches!(guide.get((1, 0)), Some(Data::String(t)) if t.contains("not a submission")));

    let data = wb.worksheet_range("Data").unwrap();
    let rows: Vec<&[Data]> = data.rows().collect();
    assert_eq!(rows[0][4], s("parameter"));
    let find = |record: &str, parameter: &str| -> &[Data] {
        rows.iter()
            .find(|r| r[3] == s(record) && r[4] == s(parameter))
            .copied()
            .unwrap_or_else(|| panic!("no {parameter} of record '{record}'"))
    };
    let own = |parameter: &str| -> &[Data] {
        rows.iter()
            .find(|r| matches!(r[3], Data::Empty) && r[4] == s(parameter))
            .copied()
            .unwrap_or_else(|| panic!("no {parameter} of the installation"))
    };
    // Every value is DE-990002's, of KALK-1; the electricity and the office are no source stream.
    assert!(rows[1..].iter().all(|r| r[0] == s("DE-990002") && r[1] == s("KALK-1")));
    assert!(rows[1..].iter().all(|r| r[3] != s("3") && r[3] != s("4")), "an indirect record is no source stream");

    // The source stream, record 2.
    let line = &rec["lines"][0];
    assert_eq!(line["row"], 2);
    let activity = find("2", "activity_data");
    assert_eq!((activity[2].clone(), number(&activity[6])), (s("eu_kiln_gas"), Decimal::from(500_000)));
    assert_eq!(activity[8], s("GJ"));
    let ef = find("2", "emission_factor");
    assert_eq!((number(&ef[6]), ef[8].clone()), (Decimal::from_str("56.1").unwrap(), s("kg CO2/GJ")));
    assert_eq!(ef[9], s("default"));
    assert!(matches!(&ef[10], Data::String(t) if t.contains("eu.kiln_gas")), "{:?}", ef[10]);
    let co2 = find("2", "co2_t");
    assert_eq!(number(&co2[6]), dec(&line["scheme_t"]), "the stream's CO₂ is the position line's scheme figure");
    assert_eq!(number(&co2[6]), Decimal::from(28_050));
    assert_eq!(co2[9], s("calculated"));
    assert_eq!(number(&find("2", "n2o_t")[6]), Decimal::from_str("0.05").unwrap());

    // The installation: its total and the registry's figures beside it.
    assert_eq!(number(&own("total_co2_t")[6]), dec(&holder["computed_t"]));
    assert_eq!(number(&own("total_co2_t")[6]), dec(&rec["computed_t"]));
    let verified = own("verified_t");
    assert_eq!(number(&verified[6]), dec(&holder["verified_t"]));
    assert!(matches!(&verified[10], Data::String(t) if t.starts_with("registry registry-DE-NO.csv")));
    assert_eq!(number(&own("free_allocation_t")[6]), Decimal::from(50_000));
    assert_eq!(own("name")[6], s("Kalkofen"));

    // The MRR layout: a row a parameter of a source stream, value, unit, how, source, evidence.
    let sheet = wb.worksheet_range("Installation DE-990002").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(
        rows[0][..6],
        [s("Source stream"), s("Record"), s("Parameter"), s("Value"), s("Unit"), s("How obtained")]
    );
    let total = rows.iter().find(|r| r[2] == s("Installation total CO₂")).unwrap();
    assert_eq!(number(&total[3]), Decimal::from(28_050));
    let ef = rows.iter().find(|r| r[2] == s("Emission factor")).unwrap();
    assert_eq!(
        (ef[0].clone(), ef[1].clone(), number(&ef[3])),
        (s("eu_kiln_gas"), s("2"), Decimal::from_str("56.1").unwrap())
    );

    // Both languages: sheet names valid, the figures the same.
    ok(
        dir,
        &[
            "report",
            "--db",
            "org.db",
            "--period",
            "2021",
            "--kind",
            "eu-aer",
            "--factors",
            "factors.csv",
            "--lang",
            "both",
            "--out",
            "both.xlsx",
        ],
    );
    let wb: Xlsx<_> = open_workbook(dir.join("both.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), ["Guide 指南", "Installation 装置 DE-990002", "Data 数据"]);
}

#[test]
fn a_period_without_an_eu_installation_is_refused_records_not_calculated_are_shown_and_a_sheet_is_a_workbook_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store(dir);
    let out = run(dir, &["report", "--db", "org.db", "--period", "2022", "--kind", "eu-aer", "--out", "x.xlsx"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[no-data-rows] org.db (column period): period 2022 has no EU ETS installation"),
        "{stderr}"
    );
    assert!(!dir.join("x.xlsx").exists());
    let out = run(dir, &["report", "--db", "org.db", "--period", "2021", "--kind", "eu-aer", "--out", "x.pdf"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--kind eu-aer writes a workbook: --out FILE.xlsx"));
    assert!(!dir.join("x.pdf").exists());
    // Without the case's factors the records cannot be calculated: shown as not calculated,
    // never dropped, and the total is no figure.
    ok(dir, &["report", "--db", "org.db", "--period", "2021", "--kind", "eu-aer", "--out", "bare.xlsx"]);
    let mut wb: Xlsx<_> = open_workbook(dir.join("bare.xlsx")).unwrap();
    let data = wb.worksheet_range("Data").unwrap();
    let rows: Vec<&[Data]> = data.rows().collect();
    let missing: Vec<&Data> = rows.iter().filter(|r| r[4] == s("not_calculated")).map(|r| &r[3]).collect();
    assert_eq!(missing, [&s("2"), &s("3")], "the kiln gas and the electricity of KALK-1");
    let total = rows.iter().find(|r| r[4] == s("total_co2_t")).unwrap();
    assert!(matches!(&total[6], Data::String(t) if t.starts_with("no direct")), "{:?}", total[6]);
    assert!(matches!(&total[10], Data::String(t) if t.contains("2 record(s) not calculated")), "{:?}", total[10]);
    // --factors belongs to a data sheet or --reconcile.
    let out = run(
        dir,
        &[
            "report",
            "--db",
            "org.db",
            "--period",
            "2021",
            "--kind",
            "inventory",
            "--factors",
            "factors.csv",
            "--out",
            "i.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("i.csv").exists());
}
