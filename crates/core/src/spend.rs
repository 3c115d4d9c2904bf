//! Spend-based lines in another currency or year than their factor's (decision 0035): the
//! amount is converted at the line's exchange rate (the reporting year's), then deflated to the
//! factor's price year with the line's price index. Both are steps of the line's lineage. A rate
//! or index that is needed and missing makes the line unresolved; none is ever guessed.
//!
//! Also the attribution of a category-15 line (an equity share, or PCAF's outstanding ÷ EVIC).
//!
//! **Architecture invariant:** no IO; exact decimals; a division that does not terminate is
//! rounded to 28 significant digits and its step says `exact: false`.

use rust_decimal::Decimal;

use crate::activity::Scope3Details;
use crate::diagnostic::Code;
use crate::evaluate::{EvalError, Step};
use crate::factor::Factor;
use crate::unit::Unit;

fn error(code: Code, column: &'static str, message: String) -> EvalError {
    EvalError { code, column, message }
}

/// `amount ÷ by`, with whether it is exact, checked on the integer mantissas (a product rounded
/// back to the amount would hide a rounded quotient); `None` on overflow or a zero divisor.
pub fn divide(amount: Decimal, by: Decimal) -> Option<(Decimal, bool)> {
    let q = amount.checked_div(by)?;
    Some((q, crate::unit::exactly_equal_products(q, by, amount, Decimal::ONE)))
}

/// Money of `from_year` in the prices of the year whose level is 1: amount ÷ index.
pub fn deflate(amount: Decimal, index: Decimal) -> Option<(Decimal, bool)> {
    divide(amount, index)
}

/// The inverse of [`deflate`]: amount × index.
pub fn inflate(amount: Decimal, index: Decimal) -> Option<Decimal> {
    amount.checked_mul(index)
}

/// The quantity of a money line expressed in `factor`'s currency and price year (`price_year`,
/// from its dataset's metadata), recording the steps; other lines are returned as they are.
pub fn to_factor_money(
    quantity: Decimal,
    unit: Unit,
    own: Option<&Scope3Details>,
    factor: &Factor,
    price_year: Option<i32>,
    steps: &mut Option<&mut Vec<Step>>,
) -> Result<(Decimal, Unit), EvalError> {
    let (Unit::Money(currency, scale), Unit::Money(factor_currency, _)) = (unit, factor.unit) else {
        return Ok((quantity, unit));
    };
    let none = Scope3Details::default();
    let own = own.unwrap_or(&none);
    let overflow = || error(Code::Overflow, "quantity", "the figures are too large to compute exactly".into());
    let mut record = |s: Step| {
        if let Some(v) = steps.as_deref_mut() {
            v.push(s);
        }
    };
    let mut amount = quantity;
    if currency != factor_currency {
        let Some(rate) = own.exchange_rate else {
            return Err(error(
                Code::MissingExchangeRate,
                "exchange_rate",
                format!(
                    "the line is in {currency} but factor '{}' is per {factor_currency}: give exchange_rate, {currency} per 1 {factor_currency} at the reporting year's rate (a rate is never assumed)",
                    factor.id
                ),
            ));
        };
        let (to, exact) = divide(amount, rate).ok_or_else(overflow)?;
        record(Step::ExchangeRate {
            from_amount: amount,
            from_unit: unit,
            rate,
            rate_basis: format!("{currency} per {factor_currency}"),
            year: own.currency_year,
            to_amount: to,
            to_unit: Unit::Money(factor_currency, scale),
            exact,
        });
        amount = to;
    } else if own.exchange_rate.is_some() {
        return Err(error(
            Code::InvalidValue,
            "exchange_rate",
            format!(
                "the line is already in {factor_currency}, the currency of factor '{}'; leave exchange_rate empty",
                factor.id
            ),
        ));
    }
    let unit = Unit::Money(factor_currency, scale);
    let Some(to_year) = price_year else {
        if own.price_index.is_some() {
            return Err(error(
                Code::InvalidValue,
                "price_index",
                format!(
                    "factor '{}' has no price year (its dataset's metadata gives no price_year), so no price index can be applied; leave price_index empty, or use a factor whose dataset states its price year",
                    factor.id
                ),
            ));
        }
        return Ok((amount, unit));
    };
    match (own.currency_year, own.price_index) {
        // The convention since spend factors shipped: an amount in the factor's own currency
        // without a year is in the factor's price year (the dataset's notes say so).
        (None, None) if currency == factor_currency => Ok((amount, unit)),
        (None, _) => Err(error(
            Code::MissingValue,
            "currency_year",
            format!(
                "factor '{}' is per {to_year} {factor_currency}: give currency_year, the year of the line's money, so that it can be brought to {to_year} prices",
                factor.id
            ),
        )),
        (Some(year), Some(_)) if year == to_year => Err(error(
            Code::InvalidValue,
            "price_index",
            format!(
                "the line's money is of {year}, factor '{}''s price year, so no price index applies; leave price_index empty",
                factor.id
            ),
        )),
        (Some(year), None) if year == to_year => Ok((amount, unit)),
        (Some(year), None) => Err(error(
            Code::MissingPriceIndex,
            "price_index",
            format!(
                "the line's money is of {year} but factor '{}' is per {to_year} {factor_currency}: give price_index, the {factor_currency} price level of {year} relative to {to_year} (above 1 when prices rose; an index is never assumed)",
                factor.id
            ),
        )),
        (Some(year), Some(index)) => {
            let (to, exact) = deflate(amount, index).ok_or_else(overflow)?;
            record(Step::PriceIndex {
                from_amount: amount,
                unit,
                from_year: year,
                to_year,
                index,
                to_amount: to,
                exact,
            });
            Ok((to, unit))
        }
    }
}

