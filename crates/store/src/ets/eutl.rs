//! The EU Transaction Log's figures in the inventory file (schema 6, decision 0033): a period's
//! installations as the registry export gives them for that year, imported all or nothing by the
//! allowance crate's own reader (`allowance::registry`, the reader of `position --registry`),
//! kept as exact text with every status a status, audited, refused in a locked period, and
//! handed back to the EU position as the same [`Installation`]s the file mode reads.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use scopebook_allowance::registry::{self, Figure, Installation, Status, YearRecord};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::number::parse_decimal;

use super::restate::supersede_in;
use super::rows::status_at;
use super::{errors_only, open_period, run, EtsRegistryPage, EtsRegistryRow, EtsScheme};
use crate::error::{refuse_at, Fail, StoreError};
use crate::facilities::facility_id;
use crate::model::{PeriodStatus, ReportingPeriod};
use crate::periods::{period_by_year, status_text};
use crate::text::non_empty;
use crate::write::Tx;
use crate::Store;

/// The columns `ets registry export` writes: the registry export's own names, one year's.
const EXPORT_COLUMNS: &[&str] = &[
    "id",
    "InstallationOrAircraftOperatorID",
    "AccountHolderName",
    "InstallationNameOrAircraftOperatorCode",
    "Country",
    "MainActivityTypeCodeLookup",
];

const SELECT: &str = "SELECT r.id, p.year, f.code, r.installation, r.installation_id, r.account_holder, r.name, r.country, r.activity,
     r.free_allocation_t, r.free_allocation_status, r.verified_t, r.verified_status, r.surrendered_t, r.surrendered_status,
     r.surrendered_allowances_t, r.surrendered_allowances_status, r.compliance, r.source_file, r.source_line,
     r.status, r.supersedes, r.restatement_reason
     FROM ets_registry r JOIN period p ON p.id = r.period_id LEFT JOIN facility f ON f.id = r.facility_id";

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<EtsRegistryRow> {
    Ok(EtsRegistryRow {
        id: r.get(0)?,
        year: r.get(1)?,
        facility: r.get(2)?,
        installation: r.get(3)?,
        installation_id: r.get(4)?,
        account_holder: r.get(5)?,
        name: r.get(6)?,
        country: r.get(7)?,
        activity: r.get(8)?,
        free_allocation_t: r.get(9)?,
        free_allocation_status: r.get(10)?,
        verified_t: r.get(11)?,
        verified_status: r.get(12)?,
        surrendered_t: r.get(13)?,
        surrendered_status: r.get(14)?,
        surrendered_allowances_t: r.get(15)?,
        surrendered_allowances_status: r.get(16)?,
        compliance: r.get(17)?,
        source_file: r.get(18)?,
        source_line: r.get(19)?,
        status: status_at(r, 20)?,
        supersedes: r.get(21)?,
        restatement_reason: r.get(22)?,
    })
}

/// A period's current rows (those its position reads), in the order they were imported.
fn rows_of(c: &Connection, p: &ReportingPeriod) -> Result<Vec<EtsRegistryRow>, Fail> {
    rows_with(c, p, false)
}

