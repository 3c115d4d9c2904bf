//! A period's contractual instruments for market-based Scope 2 (issue 14, decision 0043): the
//! rows of the file mode's INSTR.csv kept per facility and period, and what a calculation of the
//! period takes from them and from the period's Scope 3 category statuses ([`scope3`]).
//!
//! A file is imported all or nothing through the file mode's own reader
//! (`market::read_instruments`): a bad cell is refused at its file line and column, as `calc
//! --instruments` refuses it, and so is a facility the store does not know. A row is stored as
//! the reader understood it: the kind, dates and market by their canonical text, the decimals
//! as their exact text (scale kept). Every row is audited; a locked period's instruments never
//! change (the store refuses it, and so do the triggers of schema 9).
//!
//! **What a calculation takes** ([`with_stored_inputs`]): the period's instruments exported as
//! an INSTR.csv (named `instruments YEAR`, in the order stored) and read back by the same
//! reader, then allocated by `Run::with_instruments`; the statuses exported as a status file
//! (`scope3-status YEAR`) and given to `Run::with_scope3_status`; both files recorded in the
//! report's `inputs.factor_files` with their SHA-256. That is `scopebook calc` of the exported
//! records with `--instruments` and `--scope3-status` of the exported files, byte for byte.

use rusqlite::{params, Connection, OptionalExtension};
use scopebook_core::classify::Scope2Category;
use scopebook_core::dataset::sha256_hex;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;
use scopebook_core::market::{read_instruments, yes_no, Instrument, OPTIONAL_COLUMNS, REQUIRED_COLUMNS};
use scopebook_core::report::InputFile;
use scopebook_core::run::Run;
use serde::Serialize;

use crate::error::{locked, refuse_at, Fail, StoreError};
use crate::model::{PeriodStatus, ReportingPeriod};
use crate::periods::{period_by_year, period_from_row, PERIOD_SELECT};
use crate::scope3;
use crate::write::Tx;
use crate::Store;

/// The columns of an instruments export: INSTR.csv's, in the file mode's order. The last
/// [`LATER_COLUMNS`] (schema 10) are written only when one of the period's instruments fills
/// them, so a period stored before keeps its exported bytes (and its snapshot's input hash).
pub const INSTRUMENT_COLUMNS: [&str; 17] = {
    let mut out = [""; 17];
    let mut k = 0;
    while k < 17 {
        out[k] =
            if k < REQUIRED_COLUMNS.len() { REQUIRED_COLUMNS[k] } else { OPTIONAL_COLUMNS[k - REQUIRED_COLUMNS.len()] };
        k += 1;
    }
    out
};
const _: () = assert!(
    REQUIRED_COLUMNS.len() + OPTIONAL_COLUMNS.len() == 17,
    "the instruments file changed: INSTRUMENT_COLUMNS and the instrument table must list every column"
);
/// How many of [`INSTRUMENT_COLUMNS`], at its end, schemas 10 and 11 added: `contract_date`,
/// `ccer_claimed` (10); `energy`, `gj` (11).
pub const LATER_COLUMNS: usize = 4;
/// How many of them schema 11 added (the last ones).
const SCHEMA_11_COLUMNS: usize = 2;

/// One stored instrument: an INSTR.csv row of a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstrumentRow {
    pub id: i64,
    pub year: i32,
    pub facility: String,
    pub instrument: String,
    pub mwh: String,
    pub emission_rate_kg_per_mwh: String,
    pub generation_start: String,
    pub generation_end: String,
    pub market: Option<String>,
    pub registry: Option<String>,
    pub serial_from: Option<String>,
    pub serial_to: Option<String>,
    pub retired_on: Option<String>,
    pub beneficiary: Option<String>,
    pub evidence: Option<String>,
    /// `YYYY-MM-DD`, schema 10.
    pub contract_date: Option<String>,
    /// `yes` or `no`, schema 10.
    pub ccer_claimed: Option<String>,
    /// `heat`, `steam` or `cooling`; `None` for electricity. Schema 11.
    pub energy: Option<String>,
    /// Heat, steam or cooling in GJ (its `mwh` is then empty). Schema 11.
    pub gj: Option<String>,
    /// `superseded` once restated in a locked period (schema 11); left out of the JSON while
    /// `current`, as are the two columns after it while empty.
    #[serde(skip_serializing_if = "is_current")]
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restatement_reason: Option<String>,
}

