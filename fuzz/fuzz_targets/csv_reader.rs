//! Arbitrary bytes as a CSV file: `read_bytes` must return a table or an error, never panic; and
//! the cell normalisers must not panic on any cell it returns.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopebook_import::read::{date_text, number_text, read_bytes, ReadOptions};

/// OLE2 (.xls) and ZIP (.xlsx, .ods) content goes to the workbook readers (`workbook_reader`,
/// `xls_reader`); this target keeps to text.
fn is_container(data: &[u8]) -> bool {
    data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || data.starts_with(b"PK")
}

fuzz_target!(|data: &[u8]| {
    if is_container(data) {
        return;
    }
    if let Ok(table) = read_bytes("fuzz.csv", data, &ReadOptions::default()) {
        for row in table.rows.iter().take(1000) {
            for cell in &row.cells {
                let _ = number_text(cell);
                let _ = date_text(cell);
            }
        }
    }
});
