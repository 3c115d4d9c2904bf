//! The calculation: activity → factor → unit conversion → mass of each gas → CO2e → totals.
//!
//! **Architecture invariant:** this module does no IO. It takes validated activities and a
//! factor library and returns values; every figure it produces carries its lineage.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::activity::{Activity, ParameterSource, Parameters};
use crate::boundary::Boundary;
use crate::classify::{Classification, IsoCategory, Scope1Category, Scope2Category, Scope3Category};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::factor::{Factor, Method};
use crate::gas::{Gas, GwpSet, GwpTable, Species};
use crate::library::{FactorLibrary, FactorQuery, Selection, SelectionRule};
use crate::market::{self, ElectricityUse, Instrument, Market};
use crate::number::hold_mass;
use crate::unit::{Dimension, PhysicalUnit, Unit};

/// One step of a line's calculation, kept so an auditor can redo it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// The activity quantity expressed in the factor's unit.
    ConvertUnit {
        from_quantity: Decimal,
        from_unit: Unit,
        ratio: Decimal,
        to_quantity: Decimal,
        to_unit: Unit,
        exact: bool,
    },
    /// Quantity × net calorific value = energy.
    CalorificValue {
        quantity: Decimal,
        unit: Unit,
        ncv_gj_per_unit: Decimal,
        energy_gj: Decimal,
        /// Present when the value is the record's own, beside the factor's default.
        #[serde(skip_serializing_if = "Option::is_none")]
        record: Option<RecordValue>,
    },
    /// The activity is already energy: the factor's calorific value (per its own unit) is not
    /// applied.
    EnergyInput { energy: Decimal, unit: Unit, factor_ncv_gj_per_unit: Decimal, factor_unit: Unit },
    /// Energy × carbon content × oxidation = carbon oxidised; × 44/12 = CO2.
    CarbonChain {
        energy_gj: Decimal,
        carbon_t_per_gj: Decimal,
        oxidation: Decimal,
        carbon_t: Decimal,
        co2_kg: Decimal,
        #[serde(skip_serializing_if = "Option::is_none")]
        carbon_from_record: Option<RecordValue>,
        #[serde(skip_serializing_if = "Option::is_none")]
        oxidation_from_record: Option<RecordValue>,
        /// The factor's own CO2 figure (kg per basis unit) that the record's carbon chain replaces.
        #[serde(skip_serializing_if = "Option::is_none")]
        replaces_co2_kg_per_unit: Option<Decimal>,
    },
    /// Basis amount × kg of gas per unit = mass of the gas.
    GasFactor { gas: String, basis: Decimal, basis_unit: Unit, kg_per_unit: Decimal, mass_kg: Decimal },
    /// A blend's mass split into its component gases.
    BlendComponent { blend: String, gas: Gas, mass_fraction: Decimal, mass_kg: Decimal },
    /// Mass × GWP = CO2e.
    Gwp { gas: Gas, mass_kg: Decimal, gwp: Decimal, co2e_kg: Decimal },
    /// A CO2e-only factor: basis amount × kg CO2e per unit.
    Co2eFactor { basis: Decimal, basis_unit: Unit, kg_co2e_per_unit: Decimal, published_with: GwpSet, co2e_kg: Decimal },
    /// Biogenic CO2, reported outside the scopes.
    Biogenic { basis: Decimal, basis_unit: Unit, kg_per_unit: Decimal, co2_kg: Decimal },
}

/// A parameter taken from the record instead of the factor: how the record's figure was
/// obtained, and the factor's default it replaces (shown side by side in the lineage).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordValue {
    /// `measured`, `calculated`, `default`, or `unstated` when the record does not say.
    pub source: &'static str,
    /// The factor's default, in the factor's own unit; `None` when the factor has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor_default: Option<Decimal>,
}

impl RecordValue {
    fn new(own: &Parameters, factor_default: Option<Decimal>) -> RecordValue {
        RecordValue { source: own.source.map_or("unstated", ParameterSource::as_str), factor_default }
    }
}

/// The masses a line emits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Emission {
    /// Mass of each gas, kg, with its CO2e, kg.
    pub gases: Vec<GasMass>,
    /// CO2e from a CO2e-only factor, which cannot be split by gas.
    pub unspeciated_co2e_kg: Decimal,
    pub co2e_kg: Decimal,
    pub biogenic_co2_kg: Decimal,
}

