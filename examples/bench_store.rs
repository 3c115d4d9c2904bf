//! The store benchmark behind `scripts/bench-store.sh`: write N activity records through the
//! store API, as the import path would (one transaction per 10,000 rows, each row checked as
//! `scopebook calc` checks it, and audited), read back the period's totals, and verify the audit
//! chain; then insert the same rows into the same table with a bare rusqlite loop (one prepared
//! statement, one transaction, no checks, no audit) — the practical ceiling. Prints records/s
//! for both and the ratio, and a JSON line for tools.
//!
//!     cargo run --release --example bench_store -- [N] [--dir DIR]
//!
//! With `--make-db FILE` it only writes the store (N records of grid electricity and natural gas
//! in 50 facilities, period 2023, through the store API as above) to FILE and stops: the input of
//! `scripts/bench-calc-db.sh`, which times `scopebook calc --db` against `scopebook calc` on the
//! period's export.
//!
//!     cargo run --release --example bench_store -- [N] --make-db FILE

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::float_arithmetic)]

use std::path::PathBuf;
use std::time::Instant;

use scopebook_core::library::FactorLibrary;
use scopebook_store::{ActivityInput, Store};

#[path = "common/bench.rs"]
mod bench;
use bench::{bare_connection, bare_insert, setup_store, BareRow, REGIONS};

const BATCH: usize = 10_000;
const FACILITIES: usize = 20;
const KINDS: [(&str, &str); 5] =
    [("grid_electricity", "kWh"), ("natural_gas", "10^4 Nm3"), ("diesel", "t"), ("bituminous_coal", "t"), ("lpg", "t")];
/// `--make-db`: gas and electricity in 50 facilities.
const CALC_FACILITIES: usize = 50;
const CALC_KINDS: [(&str, &str); 2] = [("grid_electricity", "kWh"), ("natural_gas", "10^4 Nm3")];

/// Row `i` of the write benchmark: a facility, a month of 2023, an activity type and a quantity.
fn row(i: usize) -> ActivityInput {
    row_of(i, FACILITIES, &KINDS)
}

/// Row `i` among `facilities` facilities and `kinds` activity types.
fn row_of(i: usize, facilities: usize, kinds: &[(&str, &str)]) -> ActivityInput {
    let (activity, unit) = kinds[i % kinds.len()];
    let month = i % 12 + 1;
    let last = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    ActivityInput {
        facility: format!("F{:02}", i % facilities),
        activity: activity.to_string(),
        quantity: format!("{}.{:03}", (i * 7919) % 100_000 + 1, i % 1000),
        unit: unit.to_string(),
        start: format!("2023-{month:02}-01"),
        end: format!("2023-{month:02}-{last}"),
        evidence: Some(format!("INV-{i:07}")),
        ..ActivityInput::default()
    }
}

fn setup(path: &std::path::Path, lib: &FactorLibrary) -> Store {
    setup_with(path, lib, FACILITIES)
}

fn setup_with(path: &std::path::Path, lib: &FactorLibrary, facilities: usize) -> Store {
    setup_store(path, lib, facilities)
}

