//! Scope 3 by category (decision 0035): each line's calculation method as the GHG Protocol's
//! Scope 3 Technical Guidance names them, its data quality (five indicators scored 1–5), the
//! status of each of the 15 categories (relevant, excluded with a reason, not applicable; read
//! from `calc --scope3-status`), and the sums per category the report shows beside the ISO
//! 14064-1 categories.
//!
//! **Architecture invariant:** no IO; the sums are exact (kg CO2e); the only rounding is the
//! data-quality score's, to [`DQ_DP`] places half-even, when it is reported.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::classify::Scope3Category;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::report::tonnes;

/// How a Scope 3 line was calculated (Scope 3 Technical Guidance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope3Method {
    SupplierSpecific,
    Hybrid,
    AverageData,
    SpendBased,
    DistanceBased,
    FuelBased,
    WasteTypeSpecific,
    InvestmentSpecific,
}

impl Scope3Method {
    pub const ALL: [Scope3Method; 8] = [
        Scope3Method::SupplierSpecific,
        Scope3Method::Hybrid,
        Scope3Method::AverageData,
        Scope3Method::SpendBased,
        Scope3Method::DistanceBased,
        Scope3Method::FuelBased,
        Scope3Method::WasteTypeSpecific,
        Scope3Method::InvestmentSpecific,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope3Method::SupplierSpecific => "supplier-specific",
            Scope3Method::Hybrid => "hybrid",
            Scope3Method::AverageData => "average-data",
            Scope3Method::SpendBased => "spend-based",
            Scope3Method::DistanceBased => "distance-based",
            Scope3Method::FuelBased => "fuel-based",
            Scope3Method::WasteTypeSpecific => "waste-type-specific",
            Scope3Method::InvestmentSpecific => "investment-specific",
        }
    }

    /// Its name in any case; `_` is read as `-`.
    pub fn parse(text: &str) -> Option<Scope3Method> {
        let t = text.trim().replace('_', "-");
        Scope3Method::ALL.into_iter().find(|m| m.as_str().eq_ignore_ascii_case(&t))
    }

    /// The message for a cell that names no method.
    pub fn unknown(text: &str) -> String {
        let names: Vec<&str> = Scope3Method::ALL.iter().map(|m| m.as_str()).collect();
        format!("'{text}' is not a Scope 3 method; use one of {}", names.join(", "))
    }
}

/// The five data-quality indicators of a line (GHG Protocol Scope 3 Standard, table 7.6), each
/// scored 1 (very good) to 5 (very poor).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DataQuality {
    pub technology: u8,
    pub time: u8,
    pub geography: u8,
    pub completeness: u8,
    pub reliability: u8,
}

/// The activity-file columns of the five indicators, in [`DataQuality::scores`] order.
pub const DQ_COLUMNS: [&str; 5] = ["dq_technology", "dq_time", "dq_geography", "dq_completeness", "dq_reliability"];

/// The indicators' names in the report, in [`DataQuality::scores`] order.
const DQ_NAMES: [&str; 5] = ["technology", "time", "geography", "completeness", "reliability"];

/// Decimal places of a reported data-quality score (half-even).
pub const DQ_DP: u32 = 2;

impl DataQuality {
    /// From five scores, each already checked to be 1–5.
    pub fn from_scores(s: [u8; 5]) -> DataQuality {
        DataQuality { technology: s[0], time: s[1], geography: s[2], completeness: s[3], reliability: s[4] }
    }

    pub fn scores(self) -> [u8; 5] {
        [self.technology, self.time, self.geography, self.completeness, self.reliability]
    }

    /// Read one indicator's cell: `Err((code, reason))` unless it is a whole number 1–5.
    pub fn parse_score(column: &str, text: &str) -> Result<u8, (Code, String)> {
        match text.trim().parse::<u8>() {
            Ok(n) if (1..=5).contains(&n) => Ok(n),
            Ok(n) => {
                Err((Code::OutOfRange, format!("'{column}' is a score from 1 (very good) to 5 (very poor), found {n}")))
            }
            Err(_) => Err((
                Code::MalformedNumber,
                format!("'{text}' is not a data-quality score: '{column}' is a whole number from 1 to 5"),
            )),
        }
    }
}

/// A category's status in the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CategoryStatus {
    Relevant,
    /// Left out of the inventory, with a reason.
    Excluded,
    NotApplicable,
    /// No status was given (no `--scope3-status` file, or the file does not list it).
    NotAssessed,
}