impl Emission {
    /// `share` percent of these emissions, exact.
    pub fn share(&self, share: Decimal) -> Emission {
        let part = |v: Decimal| v * share / Decimal::ONE_HUNDRED;
        Emission {
            gases: self
                .gases
                .iter()
                .map(|g| GasMass { gas: g.gas, mass_kg: part(g.mass_kg), gwp: g.gwp, co2e_kg: part(g.co2e_kg) })
                .collect(),
            unspeciated_co2e_kg: part(self.unspeciated_co2e_kg),
            co2e_kg: part(self.co2e_kg),
            biogenic_co2_kg: part(self.biogenic_co2_kg),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct GasMass {
    pub gas: Gas,
    pub mass_kg: Decimal,
    pub gwp: Decimal,
    pub co2e_kg: Decimal,
}

/// Why a line could not be computed once its factor was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub code: Code,
    /// The activity column the problem is in.
    pub column: &'static str,
    pub message: String,
}

fn overflow() -> EvalError {
    EvalError {
        code: Code::Overflow,
        column: "quantity",
        message: "the figures are too large to compute exactly".into(),
    }
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, EvalError> {
    a.checked_mul(b).ok_or_else(overflow)
}

fn convert(quantity: Decimal, from: Unit, to: Unit) -> Result<crate::unit::Converted, EvalError> {
    from.convert(quantity, to).map_err(|e| EvalError {
        code: if matches!(e, crate::unit::UnitError::Overflow) { Code::Overflow } else { Code::UnitMismatch },
        column: "quantity",
        message: e.to_string(),
    })
}

fn parameter_error(column: &'static str, message: String) -> EvalError {
    EvalError { code: Code::InvalidValue, column, message }
}

/// Compute the emissions of `quantity` `unit` under `factor`, with the record's own fuel
/// parameters `own` replacing the factor's defaults, recording steps when asked.
pub fn evaluate(
    quantity: Decimal,
    unit: Unit,
    factor: &Factor,
    own: Option<&Parameters>,
    gwp: &GwpTable,
    set: GwpSet,
    mut steps: Option<&mut Vec<Step>>,
) -> Result<Emission, EvalError> {
    let mut record = |s: Step| {
        if let Some(v) = steps.as_deref_mut() {
            v.push(s);
        }
    };
    let gj = Unit::Physical(PhysicalUnit::Gigajoule);
    let own_ncv = own.and_then(|p| p.ncv_gj_per_unit);
    let factor_basis = factor.basis_unit();
    let energy_based = factor_basis.dimension() == Dimension::Energy;
    let convert_recorded = |from_quantity: Decimal, from: Unit, to: Unit, record: &mut dyn FnMut(Step)| {
        let c = convert(from_quantity, from, to)?;
        if from != to {
            record(Step::ConvertUnit {
                from_quantity,
                from_unit: from,
                ratio: c.ratio,
                to_quantity: c.value,
                to_unit: to,
                exact: c.exact,
            });
        }
        Ok::<Decimal, EvalError>(c.value)
    };
    let (basis, basis_unit) = if unit.dimension() == factor.unit.dimension() && own_ncv.is_none() {
        // The usual path: into the factor's unit, then through its calorific value if it has one.
        let converted = convert_recorded(quantity, unit, factor.unit, &mut record)?;
        match factor.ncv_gj_per_unit {
            Some(ncv) => {
                let energy = mul(converted, ncv)?;
                record(Step::CalorificValue {
                    quantity: converted,
                    unit: factor.unit,
                    ncv_gj_per_unit: ncv,
                    energy_gj: energy,
                    record: None,
                });
                (energy, gj)
            }
            None => (converted, factor.unit),
        }
    } else if energy_based && unit.dimension() == Dimension::Energy {
        if own_ncv.is_some() {
            return Err(parameter_error(
                "ncv_gj_per_unit",
                format!("the quantity is already energy ({unit}); a calorific value does not apply to it"),
            ));
        }
        let energy = convert_recorded(quantity, unit, factor_basis, &mut record)?;
        if let Some(ncv) = factor.ncv_gj_per_unit {
            record(Step::EnergyInput {
                energy,
                unit: factor_basis,
                factor_ncv_gj_per_unit: ncv,
                factor_unit: factor.unit,
            });
        }
        (energy, factor_basis)
    } else if let (Some(ncv), true) = (own_ncv, energy_based) {
        let energy_gj = mul(quantity, ncv)?;
        let default = factor.ncv_gj_per_unit.filter(|_| factor.unit == unit);
        record(Step::CalorificValue {
            quantity,
            unit,
            ncv_gj_per_unit: ncv,
            energy_gj,
            record: own.map(|p| RecordValue::new(p, default)),
        });
        (convert_recorded(energy_gj, gj, factor_basis, &mut record)?, factor_basis)
    } else if own_ncv.is_some() {
        return Err(parameter_error(
            "ncv_gj_per_unit",
            format!(
                "factor '{}' gives figures per {}, not per unit of energy: a calorific value does not apply to it",
                factor.id, factor.unit
            ),
        ));
    } else {
        // Not reached through selection, which only picks a factor that accepts the unit.
        convert(quantity, unit, factor.unit)?;
        return Err(EvalError {
            code: Code::UnitMismatch,
            column: "quantity",
            message: format!("{unit} cannot be converted into {}", factor.unit),
        });
    };

    let mut out = Emission::default();
    let mut masses: Vec<(Gas, Decimal)> = Vec::with_capacity(4);
    match &factor.method {
        Method::PerGas { gases, carbon } => {
            let own_carbon = own.and_then(|p| p.carbon_t_per_gj);
            let own_oxidation = own.and_then(|p| p.oxidation);
            let factor_co2 = gases.iter().find(|(g, _)| *g == Species::Gas(Gas::Co2)).map(|(_, v)| *v);
            let chain = match (carbon, own_carbon, own_oxidation) {
                (Some(c), _, _) => {
                    Some((own_carbon.unwrap_or(c.carbon_t_per_gj), own_oxidation.unwrap_or(c.oxidation)))
                }
                (None, Some(c), Some(o)) => Some((c, o)),
                (None, None, None) => None,
                (None, _, _) => {
                    let (column, missing) = if own_carbon.is_some() {
                        ("oxidation", "oxidation")
                    } else {
                        ("carbon_t_per_gj", "carbon_t_per_gj")
                    };
                    return Err(parameter_error(
                        column,
                        format!("factor '{}' has no carbon chain of its own: give both carbon_t_per_gj and oxidation to compute CO2 from the fuel's carbon ({missing} is empty), or neither", factor.id),
                    ));
                }
            };
            let replaces = carbon.is_none() && chain.is_some();
            if let Some((carbon_t_per_gj, oxidation)) = chain {
                let energy_gj = if basis_unit == gj {
                    basis
                } else {
                    basis_unit
                        .convert(basis, gj)
                        .map_err(|e| EvalError {
                            code: Code::UnitMismatch,
                            column: "quantity",
                            message: format!("the carbon chain needs energy: {e}"),
                        })?
                        .value
                };
                let carbon_t = mul(mul(energy_gj, carbon_t_per_gj)?, oxidation)?;
                // t C × 1000 kg/t × 44/12 kg CO2 per kg C: divide last, so only one rounding.
                let co2_kg = hold_mass(
                    mul(carbon_t, Decimal::from(44_000))?.checked_div(Decimal::from(12)).ok_or_else(overflow)?,
                );
                let from_record = |given: Option<Decimal>, default: Option<Decimal>| {
                    given.and(own).map(|p| RecordValue::new(p, default))
                };
                record(Step::CarbonChain {
                    energy_gj,
                    carbon_t_per_gj,
                    oxidation,
                    carbon_t,
                    co2_kg,
                    carbon_from_record: from_record(own_carbon, carbon.map(|c| c.carbon_t_per_gj)),
                    oxidation_from_record: from_record(own_oxidation, carbon.map(|c| c.oxidation)),
                    replaces_co2_kg_per_unit: if replaces { factor_co2 } else { None },
                });
                masses.push((Gas::Co2, co2_kg));
            }
            for (species, kg_per_unit) in gases {
                if replaces && *species == Species::Gas(Gas::Co2) {
                    continue;
                }
                let mass = hold_mass(mul(basis, *kg_per_unit)?);
                match species {
                    Species::Gas(g) => {
                        record(Step::GasFactor {
                            gas: g.name().to_string(),
                            basis,
                            basis_unit,
                            kg_per_unit: *kg_per_unit,
                            mass_kg: mass,
                        });
                        masses.push((*g, mass));
                    }
                    Species::Blend(i) => {
                        let blend = gwp.blend(*i).ok_or_else(|| EvalError {
                            code: Code::UnknownGas,
                            column: "activity",
                            message: "unknown blend".into(),
                        })?;
                        record(Step::GasFactor {
                            gas: blend.name.clone(),
                            basis,
                            basis_unit,
                            kg_per_unit: *kg_per_unit,
                            mass_kg: mass,
                        });
                        for &(g, fraction) in &blend.components {
                            let part = hold_mass(mul(mass, fraction)?);
                            record(Step::BlendComponent {
                                blend: blend.name.clone(),
                                gas: g,
                                mass_fraction: fraction,
                                mass_kg: part,
                            });
                            masses.push((g, part));
                        }
                    }
                }
            }
        }
        Method::Co2e { kg_per_unit, basis: published_with } => {
            if let Some(column) =
                own.and_then(|p| p.carbon_t_per_gj.map(|_| "carbon_t_per_gj").or(p.oxidation.map(|_| "oxidation")))
            {
                return Err(parameter_error(
                    column,
                    format!(
                        "factor '{}' gives CO2e only: a carbon content or oxidation does not apply to it",
                        factor.id
                    ),
                ));
            }
            let co2e = hold_mass(mul(basis, *kg_per_unit)?);
            record(Step::Co2eFactor {
                basis,
                basis_unit,
                kg_co2e_per_unit: *kg_per_unit,
                published_with: *published_with,
                co2e_kg: co2e,
            });
            out.unspeciated_co2e_kg = co2e;
            out.co2e_kg = co2e;
        }
    }
    for (gas, mass_kg) in masses {
        let Some(g) = gwp.gwp(gas, set) else {
            return Err(EvalError {
                code: Code::MissingGwp,
                column: "activity",
                message: format!("{gas} has no 100-year GWP in {set}; choose another GWP set or another factor"),
            });
        };
        let co2e_kg = mul(mass_kg, g)?;
        record(Step::Gwp { gas, mass_kg, gwp: g, co2e_kg });
        out.co2e_kg = out.co2e_kg.checked_add(co2e_kg).ok_or_else(overflow)?;
        match out.gases.iter_mut().find(|m| m.gas == gas) {
            Some(m) => {
                m.mass_kg += mass_kg;
                m.co2e_kg += co2e_kg;
            }
            None => out.gases.push(GasMass { gas, mass_kg, gwp: g, co2e_kg }),
        }
    }
    if let Some(b) = factor.biogenic_co2_kg {
        let co2_kg = hold_mass(mul(basis, b)?);
        record(Step::Biogenic { basis, basis_unit, kg_per_unit: b, co2_kg });
        out.biogenic_co2_kg = co2_kg;
    }
    Ok(out)
}

/// The factor a line used, as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactorUse {
    pub id: String,
    pub dataset: String,
    pub edition: String,
    pub dataset_sha256: String,
    pub source: String,
    pub region: String,
    pub selected_by: SelectionRule,
    pub verified: bool,
}

/// A computed line with its lineage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResultLine {
    pub activity: Activity,
    pub classification: Classification,
    pub iso_category: IsoCategory,
    pub factor: FactorUse,
    pub gwp_set: GwpSet,
    pub steps: Vec<Step>,
    /// The line's full emissions (the organisation's share is applied to the totals only).
    pub emission: Emission,
    /// The organisation's share of the line's facility, in percent (100 outside an organisation).
    pub share_applied: Decimal,
}

/// An activity that could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnresolvedLine {
    pub activity: Activity,
    pub diagnostic: Diagnostic,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
}

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

