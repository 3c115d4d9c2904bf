//! The report and package benchmark behind `scripts/bench-report.sh` (issue 13): on an inventory
//! file (made by `bench_store --make-db`), period 2023 locked, time
//! - the inventory report as PDF, as `scopebook report --kind inventory` makes it (gather the
//!   source: the calculation of every record; lay out the document; Typst to PDF/A);
//! - Typst compiling the same document alone (`pdf::render` of the same template and data JSON,
//!   fonts already loaded, Typst's caches dropped after each compile as `pdf::render` does) — the
//!   goal is a ratio of at most 1.5; the report's parts (gathering the source, laying out the
//!   document) and `calc --db`'s calculation alone are printed beside it;
//! - the auditor's package, as `scopebook export-package` makes it (goal: under 10 s).
//!
//! Each is run `RUNS` times after one warm-up; the median is printed, with a JSON line for tools.
//!
//!     cargo run --release --example bench_report -- DB [RUNS]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::float_arithmetic)]

use std::time::{Duration, Instant};

use scopebook_core::library::FactorLibrary;
use scopebook_core::report::Rounding;
use scopebook_package::ExportOptions;
use scopebook_report::document::{inventory_document, INVENTORY_TEMPLATE};
use scopebook_report::pdf::{render, PdfJob};
use scopebook_report::{Fonts, Format, InventorySource, Lang};
use scopebook_store::Store;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut last = f(); // warm-up
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        last = f();
        times.push(t.elapsed());
    }
    (median(times), last)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let db = args.first().expect("usage: bench_report DB [RUNS]");
    let runs: usize = args.get(1).map_or(3, |r| r.parse().expect("RUNS is a whole number"));
    let lib = FactorLibrary::shipped().0;
    let mut store = Store::open(std::path::Path::new(db), "bench").unwrap();
    if store.snapshot(2023).unwrap().is_none() {
        store.lock_period(&lib, 2023).unwrap();
    }
    let fonts = Fonts::load(&Fonts::default_dirs()).unwrap();
    let rounding = Rounding { decimals: 3 };

    // The report as the CLI makes it.
    let (report, pdf) = time(runs, || {
        let src = InventorySource::gather(&store, &lib, 2023, false).unwrap();
        scopebook_report::inventory(&src, Format::Pdf, Lang::En, rounding, Some(&fonts)).unwrap()
    });
    // Its parts: what the report reads (the period's calculation, every line), the document
    // laid out as strings, then Typst alone on that same document.
    let (gather, src) = time(runs, || InventorySource::gather(&store, &lib, 2023, false).unwrap());
    let records = src.calculation.run.inventory.lines.len();
    let (calc, _) = time(runs, || store.calculate(&lib, 2023, true).unwrap().run.inventory.lines.len());
    // What else gathering reads: the fresh calculation compared with the lock's snapshot, the
    // audit chain verified, the period's records (restatements and data quality).
    let (compare, _) = time(runs, || store.compare_with_snapshot(&src.calculation).unwrap());
    let (audit, _) = time(runs, || store.verify().unwrap().entries);
    let (records_read, _) = time(runs, || store.activities(2023, true).unwrap().len());
    let (layout, data_json) =
        time(runs, || serde_json::to_string(&inventory_document(&src, Lang::En, rounding)).unwrap());
    let ident = format!("scopebook-inventory/{}/{}/{}", src.organisation.name, src.period.year, Lang::En.as_str());
    let (typst, alone) = time(runs, || {
        render(&PdfJob {
            template: INVENTORY_TEMPLATE,
            data_json: data_json.clone(),
            fonts: &fonts,
            date: src.document_date(),
            ident: ident.clone(),
            attachment: None,
        })
        .unwrap()
    });
    assert!(alone == pdf, "Typst alone did not give the report's bytes: not the same document");
    // The package.
    let (package, exported) =
        time(runs, || scopebook_package::export(&store, &lib, 2023, &ExportOptions::default()).unwrap());

    let ratio = report.as_secs_f64() / typst.as_secs_f64();
    let render_ratio = (layout + typst).as_secs_f64() / typst.as_secs_f64();
    println!("inventory file: {db}, {records} lines, median of {runs} runs");
    println!("{:<44} {:>10}", "step", "seconds");
    println!("{:<44} {:>10.3}", "report --kind inventory (PDF)", report.as_secs_f64());
    println!("{:<44} {:>10.3}", "  of which: gather (the source, all of it)", gather.as_secs_f64());
    println!("{:<44} {:>10.3}", "    gather's parts: snapshot comparison", compare.as_secs_f64());
    println!("{:<44} {:>10.3}", "    gather's parts: audit chain verified", audit.as_secs_f64());
    println!("{:<44} {:>10.3}", "    gather's parts: the period's records read", records_read.as_secs_f64());
    println!("{:<44} {:>10.3}", "  of which: the document (Rust, to JSON)", layout.as_secs_f64());
    println!("{:<44} {:>10.3}", "calc --db's calculation alone (for reference)", calc.as_secs_f64());
    println!("{:<44} {:>10.3}", "Typst compiling the same document alone", typst.as_secs_f64());
    println!("{:<44} {:>10.2}  (goal <= 1.5)", "ratio report / Typst alone", ratio);
    println!("{:<44} {:>10.2}", "ratio (document + Typst) / Typst alone", render_ratio);
    println!("{:<44} {:>10.3}  (goal < 10 s)", "export-package", package.as_secs_f64());
    println!("PDF {} bytes; package {} bytes, {} files", pdf.len(), exported.bytes.len(), exported.files);
    println!(
        "{{\"lines\":{records},\"report_s\":{:.3},\"gather_s\":{:.3},\"compare_s\":{:.3},\"audit_s\":{:.3},\"document_s\":{:.3},\"typst_s\":{:.3},\"ratio\":{ratio:.2},\"package_s\":{:.3},\"pdf_bytes\":{},\"package_bytes\":{}}}",
        report.as_secs_f64(),
        gather.as_secs_f64(),
        compare.as_secs_f64(),
        audit.as_secs_f64(),
        layout.as_secs_f64(),
        typst.as_secs_f64(),
        package.as_secs_f64(),
        pdf.len(),
        exported.bytes.len()
    );
}
