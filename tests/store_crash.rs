//! Crash safety: a process writing to the inventory file is killed with SIGKILL at random
//! moments, over and over. After every kill the file must pass `PRAGMA integrity_check`, the
//! audit chain must verify (chain and replay), and every action must be either wholly present
//! (its records and their audit entries) or wholly absent; every action the writer had seen
//! committed must be present.
//!
//! The writer is this test binary itself, re-run with `SCOPEBOOK_CRASH_CHILD` set: the test
//! `crash_writer` then loops over actions until it is killed (and does nothing otherwise).
//! `SCOPEBOOK_CRASH_SEED` replays a run; `SCOPEBOOK_CRASH_KILLS` changes the number of kills.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scopebook_core::library::FactorLibrary;
use scopebook_store::{ActivityInput, Consolidation, NewFacility, NewOrganisation, NewPeriod, Store};

const CHILD: &str = "SCOPEBOOK_CRASH_CHILD";
const BATCH: usize = 20;
/// Kills per database file.
const ROUND: u64 = 10;

/// At the end of a file's round: everything its writers committed is still there.
fn final_check(db: &Path, done: &[u64], seed: u64) -> i64 {
    let s = Store::open(db, "checker").unwrap();
    s.integrity_check().unwrap();
    let v = s.verify().unwrap_or_else(|e| panic!("{} (seed {seed}): {e}", db.display()));
    let contents = Contents::read(&s);
    for &n in done {
        assert!(contents.present(n), "action {n} was committed but is missing at the end (seed {seed})");
    }
    v.entries
}

/// A small library: one CO2e factor, so that the writer starts quickly.
fn library() -> FactorLibrary {
    let mut lib = FactorLibrary::default();
    let diags = lib.add_user_file(
        "crash-factors.csv",
        b"id,activity,scope,category,unit,co2e_kg,gwp_basis,region,source\n\
          crash.grid,grid_electricity,2,electricity,kWh,0.5,AR5,GLOBAL,crash test\n",
    );
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    lib
}

fn record(note: String, quantity: u64) -> ActivityInput {
    ActivityInput {
        facility: "SZ".into(),
        activity: "grid_electricity".into(),
        quantity: quantity.to_string(),
        unit: "kWh".into(),
        start: "2023-01-01".into(),
        end: "2023-12-31".into(),
        note: Some(note),
        ..ActivityInput::default()
    }
}

/// The kind of action number `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Add,
    Update,
    Delete,
    Batch,
    Facility,
}

fn kind(n: u64) -> Kind {
    match n % 6 {
        0 | 2 => Kind::Add,
        1 => Kind::Update,
        3 => Kind::Delete,
        4 => Kind::Batch,
        _ => Kind::Facility,
    }
}

fn id_of(s: &Store, note: &str) -> Option<i64> {
    s.connection().query_row("SELECT id FROM activity WHERE note = ?1", [note], |r| r.get(0)).ok()
}

/// The writer: runs only when started by `kills_at_random_moments_leave_a_consistent_file`.
#[test]
fn crash_writer() {
    let Ok(db) = std::env::var(CHILD) else { return };
    let base: u64 = std::env::var("SCOPEBOOK_CRASH_BASE").unwrap().parse().unwrap();
    let progress = std::env::var("SCOPEBOOK_CRASH_PROGRESS").unwrap();
    let mut log = std::fs::OpenOptions::new().create(true).append(true).open(progress).unwrap();
    let lib = library();
    let mut s = Store::open(Path::new(&db), "crash-writer").unwrap();
    for n in base.. {
        log.write_all(format!("begin {n}\n").as_bytes()).unwrap();
        match kind(n) {
            Kind::Add => {
                s.add_activity(&lib, 2023, &record(format!("action-{n}"), n)).unwrap();
            }
            Kind::Update => {
                let id = id_of(&s, &format!("action-{}", n - 1)).unwrap();
                let mut input = s.activity(id).unwrap().to_input();
                input.quantity = n.to_string();
                s.update_activity(&lib, id, &input, Some("crash test")).unwrap();
            }
            Kind::Delete => {
                let id = id_of(&s, &format!("action-{}", n - 1)).unwrap();
                s.delete_activity(id, Some("crash test")).unwrap();
            }
            Kind::Batch => {
                let rows: Vec<ActivityInput> = (0..BATCH).map(|i| record(format!("batch-{n}-{i}"), n)).collect();
                s.add_activities(&lib, 2023, &rows).unwrap();
            }
            Kind::Facility => {
                s.add_facility(&NewFacility::new(&format!("F{n}"), "crash test facility", "CN")).unwrap();
            }
        }
        log.write_all(format!("done {n}\n").as_bytes()).unwrap();
    }
}

