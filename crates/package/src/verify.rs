//! Verifying a package from the package alone: hashes, the audit chain, the records, boundary,
//! period and snapshot against the chain, every line recomputed, every total recomputed.

use std::collections::{BTreeMap, BTreeSet};

use scopebook_core::boundary::{Boundary, Consolidation, Holding};
use scopebook_core::dataset::sha256_hex;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::gas::GwpSet;
use serde::Serialize;
use serde_json::Value;

use crate::archive::{self, ArchiveError};
use crate::findings::{self, FindingsCheck};
use crate::layout;
use crate::manifest::{root_hash, sums_text, Manifest, FORMAT};
use crate::recompute::{self, diff};
use crate::totals::{self, LineFigures};
use crate::verify_checks::{check_gwp, check_rows, check_snapshot};
use crate::verify_imports;
use crate::verify_market::{self, MarketCheck};
use crate::{export_inputs, verify_chain};

/// A line that was not recomputed to the same figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineCheck {
    pub record: u64,
    pub facility: String,
    pub activity: String,
    pub factor: String,
    pub stated_co2e_kg: String,
    /// `None` when the line could not be recomputed.
    pub recomputed_co2e_kg: Option<String>,
    /// `differs`, `failed` (no line recomputed) or `withheld` (its factor file is not in the package).
    pub status: &'static str,
}

/// One total, as stated and as recomputed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TotalCheck {
    pub total: String,
    pub stated: String,
    pub recomputed: String,
    /// `ok`, `differs`, or `not recomputed` (market-based Scope 2 under contractual instruments or
    /// a residual mix, which the lines alone do not give).
    pub status: &'static str,
}

/// What `scopebook verify` found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Verification {
    pub package: String,
    pub verified: bool,
    pub root_hash: String,
    pub organisation: String,
    pub period: Option<i64>,
    pub files: usize,
    pub audit_entries: usize,
    pub audit_head: String,
    pub records: usize,
    pub lines: usize,
    pub recomputed: usize,
    pub withheld: usize,
    /// Lines that differ, failed or were withheld (matching lines are not listed).
    pub line_checks: Vec<LineCheck>,
    pub totals: Vec<TotalCheck>,
    pub findings: Vec<Diagnostic>,
    /// The auditor's findings folder (`findings/`, decision 0042), checked on its own; `None`
    /// when the package has none.
    pub auditor_findings: Option<FindingsCheck>,
    /// Market-based Scope 2 under instruments or a residual mix (decision 0047); `None` when it
    /// is the lines' grid average (recomputed with the other totals).
    pub market: Option<MarketCheck>,
}

pub(crate) struct Ctx {
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    pub(crate) findings: Vec<Diagnostic>,
}

impl Ctx {
    pub(crate) fn error(&mut self, code: Code, location: Location, message: impl Into<String>) {
        self.findings.push(Diagnostic::error(code, location, message));
    }

    pub(crate) fn json(&mut self, path: &str) -> Option<Value> {
        let Some(bytes) = self.files.get(path) else {
            self.error(
                Code::WrongFileType,
                Location::file(path),
                "the package lacks this file; it is not a complete auditor's package",
            );
            return None;
        };
        match serde_json::from_slice(bytes) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(Code::WrongFileType, Location::row(path, e.line() as u64), format!("not valid JSON: {e}"));
                None
            }
        }
    }
}

