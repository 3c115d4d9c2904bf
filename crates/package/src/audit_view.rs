//! The auditor's view of a package (decision 0042): a package opened read-only, verified, and
//! indexed once so its lines can be listed a page at a time (a package may hold a million lines;
//! a front end never receives them all), and each line followed to its record, evidence
//! reference and factor.
//!
//! A package that fails verification still opens, with its [`Verification`] beside it, so the
//! auditor can see what is wrong; one whose container, manifest or report cannot be read at all
//! does not.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use scopebook_core::dataset::sha256_hex;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use serde::Serialize;
use serde_json::Value;

use crate::archive;
use crate::layout;
use crate::manifest::Manifest;
use crate::sample::Population;
use crate::totals::LineFigures;
use crate::verify::{verify, Verification};

/// One line of the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineSummary {
    /// The record the line is of (its id in the inventory file).
    pub record: u64,
    pub facility: String,
    pub scope: String,
    pub category: String,
    pub activity: String,
    pub quantity: String,
    pub unit: String,
    pub factor: String,
    pub evidence: String,
    /// The line's emissions as the totals count them: `co2e_kg × share_applied / 100`.
    pub co2e_kg: String,
}

/// A factor as `factors/used.csv` states it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FactorUsed {
    pub id: String,
    pub dataset: String,
    pub edition: String,
    pub dataset_sha256: String,
    pub source: String,
    pub licence: String,
    /// `included`, or why its file is not in the package.
    pub file: String,
}

/// Everything the package says of one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineDetail {
    pub line: LineSummary,
    pub iso_category: String,
    /// The line's full CO2e before the share, and the share applied (percent).
    pub full_co2e_kg: String,
    pub share_applied: String,
    pub biogenic_co2_kg: String,
    /// The record's SHA-256 as `data/records.json` states it, and whether its stored text hashes to it.
    pub record_sha256: String,
    pub record_sha256_ok: bool,
    /// The stored record's fields, as text, in the stored order (keys sorted).
    pub record_fields: Vec<(String, String)>,
    pub evidence: String,
    pub evidence_file: String,
    pub evidence_sha256: String,
    pub factor: FactorUsed,
    pub selected_by: String,
    pub gwp_set: String,
    /// Each calculation step's fields, as text, in the line's order.
    pub steps: Vec<Vec<(String, String)>>,
}

/// What to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineFilter {
    /// A facility code, exactly.
    pub facility: Option<String>,
    /// A scope (`1`, `2`, `3`), exactly.
    pub scope: Option<String>,
    /// Text found (ignoring case) in the record id, facility, activity, factor or evidence.
    pub text: String,
}

/// One page of the filtered lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinePage {
    /// How many lines match the filter.
    pub matching: usize,
    pub offset: usize,
    pub lines: Vec<LineSummary>,
}

struct ViewLine {
    summary: LineSummary,
    co2e_kg: Decimal,
    /// The line's JSON as the report states it, compact.
    json: String,
    /// Lower-cased text the filter searches.
    haystack: String,
}

/// An opened package.
pub struct AuditView {
    pub package: String,
    pub root_hash: String,
    pub organisation: String,
    pub period: Option<i64>,
    pub verification: Verification,
    lines: Vec<ViewLine>,
    by_record: BTreeMap<u64, usize>,
    records: BTreeMap<u64, (String, String)>,
    factors: BTreeMap<String, FactorUsed>,
    facilities: Vec<String>,
}

fn unreadable(file: &str, why: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Code::WrongFileType,
        Location::file(file),
        format!("the package cannot be opened for review: {why}"),
    )
}

fn text(v: &Value, pointer: &str) -> String {
    crate::verify::s(v, pointer)
}

fn fields(v: &Value) -> Vec<(String, String)> {
    match v {
        Value::Object(map) => map
            .iter()
            .map(|(k, x)| (k.clone(), if let Value::String(s) = x { s.clone() } else { x.to_string() }))
            .collect(),
        _ => Vec::new(),
    }
}

