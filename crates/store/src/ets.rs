//! The ETS data of covered facilities (issue 12, decision 0030): under which scheme a facility
//! is covered and as which enterprise, each period's units (UNITS.csv's columns) and ledger
//! (LEDGER.csv's columns), and the allowance position worked from them.
//!
//! Every write is one audited transaction, refused when its period is locked. A row is read by
//! the allowance crate's own readers (`allowance::units`, `allowance::ledger`), so a bad value
//! gets the code and message the file modes give; after the write, the period's position is
//! worked from the stored data inside the transaction, and any error it finds (a unit class the
//! plan does not know, a surrender beyond holdings, a legacy credit out of its years) refuses
//! the write: the stored data of a period always gives a position. The position itself is in
//! [`run`]; the EU Transaction Log's figures kept per period (schema 6) are in [`eutl`].

mod enrolment;
mod eutl;
mod model;
mod parameters;
mod reconcile;
mod restate;
mod rows;
mod run;
#[cfg(test)]
mod tests;

use rusqlite::{params, Connection, OptionalExtension};
use scopebook_allowance::ledger::{self as aledger, Entry};
use scopebook_allowance::plan::Plan;
use scopebook_allowance::units::{self as aunits, UnitRow};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};

use crate::activities::{record_status, unknown_record_status};
use crate::error::{locked, refuse_at, Fail, StoreError, UnknownStored};
use crate::facilities::facility_id;
use crate::model::{PeriodStatus, RecordStatus, ReportingPeriod};
use crate::periods::{period_by_year, period_from_row, PERIOD_SELECT};
use crate::text::{non_empty, opt};
use crate::write::Tx;
use crate::Store;

pub use model::{
    EtsEnrolment, EtsFacility, EtsLedgerEntry, EtsLedgerInput, EtsParameters, EtsParametersRow, EtsRegistryPage,
    EtsRegistryRow, EtsScheme, EtsUnit, EtsUnitInput,
};
pub use reconcile::{PositionOptions, Reconcile, COVERED_FILE};
pub use run::{LEDGER_FILE, UNITS_FILE};

use rows::{
    entry_from_row, ets_facility_by, ets_facility_from_row, unit_from_row, ETS_FACILITY_SELECT, LEDGER_SELECT,
    UNIT_SELECT,
};

/// Where a row being written came from, for its findings' locations.
#[derive(Clone, Debug)]
enum Origin {
    /// Typed in: findings name the field (column) in the inventory file.
    Typed,
    /// A line of an imported file.
    Line(String, u64),
}

