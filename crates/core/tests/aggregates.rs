//! An inventory's aggregates (decision 0029): kept and merged with the inventory of the records
//! that follow, they give the totals, market-based Scope 2 and notes of one calculation of all
//! the records, whatever the split; and they read back as themselves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use scopebook_core::calc::{Aggregates, CalcOptions, Inventory};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::pipeline::calculate_csv;
use scopebook_core::report::InputFile;
use scopebook_core::run::Run;

const FILE: &str = "activities.csv";

fn library() -> FactorLibrary {
    let mut lib = FactorLibrary::shipped().0;
    let scope3 = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/factors-scope3.csv")).unwrap();
    assert!(lib.add_user_file("factors-scope3.csv", &scope3).is_empty());
    let investee = "id,activity,scope,category,unit,co2e_kg,source,name,region,gwp_basis,verified\n\
                    test.investee,investee_scope1_2,3,15,t,1000,a test pass-through,Investee,GLOBAL,AR5,true\n";
    assert!(lib.add_user_file("investee.csv", investee.as_bytes()).is_empty());
    lib
}

/// The Scope 3 columns the rows below add (decisions 0035 and 0050).
const SCOPE3: &str = ",method,dq_technology,dq_time,dq_geography,dq_completeness,dq_reliability,attribution,pcaf_score";

/// The example inventory's rows, and some that exercise more: electricity in MWh and kWh of
/// several facilities and months, quantities of several scales, an unknown activity, Scope 3
/// lines with methods, data-quality scores and PCAF scores.
fn rows() -> (String, Vec<String>) {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/activities-2023.csv")).unwrap();
    let mut lines = text.lines().map(str::to_string);
    let header = format!("{}{SCOPE3}", lines.next().unwrap());
    let mut rows: Vec<String> = lines.map(|l| format!("{l},,,,,,,,")).collect();
    for (i, (facility, unit, quantity)) in [
        ("SZ-PLANT", "MWh", "12.5"),
        ("BJ-OFFICE", "kWh", "1000.250"),
        ("SZ-PLANT", "kWh", "0.0000007"),
        ("NEW", "kWh", "3"),
    ]
    .into_iter()
    .enumerate()
    {
        let month = i + 2;
        rows.push(format!(
            "{facility},2023-{month:02}-01,2023-{month:02}-28,grid_electricity,{quantity},{unit},,CN-JS,,,,,,,,,,,"
        ));
    }
    rows.push("SZ-PLANT,2023-01-01,2023-12-31,widgets,7,kg,,CN-JS,,,,,,,,,,,".to_string());
    for (facility, method, scores, quantity) in [
        ("SZ-PLANT", "spend-based", "4,3,4,2,3", "125000.5"),
        ("BJ-OFFICE", "spend-based", "2,2,2,2,2", "990"),
        ("SZ-PLANT", "average-data", "", "70000"),
        ("BJ-OFFICE", "", "5,5,5,5,5", "12.25"),
    ] {
        let scores = if scores.is_empty() { ",,,," } else { scores };
        rows.push(format!(
            "{facility},2023-01-01,2023-12-31,purchased_steel_spend,{quantity},USD,,CN,,,,{method},{scores},,"
        ));
    }
    for (facility, share, score) in [("SZ-PLANT", "0.25", "2"), ("HQ", "0.1", "4"), ("HQ", "0.5", "")] {
        rows.push(format!(
            "{facility},2023-01-01,2023-12-31,investee_scope1_2,4800,t,,,15,,,investment-specific,,,,,,{share},{score}"
        ));
    }
    (header, rows)
}

fn inventory(lib: &FactorLibrary, header: &str, rows: &[String], first_row: u64) -> Inventory {
    let csv = format!("{header}\n{}\n", rows.join("\n"));
    let opts = CalcOptions { gwp_set: GwpSet::AR5, keep_lines: false };
    let (mut inv, _) = calculate_csv(lib, FILE, csv.as_bytes(), opts);
    // Rows as they are in the whole file.
    inv.renumber_rows(|r| r + first_row);
    inv
}

