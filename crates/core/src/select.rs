//! Factor selection: decision 0001's precedence, with the activity vocabulary and the
//! latest-available rule of decision 0018.
//!
//! An activity's text finds its candidate factors two ways: the factors whose key is exactly
//! that text (a dataset key or a user's own key), and, through the vocabulary, every factor of
//! the activity type the text names (by id, alias or name in either language, or a dataset key).
//! Each candidate is then **named** (its key is the text, or its qualifier is the one the text or
//! the query's sector gives), **general** (a key without qualifier), or a **choice** (a variant
//! the activity has not chosen: a sector when no sector is given, `gcv`/`ncv`, `road`, …). At
//! each rank named factors beat general ones; where only choices fit, the line is unresolved
//! with the choices listed. Variants for a sector other than the query's never qualify.
//!
//! **Architecture invariant:** selection never guesses (see `library`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::diagnostic::Code;
use crate::factor::Factor;
use crate::library::{FactorLibrary, FactorQuery, Selection, SelectionRule, Unresolved};
use crate::region::Region;
use crate::sector::Sector;
use crate::unit::Unit;
use crate::vocabulary::{Qualifier, Vocabulary};

/// How a candidate relates to what the activity asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fit {
    Named,
    General,
    Choice,
}

/// An activity's candidate factors, and how to name the activity in messages.
struct Candidates {
    list: Vec<(usize, Fit)>,
    shown: String,
    /// Sectors whose variants were left out because the query gives another sector.
    other_sectors: BTreeSet<Sector>,
}

/// How a factor's qualifier fits a query that named no qualifier.
fn qualify(q: &Qualifier, sector: Option<Sector>) -> Option<Fit> {
    match (q.sector, sector) {
        (Some(s), Some(t)) if s != t => None,
        (Some(_), Some(_)) if q.variant.is_none() => Some(Fit::Named),
        (Some(_), _) => Some(Fit::Choice),
        (None, _) if q.variant.is_none() => Some(Fit::General),
        (None, _) => Some(Fit::Choice),
    }
}

impl FactorLibrary {
    /// Choose the factor for an activity. The precedence, strongest first: an explicit id; a
    /// facility's, then a supplier's own factor; a user-supplied factor; a shipped factor for the
    /// activity's own region (else, when no edition covers the period, that region's latest
    /// earlier edition); for a parent region (likewise); a global default. Within one rank only
    /// factors valid for the period and whose unit the activity's unit converts into qualify;
    /// two or more left is a tie, never a pick.
    pub fn select(&self, q: &FactorQuery<'_>) -> Result<Selection, Unresolved> {
        if let Some(id) = q.explicit {
            return self.select_explicit(q, id);
        }
        let c = self.candidates(q)?;
        let shown = c.shown.as_str();
        let fits = |f: &Factor| q.period.within(f.valid_from, f.valid_to) && q.accepts(f);
        // Facility- and supplier-specific factors apply only to their own facility or supplier.
        for rule in [SelectionRule::FacilitySpecific, SelectionRule::SupplierSpecific] {
            let fitting: Vec<(usize, Fit)> = c
                .list
                .iter()
                .copied()
                .filter(|&(i, _)| {
                    let f = &self.factors[i];
                    let own = match rule {
                        SelectionRule::FacilitySpecific => f.facility.as_deref() == Some(q.facility),
                        _ => f.facility.is_none() && f.supplier.is_some() && f.supplier.as_deref() == q.supplier,
                    };
                    own && fits(f)
                })
                .collect();
            let rank = match rule {
                SelectionRule::FacilitySpecific => format!("for facility {}", q.facility),
                _ => format!("for supplier {}", q.supplier.unwrap_or("")),
            };
            if let Some(r) = self.choose(q, shown, &fitting, &rank) {
                return r.map(|factor| Selection { factor, rule });
            }
        }
        let all: Vec<(usize, Fit)> = c
            .list
            .iter()
            .copied()
            .filter(|&(i, _)| self.factors[i].facility.is_none() && self.factors[i].supplier.is_none())
            .collect();

        let chain: Vec<Region> = match q.region {
            Some(r) => r.lineage().into_iter().chain([Region::global()]).collect(),
            None => vec![Region::global()],
        };
        let mut region_matched: Vec<&Factor> = Vec::new();
        let mut period_matched: Vec<(&Factor, Fit)> = Vec::new();

        // User-supplied first, most specific region first. Then shipped, by region.
        for shipped in [false, true] {
            for (level, region) in chain.iter().enumerate() {
                let at_level: Vec<(usize, Fit)> = all
                    .iter()
                    .copied()
                    .filter(|&(i, _)| self.factors[i].dataset.shipped == shipped && self.factors[i].region == *region)
                    .collect();
                region_matched.extend(at_level.iter().map(|&(i, _)| &self.factors[i]));
                let valid: Vec<(usize, Fit)> = at_level
                    .iter()
                    .copied()
                    .filter(|&(i, _)| q.period.within(self.factors[i].valid_from, self.factors[i].valid_to))
                    .collect();
                period_matched.extend(valid.iter().map(|&(i, fit)| (&self.factors[i], fit)));
                let fitting: Vec<(usize, Fit)> =
                    valid.into_iter().filter(|&(i, _)| q.accepts(&self.factors[i])).collect();
                let rule = if !shipped {
                    SelectionRule::UserSupplied
                } else if region.is_global() {
                    SelectionRule::GlobalDefault
                } else if level == 0 {
                    SelectionRule::Region
                } else {
                    SelectionRule::ParentRegion
                };
                if let Some(r) = self.choose(q, shown, &fitting, &format!("in region {region}")) {
                    return r.map(|factor| Selection { factor, rule });
                }
                if shipped && !self.strict_years {
                    let latest = self.latest_available(q, &at_level);
                    let rank = format!("in region {region} (latest available edition)");
                    if let Some(r) = self.choose(q, shown, &latest, &rank) {
                        return r.map(|factor| Selection { factor, rule: SelectionRule::LatestAvailable });
                    }
                }
            }
        }
        Err(self.not_found(q, &c, &all, &region_matched, &period_matched))
    }