impl Store {
    /// Register a facility (which must have the `ets_covered` flag) under a scheme, or change
    /// its registration. A change of scheme or enterprise is refused when the facility has units
    /// in a locked period, and must leave every other period's position without errors.
    pub fn set_ets_facility(&mut self, e: &EtsEnrolment) -> Result<EtsFacility, StoreError> {
        let name = self.name.clone();
        let id = self.write(|w| {
            let (facility, _) = facility_id(w.conn, e.facility.trim(), "facility")?;
            let covered: bool =
                w.conn.query_row("SELECT ets_covered FROM facility WHERE id = ?1", [facility], |r| r.get(0))?;
            if !covered {
                return Err(refuse_at(
                    Code::InvalidState,
                    "facility",
                    format!(
                        "facility '{}' is not covered by an ETS; set its flag first (`scopebook facility edit --ets`)",
                        e.facility.trim()
                    ),
                ));
            }
            let enterprise = non_empty(&e.enterprise, "enterprise", "the enterprise")?;
            let plan = opt(&e.plan);
            match (e.scheme, &plan) {
                (EtsScheme::CnEts, Some(p)) => {
                    shipped_plan(p)?;
                }
                (EtsScheme::EuEts, Some(_)) => {
                    return Err(refuse_at(
                        Code::InvalidValue,
                        "plan",
                        "the EU ETS takes no plan: its rules are shipped (allowance-plans/eu-ets)",
                    ))
                }
                (_, None) => {}
            }
            let existing: Option<(i64, String, String)> = w
                .conn
                .query_row(
                    "SELECT id, scheme, enterprise FROM ets_facility WHERE facility_id = ?1",
                    [facility],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let id = match existing {
                None => {
                    w.conn.execute(
                        "INSERT INTO ets_facility (facility_id, scheme, enterprise, plan, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![facility, e.scheme.as_str(), enterprise, plan, w.at],
                    )?;
                    let id = w.conn.last_insert_rowid();
                    w.log("create", "ets_facility", id, None, None)?;
                    id
                }
                Some((id, scheme, old_enterprise)) => {
                    let moved = scheme != e.scheme.as_str() || old_enterprise != enterprise;
                    if moved {
                        enrolment::tied_installation_stays(w.conn, facility, e.scheme, &enterprise)?;
                        if let Some(year) = locked_year_of_facility(w.conn, facility)? {
                            return Err(refuse_at(
                                Code::PeriodLocked,
                                "enterprise",
                                format!("period {year} is locked and holds units of this facility: its scheme and enterprise cannot change"),
                            ));
                        }
                    }
                    let old = w.row("ets_facility", id)?;
                    w.conn.execute(
                        "UPDATE ets_facility SET scheme = ?1, enterprise = ?2, plan = ?3 WHERE id = ?4",
                        params![e.scheme.as_str(), enterprise, plan, id],
                    )?;
                    if w.row("ets_facility", id)? != old {
                        w.log("update", "ets_facility", id, old.as_deref(), None)?;
                    }
                    if moved {
                        for (period, scheme) in periods_with_ets_data(w.conn)? {
                            run::check_period(w.conn, &name, &period, scheme, &[])?;
                        }
                    }
                    id
                }
            };
            Ok(id)
        })?;
        self.read(|c| ets_facility_by(c, "e.id = ?1", id))
    }

    /// The registered facilities, by facility code.
    pub fn ets_facilities(&self) -> Result<Vec<EtsFacility>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!("{ETS_FACILITY_SELECT} ORDER BY f.code"))?;
            let rows = stmt.query_map([], ets_facility_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Add a unit to period `year`.
    pub fn add_ets_unit(&mut self, year: i32, u: &EtsUnitInput) -> Result<EtsUnit, StoreError> {
        let name = self.name.clone();
        let id = self.write(|w| {
            let p = open_period(w.conn, year)?;
            let id = insert_unit(w, &name, &p, u, &Origin::Typed)?;
            run::check_written(w.conn, &name, &p, &[(Table::Unit, id, Origin::Typed)])?;
            Ok(id)
        })?;
        self.ets_unit(id)
    }

    /// Replace a unit's values (audited, with the reason if given).
    pub fn update_ets_unit(&mut self, id: i64, u: &EtsUnitInput, reason: Option<&str>) -> Result<EtsUnit, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = open_row(w.conn, Table::Unit, id, "changed")?;
            let old = w.row("ets_unit", id)?;
            let (facility, plan, row) = checked_unit(w.conn, &name, u, &Origin::Typed)?;
            let v = UnitValues::of(&row);
            w.conn.execute(
                "UPDATE ets_unit SET facility_id = ?1, plan = ?2, unit = ?3, unit_class = ?4, cooling = ?5, output_mwh = ?6, heat_gj = ?7, heat_supply_ratio = ?8, load_factor = ?9, verified_t = ?10, allocation_t = ?11 WHERE id = ?12",
                params![facility, plan, row.unit, row.class, row.cooling, v.output_mwh, v.heat_gj, v.heat_supply_ratio, v.load_factor, v.verified_t, v.allocation_t, id],
            )?;
            run::check_written(w.conn, &name, &p, &[(Table::Unit, id, Origin::Typed)])?;
            if w.row("ets_unit", id)? != old {
                w.log("update", "ets_unit", id, old.as_deref(), reason)?;
            }
            Ok(())
        })?;
        self.ets_unit(id)
    }

    /// Remove a unit (audited). Refused when the period's position then fails (its enterprise's
    /// ledger would have no units).
    pub fn delete_ets_unit(&mut self, id: i64, reason: Option<&str>) -> Result<(), StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = open_row(w.conn, Table::Unit, id, "deleted")?;
            let old = w.row("ets_unit", id)?;
            w.conn.execute("DELETE FROM ets_unit WHERE id = ?1", [id])?;
            w.log("delete", "ets_unit", id, old.as_deref(), reason)?;
            run::check_written(w.conn, &name, &p, &[])
        })
    }

    pub fn ets_unit(&self, id: i64) -> Result<EtsUnit, StoreError> {
        self.read(|c| {
            c.query_row(&format!("{UNIT_SELECT} WHERE u.id = ?1"), [id], unit_from_row)
                .optional()?
                .ok_or_else(|| refuse_at(Code::UnknownRecord, "id", format!("there is no ETS unit {id}")))
        })
    }

    /// The current units of period `year` (those its position reads), in the order they were
    /// entered.
    pub fn ets_units(&self, year: i32) -> Result<Vec<EtsUnit>, StoreError> {
        self.ets_units_with(year, false)
    }

    /// The units of period `year` in the order they were entered: the current ones, or with
    /// `all` the superseded ones too.
    pub fn ets_units_with(&self, year: i32, all: bool) -> Result<Vec<EtsUnit>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            let filter = if all { "" } else { " AND u.status = 'current'" };
            let mut stmt = c.prepare(&format!("{UNIT_SELECT} WHERE u.period_id = ?1{filter} ORDER BY u.id"))?;
            let rows = stmt.query_map([p.id], unit_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Import a UNITS.csv into period `year`, all or nothing. Each row goes to `facility` when
    /// given, else to the one registered facility of its enterprise; under `plan` when given,
    /// else the facility's. The file is read as `scopebook position --units` reads it: its
    /// findings are located in the file (`file` names it).
    pub fn import_ets_units(
        &mut self,
        year: i32,
        file: &str,
        bytes: &[u8],
        facility: Option<&str>,
        plan: Option<&str>,
    ) -> Result<Vec<i64>, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = open_period(w.conn, year)?;
            let mut diags = Vec::new();
            let rows = aunits::read(file, bytes, &mut diags);
            errors_only(diags)?;
            let mut written = Vec::new();
            let mut problems = Vec::new();
            for row in rows {
                let origin = Origin::Line(file.to_string(), row.line);
                match import_unit(w, &p, &row, facility, plan, &origin) {
                    Ok(id) => written.push((Table::Unit, id, origin)),
                    Err(Fail::Rows(d)) => problems.extend(d),
                    Err(e) => return Err(e),
                }
            }
            if !problems.is_empty() {
                return Err(Fail::Rows(problems));
            }
            run::check_written(w.conn, &name, &p, &written)?;
            Ok(written.into_iter().map(|(_, id, _)| id).collect())
        })
    }

    /// Add a ledger movement to period `year`.
    pub fn add_ets_ledger_entry(&mut self, year: i32, e: &EtsLedgerInput) -> Result<EtsLedgerEntry, StoreError> {
        let name = self.name.clone();
        let id = self.write(|w| {
            let p = open_period(w.conn, year)?;
            let entry = checked_entry(&name, e)?;
            let id = insert_entry(w, &p, e.scheme, &entry, None)?;
            run::check_written(w.conn, &name, &p, &[(Table::Ledger, id, Origin::Typed)])?;
            Ok(id)
        })?;
        self.ets_ledger_entry(id)
    }

    /// Replace a ledger movement's values (audited, with the reason if given).
    pub fn update_ets_ledger_entry(
        &mut self,
        id: i64,
        e: &EtsLedgerInput,
        reason: Option<&str>,
    ) -> Result<EtsLedgerEntry, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = open_row(w.conn, Table::Ledger, id, "changed")?;
            let old = w.row("ets_ledger", id)?;
            let x = checked_entry(&name, e)?;
            let v = EntryValues::of(&x);
            w.conn.execute(
                "UPDATE ets_ledger SET scheme = ?1, enterprise = ?2, date = ?3, kind = ?4, quantity_t = ?5, instrument = ?6, price = ?7, currency = ?8, vintage = ?9, project = ?10, evidence = ?11 WHERE id = ?12",
                params![e.scheme.as_str(), x.enterprise, v.date, x.kind.as_str(), v.quantity_t, x.instrument, v.price, x.currency, x.vintage, x.project, x.evidence, id],
            )?;
            run::check_written(w.conn, &name, &p, &[(Table::Ledger, id, Origin::Typed)])?;
            if w.row("ets_ledger", id)? != old {
                w.log("update", "ets_ledger", id, old.as_deref(), reason)?;
            }
            Ok(())
        })?;
        self.ets_ledger_entry(id)
    }

    /// Remove a ledger movement (audited). Refused when the ledger then fails (a later surrender
    /// beyond what is left).
    pub fn delete_ets_ledger_entry(&mut self, id: i64, reason: Option<&str>) -> Result<(), StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = open_row(w.conn, Table::Ledger, id, "deleted")?;
            let old = w.row("ets_ledger", id)?;
            w.conn.execute("DELETE FROM ets_ledger WHERE id = ?1", [id])?;
            w.log("delete", "ets_ledger", id, old.as_deref(), reason)?;
            run::check_written(w.conn, &name, &p, &[])
        })
    }

    pub fn ets_ledger_entry(&self, id: i64) -> Result<EtsLedgerEntry, StoreError> {
        self.read(|c| {
            c.query_row(&format!("{LEDGER_SELECT} WHERE l.id = ?1"), [id], entry_from_row)
                .optional()?
                .ok_or_else(|| refuse_at(Code::UnknownRecord, "id", format!("there is no ledger entry {id}")))
        })
    }

    /// The current ledger of period `year` (every scheme), in the order it was entered.
    pub fn ets_ledger(&self, year: i32) -> Result<Vec<EtsLedgerEntry>, StoreError> {
        self.ets_ledger_with(year, false)
    }

    /// The ledger of period `year` in the order it was entered: the current movements, or with
    /// `all` the superseded ones too.
    pub fn ets_ledger_with(&self, year: i32, all: bool) -> Result<Vec<EtsLedgerEntry>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            let filter = if all { "" } else { " AND l.status = 'current'" };
            let mut stmt = c.prepare(&format!("{LEDGER_SELECT} WHERE l.period_id = ?1{filter} ORDER BY l.id"))?;
            let rows = stmt.query_map([p.id], entry_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Import a LEDGER.csv of `scheme` into period `year`, all or nothing; read as `scopebook
    /// position --ledger` reads it, its findings located in the file (`file` names it).
    pub fn import_ets_ledger(
        &mut self,
        year: i32,
        scheme: EtsScheme,
        file: &str,
        bytes: &[u8],
    ) -> Result<Vec<i64>, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = open_period(w.conn, year)?;
            let mut diags = Vec::new();
            let entries = aledger::read(file, bytes, &mut diags);
            errors_only(diags)?;
            let mut written = Vec::new();
            for e in &entries {
                let id = insert_entry(w, &p, scheme, e, None)?;
                written.push((Table::Ledger, id, Origin::Line(file.to_string(), e.line)));
            }
            run::check_written(w.conn, &name, &p, &written)?;
            Ok(written.into_iter().map(|(_, id, _)| id).collect())
        })
    }
}

