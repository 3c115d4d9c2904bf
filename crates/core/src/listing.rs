//! Listings of the factor library for `scopebook factors` and the app's factor browser and
//! activity picker: datasets, search results, one factor, a factor's gases, the activity types.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::json;

use crate::factor::{Factor, Method};
use crate::gas::{GwpTable, Species};
use crate::library::FactorLibrary;
use crate::region::Region;
use crate::unit::Unit;
use crate::vocabulary::normalise;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

fn to_json<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Every loaded dataset edition with its licence and factor count.
pub fn datasets(lib: &FactorLibrary, format: Format) -> String {
    let rows: Vec<_> = lib
        .datasets()
        .iter()
        .map(|d| {
            let m = d.meta.as_ref();
            json!({
                "id": d.reference.id,
                "edition": d.reference.edition,
                "title": m.map(|m| m.title.as_str()),
                "publisher": m.map(|m| m.publisher.as_str()),
                "region": d.reference.region,
                "licence": m.map(|m| m.licence.as_str()),
                "factors": d.factor_count,
                "unverified": lib.factors().iter().filter(|f| f.dataset == d.reference && !f.verified).count(),
                "activities": activity_summary(lib, &d.reference.id, &d.reference.edition),
                "sha256": d.reference.sha256,
            })
        })
        .collect();
    match format {
        Format::Json => to_json(&rows),
        Format::Markdown => {
            let mut o = String::from("| dataset | edition | publisher | region | licence | factors | of which unverified | covers |\n| --- | --- | --- | --- | --- | ---: | ---: | --- |\n");
            for r in &rows {
                let s = |k: &str| r[k].as_str().unwrap_or("").replace('|', "\\|");
                let _ = writeln!(
                    o,
                    "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
                    s("id"),
                    s("edition"),
                    s("publisher"),
                    s("region"),
                    s("licence"),
                    r["factors"],
                    r["unverified"],
                    s("activities")
                );
            }
            let _ = writeln!(
                o,
                "\nGWP-100 sets: {} gases with AR4/AR5/AR6 values; {} refrigerant blends.",
                lib.gwp.gases().count(),
                lib.gwp.blends().len()
            );
            o
        }
        Format::Table => {
            let mut o = format!("{:<36} {:<10} {:<8} {:>7}  {}\n", "dataset", "edition", "region", "factors", "title");
            for r in &rows {
                let s = |k: &str| r[k].as_str().unwrap_or("-").to_string();
                let _ = writeln!(
                    o,
                    "{:<36} {:<10} {:<8} {:>7}  {}",
                    s("id"),
                    s("edition"),
                    s("region"),
                    r["factors"],
                    s("title")
                );
            }
            o
        }
    }
}

fn activity_summary(lib: &FactorLibrary, id: &str, edition: &str) -> String {
    let mut acts: Vec<&str> = lib
        .factors()
        .iter()
        .filter(|f| f.dataset.id == id && f.dataset.edition == edition)
        .map(|f| f.activity.as_str())
        .collect();
    acts.sort_unstable();
    acts.dedup();
    let n = acts.len();
    if n > 6 {
        format!("{} activity types, e.g. {}", n, acts[..4].join(", "))
    } else {
        acts.join(", ")
    }
}

/// The gases a factor gives figures for, in the factor's order: `CO2` first for a carbon-chain
/// factor, a blend by its name, `CO2e` for a CO2e-only factor.
pub fn gases(lib: &FactorLibrary, f: &Factor) -> Vec<String> {
    gases_of(f, &lib.gwp)
}

fn gases_of(f: &Factor, gwp: &GwpTable) -> Vec<String> {
    match &f.method {
        Method::PerGas { gases, carbon } => {
            let mut v: Vec<String> = gases
                .iter()
                .map(|(s, _)| match s {
                    Species::Gas(g) => g.name().to_string(),
                    Species::Blend(i) => gwp.blend(*i).map(|b| b.name.clone()).unwrap_or_default(),
                })
                .collect();
            if carbon.is_some() {
                v.insert(0, "CO2".into());
            }
            v
        }
        Method::Co2e { .. } => vec!["CO2e".into()],
    }
}

/// An activity type of the library: what its factors are per and where they apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityType {
    pub activity: String,
    /// The units its factors are per, in library order, each once.
    pub units: Vec<Unit>,
    /// The regions its factors cover, in library order, each once.
    pub regions: Vec<Region>,
    /// The scopes of its factors, ascending (one, unless its factors disagree).
    pub scopes: Vec<u8>,
}

