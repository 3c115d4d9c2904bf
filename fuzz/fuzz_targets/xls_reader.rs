//! Arbitrary bytes as an .xls (OLE2) workbook, through Scopebook's structure check and calamine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopebook_import::read::{read_bytes, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let _ = read_bytes("fuzz.xls", data, &ReadOptions::default());
});
