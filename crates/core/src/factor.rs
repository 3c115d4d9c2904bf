//! Emission factors and the factor file format.
//!
//! A factor says how much of each gas one unit of an activity emits, in one of three shapes
//! ([`Method`]): kg of each gas per unit (or per GJ after a net calorific value), the fuel carbon
//! chain of China's MEE guidelines and the EU MRR, or a CO2e-only figure with the GWP set it was
//! published with. `emission-factors/README.md` documents the columns.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::classify::Classification;
use crate::columns::Columns;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::gas::{GwpSet, GwpTable, Species};
use crate::number::parse_decimal;
use crate::period::parse_date;
use crate::region::Region;
use crate::unit::Unit;

/// The dataset edition a factor belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DatasetRef {
    pub id: String,
    pub edition: String,
    /// SHA-256 of the factor file the factor was read from.
    pub sha256: String,
    /// Shipped with Scopebook (`true`) or supplied by the user (`false`).
    pub shipped: bool,
    /// The region the dataset is about; a factor with no region of its own has this one.
    pub region: Region,
}

/// How a factor turns an activity into masses of gas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// kg of each gas (or blend) per unit, or per GJ when the factor has a calorific value.
    /// With `carbon`, CO2 comes from the carbon chain instead of a `co2_kg` figure.
    PerGas { gases: Vec<(Species, Decimal)>, carbon: Option<CarbonChain> },
    /// kg CO2e per unit, as published under `basis`.
    Co2e { kg_per_unit: Decimal, basis: GwpSet },
}

/// CO2 = energy (GJ) × carbon content (t C/GJ) × oxidation × 44/12.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CarbonChain {
    pub carbon_t_per_gj: Decimal,
    pub oxidation: Decimal,
}

/// One emission factor, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Factor {
    pub id: String,
    pub activity: String,
    pub classification: Classification,
    pub unit: Unit,
    pub method: Method,
    pub ncv_gj_per_unit: Option<Decimal>,
    pub biogenic_co2_kg: Option<Decimal>,
    pub source: String,
    pub name: Option<String>,
    pub region: Region,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// Applies only to activities of this facility (a measured or site-specific figure).
    pub facility: Option<String>,
    /// Applies only to activities that name this supplier.
    pub supplier: Option<String>,
    pub verified: bool,
    pub dataset: Arc<DatasetRef>,
    /// Where the factor was read: file and row.
    pub origin: Location,
}

pub const REQUIRED_COLUMNS: &[&str] = &["id", "activity", "scope", "category", "unit"];
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "co2_kg",
    "ch4_kg",
    "n2o_kg",
    "co2e_kg",
    "biogenic_co2_kg",
    "other_gas",
    "other_gas_kg",
    "ncv_gj_per_unit",
    "carbon_t_per_gj",
    "oxidation",
    "source",
    "name",
    "region",
    "valid_from",
    "valid_to",
    "gwp_basis",
    "verified",
    "facility",
    "supplier",
];

/// Read a factor file. Returns every valid factor and every problem found; a row with an error
/// yields no factor.
pub fn parse_factor_file(
    file: &str,
    contents: &[u8],
    dataset: &Arc<DatasetRef>,
    gwp: &GwpTable,
) -> (Vec<Factor>, Vec<Diagnostic>) {
    let mut factors = Vec::new();
    let diags =
        crate::columns::read_rows(file, contents, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, |line, cols, record, diags| {
            let mut row = RowReader { file, line, cols, record, diags: Vec::new() };
            let factor = row.factor(dataset, gwp);
            diags.append(&mut row.diags);
            factors.extend(factor);
        });
    (factors, diags)
}

/// A CSV error in words, without the position (the location says it).
pub fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("the row has {len} fields but the header has {expected_len} (a cell that contains a comma must be in double quotes)")
        }
        csv::ErrorKind::Utf8 { .. } => {
            "the row is not valid UTF-8 text: save the file as UTF-8 (in Excel, \"CSV UTF-8\"; Chinese spreadsheets often save GBK)".to_string()
        }
        csv::ErrorKind::Io(err) => format!("the file could not be read: {err}"),
        _ => e.to_string(),
    }
}

