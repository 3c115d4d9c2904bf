//! Property tests of the accounting core, on generated but valid activity files.
//!
//! The activities are drawn from a small user factor file defined here (`KINDS`), which covers
//! every factor shape: per gas with a calorific value, the carbon chain, CO2e-only, a refrigerant
//! blend, biogenic CO2, Scope 2, and Scope 3 with category overrides. Quantities are decimals with
//! 0–6 decimal places up to 1e7, in the factor's unit or one that converts into it.
//!
//! Properties:
//! 1. parts sum to totals, exactly;
//! 2. doubling every quantity doubles every figure — exactly when no figure is held (rounded) to
//!    `MASS_DP`, and within a stated bound otherwise (2e-9 kg per carbon-chain line);
//! 3. unit conversions round-trip, and never cross dimensions;
//! 4. row order does not change totals or lines; the JSON report is byte-identical run to run;
//! 5. the parallel pipeline equals one sequential `calculate` over the whole file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rust_decimal::Decimal;
use scopebook_core::activity::{split_body, ActivityHeader};
use scopebook_core::calc::{calculate, CalcOptions, Emission, Inventory, ResultLine, ScopeTotals, Totals};
use scopebook_core::diagnostic::Diagnostic;
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::number::MASS_DP;
use scopebook_core::pipeline::calculate_csv;
use scopebook_core::report::{InputFile, Inputs, Report};
use scopebook_core::unit::{PhysicalUnit, Unit, UnitError};

// ---------------------------------------------------------------------------------------------
// The factor file and the activity kinds drawn from it

const FACTOR_FILE: &str = "property-factors.csv";

const FACTOR_COLUMNS: &[&str] = &[
    "id",
    "activity",
    "scope",
    "category",
    "unit",
    "co2_kg",
    "ch4_kg",
    "n2o_kg",
    "co2e_kg",
    "biogenic_co2_kg",
    "other_gas",
    "other_gas_kg",
    "ncv_gj_per_unit",
    "carbon_t_per_gj",
    "oxidation",
    "source",
    "gwp_basis",
];

/// One factor row: the cells that are not empty.
type FactorRow = &'static [(&'static str, &'static str)];

/// An activity type of the generated files, its factor, and the units an activity may be in.
struct Kind {
    activity: &'static str,
    factor: FactorRow,
    /// Whether the factor uses the carbon chain (CO2 = energy × C × oxidation × 44/12).
    chain: bool,
    scope3: bool,
    /// Decimal places the factor's figures add to the basis quantity in the longest product
    /// (calorific value dp + gas figure dp, + 1 for the blend's 0.5 mass fraction).
    factor_dp: u32,
    /// Units an activity may be written in, and the decimal places the conversion into the
    /// factor unit adds (`None`: the conversion does not terminate).
    units: &'static [(&'static str, Option<u32>)],
}

const KINDS: &[Kind] = &[
    Kind {
        activity: "pt_natural_gas",
        factor: &[
            ("scope", "1"),
            ("category", "stationary"),
            ("unit", "10^4 Nm3"),
            ("co2_kg", "56.1"),
            ("ch4_kg", "0.001"),
            ("n2o_kg", "0.0001"),
            ("ncv_gj_per_unit", "389.31"),
        ],
        chain: false,
        scope3: false,
        factor_dp: 6,
        units: &[("10^4 Nm3", Some(0)), ("万立方米", Some(0)), ("Nm3", Some(4)), ("10^8 Nm3", Some(0))],
    },
    Kind {
        activity: "pt_bituminous_coal",
        factor: &[
            ("scope", "1"),
            ("category", "stationary"),
            ("unit", "t"),
            ("ncv_gj_per_unit", "19.57"),
            ("carbon_t_per_gj", "0.02618"),
            ("oxidation", "0.93"),
        ],
        chain: true,
        scope3: false,
        factor_dp: 9,
        units: &[("t", Some(0)), ("吨", Some(0)), ("kg", Some(3)), ("10^4 t", Some(0))],
    },
    Kind {
        activity: "pt_fleet_travel",
        factor: &[("scope", "1"), ("category", "mobile"), ("unit", "km"), ("co2e_kg", "0.17"), ("gwp_basis", "AR5")],
        chain: false,
        scope3: false,
        factor_dp: 2,
        units: &[("km", Some(0)), ("m", Some(3)), ("mile", Some(6)), ("公里", Some(0))],
    },
    Kind {
        activity: "pt_r410a_leak",
        factor: &[
            ("scope", "1"),
            ("category", "fugitive"),
            ("unit", "kg"),
            ("other_gas", "R-410A"),
            ("other_gas_kg", "1"),
        ],
        chain: false,
        scope3: false,
        factor_dp: 1,
        units: &[("kg", Some(0)), ("g", Some(3)), ("t", Some(0)), ("lb", Some(8))],
    },
    Kind {
        activity: "pt_wood_pellets",
        factor: &[
            ("scope", "1"),
            ("category", "stationary"),
            ("unit", "t"),
            ("ch4_kg", "0.3"),
            ("n2o_kg", "0.04"),
            ("biogenic_co2_kg", "1747"),
        ],
        chain: false,
        scope3: false,
        factor_dp: 2,
        units: &[("t", Some(0)), ("kg", Some(3))],
    },
    Kind {
        activity: "pt_grid_electricity",
        factor: &[("scope", "2"), ("category", "electricity"), ("unit", "MWh"), ("co2_kg", "581.2")],
        chain: false,
        scope3: false,
        factor_dp: 1,
        units: &[("MWh", Some(0)), ("kWh", Some(3)), ("10^4 kWh", Some(0)), ("GWh", Some(0)), ("度", Some(3))],
    },
    Kind {
        activity: "pt_purchased_steam",
        factor: &[("scope", "2"), ("category", "steam"), ("unit", "GJ"), ("co2e_kg", "92.5"), ("gwp_basis", "AR6")],
        chain: false,
        scope3: false,
        factor_dp: 1,
        units: &[("GJ", Some(0)), ("MJ", Some(3)), ("MMBtu", Some(11)), ("TJ", Some(0))],
    },
    Kind {
        activity: "pt_propane",
        factor: &[
            ("scope", "1"),
            ("category", "stationary"),
            ("unit", "MMBtu"),
            ("co2_kg", "62.87"),
            ("ch4_kg", "0.003"),
            ("n2o_kg", "0.0006"),
        ],
        chain: false,
        scope3: false,
        factor_dp: 4,
        units: &[("MMBtu", Some(0)), ("GJ", None), ("therm", Some(1))],
    },
    Kind {
        activity: "pt_purchased_goods",
        factor: &[("scope", "3"), ("category", "1"), ("unit", "USD"), ("co2e_kg", "0.787"), ("gwp_basis", "AR5")],
        chain: false,
        scope3: true,
        factor_dp: 3,
        units: &[("USD", Some(0)), ("kUSD", Some(0)), ("MUSD", Some(0))],
    },
    Kind {
        activity: "pt_air_travel",
        factor: &[("scope", "3"), ("category", "6"), ("unit", "pkm"), ("co2e_kg", "0.13552"), ("gwp_basis", "AR5")],
        chain: false,
        scope3: true,
        factor_dp: 5,
        units: &[("pkm", Some(0)), ("passenger-mile", Some(6))],
    },
    Kind {
        activity: "pt_road_freight",
        factor: &[
            ("scope", "3"),
            ("category", "4"),
            ("unit", "tkm"),
            ("co2_kg", "0.105"),
            ("ch4_kg", "0.0000021"),
            ("n2o_kg", "0.0000043"),
        ],
        chain: false,
        scope3: true,
        factor_dp: 7,
        units: &[("tkm", Some(0)), ("ton-mile", Some(14))],
    },
    Kind {
        activity: "pt_waste_landfill",
        factor: &[("scope", "3"), ("category", "5"), ("unit", "t"), ("ch4_kg", "0.05")],
        chain: false,
        scope3: true,
        factor_dp: 2,
        units: &[("t", Some(0)), ("kg", Some(3))],
    },
];

