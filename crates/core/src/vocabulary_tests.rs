//! Tests of the activity vocabulary against its own tables and the shipped datasets.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::library::FactorLibrary;

fn v() -> &'static Vocabulary {
    Vocabulary::shipped()
}

#[test]
fn the_shipped_tables_have_no_problems() {
    assert!(v().problems().is_empty(), "{:#?}", v().problems());
    assert!(v().entries().len() > 100);
}

#[test]
fn every_shipped_dataset_key_maps_into_the_vocabulary() {
    let (lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty(), "{diags:?}");
    let unmapped: BTreeSet<String> = lib
        .factors()
        .iter()
        .filter(|f| v().map_key(&f.activity).is_none())
        .map(|f| format!("{}: {}", f.dataset.id, f.activity))
        .collect();
    assert!(
        unmapped.is_empty(),
        "dataset keys outside the vocabulary (add them to crates/core/data/vocabulary.csv):\n{unmapped:#?}"
    );
    // The rule can fail: a key nothing names.
    assert_eq!(v().map_key("hydrogen"), None);
    assert_eq!(v().map_key("hydrogen.manufacturing"), None);
    assert_eq!(v().map_key("waste."), None, "a family prefix alone is not a key");
}

/// Selection relies on this: one dataset never offers two keys for the same activity type and
/// qualifier, and one region never gets unqualified factors of one activity type from two
/// datasets (either would make a tie out of what the datasets keep apart).
#[test]
fn keys_of_one_activity_type_never_collide() {
    let (lib, _) = FactorLibrary::shipped();
    let mut per_dataset: BTreeMap<(String, String, Qualifier), BTreeSet<&str>> = BTreeMap::new();
    let mut per_region: BTreeMap<(String, Qualifier, String), BTreeSet<&str>> = BTreeMap::new();
    for f in lib.factors() {
        let Some(m) = v().map_key(&f.activity) else { continue };
        per_dataset
            .entry((format!("{}/{}", f.dataset.id, f.dataset.edition), m.activity.clone(), m.qualifier.clone()))
            .or_default()
            .insert(f.activity.as_str());
        per_region.entry((m.activity, m.qualifier, f.region.to_string())).or_default().insert(f.dataset.id.as_str());
    }
    let twice: Vec<_> = per_dataset.iter().filter(|(_, keys)| keys.len() > 1).collect();
    assert!(twice.is_empty(), "{twice:#?}");
    let shared: Vec<_> = per_region.iter().filter(|(_, ds)| ds.len() > 1).collect();
    assert!(shared.is_empty(), "{shared:#?}");
}

#[test]
fn keys_map_with_their_sector_and_variant() {
    let m = |k: &str| v().map_key(k).map(|m| (m.activity, m.qualifier.sector, m.qualifier.variant));
    assert_eq!(m("natural_gas"), Some(("natural_gas".into(), None, None)));
    assert_eq!(m("natural_gas.manufacturing"), Some(("natural_gas".into(), Some(Sector::Manufacturing), None)));
    assert_eq!(m("diesel.energy_industries"), Some(("diesel".into(), Some(Sector::Energy), None)));
    assert_eq!(m("natural_gas.gcv"), Some(("natural_gas".into(), None, Some("gcv".into()))));
    assert_eq!(m("petrol.ncv"), Some(("motor_gasoline".into(), None, Some("ncv".into()))));
    assert_eq!(m("other_kerosene.residential"), Some(("kerosene".into(), Some(Sector::Residential), None)));
    assert_eq!(
        m("mixed_coal.commercial.gcv"),
        Some(("mixed_coal".into(), Some(Sector::Commercial), Some("gcv".into())))
    );
    assert_eq!(m("diesel_mobile.road"), Some(("diesel_mobile".into(), None, Some("road".into()))));
    assert_eq!(m("natural_gas.power_generation"), Some(("natural_gas".into(), None, Some("power_generation".into()))));
    assert_eq!(m("coal.power_generation.default_carbon"), Some(("coal_power_generation".into(), None, None)));
    // Long-tail keys are their own activity type.
    assert_eq!(m("spend.naics.111110"), Some(("spend.naics.111110".into(), None, None)));
    assert_eq!(m("travel.air.domestic.with_rf"), Some(("travel.air.domestic.with_rf".into(), None, None)));
}

#[test]
fn user_text_resolves_in_either_language() {
    let r = |t: &str| v().resolve(t).map(|r| (r.activity, r.qualifier.map(|q| q.label())));
    for (text, want) in [
        ("natural_gas", "natural_gas"),
        ("天然气", "natural_gas"),
        ("  Natural Gas ", "natural_gas"),
        ("NAT. GAS", "natural_gas"),
        ("管道天然气", "natural_gas"),
        ("原煤", "coal"),
        ("烟煤", "bituminous_coal"),
        ("柴油", "diesel"),
        ("０＃柴油", "diesel"),
        ("汽油", "motor_gasoline"),
        ("petrol", "motor_gasoline"),
        ("电力", "grid_electricity"),
        ("外购电力", "grid_electricity"),
        ("热力", "heat_and_steam"),
        ("蒸汽", "heat_and_steam"),
        ("R-410A", "refrigerant_topup_r_410a"),
        ("aviation_turbine_fuel", "jet_kerosene"),
        ("spend.naics.111110", "spend.naics.111110"),
    ] {
        assert_eq!(r(text), Some((want.to_string(), None)), "{text}");
    }
    assert_eq!(r("natural_gas.manufacturing"), Some(("natural_gas".into(), Some("manufacturing".into()))));
    assert_eq!(r("天然气.energy"), Some(("natural_gas".into(), Some("energy".into()))));
    assert_eq!(r("petrol.gcv"), Some(("motor_gasoline".into(), Some("gcv".into()))));
    assert_eq!(r("unobtainium_fuel"), None);
    assert_eq!(r(""), None);
    assert_eq!(v().entry("coal").map(|e| e.narrower[0].as_str()), Some("bituminous_coal"));
}

#[test]
fn long_tail_names_come_from_the_family_and_the_naics_sector() {
    let (en, zh) = v().names("spend.naics.111110").unwrap();
    assert!(en.ends_with("Agriculture, Forestry, Fishing and Hunting"), "{en}");
    assert!(zh.ends_with("农、林、渔、猎业"), "{zh}");
    assert_eq!(v().names("waste.aggregates.landfill").unwrap().1, "废弃物处理");
    assert_eq!(v().names("natural_gas").unwrap(), ("Natural gas".into(), "天然气".into()));
    assert!(v().search_text("grid_electricity").contains("外购电力"));
    assert_eq!(v().search("天然气").first().map(|e| e.id.as_str()), Some("natural_gas"));
}

#[test]
fn problems_in_a_table_are_reported() {
    let entries = "id,group,name_en,name_zh,aliases,keys,narrower\n\
                   gas_a,fuel,Gas A,甲气,gas,,\n\
                   gas_b,fuel,Gas B,乙气,Gas,,\n\
                   coal,general,Coal,煤,,,nothing\n\
                   Bad Id,fuel,x,y\n";
    let v = Vocabulary::parse(
        entries,
        "prefix,group,name_en,name_zh\nwaste,waste,Waste,废弃物\n",
        "code,name_en,name_zh\n",
    );
    let p = v.problems().join("\n");
    assert!(p.contains("name 'Gas' of 'gas_b' already names 'gas_a'"), "{p}");
    assert!(p.contains("'coal' lists 'nothing'"), "{p}");
    assert!(p.contains("line 5: 4 cells, expected 7"), "{p}");
    assert!(p.contains("'waste' does not end with a dot"), "{p}");
}
