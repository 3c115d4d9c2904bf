//! Tidy: the architecture's invariants checked on the source, in the manner of rust-analyzer's
//! `tidy.rs`. Each rule is a function over (path, text) so that its own unit test can show it
//! failing on a deliberate violation.
//!
//! - `std::fs` only where files are the module's job (the store, the import reader, the CLI,
//!   the shell, build scripts, the report fonts) — never in the core;
//! - `@tauri-apps/*` imported only by `ui/src/lib/tauri.ts` (and its test);
//! - no `f64`/`f32` in the library crates, the CLI or the shell outside the named reader files;
//! - every diagnostic-code string in the shell is a catalogue code (`Code::ALL`);
//! - no source file over 800 lines, counting up to its `#[cfg(test)]` module, outside data
//!   tables, generated files and tests.

use std::path::{Path, PathBuf};

use scopebook_core::diagnostic::Code;

const MAX_LINES: usize = 800;

/// Where `std::fs` may be used (prefixes of paths relative to the workspace root).
const FS_ALLOWED: &[&str] = &[
    "crates/core/build.rs",
    "crates/allowance/build.rs",
    "crates/store/",
    "crates/import/src/read.rs",
    "crates/import/src/read/",
    "crates/report/src/fonts.rs",
    "src/",
    "src-tauri/",
];

/// The files that may hold binary floats: a spreadsheet's cells arrive from calamine as `f64`
/// and are turned into exact text there; the blank template's column widths are layout; the
/// workbook export writes each figure as a spreadsheet number (an `f64`) with its exact text
/// beside it where the float changes it.
const FLOAT_ALLOWED: &[&str] =
    &["crates/import/src/read/sheet.rs", "crates/import/src/template.rs", "crates/report/src/workbook.rs"];

