//! The inventory file: one SQLite database per organisation, with its boundary (legal entities
//! and facilities), reporting periods, activity records, calculation snapshots and a
//! hash-chained audit log.
//!
//! This is the library's IO module: it reads and writes the database file. The pure core
//! (`calc`, `library`, `factor`, `activity`, `pipeline`) stays free of IO; the store calls it.
//!
//! **Invariants** (decision 0011):
//! - Every user action is one SQLite transaction (`BEGIN IMMEDIATE` … `COMMIT`): it happens
//!   completely or not at all. A refused action changes nothing.
//! - Every change to an audited table appends audit entries in the same transaction. The log is
//!   append-only: the code never updates or deletes an entry, and triggers refuse it.
//! - An activity record is stored only after it passed the checks of `scopebook calc` (the
//!   activity-file reader, then factor selection under the period's GWP set and pins).
//! - A locked period changes only by restatement: the original record stays, marked
//!   superseded, and the new record names it and the reason.

pub mod audit;
mod backup;
mod import;
pub mod model;
pub mod schema;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use rust_decimal::Decimal;

pub use audit::{AuditEntry, AuditFilter, Verified};
pub use import::{
    Duplicate, ImportChecked, ImportFile, ImportMode, ImportRow, ImportSummary, ImportWritten, Lineage, NewTemplate,
    SavedTemplate, ValueChoice,
};
pub use model::*;

use scopebook_core::calc::CalcOptions;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::period::parse_date;
use scopebook_core::region::Region;
use scopebook_core::run::Run;

/// How long a write waits for another program's write to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Columns of a period's records exported as an activity file (`scopebook calc` input).
pub const EXPORT_COLUMNS: [&str; 12] = [
    "facility",
    "period_start",
    "period_end",
    "activity",
    "quantity",
    "unit",
    "factor",
    "region",
    "scope3_category",
    "supplier",
    "evidence",
    "note",
];

/// A refused or failed store operation: one or more diagnostics (every problem of every
/// rejected activity row, or a single reason). The database is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    pub diagnostics: Vec<Diagnostic>,
}

impl StoreError {
    /// The code of the first diagnostic.
    pub fn code(&self) -> Option<Code> {
        self.diagnostics.first().map(|d| d.code)
    }