fn is_current(status: &str) -> bool {
    status == "current"
}

impl InstrumentRow {
    /// The row's cells in [`INSTRUMENT_COLUMNS`] order.
    pub fn cells(&self) -> [&str; 17] {
        fn o(v: &Option<String>) -> &str {
            v.as_deref().unwrap_or("")
        }
        [
            &self.facility,
            &self.instrument,
            &self.mwh,
            &self.emission_rate_kg_per_mwh,
            &self.generation_start,
            &self.generation_end,
            o(&self.market),
            o(&self.registry),
            o(&self.serial_from),
            o(&self.serial_to),
            o(&self.retired_on),
            o(&self.beneficiary),
            o(&self.evidence),
            o(&self.contract_date),
            o(&self.ccer_claimed),
            o(&self.energy),
            o(&self.gj),
        ]
    }

    /// How many of [`LATER_COLUMNS`] its export needs: none, schema 10's, or all.
    fn later_columns(&self) -> usize {
        if self.energy.is_some() || self.gj.is_some() {
            LATER_COLUMNS
        } else if self.contract_date.is_some() || self.ccer_claimed.is_some() {
            LATER_COLUMNS - SCHEMA_11_COLUMNS
        } else {
            0
        }
    }
}

const SELECT: &str = "SELECT x.id, p.year, f.code, x.instrument, x.mwh, x.emission_rate_kg_per_mwh,
       x.generation_start, x.generation_end, x.market, x.registry, x.serial_from, x.serial_to,
       x.retired_on, x.beneficiary, x.evidence, x.contract_date, x.ccer_claimed, x.energy, x.gj,
       x.status, x.supersedes, x.restatement_reason
     FROM instrument x JOIN period p ON p.id = x.period_id JOIN facility f ON f.id = x.facility_id";

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<InstrumentRow> {
    Ok(InstrumentRow {
        id: r.get(0)?,
        year: r.get(1)?,
        facility: r.get(2)?,
        instrument: r.get(3)?,
        mwh: r.get(4)?,
        emission_rate_kg_per_mwh: r.get(5)?,
        generation_start: r.get(6)?,
        generation_end: r.get(7)?,
        market: r.get(8)?,
        registry: r.get(9)?,
        serial_from: r.get(10)?,
        serial_to: r.get(11)?,
        retired_on: r.get(12)?,
        beneficiary: r.get(13)?,
        evidence: r.get(14)?,
        contract_date: r.get(15)?,
        ccer_claimed: r.get(16)?,
        energy: r.get(17)?,
        gj: r.get(18)?,
        status: r.get(19)?,
        supersedes: r.get(20)?,
        restatement_reason: r.get(21)?,
    })
}

/// The current instruments of period `period_id` (a restated one's restatement in its place),
/// in the order stored.
pub(crate) fn stored(c: &Connection, period_id: i64) -> Result<Vec<InstrumentRow>, Fail> {
    let mut stmt =
        c.prepare_cached(&format!("{SELECT} WHERE x.period_id = ?1 AND x.status = 'current' ORDER BY x.id"))?;
    let rows = stmt.query_map([period_id], row_from)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A period's instruments as an INSTR.csv (header, then a row each, in the order stored).
pub(crate) fn export_rows(rows: &[InstrumentRow]) -> Result<Vec<u8>, Fail> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_fail = |e: csv::Error| crate::error::refuse(Code::DatabaseError, format!("writing the export: {e}"));
    let later = rows.iter().map(InstrumentRow::later_columns).max().unwrap_or(0);
    let n = INSTRUMENT_COLUMNS.len() - LATER_COLUMNS + later;
    w.write_record(&INSTRUMENT_COLUMNS[..n]).map_err(csv_fail)?;
    for r in rows {
        w.write_record(&r.cells()[..n]).map_err(csv_fail)?;
    }
    w.into_inner().map_err(|e| crate::error::refuse(Code::DatabaseError, format!("writing the export: {e}")))
}

/// The name a period's instruments go by in a calculation's findings and inputs.
pub fn instruments_file(year: i32) -> String {
    format!("instruments {year}")
}

/// A period that is open to changes of its instruments or statuses, by year.
pub(crate) fn open_period(c: &Connection, year: i32, what: &str) -> Result<ReportingPeriod, Fail> {
    let p = period_by_year(c, year)?;
    if p.status == PeriodStatus::Locked {
        return Err(locked(&p, what));
    }
    Ok(p)
}

