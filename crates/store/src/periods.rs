//! Reporting periods: adding them, their dataset editions (pins), their status open → in
//! review → locked, and the snapshot a lock stores (decision 0011).

use std::borrow::Cow;
use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use scopebook_core::calc::CalcOptions;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::period::parse_date;

use crate::calculation::calculate;
use crate::error::{locked, refuse_at, stored, Fail, StoreError, UnknownStored};
use crate::export::{export_csv, read_export_rows};
use crate::model::{NewPeriod, PeriodStatus, ReportingPeriod, Snapshot};
use crate::text::opt;
use crate::Store;

impl Store {
    /// Add a reporting period. Its pins must name loaded dataset editions.
    pub fn add_period(&mut self, lib: &FactorLibrary, p: &NewPeriod) -> Result<ReportingPeriod, StoreError> {
        let year = p.year;
        self.write(|w| {
            if !(1900..=2200).contains(&p.year) {
                return Err(refuse_at(Code::OutOfRange, "year", format!("{} is not a plausible reporting year (1900 to 2200)", p.year)));
            }
            let date = |text: &Option<String>, column: &'static str, default: String| -> Result<String, Fail> {
                match opt(text) {
                    None => Ok(default),
                    Some(t) => parse_date(&t)
                        .map(|d| d.to_string())
                        .map_err(|r| refuse_at(Code::MalformedDate, column, format!("'{t}' is not a date: {r}"))),
                }
            };
            let start = date(&p.start, "start", format!("{:04}-01-01", p.year))?;
            let end = date(&p.end, "end", format!("{:04}-12-31", p.year))?;
            if end < start {
                return Err(refuse_at(
                    Code::ImpossibleDateRange,
                    "end",
                    format!("the period ends ({end}) before it starts ({start})"),
                ));
            }
            let same: Option<i64> =
                w.conn.query_row("SELECT id FROM period WHERE year = ?1", [p.year], |r| r.get(0)).optional()?;
            if same.is_some() {
                return Err(refuse_at(Code::PeriodOverlap, "year", format!("period {} already exists", p.year)));
            }
            let overlap: Option<(i32, String, String)> = w
                .conn
                .query_row(
                    "SELECT year, start_date, end_date FROM period WHERE start_date <= ?2 AND end_date >= ?1 ORDER BY start_date LIMIT 1",
                    params![start, end],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            if let Some((y, s, e)) = overlap {
                return Err(refuse_at(
                    Code::PeriodOverlap,
                    "year",
                    format!("period {} ({start}..{end}) overlaps period {y} ({s}..{e}); periods may not share a day", p.year),
                ));
            }
            if p.base_year {
                let base: Option<i32> =
                    w.conn.query_row("SELECT year FROM period WHERE base_year = 1", [], |r| r.get(0)).optional()?;
                if let Some(b) = base {
                    return Err(refuse_at(Code::InvalidState, "base_year", format!("period {b} is already the base year")));
                }
            }
            pinned(lib, &p.pins)?;
            w.conn.execute(
                "INSERT INTO period (year, start_date, end_date, status, base_year, gwp_set, pins, created_at) VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7)",
                params![p.year, start, end, p.base_year, p.gwp_set.to_string(), pins_json(&p.pins), w.at],
            )?;
            let id = w.conn.last_insert_rowid();
            w.log("create", "period", id, None, None)?;
            Ok(())
        })?;
        self.period(year)
    }