/// Which table a written row is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Table {
    Unit,
    Ledger,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Unit => "ets_unit",
            Table::Ledger => "ets_ledger",
        }
    }

    /// What a row is called in messages.
    fn what(self) -> &'static str {
        match self {
            Table::Unit => "ETS unit",
            Table::Ledger => "ledger entry",
        }
    }

    /// The command that restates a row.
    fn command(self) -> &'static str {
        match self {
            Table::Unit => "ets unit",
            Table::Ledger => "ets ledger",
        }
    }
}

/// A period that may change: refused (`period-locked`) when it is locked.
fn open_period(c: &Connection, year: i32) -> Result<ReportingPeriod, Fail> {
    let p = period_by_year(c, year)?;
    if p.status == PeriodStatus::Locked {
        return Err(locked(
            &p,
            "its ETS units, ledger and registry figures cannot be added, changed or deleted; a correction is a restatement (`scopebook ets unit|ledger|registry restate`)",
        ));
    }
    Ok(p)
}

/// The period of a stored unit or ledger entry, and the row's status.
fn row_period(c: &Connection, table: Table, id: i64) -> Result<(ReportingPeriod, RecordStatus), Fail> {
    let found: Option<(i64, String)> = c
        .query_row(&format!("SELECT period_id, status FROM {} WHERE id = ?1", table.name()), [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (period_id, status) =
        found.ok_or_else(|| refuse_at(Code::UnknownRecord, "id", format!("there is no {} {id}", table.what())))?;
    let p = c.query_row(&format!("{PERIOD_SELECT} WHERE id = ?1"), [period_id], period_from_row)?;
    let status = record_status(&status).ok_or_else(|| unknown_record_status(&status))?;
    Ok((p, status))
}

/// The period of a unit or ledger entry to be `done` (changed, deleted): refused when the period
/// is locked (a correction is a restatement) or the row was restated.
fn open_row(c: &Connection, table: Table, id: i64, done: &str) -> Result<ReportingPeriod, Fail> {
    let (p, status) = row_period(c, table, id)?;
    if p.status == PeriodStatus::Locked {
        return Err(locked(
            &p,
            &format!(
                "{} {id} cannot be {done}; correct it with `scopebook {} restate --id {id}`",
                table.what(),
                table.command()
            ),
        ));
    }
    if status == RecordStatus::Superseded {
        return Err(refuse_at(
            Code::InvalidState,
            "id",
            format!("{} {id} was restated and is kept as it was", table.what()),
        ));
    }
    if done == "deleted" {
        let named: i64 =
            c.query_row(&format!("SELECT count(*) FROM {} WHERE supersedes = ?1", table.name()), [id], |r| r.get(0))?;
        if named > 0 {
            return Err(refuse_at(
                Code::InvalidState,
                "id",
                format!("{} {id} is named by a restatement", table.what()),
            ));
        }
    }
    Ok(p)
}

/// The audit action and reason of a new row: `create`, or `restate` with the reason when it
/// restates another.
fn created(restates: Option<(i64, &str)>) -> (&'static str, Option<&str>) {
    match restates {
        Some((_, reason)) => ("restate", Some(reason)),
        None => ("create", None),
    }
}

/// The first locked period holding units of a facility.
fn locked_year_of_facility(c: &Connection, facility: i64) -> Result<Option<i32>, Fail> {
    Ok(c.query_row(
        "SELECT min(p.year) FROM ets_unit u JOIN period p ON p.id = u.period_id WHERE u.facility_id = ?1 AND p.status = 'locked'",
        [facility],
        |r| r.get(0),
    )?)
}

/// Every open (period, scheme) that holds units, ledger entries or registry figures.
fn periods_with_ets_data(c: &Connection) -> Result<Vec<(ReportingPeriod, EtsScheme)>, Fail> {
    let mut stmt = c.prepare(
        "SELECT DISTINCT p.year, e.scheme FROM ets_unit u JOIN period p ON p.id = u.period_id JOIN ets_facility e ON e.facility_id = u.facility_id WHERE p.status != 'locked' AND u.status = 'current'
         UNION SELECT DISTINCT p.year, l.scheme FROM ets_ledger l JOIN period p ON p.id = l.period_id WHERE p.status != 'locked' AND l.status = 'current'
         UNION SELECT DISTINCT p.year, 'eu-ets' FROM ets_registry r JOIN period p ON p.id = r.period_id WHERE p.status != 'locked' AND r.status = 'current'",
    )?;
    let pairs: Vec<(i32, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (year, scheme) in pairs {
        out.push((period_by_year(c, year)?, scheme_stored(&scheme)?));
    }
    Ok(out)
}

pub(crate) fn scheme_stored(text: &str) -> Result<EtsScheme, UnknownStored> {
    EtsScheme::parse(text).ok_or_else(|| UnknownStored::new("a scheme", "scheme", text, &["cn-ets", "eu-ets"]))
}

/// A shipped China plan, or the refusal naming the shipped ones (located at `plan`).
pub(crate) fn shipped_plan(id: &str) -> Result<Plan, Fail> {
    Plan::shipped(id.trim()).map_err(|d| refuse_at(d.code, "plan", d.message))
}

/// Only the errors of a reading, as a refusal; warnings (a column the format does not name)
/// do not stop it.
fn errors_only(diags: Vec<Diagnostic>) -> Result<(), Fail> {
    let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Fail::Rows(errors))
    }
}

/// A one-row CSV of `header` and `cells`, read by `read`: the allowance crate's own checks of a
/// typed row. Its findings are located at the field (column) in the inventory file `name`.
fn read_typed<T>(
    name: &str,
    header: &[&str],
    cells: &[&str],
    read: impl FnOnce(&str, &[u8], &mut Vec<Diagnostic>) -> Vec<T>,
) -> Result<T, Fail> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let bytes = w
        .write_record(header)
        .and_then(|()| w.write_record(cells))
        .map_err(|e| e.to_string())
        .and_then(|()| w.into_inner().map_err(|e| e.to_string()))
        .map_err(|e| refuse_at(Code::InvalidValue, "unit", format!("the row cannot be written as CSV: {e}")))?;
    let mut diags = Vec::new();
    let mut rows = read(name, &bytes, &mut diags);
    let errors: Vec<Diagnostic> = diags
        .into_iter()
        .filter(Diagnostic::is_error)
        .map(|mut d| {
            d.location = Location { file: name.to_string(), row: None, column: d.location.column };
            d
        })
        .collect();
    match rows.pop() {
        Some(row) if errors.is_empty() => Ok(row),
        _ => Err(Fail::Rows(errors)),
    }
}

