//! Generated documentation must match what it documents. `UPDATE_DOCS=1 cargo test --test
//! docs_in_sync` rewrites the generated parts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::Path;

const BEGIN: &str = "<!-- BEGIN GENERATED TABLE: `cargo run -- factors list --format markdown` -->\n";
const END: &str = "<!-- END GENERATED TABLE -->";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn check(path: &Path, expected: &str) {
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, expected).expect("write generated doc");
        return;
    }
    assert!(
        actual == expected,
        "{} is out of date with the code; run UPDATE_DOCS=1 cargo test --test docs_in_sync",
        path.display()
    );
}

#[test]
fn units_reference_matches_the_unit_table() {
    check(&root().join("docs/units.md"), &scopebook_core::unit::units_markdown());
}

#[test]
fn dataset_table_in_emission_factors_readme_matches_the_data() {
    let (lib, diags) = scopebook_core::library::FactorLibrary::shipped();
    assert!(diags.is_empty(), "{diags:?}");
    let path = root().join("emission-factors/README.md");
    let text = std::fs::read_to_string(&path).expect("read README");
    let start = text.find(BEGIN).expect("README has the BEGIN marker") + BEGIN.len();
    let end = text.find(END).expect("README has the END marker");
    let table = scopebook_core::listing::datasets(&lib, scopebook_core::listing::Format::Markdown);
    let expected = format!("{}{}{}", &text[..start], table, &text[end..]);
    check(&path, &expected);
}
