//! Activity records: adding (one, or a batch in one transaction), changing, deleting and
//! restating them, reading them back (one, a period's, a page of a period's), and the one list
//! of column values a record is stored with.

use std::sync::LazyLock;

use rusqlite::types::ToSql;
use rusqlite::{params, Connection, OptionalExtension};
use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;

use crate::checks::{validate, CheckedRow};
use crate::error::{locked, refuse, refuse_at, stored, Fail, StoreError, UnknownStored};
use crate::factor_files::period_library;
use crate::model::{
    ActivityInput, ActivityRecord, EvidenceFile, PeriodStatus, RecordStatus, ReportingPeriod, Scope3Cells,
};
use crate::periods::{period_by_year, period_from_row, status_text, PERIOD_SELECT};
use crate::text::{non_empty, opt_str};
use crate::write::Tx;
use crate::Store;

impl Store {
    /// Add one activity record to period `year`.
    pub fn add_activity(
        &mut self,
        lib: &FactorLibrary,
        year: i32,
        input: &ActivityInput,
    ) -> Result<ActivityRecord, StoreError> {
        let ids = self.add_activities(lib, year, std::slice::from_ref(input))?;
        let id = ids.first().copied().unwrap_or_default();
        self.activity(id)
    }

    /// Check one record for period `year` exactly as [`Store::add_activity`] would (the period's
    /// GWP set and pinned editions, its dates, the facility), writing nothing: the app's check
    /// while the user types.
    pub fn check_activity(&self, lib: &FactorLibrary, year: i32, input: &ActivityInput) -> Result<(), StoreError> {
        let name = self.name.clone();
        self.read(|c| {
            let p = period_by_year(c, year)?;
            let plib = period_library(c, lib, &p)?;
            validate(c, &name, &plib, &p, std::slice::from_ref(input)).map(|_| ())
        })
    }