impl CategoryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CategoryStatus::Relevant => "relevant",
            CategoryStatus::Excluded => "excluded",
            CategoryStatus::NotApplicable => "not-applicable",
            CategoryStatus::NotAssessed => "not-assessed",
        }
    }

    /// What a status file may say (not `not-assessed`, which is only the absence of a status).
    fn parse(text: &str) -> Option<CategoryStatus> {
        let t = text.trim().replace('_', "-");
        [CategoryStatus::Relevant, CategoryStatus::Excluded, CategoryStatus::NotApplicable]
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(&t))
    }
}

/// One row of a Scope 3 status file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEntry {
    pub category: Scope3Category,
    pub status: CategoryStatus,
    pub reason: Option<String>,
    /// The category's estimated t CO2e, for one that has no lines (excluded, or relevant and not
    /// yet reported): what the coverage of Scope 3 is worked against (decision 0054).
    pub estimate_t: Option<Decimal>,
    /// Where it was read.
    pub location: Location,
}

pub const STATUS_REQUIRED: &[&str] = &["category", "status"];
pub const STATUS_OPTIONAL: &[&str] = &["reason", "estimate_t"];

/// Read a Scope 3 status file (`category,status,reason`): one row per category, 1–15 at most
/// once each; `excluded` needs a reason. Every problem is a located error.
pub fn read_status(file: &str, bytes: &[u8]) -> (Vec<StatusEntry>, Vec<Diagnostic>) {
    let mut out: Vec<StatusEntry> = Vec::new();
    let diags = crate::columns::read_rows(
        file,
        bytes,
        STATUS_REQUIRED,
        STATUS_OPTIONAL,
        |line, cols, record, diags| {
            let before = diags.len();
            let mut err = |code: Code, column: &str, msg: String| {
                diags.push(Diagnostic::error(code, Location::cell(file, line, column), msg));
            };
            let cat_text = cols.get(record, "category");
            let category = cat_text.parse::<u8>().ok().and_then(Scope3Category::new);
            if category.is_none() {
                err(
                    Code::UnknownCategory,
                    "category",
                    format!("'{cat_text}' is not a Scope 3 category (a number from 1 to 15)"),
                );
            }
            let status_text = cols.get(record, "status");
            let status = CategoryStatus::parse(status_text);
            if status.is_none() {
                err(
                    Code::InvalidValue,
                    "status",
                    format!("'{status_text}' is not a category status; use relevant, excluded or not-applicable"),
                );
            }
            let reason = Some(cols.get(record, "reason")).filter(|r| !r.is_empty()).map(str::to_string);
            if status == Some(CategoryStatus::Excluded) && reason.is_none() {
                err(
                Code::MissingValue,
                "reason",
                format!("category {cat_text} is excluded without a reason; the Scope 3 Standard asks for a justification of every exclusion"),
            );
            }
            let estimate_text = cols.get(record, "estimate_t").trim();
            let estimate_t = if estimate_text.is_empty() {
                None
            } else {
                match crate::number::parse_decimal(estimate_text) {
                    Ok(v) if v < Decimal::ZERO => {
                        err(Code::OutOfRange, "estimate_t", format!("'estimate_t' is t CO2e, zero or more; found {v}"));
                        None
                    }
                    Ok(v) if status == Some(CategoryStatus::NotApplicable) => {
                        err(
                            Code::InvalidValue,
                            "estimate_t",
                            format!(
                                "category {cat_text} is not applicable: it has no emissions to estimate ({v} t given)"
                            ),
                        );
                        None
                    }
                    Ok(v) => Some(v),
                    Err(reason) => {
                        err(
                            Code::MalformedNumber,
                            "estimate_t",
                            format!("'{estimate_text}' is not a number: {reason}"),
                        );
                        None
                    }
                }
            };
            if let Some(c) = category {
                if let Some(first) = out.iter().find(|e| e.category == c) {
                    err(
                        Code::DuplicateId,
                        "category",
                        format!(
                            "category {} is given twice (first at row {})",
                            c.number(),
                            first.location.row.unwrap_or(0)
                        ),
                    );
                }
            }
            if diags.len() > before {
                return;
            }
            if let (Some(category), Some(status)) = (category, status) {
                out.push(StatusEntry { category, status, reason, estimate_t, location: Location::row(file, line) });
            }
        },
    );
    (out, diags)
}

