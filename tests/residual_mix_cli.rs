//! `scopebook residual-mix import` end to end through the built binary (issue 14, decision
//! 0048): the AIB and Green-e shapes converted into the factor format, and the output used by
//! `calc --residual-mix` for exactly its data year. The fixtures in `tests/residual-mix/` are
//! MADE-UP TEST DATA in the publications' shapes, not published figures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/residual-mix")
}

fn fixture(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopebook")).args(args).current_dir(dir).output().unwrap()
}

/// Run, expect `status`, return (stdout, stderr).
fn ok(dir: &Path, args: &[&str], status: i32) -> (String, String) {
    let out = run(dir, args);
    let (stdout, stderr) = (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap());
    assert_eq!(out.status.code(), Some(status), "{args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    (stdout, stderr)
}

fn calc_json(dir: &Path, args: &[&str]) -> Value {
    let mut a = vec!["calc"];
    a.extend_from_slice(args);
    a.extend(["--format", "json"]);
    serde_json::from_str(&ok(dir, &a, 0).0).unwrap()
}

fn basis(report: &Value) -> &str {
    report["by_facility"][0]["scope2_market_basis"].as_str().unwrap()
}

#[test]
fn aib_file_converted_and_used_for_its_data_year_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let aib = fixture("aib-2023-test.csv");
    let (stdout, stderr) =
        ok(d, &["residual-mix", "import", "--format", "aib", "--data-year", "2023", &aib, "--out", "rm.csv"], 0);
    assert!(
        stdout.starts_with("wrote rm.csv: aib-residual-mix edition 2023, 3 region(s) valid 2023-01-01 to 2023-12-31 only: DE, FR, GB\nfrom aib-2023-test.csv (SHA-256 "),
        "{stdout}"
    );
    // Austria's zero residual mix is left out, with a warning naming it; so is the aggregate row.
    assert_eq!(
        stderr,
        "warning[non-positive-value] aib-2023-test.csv:4 (column 5): left out: Austria (AT) has a zero residual mix, which is what a full-disclosure country published (AIB: Austria and Switzerland until 2022), not a rate of zero emissions; give that consumption's supplier mix as an instrument (supplier rate), otherwise it takes the grid average\n\
         warning[invalid-region] aib-2023-test.csv:8 (column 1): left out: 'European Attribute Mix' is a total or average of several countries, not one region\n"
    );
    // The bytes: one row a region in region order, each with its provenance (checked by hand
    // against the fixture: Germany 700.50 g/kWh on row 5 → co2_kg 700.5 per MWh).
    let written = std::fs::read(d.join("rm.csv")).unwrap();
    assert_eq!(written, std::fs::read(fixtures().join("aib-2023-expected.csv")).unwrap());

    // A facility in DE, 1,000 MWh in 2023, no instruments: location 1,000 × 400 (test grid
    // factor) = 400,000 kg = 400 t; market 1,000 MWh × 700.5 kg/MWh = 700,500 kg = 700.5 t.
    let act = fixture("act-de-2023.csv");
    let grid = fixture("de-grid-test.csv");
    let r = calc_json(d, &[&act, "--factors", &grid, "--residual-mix", "rm.csv"]);
    assert_eq!(r["totals"]["scope2_location"], "400");
    assert_eq!(r["totals"]["scope2_market"], "700.5");
    assert_eq!(basis(&r), "residual-mix");

    // A 2024 activity with the 2023 file: never the nearest year. Market = location
    // (1,000 × 380 = 380 t), basis grid-average.
    let act24 = fixture("act-de-2024.csv");
    let r = calc_json(d, &[&act24, "--factors", &grid, "--residual-mix", "rm.csv"]);
    assert_eq!(r["totals"]["scope2_location"], "380");
    assert_eq!(r["totals"]["scope2_market"], "380");
    assert_eq!(basis(&r), "grid-average");

    // The file exists: not overwritten without --force; with it, the same bytes again.
    let (_, stderr) =
        ok(d, &["residual-mix", "import", "--format", "aib", "--data-year", "2023", &aib, "--out", "rm.csv"], 1);
    assert_eq!(
        stderr,
        "error[database-exists] rm.csv: the file exists; residual-mix import does not overwrite it without --force\n"
    );
    ok(d, &["residual-mix", "import", "--format", "aib", "--data-year", "2023", &aib, "--out", "rm.csv", "--force"], 0);
    assert_eq!(std::fs::read(d.join("rm.csv")).unwrap(), written);
}

