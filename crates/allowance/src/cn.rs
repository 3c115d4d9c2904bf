//! The China national ETS position: each unit's allocation under its plan, the relief rules,
//! the enterprise's account (ledger), offsets under their cap, the shortfall, its value at each
//! price and the penalty exposure. Every figure it uses comes from the plan data.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};

use crate::account::{self, Rules};
use crate::ledger::{self, Entry};
use crate::mix::{self, OffsetPrice};
use crate::money;
use crate::offsets::{self, OwnProject, Screen};
use crate::plan::{CapBase, Caps, Formula, Method, Plan, ReliefScope, Shape};
use crate::position::{n, EnterprisePosition, Position, ReliefApplied, UnitLine};
use crate::price::{self, PriceScenario};
use crate::units::{self, UnitRow};

/// Decimal places at which a correction factor from a power formula (1.015 ^ (16 − 20F)) is held,
/// half-even: such a power rarely terminates. Linear formulas and choices stay exact.
pub const POWER_FACTOR_DP: u32 = 12;

/// The files and arguments of a China ETS position.
pub struct Input<'a> {
    pub plan: &'a Plan,
    pub year: Option<i32>,
    pub units_file: &'a str,
    pub units: &'a [u8],
    pub ledger: Option<(&'a str, &'a [u8])>,
    pub prices: &'a [String],
}

/// What a position takes beyond [`Input`] (decision 0031), apart so that callers of
/// [`position`] need not change.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Projects inside an enterprise's own boundary, `ENTERPRISE=PROJECT` (`--own-project`):
    /// their credits cannot offset its emissions.
    pub own_projects: Vec<String>,
    /// Its covered facilities' codes (COVERED.csv), which count as its own projects too.
    pub own_facilities: Vec<OwnProject>,
    /// `--offset-price [NAME=]AMOUNT[CURRENCY]`, for the cheapest mix ([`crate::mix`]).
    pub offset_prices: Vec<String>,
}

/// What every enterprise of a run shares beyond the plan and prices.
struct Extra<'a> {
    own: &'a [OwnProject],
    offers: &'a [OffsetPrice],
    /// The ledger's last offset trade's price, for the `last-trade` scenario.
    last_offset: Option<Decimal>,
}

/// Figures used that the plan document does not confirm: reported once per run.
#[derive(Default)]
struct Unverified(Vec<String>);

impl Unverified {
    fn note(&mut self, verified: bool, what: impl FnOnce() -> String) {
        if !verified {
            let w = what();
            if !self.0.contains(&w) {
                self.0.push(w);
            }
        }
    }
}

fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_mul(b)
}

/// The value of a band's formula at `x`.
fn band_value(formula: &Formula, x: Decimal) -> Option<Decimal> {
    let Formula::Bands(bands) = formula else { return None };
    let band = bands.iter().find(|b| x >= b.min)?;
    match band.shape {
        Shape::Linear { a, b, c, d } => a.checked_add(b.checked_mul(c.checked_sub(d.checked_mul(x)?)?)?),
        Shape::Power { base, c, d } => {
            let e = c.checked_sub(d.checked_mul(x)?)?;
            let v = base.checked_powd(e)?;
            Some(v.round_dp_with_strategy(POWER_FACTOR_DP, RoundingStrategy::MidpointNearestEven))
        }
    }
}