/// Exact sums of one (facility, category, method) group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupSums {
    pub co2e_kg: Decimal,
    pub lines: u64,
    /// CO2e of the lines that give data-quality scores.
    pub scored_kg: Decimal,
    /// Σ CO2e × score, per indicator, over those lines.
    pub weighted: [Decimal; 5],
    /// CO2e of the category-15 lines per PCAF score (index 0 is score 1).
    pub pcaf: [Decimal; 5],
}

type Sums = GroupSums;

type GroupKey = (Arc<str>, Scope3Category, Option<Scope3Method>);

/// The Scope 3 lines' sums per (facility, category, method): the report's method mix and
/// emissions-weighted data quality, after the organisation's shares.
#[derive(Clone, Debug, Default)]
pub struct Scope3Sums {
    groups: BTreeMap<GroupKey, Sums>,
    pub overflowed: bool,
}

fn add(to: &mut Decimal, v: Decimal, overflowed: &mut bool) {
    match to.checked_add(v) {
        Some(s) => *to = s,
        None => *overflowed = true,
    }
}

impl Scope3Sums {
    /// Count a computed Scope 3 line.
    pub fn add_line(
        &mut self,
        facility: &Arc<str>,
        category: Scope3Category,
        method: Option<Scope3Method>,
        quality: Option<DataQuality>,
        pcaf_score: Option<u8>,
        co2e_kg: Decimal,
    ) {
        let s = self.groups.entry((Arc::clone(facility), category, method)).or_default();
        let o = &mut self.overflowed;
        add(&mut s.co2e_kg, co2e_kg, o);
        s.lines += 1;
        if let Some(slot) = pcaf_score.and_then(|n| s.pcaf.get_mut(usize::from(n).wrapping_sub(1))) {
            add(slot, co2e_kg, o);
        }
        if let Some(q) = quality {
            add(&mut s.scored_kg, co2e_kg, o);
            for (w, score) in s.weighted.iter_mut().zip(q.scores()) {
                match co2e_kg.checked_mul(Decimal::from(score)) {
                    Some(v) => add(w, v, o),
                    None => *o = true,
                }
            }
        }
    }

    /// Add `other`'s sums (a later piece of the same file).
    pub fn merge(&mut self, other: Scope3Sums) {
        self.overflowed |= other.overflowed;
        for (k, v) in other.groups {
            let s = self.groups.entry(k).or_default();
            let o = &mut self.overflowed;
            add(&mut s.co2e_kg, v.co2e_kg, o);
            s.lines += v.lines;
            add(&mut s.scored_kg, v.scored_kg, o);
            for (w, x) in s.weighted.iter_mut().zip(v.weighted) {
                add(w, x, o);
            }
            for (w, x) in s.pcaf.iter_mut().zip(v.pcaf) {
                add(w, x, o);
            }
        }
    }

