//! The shipped data loads cleanly, and the example inventory gives the totals worked out by hand
//! in `examples/EXPECTED.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_shipped_dataset_loads_without_a_diagnostic() {
    let (lib, diags) = scopebook_core::library::FactorLibrary::shipped();
    assert!(diags.is_empty(), "{diags:#?}");
    // Every dataset folder on disk is compiled in and loaded.
    let mut on_disk = 0;
    for entry in std::fs::read_dir(root().join("emission-factors")).expect("emission-factors/") {
        let dir = entry.expect("entry").path();
        if !dir.is_dir() || dir.ends_with("gwp") {
            continue;
        }
        for edition in std::fs::read_dir(&dir).expect("dataset folder") {
            let edition = edition.expect("entry").path();
            assert!(edition.join("dataset.toml").is_file(), "{} has no dataset.toml", edition.display());
            on_disk += 1;
        }
    }
    assert_eq!(lib.datasets().len(), on_disk);
    for d in lib.datasets() {
        assert!(d.factor_count > 0, "{} has no factors", d.reference.id);
        let meta = d.meta.as_ref().expect("shipped datasets have metadata");
        assert!(!meta.references.is_empty(), "{} lists no references", meta.id);
    }
    for f in lib.factors() {
        assert!(!f.source.trim().is_empty(), "factor {} has no source reference", f.id);
    }
    // The GWP sets hold the core gases in every set.
    use scopebook_core::gas::{Gas, GwpSet};
    for set in GwpSet::ALL {
        for gas in [Gas::Co2, Gas::Ch4, Gas::N2o, Gas::Sf6, Gas::Hfc134a] {
            assert!(lib.gwp.gwp(gas, set).is_some(), "{gas} in {set}");
        }
    }
}

#[test]
fn the_example_inventory_matches_the_hand_worked_totals() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("examples/expected-totals.json")).expect("expected"))
            .expect("json");
    let out = Command::new(env!("CARGO_BIN_EXE_scopebook"))
        .current_dir(root())
        .args(["calc", "examples/activities-2023.csv", "--factors", "examples/factors-scope3.csv", "--format", "json"])
        .output()
        .expect("run scopebook");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).expect("json output");
    assert_eq!(got["gwp_set"], expected["gwp_set"]);
    assert_eq!(got["complete"], Value::Bool(true));
    assert_eq!(got["totals"]["scope1"], expected["scope1_t"]);
    assert_eq!(got["totals"]["scope2_location"], expected["scope2_location_t"]);
    assert_eq!(got["totals"]["scope2_market"], expected["scope2_market_t"], "no instruments: all at the residual mix");
    assert_eq!(got["totals"]["scope3"], expected["scope3_t"]);
    let cats = got["by_scope3_category"].as_array().expect("array");
    for (k, v) in expected["by_scope3_category"].as_object().expect("object") {
        let found = cats
            .iter()
            .find(|c| c["category"].as_u64().map(|n| n.to_string()).as_deref() == Some(k.as_str()))
            .expect("category present");
        assert_eq!(&found["co2e_t"], v, "category {k}");
    }
    let facilities = got["by_facility"].as_array().expect("array");
    for (name, total) in expected["by_facility"].as_object().expect("object") {
        let f = facilities.iter().find(|f| f["facility"] == *name.as_str()).expect("facility present");
        let sum: rust_decimal::Decimal = ["scope1", "scope2_location", "scope3"]
            .iter()
            .map(|k| f[*k].as_str().expect("decimal string").parse::<rust_decimal::Decimal>().expect("decimal"))
            .sum();
        assert_eq!(sum.normalize().to_string(), total.as_str().expect("string"), "facility {name}");
    }
}

#[test]
fn no_shipped_dataset_can_tie_with_itself() {
    let (lib, _) = scopebook_core::library::FactorLibrary::shipped();
    let factors = lib.factors();
    for (i, a) in factors.iter().enumerate() {
        for b in &factors[i + 1..] {
            let same_edition = a.dataset.id == b.dataset.id && a.dataset.edition == b.dataset.edition;
            if !same_edition
                || a.activity != b.activity
                || a.region != b.region
                || a.unit.dimension() != b.unit.dimension()
            {
                continue;
            }
            let disjoint = matches!((a.valid_to, b.valid_from), (Some(t), Some(f)) if t < f)
                || matches!((b.valid_to, a.valid_from), (Some(t), Some(f)) if t < f);
            assert!(
                disjoint,
                "{} and {} ({}/{}) share activity '{}', region {}, unit dimension {} and validity",
                a.id,
                b.id,
                a.dataset.id,
                a.dataset.edition,
                a.activity,
                a.region,
                a.unit.dimension()
            );
        }
    }
}
