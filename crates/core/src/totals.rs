//! Exact totals of an inventory: per (facility, classification) sums gathered line by line
//! ([`Groups`], with each facility's electricity for market-based Scope 2), and every breakdown
//! derived from them after the organisation's shares ([`Totals`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use crate::activity::Activity;
use crate::boundary::Boundary;
use crate::classify::{Classification, IsoCategory, Scope1Category, Scope2Category, Scope3Category};
use crate::evaluate::Emission;
use crate::gas::Gas;
use crate::market::EnergyUse;

/// Totals of one facility, kg CO2e.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScopeTotals {
    pub scope1: Decimal,
    pub scope2_location: Decimal,
    pub scope2_market: Decimal,
    pub scope3: Decimal,
    pub biogenic_co2: Decimal,
}

/// Every total of an inventory, in kg, exact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub all: ScopeTotals,
    pub by_scope1_category: BTreeMap<Scope1Category, Decimal>,
    pub by_scope2_category: BTreeMap<Scope2Category, Decimal>,
    pub by_scope3_category: BTreeMap<Scope3Category, Decimal>,
    pub by_iso_category: BTreeMap<IsoCategory, Decimal>,
    /// Per gas: (mass kg, CO2e kg).
    pub by_gas: BTreeMap<Gas, (Decimal, Decimal)>,
    pub unspeciated_co2e: Decimal,
    /// Per facility, after the organisation's share.
    pub by_facility: BTreeMap<Arc<str>, ScopeTotals>,
    /// Per facility, its own full emissions (before the share).
    pub own_by_facility: BTreeMap<Arc<str>, ScopeTotals>,
    /// Per facility, the organisation's share in percent.
    pub share_by_facility: BTreeMap<Arc<str>, Decimal>,
    /// Whether any sum overflowed (then the totals are not to be trusted, and an error is raised).
    pub overflowed: bool,
}

pub(crate) fn add_to(total: &mut Decimal, v: Decimal, overflowed: &mut bool) {
    if v.is_zero() {
        return;
    }
    match total.checked_add(v) {
        Some(s) => *total = s,
        None => *overflowed = true,
    }
}

impl ScopeTotals {
    fn add(&mut self, other: &ScopeTotals, o: &mut bool) {
        add_to(&mut self.scope1, other.scope1, o);
        add_to(&mut self.scope2_location, other.scope2_location, o);
        add_to(&mut self.scope2_market, other.scope2_market, o);
        add_to(&mut self.scope3, other.scope3, o);
        add_to(&mut self.biogenic_co2, other.biogenic_co2, o);
    }

    fn line(classification: Classification, e: &Emission) -> ScopeTotals {
        let mut t = ScopeTotals { biogenic_co2: e.biogenic_co2_kg, ..ScopeTotals::default() };
        match classification {
            Classification::Scope1(_) => t.scope1 = e.co2e_kg,
            Classification::Scope2(_) => {
                t.scope2_location = e.co2e_kg;
                // No contractual instruments exist yet: market-based equals the grid average.
                t.scope2_market = e.co2e_kg;
            }
            Classification::Scope3(_) => t.scope3 = e.co2e_kg,
        }
        t
    }
}

impl Totals {
    fn add_line(&mut self, facility: &Arc<str>, classification: Classification, full: &Emission, share: Decimal) {
        let o = &mut self.overflowed;
        let own = ScopeTotals::line(classification, full);
        match self.own_by_facility.get_mut(facility) {
            Some(f) => f.add(&own, o),
            None => {
                self.own_by_facility.insert(Arc::clone(facility), own);
            }
        }
        self.share_by_facility.insert(Arc::clone(facility), share);
        let scaled;
        let e = if share == Decimal::ONE_HUNDRED {
            full
        } else {
            scaled = full.share(share);
            &scaled
        };
        let line = ScopeTotals::line(classification, e);
        self.all.add(&line, o);
        match self.by_facility.get_mut(facility) {
            Some(f) => f.add(&line, o),
            None => {
                self.by_facility.insert(Arc::clone(facility), line);
            }
        }
        match classification {
            Classification::Scope1(c) => add_to(self.by_scope1_category.entry(c).or_default(), e.co2e_kg, o),
            Classification::Scope2(c) => add_to(self.by_scope2_category.entry(c).or_default(), e.co2e_kg, o),
            Classification::Scope3(c) => add_to(self.by_scope3_category.entry(c).or_default(), e.co2e_kg, o),
        }
        add_to(self.by_iso_category.entry(classification.iso_category()).or_default(), e.co2e_kg, o);
        for g in &e.gases {
            let entry = self.by_gas.entry(g.gas).or_default();
            add_to(&mut entry.0, g.mass_kg, o);
            add_to(&mut entry.1, g.co2e_kg, o);
        }
        add_to(&mut self.unspeciated_co2e, e.unspeciated_co2e_kg, o);
    }

