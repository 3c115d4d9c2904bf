//! Load the whole EUTL copy (32 files, 17,957 installations) and work every installation's and
//! account holder's 2021 position, timed (docs/measurements.md). Run with
//! `cargo bench -p scopebook-allowance --bench eutl`; skipped when ../shared is absent.

use std::time::Instant;

use scopebook_allowance::eu::{self, Input};
use scopebook_allowance::eu_rules::EuRules;
use scopebook_allowance::registry;

fn main() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets/real-world/eutl");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: the EUTL copy ({}) is not present", dir.display());
        return;
    };
    let mut paths: Vec<_> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "csv")).collect();
    paths.sort();
    let Ok(rules) = EuRules::shipped() else { return };
    let prices = ["low=55".to_string(), "central=75".to_string(), "high=95".to_string()];
    let mut best = u128::MAX;
    for run in 1..=5 {
        let t = Instant::now();
        let files: Vec<(String, Vec<u8>)> =
            paths.iter().filter_map(|p| std::fs::read(p).ok().map(|b| (p.display().to_string(), b))).collect();
        let read = t.elapsed();
        let (installations, diags) = registry::read_all(&files);
        let parsed = t.elapsed();
        let input =
            Input { rules: &rules, installations: &installations, year: Some(2021), ledger: None, prices: &prices };
        let pos = eu::position(&input, diags);
        let json = serde_json::to_string(&pos).map_or(0, |s| s.len());
        let total = t.elapsed();
        best = best.min(total.as_micros());
        println!(
            "run {run}: {} files, {} installations, {} holders: read {} ms, parsed {} ms, positions + JSON ({} KB) {} ms",
            files.len(),
            pos.installations.len(),
            pos.enterprises.len(),
            read.as_millis(),
            parsed.as_millis(),
            json / 1024,
            total.as_millis()
        );
    }
    println!("best: {} ms", best / 1000);
}