const LOCKED: &str =
    "its instruments cannot be added or deleted; correct one with `scopebook instrument restate --id N --reason R FILE`";

/// The id of instrument `i`'s facility (read from `file`), or the finding that there is none.
fn facility_of(c: &Connection, file: &str, i: &Instrument) -> Result<Result<i64, Diagnostic>, Fail> {
    let found: Option<i64> =
        c.query_row("SELECT id FROM facility WHERE code = ?1", [&i.facility], |r| r.get(0)).optional()?;
    Ok(found.ok_or_else(|| {
        Diagnostic::error(
            Code::UnknownRecord,
            Location::cell(file, i.row, "facility"),
            format!("there is no facility '{}' (see `scopebook facility list`)", i.facility),
        )
    }))
}

/// Store one instrument read by the file mode's reader; its facility is `facility_id`;
/// `restates` the instrument it restates and why.
fn insert(
    w: &mut Tx<'_>,
    p: &ReportingPeriod,
    facility_id: i64,
    i: &Instrument,
    restates: Option<(i64, &str)>,
) -> Result<i64, Fail> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    w.conn.execute(
        "INSERT INTO instrument (period_id, facility_id, instrument, mwh, emission_rate_kg_per_mwh,
             generation_start, generation_end, market, registry, serial_from, serial_to, retired_on,
             beneficiary, evidence, contract_date, ccer_claimed, energy, gj, supersedes, restatement_reason,
             created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        params![
            p.id,
            facility_id,
            i.instrument.as_str(),
            i.mwh.map(|m| m.to_string()).unwrap_or_default(),
            i.emission_rate_kg_per_mwh.to_string(),
            i.generation_start.to_string(),
            i.generation_end.to_string(),
            i.market.as_ref().map(ToString::to_string),
            i.registry,
            i.serial_from,
            i.serial_to,
            date(i.retired_on),
            i.beneficiary,
            i.evidence,
            date(i.contract_date),
            i.ccer_claimed.map(yes_no),
            (i.energy != Scope2Category::Electricity).then(|| i.energy.as_str()),
            i.gj.map(|g| g.to_string()),
            restates.map(|r| r.0),
            restates.map(|r| r.1),
            w.at,
        ],
    )?;
    let id = w.conn.last_insert_rowid();
    match restates {
        Some((_, reason)) => w.log("restate", "instrument", id, None, Some(reason))?,
        None => w.log("create", "instrument", id, None, None)?,
    };
    Ok(id)
}