/// A small deterministic generator (xorshift64*), seeded per run and printed for replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What the writer logged: actions it began, and which of them it saw committed.
fn progress(path: &Path) -> (Vec<u64>, Vec<u64>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut begun = Vec::new();
    let mut done = Vec::new();
    for line in text.lines() {
        match line.split_once(' ') {
            Some(("begin", n)) => begun.extend(n.parse::<u64>().ok()),
            Some(("done", n)) => done.extend(n.parse::<u64>().ok()),
            _ => {}
        }
    }
    (begun, done)
}

/// The file's contents as the checks need them, read in one pass over each table.
#[derive(Default)]
struct Contents {
    /// note → (id, quantity) of each activity record.
    records: HashMap<String, (i64, String)>,
    facilities: HashSet<String>,
    /// (action, note or facility code) → number of audit entries.
    logged: HashMap<(String, String), usize>,
    /// activity id → number of `create` entries.
    created: HashMap<i64, usize>,
}

impl Contents {
    fn read(s: &Store) -> Contents {
        let c = s.connection();
        let mut out = Contents::default();
        let mut stmt = c.prepare("SELECT id, note, quantity FROM activity").unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let note: Option<String> = r.get(1).unwrap();
            if let Some(note) = note {
                assert!(
                    out.records.insert(note.clone(), (r.get(0).unwrap(), r.get(2).unwrap())).is_none(),
                    "{note} twice"
                );
            }
        }
        let mut stmt = c.prepare("SELECT code FROM facility").unwrap();
        out.facilities = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        let mut stmt = c.prepare("SELECT action, table_name, record_id, old_value, new_value FROM audit_log").unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let action: String = r.get(0).unwrap();
            let table: String = r.get(1).unwrap();
            let id: i64 = r.get(2).unwrap();
            let value: Option<String> = r.get(4).unwrap();
            let value: Option<String> = value.or_else(|| r.get(3).unwrap());
            let v: serde_json::Value = value.map_or(serde_json::Value::Null, |t| serde_json::from_str(&t).unwrap());
            let key = match table.as_str() {
                "activity" => v["note"].as_str().map(str::to_string),
                "facility" => v["code"].as_str().map(str::to_string),
                _ => None,
            };
            if table == "activity" && action == "create" {
                *out.created.entry(id).or_default() += 1;
            }
            if let Some(key) = key {
                *out.logged.entry((action, key)).or_default() += 1;
            }
        }
        out
    }

    fn logged(&self, action: &str, key: &str) -> usize {
        self.logged.get(&(action.to_string(), key.to_string())).copied().unwrap_or(0)
    }

    /// Whether action `n` is present. Panics when it is only partly there.
    fn present(&self, n: u64) -> bool {
        match kind(n) {
            Kind::Add => {
                let note = format!("action-{n}");
                let logged = self.logged("create", &note);
                assert!(logged <= 1, "action {n}: created {logged} times");
                match self.records.get(&note) {
                    Some((id, _)) => {
                        assert_eq!(self.created.get(id), Some(&1), "action {n}: the record has no audit entry");
                        assert_eq!(logged, 1, "action {n}: the record has no audit entry");
                        true
                    }
                    // The record may have been deleted by action n + 1 (n % 6 == 2): the log tells.
                    None => logged == 1,
                }
            }
            Kind::Update => {
                let note = format!("action-{}", n - 1);
                let updated = self.logged("update", &note);
                if let Some((_, q)) = self.records.get(&note) {
                    assert_eq!(*q == n.to_string(), updated == 1, "action {n}: the quantity and the log disagree");
                }
                updated == 1
            }
            Kind::Delete => {
                let note = format!("action-{}", n - 1);
                let deleted = self.logged("delete", &note);
                assert_eq!(
                    !self.records.contains_key(&note),
                    deleted == 1,
                    "action {n}: the record and the log disagree"
                );
                deleted == 1
            }
            Kind::Batch => {
                let rows = (0..BATCH).filter(|i| self.records.contains_key(&format!("batch-{n}-{i}"))).count();
                let logged: usize = (0..BATCH).map(|i| self.logged("create", &format!("batch-{n}-{i}"))).sum();
                assert!(rows == 0 || rows == BATCH, "action {n}: {rows} of a batch of {BATCH} records are there");
                assert_eq!(rows, logged, "action {n}: records and audit entries differ");
                rows == BATCH
            }
            Kind::Facility => {
                let code = format!("F{n}");
                let present = self.facilities.contains(&code);
                assert_eq!(
                    usize::from(present),
                    self.logged("create", &code),
                    "action {n}: the facility and the log disagree"
                );
                present
            }
        }
    }
}

