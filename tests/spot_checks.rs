//! Spot checks: figures read by hand from each published source (`tests/spot_checks/*.csv`:
//! `factor_id, field, expected, source`) must equal what the shipped library loads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::Path;

use rust_decimal::Decimal;
use scopebook_core::factor::{Factor, Method};
use scopebook_core::gas::{Gas, Species};
use scopebook_core::library::FactorLibrary;

fn field(f: &Factor, name: &str) -> Option<Decimal> {
    let gas = |g: Gas| match &f.method {
        Method::PerGas { gases, .. } => gases.iter().find(|(s, _)| *s == Species::Gas(g)).map(|(_, v)| *v),
        Method::Co2e { .. } => None,
    };
    let chain = match &f.method {
        Method::PerGas { carbon, .. } => *carbon,
        Method::Co2e { .. } => None,
    };
    match name {
        "co2_kg" => gas(Gas::Co2),
        "ch4_kg" => gas(Gas::Ch4),
        "n2o_kg" => gas(Gas::N2o),
        "co2e_kg" => match f.method {
            Method::Co2e { kg_per_unit, .. } => Some(kg_per_unit),
            Method::PerGas { .. } => None,
        },
        "biogenic_co2_kg" => f.biogenic_co2_kg,
        "other_gas_kg" => match &f.method {
            Method::PerGas { gases, .. } => {
                gases.iter().find(|(s, _)| !matches!(s, Species::Gas(Gas::Co2 | Gas::Ch4 | Gas::N2o))).map(|(_, v)| *v)
            }
            Method::Co2e { .. } => None,
        },
        "ncv_gj_per_unit" => f.ncv_gj_per_unit,
        "carbon_t_per_gj" => chain.map(|c| c.carbon_t_per_gj),
        "oxidation" => chain.map(|c| c.oxidation),
        other => panic!("unknown spot-check field '{other}'"),
    }
}

#[test]
fn published_figures_match_the_shipped_data() {
    let (lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty(), "{diags:?}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spot_checks");
    let mut checked = 0;
    let mut datasets = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/spot_checks") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let mut rdr = csv::Reader::from_path(&path).expect("csv");
        for (i, row) in rdr.records().enumerate() {
            let row = row.expect("row");
            let (id, name, expected, source) = (&row[0], &row[1], &row[2], &row[3]);
            assert!(!source.trim().is_empty(), "{}:{} names no source", path.display(), i + 2);
            let Some(f) = lib.by_id(id) else {
                failures.push(format!("{}:{}: no factor '{id}'", path.display(), i + 2));
                continue;
            };
            let expected: Decimal =
                expected.trim().parse().unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 2));
            match field(f, name) {
                Some(actual) if actual == expected => {}
                actual => failures.push(format!(
                    "{}:{}: {id} {name} is {actual:?}, published {expected} ({source})",
                    path.display(),
                    i + 2
                )),
            }
            datasets.insert(f.dataset.id.clone());
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} spot check(s) failed:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 40, "only {checked} spot checks; the library needs at least 40");
    let shipped: std::collections::BTreeSet<_> = lib.datasets().iter().map(|d| d.reference.id.clone()).collect();
    let missing: Vec<_> = shipped.difference(&datasets).collect();
    assert!(missing.is_empty(), "datasets without a spot check: {missing:?}");
}