fn add_to(total: &mut Decimal, v: Decimal, overflowed: &mut bool) {
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

    fn merge(&mut self, other: Totals) {
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

/// A factor marked unverified that computed lines of a run (the report's `unverified_factors`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnverifiedFactor {
    pub id: String,
    pub dataset: String,
    pub edition: String,
    /// How many lines it computed.
    pub lines: u64,
}

/// How many unverified factors the run's note names; the report lists them all.
pub const UNVERIFIED_NAMED: usize = 10;

/// The run's one note on unverified figures: how many of the `computed` lines use them, and which
/// factors (the first [`UNVERIFIED_NAMED`] of `unverified`, in its order). `None` when no line does.
pub fn unverified_note(unverified: &[UnverifiedFactor], computed: u64, file: &str) -> Option<Diagnostic> {
    if unverified.is_empty() {
        return None;
    }
    let plural = |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    let lines: u64 = unverified.iter().map(|u| u.lines).sum();
    let factors = u64::try_from(unverified.len()).unwrap_or(u64::MAX);
    let mut named: Vec<String> = unverified
        .iter()
        .take(UNVERIFIED_NAMED)
        .map(|u| format!("'{}' ({} {})", u.id, u.lines, plural(u.lines, "line", "lines")))
        .collect();
    if unverified.len() > UNVERIFIED_NAMED {
        named.push(format!("and {} more", unverified.len() - UNVERIFIED_NAMED));
    }
    Some(Diagnostic::warning(
        Code::UnverifiedFactor,
        Location::file(file),
        format!(
            "{lines} of {computed} calculated {} {} {factors} {} marked unverified, whose figures are not yet confirmed in their primary source: {}; the JSON report lists them all under unverified_factors",
            plural(computed, "line", "lines"),
            plural(lines, "uses", "use"),
            plural(factors, "factor", "factors"),
            named.join(", ")
        ),
    ))
}

/// The outcome of a calculation.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub totals: Totals,
    /// Computed lines, in input order (empty when lines were not kept).
    pub lines: Vec<ResultLine>,
    pub unresolved: Vec<UnresolvedLine>,
    /// Row-level findings, in input order.
    pub diagnostics: Vec<Diagnostic>,
    pub line_count: u64,
    /// Factors used (library index) and how many lines each computed: for the notes on the
    /// factors (unverified figures, GWP basis) and the report's list of unverified factors.
    used_factors: BTreeMap<usize, u64>,
    /// Unit conversions that did not terminate: (from, to) → (first row, ratio).
    inexact: BTreeMap<(Unit, Unit), (u64, Decimal)>,
    /// Sums per (facility, classification), full emissions: the totals are derived from them.
    groups: Groups,
    /// The organisation's boundary applied to the totals (every facility at 100 % until set).
    boundary: Boundary,
    /// Market-based Scope 2, once allocated ([`Inventory::apply_market`]).
    pub market: Option<Market>,
}