struct RowReader<'a> {
    file: &'a str,
    line: u64,
    cols: &'a Columns,
    record: &'a csv::StringRecord,
    diags: Vec<Diagnostic>,
}

impl RowReader<'_> {
    fn cell(&self, column: &str) -> &str {
        self.cols.get(self.record, column)
    }

    fn err(&mut self, code: Code, column: &str, message: String) {
        self.diags.push(Diagnostic::error(code, Location::cell(self.file, self.line, column), message));
    }

    fn required(&mut self, column: &str) -> Option<String> {
        let v = self.cell(column);
        if v.is_empty() {
            self.err(Code::MissingValue, column, format!("the '{column}' cell is empty; every row needs one"));
            None
        } else {
            Some(v.to_string())
        }
    }

    /// An optional decimal that must be >= 0 (or > 0 when `positive`).
    fn decimal(&mut self, column: &str, positive: bool) -> Option<Decimal> {
        let text = self.cell(column).to_string();
        if text.is_empty() {
            return None;
        }
        match parse_decimal(&text) {
            Ok(v) if v < Decimal::ZERO || (positive && v.is_zero()) => {
                let need = if positive { "above zero" } else { "zero or more" };
                self.err(Code::NonPositiveValue, column, format!("'{column}' must be {need}, found {text}"));
                None
            }
            Ok(v) => Some(v),
            Err(reason) => {
                self.err(Code::MalformedNumber, column, format!("'{text}' is not a number: {reason}"));
                None
            }
        }
    }

    fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let text = self.cell(column).to_string();
        if text.is_empty() {
            return None;
        }
        parse_date(&text)
            .map_err(|reason| self.err(Code::MalformedDate, column, format!("'{text}' is not a date: {reason}")))
            .ok()
    }

    fn factor(&mut self, dataset: &Arc<DatasetRef>, gwp: &GwpTable) -> Option<Factor> {
        let errors_before = self.diags.len();
        let id = self.required("id");
        let activity = self.required("activity").map(|a| a.to_lowercase());
        let classification = match Classification::parse(self.cell("scope"), self.cell("category")) {
            Ok(c) => Some(c),
            Err(e) => {
                let (code, col) = match e {
                    crate::classify::ClassificationError::Scope(_) => (Code::UnknownScope, "scope"),
                    crate::classify::ClassificationError::Category { .. } => (Code::UnknownCategory, "category"),
                };
                self.err(code, col, e.to_string());
                None
            }
        };
        let unit_text = self.cell("unit").to_string();
        let unit = if unit_text.is_empty() {
            self.err(Code::MissingValue, "unit", "the 'unit' cell is empty; every row needs one".into());
            None
        } else {
            Unit::parse(&unit_text).map_err(|e| self.err(Code::UnknownUnit, "unit", unit_hint(&e))).ok()
        };
        let co2 = self.decimal("co2_kg", false);
        let ch4 = self.decimal("ch4_kg", false);
        let n2o = self.decimal("n2o_kg", false);
        let co2e = self.decimal("co2e_kg", false);
        let biogenic = self.decimal("biogenic_co2_kg", false);
        let other_kg = self.decimal("other_gas_kg", false);
        let ncv = self.decimal("ncv_gj_per_unit", true);
        let carbon = self.decimal("carbon_t_per_gj", true);
        let oxidation = self.decimal("oxidation", true);
        let valid_from = self.date("valid_from");
        let valid_to = self.date("valid_to");

        let other_name = self.cell("other_gas").to_string();
        let other = match (other_name.is_empty(), other_kg) {
            (true, None) => None,
            (false, Some(kg)) => match gwp.species(&other_name) {
                Some(s) => Some((s, kg)),
                None => {
                    self.err(
                        Code::UnknownGas,
                        "other_gas",
                        format!("'{other_name}' is not a gas or blend of the GWP tables"),
                    );
                    None
                }
            },
            (true, Some(_)) => {
                self.err(
                    Code::InvalidFactor,
                    "other_gas",
                    "'other_gas_kg' is given but 'other_gas' does not say which gas".into(),
                );
                None
            }
            (false, None) => {
                self.err(
                    Code::InvalidFactor,
                    "other_gas_kg",
                    format!("'other_gas' names {other_name} but 'other_gas_kg' is empty"),
                );
                None
            }
        };
        if let Some(ox) = oxidation {
            if ox > Decimal::ONE {
                let hint = (ox / Decimal::ONE_HUNDRED).normalize();
                self.err(
                    Code::OutOfRange,
                    "oxidation",
                    format!("'oxidation' is a fraction between 0 and 1, found {ox} (write {hint}, not {ox})"),
                );
            }
        }
        let basis_text = self.cell("gwp_basis").to_string();
        let basis = if basis_text.is_empty() {
            None
        } else {
            let b = GwpSet::parse(&basis_text);
            if b.is_none() {
                self.err(
                    Code::InvalidFactor,
                    "gwp_basis",
                    format!("'gwp_basis' must be AR4, AR5 or AR6, found '{basis_text}'"),
                );
            }
            b
        };
        let verified = match self.cell("verified").to_ascii_lowercase().as_str() {
            "" | "true" | "yes" | "1" => true,
            "false" | "no" | "0" => false,
            other => {
                self.err(Code::InvalidFactor, "verified", format!("'verified' must be true or false, found '{other}'"));
                true
            }
        };
        let region_text = self.cell("region").to_string();
        let region = if region_text.is_empty() {
            Some(dataset.region.clone())
        } else {
            let r = Region::parse(&region_text);
            if r.is_none() {
                self.err(
                    Code::InvalidRegion,
                    "region",
                    format!("'{region_text}' is not a region code (e.g. CN, CN-GD, CN-GRID-EAST, GLOBAL)"),
                );
            }
            r
        };
        if let (Some(f), Some(t)) = (valid_from, valid_to) {
            if t < f {
                self.err(Code::ImpossibleDateRange, "valid_to", format!("'valid_to' {t} is before 'valid_from' {f}"));
            }
        }

        // Shape checks.
        let per_gas_given = co2.is_some() || ch4.is_some() || n2o.is_some() || other.is_some();
        let any_figure_cell = [
            "co2_kg",
            "ch4_kg",
            "n2o_kg",
            "co2e_kg",
            "biogenic_co2_kg",
            "other_gas",
            "other_gas_kg",
            "carbon_t_per_gj",
            "oxidation",
        ]
        .iter()
        .any(|c| !self.cell(c).is_empty());
        let carbon_chain = match (carbon, oxidation) {
            (Some(c), Some(o)) => Some(CarbonChain { carbon_t_per_gj: c, oxidation: o }),
            (None, None) => None,
            (Some(_), None) => {
                self.err(Code::InvalidFactor, "oxidation", "'carbon_t_per_gj' is given without 'oxidation'".into());
                None
            }
            (None, Some(_)) => {
                self.err(
                    Code::InvalidFactor,
                    "carbon_t_per_gj",
                    "'oxidation' is given without 'carbon_t_per_gj'".into(),
                );
                None
            }
        };
        if carbon_chain.is_some() && co2.is_some() {
            self.err(
                Code::InvalidFactor,
                "co2_kg",
                "give either 'co2_kg' or 'carbon_t_per_gj' with 'oxidation', not both".into(),
            );
        }
        let method = match (co2e, basis) {
            (Some(_), _) if per_gas_given || carbon_chain.is_some() => {
                self.err(Code::InvalidFactor, "co2e_kg", "give either 'co2e_kg' or per-gas figures, not both".into());
                None
            }
            (Some(_), None) if basis_text.is_empty() => {
                self.err(
                    Code::MissingGwpBasis,
                    "gwp_basis",
                    "'co2e_kg' needs 'gwp_basis': the GWP set it was published with (AR4, AR5 or AR6)".into(),
                );
                None
            }
            (Some(kg), Some(basis)) => Some(Method::Co2e { kg_per_unit: kg, basis }),
            (None, Some(_)) => {
                self.err(
                    Code::InvalidFactor,
                    "gwp_basis",
                    "'gwp_basis' applies only to 'co2e_kg', which is empty".into(),
                );
                None
            }
            (None, None) if !any_figure_cell => {
                self.err(Code::InvalidFactor, "co2_kg", "the row gives no emission figure (co2_kg, ch4_kg, n2o_kg, other_gas_kg, co2e_kg, biogenic_co2_kg or carbon_t_per_gj)".into());
                None
            }
            _ => {
                let mut gases = Vec::new();
                for (gas, v) in [(crate::gas::Gas::Co2, co2), (crate::gas::Gas::Ch4, ch4), (crate::gas::Gas::N2o, n2o)]
                {
                    if let Some(v) = v {
                        gases.push((Species::Gas(gas), v));
                    }
                }
                gases.extend(other);
                Some(Method::PerGas { gases, carbon: carbon_chain })
            }
        };
        if let (Some(Method::Co2e { .. }), Some(_)) = (&method, ncv) {
            self.err(Code::InvalidFactor, "ncv_gj_per_unit", "a CO2e-only factor cannot take a calorific value".into());
        }

        if self.diags.len() > errors_before {
            return None;
        }
        Some(Factor {
            id: id?,
            activity: activity?,
            classification: classification?,
            unit: unit?,
            method: method?,
            ncv_gj_per_unit: ncv,
            biogenic_co2_kg: biogenic,
            source: self.cell("source").to_string(),
            name: Some(self.cell("name").to_string()).filter(|n| !n.is_empty()),
            region: region?,
            valid_from,
            valid_to,
            facility: Some(self.cell("facility").to_string()).filter(|v| !v.is_empty()),
            supplier: Some(self.cell("supplier").to_string()).filter(|v| !v.is_empty()),
            verified,
            dataset: Arc::clone(dataset),
            origin: Location::row(self.file, self.line),
        })
    }
}