/// The activity types whose key, or whose activity type's names in the vocabulary (either
/// language), contain `query` (case, width and spacing ignored; empty matches all), sorted by key.
pub fn activity_types(lib: &FactorLibrary, query: &str) -> Vec<ActivityType> {
    let q = normalise(query);
    let vocab = lib.vocabulary();
    let mut out: std::collections::BTreeMap<&str, ActivityType> = std::collections::BTreeMap::new();
    let wanted = |i: usize, f: &Factor| {
        q.is_empty()
            || f.activity.to_lowercase().contains(&q)
            || lib.key_mapping(i).is_some_and(|m| vocab.search_text(&m.activity).contains(&q))
    };
    for (_, f) in lib.factors().iter().enumerate().filter(|&(i, f)| wanted(i, f)) {
        let t = out.entry(f.activity.as_str()).or_insert_with(|| ActivityType {
            activity: f.activity.clone(),
            units: vec![],
            regions: vec![],
            scopes: vec![],
        });
        if !t.units.contains(&f.unit) {
            t.units.push(f.unit);
        }
        if !t.regions.contains(&f.region) {
            t.regions.push(f.region.clone());
        }
        let scope = f.classification.scope();
        if let Err(i) = t.scopes.binary_search(&scope) {
            t.scopes.insert(i, scope);
        }
    }
    out.into_values().collect()
}

/// A factor as a JSON value, with its provenance.
pub fn factor_json(lib: &FactorLibrary, f: &Factor) -> serde_json::Value {
    let meta = lib.datasets().iter().find(|d| d.reference == f.dataset).and_then(|d| d.meta.as_ref());
    let figures = match &f.method {
        Method::PerGas { gases, carbon } => json!({
            "shape": if carbon.is_some() { "carbon-chain" } else { "per-gas" },
            "per": f.basis_unit().to_string(),
            "gases_kg": gases.iter().map(|(s, v)| {
                let name = match s { Species::Gas(g) => g.name().to_string(), Species::Blend(i) => lib.gwp.blend(*i).map(|b| b.name.clone()).unwrap_or_default() };
                (name, json!(v))
            }).collect::<serde_json::Map<_, _>>(),
            "carbon_t_per_gj": carbon.map(|c| c.carbon_t_per_gj),
            "oxidation": carbon.map(|c| c.oxidation),
        }),
        Method::Co2e { kg_per_unit, basis } => {
            json!({ "shape": "co2e-only", "per": f.unit.to_string(), "co2e_kg": kg_per_unit, "gwp_basis": basis })
        }
    };
    json!({
        "id": f.id,
        "activity": f.activity,
        "name": f.name,
        "classification": f.classification,
        "iso_category": f.classification.iso_category().number(),
        "unit": f.unit.to_string(),
        "ncv_gj_per_unit": f.ncv_gj_per_unit,
        "biogenic_co2_kg": f.biogenic_co2_kg,
        "figures": figures,
        "region": f.region,
        "valid_from": f.valid_from,
        "valid_to": f.valid_to,
        "verified": f.verified,
        "source": f.source,
        "origin": f.origin.to_string(),
        "dataset": {
            "id": f.dataset.id,
            "edition": f.dataset.edition,
            "sha256": f.dataset.sha256,
            "shipped": f.dataset.shipped,
            "title": meta.map(|m| &m.title),
            "publisher": meta.map(|m| &m.publisher),
            "licence": meta.map(|m| &m.licence),
            "source_url": meta.map(|m| &m.source_url),
            "references": meta.map(|m| &m.references),
        },
    })
}

/// Exact-match filters for [`search`]; `None` matches everything.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub activity: Option<String>,
    pub region: Option<String>,
    pub gas: Option<String>,
    pub dataset: Option<String>,
    pub edition: Option<String>,
    pub scope: Option<u8>,
}

impl Filters {
    fn admit(&self, f: &Factor, gwp: &GwpTable) -> bool {
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w.eq_ignore_ascii_case(have));
        eq(&self.activity, &f.activity)
            && eq(&self.region, f.region.as_str())
            && eq(&self.dataset, &f.dataset.id)
            && eq(&self.edition, &f.dataset.edition)
            && self.scope.is_none_or(|s| s == f.classification.scope())
            && self.gas.as_deref().is_none_or(|g| gases_of(f, gwp).iter().any(|x| x.eq_ignore_ascii_case(g)))
    }
}

