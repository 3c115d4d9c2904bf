//! Unverified factors are reported once per run (decision 0019): one `unverified-factor` warning
//! with the number of lines that use them and the first ten factors, and the full list with line
//! counts in the report's `unverified_factors`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::fmt::Write as _;

use scopebook_core::calc::CalcOptions;
use scopebook_core::diagnostic::{Code, Severity};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::run::Run;
use serde_json::Value;

/// A library with user factors `f01`..`f12` (unverified) and `ok` (verified), for activities
/// `act_01`..`act_12` and `act_ok`; and activities: `act_01` three times, `act_02`..`act_12` once,
/// `act_ok` twice.
fn run() -> Run {
    let mut factors = String::from("id,activity,scope,category,unit,co2_kg,source,verified\n");
    let mut activities = String::from("facility,period_start,period_end,activity,quantity,unit\n");
    for i in 1..=12 {
        let _ = writeln!(factors, "f{i:02},act_{i:02},1,stationary,t,1,a test figure,false");
        let times = if i == 1 { 3 } else { 1 };
        for _ in 0..times {
            let _ = writeln!(activities, "P,2023-01-01,2023-12-31,act_{i:02},10,t");
        }
    }
    factors.push_str("ok,act_ok,1,stationary,t,1,a test figure,true\n");
    activities.push_str("P,2023-01-01,2023-12-31,act_ok,10,t\nP,2023-01-01,2023-12-31,act_ok,10,t\n");
    let mut lib = FactorLibrary::shipped().0;
    let load = lib.add_user_file("factors.csv", factors.as_bytes());
    assert!(load.is_empty(), "{load:#?}");
    Run::calculate(&lib, "a.csv", activities.as_bytes(), CalcOptions { gwp_set: GwpSet::AR5, keep_lines: false })
}

#[test]
fn one_warning_per_run_counts_the_lines_and_names_the_first_ten_factors() {
    let r = run();
    assert_eq!(r.inventory.lines.len(), 0, "--summary keeps no lines");
    let notes: Vec<_> = r.diagnostics.iter().filter(|d| d.code == Code::UnverifiedFactor).collect();
    assert_eq!(notes.len(), 1, "{:#?}", r.diagnostics);
    let d = notes[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!((d.location.file.as_str(), d.location.row), ("a.csv", None));
    assert_eq!(
        d.message,
        "14 of 16 calculated lines use 12 factors marked unverified, whose figures are not yet confirmed in their primary source: \
         'f01' (3 lines), 'f02' (1 line), 'f03' (1 line), 'f04' (1 line), 'f05' (1 line), 'f06' (1 line), 'f07' (1 line), \
         'f08' (1 line), 'f09' (1 line), 'f10' (1 line), and 2 more; the JSON report lists them all under unverified_factors"
    );
    // Nothing else is said about these factors.
    assert_eq!(r.diagnostics.len(), 1, "{:#?}", r.diagnostics);
}

#[test]
fn the_report_lists_every_unverified_factor_with_its_lines() {
    let r = run();
    let json: Value = serde_json::from_str(&r.report(false).to_json()).unwrap();
    let list = json["unverified_factors"].as_array().expect("unverified_factors is a list");
    assert_eq!(list.len(), 12);
    let ids: Vec<&str> = list.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["f01", "f02", "f03", "f04", "f05", "f06", "f07", "f08", "f09", "f10", "f11", "f12"]);
    assert_eq!(list[0]["lines"], 3);
    assert!(list[1..].iter().all(|u| u["lines"] == 1));
    let user = &r.inputs.datasets.iter().find(|d| !d.shipped).expect("the user file is a dataset");
    assert_eq!(list[0]["dataset"], user.id.as_str());
    assert_eq!(list[0]["edition"], user.edition.as_str());
}

#[test]
fn a_run_without_unverified_factors_says_nothing_and_lists_none() {
    let lib = FactorLibrary::shipped().0;
    let csv = "facility,period_start,period_end,activity,quantity,unit,region\nP,2023-01-01,2023-12-31,grid_electricity,1000,kWh,CN-GD\n";
    let r = Run::calculate(&lib, "a.csv", csv.as_bytes(), CalcOptions { gwp_set: GwpSet::AR5, keep_lines: true });
    assert_eq!(r.inventory.lines.len(), 1);
    assert!(r.inventory.lines[0].factor.verified);
    assert!(r.diagnostics.iter().all(|d| d.code != Code::UnverifiedFactor), "{:#?}", r.diagnostics);
    let json: Value = serde_json::from_str(&r.report(true).to_json()).unwrap();
    assert_eq!(json["unverified_factors"], Value::Array(vec![]));
}