impl Store {
    /// Correct instrument `id` of a locked period (decision 0058), as a record is restated
    /// (decision 0011): `bytes` (`file` names it in findings) is an INSTR.csv holding the one
    /// corrected row, read by the file mode's reader; the original stays, marked superseded, and
    /// the new row, naming it and the reason, takes its place in the period's calculation. Both
    /// are audited (`restate`). An open period's instruments are deleted and imported again.
    pub fn restate_instrument(
        &mut self,
        id: i64,
        file: &str,
        bytes: &[u8],
        reason: &str,
    ) -> Result<InstrumentRow, StoreError> {
        let new_id = self.write(|w| {
            let reason = crate::text::non_empty(reason, "reason", "the reason for the restatement")?;
            let row: Option<(i64, String)> = w
                .conn
                .query_row("SELECT period_id, status FROM instrument WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            let (period_id, status) =
                row.ok_or_else(|| refuse_at(Code::UnknownRecord, "id", format!("there is no instrument {id}")))?;
            let p = w.conn.query_row(&format!("{PERIOD_SELECT} WHERE id = ?1"), [period_id], period_from_row)?;
            if p.status != PeriodStatus::Locked {
                return Err(refuse_at(
                    Code::InvalidState,
                    "id",
                    format!("period {} is open: delete instrument {id} and import the corrected row; restatements are for locked periods", p.year),
                ));
            }
            if status != "current" {
                let by: Option<i64> = w
                    .conn
                    .query_row("SELECT id FROM instrument WHERE supersedes = ?1", [id], |r| r.get(0))
                    .optional()?;
                return Err(refuse_at(
                    Code::InvalidState,
                    "id",
                    match by {
                        Some(b) => format!("instrument {id} was already restated by instrument {b}; restate instrument {b}"),
                        None => format!("instrument {id} is superseded"),
                    },
                ));
            }
            let (list, diags) = read_instruments(file, bytes);
            let problems: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
            if !problems.is_empty() {
                return Err(Fail::Rows(problems));
            }
            let [i] = list.as_slice() else {
                return Err(Fail::Rows(vec![Diagnostic::error(
                    Code::InvalidValue,
                    Location::file(file),
                    format!("a restatement replaces one instrument: the file must hold one row, not {}", list.len()),
                )]));
            };
            let facility = facility_of(w.conn, file, i)?.map_err(|d| Fail::Rows(vec![d]))?;
            w.supersede("instrument", "status", id, &reason)?;
            insert(w, &p, facility, i, Some((id, &reason)))
        })?;
        self.read(|c| Ok(c.query_row(&format!("{SELECT} WHERE x.id = ?1"), [new_id], row_from)?))
    }

    /// Import an INSTR.csv (`file` names it in findings) into period `year`: all or nothing.
    /// Every row is read by the file mode's reader; a bad cell, or a facility the store does
    /// not know, refuses the file with every problem located at its line and column.
    /// Allocation findings (a serial used twice, more MWh than consumed) are the
    /// calculation's, as in the file mode: the rows are kept as the user's evidence.
    pub fn import_instruments(
        &mut self,
        year: i32,
        file: &str,
        bytes: &[u8],
    ) -> Result<Vec<InstrumentRow>, StoreError> {
        let ids = self.write(|w| {
            let p = open_period(w.conn, year, LOCKED)?;
            let (list, diags) = read_instruments(file, bytes);
            let mut problems: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
            let mut facilities = Vec::with_capacity(list.len());
            for i in &list {
                match facility_of(w.conn, file, i)? {
                    Ok(f) => facilities.push(Some(f)),
                    Err(d) => {
                        problems.push(d);
                        facilities.push(None);
                    }
                }
            }
            if !problems.is_empty() {
                problems.sort_by_key(|d| d.location.row);
                return Err(Fail::Rows(problems));
            }
            if list.is_empty() {
                return Err(Fail::Rows(vec![Diagnostic::error(
                    Code::EmptyFile,
                    Location::file(file),
                    "the file has a header but no instruments",
                )]));
            }
            let mut ids = Vec::with_capacity(list.len());
            for (i, f) in list.iter().zip(facilities) {
                if let Some(f) = f {
                    ids.push(insert(w, &p, f, i, None)?);
                }
            }
            Ok(ids)
        })?;
        self.read(|c| {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.push(c.query_row(&format!("{SELECT} WHERE x.id = ?1"), [id], row_from)?);
            }
            Ok(out)
        })
    }

    /// The current instruments of period `year`, in the order stored.
    pub fn instruments(&self, year: i32) -> Result<Vec<InstrumentRow>, StoreError> {
        self.instruments_with(year, false)
    }

    /// The instruments of period `year` in the order stored: the current ones, or with `all`
    /// the superseded ones too.
    pub fn instruments_with(&self, year: i32, all: bool) -> Result<Vec<InstrumentRow>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            if !all {
                return stored(c, p.id);
            }
            let mut stmt = c.prepare_cached(&format!("{SELECT} WHERE x.period_id = ?1 ORDER BY x.id"))?;
            let rows = stmt.query_map([p.id], row_from)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The instruments of period `year` as an INSTR.csv: what `scopebook calc --instruments`
    /// reads, and what a calculation of the period reads.
    pub fn export_instruments(&self, year: i32) -> Result<Vec<u8>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            export_rows(&stored(c, p.id)?)
        })
    }

    /// Delete instrument `id` (audited, with the reason if given); refused in a locked period.
    pub fn delete_instrument(&mut self, id: i64, reason: Option<&str>) -> Result<(), StoreError> {
        self.write(|w| {
            let period_id: Option<i64> =
                w.conn.query_row("SELECT period_id FROM instrument WHERE id = ?1", [id], |r| r.get(0)).optional()?;
            let period_id = period_id
                .ok_or_else(|| refuse_at(Code::UnknownRecord, "id", format!("there is no instrument {id}")))?;
            let p = w.conn.query_row(&format!("{PERIOD_SELECT} WHERE id = ?1"), [period_id], period_from_row)?;
            if p.status == PeriodStatus::Locked {
                return Err(locked(&p, LOCKED));
            }
            let old = w.row("instrument", id)?;
            w.conn.execute("DELETE FROM instrument WHERE id = ?1", [id])?;
            w.log("delete", "instrument", id, old.as_deref(), reason)?;
            Ok(())
        })
    }
}

