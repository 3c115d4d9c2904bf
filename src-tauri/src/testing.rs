//! What the commands' unit tests share: an organisation file in a fresh folder, a record at
//! facility SZ, and a user's factor the shipped library does not have.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use scopebook_core::library::FactorLibrary;
use scopebook_store::{ActivityInput, Consolidation, NewOrganisation, Store};

/// A new organisation file "T" under `consolidation`, in a fresh folder named after the module
/// (`prefix`), the test (`name`) and the process; the folder is returned with it.
pub(crate) fn new_store(prefix: &str, name: &str, consolidation: Consolidation) -> (PathBuf, Store) {
    let dir = std::env::temp_dir().join(format!("scopebook-{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let org = NewOrganisation { name: "T".into(), consolidation };
    let s = Store::create(&dir.join("org.scopebook"), &org, "test").unwrap();
    (dir, s)
}

/// A record of 2023 at facility SZ.
pub(crate) fn sz_input(activity: &str, quantity: &str, unit: &str, factor: Option<&str>) -> ActivityInput {
    ActivityInput {
        facility: "SZ".into(),
        activity: activity.into(),
        quantity: quantity.into(),
        unit: unit.into(),
        start: "2023-01-01".into(),
        end: "2023-12-31".into(),
        factor: factor.map(str::to_string),
        ..Default::default()
    }
}

/// `lib` with the user's factor `mine.widget` (purchased widgets, kg): a record that names it is
/// unresolved under the library without it.
pub(crate) fn with_widget(lib: &FactorLibrary) -> FactorLibrary {
    let mut l = lib.clone();
    let mine = "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\n\
                mine.widget,purchased_widgets,3,1,kg,2.5,AR5,my supplier,GLOBAL\n";
    let diags = l.add_user_file("mine.csv", mine.as_bytes());
    assert!(diags.is_empty(), "{diags:?}");
    l
}