/// A registered facility's id, scheme, enterprise and default plan, by code.
fn registration(c: &Connection, code: &str) -> Result<(i64, EtsScheme, String, Option<String>), Fail> {
    let (id, _) = facility_id(c, code.trim(), "facility")?;
    let row: Option<(String, String, Option<String>)> = c
        .query_row("SELECT scheme, enterprise, plan FROM ets_facility WHERE facility_id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let (scheme, enterprise, plan) = row.ok_or_else(|| {
        refuse_at(
            Code::UnknownRecord,
            "facility",
            format!("facility '{}' is not registered under an ETS (`scopebook ets facility set`)", code.trim()),
        )
    })?;
    Ok((id, scheme_stored(&scheme)?, enterprise, plan))
}

/// The plan a unit is entered under: China needs one (given, else the facility's); the EU none.
fn unit_plan(
    scheme: EtsScheme,
    given: Option<&str>,
    default: Option<String>,
    origin: &Origin,
) -> Result<Option<String>, Fail> {
    let given = given.map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
    match scheme {
        EtsScheme::EuEts if given.is_some() => Err(located(
            origin,
            Code::InvalidValue,
            "plan",
            "the EU ETS takes no plan: its rules are shipped (allowance-plans/eu-ets)".into(),
        )),
        EtsScheme::EuEts => Ok(None),
        EtsScheme::CnEts => {
            let Some(plan) = given.or(default) else {
                return Err(located(
                    origin,
                    Code::MissingValue,
                    "plan",
                    "the unit's plan is empty and its facility names none (`scopebook ets facility set --plan`)".into(),
                ));
            };
            shipped_plan(&plan)?;
            Ok(Some(plan))
        }
    }
}

