//! The screen benchmark behind `scripts/bench-screens.sh`: on an inventory file (written by
//! `bench_store --make-db`: N records of gas and electricity in 50 facilities, period 2023), time
//! what each screen asks the store for when it opens, with the same library calls as the app's
//! commands:
//!
//! - the Scope 3 tab (`scope3_view`): `Store::calculate_from_kept` and the report's Scope 3
//!   view, against the whole calculation it replaced (decision 0052);
//! - the dashboard's totals and charts (`dashboard`): `Store::period_totals`, the first visit
//!   after a change (the calculation without lines), the first visit after appending 1,000
//!   records and after editing one record (each write untimed, through a second connection),
//!   and a visit again (the kept totals);
//! - a page of 100 calculated lines: the record count and `Store::calculate_page`
//!   (`dashboard_lines`), at the first records and at the last;
//! - a page of 100 records: `Store::activities_page` (`list_activities`), first and last;
//! - a page of 50 audit-log entries, filtered: `Store::audit_page` (`audit_log`), by action and
//!   table, and by text (one invoice number, a common word, a common text of two words).
//!
//! Each is run once untimed, then RUNS times; the table shows the median against the 1 s goal,
//! and a JSON line follows for tools. The factor library is loaded once, before timing (the
//! app loads it once too).
//!
//!     cargo run --release --example bench_screens -- FILE [--runs N]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::float_arithmetic)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use scopebook_core::library::FactorLibrary;
use scopebook_store::{ActivityInput, AuditFilter, Store};

const YEAR: i32 = 2023;
const LINES_PAGE: u64 = 100;
const RECORDS_PAGE: u64 = 100;
const AUDIT_PAGE: u64 = 50;
const GOAL: Duration = Duration::from_secs(1);
/// Records appended before the timed first visit of the "after appending" case.
const APPENDED: usize = 1000;

/// A write made before a timed first visit of the dashboard.
#[derive(Clone, Copy)]
enum Write {
    /// `APPENDED` new records (as an import or a batch of entries adds them).
    Append,
    /// One record of the middle of the period changed.
    Edit,
}

/// Appended record `i`: gas or electricity of one of the 50 facilities, as `bench_store` writes.
fn appended_row(i: usize) -> ActivityInput {
    let (activity, unit) = [("grid_electricity", "kWh"), ("natural_gas", "10^4 Nm3")][i % 2];
    let month = i % 12 + 1;
    ActivityInput {
        facility: format!("F{:02}", i % 50),
        activity: activity.to_string(),
        quantity: format!("{}.{:03}", (i * 7919) % 100_000 + 1, i % 1000),
        unit: unit.to_string(),
        start: format!("2023-{month:02}-01"),
        end: format!("2023-{month:02}-28"),
        evidence: Some(format!("NEW-{i:07}")),
        ..ActivityInput::default()
    }
}