    fn one(code: Code, file: &str, message: impl Into<String>) -> StoreError {
        StoreError { diagnostics: vec![Diagnostic::error(code, Location::file(file), message)] }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StoreError {}

/// An internal failure, turned into a [`StoreError`] (with the database's name) at the API.
#[derive(Debug)]
pub(crate) enum Fail {
    Sql(rusqlite::Error),
    Refused { code: Code, column: Option<&'static str>, message: String },
    Rows(Vec<Diagnostic>),
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Fail {
        Fail::Sql(e)
    }
}

fn refuse(code: Code, message: impl Into<String>) -> Fail {
    Fail::Refused { code, column: None, message: message.into() }
}

fn refuse_at(code: Code, column: &'static str, message: impl Into<String>) -> Fail {
    Fail::Refused { code, column: Some(column), message: message.into() }
}

impl Fail {
    fn into_error(self, file: &str) -> StoreError {
        match self {
            Fail::Refused { code, column, message } => {
                let mut location = Location::file(file);
                location.column = column.map(str::to_string);
                StoreError { diagnostics: vec![Diagnostic::error(code, location, message)] }
            }
            Fail::Rows(diagnostics) => StoreError { diagnostics },
            Fail::Sql(e) => sql_error(file, &e),
        }
    }
}

/// A SQLite failure as a diagnostic.
fn sql_error(file: &str, e: &rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode as E;
    let (code, message) = match e.sqlite_error_code() {
        Some(E::NotADatabase) => (
            Code::NotAScopebookDatabase,
            "the file is not a Scopebook database: it is not an SQLite database at all".to_string(),
        ),
        Some(E::DatabaseCorrupt) => (
            Code::DatabaseError,
            format!("the database file is damaged ({e}); restore it from a backup (`scopebook restore`)"),
        ),
        Some(E::DatabaseBusy | E::DatabaseLocked) => (
            Code::DatabaseError,
            "the database is busy: another program is writing to it; try again when it has finished".to_string(),
        ),
        Some(E::ReadOnly | E::PermissionDenied | E::CannotOpen) => (
            Code::DatabaseError,
            format!("the database cannot be written or opened ({e}); check the file's permissions"),
        ),
        Some(E::DiskFull) => (Code::DatabaseError, "the disk is full; nothing was changed".to_string()),
        _ => (Code::DatabaseError, format!("the database reported an error: {e}")),
    };
    StoreError::one(code, file, message)
}

/// A new organisation file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrganisation {
    pub name: String,
    pub consolidation: Consolidation,
}

/// The user name for the audit log when none is given: `USER`, else `USERNAME`, else
/// `unknown`.
pub fn default_user() -> String {
    ["USER", "USERNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The time now, RFC 3339 in UTC with microseconds.
fn now() -> String {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(secs, d.subsec_nanos())
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_else(|| "1970-01-01T00:00:00.000000Z".to_string())
}

/// One open inventory file.
pub struct Store {
    conn: Connection,
    name: String,
    user: String,
}

/// A write in progress: the transaction's connection, its time and user, and the chain's head.
struct Tx<'c> {
    conn: &'c Connection,
    user: &'c str,
    at: String,
    head: audit::Head,
}

impl Tx<'_> {
    /// Append an audit entry for `table` `id`, whose value before the change was `old`; its
    /// value now is read back from the table.
    fn log(
        &mut self,
        action: &str,
        table: &str,
        id: i64,
        old: Option<&str>,
        reason: Option<&str>,
    ) -> Result<Option<String>, Fail> {
        let new = audit::read_row(self.conn, table, id)?;
        self.head.append(self.conn, &self.at, self.user, action, table, id, old, new.as_deref(), reason)?;
        Ok(new)
    }

    fn row(&self, table: &str, id: i64) -> Result<Option<String>, Fail> {
        Ok(audit::read_row(self.conn, table, id)?)
    }
}

fn connect(path: &Path, create: bool) -> Result<Connection, Fail> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// WAL, full fsync at commit, foreign keys, and write transactions that take the write lock
/// at once (so a transaction never fails half-way for want of it).
fn configure(conn: &mut Connection) -> Result<(), Fail> {
    let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    Ok(())
}

/// Refuse a file that is not a Scopebook database, or is newer than this build.
fn check_identity(conn: &Connection) -> Result<i32, Fail> {
    let (app, version) = schema::identity(conn)?;
    if app != schema::APPLICATION_ID {
        let what = if app == 0 && schema::is_blank(conn)? {
            "it is an empty file; create an organisation with `scopebook init`".to_string()
        } else if app == 0 {
            "it is an SQLite database of another program (it has no Scopebook application id); nothing was changed"
                .to_string()
        } else {
            format!("it is an SQLite database of another program (application id {app:#010x}); nothing was changed")
        };
        return Err(refuse(Code::NotAScopebookDatabase, format!("the file is not a Scopebook database: {what}")));
    }
    if version > schema::SCHEMA_VERSION {
        return Err(refuse(
            Code::NewerSchema,
            format!(
                "the database has schema version {version}, but this Scopebook ({}) understands versions up to {}; open it with a newer Scopebook (the file was not changed)",
                scopebook_core::ENGINE_VERSION,
                schema::SCHEMA_VERSION
            ),
        ));
    }
    Ok(version)
}

fn migrate(conn: &Connection) -> Result<(), Fail> {
    let (_, version) = schema::identity(conn)?;
    if version == schema::SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    // Another program may have migrated it while we waited for the lock.
    let version = check_identity(&tx)?;
    if version < schema::SCHEMA_VERSION {
        schema::apply(&tx, schema::MIGRATIONS, version, schema::SCHEMA_VERSION)?;
    }
    tx.commit()?;
    Ok(())
}

fn non_empty(value: &str, column: &'static str, what: &str) -> Result<String, Fail> {
    let v = value.trim();
    if v.is_empty() {
        return Err(refuse_at(Code::MissingValue, column, format!("{what} is empty; it is required")));
    }
    Ok(v.to_string())
}

fn region(value: &str, column: &'static str) -> Result<String, Fail> {
    Region::parse(value).map(|r| r.to_string()).ok_or_else(|| {
        refuse_at(
            Code::InvalidRegion,
            column,
            format!("'{}' is not a region code (e.g. CN, CN-GD, CN-GRID-EAST, GB, GLOBAL)", value.trim()),
        )
    })
}

fn equity_share(value: &str) -> Result<String, Fail> {
    let d = scopebook_core::number::parse_decimal(value).map_err(|r| {
        refuse_at(Code::MalformedNumber, "equity_share", format!("'{}' is not a number: {r}", value.trim()))
    })?;
    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
        return Err(refuse_at(
            Code::OutOfRange,
            "equity_share",
            format!("an equity share of {d} % is impossible: it is a percentage from 0 to 100"),
        ));
    }
    Ok(d.normalize().to_string())
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

fn pins_json(pins: &BTreeMap<String, String>) -> String {
    // A BTreeMap of strings serialises with its keys in order: canonical.
    serde_json::to_string(pins).unwrap_or_else(|_| "{}".to_string())
}

/// The library as a period uses it: its pinned editions only.
fn period_library<'l>(lib: &'l FactorLibrary, pins: &BTreeMap<String, String>) -> Result<Cow<'l, FactorLibrary>, Fail> {
    scopebook_core::run::pinned_library(lib, pins).map_err(|e| refuse_at(Code::UnknownRecord, "pin", e))
}

/// A period's records calculated: the same [`Run`] as `scopebook calc` makes of the records
/// exported as an activity file (named `period YEAR`), except that each line's `row` is its
/// record id.
pub struct PeriodCalculation {
    pub period: ReportingPeriod,
    pub run: Run,
}

/// How a fresh calculation of a locked period compares with its snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotComparison {
    /// The period is not locked: there is no snapshot.
    NoSnapshot,
    Identical,
    /// A warning saying what differs.
    Differs(Diagnostic),
}

impl Store {
    /// Create a new organisation file at `path` (which must not hold anything yet).
    pub fn create(path: &Path, org: &NewOrganisation, user: &str) -> Result<Store, StoreError> {
        let name = path.display().to_string();
        Self::create_inner(path, org, user).map_err(|e| e.into_error(&name))
    }

