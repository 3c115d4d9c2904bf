//! The `verified` marks of the shipped factors follow the rule of decision 0019, checked against
//! each edition's `verification.csv` (the project's record of independent checks of its figures
//! against their sources, converted by `tools/convert/verification.py`):
//!
//! - a factor is `verified=true` exactly when every figure column it gives has a record of
//!   confidence `high` or `medium` whose `source_value` equals the shipped figure;
//! - every figure with a `high` or `medium` record equals that record's `source_value` (a
//!   confirmed source that disagrees means the shipped figure must be fixed);
//! - a `low` record shows agreement, not confirmation: it never verifies, and when it disagrees
//!   it is recorded, not acted on.
//!
//! Figures are compared as exact decimals. Editions without a `verification.csv` rest on their
//! own notes (dataset.toml) and are not covered here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;

/// The columns of a factor that hold a figure.
const FIGURES: &[&str] = &[
    "co2_kg",
    "ch4_kg",
    "n2o_kg",
    "co2e_kg",
    "biogenic_co2_kg",
    "other_gas_kg",
    "ncv_gj_per_unit",
    "carbon_t_per_gj",
    "oxidation",
];

/// The editions the independent checks covered (decision 0019): each must keep its record.
const COVERED: &[&str] = &[
    "cn-ets-grid/2023",
    "cn-mee-fuel-defaults/2024",
    "cn-mee-nbs-grid/2021",
    "cn-mee-power-generation/2022",
    "cn-ndrc-power-generation/2013",
    "desnz-ghg-conversion-factors/2024",
    "ipcc-2006-mobile/2006",
    "ipcc-2006-stationary/2006",
];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../emission-factors")
}

fn decimal(text: &str, what: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|e| panic!("{what}: {text:?} is not a decimal ({e})"))
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().expect("a header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

struct Record {
    source_value: Decimal,
    confirms: bool,
}

/// Every edition folder that has a `verification.csv`: "dataset/edition" → folder.
fn recorded_editions() -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    for dataset in std::fs::read_dir(data_dir()).expect("emission-factors/") {
        let dataset = dataset.expect("entry").path();
        if !dataset.is_dir() {
            continue;
        }
        for edition in std::fs::read_dir(&dataset).expect("dataset folder") {
            let edition = edition.expect("entry").path();
            if edition.join("verification.csv").is_file() {
                let name = |p: &Path| p.file_name().expect("a name").to_string_lossy().into_owned();
                out.insert(format!("{}/{}", name(&dataset), name(&edition)), edition);
            }
        }
    }
    out
}

/// Check one edition; returns (factors, verified) for the summary.
fn check_edition(name: &str, folder: &Path) -> (usize, usize) {
    let factors = read_csv(&folder.join("factors.csv"));
    let ids: BTreeSet<&str> = factors.iter().map(|f| f["id"].as_str()).collect();
    let mut records: BTreeMap<(String, String), Vec<Record>> = BTreeMap::new();
    for (i, r) in read_csv(&folder.join("verification.csv")).iter().enumerate() {
        let at = format!("{name}/verification.csv row {}", i + 2);
        assert!(ids.contains(r["factor_id"].as_str()), "{at}: no factor {}", r["factor_id"]);
        assert!(FIGURES.contains(&r["field"].as_str()), "{at}: {} is not a figure column", r["field"]);
        assert!(!r["source"].trim().is_empty(), "{at}: no source");
        let confirms = match r["confidence"].as_str() {
            "high" | "medium" => true,
            "low" => false,
            other => panic!("{at}: unknown confidence {other:?}"),
        };
        let source_value = decimal(&r["source_value"], &at);
        records
            .entry((r["factor_id"].clone(), r["field"].clone()))
            .or_default()
            .push(Record { source_value, confirms });
    }
    let mut verified = 0;
    for f in &factors {
        let id = &f["id"];
        let marked = match f["verified"].as_str() {
            "true" | "" => true,
            "false" => false,
            other => panic!("{name}: {id} has verified {other:?}"),
        };
        let mut confirmed = true;
        for &field in FIGURES {
            let rows = records.get(&(id.clone(), field.to_string())).map_or(&[][..], Vec::as_slice);
            if f[field].is_empty() {
                assert!(rows.is_empty(), "{name}: {id} gives no {field}, yet it has a verification record");
                continue;
            }
            let shipped = decimal(&f[field], &format!("{name}: {id} {field}"));
            for r in rows.iter().filter(|r| r.confirms) {
                assert_eq!(
                    shipped, r.source_value,
                    "{name}: {id} {field} is {shipped} but a high- or medium-confidence source gives {}: fix the figure and cite the source",
                    r.source_value
                );
            }
            if !rows.iter().any(|r| r.confirms && r.source_value == shipped) {
                confirmed = false;
            }
        }
        assert_eq!(
            marked,
            confirmed,
            "{name}: {id} is marked verified={marked}, but its records {} every figure it gives",
            if confirmed { "confirm" } else { "do not confirm" }
        );
        verified += usize::from(marked);
    }
    (factors.len(), verified)
}

