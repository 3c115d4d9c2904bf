//! What a period's kept totals add up from (decisions 0029, 0041): the core's [`Aggregates`]
//! of the calculation, one set for each **block** of [`BLOCK`] record ids, in their stored form,
//! with the state of the file they describe. A full calculation is already the merge of pieces
//! of the export in id order (every sum exact), so the blocks merged in order are the period's
//! aggregates, and a block calculated again from the file replaces its kept one exactly.
//!
//! **The state** ([`State`]) is what the kept aggregates were calculated from:
//! - `base`: the key's parts other than the audit head and the highest record id (schema,
//!   engine, the period with its GWP set and pins, the library's datasets, the GWP table);
//! - the audit head (`seq`, `hash`), the highest activity id, how many activity rows the file
//!   held (of every period), the export's layout, and the counter of schema 8's log of records
//!   updated or deleted (`period_totals_change`).
//!
//! **What changed since** ([`State::changed_blocks`]): nothing but records added, edited or
//! deleted when the base and the layout are the same; the kept head is still in the chain at
//! its place; every audit entry after it is a record created, changed, deleted or restated, an
//! import, or an import template or value mapping saved (nothing else); and the rows at or
//! below the kept highest id are as many as then, less those logged and gone. The blocks to
//! calculate again are those of every record the audit entries and the log name at or below
//! the kept highest id; the records above it are those added. Any other write through the
//! store leaves another entry; another program's update or deletion of a record is logged by
//! schema 8's triggers (of a facility, period or the organisation, schema 4's delete the kept
//! rows); its insert below the highest id changes the count, above it is one of the records added.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use scopebook_core::calc::{Aggregates, Emission, GasMass};
use scopebook_core::classify::{Classification, Scope3Category};
use scopebook_core::gas::Gas;
use scopebook_core::library::FactorLibrary;
use scopebook_core::market::EnergyUse;
use scopebook_core::period::Period;
use scopebook_core::region::Region;
use scopebook_core::scope3::{GroupSums, Scope3Method};
use scopebook_core::unit::Unit;
use serde::{Deserialize, Serialize};

use super::{StoredDiagnostic, UnresolvedRecord};
use crate::error::Fail;

/// The state of the file a calculation's aggregates describe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct State {
    /// The key's parts other than the audit head and the highest record id.
    pub(super) base: String,
    pub(super) head_seq: i64,
    pub(super) head_hash: String,
    /// The highest activity id, of any period: the records above it are those added since.
    pub(super) last_record: i64,
    /// How many activity rows the file held, of every period.
    pub(super) activity_rows: i64,
    /// Whether the period's export had the full layout (sectors, fuel parameters).
    pub(super) layout_full: bool,
    /// The counter of the log of records updated or deleted (`period_totals_change`, schema 8).
    #[serde(default)]
    pub(super) changes: i64,
}

/// Record ids a block holds: an edit or deletion calculates again the block its record is in
/// (65,536 records: about a sixteenth of a million-record period). Small in the unit tests, so
/// that they cross many blocks.
#[cfg(not(test))]
pub(super) const BLOCK: i64 = 1 << 16;
#[cfg(test)]
pub(super) const BLOCK: i64 = 4;

/// The block record `id` is in (ids begin at 1).
pub(super) fn block_of(id: i64) -> i64 {
    id.saturating_sub(1).div_euclid(BLOCK)
}

/// The ids block `k` holds: above the first, up to the second.
pub(super) fn block_ids(k: i64) -> (i64, i64) {
    (k.saturating_mul(BLOCK), k.saturating_add(1).saturating_mul(BLOCK))
}

/// Audit entries of records (their blocks are calculated again), and entries that change
/// nothing a period's totals depend on: (action, table).
const RECORD_ENTRIES: [(&str, &str); 4] =
    [("create", "activity"), ("update", "activity"), ("delete", "activity"), ("restate", "activity")];
const OTHER_ENTRIES: [(&str, &str); 5] = [
    ("import", "import_batch"),
    ("create", "import_template"),
    ("update", "import_template"),
    ("create", "value_mapping"),
    ("update", "value_mapping"),
];

impl State {
    /// The counter of the log of records updated or deleted, whoever wrote them (schema 8's
    /// triggers): it never goes back, even when old entries are deleted.
    pub(super) fn changes(c: &Connection) -> Result<i64, Fail> {
        let n: Option<i64> = c
            .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'period_totals_change'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(n.unwrap_or(0))
    }

    /// How many activity rows the file holds now (of every period).
    pub(super) fn activity_rows(c: &Connection) -> Result<i64, Fail> {
        Ok(c.prepare_cached("SELECT count(*) FROM activity")?.query_row([], |r| r.get(0))?)
    }

