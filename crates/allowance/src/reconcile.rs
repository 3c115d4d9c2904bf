//! Scheme emissions beside the inventory (decision 0031). From the inventory's calculated lines
//! (the core's [`ResultLine`]s of the same activity records), each covered facility's
//! scheme-boundary emissions under the plan's [`SchemeBoundary`], and the difference to the
//! inventory's Scope 1 + 2 explained line by line with a reason code:
//!
//! - `outside-scheme`: the facility is not covered (not in COVERED.csv);
//! - `indirect-excluded`: a Scope 2 line, where the scheme counts no indirect emissions;
//! - `gas-excluded`: gases the scheme does not count (CH4, N2O, ...), named in `detail`;
//! - `co2e-only-factor`: a factor that gives CO2e only, which cannot be split into the gases the
//!   scheme counts (a `co2e-only-factor` warning: the scheme figure leaves it out);
//! - `default-parameter`: the scheme takes the factor's defaults where the inventory used the
//!   record's own (measured) parameters (COVERED.csv `parameters = default`); may be negative;
//! - `boundary-share`: the inventory counts the organisation's share of the facility, the scheme
//!   all of it (negative).
//!
//! On every line, inventory − scheme = the sum of its reasons, exactly. Per holder (enterprise
//! or installation) the verifier's figure, where given, prevails over the computed one, and their
//! difference is shown. Pure: values in, values out.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use scopebook_core::calc::{evaluate, Emission, ResultLine};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::period::Period;
use serde::Serialize;

use crate::boundary::SchemeBoundary;
use crate::covered::{Covered, Parameters};
use crate::forecast::{self, Forecast};
use crate::position::{n, Position};

pub const OUTSIDE_SCHEME: &str = "outside-scheme";
pub const INDIRECT_EXCLUDED: &str = "indirect-excluded";
pub const GAS_EXCLUDED: &str = "gas-excluded";
pub const CO2E_ONLY_FACTOR: &str = "co2e-only-factor";
pub const DEFAULT_PARAMETER: &str = "default-parameter";
pub const BOUNDARY_SHARE: &str = "boundary-share";

/// An enterprise (cn-ets) or installation (eu-ets) of the position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub name: String,
    /// Its unit classes (cn-ets), for the gases a scheme adds by class.
    pub classes: Vec<String>,
    /// The verifier's figure, where given (not compared with records up to `--as-of`: it is
    /// for the whole year).
    pub verified_t: Option<Decimal>,
    /// The text the registry gives instead of the verifier's figure (`Not Reported`,
    /// `Excluded`, ...): there is no verifier's figure, and the reconciliation says so.
    pub verified_status: Option<String>,
    /// What covers its obligation in the position (holdings and offsets counted), for the
    /// forecast's expected shortfall.
    pub available_t: Option<Decimal>,
}

pub struct Input<'a> {
    pub boundary: &'a SchemeBoundary,
    /// The factor library the lines were calculated with (for the factor's defaults).
    pub lib: &'a FactorLibrary,
    pub gwp_set: GwpSet,
    pub activities_file: &'a str,
    pub activities_sha256: &'a str,
    pub lines: &'a [ResultLine],
    pub covered_file: &'a str,
    /// The column of COVERED.csv that names the holder (`enterprise`, `installation`).
    pub holder_column: &'a str,
    pub covered: &'a [Covered],
    pub holders: &'a [Holder],
    /// The compliance period the records must lie in.
    pub period: Period,
    /// Records up to this date only; the rest of the year is projected ([`forecast`]).
    pub as_of: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub reason: &'static str,
    pub tonnes: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One Scope 1 or 2 line of the inventory, beside the scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub row: u64,
    pub facility: String,
    /// The enterprise or installation that holds the facility; `None` outside the scheme.
    pub holder: Option<String>,
    pub activity: String,
    pub scope: u8,
    pub category: String,
    /// The line's CO2e in the inventory (after the organisation's share), t.
    pub inventory_t: Decimal,
    /// What the scheme counts of it, t.
    pub scheme_t: Decimal,
    /// inventory − scheme, explained; empty when they agree.
    pub reasons: Vec<Reason>,
}

