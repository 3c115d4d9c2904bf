//! Factor selection rules (docs/decisions/0001-factor-selection-precedence.md): each rank is
//! shown to beat the next, ties are never broken, only factors valid for the whole period
//! qualify, and a pinned edition hides the others.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use scopebook_core::calc::{CalcOptions, Inventory};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;

const HEADER: &str = "id,activity,scope,category,unit,co2_kg,region,valid_from,valid_to,facility,supplier,source\n";

fn library(user_rows: &str) -> FactorLibrary {
    let (mut lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty(), "{diags:?}");
    if !user_rows.is_empty() {
        let diags = lib.add_user_file("user.csv", format!("{HEADER}{user_rows}").as_bytes());
        assert!(diags.is_empty(), "{diags:?}");
    }
    lib
}

fn run(lib: &FactorLibrary, rows: &str) -> Inventory {
    let csv = format!("facility,period_start,period_end,activity,quantity,unit,factor,region,supplier\n{rows}");
    let (inv, diags) = scopebook_core::pipeline::calculate_csv(
        lib,
        "activities.csv",
        csv.as_bytes(),
        CalcOptions { gwp_set: GwpSet::AR5, keep_lines: true },
    );
    assert!(diags.is_empty(), "{diags:?}");
    inv
}

/// (factor id, selected_by) of the single line, or the unresolved code.
fn pick(lib: &FactorLibrary, row: &str) -> Result<(String, String), String> {
    let inv = run(lib, &format!("{row}\n"));
    if let Some(u) = inv.unresolved.first() {
        return Err(u.diagnostic.code.as_str().to_string());
    }
    let l = &inv.lines[0];
    let rule = serde_json::to_value(l.factor.selected_by).unwrap().as_str().unwrap().to_string();
    Ok((l.factor.id.clone(), rule))
}

const STEAM: &str = "\
u.facility,steam,2,steam,GJ,70,CN-GD,,,F1,,site meter
u.supplier,steam,2,steam,GJ,80,CN-GD,,,,S1,supplier declaration
u.region,steam,2,steam,GJ,90,CN-GD,,,,,provincial
u.country,steam,2,steam,GJ,95,CN,,,,,national
u.global,steam,2,steam,GJ,100,GLOBAL,,,,,default
";

#[test]
fn each_rank_beats_the_next() {
    let lib = library(STEAM);
    let p = |row: &str| pick(&lib, row).unwrap();
    // explicit > facility-specific
    assert_eq!(p("F1,2023-01-01,2023-01-31,steam,10,GJ,u.global,CN-GD,S1"), ("u.global".into(), "explicit".into()));
    // facility-specific > supplier-specific
    assert_eq!(p("F1,2023-01-01,2023-01-31,steam,10,GJ,,CN-GD,S1"), ("u.facility".into(), "facility-specific".into()));
    // supplier-specific > regional
    assert_eq!(p("F2,2023-01-01,2023-01-31,steam,10,GJ,,CN-GD,S1"), ("u.supplier".into(), "supplier-specific".into()));
    // user regional > user national > user global
    assert_eq!(p("F2,2023-01-01,2023-01-31,steam,10,GJ,,CN-GD,"), ("u.region".into(), "user-supplied".into()));
    assert_eq!(p("F2,2023-01-01,2023-01-31,steam,10,GJ,,CN-JS,"), ("u.country".into(), "user-supplied".into()));
    assert_eq!(p("F2,2023-01-01,2023-01-31,steam,10,GJ,,GB,"), ("u.global".into(), "user-supplied".into()));
    // facility- and supplier-specific factors never serve other facilities or suppliers
    assert_eq!(p("F3,2023-01-01,2023-01-31,steam,10,GJ,,CN-GD,S9"), ("u.region".into(), "user-supplied".into()));
}

#[test]
fn shipped_factors_rank_region_then_parent_then_global() {
    let lib = library("");
    let p = |row: &str| pick(&lib, row).unwrap();
    assert_eq!(
        p("F,2023-01-01,2023-12-31,grid_electricity,1000,kWh,,CN-GD,"),
        ("cn-grid.2023.CN-GD".into(), "region".into())
    );
    // Tibet has no provincial factor: the national average applies.
    assert_eq!(
        p("F,2023-01-01,2023-12-31,grid_electricity,1000,kWh,,CN-XZ,"),
        ("cn-grid.2023.CN".into(), "parent-region".into())
    );
    assert_eq!(
        p("F,2023-01-01,2023-12-31,refrigerant_topup_r_410a,2,kg,,CN-GD,"),
        ("scopebook-refrigerant.r_410a".into(), "global-default".into())
    );
    // A user factor for the same activity outranks every shipped one.
    let lib = library("u.grid,grid_electricity,2,electricity,kWh,0.4,CN-GD,2023-01-01,2023-12-31,,,green tariff\n");
    assert_eq!(pick(&lib, "F,2023-01-01,2023-12-31,grid_electricity,1000,kWh,,CN-GD,").unwrap().0, "u.grid");
}