    fn create_inner(path: &Path, org: &NewOrganisation, user: &str) -> Result<Store, Fail> {
        let org_name = non_empty(&org.name, "name", "the organisation's name")?;
        if path.exists() {
            let conn = connect(path, false)?;
            let (app, _) = schema::identity(&conn)?;
            if app == schema::APPLICATION_ID {
                return Err(refuse(
                    Code::DatabaseExists,
                    "the file already holds a Scopebook organisation; open it, or give `init` a new file name",
                ));
            }
            if app != 0 || !schema::is_blank(&conn)? {
                return Err(refuse(
                    Code::NotAScopebookDatabase,
                    "the file is not a Scopebook database (it is an SQLite database of another program); nothing was changed",
                ));
            }
        }
        let mut conn = connect(path, true)?;
        configure(&mut conn)?;
        let user = user.to_string();
        {
            let tx = conn.unchecked_transaction()?;
            if !schema::is_blank(&tx)? {
                return Err(refuse(Code::DatabaseExists, "another program created this file at the same moment"));
            }
            schema::apply(&tx, schema::MIGRATIONS, 0, schema::SCHEMA_VERSION)?;
            let mut w = Tx { conn: &tx, user: &user, at: now(), head: audit::Head::load(&tx)? };
            tx.execute(
                "INSERT INTO organisation (id, name, consolidation, created_at) VALUES (1, ?1, ?2, ?3)",
                params![org_name, consolidation_str(org.consolidation), w.at],
            )?;
            w.log("create", "organisation", 1, None, None)?;
            tx.commit()?;
        }
        Ok(Store { conn, name: path.display().to_string(), user })
    }