/// One enterprise or installation: the computed scheme figure, the verifier's, and the inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HolderLine {
    pub holder: String,
    pub facilities: Vec<String>,
    /// Scope 1 + 2 of its covered facilities in the inventory, t.
    pub inventory_t: Decimal,
    /// Scheme-boundary emissions computed from the records, t.
    pub computed_t: Decimal,
    pub verified_t: Option<Decimal>,
    /// verified − computed, where the verifier's figure is given.
    pub verified_minus_computed_t: Option<Decimal>,
    /// The figure that prevails: the verifier's where given, else the computed one.
    pub scheme_t: Decimal,
    /// `verified` or `computed`.
    pub prevails: &'static str,
    /// inventory − computed, by reason.
    pub reasons: BTreeMap<&'static str, Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<Forecast>,
}

/// The reconciliation of a position with the inventory of the same records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    pub activities: String,
    pub activities_sha256: String,
    pub covered: String,
    pub boundary: SchemeBoundary,
    pub gwp_set: GwpSet,
    pub period: Period,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    /// Scope 1 + 2 of every line, t.
    pub inventory_t: Decimal,
    /// Scheme-boundary emissions of the covered facilities, computed, t.
    pub computed_t: Decimal,
    /// inventory − computed, by reason.
    pub reasons: BTreeMap<&'static str, Decimal>,
    /// Scope 3 lines, which are neither in Scope 1 + 2 nor in any scheme, left out.
    pub scope3_lines: u64,
    pub holders: Vec<HolderLine>,
    pub lines: Vec<Line>,
}

/// Exact sums; an overflow is remembered and reported once.
#[derive(Default)]
struct Sum {
    overflow: bool,
}

impl Sum {
    fn add(&mut self, a: Decimal, b: Decimal) -> Decimal {
        a.checked_add(b).unwrap_or_else(|| {
            self.overflow = true;
            a
        })
    }
    fn mul(&mut self, a: Decimal, b: Decimal) -> Decimal {
        a.checked_mul(b).unwrap_or_else(|| {
            self.overflow = true;
            Decimal::ZERO
        })
    }
}

fn tonnes(kg: Decimal) -> Decimal {
    kg / Decimal::ONE_THOUSAND
}

/// The CO2e the scheme counts of an emission, and what it leaves out (gas names, t).
fn split(
    e: &Emission,
    boundary: &SchemeBoundary,
    classes: &[String],
    s: &mut Sum,
) -> (Decimal, Vec<(String, Decimal)>) {
    let mut counted = Decimal::ZERO;
    let mut left: Vec<(String, Decimal)> = Vec::new();
    for g in &e.gases {
        if boundary.counts(g.gas, classes) {
            counted = s.add(counted, tonnes(g.co2e_kg));
        } else if !g.co2e_kg.is_zero() {
            left.push((g.gas.name().to_string(), tonnes(g.co2e_kg)));
        }
    }
    (counted, left)
}

fn period_finding(input: &Input<'_>, l: &ResultLine) -> Option<Diagnostic> {
    let p = l.activity.period;
    let at = |col: &str| Location::cell(input.activities_file, l.activity.row, col);
    let whole = input.period;
    if p.start < whole.start || p.end > whole.end {
        let col = if p.start < whole.start { "period_start" } else { "period_end" };
        return Some(Diagnostic::error(
            Code::OutOfRange,
            at(col),
            format!(
                "the record's period {} – {} is not within the compliance period {} – {}; give the records of that period only",
                p.start, p.end, whole.start, whole.end
            ),
        ));
    }
    match input.as_of {
        Some(d) if p.end > d => Some(Diagnostic::error(
            Code::OutOfRange,
            at("period_end"),
            format!(
                "the record's period ends on {}, after --as-of {d}; a forecast projects from the records up to that date (leave later records out, or move --as-of)",
                p.end
            ),
        )),
        _ => None,
    }
}