/// A refusal located as `origin` says: the field, or the imported file's line and column.
fn located(origin: &Origin, code: Code, column: &'static str, message: String) -> Fail {
    match origin {
        Origin::Typed => refuse_at(code, column, message),
        Origin::Line(file, line) => {
            Fail::Rows(vec![Diagnostic::error(code, Location::cell(file, *line, column), message)])
        }
    }
}

/// A typed unit checked by `allowance::units`: its facility, plan and row.
fn checked_unit(
    c: &Connection,
    name: &str,
    u: &EtsUnitInput,
    origin: &Origin,
) -> Result<(i64, Option<String>, UnitRow), Fail> {
    let (facility, scheme, enterprise, default_plan) = registration(c, &u.facility)?;
    let plan = unit_plan(scheme, u.plan.as_deref(), default_plan, origin)?;
    let cell = |o: &Option<String>| o.clone().unwrap_or_default();
    let cells = [
        enterprise,
        u.unit.clone(),
        u.unit_class.clone(),
        cell(&u.cooling),
        cell(&u.output_mwh),
        cell(&u.heat_gj),
        cell(&u.heat_supply_ratio),
        cell(&u.load_factor),
        u.verified_t.clone(),
        cell(&u.allocation_t),
    ];
    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
    let row = read_typed(name, run::UNIT_COLUMNS, &cells, aunits::read)?;
    Ok((facility, plan, row))
}