    /// Open an existing organisation file, migrating it to this build's schema if it is older.
    pub fn open(path: &Path, user: &str) -> Result<Store, StoreError> {
        let name = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::one(
                Code::UnreadableFile,
                &name,
                "the database does not exist; create it with `scopebook init`",
            ));
        }
        let open = || -> Result<Connection, Fail> {
            let mut conn = connect(path, false)?;
            check_identity(&conn)?;
            configure(&mut conn)?;
            migrate(&conn)?;
            Ok(conn)
        };
        let conn = open().map_err(|e| e.into_error(&name))?;
        Ok(Store { conn, name, user: user.to_string() })
    }

    /// The name the diagnostics give this database (its path as given).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    /// The connection, for read-only inspection (tests, tools). Writes through it bypass the
    /// audit log, and `verify` will report them.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn err(&self, e: Fail) -> StoreError {
        e.into_error(&self.name)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, Fail>) -> Result<T, StoreError> {
        f(&self.conn).map_err(|e| self.err(e))
    }

    /// Run `f` as one transaction: committed when it succeeds, rolled back (leaving nothing)
    /// when it fails.
    fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, Fail>) -> Result<T, StoreError> {
        let run = || -> Result<T, Fail> {
            let tx = self.conn.unchecked_transaction()?;
            let mut w = Tx { conn: &tx, user: &self.user, at: now(), head: audit::Head::load(&tx)? };
            let out = f(&mut w)?;
            tx.commit()?;
            Ok(out)
        };
        run().map_err(|e| self.err(e))
    }

    // ---- organisation ----

    pub fn organisation(&self) -> Result<Organisation, StoreError> {
        self.read(|c| {
            let (name, consolidation, created_at): (String, String, String) = c
                .query_row("SELECT name, consolidation, created_at FROM organisation WHERE id = 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?
                .ok_or_else(|| refuse(Code::DatabaseError, "the database has no organisation record"))?;
            Ok(Organisation { name, consolidation: parse_consolidation(&consolidation), created_at })
        })
    }

    // ---- facilities ----

    /// Add a legal entity or facility.
    pub fn add_facility(&mut self, f: &NewFacility) -> Result<Facility, StoreError> {
        let id = self.write(|w| {
            let code = non_empty(&f.code, "code", "the facility code")?;
            let name = non_empty(&f.name, "name", "the facility name")?;
            let region = region(&f.region, "region")?;
            let grid = opt(&f.grid_region).map(|g| self::region(&g, "grid_region")).transpose()?;
            let share = equity_share(f.equity_share.as_deref().unwrap_or("100"))?;
            let parent = match opt(&f.parent) {
                Some(p) => Some(facility_id(w.conn, &p, "parent")?.0),
                None => None,
            };
            if facility_id(w.conn, &code, "code").is_ok() {
                return Err(refuse_at(Code::DuplicateId, "code", format!("a facility with code '{code}' already exists")));
            }
            w.conn.execute(
                "INSERT INTO facility (code, name, kind, parent_id, equity_share, operational_control, financial_control, region, grid_region, ets_covered, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    code,
                    name,
                    f.kind.as_str(),
                    parent,
                    share,
                    f.operational_control,
                    f.financial_control,
                    region,
                    grid,
                    f.ets_covered,
                    w.at
                ],
            )?;
            let id = w.conn.last_insert_rowid();
            w.log("create", "facility", id, None, None)?;
            Ok(id)
        })?;
        self.facility_by_id(id)
    }

    /// Change a facility's name, share, control flags, regions or ETS flag.
    pub fn update_facility(
        &mut self,
        code: &str,
        change: &FacilityChange,
        reason: Option<&str>,
    ) -> Result<Facility, StoreError> {
        let id = self.write(|w| {
            let (id, _) = facility_id(w.conn, code.trim(), "code")?;
            let old = w.row("facility", id)?;
            let mut sets: Vec<(&str, rusqlite::types::Value)> = Vec::new();
            use rusqlite::types::Value as V;
            if let Some(n) = &change.name {
                sets.push(("name", V::Text(non_empty(n, "name", "the facility name")?)));
            }
            if let Some(s) = &change.equity_share {
                sets.push(("equity_share", V::Text(equity_share(s)?)));
            }
            if let Some(b) = change.operational_control {
                sets.push(("operational_control", V::Integer(i64::from(b))));
            }
            if let Some(b) = change.financial_control {
                sets.push(("financial_control", V::Integer(i64::from(b))));
            }
            if let Some(r) = &change.region {
                sets.push(("region", V::Text(region(r, "region")?)));
            }
            if let Some(g) = &change.grid_region {
                let g = opt(g).map(|g| region(&g, "grid_region")).transpose()?;
                sets.push(("grid_region", g.map_or(V::Null, V::Text)));
            }
            if let Some(b) = change.ets_covered {
                sets.push(("ets_covered", V::Integer(i64::from(b))));
            }
            for (column, value) in sets {
                w.conn.execute(&format!("UPDATE facility SET {column} = ?1 WHERE id = ?2"), params![value, id])?;
            }
            if w.row("facility", id)? != old {
                w.log("update", "facility", id, old.as_deref(), reason)?;
            }
            Ok(id)
        })?;
        self.facility_by_id(id)
    }

    /// Remove a facility that nothing refers to (no records, no child facilities).
    pub fn delete_facility(&mut self, code: &str, reason: Option<&str>) -> Result<(), StoreError> {
        self.write(|w| {
            let (id, _) = facility_id(w.conn, code.trim(), "code")?;
            let used: i64 = w.conn.query_row(
                "SELECT (SELECT count(*) FROM activity WHERE facility_id = ?1) + (SELECT count(*) FROM facility WHERE parent_id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if used > 0 {
                return Err(refuse_at(
                    Code::InvalidState,
                    "code",
                    format!("facility '{}' cannot be removed: activity records or other facilities refer to it", code.trim()),
                ));
            }
            let old = w.row("facility", id)?;
            w.conn.execute("DELETE FROM facility WHERE id = ?1", [id])?;
            w.log("delete", "facility", id, old.as_deref(), reason)?;
            Ok(())
        })
    }

    pub fn facilities(&self) -> Result<Vec<Facility>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!("{FACILITY_SELECT} ORDER BY f.id"))?;
            let rows = stmt.query_map([], facility_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    pub fn facility(&self, code: &str) -> Result<Facility, StoreError> {
        let id = self.read(|c| Ok(facility_id(c, code.trim(), "facility")?.0))?;
        self.facility_by_id(id)
    }

    fn facility_by_id(&self, id: i64) -> Result<Facility, StoreError> {
        self.read(|c| Ok(c.query_row(&format!("{FACILITY_SELECT} WHERE f.id = ?1"), [id], facility_from_row)?))
    }

    // ---- periods ----

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
            period_library(lib, &p.pins)?;
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
            let plib = period_library(lib, pins)?;
            let (csv, ids) = export_csv(w.conn, p.id)?;
            let rows = read_export_rows(&csv);
            let opts = CalcOptions { gwp_set: p.gwp_set, keep_lines: false };
            let checked = scopebook_core::pipeline::check_rows(&plib, opts, &name, &EXPORT_COLUMNS, &rows).rows;
            let mut problems = Vec::new();
            for (res, id) in checked.into_iter().zip(&ids) {
                if let Err(ds) = res {
                    for mut d in ds {
                        d.location =
                            Location { file: name.clone(), row: u64::try_from(*id).ok(), column: d.location.column };
                        d.message = format!("record {id}, under the new editions: {}", d.message);
                        problems.push(d);
                    }
                }
            }
            if !problems.is_empty() {
                return Err(Fail::Rows(problems));
            }
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

    // ---- activity records ----

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
            let plib = period_library(lib, &p.pins)?;
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
            let plib = period_library(lib, &p.pins)?;
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
                return Err(locked(&p, &format!("record {id} cannot be changed; correct it with `scopebook activity restate --id {id}`")));
            }
            if status == RecordStatus::Superseded {
                return Err(refuse_at(Code::InvalidState, "id", format!("record {id} was restated and is kept as it was")));
            }
            let plib = period_library(lib, &p.pins)?;
            let rows = validate(w.conn, &name, &plib, &p, std::slice::from_ref(input))?;
            let Some(row) = rows.first() else { return Err(refuse(Code::DatabaseError, "validation returned no row")) };
            let old = w.row("activity", id)?;
            w.conn.execute(
                "UPDATE activity SET facility_id = ?1, activity = ?2, quantity = ?3, unit = ?4, start_date = ?5, end_date = ?6,
                   factor = ?7, region = ?8, scope3_category = ?9, supplier = ?10, evidence = ?11, evidence_file = ?12,
                   evidence_sha256 = ?13, meter_id = ?14, data_quality = ?15, note = ?16 WHERE id = ?17",
                params![
                    row.facility_id,
                    row.activity,
                    row.quantity,
                    row.unit,
                    row.start,
                    row.end,
                    row.factor,
                    row.region,
                    row.scope3_category,
                    row.supplier,
                    row.evidence,
                    input.evidence_file.as_ref().map(|e| e.name.clone()),
                    input.evidence_file.as_ref().map(|e| e.sha256.clone()),
                    opt(&input.meter_id),
                    row.data_quality,
                    row.note,
                    id
                ],
            )?;
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
            let plib = period_library(lib, &p.pins)?;
            let rows = validate(w.conn, &name, &plib, &p, std::slice::from_ref(input))?;
            let Some(row) = rows.first() else { return Err(refuse(Code::DatabaseError, "validation returned no row")) };
            let old = w.row("activity", id)?;
            w.conn.execute("UPDATE activity SET status = 'superseded' WHERE id = ?1", [id])?;
            w.log("restate", "activity", id, old.as_deref(), Some(&reason))?;
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

    /// A period's current records as an activity file (`scopebook calc` input), in entry
    /// order, with their ids.
    pub fn export(&self, year: i32) -> Result<(Vec<u8>, Vec<i64>), StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            export_csv(c, p.id)
        })
    }

    /// Calculate a period's current records under its GWP set and pinned editions.
    pub fn calculate(&self, lib: &FactorLibrary, year: i32, keep_lines: bool) -> Result<PeriodCalculation, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            calculate(c, lib, &p, keep_lines)
        })
    }

    /// Compare a fresh calculation (with lines) of a locked period with its snapshot.
    pub fn compare_with_snapshot(&self, calc: &PeriodCalculation) -> Result<SnapshotComparison, StoreError> {
        let Some(snap) = self.snapshot(calc.period.year)? else { return Ok(SnapshotComparison::NoSnapshot) };
        let fresh = calc.run.report(true).to_json();
        if fresh == snap.result_json {
            return Ok(SnapshotComparison::Identical);
        }
        let restated: i64 = self.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM activity WHERE period_id = ?1 AND supersedes IS NOT NULL",
                [calc.period.id],
                |r| r.get(0),
            )?)
        })?;
        let mut why = Vec::new();
        if snap.engine_version != scopebook_core::ENGINE_VERSION {
            why.push(format!(
                "it was taken by Scopebook {}, this is {}",
                snap.engine_version,
                scopebook_core::ENGINE_VERSION
            ));
        }
        if snap.input_sha256 != calc.run.input_sha256() {
            if restated > 0 {
                why.push(format!("{restated} record(s) were restated since"));
            } else {
                why.push("the period's records differ".to_string());
            }
        }
        let old: serde_json::Value = serde_json::from_str(&snap.result_json).unwrap_or_default();
        if old.pointer("/inputs/datasets") != serde_json::to_value(&calc.run.inputs.datasets).ok().as_ref() {
            why.push("the loaded dataset editions differ".to_string());
        }
        let report = calc.run.report(false);
        let total = |v: &serde_json::Value, k: &str| {
            v.pointer(&format!("/totals/{k}")).and_then(|x| x.as_str()).unwrap_or("?").to_string()
        };
        let mut totals = Vec::new();
        for (k, now) in [
            ("scope1", report.totals.scope1),
            ("scope2_location", report.totals.scope2_location),
            ("scope2_market", report.totals.scope2_market),
            ("scope3", report.totals.scope3),
        ] {
            let then = total(&old, k);
            if then != now.to_string() {
                totals.push(format!("{k} {then} t → {now} t"));
            }
        }
        if totals.is_empty() {
            why.push("the totals are unchanged".to_string());
        } else {
            why.push(format!("totals: {}", totals.join(", ")));
        }
        Ok(SnapshotComparison::Differs(Diagnostic::warning(
            Code::SnapshotMismatch,
            Location::file(calc.run.file()),
            format!(
                "this calculation differs from the snapshot taken when period {} was locked (snapshot {}): {}",
                calc.period.year,
                snap.id,
                why.join("; ")
            ),
        )))
    }

    // ---- audit ----

    /// The whole audit log, oldest first.
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(|c| Ok(audit::entries(c, None)?))
    }

    /// One page of the audit log, newest first, with the number of matching entries: entries
    /// of one action, table and user when given, whose values or reason contain `text`
    /// (case-insensitive for ASCII letters).
    pub fn audit_page(
        &self,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<AuditEntry>, u64), StoreError> {
        self.read(|c| Ok(audit::page(c, filter, offset, limit)?))
    }

    /// The audit entries of one record (its history), oldest first.
    pub fn history(&self, table: &str, id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(|c| Ok(audit::entries(c, Some((table, id)))?))
    }

    /// Walk the audit chain and replay it against the tables. Fails with the first entry where
    /// the chain or the data stop matching.
    pub fn verify(&self) -> Result<Verified, StoreError> {
        let outcome = self.read(|c| Ok(audit::verify(c)?))?;
        outcome.map_err(|b| StoreError::one(b.code, &self.name, b.message))
    }

    /// `PRAGMA integrity_check`: the file's structure is sound.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        self.read(integrity_check)
    }

    /// Copy the database to a new file `to` with SQLite's online backup, then check the copy.
    pub fn backup(&self, to: &Path) -> Result<(), StoreError> {
        backup::backup(&self.conn, &self.name, to)
    }

    /// Replace the database at `to` (or create it) with the backup `from`, after checking the
    /// backup: its application id, schema version, `integrity_check` and audit chain. A backup
    /// that fails is refused and `to` is left untouched.
    pub fn restore(from: &Path, to: &Path, user: &str) -> Result<Store, StoreError> {
        backup::restore(from, to, user)
    }
}

