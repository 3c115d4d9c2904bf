//! The calculation: activity → factor → unit conversion → mass of each gas → CO2e → totals.
//!
//! **Architecture invariant:** this module does no IO. It takes validated activities and a
//! factor library and returns values; every figure it produces carries its lineage.

use std::cell::RefCell;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::activity::Activity;
use crate::boundary::Boundary;
use crate::classify::{Classification, IsoCategory, Scope3Category};
use crate::diagnostic::{Code, Diagnostic, Location};
pub use crate::evaluate::{evaluate, Emission, EvalError, GasMass, RecordValue, Step};
use crate::factor::Method;
use crate::gas::GwpSet;
use crate::library::{FactorLibrary, FactorQuery, Selection, SelectionRule};
use crate::market::{self, EnergyUse, Instrument, Market, Residual};
use crate::period::Period;
use crate::region::Region;
use crate::scope3::{CategoryReport, GroupSums, Scope3Method, Scope3Sums, StatusEntry};
use crate::totals::{add_to, Groups};
pub use crate::totals::{ScopeTotals, Totals};
use crate::unit::Unit;

/// The factor a line used, as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactorUse {
    pub id: String,
    pub dataset: String,
    pub edition: String,
    pub dataset_sha256: String,
    pub source: String,
    pub region: String,
    pub selected_by: SelectionRule,
    pub verified: bool,
}

/// A computed line with its lineage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResultLine {
    pub activity: Activity,
    pub classification: Classification,
    pub iso_category: IsoCategory,
    pub factor: FactorUse,
    pub gwp_set: GwpSet,
    pub steps: Vec<Step>,
    /// The line's full emissions (the organisation's share is applied to the totals only).
    pub emission: Emission,
    /// The organisation's share of the line's facility, in percent (100 outside an organisation).
    pub share_applied: Decimal,
}

/// An activity that could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnresolvedLine {
    pub activity: Activity,
    pub diagnostic: Diagnostic,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
}
/// A factor marked unverified that computed lines of a run (the report's `unverified_factors`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnverifiedFactor {
    pub id: String,
    pub dataset: String,
    pub edition: String,
    /// How many lines it computed.
    pub lines: u64,
}

/// How many unverified factors the run's note names; the report lists them all.
pub const UNVERIFIED_NAMED: usize = 10;

/// The run's one note on unverified figures: how many of the `computed` lines use them, and which
/// factors (the first [`UNVERIFIED_NAMED`] of `unverified`, in its order). `None` when no line does.
pub fn unverified_note(unverified: &[UnverifiedFactor], computed: u64, file: &str) -> Option<Diagnostic> {
    if unverified.is_empty() {
        return None;
    }
    let plural = |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    let lines: u64 = unverified.iter().map(|u| u.lines).sum();
    let factors = u64::try_from(unverified.len()).unwrap_or(u64::MAX);
    let mut named: Vec<String> = unverified
        .iter()
        .take(UNVERIFIED_NAMED)
        .map(|u| format!("'{}' ({} {})", u.id, u.lines, plural(u.lines, "line", "lines")))
        .collect();
    if unverified.len() > UNVERIFIED_NAMED {
        named.push(format!("and {} more", unverified.len() - UNVERIFIED_NAMED));
    }
    Some(Diagnostic::warning(
        Code::UnverifiedFactor,
        Location::file(file),
        format!(
            "{lines} of {computed} calculated {} {} {factors} {} marked unverified, whose figures are not yet confirmed in their primary source: {}; the JSON report lists them all under unverified_factors",
            plural(computed, "line", "lines"),
            plural(lines, "uses", "use"),
            plural(factors, "factor", "factors"),
            named.join(", ")
        ),
    ))
}

/// The outcome of a calculation.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub totals: Totals,
    /// Computed lines, in input order (empty when lines were not kept).
    pub lines: Vec<ResultLine>,
    pub unresolved: Vec<UnresolvedLine>,
    /// Row-level findings, in input order.
    pub diagnostics: Vec<Diagnostic>,
    pub line_count: u64,
    /// Factors used (library index) and how many lines each computed: for the notes on the
    /// factors (unverified figures, GWP basis) and the report's list of unverified factors.
    used_factors: BTreeMap<usize, u64>,
    /// Unit conversions that did not terminate: (from, to) → (first row, ratio).
    inexact: BTreeMap<(Unit, Unit), (u64, Decimal)>,
    /// Sums per (facility, classification), full emissions: the totals are derived from them.
    groups: Groups,
    /// The organisation's boundary applied to the totals (every facility at 100 % until set).
    boundary: Boundary,
    /// Market-based Scope 2, once allocated ([`Inventory::apply_market`]).
    pub market: Option<Market>,
    /// Scope 3 lines' sums per (facility, category, method), full emissions (decision 0035).
    pub scope3: Scope3Sums,
    /// The categories' statuses (`calc --scope3-status`); empty when none were given.
    pub scope3_status: Vec<StatusEntry>,
}