/// The reconciliation, and its findings (errors when records fall outside the period, a
/// covered facility names an unknown holder, or a factor's defaults cannot be recomputed).
pub fn reconcile(input: &Input<'_>) -> (Reconciliation, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut s = Sum::default();
    for c in input.covered {
        if !input.holders.iter().any(|h| h.name == c.holder) {
            let names: Vec<&str> = input.holders.iter().map(|h| h.name.as_str()).collect();
            diags.push(Diagnostic::error(
                Code::UnknownRecord,
                Location::cell(input.covered_file, c.line, input.holder_column),
                format!("'{}' is not in the position (it has: {})", c.holder, names.join(", ")),
            ));
        }
    }
    if let Some(d) = input.as_of {
        diags.extend(forecast::check_as_of(input.period, d));
    }
    let mut lines = Vec::new();
    let mut scope3_lines = 0u64;
    for l in input.lines {
        if l.classification.scope() == 3 {
            scope3_lines += 1;
            continue;
        }
        if let Some(d) = period_finding(input, l) {
            diags.push(d);
            continue;
        }
        let full_t = tonnes(l.emission.co2e_kg);
        let inventory_t = s.mul(full_t, l.share_applied) / Decimal::ONE_HUNDRED;
        let covered = input.covered.iter().find(|c| *c.facility == *l.activity.facility);
        let mut reasons = Vec::new();
        let mut reason = |reason: &'static str, tonnes: Decimal, detail: Option<String>| {
            if !tonnes.is_zero() {
                reasons.push(Reason { reason, tonnes: n(tonnes), detail });
            }
        };
        let scheme_t = match covered {
            None => {
                reason(OUTSIDE_SCHEME, inventory_t, None);
                Decimal::ZERO
            }
            Some(_) if l.classification.scope() == 2 && !input.boundary.indirect => {
                reason(INDIRECT_EXCLUDED, inventory_t, None);
                Decimal::ZERO
            }
            Some(c) => {
                let classes = input.holders.iter().find(|h| h.name == c.holder).map_or(&[][..], |h| &h.classes);
                reason(BOUNDARY_SHARE, inventory_t - full_t, None);
                let (counted, left) = split(&l.emission, input.boundary, classes, &mut s);
                let left_t = left.iter().fold(Decimal::ZERO, |a, (_, t)| s.add(a, *t));
                let names: Vec<String> = left.into_iter().map(|(g, _)| g).collect();
                reason(GAS_EXCLUDED, left_t, Some(names.join(", ")).filter(|t| !t.is_empty()));
                let unspeciated = tonnes(l.emission.unspeciated_co2e_kg);
                if !unspeciated.is_zero() {
                    reason(CO2E_ONLY_FACTOR, unspeciated, Some(l.factor.id.clone()));
                    diags.push(Diagnostic::warning(
                        Code::Co2eOnlyFactor,
                        Location::cell(input.activities_file, l.activity.row, "activity"),
                        format!(
                            "factor '{}' gives CO2e only, so the gases the scheme counts cannot be taken from it: its {} t are left out of the scheme emissions of '{}'; give a factor with figures per gas",
                            l.factor.id,
                            n(unspeciated),
                            c.holder
                        ),
                    ));
                }
                match (c.parameters, l.activity.parameters.is_some()) {
                    (Parameters::Default, true) => match with_defaults(input, l) {
                        Ok(e) => {
                            let (scheme, _) = split(&e, input.boundary, classes, &mut s);
                            reason(DEFAULT_PARAMETER, counted - scheme, Some(l.factor.id.clone()));
                            scheme
                        }
                        Err(d) => {
                            diags.push(d);
                            counted
                        }
                    },
                    _ => counted,
                }
            }
        };
        lines.push(Line {
            row: l.activity.row,
            facility: l.activity.facility.to_string(),
            holder: covered.map(|c| c.holder.clone()),
            activity: l.activity.activity.to_string(),
            scope: l.classification.scope(),
            category: l.classification.category_text(),
            inventory_t: n(inventory_t),
            scheme_t: n(scheme_t),
            reasons,
        });
    }
    let mut holders = Vec::new();
    let mut uncovered: Vec<&str> = Vec::new();
    for h in input.holders {
        let facilities: Vec<String> =
            input.covered.iter().filter(|c| c.holder == h.name).map(|c| c.facility.clone()).collect();
        let Some(first) = input.covered.iter().find(|c| c.holder == h.name) else {
            uncovered.push(&h.name);
            continue;
        };
        if let (Some(status), None) = (&h.verified_status, input.as_of) {
            diags.push(Diagnostic::warning(
                Code::MissingValue,
                Location::cell(input.covered_file, first.line, input.holder_column),
                format!(
                    "'{}' has no verifier's figure: the registry gives '{status}' for its verified emissions, so the computed figure prevails",
                    h.name
                ),
            ));
        }
        for c in input.covered.iter().filter(|c| c.holder == h.name) {
            if !input.lines.iter().any(|l| *l.activity.facility == *c.facility) {
                diags.push(Diagnostic::warning(
                    Code::UnknownRecord,
                    Location::cell(input.covered_file, c.line, "facility"),
                    format!(
                        "facility '{}' has no calculated records in {}; it adds nothing to the scheme emissions of '{}'",
                        c.facility, input.activities_file, h.name
                    ),
                ));
            }
        }
        let own: Vec<&Line> = lines.iter().filter(|l| l.holder.as_deref() == Some(h.name.as_str())).collect();
        let inventory_t = own.iter().fold(Decimal::ZERO, |a, l| s.add(a, l.inventory_t));
        let computed_t = own.iter().fold(Decimal::ZERO, |a, l| s.add(a, l.scheme_t));
        let mut reasons = BTreeMap::new();
        for r in own.iter().flat_map(|l| &l.reasons) {
            let e = reasons.entry(r.reason).or_insert(Decimal::ZERO);
            *e = s.add(*e, r.tonnes);
        }
        let forecast = input.as_of.map(|d| forecast::project(computed_t, input.period, d, h.available_t));
        // A verifier's figure is for the whole year: records up to a date are not compared with it.
        let verified = h.verified_t.filter(|_| input.as_of.is_none());
        holders.push(HolderLine {
            holder: h.name.clone(),
            facilities,
            inventory_t: n(inventory_t),
            computed_t: n(computed_t),
            verified_t: verified.map(n),
            verified_minus_computed_t: verified.map(|v| n(v - computed_t)),
            scheme_t: n(verified.unwrap_or(computed_t)),
            prevails: if verified.is_some() { "verified" } else { "computed" },
            reasons: reasons.into_iter().map(|(k, v)| (k, n(v))).collect(),
            forecast,
        });
    }
    if let Some(d) = uncovered_finding(input, &uncovered) {
        diags.push(d);
    }
    let inventory_t = lines.iter().fold(Decimal::ZERO, |a, l| s.add(a, l.inventory_t));
    let computed_t = lines.iter().fold(Decimal::ZERO, |a, l| s.add(a, l.scheme_t));
    let mut reasons = BTreeMap::new();
    for r in lines.iter().flat_map(|l| &l.reasons) {
        let e = reasons.entry(r.reason).or_insert(Decimal::ZERO);
        *e = s.add(*e, r.tonnes);
    }
    if s.overflow {
        diags.push(Diagnostic::error(
            Code::Overflow,
            Location::file(input.activities_file),
            "the scheme emissions are too large to compute exactly",
        ));
    }
    if !input.boundary.verified() && diags.iter().all(|d| !d.is_error()) {
        diags.push(Diagnostic::warning(
            Code::UnverifiedFactor,
            Location::file(&input.boundary.file),
            format!(
                "the scheme boundary of plan {} (which gases count, whether indirect emissions do) is not confirmed in the scheme's own documents; its sources are in the file",
                input.boundary.plan
            ),
        ));
    }
    let r = Reconciliation {
        activities: input.activities_file.to_string(),
        activities_sha256: input.activities_sha256.to_string(),
        covered: input.covered_file.to_string(),
        boundary: input.boundary.clone(),
        gwp_set: input.gwp_set,
        period: input.period,
        as_of: input.as_of,
        inventory_t: n(inventory_t),
        computed_t: n(computed_t),
        reasons: reasons.into_iter().map(|(k, v)| (k, n(v))).collect(),
        scope3_lines,
        holders,
        lines,
    };
    (r, diags)
}

