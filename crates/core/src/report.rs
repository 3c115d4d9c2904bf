//! Presenting an inventory: the stable JSON document, a human table, and CSV.
//!
//! Totals are computed in kg at full precision; this module turns them into tonnes (an exact
//! shift of the decimal point) and, for the table only, rounds with a named strategy.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::boundary::Consolidation;
use crate::calc::{Inventory, ResultLine, ScopeTotals, UnresolvedLine, UnverifiedFactor};
use crate::diagnostic::Diagnostic;
use crate::gas::{Gas, GwpSet};
use crate::market::{AppliedInstrument, MarketBasis};
use crate::number::MASS_DP;
use crate::scope3::{CategoryReport, CategoryStatus, Coverage};

/// A file that went into a calculation.
#[derive(Clone, Debug, Serialize)]
pub struct InputFile {
    pub file: String,
    pub sha256: String,
}

/// A dataset edition that was loaded.
#[derive(Clone, Debug, Serialize)]
pub struct DatasetUsed {
    pub id: String,
    pub edition: String,
    pub sha256: String,
    pub shipped: bool,
    pub factors: usize,
}

/// kg → t, exact, without trailing zeros.
pub fn tonnes(kg: Decimal) -> Decimal {
    (kg / Decimal::ONE_THOUSAND).normalize()
}

#[derive(Serialize)]
pub struct Totals {
    pub scope1: Decimal,
    pub scope2_location: Decimal,
    pub scope2_market: Decimal,
    pub scope3: Decimal,
    pub biogenic_co2: Decimal,
}

impl From<&ScopeTotals> for Totals {
    fn from(t: &ScopeTotals) -> Totals {
        Totals {
            scope1: tonnes(t.scope1),
            scope2_location: tonnes(t.scope2_location),
            scope2_market: tonnes(t.scope2_market),
            scope3: tonnes(t.scope3),
            biogenic_co2: tonnes(t.biogenic_co2),
        }
    }
}

/// The totals of a stored report document (the JSON of `scopebook calc`, as a locked period's
/// snapshot keeps it), in tonnes, as written.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct StoredTotals {
    pub scope1: Decimal,
    pub scope2_location: Decimal,
    pub scope2_market: Decimal,
    pub scope3: Decimal,
    /// `None` when the document does not record it.
    #[serde(default)]
    pub biogenic_co2: Option<Decimal>,
}

/// The totals of a stored report document; `None` when `json` is not one.
pub fn stored_totals(json: &str) -> Option<StoredTotals> {
    #[derive(Deserialize)]
    struct Document {
        totals: StoredTotals,
    }
    serde_json::from_str::<Document>(json).ok().map(|d| d.totals)
}

#[derive(Serialize)]
pub struct GasTotal {
    pub gas: Gas,
    pub mass_t: Decimal,
    pub co2e_t: Decimal,
}

#[derive(Serialize)]
pub struct CategoryTotal {
    pub category: u8,
    pub name: &'static str,
    pub co2e_t: Decimal,
}

/// An ISO 14064-1:2018 category with the GHG Protocol categories it holds (decision 0004).
#[derive(Serialize)]
pub struct IsoCategoryReport {
    pub category: u8,
    pub name: &'static str,
    pub co2e_t: Decimal,
    pub ghg_protocol: Vec<IsoSource>,
}

/// A GHG Protocol scope and category inside an ISO 14064-1 category.
#[derive(Serialize)]
pub struct IsoSource {
    pub scope: u8,
    pub category: String,
    pub co2e_t: Decimal,
}