/// A typed ledger movement checked by `allowance::ledger`.
fn checked_entry(name: &str, e: &EtsLedgerInput) -> Result<Entry, Fail> {
    let cell = |o: &Option<String>| o.clone().unwrap_or_default();
    let cells = [
        e.enterprise.clone(),
        e.date.clone(),
        e.kind.clone(),
        e.quantity_t.clone(),
        e.instrument.clone(),
        cell(&e.price),
        cell(&e.currency),
        cell(&e.vintage),
        cell(&e.project),
        cell(&e.evidence),
    ];
    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
    read_typed(name, run::LEDGER_COLUMNS, &cells, aledger::read)
}

/// A unit's numbers as stored: exact decimal text; an empty heat cell (none) is NULL.
struct UnitValues {
    output_mwh: Option<String>,
    heat_gj: Option<String>,
    heat_supply_ratio: Option<String>,
    load_factor: Option<String>,
    verified_t: String,
    allocation_t: Option<String>,
}

impl UnitValues {
    fn of(r: &UnitRow) -> UnitValues {
        let nonzero = |d: rust_decimal::Decimal| Some(d).filter(|d| !d.is_zero()).map(|d| d.to_string());
        UnitValues {
            output_mwh: r.output_mwh.map(|d| d.to_string()),
            heat_gj: nonzero(r.heat_gj),
            heat_supply_ratio: nonzero(r.heat_supply_ratio),
            load_factor: r.load_factor.map(|d| d.to_string()),
            verified_t: r.verified_t.to_string(),
            allocation_t: r.allocation_t.map(|d| d.to_string()),
        }
    }
}

