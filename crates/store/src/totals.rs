//! A period's totals kept between visits (decision 0020): the aggregates of
//! [`Store::calculate`] without lines — what the dashboard shows — stored in the file under a
//! key made of everything they depend on, so that opening the dashboard again is a read.
//!
//! **The key** (`totals_key`) is the SHA-256 of:
//! - the audit chain's head (its `seq` and `hash`): every write through the store appends an
//!   audit entry in the same transaction (decision 0011), so any change to the records,
//!   facilities (consolidation shares, control flags), periods, pins, GWP set, the organisation
//!   or an import gives a new head;
//! - the highest activity id and the number of activity rows (a record inserted by another
//!   program without the audit log), and the counter of schema 8's log of records updated or
//!   deleted by anyone (`period_totals_change`);
//! - the schema version, the engine version, the period's id, GWP set and pins;
//! - the dataset editions of the period's library with their SHA-256s and factor counts
//!   (shipped and user files alike), and the GWP table.
//!
//! A kept row whose key differs is never read as it is. Its aggregates, kept per block of
//! record ids (`kept`), are used again when only records were added, edited or deleted since:
//! the blocks those records are in are calculated again and the records added calculated, the
//! other blocks kept, and all merged in id order as a full calculation merges its pieces
//! (decisions 0029, 0041). Otherwise the totals are calculated afresh, block by block. Schema
//! 4's triggers delete every kept row when another program changes a facility, period or the
//! organisation without going through the store. The kept rows are not an audited table:
//! losing them costs one calculation.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use scopebook_core::calc::{Inventory, ScopeTotals};
use scopebook_core::classify::Scope3Category;
use scopebook_core::diagnostic::{Code, Diagnostic, Location, Severity};
use scopebook_core::library::FactorLibrary;
use scopebook_core::market::MarketBasis;
use scopebook_core::run::datasets_used;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::calculation::{
    calculate_parts, calculate_pieces, read_view, streaming_split, Calculated, PeriodCalculation,
};
use crate::error::{refuse, Fail, StoreError};
use crate::export::{Layout, Records};
use crate::factor_files::period_library;
use crate::model::ReportingPeriod;
use crate::periods::period_by_year;
use crate::{audit, schema, Store};

mod kept;

use kept::{block_ids, block_of, Block, Kept, State};

/// How many unresolved records [`PeriodTotals`] keeps (the first, in entry order).
pub const UNRESOLVED_KEPT: usize = 100;

/// A period's aggregates: [`Store::calculate`] without lines, as the dashboard shows it. Every
/// figure is the calculation's own, in kg (exact).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodTotals {
    pub period: ReportingPeriod,
    /// Every total (`scopebook calc --db`'s `totals`, in kg).
    pub totals: ScopeTotals,
    pub by_facility: BTreeMap<String, ScopeTotals>,
    /// Per facility, its own full emissions (before the organisation's share).
    pub own_by_facility: BTreeMap<String, ScopeTotals>,
    /// Per facility, the organisation's share applied, in percent.
    pub share_by_facility: BTreeMap<String, Decimal>,
    /// Per facility with electricity, what its market-based Scope 2 rests on.
    pub market_basis_by_facility: BTreeMap<String, MarketBasis>,
    pub by_scope3_category: BTreeMap<Scope3Category, Decimal>,
    /// The period's current records (the calculation's `line_count`).
    pub records: u64,
    /// How many of them are unresolved.
    pub unresolved_count: u64,
    /// The first [`UNRESOLVED_KEPT`] unresolved records, in entry order.
    pub unresolved: Vec<UnresolvedRecord>,
    /// The notes on the factors used (unverified figures, other GWP sets, inexact conversions,
    /// overflow), as `Inventory::factor_notes` gives them.
    pub notes: Vec<Diagnostic>,
    /// Whether these came from the cache (`false`: calculated by this call).
    pub cached: bool,
    /// How many records this call calculated: none when the totals were kept, the records added
    /// since when those were merged into the kept ones (decision 0029), else all of them.
    pub calculated: u64,
}

/// An unresolved record: its id, its activity type and why it has no line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnresolvedRecord {
    pub id: u64,
    pub activity: String,
    pub diagnostic: Diagnostic,
}

impl PeriodTotals {
    /// The aggregates of a calculation of `period` under `lib` (the period's library).
    fn of(calc: &PeriodCalculation, lib: &FactorLibrary) -> PeriodTotals {
        let inv = &calc.run.inventory;
        PeriodTotals {
            period: calc.period.clone(),
            totals: inv.totals.all.clone(),
            by_facility: inv.totals.by_facility.iter().map(|(f, t)| (f.to_string(), t.clone())).collect(),
            own_by_facility: inv.totals.own_by_facility.iter().map(|(f, t)| (f.to_string(), t.clone())).collect(),
            share_by_facility: inv.totals.share_by_facility.iter().map(|(f, s)| (f.to_string(), *s)).collect(),
            market_basis_by_facility: inv
                .market
                .as_ref()
                .map(|m| m.by_facility.iter().map(|(f, x)| (f.to_string(), x.basis())).collect())
                .unwrap_or_default(),
            by_scope3_category: inv.totals.by_scope3_category.clone(),
            records: inv.line_count,
            unresolved_count: u64::try_from(inv.unresolved.len()).unwrap_or(u64::MAX),
            unresolved: inv
                .unresolved
                .iter()
                .take(UNRESOLVED_KEPT)
                .map(|u| UnresolvedRecord {
                    id: u.activity.row,
                    activity: u.activity.activity.to_string(),
                    diagnostic: u.diagnostic.clone(),
                })
                .collect(),
            notes: inv.factor_notes(lib, calc.period.gwp_set, calc.run.file()),
            cached: false,
            calculated: inv.line_count,
        }
    }
}

/// The stored form: decimals as their exact text, codes by name; with the aggregates they
/// were derived from and the state of the file those describe (a row written before decision
/// 0029 has none: its totals are calculated again after any change).
#[derive(Serialize, Deserialize)]
struct Stored {
    totals: StoredScope,
    by_facility: Vec<(String, StoredScope)>,
    own_by_facility: Vec<(String, StoredScope)>,
    share_by_facility: Vec<(String, String)>,
    market_basis_by_facility: Vec<(String, String)>,
    by_scope3_category: Vec<(u8, String)>,
    records: u64,
    unresolved_count: u64,
    unresolved: Vec<(u64, String, StoredDiagnostic)>,
    notes: Vec<StoredDiagnostic>,
    #[serde(default)]
    kept: Option<Kept>,
}

#[derive(Serialize, Deserialize)]
struct StoredScope([String; 5]);

#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredDiagnostic {
    error: bool,
    code: String,
    file: String,
    row: Option<u64>,
    column: Option<String>,
    message: String,
}

impl StoredScope {
    fn of(t: &ScopeTotals) -> StoredScope {
        StoredScope([t.scope1, t.scope2_location, t.scope2_market, t.scope3, t.biogenic_co2].map(|d| d.to_string()))
    }

    fn read(&self) -> Option<ScopeTotals> {
        let [a, b, c, d, e] = &self.0;
        let n = |s: &String| Decimal::from_str(s).ok();
        Some(ScopeTotals {
            scope1: n(a)?,
            scope2_location: n(b)?,
            scope2_market: n(c)?,
            scope3: n(d)?,
            biogenic_co2: n(e)?,
        })
    }
}

