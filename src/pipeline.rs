//! From the bytes of an activity file to an inventory, reading and calculating pieces of the
//! file in parallel. Pure: the caller reads the file.

use rayon::prelude::*;

use crate::activity::{split_body, ActivityHeader};
use crate::calc::{calculate, CalcOptions, Inventory};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::library::FactorLibrary;

/// Read and calculate an activity file. Row-level findings are in `Inventory::diagnostics`, in
/// file order; file-level findings (header problems) are returned beside it.
pub fn calculate_csv(
    lib: &FactorLibrary,
    file: &str,
    contents: &[u8],
    opts: CalcOptions,
) -> (Inventory, Vec<Diagnostic>) {
    let (header, header_diags) = ActivityHeader::read(file, contents);
    let Some((header, body_start)) = header else {
        return (Inventory::default(), header_diags);
    };
    let body = &contents[body_start.min(contents.len())..];
    let pieces = split_body(body, 2, rayon::current_num_threads() * 4);
    let parts: Vec<Inventory> = pieces
        .par_iter()
        .map(|&(piece, first_line)| {
            let (activities, row_diags) = header.read_rows(file, piece, first_line);
            let mut inv = calculate(lib, &activities, file, opts);
            // Reading findings first, then calculation findings; both sorted by row below.
            let mut diags = row_diags;
            diags.append(&mut inv.diagnostics);
            diags.sort_by_key(|d| d.location.row);
            inv.diagnostics = diags;
            inv
        })
        .collect();
    let mut inv = Inventory::default();
    for part in parts {
        inv.merge(part);
    }
    let mut header_diags = header_diags;
    if inv.line_count == 0 && !inv.diagnostics.iter().any(Diagnostic::is_error) {
        header_diags.push(Diagnostic::warning(
            Code::NoDataRows,
            Location::file(file),
            "the file has a header but no data rows: the inventory is empty",
        ));
    }
    (inv, header_diags)
}
