//! The error catalogue: one fixture per diagnostic code under `tests/errors/<code>/`, in the style
//! of hledger's `hledger/test/errors/`. `tests/errors/README.md` describes the layout.
//!
//! A CLI fixture holds its input files, `args` (the command-line arguments, one per line, paths
//! relative to the fixture folder), `expected.stderr` (the exact diagnostics) and
//! `expected.status` (the exit code). The test runs the built `scopebook` with the fixture folder
//! as its working directory.
//!
//! A library fixture (a `library` marker file) is a dataset folder (`dataset.toml` and the factor
//! file it names) for codes that only concern shipped dataset metadata, which no user input
//! reaches: it is loaded through `DatasetMeta::parse` and `verify_checksum`, and the Display
//! output of the diagnostics is compared with `expected.stderr`.
//!
//! A CLI fixture with a `setup` file runs in a temporary copy of its folder: each setup line is
//! a `scopebook` command (for example `init`, `facility add`) or a raw `sql`/`damage` step, run
//! before `args`. Store codes need a database in a given state; the setup builds it.
//!
//! A `pending` marker means the code is not emitted yet and `expected.stderr` is a proposal: the
//! test fails as soon as the code appears, so that the fixture is reviewed and regenerated.
//!
//! `UPDATE_ERRORS=1 cargo test --test error_catalogue` writes the actual stderr and status into
//! the fixtures instead of comparing. Read every message you accept: it must name the file, row,
//! column and reason.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scopebook_core::dataset::{verify_checksum, DatasetMeta};
use scopebook_core::diagnostic::Code;

fn errors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("errors")
}