/// Factors that pass `filters` and whose id, activity, name, region, dataset, source, gases or
/// activity type's names in the vocabulary (English, Chinese, aliases: `天然气`, `外购电力`)
/// contain every word of `text` (case, width and spacing ignored), in library order.
pub fn matching<'a>(lib: &'a FactorLibrary, text: &str, filters: &Filters) -> Vec<&'a Factor> {
    let words: Vec<String> = normalise(text).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect();
    let vocab = lib.vocabulary();
    lib.factors()
        .iter()
        .enumerate()
        .filter(|(_, f)| filters.admit(f, &lib.gwp))
        .filter(|&(i, f)| {
            let names = lib.key_mapping(i).map(|m| vocab.search_text(&m.activity)).unwrap_or_default();
            let hay = normalise(&format!(
                "{} {} {} {} {} {} {} {} {}",
                f.id,
                f.activity,
                f.name.as_deref().unwrap_or(""),
                f.region,
                f.dataset.id,
                f.source,
                gases_of(f, &lib.gwp).join(" "),
                f.classification,
                names
            ));
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .map(|(_, f)| f)
        .collect()
}

/// [`matching`] factors, listed.
pub fn search(lib: &FactorLibrary, text: &str, filters: &Filters, format: Format) -> String {
    let hits = matching(lib, text, filters);
    match format {
        Format::Json => to_json(&hits.iter().map(|f| factor_json(lib, f)).collect::<Vec<_>>()),
        _ => {
            let mut o = format!(
                "{:<44} {:<34} {:<14} {:<10} {:<12} {}\n",
                "id", "activity", "region", "unit", "gases", "dataset/edition"
            );
            for f in &hits {
                let _ = writeln!(
                    o,
                    "{:<44} {:<34} {:<14} {:<10} {:<12} {}/{}{}",
                    f.id,
                    f.activity,
                    f.region,
                    f.unit.to_string(),
                    gases_of(f, &lib.gwp).join(","),
                    f.dataset.id,
                    f.dataset.edition,
                    if f.verified { "" } else { " (unverified)" }
                );
            }
            let _ = writeln!(o, "{} factor(s)", hits.len());
            o
        }
    }
}

/// One factor with its full provenance.
pub fn show(lib: &FactorLibrary, f: &Factor, format: Format) -> String {
    let v = factor_json(lib, f);
    match format {
        Format::Json => to_json(&v),
        _ => {
            let mut o = String::new();
            for (k, v) in flatten_fields(&v) {
                let _ = writeln!(o, "{k:<28} {v}");
            }
            o
        }
    }
}

/// A JSON value as (dotted path, text) pairs, leaving out nulls.
pub fn flatten_fields(v: &serde_json::Value) -> Vec<(String, String)> {
    fn walk(out: &mut Vec<(String, String)>, prefix: &str, v: &serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(out, &key, v);
                }
            }
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
            serde_json::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(out, &format!("{prefix}[{i}]"), v);
                }
            }
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk(&mut out, "", v);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_types_are_sorted_once_each_with_their_units_regions_and_scopes() {
        let (lib, _) = FactorLibrary::shipped();
        let all = activity_types(&lib, "");
        assert!(all.windows(2).all(|w| w[0].activity < w[1].activity), "sorted, each once");
        let distinct: std::collections::BTreeSet<&str> = lib.factors().iter().map(|f| f.activity.as_str()).collect();
        assert_eq!(all.len(), distinct.len());
        let grid = activity_types(&lib, "  GRID_Electricity ");
        let t = grid.iter().find(|t| t.activity == "grid_electricity").unwrap();
        assert_eq!(t.scopes, [2]);
        assert!(t.units.iter().any(|u| u.to_string() == "kWh"), "{:?}", t.units);
        assert!(t.regions.iter().any(|r| r.as_str() == "CN"), "{:?}", t.regions);
        assert!(grid.iter().all(|t| t.activity.contains("grid_electricity")));
        let zh = activity_types(&lib, "天然气");
        assert!(zh.iter().any(|t| t.activity == "natural_gas") && zh.iter().any(|t| t.activity == "lng"));
    }

    #[test]
    fn search_finds_factors_by_their_activity_types_names_in_either_language() {
        let (lib, _) = FactorLibrary::shipped();
        let gas = matching(&lib, "天然气", &Filters::default());
        for key in ["natural_gas", "natural_gas.manufacturing", "natural_gas.gcv"] {
            assert!(gas.iter().any(|f| f.activity == key), "{key}");
        }
        assert!(gas.iter().any(|f| f.id == "cn-mee.natural_gas"));
        assert!(gas.iter().all(|f| !f.activity.starts_with("grid_electricity")));
        let grid = matching(&lib, "外购电力 CN-GD", &Filters::default());
        assert!(grid.iter().any(|f| f.id == "cn-grid.2023.CN-GD"), "{}", grid.len());
        assert!(grid.iter().all(|f| f.activity == "grid_electricity"));
        // A spend category by the Chinese name of its NAICS sector.
        let farms = matching(&lib, "农、林、渔、猎业", &Filters::default());
        assert!(farms.iter().any(|f| f.activity == "spend.naics.111110"));
        assert!(matching(&lib, "不存在的燃料", &Filters::default()).is_empty());
    }

    #[test]
    fn a_factors_gases_name_co2_of_a_carbon_chain_and_co2e_of_a_co2e_only_factor() {
        let (lib, _) = FactorLibrary::shipped();
        let mut seen = (false, false);
        for f in lib.factors() {
            let g = gases(&lib, f);
            match &f.method {
                Method::PerGas { carbon: Some(_), .. } => {
                    assert_eq!(g.first().map(String::as_str), Some("CO2"), "{}", f.id);
                    seen.0 = true;
                }
                Method::PerGas { .. } => assert!(g.iter().all(|n| !n.is_empty() && n != "CO2e"), "{}", f.id),
                Method::Co2e { .. } => {
                    assert_eq!(g, ["CO2e"], "{}", f.id);
                    seen.1 = true;
                }
            }
        }
        assert_eq!(seen, (true, true), "the shipped data has both shapes");
    }
}