/// One unit's allocation and factors, or the findings that prevent it.
fn allocate(
    plan: &Plan,
    year: Option<i32>,
    file: &str,
    u: &UnitRow,
    used: &mut Unverified,
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<UnitLine> {
    let at = |col: &str| Location::cell(file, u.line, col);
    let y = year.map_or_else(|| "the period".to_string(), |y| y.to_string());
    if plan.class(&u.class).is_none() {
        diags.push(Diagnostic::error(
            Code::InvalidValue,
            at("unit_class"),
            format!(
                "'{}' is not a unit class of plan {}; its classes: {}",
                u.class,
                plan.id,
                plan.class_ids().join(", ")
            ),
        ));
        return None;
    }
    let rule = plan.allocation_rule(year)?;
    used.note(rule.src.verified, || "the allocation formula".to_string());
    let mut factors = BTreeMap::new();
    let overflow = |diags: &mut Vec<Diagnostic>| {
        diags.push(Diagnostic::error(
            Code::Overflow,
            Location::row(file, u.line),
            "the allocation is too large to compute exactly",
        ));
    };
    let allocation = match rule.method {
        Method::Verified => u.verified_t,
        Method::Entered => {
            if let Some(note) = &rule.src.note {
                let text = format!("plan {} for {y}: {note}", plan.id);
                if !notes.contains(&text) {
                    notes.push(text);
                }
            }
            let Some(a) = u.allocation_t else {
                diags.push(Diagnostic::error(
                    Code::MissingValue,
                    at("allocation_t"),
                    format!("'allocation_t' is empty; plan {} ships no allocation rules for {y}, so the allocation is entered", plan.id),
                ));
                return None;
            };
            a
        }
        Method::Benchmark => {
            let basis = rule.basis.map_or("", |b| b.as_str());
            let Some(output) = u.output_mwh else {
                diags.push(Diagnostic::error(
                    Code::MissingValue,
                    at("output_mwh"),
                    format!("'output_mwh' is empty; plan {} allocates on {basis} (MWh)", plan.id),
                ));
                return None;
            };
            let Some(b) = Plan::figure(&plan.benchmarks, &u.class, year) else {
                diags.push(Diagnostic::error(
                    Code::NoFactor,
                    at("unit_class"),
                    format!("plan {} ships no benchmark for unit class {} for {y} (the figure was not retrieved from the plan)", plan.id, u.class),
                ));
                return None;
            };
            used.note(b.src.verified, || format!("benchmark {} {y} = {}", u.class, b.value));
            factors.insert("benchmark", b.value);
            let mut electricity = Some(output).and_then(|o| mul(o, b.value));
            for c in plan.corrections_for(&u.class, year) {
                let f = match (&c.formula, c.input) {
                    (Formula::Choices(choices), _) => {
                        let Some(cooling) = u.cooling.as_deref() else {
                            diags.push(Diagnostic::error(
                                Code::MissingValue,
                                at("cooling"),
                                format!(
                                    "'cooling' is empty; plan {} corrects {} units for it ({})",
                                    plan.id,
                                    u.class,
                                    choices.keys().cloned().collect::<Vec<_>>().join(" or ")
                                ),
                            ));
                            return None;
                        };
                        let Some(v) = choices.get(cooling) else {
                            diags.push(Diagnostic::error(
                                Code::InvalidValue,
                                at("cooling"),
                                format!(
                                    "'{cooling}' is not a cooling mode of plan {}: {}",
                                    plan.id,
                                    choices.keys().cloned().collect::<Vec<_>>().join(", ")
                                ),
                            ));
                            return None;
                        };
                        *v
                    }
                    (formula, input) => {
                        if c.only_without_heat && u.supplies_heat() {
                            Decimal::ONE
                        } else {
                            let x = match input {
                                crate::plan::Input::LoadFactor => u.load_factor,
                                _ => Some(u.heat_supply_ratio),
                            };
                            let Some(x) = x else {
                                diags.push(Diagnostic::error(
                                    Code::MissingValue,
                                    at(input.column()),
                                    format!(
                                        "'{}' is empty; plan {} applies its {} correction to this unit",
                                        input.column(),
                                        plan.id,
                                        c.id
                                    ),
                                ));
                                return None;
                            };
                            let Some(v) = band_value(formula, x) else {
                                overflow(diags);
                                return None;
                            };
                            v
                        }
                    }
                };
                used.note(c.src.verified, || format!("the {} correction", c.id));
                factors.insert(key(&c.id), f);
                electricity = electricity.and_then(|e| mul(e, f));
            }
            let Some(electricity) = electricity else {
                overflow(diags);
                return None;
            };
            factors.insert("electricity_t", electricity);
            let mut total = electricity;
            if u.heat_gj > Decimal::ZERO {
                let Some(h) = Plan::figure(&plan.heat_benchmarks, &u.class, year) else {
                    diags.push(Diagnostic::error(
                        Code::NoFactor,
                        at("heat_gj"),
                        format!("plan {} ships no heat benchmark for unit class {} for {y}", plan.id, u.class),
                    ));
                    return None;
                };
                used.note(h.src.verified, || format!("heat benchmark {} {y} = {}", u.class, h.value));
                let Some(heat) = mul(u.heat_gj, h.value) else {
                    overflow(diags);
                    return None;
                };
                factors.insert("heat_benchmark", h.value);
                factors.insert("heat_t", heat);
                total = total.checked_add(heat)?;
            }
            total
        }
    };
    let mut line = UnitLine {
        enterprise: u.enterprise.clone(),
        unit: u.unit.clone(),
        unit_class: u.class.clone(),
        row: u.line,
        method: match rule.method {
            Method::Benchmark => "benchmark",
            Method::Verified => "verified",
            Method::Entered => "entered",
        },
        basis: rule.basis.map(|b| b.as_str()),
        allocation_t: allocation,
        verified_t: u.verified_t,
        obligation_t: u.verified_t,
        factors,
    };
    for r in plan.relief.iter().filter(|r| r.scope == ReliefScope::Unit && r.classes.contains(&u.class)) {
        let excess = excess_gap(line.obligation_t, line.allocation_t, line.verified_t, r.gap_cap_share);
        if excess > Decimal::ZERO {
            used.note(r.src.verified, || format!("the {} relief", r.id));
            match r.caps {
                Caps::Obligation => line.obligation_t -= excess,
                Caps::Allocation => line.allocation_t += excess,
            }
            line.factors.insert("relief_t", excess);
        }
    }
    Some(line)
}

fn key(id: &str) -> &'static str {
    match id {
        "cooling" => "cooling",
        "heat-supply" => "heat_supply",
        "load" => "load",
        _ => "correction",
    }
}

