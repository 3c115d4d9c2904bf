//! Which fuel parameters a covered facility's scheme figure takes in a period (schema 7,
//! decision 0038): COVERED.csv's `parameters` (`record`, `default`) kept in the inventory file,
//! where decision 0032 had only the argument `--default-parameters`. Audited, locked with the
//! period, and corrected in a locked period by restatement like the period's other ETS data.

use rusqlite::{params, Connection, OptionalExtension};
use scopebook_core::diagnostic::Code;

use super::restate::supersede_in;
use super::rows::status_at;
use super::{open_period, registration, EtsParameters, EtsParametersRow};
use crate::error::{refuse_at, stored, Fail, StoreError, UnknownStored};
use crate::model::{PeriodStatus, RecordStatus, ReportingPeriod};
use crate::periods::{period_by_year, period_from_row, status_text, PERIOD_SELECT};
use crate::text::non_empty;
use crate::Store;

const SELECT: &str = "SELECT x.id, p.year, f.code, x.parameters, x.status, x.supersedes, x.restatement_reason
     FROM ets_parameters x JOIN period p ON p.id = x.period_id JOIN facility f ON f.id = x.facility_id";

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<EtsParametersRow> {
    let parameters: String = r.get(3)?;
    Ok(EtsParametersRow {
        id: r.get(0)?,
        year: r.get(1)?,
        facility: r.get(2)?,
        parameters: stored(3, &parameters, EtsParameters::parse, |v| {
            UnknownStored::new("a choice of parameters", "parameters", v, &["record", "default"])
        })?,
        status: status_at(r, 4)?,
        supersedes: r.get(5)?,
        restatement_reason: r.get(6)?,
    })
}

fn row(c: &Connection, id: i64) -> Result<EtsParametersRow, Fail> {
    c.query_row(&format!("{SELECT} WHERE x.id = ?1"), [id], row_from)
        .optional()?
        .ok_or_else(|| refuse_at(Code::UnknownRecord, "id", format!("there are no stored parameters {id}")))
}

/// The current choices of period `p`, by facility code.
pub(super) fn current(c: &Connection, p: &ReportingPeriod) -> Result<Vec<EtsParametersRow>, Fail> {
    let mut stmt =
        c.prepare_cached(&format!("{SELECT} WHERE x.period_id = ?1 AND x.status = 'current' ORDER BY f.code"))?;
    let rows = stmt.query_map([p.id], row_from)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn insert(
    w: &mut crate::write::Tx<'_>,
    p: &ReportingPeriod,
    facility: i64,
    parameters: EtsParameters,
    restates: Option<(i64, &str)>,
) -> Result<i64, Fail> {
    w.conn.execute(
        "INSERT INTO ets_parameters (period_id, facility_id, parameters, created_at, status, supersedes, restatement_reason)
         VALUES (?1, ?2, ?3, ?4, 'current', ?5, ?6)",
        params![p.id, facility, parameters.as_str(), w.at, restates.map(|r| r.0), restates.map(|r| r.1)],
    )?;
    let id = w.conn.last_insert_rowid();
    match restates {
        Some((_, reason)) => w.log("restate", "ets_parameters", id, None, Some(reason))?,
        None => w.log("create", "ets_parameters", id, None, None)?,
    };
    Ok(id)
}

impl Store {
    /// Say which fuel parameters the scheme figure of a registered facility takes in period
    /// `year` (COVERED.csv's `parameters`): `record` (the records' own, the default when nothing
    /// is stored) or `default` (the factor's). Stored once a facility and period, audited (a
    /// change with the reason if given); refused in a locked period, where a stored choice is
    /// restated ([`Store::restate_ets_parameters`]).
    pub fn set_ets_parameters(
        &mut self,
        year: i32,
        facility: &str,
        parameters: EtsParameters,
        reason: Option<&str>,
    ) -> Result<EtsParametersRow, StoreError> {
        let id = self.write(|w| {
            let p = open_period(w.conn, year)?;
            let (facility, ..) = registration(w.conn, facility)?;
            let existing: Option<i64> = w
                .conn
                .query_row(
                    "SELECT id FROM ets_parameters WHERE period_id = ?1 AND facility_id = ?2 AND status = 'current'",
                    params![p.id, facility],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                None => insert(w, &p, facility, parameters, None),
                Some(id) => {
                    let old = w.row("ets_parameters", id)?;
                    w.conn.execute(
                        "UPDATE ets_parameters SET parameters = ?1 WHERE id = ?2",
                        params![parameters.as_str(), id],
                    )?;
                    if w.row("ets_parameters", id)? != old {
                        w.log("update", "ets_parameters", id, old.as_deref(), reason)?;
                    }
                    Ok(id)
                }
            }
        })?;
        self.read(|c| row(c, id))
    }

    /// Correct a locked period's stored choice of parameters by restatement (decision 0038): the
    /// original stays, marked superseded, and a new row naming it and the reason takes its place.
    pub fn restate_ets_parameters(
        &mut self,
        id: i64,
        parameters: EtsParameters,
        reason: &str,
    ) -> Result<EtsParametersRow, StoreError> {
        let new_id = self.write(|w| {
            let reason = non_empty(reason, "reason", "the reason for the restatement")?;
            let old = row(w.conn, id)?;
            let (period_id, facility): (i64, i64) = w.conn.query_row(
                "SELECT period_id, facility_id FROM ets_parameters WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let p = w.conn.query_row(&format!("{PERIOD_SELECT} WHERE id = ?1"), [period_id], period_from_row)?;
            if p.status != PeriodStatus::Locked {
                return Err(refuse_at(
                    Code::InvalidState,
                    "id",
                    format!(
                        "period {} is {}: change the parameters with `scopebook ets parameters set`; restatements are for locked periods",
                        p.year,
                        status_text(p.status)
                    ),
                ));
            }
            if old.status == RecordStatus::Superseded {
                let by: Option<i64> = w
                    .conn
                    .query_row("SELECT id FROM ets_parameters WHERE supersedes = ?1", [id], |r| r.get(0))
                    .optional()?;
                return Err(refuse_at(
                    Code::InvalidState,
                    "id",
                    match by {
                        Some(b) => format!("parameters {id} were already restated by parameters {b}; restate {b}"),
                        None => format!("parameters {id} are superseded"),
                    },
                ));
            }
            supersede_in(w, "ets_parameters", id, &reason)?;
            insert(w, &p, facility, parameters, Some((id, &reason)))
        })?;
        self.read(|c| row(c, new_id))
    }

    /// The stored choices of parameters of period `year`, by facility: the current ones, or with
    /// `all` the superseded ones too (in the order stored).
    pub fn ets_parameters(&self, year: i32, all: bool) -> Result<Vec<EtsParametersRow>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            if !all {
                return current(c, &p);
            }
            let mut stmt = c.prepare(&format!("{SELECT} WHERE x.period_id = ?1 ORDER BY x.id"))?;
            let rows = stmt.query_map([p.id], row_from)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