/// An inventory's sums without its lines and row findings: all that its totals, market-based
/// Scope 2 and notes on the factors are derived from, and all that [`Inventory::merge`] adds up.
/// The store keeps them with a period's totals so that records added later are calculated alone
/// and merged (decision 0029): [`Inventory::from_aggregates`] of an inventory's aggregates,
/// merged with the later records' inventory, has the totals of one calculation of them all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Aggregates {
    /// Full emissions per (facility, classification), in the order the lines first met them.
    pub groups: Vec<(Arc<str>, Classification, Emission)>,
    /// Electricity per (facility, region, period), in the order first met.
    pub energy_uses: Vec<EnergyUse>,
    /// Lines computed per factor (its index in the library), by index.
    pub used_factors: Vec<(usize, u64)>,
    /// Unit conversions that do not terminate: (from, to, first row, ratio), in (from, to) order.
    pub inexact: Vec<(Unit, Unit, u64, Decimal)>,
    /// Records calculated (computed and unresolved).
    pub line_count: u64,
    /// Whether a sum overflowed.
    pub overflowed: bool,
    /// The Scope 3 lines' sums per (facility, category, method): the Scope 3 view's method mix,
    /// data quality and PCAF scores (decision 0052), in key order.
    pub scope3: Vec<(Arc<str>, Scope3Category, Option<Scope3Method>, GroupSums)>,
    /// Whether one of those sums overflowed.
    pub scope3_overflowed: bool,
}

/// The (region, period) of a residual mix looked up for market-based Scope 2.
type ResidualKey = (Option<Region>, Period);

/// How to calculate.
#[derive(Clone, Copy, Debug)]
pub struct CalcOptions {
    pub gwp_set: GwpSet,
    /// Keep each line with its steps (`false` for `--summary`: totals only).
    pub keep_lines: bool,
}

