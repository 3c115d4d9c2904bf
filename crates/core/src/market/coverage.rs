//! What covers each energy's consumption after the allocation ([`Market::coverage`]): calc's
//! table and the app's Scope 2 tab show it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{InstrumentKind, Market};
use crate::classify::Scope2Category;

impl Market {
    /// The share of the consumption each source covers, over every facility (before shares):
    /// for electricity, each instrument kind, the residual mix and the grid average (MWh); for
    /// each of heat, steam and cooling, the supplier's rate and the location-based factor (GJ).
    /// Only energies some facility bought; nothing when a sum is too large to compute exactly
    /// (the totals then say they overflowed).
    pub fn coverage(&self) -> Vec<CoverageShare> {
        self.coverage_checked().unwrap_or_default()
    }

    fn coverage_checked(&self) -> Option<Vec<CoverageShare>> {
        fn total(values: impl Iterator<Item = Decimal>) -> Option<Decimal> {
            values.into_iter().try_fold(Decimal::ZERO, |a, b| a.checked_add(b))
        }
        let mut out = Vec::new();
        let electricity = total(self.by_facility.values().map(|f| f.consumption_mwh))?;
        if !electricity.is_zero() {
            let mut by_kind: BTreeMap<InstrumentKind, Decimal> = BTreeMap::new();
            for f in self.by_facility.values() {
                for (k, v) in &f.covered_mwh {
                    let sum = by_kind.entry(*k).or_default();
                    *sum = sum.checked_add(*v)?;
                }
            }
            let share = |by: CoveredBy, q: Decimal| CoverageShare {
                energy: Scope2Category::Electricity,
                by,
                quantity: q,
                of: electricity,
            };
            out.extend(by_kind.into_iter().map(|(k, v)| share(CoveredBy::Instrument(k), v)));
            let residual = total(self.by_facility.values().map(|f| f.residual_mwh))?;
            let grid = total(self.by_facility.values().map(|f| f.grid_average_mwh))?;
            out.push(share(CoveredBy::ResidualMix, residual));
            out.push(share(CoveredBy::GridAverage, grid));
        }
        for energy in [Scope2Category::Heat, Scope2Category::Steam, Scope2Category::Cooling] {
            let bought =
                total(self.by_facility.values().filter_map(|f| f.other.get(&energy)).map(|o| o.consumption_gj))?;
            if bought.is_zero() {
                continue;
            }
            let rated =
                total(self.by_facility.values().filter_map(|f| f.other.get(&energy)).map(|o| o.supplier_rate_gj))?;
            out.push(CoverageShare { energy, by: CoveredBy::SupplierRate, quantity: rated, of: bought });
            out.push(CoverageShare { energy, by: CoveredBy::LocationBased, quantity: bought - rated, of: bought });
        }
        Some(out)
    }
}

/// What a part of an energy's consumption is at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoveredBy {
    /// Electricity: instruments of a kind.
    Instrument(InstrumentKind),
    ResidualMix,
    GridAverage,
    /// Heat, steam or cooling: a supplier's rate.
    SupplierRate,
    /// Heat, steam or cooling no supplier's rate covers: the line's location-based factor.
    LocationBased,
}

impl CoveredBy {
    /// How calc's table names it.
    pub fn label(self) -> &'static str {
        match self {
            CoveredBy::Instrument(k) => k.as_str(),
            CoveredBy::ResidualMix => "residual mix",
            CoveredBy::GridAverage => "grid average",
            CoveredBy::SupplierRate => "supplier-rate",
            CoveredBy::LocationBased => "location-based factor",
        }
    }
}

/// A part of one energy's consumption and what it is at ([`Market::coverage`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageShare {
    pub energy: Scope2Category,
    pub by: CoveredBy,
    /// MWh of electricity, GJ of the others.
    pub quantity: Decimal,
    /// The energy's whole consumption, in the same unit.
    pub of: Decimal,
}

impl CoverageShare {
    /// The share in percent, two places, half away from zero (zero of nothing is zero); `None`
    /// when the quantity is too large to compute it exactly.
    pub fn percent(&self) -> Option<Decimal> {
        let mut p = if self.of.is_zero() {
            Decimal::ZERO
        } else {
            self.quantity
                .checked_mul(Decimal::ONE_HUNDRED)?
                .checked_div(self.of)?
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        };
        p.rescale(2);
        Some(p)
    }
}
