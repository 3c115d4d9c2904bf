//! Dates and periods.

use chrono::NaiveDate;
use serde::Serialize;

/// An inclusive date range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// `None` when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Option<Period> {
        (start <= end).then_some(Period { start, end })
    }

    /// Whether this period lies wholly within `[from, to]` (either side open when `None`).
    pub fn within(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        from.is_none_or(|f| f <= self.start) && to.is_none_or(|t| self.end <= t)
    }
}

/// Parse an ISO calendar date, `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, &'static str> {
    let b = text.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err("dates are written YYYY-MM-DD");
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err("dates are written YYYY-MM-DD");
    };
    let year = i32::try_from(y).map_err(|_| "the year is out of range")?;
    NaiveDate::from_ymd_opt(year, m, d).ok_or("there is no such day in the calendar")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_dates_only() {
        assert_eq!(parse_date("2023-02-28").unwrap().to_string(), "2023-02-28");
        assert_eq!(parse_date("2023-02-29").unwrap_err(), "there is no such day in the calendar");
        assert!(parse_date("2023/02/01").is_err());
        assert!(parse_date("01-02-2023").is_err());
        assert!(parse_date("2023-2-1").is_err());
    }
}