    pub(crate) fn merge(&mut self, other: Totals) {
        let o = &mut self.overflowed;
        *o |= other.overflowed;
        self.all.add(&other.all, o);
        for (mine, theirs) in
            [(&mut self.by_facility, other.by_facility), (&mut self.own_by_facility, other.own_by_facility)]
        {
            for (k, v) in theirs {
                match mine.get_mut(&k) {
                    Some(f) => f.add(&v, o),
                    None => {
                        mine.insert(k, v);
                    }
                }
            }
        }
        self.share_by_facility.extend(other.share_by_facility);
        for (k, v) in other.by_scope1_category {
            add_to(self.by_scope1_category.entry(k).or_default(), v, o);
        }
        for (k, v) in other.by_scope2_category {
            add_to(self.by_scope2_category.entry(k).or_default(), v, o);
        }
        for (k, v) in other.by_scope3_category {
            add_to(self.by_scope3_category.entry(k).or_default(), v, o);
        }
        for (k, v) in other.by_iso_category {
            add_to(self.by_iso_category.entry(k).or_default(), v, o);
        }
        for (k, (m, c)) in other.by_gas {
            let e = self.by_gas.entry(k).or_default();
            add_to(&mut e.0, m, o);
            add_to(&mut e.1, c, o);
        }
        add_to(&mut self.unspeciated_co2e, other.unspeciated_co2e, o);
    }
}

/// Per-(facility, classification) sums, gathered line by line; every breakdown of [`Totals`] is
/// derived from them once at the end, so each line costs a handful of additions.
#[derive(Clone, Debug, Default)]
pub(crate) struct Groups {
    pub(crate) index: HashMap<(usize, Classification), usize>,
    pub(crate) groups: Vec<(Arc<str>, Classification, Emission)>,
    /// Electricity used per (facility, region, period), for market-based Scope 2.
    pub(crate) energy_uses: Vec<EnergyUse>,
    pub(crate) energy_index: HashMap<(usize, Scope2Category, usize, crate::period::Period), usize>,
    pub(crate) overflowed: bool,
}

impl Groups {
    pub(crate) fn add(&mut self, facility: &Arc<str>, classification: Classification, e: &Emission) {
        let key = (Arc::as_ptr(facility).cast::<u8>() as usize, classification);
        let slot = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                self.groups.push((Arc::clone(facility), classification, Emission::default()));
                self.index.insert(key, self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        self.add_to_slot(slot, e);
    }

    /// Record `quantity` of `energy` (MWh of electricity, GJ of heat, steam or cooling; its
    /// location-based CO2e `co2e_kg`) bought by `a`'s facility.
    pub(crate) fn add_energy(&mut self, a: &Activity, energy: Scope2Category, quantity: Decimal, co2e_kg: Decimal) {
        let key = (
            Arc::as_ptr(&a.facility).cast::<u8>() as usize,
            energy,
            a.region.as_ref().map_or(0, |r| Arc::as_ptr(r) as usize),
            a.period,
        );
        let slot = match self.energy_index.get(&key) {
            Some(&i) => i,
            None => {
                self.energy_uses.push(EnergyUse {
                    facility: Arc::clone(&a.facility),
                    energy,
                    region: a.region.as_deref().cloned(),
                    period: a.period,
                    quantity: Decimal::ZERO,
                    location_co2e_kg: Decimal::ZERO,
                });
                self.energy_index.insert(key, self.energy_uses.len() - 1);
                self.energy_uses.len() - 1
            }
        };
        let u = &mut self.energy_uses[slot];
        add_to(&mut u.quantity, quantity, &mut self.overflowed);
        add_to(&mut u.location_co2e_kg, co2e_kg, &mut self.overflowed);
    }

    pub(crate) fn add_to_slot(&mut self, slot: usize, e: &Emission) {
        let g = &mut self.groups[slot].2;
        let o = &mut self.overflowed;
        add_to(&mut g.co2e_kg, e.co2e_kg, o);
        add_to(&mut g.biogenic_co2_kg, e.biogenic_co2_kg, o);
        add_to(&mut g.unspeciated_co2e_kg, e.unspeciated_co2e_kg, o);
        for m in &e.gases {
            match g.gases.iter_mut().find(|x| x.gas == m.gas) {
                Some(x) => {
                    add_to(&mut x.mass_kg, m.mass_kg, o);
                    add_to(&mut x.co2e_kg, m.co2e_kg, o);
                }
                None => g.gases.push(*m),
            }
        }
    }

    pub(crate) fn totals(&self, boundary: &Boundary) -> Totals {
        let mut t = Totals { overflowed: self.overflowed, ..Totals::default() };
        for (facility, classification, e) in &self.groups {
            t.add_line(facility, *classification, e, boundary.share(facility));
        }
        t
    }

    /// Append `other`'s sums (its facility names are other allocations of the same strings).
    pub(crate) fn merge(&mut self, other: Groups) {
        self.overflowed |= other.overflowed;
        for (facility, classification, e) in &other.groups {
            let found = self.groups.iter().position(|(f, c, _)| f == facility && c == classification);
            let slot = match found {
                Some(i) => i,
                None => {
                    self.groups.push((Arc::clone(facility), *classification, Emission::default()));
                    self.index
                        .insert((Arc::as_ptr(facility).cast::<u8>() as usize, *classification), self.groups.len() - 1);
                    self.groups.len() - 1
                }
            };
            self.add_to_slot(slot, e);
        }
        for u in other.energy_uses {
            let found = self.energy_uses.iter_mut().find(|x| {
                x.facility == u.facility && x.energy == u.energy && x.region == u.region && x.period == u.period
            });
            match found {
                Some(x) => {
                    add_to(&mut x.quantity, u.quantity, &mut self.overflowed);
                    add_to(&mut x.location_co2e_kg, u.location_co2e_kg, &mut self.overflowed);
                }
                // Merged groups take no more lines, so the pointer index is not needed for it.
                None => self.energy_uses.push(u),
            }
        }
    }
}