impl StoredDiagnostic {
    fn of(d: &Diagnostic) -> StoredDiagnostic {
        StoredDiagnostic {
            error: d.is_error(),
            code: d.code.as_str().to_string(),
            file: d.location.file.clone(),
            row: d.location.row,
            column: d.location.column.clone(),
            message: d.message.clone(),
        }
    }

    fn read(&self) -> Option<Diagnostic> {
        let code = *Code::ALL.iter().find(|c| c.as_str() == self.code)?;
        Some(Diagnostic {
            severity: if self.error { Severity::Error } else { Severity::Warning },
            code,
            location: Location { file: self.file.clone(), row: self.row, column: self.column.clone() },
            message: self.message.clone(),
        })
    }
}

impl Stored {
    fn of(t: &PeriodTotals, kept: Option<Kept>) -> Stored {
        Stored {
            kept,
            totals: StoredScope::of(&t.totals),
            by_facility: t.by_facility.iter().map(|(f, s)| (f.clone(), StoredScope::of(s))).collect(),
            own_by_facility: t.own_by_facility.iter().map(|(f, s)| (f.clone(), StoredScope::of(s))).collect(),
            share_by_facility: t.share_by_facility.iter().map(|(f, s)| (f.clone(), s.to_string())).collect(),
            market_basis_by_facility: t
                .market_basis_by_facility
                .iter()
                .map(|(f, b)| (f.clone(), basis_name(*b).to_string()))
                .collect(),
            by_scope3_category: t.by_scope3_category.iter().map(|(c, v)| (c.number(), v.to_string())).collect(),
            records: t.records,
            unresolved_count: t.unresolved_count,
            unresolved: t
                .unresolved
                .iter()
                .map(|u| (u.id, u.activity.clone(), StoredDiagnostic::of(&u.diagnostic)))
                .collect(),
            notes: t.notes.iter().map(StoredDiagnostic::of).collect(),
        }
    }

    /// The totals again; `None` when anything in it is not what this build writes (the row is
    /// then ignored and the totals calculated).
    fn read(&self, period: &ReportingPeriod) -> Option<PeriodTotals> {
        let mut by_facility = BTreeMap::new();
        for (f, s) in &self.by_facility {
            by_facility.insert(f.clone(), s.read()?);
        }
        let mut own_by_facility = BTreeMap::new();
        for (f, s) in &self.own_by_facility {
            own_by_facility.insert(f.clone(), s.read()?);
        }
        let mut share_by_facility = BTreeMap::new();
        for (f, s) in &self.share_by_facility {
            share_by_facility.insert(f.clone(), Decimal::from_str(s).ok()?);
        }
        let mut market_basis_by_facility = BTreeMap::new();
        for (f, b) in &self.market_basis_by_facility {
            market_basis_by_facility.insert(f.clone(), basis_parse(b)?);
        }
        let mut by_scope3_category = BTreeMap::new();
        for (c, v) in &self.by_scope3_category {
            by_scope3_category.insert(Scope3Category::new(*c)?, Decimal::from_str(v).ok()?);
        }
        let mut unresolved = Vec::with_capacity(self.unresolved.len());
        for (id, activity, d) in &self.unresolved {
            unresolved.push(UnresolvedRecord { id: *id, activity: activity.clone(), diagnostic: d.read()? });
        }
        let notes = self.notes.iter().map(StoredDiagnostic::read).collect::<Option<Vec<_>>>()?;
        Some(PeriodTotals {
            period: period.clone(),
            totals: self.totals.read()?,
            by_facility,
            own_by_facility,
            share_by_facility,
            market_basis_by_facility,
            by_scope3_category,
            records: self.records,
            unresolved_count: self.unresolved_count,
            unresolved,
            notes,
            cached: true,
            calculated: 0,
        })
    }
}

/// A market basis as stored (its JSON name), and back.
fn basis_name(b: MarketBasis) -> &'static str {
    match b {
        MarketBasis::Instruments => "instruments",
        MarketBasis::ResidualMix => "residual-mix",
        MarketBasis::GridAverage => "grid-average",
    }
}

fn basis_parse(text: &str) -> Option<MarketBasis> {
    [MarketBasis::Instruments, MarketBasis::ResidualMix, MarketBasis::GridAverage]
        .into_iter()
        .find(|b| basis_name(*b) == text)
}