#[test]
fn the_dataset_folder_is_the_named_dataset_edition_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let aib = fixture("aib-2023-test.csv");
    let args = ["residual-mix", "import", "--format", "aib", "--data-year", "2023", &aib, "--dataset-dir", "aib-2023"];
    let (stdout, _) = ok(d, &args, 0);
    assert!(
        stdout.starts_with("wrote aib-2023/ (dataset.toml, factors.csv): aib-residual-mix edition 2023"),
        "{stdout}"
    );
    let toml = std::fs::read_to_string(d.join("aib-2023/dataset.toml")).unwrap();
    assert!(toml.contains("id = \"aib-residual-mix\"\nedition = \"2023\"\n"), "{toml}");
    assert!(toml.contains("licence = \"not redistributable: the user's own copy\"\n"), "{toml}");
    assert!(toml.contains("redistributable = false\n"), "{toml}");
    // The folder's factor file is the --out file's bytes.
    assert_eq!(
        std::fs::read(d.join("aib-2023/factors.csv")).unwrap(),
        std::fs::read(fixtures().join("aib-2023-expected.csv")).unwrap()
    );
    let act = fixture("act-de-2023.csv");
    let grid = fixture("de-grid-test.csv");
    let r = calc_json(d, &[&act, "--factors", &grid, "--residual-mix", "aib-2023"]);
    assert_eq!(r["totals"]["scope2_market"], "700.5");
    let datasets = r["inputs"]["datasets"].as_array().unwrap();
    let mine = datasets.iter().find(|x| x["id"] == "aib-residual-mix").unwrap();
    assert_eq!(
        (mine["edition"].as_str(), mine["shipped"].as_bool(), mine["factors"].as_u64()),
        (Some("2023"), Some(false), Some(3))
    );
    // Both files of the folder exist now: refused without --force, nothing changed.
    let (_, stderr) = ok(d, &args, 1);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

#[test]
fn green_e_file_by_its_data_year_with_the_shipped_egrid_location_factor() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ge = fixture("green-e-2026-test.csv");
    // CO2e needs its GWP set named.
    let (_, stderr) =
        ok(d, &["residual-mix", "import", "--format", "green-e", "--data-year", "2024", &ge, "--out", "ge.csv"], 1);
    assert!(stderr.starts_with("error[missing-gwp-basis] green-e-2026-test.csv:2 (column 3): column \"Residual Mix Emissions Rate (lbs CO2e/MWh)\" gives CO2e"), "{stderr}");
    assert!(!d.join("ge.csv").exists());
    // The title year (2026) is not the data year: "(2024 Data)" says which it is.
    let (_, stderr) = ok(
        d,
        &[
            "residual-mix",
            "import",
            "--format",
            "green-e",
            "--data-year",
            "2026",
            &ge,
            "--out",
            "ge.csv",
            "--gwp-basis",
            "ar5",
        ],
        1,
    );
    assert!(stderr.starts_with("error[invalid-value] green-e-2026-test.csv:1: the title"), "{stderr}");
    assert!(stderr.contains("is for data year 2024, but --data-year is 2026"), "{stderr}");
    let (stdout, stderr) = ok(
        d,
        &[
            "residual-mix",
            "import",
            "--format",
            "green-e",
            "--data-year",
            "2024",
            &ge,
            "--out",
            "ge.csv",
            "--gwp-basis",
            "ar5",
        ],
        0,
    );
    assert!(stdout.starts_with("wrote ge.csv: green-e-residual-mix edition 2024, 2 region(s) valid 2024-01-01 to 2024-12-31 only: US-EGRID-CAMX, US-EGRID-ERCT\n"), "{stdout}");
    assert_eq!(
        stderr,
        "warning[missing-value] green-e-2026-test.csv:5 (column 3): left out: NWPP has no published CO2e figure ('n/a'); its consumption takes the grid average\n"
    );
    let text = std::fs::read_to_string(d.join("ge.csv")).unwrap();
    // 1000 lb/MWh × 0.45359237 kg/lb = 453.59237 kg/MWh; 1234.567 × 0.45359237 = 559.99017145379.
    assert!(
        text.contains(
            "\ngreen-e-residual-mix.2024.US-EGRID-CAMX,residual_mix_electricity,2,electricity,MWh,,,,453.59237,AR5,"
        ),
        "{text}"
    );
    assert!(text.contains("\ngreen-e-residual-mix.2024.US-EGRID-ERCT,residual_mix_electricity,2,electricity,MWh,,,,559.99017145379,AR5,"), "{text}");

    // 1,000 MWh in CAMX in 2024: location from the shipped EPA Hub 2025 (eGRID2023) factor,
    // 198.06337632235 kg CO2 + 0.01133980925 kg CH4 × 28 + 0.00136077711 kg N2O × 265 =
    // 198.7414969155 kg/MWh → 198.7414969155 t; market 1,000 × 453.59237 kg = 453.59237 t.
    let act = fixture("act-camx-2024.csv");
    let r = calc_json(d, &[&act, "--residual-mix", "ge.csv"]);
    assert_eq!(r["totals"]["scope2_location"], "198.7414969155");
    assert_eq!(r["totals"]["scope2_market"], "453.59237");
    assert_eq!(basis(&r), "residual-mix");
}