/// Calculate `activities` read from `file`.
pub fn calculate(lib: &FactorLibrary, activities: &[Activity], file: &str, opts: CalcOptions) -> Inventory {
    let mut inv = Inventory::default();
    // Selections repeat for every month and facility: cache them by the identity of the
    // (interned) names, which live as long as `activities`.
    let mut cache: HashMap<CacheKey, Result<Selection, crate::library::Unresolved>> = HashMap::default();
    let mut groups = Groups::default();
    for a in activities {
        inv.line_count += 1;
        let key = CacheKey {
            activity: Arc::as_ptr(&a.activity).cast::<u8>() as usize,
            // Only when some factor is facility-specific: otherwise the facility cannot matter.
            facility: if lib.has_facility_specific() { Arc::as_ptr(&a.facility).cast::<u8>() as usize } else { 0 },
            supplier: a.supplier.as_ref().map_or(0, |s| Arc::as_ptr(s).cast::<u8>() as usize),
            region: a.region.as_ref().map_or(0, |r| Arc::as_ptr(r) as usize),
            period: a.period,
            unit: a.unit,
            factor: a.factor.as_ref().map_or(0, |f| Arc::as_ptr(f).cast::<u8>() as usize),
            sector: a.sector,
            own_ncv: a.parameters.as_ref().is_some_and(|p| p.ncv_gj_per_unit.is_some()),
            any_currency: any_currency(a),
        };
        let selected = cache
            .entry(key)
            .or_insert_with(|| {
                lib.select(&FactorQuery {
                    activity: &a.activity,
                    facility: &a.facility,
                    supplier: a.supplier.as_deref(),
                    region: a.region.as_deref(),
                    period: a.period,
                    unit: a.unit,
                    explicit: a.factor.as_deref(),
                    sector: a.sector,
                    own_ncv: a.parameters.as_ref().is_some_and(|p| p.ncv_gj_per_unit.is_some()),
                    any_currency: any_currency(a),
                })
            })
            .clone();
        let selection = match selected {
            Ok(s) => s,
            Err(u) => {
                let d = Diagnostic::error(u.code, Location::cell(file, a.row, column_for(u.code)), u.message);
                inv.diagnostics.push(d.clone());
                inv.unresolved.push(UnresolvedLine { activity: a.clone(), diagnostic: d, candidates: u.candidates });
                continue;
            }
        };
        let factor = lib.factor(selection.factor);
        let mut classification = factor.classification;
        if let Some(c) = a.scope3_category {
            match classification {
                Classification::Scope3(_) => classification = Classification::Scope3(c),
                other => {
                    let d = Diagnostic::error(
                        Code::MisplacedScope3Category,
                        Location::cell(file, a.row, "scope3_category"),
                        format!(
                            "scope3_category {} is given, but factor '{}' is {other}; leave scope3_category empty, or name a Scope 3 factor",
                            c.number(),
                            factor.id
                        ),
                    );
                    inv.diagnostics.push(d.clone());
                    inv.unresolved.push(UnresolvedLine { activity: a.clone(), diagnostic: d, candidates: vec![] });
                    continue;
                }
            }
        }
        if selection.rule == SelectionRule::Explicit && !a.period.within(factor.valid_from, factor.valid_to) {
            inv.diagnostics.push(Diagnostic::warning(
                Code::NoFactor,
                Location::cell(file, a.row, "factor"),
                format!(
                    "factor '{}' is valid {}..{}, which does not cover the activity's period {}..{}; it is used because the activity names it",
                    factor.id,
                    factor.valid_from.map_or("open".into(), |d| d.to_string()),
                    factor.valid_to.map_or("open".into(), |d| d.to_string()),
                    a.period.start,
                    a.period.end
                ),
            ));
        }
        let mut steps = Vec::new();
        let mut sink = opts.keep_lines.then_some(&mut steps);
        let (quantity, unit) = match prepare(a, factor, classification, lib, &mut sink) {
            Ok(q) => q,
            Err(e) => {
                let d = Diagnostic::error(e.code, Location::cell(file, a.row, e.column), e.message);
                inv.diagnostics.push(d.clone());
                inv.unresolved.push(UnresolvedLine { activity: a.clone(), diagnostic: d, candidates: vec![] });
                continue;
            }
        };
        let result = evaluate(quantity, unit, factor, a.parameters.as_deref(), &lib.gwp, opts.gwp_set, sink);
        let emission = match result {
            Ok(e) => e,
            Err(e) => {
                let column = e.column;
                let message = if e.code == Code::Overflow {
                    format!(
                        "{} {} under factor '{}' gives a figure beyond the largest exact number (about 7.9 × 10^28); check the quantity",
                        a.quantity, a.unit, factor.id
                    )
                } else {
                    format!("factor '{}': {}", factor.id, e.message)
                };
                let d = Diagnostic::error(e.code, Location::cell(file, a.row, column), message);
                inv.diagnostics.push(d.clone());
                inv.unresolved.push(UnresolvedLine { activity: a.clone(), diagnostic: d, candidates: vec![] });
                continue;
            }
        };
        if a.parameters.as_ref().is_some_and(|p| p.source.is_none()) {
            inv.diagnostics.push(Diagnostic::warning(
                Code::MissingValue,
                Location::cell(file, a.row, "parameter_source"),
                "the record gives its own fuel parameters without saying how they were obtained (measured, calculated or default); the lineage marks them 'unstated'",
            ));
        }
        *inv.used_factors.entry(selection.factor).or_default() += 1;
        if a.unit != factor.unit && !inv.inexact.contains_key(&(a.unit, factor.unit)) {
            if let Ok(c) = a.unit.convert(a.quantity, factor.unit) {
                if !c.exact {
                    inv.inexact.insert((a.unit, factor.unit), (a.row, c.ratio));
                }
            }
        }
        groups.add(&a.facility, classification, &emission);
        let own3 = a.scope3.as_deref();
        match classification {
            Classification::Scope3(c) => inv.scope3.add_line(
                &a.facility,
                c,
                own3.and_then(|s| s.method),
                own3.and_then(|s| s.data_quality),
                own3.and_then(|s| s.pcaf_score).filter(|_| c.number() == 15),
                emission.co2e_kg,
            ),
            other if own3.is_some_and(|s| s.method.is_some() || s.data_quality.is_some()) => {
                inv.diagnostics.push(Diagnostic::warning(
                    Code::InvalidValue,
                    Location::cell(file, a.row, if own3.is_some_and(|s| s.method.is_some()) { "method" } else { "dq_technology" }),
                    format!("a Scope 3 method and data-quality scores are read for Scope 3 lines; this line is {other}, so they are not used"),
                ));
            }
            _ => {}
        }
        if own3.is_some_and(|s| s.pcaf_score.is_some())
            && !matches!(classification, Classification::Scope3(c) if c.number() == 15)
        {
            inv.diagnostics.push(Diagnostic::warning(
                Code::InvalidValue,
                Location::cell(file, a.row, "pcaf_score"),
                format!("a PCAF score is read for category-15 (investments) lines; this line is {classification}, so it is not used"),
            ));
        }
        if let Classification::Scope2(energy) = classification {
            if let Ok(c) = a.unit.convert(a.quantity, Unit::Physical(EnergyUse::unit(energy))) {
                groups.add_energy(a, energy, c.value, emission.co2e_kg);
            }
        }
        if opts.keep_lines {
            inv.lines.push(ResultLine {
                activity: a.clone(),
                classification,
                iso_category: classification.iso_category(),
                factor: FactorUse {
                    id: factor.id.clone(),
                    dataset: factor.dataset.id.clone(),
                    edition: factor.dataset.edition.clone(),
                    dataset_sha256: factor.dataset.sha256.clone(),
                    source: factor.source.clone(),
                    region: factor.region.to_string(),
                    selected_by: selection.rule,
                    verified: factor.verified,
                },
                gwp_set: opts.gwp_set,
                steps,
                emission,
                share_applied: Decimal::ONE_HUNDRED,
            });
        }
    }
    inv.totals = groups.totals(&Boundary::full());
    inv.groups = groups;
    inv
}