/// An unknown-unit message with a hint for the spellings people most often get wrong.
pub fn unit_hint(e: &crate::unit::UnitError) -> String {
    let crate::unit::UnitError::Unknown(text) = e else {
        return e.to_string();
    };
    let lower = text.to_lowercase();
    let hint = if lower.contains('方') || lower.contains("m3") || lower.contains("cbm") {
        "; for gas write Nm3 or 10^4 Nm3 (万立方米, at 0 °C and 101.325 kPa), for liquids m3 or L"
    } else if lower.contains("ton") {
        "; write t for tonnes, short ton or long ton"
    } else if lower.contains("wh") || lower.contains('度') {
        "; write kWh, MWh or GWh"
    } else {
        ""
    };
    format!("unknown unit '{text}'{hint} (the units are listed in docs/units.md)")
}

impl Factor {
    /// Whether an activity in `unit` can be computed with this factor: its unit converts into
    /// the factor's; or the factor's figures are per unit of energy (per GJ after its calorific
    /// value, or an energy unit) and the activity gives energy, or its own calorific value
    /// (`own_ncv`) turns its quantity into energy.
    pub fn accepts(&self, unit: Unit, own_ncv: bool) -> bool {
        use crate::unit::Dimension;
        unit.dimension() == self.unit.dimension()
            || (self.basis_unit().dimension() == Dimension::Energy
                && (unit.dimension() == Dimension::Energy || own_ncv))
    }

    /// The unit the gas figures are per: GJ when a calorific value applies, else the factor unit.
    pub fn basis_unit(&self) -> Unit {
        if self.ncv_gj_per_unit.is_some() {
            Unit::Physical(crate::unit::PhysicalUnit::Gigajoule)
        } else {
            self.unit
        }
    }
}
