//! Every line recomputed from the package alone: a library built from the package's factor files
//! and GWP table (nothing installed), the package's activity file with each record naming the
//! factor its line states, read and calculated by the core's one run, under the boundary the
//! package's stored facility records give.

use std::collections::BTreeMap;

use scopebook_core::boundary::Boundary;
use scopebook_core::calc::CalcOptions;
use scopebook_core::dataset::DatasetMeta;
use scopebook_core::diagnostic::Diagnostic;
use scopebook_core::gas::{GwpSet, GwpTable};
use scopebook_core::library::FactorLibrary;
use scopebook_core::market::EnergyUse;
use scopebook_core::run::Run;
use serde_json::Value;

use crate::layout;

/// A factor library of the package's files: the GWP tables, then each dataset edition's factor
/// file (named by its path in the package) with the edition's metadata when `meta_of` gives it
/// (its `price_year` deflates spend, decision 0047). Findings of loading them are returned.
pub fn library(
    gwp: (&[u8], &[u8]),
    factor_files: &BTreeMap<String, &[u8]>,
    meta_of: &dyn Fn(&str) -> Option<DatasetMeta>,
) -> (FactorLibrary, Vec<Diagnostic>) {
    let mut lib = FactorLibrary::default();
    let (table, mut diags) = GwpTable::parse(
        layout::GWP_TABLE,
        &String::from_utf8_lossy(gwp.0),
        layout::GWP_BLENDS,
        &String::from_utf8_lossy(gwp.1),
    );
    lib.gwp = table;
    for (path, bytes) in factor_files {
        diags.extend(match meta_of(path) {
            Some(meta) => lib.add_user_file_with_meta(path, bytes, meta),
            None => lib.add_user_file(path, bytes),
        });
    }
    (lib, diags)
}

/// The outcome of recalculating the package's records.
pub struct Recalculated {
    /// Record id → the recomputed line (as the report writes a line).
    pub lines: BTreeMap<u64, Value>,
    /// Record id → why it gave no line.
    pub failed: BTreeMap<u64, String>,
    /// The Scope 2 energy of the recalculated lines per (facility, energy, region, period): what
    /// contractual instruments and residual mixes are allocated against.
    pub energy_uses: Vec<EnergyUse>,
}

/// Recalculate the records of `activities` (whose `i`-th row is record `ids[i]`) that `factor_of`
/// names a factor for, each under that factor.
pub fn recalculate(
    lib: &FactorLibrary,
    activities: &[u8],
    ids: &[u64],
    factor_of: &BTreeMap<u64, String>,
    gwp_set: GwpSet,
    boundary: &Boundary,
) -> Result<Recalculated, String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(activities);
    let mut headers: Vec<String> =
        reader.headers().map_err(|e| format!("{}: {e}", layout::ACTIVITIES))?.iter().map(str::to_string).collect();
    let factor_col = match headers.iter().position(|h| h.trim() == "factor") {
        Some(i) => i,
        None => {
            headers.push("factor".into());
            headers.len() - 1
        }
    };
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(&headers).map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())?;
    // The file line each written record starts on → its record id.
    let mut starts: BTreeMap<u64, u64> = BTreeMap::new();
    let mut line: u64 = 2;
    let mut written: usize = w.get_ref().len();
    let mut given_factor: BTreeMap<u64, bool> = BTreeMap::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("{}: {e}", layout::ACTIVITIES))?;
        let Some(&id) = ids.get(i) else {
            return Err(format!("{} has more rows than {} has records", layout::ACTIVITIES, layout::RECORDS));
        };
        let Some(factor) = factor_of.get(&id) else { continue };
        let mut cells: Vec<String> = row.iter().map(str::to_string).collect();
        cells.resize(headers.len(), String::new());
        given_factor.insert(id, cells.get(factor_col).is_some_and(|c| !c.trim().is_empty()));
        if let Some(c) = cells.get_mut(factor_col) {
            *c = factor.clone();
        }
        w.write_record(&cells).map_err(|e| e.to_string())?;
        w.flush().map_err(|e| e.to_string())?;
        starts.insert(line, id);
        let now = w.get_ref().len();
        let newlines = w.get_ref().get(written..now).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        line += u64::try_from(newlines).unwrap_or(1);
        written = now;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    let opts = CalcOptions { gwp_set, keep_lines: true };
    let to_id = |row: u64| starts.range(..=row).next_back().map_or(0, |(_, id)| *id);
    let run = Run::calculate_numbered(lib, layout::ACTIVITIES, &bytes, opts, to_id).with_boundary(boundary);
    let energy_uses = run.inventory.energy_uses().to_vec();
    let mut out = Recalculated { lines: BTreeMap::new(), failed: BTreeMap::new(), energy_uses };
    for l in &run.inventory.lines {
        let mut v = serde_json::to_value(l).map_err(|e| e.to_string())?;
        if given_factor.get(&l.activity.row) == Some(&false) {
            if let Some(a) = v.get_mut("activity").and_then(Value::as_object_mut) {
                a.remove("factor");
            }
        }
        out.lines.insert(l.activity.row, v);
    }
    for u in &run.inventory.unresolved {
        out.failed.insert(u.activity.row, u.diagnostic.message.clone());
    }
    for d in run.diagnostics.iter().filter(|d| d.is_error()) {
        if let Some(row) = d.location.row {
            out.failed.entry(row).or_insert_with(|| d.message.clone());
        }
    }
    Ok(out)
}

/// A dataset edition's metadata as a package's `dataset.json` states it: the dataset's own
/// `dataset.toml` fields, without what the exporter adds (`sha256`, `shipped`, `withheld`).
/// `None` when it is not that (a bare factor file's metadata names only its id and edition).
pub fn dataset_meta(json: &Value) -> Option<DatasetMeta> {
    let mut o = json.as_object()?.clone();
    for k in ["sha256", "shipped", "withheld"] {
        o.remove(k);
    }
    serde_json::from_value(Value::Object(o)).ok()
}

/// The first few places where two JSON values differ: (path, stated, recomputed).
pub fn diff(path: &str, stated: &Value, recomputed: &Value, out: &mut Vec<(String, String, String)>) {
    if out.len() >= 3 {
        return;
    }
    match (stated, recomputed) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (x, y) = (a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null));
                diff(&format!("{path}.{k}"), x, y, out);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{i}]"), x, y, out);
            }
        }
        _ if stated != recomputed => {
            let show = |v: &Value| match v {
                Value::String(s) => s.clone(),
                Value::Null => "(none)".into(),
                other => {
                    let s = other.to_string();
                    if s.len() > 120 {
                        format!("{}…", s.chars().take(120).collect::<String>())
                    } else {
                        s
                    }
                }
            };
            out.push((path.trim_start_matches('.').to_string(), show(stated), show(recomputed)));
        }
        _ => {}
    }
}