fn column_for(code: Code) -> &'static str {
    match code {
        Code::UnknownFactor => "factor",
        Code::UnitMismatch => "unit",
        _ => "activity",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    activity: usize,
    facility: usize,
    supplier: usize,
    region: usize,
    period: crate::period::Period,
    unit: Unit,
    factor: usize,
    sector: Option<crate::sector::Sector>,
    own_ncv: bool,
    any_currency: bool,
}

/// Whether a line declares itself a spend line whose money converts at its own rate (decision
/// 0035): an amount of money with method spend-based, a currency_year, exchange_rate or
/// price_index. Its factor may then be per another currency.
fn any_currency(a: &Activity) -> bool {
    matches!(a.unit, Unit::Money(..))
        && a.scope3.as_deref().is_some_and(|s| {
            s.method == Some(Scope3Method::SpendBased)
                || s.currency_year.is_some()
                || s.exchange_rate.is_some()
                || s.price_index.is_some()
        })
}

/// A line's quantity as its factor takes it: a category-15 line's attribution applied, then
/// money converted into the factor's currency and price year (decision 0035), with the steps.
fn prepare(
    a: &Activity,
    factor: &crate::factor::Factor,
    classification: Classification,
    lib: &FactorLibrary,
    sink: &mut Option<&mut Vec<Step>>,
) -> Result<(Decimal, Unit), EvalError> {
    let own = a.scope3.as_deref();
    let mut quantity = a.quantity;
    if let Some(share) = own.and_then(|s| s.attribution) {
        if !matches!(classification, Classification::Scope3(c) if c.number() == 15) {
            return Err(EvalError {
                code: Code::InvalidValue,
                column: "attribution",
                message: format!(
                    "'attribution' is a category-15 (investments) line's share of its investee; this line is {classification} (factor '{}')",
                    factor.id
                ),
            });
        }
        quantity = crate::spend::attribute(quantity, a.unit, share, sink)?;
    }
    if !matches!(a.unit, Unit::Money(..)) {
        return Ok((quantity, a.unit));
    }
    crate::spend::to_factor_money(quantity, a.unit, own, factor, lib.price_year(factor), sink)
}
impl Inventory {
    /// Append `other`, which covers later input rows.
    pub fn merge(&mut self, other: Inventory) {
        self.totals.merge(other.totals);
        self.groups.merge(other.groups);
        self.lines.extend(other.lines);
        self.scope3.merge(other.scope3);
        self.unresolved.extend(other.unresolved);
        self.diagnostics.extend(other.diagnostics);
        self.line_count += other.line_count;
        for (i, n) in other.used_factors {
            *self.used_factors.entry(i).or_default() += n;
        }
        for (k, v) in other.inexact {
            self.inexact.entry(k).or_insert(v);
        }
    }

