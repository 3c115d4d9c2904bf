//! Every total of a report, recomputed from its lines: the figures `verify` compares with the
//! totals the package states. Lines are summed per (facility, classification) with their full
//! emissions, each sum takes its facility's share, and the shared sums are added up, as the
//! core's `calc::Totals` does; every step is exact (a sum that overflows is an error, never a
//! rounded figure). Keys are flat paths: `totals.scope1`, `by_gas.CH4.mass_t`,
//! `by_facility.SZ.own.scope3`, …; values in tonnes (shares in percent).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;

/// What the totals need of one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineFigures {
    pub facility: String,
    pub scope: String,
    pub category: String,
    pub iso_category: String,
    /// Percent of the line the totals take.
    pub share: Decimal,
    /// Gas → (mass kg, CO2e kg).
    pub gases: Vec<(String, Decimal, Decimal)>,
    pub unspeciated_co2e_kg: Decimal,
    pub co2e_kg: Decimal,
    pub biogenic_co2_kg: Decimal,
}

fn text(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer).and_then(|x| match x {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// The decimal at `pointer` (a JSON string, or an integer).
pub fn decimal(v: &Value, pointer: &str) -> Result<Decimal, String> {
    let t = text(v, pointer).ok_or_else(|| format!("{pointer} is missing"))?;
    scopebook_core::number::parse_decimal(&t).map_err(|_| format!("{pointer} is not a decimal: '{t}'"))
}

impl LineFigures {
    /// A line of a report (`lines[]` of `results/report.json`).
    pub fn from_json(line: &Value) -> Result<LineFigures, String> {
        let mut gases = Vec::new();
        for g in line.pointer("/emission/gases").and_then(Value::as_array).into_iter().flatten() {
            gases.push((text(g, "/gas").unwrap_or_default(), decimal(g, "/mass_kg")?, decimal(g, "/co2e_kg")?));
        }
        Ok(LineFigures {
            facility: text(line, "/activity/facility").ok_or("activity.facility is missing")?,
            scope: text(line, "/classification/scope").ok_or("classification.scope is missing")?,
            category: text(line, "/classification/category").ok_or("classification.category is missing")?,
            iso_category: text(line, "/iso_category").ok_or("iso_category is missing")?,
            share: decimal(line, "/share_applied")?,
            gases,
            unspeciated_co2e_kg: decimal(line, "/emission/unspeciated_co2e_kg")?,
            co2e_kg: decimal(line, "/emission/co2e_kg")?,
            biogenic_co2_kg: decimal(line, "/emission/biogenic_co2_kg")?,
        })
    }
}

#[derive(Default)]
struct Sums {
    co2e: Decimal,
    biogenic: Decimal,
    unspeciated: Decimal,
    gases: BTreeMap<String, (Decimal, Decimal)>,
}

fn add(total: &mut Decimal, v: Decimal) -> Result<(), String> {
    *total = total.checked_add(v).ok_or("a total is too large to hold exactly")?;
    Ok(())
}

fn part(v: Decimal, share: Decimal) -> Result<Decimal, String> {
    v.checked_mul(share)
        .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
        .ok_or_else(|| "a share of a total is too large to hold exactly".to_string())
}

fn t(kg: Decimal) -> Decimal {
    (kg / Decimal::ONE_THOUSAND).normalize()
}

/// Every total of `lines`, in tonnes.
pub fn recompute(lines: &[LineFigures]) -> Result<BTreeMap<String, Decimal>, String> {
    recompute_with_market(lines, &BTreeMap::new())
}

/// Every total of `lines`, in tonnes, with each facility's market-based Scope 2 moved by
/// `market_delta_kg` (its market-based less its location-based electricity, kg, before its
/// share), as the core moves it once instruments and residual mixes are allocated.
pub fn recompute_with_market(
    lines: &[LineFigures],
    market_delta_kg: &BTreeMap<String, Decimal>,
) -> Result<BTreeMap<String, Decimal>, String> {
    let mut groups: BTreeMap<(String, String, String, String), Sums> = BTreeMap::new();
    let mut shares: BTreeMap<String, Decimal> = BTreeMap::new();
    for l in lines {
        let g = groups
            .entry((l.facility.clone(), l.scope.clone(), l.category.clone(), l.iso_category.clone()))
            .or_default();
        add(&mut g.co2e, l.co2e_kg)?;
        add(&mut g.biogenic, l.biogenic_co2_kg)?;
        add(&mut g.unspeciated, l.unspeciated_co2e_kg)?;
        for (gas, m, c) in &l.gases {
            let e = g.gases.entry(gas.clone()).or_default();
            add(&mut e.0, *m)?;
            add(&mut e.1, *c)?;
        }
        shares.insert(l.facility.clone(), l.share);
    }
    let mut kg: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut put = |key: String, v: Decimal| add(kg.entry(key).or_default(), v);
    for ((facility, scope, category, iso), s) in &groups {
        let share = shares.get(facility).copied().unwrap_or(Decimal::ONE_HUNDRED);
        let co2e = part(s.co2e, share)?;
        let scopes: &[&str] = match scope.as_str() {
            "1" => &["scope1"],
            "2" => &["scope2_location", "scope2_market"],
            _ => &["scope3"],
        };
        for name in scopes {
            put(format!("totals.{name}"), co2e)?;
            put(format!("by_facility.{facility}.{name}"), co2e)?;
            put(format!("by_facility.{facility}.own.{name}"), s.co2e)?;
        }
        let biogenic = part(s.biogenic, share)?;
        put("totals.biogenic_co2".into(), biogenic)?;
        put(format!("by_facility.{facility}.biogenic_co2"), biogenic)?;
        put(format!("by_facility.{facility}.own.biogenic_co2"), s.biogenic)?;
        put(format!("by_scope{scope}_category.{category}"), co2e)?;
        put(format!("by_iso_category.{iso}"), co2e)?;
        put("unspeciated_co2e_t".into(), part(s.unspeciated, share)?)?;
        for (gas, (m, c)) in &s.gases {
            put(format!("by_gas.{gas}.mass_t"), part(*m, share)?)?;
            put(format!("by_gas.{gas}.co2e_t"), part(*c, share)?)?;
        }
    }
    for (facility, delta) in market_delta_kg.iter().filter(|(_, d)| !d.is_zero()) {
        let share = shares.get(facility).copied().unwrap_or(Decimal::ONE_HUNDRED);
        let scaled = part(*delta, share)?;
        put("totals.scope2_market".into(), scaled)?;
        put(format!("by_facility.{facility}.scope2_market"), scaled)?;
        put(format!("by_facility.{facility}.own.scope2_market"), *delta)?;
    }
    let mut out: BTreeMap<String, Decimal> = kg.into_iter().map(|(k, v)| (k, t(v))).collect();
    for (facility, share) in shares {
        out.insert(format!("by_facility.{facility}.share_applied"), share.normalize());
    }
    Ok(out)
}

/// The totals a report states, under the keys of [`recompute`].
pub fn stated(report: &Value) -> Result<BTreeMap<String, Decimal>, String> {
    let mut out = BTreeMap::new();
    let five = ["scope1", "scope2_location", "scope2_market", "scope3", "biogenic_co2"];
    for k in five {
        out.insert(format!("totals.{k}"), decimal(report, &format!("/totals/{k}"))?);
    }
    out.insert("unspeciated_co2e_t".into(), decimal(report, "/unspeciated_co2e_t")?);
    for (list, key) in [
        ("by_scope1_category", "by_scope1_category"),
        ("by_scope2_category", "by_scope2_category"),
        ("by_scope3_category", "by_scope3_category"),
        ("by_iso_category", "by_iso_category"),
    ] {
        for e in report.get(list).and_then(Value::as_array).into_iter().flatten() {
            let c = text(e, "/category").ok_or_else(|| format!("{list}: a category is missing"))?;
            out.insert(format!("{key}.{c}"), decimal(e, "/co2e_t")?);
        }
    }
    for e in report.get("by_gas").and_then(Value::as_array).into_iter().flatten() {
        let g = text(e, "/gas").ok_or("by_gas: a gas is missing")?;
        out.insert(format!("by_gas.{g}.mass_t"), decimal(e, "/mass_t")?);
        out.insert(format!("by_gas.{g}.co2e_t"), decimal(e, "/co2e_t")?);
    }
    for e in report.get("by_facility").and_then(Value::as_array).into_iter().flatten() {
        let f = text(e, "/facility").ok_or("by_facility: a facility is missing")?;
        for k in five {
            out.insert(format!("by_facility.{f}.{k}"), decimal(e, &format!("/{k}"))?);
            out.insert(format!("by_facility.{f}.own.{k}"), decimal(e, &format!("/own/{k}"))?);
        }
        out.insert(format!("by_facility.{f}.share_applied"), decimal(e, "/share_applied")?.normalize());
    }
    Ok(out)
}

/// The keys whose figures differ (a key missing on one side counts as zero there), with the
/// stated and the recomputed figure.
pub fn differences(
    stated: &BTreeMap<String, Decimal>,
    recomputed: &BTreeMap<String, Decimal>,
) -> Vec<(String, Decimal, Decimal)> {
    let mut keys: Vec<&String> = stated.keys().chain(recomputed.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let a = stated.get(k).copied().unwrap_or_default();
            let b = recomputed.get(k).copied().unwrap_or_default();
            (a != b).then(|| (k.clone(), a.normalize(), b.normalize()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn shares_apply_to_each_facilitys_sums() {
        let line = |f: &str, scope: &str, co2e: &str, share: &str| LineFigures {
            facility: f.into(),
            scope: scope.into(),
            category: if scope == "2" { "electricity".into() } else { "stationary".into() },
            iso_category: if scope == "2" { "2".into() } else { "1".into() },
            share: d(share),
            gases: vec![("CO2".into(), d(co2e), d(co2e))],
            unspeciated_co2e_kg: Decimal::ZERO,
            co2e_kg: d(co2e),
            biogenic_co2_kg: Decimal::ZERO,
        };
        let t = recompute(&[line("A", "1", "1000", "30"), line("A", "2", "500", "30"), line("B", "1", "2", "100")])
            .unwrap();
        assert_eq!(t["totals.scope1"], d("0.302"));
        assert_eq!(t["totals.scope2_market"], d("0.15"));
        assert_eq!(t["by_facility.A.own.scope1"], d("1"));
        assert_eq!(t["by_facility.A.share_applied"], d("30"));
        assert_eq!(t["by_gas.CO2.mass_t"], d("0.452"));
        assert_eq!(t["by_iso_category.2"], d("0.15"));
    }
}
