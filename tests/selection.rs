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

/// Issue 11: one activity vocabulary, the IPCC sector as a qualifier, and the latest available
/// edition (decision 0018).
mod vocabulary_and_latest_available {
    use super::*;

    /// (factor id, selected_by, edition) of the single line, or (code, message).
    fn pick_with(lib: &FactorLibrary, row: &str) -> Result<(String, String, String), (String, String)> {
        let csv = format!("facility,period_start,period_end,activity,quantity,unit,region,sector\n{row}\n");
        let (inv, diags) = scopebook_core::pipeline::calculate_csv(
            lib,
            "activities.csv",
            csv.as_bytes(),
            CalcOptions { gwp_set: GwpSet::AR5, keep_lines: true },
        );
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        if let Some(u) = inv.unresolved.first() {
            return Err((u.diagnostic.code.as_str().to_string(), u.diagnostic.message.clone()));
        }
        let l = &inv.lines[0];
        let rule = serde_json::to_value(l.factor.selected_by).unwrap().as_str().unwrap().to_string();
        Ok((l.factor.id.clone(), rule, l.factor.edition.clone()))
    }

    fn id_rule(r: Result<(String, String, String), (String, String)>) -> (String, String) {
        let (id, rule, _) = r.unwrap();
        (id, rule)
    }

    #[test]
    fn natural_gas_in_gj_with_no_region_needs_a_sector_and_gets_the_ipcc_default() {
        let lib = library("");
        assert_eq!(
            id_rule(pick_with(&lib, "F,2023-01-01,2023-12-31,natural_gas,1000,GJ,,manufacturing")),
            ("ipcc2006.natural_gas.manufacturing.gj".into(), "global-default".into())
        );
        assert_eq!(
            id_rule(pick_with(&lib, "F,2023-01-01,2023-12-31,天然气,1000,GJ,,residential")),
            ("ipcc2006.natural_gas.residential.gj".into(), "global-default".into())
        );
        // No sector: never a guess, the four sectors are listed.
        let (code, message) = pick_with(&lib, "F,2023-01-01,2023-12-31,natural_gas,1000,GJ,,").unwrap_err();
        assert_eq!(code, "ambiguous-factor");
        for key in [
            "energy (natural_gas.energy_industries)",
            "manufacturing (natural_gas.manufacturing)",
            "commercial (natural_gas.commercial)",
            "residential (natural_gas.residential)",
        ] {
            assert!(message.contains(key), "{message}");
        }
        assert!(message.contains("'sector' column"), "{message}");
    }

    #[test]
    fn a_region_with_its_own_factor_wins_over_the_sector_default() {
        let lib = library("");
        // The MEE chain accepts energy: region CN, with or without a sector.
        assert_eq!(
            id_rule(pick_with(&lib, "F,2023-01-01,2023-12-31,natural_gas,1000,GJ,CN,")),
            ("cn-mee.natural_gas".into(), "region".into())
        );
        assert_eq!(
            id_rule(pick_with(&lib, "F,2023-01-01,2023-12-31,天然气,10,10^4 Nm3,CN-GD,manufacturing")),
            ("cn-mee.natural_gas".into(), "parent-region".into())
        );
        // A region with no factor of a convertible unit: the next rule applies, and says so.
        assert_eq!(
            id_rule(pick_with(&lib, "F,2023-01-01,2023-12-31,natural_gas,1000,GJ,JP,commercial")),
            ("ipcc2006.natural_gas.commercial.gj".into(), "global-default".into())
        );
        // Naming the key keeps today's meaning: the IPCC default, not the region's factor.
        assert_eq!(
            id_rule(pick_with(&lib, "F,2023-01-01,2023-12-31,natural_gas.manufacturing,1000,GJ,CN,")),
            ("ipcc2006.natural_gas.manufacturing.gj".into(), "global-default".into())
        );
    }

