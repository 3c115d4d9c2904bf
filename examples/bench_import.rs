//! The import benchmark behind `scripts/bench-import.sh`: write an N-row CSV (Chinese headers
//! and activity names, thousands separators, as an ERP export has them) and an M-row .xlsx,
//! import each into a fresh organisation file exactly as `scopebook import` does (read,
//! map, convert, check every row as `scopebook calc` does, write with lineage and the audited
//! import record, one transaction), and time every stage. Then insert the same records into
//! the same table with a bare rusqlite loop (one prepared statement, one transaction, no checks,
//! no lineage): the practical ceiling, as in `bench_store`. Prints rows/s and the ratios, and a
//! JSON line for tools.
//!
//! The file is opened as `scopebook import` opens it (`read::open`: a CSV is hashed and its
//! encoding checked, then read a block at a time while the import runs; a workbook is read
//! whole), so "read" is the opening and "map, check, write" includes reading a CSV's rows.
//!
//! On Linux it also prints peak memory (the kernel's high-water mark of resident memory, reset
//! before each step through `/proc/self/clear_refs`): of opening the file, of the import (with
//! a workbook's table), and what the opened file holds. `XLSX_ROWS` 0 skips the workbook;
//! `--no-bare` skips the bare loop (for the peak of the import alone under `/usr/bin/time -v`).
//!
//!     cargo run --release --example bench_import -- [CSV_ROWS] [XLSX_ROWS] [--dir DIR] [--no-bare]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::float_arithmetic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use scopebook_core::library::FactorLibrary;
use scopebook_import::pipeline::{self, ImportOptions, Mode, Outcome};
use scopebook_import::read::{self, ReadOptions};
use scopebook_store::Store;

#[path = "common/bench.rs"]
mod bench;
use bench::{bare_connection, bare_insert, setup_store, BareRow, REGIONS};

const FACILITIES: usize = 20;
/// (the file's activity name, the file's unit): names the built-in dictionary maps.
const KINDS: [(&str, &str); 5] =
    [("电力", "kWh"), ("天然气", "万立方米"), ("柴油", "吨"), ("液化石油气", "t"), ("汽油", "t")];
const HEADERS: [&str; 7] = ["设施", "能源品种", "用量", "单位", "开始日期", "结束日期", "凭证号"];

fn cells(i: usize) -> [String; 7] {
    let (activity, unit) = KINDS[i % KINDS.len()];
    let month = i % 12 + 1;
    let last = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    let whole = (i * 7919) % 100_000 + 1;
    let quantity = if whole >= 1000 {
        format!("{},{:03}.{:03}", whole / 1000, whole % 1000, i % 1000)
    } else {
        format!("{whole}.{:03}", i % 1000)
    };
    [
        format!("F{:02}", i % FACILITIES),
        activity.to_string(),
        quantity,
        unit.to_string(),
        format!("2023-{month:02}-01"),
        format!("2023-{month:02}-{last}"),
        format!("INV-{i:07}"),
    ]
}

fn write_csv(path: &Path, n: usize) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut csv = csv::Writer::from_writer(&mut w);
    csv.write_record(HEADERS).unwrap();
    for i in 0..n {
        csv.write_record(cells(i)).unwrap();
    }
    csv.flush().unwrap();
    drop(csv);
    w.flush().unwrap();
}

fn write_xlsx(path: &Path, n: usize) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("能源台账").unwrap();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..n {
        let r = (i + 1) as u32;
        let c = cells(i);
        for (k, v) in c.iter().enumerate() {
            if k == 2 {
                // A number cell, as Excel stores a typed quantity.
                let q: f64 = v.replace(',', "").parse().unwrap();
                ws.write_number(r, 2, q).unwrap();
            } else {
                ws.write_string(r, k as u16, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn setup(path: &Path, lib: &FactorLibrary) -> Store {
    setup_store(path, lib, FACILITIES)
}

struct Timing {
    rows: usize,
    read_s: f64,
    import_s: f64,
    bytes: u64,
    records: u64,
    /// Peak resident memory while reading, and while importing (the table included), in MB.
    read_peak: Option<f64>,
    import_peak: Option<f64>,
    /// Resident memory the table adds once read, in MB.
    table: Option<f64>,
    /// CPU time of the import: all threads, and the calling thread (the one that writes).
    import_cpu: Option<f64>,
    import_thread_cpu: Option<f64>,
}

/// CPU seconds of the whole process (user + system, every thread); `None` off Linux.
fn process_cpu() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ
}

/// CPU seconds of the calling thread; `None` off Linux.
fn thread_cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}

fn delta(before: Option<f64>, after: Option<f64>) -> Option<f64> {
    Some(after? - before?)
}

fn secs(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.2} s"))
}

/// A field of `/proc/self/status` (kB) in MB; `None` off Linux.
fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Reset the peak (`VmHWM`) to the current resident size, unless `BENCH_KEEP_PEAK` is set
/// (the process's peak as `/usr/bin/time -v` reports it then covers every step).
fn reset_peak() {
    if std::env::var_os("BENCH_KEEP_PEAK").is_none() {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }
}

fn mb(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.0} MB"))
}

