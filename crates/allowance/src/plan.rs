//! China ETS allocation plans as data (`allowance-plans/<plan-id>/plan.toml`, embedded at build
//! time; decision 0023). A plan file names its source document and gives, each with its source
//! and whether it was confirmed in that document: the output basis, the unit classes, the
//! benchmarks per class (and year), the correction formulas, the heat benchmarks, the relief
//! rules and what they cap, the offset cap and its base, banking, borrowing, the deadline and the
//! penalty. The calculation ([`crate::cn`]) reads only these values: a new year's plan is a new
//! file.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::period::parse_date;
use serde::{Deserialize, Serialize};

use crate::figure::{Dec, Sourced};

include!(concat!(env!("OUT_DIR"), "/plans.rs"));

/// The ids of the shipped plans, sorted.
pub fn shipped_ids() -> Vec<&'static str> {
    SHIPPED_PLANS.iter().map(|(id, _)| *id).collect()
}

/// The text of a shipped plan file, with the name it is reported under.
pub fn shipped_text(id: &str) -> Option<(String, &'static str)> {
    SHIPPED_PLANS.iter().find(|(p, _)| *p == id).map(|(p, text)| (format!("allowance-plans/{p}/plan.toml"), *text))
}

/// The source document of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub number: String,
    pub date: String,
    pub publisher: String,
    pub table: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Output × benchmark × corrections + heat × heat benchmark.
    Benchmark,
    /// Allocation equals verified emissions.
    Verified,
    /// The allocation is entered (UNITS.csv `allocation_t`): the plan's rules for the year are not shipped.
    Entered,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    NetSupply,
    Generation,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::NetSupply => "net-supply",
            Basis::Generation => "generation",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocationRule {
    pub years: Vec<i32>,
    pub method: Method,
    pub basis: Option<Basis>,
    pub formula: Option<String>,
    pub src: Sourced,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitClass {
    pub id: String,
    pub fuel: String,
    pub label: String,
}

/// A figure for some unit classes, for one year of the plan or all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassFigure {
    pub classes: Vec<String>,
    pub year: Option<i32>,
    pub value: Decimal,
    pub src: Sourced,
}

/// The unit column a correction reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Cooling,
    HeatSupplyRatio,
    LoadFactor,
}

impl Input {
    pub fn column(self) -> &'static str {
        match self {
            Input::Cooling => "cooling",
            Input::HeatSupplyRatio => "heat_supply_ratio",
            Input::LoadFactor => "load_factor",
        }
    }
}

