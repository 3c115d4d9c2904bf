//! Golden tests: whole inventories whose expected figures were worked out by hand from the
//! published formulas (see each case's `WORKING.md`), not copied from the program's output.
//!
//! Each folder under `tests/golden/` holds `activities.csv`, optionally `factors.csv` (passed with
//! `--factors`), `args` (extra CLI arguments, one per line), `expected.json` and optionally
//! `expected.status` (the exit status, default 0). The program runs in the case folder as
//! `scopebook calc activities.csv [--factors factors.csv] <args> --format json`.
//!
//! `expected.json` may hold:
//! - `totals`: {scope1, scope2_location, scope2_market, scope3, biogenic_co2}, tonnes;
//! - `by_gas`: [{gas, mass_t, co2e_t}], `by_scope3_category`: [{category, co2e_t}],
//!   `by_facility`: [{facility, scope1, ...}] — matched by key; the set of keys must be the same;
//! - `lines`: [{row, co2e_kg}] — matched by row; the set of computed rows must be the same; a line
//!   may also give `factor_id` and `selected_by`;
//! - `scope3_categories`, `iso14064_categories`: [{category, ...}] — matched by category; nested
//!   members (`method_mix`, `data_quality`, `ghg_protocol`) compared whole;
//! - `scope3_coverage` (compared whole), `unspeciated_co2e_t`, `complete`;
//! - `unresolved`: [{row, code}] in order; `diagnostic_codes`: codes that must appear.
//!
//! Figures are compared as strings. Report totals must already be in the normal form (tonnes,
//! no trailing zeros); line figures are in kg at their computed scale, so their trailing zeros are
//! removed before comparing. Lines may also give `biogenic_co2_kg`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const CASES: &[&str] = &[
    "01-cn-coal-carbon-chain",
    "02-cn-natural-gas-nm3",
    "03a-ipcc-per-gas-ar4",
    "03b-ipcc-per-gas-ar5",
    "03c-ipcc-per-gas-ar6",
    "04-electricity-two-provinces",
    "05-refrigerant-blends",
    "06-scope3-co2e-only",
    "07-biogenic-wood-pellets",
    "08-unresolved-rows",
    "09-us-units",
    "10-every-mass-held-at-9dp",
    "11-energy-and-measured-parameters",
    "12-scope2-certificates",
    "13-scope2-residual-mix",
    "14-scope2-over-allocation",
    "15-latest-available-grid",
    "16-ipcc-sector-no-region",
    "17-scope3-spend-flight-investment",
    "18-scope3-spend-unresolved",
    "19-flight-radiative-forcing",
    "20-scope2-ccer-double-claim",
    "21-scope3-pcaf-financed-emissions",
    "22-scope3-coverage",
    "23-scope2-heat-supplier-rate",
];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden")
}

