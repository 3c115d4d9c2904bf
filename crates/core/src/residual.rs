//! The residual mix for market-based Scope 2: the grid's emission rate once the attributes sold
//! as certificates and contracts are taken out (Scope 2 Guidance, section 6.11).
//!
//! A residual mix is a factor of one of [`RESIDUAL_ACTIVITIES`]: the China proxy shipped with the
//! MEE/NBS grid dataset (the national average excluding market-traded non-fossil power), or a
//! file the user loads (`calc --residual-mix`, AIB or Green-e figures in the factor format). It is
//! used only for the period it was published for: never the nearest year in its place.

use rust_decimal::Decimal;

use crate::calc::evaluate;
use crate::gas::GwpSet;
use crate::library::{FactorLibrary, FactorQuery, SelectionRule};
use crate::market::{EnergyUse, Residual};
use crate::unit::{PhysicalUnit, Unit};

/// The activity types whose factors are residual mixes, in order of preference: a user's
/// residual mix file, then the China proxy.
pub const RESIDUAL_ACTIVITIES: &[&str] = &["residual_mix_electricity", "grid_electricity_excl_market_nonfossil"];

/// The residual-mix rate for `u`'s region and period, kg CO2e per MWh under `set`; `None` when
/// no residual mix covers exactly that period, and for heat, steam or cooling (a residual mix is
/// the grid's).
pub fn residual_mix(lib: &FactorLibrary, set: GwpSet, u: &EnergyUse) -> Option<Residual> {
    if u.energy != crate::classify::Scope2Category::Electricity {
        return None;
    }
    let mwh = Unit::Physical(PhysicalUnit::MegawattHour);
    for activity in RESIDUAL_ACTIVITIES {
        let q = FactorQuery {
            activity,
            facility: &u.facility,
            supplier: None,
            region: u.region.as_ref(),
            period: u.period,
            unit: mwh,
            explicit: None,
            sector: None,
            own_ncv: false,
            any_currency: false,
        };
        let Ok(selection) = lib.select(&q) else { continue };
        if !matches!(
            selection.rule,
            SelectionRule::UserSupplied
                | SelectionRule::Region
                | SelectionRule::ParentRegion
                | SelectionRule::GlobalDefault
        ) {
            continue;
        }
        let factor = lib.factor(selection.factor);
        let Ok(e) = evaluate(Decimal::ONE, mwh, factor, None, &lib.gwp, set, None) else { continue };
        return Some(Residual { kg_per_mwh: e.co2e_kg, factor_id: factor.id.clone() });
    }
    None
}
