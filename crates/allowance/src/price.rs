//! `--price`: the price scenarios a position is valued at.
//!
//! Syntax: `[NAME=]AMOUNT[CURRENCY]`, for example `75`, `central=75`, `high=105CNY`,
//! `EUA=80 EUR`. The amount is a plain decimal, not below zero; the currency, when given, must be
//! the scheme's (CNY for cn-ets, EUR for eu-ets); without it the scheme's is meant. A scenario
//! without a name is named after its text.

use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::number::parse_decimal;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PriceScenario {
    pub scenario: String,
    pub price: Decimal,
    pub currency: String,
}

/// Parse every `--price`; each refusal is a diagnostic located at the argument.
pub fn parse_all(texts: &[String], currency: &str) -> Result<Vec<PriceScenario>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for t in texts {
        match parse(t, currency) {
            Ok(p) if out.iter().any(|o: &PriceScenario| o.scenario == p.scenario) => diags.push(Diagnostic::error(
                Code::DuplicateId,
                at(t),
                format!("the scenario '{}' is given twice", p.scenario),
            )),
            Ok(p) => out.push(p),
            Err(d) => diags.push(d),
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

fn at(text: &str) -> Location {
    Location::file(format!("--price {text}"))
}

pub fn parse(text: &str, currency: &str) -> Result<PriceScenario, Diagnostic> {
    let (name, rest) = match text.split_once('=') {
        Some((n, r)) => (Some(n.trim()), r.trim()),
        None => (None, text.trim()),
    };
    if name.is_some_and(str::is_empty) {
        return Err(Diagnostic::error(Code::InvalidValue, at(text), "the scenario name before '=' is empty"));
    }
    let letters = rest.chars().rev().take_while(char::is_ascii_alphabetic).count();
    let (amount, code) = rest.split_at(rest.len() - letters);
    let amount = amount.trim();
    let code = code.to_uppercase();
    let price = parse_decimal(amount).map_err(|why| {
        Diagnostic::error(
            Code::MalformedNumber,
            at(text),
            format!("'{amount}' is not a price: {why}; write [NAME=]AMOUNT[CURRENCY], e.g. central=75{currency}"),
        )
    })?;
    if price < Decimal::ZERO {
        return Err(Diagnostic::error(
            Code::OutOfRange,
            at(text),
            format!("a price cannot be below zero, found {price} {currency}"),
        ));
    }
    if !code.is_empty() && code != currency {
        return Err(Diagnostic::error(
            Code::InvalidValue,
            at(text),
            format!(
                "the price is in {code}, but this scheme's allowances are priced in {currency}; give it in {currency}"
            ),
        ));
    }
    Ok(PriceScenario {
        scenario: name.map_or_else(|| text.trim().to_string(), str::to_string),
        price,
        currency: currency.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_amounts_and_currencies() {
        let p = |t: &str| parse(t, "CNY").map(|p| (p.scenario, p.price.to_string())).map_err(|d| d.to_string());
        assert_eq!(p("75"), Ok(("75".into(), "75".into())));
        assert_eq!(p("central=75.50"), Ok(("central".into(), "75.50".into())));
        assert_eq!(p("high=105CNY"), Ok(("high".into(), "105".into())));
        assert_eq!(p("high = 105 cny"), Ok(("high".into(), "105".into())));
        assert!(p("low=-5").is_err_and(|m| m.starts_with("error[out-of-range] --price low=-5: ")));
        assert!(p("75EUR").is_err_and(|m| m.contains("[invalid-value]") && m.contains("in EUR")));
        assert!(p("=75").is_err());
        assert!(p("central=7,5").is_err_and(|m| m.contains("[malformed-number]")));
        assert!(parse_all(&["75".into(), "75".into()], "CNY").is_err());
    }
}
