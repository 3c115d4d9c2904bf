//! Golden allowance positions: each folder under `tests/golden-position/` is a position worked by
//! hand (`WORKING.md`); `expected.json` must be contained in `scopebook position <args> --format
//! json` run in that folder (see `tests/golden-position/README.md`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may fail loudly

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden-position")
}

/// Where `expected` is not contained in `actual`: a list of paths and differences.
fn contained(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                match a.get(k) {
                    Some(av) => contained(&format!("{path}.{k}"), v, av, out),
                    None => out.push(format!("{path}.{k}: missing (expected {v})")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: {} elements, expected {}: {actual}", a.len(), e.len()));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                contained(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        (e, a) if e != a => out.push(format!("{path}: {a}, expected {e}")),
        _ => {}
    }
}

#[test]
fn every_golden_position_matches_its_hand_working() {
    let mut cases: Vec<PathBuf> =
        std::fs::read_dir(dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 7, "the golden positions were not found");
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        assert!(case.join("WORKING.md").is_file(), "{name}: no WORKING.md");
        let args = std::fs::read_to_string(case.join("args")).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_scopebook"))
            .arg("position")
            .args(args.lines().map(str::trim).filter(|l| !l.is_empty()))
            .args(["--format", "json"])
            .current_dir(&case)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            failures.push(format!("{name}: exit {:?}\n{stderr}", out.status.code()));
            continue;
        }
        let actual: Value = serde_json::from_slice(&out.stdout).unwrap();
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(case.join("expected.json")).unwrap()).unwrap();
        let mut diffs = Vec::new();
        contained("$", &expected, &actual, &mut diffs);
        // The findings on stderr are the document's, one a line.
        let listed = actual["diagnostics"].as_array().map_or(0, Vec::len);
        if stderr.lines().count() != listed {
            diffs.push(format!("stderr has {} lines for {listed} diagnostics:\n{stderr}", stderr.lines().count()));
        }
        if !diffs.is_empty() {
            failures.push(format!("{name}:\n  {}", diffs.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
