//! What a report of a period reads from the inventory file, gathered once: the organisation,
//! its legal entities and facilities, the period, the calculation with its lines (the same
//! `Store::calculate` behind `scopebook calc --db`, the dashboard and the lock snapshot), the
//! base year's totals, each record's data quality, the audit chain's state and, for the
//! workbook, the audit log.

use std::collections::BTreeMap;

use scopebook_core::boundary::Boundary;
use scopebook_core::library::FactorLibrary;
use scopebook_core::report::StoredTotals;
use scopebook_store::model::{Facility, Organisation, PeriodStatus, ReportingPeriod};
use scopebook_store::{AuditEntry, PeriodCalculation, SnapshotComparison, Store};

use crate::pdf::DocumentDate;
use crate::ReportError;

/// A dataset edition's provenance, as a report names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatasetProvenance {
    pub id: String,
    pub edition: String,
    pub title: String,
    pub publisher: String,
    pub licence: String,
    pub source_url: String,
    pub sha256: String,
}

/// The base year's totals (tonnes), when the organisation has a base-year period other than
/// the reported one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseYear {
    pub year: i32,
    pub totals: StoredTotals,
    pub locked: bool,
}

/// The audit chain, as verified when the report was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditState {
    Verified { entries: i64, head: String },
    Broken(String),
}

/// Everything a report of one period needs.
#[derive(Debug)]
pub struct InventorySource {
    pub organisation: Organisation,
    pub facilities: Vec<Facility>,
    /// Each facility's share under the organisation's approach.
    pub boundary: Boundary,
    pub period: ReportingPeriod,
    /// When the period was locked (its snapshot's time), RFC 3339; `None` while it is open.
    pub locked_at: Option<String>,
    /// A warning when a locked period's fresh calculation differs from its snapshot.
    pub snapshot_note: Option<String>,
    pub calculation: PeriodCalculation,
    /// The base year: the period marked as base year (when it is another period).
    pub base_year: Option<BaseYear>,
    /// Whether the reported period is itself the base year.
    pub is_base_year: bool,
    /// Records restated in the period (restatements are recalculations of locked figures).
    pub restated_records: usize,
    /// Record id → its data-quality indicator (`measured`, `calculated`, `estimated`).
    pub data_quality: BTreeMap<u64, String>,
    pub datasets: Vec<DatasetProvenance>,
    pub audit: AuditState,
    /// The audit log (for the workbook); empty unless gathered with it.
    pub audit_log: Vec<AuditEntry>,
    /// The root hash of the auditor's package for this period, when the caller made one (the
    /// cover shows it). Set by the package's maker.
    pub package_root: Option<String>,
}

impl InventorySource {
    /// Gather a period's report source. `with_audit_log` reads the whole audit log (the
    /// workbook lists it).
    pub fn gather(
        store: &Store,
        lib: &FactorLibrary,
        year: i32,
        with_audit_log: bool,
    ) -> Result<InventorySource, ReportError> {
        let organisation = store.organisation()?;
        let facilities = store.facilities()?;
        let boundary = store.boundary()?;
        let calculation = store.calculate(lib, year, true)?;
        let period = calculation.period.clone();
        let locked_at = locked_at(store, &period)?;
        let snapshot_note = match store.compare_with_snapshot(&calculation)? {
            SnapshotComparison::Differs(d) => Some(d.message),
            SnapshotComparison::NoSnapshot | SnapshotComparison::Identical => None,
        };
        let base_year = match store.periods()?.into_iter().find(|p| p.base_year && p.year != year) {
            Some(p) => {
                let totals =
                    match store.snapshot(p.year)?.and_then(|s| scopebook_core::report::stored_totals(&s.result_json)) {
                        Some(t) => t,
                        None => {
                            let c = store.calculate(lib, p.year, false)?;
                            let t = c.run.report(false).totals;
                            StoredTotals {
                                scope1: t.scope1,
                                scope2_location: t.scope2_location,
                                scope2_market: t.scope2_market,
                                scope3: t.scope3,
                                biogenic_co2: Some(t.biogenic_co2),
                            }
                        }
                    };
                Some(BaseYear { year: p.year, totals, locked: p.status == PeriodStatus::Locked })
            }
            None => None,
        };
        let records = store.activities(year, true)?;
        let restated_records = records.iter().filter(|r| r.supersedes.is_some()).count();
        let data_quality =
            records.iter().filter_map(|r| Some((u64::try_from(r.id).ok()?, r.data_quality.clone()?))).collect();
        let datasets = provenance(lib, &calculation);
        let audit = match store.verify() {
            Ok(v) => AuditState::Verified { entries: v.entries, head: v.head },
            Err(e) => AuditState::Broken(e.to_string()),
        };
        let audit_log = if with_audit_log { store.audit_log()? } else { Vec::new() };
        Ok(InventorySource {
            organisation,
            facilities,
            boundary,
            is_base_year: period.base_year,
            period,
            locked_at,
            snapshot_note,
            calculation,
            base_year,
            restated_records,
            data_quality,
            datasets,
            audit,
            audit_log,
            package_root: None,
        })
    }

    /// The document's date: the lock time of a locked period; for an open period, its last
    /// day at 00:00 UTC — fixed data too, so a rerun gives the same bytes (the cover says the
    /// figures are a draft).
    pub fn document_date(&self) -> DocumentDate {
        document_date(self.locked_at.as_deref(), &self.period)
    }
}

/// A report's date (every report of a period is dated the same way): the period's lock time when
/// it is locked; else its last day at 00:00 UTC.
pub fn document_date(locked_at: Option<&str>, period: &ReportingPeriod) -> DocumentDate {
    locked_at
        .and_then(DocumentDate::parse_rfc3339)
        .or_else(|| DocumentDate::parse_date(&period.end))
        .unwrap_or(DocumentDate { year: period.year, month: 12, day: 31, hour: 0, minute: 0, second: 0 })
}

/// When a locked period was locked (its snapshot's time); `None` while it is not locked.
pub fn locked_at(store: &Store, period: &ReportingPeriod) -> Result<Option<String>, ReportError> {
    Ok(match period.status {
        PeriodStatus::Locked => store.snapshot_taken_at(period.year)?,
        _ => None,
    })
}

/// The provenance of every dataset edition that computed a line of the calculation.
fn provenance(lib: &FactorLibrary, calc: &PeriodCalculation) -> Vec<DatasetProvenance> {
    let used: std::collections::BTreeSet<(&str, &str)> =
        calc.run.inventory.lines.iter().map(|l| (l.factor.dataset.as_str(), l.factor.edition.as_str())).collect();
    lib.datasets()
        .iter()
        .filter(|d| used.contains(&(d.reference.id.as_str(), d.reference.edition.as_str())))
        .map(|d| {
            let meta = d.meta.as_ref();
            DatasetProvenance {
                id: d.reference.id.clone(),
                edition: d.reference.edition.clone(),
                title: meta.map(|m| m.title.clone()).unwrap_or_else(|| d.file.clone()),
                publisher: meta.map(|m| m.publisher.clone()).unwrap_or_default(),
                licence: meta.map(|m| m.licence.clone()).unwrap_or_default(),
                source_url: meta.map(|m| m.source_url.clone()).unwrap_or_default(),
                sha256: d.reference.sha256.clone(),
            }
        })
        .collect()
}