pub(crate) fn integrity_check(c: &Connection) -> Result<(), Fail> {
    let mut stmt = c.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    if lines.len() == 1 && lines[0] == "ok" {
        Ok(())
    } else {
        let findings: Vec<&str> = lines
            .iter()
            .flat_map(|l| l.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("***"))
            .collect();
        Err(refuse(
            Code::DatabaseError,
            format!(
                "the database file is damaged; SQLite's integrity check says: {}; use another backup, or restore this file from one",
                findings.iter().take(3).copied().collect::<Vec<_>>().join("; ")
            ),
        ))
    }
}

fn locked(p: &ReportingPeriod, what: &str) -> Fail {
    refuse(Code::PeriodLocked, format!("period {} is locked: {what}", p.year))
}

fn status_text(s: PeriodStatus) -> &'static str {
    match s {
        PeriodStatus::Open => "open",
        PeriodStatus::InReview => "in review",
        PeriodStatus::Locked => "locked",
    }
}

fn consolidation_str(c: Consolidation) -> &'static str {
    match c {
        Consolidation::OperationalControl => "operational-control",
        Consolidation::FinancialControl => "financial-control",
        Consolidation::EquityShare => "equity-share",
    }
}

fn parse_consolidation(s: &str) -> Consolidation {
    match s {
        "financial-control" => Consolidation::FinancialControl,
        "equity-share" => Consolidation::EquityShare,
        _ => Consolidation::OperationalControl,
    }
}

