//! The EU ETS rules the position uses, as data (`allowance-plans/eu-ets/plan.toml`): the
//! excess-emissions penalty per year, the surrender deadline, the CBAM reduction of free
//! allocation and the maritime phase-in. Each figure carries its source.

use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use serde::Deserialize;

use crate::figure::{Dec, Sourced, Years};
use crate::plan::{shipped_text, Document};

/// A figure for some years.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearFigure {
    pub years: Years,
    pub value: Decimal,
    pub src: Sourced,
}

/// The surrender deadline: `month_day` of the year after the emissions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineRule {
    pub years: Years,
    pub month: u32,
    pub day: u32,
    pub src: Sourced,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EuRules {
    pub file: String,
    pub id: String,
    pub currency: String,
    pub document: Document,
    /// EUR per tonne of excess emissions.
    pub penalty: Vec<YearFigure>,
    pub deadline: Vec<DeadlineRule>,
    /// The share of free allocation left to CBAM sectors.
    pub cbam: Vec<YearFigure>,
    /// The share of a shipping company's emissions to surrender.
    pub maritime: Vec<YearFigure>,
}

fn find(list: &[YearFigure], year: i32) -> Option<&YearFigure> {
    list.iter().find(|f| f.years.contains(year))
}

impl EuRules {
    pub fn shipped() -> Result<EuRules, Diagnostic> {
        let (file, text) = shipped_text("eu-ets").ok_or_else(|| {
            Diagnostic::error(Code::InvalidMetadata, Location::file("allowance-plans/eu-ets/plan.toml"), "not shipped")
        })?;
        EuRules::parse(&file, text)
    }

    pub fn parse(file: &str, text: &str) -> Result<EuRules, Diagnostic> {
        let bad = |msg: String| Diagnostic::error(Code::InvalidMetadata, Location::file(file), msg);
        let raw: Raw = toml::from_str(text).map_err(|e| bad(format!("not a valid EU rules file: {}", e.message())))?;
        if raw.scheme != "eu-ets" {
            return Err(bad(format!("scheme '{}' is not eu-ets", raw.scheme)));
        }
        let figures = |list: Vec<RawFigure>| -> Result<Vec<YearFigure>, Diagnostic> {
            list.into_iter()
                .map(|f| {
                    let value = f.per_t.or(f.share).ok_or_else(|| bad("a figure needs per_t or share".into()))?;
                    Ok(YearFigure {
                        years: Years::from_fields(f.years, f.from, f.to).map_err(bad)?,
                        value: value.0,
                        src: Sourced::new(f.source, f.verified, f.note),
                    })
                })
                .collect()
        };
        let mut deadline = Vec::new();
        for d in raw.deadline {
            let (m, day) = d.month_day.split_once('-').unwrap_or_default();
            let (Ok(month), Ok(day)) = (m.parse::<u32>(), day.parse::<u32>()) else {
                return Err(bad(format!("deadline month_day '{}' is not MM-DD", d.month_day)));
            };
            if chrono::NaiveDate::from_ymd_opt(2001, month, day).is_none() {
                return Err(bad(format!("deadline month_day '{}' is not a date", d.month_day)));
            }
            deadline.push(DeadlineRule {
                years: Years::from_fields(d.years, d.from, d.to).map_err(bad)?,
                month,
                day,
                src: Sourced::new(d.source, d.verified, d.note),
            });
        }
        Ok(EuRules {
            file: file.to_string(),
            id: raw.id,
            currency: raw.currency,
            document: raw.document,
            penalty: figures(raw.penalty)?,
            deadline,
            cbam: figures(raw.cbam)?,
            maritime: figures(raw.maritime)?,
        })
    }

    /// The excess-emissions penalty per tonne for a year's emissions, if shipped.
    pub fn penalty(&self, year: i32) -> Option<&YearFigure> {
        find(&self.penalty, year)
    }

    /// The surrender deadline for a year's emissions.
    pub fn deadline(&self, year: i32) -> Option<(chrono::NaiveDate, &Sourced)> {
        let rule = self.deadline.iter().find(|d| d.years.contains(year))?;
        chrono::NaiveDate::from_ymd_opt(year.checked_add(1)?, rule.month, rule.day).map(|d| (d, &rule.src))
    }

    /// The CBAM factor of a year (the share of free allocation CBAM sectors keep); 1 before 2026.
    pub fn cbam_share(&self, year: i32) -> Option<&YearFigure> {
        find(&self.cbam, year)
    }

    /// The share of maritime emissions to surrender in a year (none before 2024).
    pub fn maritime_share(&self, year: i32) -> Option<&YearFigure> {
        find(&self.maritime, year)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: String,
    scheme: String,
    currency: String,
    document: Document,
    #[serde(default)]
    penalty: Vec<RawFigure>,
    #[serde(default)]
    deadline: Vec<RawDeadline>,
    #[serde(default)]
    cbam: Vec<RawFigure>,
    #[serde(default)]
    maritime: Vec<RawFigure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFigure {
    years: Option<Vec<i32>>,
    from: Option<i32>,
    to: Option<i32>,
    per_t: Option<Dec>,
    share: Option<Dec>,
    source: String,
    verified: bool,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeadline {
    years: Option<Vec<i32>>,
    from: Option<i32>,
    to: Option<i32>,
    month_day: String,
    source: String,
    verified: bool,
    note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_load_and_answer_by_year() {
        let r = EuRules::shipped().map_err(|d| d.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let v = |f: Option<&YearFigure>| f.map(|f| f.value.to_string());
        assert_eq!(v(r.penalty(2021)).as_deref(), Some("110.82"));
        assert_eq!(v(r.penalty(2006)).as_deref(), Some("40"));
        assert!(r.penalty(2016).is_none(), "no figure is shipped for 2014–2020");
        assert_eq!(v(r.cbam_share(2030)).as_deref(), Some("0.515"));
        assert_eq!(v(r.cbam_share(2040)).as_deref(), Some("0"));
        assert!(r.cbam_share(2025).is_none());
        assert_eq!(v(r.maritime_share(2024)).as_deref(), Some("0.40"));
        assert_eq!(v(r.maritime_share(2031)).as_deref(), Some("1"));
        assert_eq!(r.deadline(2021).map(|d| d.0.to_string()).as_deref(), Some("2022-04-30"));
        assert_eq!(r.deadline(2024).map(|d| d.0.to_string()).as_deref(), Some("2025-09-30"));
    }
}