    pub fn periods(&self) -> Result<Vec<ReportingPeriod>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!("{PERIOD_SELECT} ORDER BY start_date"))?;
            let rows = stmt.query_map([], period_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    pub fn period(&self, year: i32) -> Result<ReportingPeriod, StoreError> {
        self.read(|c| period_by_year(c, year))
    }

    /// Change the dataset editions a period uses (an edition change). Every current record of
    /// the period must still find its factor under the new editions; the period must not be
    /// locked.
    pub fn set_pins(
        &mut self,
        lib: &FactorLibrary,
        year: i32,
        pins: &BTreeMap<String, String>,
        reason: Option<&str>,
    ) -> Result<ReportingPeriod, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = period_by_year(w.conn, year)?;
            if p.status == PeriodStatus::Locked {
                return Err(locked(&p, "its dataset editions cannot change"));
            }
            let with_pins = ReportingPeriod { pins: pins.clone(), ..p.clone() };
            let plib = crate::factor_files::period_library(w.conn, lib, &with_pins)?;
            records_still_read(w.conn, &plib, &p, &name, "under the new editions")?;
            let old = w.row("period", p.id)?;
            w.conn.execute("UPDATE period SET pins = ?1 WHERE id = ?2", params![pins_json(pins), p.id])?;
            if w.row("period", p.id)? != old {
                w.log("pin", "period", p.id, old.as_deref(), reason)?;
            }
            Ok(())
        })?;
        self.period(year)
    }

    /// Open → in review.
    pub fn review_period(&mut self, year: i32) -> Result<ReportingPeriod, StoreError> {
        self.set_status(year, PeriodStatus::Open, PeriodStatus::InReview, "review")
    }

    /// In review → open.
    pub fn reopen_period(&mut self, year: i32) -> Result<ReportingPeriod, StoreError> {
        self.set_status(year, PeriodStatus::InReview, PeriodStatus::Open, "reopen")
    }

    fn set_status(
        &mut self,
        year: i32,
        from: PeriodStatus,
        to: PeriodStatus,
        action: &str,
    ) -> Result<ReportingPeriod, StoreError> {
        self.write(|w| {
            let p = period_by_year(w.conn, year)?;
            if p.status != from {
                return Err(refuse_at(
                    Code::InvalidState,
                    "year",
                    format!(
                        "period {year} is {}; only a period that is {} can be {action}ed",
                        status_text(p.status),
                        status_text(from)
                    ),
                ));
            }
            let old = w.row("period", p.id)?;
            w.conn.execute("UPDATE period SET status = ?1 WHERE id = ?2", params![to.as_str(), p.id])?;
            w.log(action, "period", p.id, old.as_deref(), None)?;
            Ok(())
        })?;
        self.period(year)
    }

    /// Lock a period: calculate it and store the result as its snapshot. Refused when any
    /// record is unresolved or has an error. After this, the period changes only by
    /// restatement.
    pub fn lock_period(&mut self, lib: &FactorLibrary, year: i32) -> Result<Snapshot, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = period_by_year(w.conn, year)?;
            if p.status == PeriodStatus::Locked {
                return Err(refuse_at(Code::InvalidState, "year", format!("period {year} is already locked")));
            }
            let calc = calculate(w.conn, lib, &p, true)?;
            let errors: Vec<Diagnostic> = calc.run.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
            if !errors.is_empty() || !calc.run.inventory.unresolved.is_empty() {
                let mut out = vec![Diagnostic::error(
                    Code::InvalidState,
                    Location::file(&name),
                    format!("period {year} cannot be locked: {} record(s) have errors or no factor; correct them first", calc.run.inventory.unresolved.len().max(errors.len())),
                )];
                out.extend(errors);
                return Err(Fail::Rows(out));
            }
            let old = w.row("period", p.id)?;
            w.conn.execute("UPDATE period SET status = 'locked' WHERE id = ?1", [p.id])?;
            w.log("lock", "period", p.id, old.as_deref(), None)?;
            let json = calc.run.report(true).to_json();
            let datasets: Vec<BTreeMap<&str, &str>> = calc
                .run
                .inputs
                .datasets
                .iter()
                .map(|d| BTreeMap::from([("id", d.id.as_str()), ("edition", d.edition.as_str()), ("sha256", d.sha256.as_str())]))
                .collect();
            w.conn.execute(
                "INSERT INTO snapshot (period_id, taken_at, engine_version, gwp_set, datasets, input_sha256, result_sha256, result_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    p.id,
                    w.at,
                    scopebook_core::ENGINE_VERSION,
                    p.gwp_set.to_string(),
                    serde_json::to_string(&datasets).unwrap_or_default(),
                    calc.run.input_sha256(),
                    scopebook_core::dataset::sha256_hex(json.as_bytes()),
                    json
                ],
            )?;
            let id = w.conn.last_insert_rowid();
            w.log("lock", "snapshot", id, None, None)?;
            Ok(())
        })?;
        self.snapshot(year)?
            .ok_or_else(|| StoreError::one(Code::DatabaseError, &self.name, "the snapshot was not stored"))
    }

    /// When the period's snapshot was taken (RFC 3339), without reading its stored report.
    pub fn snapshot_taken_at(&self, year: i32) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT s.taken_at FROM snapshot s JOIN period p ON p.id = s.period_id WHERE p.year = ?1 ORDER BY s.id LIMIT 1",
                [year],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    /// The snapshot taken when the period was locked.
    pub fn snapshot(&self, year: i32) -> Result<Option<Snapshot>, StoreError> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT s.id, p.year, s.taken_at, s.engine_version, s.gwp_set, s.datasets, s.input_sha256, s.result_sha256, s.result_json
                 FROM snapshot s JOIN period p ON p.id = s.period_id WHERE p.year = ?1 ORDER BY s.id LIMIT 1",
                [year],
                |r| {
                    Ok(Snapshot {
                        id: r.get(0)?,
                        year: r.get(1)?,
                        taken_at: r.get(2)?,
                        engine_version: r.get(3)?,
                        gwp_set: r.get(4)?,
                        datasets: r.get(5)?,
                        input_sha256: r.get(6)?,
                        result_sha256: r.get(7)?,
                        result_json: r.get(8)?,
                    })
                },
            )
            .optional()?)
        })
    }
}