/// Holders of the position without a covered facility (an installation no facility is tied to):
/// they keep their own figures in the position, and no records are set beside them. One
/// warning names them (the first few: a registry copy may hold thousands of other operators').
fn uncovered_finding(input: &Input<'_>, uncovered: &[&str]) -> Option<Diagnostic> {
    const SHOWN: usize = 5;
    if uncovered.is_empty() {
        return None;
    }
    let mut names = uncovered.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
    if uncovered.len() > SHOWN {
        names.push_str(&format!(" and {} more", uncovered.len() - SHOWN));
    }
    Some(Diagnostic::warning(
        Code::UnknownRecord,
        Location::file(input.covered_file),
        format!(
            "{} {}(s) of the position have no covered facility in {} ({names}): they keep their own figures in the position, and no records are set beside them in the reconciliation",
            uncovered.len(),
            input.holder_column,
            input.covered_file
        ),
    ))
}

/// The enterprises (China) or installations of the position's year (EU) a covered facility may
/// belong to, each with the verifier's figure and what covers its obligation in the position.
pub fn holders(pos: &Position) -> Vec<Holder> {
    if pos.scheme == "eu-ets" {
        return pos
            .installations
            .iter()
            .filter(|i| Some(i.year) == pos.year)
            .map(|i| Holder {
                name: i.installation.clone(),
                classes: Vec::new(),
                verified_t: i.verified_t,
                verified_status: i.figure_status.get("verified_t").cloned(),
                available_t: i.free_allocation_t,
            })
            .collect();
    }
    pos.enterprises
        .iter()
        .map(|e| Holder {
            name: e.enterprise.clone(),
            classes: pos.units.iter().filter(|u| u.enterprise == e.enterprise).map(|u| u.unit_class.clone()).collect(),
            verified_t: Some(e.verified_t),
            verified_status: None,
            available_t: e.holdings_t.checked_add(e.offsets_used_t),
        })
        .collect()
}