struct EntryValues {
    date: String,
    quantity_t: String,
    price: Option<String>,
}

impl EntryValues {
    fn of(e: &Entry) -> EntryValues {
        EntryValues {
            date: e.date.to_string(),
            quantity_t: e.quantity_t.to_string(),
            price: e.price.map(|p| p.to_string()),
        }
    }
}

/// Store a new unit of period `p` (restating `restates.0`, for `restates.1`, when given).
fn insert_unit_row(
    w: &mut Tx<'_>,
    p: &ReportingPeriod,
    facility: i64,
    plan: Option<&str>,
    row: &UnitRow,
    restates: Option<(i64, &str)>,
) -> Result<i64, Fail> {
    let v = UnitValues::of(row);
    let (supersedes, reason) = (restates.map(|r| r.0), restates.map(|r| r.1));
    w.conn.execute(
        "INSERT INTO ets_unit (period_id, facility_id, plan, unit, unit_class, cooling, output_mwh, heat_gj, heat_supply_ratio, load_factor, verified_t, allocation_t, created_at, status, supersedes, restatement_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'current', ?14, ?15)",
        params![p.id, facility, plan, row.unit, row.class, row.cooling, v.output_mwh, v.heat_gj, v.heat_supply_ratio, v.load_factor, v.verified_t, v.allocation_t, w.at, supersedes, reason],
    )?;
    let id = w.conn.last_insert_rowid();
    let (action, reason) = created(restates);
    w.log(action, "ets_unit", id, None, reason)?;
    Ok(id)
}