/// One band of a piecewise formula: it applies when the input is at least `min`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    pub min: Decimal,
    pub shape: Shape,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// a + b × (c − d × x)
    Linear { a: Decimal, b: Decimal, c: Decimal, d: Decimal },
    /// base ^ (c − d × x)
    Power { base: Decimal, c: Decimal, d: Decimal },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formula {
    /// A value per text choice (cooling: water, air).
    Choices(BTreeMap<String, Decimal>),
    /// Bands by decreasing `min`; the first whose `min` the input reaches applies.
    Bands(Vec<Band>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    pub id: String,
    pub classes: Vec<String>,
    pub year: Option<i32>,
    pub input: Input,
    pub formula: Formula,
    /// The correction is 1 for a unit that supplies heat (the load factor of pure-condensing units).
    pub only_without_heat: bool,
    pub src: Sourced,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReliefScope {
    Unit,
    Enterprise,
}

/// What a relief rule changes: the obligation is capped (2019–2020), or the allocation is topped
/// up (from 2021). The gap closed is the same; the base of the offset cap is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Caps {
    Obligation,
    Allocation,
}

/// The gap (verified − allocation) of a unit, or of an enterprise's units of some classes, is
/// capped at `gap_cap_share` × their verified emissions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relief {
    pub id: String,
    pub scope: ReliefScope,
    pub classes: Vec<String>,
    pub gap_cap_share: Decimal,
    pub caps: Caps,
    pub src: Sourced,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapBase {
    /// The obligation after relief.
    Obligation,
    /// Verified emissions.
    Verified,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offsets {
    pub instrument: String,
    pub cap_share: Decimal,
    pub cap_base: CapBase,
    /// Credits of a vintage before this year are legacy credits ...
    pub legacy_vintage_before: Option<i32>,
    /// ... usable for compliance years up to this one only.
    pub legacy_last_year: Option<i32>,
    pub src: Sourced,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banking {
    pub allowed: bool,
    pub fixed_t: Option<Decimal>,
    pub net_sales_multiple: Option<Decimal>,
    pub src: Sourced,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Borrowing {
    pub allowed: bool,
    pub min_shortfall_share_of_allocation: Option<Decimal>,
    pub max_share_of_shortfall: Option<Decimal>,
    pub src: Sourced,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub years: Vec<i32>,
    pub date: NaiveDate,
    pub src: Sourced,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PenaltyKind {
    /// A fine between `low` and `high`, in the plan's currency.
    Fixed,
    /// `low` to `high` times the price, per tonne not surrendered.
    PriceMultiple,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Penalty {
    pub kind: PenaltyKind,
    pub low: Decimal,
    pub high: Decimal,
    pub src: Sourced,
}

/// A validated China ETS plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The name the plan's findings are reported under (its file).
    pub file: String,
    pub id: String,
    pub sector: String,
    pub currency: String,
    pub years: Vec<i32>,
    /// Allocated and surrendered year by year (`--year` needed), or once for the whole period.
    pub per_year: bool,
    pub document: Document,
    pub allocation: Vec<AllocationRule>,
    pub classes: Vec<UnitClass>,
    pub benchmarks: Vec<ClassFigure>,
    pub heat_benchmarks: Vec<ClassFigure>,
    pub corrections: Vec<Correction>,
    pub relief: Vec<Relief>,
    pub offsets: Option<Offsets>,
    pub banking: Option<Banking>,
    pub borrowing: Option<Borrowing>,
    pub deadlines: Vec<Deadline>,
    pub penalty: Option<Penalty>,
}

impl Plan {
    /// A shipped plan by id; an unknown id lists the shipped ones.
    pub fn shipped(id: &str) -> Result<Plan, Diagnostic> {
        let Some((file, text)) = shipped_text(id) else {
            let known: Vec<&str> = shipped_ids().into_iter().filter(|p| p.starts_with("cn-")).collect();
            return Err(Diagnostic::error(
                Code::UnknownValue,
                Location::file("--plan"),
                format!("'{id}' is not a shipped plan; shipped: {}; or give a plan file (PATH.toml)", known.join(", ")),
            ));
        };
        Plan::parse(&file, text)
    }

    /// Parse and check a plan file. A problem is an `invalid-metadata` diagnostic naming the file.
    pub fn parse(file: &str, text: &str) -> Result<Plan, Diagnostic> {
        let bad = |msg: String| Diagnostic::error(Code::InvalidMetadata, Location::file(file), msg);
        let raw: raw::Plan =
            toml::from_str(text).map_err(|e| bad(format!("not a valid plan file: {}", e.message())))?;
        raw.check(file).map_err(bad)
    }

    /// The allocation rule for a year (`None`: the whole period of a whole-period plan).
    pub fn allocation_rule(&self, year: Option<i32>) -> Option<&AllocationRule> {
        match year {
            Some(y) => self.allocation.iter().find(|r| r.years.contains(&y)),
            None => self.allocation.first().filter(|_| self.allocation.len() == 1),
        }
    }

    pub fn class(&self, id: &str) -> Option<&UnitClass> {
        self.classes.iter().find(|c| c.id == id)
    }

    pub fn class_ids(&self) -> Vec<&str> {
        self.classes.iter().map(|c| c.id.as_str()).collect()
    }

    /// The figure of a list for a class and year: one given for the year, else one for every year.
    pub fn figure<'a>(list: &'a [ClassFigure], class: &str, year: Option<i32>) -> Option<&'a ClassFigure> {
        let of_class = |f: &&ClassFigure| f.classes.iter().any(|c| c == class);
        list.iter()
            .filter(of_class)
            .find(|f| f.year.is_some() && f.year == year)
            .or_else(|| list.iter().filter(of_class).find(|f| f.year.is_none()))
    }

    /// The corrections that apply to a class in a year, in file order.
    pub fn corrections_for(&self, class: &str, year: Option<i32>) -> Vec<&Correction> {
        self.corrections
            .iter()
            .filter(|c| c.classes.iter().any(|k| k == class) && (c.year.is_none() || c.year == year))
            .collect()
    }

    /// The surrender deadline of a year (`None`: the whole period's).
    pub fn deadline(&self, year: Option<i32>) -> Option<&Deadline> {
        match year {
            Some(y) => self.deadlines.iter().find(|d| d.years.contains(&y)),
            None => self.deadlines.iter().find(|d| self.years.iter().all(|y| d.years.contains(y))),
        }
    }
}

/// The plan file as written, before checks.
mod raw {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Plan {
        id: String,
        scheme: String,
        sector: String,
        currency: String,
        years: Vec<i32>,
        compliance: String,
        document: Document,
        allocation: Option<Allocation>,
        #[serde(default)]
        allocation_year: Vec<Allocation>,
        #[serde(default)]
        unit_class: Vec<Class>,
        #[serde(default)]
        benchmark: Vec<Figure>,
        #[serde(default)]
        heat_benchmark: Vec<Figure>,
        #[serde(default)]
        correction: Vec<Correction>,
        #[serde(default)]
        relief: Vec<Relief>,
        offsets: Option<Offsets>,
        banking: Option<Banking>,
        borrowing: Option<Borrowing>,
        #[serde(default)]
        deadline: Vec<Deadline>,
        penalty: Option<Penalty>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Allocation {
        years: Option<Vec<i32>>,
        method: String,
        basis: Option<String>,
        formula: Option<String>,
        note: Option<String>,
        source: String,
        verified: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Class {
        id: String,
        fuel: String,
        label: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Figure {
        classes: Vec<String>,
        year: Option<i32>,
        value: Dec,
        source: String,
        verified: bool,
        note: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Band {
        min: Dec,
        a: Option<Dec>,
        b: Option<Dec>,
        base: Option<Dec>,
        c: Dec,
        d: Dec,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Correction {
        id: String,
        classes: Vec<String>,
        year: Option<i32>,
        input: String,
        choices: Option<BTreeMap<String, Dec>>,
        bands: Option<Vec<Band>>,
        #[serde(default)]
        only_without_heat: bool,
        source: String,
        verified: bool,
        note: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Relief {
        id: String,
        scope: String,
        classes: Vec<String>,
        gap_cap_share: Dec,
        caps: String,
        source: String,
        verified: bool,
        note: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Offsets {
        instrument: String,
        cap_share: Dec,
        cap_base: String,
        legacy_vintage_before: Option<i32>,
        legacy_last_year: Option<i32>,
        source: String,
        verified: bool,
        note: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Banking {
        allowed: bool,
        fixed_t: Option<Dec>,
        net_sales_multiple: Option<Dec>,
        source: String,
        verified: bool,
        note: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Borrowing {
        allowed: bool,
        min_shortfall_share_of_allocation: Option<Dec>,
        max_share_of_shortfall: Option<Dec>,
        source: String,
        verified: bool,
        note: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Deadline {
        years: Vec<i32>,
        date: String,
        source: String,
        verified: bool,
        note: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Penalty {
        kind: String,
        low: Dec,
        high: Dec,
        source: String,
        verified: bool,
        note: Option<String>,
    }

    fn share(what: &str, d: Decimal) -> Result<Decimal, String> {
        if d < Decimal::ZERO || d > Decimal::ONE {
            return Err(format!("{what} is a fraction between 0 and 1, found {d}"));
        }
        Ok(d)
    }

    impl Plan {
        pub fn check(self, file: &str) -> Result<super::Plan, String> {
            if self.scheme != "cn-ets" {
                return Err(format!("scheme '{}' is not a China ETS plan (cn-ets)", self.scheme));
            }
            if !file.ends_with(&format!("{}/plan.toml", self.id)) && file.starts_with("allowance-plans/") {
                return Err(format!("the plan id '{}' differs from its folder name", self.id));
            }
            if self.years.is_empty() {
                return Err("`years` is empty".into());
            }
            let per_year = match self.compliance.as_str() {
                "per-year" => true,
                "whole-period" => false,
                other => return Err(format!("compliance '{other}' is not per-year or whole-period")),
            };
            let classes: Vec<UnitClass> =
                self.unit_class.into_iter().map(|c| UnitClass { id: c.id, fuel: c.fuel, label: c.label }).collect();
            if classes.is_empty() {
                return Err("the plan declares no [[unit_class]]".into());
            }
            for (i, c) in classes.iter().enumerate() {
                if classes[..i].iter().any(|o| o.id == c.id) {
                    return Err(format!("unit class '{}' is declared twice", c.id));
                }
            }
            let years = self.years.clone();
            let known_class = |list: &[String], what: &str| -> Result<(), String> {
                match list.iter().find(|c| !classes.iter().any(|k| &k.id == *c)) {
                    Some(c) => Err(format!("{what} names unit class '{c}', which the plan does not declare")),
                    None if list.is_empty() => Err(format!("{what} names no unit class")),
                    None => Ok(()),
                }
            };
            let known_year = |y: Option<i32>, what: &str| match y {
                Some(y) if !years.contains(&y) => Err(format!("{what} is for {y}, outside the plan's years")),
                _ => Ok(()),
            };
            let mut allocation = Vec::new();
            let rules = self.allocation.into_iter().chain(self.allocation_year);
            for r in rules {
                let method = match r.method.as_str() {
                    "benchmark" => Method::Benchmark,
                    "verified" => Method::Verified,
                    "entered" => Method::Entered,
                    m => return Err(format!("allocation method '{m}' is not benchmark, verified or entered")),
                };
                let basis = match r.basis.as_deref() {
                    None => None,
                    Some("net-supply") => Some(Basis::NetSupply),
                    Some("generation") => Some(Basis::Generation),
                    Some(b) => return Err(format!("basis '{b}' is not net-supply or generation")),
                };
                if method == Method::Benchmark && basis.is_none() {
                    return Err("a benchmark allocation needs a `basis`".into());
                }
                let ys = r.years.unwrap_or_else(|| years.clone());
                if let Some(y) = ys.iter().find(|y| !years.contains(y)) {
                    return Err(format!("an allocation rule is for {y}, outside the plan's years"));
                }
                allocation.push(AllocationRule {
                    years: ys,
                    method,
                    basis,
                    formula: r.formula,
                    src: Sourced::new(r.source, r.verified, r.note),
                });
            }
            for y in &years {
                match allocation.iter().filter(|r| r.years.contains(y)).count() {
                    1 => {}
                    0 => return Err(format!("no allocation rule covers {y}")),
                    _ => return Err(format!("two allocation rules cover {y}")),
                }
            }
            let figures = |list: Vec<Figure>, what: &str| -> Result<Vec<ClassFigure>, String> {
                let mut out = Vec::new();
                for f in list {
                    known_class(&f.classes, what)?;
                    known_year(f.year, what)?;
                    if f.value.0 <= Decimal::ZERO {
                        return Err(format!("{what} {} is not above zero", f.value.0));
                    }
                    out.push(ClassFigure {
                        classes: f.classes,
                        year: f.year,
                        value: f.value.0,
                        src: Sourced::new(f.source, f.verified, f.note),
                    });
                }
                Ok(out)
            };
            let benchmarks = figures(self.benchmark, "a benchmark")?;
            let heat_benchmarks = figures(self.heat_benchmark, "a heat benchmark")?;
            let mut corrections = Vec::new();
            for c in self.correction {
                let what = format!("correction '{}'", c.id);
                known_class(&c.classes, &what)?;
                known_year(c.year, &what)?;
                let input = match c.input.as_str() {
                    "cooling" => Input::Cooling,
                    "heat_supply_ratio" => Input::HeatSupplyRatio,
                    "load_factor" => Input::LoadFactor,
                    i => return Err(format!("{what}: input '{i}' is not cooling, heat_supply_ratio or load_factor")),
                };
                let formula = match (c.choices, c.bands, input) {
                    (Some(choices), None, Input::Cooling) => {
                        Formula::Choices(choices.into_iter().map(|(k, v)| (k, v.0)).collect())
                    }
                    (None, Some(bands), Input::HeatSupplyRatio | Input::LoadFactor) => {
                        Formula::Bands(check_bands(&what, bands)?)
                    }
                    _ => return Err(format!("{what}: cooling takes `choices`, a ratio takes `bands`")),
                };
                corrections.push(super::Correction {
                    id: c.id,
                    classes: c.classes,
                    year: c.year,
                    input,
                    formula,
                    only_without_heat: c.only_without_heat,
                    src: Sourced::new(c.source, c.verified, c.note),
                });
            }
            let mut relief = Vec::new();
            for r in self.relief {
                let what = format!("relief '{}'", r.id);
                known_class(&r.classes, &what)?;
                let scope = match r.scope.as_str() {
                    "unit" => ReliefScope::Unit,
                    "enterprise" => ReliefScope::Enterprise,
                    s => return Err(format!("{what}: scope '{s}' is not unit or enterprise")),
                };
                let caps = match r.caps.as_str() {
                    "obligation" => Caps::Obligation,
                    "allocation" => Caps::Allocation,
                    s => return Err(format!("{what}: caps '{s}' is not obligation or allocation")),
                };
                relief.push(super::Relief {
                    id: r.id,
                    scope,
                    classes: r.classes,
                    gap_cap_share: share(&what, r.gap_cap_share.0)?,
                    caps,
                    src: Sourced::new(r.source, r.verified, r.note),
                });
            }
            let offsets = match self.offsets {
                None => None,
                Some(o) => Some(super::Offsets {
                    instrument: o.instrument,
                    cap_share: share("the offset cap", o.cap_share.0)?,
                    cap_base: match o.cap_base.as_str() {
                        "obligation" => CapBase::Obligation,
                        "verified" => CapBase::Verified,
                        b => return Err(format!("offset cap_base '{b}' is not obligation or verified")),
                    },
                    legacy_vintage_before: o.legacy_vintage_before,
                    legacy_last_year: o.legacy_last_year,
                    src: Sourced::new(o.source, o.verified, o.note),
                }),
            };
            let banking = self.banking.map(|b| super::Banking {
                allowed: b.allowed,
                fixed_t: b.fixed_t.map(|d| d.0),
                net_sales_multiple: b.net_sales_multiple.map(|d| d.0),
                src: Sourced::new(b.source, b.verified, b.note),
            });
            let borrowing = match self.borrowing {
                None => None,
                Some(b) => Some(super::Borrowing {
                    allowed: b.allowed,
                    min_shortfall_share_of_allocation: b
                        .min_shortfall_share_of_allocation
                        .map(|d| share("min_shortfall_share_of_allocation", d.0))
                        .transpose()?,
                    max_share_of_shortfall: b
                        .max_share_of_shortfall
                        .map(|d| share("max_share_of_shortfall", d.0))
                        .transpose()?,
                    src: Sourced::new(b.source, b.verified, b.note),
                }),
            };
            let mut deadlines = Vec::new();
            for d in self.deadline {
                let date = parse_date(&d.date).map_err(|why| format!("deadline '{}': {why}", d.date))?;
                if let Some(y) = d.years.iter().find(|y| !years.contains(y)) {
                    return Err(format!("a deadline is for {y}, outside the plan's years"));
                }
                deadlines.push(super::Deadline {
                    years: d.years,
                    date,
                    src: Sourced::new(d.source, d.verified, d.note),
                });
            }
            let penalty = match self.penalty {
                None => None,
                Some(p) => {
                    let kind = match p.kind.as_str() {
                        "fixed" => PenaltyKind::Fixed,
                        "price-multiple" => PenaltyKind::PriceMultiple,
                        k => return Err(format!("penalty kind '{k}' is not fixed or price-multiple")),
                    };
                    if p.low.0 < Decimal::ZERO || p.high.0 < p.low.0 {
                        return Err("the penalty needs 0 ≤ low ≤ high".into());
                    }
                    Some(super::Penalty {
                        kind,
                        low: p.low.0,
                        high: p.high.0,
                        src: Sourced::new(p.source, p.verified, p.note),
                    })
                }
            };
            if self.currency.len() != 3 || !self.currency.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(format!("currency '{}' is not an ISO 4217 code", self.currency));
            }
            Ok(super::Plan {
                file: file.to_string(),
                id: self.id,
                sector: self.sector,
                currency: self.currency,
                years,
                per_year,
                document: self.document,
                allocation,
                classes,
                benchmarks,
                heat_benchmarks,
                corrections,
                relief,
                offsets,
                banking,
                borrowing,
                deadlines,
                penalty,
            })
        }
    }

    fn check_bands(what: &str, bands: Vec<Band>) -> Result<Vec<super::Band>, String> {
        let mut out: Vec<super::Band> = Vec::new();
        for b in bands {
            let shape = match (b.a, b.b, b.base) {
                (Some(a), Some(bb), None) => Shape::Linear { a: a.0, b: bb.0, c: b.c.0, d: b.d.0 },
                (None, None, Some(base)) if base.0 > Decimal::ZERO => Shape::Power { base: base.0, c: b.c.0, d: b.d.0 },
                _ => return Err(format!("{what}: a band gives a, b, c, d (linear) or base, c, d (power, base > 0)")),
            };
            if out.last().is_some_and(|prev| prev.min <= b.min.0) {
                return Err(format!("{what}: bands must be in decreasing order of `min`"));
            }
            out.push(super::Band { min: b.min.0, shape });
        }
        match out.last() {
            Some(last) if last.min <= Decimal::ZERO => Ok(out),
            _ => Err(format!("{what}: the last band must start at 0, so that every input has a band")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_china_plan_loads() {
        let ids: Vec<&str> = shipped_ids().into_iter().filter(|id| id.starts_with("cn-")).collect();
        assert_eq!(ids, ["cn-industry-2024-2025", "cn-power-2019-2020", "cn-power-2021-2022", "cn-power-2023-2024"]);
        for id in ids {
            let plan = Plan::shipped(id).map_err(|d| d.to_string());
            assert!(plan.is_ok(), "{id}: {plan:?}");
        }
    }

    #[test]
    fn figures_by_class_and_year() {
        let p = Plan::shipped("cn-power-2021-2022").map_err(|d| d.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let b = Plan::figure(&p.benchmarks, "coal-above-300mw", Some(2022)).map(|f| f.value.to_string());
        assert_eq!(b.as_deref(), Some("0.8177"));
        assert!(Plan::figure(&p.benchmarks, "coal-above-300mw", None).is_none());
        assert_eq!(p.deadline(Some(2021)).map(|d| d.date.to_string()).as_deref(), Some("2023-12-31"));
    }

    #[test]
    fn a_float_or_a_stray_key_is_refused() {
        let (file, text) = shipped_text("cn-power-2019-2020").unwrap_or_default();
        let float = text.replacen("value = \"0.877\"", "value = 0.877", 1);
        let e = Plan::parse(&file, &float).map(|_| ()).map_err(|d| d.to_string());
        assert!(e.as_ref().is_err_and(|m| m.contains("invalid-metadata") && m.contains("string")), "{e:?}");
        let stray = text.replacen("verified = true", "verfied = true", 1);
        assert!(Plan::parse(&file, &stray).is_err());
        let unknown = text.replacen("classes = [\"gas\"]", "classes = [\"oil\"]", 1);
        let e = Plan::parse(&file, &unknown).map(|_| ()).map_err(|d| d.to_string());
        assert!(e.is_err_and(|m| m.contains("'oil'")));
    }
}