/// Categories 1–6, every one listed (zero when empty), from the totals after the shares.
fn iso_categories(t: &crate::calc::Totals) -> Vec<IsoCategoryReport> {
    use crate::classify::Classification;
    let mut sources: Vec<(Classification, Decimal)> = Vec::new();
    sources.extend(t.by_scope1_category.iter().map(|(c, v)| (Classification::Scope1(*c), *v)));
    sources.extend(t.by_scope2_category.iter().map(|(c, v)| (Classification::Scope2(*c), *v)));
    sources.extend(t.by_scope3_category.iter().map(|(c, v)| (Classification::Scope3(*c), *v)));
    let mut out: Vec<IsoCategoryReport> = Vec::with_capacity(6);
    for (class, v) in sources {
        let iso = class.iso_category();
        if !out.iter().any(|r| r.category == iso.number()) {
            let co2e = t.by_iso_category.get(&iso).copied().unwrap_or_default();
            out.push(IsoCategoryReport {
                category: iso.number(),
                name: iso.name(),
                co2e_t: tonnes(co2e),
                ghg_protocol: vec![],
            });
        }
        if let Some(r) = out.iter_mut().find(|r| r.category == iso.number()) {
            r.ghg_protocol.push(IsoSource { scope: class.scope(), category: class.category_text(), co2e_t: tonnes(v) });
        }
    }
    for n in 1..=6u8 {
        if let Some(iso) = crate::classify::IsoCategory::new(n).filter(|_| !out.iter().any(|r| r.category == n)) {
            out.push(IsoCategoryReport { category: n, name: iso.name(), co2e_t: Decimal::ZERO, ghg_protocol: vec![] });
        }
    }
    out.sort_by_key(|r| r.category);
    out
}

#[derive(Serialize)]
pub struct NamedTotal {
    pub category: String,
    pub co2e_t: Decimal,
}

/// A facility's totals: after the organisation's share (these add up to the report's totals),
/// the share in percent, and the facility's own full emissions.
#[derive(Serialize)]
pub struct FacilityTotal {
    pub facility: String,
    #[serde(flatten)]
    pub totals: Totals,
    pub share_applied: Decimal,
    pub own: Totals,
    /// How the facility's market-based Scope 2 was obtained; absent without electricity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope2_market_basis: Option<MarketBasis>,
}

#[derive(Serialize)]
pub struct Precision {
    pub internal: String,
    pub presentation: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct Inputs {
    pub activities: InputFile,
    pub factor_files: Vec<InputFile>,
    pub datasets: Vec<DatasetUsed>,
}

/// The JSON document of `scopebook calc`. Field names and meanings are stable; see
/// `docs/calc-json.md`. All figures are decimal strings; totals in tonnes, line figures in kg.
#[derive(Serialize)]
pub struct Report<'a> {
    pub scopebook_version: &'static str,
    pub gwp_set: GwpSet,
    pub gwp_source: &'static str,
    /// `false` when any row has an error or is unresolved: the totals then leave those rows out.
    pub complete: bool,
    pub inputs: Inputs,
    pub precision: Precision,
    /// The organisation's consolidation approach; absent for an activity file on its own
    /// (every facility then counts in full).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consolidation: Option<Consolidation>,
    pub totals: Totals,
    pub scope2_market_basis: &'static str,
    pub by_scope1_category: Vec<NamedTotal>,
    pub by_scope2_category: Vec<NamedTotal>,
    pub by_scope3_category: Vec<CategoryTotal>,
    pub by_iso_category: Vec<CategoryTotal>,
    /// Each of the 15 Scope 3 categories: status, t CO2e, method mix, data quality (decision
    /// 0035). `calc` of an activity file only ([`Report::with_scope3_view`]): a stored report
    /// (`calc --db`, a locked period's snapshot) is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope3_categories: Option<Vec<CategoryReport>>,
    /// How much of Scope 3 the lines report against the estimates of the categories without
    /// lines; only when the status file gives an estimate (decision 0054).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope3_coverage: Option<Coverage>,
    /// ISO 14064-1:2018 categories 1–6 from the same lines, each with the GHG Protocol
    /// categories it holds; as `scope3_categories`, `calc` of an activity file only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iso14064_categories: Option<Vec<IsoCategoryReport>>,
    pub by_gas: Vec<GasTotal>,
    /// CO2e from CO2e-only factors, which cannot be attributed to single gases.
    pub unspeciated_co2e_t: Decimal,
    pub by_facility: Vec<FacilityTotal>,
    /// Contractual instruments, each with the MWh applied and its quality grades.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub instruments: &'a [AppliedInstrument],
    /// The share of each energy's consumption each source covers; the table shows it (not in
    /// the JSON: a stored report keeps its bytes).
    #[serde(skip)]
    pub scope2_coverage: Vec<crate::market::CoverageShare>,
    pub line_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<&'a [ResultLine]>,
    pub unresolved: &'a [UnresolvedLine],
    /// Every factor marked unverified that computed lines, with how many (the `unverified-factor`
    /// note names the first few); empty when none did. Set by [`Report::with_unverified_factors`].
    pub unverified_factors: Vec<UnverifiedFactor>,
    pub diagnostics: &'a [Diagnostic],
}