#[test]
fn a_workbook_is_read_from_the_sheet_with_the_table() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet().set_name("Cover").unwrap();
    cover.write_string(0, 0, "TEST DATA: made-up figures, not AIB's").unwrap();
    let t = wb.add_worksheet().set_name("Table 2").unwrap();
    t.write_string(0, 0, "Domain").unwrap();
    t.write_string(0, 1, "Residual mix CO2 (g/kWh)").unwrap();
    t.write_string(1, 0, "DE").unwrap();
    t.write_number(1, 1, 612.34).unwrap();
    t.write_string(2, 0, "Austria").unwrap();
    t.write_string(2, 1, "about 5").unwrap();
    wb.save(d.join("aib.xlsx")).unwrap();
    // A bad cell: refused at its row and column (letters in a workbook), nothing written.
    let (_, stderr) =
        ok(d, &["residual-mix", "import", "--format", "aib", "--data-year", "2022", "aib.xlsx", "--out", "o.csv"], 1);
    assert_eq!(
        stderr,
        "error[malformed-number] aib.xlsx:3 (column B): Austria's CO2 figure 'about 5' is not a number: \"a\" is not a digit\n"
    );
    assert!(!d.join("o.csv").exists());
    // No header in the named sheet: refused, saying what was looked for.
    let (_, stderr) = ok(
        d,
        &[
            "residual-mix",
            "import",
            "--format",
            "aib",
            "--data-year",
            "2022",
            "aib.xlsx",
            "--out",
            "o.csv",
            "--sheet",
            "Cover",
        ],
        1,
    );
    assert!(stderr.starts_with("error[missing-column] aib.xlsx: no header row of an AIB residual-mix table found in the first 40 rows of sheet \"Cover\": looked for a country column"), "{stderr}");
}

#[test]
fn usage_errors_and_the_inventory_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let aib = fixture("aib-2023-test.csv");
    // The data year is never guessed; an output is required.
    ok(d, &["residual-mix", "import", "--format", "aib", &aib, "--out", "o.csv"], 2);
    ok(d, &["residual-mix", "import", "--format", "aib", "--data-year", "2023", &aib], 2);
    ok(d, &["residual-mix", "import", "--format", "aib", "--data-year", "23", &aib, "--out", "o.csv"], 2);
    // `calc --db` takes no residual-mix file: the period keeps it (`factors add --db`, decision
    // 0053; tests/factor_files_store.rs).
    ok(d, &["calc", "--db", "x.db", "--period", "2023", "--residual-mix", "o.csv"], 2);
}
