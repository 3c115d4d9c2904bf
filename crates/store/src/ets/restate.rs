//! A locked period's ETS data corrected by restatement (schema 7, decision 0038), as its
//! activity records are (decision 0011): the original row stays, marked superseded with every
//! other value kept, and a new row naming it (`supersedes`) and the reason takes its place in the
//! period's position. Both halves are audited as `restate` with the reason; the new row is
//! checked as any row is, and the period's positions after it must be free of errors. The
//! registry's restatement is in [`super::eutl`], the parameters' in [`super::parameters`].

use rusqlite::{Connection, OptionalExtension};
use scopebook_core::diagnostic::Code;

use super::{
    checked_entry, checked_unit, insert_entry, insert_unit_row, row_period, run, EtsLedgerEntry, EtsLedgerInput,
    EtsUnit, EtsUnitInput, Origin, Table,
};
use crate::error::{refuse_at, Fail, StoreError};
use crate::model::{PeriodStatus, RecordStatus, ReportingPeriod};
use crate::periods::status_text;
use crate::text::non_empty;
use crate::write::Tx;
use crate::Store;

impl Store {
    /// Correct a unit of a locked period (decision 0038): the original stays, marked superseded,
    /// and a new unit naming it (`supersedes`) and the reason takes its place in the period's
    /// position. Both changes are audited (`restate`) with the reason; the new unit is checked as
    /// any unit is, and the period's positions after it must be free of errors.
    pub fn restate_ets_unit(&mut self, id: i64, u: &EtsUnitInput, reason: &str) -> Result<EtsUnit, StoreError> {
        let name = self.name.clone();
        let new_id = self.write(|w| {
            let reason = non_empty(reason, "reason", "the reason for the restatement")?;
            let p = restated_row(w.conn, Table::Unit, id)?;
            let (facility, plan, row) = checked_unit(w.conn, &name, u, &Origin::Typed)?;
            supersede(w, Table::Unit, id, &reason)?;
            let new_id = insert_unit_row(w, &p, facility, plan.as_deref(), &row, Some((id, &reason)))?;
            run::check_written(w.conn, &name, &p, &[(Table::Unit, new_id, Origin::Typed)])?;
            Ok(new_id)
        })?;
        self.ets_unit(new_id)
    }

    /// Correct a ledger movement of a locked period (decision 0038), as
    /// [`Store::restate_ets_unit`] corrects a unit.
    pub fn restate_ets_ledger_entry(
        &mut self,
        id: i64,
        e: &EtsLedgerInput,
        reason: &str,
    ) -> Result<EtsLedgerEntry, StoreError> {
        let name = self.name.clone();
        let new_id = self.write(|w| {
            let reason = non_empty(reason, "reason", "the reason for the restatement")?;
            let p = restated_row(w.conn, Table::Ledger, id)?;
            let entry = checked_entry(&name, e)?;
            supersede(w, Table::Ledger, id, &reason)?;
            let new_id = insert_entry(w, &p, e.scheme, &entry, Some((id, &reason)))?;
            run::check_written(w.conn, &name, &p, &[(Table::Ledger, new_id, Origin::Typed)])?;
            Ok(new_id)
        })?;
        self.ets_ledger_entry(new_id)
    }
}

/// The period of a unit or ledger entry to be restated: it must be a current row of a locked
/// period (an open period's rows are edited).
pub(super) fn restated_row(c: &Connection, table: Table, id: i64) -> Result<ReportingPeriod, Fail> {
    let (p, status) = row_period(c, table, id)?;
    if p.status != PeriodStatus::Locked {
        return Err(refuse_at(
            Code::InvalidState,
            "id",
            format!(
                "period {} is {}: change {} {id} with `scopebook {} edit`; restatements are for locked periods",
                p.year,
                status_text(p.status),
                table.what(),
                table.command()
            ),
        ));
    }
    if status == RecordStatus::Superseded {
        let by: Option<i64> = c
            .query_row(&format!("SELECT id FROM {} WHERE supersedes = ?1", table.name()), [id], |r| r.get(0))
            .optional()?;
        let what = table.what();
        return Err(refuse_at(
            Code::InvalidState,
            "id",
            match by {
                Some(b) => format!("{what} {id} was already restated by {what} {b}; restate {what} {b}"),
                None => format!("{what} {id} is superseded"),
            },
        ));
    }
    Ok(p)
}

/// Mark a current row superseded (all its other values kept), audited as `restate` with the
/// reason: the first half of a restatement.
fn supersede(w: &mut Tx<'_>, table: Table, id: i64, reason: &str) -> Result<(), Fail> {
    supersede_in(w, table.name(), id, reason)
}

pub(super) fn supersede_in(w: &mut Tx<'_>, table: &str, id: i64, reason: &str) -> Result<(), Fail> {
    w.supersede(table, "status", id, reason)
}