impl AuditView {
    /// Open the package `name` whose bytes are `bytes`: verify it, then index its lines.
    pub fn open(name: &str, bytes: &[u8]) -> Result<AuditView, Diagnostic> {
        let verification = verify(name, bytes);
        let files = match archive::read(bytes) {
            Ok(f) => f,
            Err(_) => {
                return Err(verification.findings.first().cloned().unwrap_or_else(|| unreadable(name, "not a ZIP")))
            }
        };
        let read = |path: &str| -> Result<Value, Diagnostic> {
            let b = files.get(path).ok_or_else(|| unreadable(path, "the file is missing"))?;
            serde_json::from_slice(b).map_err(|e| unreadable(path, e))
        };
        let manifest: Manifest =
            serde_json::from_value(read(layout::MANIFEST)?).map_err(|e| unreadable(layout::MANIFEST, e))?;
        let report = read(layout::REPORT)?;
        let mut records = BTreeMap::new();
        for r in read(layout::RECORDS)?.as_array().into_iter().flatten() {
            let id = r.get("id").and_then(Value::as_u64).unwrap_or(0);
            records.insert(id, (text(r, "/sha256"), text(r, "/stored")));
        }
        let factors = used_factors(files.get(layout::FACTORS_USED).map_or(&[][..], Vec::as_slice))?;
        let mut lines = Vec::new();
        let mut by_record = BTreeMap::new();
        let mut facilities = std::collections::BTreeSet::new();
        for (i, l) in report.get("lines").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let at = Location::row(layout::REPORT, i as u64 + 1);
            let figures =
                LineFigures::from_json(l).map_err(|e| Diagnostic::error(Code::WrongFileType, at.clone(), e))?;
            let co2e = figures
                .co2e_kg
                .checked_mul(figures.share)
                .map(|x| x / Decimal::ONE_HUNDRED)
                .ok_or_else(|| Diagnostic::error(Code::Overflow, at, "the line's emissions are too large"))?;
            let record = l.pointer("/activity/row").and_then(Value::as_u64).unwrap_or(0);
            let summary = LineSummary {
                record,
                facility: figures.facility.clone(),
                scope: figures.scope.clone(),
                category: figures.category.clone(),
                activity: text(l, "/activity/activity"),
                quantity: text(l, "/activity/quantity"),
                unit: text(l, "/activity/unit"),
                factor: text(l, "/factor/id"),
                evidence: text(l, "/activity/evidence"),
                co2e_kg: co2e.normalize().to_string(),
            };
            let haystack = format!(
                "{}\n{}\n{}\n{}\n{}",
                record, summary.facility, summary.activity, summary.factor, summary.evidence
            )
            .to_lowercase();
            facilities.insert(summary.facility.clone());
            by_record.insert(record, lines.len());
            lines.push(ViewLine { summary, co2e_kg: co2e, json: l.to_string(), haystack });
        }
        Ok(AuditView {
            package: name.to_string(),
            root_hash: manifest.root_hash,
            organisation: manifest.organisation,
            period: verification.period.or(Some(i64::from(manifest.period))),
            verification,
            lines,
            by_record,
            records,
            factors,
            facilities: facilities.into_iter().collect(),
        })
    }

    /// How many lines the package has.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The facility codes of the lines, sorted.
    pub fn facilities(&self) -> &[String] {
        &self.facilities
    }

    /// Whether the package has a line of record `id`.
    pub fn has_record(&self, id: u64) -> bool {
        self.by_record.contains_key(&id)
    }

    /// Every line's record and counted emissions, in the report's order (the sample's population).
    pub fn population(&self) -> Vec<Population> {
        self.lines.iter().map(|l| Population { record: l.summary.record, co2e_kg: l.co2e_kg }).collect()
    }

    /// The lines matching `filter`, from `offset`, at most `limit` of them.
    pub fn page(&self, filter: &LineFilter, offset: usize, limit: usize) -> LinePage {
        let needle = filter.text.trim().to_lowercase();
        let matches = |l: &&ViewLine| {
            filter.facility.as_ref().is_none_or(|f| &l.summary.facility == f)
                && filter.scope.as_ref().is_none_or(|s| &l.summary.scope == s)
                && (needle.is_empty() || l.haystack.contains(&needle))
        };
        let mut matching = 0;
        let mut lines = Vec::new();
        for l in self.lines.iter().filter(matches) {
            if matching >= offset && lines.len() < limit {
                lines.push(l.summary.clone());
            }
            matching += 1;
        }
        LinePage { matching, offset, lines }
    }

    /// The summary of record `id`'s line.
    pub fn summary(&self, id: u64) -> Option<&LineSummary> {
        self.by_record.get(&id).and_then(|i| self.lines.get(*i)).map(|l| &l.summary)
    }

    /// Everything the package says of record `id`'s line; `None` when it has none.
    pub fn detail(&self, id: u64) -> Option<LineDetail> {
        let l = self.lines.get(*self.by_record.get(&id)?)?;
        let line: Value = serde_json::from_str(&l.json).ok()?;
        let (record_sha256, stored) = self.records.get(&id).cloned().unwrap_or_default();
        let stored_json: Value = serde_json::from_str(&stored).unwrap_or(Value::Null);
        let factor_id = text(&line, "/factor/id");
        let factor = self.factors.get(&factor_id).cloned().unwrap_or_else(|| FactorUsed {
            id: factor_id.clone(),
            dataset: text(&line, "/factor/dataset"),
            edition: text(&line, "/factor/edition"),
            dataset_sha256: text(&line, "/factor/dataset_sha256"),
            source: text(&line, "/factor/source"),
            licence: String::new(),
            file: "not listed in factors/used.csv".to_string(),
        });
        Some(LineDetail {
            line: l.summary.clone(),
            iso_category: text(&line, "/iso_category"),
            full_co2e_kg: text(&line, "/emission/co2e_kg"),
            share_applied: text(&line, "/share_applied"),
            biogenic_co2_kg: text(&line, "/emission/biogenic_co2_kg"),
            record_sha256_ok: !stored.is_empty() && sha256_hex(stored.as_bytes()) == record_sha256,
            record_sha256,
            record_fields: fields(&stored_json),
            evidence: text(&stored_json, "/evidence"),
            evidence_file: text(&stored_json, "/evidence_file"),
            evidence_sha256: text(&stored_json, "/evidence_sha256"),
            factor,
            selected_by: text(&line, "/factor/selected_by"),
            gwp_set: text(&line, "/gwp_set"),
            steps: line.get("steps").and_then(Value::as_array).into_iter().flatten().map(fields).collect(),
        })
    }
}

fn used_factors(bytes: &[u8]) -> Result<BTreeMap<String, FactorUsed>, Diagnostic> {
    let mut out = BTreeMap::new();
    let mut r = csv::Reader::from_reader(bytes);
    for (i, row) in r.records().enumerate() {
        let row = row.map_err(|e| {
            Diagnostic::error(Code::MalformedRow, Location::row(layout::FACTORS_USED, i as u64 + 2), e.to_string())
        })?;
        let cell = |n: usize| row.get(n).unwrap_or("").to_string();
        out.insert(
            cell(0),
            FactorUsed {
                id: cell(0),
                dataset: cell(1),
                edition: cell(2),
                dataset_sha256: cell(3),
                source: cell(4),
                licence: cell(5),
                file: cell(6),
            },
        );
    }
    Ok(out)
}