    /// Add many records in one transaction (the import path): each is checked exactly as
    /// `scopebook calc` would check it, and audited. One bad row rejects them all, with every
    /// problem of every row (the diagnostics' row is the 1-based position in `inputs` when
    /// there is more than one).
    pub fn add_activities(
        &mut self,
        lib: &FactorLibrary,
        year: i32,
        inputs: &[ActivityInput],
    ) -> Result<Vec<i64>, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = period_by_year(w.conn, year)?;
            if p.status == PeriodStatus::Locked {
                return Err(locked(
                    &p,
                    "records cannot be added; a correction is a restatement (`scopebook activity restate`)",
                ));
            }
            let plib = period_library(w.conn, lib, &p)?;
            let rows = validate(w.conn, &name, &plib, &p, inputs)?;
            let mut ids = Vec::with_capacity(rows.len());
            for (input, row) in inputs.iter().zip(&rows) {
                let id = insert_activity(w, &p, input, row, None, None)?;
                w.log("create", "activity", id, None, None)?;
                ids.push(id);
            }
            Ok(ids)
        })
    }

    /// Change a record of an open or in-review period.
    pub fn update_activity(
        &mut self,
        lib: &FactorLibrary,
        id: i64,
        input: &ActivityInput,
        reason: Option<&str>,
    ) -> Result<ActivityRecord, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let (p, status) = record_period(w.conn, id)?;
            if p.status == PeriodStatus::Locked {
                return Err(locked(
                    &p,
                    &format!("record {id} cannot be changed; correct it with `scopebook activity restate --id {id}`"),
                ));
            }
            if status == RecordStatus::Superseded {
                return Err(refuse_at(
                    Code::InvalidState,
                    "id",
                    format!("record {id} was restated and is kept as it was"),
                ));
            }
            let plib = period_library(w.conn, lib, &p)?;
            let rows = validate(w.conn, &name, &plib, &p, std::slice::from_ref(input))?;
            let Some(row) = rows.first() else { return Err(refuse(Code::DatabaseError, "validation returned no row")) };
            let old = w.row("activity", id)?;
            update_record(w, id, &RecordValues::new(input, row))?;
            if w.row("activity", id)? != old {
                w.log("update", "activity", id, old.as_deref(), reason)?;
            }
            Ok(())
        })?;
        self.activity(id)
    }

    /// Delete a record of an open or in-review period (the audit log keeps its values).
    pub fn delete_activity(&mut self, id: i64, reason: Option<&str>) -> Result<(), StoreError> {
        self.write(|w| {
            let (p, status) = record_period(w.conn, id)?;
            if p.status == PeriodStatus::Locked {
                return Err(locked(
                    &p,
                    &format!("record {id} cannot be deleted; correct it with `scopebook activity restate --id {id}`"),
                ));
            }
            if status == RecordStatus::Superseded {
                return Err(refuse_at(
                    Code::InvalidState,
                    "id",
                    format!("record {id} was restated and is kept as it was"),
                ));
            }
            let referenced: i64 =
                w.conn.query_row("SELECT count(*) FROM activity WHERE supersedes = ?1", [id], |r| r.get(0))?;
            if referenced > 0 {
                return Err(refuse_at(Code::InvalidState, "id", format!("record {id} is named by a restatement")));
            }
            let old = w.row("activity", id)?;
            w.conn.execute("DELETE FROM activity WHERE id = ?1", [id])?;
            w.log("delete", "activity", id, old.as_deref(), reason)?;
            Ok(())
        })
    }

    /// Correct a record of a locked period: the original stays (marked superseded) and a new
    /// record, naming the original and the reason, takes its place in the period's figures.
    /// The snapshot taken at locking is kept as it was.
    pub fn restate_activity(
        &mut self,
        lib: &FactorLibrary,
        id: i64,
        input: &ActivityInput,
        reason: &str,
    ) -> Result<ActivityRecord, StoreError> {
        let name = self.name.clone();
        let new_id = self.write(|w| {
            let reason = non_empty(reason, "reason", "the reason for the restatement")?;
            let (p, status) = record_period(w.conn, id)?;
            if p.status != PeriodStatus::Locked {
                return Err(refuse_at(
                    Code::InvalidState,
                    "id",
                    format!("period {} is {}: change record {id} with `scopebook activity edit`; restatements are for locked periods", p.year, status_text(p.status)),
                ));
            }
            if status == RecordStatus::Superseded {
                let by: Option<i64> =
                    w.conn.query_row("SELECT id FROM activity WHERE supersedes = ?1", [id], |r| r.get(0)).optional()?;
                return Err(refuse_at(
                    Code::InvalidState,
                    "id",
                    match by {
                        Some(b) => format!("record {id} was already restated by record {b}; restate record {b}"),
                        None => format!("record {id} is superseded"),
                    },
                ));
            }
            let plib = period_library(w.conn, lib, &p)?;
            let rows = validate(w.conn, &name, &plib, &p, std::slice::from_ref(input))?;
            let Some(row) = rows.first() else { return Err(refuse(Code::DatabaseError, "validation returned no row")) };
            w.supersede("activity", "status", id, &reason)?;
            let new_id = insert_activity(w, &p, input, row, Some(id), Some(&reason))?;
            w.log("restate", "activity", new_id, None, Some(&reason))?;
            Ok(new_id)
        })?;
        self.activity(new_id)
    }

    pub fn activity(&self, id: i64) -> Result<ActivityRecord, StoreError> {
        self.read(|c| {
            c.query_row(&format!("{ACTIVITY_SELECT} WHERE a.id = ?1"), [id], activity_from_row)
                .optional()?
                .ok_or_else(|| refuse_at(Code::UnknownRecord, "id", format!("there is no activity record {id}")))
        })
    }

    /// A period's records in entry order: the current ones, or with `all` the superseded
    /// ones too.
    pub fn activities(&self, year: i32, all: bool) -> Result<Vec<ActivityRecord>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            let filter = if all { "" } else { " AND a.status = 'current'" };
            let mut stmt = c.prepare(&format!("{ACTIVITY_SELECT} WHERE a.period_id = ?1{filter} ORDER BY a.id"))?;
            let rows = stmt.query_map([p.id], activity_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// One page of a period's records in entry order (`limit` records from `offset`), and how
    /// many there are in all: what a screen shows of a period of a million records.
    pub fn activities_page(
        &self,
        year: i32,
        all: bool,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<ActivityRecord>, u64), StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            let filter = if all { "" } else { " AND a.status = 'current'" };
            let total: i64 =
                c.query_row(&format!("SELECT COUNT(*) FROM activity a WHERE a.period_id = ?1{filter}"), [p.id], |r| {
                    r.get(0)
                })?;
            let mut stmt = c.prepare(&format!(
                "{ACTIVITY_SELECT} WHERE a.period_id = ?1{filter} ORDER BY a.id LIMIT ?2 OFFSET ?3"
            ))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let offset = i64::try_from(offset).unwrap_or(i64::MAX);
            let rows = stmt.query_map(params![p.id, limit, offset], activity_from_row)?;
            Ok((rows.collect::<Result<Vec<_>, _>>()?, u64::try_from(total).unwrap_or(0)))
        })
    }
}