/// A period's rows in the order they were imported: the current ones, or with `all` the
/// superseded ones too.
fn rows_with(c: &Connection, p: &ReportingPeriod, all: bool) -> Result<Vec<EtsRegistryRow>, Fail> {
    let filter = if all { "" } else { " AND r.status = 'current'" };
    let mut stmt = c.prepare_cached(&format!("{SELECT} WHERE r.period_id = ?1{filter} ORDER BY r.id"))?;
    let rows = stmt.query_map([p.id], row_from)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A stored figure: its decimal text, else its status; a text that is no longer a decimal is a
/// damaged file, never a zero.
fn figure(id: i64, column: &'static str, value: Option<&str>, status: Option<&str>) -> Result<Figure, Fail> {
    match (value, status) {
        (Some(v), None) => parse_decimal(v).map(Figure::Value).map_err(|why| {
            refuse_at(
                Code::DatabaseError,
                column,
                format!("ETS registry row {id} holds '{v}' as a figure ({why}): the file was changed by another program or is damaged"),
            )
        }),
        (None, Some(s)) => Ok(Figure::Status(Status::parse(s))),
        _ => Err(refuse_at(
            Code::DatabaseError,
            column,
            format!("ETS registry row {id} holds both or neither of a figure and a status: the file was changed by another program or is damaged"),
        )),
    }
}

/// A figure as stored: (decimal text, status text), exactly one of them.
fn stored(f: &Figure) -> (Option<String>, Option<String>) {
    match f {
        Figure::Value(d) => (Some(d.to_string()), None),
        Figure::Status(s) => (None, Some(s.as_str().to_string())),
    }
}

/// A stored row as the installation the EU position reads (its one year, the period's).
fn installation(r: &EtsRegistryRow) -> Result<Installation, Fail> {
    let f =
        |column: &'static str, v: &Option<String>, s: &Option<String>| figure(r.id, column, v.as_deref(), s.as_deref());
    Ok(Installation {
        file: r.source_file.clone(),
        line: u64::try_from(r.source_line).unwrap_or_default(),
        id: r.installation.clone(),
        installation_id: r.installation_id.clone(),
        account_holder: r.account_holder.clone(),
        name: r.name.clone(),
        country: r.country.clone(),
        activity: r.activity.clone(),
        years: vec![YearRecord {
            year: r.year,
            free_allocation: f("free_allocation_t", &r.free_allocation_t, &r.free_allocation_status)?,
            verified: f("verified_t", &r.verified_t, &r.verified_status)?,
            surrendered: f("surrendered_t", &r.surrendered_t, &r.surrendered_status)?,
            surrendered_allowances: f(
                "surrendered_allowances_t",
                &r.surrendered_allowances_t,
                &r.surrendered_allowances_status,
            )?,
            compliance: r.compliance.clone(),
        }],
    })
}

/// The period's registry installations, in the order they were imported.
pub(super) fn installations_of(c: &Connection, p: &ReportingPeriod) -> Result<Vec<Installation>, Fail> {
    rows_of(c, p)?.iter().map(installation).collect()
}

/// The period's installations written as a registry export of its one year, which
/// `position --registry FILE --year YEAR` reads as the stored rows.
fn export(rows: &[EtsRegistryRow], year: i32) -> Result<Vec<u8>, Fail> {
    let mut header: Vec<String> = EXPORT_COLUMNS.iter().map(|c| (*c).to_string()).collect();
    for prefix in
        ["FreeAllocations", "VerifiedEmissions", "UnitsSurrendered", "SurrenderedAllowances", "ComplianceCode"]
    {
        header.push(format!("{prefix}_{year}"));
    }
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let fail = |e: csv::Error| {
        refuse_at(
            Code::DatabaseError,
            "ets_registry",
            format!("the stored registry rows cannot be written as CSV: {e}"),
        )
    };
    w.write_record(&header).map_err(fail)?;
    for r in rows {
        let cell = |v: &Option<String>, s: &Option<String>| v.clone().or_else(|| s.clone()).unwrap_or_default();
        w.write_record([
            r.installation.clone(),
            r.installation_id.clone(),
            r.account_holder.clone(),
            r.name.clone(),
            r.country.clone(),
            r.activity.clone(),
            cell(&r.free_allocation_t, &r.free_allocation_status),
            cell(&r.verified_t, &r.verified_status),
            cell(&r.surrendered_t, &r.surrendered_status),
            cell(&r.surrendered_allowances_t, &r.surrendered_allowances_status),
            r.compliance.clone().unwrap_or_default(),
        ])
        .map_err(fail)?;
    }
    w.into_inner().map_err(|e| fail(e.into_error().into()))
}

/// Every file must give figures for the period's year: a file without them is refused (the
/// file mode would leave it out without a word).
fn year_problems(files: &[(String, Vec<u8>)], all: &[Installation], year: i32) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (file, _) in files {
        let mine: Vec<&Installation> = all.iter().filter(|i| &i.file == file).collect();
        if mine.is_empty() {
            problems.push(Diagnostic::error(
                Code::NoDataRows,
                Location::file(file),
                "the file holds no installation: it has the registry's header but no rows",
            ));
        } else if !mine.iter().any(|i| i.year(year).is_some()) {
            let years: Vec<i32> = mine.first().map(|i| i.years.iter().map(|r| r.year).collect()).unwrap_or_default();
            let span = match (years.first(), years.last()) {
                (Some(a), Some(b)) => format!("{a}–{b}"),
                _ => "none".to_string(),
            };
            problems.push(Diagnostic::error(
                Code::OutOfRange,
                Location::row(file, 1),
                format!("the file has no figures for {year}, the period's year (its years: {span})"),
            ));
        }
    }
    problems
}