#[test]
fn kills_at_random_moments_leave_a_consistent_file() {
    let dir = tempfile::tempdir().unwrap();

    let seed = std::env::var("SCOPEBOOK_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1
    });
    let kills: u64 = std::env::var("SCOPEBOOK_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    eprintln!("crash test: seed {seed} (SCOPEBOOK_CRASH_SEED={seed} replays it), {kills} kills");
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut committed_total = 0usize;
    let mut in_flight_present = 0usize;
    let mut in_flight_absent = 0usize;
    let mut all_done: Vec<u64> = Vec::new();
    let mut checking = Duration::ZERO;
    // Kills fall anywhere from before the writer has opened the file to well into its writing.
    let mut window_us: u64 =
        std::env::var("SCOPEBOOK_CRASH_WINDOW_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(250) * 1000;
    let mut entries = 0;
    let mut all_kinds: Vec<u64> = Vec::new();
    let mut db = dir.path().join("crash-0.db");
    for k in 0..kills {
        // A fresh file every ROUND kills keeps each check's full verification short.
        if k % ROUND == 0 {
            if k > 0 {
                entries += final_check(&db, &all_done, seed);
                all_done.clear();
            }
            db = dir.path().join(format!("crash-{k}.db"));
            let org = NewOrganisation { name: "Crash Test Ltd".into(), consolidation: Consolidation::EquityShare };
            let mut s = Store::create(&db, &org, "setup").unwrap();
            s.add_facility(&NewFacility::new("SZ", "Suzhou plant", "CN-JS")).unwrap();
            s.add_period(&library(), &NewPeriod::year(2023)).unwrap();
        }
        let base = (k + 1) * 1_000_000;
        let progress_file = dir.path().join(format!("progress-{k}"));
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["crash_writer", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, &db)
            .env("SCOPEBOOK_CRASH_BASE", base.to_string())
            .env("SCOPEBOOK_CRASH_PROGRESS", &progress_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = Duration::from_micros(rng.below(window_us + 1));
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(
            status.code().is_none(),
            "the writer stopped by itself ({status}): it failed; rerun with SCOPEBOOK_CRASH_SEED={seed}"
        );
        let (begun, done) = progress(&progress_file);
        if committed_total == 0 && done.is_empty() && k >= 2 {
            // No writer has committed anything yet: on a slow machine, widen the window.
            window_us = (window_us * 3 / 2).min(3_000_000);
        }

        let check_started = Instant::now();
        let s = Store::open(&db, "checker").unwrap_or_else(|e| panic!("kill {k} (seed {seed}): cannot open: {e}"));
        s.integrity_check().unwrap_or_else(|e| panic!("kill {k} (seed {seed}): {e}"));
        s.verify().unwrap_or_else(|e| panic!("kill {k} (seed {seed}): {e}"));
        let contents = Contents::read(&s);
        for &n in &done {
            assert!(contents.present(n), "kill {k} (seed {seed}): action {n} was committed but is missing");
        }
        if let Some(&last) = begun.last() {
            if !done.contains(&last) {
                if contents.present(last) {
                    in_flight_present += 1;
                } else {
                    in_flight_absent += 1;
                }
            }
        }
        checking += check_started.elapsed();
        committed_total += done.len();
        all_kinds.extend(done.iter().copied());
        all_done.extend(done);
    }
    let kinds: BTreeMap<String, usize> = all_kinds.iter().fold(BTreeMap::new(), |mut m, n| {
        *m.entry(format!("{:?}", kind(*n))).or_default() += 1;
        m
    });
    entries += final_check(&db, &all_done, seed);
    eprintln!(
        "crash test: {kills} kills in {:.1} s ({:.1} s checking); {committed_total} committed actions ({kinds:?}) all present; interrupted actions: {in_flight_present} fully present, {in_flight_absent} fully absent; {entries} audit entries verify in {} files",
        started.elapsed().as_secs_f64(),
        checking.as_secs_f64(),
        kills.div_ceil(ROUND)
    );
    assert!(committed_total > 0, "no writer got as far as committing an action: the kills came too early");
}