/// The period of a record, and the record's status.
fn record_period(c: &Connection, id: i64) -> Result<(ReportingPeriod, RecordStatus), Fail> {
    let found: Option<(i64, String)> = c
        .query_row("SELECT period_id, status FROM activity WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((period_id, status)) = found else {
        return Err(refuse_at(Code::UnknownRecord, "id", format!("there is no activity record {id}")));
    };
    let p = c.query_row(&format!("{PERIOD_SELECT} WHERE id = ?1"), [period_id], period_from_row)?;
    let status = record_status(&status).ok_or_else(|| unknown_record_status(&status))?;
    Ok((p, status))
}

const ACTIVITY_SELECT: &str = "SELECT a.id, p.year, f.code, a.activity, a.quantity, a.unit, a.start_date, a.end_date, a.factor, a.region, a.scope3_category, a.supplier, a.evidence, a.evidence_file, a.evidence_sha256, a.meter_id, a.data_quality, a.note, a.entered_by, a.created_at, a.status, a.supersedes, a.restatement_reason, a.sector, a.ncv_gj_per_unit, a.carbon_t_per_gj, a.oxidation, a.parameter_source, a.method, a.dq_technology, a.dq_time, a.dq_geography, a.dq_completeness, a.dq_reliability, a.currency_year, a.exchange_rate, a.price_index, a.attribution, a.pcaf_score FROM activity a JOIN period p ON p.id = a.period_id JOIN facility f ON f.id = a.facility_id";

fn activity_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRecord> {
    let file: Option<String> = r.get(13)?;
    let sha: Option<String> = r.get(14)?;
    let status: String = r.get(20)?;
    let status = stored(20, &status, record_status, unknown_record_status)?;
    Ok(ActivityRecord {
        id: r.get(0)?,
        period: r.get(1)?,
        facility: r.get(2)?,
        activity: r.get(3)?,
        quantity: r.get(4)?,
        unit: r.get(5)?,
        start: r.get(6)?,
        end: r.get(7)?,
        factor: r.get(8)?,
        region: r.get(9)?,
        scope3_category: r.get(10)?,
        supplier: r.get(11)?,
        evidence: r.get(12)?,
        evidence_file: file.map(|name| EvidenceFile { name, sha256: sha.unwrap_or_default() }),
        meter_id: r.get(15)?,
        data_quality: r.get(16)?,
        note: r.get(17)?,
        entered_by: r.get(18)?,
        created_at: r.get(19)?,
        status,
        supersedes: r.get(21)?,
        restatement_reason: r.get(22)?,
        sector: r.get(23)?,
        ncv_gj_per_unit: r.get(24)?,
        carbon_t_per_gj: r.get(25)?,
        oxidation: r.get(26)?,
        parameter_source: r.get(27)?,
        scope3: Scope3Cells {
            method: r.get(28)?,
            dq_technology: r.get(29)?,
            dq_time: r.get(30)?,
            dq_geography: r.get(31)?,
            dq_completeness: r.get(32)?,
            dq_reliability: r.get(33)?,
            currency_year: r.get(34)?,
            exchange_rate: r.get(35)?,
            price_index: r.get(36)?,
            attribution: r.get(37)?,
            pcaf_score: r.get(38)?,
        },
    })
}

