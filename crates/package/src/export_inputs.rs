//! What a package carries for market-based Scope 2 and the Scope 3 view besides the records
//! (decision 0047): the period's instruments and statuses as the calculation read them, and the
//! residual mix each electricity use was allocated at.

use std::collections::BTreeMap;

use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::market::EnergyUse;
use scopebook_core::residual::residual_mix;
use scopebook_store::{instruments_file, status_file, Store, StoreError};
use serde_json::Value;

use crate::layout;

/// The columns of [`layout::RESIDUAL_MIX`].
pub const RESIDUAL_COLUMNS: [&str; 7] =
    ["facility", "region", "period_start", "period_end", "factor", "dataset", "edition"];

/// Whether the report's market-based Scope 2 is the lines' grid average (nothing to carry).
pub fn market_from_lines(report: &Value) -> bool {
    report.get("scope2_market_basis").and_then(Value::as_str).is_some_and(|b| b.starts_with("grid-average factors"))
}

/// Add the instruments and status files the report's `inputs.factor_files` names, and the
/// residual-mix table of `uses` under `lib` (the period's pinned library); returns the dataset
/// editions of the residual mixes, with their factor ids, to be written into `factors/`.
pub fn add(
    store: &Store,
    lib: &FactorLibrary,
    year: i32,
    gwp_set: GwpSet,
    report: &Value,
    uses: &[EnergyUse],
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<BTreeMap<(String, String), Vec<String>>, StoreError> {
    let named: Vec<String> = report
        .pointer("/inputs/factor_files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("file").and_then(Value::as_str).map(str::to_string))
        .collect();
    if named.contains(&instruments_file(year)) {
        files.insert(layout::INSTRUMENTS.into(), store.export_instruments(year)?);
    }
    if named.contains(&status_file(year)) {
        files.insert(layout::SCOPE3_STATUS.into(), store.export_scope3_status(year)?);
    }
    let mut editions: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    if market_from_lines(report) {
        return Ok(editions);
    }
    let mut rows = Vec::new();
    for u in uses {
        let Some(r) = residual_mix(lib, gwp_set, u) else { continue };
        let Some(f) = lib.by_id(&r.factor_id) else { continue };
        let key = (f.dataset.id.clone(), f.dataset.edition.clone());
        editions.entry(key.clone()).or_default().push(f.id.clone());
        rows.push(vec![
            u.facility.to_string(),
            u.region.as_ref().map(ToString::to_string).unwrap_or_default(),
            u.period.start.to_string(),
            u.period.end.to_string(),
            f.id.clone(),
            key.0,
            key.1,
        ]);
    }
    files.insert(layout::RESIDUAL_MIX.into(), crate::export::csv_bytes(&RESIDUAL_COLUMNS, rows)?);
    Ok(editions)
}
