//! Pieces shared by the plan files: a decimal written as text, a figure's source, year choices.

use rust_decimal::Decimal;
use scopebook_core::number::parse_decimal;
use serde::{Deserialize, Serialize};

/// A decimal written as a TOML string (`"0.877"`), never as a TOML float: a float would pass
/// through binary floating point before it reached us.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Dec(pub Decimal);

impl TryFrom<String> for Dec {
    type Error = String;
    fn try_from(text: String) -> Result<Dec, String> {
        parse_decimal(&text).map(Dec).map_err(|why| format!("'{text}' is not a plain decimal: {why}"))
    }
}

/// Where a figure or rule comes from, and whether it was confirmed in the plan document itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sourced {
    pub source: String,
    pub verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Sourced {
    pub fn new(source: String, verified: bool, note: Option<String>) -> Sourced {
        Sourced { source, verified, note }
    }
}

/// Which years a rule covers: a list (`years = [2021]`), or a range (`from = 2034`, optional `to`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Years {
    List(Vec<i32>),
    From { from: i32, to: Option<i32> },
}

impl Years {
    pub fn from_fields(years: Option<Vec<i32>>, from: Option<i32>, to: Option<i32>) -> Result<Years, String> {
        match (years, from) {
            (Some(list), None) if !list.is_empty() && to.is_none() => Ok(Years::List(list)),
            (None, Some(from)) if to.is_none_or(|t| t >= from) => Ok(Years::From { from, to }),
            _ => Err("give either `years = [...]` or `from = YEAR` (with an optional `to = YEAR`)".to_string()),
        }
    }

    pub fn contains(&self, year: i32) -> bool {
        match self {
            Years::List(list) => list.contains(&year),
            Years::From { from, to } => year >= *from && to.is_none_or(|t| year <= t),
        }
    }
}