fn import(dir: &Path, lib: &FactorLibrary, file: &Path, name: &str) -> Timing {
    let db = dir.join(format!("{name}.scopebook"));
    let mut s = setup(&db, lib);
    let before = status_mb("VmRSS:");
    reset_peak();
    let t = Instant::now();
    let mut table = read::open(file, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let read_s = t.elapsed().as_secs_f64();
    let read_peak = status_mb("VmHWM:");
    let table_mb = status_mb("VmRSS:").zip(before).map(|(after, before)| after - before);
    let opts = ImportOptions { year: 2023, mode: Mode::AllOrNothing, ..ImportOptions::default() };
    reset_peak();
    let (cpu0, thread0) = (process_cpu(), thread_cpu());
    let t = Instant::now();
    let p = pipeline::run_file(&mut s, lib, &mut table, &opts, &pipeline::Quiet).unwrap_or_else(|e| panic!("{e}"));
    let import_s = t.elapsed().as_secs_f64();
    let import_peak = status_mb("VmHWM:");
    let (import_cpu, import_thread_cpu) = (delta(cpu0, process_cpu()), delta(thread0, thread_cpu()));
    assert_eq!(p.outcome, Outcome::Imported, "{:?}", p.problems.first());
    assert_eq!(p.records_imported, p.rows_read);
    let rows = usize::try_from(p.rows_read).unwrap();
    drop(table);
    reset_peak();
    let t = Instant::now();
    s.verify().unwrap();
    eprintln!("  ({name}: audit verify {:.2} s, peak RSS {})", t.elapsed().as_secs_f64(), mb(status_mb("VmHWM:")));
    Timing {
        rows,
        read_s,
        import_s,
        bytes: std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
        records: p.records_imported,
        read_peak,
        import_peak,
        table: table_mb,
        import_cpu,
        import_thread_cpu,
    }
}

/// The ceiling: the same records, already normalised, into the same table with a bare loop.
fn bare(dir: &Path, lib: &FactorLibrary, n: usize) -> (f64, Option<f64>) {
    let path = dir.join("bare.scopebook");
    drop(setup(&path, lib));
    let mut conn = bare_connection(&path);
    // The page cache the store gives an import (see `Store::import`).
    conn.pragma_update(None, "cache_size", -262_144).unwrap();
    let rows: Vec<[String; 7]> = (0..n).map(cells).collect();
    reset_peak();
    let thread0 = thread_cpu();
    let t = Instant::now();
    bare_insert(
        &mut conn,
        "activity",
        rows.iter().enumerate().map(|(i, r)| BareRow {
            facility: i64::try_from(i % FACILITIES + 1).unwrap(),
            activity: &r[1],
            quantity: r[2].replace(',', "").into(),
            unit: &r[3],
            start: &r[4],
            end: &r[5],
            region: REGIONS[i % FACILITIES % REGIONS.len()],
            evidence: Some(&r[6]),
        }),
    );
    let s = t.elapsed().as_secs_f64();
    eprintln!("  (bare loop: peak RSS {} with its {n} rows of cells)", mb(status_mb("VmHWM:")));
    (s, delta(thread0, thread_cpu()))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir_at = args.iter().position(|a| a == "--dir");
    let nums: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && dir_at.is_none_or(|d| *i != d + 1))
        .map(|(_, a)| a.replace('_', "").parse().unwrap())
        .collect();
    let (n_csv, n_xlsx) = (nums.first().copied().unwrap_or(1_000_000), nums.get(1).copied().unwrap_or(200_000));
    let dir = dir_at.map(|i| PathBuf::from(&args[i + 1]));
    let tmp = tempfile::tempdir_in(dir.unwrap_or_else(std::env::temp_dir)).unwrap();
    let (lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty());

    let csv_path = tmp.path().join("energy-2023.csv");
    let xlsx_path = tmp.path().join("energy-2023.xlsx");
    let t = Instant::now();
    write_csv(&csv_path, n_csv);
    if n_xlsx > 0 {
        write_xlsx(&xlsx_path, n_xlsx);
    }
    eprintln!("  (generated the files in {:.1} s)", t.elapsed().as_secs_f64());

    let csv = import(tmp.path(), &lib, &csv_path, "csv");
    let xlsx = (n_xlsx > 0).then(|| import(tmp.path(), &lib, &xlsx_path, "xlsx"));
    if args.iter().any(|a| a == "--no-bare") {
        eprintln!(
            "  (csv: {} rows, read {:.2} s, import {:.2} s, peak RSS {})",
            csv.rows,
            csv.read_s,
            csv.import_s,
            mb(csv.import_peak)
        );
        return;
    }
    let (bare_s, bare_cpu) = bare(tmp.path(), &lib, n_csv);
    let bare_rate = n_csv as f64 / bare_s;

    println!(
        "| file | rows | size | read | map, check, write | total | rows/s | import ÷ ceiling | peak RSS read | peak RSS import | table held |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, t) in [("CSV", Some(&csv)), ("xlsx", xlsx.as_ref())] {
        let Some(t) = t else { continue };
        let total = t.read_s + t.import_s;
        let rate = t.rows as f64 / total;
        println!(
            "| {name} | {} | {:.1} MB | {:.2} s | {:.2} s | {:.2} s | {:.0} | {:.2}× | {} | {} | {} |",
            t.rows,
            t.bytes as f64 / 1e6,
            t.read_s,
            t.import_s,
            total,
            rate,
            bare_rate / rate,
            mb(t.read_peak),
            mb(t.import_peak),
            mb(t.table),
        );
        assert_eq!(t.records, t.rows as u64);
    }
    println!("| bare rusqlite insert loop (ceiling) | {n_csv} | | | | {bare_s:.2} s | {bare_rate:.0} | 1.00× | | | |");
    // CPU time depends far less than wall time on what else the machine runs.
    println!();
    println!(
        "| file | import CPU, all threads | import CPU, writing thread | bare loop CPU | all ÷ bare | writing ÷ bare |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, t) in [("CSV", Some(&csv)), ("xlsx", xlsx.as_ref())] {
        let Some(t) = t else { continue };
        let scale = t.rows as f64 / n_csv as f64;
        let ratio = |v: Option<f64>| match (v, bare_cpu) {
            (Some(v), Some(b)) if b > 0.0 => format!("{:.2}×", v / (b * scale)),
            _ => "n/a".to_string(),
        };
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            secs(t.import_cpu),
            secs(t.import_thread_cpu),
            secs(bare_cpu.map(|b| b * scale)),
            ratio(t.import_cpu),
            ratio(t.import_thread_cpu)
        );
    }
    let x = |f: fn(&Timing) -> f64| xlsx.as_ref().map_or(0.0, f);
    let peak = |v: Option<f64>| v.map_or_else(|| "null".to_string(), |v| format!("{v:.0}"));
    let cpu = |v: Option<f64>| v.map_or_else(|| "null".to_string(), |v| format!("{v:.2}"));
    println!(
        "{{\"csv_rows\": {}, \"csv_read_s\": {:.3}, \"csv_import_s\": {:.3}, \"csv_read_peak_mb\": {}, \"csv_import_peak_mb\": {}, \"csv_table_mb\": {}, \"xlsx_rows\": {}, \"xlsx_read_s\": {:.3}, \"xlsx_import_s\": {:.3}, \"bare_s\": {bare_s:.3}, \"csv_import_cpu_s\": {}, \"bare_cpu_s\": {}}}",
        csv.rows,
        csv.read_s,
        csv.import_s,
        peak(csv.read_peak),
        peak(csv.import_peak),
        peak(csv.table),
        xlsx.as_ref().map_or(0, |t| t.rows),
        x(|t| t.read_s),
        x(|t| t.import_s),
        cpu(csv.import_cpu),
        cpu(bare_cpu),
    );
}