    /// The blocks whose records changed since this state, when `now` is this state with
    /// records added, edited or deleted and nothing else changed that a period's totals depend
    /// on (see the module's documentation); `None` otherwise.
    pub(super) fn changed_blocks(&self, c: &Connection, now: &State) -> Result<Option<BTreeSet<i64>>, Fail> {
        if self.base != now.base
            || self.layout_full != now.layout_full
            || self.head_seq > now.head_seq
            || self.changes > now.changes
        {
            return Ok(None);
        }
        let hash: Option<String> = c
            .prepare_cached("SELECT hash FROM audit_log WHERE seq = ?1")?
            .query_row([self.head_seq], |r| r.get(0))
            .optional()?;
        if hash.as_deref() != Some(self.head_hash.as_str()) {
            return Ok(None);
        }
        let mut changed = BTreeSet::new();
        let mut stmt =
            c.prepare_cached("SELECT action, table_name, record_id FROM audit_log WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = stmt.query([self.head_seq])?;
        while let Some(r) = rows.next()? {
            let (action, table, record): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let entry = (action.as_str(), table.as_str());
            if RECORD_ENTRIES.contains(&entry) {
                if record <= self.last_record {
                    changed.insert(block_of(record));
                }
            } else if !OTHER_ENTRIES.contains(&entry) {
                return Ok(None);
            }
        }
        // Records updated or deleted, by the store or another program (schema 8's triggers).
        let mut stmt = c.prepare_cached(
            "SELECT DISTINCT activity_id, activity_id IN (SELECT id FROM activity) FROM period_totals_change
             WHERE seq > ?1 AND activity_id <= ?2",
        )?;
        let mut rows = stmt.query([self.changes, self.last_record])?;
        let mut gone = 0i64;
        while let Some(r) = rows.next()? {
            let (id, present): (i64, bool) = (r.get(0)?, r.get(1)?);
            changed.insert(block_of(id));
            gone += i64::from(!present);
        }
        // A record inserted at or below the kept highest id without the audit log changes the count.
        let added: i64 = c
            .prepare_cached("SELECT count(*) FROM activity WHERE id > ?1")?
            .query_row([self.last_record], |r| r.get(0))?;
        let same = now.activity_rows.checked_sub(added) == self.activity_rows.checked_sub(gone);
        Ok(same.then_some(changed))
    }
}

/// A calculation's aggregates, one set a block of ids, as stored, with the state they describe.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Kept {
    pub(super) state: State,
    /// The blocks that hold records of the period, in id order.
    blocks: Vec<StoredBlock>,
}

/// The figures of one block of ids: what its records add up to, and its unresolved records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Block {
    /// The block's number ([`block_of`]).
    pub(super) k: i64,
    pub(super) aggregates: Aggregates,
    pub(super) unresolved_count: u64,
    /// The first [`super::UNRESOLVED_KEPT`] of its unresolved records, in id order.
    pub(super) unresolved: Vec<UnresolvedRecord>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredBlock {
    k: i64,
    sums: Sums,
    unresolved_count: u64,
    /// (id, activity, why).
    unresolved: Vec<(u64, String, StoredDiagnostic)>,
}

/// Aggregates as stored: decimals as their exact text (scale kept), codes by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Sums {
    /// (facility, scope, category as a factor file writes it, emission).
    groups: Vec<(String, u8, String, StoredEmission)>,
    /// Scope 2 energy bought (decision 0058: heat, steam and cooling too, each with its
    /// energy; no default, so a row kept before fails to read and is calculated again).
    energy_uses: Vec<StoredUse>,
    /// (library index, the factor's id there, lines).
    used_factors: Vec<(usize, String, u64)>,
    /// (from, to, first row, ratio).
    inexact: Vec<(String, String, u64, String)>,
    line_count: u64,
    overflowed: bool,
    /// The Scope 3 sums per (facility, category, method) (decision 0052). No default: a kept
    /// row written before holds none, fails to read, and its period is calculated whole.
    scope3: Vec<StoredScope3>,
    scope3_overflowed: bool,
}

