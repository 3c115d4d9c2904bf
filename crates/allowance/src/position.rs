//! The position document: what `scopebook position --format json` prints and what the app will
//! show. Every quantity is an exact decimal, serialised as a string without trailing zeros.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use scopebook_core::diagnostic::Diagnostic;
use serde::Serialize;

use crate::mix::MixLine;
use crate::plan::Document;
use crate::price::PriceScenario;
use crate::reconcile::Reconciliation;

/// Normal form for output: the same value, without trailing zeros.
pub fn n(d: Decimal) -> Decimal {
    d.normalize()
}

#[derive(Clone, Debug, Serialize)]
pub struct Position {
    /// `cn-ets` or `eu-ets`.
    pub scheme: &'static str,
    /// The plan's id (`cn-power-2019-2020`) or the EU rules' (`eu-ets`).
    pub plan: String,
    pub year: Option<i32>,
    pub currency: String,
    pub document: Document,
    pub prices: Vec<PriceScenario>,
    pub units: Vec<UnitLine>,
    pub enterprises: Vec<EnterprisePosition>,
    pub installations: Vec<InstallationLine>,
    /// What the reader must know about the figures (a year whose rules are not shipped, ...).
    pub notes: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Scheme emissions beside the inventory of the same records (`--activities`; decision 0031).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconciliation: Option<Reconciliation>,
}