/// Files exempt from the length rule: data tables and generated code.
const LENGTH_EXEMPT: &[&str] = &["ui/src/lib/bindings.ts", "ui/src/lib/i18n/en.ts", "ui/src/lib/i18n/zh.ts"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Every file under `dir` (relative to the root) with one of `exts`, as (relative path, text).
fn sources(dir: &str, exts: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if p.is_dir() {
                if !matches!(name, "node_modules" | "dist" | "target" | "gen") {
                    stack.push(p);
                }
            } else if exts.iter().any(|x| name.ends_with(x)) {
                let Ok(rel) = p.strip_prefix(root()) else { continue };
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

/// The Rust sources of the library crates, the CLI and the shell (not tests or benchmarks).
fn product_rust() -> Vec<(String, String)> {
    let mut all = sources("crates", &[".rs"]);
    all.extend(sources("src", &[".rs"]));
    all.extend(sources("src-tauri/src", &[".rs"]));
    all.retain(|(p, _)| !p.contains("/tests/") && !p.contains("/benches/"));
    all
}

/// Lines of code without comments (`//`, `///`, `//!`): what a rule about code looks at.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim_start().starts_with("//"))
}

/// The part of a file before its `#[cfg(test)]` module.
fn before_tests(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

fn check_fs(path: &str, text: &str) -> Vec<String> {
    if FS_ALLOWED.iter().any(|p| path.starts_with(p)) {
        return vec![];
    }
    code_lines(before_tests(text))
        .filter(|(_, l)| l.contains("std::fs") || l.contains("File::open") || l.contains("File::create"))
        .map(|(n, _)| format!("{path}:{n}: file-system access outside the modules whose job it is"))
        .collect()
}

fn check_tauri_import(path: &str, text: &str) -> Vec<String> {
    if matches!(path, "ui/src/lib/tauri.ts" | "ui/src/lib/tauri.test.ts") {
        return vec![];
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains("@tauri-apps/"))
        .map(|(i, _)| format!("{path}:{}: imports @tauri-apps outside ui/src/lib/tauri.ts", i + 1))
        .collect()
}

fn check_floats(path: &str, text: &str) -> Vec<String> {
    if FLOAT_ALLOWED.contains(&path) {
        return vec![];
    }
    let is_float =
        |l: &str| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == "f64" || w == "f32");
    code_lines(before_tests(text))
        .filter(|(_, l)| is_float(l))
        .map(|(n, _)| format!("{path}:{n}: a binary float outside the named reader files"))
        .collect()
}

/// Kebab-case string literals on lines that speak of a code, e.g. `code: "unknown-field"`.
fn code_literals(line: &str) -> Vec<&str> {
    if !line.to_lowercase().contains("code") {
        return vec![];
    }
    line.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            s.contains('-')
                && !s.starts_with('-')
                && !s.ends_with('-')
                && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .collect()
}

fn check_codes(path: &str, text: &str) -> Vec<String> {
    let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    code_lines(before_tests(text))
        .flat_map(|(n, l)| {
            code_literals(l)
                .into_iter()
                .filter(|c| !known.contains(c))
                .map(move |c| format!("{path}:{n}: code '{c}' is not in the catalogue (diagnostic::Code)"))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn check_length(path: &str, text: &str) -> Vec<String> {
    if LENGTH_EXEMPT.contains(&path) || path.ends_with(".test.ts") {
        return vec![];
    }
    let n = before_tests(text).lines().count();
    if n > MAX_LINES {
        vec![format!("{path}: {n} lines (before its tests); split it by responsibility (at most {MAX_LINES})")]
    } else {
        vec![]
    }
}

fn assert_clean(problems: Vec<String>) {
    assert!(problems.is_empty(), "tidy found:\n{}", problems.join("\n"));
}

#[test]
fn the_core_and_the_ui_do_no_file_io_outside_their_edges() {
    let mut files = product_rust();
    files.retain(|(p, _)| !p.starts_with("src-tauri/"));
    assert_clean(files.iter().flat_map(|(p, t)| check_fs(p, t)).collect());
}

#[test]
fn only_the_ipc_module_imports_tauri_in_the_ui() {
    let files = sources("ui/src", &[".ts", ".svelte"]);
    assert!(files.len() > 20, "the UI sources were not found");
    assert_clean(files.iter().flat_map(|(p, t)| check_tauri_import(p, t)).collect());
}

#[test]
fn no_binary_floats_outside_the_named_reader_files() {
    assert_clean(product_rust().iter().flat_map(|(p, t)| check_floats(p, t)).collect());
}

#[test]
fn every_code_the_shell_sends_is_in_the_catalogue() {
    let files = sources("src-tauri/src", &[".rs"]);
    assert!(!files.is_empty(), "the shell's sources were not found");
    assert_clean(files.iter().flat_map(|(p, t)| check_codes(p, t)).collect());
}

#[test]
fn no_source_file_is_a_corridor() {
    let mut files = product_rust();
    files.extend(sources("ui/src", &[".ts", ".svelte"]));
    assert_clean(files.iter().flat_map(|(p, t)| check_length(p, t)).collect());
}

// ---- each rule fails on a deliberate violation ----

#[test]
fn tidy_finds_file_io_in_the_core() {
    let bad = "fn f() { let _ = std::fs::read(\"x\"); }\n";
    assert_eq!(check_fs("crates/core/src/calc.rs", bad).len(), 1);
    assert!(check_fs("crates/store/src/backup.rs", bad).is_empty());
    assert!(check_fs("crates/core/src/calc.rs", "// std::fs is not used here\n").is_empty());
    assert!(check_fs("crates/core/src/calc.rs", "#[cfg(test)]\nmod t { fn f() { std::fs::read(\"x\"); } }").is_empty());
}

#[test]
fn tidy_finds_a_tauri_import_in_a_screen() {
    let bad = "import { invoke } from '@tauri-apps/api/core';\n";
    assert_eq!(check_tauri_import("ui/src/features/dashboard/DashboardScreen.svelte", bad).len(), 1);
    assert!(check_tauri_import("ui/src/lib/tauri.ts", bad).is_empty());
}

#[test]
fn tidy_finds_a_float_in_the_accounting_path() {
    let bad = "let co2e: f64 = 1.0;\n";
    assert_eq!(check_floats("crates/core/src/calc.rs", bad).len(), 1);
    assert!(check_floats("crates/import/src/read/sheet.rs", bad).is_empty());
    assert!(check_floats("crates/core/src/calc.rs", "let self_f64_name = 1;\n").is_empty());
}

#[test]
fn tidy_finds_a_code_the_catalogue_does_not_have() {
    assert_eq!(check_codes("src-tauri/src/x.rs", "FieldError { code: \"malformed-value\".into() }\n").len(), 1);
    assert!(check_codes("src-tauri/src/x.rs", "FieldError { code: \"malformed-number\".into() }\n").is_empty());
    assert!(check_codes("src-tauri/src/x.rs", "let label = \"grid-east\";\n").is_empty());
}

#[test]
fn tidy_finds_a_long_file() {
    let long = "fn f() {}\n".repeat(MAX_LINES + 1);
    assert_eq!(check_length("crates/store/src/lib.rs", &long).len(), 1);
    let with_tests = format!("{}#[cfg(test)]\nmod tests {{\n{}}}\n", "fn f() {}\n".repeat(10), long);
    assert!(check_length("crates/store/src/lib.rs", &with_tests).is_empty());
    assert!(check_length("ui/src/lib/bindings.ts", &long).is_empty());
}