    /// This inventory's sums without its lines and row findings (see [`Aggregates`]).
    pub fn aggregates(&self) -> Aggregates {
        Aggregates {
            groups: self.groups.groups.clone(),
            energy_uses: self.groups.energy_uses.clone(),
            used_factors: self.used_factors.iter().map(|(&i, &n)| (i, n)).collect(),
            inexact: self.inexact.iter().map(|(&(from, to), &(row, ratio))| (from, to, row, ratio)).collect(),
            line_count: self.line_count,
            overflowed: self.groups.overflowed,
            scope3: self.scope3.groups(),
            scope3_overflowed: self.scope3.overflowed,
        }
    }

    /// An inventory of `a`'s sums under `lib` (the library they were calculated with), without
    /// lines, unresolved lines or row findings: later inventories merge into it as into the one
    /// `a` came from, and its totals are that one's. `None` when `a` names a factor `lib` does not
    /// have.
    pub fn from_aggregates(a: Aggregates, lib: &FactorLibrary) -> Option<Inventory> {
        let factors = lib.factors().len();
        if a.used_factors.iter().any(|&(i, _)| i >= factors) {
            return None;
        }
        // One allocation a facility name, as the calculation interns them.
        let mut names: BTreeMap<Arc<str>, Arc<str>> = BTreeMap::new();
        let mut intern = |name: Arc<str>| Arc::clone(names.entry(Arc::clone(&name)).or_insert(name));
        let mut groups = Groups { overflowed: a.overflowed, ..Groups::default() };
        for (facility, classification, e) in a.groups {
            let facility = intern(facility);
            // Only merges follow (no more lines), which look the groups up by name; the index
            // by allocation is kept as the calculation keeps it all the same.
            groups.index.insert((Arc::as_ptr(&facility).cast::<u8>() as usize, classification), groups.groups.len());
            groups.groups.push((facility, classification, e));
        }
        groups.energy_uses =
            a.energy_uses.into_iter().map(|u| EnergyUse { facility: intern(u.facility), ..u }).collect();
        let scope3 = a.scope3.into_iter().map(|(f, c, m, s)| (intern(f), c, m, s)).collect();
        let scope3 = Scope3Sums::from_groups(scope3, a.scope3_overflowed)?;
        let mut inv = Inventory { line_count: a.line_count, scope3, ..Inventory::default() };
        for (i, n) in a.used_factors {
            *inv.used_factors.entry(i).or_default() += n;
        }
        for (from, to, row, ratio) in a.inexact {
            inv.inexact.entry((from, to)).or_insert((row, ratio));
        }
        inv.totals = groups.totals(&Boundary::full());
        inv.groups = groups;
        Some(inv)
    }

    /// Notes that concern factors rather than rows: one for the whole run on the lines that use
    /// unverified figures (how many, and which factors: [`Inventory::unverified_factors`] has
    /// them all), and one per CO2e factor published with another GWP set than the inventory's.
    pub fn factor_notes(&self, lib: &FactorLibrary, set: GwpSet, file: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(note) = unverified_note(&self.unverified_factors(lib), self.used_factors.values().sum(), file) {
            out.push(note);
        }
        for &i in self.used_factors.keys() {
            let f = lib.factor(i);
            if let Method::Co2e { basis, .. } = f.method {
                if basis != set {
                    out.push(Diagnostic::warning(
                        Code::GwpBasisMismatch,
                        f.origin.clone(),
                        format!("factor '{}' gives CO2e under {basis}; the inventory uses {set}; the published figure is used as it is because a CO2e-only factor cannot be re-based", f.id),
                    ));
                }
            }
        }
        if self.totals.overflowed {
            out.push(Diagnostic::error(
                Code::Overflow,
                Location::file(file),
                "a total is too large to hold exactly; the totals are incomplete",
            ));
        }
        for ((from, to), (row, ratio)) in &self.inexact {
            out.push(Diagnostic::warning(
                Code::InexactConversion,
                Location::cell(file, *row, "unit"),
                format!("converting {from} into {to} (× {ratio}) does not terminate; the result is rounded to 28 decimal places (first at this row; every line says so in its steps)"),
            ));
        }
        out
    }