/// What a reconciliation needs before its records, for the file mode and the store alike: the
/// `--as-of` date, parsed, and the plan's shipped scheme boundary. A malformed date or a plan
/// without a boundary becomes an error of the position and gives `None`: the position is then
/// refused as it stands, nothing reconciled.
pub fn prepare(pos: &mut Position, as_of: Option<&str>) -> Option<(Option<NaiveDate>, SchemeBoundary)> {
    let date = match as_of.map(scopebook_core::period::parse_date).transpose() {
        Ok(d) => d,
        Err(why) => {
            let text = as_of.unwrap_or_default();
            pos.diagnostics.push(Diagnostic::error(
                Code::MalformedDate,
                Location::file(format!("--as-of {text}")),
                format!("'{text}': {why}"),
            ));
            return None;
        }
    };
    match SchemeBoundary::shipped(&pos.plan) {
        Ok(b) => Some((date, b)),
        Err(d) => {
            pos.diagnostics.push(d);
            None
        }
    }
}

/// The compliance period the records must lie in: the position's year, else the plan's years
/// (a plan allocated once for two years). `None` when neither is known.
pub fn compliance_period(pos: &Position, plan_years: &[i32]) -> Option<Period> {
    let first = |y: i32| scopebook_core::period::parse_date(&format!("{y:04}-01-01")).ok();
    let last = |y: i32| scopebook_core::period::parse_date(&format!("{y:04}-12-31")).ok();
    let (from, to) = match pos.year {
        Some(y) => (y, y),
        None => (*plan_years.iter().min()?, *plan_years.iter().max()?),
    };
    Period::new(first(from)?, last(to)?)
}