pub(crate) fn record_status(s: &str) -> Option<RecordStatus> {
    match s {
        "current" => Some(RecordStatus::Current),
        "superseded" => Some(RecordStatus::Superseded),
        _ => None,
    }
}

pub(crate) fn unknown_record_status(s: &str) -> UnknownStored {
    UnknownStored::new("a record's status", "status", s, &["current", "superseded"])
}

/// The columns a record's values are stored in, in the order of [`RecordValues::params`]: the
/// same for a new record ([`insert_activity`]) and a changed one ([`Store::update_activity`]).
pub(crate) const RECORD_COLUMNS: [&str; 32] = [
    "facility_id",
    "activity",
    "quantity",
    "unit",
    "start_date",
    "end_date",
    "factor",
    "region",
    "scope3_category",
    "supplier",
    "evidence",
    "evidence_file",
    "evidence_sha256",
    "meter_id",
    "data_quality",
    "note",
    "sector",
    "ncv_gj_per_unit",
    "carbon_t_per_gj",
    "oxidation",
    "parameter_source",
    "method",
    "dq_technology",
    "dq_time",
    "dq_geography",
    "dq_completeness",
    "dq_reliability",
    "currency_year",
    "exchange_rate",
    "price_index",
    "attribution",
    "pcaf_score",
];

/// What a record is stored with: its cells as the activity-file reader normalised them
/// ([`CheckedRow`]), and the record's own fields of its input — the evidence file's name
/// trimmed, the meter id trimmed or none. The one place that turns an [`ActivityInput`] into
/// column values, for an insert and an update alike.
pub(crate) struct RecordValues<'a> {
    row: &'a CheckedRow,
    evidence_file: Option<&'a str>,
    evidence_sha256: Option<&'a str>,
    meter_id: Option<&'a str>,
}

impl<'a> RecordValues<'a> {
    pub(crate) fn new(input: &'a ActivityInput, row: &'a CheckedRow) -> RecordValues<'a> {
        RecordValues {
            row,
            evidence_file: input.evidence_file.as_ref().map(|e| e.name.trim()),
            // Checked to be 64 lower-case hexadecimal digits: stored as it is.
            evidence_sha256: input.evidence_file.as_ref().map(|e| e.sha256.as_str()),
            meter_id: opt_str(&input.meter_id),
        }
    }

    /// The values, in the order of [`RECORD_COLUMNS`].
    pub(crate) fn params(&self) -> [&dyn ToSql; 32] {
        let r = self.row;
        [
            &r.facility_id,
            &r.activity,
            &r.quantity,
            &r.unit,
            &r.start,
            &r.end,
            &r.factor,
            &r.region,
            &r.scope3_category,
            &r.supplier,
            &r.evidence,
            &self.evidence_file,
            &self.evidence_sha256,
            &self.meter_id,
            &r.data_quality,
            &r.note,
            &r.sector,
            &r.ncv_gj_per_unit,
            &r.carbon_t_per_gj,
            &r.oxidation,
            &r.parameter_source,
            &r.scope3[0],
            &r.scope3[1],
            &r.scope3[2],
            &r.scope3[3],
            &r.scope3[4],
            &r.scope3[5],
            &r.scope3[6],
            &r.scope3[7],
            &r.scope3[8],
            &r.scope3[9],
            &r.scope3[10],
        ]
    }
}

/// `INSERT` of a record: the period, [`RECORD_COLUMNS`] (?2 to ?n + 1), who and when, and the
/// record it restates with the reason.
static INSERT_RECORD: LazyLock<String> = LazyLock::new(|| {
    let n = RECORD_COLUMNS.len() + 1;
    let marks: Vec<String> = (2..=n).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO activity (period_id, {}, entered_by, created_at, status, supersedes, restatement_reason)
         VALUES (?1, {}, ?{}, ?{}, 'current', ?{}, ?{})",
        RECORD_COLUMNS.join(", "),
        marks.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 4
    )
});