pub(crate) fn s(v: &Value, pointer: &str) -> String {
    match v.pointer(pointer) {
        Some(Value::String(x)) => x.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Verify the package `name` whose bytes are `bytes`. Never panics on any input.
pub fn verify(name: &str, bytes: &[u8]) -> Verification {
    let mut v = Verification { package: name.to_string(), ..Verification::default() };
    let files = match archive::read(bytes) {
        Ok(f) => f,
        Err(e) => {
            let (code, message) = match e {
                ArchiveError::NotZip(why) => (Code::WrongFileType, format!("not an auditor's package: the file is not a readable ZIP ({why})")),
                ArchiveError::UnsafeEntry { name: entry, reason } => (
                    Code::WrongFileType,
                    format!("refused without extracting anything: its entry \"{}\" is unsafe ({reason}); a package written by Scopebook never holds one", entry.escape_debug()),
                ),
                ArchiveError::TooLarge(why) => (Code::FileTooLarge, format!("refused without extracting it: {why} (a zip bomb?)")),
            };
            v.findings.push(Diagnostic::error(code, Location::file(name), message));
            return v;
        }
    };
    let mut c = Ctx { files, findings: Vec::new() };
    check(&mut c, &mut v);
    v.findings = c.findings;
    v.verified = !v.findings.iter().any(Diagnostic::is_error);
    v
}

fn check(c: &mut Ctx, v: &mut Verification) {
    // An auditor's findings folder is outside the package's own manifest (decision 0042).
    let added: BTreeMap<String, Vec<u8>> =
        c.files.iter().filter(|(p, _)| p.starts_with(findings::FOLDER)).map(|(p, b)| (p.clone(), b.clone())).collect();
    c.files.retain(|p, _| !p.starts_with(findings::FOLDER));
    let Some(manifest) = check_hashes(c, v) else { return };
    v.auditor_findings = findings::check_in_package(&added, &manifest.root_hash, &mut c.findings);
    v.organisation = manifest.organisation.clone();
    let last = verify_chain::check_chain(c, v);
    let Some(inv) = check_inventory(c, &last) else { return };
    v.period = inv.period_year;
    recompute_all(c, v, &inv);
}

/// Every file against the manifest, `SHA256SUMS` and the root hash.
fn check_hashes(c: &mut Ctx, v: &mut Verification) -> Option<Manifest> {
    let value = c.json(layout::MANIFEST)?;
    let manifest: Manifest = match serde_json::from_value(value) {
        Ok(m) => m,
        Err(e) => {
            c.error(Code::WrongFileType, Location::file(layout::MANIFEST), format!("not a package manifest: {e}"));
            return None;
        }
    };
    if manifest.format != FORMAT {
        c.error(
            Code::WrongFileType,
            Location::file(layout::MANIFEST),
            format!("the package format is '{}'; this Scopebook reads '{FORMAT}'", manifest.format),
        );
        return None;
    }
    let actual: BTreeMap<String, String> = c
        .files
        .iter()
        .filter(|(p, _)| p.as_str() != layout::MANIFEST && p.as_str() != layout::SUMS)
        .map(|(p, b)| (p.clone(), sha256_hex(b)))
        .collect();
    let listed: BTreeMap<String, String> = manifest.files.iter().map(|f| (f.path.clone(), f.sha256.clone())).collect();
    for (path, sha) in &listed {
        match actual.get(path) {
            None => c.error(Code::ChecksumMismatch, Location::file(path), "listed in manifest.json but missing from the package"),
            Some(a) if a != sha => c.error(
                Code::ChecksumMismatch,
                Location::file(path),
                format!("its SHA-256 is {a} but manifest.json records {sha}: the file was changed after the package was written"),
            ),
            Some(_) => {}
        }
    }
    for path in actual.keys().filter(|p| !listed.contains_key(*p)) {
        c.error(
            Code::ChecksumMismatch,
            Location::file(path),
            "the file is in the package but not in manifest.json: it was added afterwards",
        );
    }
    let root = root_hash(&listed);
    if root != manifest.root_hash {
        c.error(
            Code::ChecksumMismatch,
            Location::file(layout::MANIFEST),
            format!(
                "its root_hash is {} but its file list hashes to {root}: the manifest was edited",
                manifest.root_hash
            ),
        );
    }
    if c.files.get(layout::SUMS).map(Vec::as_slice) != Some(sums_text(&listed).as_bytes()) {
        c.error(
            Code::ChecksumMismatch,
            Location::file(layout::SUMS),
            "it does not list exactly the files and SHA-256s of manifest.json",
        );
    }
    v.files = c.files.len();
    v.root_hash = manifest.root_hash.clone();
    Some(manifest)
}

/// What the recomputation needs, read from the package and tied to the audit chain.
struct Inventory {
    period_year: Option<i64>,
    gwp_set: Option<GwpSet>,
    boundary: Option<Boundary>,
    /// Record ids in the order of `data/activities.csv`.
    ids: Vec<u64>,
    report: Value,
}

/// `stored` (a package's copy of a record) must be the record's last audited value.
pub(crate) fn tied(
    c: &mut Ctx,
    last: &BTreeMap<(String, i64), Option<String>>,
    file: &str,
    table: &str,
    id: i64,
    stored: &str,
) -> Option<Value> {
    match last.get(&(table.to_string(), id)) {
        Some(Some(logged)) if logged == stored => {}
        Some(_) => c.error(
            Code::AuditDataMismatch,
            Location::file(file),
            format!("{table} {id} differs from its last entry in the audit log: the package's copy was changed"),
        ),
        None => c.error(
            Code::AuditDataMismatch,
            Location::file(file),
            format!("{table} {id} has no entry in the audit log"),
        ),
    }
    serde_json::from_str(stored).ok()
}

fn check_inventory(c: &mut Ctx, last: &BTreeMap<(String, i64), Option<String>>) -> Option<Inventory> {
    let org = c.json(layout::ORGANISATION)?;
    let org_row = tied(c, last, layout::ORGANISATION, "organisation", 1, &s(&org, "/stored"))?;
    let period = c.json(layout::PERIOD)?;
    let period_row = serde_json::from_str::<Value>(&s(&period, "/stored")).ok()?;
    let period_id = period_row.get("id").and_then(Value::as_i64).unwrap_or(0);
    tied(c, last, layout::PERIOD, "period", period_id, &s(&period, "/stored"));
    for (key, stored_key) in [("consolidation", "consolidation")] {
        if s(&org, &format!("/{key}")) != s(&org_row, &format!("/{stored_key}")) {
            c.error(
                Code::AuditDataMismatch,
                Location::file(layout::ORGANISATION),
                format!("its {key} is not the stored record's"),
            );
        }
    }
    for (key, stored_key) in
        [("year", "year"), ("start", "start_date"), ("end", "end_date"), ("status", "status"), ("gwp_set", "gwp_set")]
    {
        if s(&period, &format!("/{key}")) != s(&period_row, &format!("/{stored_key}")) {
            c.error(
                Code::AuditDataMismatch,
                Location::file(layout::PERIOD),
                format!("its {key} is not the stored record's"),
            );
        }
    }
    let gwp_set = GwpSet::parse(&s(&period_row, "/gwp_set"));

    // The boundary, from the stored facility records.
    let b = c.json(layout::BOUNDARY)?;
    let mut codes: BTreeMap<i64, String> = BTreeMap::new();
    let mut rows = Vec::new();
    for h in b.get("holdings").and_then(Value::as_array).cloned().unwrap_or_default() {
        let id = h.get("id").and_then(Value::as_i64).unwrap_or(0);
        if let Some(row) = tied(c, last, layout::BOUNDARY, "facility", id, &s(&h, "/stored")) {
            codes.insert(id, s(&row, "/code"));
            rows.push((h, row));
        }
    }
    let mut holdings = Vec::new();
    for (h, row) in &rows {
        let parent = row.get("parent_id").and_then(Value::as_i64).and_then(|p| codes.get(&p).cloned());
        let flag = |k: &str| row.get(k).and_then(Value::as_i64) == Some(1);
        let code = s(row, "/code");
        let shown_parent = h.get("parent").and_then(Value::as_str).map(str::to_string);
        if s(h, "/code") != code
            || s(h, "/equity_share") != s(row, "/equity_share")
            || shown_parent != parent
            || h.get("operational_control").and_then(Value::as_bool) != Some(flag("operational_control"))
            || h.get("financial_control").and_then(Value::as_bool) != Some(flag("financial_control"))
        {
            c.error(
                Code::AuditDataMismatch,
                Location::file(layout::BOUNDARY),
                format!("the holding {code} is not what its stored record says"),
            );
        }
        let Ok(equity_share) = scopebook_core::number::parse_decimal(&s(row, "/equity_share")) else { continue };
        holdings.push(Holding {
            code,
            parent,
            equity_share,
            operational_control: flag("operational_control"),
            financial_control: flag("financial_control"),
        });
    }
    let boundary = match Consolidation::parse(&s(&org_row, "/consolidation")) {
        Some(approach) => match Boundary::from_holdings(approach, &holdings) {
            Ok(b) => Some(b),
            Err(e) => {
                c.error(
                    Code::FigureMismatch,
                    Location::file(layout::BOUNDARY),
                    format!("the facility tree gives no boundary: {e}"),
                );
                None
            }
        },
        None => None,
    };

    // The records: each stored value hashed and tied to the chain, and the activity file's rows
    // equal to them.
    // A record no entry of its own touched is vouched for by its import (decision 0045).
    let records = c.json(layout::RECORDS)?;
    let records = records.as_array().cloned().unwrap_or_default();
    let by_id: BTreeMap<i64, String> =
        records.iter().map(|r| (r.get("id").and_then(Value::as_i64).unwrap_or(0), s(r, "/stored"))).collect();
    let imported = verify_imports::covered(c, &by_id, period_id);
    let mut unvouched = Vec::new();
    let mut ids = Vec::new();
    let mut stored_rows = Vec::new();
    for r in records {
        let id = r.get("id").and_then(Value::as_i64).unwrap_or(0);
        let stored = s(&r, "/stored");
        if sha256_hex(stored.as_bytes()) != s(&r, "/sha256") {
            c.error(
                Code::ChecksumMismatch,
                Location::file(layout::RECORDS),
                format!("record {id}: its stored value does not hash to its sha256"),
            );
        }
        let row = if last.contains_key(&("activity".to_string(), id)) {
            tied(c, last, layout::RECORDS, "activity", id, &stored)
        } else {
            if !imported.contains(&id) {
                unvouched.push(id);
            }
            serde_json::from_str(&stored).ok()
        };
        if let Some(row) = &row {
            if row.get("period_id").and_then(Value::as_i64) != Some(period_id) || s(row, "/status") != "current" {
                c.error(
                    Code::AuditDataMismatch,
                    Location::file(layout::RECORDS),
                    format!("record {id} is not a current record of the period"),
                );
            }
        }
        ids.push(u64::try_from(id).unwrap_or(0));
        stored_rows.push(row.unwrap_or(Value::Null));
    }
    if !unvouched.is_empty() {
        let (what, verb, own) =
            if unvouched.len() == 1 { ("record", "has", "its") } else { ("records", "have", "their") };
        c.error(
            Code::AuditDataMismatch,
            Location::file(layout::RECORDS),
            format!(
                "{what} {} {verb} no entry of {own} own in the audit log, and no import whose records_sha256 the package gives covers {}",
                verify_imports::runs(&unvouched),
                if unvouched.len() == 1 { "it" } else { "them" }
            ),
        );
    }
    check_rows(c, &ids, &stored_rows, &codes);
    let report = c.json(layout::REPORT)?;
    let activities_sha = c.files.get(layout::ACTIVITIES).map(|b| sha256_hex(b)).unwrap_or_default();
    if s(&report, "/inputs/activities/sha256") != activities_sha {
        c.error(
            Code::ChecksumMismatch,
            Location::file(layout::REPORT),
            "inputs.activities.sha256 is not the SHA-256 of data/activities.csv: the report is of other records",
        );
    }
    check_snapshot(c, last, &activities_sha);
    Some(Inventory { period_year: period_row.get("year").and_then(Value::as_i64), gwp_set, boundary, ids, report })
}

/// Every line and total recomputed.
fn recompute_all(c: &mut Ctx, v: &mut Verification, inv: &Inventory) {
    let lines = inv.report.get("lines").and_then(Value::as_array).cloned().unwrap_or_default();
    v.records = inv.ids.len();
    v.lines = lines.len();
    let known: BTreeSet<u64> = inv.ids.iter().copied().collect();
    let unresolved: BTreeSet<u64> = inv
        .report
        .get("unresolved")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|u| u.pointer("/activity/row").and_then(Value::as_u64))
        .collect();
    let mut stated: BTreeMap<u64, Value> = BTreeMap::new();
    for l in lines {
        let id = l.pointer("/activity/row").and_then(Value::as_u64).unwrap_or(0);
        if !known.contains(&id) {
            c.error(
                Code::FigureMismatch,
                Location::row(layout::REPORT, id),
                format!("a line of record {id}, which is not among the package's records"),
            );
        }
        stated.insert(id, l);
    }
    for id in &inv.ids {
        if !stated.contains_key(id) && !unresolved.contains(id) {
            c.error(
                Code::FigureMismatch,
                Location::row(layout::REPORT, *id),
                format!("record {id} has no line in the report and is not listed as unresolved: a line was removed"),
            );
        }
    }

    // Factor files: each dataset edition the lines name, checked; the withheld ones set apart.
    let mut withheld: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut editions: BTreeMap<(String, String), String> = BTreeMap::new();
    for l in stated.values() {
        editions.insert((s(l, "/factor/dataset"), s(l, "/factor/edition")), s(l, "/factor/dataset_sha256"));
    }
    let inputs: BTreeSet<(String, String, String)> = inv
        .report
        .pointer("/inputs/datasets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|d| (s(d, "/id"), s(d, "/edition"), s(d, "/sha256")))
        .collect();
    // The residual mixes' dataset editions are checked and loaded as the lines' are.
    let residual = verify_market::residual_table(c);
    for r in residual.iter().flatten() {
        let sha = inputs.iter().find(|(d, e, _)| *d == r.dataset && *e == r.edition).map(|x| x.2.clone());
        editions.entry((r.dataset.clone(), r.edition.clone())).or_insert_with(|| sha.unwrap_or_default());
    }
    let mut absent: BTreeSet<(String, String)> = BTreeSet::new();
    for ((ds, ed), sha) in &editions {
        let dir = layout::dataset_dir(ds, ed);
        let meta_path = format!("{dir}/{}", layout::DATASET_META);
        let Some(meta) = c.json(&meta_path) else {
            absent.insert((ds.clone(), ed.clone()));
            continue;
        };
        if &s(&meta, "/sha256") != sha || !inputs.contains(&(ds.clone(), ed.clone(), sha.clone())) {
            c.error(Code::ChecksumMismatch, Location::file(&meta_path), format!("the lines name {ds} {ed} with SHA-256 {sha}, which its metadata or the report's inputs do not record"));
        }
        let factors_path = format!("{dir}/{}", layout::DATASET_FACTORS);
        match c.files.get(&factors_path) {
            Some(b) => {
                let actual = sha256_hex(b);
                if &actual != sha || s(&meta, "/files/sha256") != actual {
                    c.error(Code::ChecksumMismatch, Location::file(&factors_path), format!("its SHA-256 is {actual}, not the {sha} its lines and metadata record: a factor was changed"));
                }
            }
            None if !s(&meta, "/withheld").is_empty() => {
                withheld.insert((ds.clone(), ed.clone()), 0);
            }
            None => {
                c.error(
                    Code::ChecksumMismatch,
                    Location::file(&factors_path),
                    "missing: the dataset's metadata does not say it was withheld",
                );
                absent.insert((ds.clone(), ed.clone()));
            }
        }
    }
    let gwp_ok = check_gwp(c);
    let mut files: BTreeMap<String, &[u8]> = BTreeMap::new();
    let (lib, load) = {
        for (ds, ed) in editions.keys() {
            let path = format!("{}/{}", layout::dataset_dir(ds, ed), layout::DATASET_FACTORS);
            if let Some((p, b)) = c.files.get_key_value(&path) {
                files.insert(p.clone(), b.as_slice());
            }
        }
        let part = |p: &str| c.files.get(p).map_or(&[][..], Vec::as_slice);
        let meta_of = |factors_path: &str| {
            let meta_path = format!("{}{}", factors_path.strip_suffix(layout::DATASET_FACTORS)?, layout::DATASET_META);
            let json = serde_json::from_slice::<Value>(part(&meta_path)).ok()?;
            recompute::dataset_meta(&json)
        };
        recompute::library((part(layout::GWP_TABLE), part(layout::GWP_BLENDS)), &files, &meta_of)
    };
    c.findings.extend(load.into_iter().filter(Diagnostic::is_error));

    let mut factor_of: BTreeMap<u64, String> = BTreeMap::new();
    for (id, l) in &stated {
        let key = (s(l, "/factor/dataset"), s(l, "/factor/edition"));
        if let Some(n) = withheld.get_mut(&key) {
            *n += 1;
        } else if !absent.contains(&key) {
            factor_of.insert(*id, s(l, "/factor/id"));
        }
    }
    let Some(gwp_set) = inv.gwp_set.filter(|_| gwp_ok) else { return };
    let boundary = inv.boundary.clone().unwrap_or_default();
    let activities = c.files.get(layout::ACTIVITIES).cloned().unwrap_or_default();
    let again = match recompute::recalculate(&lib, &activities, &inv.ids, &factor_of, gwp_set, &boundary) {
        Ok(r) => r,
        Err(e) => {
            c.error(Code::FigureMismatch, Location::file(layout::ACTIVITIES), e);
            return;
        }
    };
    let mut figures = Vec::new();
    let mut total_ok = true;
    for (id, l) in &stated {
        let check = |status: &'static str, recomputed: Option<String>| LineCheck {
            record: *id,
            facility: s(l, "/activity/facility"),
            activity: s(l, "/activity/activity"),
            factor: s(l, "/factor/id"),
            stated_co2e_kg: s(l, "/emission/co2e_kg"),
            recomputed_co2e_kg: recomputed,
            status,
        };
        if !factor_of.contains_key(id) {
            if withheld.contains_key(&(s(l, "/factor/dataset"), s(l, "/factor/edition"))) {
                v.withheld += 1;
                v.line_checks.push(check("withheld", None));
                let mut stated_line = l.clone();
                stated_line["share_applied"] = Value::String(boundary.share(&s(l, "/activity/facility")).to_string());
                match LineFigures::from_json(&stated_line) {
                    Ok(f) => figures.push(f),
                    Err(_) => total_ok = false,
                }
            } else {
                total_ok = false;
            }
            continue;
        }
        let Some(mut fresh) = again.lines.get(id).cloned() else {
            let why = again.failed.get(id).cloned().unwrap_or_else(|| "no line".into());
            c.error(
                Code::FigureMismatch,
                Location::row(layout::REPORT, *id),
                format!("record {id} could not be recomputed from the package: {why}"),
            );
            v.line_checks.push(check("failed", None));
            total_ok = false;
            continue;
        };
        let mut st = l.clone();
        for x in [&mut st, &mut fresh] {
            if let Some(f) = x.get_mut("factor").and_then(Value::as_object_mut) {
                for k in ["selected_by", "dataset", "edition", "dataset_sha256"] {
                    f.remove(k);
                }
            }
        }
        let mut found = Vec::new();
        diff("", &st, &fresh, &mut found);
        if found.is_empty() {
            v.recomputed += 1;
        } else {
            let what: Vec<String> =
                found.iter().map(|(p, a, b)| format!("{p} is {a} in the package, recomputed {b}")).collect();
            c.error(
                Code::FigureMismatch,
                Location::row(layout::REPORT, *id),
                format!(
                    "record {id} ({}, {}): {}",
                    s(l, "/activity/facility"),
                    s(l, "/activity/activity"),
                    what.join("; ")
                ),
            );
            v.line_checks.push(check("differs", Some(s(&fresh, "/emission/co2e_kg"))));
        }
        match LineFigures::from_json(&fresh) {
            Ok(f) => figures.push(f),
            Err(_) => total_ok = false,
        }
    }
    for ((ds, ed), n) in withheld.iter().filter(|(_, n)| **n > 0) {
        c.findings.push(Diagnostic::warning(
            Code::FactorWithheld,
            Location::file(layout::dataset_dir(ds, ed)),
            format!("{n} line(s) use dataset {ds} edition {ed}, whose factor file the package does not carry (its licence forbids redistribution): they were not recomputed, and the totals count their stated figures; obtain the dataset from its publisher and compare its SHA-256"),
        ));
    }
    let market = if export_inputs::market_from_lines(&inv.report) {
        Some(BTreeMap::new())
    } else {
        let mut check = MarketCheck::default();
        let scope2_withheld = stated.values().any(|l| {
            s(l, "/classification/scope") == "2"
                && withheld.contains_key(&(s(l, "/factor/dataset"), s(l, "/factor/edition")))
        });
        let deltas = match (&residual, inv.period_year) {
            (None, _) | (_, None) => {
                check.note = format!("the package carries no {} (written before decision 0047)", layout::RESIDUAL_MIX);
                None
            }
            (Some(_), _) if !total_ok || scope2_withheld => {
                check.note = "not every Scope 2 line was recomputed".into();
                None
            }
            (Some(table), Some(year)) => {
                verify_market::recompute(c, &inv.report, year, (&lib, gwp_set), &again.energy_uses, table, &mut check)
            }
        };
        if deltas.is_none() && residual.is_some() {
            c.findings.push(Diagnostic::warning(
                Code::FactorWithheld,
                Location::file(layout::RESIDUAL_MIX),
                format!("market-based Scope 2 was not recomputed: {}; its totals are not checked", check.note),
            ));
        }
        v.market = Some(check);
        deltas
    };
    compare_totals(c, v, &inv.report, &figures, total_ok, market.as_ref());
}

/// Every total recomputed from `figures`, market-based Scope 2 moved by `market` (each
/// facility's market less location-based electricity, kg); market-based Scope 2 is not
/// compared when `market` is `None`.
fn compare_totals(
    c: &mut Ctx,
    v: &mut Verification,
    report: &Value,
    figures: &[LineFigures],
    complete: bool,
    market: Option<&BTreeMap<String, rust_decimal::Decimal>>,
) {
    let stated = match totals::stated(report) {
        Ok(t) => t,
        Err(e) => {
            c.error(Code::FigureMismatch, Location::file(layout::REPORT), format!("its totals cannot be read: {e}"));
            return;
        }
    };
    let none = BTreeMap::new();
    let recomputed = match totals::recompute_with_market(figures, market.unwrap_or(&none)) {
        Ok(t) => t,
        Err(e) => {
            c.error(Code::FigureMismatch, Location::file(layout::REPORT), e);
            return;
        }
    };
    // Market-based Scope 2 not recomputed (a package written before decision 0047, or a Scope 2
    // line withheld) is shown so, never as matching.
    let skipped = |k: &str| market.is_none() && k.contains("scope2_market");
    let differ: Vec<_> =
        totals::differences(&stated, &recomputed).into_iter().filter(|(k, _, _)| !skipped(k)).collect();
    let differing: BTreeSet<&String> = differ.iter().map(|(k, _, _)| k).collect();
    for (k, a) in &stated {
        let b = recomputed.get(k).copied().unwrap_or_default();
        v.totals.push(TotalCheck {
            total: k.clone(),
            stated: a.normalize().to_string(),
            recomputed: if skipped(k) { "-".into() } else { b.normalize().to_string() },
            status: if skipped(k) {
                "not recomputed"
            } else if differing.contains(k) {
                "differs"
            } else {
                "ok"
            },
        });
    }
    if !complete {
        // Lines that could not be recomputed were reported; their totals say nothing more.
        return;
    }
    for (k, a, b) in &differ {
        c.error(
            Code::FigureMismatch,
            Location::file(layout::REPORT),
            format!("total {k} is {a} in the package, recomputed from the lines {b}"),
        );
    }
}

impl Verification {
    /// The human-readable outcome.
    pub fn to_table(&self) -> String {
        crate::verify_text::table(self)
    }
}
