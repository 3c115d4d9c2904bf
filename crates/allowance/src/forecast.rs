//! The forecast (decision 0031): the rest of a compliance year projected from the scheme
//! emissions of the records up to `--as-of` at the run-rate so far, and the shortfall expected
//! at the year's end.
//!
//! The records cover the year from 1 January to the as-of date, inclusive: `days_covered` is
//! that span in days (the records are taken to be complete up to it; a record ending after it is
//! refused). projected = year-to-date × days in the year / days covered. That one division is
//! held to [`FORECAST_DP`] decimal places of a tonne, half-even; every other figure is exact.
//! The expected shortfall is projected − what covers the obligation in the position (holdings
//! and offsets counted, for an installation its free allocation), before any relief.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::period::Period;
use serde::Serialize;

use crate::position::n;

/// Decimal places of a tonne at which the projection is held (1 µg, as the core's masses).
pub const FORECAST_DP: u32 = 12;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Forecast {
    pub as_of: NaiveDate,
    /// From 1 January to the as-of date, inclusive.
    pub days_covered: i64,
    pub days_in_year: i64,
    /// Scheme emissions of the records so far (computed), t.
    pub year_to_date_t: Decimal,
    /// year-to-date × days in the year / days covered, held to 12 decimal places, t.
    pub projected_t: Decimal,
    /// What covers the obligation in the position, where known.
    pub available_t: Option<Decimal>,
    /// projected − available: positive = the gap expected at the year's end, negative = surplus.
    pub expected_shortfall_t: Option<Decimal>,
}

/// The findings on `--as-of`: the period must be one calendar year that contains the date.
pub fn check_as_of(period: Period, as_of: NaiveDate) -> Option<Diagnostic> {
    let y = period.start.year();
    let one_year =
        period.start.ordinal() == 1 && period.end.year() == y && period.end.month() == 12 && period.end.day() == 31;
    if !one_year {
        return Some(Diagnostic::error(
            Code::OutOfRange,
            Location::file(format!("--as-of {as_of}")),
            format!(
                "a forecast is for one compliance year, but the period is {} – {}; give --year",
                period.start, period.end
            ),
        ));
    }
    if as_of < period.start || as_of > period.end {
        return Some(Diagnostic::error(
            Code::OutOfRange,
            Location::file(format!("--as-of {as_of}")),
            format!("{as_of} is not in the compliance year {y}"),
        ));
    }
    None
}

/// The projection of `year_to_date` over the period (one calendar year; see [`check_as_of`]).
pub fn project(year_to_date: Decimal, period: Period, as_of: NaiveDate, available: Option<Decimal>) -> Forecast {
    let days_covered = (as_of - period.start).num_days() + 1;
    let days_in_year = (period.end - period.start).num_days() + 1;
    let projected = year_to_date
        .checked_mul(Decimal::from(days_in_year))
        .and_then(|v| v.checked_div(Decimal::from(days_covered.max(1))))
        .unwrap_or(Decimal::MAX)
        .round_dp_with_strategy(FORECAST_DP, RoundingStrategy::MidpointNearestEven);
    Forecast {
        as_of,
        days_covered,
        days_in_year,
        year_to_date_t: n(year_to_date),
        projected_t: n(projected),
        available_t: available.map(n),
        expected_shortfall_t: available.map(|a| n(projected - a)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        scopebook_core::period::parse_date(s).unwrap()
    }

    #[test]
    fn run_rate_over_the_days_covered() {
        let year = Period::new(d("2024-01-01"), d("2024-12-31")).unwrap();
        // 2024 is a leap year: 366 days; 1 January – 30 April = 121 days.
        let f = project(Decimal::from(121_000), year, d("2024-04-30"), Some(Decimal::from(300_000)));
        assert_eq!((f.days_covered, f.days_in_year), (121, 366));
        assert_eq!(f.projected_t, Decimal::from(366_000));
        assert_eq!(f.expected_shortfall_t, Some(Decimal::from(66_000)));
        // 100 t over 3 days of a 365-day year: 12166.666... held to 12 places, half-even.
        let y23 = Period::new(d("2023-01-01"), d("2023-12-31")).unwrap();
        let f = project(Decimal::ONE_HUNDRED, y23, d("2023-01-03"), None);
        assert_eq!(f.projected_t.to_string(), "12166.666666666667");
        assert_eq!(f.expected_shortfall_t, None);
        assert!(check_as_of(y23, d("2024-01-01")).is_some());
        let two = Period::new(d("2019-01-01"), d("2020-12-31")).unwrap();
        assert!(check_as_of(two, d("2020-06-30")).is_some_and(|e| e.message.contains("give --year")));
        assert!(check_as_of(y23, d("2023-06-30")).is_none());
    }
}
