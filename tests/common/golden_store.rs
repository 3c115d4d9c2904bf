//! What the position tests share when they load a golden case into an inventory file: the
//! case's activity records as typed into the store, and the shipped library with the case's own
//! factors beside it (as the app has it once the user adds them).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)] // test code may fail loudly

use std::path::Path;

use scopebook_core::library::FactorLibrary;
use scopebook_store::ActivityInput;

/// `activities.csv` of the case folder `case`, a record per row; the optional columns
/// `carbon_t_per_gj` and `parameter_source` are taken where the file has them.
pub fn records(case: &Path) -> Vec<ActivityInput> {
    let text = std::fs::read_to_string(case.join("activities.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let at = |k: &str| header.iter().position(|h| h == k).and_then(|i| r.get(i)).map(str::to_string);
            let cell = |k: &str| at(k).unwrap_or_else(|| panic!("activities.csv has no column {k}"));
            let opt = |k: &str| at(k).filter(|c| !c.is_empty());
            ActivityInput {
                facility: cell("facility"),
                start: cell("period_start"),
                end: cell("period_end"),
                activity: cell("activity"),
                quantity: cell("quantity"),
                unit: cell("unit"),
                carbon_t_per_gj: opt("carbon_t_per_gj"),
                parameter_source: opt("parameter_source"),
                ..ActivityInput::default()
            }
        })
        .collect()
}

/// The shipped library with the case folder's `factors.csv` added as a user file.
pub fn library(case: &Path) -> FactorLibrary {
    let (mut lib, d) = FactorLibrary::shipped();
    assert!(d.is_empty(), "{d:?}");
    let factors = std::fs::read(case.join("factors.csv")).unwrap();
    let found = lib.add_user_file("factors.csv", &factors);
    assert!(found.is_empty(), "{found:?}");
    lib
}