/// `UPDATE` of a record's [`RECORD_COLUMNS`] (?1 to ?n); ?n + 1 is its id.
static UPDATE_RECORD: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = RECORD_COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 1)).collect();
    format!("UPDATE activity SET {} WHERE id = ?{}", sets.join(", "), RECORD_COLUMNS.len() + 1)
});

/// Store a new record of period `p` (restating `supersedes`, for `reason`, when given).
pub(crate) fn insert_activity(
    w: &Tx<'_>,
    p: &ReportingPeriod,
    input: &ActivityInput,
    row: &CheckedRow,
    supersedes: Option<i64>,
    reason: Option<&str>,
) -> Result<i64, Fail> {
    let values = RecordValues::new(input, row);
    let tail: [&dyn ToSql; 4] = [&w.user, &w.at, &supersedes, &reason];
    let all = std::iter::once(&p.id as &dyn ToSql).chain(values.params()).chain(tail);
    w.conn.prepare_cached(&INSERT_RECORD)?.execute(rusqlite::params_from_iter(all))?;
    Ok(w.conn.last_insert_rowid())
}

/// Store record `id`'s new values.
fn update_record(w: &Tx<'_>, id: i64, values: &RecordValues<'_>) -> Result<(), Fail> {
    let all = values.params().into_iter().chain([&id as &dyn ToSql]);
    w.conn.prepare_cached(&UPDATE_RECORD)?.execute(rusqlite::params_from_iter(all))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::testing::{electricity, lib, store, TempDir};

    /// The stored values of [`RECORD_COLUMNS`] of record `id`.
    fn stored_values(s: &Store, id: i64) -> Vec<rusqlite::types::Value> {
        let sql = format!("SELECT {} FROM activity WHERE id = ?1", RECORD_COLUMNS.join(", "));
        s.connection()
            .query_row(&sql, [id], |r| {
                (0..RECORD_COLUMNS.len()).map(|i| r.get(i)).collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap()
    }

    #[test]
    fn an_update_stores_exactly_what_an_insert_stores() {
        let dir = TempDir::new("record-values");
        let mut s = store(&dir);
        let sha = "ab".repeat(32);
        // Typed with stray spaces around every field that is trimmed.
        let typed = ActivityInput {
            facility: " BJ ".into(),
            quantity: " 1250.50 ".into(),
            evidence: Some(" INV-7 ".into()),
            evidence_file: Some(EvidenceFile { name: "  invoice 2023-07.pdf \t".into(), sha256: sha.clone() }),
            meter_id: Some("  M-7 ".into()),
            data_quality: Some(" measured ".into()),
            note: Some(" read on site ".into()),
            ..electricity("1")
        };
        let first = s.add_activity(lib(), 2023, &electricity("10")).unwrap();
        let updated = s.update_activity(lib(), first.id, &typed, Some("typo")).unwrap();
        let inserted = s.add_activity(lib(), 2023, &typed).unwrap();
        // The evidence file's name is trimmed on update as on insert.
        let file = updated.evidence_file.as_ref().map(|e| (e.name.as_str(), e.sha256.as_str()));
        assert_eq!(file, Some(("invoice 2023-07.pdf", sha.as_str())));
        assert_eq!(updated.evidence_file, inserted.evidence_file);
        assert_eq!(updated.meter_id.as_deref(), Some("M-7"));
        // Every column a record's values are stored in holds the same value either way.
        assert_eq!(stored_values(&s, first.id), stored_values(&s, inserted.id));
        // An optional field typed as spaces is stored as none, on update as on insert.
        let blank = ActivityInput { meter_id: Some("   ".into()), evidence_file: None, ..typed };
        s.update_activity(lib(), first.id, &blank, None).unwrap();
        let again = s.add_activity(lib(), 2023, &blank).unwrap();
        assert_eq!(s.activity(first.id).unwrap().meter_id, None);
        assert_eq!(stored_values(&s, first.id), stored_values(&s, again.id));
        s.verify().unwrap();
    }
}