pub const SCOPE2_MARKET_BASIS: &str = "GHG Protocol Scope 2 Guidance hierarchy: contractual instruments that pass the Quality Criteria (calc --instruments), then the residual mix where one is loaded (the shipped China proxy: MEE/NBS national average excluding market-traded non-fossil power, for its own year only), else the grid average; each facility's basis is in by_facility[].scope2_market_basis";

impl<'a> Report<'a> {
    pub fn new(
        inv: &'a Inventory,
        diagnostics: &'a [Diagnostic],
        inputs: Inputs,
        gwp_set: GwpSet,
        consolidation: Option<Consolidation>,
        with_lines: bool,
    ) -> Report<'a> {
        let t = &inv.totals;
        Report {
            scopebook_version: crate::ENGINE_VERSION,
            gwp_set,
            gwp_source: gwp_set.source(),
            complete: inv.unresolved.is_empty() && !diagnostics.iter().any(Diagnostic::is_error),
            inputs,
            precision: Precision {
                internal: format!("each line's mass of each gas is held to {MASS_DP} decimal places of kg (half-even) when it is longer; all sums are exact"),
                presentation: "none: figures are full precision",
            },
            consolidation,
            totals: Totals::from(&t.all),
            scope2_market_basis: SCOPE2_MARKET_BASIS,
            by_scope1_category: t.by_scope1_category.iter().map(|(c, v)| NamedTotal { category: c.as_str().to_string(), co2e_t: tonnes(*v) }).collect(),
            by_scope2_category: t.by_scope2_category.iter().map(|(c, v)| NamedTotal { category: c.as_str().to_string(), co2e_t: tonnes(*v) }).collect(),
            by_scope3_category: t.by_scope3_category.iter().map(|(c, v)| CategoryTotal { category: c.number(), name: c.name(), co2e_t: tonnes(*v) }).collect(),
            by_iso_category: t.by_iso_category.iter().map(|(c, v)| CategoryTotal { category: c.number(), name: c.name(), co2e_t: tonnes(*v) }).collect(),
            scope3_categories: None,
            scope3_coverage: None,
            iso14064_categories: None,
            by_gas: t.by_gas.iter().map(|(g, (m, c))| GasTotal { gas: *g, mass_t: tonnes(*m), co2e_t: tonnes(*c) }).collect(),
            unspeciated_co2e_t: tonnes(t.unspeciated_co2e),
            by_facility: t
                .by_facility
                .iter()
                .map(|(f, v)| FacilityTotal {
                    facility: f.to_string(),
                    totals: Totals::from(v),
                    share_applied: t.share_by_facility.get(f).copied().unwrap_or(Decimal::ONE_HUNDRED),
                    own: Totals::from(t.own_by_facility.get(f).unwrap_or(v)),
                    scope2_market_basis: inv.market.as_ref().and_then(|m| m.by_facility.get(f)).map(|m| m.basis()),
                })
                .collect(),
            instruments: inv.market.as_ref().map_or(&[][..], |m| m.instruments.as_slice()),
            scope2_coverage: inv.market.as_ref().map(crate::market::Market::coverage).unwrap_or_default(),
            line_count: inv.line_count,
            lines: with_lines.then_some(inv.lines.as_slice()),
            unresolved: &inv.unresolved,
            unverified_factors: Vec::new(),
            diagnostics,
        }
    }

    /// Add the Scope 3 categories and the ISO 14064-1 categories of `inv` (decision 0035).
    pub fn with_scope3_view(mut self, inv: &Inventory) -> Report<'a> {
        let categories = inv.scope3_categories();
        self.scope3_coverage = crate::scope3::coverage(&categories);
        self.scope3_categories = Some(categories);
        self.iso14064_categories = Some(iso_categories(&inv.totals));
        self
    }

    /// The factors marked unverified that computed lines ([`Inventory::unverified_factors`]).
    pub fn with_unverified_factors(mut self, unverified: Vec<UnverifiedFactor>) -> Report<'a> {
        self.unverified_factors = unverified;
        self
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }

    /// How many distinct input rows the totals leave out: unresolved lines and rows refused by
    /// an error (a row with two errors, or unresolved and refused, counts once).
    fn rows_left_out(&self) -> usize {
        let unresolved = self.unresolved.iter().map(|u| &u.diagnostic.location);
        let refused = self.diagnostics.iter().filter(|d| d.is_error()).map(|d| &d.location);
        let rows: std::collections::BTreeSet<(&str, u64)> =
            unresolved.chain(refused).filter_map(|l| l.row.map(|row| (l.file.as_str(), row))).collect();
        rows.len()
    }

    /// A human-readable table, rounded for display with `round`.
    pub fn to_table(&self, round: Rounding) -> String {
        let mut o = String::new();
        let r = |v: Decimal| round.apply(v);
        let _ = writeln!(
            o,
            "Scopebook {} — {} ({} lines)",
            self.scopebook_version, self.inputs.activities.file, self.line_count
        );
        let _ = writeln!(o, "GWP set: {} ({})", self.gwp_set, self.gwp_source);
        let _ = writeln!(o, "Figures in t CO2e, {} for display; totals computed at full precision.", round.describe());
        if !self.complete {
            let _ = match self.rows_left_out() {
                0 => writeln!(o, "INCOMPLETE: input was rejected; totals leave it out (see diagnostics)."),
                n => writeln!(
                    o,
                    "INCOMPLETE: {n} row(s) unresolved or rejected; totals leave them out (see diagnostics)."
                ),
            };
        }
        let _ = writeln!(o);
        let mut rows: Vec<(String, String)> = Vec::new();
        rows.push(("Scope 1".into(), r(self.totals.scope1)));
        for c in &self.by_scope1_category {
            rows.push((format!("  {}", c.category), r(c.co2e_t)));
        }
        rows.push(("Scope 2 (location-based)".into(), r(self.totals.scope2_location)));
        for c in &self.by_scope2_category {
            rows.push((format!("  {}", c.category), r(c.co2e_t)));
        }
        rows.push(("Scope 2 (market-based)*".into(), r(self.totals.scope2_market)));
        rows.push(("Scope 3".into(), r(self.totals.scope3)));
        for c in &self.by_scope3_category {
            rows.push((format!("  {:>2} {}", c.category, c.name), r(c.co2e_t)));
        }
        rows.push(("Biogenic CO2 (outside the scopes)".into(), r(self.totals.biogenic_co2)));
        write_rows(&mut o, &rows);
        self.scope3_table(&mut o, round);
        let _ = writeln!(o, "* market-based: {}", self.scope2_market_basis);
        for f in &self.by_facility {
            if f.scope2_market_basis == Some(MarketBasis::ResidualMix) && f.own.scope2_market > f.own.scope2_location {
                let _ = writeln!(
                    o,
                    "  {}: market-based is above location-based: no instrument covers its electricity, and the residual mix (the grid without the renewable attributes sold to others) is above the grid average",
                    f.facility
                );
            }
        }

        self.instruments_table(&mut o, round);
        let _ = writeln!(o, "\nBy gas                               mass t        t CO2e");
        for g in &self.by_gas {
            let _ = writeln!(o, "  {:<28} {:>14} {:>14}", g.gas.name(), r(g.mass_t), r(g.co2e_t));
        }
        if !self.unspeciated_co2e_t.is_zero() {
            let _ = writeln!(o, "  {:<28} {:>14} {:>14}", "CO2e-only factors", "-", r(self.unspeciated_co2e_t));
        }
        let _ = write!(o, "\nBy facility          Scope 1   Scope 2 (loc)   Scope 2 (mkt)        Scope 3");
        if let Some(c) = self.consolidation {
            let _ = write!(o, "   share %  ({}: after the organisation's share)", c.as_str());
        }
        o.push('\n');
        for f in &self.by_facility {
            let t = &f.totals;
            let _ = write!(
                o,
                "  {:<14} {:>11} {:>15} {:>15} {:>14}",
                f.facility,
                r(t.scope1),
                r(t.scope2_location),
                r(t.scope2_market),
                r(t.scope3)
            );
            if self.consolidation.is_some() {
                let _ = write!(o, " {:>9}", f.share_applied);
            }
            o.push('\n');
        }
        if let Some(lines) = self.lines {
            let _ = writeln!(
                o,
                "\nLines\n  {:>5}  {:<12} {:<28} {:<40} {:<16} {:>12}",
                "row", "facility", "activity", "factor", "selected by", "t CO2e"
            );
            for l in lines {
                let sel = l.factor.selected_by.as_str();
                let _ = writeln!(
                    o,
                    "  {:>5}  {:<12} {:<28} {:<40} {:<16} {:>12}{}",
                    l.activity.row,
                    l.activity.facility,
                    l.activity.activity,
                    l.factor.id,
                    sel,
                    r(tonnes(l.emission.co2e_kg)),
                    if l.factor.verified { "" } else { "  (unverified factor)" }
                );
            }
        }
        if !self.unresolved.is_empty() {
            let _ = writeln!(o, "\nUnresolved ({}): no emissions counted for these rows", self.unresolved.len());
            for u in self.unresolved {
                let _ = writeln!(o, "  row {}: {} — {}", u.activity.row, u.activity.activity, u.diagnostic.message);
            }
        }
        o
    }
}