/// An installation without an id, or given twice (in the files, or already stored for the
/// period) and so counted twice: refused, located at the (later) row.
/// (`stored` false: only in the files, for a restatement, which replaces the stored rows.)
fn duplicate_problems(
    c: &Connection,
    p: &ReportingPeriod,
    all: &[Installation],
    stored: bool,
) -> Result<Vec<Diagnostic>, Fail> {
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, (&str, u64)> = HashMap::new();
    let stored: HashMap<String, i64> = if !stored {
        HashMap::new()
    } else {
        let mut stmt =
            c.prepare_cached("SELECT installation, id FROM ets_registry WHERE period_id = ?1 AND status = 'current'")?;
        let rows = stmt.query_map([p.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for i in all {
        if i.id.trim().is_empty() {
            problems.push(Diagnostic::error(
                Code::MissingValue,
                Location::cell(&i.file, i.line, "InstallationOrAircraftOperatorID"),
                "the installation has no id: the row cannot be told apart from others",
            ));
        } else if let Some(id) = stored.get(&i.id) {
            problems.push(Diagnostic::error(
                Code::DuplicateId,
                Location::cell(&i.file, i.line, "id"),
                format!(
                    "installation {} is already stored for period {} (ETS registry row {id}); delete it first (`scopebook ets registry delete`)",
                    i.id, p.year
                ),
            ));
        } else if let Some((file, line)) = seen.get(i.id.as_str()) {
            problems.push(Diagnostic::error(
                Code::DuplicateId,
                Location::cell(&i.file, i.line, "id"),
                format!("installation {} is also at {file}:{line}; it would count twice", i.id),
            ));
        } else {
            seen.insert(i.id.as_str(), (i.file.as_str(), i.line));
        }
    }
    Ok(problems)
}

/// Store an installation's figures for period `p` (tied to `facility`, restating `restates.0`
/// for `restates.1`, when given).
fn insert(
    w: &mut Tx<'_>,
    p: &ReportingPeriod,
    i: &Installation,
    r: &YearRecord,
    facility: Option<i64>,
    restates: Option<(i64, &str)>,
) -> Result<i64, Fail> {
    let (fa, fas) = stored(&r.free_allocation);
    let (v, vs) = stored(&r.verified);
    let (s, ss) = stored(&r.surrendered);
    let (sa, sas) = stored(&r.surrendered_allowances);
    w.conn
        .prepare_cached(
            "INSERT INTO ets_registry (period_id, installation, installation_id, account_holder, name, country, activity,
             free_allocation_t, free_allocation_status, verified_t, verified_status, surrendered_t, surrendered_status,
             surrendered_allowances_t, surrendered_allowances_status, compliance, source_file, source_line, created_at,
             facility_id, status, supersedes, restatement_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, 'current', ?21, ?22)",
        )?
        .execute(params![
            p.id,
            i.id,
            i.installation_id,
            i.account_holder,
            i.name,
            i.country,
            i.activity,
            fa,
            fas,
            v,
            vs,
            s,
            ss,
            sa,
            sas,
            r.compliance,
            i.file,
            i64::try_from(i.line).unwrap_or(i64::MAX),
            w.at,
            facility,
            restates.map(|r| r.0),
            restates.map(|r| r.1),
        ])?;
    let id = w.conn.last_insert_rowid();
    match restates {
        Some((_, reason)) => w.log("restate", "ets_registry", id, None, Some(reason))?,
        None => w.log("create", "ets_registry", id, None, None)?,
    };
    Ok(id)
}

/// A stored row's id and period by installation key.
fn row_id(c: &Connection, p: &ReportingPeriod, installation: &str) -> Result<i64, Fail> {
    c.query_row(
        "SELECT id FROM ets_registry WHERE period_id = ?1 AND installation = ?2 AND status = 'current'",
        params![p.id, installation.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        refuse_at(
            Code::UnknownRecord,
            "installation",
            format!("period {} has no registry figures for installation '{}'", p.year, installation.trim()),
        )
    })
}

impl Store {
    /// Import EU Transaction Log exports (`(name, bytes)`, as `position --registry` reads them)
    /// into period `year`: every installation's figures for that year, all or nothing. Each
    /// finding is located in its file; a file without figures for the year, or an installation
    /// given twice or already stored, refuses the import. The period's EU position, worked from
    /// the stored data with the new rows, must be free of errors. Returns the rows written.
    pub fn import_ets_registry(&mut self, year: i32, files: &[(String, Vec<u8>)]) -> Result<usize, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = open_period(w.conn, year)?;
            let (all, diags) = registry::read_all(files);
            errors_only(diags)?;
            let mut problems = year_problems(files, &all, p.year);
            problems.extend(duplicate_problems(w.conn, &p, &all, true)?);
            if !problems.is_empty() {
                return Err(Fail::Rows(problems));
            }
            let mut count = 0;
            for i in &all {
                if let Some(r) = i.year(p.year) {
                    insert(w, &p, i, r, None, None)?;
                    count += 1;
                }
            }
            run::check_written(w.conn, &name, &p, &[])?;
            Ok(count)
        })
    }

    /// The current registry rows of period `year`, in the order they were imported.
    pub fn ets_registry(&self, year: i32) -> Result<Vec<EtsRegistryRow>, StoreError> {
        self.ets_registry_with(year, false)
    }

    /// A page of period `year`'s current registry rows, in import order: `limit` rows from
    /// `offset` of those matching `search` (any case, see [`EtsRegistryRow::matches`]; "" for
    /// all). Without a search SQLite pages the rows; a search reads the period's rows once and
    /// matches them here.
    pub fn ets_registry_page(
        &self,
        year: i32,
        search: &str,
        offset: usize,
        limit: usize,
    ) -> Result<EtsRegistryPage, StoreError> {
        let needle = search.trim().to_lowercase();
        self.read(|c| {
            let p = period_by_year(c, year)?;
            let total: i64 = c.query_row(
                "SELECT COUNT(*) FROM ets_registry WHERE period_id = ?1 AND status = 'current'",
                [p.id],
                |r| r.get(0),
            )?;
            let total = usize::try_from(total).unwrap_or(0);
            if needle.is_empty() {
                let mut stmt = c.prepare_cached(&format!(
                    "{SELECT} WHERE r.period_id = ?1 AND r.status = 'current' ORDER BY r.id LIMIT ?2 OFFSET ?3"
                ))?;
                let (limit, offset) =
                    (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(offset).unwrap_or(i64::MAX));
                let rows = stmt.query_map(rusqlite::params![p.id, limit, offset], row_from)?;
                return Ok(EtsRegistryPage { rows: rows.collect::<Result<_, _>>()?, matching: total, total });
            }
            let matching: Vec<EtsRegistryRow> =
                rows_with(c, &p, false)?.into_iter().filter(|r| r.matches(&needle)).collect();
            let count = matching.len();
            Ok(EtsRegistryPage {
                rows: matching.into_iter().skip(offset).take(limit).collect(),
                matching: count,
                total,
            })
        })
    }

    /// The registry rows of period `year` in the order they were imported: the current ones,
    /// or with `all` the superseded ones too.
    pub fn ets_registry_with(&self, year: i32, all: bool) -> Result<Vec<EtsRegistryRow>, StoreError> {
        self.read(|c| rows_with(c, &period_by_year(c, year)?, all))
    }

    /// Period `year`'s registry rows as a registry export of that year (the export's column
    /// names), which `position --registry FILE --year YEAR` reads as `position --db` does.
    pub fn ets_registry_export(&self, year: i32) -> Result<Vec<u8>, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            export(&rows_of(c, &p)?, p.year)
        })
    }

    /// Remove registry rows (audited, each): one installation's (`installation` given) or the
    /// whole period's. Refused when the period's position then fails (a ledger of an account
    /// holder left without installations). Returns the rows removed.
    pub fn delete_ets_registry(
        &mut self,
        year: i32,
        installation: Option<&str>,
        reason: Option<&str>,
    ) -> Result<usize, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let p = open_period(w.conn, year)?;
            let ids: Vec<i64> = match installation {
                Some(key) => vec![row_id(w.conn, &p, key)?],
                None => {
                    let mut stmt = w.conn.prepare(
                        "SELECT id FROM ets_registry WHERE period_id = ?1 AND status = 'current' ORDER BY id",
                    )?;
                    let ids: Vec<i64> = stmt.query_map([p.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
                    ids
                }
            };
            for id in &ids {
                let old = w.row("ets_registry", *id)?;
                w.conn.execute("DELETE FROM ets_registry WHERE id = ?1", [id])?;
                w.log("delete", "ets_registry", *id, old.as_deref(), reason)?;
            }
            run::check_written(w.conn, &name, &p, &[])?;
            Ok(ids.len())
        })
    }

    /// Tie an installation's row of period `year` to the facility it is (registered under the
    /// EU ETS as the installation's account holder), or untie it (`facility` `None`). Audited.
    pub fn link_ets_registry(
        &mut self,
        year: i32,
        installation: &str,
        facility: Option<&str>,
        reason: Option<&str>,
    ) -> Result<EtsRegistryRow, StoreError> {
        let id = self.write(|w| {
            let p = open_period(w.conn, year)?;
            let id = row_id(w.conn, &p, installation)?;
            let facility = match facility.map(str::trim).filter(|f| !f.is_empty()) {
                None => None,
                Some(code) => Some(eu_facility(w.conn, &p, id, code)?),
            };
            let old = w.row("ets_registry", id)?;
            w.conn.execute("UPDATE ets_registry SET facility_id = ?1 WHERE id = ?2", params![facility, id])?;
            if w.row("ets_registry", id)? != old {
                w.log("update", "ets_registry", id, old.as_deref(), reason)?;
            }
            Ok(id)
        })?;
        self.read(|c| Ok(c.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], row_from)?))
    }

    /// Correct a locked period's registry figures by restatement (decision 0038): the
    /// installations of `files` (registry exports, read as [`Store::import_ets_registry`] reads
    /// them) — only those named in `installations`, when any — replace the period's stored rows
    /// of the same installations. Each replaced row stays, marked superseded; the new row names
    /// it (`supersedes`) and the reason, keeps its facility tie, and takes its place in the
    /// position. Both are audited (`restate`). An installation whose figures are those stored
    /// is left as it is; one the period does not hold is refused (a locked period takes no new
    /// installation), as is a restatement that changes nothing. Returns the new rows' ids.
    pub fn restate_ets_registry(
        &mut self,
        year: i32,
        files: &[(String, Vec<u8>)],
        installations: &[String],
        reason: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let name = self.name.clone();
        self.write(|w| {
            let reason = non_empty(reason, "reason", "the reason for the restatement")?;
            let p = period_by_year(w.conn, year)?;
            if p.status != PeriodStatus::Locked {
                return Err(refuse_at(
                    Code::InvalidState,
                    "period",
                    format!(
                        "period {} is {}: correct its registry figures with `scopebook ets registry delete` and `import`; restatements are for locked periods",
                        p.year,
                        status_text(p.status)
                    ),
                ));
            }
            let (all, diags) = registry::read_all(files);
            errors_only(diags)?;
            let mut problems = year_problems(files, &all, p.year);
            problems.extend(duplicate_problems(w.conn, &p, &all, false)?);
            let wanted: Vec<&str> = installations.iter().map(|i| i.trim()).filter(|i| !i.is_empty()).collect();
            for key in &wanted {
                if !all.iter().any(|i| i.id == *key && i.year(p.year).is_some()) {
                    problems.push(Diagnostic::error(
                        Code::UnknownRecord,
                        Location { file: name.clone(), row: None, column: Some("installation".into()) },
                        format!("installation '{key}' has no figures for {} in the files", p.year),
                    ));
                }
            }
            if !problems.is_empty() {
                return Err(Fail::Rows(problems));
            }
            let stored: HashMap<String, EtsRegistryRow> =
                rows_of(w.conn, &p)?.into_iter().map(|r| (r.installation.clone(), r)).collect();
            let mut changes = Vec::new();
            for i in all.iter().filter(|i| wanted.is_empty() || wanted.contains(&i.id.as_str())) {
                let Some(r) = i.year(p.year) else { continue };
                let Some(old) = stored.get(&i.id) else {
                    problems.push(Diagnostic::error(
                        Code::UnknownRecord,
                        Location::cell(&i.file, i.line, "id"),
                        format!(
                            "installation {} has no registry figures in period {}: a restatement replaces stored figures, and a locked period takes no new installation",
                            i.id, p.year
                        ),
                    ));
                    continue;
                };
                if same_figures(old, i, r) {
                    continue;
                }
                if old.facility.is_some() && old.account_holder != i.account_holder {
                    problems.push(Diagnostic::error(
                        Code::InvalidState,
                        Location::cell(&i.file, i.line, "AccountHolderName"),
                        format!(
                            "installation {} is tied to facility {} as '{}', but the file names '{}' as its account holder",
                            i.id,
                            old.facility.clone().unwrap_or_default(),
                            old.account_holder,
                            i.account_holder
                        ),
                    ));
                    continue;
                }
                changes.push((i, r, old));
            }
            if !problems.is_empty() {
                return Err(Fail::Rows(problems));
            }
            if changes.is_empty() {
                return Err(refuse_at(
                    Code::InvalidState,
                    "period",
                    format!("the files give the stored figures of every installation of period {}: nothing to restate", p.year),
                ));
            }
            let mut ids = Vec::with_capacity(changes.len());
            for (i, r, old) in changes {
                let facility: Option<i64> =
                    w.conn.query_row("SELECT facility_id FROM ets_registry WHERE id = ?1", [old.id], |x| x.get(0))?;
                supersede_in(w, "ets_registry", old.id, &reason)?;
                ids.push(insert(w, &p, i, r, facility, Some((old.id, &reason)))?);
            }
            run::check_written(w.conn, &name, &p, &[])?;
            Ok(ids)
        })
    }
}