/// Write `n` records of gas and electricity in 50 facilities to a new store at `path`.
fn make_db(path: &std::path::Path, n: usize) {
    let (lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty());
    let mut s = setup_with(path, &lib, CALC_FACILITIES);
    let t = Instant::now();
    let mut done = 0;
    while done < n {
        let k = BATCH.min(n - done);
        let rows: Vec<ActivityInput> = (done..done + k).map(|i| row_of(i, CALC_FACILITIES, &CALC_KINDS)).collect();
        s.add_activities(&lib, 2023, &rows).unwrap_or_else(|e| panic!("{e}"));
        done += k;
    }
    println!(
        "wrote {n} records ({CALC_FACILITIES} facilities, gas and electricity) to {} in {:.1} s",
        path.display(),
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize =
        args.first().filter(|a| !a.starts_with("--")).map_or(1_000_000, |a| a.replace('_', "").parse().unwrap());
    let dir = args.iter().position(|a| a == "--dir").map(|i| PathBuf::from(&args[i + 1]));
    if let Some(i) = args.iter().position(|a| a == "--make-db") {
        make_db(&PathBuf::from(&args[i + 1]), n);
        return;
    }
    let tmp = tempfile::tempdir_in(dir.clone().unwrap_or_else(std::env::temp_dir)).unwrap();
    let (lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty());

    // 1. Through the store: validated, audited, one transaction per batch.
    let store_path = tmp.path().join("store.db");
    let mut s = setup(&store_path, &lib);
    let t = Instant::now();
    let mut done = 0;
    while done < n {
        let k = BATCH.min(n - done);
        let rows: Vec<ActivityInput> = (done..done + k).map(row).collect();
        s.add_activities(&lib, 2023, &rows).unwrap_or_else(|e| panic!("{e}"));
        done += k;
    }
    let write_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let calc = s.calculate(&lib, 2023, false).unwrap();
    let report = calc.run.report(false);
    assert!(report.complete, "{:?}", calc.run.diagnostics.first());
    assert_eq!(report.line_count, n as u64);
    let read_s = t.elapsed().as_secs_f64();
    let totals = (report.totals.scope1, report.totals.scope2_location);
    let t = Instant::now();
    let v = s.verify().unwrap();
    let verify_s = t.elapsed().as_secs_f64();
    let store_bytes = std::fs::metadata(&store_path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(tmp.path().join("store.db-wal")).map(|m| m.len()).unwrap_or(0);
    drop(s);

    // 2. The ceiling: the same rows, already normalised, into the same table with a bare loop.
    let bare_path = tmp.path().join("bare.db");
    let s = setup(&bare_path, &lib);
    drop(s);
    let mut conn = bare_connection(&bare_path);
    let rows: Vec<ActivityInput> = (0..n).map(row).collect();
    let bare_rows = || {
        rows.iter().enumerate().map(|(i, r)| BareRow {
            facility: i64::try_from(i % FACILITIES + 1).unwrap(),
            activity: &r.activity,
            quantity: r.quantity.as_str().into(),
            unit: &r.unit,
            start: &r.start,
            end: &r.end,
            region: REGIONS[i % FACILITIES % REGIONS.len()],
            evidence: r.evidence.as_deref(),
        })
    };
    let t = Instant::now();
    bare_insert(&mut conn, "activity", bare_rows());
    let bare_s = t.elapsed().as_secs_f64();
    let count: i64 = conn.query_row("SELECT count(*) FROM activity", [], |r| r.get(0)).unwrap();
    assert_eq!(count, n as i64);

    // 3. For scale: the same loop into a plain table with the same columns but no indexes,
    //    triggers or foreign keys.
    conn.execute_batch(
        "CREATE TABLE plain (id INTEGER PRIMARY KEY, period_id INTEGER, facility_id INTEGER, activity TEXT, quantity TEXT,
           unit TEXT, start_date TEXT, end_date TEXT, region TEXT, evidence TEXT, entered_by TEXT, created_at TEXT, status TEXT)",
    )
    .unwrap();
    let t = Instant::now();
    bare_insert(&mut conn, "plain", bare_rows());
    let plain_s = t.elapsed().as_secs_f64();

    let store_rate = n as f64 / write_s;
    let bare_rate = n as f64 / bare_s;
    println!("records                      {n}");
    println!("store: write (validated, audited, {BATCH}/txn)  {write_s:>8.2} s  {store_rate:>10.0} records/s");
    println!("store: read back period totals                {read_s:>8.2} s  {:>10.0} records/s", n as f64 / read_s);
    println!(
        "store: audit verify ({} entries)         {verify_s:>8.2} s  {:>10.0} entries/s",
        v.entries,
        v.entries as f64 / verify_s
    );
    println!("bare rusqlite insert loop (1 txn)             {bare_s:>8.2} s  {bare_rate:>10.0} records/s");
    println!("ratio bare / store (write)                    {:>8.1}x", bare_rate / store_rate);
    println!("bare loop, plain table (no indexes/triggers)  {plain_s:>8.2} s  {:>10.0} records/s", n as f64 / plain_s);
    println!("store file size (db + wal)                    {:>8.1} MB", store_bytes as f64 / 1e6);
    println!("totals: scope1 {} t, scope2 (location) {} t", totals.0, totals.1);
    println!(
        "{{\"records\": {n}, \"store_write_s\": {write_s:.3}, \"store_records_per_s\": {store_rate:.0}, \"read_totals_s\": {read_s:.3}, \"verify_s\": {verify_s:.3}, \"bare_s\": {bare_s:.3}, \"bare_records_per_s\": {bare_rate:.0}, \"ratio\": {:.2}, \"plain_s\": {plain_s:.3}}}",
        bare_rate / store_rate
    );
}