    fn select_explicit(&self, q: &FactorQuery<'_>, id: &str) -> Result<Selection, Unresolved> {
        let Some(&index) = self.by_id.get(id) else {
            return Err(Unresolved {
                code: Code::UnknownFactor,
                message: format!(
                    "factor '{id}' is not in the loaded datasets or factor files (try `scopebook factors search`)"
                ),
                candidates: vec![],
            });
        };
        let f = &self.factors[index];
        if !self.usable(f) {
            return Err(Unresolved {
                code: Code::UnknownFactor,
                message: format!(
                    "factor '{id}' belongs to {} edition {}, but this calculation uses edition {} of that dataset",
                    f.dataset.id,
                    f.dataset.edition,
                    self.pinned.get(&f.dataset.id).map_or("?", String::as_str)
                ),
                candidates: vec![],
            });
        }
        if !q.accepts(f) {
            return Err(unit_mismatch(q, std::slice::from_ref(&f)));
        }
        Ok(Selection { factor: index, rule: SelectionRule::Explicit })
    }

    /// The usable factors an activity's text finds, each with how it fits.
    fn candidates(&self, q: &FactorQuery<'_>) -> Result<Candidates, Unresolved> {
        let vocab = Vocabulary::shipped();
        let text = q.activity;
        let mut list: Vec<(usize, Fit)> = Vec::new();
        if let Some(raw) = self.by_activity.get(text) {
            list.extend(raw.iter().map(|&i| (i, Fit::Named)));
        }
        let resolution = if self.by_entry.contains_key(text) {
            Some(crate::vocabulary::Resolution { activity: text.to_string(), qualifier: None })
        } else {
            vocab.resolve(text)
        };
        let mut shown = format!("'{text}'");
        let mut other_sectors = BTreeSet::new();
        if let Some(r) = &resolution {
            if r.activity != text {
                shown = format!("'{text}' ({})", r.activity);
            }
            if let Some(e) = vocab.entry(&r.activity).filter(|e| !e.narrower.is_empty() && list.is_empty()) {
                return Err(self.general_name(&shown, e));
            }
            for &i in self.by_entry.get(&r.activity).map_or(&[][..], Vec::as_slice) {
                let Some(m) = &self.mapping[i] else { continue };
                if self.factors[i].activity == text {
                    continue; // already named by its key
                }
                let fit = match &r.qualifier {
                    Some(named) => (m.qualifier == *named).then_some(Fit::Named),
                    None => qualify(&m.qualifier, q.sector),
                };
                match fit {
                    Some(fit) => list.push((i, fit)),
                    None => other_sectors.extend(m.qualifier.sector),
                }
            }
        }
        list.retain(|&(i, _)| self.usable(&self.factors[i]));
        if list.is_empty() && other_sectors.is_empty() {
            return Err(Unresolved {
                code: Code::NoFactor,
                message: format!("no factor is loaded for activity type {shown}{}", self.suggest(text)),
                candidates: vec![],
            });
        }
        Ok(Candidates { list, shown, other_sectors })
    }