/// A calculation of period `p` with what the period stores beyond its records (decision 0043):
/// its instruments allocated to the facilities' electricity, and the Scope 3 view with its
/// category statuses, as `scopebook calc --instruments FILE --scope3-status FILE` gives them for
/// the exported files. A period that stores neither, and none of whose records gives a Scope 3
/// column, keeps the document it had before schema 9 (so a snapshot taken before compares
/// identical).
pub(crate) fn with_stored_inputs(
    c: &Connection,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    run: Run,
    scope3_columns: bool,
) -> Result<Run, Fail> {
    let rows = stored(c, p.id)?;
    let statuses = scope3::stored(c, p.id)?;
    if rows.is_empty() && statuses.is_empty() && !scope3_columns {
        return Ok(run);
    }
    let mut run = run;
    let mut files = Vec::new();
    if !rows.is_empty() {
        let file = instruments_file(p.year);
        let bytes = export_rows(&rows)?;
        let (list, diags) = read_instruments(&file, &bytes);
        if let Some(d) = diags.into_iter().find(Diagnostic::is_error) {
            return Err(crate::error::refuse(
                Code::DatabaseError,
                format!(
                    "a stored instrument no longer reads ({d}): the file was changed by another program or is damaged"
                ),
            ));
        }
        run = run.with_instruments(lib, &list, &file);
        files.push(InputFile { file, sha256: sha256_hex(&bytes) });
    }
    let mut entries = Vec::new();
    if !statuses.is_empty() {
        let file = scope3::status_file(p.year);
        let bytes = scope3::export_rows(&statuses)?;
        let (list, diags) = scopebook_core::scope3::read_status(&file, &bytes);
        if let Some(d) = diags.into_iter().find(Diagnostic::is_error) {
            return Err(crate::error::refuse(
                Code::DatabaseError,
                format!("a stored Scope 3 status no longer reads ({d}): the file was changed by another program or is damaged"),
            ));
        }
        entries = list;
        files.push(InputFile { file, sha256: sha256_hex(&bytes) });
    }
    let run = run.with_scope3_status(entries);
    Ok(if files.is_empty() { run } else { run.with_factor_files(files, Vec::new()) })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::testing::{store, TempDir};

    const HEAD: &str = "facility,instrument,mwh,emission_rate_kg_per_mwh,generation_start,generation_end,market,registry,serial_from,serial_to,retired_on,beneficiary,evidence\n";

    #[test]
    fn a_row_is_stored_as_the_reader_understood_it_and_its_facility_stays() {
        let dir = TempDir::new("instruments");
        let mut s = store(&dir);
        let file = format!("{HEAD}SZ, GEC ,3000.50,0,2023-01-01,2023-06-30,cn,,,,,,\n");
        let rows = s.import_instruments(2023, "i.csv", file.as_bytes()).unwrap();
        // The kind and market by their canonical text, the decimals exact with their scale.
        assert_eq!(
            (rows[0].instrument.as_str(), rows[0].mwh.as_str(), rows[0].market.as_deref(), rows[0].registry.as_deref()),
            ("gec", "3000.50", Some("CN"), None)
        );
        let export = String::from_utf8(s.export_instruments(2023).unwrap()).unwrap();
        assert_eq!(export, format!("{HEAD}SZ,gec,3000.50,0,2023-01-01,2023-06-30,CN,,,,,,\n"));
        // A facility an instrument names is not removed.
        let e = s.delete_facility("SZ", None).unwrap_err();
        assert_eq!(e.code(), Some(Code::InvalidState), "{e}");
        assert!(e.to_string().contains("instruments"), "{e}");
        s.delete_instrument(rows[0].id, Some("entered twice")).unwrap();
        assert!(s.instruments(2023).unwrap().is_empty());
        let e = s.delete_instrument(rows[0].id, None).unwrap_err();
        assert_eq!(e.code(), Some(Code::UnknownRecord));
        // An empty file is refused; so is a period that does not exist.
        assert_eq!(s.import_instruments(2023, "i.csv", HEAD.as_bytes()).unwrap_err().code(), Some(Code::EmptyFile));
        assert_eq!(s.import_instruments(1999, "i.csv", file.as_bytes()).unwrap_err().code(), Some(Code::UnknownRecord));
        s.verify().unwrap();
    }
}
