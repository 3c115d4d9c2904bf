//! A record's own fuel parameters and energy quantities: what the engine accepts, what it refuses
//! (each refusal located at its row and column, with its catalogue code), and what the lineage
//! shows. The figures of accepted lines are worked by hand in tests/golden/11-*.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::sync::OnceLock;

use scopebook_core::calc::{CalcOptions, Step};
use scopebook_core::diagnostic::{Code, Severity};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::run::Run;

fn lib() -> &'static FactorLibrary {
    static LIB: OnceLock<FactorLibrary> = OnceLock::new();
    LIB.get_or_init(|| FactorLibrary::shipped().0)
}

const HEADER: &str =
    "facility,period_start,period_end,activity,quantity,unit,region,factor,ncv_gj_per_unit,carbon_t_per_gj,oxidation,parameter_source,sector\n";

/// Calculate one data row (after [`HEADER`]).
fn run(row: &str) -> Run {
    let csv = format!("{HEADER}{row}\n");
    Run::calculate(lib(), "a.csv", csv.as_bytes(), CalcOptions { gwp_set: GwpSet::AR5, keep_lines: true })
}

/// The one error of a run, as (code, row, column).
fn error(run: &Run) -> (Code, Option<u64>, Option<String>) {
    let errors: Vec<_> = run.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
    let d = errors[0];
    (d.code, d.location.row, d.location.column.clone())
}

#[test]
fn out_of_range_parameters_are_located_errors() {
    let cases = [
        ("P,2023-01-01,2023-12-31,bituminous_coal,100,t,CN,,21,0.026,1.2,measured,", Code::OutOfRange, "oxidation"),
        ("P,2023-01-01,2023-12-31,bituminous_coal,100,t,CN,,0,,,measured,", Code::NonPositiveValue, "ncv_gj_per_unit"),
        (
            "P,2023-01-01,2023-12-31,bituminous_coal,100,t,CN,,21,-0.02,,measured,",
            Code::NonPositiveValue,
            "carbon_t_per_gj",
        ),
        ("P,2023-01-01,2023-12-31,bituminous_coal,100,t,CN,,21,,,lab,", Code::InvalidValue, "parameter_source"),
        ("P,2023-01-01,2023-12-31,bituminous_coal,100,t,CN,,,,,measured,", Code::InvalidValue, "parameter_source"),
        ("P,2023-01-01,2023-12-31,natural_gas,100,GJ,,,,,,,industry", Code::UnknownSector, "sector"),
        ("P,2023-01-01,2023-12-31,bituminous_coal,100,t,CN,,abc,,,measured,", Code::MalformedNumber, "ncv_gj_per_unit"),
    ];
    for (row, code, column) in cases {
        let r = run(row);
        assert_eq!(error(&r), (code, Some(2), Some(column.to_string())), "{row}");
        assert!(r.inventory.lines.is_empty(), "{row}: a refused row is not computed");
    }
    let over = run("P,2023-01-01,2023-12-31,bituminous_coal,100,t,CN,,21,0.026,95,measured,");
    assert!(over.diagnostics[0].message.contains("write 0.95, not 95"), "{}", over.diagnostics[0].message);
}

#[test]
fn parameters_that_cannot_apply_to_the_factor_are_refused_not_ignored() {
    // Energy already: an NCV would be applied twice.
    let r = run("P,2023-01-01,2023-12-31,natural_gas,100,GJ,CN,,38,,,measured,");
    assert_eq!(error(&r), (Code::InvalidValue, Some(2), Some("ncv_gj_per_unit".into())));
    // A grid factor is per kWh with no carbon chain: a carbon content alone cannot apply.
    let r = run("P,2023-01-01,2023-12-31,grid_electricity,100,MWh,CN-GD,,,0.02,,measured,");
    assert_eq!(error(&r).0, Code::InvalidValue);
    // A CO2e-only factor has no carbon to replace.
    let co2e = lib()
        .factors()
        .iter()
        .find(|f| matches!(f.method, scopebook_core::factor::Method::Co2e { .. }) && f.unit.to_string() == "kWh")
        .expect("a CO2e-only factor per kWh is shipped");
    let row = format!("P,2023-01-01,2023-12-31,{},100,kWh,,{},,0.02,0.98,measured,", co2e.activity, co2e.id);
    assert_eq!(error(&run(&row)), (Code::InvalidValue, Some(2), Some("carbon_t_per_gj".into())));
}

#[test]
fn the_lineage_shows_the_records_value_beside_the_default() {
    let r = run("P,2023-01-01,2023-12-31,bituminous_coal,100,t,CN,,,0.0265,,measured,");
    let steps = &r.inventory.lines[0].steps;
    let chain = steps.iter().find_map(|s| match s {
        Step::CarbonChain { carbon_t_per_gj, oxidation, carbon_from_record, oxidation_from_record, .. } => {
            Some((*carbon_t_per_gj, *oxidation, carbon_from_record.clone(), oxidation_from_record.clone()))
        }
        _ => None,
    });
    let (carbon, oxidation, from_record, oxidation_record) = chain.expect("a carbon chain step");
    assert_eq!(carbon.to_string(), "0.0265");
    assert_eq!(oxidation.to_string(), "0.93", "oxidation not given: the factor's default");
    let from_record = from_record.expect("the carbon content is the record's");
    assert_eq!(
        (from_record.source, from_record.factor_default.map(|d| d.to_string())),
        ("measured", Some("0.0261".into()))
    );
    assert!(oxidation_record.is_none());
}

#[test]
fn an_unstated_parameter_source_is_computed_with_one_warning() {
    let r = run("P,2023-01-01,2023-12-31,bituminous_coal,100,t,CN,,20,,,,");
    assert_eq!(r.inventory.lines.len(), 1);
    let warnings: Vec<_> =
        r.diagnostics.iter().filter(|d| d.location.column.as_deref() == Some("parameter_source")).collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].severity, Severity::Warning);
    let json = serde_json::to_string(&r.inventory.lines[0].steps).unwrap();
    assert!(json.contains(r#""source":"unstated""#), "{json}");
}

#[test]
fn an_energy_quantity_skips_the_calorific_value_and_says_so() {
    for (qty, unit) in [("1000", "GJ"), ("277.7777", "MWh"), ("9478.134", "MMBtu"), ("94781.34", "therm")] {
        let r = run(&format!("P,2023-01-01,2023-12-31,natural_gas,{qty},{unit},CN,,,,,,"));
        assert_eq!(r.inventory.lines.len(), 1, "{unit}: {:#?}", r.diagnostics);
        let line = &r.inventory.lines[0];
        assert_eq!(line.factor.id, "cn-mee.natural_gas");
        assert!(line.steps.iter().any(|s| matches!(s, Step::EnergyInput { .. })), "{unit}");
        assert!(!line.steps.iter().any(|s| matches!(s, Step::CalorificValue { .. })), "{unit}");
    }
    // The same gas as a volume still goes through the NCV.
    let r = run("P,2023-01-01,2023-12-31,natural_gas,10,10^4 Nm3,CN,,,,,,");
    assert!(r.inventory.lines[0].steps.iter().any(|s| matches!(s, Step::CalorificValue { .. })));
}
