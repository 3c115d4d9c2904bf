//! Market-based Scope 2 recomputed from the package alone (decision 0047): the period's
//! instruments (`inputs/instruments.csv`, the file the calculation read, its SHA-256 the report's
//! `inputs.factor_files` entry) allocated by the core's `market::allocate` to the electricity of
//! the recomputed lines — instruments capped at each facility's consumption, then the residual
//! mix `inputs/residual-mix.csv` names for the use (its rate evaluated from the package's copy of
//! its factor file), then the grid average — and compared with the report: each instrument's
//! applied MWh, each facility's basis, and (by the caller) every market-based total.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::evaluate::evaluate;
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::market::{allocate, read_instruments, EnergyUse, Instrument, Residual};
use scopebook_core::unit::{PhysicalUnit, Unit};
use scopebook_store::{instruments_file, status_file};
use serde::Serialize;
use serde_json::Value;

use crate::layout;
use crate::verify::{s, Ctx};

/// What the market-based check did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MarketCheck {
    /// Whether market-based Scope 2 was recomputed (else `note` says why not).
    pub recomputed: bool,
    pub instruments: usize,
    /// Facilities whose uncovered electricity is at a residual mix.
    pub residual_mix_facilities: usize,
    pub note: String,
}

/// A row of `inputs/residual-mix.csv`: the use (facility, region, start, end) and its factor.
pub(crate) struct ResidualRow {
    pub(crate) key: (String, String, String, String),
    pub(crate) factor: String,
    pub(crate) dataset: String,
    pub(crate) edition: String,
}

/// The package's residual-mix table; `None` when it has none (a package written before
/// decision 0047, or market-based Scope 2 at the grid average).
pub(crate) fn residual_table(c: &mut Ctx) -> Option<Vec<ResidualRow>> {
    let bytes = c.files.get(layout::RESIDUAL_MIX)?.clone();
    let mut r = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let mut out = Vec::new();
    for (i, row) in r.records().enumerate() {
        let Ok(row) = row else {
            c.error(Code::WrongFileType, Location::row(layout::RESIDUAL_MIX, i as u64 + 2), "not a CSV row");
            return Some(out);
        };
        let cell = |k: usize| row.get(k).unwrap_or_default().to_string();
        out.push(ResidualRow {
            key: (cell(0), cell(1), cell(2), cell(3)),
            factor: cell(4),
            dataset: cell(5),
            edition: cell(6),
        });
    }
    Some(out)
}

