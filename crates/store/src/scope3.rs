//! A period's Scope 3 category statuses (issue 14, decisions 0035 and 0043): each of the 15
//! categories relevant, excluded (with the reason) or not applicable, as the file mode's
//! `--scope3-status` file gives them, kept per period. A category not stored is not assessed.
//!
//! Every value is read by the file mode's reader (`scope3::read_status`): a row set from the
//! command line is read as a one-row status file, so it is refused with the same code and
//! message. A file is imported all or nothing; a category already stored takes the new status
//! (an audited update). A locked period's statuses never change.

use rusqlite::{params, Connection, OptionalExtension};
use scopebook_core::diagnostic::{Code, Diagnostic};
use scopebook_core::scope3::{read_status, StatusEntry};
use serde::Serialize;

use crate::error::{locked, refuse_at, Fail, StoreError};
use crate::instruments::open_period;
use crate::model::{PeriodStatus, ReportingPeriod};
use crate::periods::period_by_year;
use crate::write::Tx;
use crate::Store;

/// The columns of a status export: the file mode's `--scope3-status` file; `estimate_t`
/// (schema 10, decision 0054) only when a category gives one, so that a period stored before
/// exports the same bytes.
pub const STATUS_COLUMNS: [&str; 4] = ["category", "status", "reason", "estimate_t"];

/// A stored category status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scope3StatusRow {
    pub id: i64,
    pub year: i32,
    pub category: u8,
    /// `relevant`, `excluded` or `not-applicable`.
    pub status: String,
    pub reason: Option<String>,
    /// The category's estimated t CO2e (decision 0054).
    pub estimate_t: Option<String>,
}

const SELECT: &str = "SELECT x.id, p.year, x.category, x.status, x.reason, x.estimate_t
     FROM scope3_status x JOIN period p ON p.id = x.period_id";

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Scope3StatusRow> {
    Ok(Scope3StatusRow {
        id: r.get(0)?,
        year: r.get(1)?,
        category: r.get(2)?,
        status: r.get(3)?,
        reason: r.get(4)?,
        estimate_t: r.get(5)?,
    })
}