#[test]
fn ties_are_unresolved_never_picked() {
    let lib =
        library("a.one,boiler_gas,1,stationary,GJ,56,CN,,,,,lab A\na.two,boiler_gas,1,stationary,GJ,57,CN,,,,,lab B\n");
    assert_eq!(pick(&lib, "F,2023-01-01,2023-01-31,boiler_gas,5,GJ,,CN-GD,"), Err("ambiguous-factor".into()));
    let inv = run(&lib, "F,2023-01-01,2023-01-31,boiler_gas,5,GJ,,CN-GD,\n");
    assert_eq!(inv.unresolved[0].candidates, ["a.one", "a.two"]);
    // Naming one resolves it.
    assert_eq!(pick(&lib, "F,2023-01-01,2023-01-31,boiler_gas,5,GJ,a.two,CN-GD,").unwrap().0, "a.two");
}

#[test]
fn only_factors_valid_for_the_whole_period_qualify() {
    let lib = library(
        "p.2022,heat_buy,2,heat,GJ,60,CN,2022-01-01,2022-12-31,,,2022 rate\np.2023,heat_buy,2,heat,GJ,65,CN,2023-01-01,2023-12-31,,,2023 rate\n",
    );
    assert_eq!(pick(&lib, "F,2023-03-01,2023-03-31,heat_buy,1,GJ,,CN,").unwrap().0, "p.2023");
    assert_eq!(pick(&lib, "F,2022-03-01,2022-03-31,heat_buy,1,GJ,,CN,").unwrap().0, "p.2022");
    // Straddling two validity periods: no single factor covers it.
    assert_eq!(pick(&lib, "F,2022-12-01,2023-01-31,heat_buy,1,GJ,,CN,"), Err("no-factor".into()));
    // A unit of another dimension does not qualify.
    assert_eq!(pick(&lib, "F,2023-03-01,2023-03-31,heat_buy,1,t,,CN,"), Err("unit-mismatch".into()));
}

#[test]
fn a_pinned_edition_hides_the_other_editions() {
    let mut lib = library("");
    let row = "F,2022-01-01,2022-12-31,grid_electricity,1000,kWh,,CN-GD,";
    assert_eq!(pick(&lib, row).unwrap().0, "cn-grid.2022.CN-GD");
    lib.pin("cn-mee-nbs-grid", "2023").unwrap();
    assert_eq!(pick(&lib, row), Err("no-factor".into()), "2023 edition has no factor valid for 2022");
    assert_eq!(
        pick(&lib, "F,2022-01-01,2022-12-31,grid_electricity,1000,kWh,cn-grid.2022.CN-GD,CN-GD,"),
        Err("unknown-factor".into())
    );
    assert!(lib.pin("cn-mee-nbs-grid", "1999").unwrap_err().contains("loaded editions: 2021, 2022, 2023"));
    assert!(lib.pin("no-such-dataset", "1").is_err());
}

#[test]
fn user_dataset_folders_need_evidence_and_a_matching_checksum() {
    let factors = format!("{HEADER}lab.coal,coal_measured,1,stationary,GJ,96.1,CN,,,,,lab report LR-2023-17\n");
    let sha = scopebook_core::dataset::sha256_hex(factors.as_bytes());
    let meta = |evidence: &str, sha: &str| {
        format!(
            "id = \"huadong-lab\"\nedition = \"2023\"\ntitle = \"Measured coal\"\npublisher = \"Huadong lab\"\nregion = \"CN\"\nlicence = \"internal\"\nsource_url = \"-\"\n{evidence}[files]\nfactors = \"factors.csv\"\nsha256 = \"{sha}\"\n"
        )
    };
    let read = |_: &str| -> Result<Vec<u8>, String> { Ok(factors.clone().into_bytes()) };
    let (mut lib, _) = FactorLibrary::shipped();
    let d = lib.add_user_dataset("lab", &meta("", &sha), &read);
    assert_eq!(d[0].code.as_str(), "invalid-metadata");
    let d = lib.add_user_dataset("lab", &meta("evidence = \"LR-2023-17\"\n", &"0".repeat(64)), &read);
    assert_eq!(d[0].code.as_str(), "checksum-mismatch");
    let d = lib.add_user_dataset("lab", &meta("evidence = \"LR-2023-17\"\n", &sha), &read);
    assert!(d.is_empty(), "{d:?}");
    let f = lib.by_id("lab.coal").unwrap();
    assert_eq!((f.dataset.id.as_str(), f.dataset.edition.as_str(), f.dataset.shipped), ("huadong-lab", "2023", false));
}