#[test]
fn verified_marks_follow_the_verification_records() {
    let editions = recorded_editions();
    for name in COVERED {
        assert!(editions.contains_key(*name), "{name} has lost its verification.csv");
    }
    let mut summary = BTreeMap::new();
    for (name, folder) in &editions {
        summary.insert(name.clone(), check_edition(name, folder));
    }
    // The counts of decision 0019: every figure of these editions was compared; the figures of
    // the two power-sector datasets rest, in part, on low-confidence sources only.
    let expect = |name: &str| summary.get(name).copied();
    assert_eq!(expect("desnz-ghg-conversion-factors/2024"), Some((1242, 1242)));
    assert_eq!(expect("ipcc-2006-stationary/2006"), Some((104, 104)));
    assert_eq!(expect("ipcc-2006-mobile/2006"), Some((20, 20)));
    assert_eq!(expect("cn-mee-nbs-grid/2021"), Some((40, 40)));
    assert_eq!(expect("cn-mee-fuel-defaults/2024"), Some((24, 24)));
    assert_eq!(expect("cn-ets-grid/2023"), Some((3, 3)));
    assert_eq!(expect("cn-ndrc-power-generation/2013"), Some((5, 0)));
    assert_eq!(expect("cn-mee-power-generation/2022"), Some((2, 0)));
}

#[test]
fn the_library_carries_the_marks_that_were_checked() {
    // The engine reads the embedded copy: its `verified` flags are the ones checked above.
    let (lib, diags) = scopebook_core::library::FactorLibrary::shipped();
    assert!(diags.is_empty(), "{diags:?}");
    for (name, folder) in recorded_editions() {
        let (dataset, edition) = name.split_once('/').expect("dataset/edition");
        let on_disk: BTreeMap<String, bool> = read_csv(&folder.join("factors.csv"))
            .into_iter()
            .map(|f| (f["id"].clone(), f["verified"] != "false"))
            .collect();
        let loaded: BTreeMap<String, bool> = lib
            .factors()
            .iter()
            .filter(|f| f.dataset.id == dataset && f.dataset.edition == edition)
            .map(|f| (f.id.clone(), f.verified))
            .collect();
        assert_eq!(loaded, on_disk, "{name}");
    }
}

/// The rule itself, on a made-up edition: a figure without a confirming record keeps a factor
/// unverified, a low-confidence record never confirms, and a disagreeing confirmed source fails.
#[test]
fn the_rule_refuses_what_it_should() {
    let dir = tempfile_dir();
    let header = "id,activity,scope,category,unit,co2_kg,ch4_kg,n2o_kg,co2e_kg,biogenic_co2_kg,other_gas,other_gas_kg,ncv_gj_per_unit,carbon_t_per_gj,oxidation,source,name,region,valid_from,valid_to,gwp_basis,verified\n";
    let run = |factors: &str, records: &str| {
        std::fs::write(dir.join("factors.csv"), format!("{header}{factors}")).unwrap();
        std::fs::write(
            dir.join("verification.csv"),
            format!("factor_id,field,source_value,confidence,source\n{records}"),
        )
        .unwrap();
        std::panic::catch_unwind(|| check_edition("test/1", &dir)).is_ok()
    };
    let gas = "a,natural_gas,1,stationary,GJ,56.1,0.001,0.0001,,,,,,,,s,,,,,,";
    let all = "a,co2_kg,56.10,high,t\na,ch4_kg,0.001,medium,t\na,n2o_kg,0.0001,high,t\n";
    assert!(run(&format!("{gas}true\n"), all), "all three figures confirmed (56.10 = 56.1)");
    assert!(!run(&format!("{gas}false\n"), all), "confirmed but left unverified");
    let no_n2o = "a,co2_kg,56.1,high,t\na,ch4_kg,0.001,high,t\n";
    assert!(!run(&format!("{gas}true\n"), no_n2o), "N2O not compared, yet verified");
    assert!(run(&format!("{gas}false\n"), no_n2o));
    let low = "a,co2_kg,56.1,high,t\na,ch4_kg,0.001,high,t\na,n2o_kg,0.0001,low,t\n";
    assert!(!run(&format!("{gas}true\n"), low), "a low-confidence record confirmed a figure");
    assert!(run(&format!("{gas}false\n"), low));
    let low_disagrees = "a,co2_kg,56.1,high,t\na,ch4_kg,0.001,high,t\na,n2o_kg,0.0001,high,t\na,n2o_kg,0.0002,low,t\n";
    assert!(run(&format!("{gas}true\n"), low_disagrees), "a low-confidence disagreement is recorded, not acted on");
    let medium_disagrees = "a,co2_kg,56.1,high,t\na,ch4_kg,0.001,high,t\na,n2o_kg,0.0002,medium,t\n";
    assert!(!run(&format!("{gas}false\n"), medium_disagrees), "a confirmed source disagrees: the figure must be fixed");
    std::fs::remove_dir_all(&dir).ok();
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scopebook-verification-rule-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