/// The key's parts other than the audit head and the highest record id: of `period` under
/// `lib` (the period's library), as the file is now.
fn base_key(c: &Connection, period: &ReportingPeriod, lib: &FactorLibrary) -> Result<String, Fail> {
    let (_, version) = schema::identity(c)?;
    let mut h = Sha256::new();
    let mut part = |name: &str, value: &str| {
        h.update(name.as_bytes());
        h.update(b"=");
        h.update(value.len().to_string().as_bytes());
        h.update(b":");
        h.update(value.as_bytes());
        h.update(b"\n");
    };
    part("schema", &version.to_string());
    part("engine", scopebook_core::ENGINE_VERSION);
    part("period", &format!("{} {} {:?}", period.id, period.year, period.gwp_set));
    part("pins", &serde_json::to_string(&period.pins).unwrap_or_default());
    part("datasets", &serde_json::to_string(&datasets_used(lib)).unwrap_or_default());
    part("gwp", &format!("{:?}", lib.gwp));
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The key of totals under `base` ([`base_key`]) with the audit chain at `head`, `last_record`
/// the highest activity id and `rows` activity rows in the file.
fn totals_key(base: &str, head: &audit::Head, last_record: i64, rows: i64, changes: i64) -> String {
    let mut h = Sha256::new();
    for (name, value) in [
        ("audit head", format!("{} {}", head.seq, head.hash)),
        ("last activity", last_record.to_string()),
        ("activity rows", rows.to_string()),
        ("changes", changes.to_string()),
        ("base", base.to_string()),
    ] {
        h.update(format!("{name}={}:{value}\n", value.len()).as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The kept row of `period`, whatever its key, if this build can read it.
fn kept_row(c: &Connection, period: &ReportingPeriod) -> Result<Option<(String, Stored)>, Fail> {
    let row: Option<(String, String)> = c
        .query_row("SELECT key, totals FROM period_totals WHERE period_id = ?1", params![period.id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(row.and_then(|(key, json)| Some((key, serde_json::from_str::<Stored>(&json).ok()?))))
}

/// Where one block's figures come from.
enum Step {
    /// Kept as they were.
    Kept(Block),
    /// Block `k` calculated from the file.
    Calculate(i64),
    /// A kept block with the records added above `after` (the kept highest id) calculated and merged.
    Extend(Block, i64),
}

/// The steps of a whole calculation of period `p`: every block that may hold its records.
fn whole(c: &Connection, p: &ReportingPeriod) -> Result<Vec<Step>, Fail> {
    let (first, last): (Option<i64>, Option<i64>) = c
        .prepare_cached("SELECT min(id), max(id) FROM activity WHERE period_id = ?1 AND status = 'current'")?
        .query_row([p.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (Some(first), Some(last)) = (first, last) else { return Ok(Vec::new()) };
    Ok((block_of(first)..=block_of(last)).map(Step::Calculate).collect())
}

/// The steps from `kept`'s blocks to the file as it is: the `changed` blocks calculated again,
/// those above the kept highest id `last` calculated (the one it is in extended), the others kept.
fn incremental(
    c: &Connection,
    p: &ReportingPeriod,
    kept: Vec<Block>,
    changed: &BTreeSet<i64>,
    last: i64,
) -> Result<Vec<Step>, Fail> {
    let top: Option<i64> = c
        .prepare_cached("SELECT max(id) FROM activity WHERE period_id = ?1 AND status = 'current'")?
        .query_row([p.id], |r| r.get(0))?;
    let mut ks: BTreeSet<i64> = kept.iter().map(|b| b.k).chain(changed.iter().copied()).collect();
    if let Some(top) = top.filter(|&t| t > last) {
        ks.extend(block_of(last.saturating_add(1))..=block_of(top));
    }
    let mut kept: BTreeMap<i64, Block> = kept.into_iter().map(|b| (b.k, b)).collect();
    Ok(ks
        .into_iter()
        .map(|k| match kept.remove(&k) {
            Some(_) if changed.contains(&k) => Step::Calculate(k),
            Some(b) if block_ids(k).1 > last => Step::Extend(b, last),
            Some(b) => Step::Kept(b),
            None => Step::Calculate(k),
        })
        .collect())
}

/// An inventory's unresolved records: how many, and the first [`UNRESOLVED_KEPT`].
fn unresolved_of(inv: &Inventory) -> (u64, Vec<UnresolvedRecord>) {
    let list = inv
        .unresolved
        .iter()
        .take(UNRESOLVED_KEPT)
        .map(|u| UnresolvedRecord {
            id: u.activity.row,
            activity: u.activity.activity.to_string(),
            diagnostic: u.diagnostic.clone(),
        })
        .collect();
    (u64::try_from(inv.unresolved.len()).unwrap_or(u64::MAX), list)
}

/// Blocks calculated by [`calculate_run`]: each one's number and inventory, and the findings
/// about the export's header.
type BlocksRead = (Vec<(i64, Inventory)>, Vec<Diagnostic>);

/// Blocks `ks` (ascending, with no block between them holding records of the period that is
/// not among them) calculated from the file in one read, no piece holding two blocks' records:
/// each block's pieces merged, with its number, and the findings about the export's header.
fn calculate_run(
    c: &Connection,
    plib: &FactorLibrary,
    p: &ReportingPeriod,
    layout: Layout,
    ks: &[i64],
) -> Result<BlocksRead, Fail> {
    let (Some(first), Some(last)) = (ks.first(), ks.last()) else { return Ok((Vec::new(), Vec::new())) };
    let records = Records::Range { after: block_ids(*first).0, upto: block_ids(*last).1, block: kept::BLOCK };
    let parts = calculate_parts(c, plib, p, false, records, streaming_split(), layout)?;
    let mut blocks: Vec<(i64, Inventory)> = Vec::new();
    for (first_id, inv) in parts.pieces {
        // A piece of the header alone (no records) adds nothing.
        let Some(k) = first_id.map(block_of) else { continue };
        match blocks.last_mut() {
            Some((last, acc)) if *last == k => acc.merge(inv),
            _ => blocks.push((k, inv)),
        }
    }
    Ok((blocks, parts.file_findings))
}

/// Period `p`'s totals under `plib` by `steps`, block by block in id order, merged as a full
/// calculation merges its pieces; with the blocks to keep. `None` when a kept block does not
/// fit `plib` (then the caller calculates whole).
fn by_blocks(
    c: &Connection,
    plib: &FactorLibrary,
    p: &ReportingPeriod,
    layout: Layout,
    steps: Vec<Step>,
) -> Result<Option<(PeriodTotals, Vec<Block>)>, Fail> {
    let Some((calc, calculated, blocks)) = run_by_blocks(c, plib, p, layout, steps)? else { return Ok(None) };
    let mut t = PeriodTotals::of(&calc, plib);
    t.unresolved_count = blocks.iter().fold(0u64, |n, b| n.saturating_add(b.unresolved_count));
    t.unresolved = blocks.iter().flat_map(|b| b.unresolved.iter().cloned()).take(UNRESOLVED_KEPT).collect();
    t.calculated = calculated;
    Ok(Some((t, blocks)))
}

/// [`by_blocks`]'s run, before its totals are taken: the period's calculation without lines, how
/// many records were calculated, and the blocks to keep.
fn run_by_blocks(
    c: &Connection,
    plib: &FactorLibrary,
    p: &ReportingPeriod,
    layout: Layout,
    steps: Vec<Step>,
) -> Result<Option<(PeriodCalculation, u64, Vec<Block>)>, Fail> {
    // The blocks to calculate, read together where they follow one another.
    let mut fresh: BTreeMap<i64, Inventory> = BTreeMap::new();
    let mut file_findings = None;
    let mut run = Vec::new();
    let mut runs = Vec::new();
    for step in &steps {
        match step {
            Step::Calculate(k) => run.push(*k),
            _ => runs.push(std::mem::take(&mut run)),
        }
    }
    runs.push(run);
    for ks in runs.iter().filter(|ks| !ks.is_empty()) {
        let (blocks, findings) = calculate_run(c, plib, p, layout, ks)?;
        file_findings.get_or_insert(findings);
        fresh.extend(blocks);
    }
    let mut inventory = Inventory::default();
    let (mut blocks, mut calculated) = (Vec::new(), 0u64);
    for step in steps {
        let (k, inv, count, list) = match step {
            Step::Kept(b) => {
                let Some(inv) = Inventory::from_aggregates(b.aggregates, plib) else { return Ok(None) };
                (b.k, inv, b.unresolved_count, b.unresolved)
            }
            Step::Calculate(k) => {
                let Some(inv) = fresh.remove(&k) else { continue };
                calculated += inv.line_count;
                let (count, list) = unresolved_of(&inv);
                (k, inv, count, list)
            }
            Step::Extend(b, after) => {
                let Some(mut inv) = Inventory::from_aggregates(b.aggregates, plib) else { return Ok(None) };
                let records = Records::Range { after, upto: block_ids(b.k).1, block: kept::BLOCK };
                let new = calculate_pieces(c, plib, p, false, records, streaming_split(), layout)?;
                file_findings.get_or_insert(new.file_findings);
                calculated += new.inventory.line_count;
                let (count, list) = unresolved_of(&new.inventory);
                let mut unresolved = b.unresolved;
                unresolved.extend(list);
                unresolved.truncate(UNRESOLVED_KEPT);
                inv.merge(new.inventory);
                (b.k, inv, b.unresolved_count.saturating_add(count), unresolved)
            }
        };
        if inv.line_count == 0 {
            // No records of the period in this block (any more).
            continue;
        }
        blocks.push(Block { k, aggregates: inv.aggregates(), unresolved_count: count, unresolved: list });
        inventory.merge(inv);
    }
    let file_findings = match file_findings {
        Some(f) => f,
        None => {
            // Nothing calculated: the findings about the export's header alone.
            let empty = calculate_pieces(
                c,
                plib,
                p,
                false,
                Records::Range { after: 0, upto: 0, block: 0 },
                streaming_split(),
                layout,
            )?;
            inventory.merge(empty.inventory);
            empty.file_findings
        }
    };
    // The run's input hash is not the export's (the kept blocks were not read); the totals keep no hash.
    let calc = Calculated { inventory, file_findings, sha256: String::new() }.finish(c, plib, p)?;
    Ok(Some((calc, calculated, blocks)))
}

impl Store {
    /// Period `year`'s totals and breakdowns, those of [`Store::calculate`] without lines
    /// (`scopebook calc --db`'s figures): read from the file when nothing they depend on has
    /// changed since they were last calculated; when only records were added since, the kept
    /// aggregates with the new records' (decision 0029); otherwise calculated. Kept for next time.
    pub fn period_totals(&self, lib: &FactorLibrary, year: i32) -> Result<PeriodTotals, StoreError> {
        let (key, totals, kept, version) = self.read(|c| {
            // One view of the file: the key and the records it describes are the same state.
            let _view = read_view(c)?;
            let version: i64 = c.query_row("PRAGMA data_version", [], |r| r.get(0))?;
            let p = period_by_year(c, year)?;
            let plib = period_library(c, lib, &p)?;
            let base = base_key(c, &p, &plib)?;
            let head = audit::Head::load(c)?;
            let last_record: i64 = c.query_row("SELECT COALESCE(MAX(id), 0) FROM activity", [], |r| r.get(0))?;
            let activity_rows = State::activity_rows(c)?;
            let changes = State::changes(c)?;
            let key = totals_key(&base, &head, last_record, activity_rows, changes);
            let earlier = kept_row(c, &p)?;
            if let Some((k, stored)) = &earlier {
                if *k == key {
                    if let Some(t) = stored.read(&p) {
                        return Ok((key, t, None, version));
                    }
                }
            }
            let layout = Layout::of_period(c, p.id)?;
            let now = State {
                base,
                head_seq: head.seq,
                head_hash: head.hash,
                last_record,
                activity_rows,
                layout_full: layout == Layout::FULL,
                changes,
            };
            let steps = match &earlier {
                Some((_, stored)) => match &stored.kept {
                    Some(k) => match (k.state.changed_blocks(c, &now)?, k.blocks(&plib)) {
                        (Some(changed), Some(blocks)) => incremental(c, &p, blocks, &changed, k.state.last_record)?,
                        _ => whole(c, &p)?,
                    },
                    None => whole(c, &p)?,
                },
                None => whole(c, &p)?,
            };
            let (totals, blocks) = match by_blocks(c, &plib, &p, layout, steps)? {
                Some(done) => done,
                None => by_blocks(c, &plib, &p, layout, whole(c, &p)?)?
                    .ok_or_else(|| refuse(Code::DatabaseError, "a period's totals could not be calculated"))?,
            };
            let kept = Kept::of(now, &blocks, &plib);
            Ok((key, totals, kept, version))
        })?;
        if !totals.cached {
            // Kept under the key of the state they were calculated from; should the file have
            // changed meanwhile, that key is already out of date and the row is never read.
            // Not keeping them (a read-only or busy file) only costs the next calculation.
            let json = serde_json::to_string(&Stored::of(&totals, kept)).unwrap_or_default();
            let _ = self.keep(totals.period.id, &key, &json, version);
        }
        Ok(totals)
    }

    /// Period `year`'s calculation without lines assembled from its kept aggregates (decision
    /// 0046): the totals, each facility's own figures and the market-based allocation (the
    /// instruments' applied MWh and grades, each facility's ledger), which the kept electricity
    /// per (facility, region, period) is enough for, without reading a record when the kept
    /// totals are current; and the Scope 3 view (method mix, data quality, PCAF scores), whose
    /// sums per facility, category and method the aggregates hold (decision 0052). Not its lines
    /// or unresolved records, which the aggregates do not hold. The totals are brought up to date first ([`Store::period_totals`]);
    /// should the kept row still not describe the file (another writer, or a file that could not
    /// be written), the period is calculated whole. The flag says whether the kept aggregates
    /// were used.
    pub fn calculate_from_kept(&self, lib: &FactorLibrary, year: i32) -> Result<(PeriodCalculation, bool), StoreError> {
        self.period_totals(lib, year)?;
        let kept = self.read(|c| {
            let _view = read_view(c)?;
            let p = period_by_year(c, year)?;
            let plib = period_library(c, lib, &p)?;
            let base = base_key(c, &p, &plib)?;
            let head = audit::Head::load(c)?;
            let last_record: i64 = c.query_row("SELECT COALESCE(MAX(id), 0) FROM activity", [], |r| r.get(0))?;
            let key = totals_key(&base, &head, last_record, State::activity_rows(c)?, State::changes(c)?);
            let blocks = match kept_row(c, &p)? {
                Some((k, Stored { kept: Some(kept), .. })) if k == key => kept.blocks(&plib),
                _ => None,
            };
            let Some(blocks) = blocks else { return Ok(None) };
            let layout = Layout::of_period(c, p.id)?;
            let steps = blocks.into_iter().map(Step::Kept).collect();
            Ok(run_by_blocks(c, &plib, &p, layout, steps)?.map(|(calc, _, _)| calc))
        })?;
        match kept {
            Some(calc) => Ok((calc, true)),
            None => Ok((self.calculate(lib, year, false)?, false)),
        }
    }

    /// Write a period's kept totals, unless another connection committed since `version`
    /// (`PRAGMA data_version` when they were read): a write that bypasses the store deletes
    /// the kept rows without moving the key, so a row written after it would hide it.
    fn keep(&self, period: i64, key: &str, json: &str, version: i64) -> Result<(), Fail> {
        let c = self.connection();
        let tx = rusqlite::Transaction::new_unchecked(c, rusqlite::TransactionBehavior::Immediate)?;
        let now: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if now == version {
            tx.execute(
                "INSERT OR REPLACE INTO period_totals (period_id, key, totals) VALUES (?1, ?2, ?3)",
                params![period, key, json],
            )?;
            // The log of records changed, up to where every kept row has seen it, is needed no more.
            tx.execute(
                "DELETE FROM period_totals_change
                 WHERE seq <= (SELECT min(json_extract(totals, '$.kept.state.changes')) FROM period_totals)",
                [],
            )?;
        }
        Ok(tx.commit()?)
    }
}

#[cfg(test)]
mod tests_support {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// The totals as [`Store::calculate`] gives them now, and their report's totals.
    pub(super) fn fresh(s: &Store, lib: &FactorLibrary, year: i32) -> PeriodTotals {
        let p = s.period(year).unwrap();
        let plib = period_library(s.connection(), lib, &p).unwrap();
        PeriodTotals::of(&s.calculate(lib, year, false).unwrap(), &plib)
    }

    /// The totals as stored, byte for byte (every decimal with its scale), without aggregates.
    pub(super) fn serialized(t: &PeriodTotals) -> String {
        serde_json::to_string(&Stored::of(t, None)).unwrap()
    }

    pub(super) fn check(s: &Store, lib: &FactorLibrary, year: i32, expect_cached: bool, what: &str) -> PeriodTotals {
        let t = check_any(s, lib, year, what);
        assert_eq!(t.cached, expect_cached, "{what}: cached");
        t
    }

    /// The totals shown now are those of a fresh calculation (and of `calc --db`'s report), byte
    /// for byte, however they were obtained.
    pub(super) fn check_any(s: &Store, lib: &FactorLibrary, year: i32, what: &str) -> PeriodTotals {
        let t = s.period_totals(lib, year).unwrap();
        let want = fresh(s, lib, year);
        assert_eq!(PeriodTotals { cached: t.cached, calculated: t.calculated, ..want.clone() }, t, "{what}");
        assert_eq!(serialized(&t), serialized(&want), "{what}: byte for byte");
        if t.cached {
            assert_eq!(t.calculated, 0, "{what}: nothing calculated");
        }
        // The figures, as `scopebook calc --db` prints them, byte for byte.
        let report = s.calculate(lib, year, false).unwrap().run.report(false).to_json();
        let shown = scopebook_core::report::Totals::from(&t.totals);
        for (k, v) in [
            ("scope1", shown.scope1),
            ("scope2_location", shown.scope2_location),
            ("scope2_market", shown.scope2_market),
            ("scope3", shown.scope3),
            ("biogenic_co2", shown.biogenic_co2),
        ] {
            assert!(report.contains(&format!("\"{k}\": \"{v}\"")), "{what}: {k} {v} in {report}");
        }
        t
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::tests_support::*;
    use super::*;
    use crate::model::{ActivityInput, NewFacility, NewPeriod};
    use crate::testing::{electricity, lib, store, TempDir};

    #[test]
    fn totals_are_read_again_until_anything_they_depend_on_changes() {
        let dir = TempDir::new("totals-cache");
        let mut s = store(&dir);
        let mut with_mine = lib().clone();
        let mine =
            "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\nmine.widget,widgets,3,1,kg,2.5,AR5,supplier,GLOBAL\n";
        assert!(with_mine.add_user_file("mine.csv", mine.as_bytes()).is_empty());
        for i in 0..12 {
            s.add_activity(lib(), 2023, &electricity(&format!("{}.5", 100 + i))).unwrap();
        }
        let widget = ActivityInput {
            factor: Some("mine.widget".into()),
            activity: "widgets".into(),
            unit: "kg".into(),
            ..electricity("7")
        };
        s.add_activity(&with_mine, 2023, &widget).unwrap();

        let first = check(&s, lib(), 2023, false, "the first visit calculates");
        assert_eq!((first.records, first.unresolved_count, first.unresolved.len()), (13, 1, 1));
        let again = check(&s, lib(), 2023, true, "the second is a read");
        assert_eq!(PeriodTotals { cached: false, calculated: 13, ..again }, first);

        // Another library (a user's file): another key. Both are kept apart.
        let mine_totals = check(&s, &with_mine, 2023, false, "another library");
        assert_eq!(mine_totals.unresolved_count, 0);
        assert_ne!(mine_totals.by_scope3_category, first.by_scope3_category);
        check(&s, &with_mine, 2023, true, "another library, again");
        check(&s, lib(), 2023, false, "the first library again: its row was replaced");

        // A record written: the totals change; only the new record is calculated (decision 0029).
        let before = check(&s, lib(), 2023, true, "before a write");
        s.add_activity(lib(), 2023, &electricity("1000")).unwrap();
        let after = check(&s, lib(), 2023, false, "a write changes the key");
        assert_ne!(after.totals, before.totals);
        assert_eq!(after.records, before.records + 1);
        assert_eq!(after.calculated, 1, "the record added, merged into the kept totals");
        check(&s, lib(), 2023, true, "after a write, again");

        // An update and a deletion: the block of ids the record is in is calculated again
        // (decision 0041; four ids a block in these tests). A new facility: calculated whole.
        let ids: Vec<i64> = s.activities(2023, false).unwrap().iter().map(|a| a.id).collect();
        assert_eq!(ids[..4], [1, 2, 3, 4]);
        s.update_activity(lib(), ids[0], &electricity("5"), None).unwrap();
        assert_eq!(check(&s, lib(), 2023, false, "an update").calculated, 4, "records 1 to 4");
        s.delete_activity(ids[1], None).unwrap();
        assert_eq!(check(&s, lib(), 2023, false, "a deletion").calculated, 3, "records 1, 3 and 4");
        s.add_facility(&NewFacility::new("WX", "Wuxi", "CN-JS")).unwrap();
        assert_eq!(check(&s, lib(), 2023, false, "a new facility").calculated, 13);

        // Another period's write changes this one's key too (the head moved), harmlessly.
        s.add_period(lib(), &NewPeriod::year(2022)).unwrap();
        check(&s, lib(), 2023, false, "another period added");
        check(&s, lib(), 2022, false, "an empty period");
        check(&s, lib(), 2022, true, "an empty period, again");
    }

    #[test]
    fn writes_that_bypass_the_store_are_not_hidden_by_the_cache() {
        let dir = TempDir::new("totals-bypass");
        let mut s = store(&dir);
        for q in ["10", "20", "30"] {
            s.add_activity(lib(), 2023, &electricity(q)).unwrap();
        }
        check(&s, lib(), 2023, false, "first");
        check(&s, lib(), 2023, true, "again");
        let c = s.connection();
        // Another program changes a quantity without the audit log: a trigger drops the cache.
        c.execute("UPDATE activity SET quantity = '40' WHERE quantity = '10'", []).unwrap();
        check(&s, lib(), 2023, false, "an update without the audit log");
        // Or inserts a record: the highest id moves.
        c.execute(
            "INSERT INTO activity (period_id, facility_id, activity, quantity, unit, start_date, end_date, entered_by, created_at, status)
             SELECT period_id, facility_id, activity, '50', unit, start_date, end_date, entered_by, created_at, status FROM activity LIMIT 1",
            [],
        )
        .unwrap();
        let t = check(&s, lib(), 2023, false, "an insert without the audit log");
        assert_eq!(t.records, 4);
        assert_eq!(t.calculated, 1, "a record above the kept highest id is a record added");
        c.execute("DELETE FROM activity WHERE quantity = '50'", []).unwrap();
        check(&s, lib(), 2023, false, "a delete without the audit log");
        c.execute("UPDATE facility SET region = 'CN-GD'", []).unwrap();
        check(&s, lib(), 2023, false, "a facility changed without the audit log");
        // A cached row this build cannot read is calculated again, never trusted.
        check(&s, lib(), 2023, true, "cached");
        c.execute("UPDATE period_totals SET totals = '{\"totals\": 1}'", []).unwrap();
        check(&s, lib(), 2023, false, "an unreadable row");
        check(&s, lib(), 2023, true, "kept again");
    }

    #[test]
    fn a_market_basis_is_stored_by_its_json_name_and_read_back() {
        for b in [MarketBasis::Instruments, MarketBasis::ResidualMix, MarketBasis::GridAverage] {
            assert_eq!(serde_json::to_value(b).unwrap(), basis_name(b));
            assert_eq!(basis_parse(basis_name(b)), Some(b));
        }
        assert_eq!(basis_parse("nearest-year"), None);
    }
}

#[cfg(test)]
mod upgrade_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::tests_support::{check, check_any};
    use crate::testing::{electricity, lib, store, TempDir};
    use crate::{schema, AuditFilter, Store};

    /// A file written before schema 4 opens and is upgraded: its audit entries are found by the
    /// word index, its totals are kept, and a write still changes them.
    #[test]
    fn a_schema_3_file_is_upgraded_and_its_log_searched() {
        let dir = TempDir::new("upgrade-4");
        let path = {
            let mut s = store(&dir);
            for (q, inv) in [("10", "INV-0500000"), ("20", "INV-0500001"), ("30", "GAS 7")] {
                let input = crate::ActivityInput { evidence: Some(inv.into()), ..electricity(q) };
                s.add_activity(lib(), 2023, &input).unwrap();
            }
            dir.path().join("acme.db")
        };
        // Back to schema 3: without what migrations 4 to 10 add (the file as schema 3 left it).
        let c = rusqlite::Connection::open(&path).unwrap();
        // Schemas 9 and 10: tables and record columns (the trigger that names them is schema 3's again).
        c.execute_batch(
            "DROP TABLE factor_file; DROP TABLE instrument; DROP TABLE scope3_status; DROP INDEX activity_with_scope3;
             DROP TRIGGER activity_locked_update;
             ALTER TABLE activity DROP COLUMN method; ALTER TABLE activity DROP COLUMN dq_technology;
             ALTER TABLE activity DROP COLUMN dq_time; ALTER TABLE activity DROP COLUMN dq_geography;
             ALTER TABLE activity DROP COLUMN dq_completeness; ALTER TABLE activity DROP COLUMN dq_reliability;
             ALTER TABLE activity DROP COLUMN currency_year; ALTER TABLE activity DROP COLUMN exchange_rate;
             ALTER TABLE activity DROP COLUMN price_index; ALTER TABLE activity DROP COLUMN attribution;
             ALTER TABLE activity DROP COLUMN pcaf_score;
             CREATE TRIGGER activity_locked_update BEFORE UPDATE ON activity
             WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked' AND NEW.quantity IS NOT OLD.quantity
             BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;",
        )
        .unwrap();
        c.execute_batch(
            "DROP TABLE ets_parameters; DROP TABLE ets_registry; DROP TABLE ets_ledger; DROP TABLE ets_unit; DROP TABLE ets_facility;
             DROP TABLE period_totals_change; DROP TABLE period_totals; DROP TABLE audit_text; DROP INDEX audit_by_kind; PRAGMA user_version = 3;",
        )
        .unwrap();
        let triggers: Vec<String> = c
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND (name LIKE 'period_totals_%' OR name = 'audit_text_insert')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(triggers.len(), 10);
        for t in triggers {
            c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
        }
        drop(c);

        let mut s = Store::open(&path, "bob").unwrap();
        assert_eq!(schema::identity(s.connection()).unwrap().1, schema::SCHEMA_VERSION);
        s.verify().unwrap();
        let search = |s: &Store, text: &str| {
            s.audit_page(&AuditFilter { text: text.into(), ..Default::default() }, 0, 10).unwrap()
        };
        let (found, total) = search(&s, "INV-0500000");
        assert_eq!((found.len(), total), (1, 1));
        assert!(found[0].new_value.as_deref().unwrap().contains("INV-0500000"));
        assert_eq!(search(&s, "0500001").1, 1, "a word inside a value");
        assert_eq!(search(&s, "inv").1, 2, "a word, any case");
        assert_eq!(search(&s, "gas 7").1, 1);
        assert_eq!(search(&s, "GAS-7").1, 0, "the text as written");
        assert_eq!(search(&s, "NV-05").1, 0, "a text begins at a word");
        assert_eq!(search(&s, "苏州").1, 0, "other text is read from the whole log");
        let first = s.period_totals(lib(), 2023).unwrap();
        assert!(!first.cached);
        assert!(s.period_totals(lib(), 2023).unwrap().cached);
        // Entries written after the upgrade are indexed too.
        s.add_activity(lib(), 2023, &crate::ActivityInput { evidence: Some("INV-0600000".into()), ..electricity("5") })
            .unwrap();
        assert_eq!(search(&s, "INV-0600000").1, 1);
        assert_eq!(search(&s, "inv").1, 3);
        let after = s.period_totals(lib(), 2023).unwrap();
        assert!(!after.cached);
        assert_eq!(after.records, first.records + 1);
    }
    /// `tests/fixtures/schema-v7.scopebook`, written by the schema-7 build (see the README there),
    /// opens at schema 8 with its records, log and snapshot; its totals are kept, and an edit
    /// and a deletion after the upgrade are logged by schema 8's triggers and seen.
    #[test]
    fn a_schema_7_file_is_upgraded_and_keeps_its_data() {
        let dir = TempDir::new("upgrade-8");
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/schema-v7.scopebook");
        let path = dir.path().join("v7.scopebook");
        std::fs::copy(&fixture, &path).unwrap();
        let before = rusqlite::Connection::open(&path).unwrap();
        assert_eq!(schema::identity(&before).unwrap().1, 7);
        let log: i64 = before.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
        drop(before);
        let mut s = Store::open(&path, "bob").unwrap();
        assert_eq!(schema::identity(s.connection()).unwrap().1, schema::SCHEMA_VERSION);
        s.verify().unwrap();
        let after: i64 = s.connection().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
        assert_eq!(after, log, "the log is kept as it was");
        assert_eq!(s.activities(2023, false).unwrap().len(), 2);
        let records = s.activities(2024, false).unwrap();
        assert_eq!(records.len(), 9);
        assert!(records.iter().any(|r| r.evidence.as_deref() == Some("INV-2024-BJ 10^4 Nm3")));
        let calc = s.calculate(lib(), 2023, true).unwrap();
        assert_eq!(s.compare_with_snapshot(&calc).unwrap(), crate::SnapshotComparison::Identical);
        let first = check_any(&s, lib(), 2024, "the upgraded file");
        assert_eq!((first.cached, first.records, first.calculated), (false, 9, 9));
        check(&s, lib(), 2024, true, "kept");
        let input = crate::ActivityInput {
            facility: "SZ".into(),
            start: "2024-07-01".into(),
            end: "2024-07-31".into(),
            ..electricity("17000")
        };
        s.update_activity(lib(), records[0].id, &input, Some("July, not January")).unwrap();
        let edited = check(&s, lib(), 2024, false, "an edit after the upgrade");
        assert_ne!(edited.totals, first.totals);
        assert_eq!((records[0].id, edited.calculated), (3, 2), "the block of ids 1 to 4 again: 2024's records 3 and 4");
        s.delete_activity(records[8].id, None).unwrap();
        let deleted = check(&s, lib(), 2024, false, "a deletion after the upgrade");
        assert_eq!((deleted.records, deleted.calculated), (8, 2), "records 9 and 10, in the block of 11");
        let logged: i64 = s
            .connection()
            .query_row("SELECT seq FROM sqlite_sequence WHERE name = 'period_totals_change'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(logged, 2, "schema 8's triggers logged the edit and the deletion");
        s.verify().unwrap();
    }
}

#[cfg(test)]
mod merge_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::tests_support::*;
    use super::*;
    use crate::model::{ActivityInput, NewFacility, NewPeriod};
    use crate::testing::{electricity, lib, store, TempDir};

    /// A small generator (xorshift), seeded: the same sequence every run.
    pub(super) struct Rng(pub(super) u64);

    impl Rng {
        pub(super) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        pub(super) fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[usize::try_from(self.below(items.len() as u64)).unwrap()]
        }
    }

    /// A record of `year`: electricity in kWh or MWh, natural gas, diesel, or widgets (which the
    /// shipped library cannot calculate), a month or the year, quantities of several scales.
    pub(super) fn record(r: &mut Rng, year: i32, facilities: &[&str]) -> ActivityInput {
        let (activity, unit) = *r.pick(&[
            ("grid_electricity", "kWh"),
            ("grid_electricity", "MWh"),
            ("natural_gas", "10^4 Nm3"),
            ("diesel", "t"),
            ("widgets", "kg"),
        ]);
        let month = r.below(13);
        let (start, end) = if month == 0 {
            (format!("{year}-01-01"), format!("{year}-12-31"))
        } else {
            (format!("{year}-{month:02}-01"), format!("{year}-{month:02}-28"))
        };
        let quantity = match r.below(4) {
            0 => format!("{}", r.below(100_000)),
            1 => format!("{}.{}", r.below(1000), r.below(10)),
            2 => format!("{}.{:03}", r.below(100), r.below(1000)),
            _ => format!("0.{:07}", r.below(10_000_000)),
        };
        ActivityInput {
            facility: (*r.pick(facilities)).to_string(),
            activity: activity.into(),
            unit: unit.into(),
            quantity,
            start,
            end,
            ..electricity("1")
        }
    }

    /// Random writes of every kind, each followed by a visit: the totals shown are always those
    /// of a fresh calculation, byte for byte, and records added are merged, not recalculated.
    #[test]
    fn totals_after_random_writes_are_those_of_a_fresh_calculation() {
        for seed in [0x9e37_79b9_7f4a_7c15u64, 0x2545_f491_4f6c_dd1d] {
            let dir = TempDir::new("totals-random");
            let mut s = store(&dir);
            s.add_period(lib(), &NewPeriod::year(2022)).unwrap();
            let mut with_mine = lib().clone();
            let mine = "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\nmine.widget,widgets,3,1,kg,2.5,AR5,supplier,GLOBAL\n";
            assert!(with_mine.add_user_file("mine.csv", mine.as_bytes()).is_empty());
            let mut r = Rng(seed);
            let mut facilities = vec!["SZ", "BJ"];
            let (mut merged, mut whole) = (0, 0);
            for step in 0..40 {
                let op = r.below(20);
                let what = format!("seed {seed:x}, step {step}, op {op}");
                let ids: Vec<i64> = s.activities(2023, false).unwrap().iter().map(|a| a.id).collect();
                match op {
                    // Records added to the period, one or a batch (widgets are unresolved).
                    0..=9 => {
                        let n = 1 + r.below(6);
                        let batch: Vec<ActivityInput> = (0..n).map(|_| record(&mut r, 2023, &facilities)).collect();
                        s.add_activities(&with_mine, 2023, &batch).unwrap();
                    }
                    10 => {
                        s.add_activity(&with_mine, 2022, &record(&mut r, 2022, &facilities)).unwrap();
                    }
                    11 | 12 if !ids.is_empty() => {
                        let id = *r.pick(&ids);
                        s.update_activity(&with_mine, id, &record(&mut r, 2023, &facilities), None).unwrap();
                    }
                    13 if !ids.is_empty() => s.delete_activity(*r.pick(&ids), None).unwrap(),
                    14 if facilities.len() == 2 => {
                        s.add_facility(&NewFacility::new("WX", "Wuxi", "CN-JS")).unwrap();
                        facilities.push("WX");
                    }
                    // Another program adds a record (no audit entry).
                    15 if !ids.is_empty() => {
                        let q = format!("{}.25", r.below(1000));
                        s.connection()
                            .execute(
                                "INSERT INTO activity (period_id, facility_id, activity, quantity, unit, start_date, end_date, entered_by, created_at, status)
                                 SELECT period_id, facility_id, activity, ?1, unit, start_date, end_date, entered_by, created_at, status FROM activity WHERE id = ?2",
                                rusqlite::params![q, r.pick(&ids)],
                            )
                            .unwrap();
                    }
                    // The other library: its totals replace the row.
                    16 => {
                        check_any(&s, &with_mine, 2023, &format!("{what}: the other library"));
                    }
                    _ => {}
                }
                let t = check_any(&s, lib(), 2023, &what);
                if t.calculated > 0 && t.calculated < t.records {
                    merged += 1;
                } else if t.calculated > 0 {
                    whole += 1;
                }
                if step % 4 == 0 {
                    check(&s, lib(), 2023, true, &format!("{what}, again"));
                }
            }
            assert!(merged >= 10 && whole >= 3, "seed {seed:x}: {merged} merged, {whole} whole");
        }
    }

    /// An audit entry of any other kind than a record added (here one written without the
    /// change a trigger would see): the totals are calculated whole, never merged.
    #[test]
    fn any_other_audit_entry_is_calculated_whole() {
        let dir = TempDir::new("totals-other-entry");
        let mut s = store(&dir);
        s.add_activities(lib(), 2023, &[electricity("10"), electricity("20")]).unwrap();
        check(&s, lib(), 2023, false, "first");
        s.add_activity(lib(), 2023, &electricity("30")).unwrap();
        assert_eq!(check(&s, lib(), 2023, false, "a record added").calculated, 1);
        s.write(|w| w.log("update", "organisation", 1, None, Some("no change"))).unwrap();
        s.add_activity(lib(), 2023, &electricity("40")).unwrap();
        let t = check(&s, lib(), 2023, false, "a record added after another entry");
        assert_eq!((t.calculated, t.records), (4, 4));
    }

    /// More than [`UNRESOLVED_KEPT`] unresolved records, added in two batches: the first hundred
    /// in entry order, and the count of them all.
    #[test]
    fn unresolved_records_added_are_counted_after_the_kept_ones() {
        let dir = TempDir::new("totals-unresolved");
        let mut s = store(&dir);
        let widgets = |n: usize| -> Vec<ActivityInput> {
            (0..n)
                .map(|i| ActivityInput {
                    activity: "widgets".into(),
                    unit: "kg".into(),
                    ..electricity(&format!("{i}"))
                })
                .collect()
        };
        let mut with_mine = lib().clone();
        let mine = "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\nmine.widget,widgets,3,1,kg,2.5,AR5,supplier,GLOBAL\n";
        assert!(with_mine.add_user_file("mine.csv", mine.as_bytes()).is_empty());
        s.add_activities(&with_mine, 2023, &widgets(70)).unwrap();
        s.add_activity(lib(), 2023, &electricity("10")).unwrap();
        let first = check(&s, lib(), 2023, false, "70 unresolved");
        assert_eq!((first.unresolved_count, first.unresolved.len()), (70, 70));
        s.add_activities(&with_mine, 2023, &widgets(50)).unwrap();
        let t = check(&s, lib(), 2023, false, "120 unresolved");
        assert_eq!((t.unresolved_count, t.unresolved.len(), t.calculated, t.records), (120, 100, 50, 121));
        assert_eq!(t.unresolved[..70], first.unresolved[..]);
        assert!(t.unresolved.windows(2).all(|w| w[0].id < w[1].id));
    }

    /// A row kept before decision 0029 (no aggregates) is read while its key holds, and after a
    /// change the totals are calculated whole; so is a row whose aggregates this build cannot read.
    #[test]
    fn a_row_without_aggregates_is_calculated_whole_after_a_change() {
        let dir = TempDir::new("totals-old-row");
        let mut s = store(&dir);
        s.add_activities(lib(), 2023, &[electricity("10"), electricity("20")]).unwrap();
        check(&s, lib(), 2023, false, "first");
        s.connection().execute("UPDATE period_totals SET totals = json_remove(totals, '$.kept')", []).unwrap();
        check(&s, lib(), 2023, true, "an old row, its key unchanged");
        s.add_activity(lib(), 2023, &electricity("30")).unwrap();
        assert_eq!(check(&s, lib(), 2023, false, "added to an old row").calculated, 3);
        s.add_activity(lib(), 2023, &electricity("40")).unwrap();
        assert_eq!(check(&s, lib(), 2023, false, "added to a new row").calculated, 1);
        for (path, value) in [
            ("$.kept.blocks[0].sums.used_factors[0][1]", "'no.such.factor'"),
            ("$.kept.blocks[0].sums.groups[0][3].co2e_kg", "'1,5'"),
            ("$.kept.blocks[0].unresolved_count", "'many'"),
            ("$.kept.state.base", "'another library'"),
        ] {
            s.connection()
                .execute(&format!("UPDATE period_totals SET totals = json_set(totals, '{path}', {value})"), [])
                .unwrap();
            s.add_activity(lib(), 2023, &electricity("5")).unwrap();
            let t = check(&s, lib(), 2023, false, path);
            assert_eq!(t.calculated, t.records, "{path}: calculated whole");
        }
    }

    /// Another program inserts a record below the highest id (where one was deleted): the
    /// count of rows changes the key, and the records are calculated whole.
    #[test]
    fn a_record_inserted_below_the_highest_id_is_not_missed() {
        let dir = TempDir::new("totals-gap");
        let mut s = store(&dir);
        let ids = s.add_activities(lib(), 2023, &[electricity("10"), electricity("20"), electricity("30")]).unwrap();
        s.delete_activity(ids[1], None).unwrap();
        check(&s, lib(), 2023, false, "after a deletion");
        s.connection()
            .execute(
                "INSERT INTO activity (id, period_id, facility_id, activity, quantity, unit, start_date, end_date, entered_by, created_at, status)
                 SELECT ?1, period_id, facility_id, activity, '700', unit, start_date, end_date, entered_by, created_at, status FROM activity WHERE id = ?2",
                [ids[1], ids[0]],
            )
            .unwrap();
        let t = check(&s, lib(), 2023, false, "a record inserted in the gap");
        assert_eq!((t.records, t.calculated), (3, 3));
        // And when the store adds one too.
        s.connection().execute("DELETE FROM activity WHERE id = ?1", [ids[1]]).unwrap();
        check(&s, lib(), 2023, false, "deleted again");
        s.connection()
            .execute(
                "INSERT INTO activity (id, period_id, facility_id, activity, quantity, unit, start_date, end_date, entered_by, created_at, status)
                 SELECT ?1, period_id, facility_id, activity, '800', unit, start_date, end_date, entered_by, created_at, status FROM activity WHERE id = ?2",
                [ids[1], ids[0]],
            )
            .unwrap();
        s.add_activity(lib(), 2023, &electricity("40")).unwrap();
        let t = check(&s, lib(), 2023, false, "a gap filled and a record added");
        assert_eq!((t.records, t.calculated), (4, 4));
    }

    /// Totals read before another connection committed are not kept: that write may have
    /// deleted the kept rows without moving the key (a write that bypasses the store).
    #[test]
    fn totals_are_not_kept_over_another_connections_write() {
        let dir = TempDir::new("totals-race");
        let mut s = store(&dir);
        s.add_activity(lib(), 2023, &electricity("10")).unwrap();
        let t = s.period_totals(lib(), 2023).unwrap();
        let version: i64 = s.connection().query_row("PRAGMA data_version", [], |r| r.get(0)).unwrap();
        s.connection().execute("DELETE FROM period_totals", []).unwrap();
        let other = rusqlite::Connection::open(dir.path().join("acme.db")).unwrap();
        other.execute("UPDATE activity SET quantity = '11'", []).unwrap();
        let json = serde_json::to_string(&Stored::of(&t, None)).unwrap();
        s.keep(t.period.id, "k", &json, version).unwrap();
        let rows: i64 = s.connection().query_row("SELECT count(*) FROM period_totals", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 0, "not kept over the other connection's write");
        let version: i64 = s.connection().query_row("PRAGMA data_version", [], |r| r.get(0)).unwrap();
        s.keep(t.period.id, "k", &json, version).unwrap();
        let rows: i64 = s.connection().query_row("SELECT count(*) FROM period_totals", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 1, "kept when nothing was committed meanwhile");
        check(&s, lib(), 2023, false, "the other connection's write is seen");
    }
}

#[cfg(test)]
mod edit_tests;

#[cfg(test)]
mod from_kept_tests {
    use crate::testing::{electricity, lib, store, TempDir};

    const INSTRUMENTS: &str = "facility,instrument,mwh,emission_rate_kg_per_mwh,generation_start,generation_end,market,registry,serial_from,serial_to,retired_on,beneficiary,evidence\n\
        SZ,gec,1000,0,2023-01-01,2023-06-30,CN,China GEC,G-1,G-1000,2024-02-15,Acme,a.pdf\n\
        BJ,gec,100,0,2019-01-01,2019-06-30,CN,China GEC,G-5001,G-5100,2024-02-15,Acme,b.pdf\n";

    /// The market-based allocation and totals from the kept aggregates are those of a full
    /// calculation: after the first visit, and after records are added.
    #[test]
    fn the_allocation_from_kept_aggregates_is_the_full_calculations() {
        let dir = TempDir::new("from-kept");
        let mut s = store(&dir);
        s.add_activity(lib(), 2023, &electricity("5000000")).unwrap();
        s.add_activity(lib(), 2023, &crate::ActivityInput { facility: "BJ".into(), ..electricity("250000.5") })
            .unwrap();
        s.import_instruments(2023, "instr.csv", INSTRUMENTS.as_bytes()).unwrap();
        let spend = |quantity: &str, method: &str, score: &str| {
            let mut scope3 = crate::Scope3Cells::default();
            *scope3.cell_mut("method").unwrap() = Some(method.into());
            for c in ["dq_technology", "dq_time", "dq_geography", "dq_completeness", "dq_reliability"] {
                *scope3.cell_mut(c).unwrap() = Some(score.into());
            }
            crate::ActivityInput {
                activity: "spend.naics.334111".into(),
                quantity: quantity.into(),
                unit: "USD".into(),
                factor: Some("epa-useeio.1.3.0.334111".into()),
                scope3,
                ..electricity("1")
            }
        };
        s.add_activity(lib(), 2023, &spend("50000", "spend-based", "4")).unwrap();
        s.set_scope3_status(2023, "status", "1", "relevant", None).unwrap();
        for round in 0..3 {
            if round == 1 {
                s.add_activity(lib(), 2023, &electricity("1200")).unwrap();
                s.add_activity(lib(), 2023, &spend("700.25", "supplier-specific", "1")).unwrap();
            }
            if round == 2 {
                // An edit: its block is calculated again, the rest kept.
                let id = s.activities(2023, false).unwrap().iter().find(|r| r.quantity == "50000").unwrap().id;
                s.update_activity(lib(), id, &spend("60000", "spend-based", "3"), None).unwrap();
            }
            let (kept, used) = s.calculate_from_kept(lib(), 2023).unwrap();
            assert!(used, "round {round}: the kept aggregates were not used");
            let full = s.calculate(lib(), 2023, false).unwrap();
            let (a, b) = (&kept.run.inventory, &full.run.inventory);
            assert!(a.market.is_some());
            assert_eq!(a.market, b.market, "round {round}");
            assert_eq!(a.totals.all, b.totals.all);
            assert_eq!(a.totals.own_by_facility, b.totals.own_by_facility);
            let (ra, rb) = (kept.run.report(false), full.run.report(false));
            let json = |r: &scopebook_core::report::Report<'_>| {
                let v = serde_json::to_value(r).unwrap();
                let scope3 = (v["scope3_categories"].clone(), v["iso14064_categories"].clone());
                (v["totals"].clone(), v["by_facility"].clone(), v["instruments"].clone(), scope3)
            };
            assert_eq!(json(&ra), json(&rb), "round {round}");
            // The Scope 3 view is there, with its method mix and data quality (decision 0052).
            let c1 = &ra.scope3_categories.as_deref().unwrap()[0];
            assert!(c1.data_quality.is_some() && !c1.method_mix.is_empty(), "round {round}: {c1:?}");
        }
        let market = s.calculate_from_kept(lib(), 2023).unwrap().0.run.inventory.market.unwrap();
        assert_eq!(market.instruments.len(), 2);
        assert!(market.instruments[0].applied && !market.instruments[1].applied);
    }
}