/// How to calculate.
#[derive(Clone, Copy, Debug)]
pub struct CalcOptions {
    pub gwp_set: GwpSet,
    /// Keep each line with its steps (`false` for `--summary`: totals only).
    pub keep_lines: bool,
}

/// Calculate `activities` read from `file`.
pub fn calculate(lib: &FactorLibrary, activities: &[Activity], file: &str, opts: CalcOptions) -> Inventory {
    let mut inv = Inventory::default();
    // Selections repeat for every month and facility: cache them by the identity of the
    // (interned) names, which live as long as `activities`.
    let mut cache: HashMap<CacheKey, Result<Selection, crate::library::Unresolved>> = HashMap::default();
    let mut groups = Groups::default();
    for a in activities {
        inv.line_count += 1;
        let key = CacheKey {
            activity: Arc::as_ptr(&a.activity).cast::<u8>() as usize,
            // Only when some factor is facility-specific: otherwise the facility cannot matter.
            facility: if lib.has_facility_specific() { Arc::as_ptr(&a.facility).cast::<u8>() as usize } else { 0 },
            supplier: a.supplier.as_ref().map_or(0, |s| Arc::as_ptr(s).cast::<u8>() as usize),
            region: a.region.as_ref().map_or(0, |r| Arc::as_ptr(r) as usize),
            period: a.period,
            unit: a.unit,
            factor: a.factor.as_ref().map_or(0, |f| Arc::as_ptr(f).cast::<u8>() as usize),
            sector: a.sector,
            own_ncv: a.parameters.as_ref().is_some_and(|p| p.ncv_gj_per_unit.is_some()),
        };
        let selected = cache
            .entry(key)
            .or_insert_with(|| {
                lib.select(&FactorQuery {
                    activity: &a.activity,
                    facility: &a.facility,
                    supplier: a.supplier.as_deref(),
                    region: a.region.as_deref(),
                    period: a.period,
                    unit: a.unit,
                    explicit: a.factor.as_deref(),
                    sector: a.sector,
                    own_ncv: a.parameters.as_ref().is_some_and(|p| p.ncv_gj_per_unit.is_some()),
                })
            })
            .clone();
        let selection = match selected {
            Ok(s) => s,
            Err(u) => {
                let d = Diagnostic::error(u.code, Location::cell(file, a.row, column_for(u.code)), u.message);
                inv.diagnostics.push(d.clone());
                inv.unresolved.push(UnresolvedLine { activity: a.clone(), diagnostic: d, candidates: u.candidates });
                continue;
            }
        };
        let factor = lib.factor(selection.factor);
        let mut classification = factor.classification;
        if let Some(c) = a.scope3_category {
            match classification {
                Classification::Scope3(_) => classification = Classification::Scope3(c),
                other => {
                    let d = Diagnostic::error(
                        Code::MisplacedScope3Category,
                        Location::cell(file, a.row, "scope3_category"),
                        format!(
                            "scope3_category {} is given, but factor '{}' is {other}; leave scope3_category empty, or name a Scope 3 factor",
                            c.number(),
                            factor.id
                        ),
                    );
                    inv.diagnostics.push(d.clone());
                    inv.unresolved.push(UnresolvedLine { activity: a.clone(), diagnostic: d, candidates: vec![] });
                    continue;
                }
            }
        }
        if selection.rule == SelectionRule::Explicit && !a.period.within(factor.valid_from, factor.valid_to) {
            inv.diagnostics.push(Diagnostic::warning(
                Code::NoFactor,
                Location::cell(file, a.row, "factor"),
                format!(
                    "factor '{}' is valid {}..{}, which does not cover the activity's period {}..{}; it is used because the activity names it",
                    factor.id,
                    factor.valid_from.map_or("open".into(), |d| d.to_string()),
                    factor.valid_to.map_or("open".into(), |d| d.to_string()),
                    a.period.start,
                    a.period.end
                ),
            ));
        }
        let mut steps = Vec::new();
        let result = evaluate(
            a.quantity,
            a.unit,
            factor,
            a.parameters.as_deref(),
            &lib.gwp,
            opts.gwp_set,
            opts.keep_lines.then_some(&mut steps),
        );
        let emission = match result {
            Ok(e) => e,
            Err(e) => {
                let column = e.column;
                let message = if e.code == Code::Overflow {
                    format!(
                        "{} {} under factor '{}' gives a figure beyond the largest exact number (about 7.9 × 10^28); check the quantity",
                        a.quantity, a.unit, factor.id
                    )
                } else {
                    format!("factor '{}': {}", factor.id, e.message)
                };
                let d = Diagnostic::error(e.code, Location::cell(file, a.row, column), message);
                inv.diagnostics.push(d.clone());
                inv.unresolved.push(UnresolvedLine { activity: a.clone(), diagnostic: d, candidates: vec![] });
                continue;
            }
        };
        if a.parameters.as_ref().is_some_and(|p| p.source.is_none()) {
            inv.diagnostics.push(Diagnostic::warning(
                Code::MissingValue,
                Location::cell(file, a.row, "parameter_source"),
                "the record gives its own fuel parameters without saying how they were obtained (measured, calculated or default); the lineage marks them 'unstated'",
            ));
        }
        *inv.used_factors.entry(selection.factor).or_default() += 1;
        if a.unit != factor.unit && !inv.inexact.contains_key(&(a.unit, factor.unit)) {
            if let Ok(c) = a.unit.convert(a.quantity, factor.unit) {
                if !c.exact {
                    inv.inexact.insert((a.unit, factor.unit), (a.row, c.ratio));
                }
            }
        }
        groups.add(&a.facility, classification, &emission);
        if classification == Classification::Scope2(Scope2Category::Electricity) {
            if let Ok(c) = a.unit.convert(a.quantity, Unit::Physical(PhysicalUnit::MegawattHour)) {
                groups.add_electricity(a, c.value, emission.co2e_kg);
            }
        }
        if opts.keep_lines {
            inv.lines.push(ResultLine {
                activity: a.clone(),
                classification,
                iso_category: classification.iso_category(),
                factor: FactorUse {
                    id: factor.id.clone(),
                    dataset: factor.dataset.id.clone(),
                    edition: factor.dataset.edition.clone(),
                    dataset_sha256: factor.dataset.sha256.clone(),
                    source: factor.source.clone(),
                    region: factor.region.to_string(),
                    selected_by: selection.rule,
                    verified: factor.verified,
                },
                gwp_set: opts.gwp_set,
                steps,
                emission,
                share_applied: Decimal::ONE_HUNDRED,
            });
        }
    }
    inv.totals = groups.totals(&Boundary::full());
    inv.groups = groups;
    inv
}