/// The stored values of an installation's figures that a restatement compares: identical
/// values are not restated. The file and line it was read from are not compared.
fn same_figures(stored: &EtsRegistryRow, i: &Installation, r: &YearRecord) -> bool {
    let pairs = [
        (&r.free_allocation, &stored.free_allocation_t, &stored.free_allocation_status),
        (&r.verified, &stored.verified_t, &stored.verified_status),
        (&r.surrendered, &stored.surrendered_t, &stored.surrendered_status),
        (&r.surrendered_allowances, &stored.surrendered_allowances_t, &stored.surrendered_allowances_status),
    ];
    pairs.iter().all(|(f, v, st)| self::stored(f) == ((*v).clone(), (*st).clone()))
        && r.compliance == stored.compliance
        && i.installation_id == stored.installation_id
        && i.account_holder == stored.account_holder
        && i.name == stored.name
        && i.country == stored.country
        && i.activity == stored.activity
}

/// The facility `code` for registry row `id`: registered under the EU ETS as the row's account
/// holder, and not yet tied to another installation of the period.
fn eu_facility(c: &Connection, p: &ReportingPeriod, id: i64, code: &str) -> Result<i64, Fail> {
    let (facility, _) = facility_id(c, code, "facility")?;
    let reg: Option<(String, String)> = c
        .query_row("SELECT scheme, enterprise FROM ets_facility WHERE facility_id = ?1", [facility], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let holder: String = c.query_row("SELECT account_holder FROM ets_registry WHERE id = ?1", [id], |r| r.get(0))?;
    match reg {
        Some((scheme, enterprise)) if scheme == EtsScheme::EuEts.as_str() && enterprise == holder => {}
        Some((scheme, enterprise)) => {
            return Err(refuse_at(
                Code::InvalidValue,
                "facility",
                format!("facility '{code}' is registered under {scheme} as '{enterprise}', but the installation's account holder is '{holder}' under eu-ets"),
            ))
        }
        None => {
            return Err(refuse_at(
                Code::UnknownRecord,
                "facility",
                format!("facility '{code}' is not registered under an ETS (`scopebook ets facility set --scheme eu-ets`)"),
            ))
        }
    }
    let other: Option<String> = c
        .query_row(
            "SELECT installation FROM ets_registry WHERE period_id = ?1 AND facility_id = ?2 AND id != ?3 AND status = 'current'",
            params![p.id, facility, id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = other {
        return Err(refuse_at(
            Code::InvalidState,
            "facility",
            format!("facility '{code}' is already installation {other} in period {}; untie it first", p.year),
        ));
    }
    Ok(facility)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::testing::{lib, store, TempDir};

    const EXPORT: &str = "id,InstallationOrAircraftOperatorID,AccountHolderName,InstallationNameOrAircraftOperatorCode,Country,MainActivityTypeCodeLookup,FreeAllocations_2023,VerifiedEmissions_2023,UnitsSurrendered_2023,SurrenderedAllowances_2023,ComplianceCode_2023\n\
DE-1,1,Holder A,Kiln,DE,Production of lime,100.50,200,Not Reported,,A\n\
NO-2,2,Holder B,Boiler,NO,Combustion of fuels,NA,Excluded,-,NA,NA\n";

    fn imported(dir: &TempDir) -> Store {
        let mut s = store(dir);
        let n = s.import_ets_registry(2023, &[("eutl.csv".to_string(), EXPORT.as_bytes().to_vec())]).unwrap();
        assert_eq!(n, 2);
        s
    }

    /// A page without a search is SQLite's LIMIT/OFFSET over the current rows; a search folds
    /// case as Rust does (Ä is ä), which SQLite's `lower` would not.
    #[test]
    fn a_page_of_the_registry_is_paged_and_searched_in_the_store() {
        let dir = TempDir::new("eutl-page");
        let mut s = store(&dir);
        let export = format!("{}DE-3,3,Österreich Ärzte AG,Ofen,AT,Lime,1,2,3,,A\n", EXPORT);
        assert_eq!(s.import_ets_registry(2023, &[("eutl.csv".to_string(), export.into_bytes())]).unwrap(), 3);
        let all = s.ets_registry(2023).unwrap();
        let keys = |p: &EtsRegistryPage| p.rows.iter().map(|r| r.installation.clone()).collect::<Vec<_>>();
        for (offset, limit) in [(0, 2), (1, 2), (2, 5), (3, 1), (0, 0)] {
            let page = s.ets_registry_page(2023, "  ", offset, limit).unwrap();
            let want: Vec<String> = all.iter().skip(offset).take(limit).map(|r| r.installation.clone()).collect();
            assert_eq!((keys(&page), page.matching, page.total), (want, 3, 3), "offset {offset}, limit {limit}");
        }
        let found = s.ets_registry_page(2023, "äRZTE", 0, 10).unwrap();
        assert_eq!((keys(&found), found.matching, found.total), (vec!["DE-3".to_string()], 1, 3));
        let holders = s.ets_registry_page(2023, "holder", 1, 10).unwrap();
        assert_eq!((keys(&holders), holders.matching), (vec!["NO-2".to_string()], 2));
        assert!(s.ets_registry_page(2024, "", 0, 10).is_err(), "a period that does not exist");
    }

    #[test]
    fn figures_are_exact_text_and_statuses_stay_statuses() {
        let dir = TempDir::new("eutl-figures");
        let s = imported(&dir);
        let rows = s.ets_registry(2023).unwrap();
        assert_eq!(rows[0].free_allocation_t.as_deref(), Some("100.50"), "the scale is kept");
        assert_eq!(rows[0].surrendered_status.as_deref(), Some("Not Reported"));
        assert_eq!(rows[0].surrendered_allowances_status.as_deref(), Some(""), "an empty cell");
        assert_eq!((rows[0].source_file.as_str(), rows[0].source_line), ("eutl.csv", 2));
        assert_eq!(rows[1].verified_t, None);
        assert_eq!(rows[1].verified_status.as_deref(), Some("Excluded"));
        assert_eq!(rows[1].surrendered_status.as_deref(), Some("-"));
        assert_eq!(rows[1].compliance, None, "the registry's NA is no code");
        let pos = s.position(EtsScheme::EuEts, 2023, None, &[]).unwrap();
        assert_eq!(pos.installations[1].verified_t, None);
        assert_eq!(pos.installations[1].obligation_t, None, "no figure, not a zero");
        // A figure and a status together, or neither, is refused by the table itself.
        let c = s.connection();
        let both = c.execute("UPDATE ets_registry SET verified_t = '1' WHERE id = 2", []);
        assert!(both.is_err(), "a figure beside its status");
        let neither = c.execute("UPDATE ets_registry SET verified_status = NULL WHERE id = 2", []);
        assert!(neither.is_err(), "neither a figure nor a status");
        s.verify().unwrap();
    }

    #[test]
    fn a_change_without_the_log_is_found_and_a_locked_period_is_guarded_by_triggers() {
        let dir = TempDir::new("eutl-tamper");
        let mut s = imported(&dir);
        s.lock_period(lib(), 2023).unwrap();
        let c = s.connection();
        for sql in [
            "UPDATE ets_registry SET verified_t = '1' WHERE id = 1",
            "DELETE FROM ets_registry WHERE id = 1",
            "INSERT INTO ets_registry (period_id, installation, installation_id, account_holder, name, country, activity, free_allocation_status, verified_status, surrendered_status, surrendered_allowances_status, source_file, source_line, created_at) SELECT id, 'X', 'X', 'H', 'N', 'DE', 'A', 'NA', 'NA', 'NA', 'NA', 'f', 2, 't' FROM period WHERE year = 2023",
        ] {
            let e = c.execute(sql, []).unwrap_err();
            assert!(e.to_string().contains("the period is locked"), "{sql}: {e}");
        }
        let e = s.import_ets_registry(2023, &[("eutl.csv".to_string(), EXPORT.as_bytes().to_vec())]).unwrap_err();
        assert_eq!(e.code(), Some(Code::PeriodLocked));

        let dir = TempDir::new("eutl-tamper-open");
        let s = imported(&dir);
        s.connection().execute("UPDATE ets_registry SET verified_t = '2000' WHERE id = 1", []).unwrap();
        let e = s.verify().unwrap_err();
        assert_eq!(e.code(), Some(Code::AuditDataMismatch), "{e}");
        assert!(e.to_string().contains("ets_registry 1"), "{e}");
    }
}