fn factors_csv() -> String {
    let mut s = FACTOR_COLUMNS.join(",");
    s.push('\n');
    for k in KINDS {
        let id = format!("pt.{}", k.activity.trim_start_matches("pt_"));
        let cells: Vec<String> = FACTOR_COLUMNS
            .iter()
            .map(|&c| match c {
                "id" => id.clone(),
                "activity" => k.activity.to_string(),
                "source" => "property test".to_string(),
                _ => k.factor.iter().find(|(n, _)| *n == c).map_or(String::new(), |(_, v)| (*v).to_string()),
            })
            .collect();
        s.push_str(&cells.join(","));
        s.push('\n');
    }
    s
}

fn lib() -> &'static FactorLibrary {
    static LIB: OnceLock<FactorLibrary> = OnceLock::new();
    LIB.get_or_init(|| {
        let (mut lib, diags) = FactorLibrary::shipped();
        assert!(diags.is_empty(), "shipped data: {diags:?}");
        let diags = lib.add_user_file(FACTOR_FILE, factors_csv().as_bytes());
        assert!(diags.is_empty(), "test factor file: {diags:?}");
        assert_eq!(lib.datasets().last().map(|d| d.factor_count), Some(KINDS.len()));
        lib
    })
}

fn kind_of(line: &ResultLine) -> &'static Kind {
    KINDS.iter().find(|k| *k.activity == *line.activity.activity).expect("a generated activity")
}

// ---------------------------------------------------------------------------------------------
// Generated activity rows

const FACILITIES: &[&str] = &["SZ-PLANT", "SH-OFFICE", "苏州工厂", "plant 4", "HQ"];
const ACTIVITY_HEADER: &str = "facility,period_start,period_end,activity,quantity,unit,scope3_category\n";

#[derive(Clone)]
struct Row {
    facility: usize,
    /// Day of 2023 the period starts on (0-based), and its length in days (clamped to the year).
    start: u32,
    len: u32,
    kind: usize,
    unit: usize,
    quantity: Decimal,
    upper_case_activity: bool,
    scope3_category: Option<u8>,
}

impl Row {
    fn kind(&self) -> &'static Kind {
        &KINDS[self.kind]
    }

    fn line(&self, multiplier: Decimal) -> String {
        let start = NaiveDate::from_yo_opt(2023, self.start + 1).expect("a day of 2023");
        let end = NaiveDate::from_yo_opt(2023, (self.start + 1 + self.len).min(365)).expect("a day of 2023");
        let k = self.kind();
        let activity = if self.upper_case_activity { k.activity.to_uppercase() } else { k.activity.to_string() };
        let cat = self.scope3_category.map_or(String::new(), |c| c.to_string());
        format!(
            "{},{start},{end},{activity},{},{},{cat}",
            FACILITIES[self.facility],
            self.quantity * multiplier,
            k.units[self.unit].0
        )
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.line(Decimal::ONE))
    }
}

fn activity_csv(rows: &[Row], multiplier: Decimal) -> String {
    let mut s = String::from(ACTIVITY_HEADER);
    for r in rows {
        s.push_str(&r.line(multiplier));
        s.push('\n');
    }
    s
}

/// (kind, unit, most decimal places of the quantity) that may be generated. With `unheld_only`,
/// only combinations whose every product stays within `MASS_DP` decimal places, so that no mass
/// is held (rounded): no carbon chain, terminating conversions, and quantity dp + conversion dp
/// + factor dp <= 9.
fn variants(unheld_only: bool) -> Vec<(usize, usize, u32)> {
    let mut out = Vec::new();
    for (k, kind) in KINDS.iter().enumerate() {
        for (u, &(_, conv)) in kind.units.iter().enumerate() {
            if !unheld_only {
                out.push((k, u, 6));
                continue;
            }
            match conv {
                Some(c) if !kind.chain && kind.factor_dp + c <= MASS_DP => {
                    out.push((k, u, (MASS_DP - kind.factor_dp - c).min(6)));
                }
                _ => {}
            }
        }
    }
    out
}

fn row_strategy(unheld_only: bool) -> impl Strategy<Value = Row> {
    (
        prop::sample::select(variants(unheld_only)),
        0..FACILITIES.len(),
        0u32..365,
        0u32..120,
        any::<bool>(),
        prop::option::of(1u8..=15),
    )
        .prop_flat_map(|((kind, unit, max_dp), facility, start, len, upper, cat)| {
            // A magnitude 10^0..10^7, then a mantissa below it: small and large quantities alike.
            (0..=max_dp, 0u32..=7).prop_flat_map(move |(dp, magnitude)| {
                (0u64..=10u64.pow(magnitude + dp)).prop_map(move |m| Row {
                    facility,
                    start,
                    len,
                    kind,
                    unit,
                    quantity: Decimal::new(i64::try_from(m).expect("below 10^13"), dp),
                    upper_case_activity: upper,
                    scope3_category: cat.filter(|_| KINDS[kind].scope3),
                })
            })
        })
}

fn gwp_set() -> impl Strategy<Value = GwpSet> {
    prop::sample::select(GwpSet::ALL.to_vec())
}