    #[test]
    fn names_in_either_language_and_other_datasets_keys_find_the_same_factors() {
        let lib = library("");
        for text in ["柴油", "diesel", "Diesel", "0#柴油"] {
            assert_eq!(pick_with(&lib, &format!("F,2023-01-01,2023-12-31,{text},5,t,CN,")).unwrap().0, "cn-mee.diesel");
        }
        // DESNZ calls it petrol; in CN the MEE's motor gasoline applies.
        assert_eq!(pick_with(&lib, "F,2023-01-01,2023-12-31,petrol,5,t,CN,").unwrap().0, "cn-mee.motor_gasoline");
        assert_eq!(
            pick_with(&lib, "F,2023-01-01,2023-12-31,外购电力,1000,kWh,CN-GD,").unwrap().0,
            "cn-grid.2023.CN-GD"
        );
        // A general name lists what it may mean.
        let (code, message) = pick_with(&lib, "F,2023-01-01,2023-12-31,原煤,5,t,CN,").unwrap_err();
        assert_eq!(code, "ambiguous-factor");
        assert!(message.contains("bituminous_coal (烟煤)") && message.contains("anthracite (无烟煤)"), "{message}");
        // Variants other than a sector are listed too (gross or net calorific value).
        let (code, message) = pick_with(&lib, "F,2024-01-01,2024-12-31,natural_gas,1000,kWh,GB,").unwrap_err();
        assert_eq!(code, "ambiguous-factor");
        assert!(message.contains("gcv (natural_gas.gcv)") && message.contains("ncv (natural_gas.ncv)"), "{message}");
        assert!(pick_with(&lib, "F,2024-01-01,2024-12-31,natural_gas.gcv,1000,kWh,GB,").is_ok());
        // Nothing known: no-factor, with suggestions.
        let (code, message) = pick_with(&lib, "F,2023-01-01,2023-12-31,unobtainium_fuel,5,t,CN,").unwrap_err();
        assert_eq!(code, "no-factor", "{message}");
    }

    #[test]
    fn a_year_no_edition_covers_gets_the_latest_earlier_edition_of_the_same_region() {
        let mut lib = library("");
        let gd = "F,2024-01-01,2024-12-31,grid_electricity,1000,kWh,CN-GD,";
        assert_eq!(
            pick_with(&lib, gd).unwrap(),
            ("cn-grid.2023.CN-GD".into(), "latest-available".into(), "2023".into())
        );
        // A province with no factor of its own: the national factor's latest edition, never GLOBAL.
        assert_eq!(
            id_rule(pick_with(&lib, "F,2025-01-01,2025-03-31,grid_electricity,1000,kWh,CN-XZ,")),
            ("cn-grid.2023.CN".into(), "latest-available".into())
        );
        // The same dataset's period-matching edition still wins where there is one.
        assert_eq!(
            id_rule(pick_with(&lib, "F,2023-01-01,2023-12-31,grid_electricity,1000,kWh,CN-GD,")),
            ("cn-grid.2023.CN-GD".into(), "region".into())
        );
        // A period that straddles the last edition's end is split by the user, not carried over.
        let (code, message) = pick_with(&lib, "F,2023-07-01,2024-06-30,grid_electricity,1000,kWh,CN-GD,").unwrap_err();
        assert_eq!(code, "no-factor");
        assert!(message.contains("split the activity"), "{message}");
        // Before the first edition: nothing.
        assert_eq!(
            pick_with(&lib, "F,2019-01-01,2019-12-31,grid_electricity,1000,kWh,CN-GD,").unwrap_err().0,
            "no-factor"
        );
        // A pinned edition turns the rule off for its dataset.
        lib.pin("cn-mee-nbs-grid", "2023").unwrap();
        assert_eq!(pick_with(&lib, gd).unwrap_err().0, "no-factor");
        // --strict-years turns it off everywhere.
        let mut lib = library("");
        lib.set_strict_years(true);
        let (code, message) = pick_with(&lib, gd).unwrap_err();
        assert_eq!(code, "no-factor");
        assert!(message.contains("--strict-years"), "{message}");
    }

    #[test]
    fn user_factors_are_never_carried_into_a_later_year() {
        let lib = library("u.heat,heat_buy,2,heat,GJ,60,CN,2022-01-01,2022-12-31,,,2022 rate\n");
        assert_eq!(pick_with(&lib, "F,2023-01-01,2023-12-31,heat_buy,1,GJ,CN,").unwrap_err().0, "no-factor");
    }
}