impl Report<'_> {
    /// The contractual instruments of market-based Scope 2 in the table, each with its MWh, the
    /// MWh applied, its rate and the Quality Criteria it does not pass; only when there are any.
    fn instruments_table(&self, o: &mut String, round: Rounding) {
        use crate::classify::Scope2Category::{Cooling, Electricity, Heat, Steam};
        if self.instruments.is_empty() {
            return;
        }
        let _ = writeln!(o, "\nContractual instruments (market-based Scope 2, in the file's order)");
        let kind = |i: &crate::market::Instrument| match i.energy {
            crate::classify::Scope2Category::Electricity => i.instrument.as_str().to_string(),
            other => format!("{} ({})", i.instrument.as_str(), other.as_str()),
        };
        let width = self.instruments.iter().map(|a| kind(&a.instrument).chars().count()).max().unwrap_or(0).max(14);
        let _ = writeln!(
            o,
            "  {:<14} {:<width$} {:>12} {:>12} {:>9}  {:<28} serials",
            "facility", "instrument", "MWh", "applied MWh", "kg/MWh", "grades"
        );
        for a in self.instruments {
            let i = &a.instrument;
            let serials = match (&i.serial_from, &i.serial_to) {
                (Some(f), Some(t)) if f != t => format!("{f}..{t}"),
                (Some(f), _) => f.clone(),
                _ => String::new(),
            };
            let q = &a.quality;
            let not_pass: Vec<String> = q
                .by_criterion()
                .iter()
                .filter(|(_, g)| *g != crate::market::Grade::Pass)
                .map(|(n, g)| format!("{n} {}", if *g == crate::market::Grade::Fail { "fail" } else { "warn" }))
                .collect();
            let mut grades = if not_pass.is_empty() { "all pass".to_string() } else { not_pass.join(", ") };
            if !a.applied {
                grades.push_str(" (not applied)");
            }
            let row = format!(
                "  {:<14} {:<width$} {:>12} {:>12} {:>9}  {grades:<28} {serials}",
                i.facility,
                kind(i),
                round.apply(i.as_mwh(i.quantity())),
                round.apply(a.applied_mwh),
                i.emission_rate_kg_per_mwh.normalize(),
            );
            let _ = writeln!(o, "{}", row.trim_end());
        }
        for energy in [Electricity, Heat, Steam, Cooling] {
            let parts: Vec<String> = self
                .scope2_coverage
                .iter()
                .filter(|c| c.energy == energy)
                .map(|c| {
                    let unit = if energy == Electricity { "MWh" } else { "GJ" };
                    format!(
                        "{} {} {unit} ({} %)",
                        c.by.label(),
                        round.apply(c.quantity),
                        c.percent().map_or_else(|| "—".to_string(), |p| p.to_string())
                    )
                })
                .collect();
            if !parts.is_empty() {
                let _ = writeln!(o, "  {} covered by: {}", energy.as_str(), parts.join(", "));
            }
        }
    }

    /// The Scope 3 section of the table: each category's status, t CO2e, emissions-weighted data
    /// quality and method mix; only when a category has lines or a status.
    fn scope3_table(&self, o: &mut String, round: Rounding) {
        let Some(categories) = &self.scope3_categories else { return };
        let shown = |c: &&CategoryReport| c.lines > 0 || c.status != CategoryStatus::NotAssessed;
        if !categories.iter().any(|c| shown(&c)) {
            return;
        }
        let _ = writeln!(o, "\nScope 3 by category (data quality: emissions-weighted, 1 very good to 5 very poor)");
        let _ = writeln!(o, "  {:>2} {:<44} {:<15} {:>14} {:>5}  methods", "", "category", "status", "t CO2e", "DQ");
        for c in categories.iter().filter(shown) {
            let dq = c.data_quality.as_ref().map_or("-".to_string(), |q| q.overall.to_string());
            let methods: Vec<String> = c.method_mix.iter().map(|(m, v)| format!("{m} {}", round.apply(*v))).collect();
            let row = format!(
                "  {:>2} {:<44} {:<15} {:>14} {:>5}  {}",
                c.category,
                c.name,
                c.status.as_str(),
                round.apply(c.co2e_t),
                dq,
                methods.join(", ")
            );
            let _ = writeln!(o, "{}", row.trim_end());
            if let Some(reason) = &c.reason {
                let _ = writeln!(o, "     reason: {reason}");
            }
        }
        if let Some(cov) = &self.scope3_coverage {
            let of = cov.percent.map_or("-".to_string(), |p| format!("{p} %"));
            let cats: Vec<String> = cov.estimated_categories.iter().map(u8::to_string).collect();
            let _ = writeln!(
                o,
                "  coverage: {of} of Scope 3 reported ({} t; estimated, not reported: {} t in categor{} {})",
                round.apply(cov.reported_t),
                round.apply(cov.estimated_not_reported_t),
                if cats.len() == 1 { "y" } else { "ies" },
                cats.join(", ")
            );
        }
        let unassessed = categories.iter().filter(|c| c.status == CategoryStatus::NotAssessed).count();
        if unassessed > 0 {
            let _ = writeln!(
                o,
                "  {unassessed} categor{} without a status (calc --scope3-status FILE gives them)",
                if unassessed == 1 { "y" } else { "ies" }
            );
        }
    }
}