/// Calculate as `scopebook calc` does: the file, then market-based Scope 2 (no instruments).
fn run(csv: &str, set: GwpSet, keep_lines: bool) -> (Inventory, Vec<Diagnostic>) {
    let (mut inv, diags) =
        calculate_csv(lib(), "activities.csv", csv.as_bytes(), CalcOptions { gwp_set: set, keep_lines });
    inv.apply_market(lib(), set, &[], "activities.csv");
    (inv, diags)
}

/// Calculate a generated (valid) file, requiring that every row was computed.
fn run_valid(csv: &str, rows: usize, set: GwpSet) -> Result<Inventory, TestCaseError> {
    let (inv, file_diags) = run(csv, set, true);
    prop_assert!(file_diags.is_empty(), "file diagnostics: {:?}", file_diags);
    prop_assert!(inv.diagnostics.is_empty(), "row diagnostics: {:?}", inv.diagnostics);
    prop_assert!(inv.unresolved.is_empty());
    prop_assert!(!inv.totals.overflowed);
    prop_assert_eq!(inv.lines.len(), rows);
    prop_assert_eq!(inv.line_count, rows as u64);
    Ok(inv)
}

fn config(cases: u32) -> ProptestConfig {
    // No regression files: this suite writes nothing into the source tree. `PROPTEST_CASES`
    // overrides the count, to search deeper: `PROPTEST_CASES=2000 cargo test --test properties`.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------
// Helpers on totals

fn push_scope(m: &mut BTreeMap<String, Decimal>, prefix: &str, s: &ScopeTotals) {
    m.insert(format!("{prefix}.scope1"), s.scope1);
    m.insert(format!("{prefix}.scope2_location"), s.scope2_location);
    m.insert(format!("{prefix}.scope2_market"), s.scope2_market);
    m.insert(format!("{prefix}.scope3"), s.scope3);
    m.insert(format!("{prefix}.biogenic_co2"), s.biogenic_co2);
}

/// Every figure of the totals, by a name.
fn flatten(t: &Totals) -> BTreeMap<String, Decimal> {
    let mut m = BTreeMap::new();
    push_scope(&mut m, "all", &t.all);
    for (f, s) in &t.by_facility {
        push_scope(&mut m, &format!("facility[{f}]"), s);
    }
    for (c, v) in &t.by_scope1_category {
        m.insert(format!("scope1[{c:?}]"), *v);
    }
    for (c, v) in &t.by_scope2_category {
        m.insert(format!("scope2[{c:?}]"), *v);
    }
    for (c, v) in &t.by_scope3_category {
        m.insert(format!("scope3[{}]", c.number()), *v);
    }
    for (c, v) in &t.by_iso_category {
        m.insert(format!("iso[{}]", c.number()), *v);
    }
    for (g, (mass, co2e)) in &t.by_gas {
        m.insert(format!("gas[{g}].mass"), *mass);
        m.insert(format!("gas[{g}].co2e"), *co2e);
    }
    m.insert("unspeciated_co2e".into(), t.unspeciated_co2e);
    m
}

fn sum<'a>(values: impl IntoIterator<Item = &'a Decimal>) -> Decimal {
    values.into_iter().copied().sum()
}

// ---------------------------------------------------------------------------------------------
// Property 1: parts sum to totals