/// A category-15 line's share of its investee: quantity × attribution.
pub fn attribute(
    quantity: Decimal,
    unit: Unit,
    attribution: Decimal,
    steps: &mut Option<&mut Vec<Step>>,
) -> Result<Decimal, EvalError> {
    let to = quantity
        .checked_mul(attribution)
        .ok_or_else(|| error(Code::Overflow, "quantity", "the figures are too large to compute exactly".into()))?;
    if let Some(v) = steps.as_deref_mut() {
        v.push(Step::Attribution { from_quantity: quantity, unit, attribution, to_quantity: to });
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::FactorLibrary;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn useeio() -> (FactorLibrary, usize) {
        let lib = FactorLibrary::shipped().0;
        let i = lib.factors().iter().position(|f| f.id == "epa-useeio.1.3.0.334111").unwrap();
        (lib, i)
    }

    fn details(year: Option<i32>, rate: Option<&str>, index: Option<&str>) -> Scope3Details {
        Scope3Details {
            currency_year: year,
            exchange_rate: rate.map(d),
            price_index: index.map(d),
            ..Scope3Details::default()
        }
    }

    #[test]
    fn the_shipped_spend_factors_state_their_price_year() {
        let (lib, i) = useeio();
        assert_eq!(lib.price_year(lib.factor(i)), Some(2022));
    }

    /// 1,000,000 CNY of 2023 at 7.0 CNY per USD is 142,857.142… USD of 2023; at a 2023/2022
    /// price level of 1.25 it is 114,285.714… USD of 2022. An inverted rate (× 7.0) would give
    /// 7,000,000 USD, an inverted index (× 1.25) 178,571.43: both fail here.
    #[test]
    fn cny_of_2023_is_converted_then_deflated_and_an_inverted_ratio_is_caught() {
        let (lib, i) = useeio();
        let f = lib.factor(i);
        let cny = Unit::parse("CNY").unwrap();
        let own = details(Some(2023), Some("7.0"), Some("1.25"));
        let mut steps = Vec::new();
        let (usd, unit) = to_factor_money(d("1000000"), cny, Some(&own), f, Some(2022), &mut Some(&mut steps)).unwrap();
        assert_eq!(unit, Unit::parse("USD").unwrap());
        assert_eq!(usd.round_dp(6), d("114285.714286"));
        assert!(usd < d("142857.15") && usd > d("114285.71"), "converted at 1/7, then deflated by 1/1.25");
        assert_eq!(steps.len(), 2);
        assert!(matches!(steps[0], Step::ExchangeRate { exact: false, .. }));
        assert!(matches!(&steps[1], Step::PriceIndex { from_year: 2023, to_year: 2022, .. }));
        // Exact figures: 700 CNY at 7 → 100 USD (2023) → 80 USD (2022).
        let (usd, _) = to_factor_money(d("700"), cny, Some(&own), f, Some(2022), &mut None).unwrap();
        assert_eq!(usd, d("80"));
    }

    #[test]
    fn a_missing_rate_or_index_is_never_guessed() {
        let (lib, i) = useeio();
        let f = lib.factor(i);
        let cny = Unit::parse("CNY").unwrap();
        let usd = Unit::parse("USD").unwrap();
        let code = |unit: Unit, own: Scope3Details| {
            to_factor_money(d("100"), unit, Some(&own), f, Some(2022), &mut None).err().map(|e| (e.code, e.column))
        };
        assert_eq!(
            code(cny, details(Some(2023), None, Some("1.04"))),
            Some((Code::MissingExchangeRate, "exchange_rate"))
        );
        assert_eq!(code(usd, details(Some(2023), None, None)), Some((Code::MissingPriceIndex, "price_index")));
        assert_eq!(code(cny, details(None, Some("7"), None)), Some((Code::MissingValue, "currency_year")));
        assert_eq!(code(usd, details(Some(2022), None, Some("1"))), Some((Code::InvalidValue, "price_index")));
        assert_eq!(code(usd, details(None, Some("1"), None)), Some((Code::InvalidValue, "exchange_rate")));
        // In the factor's currency and price year: nothing to do, no step.
        assert_eq!(code(usd, details(Some(2022), None, None)), None);
        assert_eq!(code(usd, details(None, None, None)), None);
        // A factor with no price year takes no index.
        let e = to_factor_money(d("1"), usd, Some(&details(Some(2023), None, Some("1.1"))), f, None, &mut None);
        assert_eq!(e.err().map(|e| e.code), Some(Code::InvalidValue));
    }

    #[test]
    fn attribution_multiplies_the_investee_figure() {
        let mut steps = Vec::new();
        let t = Unit::parse("t").unwrap();
        assert_eq!(attribute(d("50000"), t, d("0.25"), &mut Some(&mut steps)).unwrap(), d("12500.00"));
        assert_eq!(steps.len(), 1);
    }
}
