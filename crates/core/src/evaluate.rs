//! Evaluating one activity under one factor: unit conversion, calorific value (or the quantity
//! as energy), the carbon chain or gas factors (with the record's own parameters in place of the
//! factor's defaults), blends, GWP. Every figure comes with the [`Step`]s that produced it.
//!
//! **Architecture invariant:** no IO; exact decimals; a figure that cannot be computed exactly is
//! an [`EvalError`], never a rounded guess.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::activity::{ParameterSource, Parameters};
use crate::diagnostic::Code;
use crate::factor::{Factor, Method};
use crate::gas::{Gas, GwpSet, GwpTable, Species};
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
    /// Money in another currency than the factor's: amount ÷ the line's exchange rate (units of
    /// the line's currency per one unit of the factor's, the reporting year's rate).
    ExchangeRate {
        from_amount: Decimal,
        from_unit: Unit,
        rate: Decimal,
        rate_basis: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        year: Option<i32>,
        to_amount: Decimal,
        to_unit: Unit,
        exact: bool,
    },
    /// Money of `from_year` in the factor's price year: amount ÷ the line's price index (the
    /// price level of `from_year` relative to `to_year`).
    PriceIndex {
        from_amount: Decimal,
        unit: Unit,
        from_year: i32,
        to_year: i32,
        index: Decimal,
        to_amount: Decimal,
        exact: bool,
    },
    /// A category-15 line's share of its investee: quantity × attribution (an equity share, or
    /// outstanding ÷ EVIC).
    Attribution { from_quantity: Decimal, unit: Unit, attribution: Decimal, to_quantity: Decimal },
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