fn check_parts_sum_to_totals(inv: &Inventory) -> Result<(), TestCaseError> {
    let t = &inv.totals;
    let mut by_scope = [Decimal::ZERO; 3];
    let mut biogenic = Decimal::ZERO;
    let mut by_facility: BTreeMap<&str, ScopeTotals> = BTreeMap::new();
    let mut by_gas: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    for l in &inv.lines {
        let e = &l.emission;
        // A line's CO2e is its gases' CO2e plus any CO2e-only figure.
        prop_assert_eq!(e.co2e_kg, sum(e.gases.iter().map(|g| &g.co2e_kg)) + e.unspeciated_co2e_kg);
        by_scope[usize::from(l.classification.scope() - 1)] += e.co2e_kg;
        biogenic += e.biogenic_co2_kg;
        let f = by_facility.entry(&*l.activity.facility).or_default();
        match l.classification.scope() {
            1 => f.scope1 += e.co2e_kg,
            2 => {
                f.scope2_location += e.co2e_kg;
                f.scope2_market += e.co2e_kg;
            }
            _ => f.scope3 += e.co2e_kg,
        }
        f.biogenic_co2 += e.biogenic_co2_kg;
        for g in &e.gases {
            let entry = by_gas.entry(g.gas.to_string()).or_default();
            entry.0 += g.mass_kg;
            entry.1 += g.co2e_kg;
        }
    }
    // Lines per scope = the scope totals.
    prop_assert_eq!(by_scope[0], t.all.scope1);
    prop_assert_eq!(by_scope[1], t.all.scope2_location);
    prop_assert_eq!(by_scope[1], t.all.scope2_market, "no contractual instruments: market = location");
    prop_assert_eq!(by_scope[2], t.all.scope3);
    prop_assert_eq!(biogenic, t.all.biogenic_co2);

    // Facilities: each is the sum of its lines, and together they are the total.
    prop_assert_eq!(by_facility.len(), t.by_facility.len());
    for (name, s) in &t.by_facility {
        prop_assert_eq!(Some(s), by_facility.get(&**name), "facility {}", name);
    }
    let facilities = t.by_facility.values();
    prop_assert_eq!(sum(facilities.clone().map(|s| &s.scope1)), t.all.scope1);
    prop_assert_eq!(sum(facilities.clone().map(|s| &s.scope2_location)), t.all.scope2_location);
    prop_assert_eq!(sum(facilities.clone().map(|s| &s.scope2_market)), t.all.scope2_market);
    prop_assert_eq!(sum(facilities.clone().map(|s| &s.scope3)), t.all.scope3);
    prop_assert_eq!(sum(facilities.map(|s| &s.biogenic_co2)), t.all.biogenic_co2);

    // Categories.
    prop_assert_eq!(sum(t.by_scope1_category.values()), t.all.scope1);
    prop_assert_eq!(sum(t.by_scope2_category.values()), t.all.scope2_location);
    prop_assert_eq!(sum(t.by_scope3_category.values()), t.all.scope3);
    for (c, v) in &t.by_scope3_category {
        let lines = inv
            .lines
            .iter()
            .filter(|l| l.classification == scopebook_core::classify::Classification::Scope3(*c))
            .map(|l| &l.emission.co2e_kg);
        prop_assert_eq!(sum(lines), *v, "scope 3 category {}", c.number());
    }
    let scoped = t.all.scope1 + t.all.scope2_location + t.all.scope3;
    prop_assert_eq!(sum(t.by_iso_category.values()), scoped);

    // Gases: their CO2e plus the CO2e-only figures is everything in the scopes.
    prop_assert_eq!(sum(t.by_gas.values().map(|(_, c)| c)) + t.unspeciated_co2e, scoped);
    prop_assert_eq!(sum(inv.lines.iter().map(|l| &l.emission.unspeciated_co2e_kg)), t.unspeciated_co2e);
    let totals_by_gas: BTreeMap<String, (Decimal, Decimal)> =
        t.by_gas.iter().map(|(g, v)| (g.to_string(), *v)).collect();
    prop_assert_eq!(totals_by_gas, by_gas);
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    /// Property 1. Every breakdown of the totals sums back to them, exactly.
    #[test]
    fn parts_sum_to_totals(rows in prop::collection::vec(row_strategy(false), 1..150), set in gwp_set()) {
        let inv = run_valid(&activity_csv(&rows, Decimal::ONE), rows.len(), set)?;
        check_parts_sum_to_totals(&inv)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Property 2: doubling every quantity

fn two() -> Decimal {
    Decimal::TWO
}

/// `b` is exactly twice `a`, gas by gas.
fn check_doubled_exactly(a: &Emission, b: &Emission, what: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(b.co2e_kg, a.co2e_kg * two(), "co2e of {}", what);
    prop_assert_eq!(b.unspeciated_co2e_kg, a.unspeciated_co2e_kg * two(), "unspeciated of {}", what);
    prop_assert_eq!(b.biogenic_co2_kg, a.biogenic_co2_kg * two(), "biogenic of {}", what);
    prop_assert_eq!(a.gases.len(), b.gases.len());
    for (x, y) in a.gases.iter().zip(&b.gases) {
        prop_assert_eq!(x.gas, y.gas);
        prop_assert_eq!(y.mass_kg, x.mass_kg * two(), "{} mass of {}", x.gas, what);
        prop_assert_eq!(y.co2e_kg, x.co2e_kg * two(), "{} co2e of {}", x.gas, what);
    }
    Ok(())
}

/// The most a line's doubled figures can differ from twice its figures: half a unit in the last
/// held place for each held value of the doubled line, one unit for twice a held value of the
/// original (×1.5 for a blend's component, held twice), times the GWP for CO2e.
fn doubling_bound(e: &Emission) -> Decimal {
    let ulp = Decimal::new(1, MASS_DP);
    let per_held = ulp * Decimal::new(3, 0); // 3e-9 ≥ 1.5 ulp per hold, and 2.25 ulp for a blend
    let mut bound = per_held; // unspeciated CO2e
    bound += per_held; // biogenic CO2
    for g in &e.gases {
        bound += per_held * g.gwp.max(Decimal::ONE);
    }
    bound
}

proptest! {
    #![proptest_config(config(64))]

    /// Property 2a. When no mass is held to 9 dp — every product of quantity, conversion ratio,
    /// calorific value and factor figures has at most 9 decimal places and the conversion
    /// terminates (per gas, CO2e-only, blend, biogenic, Scope 2 and 3 factors) — doubling every
    /// quantity doubles every line and every total exactly.
    #[test]
    fn doubling_is_exact_when_nothing_is_held(
        rows in prop::collection::vec(row_strategy(true), 1..150),
        set in gwp_set(),
    ) {
        let once = run_valid(&activity_csv(&rows, Decimal::ONE), rows.len(), set)?;
        let twice = run_valid(&activity_csv(&rows, two()), rows.len(), set)?;
        for (a, b) in once.lines.iter().zip(&twice.lines) {
            // The generator's precondition, checked on the real conversion.
            let k = kind_of(a);
            prop_assert!(!k.chain);
            let factor = lib().by_id(&a.factor.id).expect("the line's factor");
            let c = a.activity.unit.convert(a.activity.quantity, factor.unit).expect("converts");
            prop_assert!(c.exact && c.value.scale() + k.factor_dp <= MASS_DP, "precondition: {:?}", c);
            check_doubled_exactly(&a.emission, &b.emission, &format!("row {}", a.activity.row))?;
        }
        let (t1, t2) = (flatten(&once.totals), flatten(&twice.totals));
        prop_assert_eq!(t1.len(), t2.len());
        for (name, v) in &t1 {
            prop_assert_eq!(t2[name], *v * two(), "total {}", name);
        }
    }

    /// Property 2b. For any generated input, doubling every quantity doubles each line within
    /// `doubling_bound` (the rounding of held masses), and a carbon-chain line (CO2 only, GWP 1)
    /// within 2e-9 kg; every total within the sum of its lines' bounds.
    #[test]
    fn doubling_is_within_the_holding_bound(
        rows in prop::collection::vec(row_strategy(false), 1..150),
        set in gwp_set(),
    ) {
        let once = run_valid(&activity_csv(&rows, Decimal::ONE), rows.len(), set)?;
        let twice = run_valid(&activity_csv(&rows, two()), rows.len(), set)?;
        let chain_bound = Decimal::new(2, 9);
        let mut total_bound = Decimal::ZERO;
        for (a, b) in once.lines.iter().zip(&twice.lines) {
            let (x, y) = (&a.emission, &b.emission);
            let bound = doubling_bound(y);
            total_bound += bound;
            let diff = |p: Decimal, q: Decimal| (q - p * two()).abs();
            prop_assert!(diff(x.co2e_kg, y.co2e_kg) <= bound, "row {}: {} vs {}", a.activity.row, x.co2e_kg, y.co2e_kg);
            prop_assert!(diff(x.biogenic_co2_kg, y.biogenic_co2_kg) <= bound);
            prop_assert!(diff(x.unspeciated_co2e_kg, y.unspeciated_co2e_kg) <= bound);
            if kind_of(a).chain {
                prop_assert_eq!(x.gases.len(), 1);
                prop_assert!(
                    diff(x.co2e_kg, y.co2e_kg) <= chain_bound,
                    "carbon chain row {}: 2 × {} vs {}", a.activity.row, x.co2e_kg, y.co2e_kg
                );
                prop_assert!(diff(x.gases[0].mass_kg, y.gases[0].mass_kg) <= chain_bound);
            }
        }
        let (t1, t2) = (flatten(&once.totals), flatten(&twice.totals));
        for (name, v) in &t1 {
            prop_assert!((t2[name] - *v * two()).abs() <= total_bound, "total {}: 2 × {} vs {}", name, v, t2[name]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Property 3: unit conversions

fn all_units() -> Vec<Unit> {
    let mut units: Vec<Unit> = PhysicalUnit::ALL.iter().map(|&u| Unit::Physical(u)).collect();
    for money in ["USD", "kUSD", "MUSD", "EUR", "CNY", "万元", "千元", "10^4 CNY", "JPY"] {
        units.push(Unit::parse(money).expect("a money unit"));
    }
    units
}

/// Activity-like decimals: 0–6 dp, up to 1e7.
fn activity_decimal() -> impl Strategy<Value = Decimal> {
    (0u32..=6, 0u32..=7).prop_flat_map(|(dp, mag)| (0i64..=10i64.pow(mag + dp)).prop_map(move |m| Decimal::new(m, dp)))
}

/// Wider decimals: up to 18 significant digits, 0–12 dp, either sign.
fn wide_decimal() -> impl Strategy<Value = Decimal> {
    (0u32..=12, 0u32..=18, any::<bool>()).prop_flat_map(|(dp, digits, negative)| {
        (0i64..=10i64.pow(digits)).prop_map(move |m| Decimal::new(if negative { -m } else { m }, dp))
    })
}

/// A non-negative integer of any size, in base-10^9 limbs (least significant first), for exact
/// checks of decimal products that may not fit in a `Decimal`.
#[derive(Debug, PartialEq, Eq)]
struct Big(Vec<u64>);

const LIMB: u64 = 1_000_000_000;

impl Big {
    fn from_u128(mut v: u128) -> Big {
        let mut limbs = Vec::new();
        while v > 0 {
            limbs.push(u64::try_from(v % u128::from(LIMB)).expect("below 10^9"));
            v /= u128::from(LIMB);
        }
        Big(limbs)
    }

    fn mul(&self, other: &Big) -> Big {
        if self.0.is_empty() || other.0.is_empty() {
            return Big(Vec::new());
        }
        let mut r = vec![0u64; self.0.len() + other.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.0.iter().enumerate() {
                let cur = r[i + j] + a * b + carry;
                r[i + j] = cur % LIMB;
                carry = cur / LIMB;
            }
            r[i + other.0.len()] += carry;
        }
        while r.last() == Some(&0) {
            r.pop();
        }
        Big(r)
    }

    fn mul_pow10(self, mut k: u32) -> Big {
        let mut out = self;
        while k > 0 {
            let step = k.min(18);
            out = out.mul(&Big::from_u128(10u128.pow(step)));
            k -= step;
        }
        out
    }
}

/// Whether a × b == c × d exactly, in unbounded arithmetic.
fn product_eq(a: Decimal, b: Decimal, c: Decimal, d: Decimal) -> bool {
    let negative = |x: Decimal| x.is_sign_negative() && !x.is_zero();
    let (left_zero, right_zero) = (a.is_zero() || b.is_zero(), c.is_zero() || d.is_zero());
    if left_zero || right_zero {
        return left_zero == right_zero;
    }
    if (negative(a) != negative(b)) != (negative(c) != negative(d)) {
        return false;
    }
    let big = |x: Decimal| Big::from_u128(x.mantissa().unsigned_abs());
    let left = big(a).mul(&big(b)).mul_pow10(c.scale() + d.scale());
    let right = big(c).mul(&big(d)).mul_pow10(a.scale() + b.scale());
    left == right
}

/// How many base units of its dimension one `u` is (for money: of its currency).
fn base_of(u: Unit) -> Decimal {
    match u {
        Unit::Physical(p) => p.to_base(),
        Unit::Money(c, _) => {
            u.convert(Decimal::ONE, Unit::parse(c.as_str()).expect("a currency")).expect("same currency").value
        }
    }
}

/// Whether a conversion is exact: as the conversion reports it, or as it truly is (checked in
/// unbounded integers: value × to-base = quantity × from-base).
#[derive(Clone, Copy)]
enum Exactness {
    Reported,
    True,
}

/// The unit-conversion properties for one value, over every pair of units: crossing dimensions
/// (or currencies) is a `DimensionMismatch`; overflow only past `Decimal::MAX`; a→b→a gives the
/// value back exactly when both steps are exact, and otherwise within a relative 1e-20 plus
/// what rust_decimal's 28-decimal-place cap can lose: each of the four operations (v × A, ÷ B,
/// × B, ÷ A) rounds at most half a unit in the 28th place, which reaches the result scaled by
/// 1/A, B/A, 1/A and 1: 1e-28 × (2/A + B/A + 1).
fn check_round_trips(v: Decimal, exactness: Exactness) -> Result<(), TestCaseError> {
    let units = all_units();
    let relative = Decimal::new(1, 20);
    let place_28 = Decimal::new(1, 28);
    for &a in &units {
        for &b in &units {
            match a.convert(v, b) {
                Err(UnitError::Overflow) => {
                    // Only when the result is beyond what a Decimal holds.
                    let ratio = a.convert(Decimal::ONE, b).expect("the ratio converts").value;
                    let size = v.abs().checked_mul(ratio);
                    prop_assert!(
                        size.is_none_or(|s| s > Decimal::MAX / Decimal::TWO),
                        "{} {} -> {} overflowed",
                        v,
                        a,
                        b
                    );
                }
                Err(e) => {
                    prop_assert!(a.dimension() != b.dimension(), "{} -> {} failed within a dimension: {}", a, b, e);
                    let mismatch = matches!(e, UnitError::DimensionMismatch { .. });
                    prop_assert!(mismatch, "{} -> {}: {}", a, b, e);
                }
                Ok(there) => {
                    prop_assert!(a.dimension() == b.dimension(), "{} -> {} crossed dimensions", a, b);
                    let back = b.convert(there.value, a).expect("the way back converts");
                    let (base_a, base_b) = (base_of(a), base_of(b));
                    let (exact_there, exact_back) = match exactness {
                        Exactness::Reported => (there.exact, back.exact),
                        Exactness::True => (
                            product_eq(there.value, base_b, v, base_a),
                            product_eq(back.value, base_a, there.value, base_b),
                        ),
                    };
                    if exact_there && exact_back {
                        prop_assert_eq!(
                            back.value,
                            v,
                            "{} {} -> {} {} -> {} {}, all exact",
                            v,
                            a,
                            there.value,
                            b,
                            back.value,
                            a
                        );
                    } else {
                        let err = (back.value - v).abs();
                        let allowed =
                            v.abs() * relative + place_28 * (Decimal::TWO / base_a + base_b / base_a + Decimal::ONE);
                        prop_assert!(
                            err <= allowed,
                            "{} {} -> {} {} (exact: {}) -> {} {} (exact: {}): error {} > {}",
                            v,
                            a,
                            there.value,
                            b,
                            exact_there,
                            back.value,
                            a,
                            exact_back,
                            err,
                            allowed
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

/// `exact` tells the truth: a conversion that says it is exact gives exactly v × from / to.
fn check_exact_flag(v: Decimal) -> Result<(), TestCaseError> {
    for &a in PhysicalUnit::ALL {
        for &b in PhysicalUnit::ALL.iter().filter(|b| b.dimension() == a.dimension()) {
            let c = Unit::Physical(a).convert(v, Unit::Physical(b)).expect("same dimension");
            if c.exact {
                prop_assert!(
                    product_eq(c.value, b.to_base(), v, a.to_base()),
                    "{} {} -> {} {} is reported exact, but {} × {} ≠ {} × {}",
                    v,
                    a.symbol(),
                    c.value,
                    b.symbol(),
                    c.value,
                    b.to_base(),
                    v,
                    a.to_base()
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    /// Property 3 on activity-like quantities (0–6 dp, up to 1e7), with exactness as the
    /// conversions report it. (The brief's bound, a relative 1e-20 alone, fails for ordinary
    /// values: 1 J -> MWh is 2.777…778e-10 held at 28 decimal places — 19 significant digits —
    /// and the way back is 1.0000000000000000001 J.)
    #[test]
    fn unit_conversions_round_trip(v in activity_decimal()) {
        check_round_trips(v, Exactness::Reported)?;
    }

    /// Property 3 on wider decimals (up to 18 digits, 0–12 dp, negative too), with exactness as
    /// it truly is: the arithmetic round-trips within the bound.
    #[test]
    fn unit_conversions_round_trip_wide(v in wide_decimal()) {
        check_round_trips(v, Exactness::True)?;
    }

    /// Property 3 on wider decimals with exactness as reported. Fails today, from the cause of
    /// `unit_conversion_exact_flag_is_truthful`: 0.000000000001 Btu -> J needs 29 decimal
    /// places in v × 1.05505585262e-6, which rust_decimal rounds, yet both steps report exact
    /// and the way back gives 0.0000000000009999999999810437 Btu.
    #[test]

    fn unit_conversions_round_trip_wide_as_reported(v in wide_decimal()) {
        check_round_trips(v, Exactness::Reported)?;
    }

    /// Property 3, the lineage flag: a conversion reported exact is exactly v × from / to
    /// (checked in unbounded integers). Fails today: 1 g -> lb (0.002204622621848775807229738)
    /// and 0.01 GJ -> MMBtu do not terminate but are reported exact, because the check multiplies
    /// back in rust_decimal, which rounds the product at 28 decimal places to the numerator.
    #[test]

    fn unit_conversion_exact_flag_is_truthful(v in activity_decimal()) {
        check_exact_flag(v)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Property 4: row order, and a stable JSON report

/// The lines with their row numbers taken out, as sorted JSON texts: the set of lines.
fn line_set(inv: &Inventory) -> Vec<String> {
    let mut out: Vec<String> = inv
        .lines
        .iter()
        .map(|l| {
            let mut l = l.clone();
            l.activity.row = 0;
            serde_json::to_string(&l).expect("serialisable")
        })
        .collect();
    out.sort();
    out
}

fn report_json(csv: &str, set: GwpSet, with_lines: bool, inv: &Inventory, file_diags: &[Diagnostic]) -> String {
    let lib = lib();
    let mut diags: Vec<Diagnostic> = file_diags.to_vec();
    diags.extend(inv.diagnostics.iter().cloned());
    diags.extend(inv.factor_notes(lib, set, "activities.csv"));
    let factors = factors_csv();
    let inputs = Inputs {
        activities: InputFile {
            file: "activities.csv".into(),
            sha256: scopebook_core::dataset::sha256_hex(csv.as_bytes()),
        },
        factor_files: vec![InputFile {
            file: FACTOR_FILE.into(),
            sha256: scopebook_core::dataset::sha256_hex(factors.as_bytes()),
        }],
        datasets: scopebook_core::run::datasets_used(lib),
    };
    // As `calc` of an activity file gives it: with the Scope 3 and ISO 14064-1 categories.
    Report::new(inv, &diags, inputs, set, None, with_lines)
        .with_unverified_factors(inv.unverified_factors(lib))
        .with_scope3_view(inv)
        .to_json()
}

/// The factor notes without their locations, sorted.
fn notes(inv: &Inventory, set: GwpSet) -> Vec<String> {
    let mut out: Vec<String> =
        inv.factor_notes(lib(), set, "activities.csv").iter().map(|d| format!("{:?} {}", d.code, d.message)).collect();
    out.sort();
    out
}

fn rows_and_shuffle() -> impl Strategy<Value = (Vec<Row>, Vec<Row>)> {
    prop::collection::vec(row_strategy(false), 1..120)
        .prop_flat_map(|rows| (Just(rows.clone()), Just(rows).prop_shuffle()))
}

proptest! {
    #![proptest_config(config(64))]

    /// Property 4. Shuffling the data rows gives identical totals (every field) and the same
    /// set of lines (row numbers aside); the JSON report of one input is byte-identical twice.
    #[test]
    fn row_order_does_not_matter((rows, shuffled) in rows_and_shuffle(), set in gwp_set()) {
        let csv = activity_csv(&rows, Decimal::ONE);
        let a = run_valid(&csv, rows.len(), set)?;
        let b = run_valid(&activity_csv(&shuffled, Decimal::ONE), rows.len(), set)?;
        prop_assert_eq!(&a.totals, &b.totals);
        prop_assert_eq!(line_set(&a), line_set(&b));
        // Factor notes are the same but for the row of "first at this row".
        prop_assert_eq!(notes(&a, set), notes(&b, set));

        let (again, again_diags) = run(&csv, set, true);
        let first = report_json(&csv, set, true, &a, &[]);
        let second = report_json(&csv, set, true, &again, &again_diags);
        prop_assert!(first == second, "the JSON report differs between two runs of the same input");
    }
}

/// Property 4 through the command line: `scopebook calc --format json` twice on one input gives
/// byte-identical output, and the same document as the library's report.
#[test]
fn cli_json_is_byte_identical_across_runs() {
    let rows = seeded_rows(7, 400);
    let csv = activity_csv(&rows, Decimal::ONE);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("properties-cli");
    std::fs::create_dir_all(&dir).unwrap();
    let acts = dir.join("activities.csv");
    let facts = dir.join(FACTOR_FILE);
    std::fs::write(&acts, &csv).unwrap();
    std::fs::write(&facts, factors_csv()).unwrap();
    let calc = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_scopebook"))
            .current_dir(&dir)
            .args(["calc", "activities.csv", "--factors", FACTOR_FILE, "--format", "json", "--gwp", "ar6"])
            .output()
            .unwrap();
        assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let first = calc();
    let second = calc();
    assert!(first == second, "two runs of scopebook calc differ");
    let (inv, diags) = run(&csv, GwpSet::AR6, true);
    assert!(
        String::from_utf8(first).unwrap() == report_json(&csv, GwpSet::AR6, true, &inv, &diags),
        "CLI JSON differs from the library report"
    );
}

// ---------------------------------------------------------------------------------------------
// Property 5: the parallel pipeline equals one sequential calculation

/// SplitMix64: a small seeded generator for the large files, where proptest's value trees
/// are too slow in debug builds (and shrinking 20,000 rows is of no use).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..=max (with a negligible modulo bias).
    fn upto(&mut self, max: u64) -> u64 {
        self.next() % (max + 1)
    }
}

/// `n` rows drawn like `row_strategy(false)` draws them, from a seed.
fn seeded_rows(seed: u64, n: usize) -> Vec<Row> {
    let variants = variants(false);
    let mut r = SplitMix(seed);
    let mut pick = |len: usize| usize::try_from(r.upto(len as u64 - 1)).expect("small");
    (0..n)
        .map(|_| {
            let (kind, unit, max_dp) = variants[pick(variants.len())];
            let facility = pick(FACILITIES.len());
            let start = u32::try_from(pick(365)).expect("small");
            let len = u32::try_from(pick(120)).expect("small");
            let upper = pick(2) == 1;
            let cat = u8::try_from(pick(16)).expect("small");
            let dp = u32::try_from(pick(max_dp as usize + 1)).expect("small");
            let magnitude = u32::try_from(pick(8)).expect("small");
            let mantissa = pick(usize::try_from(10u64.pow(magnitude + dp)).expect("fits") + 1);
            Row {
                facility,
                start,
                len,
                kind,
                unit,
                quantity: Decimal::new(i64::try_from(mantissa).expect("below 10^13"), dp),
                upper_case_activity: upper,
                scope3_category: (cat > 0 && KINDS[kind].scope3).then_some(cat),
            }
        })
        .collect()
}

/// Rows a reader or the calculation rejects, to check that findings keep their row numbers.
/// Each with whether the reader rejects it (else it is read, and left unresolved).
const BAD_ROWS: &[(&str, bool)] = &[
    ("HQ,2023-01-01,2023-01-31,pt_grid_electricity,-5,kWh,", true),
    ("HQ,2023-02-30,2023-03-01,pt_grid_electricity,5,kWh,", true),
    ("HQ,2023-01-01,2023-01-31,pt_grid_electricity,5,furlong,", true),
    ("HQ,2023-01-01,2023-01-31,pt_no_such_activity,5,kWh,", false),
    ("HQ,2023-01-01,2023-01-31,pt_grid_electricity,5,kWh,3", false),
    ("HQ,2023-01-01,2023-01-31,pt_grid_electricity,5,t,", false),
    ("HQ,2023-01-01,2023-01-31,pt_grid_electricity,1e3,kWh,", true),
    ("HQ,2023-03-01,2023-02-01,pt_grid_electricity,5,kWh,", true),
    ("HQ,2023-01-01", true),
];

/// The bad row placed at data row `i` (0-based), if any.
fn bad_row(i: usize, bad_every: usize) -> Option<(&'static str, bool)> {
    (bad_every > 0 && i % bad_every == bad_every - 1).then(|| BAD_ROWS[(i / bad_every) % BAD_ROWS.len()])
}

fn big_file(seed: u64, rows: usize, bad_every: usize) -> String {
    let mut s = String::from(ACTIVITY_HEADER);
    for (i, r) in seeded_rows(seed, rows).iter().enumerate() {
        if let Some((bad, _)) = bad_row(i, bad_every) {
            s.push_str(bad);
        } else {
            s.push_str(&r.line(Decimal::ONE));
        }
        s.push('\n');
    }
    s
}

/// The whole file read in one piece and calculated by one call of `calculate`.
fn sequential(csv: &str, opts: CalcOptions) -> Inventory {
    let file = "activities.csv";
    let (header, diags) = ActivityHeader::read(file, csv.as_bytes());
    assert!(diags.is_empty());
    let (header, body_start) = header.expect("a header");
    let (activities, row_diags) = header.read_rows(file, &csv.as_bytes()[body_start..], 2);
    let mut inv = calculate(lib(), &activities, file, opts);
    let mut all = row_diags;
    all.append(&mut inv.diagnostics);
    all.sort_by_key(|d| d.location.row);
    inv.diagnostics = all;
    inv
}

fn check_same_inventory(parallel: &Inventory, seq: &Inventory, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(parallel.totals == seq.totals, "{}: totals differ", what);
    prop_assert_eq!(parallel.line_count, seq.line_count, "{}", what);
    prop_assert!(parallel.lines == seq.lines, "{}: lines differ", what);
    prop_assert!(parallel.unresolved == seq.unresolved, "{}: unresolved lines differ", what);
    prop_assert_eq!(&parallel.diagnostics, &seq.diagnostics, "{}", what);
    Ok(())
}

proptest! {
    #![proptest_config(config(4))]

    /// Property 5. A 20,000-row file (well over 64 KiB, so `split_body` cuts it into pieces)
    /// calculated by the parallel pipeline — with the default pool and with pools of 1 and 3
    /// threads, which cut it into 4 and 12 pieces — equals one sequential `calculate` over all
    /// of it: totals, lines with their row numbers, unresolved rows and diagnostics. Every 997th
    /// row is invalid, so findings must keep their row numbers across pieces.
    #[test]
    fn parallel_equals_sequential(seed in any::<u64>(), set in gwp_set()) {
        let csv = big_file(seed, 20_000, 997);
        let (header, _) = ActivityHeader::read("activities.csv", csv.as_bytes());
        let body = &csv.as_bytes()[header.expect("a header").1..];
        prop_assert!(body.len() > 1 << 16);
        prop_assert!(split_body(body, 2, 4).len() > 1, "the file is split");

        let opts = CalcOptions { gwp_set: set, keep_lines: true };
        let seq = sequential(&csv, opts);
        let bad: Vec<bool> = (0..20_000).filter_map(|i| bad_row(i, 997)).map(|(_, by_reader)| by_reader).collect();
        let by_reader = bad.iter().filter(|&&r| r).count();
        prop_assert_eq!(seq.line_count as usize, 20_000 - by_reader);
        prop_assert_eq!(seq.unresolved.len(), bad.len() - by_reader);
        prop_assert_eq!(seq.diagnostics.len(), bad.len());
        prop_assert_eq!(seq.lines.len(), 20_000 - bad.len());
        check_parts_sum_to_totals(&seq)?;

        let (par, file_diags) = calculate_csv(lib(), "activities.csv", csv.as_bytes(), opts);
        prop_assert!(file_diags.is_empty());
        check_same_inventory(&par, &seq, "default pool")?;
        prop_assert_eq!(par.factor_notes(lib(), set, "activities.csv"), seq.factor_notes(lib(), set, "activities.csv"));
        let json = report_json(&csv, set, false, &par, &file_diags);
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool");
            let (inv, _) = pool.install(|| calculate_csv(lib(), "activities.csv", csv.as_bytes(), opts));
            check_same_inventory(&inv, &seq, &format!("{threads}-thread pool"))?;
            prop_assert!(report_json(&csv, set, false, &inv, &[]) == json, "JSON differs with {} threads", threads);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Checks of the generator itself

/// The conversion decimal places in `KINDS` are upper bounds of what the conversion adds.
#[test]
fn kinds_conversion_places_are_upper_bounds() {
    let lib = lib();
    for k in KINDS {
        let factor = lib.by_id(&format!("pt.{}", k.activity.trim_start_matches("pt_"))).expect("the kind's factor");
        for &(unit, conv) in k.units {
            let u = Unit::parse(unit).unwrap();
            for dp in 0..=6 {
                for m in [1i64, 7, 123_456_789, 9_999_999_999] {
                    let v = Decimal::new(m, dp);
                    let c = u.convert(v, factor.unit).unwrap();
                    let exact = product_eq(c.value, base_of(factor.unit), v, base_of(u));
                    if let Some(extra) = conv {
                        assert!(exact, "{unit} -> {}", factor.unit);
                        assert!(c.value.scale() <= dp + extra, "{v} {unit} -> {} {}", c.value, factor.unit);
                    } else {
                        assert!(!exact, "{v} {unit} -> {} is said not to terminate", factor.unit);
                    }
                }
            }
        }
    }
    assert_eq!(activity_csv(&[], Decimal::ONE), ACTIVITY_HEADER);
}

// ---------------------------------------------------------------------------------------------
// Scope 3 (decision 0035): data-quality scores and the deflation of spend

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A category's data-quality score is within 1–5 for every indicator, equals Σ(CO2e × score)
    /// ÷ Σ CO2e (emissions-weighted, not a mean of lines) rounded half-even to 2 places, and a
    /// line with no emissions does not move it. The same holds of category 15's PCAF score
    /// (decision 0050), here each line's first indicator.
    #[test]
    fn data_quality_is_emissions_weighted_and_within_1_to_5(
        lines in prop::collection::vec((1i64..=10_000_000_000i64, 0u32..=6, prop::array::uniform5(1u8..=5)), 1..8),
        zero_scores in prop::array::uniform5(1u8..=5),
    ) {
        use scopebook_core::classify::Scope3Category;
        use scopebook_core::scope3::{DataQuality, Scope3Sums, DQ_DP};
        let facility: std::sync::Arc<str> = std::sync::Arc::from("F");
        let c = Scope3Category::new(15).unwrap();
        let mut sums = Scope3Sums::default();
        for &(m, dp, scores) in &lines {
            sums.add_line(&facility, c, None, Some(DataQuality::from_scores(scores)), Some(scores[0]), Decimal::new(m, dp));
        }
        let without_zero = sums.categories(&|_| Decimal::ONE_HUNDRED, &[]);
        sums.add_line(&facility, c, None, Some(DataQuality::from_scores(zero_scores)), Some(zero_scores[0]), Decimal::ZERO);
        let cats = sums.categories(&|_| Decimal::ONE_HUNDRED, &[]);
        let q = cats[14].data_quality.clone().expect("scored lines give a score");
        prop_assert_eq!(Some(&q), without_zero[14].data_quality.as_ref());
        let pcaf = cats[14].pcaf.clone().expect("scored lines give a PCAF score");
        prop_assert_eq!(Some(&pcaf), without_zero[14].pcaf.as_ref());
        let total: Decimal = lines.iter().map(|&(m, dp, _)| Decimal::new(m, dp)).sum();
        let names = ["technology", "time", "geography", "completeness", "reliability"];
        for (k, name) in names.iter().enumerate() {
            let weighted: Decimal = lines.iter().map(|&(m, dp, s)| Decimal::new(m, dp) * Decimal::from(s[k])).sum();
            let want = (weighted / total).round_dp_with_strategy(DQ_DP, rust_decimal::RoundingStrategy::MidpointNearestEven);
            let got = q.indicators[*name];
            prop_assert!(got >= Decimal::ONE && got <= Decimal::from(5), "{name} = {got}");
            prop_assert_eq!(got, want.normalize(), "{}", name);
        }
        prop_assert!(q.overall >= Decimal::ONE && q.overall <= Decimal::from(5));
        prop_assert_eq!(pcaf.score, q.indicators["technology"], "the PCAF score is weighted as the first indicator");
        prop_assert_eq!(pcaf.co2e_t_by_score.values().copied().sum::<Decimal>(), pcaf.scored_co2e_t);
    }

    /// Money deflated to a price year and inflated back is the amount: exactly when the division
    /// terminates, else within 1 part in 10^24 (28 significant digits are kept).
    #[test]
    fn deflation_then_inflation_round_trips(
        m in 1i64..=1_000_000_000_000i64,
        dp in 0u32..=6,
        index in 5_000i64..=30_000i64,
    ) {
        use scopebook_core::spend::{deflate, inflate};
        let amount = Decimal::new(m, dp);
        let index = Decimal::new(index, 4);
        let (deflated, exact) = deflate(amount, index).unwrap();
        let back = inflate(deflated, index).unwrap();
        if exact {
            prop_assert_eq!(back, amount);
        } else {
            prop_assert!((back - amount).abs() <= amount * Decimal::new(1, 24), "{amount} → {deflated} → {back}");
        }
        // Deflating by an index above 1 lowers the amount; the inverted ratio would raise it.
        if index > Decimal::ONE {
            prop_assert!(deflated < amount);
        }
    }
}