    /// The one factor of a rank, a tie, the choices the activity has to make, or `None` when no
    /// candidate fits at this rank.
    fn choose(
        &self,
        q: &FactorQuery<'_>,
        shown: &str,
        fitting: &[(usize, Fit)],
        rank: &str,
    ) -> Option<Result<usize, Unresolved>> {
        let tier = |want: Fit| -> Vec<usize> { fitting.iter().filter(|(_, f)| *f == want).map(|&(i, _)| i).collect() };
        for want in [Fit::Named, Fit::General] {
            match self.direct_first(tier(want), q.unit).as_slice() {
                [] => {}
                [one] => return Some(Ok(*one)),
                many => return Some(Err(self.tie(shown, many, rank))),
            }
        }
        let choices = tier(Fit::Choice);
        (!choices.is_empty()).then(|| Err(self.choices(shown, &choices, rank)))
    }

    /// At one region level, the factors of each shipped dataset's most recent edition (by
    /// `valid_to`, then edition) when every factor of that dataset here ends before the period
    /// starts, and the dataset is not pinned. Only those that accept the activity's unit.
    fn latest_available(&self, q: &FactorQuery<'_>, at_level: &[(usize, Fit)]) -> Vec<(usize, Fit)> {
        let mut last: BTreeMap<&str, Option<(NaiveDate, &str)>> = BTreeMap::new();
        for &(i, _) in at_level {
            let f = &self.factors[i];
            let slot = last.entry(f.dataset.id.as_str()).or_insert(Some((NaiveDate::MIN, "")));
            let earlier = f.valid_to.filter(|&to| to < q.period.start);
            *slot = match (*slot, earlier) {
                (Some(best), Some(to)) if !self.pinned.contains_key(&f.dataset.id) => {
                    Some(best.max((to, f.dataset.edition.as_str())))
                }
                _ => None,
            };
        }
        at_level
            .iter()
            .copied()
            .filter(|&(i, _)| {
                let f = &self.factors[i];
                let key = f.valid_to.map(|to| (to, f.dataset.edition.as_str()));
                key.is_some() && last.get(f.dataset.id.as_str()).copied().flatten() == key && q.accepts(f)
            })
            .collect()
    }

    /// Of factors that all accept the activity's unit, those whose own unit it converts into
    /// directly, when there are any: a fuel published both per tonne (with an NCV) and per GJ
    /// gives an activity in MWh the per-GJ factor, and one in tonnes the per-tonne factor.
    fn direct_first(&self, fitting: Vec<usize>, unit: Unit) -> Vec<usize> {
        if fitting.len() < 2 {
            return fitting;
        }
        let direct: Vec<usize> =
            fitting.iter().copied().filter(|&i| self.factors[i].unit.dimension() == unit.dimension()).collect();
        if direct.is_empty() {
            fitting
        } else {
            direct
        }
    }

    fn tie(&self, shown: &str, many: &[usize], rank: &str) -> Unresolved {
        let candidates: Vec<String> = many.iter().map(|&i| self.factors[i].id.clone()).collect();
        Unresolved {
            code: Code::AmbiguousFactor,
            message: format!(
                "{} factors match activity type {shown} {rank} equally well: {}; name one in the 'factor' column",
                many.len(),
                candidates.join(", ")
            ),
            candidates,
        }
    }

    /// Only variants the activity has not chosen fit: list them, never pick one.
    fn choices(&self, shown: &str, choices: &[usize], rank: &str) -> Unresolved {
        let mut keys: BTreeMap<(Qualifier, &str), ()> = BTreeMap::new();
        for &i in choices {
            if let Some(m) = &self.mapping[i] {
                keys.insert((m.qualifier.clone(), self.factors[i].activity.as_str()), ());
            }
        }
        let listed: Vec<String> =
            keys.keys().map(|(qualifier, key)| format!("{} ({key})", qualifier.label())).collect();
        let only_sectors = keys.keys().all(|(q, _)| q.sector.is_some() && q.variant.is_none());
        let remedy = if only_sectors {
            let names: Vec<&str> = keys.keys().filter_map(|(q, _)| q.sector.map(Sector::as_str)).collect();
            format!("give the sector ({}) in the record's 'sector' column or its facility's", names.join(", "))
        } else {
            "name the one that applies as the activity type, or its factor id in the 'factor' column".to_string()
        };
        Unresolved {
            code: Code::AmbiguousFactor,
            message: format!(
                "activity type {shown} has factors {rank} only per {}: {}; {remedy}",
                if only_sectors { "sector" } else { "variant" },
                listed.join(", ")
            ),
            candidates: choices.iter().map(|&i| self.factors[i].id.clone()).collect(),
        }
    }