    /// Each of the 15 categories, after each facility's share (`share`, percent), with the
    /// status `statuses` give it.
    pub fn categories(&self, share: &dyn Fn(&str) -> Decimal, statuses: &[StatusEntry]) -> Vec<CategoryReport> {
        let mut per: BTreeMap<Scope3Category, (Sums, BTreeMap<&'static str, Decimal>)> = BTreeMap::new();
        let mut overflowed = self.overflowed;
        for ((facility, category, method), s) in &self.groups {
            let part = |v: Decimal| v * share(facility) / Decimal::ONE_HUNDRED;
            let (sums, mix) = per.entry(*category).or_default();
            let o = &mut overflowed;
            add(&mut sums.co2e_kg, part(s.co2e_kg), o);
            sums.lines += s.lines;
            add(&mut sums.scored_kg, part(s.scored_kg), o);
            for (w, x) in sums.weighted.iter_mut().zip(s.weighted) {
                add(w, part(x), o);
            }
            for (w, x) in sums.pcaf.iter_mut().zip(s.pcaf) {
                add(w, part(x), o);
            }
            add(mix.entry(method.map_or("unstated", Scope3Method::as_str)).or_default(), part(s.co2e_kg), o);
        }
        Scope3Category::all()
            .map(|c| {
                let entry = statuses.iter().find(|e| e.category == c);
                let (sums, mix) = per.remove(&c).unwrap_or_default();
                CategoryReport {
                    category: c.number(),
                    name: c.name(),
                    status: entry.map_or(CategoryStatus::NotAssessed, |e| e.status),
                    reason: entry.and_then(|e| e.reason.clone()),
                    estimate_t: entry.and_then(|e| e.estimate_t),
                    co2e_t: tonnes(sums.co2e_kg),
                    lines: sums.lines,
                    method_mix: mix.into_iter().map(|(m, v)| (m, tonnes(v))).collect(),
                    data_quality: quality(&sums),
                    pcaf: pcaf(&sums),
                }
            })
            .collect()
    }

    /// The sums per (facility, category, method), in that order: what an inventory's
    /// aggregates keep (`calc::Aggregates`, decision 0052).
    pub fn groups(&self) -> Vec<(Arc<str>, Scope3Category, Option<Scope3Method>, GroupSums)> {
        self.groups.iter().map(|((f, c, m), s)| (Arc::clone(f), *c, *m, s.clone())).collect()
    }

    /// The sums [`Scope3Sums::groups`] gave; `None` when a group is given twice.
    pub fn from_groups(
        groups: Vec<(Arc<str>, Scope3Category, Option<Scope3Method>, GroupSums)>,
        overflowed: bool,
    ) -> Option<Scope3Sums> {
        let mut out = Scope3Sums { groups: BTreeMap::new(), overflowed };
        for (f, c, m, s) in groups {
            if out.groups.insert((f, c, m), s).is_some() {
                return None;
            }
        }
        Some(out)
    }

    /// The categories that have computed lines.
    pub fn categories_with_lines(&self) -> Vec<Scope3Category> {
        let mut out: Vec<Scope3Category> = self.groups.keys().map(|(_, c, _)| *c).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// The emissions-weighted scores of a category's scored lines; `None` when no line with
/// emissions gives scores.
fn quality(s: &Sums) -> Option<QualityReport> {
    if s.scored_kg <= Decimal::ZERO {
        return None;
    }
    let round = |v: Decimal| v.round_dp_with_strategy(DQ_DP, RoundingStrategy::MidpointNearestEven).normalize();
    let exact: Vec<Decimal> = s.weighted.iter().map(|w| w.checked_div(s.scored_kg).unwrap_or_default()).collect();
    let overall = exact.iter().copied().sum::<Decimal>() / Decimal::from(5);
    Some(QualityReport {
        indicators: DQ_NAMES.iter().copied().zip(exact.iter().map(|v| round(*v))).collect(),
        overall: round(overall),
        scored_co2e_t: tonnes(s.scored_kg),
    })
}

/// The PCAF scores of a category's lines that give one: t CO2e per score, and the mean score
/// weighted by those emissions (decision 0050); `None` when no line with emissions gives one.
fn pcaf(s: &Sums) -> Option<PcafReport> {
    let scored: Decimal = s.pcaf.iter().copied().sum();
    if scored <= Decimal::ZERO {
        return None;
    }
    let weighted: Decimal = s.pcaf.iter().zip(1u8..).map(|(kg, n)| *kg * Decimal::from(n)).sum();
    let score = weighted
        .checked_div(scored)
        .unwrap_or_default()
        .round_dp_with_strategy(DQ_DP, RoundingStrategy::MidpointNearestEven)
        .normalize();
    let by_score =
        s.pcaf.iter().zip(1u8..).filter(|(kg, _)| !kg.is_zero()).map(|(kg, n)| (n.to_string(), tonnes(*kg))).collect();
    Some(PcafReport { score, scored_co2e_t: tonnes(scored), co2e_t_by_score: by_score })
}

/// A category's PCAF data-quality scores (category 15, investments).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PcafReport {
    /// Σ(t CO2e × score) ÷ Σ t CO2e over the lines that give a score, two places, half-even.
    pub score: Decimal,
    /// The CO2e the scores cover.
    pub scored_co2e_t: Decimal,
    /// t CO2e per score ("1" to "5"), the scores that occur.
    pub co2e_t_by_score: BTreeMap<String, Decimal>,
}

/// A category in the report's `scope3_categories`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CategoryReport {
    pub category: u8,
    pub name: &'static str,
    pub status: CategoryStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The status file's estimate of the category's t CO2e (decision 0054).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_t: Option<Decimal>,
    /// After the organisation's shares, as `by_scope3_category`.
    pub co2e_t: Decimal,
    /// Computed lines in the category.
    pub lines: u64,
    /// t CO2e per method (`unstated` for lines that give none).
    pub method_mix: BTreeMap<&'static str, Decimal>,
    /// Absent when no line with emissions gives scores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_quality: Option<QualityReport>,
    /// Category 15's PCAF scores; absent when no line gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pcaf: Option<PcafReport>,
}

/// A category's emissions-weighted data quality: Σ(t CO2e × score) ÷ Σ t CO2e over the lines
/// that give scores, per indicator; `overall` is the mean of the five (before rounding).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QualityReport {
    #[serde(flatten)]
    pub indicators: BTreeMap<&'static str, Decimal>,
    pub overall: Decimal,
    /// The CO2e the scores cover (the rest of the category gives none).
    pub scored_co2e_t: Decimal,
}