/// Pins as canonical JSON.
fn pins_json(pins: &BTreeMap<String, String>) -> String {
    // A BTreeMap of strings serialises with its keys in order: canonical.
    serde_json::to_string(pins).unwrap_or_else(|_| "{}".to_string())
}

/// Every current record of period `p` read again under `plib` (a library about to replace the
/// period's): refused, each problem at its record (`file` names the inventory file, `under`
/// says what changed), when one no longer reads or has no factor.
pub(crate) fn records_still_read(
    c: &Connection,
    plib: &FactorLibrary,
    p: &ReportingPeriod,
    file: &str,
    under: &str,
) -> Result<(), Fail> {
    let (csv, ids, layout) = export_csv(c, p.id)?;
    let rows = read_export_rows(&csv);
    let opts = CalcOptions { gwp_set: p.gwp_set, keep_lines: false };
    let checked = scopebook_core::pipeline::check_rows(plib, opts, file, layout.columns(), &rows).rows;
    let mut problems = Vec::new();
    for (res, id) in checked.into_iter().zip(&ids) {
        if let Err(ds) = res {
            for mut d in ds {
                d.location =
                    Location { file: file.to_string(), row: u64::try_from(*id).ok(), column: d.location.column };
                d.message = format!("record {id}, {under}: {}", d.message);
                problems.push(d);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Fail::Rows(problems))
    }
}

/// The library with a period's pinned editions only (its own factor files are added by
/// [`crate::factor_files::period_library`]).
pub(crate) fn pinned<'l>(
    lib: &'l FactorLibrary,
    pins: &BTreeMap<String, String>,
) -> Result<Cow<'l, FactorLibrary>, Fail> {
    scopebook_core::run::pinned_library(lib, pins).map_err(|e| refuse_at(Code::UnknownRecord, "pin", e))
}

pub(crate) fn status_text(s: PeriodStatus) -> &'static str {
    match s {
        PeriodStatus::Open => "open",
        PeriodStatus::InReview => "in review",
        PeriodStatus::Locked => "locked",
    }
}

pub(crate) const PERIOD_SELECT: &str =
    "SELECT id, year, start_date, end_date, status, base_year, gwp_set, pins FROM period";

pub(crate) fn period_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReportingPeriod> {
    // A value this build does not know is an error, never a default (a period read as open, or
    // calculated under another GWP set, would be wrong without a word).
    let status: String = r.get(4)?;
    let status = stored(4, &status, PeriodStatus::parse, |v| {
        let known = [PeriodStatus::Open, PeriodStatus::InReview, PeriodStatus::Locked].map(PeriodStatus::as_str);
        UnknownStored::new("a period's status", "status", v, &known)
    })?;
    let gwp: String = r.get(6)?;
    let gwp_set = stored(6, &gwp, GwpSet::parse, |v| {
        let known = GwpSet::ALL.map(|g| g.to_string());
        UnknownStored::new("a period's GWP set", "gwp_set", v, &known.each_ref().map(String::as_str))
    })?;
    let pins: String = r.get(7)?;
    let pins = stored(
        7,
        &pins,
        |v| serde_json::from_str(v).ok(),
        |v| UnknownStored::new("a period's dataset editions", "pins", v, &["a JSON object of dataset → edition"]),
    )?;
    Ok(ReportingPeriod {
        id: r.get(0)?,
        year: r.get(1)?,
        start: r.get(2)?,
        end: r.get(3)?,
        status,
        base_year: r.get(5)?,
        gwp_set,
        pins,
    })
}

/// A period by its year; refused (`unknown-record`) when there is none.
pub(crate) fn period_by_year(c: &Connection, year: i32) -> Result<ReportingPeriod, Fail> {
    c.prepare_cached(&format!("{PERIOD_SELECT} WHERE year = ?1"))?
        .query_row([year], period_from_row)
        .optional()?
        .ok_or_else(|| {
            refuse_at(
                Code::UnknownRecord,
                "period",
                format!("there is no period {year} (see `scopebook period list`; add it with `scopebook period add`)"),
            )
        })
}