/// The current statuses of period `period_id` (a restated one's restatement in its place), by
/// category.
pub(crate) fn stored(c: &Connection, period_id: i64) -> Result<Vec<Scope3StatusRow>, Fail> {
    let mut stmt = c.prepare_cached(&format!(
        "{SELECT} WHERE x.period_id = ?1 AND x.record_status = 'current' ORDER BY x.category"
    ))?;
    let rows = stmt.query_map([period_id], row_from)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Statuses as a status file (header, then a row a category, by category).
pub(crate) fn export_rows(rows: &[Scope3StatusRow]) -> Result<Vec<u8>, Fail> {
    let fail = |e: String| crate::error::refuse(Code::DatabaseError, format!("writing the export: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let n = if rows.iter().any(|r| r.estimate_t.is_some()) { 4 } else { 3 };
    w.write_record(&STATUS_COLUMNS[..n]).map_err(|e| fail(e.to_string()))?;
    for r in rows {
        let category = r.category.to_string();
        let cells =
            [category.as_str(), &r.status, r.reason.as_deref().unwrap_or(""), r.estimate_t.as_deref().unwrap_or("")];
        w.write_record(&cells[..n]).map_err(|e| fail(e.to_string()))?;
    }
    w.into_inner().map_err(|e| fail(e.to_string()))
}

/// The name a period's statuses go by in a calculation's findings and inputs.
pub fn status_file(year: i32) -> String {
    format!("scope3-status {year}")
}

const LOCKED: &str =
    "its Scope 3 category statuses cannot be set or deleted; correct one with `scopebook scope3 status restate`";

/// Store `entries` (read by the file mode's reader) in period `p`: a category already stored
/// takes the new status and reason (audited as an update, when it changes), and the entry's
/// estimate unless `keep_estimate` (a status set alone leaves the stored estimate as it is).
fn store_entries(
    w: &mut Tx<'_>,
    p: &ReportingPeriod,
    entries: &[StatusEntry],
    keep_estimate: bool,
) -> Result<(), Fail> {
    for e in entries {
        let category = e.category.number();
        let existing: Option<i64> = w
            .conn
            .query_row(
                "SELECT id FROM scope3_status WHERE period_id = ?1 AND category = ?2 AND record_status = 'current'",
                params![p.id, category],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            None => {
                w.conn.execute(
                    "INSERT INTO scope3_status (period_id, category, status, reason, estimate_t, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![p.id, category, e.status.as_str(), e.reason, e.estimate_t.map(|v| v.to_string()), w.at],
                )?;
                let id = w.conn.last_insert_rowid();
                w.log("create", "scope3_status", id, None, None)?;
            }
            Some(id) => {
                let old = w.row("scope3_status", id)?;
                let estimate: Option<String> = if keep_estimate {
                    w.conn.query_row("SELECT estimate_t FROM scope3_status WHERE id = ?1", [id], |r| r.get(0))?
                } else {
                    e.estimate_t.map(|v| v.to_string())
                };
                no_estimate_when_not_applicable(e, estimate.as_deref())?;
                w.conn.execute(
                    "UPDATE scope3_status SET status = ?1, reason = ?2, estimate_t = ?3 WHERE id = ?4",
                    params![e.status.as_str(), e.reason, estimate, id],
                )?;
                if w.row("scope3_status", id)? != old {
                    w.log("update", "scope3_status", id, old.as_deref(), None)?;
                }
            }
        }
    }
    Ok(())
}

/// A category's status given by flags, as a one-row status file (with `estimate_t` when given).
fn one_row(category: &str, status: &str, reason: Option<&str>, estimate_t: Option<&str>) -> Result<Vec<u8>, Fail> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let row = [category, status, reason.unwrap_or(""), estimate_t.unwrap_or("").trim()];
    let n = if estimate_t.is_some() { 4 } else { 3 };
    w.write_record(&STATUS_COLUMNS[..n])
        .and_then(|()| w.write_record(&row[..n]))
        .map_err(|e| e.to_string())
        .and_then(|()| w.into_inner().map_err(|e| e.to_string()))
        .map_err(|e| crate::error::refuse(Code::InvalidValue, e))
}

/// [`read_all`] of a one-row file from flags: a finding located at the flag's column, not at a
/// line of the file.
fn read_flags(file: &str, bytes: &[u8]) -> Result<Vec<StatusEntry>, Fail> {
    read_all(file, bytes).map_err(|f| match f {
        Fail::Rows(ds) => Fail::Rows(
            ds.into_iter()
                .map(|mut d| {
                    d.location.row = None;
                    d
                })
                .collect(),
        ),
        other => other,
    })
}

/// A category that is not applicable has no estimate: refused when `estimate` (what it would be
/// stored with) is one.
fn no_estimate_when_not_applicable(e: &StatusEntry, estimate: Option<&str>) -> Result<(), Fail> {
    match estimate {
        Some(t) if e.status == scopebook_core::scope3::CategoryStatus::NotApplicable => Err(refuse_at(
            Code::InvalidValue,
            "estimate_t",
            format!(
                "category {} has an estimate of {t} t CO2e: a category that is not applicable has none; remove the estimate first",
                e.category.number()
            ),
        )),
        _ => Ok(()),
    }
}

/// Read a status file by the file mode's reader; any error refuses it.
fn read_all(file: &str, bytes: &[u8]) -> Result<Vec<StatusEntry>, Fail> {
    let (entries, diags) = read_status(file, bytes);
    let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(Fail::Rows(errors));
    }
    Ok(entries)
}

impl Store {
    /// Set one category's status in period `year` (`relevant`, `excluded` with a reason, or
    /// `not-applicable`), read as a one-row status file named `file` (where a finding points).
    /// A stored estimate stays.
    pub fn set_scope3_status(
        &mut self,
        year: i32,
        file: &str,
        category: &str,
        status: &str,
        reason: Option<&str>,
    ) -> Result<Scope3StatusRow, StoreError> {
        self.set_scope3_status_and_estimate(year, file, category, status, reason, None)
    }

    /// [`Store::set_scope3_status`], and with `estimate_t` given the category's estimated t CO2e
    /// too ("" removes it; decision 0054), in one transaction: a bad value changes nothing.
    pub fn set_scope3_status_and_estimate(
        &mut self,
        year: i32,
        file: &str,
        category: &str,
        status: &str,
        reason: Option<&str>,
        estimate_t: Option<&str>,
    ) -> Result<Scope3StatusRow, StoreError> {
        let bytes = one_row(category, status, reason, estimate_t).map_err(|f| self.err(f))?;
        self.write(|w| {
            let p = open_period(w.conn, year, LOCKED)?;
            let entries = read_flags(file, &bytes)?;
            store_entries(w, &p, &entries, estimate_t.is_none())
        })?;
        let rows = self.scope3_statuses(year)?;
        let n = category.trim().parse::<u8>().unwrap_or(0);
        rows.into_iter().find(|r| r.category == n).ok_or_else(|| {
            self.err(refuse_at(Code::DatabaseError, "category", format!("category {category} was not stored")))
        })
    }

    /// Correct category `category`'s status in locked period `year` (decision 0058), as a record
    /// is restated: the stored row stays, marked superseded, and the new status (read as
    /// [`Store::set_scope3_status_and_estimate`] reads it; without `estimate_t` the stored
    /// estimate carries over) takes its place, naming it and `why`. Both are audited. A category
    /// with no status when the period was locked is refused: a locked period takes no new row.
    #[allow(clippy::too_many_arguments)]
    pub fn restate_scope3_status(
        &mut self,
        year: i32,
        file: &str,
        category: &str,
        status: &str,
        reason: Option<&str>,
        estimate_t: Option<&str>,
        why: &str,
    ) -> Result<Scope3StatusRow, StoreError> {
        let bytes = one_row(category, status, reason, estimate_t).map_err(|f| self.err(f))?;
        let new_id = self.write(|w| {
            let why = crate::text::non_empty(why, "restatement_reason", "the reason for the restatement")?;
            let p = period_by_year(w.conn, year)?;
            if p.status != PeriodStatus::Locked {
                return Err(refuse_at(
                    Code::InvalidState,
                    "period",
                    format!("period {year} is open: set the status with `scopebook scope3 status set`; restatements are for locked periods"),
                ));
            }
            let entries = read_flags(file, &bytes)?;
            let Some(e) = entries.first() else { return Err(refuse_at(Code::MissingValue, "category", "no status given")) };
            let n = e.category.number();
            let old: Option<(i64, Option<String>)> = w
                .conn
                .query_row(
                    "SELECT id, estimate_t FROM scope3_status WHERE period_id = ?1 AND category = ?2 AND record_status = 'current'",
                    params![p.id, n],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((old_id, old_estimate)) = old else {
                return Err(refuse_at(
                    Code::UnknownRecord,
                    "category",
                    format!("category {n} had no status when period {year} was locked, and a locked period takes no new row"),
                ));
            };
            let estimate = if estimate_t.is_some() { e.estimate_t.map(|v| v.to_string()) } else { old_estimate };
            no_estimate_when_not_applicable(e, estimate.as_deref())?;
            w.supersede("scope3_status", "record_status", old_id, &why)?;
            w.conn.execute(
                "INSERT INTO scope3_status (period_id, category, status, reason, estimate_t, supersedes,
                     restatement_reason, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![p.id, n, e.status.as_str(), e.reason, estimate, old_id, why, w.at],
            )?;
            let id = w.conn.last_insert_rowid();
            w.log("restate", "scope3_status", id, None, Some(&why))?;
            Ok(id)
        })?;
        self.read(|c| Ok(c.query_row(&format!("{SELECT} WHERE x.id = ?1"), [new_id], row_from)?))
    }

    /// Import a status file (`category,status,reason`) into period `year`: all or nothing, every
    /// problem located at its line and column as `scopebook calc --scope3-status` locates it.
    pub fn import_scope3_status(
        &mut self,
        year: i32,
        file: &str,
        bytes: &[u8],
    ) -> Result<Vec<Scope3StatusRow>, StoreError> {
        self.write(|w| {
            let p = open_period(w.conn, year, LOCKED)?;
            let entries = read_all(file, bytes)?;
            store_entries(w, &p, &entries, false)
        })?;
        self.scope3_statuses(year)
    }

    /// The stored statuses of period `year`, by category.
    pub fn scope3_statuses(&self, year: i32) -> Result<Vec<Scope3StatusRow>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            stored(c, p.id)
        })
    }

    /// The stored statuses of period `year` as a status file (what `calc --scope3-status` reads).
    pub fn export_scope3_status(&self, year: i32) -> Result<Vec<u8>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            export_rows(&stored(c, p.id)?)
        })
    }

    /// Delete category `category`'s status in period `year` (it is then not assessed).
    pub fn delete_scope3_status(&mut self, year: i32, category: u8, reason: Option<&str>) -> Result<(), StoreError> {
        self.write(|w| {
            let p = period_by_year(w.conn, year)?;
            if p.status == PeriodStatus::Locked {
                return Err(locked(&p, LOCKED));
            }
            let id: Option<i64> = w
                .conn
                .query_row(
                    "SELECT id FROM scope3_status WHERE period_id = ?1 AND category = ?2 AND record_status = 'current'",
                    params![p.id, category],
                    |r| r.get(0),
                )
                .optional()?;
            let id = id.ok_or_else(|| {
                refuse_at(
                    Code::UnknownRecord,
                    "category",
                    format!("period {year} has no status for Scope 3 category {category}"),
                )
            })?;
            let old = w.row("scope3_status", id)?;
            w.conn.execute("DELETE FROM scope3_status WHERE id = ?1", [id])?;
            w.log("delete", "scope3_status", id, old.as_deref(), reason)?;
            Ok(())
        })
    }
}