fn write_rows(o: &mut String, rows: &[(String, String)]) {
    let width = rows.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0).max(36);
    let vwidth = rows.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    for (label, value) in rows {
        let pad = width - label.chars().count();
        let _ = writeln!(o, "{label}{} {value:>vwidth$}", " ".repeat(pad));
    }
}

/// A named presentation rounding: half to even at a number of decimal places.
#[derive(Clone, Copy, Debug)]
pub struct Rounding {
    pub decimals: u32,
}

impl Rounding {
    pub fn apply(self, v: Decimal) -> String {
        let rounded = v.round_dp_with_strategy(self.decimals, RoundingStrategy::MidpointNearestEven);
        format!("{rounded:.prec$}", prec = self.decimals as usize)
    }

    pub fn describe(self) -> String {
        format!("rounded half-even to {} decimal place(s)", self.decimals)
    }
}

/// Protect a text cell against spreadsheet formula injection (OWASP): a cell starting with
/// `= + - @`, tab or CR gets a leading apostrophe.
pub fn csv_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// One CSV row per computed line (full precision, kg), or with `summary` one row per total (t).
pub fn to_csv(report: &Report<'_>, inv: &Inventory, summary: bool) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    if summary {
        let _ = w.write_record(["total", "t_co2e"]);
        let t = &report.totals;
        for (k, v) in [
            ("scope1", t.scope1),
            ("scope2_location", t.scope2_location),
            ("scope2_market", t.scope2_market),
            ("scope3", t.scope3),
            ("biogenic_co2", t.biogenic_co2),
        ] {
            let _ = w.write_record([k.to_string(), v.to_string()]);
        }
        for c in &report.by_scope3_category {
            let _ = w.write_record([format!("scope3_category_{}", c.category), c.co2e_t.to_string()]);
        }
        for f in &report.by_facility {
            for (k, v) in [
                ("scope1", f.totals.scope1),
                ("scope2_location", f.totals.scope2_location),
                ("scope2_market", f.totals.scope2_market),
                ("scope3", f.totals.scope3),
            ] {
                let _ = w.write_record([format!("facility:{}:{k}", csv_safe(&f.facility)), v.to_string()]);
            }
        }
    } else {
        let _ = w.write_record([
            "row",
            "facility",
            "period_start",
            "period_end",
            "activity",
            "quantity",
            "unit",
            "scope",
            "category",
            "iso_category",
            "factor_id",
            "dataset",
            "edition",
            "selected_by",
            "verified",
            "gwp_set",
            "co2_kg",
            "ch4_kg",
            "n2o_kg",
            "other_gases_co2e_kg",
            "unspeciated_co2e_kg",
            "co2e_kg",
            "biogenic_co2_kg",
            "evidence",
            "share_applied",
        ]);
        for l in &inv.lines {
            let a = &l.activity;
            let mass = |g: Gas| l.emission.gases.iter().filter(|m| m.gas == g).map(|m| m.mass_kg).sum::<Decimal>();
            let other: Decimal = l
                .emission
                .gases
                .iter()
                .filter(|m| !matches!(m.gas, Gas::Co2 | Gas::Ch4 | Gas::N2o))
                .map(|m| m.co2e_kg)
                .sum();
            let (scope, category) = match l.classification {
                crate::classify::Classification::Scope1(c) => ("1", c.as_str().to_string()),
                crate::classify::Classification::Scope2(c) => ("2", c.as_str().to_string()),
                crate::classify::Classification::Scope3(c) => ("3", c.number().to_string()),
            };
            let sel = l.factor.selected_by.as_str();
            let _ = w.write_record([
                a.row.to_string(),
                csv_safe(&a.facility),
                a.period.start.to_string(),
                a.period.end.to_string(),
                csv_safe(&a.activity),
                a.quantity.to_string(),
                a.unit.to_string(),
                scope.to_string(),
                category,
                l.iso_category.number().to_string(),
                csv_safe(&l.factor.id),
                l.factor.dataset.clone(),
                l.factor.edition.clone(),
                sel.to_string(),
                l.factor.verified.to_string(),
                l.gwp_set.to_string(),
                mass(Gas::Co2).to_string(),
                mass(Gas::Ch4).to_string(),
                mass(Gas::N2o).to_string(),
                other.to_string(),
                l.emission.unspeciated_co2e_kg.to_string(),
                l.emission.co2e_kg.to_string(),
                l.emission.biogenic_co2_kg.to_string(),
                a.evidence.as_deref().map(csv_safe).unwrap_or_default(),
                l.share_applied.to_string(),
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_totals_read_back_as_written_and_an_absent_biogenic_figure_stays_absent() {
        let doc = r#"{"totals": {"scope1": "1.50", "scope2_location": "2", "scope2_market": "2", "scope3": "0", "biogenic_co2": "0.25"}}"#;
        let t = stored_totals(doc).unwrap();
        assert_eq!((t.scope1.to_string(), t.biogenic_co2.map(|d| d.to_string())), ("1.50".into(), Some("0.25".into())));
        let older = r#"{"totals": {"scope1": "1", "scope2_location": "2", "scope2_market": "2", "scope3": "3"}}"#;
        assert_eq!(stored_totals(older).unwrap().biogenic_co2, None);
        assert_eq!(stored_totals(r#"{"totals": {"scope1": "1"}}"#), None);
        assert_eq!(stored_totals("not json"), None);
    }
}
