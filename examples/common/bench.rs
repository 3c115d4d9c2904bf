//! What the store and import benchmarks share (`#[path]`-included by `bench_store.rs` and
//! `bench_import.rs`): the organisation file they write into, and the bare rusqlite insert loop
//! that is their ceiling.

use std::borrow::Cow;
use std::path::Path;

use rusqlite::Connection;
use scopebook_core::library::FactorLibrary;
use scopebook_store::{Consolidation, NewFacility, NewOrganisation, NewPeriod, Store};

/// The facilities' regions, in turn.
pub const REGIONS: [&str; 5] = ["CN-JS", "CN-GD", "CN-SH", "CN-ZJ", "CN-BJ"];

/// A new organisation file at `path` with facilities F00, F01, … (`facilities` of them, their
/// regions in turn) and period 2023.
pub fn setup_store(path: &Path, lib: &FactorLibrary, facilities: usize) -> Store {
    let org = NewOrganisation { name: "Bench Manufacturing".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(path, &org, "bench").unwrap();
    for f in 0..facilities {
        s.add_facility(&NewFacility::new(&format!("F{f:02}"), &format!("Plant {f}"), REGIONS[f % REGIONS.len()]))
            .unwrap();
    }
    s.add_period(lib, &NewPeriod::year(2023)).unwrap();
    s
}

/// A plain connection to the file at `path`, with the store's settings (WAL, full fsync at
/// commit, foreign keys).
pub fn bare_connection(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    conn
}

/// A record's values, already normalised, for [`bare_insert`].
pub struct BareRow<'a> {
    pub facility: i64,
    pub activity: &'a str,
    pub quantity: Cow<'a, str>,
    pub unit: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub region: &'a str,
    pub evidence: Option<&'a str>,
}

/// The ceiling: `rows` into `table` (the store's `activity`, or a table of the same columns) of
/// period 1 with one prepared statement in one transaction, no checks, no lineage, no audit.
pub fn bare_insert<'a>(conn: &mut Connection, table: &str, rows: impl Iterator<Item = BareRow<'a>>) {
    let tx = conn.transaction().unwrap();
    {
        let mut stmt = tx
            .prepare(&format!(
                "INSERT INTO {table} (period_id, facility_id, activity, quantity, unit, start_date, end_date, region, evidence, entered_by, created_at, status)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'bench', '2026-01-01T00:00:00.000000Z', 'current')"
            ))
            .unwrap();
        for r in rows {
            stmt.execute(rusqlite::params![
                r.facility, r.activity, r.quantity, r.unit, r.start, r.end, r.region, r.evidence
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}