fn insert_unit(
    w: &mut Tx<'_>,
    name: &str,
    p: &ReportingPeriod,
    u: &EtsUnitInput,
    origin: &Origin,
) -> Result<i64, Fail> {
    let (facility, plan, row) = checked_unit(w.conn, name, u, origin)?;
    insert_unit_row(w, p, facility, plan.as_deref(), &row, None)
}

/// An imported unit: to `facility` if given (its enterprise must be the row's), else to the one
/// facility registered as the row's enterprise.
fn import_unit(
    w: &mut Tx<'_>,
    p: &ReportingPeriod,
    row: &UnitRow,
    facility: Option<&str>,
    plan: Option<&str>,
    origin: &Origin,
) -> Result<i64, Fail> {
    let code = match facility {
        Some(code) => code.trim().to_string(),
        None => {
            let mut stmt = w.conn.prepare_cached(
                "SELECT f.code FROM ets_facility e JOIN facility f ON f.id = e.facility_id WHERE e.enterprise = ?1 ORDER BY f.code",
            )?;
            let codes: Vec<String> = stmt.query_map([&row.enterprise], |r| r.get(0))?.collect::<Result<_, _>>()?;
            match codes.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(located(
                        origin,
                        Code::UnknownRecord,
                        "enterprise",
                        format!("no facility is registered as enterprise '{}' (`scopebook ets facility set`), and no --facility was given", row.enterprise),
                    ))
                }
                many => {
                    return Err(located(
                        origin,
                        Code::InvalidValue,
                        "enterprise",
                        format!("enterprise '{}' has several registered facilities ({}); import its units with --facility", row.enterprise, many.join(", ")),
                    ))
                }
            }
        }
    };
    let (id, scheme, enterprise, default_plan) = registration(w.conn, &code)?;
    if enterprise != row.enterprise {
        return Err(located(
            origin,
            Code::InvalidValue,
            "enterprise",
            format!(
                "the row's enterprise is '{}', but facility '{code}' is registered as '{enterprise}'",
                row.enterprise
            ),
        ));
    }
    let plan = unit_plan(scheme, plan, default_plan, origin)?;
    insert_unit_row(w, p, id, plan.as_deref(), row, None)
}

/// Store a new movement of period `p` (restating `restates.0`, for `restates.1`, when given).
fn insert_entry(
    w: &mut Tx<'_>,
    p: &ReportingPeriod,
    scheme: EtsScheme,
    e: &Entry,
    restates: Option<(i64, &str)>,
) -> Result<i64, Fail> {
    let v = EntryValues::of(e);
    let (supersedes, reason) = (restates.map(|r| r.0), restates.map(|r| r.1));
    w.conn.execute(
        "INSERT INTO ets_ledger (period_id, scheme, enterprise, date, kind, quantity_t, instrument, price, currency, vintage, project, evidence, created_at, status, supersedes, restatement_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'current', ?14, ?15)",
        params![p.id, scheme.as_str(), e.enterprise, v.date, e.kind.as_str(), v.quantity_t, e.instrument, v.price, e.currency, e.vintage, e.project, e.evidence, w.at, supersedes, reason],
    )?;
    let id = w.conn.last_insert_rowid();
    let (action, reason) = created(restates);
    w.log(action, "ets_ledger", id, None, reason)?;
    Ok(id)
}
