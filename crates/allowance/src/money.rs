//! Money: a shortfall valued at each price scenario, and the penalty exposure if it is not closed.

use rust_decimal::Decimal;

use crate::plan::{PenaltyKind, Plan};
use crate::position::{n, PenaltyExposure, Value};
use crate::price::PriceScenario;

/// shortfall × price for each scenario: positive = the cost of closing the gap, negative = what
/// selling the surplus would bring.
pub fn values(shortfall: Decimal, prices: &[PriceScenario]) -> Vec<Value> {
    prices
        .iter()
        .map(|p| Value {
            scenario: p.scenario.clone(),
            price: n(p.price),
            currency: p.currency.clone(),
            amount: n(shortfall.checked_mul(p.price).unwrap_or(Decimal::MAX)),
        })
        .collect()
}

/// China: the plan's penalty for the tonnes still owed. A fixed fine is its range; a multiple of
/// the price is `low` × the lowest scenario price to `high` × the highest, per tonne owed (the
/// scenarios stand for the average price of the month before the deadline). `None` when the
/// plan has no penalty, or when a price multiple is owed and no price is given.
pub fn cn_penalty(
    plan: &Plan,
    shortfall: Decimal,
    prices: &[PriceScenario],
    notes: &mut Vec<String>,
) -> Option<PenaltyExposure> {
    let p = plan.penalty.as_ref()?;
    let owed = shortfall.max(Decimal::ZERO);
    let none = owed.is_zero();
    let currency = plan.currency.clone();
    match p.kind {
        PenaltyKind::Fixed => Some(PenaltyExposure {
            low: if none { Decimal::ZERO } else { n(p.low) },
            high: if none { Decimal::ZERO } else { n(p.high) },
            currency,
            owed_t: n(owed),
            basis: format!(
                "a fine of {}–{} {}; the tonnes owed are deducted from the next allocation",
                n(p.low),
                n(p.high),
                plan.currency
            ),
        }),
        PenaltyKind::PriceMultiple => {
            let lowest = prices.iter().map(|s| s.price).min();
            let highest = prices.iter().map(|s| s.price).max();
            let basis = format!("{}–{} × the price per tonne owed (lowest and highest --price)", n(p.low), n(p.high));
            if none {
                return Some(PenaltyExposure {
                    low: Decimal::ZERO,
                    high: Decimal::ZERO,
                    currency,
                    owed_t: n(owed),
                    basis,
                });
            }
            let (Some(lo), Some(hi)) = (lowest, highest) else {
                let text = "the penalty is a multiple of the price: give --price to see its range".to_string();
                if !notes.contains(&text) {
                    notes.push(text);
                }
                return None;
            };
            let low = p.low.checked_mul(lo).and_then(|v| v.checked_mul(owed)).unwrap_or(Decimal::MAX);
            let high = p.high.checked_mul(hi).and_then(|v| v.checked_mul(owed)).unwrap_or(Decimal::MAX);
            Some(PenaltyExposure { low: n(low), high: n(high), currency, owed_t: n(owed), basis })
        }
    }
}

/// EU: the year's excess-emissions penalty per tonne owed (and the allowances stay owed).
pub fn eu_penalty(per_t: Decimal, owed: Decimal, currency: &str) -> PenaltyExposure {
    let amount = n(per_t.checked_mul(owed).unwrap_or(Decimal::MAX));
    PenaltyExposure {
        low: amount,
        high: amount,
        currency: currency.to_string(),
        owed_t: n(owed),
        basis: format!("{} {currency} per tonne of excess emissions; the allowances stay owed", n(per_t)),
    }
}
