//! The real EU Transaction Log copy (32 countries, 17,957 installations) in
//! `../shared/datasets/real-world/eutl/`: every file loads, and per installation and year every
//! figure equals the file's cell, every status its text. The copy is not in the repository; the
//! test is skipped, saying so, where it is absent (as in CI).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use scopebook_allowance::eu::{self, Input};
use scopebook_allowance::eu_rules::EuRules;
use scopebook_allowance::registry::{self, Figure};

fn eutl_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets/real-world/eutl");
    dir.is_dir().then_some(dir)
}

fn files() -> Option<Vec<(String, Vec<u8>)>> {
    let Some(dir) = eutl_dir() else {
        eprintln!("skipped: the EUTL copy (../shared/datasets/real-world/eutl/) is not present");
        return None;
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    Some(
        paths
            .into_iter()
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
            .collect(),
    )
}

#[test]
fn every_eutl_file_loads_and_every_figure_equals_the_file() {
    let Some(files) = files() else { return };
    assert_eq!(files.len(), 32, "32 registry countries");
    let (installations, diags) = registry::read_all(&files);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(installations.len(), 17_957);
    // An independent reading of the same cells, as text.
    let mut k = 0;
    let mut statuses = 0usize;
    for (name, bytes) in &files {
        let mut rdr = csv::Reader::from_reader(bytes.as_slice());
        let header = rdr.headers().unwrap().clone();
        let col = |n: &str| header.iter().position(|h| h == n).unwrap();
        for row in rdr.records() {
            let row = row.unwrap();
            let inst = &installations[k];
            k += 1;
            assert_eq!(&inst.file, name);
            assert_eq!(inst.account_holder, row[col("AccountHolderName")].trim());
            assert_eq!(inst.years.len(), 18, "2005–2022");
            for r in &inst.years {
                for (prefix, f) in [
                    ("FreeAllocations", &r.free_allocation),
                    ("VerifiedEmissions", &r.verified),
                    ("UnitsSurrendered", &r.surrendered),
                ] {
                    let cell = row[col(&format!("{prefix}_{}", r.year))].trim();
                    match f {
                        Figure::Value(d) => assert_eq!(d.to_string(), cell, "{name} {} {prefix} {}", inst.id, r.year),
                        Figure::Status(s) => {
                            statuses += 1;
                            assert_eq!(s.as_str(), cell, "{name} {} {prefix} {}", inst.id, r.year);
                            assert!(cell.parse::<i64>().is_err(), "a number read as a status: {cell}");
                        }
                    }
                }
            }
        }
    }
    assert_eq!(k, installations.len());
    assert!(statuses > 300_000, "NA, Excluded and Not Reported are kept as statuses ({statuses})");
}

#[test]
fn the_position_of_every_installation_is_worked() {
    let Some(files) = files() else { return };
    let (installations, diags) = registry::read_all(&files);
    let rules = EuRules::shipped().unwrap();
    let input = Input {
        rules: &rules,
        installations: &installations,
        year: Some(2021),
        ledger: None,
        prices: &["central=75".to_string()],
    };
    let pos = eu::position(&input, diags);
    assert!(!pos.has_errors(), "{:?}", pos.diagnostics);
    assert_eq!(pos.installations.len(), 17_957);
    // An installation with a status instead of verified emissions has no obligation figure.
    let excluded =
        pos.installations.iter().filter(|i| i.figure_status.get("verified_t").is_some_and(|s| s == "Excluded"));
    assert!(excluded.clone().count() > 0);
    assert!(excluded.into_iter().all(|i| i.obligation_t.is_none() && i.shortfall_t.is_none()));
    let grouped: usize = pos.enterprises.iter().map(|e| e.installations.unwrap_or(0)).sum();
    assert_eq!(grouped, 17_957);
}