/// Every fixture folder, by name, sorted.
fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = fs::read_dir(errors_dir())
        .expect("tests/errors/ exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().expect("a folder name").to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

/// Every fixture to run: each code's folder, and the further cases of a code in its subfolders
/// (a subfolder with an `args` file, named `code/case`), sorted.
fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for (code, dir) in fixtures() {
        out.push((code.clone(), dir.clone()));
        let mut subs: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("readable fixture folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir() && p.join("args").is_file())
            .collect();
        subs.sort();
        for sub in subs {
            let case = sub.file_name().expect("a folder name").to_string_lossy().into_owned();
            out.push((format!("{code}/{case}"), sub));
        }
    }
    out
}

/// The code a case name shows: its folder's.
fn code_of(case: &str) -> &str {
    case.split('/').next().unwrap_or(case)
}

fn update_mode() -> bool {
    std::env::var("UPDATE_ERRORS").is_ok_and(|v| v == "1")
}

fn read_text(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// What a fixture produced: its stderr, and its exit status (`None` for a library fixture).
struct Outcome {
    stderr: String,
    status: Option<i32>,
}

fn run_cli(dir: &Path) -> Outcome {
    let args: Vec<String> =
        read_text(&dir.join("args")).lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect();
    // A fixture with a `setup` file runs in a temporary copy of its folder, after the setup.
    let scratch = dir.join("setup").exists().then(|| setup(dir));
    let cwd = scratch.as_ref().map_or(dir, tempfile::TempDir::path);
    let out = Command::new(env!("CARGO_BIN_EXE_scopebook"))
        .args(&args)
        .current_dir(cwd)
        .env("USER", "fixture")
        .output()
        .unwrap_or_else(|e| panic!("cannot run scopebook in {}: {e}", dir.display()));
    Outcome { stderr: String::from_utf8_lossy(&out.stderr).into_owned(), status: out.status.code() }
}

/// Split a setup line into words: whitespace separates, double quotes group.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// Copy the fixture folder to a temporary folder and run its `setup` there. Each line is a
/// `scopebook` command line (words split on spaces, "double quotes" group), or one of:
/// - `sql FILE STATEMENTS`: run SQL on a database directly, as another tool would;
/// - `damage FILE OFFSET LENGTH`: overwrite LENGTH bytes at OFFSET with 0xA5.
///
/// Every setup command must succeed.
fn setup(dir: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for entry in fs::read_dir(dir).expect("readable fixture folder") {
        let p = entry.expect("entry").path();
        if p.is_file() {
            fs::copy(&p, tmp.path().join(p.file_name().expect("a name"))).expect("copy a fixture file");
        }
    }
    for line in read_text(&dir.join("setup")).lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let w = words(line);
        match w[0].as_str() {
            "sql" => {
                let sql =
                    line.splitn(3, ' ').nth(2).unwrap_or_else(|| panic!("{}: sql FILE STATEMENTS", dir.display()));
                let c = rusqlite::Connection::open(tmp.path().join(&w[1])).expect("open the database");
                c.execute_batch(sql).unwrap_or_else(|e| panic!("{}: setup `{line}` failed: {e}", dir.display()));
            }
            "damage" => {
                let file = tmp.path().join(&w[1]);
                let (offset, len): (usize, usize) = (w[2].parse().expect("OFFSET"), w[3].parse().expect("LENGTH"));
                let mut bytes = fs::read(&file).expect("read the file to damage");
                for b in &mut bytes[offset..offset + len] {
                    *b = 0xA5;
                }
                fs::write(&file, bytes).expect("write the damaged file");
            }
            _ => {
                let out = Command::new(env!("CARGO_BIN_EXE_scopebook"))
                    .args(&w)
                    .current_dir(tmp.path())
                    .env("USER", "fixture")
                    .output()
                    .expect("run scopebook");
                assert!(
                    out.status.success(),
                    "{}: setup `{line}` failed:\n{}",
                    dir.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
    tmp
}

/// Load a dataset folder the way the shipped library does: metadata, then the checksum of the
/// factor file it names.
fn run_library(dir: &Path) -> Outcome {
    let text = read_text(&dir.join("dataset.toml"));
    let stderr = match DatasetMeta::parse("dataset.toml", &text) {
        Err(d) => format!("{d}\n"),
        Ok(meta) => {
            let (name, sum) = meta
                .file_and_checksum("factors", "sha256")
                .unwrap_or_else(|| panic!("{}: [files] needs 'factors' and 'sha256'", dir.display()));
            let bytes = fs::read(dir.join(name)).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
            match verify_checksum(name, &bytes, sum) {
                Ok(_) => String::new(),
                Err(d) => format!("{d}\n"),
            }
        }
    };
    Outcome { stderr, status: None }
}

fn run(dir: &Path) -> Outcome {
    if dir.join("library").exists() {
        run_library(dir)
    } else {
        run_cli(dir)
    }
}

#[test]
fn every_fixture_gives_its_expected_stderr_and_status() {
    let update = update_mode();
    let mut failures = Vec::new();
    for (case, dir) in cases() {
        let code = code_of(&case);
        // Messages quoted from the operating system ("No such file or directory") differ on Windows.
        if cfg!(windows) && dir.join("unix-only").exists() {
            continue;
        }
        let outcome = run(&dir);
        if dir.join("pending").exists() {
            if outcome.stderr.contains(&format!("[{code}]")) {
                failures.push(format!(
                    "{code}: the code is now emitted; review the message, delete tests/errors/{code}/pending and run UPDATE_ERRORS=1 cargo test --test error_catalogue.\n  actual stderr:\n{}",
                    outcome.stderr
                ));
            } else {
                eprintln!("note: {code} is pending (not emitted yet); expected.stderr is a proposal");
            }
            continue;
        }
        if update {
            fs::write(dir.join("expected.stderr"), &outcome.stderr).expect("write expected.stderr");
            if let Some(status) = outcome.status {
                fs::write(dir.join("expected.status"), format!("{status}\n")).expect("write expected.status");
            }
            continue;
        }
        let expected = read_text(&dir.join("expected.stderr"));
        if outcome.stderr != expected {
            failures.push(format!("{case}: stderr differs\n  expected:\n{expected}  actual:\n{}", outcome.stderr));
        }
        if let Some(status) = outcome.status {
            let want: i32 = read_text(&dir.join("expected.status"))
                .trim()
                .parse()
                .unwrap_or_else(|e| panic!("{case}: expected.status is not a number: {e}"));
            if status != want {
                failures.push(format!("{case}: exit status {status}, expected {want}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed (UPDATE_ERRORS=1 rewrites them; read every message first):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_code_has_a_fixture_and_every_fixture_names_a_code() {
    let codes: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let folders: BTreeSet<String> = fixtures().into_iter().map(|(name, _)| name).collect();
    let missing: Vec<&&str> = codes.iter().filter(|c| !folders.contains(**c)).collect();
    let stray: Vec<&String> = folders.iter().filter(|f| !codes.contains(f.as_str())).collect();
    assert!(missing.is_empty(), "codes without a fixture in tests/errors/: {missing:?}");
    assert!(stray.is_empty(), "fixture folders that name no code: {stray:?}");
    for (code, dir) in fixtures() {
        let library = dir.join("library").exists();
        let cli = dir.join("args").exists();
        assert!(library != cli, "{code}: a fixture has either an `args` file or a `library` marker");
        assert!(dir.join("expected.stderr").exists(), "{code}: expected.stderr is missing");
        assert!(library || dir.join("expected.status").exists(), "{code}: expected.status is missing");
    }
}

#[test]
fn every_expected_stderr_shows_its_own_code() {
    for (case, dir) in cases() {
        let code = code_of(&case);
        let expected = read_text(&dir.join("expected.stderr"));
        assert!(
            expected.contains(&format!("[{code}]")),
            "tests/errors/{case}/expected.stderr does not contain [{code}]:\n{expected}"
        );
    }
}

#[test]
fn the_readme_lists_every_code_with_its_summary() {
    let readme = read_text(&errors_dir().join("README.md"));
    let listed: BTreeSet<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| [`"))
        .filter_map(|l| l.split_once("`]").map(|(code, _)| code.to_string()))
        .collect();
    let codes: BTreeSet<String> = Code::ALL.iter().map(|c| c.as_str().to_string()).collect();
    assert_eq!(listed, codes, "the table in tests/errors/README.md must list exactly the codes of Code::ALL");
    for code in Code::ALL {
        let row = readme.lines().find(|l| l.starts_with(&format!("| [`{}`]", code.as_str()))).expect("listed above");
        assert!(row.contains(code.summary()), "README row of {code} does not quote its summary \"{}\"", code.summary());
    }
}