/// Warnings for computed lines in a category the status file marks excluded or not applicable.
pub fn status_conflicts(statuses: &[StatusEntry], with_lines: &[Scope3Category]) -> Vec<Diagnostic> {
    let estimates = statuses.iter().filter(|e| e.estimate_t.is_some() && with_lines.contains(&e.category)).map(|e| {
        Diagnostic::warning(
            Code::Scope3StatusConflict,
            e.location.clone().with_column("estimate_t"),
            format!(
                "category {} ({}) has calculated lines: its estimate_t stands in for a category with none, so it is not counted in the coverage",
                e.category.number(),
                e.category.name()
            ),
        )
    });
    let conflicts = statuses
        .iter()
        .filter(|e| matches!(e.status, CategoryStatus::Excluded | CategoryStatus::NotApplicable))
        .filter(|e| with_lines.contains(&e.category))
        .map(|e| {
            Diagnostic::warning(
                Code::Scope3StatusConflict,
                e.location.clone().with_column("status"),
                format!(
                    "category {} ({}) is marked {}, but lines are calculated in it; they are counted: correct the status, or the lines' category",
                    e.category.number(),
                    e.category.name(),
                    e.status.as_str()
                ),
            )
        });
    conflicts.chain(estimates).collect()
}

/// How much of the Scope 3 emissions the inventory reports (decision 0054): the lines' t CO2e
/// against them plus the estimates of the categories with no lines (excluded, or relevant and
/// not yet reported), as the status file gives them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// t CO2e of every category's lines, after the organisation's shares.
    pub reported_t: Decimal,
    /// The estimates of the categories with no lines, as given.
    pub estimated_not_reported_t: Decimal,
    /// reported ÷ (reported + estimated) × 100, two places, half-even; absent when both are zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<Decimal>,
    /// The categories whose estimate is counted.
    pub estimated_categories: Vec<u8>,
}