/// What a run derives from the aggregates, as text (every decimal with its scale).
fn derived(lib: &FactorLibrary, inv: Inventory) -> String {
    let input = InputFile { file: FILE.into(), sha256: String::new() };
    let run = Run::assemble(lib, input, inv, Vec::new(), GwpSet::AR5);
    let inv = &run.inventory;
    let notes = inv.factor_notes(lib, GwpSet::AR5, FILE);
    let scope3 = serde_json::to_string(&inv.scope3_categories()).unwrap();
    format!(
        "{:?}\n{:?}\n{:?}\n{}\n{:?}\n{scope3}",
        inv.totals, inv.market, notes, inv.line_count, run.unverified_factors
    )
}

#[test]
fn kept_aggregates_merged_with_the_rest_are_the_whole_calculation() {
    let lib = library();
    let (header, rows) = rows();
    let whole = inventory(&lib, &header, &rows, 0);
    assert!(!whole.unresolved.is_empty() && !whole.energy_uses().is_empty());
    let want = derived(&lib, whole.clone());
    for k in 0..=rows.len() {
        let first = inventory(&lib, &header, &rows[..k], 0);
        let rest = inventory(&lib, &header, &rows[k..], u64::try_from(k).unwrap());
        let mut kept = Inventory::from_aggregates(first.aggregates(), &lib).unwrap();
        kept.merge(rest);
        assert_eq!(kept.aggregates(), whole.aggregates(), "split at {k}");
        assert_eq!(derived(&lib, kept), want, "split at {k}");
    }
}

#[test]
fn aggregates_read_back_as_themselves_and_name_only_factors_the_library_has() {
    let lib = library();
    let (header, rows) = rows();
    let whole = inventory(&lib, &header, &rows, 0);
    let a = whole.aggregates();
    assert!(a.groups.len() > 3 && a.energy_uses.len() > 3 && a.used_factors.len() > 3);
    // Scope 3 groups with and without a method, scores and PCAF scores (decision 0052).
    assert!(a.scope3.len() >= 4, "{:?}", a.scope3);
    assert!(a.scope3.iter().any(|g| g.3.pcaf.iter().any(|kg| !kg.is_zero())));
    assert!(a.scope3.iter().any(|g| g.2.is_none()) && a.scope3.iter().any(|g| !g.3.scored_kg.is_zero()));
    assert_eq!(a.line_count, u64::try_from(rows.len()).unwrap());
    let again = Inventory::from_aggregates(a.clone(), &lib).unwrap();
    assert_eq!(again.aggregates(), a);
    assert_eq!(derived(&lib, again), derived(&lib, whole));
    let beyond = Aggregates { used_factors: vec![(lib.factors().len(), 1)], ..a };
    assert!(Inventory::from_aggregates(beyond, &lib).is_none());
}

/// The residual mix is looked up once a (region, period) for all facilities: the market-based
/// outcome is the one of a look-up for every electricity use.
#[test]
fn market_based_scope2_with_residual_mixes_looked_up_once_a_region_and_period() {
    let mut lib = library();
    // Grid electricity in GB, which has no residual mix: the grid average.
    let gb = "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\ntest.grid.gb,grid_electricity,2,electricity,MWh,300,AR5,a test figure,GB\n";
    assert!(lib.add_user_file("gb.csv", gb.as_bytes()).is_empty());
    assert!(!lib.has_facility_specific());
    let (header, mut rows) = rows();
    // Residual mixes exist for some regions and not others; several facilities share them, in
    // the same months.
    for region in ["CN-JS", "CN-BJ", "GB", "US-EGRID-CAMX", "CN-GD", ""] {
        for (facility, month) in [("A", 3), ("B", 3), ("C", 4)] {
            rows.push(format!(
                "{facility},2023-{month:02}-01,2023-{month:02}-28,grid_electricity,12.5,MWh,,{region},,,,,,,,,,,"
            ));
        }
    }
    let mut inv = inventory(&lib, &header, &rows, 0);
    let uses = inv.energy_uses().to_vec();
    assert!(uses.len() > 15, "{}", uses.len());
    let each = scopebook_core::market::allocate(&uses, &[], FILE, &|u| {
        scopebook_core::residual::residual_mix(&lib, GwpSet::AR5, u)
    });
    assert!(each.by_facility.values().all(|f| f.residual_mwh > rust_decimal::Decimal::ZERO));
    assert!(["A", "B", "C"].iter().all(|f| each.by_facility[*f].grid_average_mwh > rust_decimal::Decimal::ZERO));
    inv.apply_market(&lib, GwpSet::AR5, &[], FILE);
    assert_eq!(inv.market, Some(each));
}