    /// A general name (`原煤`): the activity types it may mean.
    fn general_name(&self, shown: &str, e: &crate::vocabulary::Entry) -> Unresolved {
        let vocab = Vocabulary::shipped();
        let options: Vec<&String> = e.narrower.iter().filter(|n| self.by_entry.contains_key(n.as_str())).collect();
        let listed: Vec<String> = options
            .iter()
            .map(|n| match vocab.entry(n) {
                Some(x) => format!("{n} ({})", x.name_zh),
                None => n.to_string(),
            })
            .collect();
        Unresolved {
            code: Code::AmbiguousFactor,
            message: format!(
                "activity type {shown} does not say which it is: name one of {} as the activity type",
                listed.join(", ")
            ),
            candidates: options.into_iter().cloned().collect(),
        }
    }

    fn not_found(
        &self,
        q: &FactorQuery<'_>,
        c: &Candidates,
        all: &[(usize, Fit)],
        region_matched: &[&Factor],
        period_matched: &[(&Factor, Fit)],
    ) -> Unresolved {
        let shown = c.shown.as_str();
        let wanted = match q.region {
            Some(r) => format!("region {r} (or a parent region, or GLOBAL)"),
            None => "GLOBAL (the activity gives no region)".to_string(),
        };
        let sectors = if c.other_sectors.is_empty() {
            String::new()
        } else {
            let s: Vec<&str> = c.other_sectors.iter().map(|s| s.as_str()).collect();
            format!(" (there are factors for other sectors: {})", s.join(", "))
        };
        if region_matched.is_empty() {
            let regions: BTreeSet<String> = all.iter().map(|&(i, _)| self.factors[i].region.to_string()).collect();
            let exist = if regions.is_empty() {
                String::new()
            } else {
                format!("; factors exist for: {}", regions.into_iter().collect::<Vec<_>>().join(", "))
            };
            return Unresolved {
                code: Code::NoFactor,
                message: format!("no factor for activity type {shown} applies to {wanted}{sectors}{exist}"),
                candidates: vec![],
            };
        }
        if period_matched.is_empty() {
            let spans: BTreeSet<String> = region_matched
                .iter()
                .map(|f| {
                    format!(
                        "{}..{}",
                        f.valid_from.map_or("open".into(), |d| d.to_string()),
                        f.valid_to.map_or("open".into(), |d| d.to_string())
                    )
                })
                .collect();
            let overlaps = region_matched.iter().any(|f| {
                f.valid_from.is_none_or(|from| from <= q.period.end) && f.valid_to.is_none_or(|to| q.period.start <= to)
            });
            let remedy = if overlaps {
                "split the activity at those boundaries"
            } else if self.strict_years {
                "add a factor for this period, or name one in the 'factor' column (--strict-years: the latest earlier edition is not used)"
            } else {
                "add a factor for this period, or name one in the 'factor' column"
            };
            return Unresolved {
                code: Code::NoFactor,
                message: format!(
                    "no factor for activity type {shown} in {wanted} is valid for the whole period {}..{} (valid periods: {}); {remedy}",
                    q.period.start,
                    q.period.end,
                    spans.into_iter().collect::<Vec<_>>().join(", ")
                ),
                candidates: vec![],
            };
        }
        // The factors the activity meant, when any; the variants it did not choose otherwise.
        let meant: Vec<&Factor> =
            period_matched.iter().filter(|(_, fit)| *fit != Fit::Choice).map(|(f, _)| *f).collect();
        if meant.is_empty() {
            unit_mismatch(q, &period_matched.iter().map(|(f, _)| *f).collect::<Vec<_>>())
        } else {
            unit_mismatch(q, &meant)
        }
    }

    /// " (similar activity types: a, b)" for keys that share a word with `activity`, and
    /// vocabulary entries whose names contain it.
    fn suggest(&self, activity: &str) -> String {
        let words: Vec<&str> = activity.split(['_', '.']).filter(|w| w.len() > 2).collect();
        let mut near: Vec<&str> =
            self.by_activity.keys().map(String::as_str).filter(|k| words.iter().any(|w| k.contains(w))).collect();
        near.sort_unstable();
        near.truncate(6);
        for e in Vocabulary::shipped().search(activity).into_iter().take(4) {
            if !near.contains(&e.id.as_str()) && self.by_entry.contains_key(&e.id) {
                near.push(e.id.as_str());
            }
        }
        if near.is_empty() {
            String::new()
        } else {
            format!(" (similar activity types: {})", near.join(", "))
        }
    }
}

fn unit_mismatch(q: &FactorQuery<'_>, factors: &[&Factor]) -> Unresolved {
    let mut units: Vec<String> =
        factors.iter().map(|f| format!("'{}' is per {} [{}]", f.id, f.unit, f.unit.dimension())).collect();
    units.sort();
    units.dedup();
    Unresolved {
        code: Code::UnitMismatch,
        message: format!(
            "the activity's unit {} [{}] cannot be converted into its factor's unit: {}",
            q.unit,
            q.unit.dimension(),
            units.join("; ")
        ),
        candidates: factors.iter().map(|f| f.id.clone()).collect(),
    }
}