impl Position {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// One China ETS unit: its allocation and the factors that made it.
#[derive(Clone, Debug, Serialize)]
pub struct UnitLine {
    pub enterprise: String,
    pub unit: String,
    pub unit_class: String,
    /// The row of UNITS.csv.
    pub row: u64,
    /// benchmark, heat, verified or entered.
    pub method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<&'static str>,
    /// The allocation after any top-up relief.
    pub allocation_t: Decimal,
    pub verified_t: Decimal,
    /// Verified emissions after any obligation-capping relief of the unit.
    pub obligation_t: Decimal,
    /// The factors and parts of the allocation: benchmark, cooling, heat_supply, load,
    /// electricity_t, heat_benchmark, heat_t, relief_t.
    pub factors: BTreeMap<&'static str, Decimal>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Value {
    pub scenario: String,
    pub price: Decimal,
    pub currency: String,
    /// shortfall × price: positive = the cost of closing the gap, negative = what the surplus is worth.
    pub amount: Decimal,
}

#[derive(Clone, Debug, Serialize)]
pub struct PenaltyExposure {
    pub low: Decimal,
    pub high: Decimal,
    pub currency: String,
    /// Tonnes not surrendered if the gap is not closed; they stay owed besides the penalty.
    pub owed_t: Decimal,
    /// How the range was found.
    pub basis: String,
}

/// A relief rule that changed an enterprise's figures.
#[derive(Clone, Debug, Serialize)]
pub struct ReliefApplied {
    pub rule: String,
    /// `obligation` (capped) or `allocation` (topped up).
    pub caps: &'static str,
    pub tonnes: Decimal,
}

#[derive(Clone, Debug, Serialize)]
pub struct EnterprisePosition {
    pub enterprise: String,
    /// Allocation, after top-up relief.
    pub allocation_t: Decimal,
    pub verified_t: Decimal,
    /// What must be surrendered: verified emissions, after obligation-capping relief.
    pub obligation_t: Decimal,
    pub relief: Vec<ReliefApplied>,
    pub relief_t: Decimal,
    /// `None` when the scheme takes no offsets for the year.
    pub offset_cap_t: Option<Decimal>,
    pub offsets_used_t: Decimal,
    /// Allowances at the enterprise's disposal for the period: allocation + bought, transferred
    /// in, banked in and borrowed − sold and transferred out (and never less than surrendered).
    pub holdings_t: Decimal,
    pub surrendered_t: Decimal,
    /// obligation − holdings − offsets used: positive = shortfall, negative = surplus.
    pub shortfall_t: Decimal,
    pub values: Vec<Value>,
    pub penalty: Option<PenaltyExposure>,
    pub deadline: Option<String>,
    /// Surplus that may be carried into later periods, where the plan limits banking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bankable_t: Option<Decimal>,
    /// EU: the account holder's installations, and how many had a status instead of a figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installations: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<usize>,
    /// The cheapest mix of offsets and allowances that closes a shortfall, per price scenario
    /// (China; decision 0031). Empty, and left out, without a shortfall or a price.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cheapest_mix: Vec<MixLine>,
}

/// One EU installation in one year, as the registry gives it, with its own position.
#[derive(Clone, Debug, Serialize)]
pub struct InstallationLine {
    pub installation: String,
    pub name: String,
    pub account_holder: String,
    pub country: String,
    pub activity: String,
    pub year: i32,
    /// `None` where the registry gives a status instead of a figure (see `figure_status`).
    pub free_allocation_t: Option<Decimal>,
    pub verified_t: Option<Decimal>,
    pub surrendered_t: Option<Decimal>,
    /// The registry's compliance code (A, B, C, D, E; `*` = changed after the deadline).
    pub status: Option<String>,
    /// The text the registry gives instead of a figure: NA, Excluded, Not Reported, ...
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub figure_status: BTreeMap<&'static str, String>,
    pub obligation_t: Option<Decimal>,
    pub shortfall_t: Option<Decimal>,
    pub penalty: Option<PenaltyExposure>,
}

/// A decimal for the table, with thousands separators, exact (no rounding).
fn show(d: Decimal) -> String {
    let s = n(d).to_string();
    let (sign, body) = s.strip_prefix('-').map_or(("", s.as_str()), |b| ("-", b));
    let (int, frac) = body.split_once('.').map_or((body, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn opt(d: Option<Decimal>) -> String {
    d.map_or_else(|| "–".to_string(), show)
}

fn reasons_text<'a>(reasons: impl Iterator<Item = (&'a str, Decimal)>) -> String {
    reasons.map(|(r, t)| format!("{r} {}", show(t))).collect::<Vec<_>>().join("; ")
}

/// The scheme emissions beside the inventory: per holder, then per line.
fn reconciliation_table(r: &Reconciliation, out: &mut String) {
    let gases: Vec<&str> = r.boundary.gases.iter().map(|g| g.name()).collect();
    out.push_str(&format!(
        "\nscheme emissions beside the inventory ({}, {} – {}; the scheme counts {}{}, indirect {})\n",
        r.activities,
        r.period.start,
        r.period.end,
        gases.join(", "),
        if r.boundary.class_gases.is_empty() { "" } else { " and gases by unit class" },
        if r.boundary.indirect { "counted" } else { "left out" }
    ));
    let rows: Vec<Vec<String>> = r
        .holders
        .iter()
        .map(|h| {
            let f = h.forecast.as_ref();
            vec![
                h.holder.chars().take(40).collect(),
                show(h.inventory_t),
                show(h.computed_t),
                opt(h.verified_t),
                opt(h.verified_minus_computed_t),
                format!("{} ({})", show(h.scheme_t), h.prevails),
                f.map_or_else(|| "–".into(), |f| show(f.projected_t.round_dp(3))),
                opt(f.and_then(|f| f.expected_shortfall_t).map(|d| d.round_dp(3))),
            ]
        })
        .collect();
    let head = [
        "holder",
        "inventory t",
        "computed t",
        "verified t",
        "verified − computed t",
        "scheme t",
        "projected t",
        "expected shortfall t",
    ];
    grid(&head, &rows, out);
    out.push_str(&format!(
        "inventory {} t − computed {} t: {}\n",
        show(r.inventory_t),
        show(r.computed_t),
        reasons_text(r.reasons.iter().map(|(k, v)| (*k, *v)))
    ));
    if let Some(f) = r.holders.iter().find_map(|h| h.forecast.as_ref()) {
        out.push_str(&format!(
            "forecast as of {}: {} of {} days covered, projected at the run-rate so far (shown to 3 places)\n",
            f.as_of, f.days_covered, f.days_in_year
        ));
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = r
        .lines
        .iter()
        .take(200)
        .map(|l| {
            vec![
                l.row.to_string(),
                l.facility.clone(),
                l.holder.clone().unwrap_or_else(|| "–".into()),
                l.activity.clone(),
                format!("{}/{}", l.scope, l.category),
                show(l.inventory_t),
                show(l.scheme_t),
                reasons_text(l.reasons.iter().map(|x| (x.reason, x.tonnes))),
            ]
        })
        .collect();
    grid(&["row", "facility", "holder", "activity", "scope", "inventory t", "scheme t", "why they differ"], &rows, out);
    if r.lines.len() > 200 {
        out.push_str(&format!("... {} lines in all (--format json lists every one)\n", r.lines.len()));
    }
}

fn grid(head: &[&str], rows: &[Vec<String>], out: &mut String) {
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>, out: &mut String| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = w[i] - c.chars().count();
            if i == 0 {
                l.push_str(c);
                l.push_str(&" ".repeat(pad));
            } else {
                l.push_str("  ");
                l.push_str(&" ".repeat(pad));
                l.push_str(c);
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(head.iter().map(|h| h.to_string()).collect(), out);
    line(w.iter().map(|n| "-".repeat(*n)).collect(), out);
    for r in rows {
        line(r.clone(), out);
    }
}

impl Position {
    /// The position as text tables: units (China), installations (EU, the first 50 by
    /// shortfall), enterprises, values and penalties. Figures are exact.
    pub fn to_table(&self) -> String {
        let mut out = format!("{} position, plan {}", self.scheme, self.plan);
        if let Some(y) = self.year {
            out.push_str(&format!(", {y}"));
        }
        out.push_str(&format!(" ({} {})\n\n", self.document.number, self.document.date));
        if !self.units.is_empty() {
            let rows: Vec<Vec<String>> = self
                .units
                .iter()
                .map(|u| {
                    let f = |k: &str| u.factors.get(k).copied();
                    vec![
                        u.enterprise.clone(),
                        u.unit.clone(),
                        u.unit_class.clone(),
                        opt(f("benchmark")),
                        opt(f("cooling")),
                        opt(f("heat_supply")),
                        opt(f("load")),
                        show(u.allocation_t),
                        show(u.verified_t),
                    ]
                })
                .collect();
            let head =
                ["enterprise", "unit", "class", "benchmark", "cooling", "heat", "load", "allocation t", "verified t"];
            grid(&head, &rows, &mut out);
            out.push('\n');
        }
        if !self.installations.is_empty() {
            let mut shown: Vec<&InstallationLine> = self.installations.iter().collect();
            shown.sort_by(|a, b| b.shortfall_t.cmp(&a.shortfall_t).then(a.installation.cmp(&b.installation)));
            let rows: Vec<Vec<String>> = shown
                .iter()
                .take(50)
                .map(|i| {
                    vec![
                        i.installation.clone(),
                        i.account_holder.chars().take(40).collect(),
                        opt(i.free_allocation_t),
                        opt(i.verified_t),
                        opt(i.surrendered_t),
                        i.status.clone().unwrap_or_else(|| "–".into()),
                        opt(i.shortfall_t),
                    ]
                })
                .collect();
            let head =
                ["installation", "account holder", "free t", "verified t", "surrendered t", "code", "shortfall t"];
            grid(&head, &rows, &mut out);
            if self.installations.len() > 50 {
                out.push_str(&format!(
                    "... {} installations in all (largest shortfalls shown; --format json lists every one)\n",
                    self.installations.len()
                ));
            }
            out.push('\n');
        }
        let rows: Vec<Vec<String>> = self
            .enterprises
            .iter()
            .map(|e| {
                vec![
                    e.enterprise.chars().take(40).collect(),
                    show(e.allocation_t),
                    show(e.verified_t),
                    show(e.obligation_t),
                    show(e.relief_t),
                    opt(e.offset_cap_t),
                    show(e.offsets_used_t),
                    show(e.holdings_t),
                    show(e.shortfall_t),
                    e.deadline.clone().unwrap_or_else(|| "–".into()),
                ]
            })
            .collect();
        let head = [
            "enterprise",
            "allocation t",
            "verified t",
            "obligation t",
            "relief t",
            "offset cap t",
            "offsets t",
            "holdings t",
            "shortfall t",
            "deadline",
        ];
        grid(&head, &rows, &mut out);
        for e in self.enterprises.iter().filter(|e| !e.values.is_empty() || e.penalty.is_some()).take(50) {
            out.push_str(&format!("\n{}:", e.enterprise));
            for v in &e.values {
                out.push_str(&format!(
                    " {} at {} {}/t = {} {};",
                    v.scenario,
                    show(v.price),
                    v.currency,
                    show(v.amount),
                    v.currency
                ));
            }
            if let Some(p) = &e.penalty {
                out.push_str(&format!(
                    " penalty {}–{} {} ({}), {} t still owed",
                    show(p.low),
                    show(p.high),
                    p.currency,
                    p.basis,
                    show(p.owed_t)
                ));
            }
            out.push('\n');
        }
        for e in self.enterprises.iter().filter(|e| !e.cheapest_mix.is_empty()).take(50) {
            out.push_str(&format!("\n{}, cheapest mix to close {} t:\n", e.enterprise, show(e.cheapest_mix[0].gap_t)));
            for m in &e.cheapest_mix {
                let offsets = match m.offset_price {
                    Some(p) if !m.offsets_t.is_zero() => format!("{} t offsets at {} + ", show(m.offsets_t), show(p)),
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "  {}: {offsets}{} t allowances at {} = {} {} (saves {})\n",
                    m.scenario,
                    show(m.allowances_t),
                    show(m.allowance_price),
                    show(m.amount),
                    m.currency,
                    show(m.saving)
                ));
            }
        }
        if let Some(r) = &self.reconciliation {
            reconciliation_table(r, &mut out);
        }
        for note in &self.notes {
            out.push_str(&format!("\nnote: {note}"));
        }
        if !self.notes.is_empty() {
            out.push('\n');
        }
        out
    }
}