/// One Scope 3 group's sums: decimals as their exact text, the method by its name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct StoredScope3 {
    facility: String,
    category: u8,
    method: Option<String>,
    co2e_kg: String,
    lines: u64,
    scored_kg: String,
    weighted: [String; 5],
    pcaf: [String; 5],
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct StoredEmission {
    /// (gas, mass kg, GWP, CO2e kg).
    gases: Vec<(String, String, String, String)>,
    unspeciated_co2e_kg: String,
    co2e_kg: String,
    biogenic_co2_kg: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct StoredUse {
    facility: String,
    /// `electricity`, `heat`, `steam` or `cooling`.
    energy: String,
    region: Option<String>,
    start: String,
    end: String,
    /// MWh of electricity, GJ of the others.
    quantity: String,
    location_co2e_kg: String,
}

fn scope_of(c: Classification) -> u8 {
    match c {
        Classification::Scope1(_) => 1,
        Classification::Scope2(_) => 2,
        Classification::Scope3(_) => 3,
    }
}

fn number(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok()
}

impl StoredEmission {
    fn of(e: &Emission) -> StoredEmission {
        StoredEmission {
            gases: e
                .gases
                .iter()
                .map(|g| (g.gas.name().to_string(), g.mass_kg.to_string(), g.gwp.to_string(), g.co2e_kg.to_string()))
                .collect(),
            unspeciated_co2e_kg: e.unspeciated_co2e_kg.to_string(),
            co2e_kg: e.co2e_kg.to_string(),
            biogenic_co2_kg: e.biogenic_co2_kg.to_string(),
        }
    }

    fn read(&self) -> Option<Emission> {
        let mut gases = Vec::with_capacity(self.gases.len());
        for (gas, mass, gwp, co2e) in &self.gases {
            let gas = *Gas::ALL.iter().find(|g| g.name() == gas)?;
            gases.push(GasMass { gas, mass_kg: number(mass)?, gwp: number(gwp)?, co2e_kg: number(co2e)? });
        }
        Some(Emission {
            gases,
            unspeciated_co2e_kg: number(&self.unspeciated_co2e_kg)?,
            co2e_kg: number(&self.co2e_kg)?,
            biogenic_co2_kg: number(&self.biogenic_co2_kg)?,
        })
    }
}

impl Kept {
    /// `blocks` (calculated under `lib`) in their stored form, or `None` when they would not
    /// read back as they are (then nothing is kept but the totals, and the next change is
    /// calculated whole).
    pub(super) fn of(state: State, blocks: &[Block], lib: &FactorLibrary) -> Option<Kept> {
        let mut stored = Vec::with_capacity(blocks.len());
        for b in blocks {
            if stored.last().is_some_and(|last: &StoredBlock| last.k >= b.k) {
                return None;
            }
            let sums = Sums::of(&b.aggregates, lib)?;
            // Every name reads back as itself and every figure's text keeps its scale: checked
            // rather than trusted, so that a total is never off by a name or a trailing zero.
            // (What `blocks` reads is checked here block by block: the sums and the unresolved
            // records read back, and the order.)
            let back = sums.aggregates(lib)?;
            if back != b.aggregates || Sums::of(&back, lib)? != sums {
                return None;
            }
            let unresolved: Vec<_> =
                b.unresolved.iter().map(|u| (u.id, u.activity.clone(), StoredDiagnostic::of(&u.diagnostic))).collect();
            for ((_, _, d), u) in unresolved.iter().zip(&b.unresolved) {
                if d.read()? != u.diagnostic {
                    return None;
                }
            }
            stored.push(StoredBlock { k: b.k, sums, unresolved_count: b.unresolved_count, unresolved });
        }
        Some(Kept { state, blocks: stored })
    }

    /// The blocks again, under `lib`; `None` when anything in them is not what this build
    /// writes, or names a factor `lib` does not have at that place.
    pub(super) fn blocks(&self, lib: &FactorLibrary) -> Option<Vec<Block>> {
        let mut out = Vec::with_capacity(self.blocks.len());
        for b in &self.blocks {
            let mut unresolved = Vec::with_capacity(b.unresolved.len());
            for (id, activity, d) in &b.unresolved {
                unresolved.push(UnresolvedRecord { id: *id, activity: activity.clone(), diagnostic: d.read()? });
            }
            if out.last().is_some_and(|last: &Block| last.k >= b.k) {
                return None;
            }
            out.push(Block {
                k: b.k,
                aggregates: b.sums.aggregates(lib)?,
                unresolved_count: b.unresolved_count,
                unresolved,
            });
        }
        Some(out)
    }
}

impl Sums {
    /// `a` written out.
    fn of(a: &Aggregates, lib: &FactorLibrary) -> Option<Sums> {
        let factors = lib.factors();
        Some(Sums {
            groups: a
                .groups
                .iter()
                .map(|(f, c, e)| (f.to_string(), scope_of(*c), c.category_text(), StoredEmission::of(e)))
                .collect(),
            energy_uses: a
                .energy_uses
                .iter()
                .map(|u| StoredUse {
                    facility: u.facility.to_string(),
                    energy: u.energy.as_str().to_string(),
                    region: u.region.as_ref().map(ToString::to_string),
                    start: u.period.start.to_string(),
                    end: u.period.end.to_string(),
                    quantity: u.quantity.to_string(),
                    location_co2e_kg: u.location_co2e_kg.to_string(),
                })
                .collect(),
            used_factors: a
                .used_factors
                .iter()
                .map(|&(i, n)| Some((i, factors.get(i)?.id.clone(), n)))
                .collect::<Option<_>>()?,
            inexact: a
                .inexact
                .iter()
                .map(|(from, to, row, ratio)| (from.to_string(), to.to_string(), *row, ratio.to_string()))
                .collect(),
            line_count: a.line_count,
            overflowed: a.overflowed,
            scope3: a
                .scope3
                .iter()
                .map(|(f, c, m, g)| StoredScope3 {
                    facility: f.to_string(),
                    category: c.number(),
                    method: m.map(|m| m.as_str().to_string()),
                    co2e_kg: g.co2e_kg.to_string(),
                    lines: g.lines,
                    scored_kg: g.scored_kg.to_string(),
                    weighted: g.weighted.map(|d| d.to_string()),
                    pcaf: g.pcaf.map(|d| d.to_string()),
                })
                .collect(),
            scope3_overflowed: a.scope3_overflowed,
        })
    }

    /// The aggregates again, under `lib`; `None` when anything in them is not what this build
    /// writes, or names a factor `lib` does not have at that place.
    fn aggregates(&self, lib: &FactorLibrary) -> Option<Aggregates> {
        let mut names: BTreeMap<String, Arc<str>> = BTreeMap::new();
        let mut name =
            |f: &String| -> Arc<str> { Arc::clone(names.entry(f.clone()).or_insert_with(|| Arc::from(f.as_str()))) };
        let mut groups = Vec::with_capacity(self.groups.len());
        for (facility, scope, category, e) in &self.groups {
            let c = Classification::parse(&scope.to_string(), category).ok()?;
            if scope_of(c) != *scope || c.category_text() != *category {
                return None;
            }
            groups.push((name(facility), c, e.read()?));
        }
        let mut energy_uses = Vec::with_capacity(self.energy_uses.len());
        for u in &self.energy_uses {
            let region = match &u.region {
                Some(r) => Some(Region::parse(r).filter(|x| x.to_string() == *r)?),
                None => None,
            };
            let date = |d: &str| NaiveDate::from_str(d).ok();
            let energy = match Classification::parse("2", &u.energy).ok()? {
                Classification::Scope2(e) if e.as_str() == u.energy => e,
                _ => return None,
            };
            energy_uses.push(EnergyUse {
                facility: name(&u.facility),
                energy,
                region,
                period: Period::new(date(&u.start)?, date(&u.end)?)?,
                quantity: number(&u.quantity)?,
                location_co2e_kg: number(&u.location_co2e_kg)?,
            });
        }
        let factors = lib.factors();
        let mut used_factors = Vec::with_capacity(self.used_factors.len());
        for (i, id, n) in &self.used_factors {
            if factors.get(*i)?.id != *id {
                return None;
            }
            used_factors.push((*i, *n));
        }
        let mut inexact = Vec::with_capacity(self.inexact.len());
        for (from, to, row, ratio) in &self.inexact {
            let unit = |u: &str| Unit::parse(u).ok().filter(|x| x.to_string() == u);
            inexact.push((unit(from)?, unit(to)?, *row, number(ratio)?));
        }
        let mut scope3 = Vec::with_capacity(self.scope3.len());
        for g in &self.scope3 {
            let method = match &g.method {
                Some(m) => Some(Scope3Method::parse(m).filter(|x| x.as_str() == m)?),
                None => None,
            };
            let five = |v: &[String; 5]| -> Option<[Decimal; 5]> {
                let mut out = [Decimal::ZERO; 5];
                for (o, t) in out.iter_mut().zip(v) {
                    *o = number(t)?;
                }
                Some(out)
            };
            let sums = GroupSums {
                co2e_kg: number(&g.co2e_kg)?,
                lines: g.lines,
                scored_kg: number(&g.scored_kg)?,
                weighted: five(&g.weighted)?,
                pcaf: five(&g.pcaf)?,
            };
            scope3.push((name(&g.facility), Scope3Category::new(g.category)?, method, sums));
        }
        Some(Aggregates {
            groups,
            energy_uses,
            used_factors,
            inexact,
            line_count: self.line_count,
            overflowed: self.overflowed,
            scope3,
            scope3_overflowed: self.scope3_overflowed,
        })
    }
}
