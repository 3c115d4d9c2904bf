//! Embeds the shipped factor datasets (`emission-factors/`) into the library, so the CLI and the
//! app carry their data with them. The library verifies each file's checksum when it loads it.
//! Each edition's `verification.csv` (the record of the checks behind its `verified` marks) is
//! left out: only the tests read it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    // The datasets live at the workspace root (`emission-factors/`), two levels above this crate.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("../../emission-factors");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    if files.is_empty() {
        println!("cargo:warning=no factor data found under {}", root.display());
        std::process::exit(1);
    }
    let mut out = String::from("/// Every file under `emission-factors/` that is data: (relative path, contents).\npub static SHIPPED_FILES: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({:?})),", abs.display().to_string());
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("shipped.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
        std::process::exit(1);
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("csv" | "toml"))
            // An edition's `verification.csv` records the checks behind its `verified` marks, for
            // the tests and for review; the engine does not read it.
            && path.file_name().and_then(|n| n.to_str()) != Some("verification.csv")
        {
            if let Ok(rel) = path.strip_prefix(root) {
                // Forward slashes on every platform, so the names are the same on Windows.
                let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                files.push((rel, path));
            }
        }
    }
}