/// `file` (a copy in the package of an input the report names `name`) checked against the
/// report's `inputs.factor_files`; its bytes, or `None` when the report does not name it.
fn input_file(c: &mut Ctx, report: &Value, file: &str, name: &str) -> Option<Vec<u8>> {
    let listed = report
        .pointer("/inputs/factor_files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|f| s(f, "/file") == name)
        .map(|f| s(f, "/sha256"))?;
    let Some(bytes) = c.files.get(file).cloned() else {
        c.error(
            Code::ChecksumMismatch,
            Location::file(file),
            format!(
                "missing: results/report.json's inputs.factor_files names '{name}', which the package must carry here"
            ),
        );
        return Some(Vec::new());
    };
    let actual = scopebook_core::dataset::sha256_hex(&bytes);
    if actual != listed {
        c.error(
            Code::ChecksumMismatch,
            Location::file(file),
            format!("its SHA-256 is {actual} but results/report.json's inputs.factor_files records {listed} for '{name}': the file is not the one the calculation read"),
        );
    }
    Some(bytes)
}

/// Recompute market-based Scope 2 of `uses` under the package's library and the period's GWP
/// set; returns each facility's market-based less location-based electricity (kg, before its
/// share), or `None` when it cannot be recomputed (`check.note` says why).
pub(crate) fn recompute(
    c: &mut Ctx,
    report: &Value,
    year: i64,
    (lib, gwp_set): (&FactorLibrary, GwpSet),
    uses: &[EnergyUse],
    table: &[ResidualRow],
    check: &mut MarketCheck,
) -> Option<BTreeMap<String, Decimal>> {
    let year = i32::try_from(year).unwrap_or_default();
    let name = instruments_file(year);
    input_file(c, report, layout::SCOPE3_STATUS, &status_file(year));
    let instruments: Vec<Instrument> = match input_file(c, report, layout::INSTRUMENTS, &name) {
        Some(bytes) => {
            let (list, diags) = read_instruments(&name, &bytes);
            for d in diags.into_iter().filter(Diagnostic::is_error) {
                c.error(Code::FigureMismatch, Location::file(layout::INSTRUMENTS), format!("it does not read: {d}"));
            }
            list
        }
        None => Vec::new(),
    };
    check.instruments = instruments.len();

    // The residual mix of each use, by the table's factor, its rate evaluated from the package.
    let mwh = Unit::Physical(PhysicalUnit::MegawattHour);
    let mut rates: BTreeMap<(String, String, String, String), Residual> = BTreeMap::new();
    for row in table {
        let Some(factor) = lib.by_id(&row.factor) else {
            check.note = format!(
                "the residual mix {} (dataset {} edition {}) is not in the package's factor files",
                row.factor, row.dataset, row.edition
            );
            return None;
        };
        match evaluate(Decimal::ONE, mwh, factor, None, &lib.gwp, gwp_set, None) {
            Ok(e) => {
                rates.insert(row.key.clone(), Residual { kg_per_mwh: e.co2e_kg, factor_id: row.factor.clone() });
            }
            Err(e) => {
                c.error(
                    Code::FigureMismatch,
                    Location::file(layout::RESIDUAL_MIX),
                    format!("the residual mix {} gives no rate per MWh: {}", row.factor, e.message),
                );
                return None;
            }
        }
    }
    let key_of = |u: &EnergyUse| {
        (
            u.facility.to_string(),
            u.region.as_ref().map(ToString::to_string).unwrap_or_default(),
            u.period.start.to_string(),
            u.period.end.to_string(),
        )
    };
    let market = allocate(uses, &instruments, &name, &|u| rates.get(&key_of(u)).cloned());

    // Each instrument as applied, against the report's.
    let stated: Vec<Value> = report.get("instruments").and_then(Value::as_array).cloned().unwrap_or_default();
    if stated.len() != market.instruments.len() {
        c.error(
            Code::FigureMismatch,
            Location::file(layout::REPORT),
            format!(
                "it lists {} instrument(s); {} holds {}",
                stated.len(),
                layout::INSTRUMENTS,
                market.instruments.len()
            ),
        );
    }
    for (a, st) in market.instruments.iter().zip(&stated) {
        let i = &a.instrument;
        let again = serde_json::to_value(a).unwrap_or(Value::Null);
        let mut differs = Vec::new();
        for k in [
            "facility",
            "instrument",
            "mwh",
            "emission_rate_kg_per_mwh",
            "serial_from",
            "serial_to",
            "applied_mwh",
            "applied",
        ] {
            let (x, y) = (st.get(k).unwrap_or(&Value::Null), again.get(k).unwrap_or(&Value::Null));
            if x != y {
                differs.push(format!("{k} is {} in the package, recomputed {}", show(x), show(y)));
            }
        }
        if !differs.is_empty() {
            let serials = match (&i.serial_from, &i.serial_to) {
                (Some(f), Some(t)) => format!(" {f}..{t}"),
                _ => String::new(),
            };
            c.error(
                Code::FigureMismatch,
                Location::row(&name, i.row),
                format!(
                    "instrument {}{serials} of facility {} (row {} of {}): {}",
                    i.instrument.as_str(),
                    i.facility,
                    i.row,
                    layout::INSTRUMENTS,
                    differs.join("; ")
                ),
            );
        }
    }

    // Each facility's basis, against the report's.
    for f in report.get("by_facility").and_then(Value::as_array).into_iter().flatten() {
        let facility = s(f, "/facility");
        let again = market.by_facility.get(facility.as_str()).map(|m| m.basis());
        let again = serde_json::to_value(again).unwrap_or(Value::Null);
        let stated = f.get("scope2_market_basis").cloned().unwrap_or(Value::Null);
        if stated != again {
            c.error(
                Code::FigureMismatch,
                Location::file(layout::REPORT),
                format!(
                    "facility {facility}: scope2_market_basis is {} in the package, recomputed {}",
                    show(&stated),
                    show(&again)
                ),
            );
        }
    }
    let mut deltas = BTreeMap::new();
    for (f, m) in &market.by_facility {
        let Some(d) = m.market_co2e_kg.checked_sub(m.location_co2e_kg) else {
            check.note = format!("facility {f}'s market-based figure is too large to compute exactly");
            return None;
        };
        deltas.insert(f.to_string(), d);
    }
    check.residual_mix_facilities = market.by_facility.values().filter(|m| !m.residual_mwh.is_zero()).count();
    check.recomputed = true;
    Some(deltas)
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "(none)".into(),
        other => other.to_string(),
    }
}