/// A facility's id and region, by code.
fn facility_id(c: &Connection, code: &str, column: &'static str) -> Result<(i64, String), Fail> {
    c.prepare_cached("SELECT id, region FROM facility WHERE code = ?1")?
        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| {
            refuse_at(
                Code::UnknownRecord,
                column,
                format!("there is no facility '{code}' (see `scopebook facility list`; add it with `scopebook facility add`)"),
            )
        })
}

const FACILITY_SELECT: &str = "SELECT f.id, f.code, f.name, f.kind, p.code, f.equity_share, f.operational_control, f.financial_control, f.region, f.grid_region, f.ets_covered FROM facility f LEFT JOIN facility p ON p.id = f.parent_id";

fn facility_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Facility> {
    let kind: String = r.get(3)?;
    Ok(Facility {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind: FacilityKind::parse(&kind).unwrap_or(FacilityKind::Facility),
        parent: r.get(4)?,
        equity_share: r.get(5)?,
        operational_control: r.get(6)?,
        financial_control: r.get(7)?,
        region: r.get(8)?,
        grid_region: r.get(9)?,
        ets_covered: r.get(10)?,
    })
}

const PERIOD_SELECT: &str = "SELECT id, year, start_date, end_date, status, base_year, gwp_set, pins FROM period";

fn period_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReportingPeriod> {
    let status: String = r.get(4)?;
    let gwp: String = r.get(6)?;
    let pins: String = r.get(7)?;
    Ok(ReportingPeriod {
        id: r.get(0)?,
        year: r.get(1)?,
        start: r.get(2)?,
        end: r.get(3)?,
        status: PeriodStatus::parse(&status).unwrap_or(PeriodStatus::Locked),
        base_year: r.get(5)?,
        gwp_set: GwpSet::parse(&gwp).unwrap_or(GwpSet::AR5),
        pins: serde_json::from_str(&pins).unwrap_or_default(),
    })
}

fn period_by_year(c: &Connection, year: i32) -> Result<ReportingPeriod, Fail> {
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

/// The period of a record, and the record's status.
fn record_period(c: &Connection, id: i64) -> Result<(ReportingPeriod, RecordStatus), Fail> {
    let found: Option<(i64, String)> = c
        .query_row("SELECT period_id, status FROM activity WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((period_id, status)) = found else {
        return Err(refuse_at(Code::UnknownRecord, "id", format!("there is no activity record {id}")));
    };
    let p = c.query_row(&format!("{PERIOD_SELECT} WHERE id = ?1"), [period_id], period_from_row)?;
    let status = if status == "superseded" { RecordStatus::Superseded } else { RecordStatus::Current };
    Ok((p, status))
}

const ACTIVITY_SELECT: &str = "SELECT a.id, p.year, f.code, a.activity, a.quantity, a.unit, a.start_date, a.end_date, a.factor, a.region, a.scope3_category, a.supplier, a.evidence, a.evidence_file, a.evidence_sha256, a.meter_id, a.data_quality, a.note, a.entered_by, a.created_at, a.status, a.supersedes, a.restatement_reason FROM activity a JOIN period p ON p.id = a.period_id JOIN facility f ON f.id = a.facility_id";

fn activity_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRecord> {
    let file: Option<String> = r.get(13)?;
    let sha: Option<String> = r.get(14)?;
    let status: String = r.get(20)?;
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
        status: if status == "superseded" { RecordStatus::Superseded } else { RecordStatus::Current },
        supersedes: r.get(21)?,
        restatement_reason: r.get(22)?,
    })
}

/// A record's stored values once checked: normalised by the activity-file reader.
struct CheckedRow {
    facility_id: i64,
    activity: String,
    quantity: String,
    unit: String,
    start: String,
    end: String,
    factor: Option<String>,
    region: Option<String>,
    scope3_category: Option<i64>,
    supplier: Option<String>,
    evidence: Option<String>,
    data_quality: Option<String>,
    note: Option<String>,
}

