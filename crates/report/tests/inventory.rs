//! The inventory report rendered from the sample organisation file: PDF in both languages
//! (PDF/A-2b, the same bytes twice), the workbook and CSV.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::OnceLock;

use scopebook_core::library::FactorLibrary;
use scopebook_core::report::Rounding;
use scopebook_report::{document, inventory, sample, standards, Fonts, Format, InventorySource, Lang};

fn lib() -> &'static FactorLibrary {
    static LIB: OnceLock<FactorLibrary> = OnceLock::new();
    LIB.get_or_init(|| FactorLibrary::shipped().0)
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scopebook-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load(&Fonts::default_dirs()).unwrap_or_else(|e| panic!("{e}")))
}

fn sample_source(name: &str) -> InventorySource {
    let dir = temp(name);
    let store = sample::create(&dir.join("acme.scopebook"), lib()).unwrap();
    InventorySource::gather(&store, lib(), 2024, true).unwrap()
}

#[test]
fn an_open_period_renders_in_both_languages_as_a_dated_draft_and_gives_the_same_bytes_twice() {
    let src = sample_source("render");
    assert!(src.calculation.run.report(false).complete, "{:?}", src.calculation.run.diagnostics);
    let t = std::time::Instant::now();
    let pdf = inventory(&src, Format::Pdf, Lang::Both, Rounding { decimals: 3 }, Some(fonts())).unwrap();
    eprintln!("both: {} bytes in {:?} (debug build)", pdf.len(), t.elapsed());
    let again = inventory(&src, Format::Pdf, Lang::Both, Rounding { decimals: 3 }, Some(fonts())).unwrap();
    assert!(pdf == again, "a rerun gave different bytes");
    assert!(pdf.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&pdf);
    // An open period is dated by its last day (fixed data, not the clock).
    assert!(raw.contains("2024-12-31T00:00:00"), "the document date is not the period's end");
    assert!(raw.contains("<pdfaid:part>2</pdfaid:part>") && raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
}

#[test]
fn the_document_has_every_section_in_order_the_index_and_the_rounding_footnote() {
    let src = sample_source("document");
    let doc = document::inventory_document(&src, Lang::Both, Rounding { decimals: 3 });
    let ids: Vec<&str> = doc.sections.iter().map(|s| s.id.as_str()).collect();
    let want: Vec<&str> = standards::SECTIONS.iter().map(|s| s.id).collect();
    assert_eq!(ids, want);
    assert!(doc.draft.is_some(), "an open period is a draft");
    let json = serde_json::to_string(&doc).unwrap();
    for item in standards::ITEMS {
        assert!(json.contains(&format!("\"section_id\":\"{}\"", item.section)), "{}", item.code);
    }
    // Facility shares of 60 % make the shown facility rows miss the shown total by 0.001.
    assert!(json.contains("shown rows may not add up"), "no rounding footnote");
    assert!(json.contains("BJ (北京办公室)"), "the excluded facility is named");
    // Workbook and CSV are deterministic too.
    let x1 = inventory(&src, Format::Xlsx, Lang::Zh, Rounding { decimals: 3 }, None).unwrap();
    let x2 = inventory(&src, Format::Xlsx, Lang::Zh, Rounding { decimals: 3 }, None).unwrap();
    assert!(x1 == x2);
    let csv =
        String::from_utf8(inventory(&src, Format::Csv, Lang::En, Rounding { decimals: 3 }, None).unwrap()).unwrap();
    assert!(csv.starts_with("section,item,facility,facility_name,unit,value,shown\n"));
}