/// The part of a gap (obligation − allocation) above `share` × verified emissions.
fn excess_gap(obligation: Decimal, allocation: Decimal, verified: Decimal, share: Decimal) -> Decimal {
    let cap = share * verified;
    (obligation - allocation - cap).max(Decimal::ZERO)
}

/// The China ETS position of every enterprise in the units file.
pub fn position(input: &Input<'_>) -> Position {
    position_with(input, &Options::default())
}

/// [`position`], with own-boundary projects and offset prices.
pub fn position_with(input: &Input<'_>, opts: &Options) -> Position {
    let plan = input.plan;
    let mut diags = Vec::new();
    let mut notes = Vec::new();
    let mut pos = Position {
        scheme: "cn-ets",
        plan: plan.id.clone(),
        year: input.year,
        currency: plan.currency.clone(),
        document: plan.document.clone(),
        prices: Vec::new(),
        units: Vec::new(),
        enterprises: Vec::new(),
        installations: Vec::new(),
        notes: Vec::new(),
        diagnostics: Vec::new(),
        reconciliation: None,
    };
    match input.year {
        None if plan.per_year => diags.push(Diagnostic::error(
            Code::MissingValue,
            Location::file("--year"),
            format!("plan {} allocates year by year; give --year ({})", plan.id, years(plan)),
        )),
        Some(y) if !plan.years.contains(&y) => diags.push(Diagnostic::error(
            Code::OutOfRange,
            Location::file(format!("--year {y}")),
            format!("plan {} covers {}, not {y}", plan.id, years(plan)),
        )),
        _ => {}
    }
    let prices = price::parse_all(input.prices, &plan.currency).unwrap_or_else(|d| {
        diags.extend(d);
        Vec::new()
    });
    let offers = mix::parse(&opts.offset_prices, &plan.currency, &prices).unwrap_or_else(|d| {
        diags.extend(d);
        Vec::new()
    });
    let units = units::read(input.units_file, input.units, &mut diags);
    let entries = input.ledger.map_or_else(Vec::new, |(f, b)| ledger::read(f, b, &mut diags));
    let mut own = offsets::parse_own(&opts.own_projects).unwrap_or_else(|d| {
        diags.extend(d);
        Vec::new()
    });
    for o in &own {
        if !units.is_empty() && !units.iter().any(|u| u.enterprise == o.enterprise) {
            diags.push(Diagnostic::error(
                Code::UnknownRecord,
                Location::file(&o.given),
                format!("enterprise '{}' has no units in {}", o.enterprise, input.units_file),
            ));
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        pos.diagnostics = diags;
        return pos;
    }
    let mut used = Unverified::default();
    let lines: Vec<UnitLine> = units
        .iter()
        .filter_map(|u| allocate(plan, input.year, input.units_file, u, &mut used, &mut notes, &mut diags))
        .collect();
    for e in &entries {
        if !units.iter().any(|u| u.enterprise == e.enterprise) {
            diags.push(Diagnostic::error(
                Code::UnknownRecord,
                e.at("enterprise"),
                format!("enterprise '{}' has no units in {}", e.enterprise, input.units_file),
            ));
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        pos.diagnostics = diags;
        return pos;
    }
    let mut prices = prices;
    if let Some(t) = ledger::last_trade(&entries, "CEA", &plan.currency) {
        if !prices.iter().any(|p| p.scenario == "last-trade") {
            prices.push(PriceScenario {
                scenario: "last-trade".into(),
                price: t.price.unwrap_or_default(),
                currency: plan.currency.clone(),
            });
        }
    }
    let offset_instrument = plan.offsets.as_ref().map_or("", |o| o.instrument.as_str());
    own.extend(opts.own_facilities.iter().cloned());
    let extra = Extra {
        own: &own,
        offers: &offers,
        last_offset: ledger::last_trade(&entries, offset_instrument, &plan.currency).and_then(|t| t.price),
    };
    let mut names: Vec<&str> = Vec::new();
    for l in &lines {
        if !names.contains(&l.enterprise.as_str()) {
            names.push(&l.enterprise);
        }
    }
    for name in names {
        let own: Vec<&UnitLine> = lines.iter().filter(|l| l.enterprise == name).collect();
        let own_entries: Vec<&Entry> = entries.iter().filter(|e| e.enterprise == name).collect();
        let e =
            enterprise(plan, input.year, name, &own, &own_entries, &prices, &extra, &mut used, &mut notes, &mut diags);
        pos.enterprises.push(e);
    }
    // Said once per run, and only with a result: a refused run shows its errors alone.
    if !used.0.is_empty() && !diags.iter().any(Diagnostic::is_error) {
        diags.push(Diagnostic::warning(
            Code::UnverifiedFactor,
            Location::file(&plan.file),
            format!(
                "plan {}: {} figure(s) used here are not confirmed in the plan document: {}; their sources are in the plan file",
                plan.id,
                used.0.len(),
                used.0.join("; ")
            ),
        ));
    }
    pos.units = lines
        .into_iter()
        .map(|mut l| {
            l.allocation_t = n(l.allocation_t);
            l.verified_t = n(l.verified_t);
            l.obligation_t = n(l.obligation_t);
            l.factors.values_mut().for_each(|v| *v = n(*v));
            l
        })
        .collect();
    pos.prices = prices;
    pos.notes = notes;
    pos.diagnostics = diags;
    pos
}

fn years(plan: &Plan) -> String {
    plan.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
}

#[allow(clippy::too_many_arguments)]
fn enterprise(
    plan: &Plan,
    year: Option<i32>,
    name: &str,
    own: &[&UnitLine],
    entries: &[&Entry],
    prices: &[PriceScenario],
    extra: &Extra<'_>,
    used: &mut Unverified,
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> EnterprisePosition {
    let sum = |f: &dyn Fn(&UnitLine) -> Decimal| own.iter().fold(Decimal::ZERO, |a, l| a + f(l));
    let verified = sum(&|l| l.verified_t);
    let mut allocation = sum(&|l| l.allocation_t);
    let mut obligation = sum(&|l| l.obligation_t);
    let mut relief = Vec::new();
    for l in own {
        if let Some(t) = l.factors.get("relief_t") {
            let rule = plan.relief.iter().find(|r| r.scope == ReliefScope::Unit && r.classes.contains(&l.unit_class));
            if let Some(r) = rule {
                relief.push(ReliefApplied {
                    rule: format!("{} ({})", r.id, l.unit),
                    caps: caps_str(r.caps),
                    tonnes: n(*t),
                });
            }
        }
    }
    for r in plan.relief.iter().filter(|r| r.scope == ReliefScope::Enterprise) {
        let part: Vec<&&UnitLine> = own.iter().filter(|l| r.classes.contains(&l.unit_class)).collect();
        let (v, a, o) = part.iter().fold((Decimal::ZERO, Decimal::ZERO, Decimal::ZERO), |(v, a, o), l| {
            (v + l.verified_t, a + l.allocation_t, o + l.obligation_t)
        });
        let excess = excess_gap(o, a, v, r.gap_cap_share);
        if excess > Decimal::ZERO {
            used.note(r.src.verified, || format!("the {} relief", r.id));
            match r.caps {
                Caps::Obligation => obligation -= excess,
                Caps::Allocation => allocation += excess,
            }
            relief.push(ReliefApplied { rule: r.id.clone(), caps: caps_str(r.caps), tonnes: n(excess) });
        }
    }
    let relief_t = relief.iter().fold(Decimal::ZERO, |a, r| a + r.tonnes);
    let compliance_year = year.or_else(|| plan.years.iter().max().copied()).unwrap_or_default();
    let (cap, cap_text) = match &plan.offsets {
        Some(o) => {
            let (base, what) = match o.cap_base {
                CapBase::Obligation => (obligation, "obligation"),
                CapBase::Verified => (verified, "verified emissions"),
            };
            let pct = n(o.cap_share * Decimal::ONE_HUNDRED);
            (Some(o.cap_share * base), format!("{pct} % of the {what} of {} t", n(base)))
        }
        None => (None, String::new()),
    };
    let offsets = plan.offsets.as_ref();
    let rules = Rules {
        scheme: "cn-ets",
        allowance: "CEA",
        offset: offsets.map(|o| o.instrument.as_str()),
        legacy: offsets.and_then(|o| o.legacy_vintage_before.zip(o.legacy_last_year)),
        year: compliance_year,
        opening_t: allocation,
        offset_cap_t: cap,
        offset_cap_text: cap_text,
        borrowing_allowed: plan.borrowing.as_ref().is_some_and(|b| b.allowed),
        plan: &plan.id,
    };
    let screen = Screen { offset: rules.offset, own: extra.own, legacy: rules.legacy, year: compliance_year };
    let entries = offsets::screen(entries, &screen, diags);
    let acc = account::settle(&entries, &rules, diags);
    if acc.offsets_used_t > Decimal::ZERO {
        if let Some(o) = offsets {
            used.note(o.src.verified, || "the offset cap".to_string());
        }
    }
    if acc.borrowed_t > Decimal::ZERO {
        check_borrowing(plan, name, allocation, obligation, &acc, diags);
    }
    let holdings = acc.holdings_t.max(acc.surrendered_t);
    let shortfall = obligation - holdings - acc.offsets_used_t;
    let bankable = plan.banking.as_ref().map(|b| {
        let surplus = (-shortfall).max(Decimal::ZERO);
        if !b.allowed {
            return Decimal::ZERO;
        }
        match b.fixed_t {
            Some(fixed) => {
                let net_sales = (acc.sold_t - acc.bought_t).max(Decimal::ZERO);
                surplus.min(fixed + b.net_sales_multiple.unwrap_or_default() * net_sales)
            }
            None => surplus,
        }
    });
    let deadline = plan.deadline(year);
    if let Some(d) = deadline {
        used.note(d.src.verified, || format!("the deadline {}", d.date));
    }
    if let Some(p) = plan.penalty.as_ref().filter(|_| shortfall > Decimal::ZERO) {
        used.note(p.src.verified, || "the penalty".to_string());
    }
    let penalty = money::cn_penalty(plan, shortfall, prices, notes);
    let headroom = cap.map_or(Decimal::ZERO, |c| c - acc.offsets_used_t);
    let cheapest_mix = mix::cheapest(shortfall, headroom, prices, extra.offers, extra.last_offset);
    EnterprisePosition {
        enterprise: name.to_string(),
        allocation_t: n(allocation),
        verified_t: n(verified),
        obligation_t: n(obligation),
        relief,
        relief_t: n(relief_t),
        offset_cap_t: cap.map(n),
        offsets_used_t: n(acc.offsets_used_t),
        holdings_t: n(holdings),
        surrendered_t: n(acc.surrendered_t + acc.offsets_surrendered_t),
        shortfall_t: n(shortfall),
        values: money::values(shortfall, prices),
        penalty,
        deadline: deadline.map(|d| d.date.to_string()),
        bankable_t: bankable.map(n),
        installations: None,
        incomplete: None,
        cheapest_mix,
    }
}

fn caps_str(c: Caps) -> &'static str {
    match c {
        Caps::Obligation => "obligation",
        Caps::Allocation => "allocation",
    }
}

/// Borrowing within the plan's limits: only with a large enough shortfall, and only part of it.
fn check_borrowing(
    plan: &Plan,
    name: &str,
    allocation: Decimal,
    obligation: Decimal,
    acc: &account::Account,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(b) = &plan.borrowing else { return };
    let before = obligation - (acc.holdings_t - acc.borrowed_t) - acc.offsets_used_t;
    let at = Location::file(format!("ledger of {name}"));
    if let Some(min) = b.min_shortfall_share_of_allocation {
        if before < min * allocation {
            diags.push(Diagnostic::error(
                Code::OutOfRange,
                at.clone(),
                format!(
                    "{name} borrows {} t, but its shortfall before borrowing ({} t) is below {} % of its allocation; plan {} allows borrowing only above that",
                    n(acc.borrowed_t),
                    n(before),
                    n(min * Decimal::ONE_HUNDRED),
                    plan.id
                ),
            ));
            return;
        }
    }
    if let Some(max) = b.max_share_of_shortfall {
        if acc.borrowed_t > max * before {
            diags.push(Diagnostic::error(
                Code::OutOfRange,
                at,
                format!(
                    "{name} borrows {} t, more than {} % of its shortfall before borrowing ({} t)",
                    n(acc.borrowed_t),
                    n(max * Decimal::ONE_HUNDRED),
                    n(before)
                ),
            ));
        }
    }
}