/// Check inputs as `scopebook calc` would (the activity-file reader, then factor selection
/// under the period's GWP set and pinned editions), plus the store's own rules: the facility
/// exists, the dates lie within the period, the data-quality indicator is known.
/// An optional cell's text, or "" (an empty cell).
fn cell_or_empty(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or("")
}

fn check_inputs<I: AsRef<ActivityInput>>(
    c: &Connection,
    file: &str,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    inputs: &[I],
    rows_of: &dyn Fn(usize) -> Option<u64>,
) -> Result<Checked, Fail> {
    let at =
        |i: usize, column: &str| Location { file: file.to_string(), row: rows_of(i), column: Some(column.to_string()) };
    let mut problems: Vec<Vec<Diagnostic>> = vec![Vec::new(); inputs.len()];
    let mut facilities: HashMap<String, Option<(i64, String)>> = HashMap::new();
    let period_days = parse_date(&p.start).ok().zip(parse_date(&p.end).ok());
    let mut facility_ids = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().map(AsRef::as_ref).enumerate() {
        let code = input.facility.trim();
        if !facilities.contains_key(code) {
            let found = match facility_id(c, code, "facility") {
                Ok(f) => Some(f),
                Err(Fail::Refused { .. }) => None,
                Err(e) => return Err(e),
            };
            facilities.insert(code.to_string(), found);
        }
        let facility = facilities.get(code).and_then(|f| f.as_ref().map(|f| f.0));
        if facility.is_none() && !code.is_empty() {
            problems[i].push(Diagnostic::error(
                Code::UnknownRecord,
                at(i, "facility"),
                format!("there is no facility '{code}' (see `scopebook facility list`; add it with `scopebook facility add`)"),
            ));
        }
        if let Some(q) = opt(&input.data_quality) {
            if !DATA_QUALITY.contains(&q.as_str()) {
                problems[i].push(Diagnostic::error(
                    Code::OutOfRange,
                    at(i, "data_quality"),
                    format!("'{q}' is not a data-quality indicator; use one of: {}", DATA_QUALITY.join(", ")),
                ));
            }
        }
        if let Some(e) = &input.evidence_file {
            let ok = e.sha256.len() == 64 && e.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !ok || e.name.trim().is_empty() {
                problems[i].push(Diagnostic::error(
                    Code::OutOfRange,
                    at(i, "evidence_file"),
                    "an evidence file needs its name and its SHA-256 (64 lower-case hexadecimal digits)".to_string(),
                ));
            }
        }
        if let (Ok(start), Ok(end), Some((first, last))) =
            (parse_date(&input.start), parse_date(&input.end), period_days)
        {
            if start <= end && (start < first || end > last) {
                let column = if start < first { "period_start" } else { "period_end" };
                problems[i].push(Diagnostic::error(
                    Code::OutOfRange,
                    at(i, column),
                    format!(
                        "the activity's dates {start}..{end} are not within period {} ({}..{})",
                        p.year, p.start, p.end
                    ),
                ));
            }
        }
        facility_ids.push(facility);
    }
    // The rows as activity-file cells, borrowed from the inputs (no copies of a million rows).
    let mut rows: Vec<[&str; 12]> = Vec::with_capacity(inputs.len());
    for input in inputs.iter().map(AsRef::as_ref) {
        let code = input.facility.trim();
        let own_region = input.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let region =
            own_region.or_else(|| facilities.get(code).and_then(|f| f.as_ref()).map(|f| f.1.as_str())).unwrap_or("");
        rows.push([
            code,
            &input.start,
            &input.end,
            &input.activity,
            &input.quantity,
            &input.unit,
            cell_or_empty(&input.factor),
            region,
            cell_or_empty(&input.scope3_category),
            cell_or_empty(&input.supplier),
            cell_or_empty(&input.evidence),
            cell_or_empty(&input.note),
        ]);
    }
    let opts = CalcOptions { gwp_set: p.gwp_set, keep_lines: false };
    let checked = scopebook_core::pipeline::check_rows(lib, opts, file, &EXPORT_COLUMNS, &rows);
    let mut out: Vec<Option<CheckedRow>> = Vec::with_capacity(inputs.len());
    let mut activities = Vec::with_capacity(inputs.len());
    for (i, res) in checked.rows.into_iter().enumerate() {
        match res {
            Err(ds) => {
                out.push(None);
                activities.push(None);
                // Without its facility a row has no region: factor findings would be noise.
                let facility_known = facility_ids[i].is_some();
                for d in ds {
                    if !facility_known && matches!(d.code, Code::NoFactor | Code::AmbiguousFactor | Code::UnitMismatch)
                    {
                        continue;
                    }
                    let column = d.location.column.clone().unwrap_or_default();
                    problems[i].push(Diagnostic { location: at(i, &column), ..d });
                }
            }
            Ok(a) => {
                let (start, end) = (a.period.start.to_string(), a.period.end.to_string());
                out.push(facility_ids[i].map(|fid| CheckedRow {
                    facility_id: fid,
                    activity: a.activity.to_string(),
                    quantity: a.quantity.to_string(),
                    unit: inputs[i].as_ref().unit.trim().to_string(),
                    start,
                    end,
                    factor: a.factor.as_deref().map(str::to_string),
                    region: a.region.as_deref().map(Region::to_string),
                    scope3_category: a.scope3_category.map(|c| i64::from(c.number())),
                    supplier: a.supplier.as_deref().map(str::to_string),
                    evidence: a.evidence.as_deref().map(str::to_string),
                    data_quality: opt(&inputs[i].as_ref().data_quality),
                    note: a.note.as_deref().map(str::to_string),
                }));
                activities.push(Some(a));
            }
        }
    }
    Ok(Checked { rows: out, activities, problems, warnings: checked.inventory.diagnostics })
}