/// Median of `runs` timed calls of `f` (after one untimed call), each after an untimed call of
/// `before` (a write whose first visit is timed), with every run's time.
fn time<T>(runs: usize, mut before: impl FnMut(), mut f: impl FnMut() -> T) -> (Duration, Vec<Duration>) {
    before();
    std::hint::black_box(f());
    let mut all: Vec<Duration> = (0..runs)
        .map(|_| {
            before();
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    let shown = all.clone();
    all.sort();
    (all[all.len() / 2], shown)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file =
        PathBuf::from(args.first().filter(|a| !a.starts_with("--")).expect("usage: bench_screens FILE [--runs N]"));
    let runs: usize = args.iter().position(|a| a == "--runs").map_or(5, |i| args[i + 1].parse().unwrap());
    let (lib, diags) = FactorLibrary::shipped();
    assert!(diags.is_empty(), "{diags:?}");
    // Opening upgrades a file of an older schema (once): schema 4 indexes the audit log's words.
    let opened = Instant::now();
    let s = Store::open(&file, "bench").unwrap_or_else(|e| panic!("{e}"));
    let open_ms = ms(opened.elapsed());

    let (_, records) = s.activities_page(YEAR, false, 0, 0).unwrap();
    let last = records.saturating_sub(LINES_PAGE);
    // Every record is calculated, and the last page holds the last records (that a page's lines
    // are the full calculation's, line by line, is proved by tests/store.rs).
    let calc = s.calculate(&lib, YEAR, false).unwrap();
    assert_eq!(calc.run.inventory.line_count, records);
    assert!(calc.run.inventory.unresolved.is_empty(), "{:?}", calc.run.inventory.unresolved.first());
    let page = s.calculate_page(&lib, YEAR, last, LINES_PAGE).unwrap();
    assert_eq!(page.run.inventory.lines.len() as u64, records.min(LINES_PAGE));
    drop(calc);

    let by_action = AuditFilter { action: "create".into(), table: "activity".into(), ..AuditFilter::default() };
    let by_text = AuditFilter { text: format!("INV-{:07}", records / 2), ..AuditFilter::default() };
    let by_word = AuditFilter { text: "natural".into(), ..AuditFilter::default() };
    let by_words = AuditFilter { text: "10^4 Nm3".into(), ..AuditFilter::default() };
    let (_, audit_matches) = s.audit_page(&by_action, 0, 0).unwrap();
    let (_, text_matches) = s.audit_page(&by_text, 0, 0).unwrap();
    let (_, word_matches) = s.audit_page(&by_word, 0, 0).unwrap();
    let (_, words_matches) = s.audit_page(&by_words, 0, 0).unwrap();
    // The kept totals are the calculation's, figure for figure.
    let kept = s.period_totals(&lib, YEAR).unwrap();
    let fresh = s.calculate(&lib, YEAR, false).unwrap();
    assert_eq!(kept.totals, fresh.run.inventory.totals.all);
    assert_eq!(kept.records, fresh.run.inventory.line_count);
    drop(fresh);

    // Writes go through a second connection to the file, as another window's would; the
    // dashboard's connection sees them at its next read.
    let mut writer = Store::open(&file, "bench-writer").unwrap_or_else(|e| panic!("{e}"));
    let edited = s.activities_page(YEAR, false, records / 2, 1).unwrap().0[0].id;
    let writes = std::cell::Cell::new(0usize);
    let mut write = |what: Write| {
        let n = writes.get();
        writes.set(n + 1);
        match what {
            Write::Append => {
                let rows: Vec<ActivityInput> = (0..APPENDED).map(|i| appended_row(n * APPENDED + i)).collect();
                writer.add_activities(&lib, YEAR, &rows).unwrap();
            }
            Write::Edit => {
                let input = ActivityInput { quantity: format!("{}.5", 1000 + n), ..appended_row(n) };
                writer.update_activity(&lib, edited, &input, Some("benchmark")).unwrap();
            }
        }
    };
    let calculated = std::cell::Cell::new(0u64);
    let first_visit = |s: &Store, lib: &FactorLibrary| {
        let t = s.period_totals(lib, YEAR).unwrap();
        assert!(!t.cached);
        calculated.set(t.calculated);
        std::hint::black_box(t.totals);
    };
    let mut timed = Vec::new();
    for (what, name) in [
        (Write::Append, format!("dashboard totals, first visit after appending {APPENDED} records")),
        (Write::Edit, "dashboard totals, first visit after editing one record".to_string()),
    ] {
        // Kept totals before the write, as after any visit.
        let _ = s.period_totals(&lib, YEAR).unwrap();
        let result = time(runs, || write(what), || first_visit(&s, &lib));
        timed.push((format!("{name} [{} calculated]", calculated.get()), result));
    }
    // After those writes the totals are still the calculation's.
    let kept = s.period_totals(&lib, YEAR).unwrap();
    let fresh = s.calculate(&lib, YEAR, false).unwrap();
    assert_eq!(kept.totals, fresh.run.inventory.totals.all);
    assert_eq!(kept.records, fresh.run.inventory.line_count);
    drop(fresh);

    type Case<'a> = (String, Box<dyn FnMut() + 'a>);
    let lines_page = |offset: u64| {
        let (s, lib) = (&s, &lib);
        move || {
            let (_, total) = s.activities_page(YEAR, false, 0, 0).unwrap();
            let calc = s.calculate_page(lib, YEAR, offset, LINES_PAGE).unwrap();
            std::hint::black_box((total, calc.run.inventory.lines.len()));
        }
    };
    let records_page = |offset: u64| {
        let s = &s;
        move || {
            std::hint::black_box(s.activities_page(YEAR, false, offset, RECORDS_PAGE).unwrap());
        }
    };
    // As the Audit screen asks (decision 0041): a text's matches counted up to
    // `AUDIT_COUNT_CAP`, "more than" beyond; `exact` when the user asks for every match counted.
    let audit_page = |f: AuditFilter, exact: bool| {
        let s = &s;
        move || {
            std::hint::black_box(s.audit_page_counted(&f, 0, AUDIT_PAGE, exact).unwrap());
        }
    };
    let chinese = AuditFilter { text: "天然气".into(), ..AuditFilter::default() };
    let (_, chinese_matches) = s.audit_page(&chinese, 0, 0).unwrap();
    let cases: Vec<Case> = vec![
        (
            "dashboard totals, first visit after a change".into(),
            Box::new(|| {
                // What a write leaves: no totals kept under the file's new key.
                s.connection().execute("DELETE FROM period_totals", []).unwrap();
                let t = s.period_totals(&lib, YEAR).unwrap();
                assert!(!t.cached);
                std::hint::black_box(t.totals);
            }),
        ),
        (
            "dashboard totals, again (kept)".into(),
            Box::new(|| {
                let t = s.period_totals(&lib, YEAR).unwrap();
                assert!(t.cached);
                std::hint::black_box(t.totals);
            }),
        ),
        (
            "Scope 3 tab, kept totals current (decision 0052)".into(),
            Box::new(|| {
                // As the app's `scope3_view`: the period from its kept aggregates, then its
                // Scope 3 categories and ISO 14064-1 view.
                let (calc, kept) = s.calculate_from_kept(&lib, YEAR).unwrap();
                assert!(kept);
                let inv = &calc.run.inventory;
                std::hint::black_box(calc.run.report(false).with_scope3_view(inv).scope3_categories);
            }),
        ),
        (
            "  before: a calculation without lines (Store::calculate)".into(),
            Box::new(|| {
                let calc = s.calculate(&lib, YEAR, false).unwrap();
                let inv = &calc.run.inventory;
                std::hint::black_box(calc.run.report(false).with_scope3_view(inv).scope3_categories);
            }),
        ),
        (format!("{LINES_PAGE} lines, first page"), Box::new(lines_page(0))),
        (format!("{LINES_PAGE} lines, last page"), Box::new(lines_page(last))),
        (format!("{RECORDS_PAGE} records, first page"), Box::new(records_page(0))),
        (format!("{RECORDS_PAGE} records, last page"), Box::new(records_page(records.saturating_sub(RECORDS_PAGE)))),
        (
            format!("{AUDIT_PAGE} audit entries, create+activity ({audit_matches} match)"),
            Box::new(audit_page(by_action, false)),
        ),
        (
            format!("{AUDIT_PAGE} audit entries, text \"{}\" ({text_matches} match)", by_text.text),
            Box::new(audit_page(by_text.clone(), false)),
        ),
        (
            format!("  before: the same text read from the whole log ({text_matches} match)"),
            Box::new(|| {
                // Schema 2's search, for comparison: `LIKE` over every entry, to count, then
                // for the page.
                let like = format!("%{}%", by_text.text);
                let filter = "WHERE (old_value LIKE ?1 ESCAPE '\\' OR new_value LIKE ?1 ESCAPE '\\' OR reason LIKE ?1 ESCAPE '\\')";
                let c = s.connection();
                let n: i64 =
                    c.query_row(&format!("SELECT COUNT(*) FROM audit_log {filter}"), [&like], |r| r.get(0)).unwrap();
                let mut stmt = c
                    .prepare(&format!(
                        "SELECT seq, new_value FROM audit_log {filter} ORDER BY seq DESC LIMIT {AUDIT_PAGE}"
                    ))
                    .unwrap();
                let page: Vec<(i64, Option<String>)> =
                    stmt.query_map([&like], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
                std::hint::black_box((n, page));
            }),
        ),
        (
            format!("{AUDIT_PAGE} audit entries, word \"{}\" ({word_matches} match)", by_word.text),
            Box::new(audit_page(by_word.clone(), false)),
        ),
        (
            format!("{AUDIT_PAGE} audit entries, text \"{}\" ({words_matches} match)", by_words.text),
            Box::new(audit_page(by_words.clone(), false)),
        ),
        (format!("  the same, every match counted ({words_matches})"), Box::new(audit_page(by_words.clone(), true))),
        (
            format!("{AUDIT_PAGE} audit entries, text \"{}\" ({chinese_matches} match)", chinese.text),
            Box::new(audit_page(chinese.clone(), false)),
        ),
    ];

    println!(
        "{records} records in {} (opened in {open_ms:.0} ms); median of {runs} runs after one warm-up; goal {} s",
        file.display(),
        GOAL.as_secs()
    );
    println!("{:<58} {:>10} {:>6}  runs (ms)", "screen", "median ms", "goal");
    let mut json = Vec::new();
    let mut all_met = true;
    let measured = timed.into_iter().chain(cases.into_iter().map(|(name, mut f)| (name, time(runs, || {}, &mut f))));
    for (name, (median, all)) in measured {
        let met = median < GOAL;
        all_met &= met;
        let shown: Vec<String> = all.iter().map(|d| format!("{:.1}", ms(*d))).collect();
        println!("{:<58} {:>10.1} {:>6}  {}", name, ms(median), if met { "met" } else { "MISSED" }, shown.join(" "));
        json.push(format!("{{\"screen\": {:?}, \"median_ms\": {:.1}, \"met\": {met}}}", name, ms(median)));
    }
    println!(
        "{{\"records\": {records}, \"goal_ms\": {}, \"all_met\": {all_met}, \"screens\": [{}]}}",
        ms(GOAL),
        json.join(", ")
    );
}
