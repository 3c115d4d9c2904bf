//! UNITS.csv: the covered units of each enterprise, read once into validated [`UnitRow`]s.
//!
//! `enterprise,unit,unit_class,cooling,output_mwh,heat_gj,heat_supply_ratio,load_factor,verified_t`
//! for power units (`output_mwh` on the plan's basis, ratios as fractions); other sectors give
//! `allocation_t` where the plan's rules for the year are not shipped. Which cells a unit needs
//! depends on its plan ([`crate::cn`] checks that); here every given cell is read and checked.

use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};

use crate::sheet::{self, Row};

pub const REQUIRED: &[&str] = &["enterprise", "unit", "unit_class", "verified_t"];
pub const OPTIONAL: &[&str] =
    &["cooling", "output_mwh", "heat_gj", "heat_supply_ratio", "load_factor", "allocation_t", "note"];

/// One unit as its row gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitRow {
    pub line: u64,
    pub enterprise: String,
    pub unit: String,
    pub class: String,
    pub cooling: Option<String>,
    pub output_mwh: Option<Decimal>,
    /// Heat supplied; an empty cell means none.
    pub heat_gj: Decimal,
    /// Heat supply ratio; an empty cell means none.
    pub heat_supply_ratio: Decimal,
    pub load_factor: Option<Decimal>,
    pub verified_t: Decimal,
    pub allocation_t: Option<Decimal>,
}

impl UnitRow {
    pub fn supplies_heat(&self) -> bool {
        self.heat_gj > Decimal::ZERO || self.heat_supply_ratio > Decimal::ZERO
    }
}

/// The units of a file. Rows with a finding are left out; the findings explain why.
pub fn read(file: &str, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> Vec<UnitRow> {
    let Some((header, rows)) = sheet::read(file, bytes, REQUIRED, OPTIONAL, diags) else {
        return Vec::new();
    };
    if rows.is_empty() {
        diags.push(Diagnostic::error(Code::NoDataRows, Location::file(file), "the file has a header but no units"));
    }
    let mut out: Vec<UnitRow> = Vec::new();
    for (line, record) in &rows {
        let row = Row { header: &header, line: *line, record };
        let before = diags.len();
        let enterprise = row.required("enterprise", diags).map(str::to_string);
        let unit = row.required("unit", diags).map(str::to_string);
        let class = row.required("unit_class", diags).map(str::to_string);
        let verified_t = row.quantity("verified_t", diags);
        let output_mwh = nonneg(&row, "output_mwh", diags);
        let heat_gj = nonneg(&row, "heat_gj", diags);
        let allocation_t = nonneg(&row, "allocation_t", diags);
        let heat_supply_ratio = row.ratio("heat_supply_ratio", diags);
        let load_factor = row.ratio("load_factor", diags);
        let cooling = row.text("cooling").map(str::to_lowercase);
        if diags[before..].iter().any(Diagnostic::is_error) {
            continue;
        }
        let (Some(enterprise), Some(unit), Some(class), Some(verified_t)) = (enterprise, unit, class, verified_t)
        else {
            continue;
        };
        if let Some(first) = out.iter().find(|u| u.enterprise == enterprise && u.unit == unit) {
            diags.push(Diagnostic::error(
                Code::DuplicateId,
                row.at("unit"),
                format!("unit '{unit}' of '{enterprise}' is already given on line {}", first.line),
            ));
            continue;
        }
        out.push(UnitRow {
            line: *line,
            enterprise,
            unit,
            class,
            cooling,
            output_mwh: output_mwh.ok().flatten(),
            heat_gj: heat_gj.ok().flatten().unwrap_or(Decimal::ZERO),
            heat_supply_ratio: heat_supply_ratio.ok().flatten().unwrap_or(Decimal::ZERO),
            load_factor: load_factor.ok().flatten(),
            verified_t,
            allocation_t: allocation_t.ok().flatten(),
        });
    }
    out
}

/// An optional quantity: a decimal not below zero.
fn nonneg(row: &Row<'_>, column: &str, diags: &mut Vec<Diagnostic>) -> Result<Option<Decimal>, ()> {
    match row.decimal(column, diags)? {
        Some(d) if d < Decimal::ZERO => {
            diags.push(Diagnostic::error(
                Code::NegativeQuantity,
                row.at(column),
                format!("'{column}' is below zero, found {d}"),
            ));
            Err(())
        }
        d => Ok(d),
    }
}