/// Rows checked by [`check_inputs`]: row `i` is stored as `rows[i]` when `problems[i]` is empty.
struct Checked {
    rows: Vec<Option<CheckedRow>>,
    /// The activity each row reads as (for the inventory of an import).
    activities: Vec<Option<scopebook_core::activity::Activity>>,
    problems: Vec<Vec<Diagnostic>>,
    /// Warnings of the calculation (unverified factors and the like).
    warnings: Vec<Diagnostic>,
}

/// Check inputs, refusing them all when any is wrong, with every problem of every row (the
/// diagnostics' row is the 1-based position in `inputs` when there is more than one).
fn validate(
    c: &Connection,
    file: &str,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    inputs: &[ActivityInput],
) -> Result<Vec<CheckedRow>, Fail> {
    let batch = inputs.len() > 1;
    let checked = check_inputs(c, file, lib, p, inputs, &|i| if batch { u64::try_from(i + 1).ok() } else { None })?;
    let all: Vec<Diagnostic> = checked.problems.into_iter().flatten().collect();
    if !all.is_empty() {
        return Err(Fail::Rows(all));
    }
    Ok(checked.rows.into_iter().flatten().collect())
}

fn insert_activity(
    w: &Tx<'_>,
    p: &ReportingPeriod,
    input: &ActivityInput,
    row: &CheckedRow,
    supersedes: Option<i64>,
    reason: Option<&str>,
) -> Result<i64, Fail> {
    let mut stmt = w.conn.prepare_cached(
        "INSERT INTO activity (period_id, facility_id, activity, quantity, unit, start_date, end_date, factor, region,
           scope3_category, supplier, evidence, evidence_file, evidence_sha256, meter_id, data_quality, note, entered_by,
           created_at, status, supersedes, restatement_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, 'current', ?20, ?21)",
    )?;
    stmt.execute(params![
        p.id,
        row.facility_id,
        row.activity,
        row.quantity,
        row.unit,
        row.start,
        row.end,
        row.factor,
        row.region,
        row.scope3_category,
        row.supplier,
        row.evidence,
        input.evidence_file.as_ref().map(|e| e.name.trim().to_string()),
        input.evidence_file.as_ref().map(|e| e.sha256.clone()),
        opt(&input.meter_id),
        row.data_quality,
        row.note,
        w.user,
        w.at,
        supersedes,
        reason
    ])?;
    Ok(w.conn.last_insert_rowid())
}

/// The current records of a period as an activity file, with their ids in file order.
fn export_csv(c: &Connection, period_id: i64) -> Result<(Vec<u8>, Vec<i64>), Fail> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(EXPORT_COLUMNS);
    let mut ids = Vec::new();
    let mut stmt = c.prepare_cached(
        "SELECT a.id, f.code, a.start_date, a.end_date, a.activity, a.quantity, a.unit, a.factor, a.region,
                a.scope3_category, a.supplier, a.evidence, a.note
         FROM activity a JOIN facility f ON f.id = a.facility_id
         WHERE a.period_id = ?1 AND a.status = 'current' ORDER BY a.id",
    )?;
    let mut rows = stmt.query([period_id])?;
    let mut record: Vec<String> = Vec::with_capacity(EXPORT_COLUMNS.len());
    while let Some(r) = rows.next()? {
        ids.push(r.get::<_, i64>(0)?);
        record.clear();
        for i in 1..=12 {
            let v: Option<String> = match r.get_ref(i)? {
                rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                rusqlite::types::ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                _ => None,
            };
            record.push(v.unwrap_or_default());
        }
        let _ = w.write_record(&record);
    }
    let bytes = w.into_inner().map_err(|e| refuse(Code::DatabaseError, format!("cannot write the export: {e}")))?;
    Ok((bytes, ids))
}

/// The cells of an export's data rows (for re-checking them).
fn read_export_rows(csv: &[u8]) -> Vec<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(csv);
    rdr.records().filter_map(Result::ok).map(|r| r.iter().map(str::to_string).collect()).collect()
}

/// Calculate a period: export its records, then the one calculation run of `scopebook calc`,
/// with each line numbered by its record id.
fn calculate(
    c: &Connection,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    keep_lines: bool,
) -> Result<PeriodCalculation, Fail> {
    let plib = period_library(lib, &p.pins)?;
    let (bytes, ids) = export_csv(c, p.id)?;
    let file = format!("period {}", p.year);
    let opts = CalcOptions { gwp_set: p.gwp_set, keep_lines };
    // Line n of the export (the header is line 1) is record ids[n - 2].
    let run = Run::calculate_numbered(&plib, &file, &bytes, opts, |line| {
        usize::try_from(line)
            .ok()
            .and_then(|l| l.checked_sub(2))
            .and_then(|i| ids.get(i))
            .and_then(|id| u64::try_from(*id).ok())
            .unwrap_or(line)
    });
    Ok(PeriodCalculation { period: p.clone(), run })
}
