//! Arbitrary bytes as a workbook: once claimed as `.xlsx`, once with the extension chosen by the
//! first byte. The content decides how the file is read, so this reaches the ZIP check, calamine
//! (xlsx, ods) and the CSV reader. OLE2 (.xls) content is left to `xls_reader`, whose known
//! calamine crashes (fuzz/README.md) would otherwise end every run within seconds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopebook_import::read::{date_text, number_text, read_bytes, ReadOptions};

const NAMES: [&str; 4] = ["fuzz.xlsx", "fuzz.xls", "fuzz.ods", "fuzz.csv"];

fn check(name: &str, data: &[u8]) {
    if let Ok(table) = read_bytes(name, data, &ReadOptions::default()) {
        for row in table.rows.iter().take(1000) {
            for cell in &row.cells {
                let _ = number_text(cell);
                let _ = date_text(cell);
            }
        }
    }
}

fn is_ole(data: &[u8]) -> bool {
    data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

fuzz_target!(|data: &[u8]| {
    if is_ole(data) || data.get(1..).is_some_and(is_ole) {
        return;
    }
    check("fuzz.xlsx", data);
    if let Some((&first, rest)) = data.split_first() {
        let name = NAMES.get(usize::from(first) % NAMES.len()).copied().unwrap_or("fuzz.xlsx");
        check(name, rest);
    }
});