    /// Replace every row number (of lines, unresolved lines, diagnostics and the notes on
    /// inexact conversions) by `f(row)`. Used when the rows were read from an export of stored
    /// records, so that each `row` becomes the record's id.
    pub fn renumber_rows(&mut self, f: impl Fn(u64) -> u64) {
        for l in &mut self.lines {
            l.activity.row = f(l.activity.row);
        }
        for u in &mut self.unresolved {
            u.activity.row = f(u.activity.row);
            if let Some(r) = u.diagnostic.location.row.as_mut() {
                *r = f(*r);
            }
        }
        for d in &mut self.diagnostics {
            if let Some(r) = d.location.row.as_mut() {
                *r = f(*r);
            }
        }
        for v in self.inexact.values_mut() {
            v.0 = f(v.0);
        }
    }

    /// Apply the organisation's boundary: each line shows its facility's share, and every total
    /// is recomputed after the shares (lines keep their full emissions).
    pub fn apply_boundary(&mut self, boundary: &Boundary) {
        for l in &mut self.lines {
            l.share_applied = boundary.share(&l.activity.facility);
        }
        self.boundary = boundary.clone();
        self.recompute_totals();
    }

    /// The electricity, heat, steam and cooling each facility bought, per region and period.
    pub fn energy_uses(&self) -> &[EnergyUse] {
        &self.groups.energy_uses
    }

    /// Market-based Scope 2: allocate `instruments` (from `file`) to each facility's electricity,
    /// the rest at the residual mix `lib` has for its region and period, else the grid average;
    /// every total's `scope2_market` is then recomputed (after the boundary's shares).
    pub fn apply_market(&mut self, lib: &FactorLibrary, set: GwpSet, instruments: &[Instrument], file: &str) {
        // Looked up once a (region, period), for every facility: as in `calculate`'s cache of
        // selections, the facility matters only when some factor is facility-specific.
        let by_facility = lib.has_facility_specific();
        let found: RefCell<HashMap<ResidualKey, Option<Residual>>> = RefCell::default();
        let residual = |u: &EnergyUse| {
            if by_facility {
                return crate::residual::residual_mix(lib, set, u);
            }
            let key = (u.region.clone(), u.period);
            if let Some(r) = found.borrow().get(&key) {
                return r.clone();
            }
            let r = crate::residual::residual_mix(lib, set, u);
            found.borrow_mut().insert(key, r.clone());
            r
        };
        self.market = Some(market::allocate(&self.groups.energy_uses, instruments, file, &residual));
        self.recompute_totals();
    }

    fn recompute_totals(&mut self) {
        let mut t = self.groups.totals(&self.boundary);
        if let Some(m) = &self.market {
            for (facility, f) in &m.by_facility {
                let delta = f.market_co2e_kg - f.location_co2e_kg;
                if delta.is_zero() {
                    continue;
                }
                let share = self.boundary.share(facility);
                let scaled = delta * share / Decimal::ONE_HUNDRED;
                let o = &mut t.overflowed;
                add_to(&mut t.all.scope2_market, scaled, o);
                if let Some(x) = t.by_facility.get_mut(facility) {
                    add_to(&mut x.scope2_market, scaled, o);
                }
                if let Some(x) = t.own_by_facility.get_mut(facility) {
                    add_to(&mut x.scope2_market, delta, o);
                }
            }
        }
        self.totals = t;
    }

    /// Each of the 15 Scope 3 categories with its status, method mix and data quality, after
    /// the organisation's shares (decision 0035).
    pub fn scope3_categories(&self) -> Vec<CategoryReport> {
        self.scope3.categories(&|f| self.boundary.share(f), &self.scope3_status)
    }

    pub fn used_factor_count(&self) -> usize {
        self.used_factors.len()
    }

    /// The factors marked unverified that computed lines, each with its line count: most lines
    /// first, then by dataset, edition and id.
    pub fn unverified_factors(&self, lib: &FactorLibrary) -> Vec<UnverifiedFactor> {
        let mut out: Vec<UnverifiedFactor> = self
            .used_factors
            .iter()
            .map(|(&i, &lines)| (lib.factor(i), lines))
            .filter(|(f, _)| !f.verified)
            .map(|(f, lines)| UnverifiedFactor {
                id: f.id.clone(),
                dataset: f.dataset.id.clone(),
                edition: f.dataset.edition.clone(),
                lines,
            })
            .collect();
        out.sort_by(|a, b| {
            b.lines.cmp(&a.lines).then_with(|| (&a.dataset, &a.edition, &a.id).cmp(&(&b.dataset, &b.edition, &b.id)))
        });
        out
    }
}