fn column_for(code: Code) -> &'static str {
    match code {
        Code::UnknownFactor => "factor",
        Code::UnitMismatch => "unit",
        _ => "activity",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    activity: usize,
    facility: usize,
    supplier: usize,
    region: usize,
    period: crate::period::Period,
    unit: Unit,
    factor: usize,
    sector: Option<crate::sector::Sector>,
    own_ncv: bool,
}

/// Per-(facility, classification) sums, gathered line by line; every breakdown of [`Totals`] is
/// derived from them once at the end, so each line costs a handful of additions.
#[derive(Clone, Debug, Default)]
struct Groups {
    index: HashMap<(usize, Classification), usize>,
    groups: Vec<(Arc<str>, Classification, Emission)>,
    /// Electricity used per (facility, region, period), for market-based Scope 2.
    electricity: Vec<ElectricityUse>,
    electricity_index: HashMap<(usize, usize, crate::period::Period), usize>,
    overflowed: bool,
}

impl Groups {
    fn add(&mut self, facility: &Arc<str>, classification: Classification, e: &Emission) {
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

    /// Record `mwh` of electricity (location-based CO2e `co2e_kg`) used by `a`'s facility.
    fn add_electricity(&mut self, a: &Activity, mwh: Decimal, co2e_kg: Decimal) {
        let key = (
            Arc::as_ptr(&a.facility).cast::<u8>() as usize,
            a.region.as_ref().map_or(0, |r| Arc::as_ptr(r) as usize),
            a.period,
        );
        let slot = match self.electricity_index.get(&key) {
            Some(&i) => i,
            None => {
                self.electricity.push(ElectricityUse {
                    facility: Arc::clone(&a.facility),
                    region: a.region.as_deref().cloned(),
                    period: a.period,
                    mwh: Decimal::ZERO,
                    location_co2e_kg: Decimal::ZERO,
                });
                self.electricity_index.insert(key, self.electricity.len() - 1);
                self.electricity.len() - 1
            }
        };
        let u = &mut self.electricity[slot];
        add_to(&mut u.mwh, mwh, &mut self.overflowed);
        add_to(&mut u.location_co2e_kg, co2e_kg, &mut self.overflowed);
    }

    fn add_to_slot(&mut self, slot: usize, e: &Emission) {
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

    fn totals(&self, boundary: &Boundary) -> Totals {
        let mut t = Totals { overflowed: self.overflowed, ..Totals::default() };
        for (facility, classification, e) in &self.groups {
            t.add_line(facility, *classification, e, boundary.share(facility));
        }
        t
    }

    /// Append `other`'s sums (its facility names are other allocations of the same strings).
    fn merge(&mut self, other: Groups) {
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
        for u in other.electricity {
            let found = self
                .electricity
                .iter_mut()
                .find(|x| x.facility == u.facility && x.region == u.region && x.period == u.period);
            match found {
                Some(x) => {
                    add_to(&mut x.mwh, u.mwh, &mut self.overflowed);
                    add_to(&mut x.location_co2e_kg, u.location_co2e_kg, &mut self.overflowed);
                }
                // Merged groups take no more lines, so the pointer index is not needed for it.
                None => self.electricity.push(u),
            }
        }
    }
}

impl Inventory {
    /// Append `other`, which covers later input rows.
    pub fn merge(&mut self, other: Inventory) {
        self.totals.merge(other.totals);
        self.groups.merge(other.groups);
        self.lines.extend(other.lines);
        self.unresolved.extend(other.unresolved);
        self.diagnostics.extend(other.diagnostics);
        self.line_count += other.line_count;
        for (i, n) in other.used_factors {
            *self.used_factors.entry(i).or_default() += n;
        }
        for (k, v) in other.inexact {
            self.inexact.entry(k).or_insert(v);
        }
    }

    /// Notes that concern factors rather than rows: one for the whole run on the lines that use
    /// unverified figures (how many, and which factors: [`Inventory::unverified_factors`] has
    /// them all), and one per CO2e factor published with another GWP set than the inventory's.
    pub fn factor_notes(&self, lib: &FactorLibrary, set: GwpSet, file: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(note) = unverified_note(&self.unverified_factors(lib), self.used_factors.values().sum(), file) {
            out.push(note);
        }
        for &i in self.used_factors.keys() {
            let f = lib.factor(i);
            if let Method::Co2e { basis, .. } = f.method {
                if basis != set {
                    out.push(Diagnostic::warning(
                        Code::GwpBasisMismatch,
                        f.origin.clone(),
                        format!("factor '{}' gives CO2e under {basis}; the inventory uses {set}; the published figure is used as it is because a CO2e-only factor cannot be re-based", f.id),
                    ));
                }
            }
        }
        if self.totals.overflowed {
            out.push(Diagnostic::error(
                Code::Overflow,
                Location::file(file),
                "a total is too large to hold exactly; the totals are incomplete",
            ));
        }
        for ((from, to), (row, ratio)) in &self.inexact {
            out.push(Diagnostic::warning(
                Code::InexactConversion,
                Location::cell(file, *row, "unit"),
                format!("converting {from} into {to} (× {ratio}) does not terminate; the result is rounded to 28 decimal places (first at this row; every line says so in its steps)"),
            ));
        }
        out
    }

    /// Replace every row number (of lines, unresolved lines, diagnostics and the notes on
    /// inexact conversions) by `f(row)`. Used when the rows were read from an export of stored
    /// records, so that each `row` becomes the record's id.
    pub fn renumber_rows(&mut self, f: impl Fn(u64) -> u64) {
        for l in &mut self.lines {
            l.activity.row = f(l.activity.row);
        }
        for u in &mut self.unresolved {
            u.activity.row = f(u.activity.row);
            if let Some(r) = u.diagnostic.location.row.as_mut() {
                *r = f(*r);
            }
        }
        for d in &mut self.diagnostics {
            if let Some(r) = d.location.row.as_mut() {
                *r = f(*r);
            }
        }
        for v in self.inexact.values_mut() {
            v.0 = f(v.0);
        }
    }

    /// Apply the organisation's boundary: each line shows its facility's share, and every total
    /// is recomputed after the shares (lines keep their full emissions).
    pub fn apply_boundary(&mut self, boundary: &Boundary) {
        for l in &mut self.lines {
            l.share_applied = boundary.share(&l.activity.facility);
        }
        self.boundary = boundary.clone();
        self.recompute_totals();
    }

    /// The electricity each facility used, per region and period.
    pub fn electricity(&self) -> &[ElectricityUse] {
        &self.groups.electricity
    }

    /// Market-based Scope 2: allocate `instruments` (from `file`) to each facility's electricity,
    /// the rest at the residual mix `lib` has for its region and period, else the grid average;
    /// every total's `scope2_market` is then recomputed (after the boundary's shares).
    pub fn apply_market(&mut self, lib: &FactorLibrary, set: GwpSet, instruments: &[Instrument], file: &str) {
        let residual = |u: &ElectricityUse| crate::residual::residual_mix(lib, set, u);
        self.market = Some(market::allocate(&self.groups.electricity, instruments, file, &residual));
        self.recompute_totals();
    }

    fn recompute_totals(&mut self) {
        let mut t = self.groups.totals(&self.boundary);
        if let Some(m) = &self.market {
            for (facility, f) in &m.by_facility {
                let delta = f.market_co2e_kg - f.location_co2e_kg;
                if delta.is_zero() {
                    continue;
                }
                let share = self.boundary.share(facility);
                let scaled = delta * share / Decimal::ONE_HUNDRED;
                let o = &mut t.overflowed;
                add_to(&mut t.all.scope2_market, scaled, o);
                if let Some(x) = t.by_facility.get_mut(facility) {
                    add_to(&mut x.scope2_market, scaled, o);
                }
                if let Some(x) = t.own_by_facility.get_mut(facility) {
                    add_to(&mut x.scope2_market, delta, o);
                }
            }
        }
        self.totals = t;
    }

    pub fn used_factor_count(&self) -> usize {
        self.used_factors.len()
    }

    /// The factors marked unverified that computed lines, each with its line count: most lines
    /// first, then by dataset, edition and id.
    pub fn unverified_factors(&self, lib: &FactorLibrary) -> Vec<UnverifiedFactor> {
        let mut out: Vec<UnverifiedFactor> = self
            .used_factors
            .iter()
            .map(|(&i, &lines)| (lib.factor(i), lines))
            .filter(|(f, _)| !f.verified)
            .map(|(f, lines)| UnverifiedFactor {
                id: f.id.clone(),
                dataset: f.dataset.id.clone(),
                edition: f.dataset.edition.clone(),
                lines,
            })
            .collect();
        out.sort_by(|a, b| {
            b.lines.cmp(&a.lines).then_with(|| (&a.dataset, &a.edition, &a.id).cmp(&(&b.dataset, &b.edition, &b.id)))
        });
        out
    }
}
