//! Embeds the shipped allowance plans (`allowance-plans/<plan-id>/plan.toml` at the workspace
//! root, and each plan's scheme boundary, `boundary.toml`, where the folder has one) into the crate, so that a new year's plan is a new data file, not new code. The crate
//! parses and checks each plan when it is asked for; its tests load every one.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("../../allowance-plans");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut plans = Vec::new();
    let mut boundaries = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let dir = entry.path();
            let file = dir.join("plan.toml");
            println!("cargo:rerun-if-changed={}", dir.display());
            if file.is_file() {
                let id = entry.file_name().to_string_lossy().into_owned();
                println!("cargo:rerun-if-changed={}", file.display());
                plans.push((id.clone(), file));
                let boundary = dir.join("boundary.toml");
                println!("cargo:rerun-if-changed={}", boundary.display());
                if boundary.is_file() {
                    boundaries.push((id, boundary));
                }
            }
        }
    }
    plans.sort();
    boundaries.sort();
    if plans.is_empty() {
        println!("cargo:warning=no allowance plans found under {}", root.display());
        std::process::exit(1);
    }
    let mut out = String::from(
        "/// Every shipped plan: (folder name = plan id, contents of its `plan.toml`).\npub static SHIPPED_PLANS: &[(&str, &str)] = &[\n",
    );
    for (id, file) in &plans {
        let _ = writeln!(out, "    ({id:?}, include_str!({:?})),", file.display().to_string());
    }
    out.push_str("];\n");
    out.push_str(
        "/// Every shipped scheme boundary: (plan id, contents of the plan folder's `boundary.toml`).\npub static SHIPPED_BOUNDARIES: &[(&str, &str)] = &[\n",
    );
    for (id, file) in &boundaries {
        let _ = writeln!(out, "    ({id:?}, include_str!({:?})),", file.display().to_string());
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("plans.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
        std::process::exit(1);
    }
}