/// The line's emissions recomputed with the factor's defaults in place of the record's own
/// parameters.
fn with_defaults(input: &Input<'_>, l: &ResultLine) -> Result<Emission, Diagnostic> {
    let at = Location::cell(input.activities_file, l.activity.row, "activity");
    let same = |f: &&scopebook_core::factor::Factor| {
        f.id == l.factor.id && f.dataset.id == l.factor.dataset && f.dataset.edition == l.factor.edition
    };
    let factor = input.lib.by_id(&l.factor.id).filter(same).or_else(|| input.lib.factors().iter().find(|f| same(f)));
    let Some(factor) = factor else {
        return Err(Diagnostic::error(
            Code::UnknownFactor,
            at,
            format!(
                "factor '{}' ({} {}) is not loaded, so its defaults cannot be applied",
                l.factor.id, l.factor.dataset, l.factor.edition
            ),
        ));
    };
    evaluate(l.activity.quantity, l.activity.unit, factor, None, &input.lib.gwp, input.gwp_set, None).map_err(|e| {
        Diagnostic::error(e.code, Location::cell(input.activities_file, l.activity.row, e.column), e.message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use scopebook_core::calc::CalcOptions;
    use scopebook_core::period::parse_date;
    use scopebook_core::pipeline::calculate_csv;

    const FACTORS: &str =
        "id,activity,scope,category,unit,co2_kg,ch4_kg,n2o_kg,carbon_t_per_gj,oxidation,source,verified\n\
        t.coal,t_coal,1,stationary,GJ,,0.001,0.0015,0.027,0.99,test,true\n\
        t.grid,t_grid,2,electricity,MWh,600,,,,,test,true\n";

    fn run(activities: &str) -> (FactorLibrary, Vec<ResultLine>) {
        let (mut lib, d) = FactorLibrary::shipped();
        assert!(d.is_empty());
        assert!(lib.add_user_file("f.csv", FACTORS.as_bytes()).is_empty());
        let opts = CalcOptions { gwp_set: GwpSet::AR5, keep_lines: true };
        let (inv, d) = calculate_csv(&lib, "a.csv", activities.as_bytes(), opts);
        assert!(d.is_empty(), "{d:?}");
        let lines = inv.lines;
        (lib, lines)
    }

    fn year(y: i32) -> Period {
        Period::new(parse_date(&format!("{y}-01-01")).unwrap(), parse_date(&format!("{y}-12-31")).unwrap()).unwrap()
    }

    #[test]
    fn every_line_is_inventory_minus_scheme_by_its_reasons() {
        let activities = "facility,period_start,period_end,activity,quantity,unit,carbon_t_per_gj,parameter_source\n\
            P,2021-01-01,2021-06-30,t_coal,600000,GJ,0.025,measured\n\
            P,2021-07-01,2021-12-31,t_grid,1000,MWh,,\n\
            Q,2021-01-01,2021-12-31,t_grid,10,MWh,,\n";
        let (lib, lines) = run(activities);
        let covered =
            vec![Covered { line: 2, facility: "P".into(), holder: "E".into(), parameters: Parameters::Default }];
        let holders = vec![Holder {
            name: "E".into(),
            classes: vec![],
            verified_t: Some(Decimal::from(60_000)),
            verified_status: None,
            available_t: None,
        }];
        // Indirect counted (2021–2022 power): the grid line of P is in the scheme.
        let boundary = SchemeBoundary::shipped("cn-power-2021-2022").unwrap();
        let input = Input {
            boundary: &boundary,
            lib: &lib,
            gwp_set: GwpSet::AR5,
            activities_file: "a.csv",
            activities_sha256: "",
            lines: &lines,
            covered_file: "COVERED.csv",
            holder_column: "enterprise",
            covered: &covered,
            holders: &holders,
            period: year(2021),
            as_of: None,
        };
        let (r, d) = reconcile(&input);
        assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
        for l in &r.lines {
            let sum = l.reasons.iter().fold(Decimal::ZERO, |a, x| a + x.tonnes);
            assert_eq!(l.inventory_t - l.scheme_t, sum, "row {}", l.row);
        }
        // Coal at the default 0.027: 600,000 × 0.027 × 0.99 × 44/12 = 58,806; grid 600 t counted.
        assert_eq!(r.lines[0].scheme_t, Decimal::from(58_806));
        assert_eq!(r.lines[1].scheme_t, Decimal::from(600));
        assert_eq!(r.lines[2].reasons[0].reason, OUTSIDE_SCHEME);
        assert_eq!(r.holders[0].computed_t, Decimal::from(59_406));
        assert_eq!(r.holders[0].verified_minus_computed_t, Some(Decimal::from(594)));
        assert_eq!(r.holders[0].prevails, "verified");

        // Under 2023–2024 the same grid line is indirect-excluded; a record past --as-of and an
        // unknown holder are refused, located.
        let b23 = SchemeBoundary::shipped("cn-power-2023-2024").unwrap();
        let bad =
            vec![Covered { line: 3, facility: "Q".into(), holder: "Nobody".into(), parameters: Parameters::Record }];
        let input = Input { boundary: &b23, covered: &bad, as_of: parse_date("2021-06-30").ok(), ..input };
        let (r, d) = reconcile(&input);
        let shown: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|s| s.starts_with("error[unknown-record] COVERED.csv:3 (column enterprise)")),
            "{shown:?}"
        );
        assert!(shown.iter().any(|s| s.starts_with("error[out-of-range] a.csv:3 (column period_end)")), "{shown:?}");
        assert!(shown.iter().any(|s| s.starts_with("error[out-of-range] a.csv:4 (column period_end)")), "{shown:?}");
        assert_eq!(r.lines.len(), 1);
    }
}