/// The coverage of `categories` (the report's 15); `None` when no category gives an estimate,
/// so that a report without estimates is unchanged.
pub fn coverage(categories: &[CategoryReport]) -> Option<Coverage> {
    if categories.iter().all(|c| c.estimate_t.is_none()) {
        return None;
    }
    let reported_t: Decimal = categories.iter().map(|c| c.co2e_t).sum();
    let estimated: Vec<&CategoryReport> =
        categories.iter().filter(|c| c.lines == 0 && c.estimate_t.is_some()).collect();
    let estimated_not_reported_t: Decimal = estimated.iter().filter_map(|c| c.estimate_t).sum();
    let whole = reported_t + estimated_not_reported_t;
    let percent = (!whole.is_zero()).then(|| {
        (reported_t * Decimal::ONE_HUNDRED / whole)
            .round_dp_with_strategy(DQ_DP, RoundingStrategy::MidpointNearestEven)
            .normalize()
    });
    Some(Coverage {
        reported_t: reported_t.normalize(),
        estimated_not_reported_t: estimated_not_reported_t.normalize(),
        percent,
        estimated_categories: estimated.iter().map(|c| c.category).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn methods_and_statuses_read_their_names_only() {
        for m in Scope3Method::ALL {
            assert_eq!(Scope3Method::parse(&m.as_str().to_uppercase()), Some(m));
        }
        assert_eq!(Scope3Method::parse("spend_based"), Some(Scope3Method::SpendBased));
        assert_eq!(Scope3Method::parse("spend"), None);
        assert!(DataQuality::parse_score("dq_time", "6").is_err_and(|(c, _)| c == Code::OutOfRange));
        assert!(DataQuality::parse_score("dq_time", "2.5").is_err_and(|(c, _)| c == Code::MalformedNumber));
        assert_eq!(DataQuality::parse_score("dq_time", " 5 "), Ok(5));
    }

    #[test]
    fn the_score_is_weighted_by_emissions_not_by_lines() {
        let mut s = Scope3Sums::default();
        let f: Arc<str> = Arc::from("HQ");
        let c1 = Scope3Category::new(1).unwrap();
        s.add_line(&f, c1, Some(Scope3Method::SpendBased), Some(DataQuality::from_scores([4; 5])), None, d("900"));
        s.add_line(
            &f,
            c1,
            Some(Scope3Method::SupplierSpecific),
            Some(DataQuality::from_scores([1; 5])),
            None,
            d("100"),
        );
        s.add_line(&f, c1, None, None, None, d("1000"));
        let cats = s.categories(&|_| Decimal::ONE_HUNDRED, &[]);
        let c = &cats[0];
        assert_eq!(cats.len(), 15);
        let q = c.data_quality.as_ref().unwrap();
        // (900 × 4 + 100 × 1) ÷ 1000 = 3.7; by lines it would be 2.5.
        assert_eq!(q.overall, d("3.7"));
        assert_eq!(q.indicators["time"], d("3.7"));
        assert_eq!(q.scored_co2e_t, d("1"));
        assert_eq!(c.co2e_t, d("2"));
        assert_eq!(c.method_mix["unstated"], d("1"));
        assert_eq!(c.method_mix["spend-based"], d("0.9"));
        assert_eq!(cats[1].status, CategoryStatus::NotAssessed);
        assert!(cats[1].data_quality.is_none());
        // At a 50 % share every figure halves; the score does not move.
        let half = s.categories(&|_| d("50"), &[]);
        assert_eq!(half[0].co2e_t, d("1"));
        assert_eq!(half[0].data_quality.as_ref().unwrap().overall, d("3.7"));
        assert!(cats.iter().all(|c| c.pcaf.is_none()));
    }

    #[test]
    fn the_pcaf_score_is_weighted_by_financed_emissions() {
        let mut s = Scope3Sums::default();
        let (a, b): (Arc<str>, Arc<str>) = (Arc::from("HQ"), Arc::from("FUND"));
        let c15 = Scope3Category::new(15).unwrap();
        let inv = Some(Scope3Method::InvestmentSpecific);
        s.add_line(&a, c15, inv, None, Some(1), d("3000"));
        s.add_line(&a, c15, inv, None, Some(4), d("1000"));
        s.add_line(&b, c15, inv, None, Some(5), d("500"));
        s.add_line(&b, c15, inv, None, None, d("700"));
        let cats = s.categories(&|f| if f == "FUND" { d("50") } else { Decimal::ONE_HUNDRED }, &[]);
        let p = cats[14].pcaf.as_ref().unwrap();
        // After the shares: 3 t at 1, 1 t at 4, 0.25 t at 5 → (3 + 4 + 1.25) ÷ 4.25 = 1.941… → 1.94;
        // by lines it would be (1 + 4 + 5) ÷ 3 = 3.33.
        assert_eq!(p.score, d("1.94"));
        assert_eq!(p.scored_co2e_t, d("4.25"));
        assert_eq!(
            p.co2e_t_by_score.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
            [("1", d("3")), ("4", d("1")), ("5", d("0.25"))]
        );
        assert_eq!(cats[14].co2e_t, d("4.6"));
    }

    #[test]
    fn a_status_file_needs_reasons_for_exclusions_and_each_category_once() {
        let text = "category,status,reason\n1,relevant,\n8,excluded,no leased assets\n9,excluded,\n1,not-applicable,\n16,relevant,\n";
        let (entries, diags) = read_status("s.csv", text.as_bytes());
        assert_eq!(entries.len(), 2);
        let codes: Vec<(Code, Option<u64>)> = diags.iter().map(|d| (d.code, d.location.row)).collect();
        assert_eq!(
            codes,
            vec![(Code::MissingValue, Some(4)), (Code::DuplicateId, Some(5)), (Code::UnknownCategory, Some(6))]
        );
        let conflicts = status_conflicts(&entries, &[Scope3Category::new(8).unwrap()]);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].location.row, Some(3));
    }
}
