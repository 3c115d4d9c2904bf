//! The cheapest mix of offset credits and allowances that closes a gap (decision 0031).
//!
//! For each allowance price scenario: the gap is the shortfall (nothing when there is none);
//! the headroom is the offset cap less the offsets already counted. Where the scenario's offset
//! price is below the allowance price, credits come first, up to the headroom, and allowances
//! close the rest; otherwise allowances close it all. Amounts are exact: tonnes × price.
//!
//! Offset prices (`--offset-price [NAME=]AMOUNT[CURRENCY]`, the `--price` syntax): a named one
//! pairs with the allowance scenario of that name; one without a name applies to every scenario
//! that has no named one. The scenario `last-trade` takes the ledger's last offset trade, unless
//! an offset price is named `last-trade`.

use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use serde::Serialize;

use crate::position::n;
use crate::price::{self, PriceScenario};

/// An offset credit price, with whether it was named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffsetPrice {
    pub named: bool,
    pub price: PriceScenario,
}

/// One way to close the gap at one price scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MixLine {
    pub scenario: String,
    pub currency: String,
    pub allowance_price: Decimal,
    /// `None` when no offset price applies to the scenario.
    pub offset_price: Option<Decimal>,
    pub gap_t: Decimal,
    /// Offset headroom under the cap, before this mix.
    pub headroom_t: Decimal,
    pub offsets_t: Decimal,
    pub allowances_t: Decimal,
    /// offsets × offset price + allowances × allowance price.
    pub amount: Decimal,
    /// What the mix saves against closing the gap with allowances only.
    pub saving: Decimal,
}

/// Parse `--offset-price` arguments; the named ones must name a `--price` scenario.
pub fn parse(
    texts: &[String],
    currency: &str,
    scenarios: &[PriceScenario],
) -> Result<Vec<OffsetPrice>, Vec<Diagnostic>> {
    let mut out: Vec<OffsetPrice> = Vec::new();
    let mut diags = Vec::new();
    for t in texts {
        let at = Location::file(format!("--offset-price {t}"));
        let p = match price::parse(t, currency) {
            Ok(p) => p,
            Err(mut d) => {
                d.location = Location::file(format!("--offset-price {t}"));
                diags.push(d);
                continue;
            }
        };
        let named = t.contains('=');
        if named && !scenarios.iter().any(|s| s.scenario == p.scenario) && p.scenario != "last-trade" {
            let names: Vec<&str> = scenarios.iter().map(|s| s.scenario.as_str()).collect();
            diags.push(Diagnostic::error(
                Code::UnknownRecord,
                at,
                format!(
                    "no --price scenario is named '{}' to pair this offset price with (scenarios: {})",
                    p.scenario,
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                ),
            ));
            continue;
        }
        if out.iter().any(|o| o.named == named && (!named || o.price.scenario == p.scenario)) {
            diags.push(Diagnostic::error(
                Code::DuplicateId,
                at,
                if named {
                    format!("the offset price of scenario '{}' is given twice", p.scenario)
                } else {
                    "an offset price without a name is given twice; name them after their --price scenarios".to_string()
                },
            ));
            continue;
        }
        out.push(OffsetPrice { named, price: p });
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// The offset price for a scenario: its named one, else (for `last-trade`) the ledger's last
/// offset trade, else the unnamed one.
pub fn offset_price_for(scenario: &str, offers: &[OffsetPrice], last_trade: Option<Decimal>) -> Option<Decimal> {
    let named = offers.iter().find(|o| o.named && o.price.scenario == scenario).map(|o| o.price.price);
    let last = last_trade.filter(|_| scenario == "last-trade");
    named.or(last).or_else(|| offers.iter().find(|o| !o.named).map(|o| o.price.price))
}

/// The cheapest mix at every scenario; empty when there is no gap or no price.
pub fn cheapest(
    gap: Decimal,
    headroom: Decimal,
    prices: &[PriceScenario],
    offers: &[OffsetPrice],
    last_trade: Option<Decimal>,
) -> Vec<MixLine> {
    if gap <= Decimal::ZERO {
        return Vec::new();
    }
    let headroom = headroom.max(Decimal::ZERO);
    prices
        .iter()
        .map(|p| {
            let o = offset_price_for(&p.scenario, offers, last_trade);
            let offsets = match o {
                Some(o) if o < p.price => gap.min(headroom),
                _ => Decimal::ZERO,
            };
            let allowances = gap - offsets;
            let cost = |t: Decimal, price: Decimal| t.checked_mul(price).unwrap_or(Decimal::MAX);
            let amount =
                cost(offsets, o.unwrap_or_default()).checked_add(cost(allowances, p.price)).unwrap_or(Decimal::MAX);
            let all = cost(gap, p.price);
            MixLine {
                scenario: p.scenario.clone(),
                currency: p.currency.clone(),
                allowance_price: n(p.price),
                offset_price: o.map(n),
                gap_t: n(gap),
                headroom_t: n(headroom),
                offsets_t: n(offsets),
                allowances_t: n(allowances),
                amount: n(amount),
                saving: n(all - amount),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scen(name: &str, price: i64) -> PriceScenario {
        PriceScenario { scenario: name.into(), price: Decimal::from(price), currency: "CNY".into() }
    }

    #[test]
    fn offsets_first_when_cheaper_up_to_the_headroom() {
        let prices = vec![scen("low", 50), scen("central", 75)];
        let offers = parse(&["central=60".into(), "80".into()], "CNY", &prices).unwrap();
        let m = cheapest(Decimal::from(1000), Decimal::from(400), &prices, &offers, None);
        // low: the unnamed 80 is dearer than 50 → allowances only.
        assert_eq!(
            (m[0].offsets_t, m[0].allowances_t, m[0].amount),
            (Decimal::ZERO, Decimal::from(1000), Decimal::from(50_000))
        );
        // central: 400 × 60 + 600 × 75 = 24,000 + 45,000 = 69,000; saving 75,000 − 69,000.
        assert_eq!(
            (m[1].offsets_t, m[1].amount, m[1].saving),
            (Decimal::from(400), Decimal::from(69_000), Decimal::from(6_000))
        );
        assert!(cheapest(Decimal::ZERO, Decimal::from(400), &prices, &offers, None).is_empty());
        assert!(parse(&["peak=60".into()], "CNY", &prices).is_err());
        assert!(parse(&["60".into(), "61".into()], "CNY", &prices).is_err());
        assert_eq!(offset_price_for("last-trade", &offers, Some(Decimal::from(42))), Some(Decimal::from(42)));
    }
}