fn case_dir(name: &str) -> PathBuf {
    golden_dir().join(name)
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Run the case in its folder; `activities` replaces `activities.csv` when given.
fn run_case(name: &str, activities: Option<&Path>) -> Run {
    let dir = case_dir(name);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scopebook"));
    cmd.current_dir(&dir).arg("calc");
    match activities {
        Some(p) => cmd.arg(p),
        None => cmd.arg("activities.csv"),
    };
    if dir.join("factors.csv").is_file() {
        cmd.args(["--factors", "factors.csv"]);
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("args")) {
        cmd.args(text.lines().map(str::trim).filter(|l| !l.is_empty()));
    }
    cmd.args(["--format", "json"]);
    let out = cmd.output().unwrap_or_else(|e| panic!("{name}: cannot run scopebook: {e}"));
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn parse_output(name: &str, run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{name}: stdout is not JSON ({e}); status {}; stderr:\n{}", run.status, run.stderr))
}

fn expected(name: &str) -> Value {
    let path = case_dir(name).join("expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn expected_status(name: &str) -> i32 {
    match std::fs::read_to_string(case_dir(name).join("expected.status")) {
        Ok(s) => s.trim().parse().unwrap_or_else(|e| panic!("{name}: expected.status: {e}")),
        Err(_) => 0,
    }
}

/// A decimal string without trailing zeros after the point ("12.500" → "12.5", "3.000" → "3").
fn normal(s: &str) -> String {
    if !s.contains('.') {
        return s.to_string();
    }
    match s.trim_end_matches('0').trim_end_matches('.') {
        "" | "-" | "-0" => "0".to_string(),
        t => t.to_string(),
    }
}

fn as_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Compare every field of `exp` (an object) with the same field of `got`.
fn compare_fields(errors: &mut Vec<String>, what: &str, exp: &Value, got: &Value, skip: &str) {
    let Some(obj) = exp.as_object() else {
        errors.push(format!("{what}: expected an object in expected.json"));
        return;
    };
    for (k, v) in obj {
        if k == skip {
            continue;
        }
        let g = &got[k];
        if g.is_null() {
            errors.push(format!("{what}.{k}: missing in output (expected {})", as_str(v)));
        } else if match v {
            // Nested members (a method mix, data quality, ISO sources) are compared whole.
            Value::Object(_) | Value::Array(_) => g != v,
            _ => as_str(g) != as_str(v),
        } {
            errors.push(format!("{what}.{k}: expected {}, got {}", as_str(v), as_str(g)));
        }
    }
}

/// Match the items of two arrays by `key`; compare each expected item; require the same keys.
fn compare_keyed(errors: &mut Vec<String>, what: &str, key: &str, exp: &Value, got: &Value) {
    let (Some(exp), Some(got)) = (exp.as_array(), got.as_array()) else {
        errors.push(format!("{what}: expected arrays (output: {got})"));
        return;
    };
    let mut exp_keys: Vec<String> = exp.iter().map(|e| as_str(&e[key])).collect();
    let mut got_keys: Vec<String> = got.iter().map(|g| as_str(&g[key])).collect();
    for e in exp {
        let k = as_str(&e[key]);
        match got.iter().find(|g| as_str(&g[key]) == k) {
            Some(g) => compare_fields(errors, &format!("{what}[{key}={k}]"), e, g, key),
            None => errors.push(format!("{what}: no item with {key}={k} in output")),
        }
    }
    exp_keys.sort();
    got_keys.sort();
    if exp_keys != got_keys {
        errors.push(format!("{what}: expected items {exp_keys:?}, output has {got_keys:?}"));
    }
}

fn check_case(name: &str) {
    let run = run_case(name, None);
    let got = parse_output(name, &run);
    let exp = expected(name);
    let mut errors = Vec::new();

    let want_status = expected_status(name);
    if run.status != want_status {
        errors.push(format!("exit status: expected {want_status}, got {}", run.status));
    }
    if let Some(t) = exp.get("totals") {
        compare_fields(&mut errors, "totals", t, &got["totals"], "");
    }
    if let Some(e) = exp.get("by_gas") {
        compare_keyed(&mut errors, "by_gas", "gas", e, &got["by_gas"]);
    }
    if let Some(e) = exp.get("by_scope3_category") {
        compare_keyed(&mut errors, "by_scope3_category", "category", e, &got["by_scope3_category"]);
    }
    if let Some(e) = exp.get("by_facility") {
        compare_keyed(&mut errors, "by_facility", "facility", e, &got["by_facility"]);
    }
    for member in ["scope3_categories", "iso14064_categories"] {
        if let Some(e) = exp.get(member) {
            compare_keyed(&mut errors, member, "category", e, &got[member]);
        }
    }
    if let Some(e) = exp.get("scope3_coverage") {
        // Compared whole (decision 0054): reported, estimated, percent, the categories.
        if e != &got["scope3_coverage"] {
            errors.push(format!("scope3_coverage: expected {e}, got {}", got["scope3_coverage"]));
        }
    }
    if let Some(e) = exp.get("unspeciated_co2e_t") {
        if as_str(e) != as_str(&got["unspeciated_co2e_t"]) {
            errors.push(format!(
                "unspeciated_co2e_t: expected {}, got {}",
                as_str(e),
                as_str(&got["unspeciated_co2e_t"])
            ));
        }
    }
    if let Some(e) = exp.get("complete") {
        if e != &got["complete"] {
            errors.push(format!("complete: expected {e}, got {}", got["complete"]));
        }
    }
    if let Some(e) = exp.get("lines").and_then(Value::as_array) {
        // Output lines carry kg at their computed scale: bring them to the normal form.
        let lines: Vec<Value> = got["lines"]
            .as_array()
            .map(|ls| {
                ls.iter()
                    .map(|l| {
                        serde_json::json!({
                            "row": l["activity"]["row"],
                            "co2e_kg": normal(&as_str(&l["emission"]["co2e_kg"])),
                            "biogenic_co2_kg": normal(&as_str(&l["emission"]["biogenic_co2_kg"])),
                            "factor_id": l["factor"]["id"],
                            "selected_by": l["factor"]["selected_by"],
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        compare_keyed(&mut errors, "lines", "row", &Value::Array(e.clone()), &Value::Array(lines));
    }
    if let Some(e) = exp.get("unresolved").and_then(Value::as_array) {
        let want: Vec<(String, String)> = e.iter().map(|u| (as_str(&u["row"]), as_str(&u["code"]))).collect();
        let have: Vec<(String, String)> = got["unresolved"]
            .as_array()
            .map(|us| us.iter().map(|u| (as_str(&u["activity"]["row"]), as_str(&u["diagnostic"]["code"]))).collect())
            .unwrap_or_default();
        if want != have {
            errors.push(format!("unresolved (row, code): expected {want:?}, got {have:?}"));
        }
    }
    if let Some(e) = exp.get("diagnostic_codes").and_then(Value::as_array) {
        let have: Vec<String> =
            got["diagnostics"].as_array().map(|ds| ds.iter().map(|d| as_str(&d["code"])).collect()).unwrap_or_default();
        for c in e {
            if !have.contains(&as_str(c)) {
                errors.push(format!("diagnostics: expected a '{}' diagnostic, got {have:?}", as_str(c)));
            }
        }
    }

    if !errors.is_empty() {
        let mut msg = format!(
            "golden case {name}: {} mismatch(es) with the hand-worked figures (see WORKING.md):\n",
            errors.len()
        );
        for e in &errors {
            let _ = writeln!(msg, "  - {e}");
        }
        let _ = writeln!(msg, "stderr:\n{}", run.stderr);
        panic!("{msg}");
    }
}

macro_rules! golden {
    ($($test:ident => $case:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                check_case($case);
            }
        )*
    };
}

golden! {
    case_01_cn_coal_carbon_chain => "01-cn-coal-carbon-chain",
    case_02_cn_natural_gas_nm3 => "02-cn-natural-gas-nm3",
    case_03a_ipcc_per_gas_ar4 => "03a-ipcc-per-gas-ar4",
    case_03b_ipcc_per_gas_ar5 => "03b-ipcc-per-gas-ar5",
    case_03c_ipcc_per_gas_ar6 => "03c-ipcc-per-gas-ar6",
    case_04_electricity_two_provinces => "04-electricity-two-provinces",
    case_05_refrigerant_blends => "05-refrigerant-blends",
    case_06_scope3_co2e_only => "06-scope3-co2e-only",
    case_07_biogenic_wood_pellets => "07-biogenic-wood-pellets",
    case_08_unresolved_rows => "08-unresolved-rows",
    case_09_us_units => "09-us-units",
    case_10_every_mass_held_at_9dp => "10-every-mass-held-at-9dp",
    case_11_energy_and_measured_parameters => "11-energy-and-measured-parameters",
    case_12_scope2_certificates => "12-scope2-certificates",
    case_13_scope2_residual_mix => "13-scope2-residual-mix",
    case_14_scope2_over_allocation => "14-scope2-over-allocation",
    case_15_latest_available_grid => "15-latest-available-grid",
    case_16_ipcc_sector_no_region => "16-ipcc-sector-no-region",
    case_17_scope3_spend_flight_investment => "17-scope3-spend-flight-investment",
    case_18_scope3_spend_unresolved => "18-scope3-spend-unresolved",
    case_19_flight_radiative_forcing => "19-flight-radiative-forcing",
    case_20_scope2_ccer_double_claim => "20-scope2-ccer-double-claim",
    case_21_scope3_pcaf_financed_emissions => "21-scope3-pcaf-financed-emissions",
    case_22_scope3_coverage => "22-scope3-coverage",
}

/// The table lists the contractual instruments with what each applied and the criteria it does
/// not pass (case 20: the GEC claimed as a CCER is not applied, the PPA is).
#[test]
fn the_table_lists_the_instruments_and_why_one_is_not_applied() {
    let out = Command::new(env!("CARGO_BIN_EXE_scopebook"))
        .current_dir(case_dir("20-scope2-ccer-double-claim"))
        .args(["calc", "activities.csv", "--instruments", "instruments.csv"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    let section = table.split("Contractual instruments").nth(1).unwrap_or_else(|| panic!("{table}"));
    let rows: Vec<&str> = section.lines().skip(2).take(2).collect();
    assert!(rows[0].contains("gec") && rows[0].contains("unique fail (not applied)"), "{table}");
    assert!(rows[0].ends_with("GEC-2023-000001..GEC-2023-003000"), "{table}");
    assert!(
        rows[1].contains("ppa-physical") && rows[1].contains("2000.000     2000.000") && rows[1].contains("all pass"),
        "{table}"
    );
    // Case 20: 10,000 MWh, the PPA's 2,000 applied, the rest at the 2023 China residual mix.
    assert!(
        section.contains(
            "electricity covered by: ppa-physical 2000.000 MWh (20.00 %), residual mix 8000.000 MWh (80.00 %), grid average 0.000 MWh (0.00 %)"
        ),
        "{table}"
    );
    // Case 23: 10,800 GJ of heat, 5,400 + 3,600 at the networks' rates.
    let heat = Command::new(env!("CARGO_BIN_EXE_scopebook"))
        .current_dir(case_dir("23-scope2-heat-supplier-rate"))
        .args(["calc", "activities.csv", "--instruments", "instruments.csv"])
        .output()
        .unwrap();
    let heat = String::from_utf8(heat.stdout).unwrap();
    assert!(
        heat.contains("  LDN            supplier-rate (heat)     1500.000     1500.000       120  all pass\n"),
        "{heat}"
    );
    assert!(
        heat.contains(
            "heat covered by: supplier-rate 9000.000 GJ (83.33 %), location-based factor 1800.000 GJ (16.67 %)"
        ),
        "{heat}"
    );
    // Without instruments there is no such section.
    let plain = Command::new(env!("CARGO_BIN_EXE_scopebook"))
        .current_dir(case_dir("13-scope2-residual-mix"))
        .args(["calc", "activities.csv"])
        .output()
        .unwrap();
    assert!(!String::from_utf8(plain.stdout).unwrap().contains("Contractual instruments"));
}

#[test]
fn every_case_folder_is_listed() {
    let mut found: Vec<String> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut listed: Vec<String> = CASES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "every folder under tests/golden must be listed in CASES and have a test");
}

#[test]
fn runs_are_byte_for_byte_identical() {
    for name in CASES {
        let a = run_case(name, None);
        let b = run_case(name, None);
        assert_eq!(a.status, b.status, "{name}: exit status differs between two runs");
        assert!(a.stdout == b.stdout, "{name}: stdout differs between two runs of the same input");
    }
}

/// A small deterministic generator (xorshift64), so the shuffle needs no extra dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

fn shuffled(lines: &[&str], seed: u64) -> Vec<String> {
    let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    let mut rng = XorShift(seed | 1);
    for i in (1..v.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    if v.len() > 1 && v.iter().map(String::as_str).eq(lines.iter().copied()) {
        v.reverse();
    }
    v
}

#[test]
fn totals_do_not_depend_on_row_order() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden-shuffle");
    std::fs::create_dir_all(&tmp).expect("create temp dir");
    for (n, name) in CASES.iter().enumerate() {
        let text = std::fs::read_to_string(case_dir(name).join("activities.csv")).expect("read activities.csv");
        let mut lines = text.lines();
        let header = lines.next().expect("header row");
        let rows: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
        let base = run_case(name, None);
        let base_json = parse_output(name, &base);
        for seed in [0x9E37_79B9_7F4A_7C15_u64, 0xD1B5_4A32_D192_ED03] {
            let mut body = String::from(header);
            body.push('\n');
            for r in shuffled(&rows, seed ^ n as u64) {
                body.push_str(&r);
                body.push('\n');
            }
            let path = tmp.join(format!("{name}-{seed:x}.csv"));
            std::fs::write(&path, body).expect("write shuffled activities");
            let run = run_case(name, Some(&path));
            let json = parse_output(name, &run);
            assert_eq!(run.status, base.status, "{name}: exit status changes when rows are shuffled");
            for key in [
                "totals",
                "by_gas",
                "by_scope3_category",
                "by_facility",
                "unspeciated_co2e_t",
                "complete",
                "scope3_categories",
                "iso14064_categories",
            ] {
                assert_eq!(json[key], base_json[key], "{name}: '{key}' changes when rows are shuffled");
            }
        }
    }
}

/// The table's "INCOMPLETE: N row(s)" counts every distinct row the totals leave out: unresolved
/// lines and rows refused by an error, as the JSON lists them. It once printed the unresolved
/// count alone (at least 1): "1 row(s)" for the file below, which leaves out four.
#[test]
fn incomplete_counts_every_row_left_out() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden-incomplete");
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let file = dir.join("activities.csv");
    std::fs::write(
        &file,
        "facility,activity,quantity,unit,region,period_start,period_end,ncv_gj_per_unit,oxidation\n\
         F1,bituminous_coal,1000,t,CN,2024-01-01,2024-12-31,20.5,0.98\n\
         F1,bituminous_coal,1000,t,CN,2024-01-01,2024-12-31,20.5,1.2\n\
         F1,bituminous_coal,1000,t,CN,2024-01-01,2024-12-31,0,1.5\n\
         F1,no_such_fuel,1000,t,CN,2024-01-01,2024-12-31,,\n\
         F1,natural_gas,1000,GJ,,2024-01-01,2024-12-31,,\n",
    )
    .expect("write activities");
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_scopebook"))
            .arg("calc")
            .arg(&file)
            .args(["--format", format])
            .output()
            .expect("run scopebook");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let json: Value = serde_json::from_str(&run("json")).expect("calc JSON");
    let mut rows = std::collections::BTreeSet::new();
    let unresolved = json["unresolved"].as_array().into_iter().flatten().map(|u| &u["diagnostic"]);
    let errors = json["diagnostics"].as_array().into_iter().flatten().filter(|d| d["severity"] == "error");
    for d in unresolved.chain(errors) {
        rows.extend(d["location"]["row"].as_u64());
    }
    assert_eq!(rows.into_iter().collect::<Vec<_>>(), [3, 4, 5, 6], "rows left out, from the JSON");
    let table = run("table");
    let want = "INCOMPLETE: 4 row(s) unresolved or rejected";
    assert!(table.lines().any(|l| l.starts_with(want)), "want '{want}' in:\n{table}");
}

/// The table's Scope 3 section (decision 0035): golden case 17's statuses, reasons, scores and
/// method mix; and no section at all for an inventory without Scope 3 (case 01's table is as it
/// was).
#[test]
fn the_table_shows_scope3_statuses_only_when_there_is_something_to_show() {
    let table = |name: &str, extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_scopebook"))
            .current_dir(case_dir(name))
            .arg("calc")
            .arg("activities.csv")
            .args(extra)
            .output()
            .expect("run scopebook");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let t = table(
        "17-scope3-spend-flight-investment",
        &["--factors", "factors.csv", "--scope3-status", "scope3-status.csv"],
    );
    // The section's rows (the totals above list the categories too, without a status).
    let section = t.split("\nScope 3 by category").nth(1).unwrap_or_else(|| panic!("no Scope 3 section:\n{t}"));
    let row = |n: &str| section.lines().find(|l| l.trim_start().starts_with(n)).unwrap_or_default().to_string();
    let one = row("1 Purchased goods and services");
    for part in ["relevant", "10.232", "3.09", "spend-based 10.232"] {
        assert!(one.contains(part), "category 1 row lacks {part}: {one}");
    }
    assert!(row("8 Upstream leased assets").contains("excluded"), "{t}");
    assert!(t.contains("     reason: no leased assets: every site is owned\n"), "{t}");
    assert!(t.contains("  10 categories without a status"), "{t}");
    assert!(t.lines().all(|l| l == l.trim_end()), "no trailing blanks");
    let plain = table("01-cn-coal-carbon-chain", &[]);
    assert!(!plain.contains("Scope 3 by category"), "{plain}");
}
