//! The activity file's Scope 3 columns (decision 0035): each bad value refuses its row with a
//! located error and its catalogue code; good values reach the line; a spend line in CNY finds a
//! USD factor only when it declares itself a spend line. Figures are worked by hand in
//! tests/golden/17-* and 18-*.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::sync::OnceLock;

use scopebook_core::calc::{CalcOptions, Step};
use scopebook_core::diagnostic::{Code, Severity};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::run::Run;
use scopebook_core::scope3::Scope3Method;

fn lib() -> &'static FactorLibrary {
    static LIB: OnceLock<FactorLibrary> = OnceLock::new();
    LIB.get_or_init(|| FactorLibrary::shipped().0)
}

const HEADER: &str = "facility,period_start,period_end,activity,quantity,unit,factor,method,dq_technology,dq_time,dq_geography,dq_completeness,dq_reliability,currency_year,exchange_rate,price_index,attribution\n";

/// A data row for `activity`, `quantity` `unit`, with the named cells set (others empty).
fn row(activity: &str, quantity: &str, unit: &str, cells: &[(&str, &str)]) -> String {
    let mut out = vec!["HQ", "2024-01-01", "2024-12-31", activity, quantity, unit];
    for column in HEADER.trim_end().split(',').skip(6) {
        out.push(cells.iter().find(|(c, _)| *c == column).map_or("", |(_, v)| *v));
    }
    out.join(",")
}

const SPEND: &str = "spend.naics.334111";
const USEEIO: (&str, &str) = ("factor", "epa-useeio.1.3.0.334111");

fn run(row: &str) -> Run {
    let csv = format!("{HEADER}{row}\n");
    Run::calculate(lib(), "a.csv", csv.as_bytes(), CalcOptions { gwp_set: GwpSet::AR5, keep_lines: true })
}

/// The errors of a run, as (code, row, column).
fn errors(run: &Run) -> Vec<(Code, Option<u64>, Option<String>)> {
    run.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.code, d.location.row, d.location.column.clone()))
        .collect()
}

#[test]
fn each_bad_value_is_a_located_error_and_refuses_its_row() {
    let cases = [
        (row(SPEND, "100", "USD", &[("method", "spend")]), Code::InvalidValue, "method"),
        (
            row(
                SPEND,
                "100",
                "USD",
                &[
                    ("dq_technology", "4"),
                    ("dq_time", "3"),
                    ("dq_geography", "6"),
                    ("dq_completeness", "2"),
                    ("dq_reliability", "3"),
                ],
            ),
            Code::OutOfRange,
            "dq_geography",
        ),
        (
            row(
                SPEND,
                "100",
                "USD",
                &[
                    ("dq_technology", "4"),
                    ("dq_time", "3"),
                    ("dq_geography", "2.5"),
                    ("dq_completeness", "2"),
                    ("dq_reliability", "3"),
                ],
            ),
            Code::MalformedNumber,
            "dq_geography",
        ),
        (
            row(
                SPEND,
                "100",
                "USD",
                &[("dq_technology", "4"), ("dq_time", "3"), ("dq_completeness", "2"), ("dq_reliability", "3")],
            ),
            Code::MissingValue,
            "dq_geography",
        ),
        (row(SPEND, "100", "USD", &[("currency_year", "FY24")]), Code::InvalidValue, "currency_year"),
        (
            row(SPEND, "100", "CNY", &[("currency_year", "2024"), ("exchange_rate", "0")]),
            Code::NonPositiveValue,
            "exchange_rate",
        ),
        (
            row(SPEND, "100", "USD", &[("currency_year", "2024"), ("price_index", "-1.04")]),
            Code::NonPositiveValue,
            "price_index",
        ),
        (row(SPEND, "100", "USD", &[("price_index", "1.0.4")]), Code::MalformedNumber, "price_index"),
        (row("investee", "100", "t", &[("attribution", "25")]), Code::OutOfRange, "attribution"),
        (row("natural_gas", "100", "GJ", &[("currency_year", "2024")]), Code::InvalidValue, "currency_year"),
    ];
    for (line, code, column) in cases {
        let r = run(&line);
        let found = errors(&r);
        assert_eq!(found.len(), 1, "{line}: {found:?}");
        let (c, at, col) = &found[0];
        assert_eq!((*c, *at, col.as_deref()), (code, Some(2), Some(column)), "{line}");
        assert!(r.inventory.lines.is_empty() && r.inventory.unresolved.is_empty(), "{line}: the row is refused");
    }
    let hint = run(&row("investee", "100", "t", &[("attribution", "25")]));
    assert!(hint.diagnostics[0].message.contains("write 0.25, not 25"), "{}", hint.diagnostics[0].message);
}

#[test]
fn good_values_reach_the_line_and_its_lineage() {
    let r = run(&row(
        SPEND,
        "700",
        "CNY",
        &[
            USEEIO,
            ("method", "spend-based"),
            ("dq_technology", "4"),
            ("dq_time", "3"),
            ("dq_geography", "4"),
            ("dq_completeness", "2"),
            ("dq_reliability", "3"),
            ("currency_year", "2024"),
            ("exchange_rate", "7"),
            ("price_index", "1.25"),
        ],
    ));
    assert!(errors(&r).is_empty(), "{:?}", r.diagnostics);
    let line = &r.inventory.lines[0];
    let own = line.activity.scope3.as_deref().unwrap();
    assert_eq!(own.method, Some(Scope3Method::SpendBased));
    assert_eq!(own.data_quality.map(|q| q.scores()), Some([4, 3, 4, 2, 3]));
    // 700 CNY ÷ 7 = 100 USD of 2024; ÷ 1.25 = 80 USD of 2022; × 0.058 = 4.64 kg.
    assert_eq!(line.emission.co2e_kg.normalize().to_string(), "4.64");
    let kinds: Vec<&str> = line
        .steps
        .iter()
        .map(|s| match s {
            Step::ExchangeRate { .. } => "exchange_rate",
            Step::PriceIndex { .. } => "price_index",
            Step::Co2eFactor { .. } => "co2e_factor",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["exchange_rate", "price_index", "co2e_factor"]);
}

#[test]
fn a_cny_line_meets_a_usd_factor_only_as_a_declared_spend_line() {
    // Without any Scope 3 column the selection is as before: CNY does not convert into USD.
    let plain = run(&row(SPEND, "700", "CNY", &[USEEIO]));
    assert_eq!(plain.inventory.unresolved[0].diagnostic.code, Code::UnitMismatch);
    // Declared spend-based without a rate: unresolved for the missing rate, never a guess.
    let no_rate = run(&row(
        SPEND,
        "700",
        "CNY",
        &[USEEIO, ("method", "spend-based"), ("currency_year", "2024"), ("price_index", "1.25")],
    ));
    assert_eq!(no_rate.inventory.unresolved[0].diagnostic.code, Code::MissingExchangeRate);
    // Attribution belongs to category 15 only.
    let misplaced = run(&row(SPEND, "100", "USD", &[USEEIO, ("attribution", "0.5")]));
    let d = &misplaced.inventory.unresolved[0].diagnostic;
    assert_eq!((d.code, d.location.column.as_deref()), (Code::InvalidValue, Some("attribution")));
}
