//! From the bytes of an activity file to an inventory, reading and calculating pieces of the
//! file in parallel. Pure: the caller reads the file.

use rayon::prelude::*;

use crate::activity::{split_body, Activity, ActivityHeader, SplitRows};
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
        .map(|&(piece, first_line)| calculate_read(lib, file, header.read_rows(file, piece, first_line), opts))
        .collect();
    merge(file, parts, header_diags)
}

/// [`calculate_csv`] of a file whose records are given split into cells (`header` its header
/// line), as the store reads them from its database: the same inventory and findings as the
/// file with those records on its lines, each located at its row in `rows`.
pub fn calculate_split(
    lib: &FactorLibrary,
    file: &str,
    header: &[u8],
    rows: &SplitRows<'_>,
    opts: CalcOptions,
) -> (Inventory, Vec<Diagnostic>) {
    let (header, header_diags) = ActivityHeader::read(file, header);
    let Some((header, _)) = header else {
        return (Inventory::default(), header_diags);
    };
    // Pieces of at least 1,024 records: below that the threads cost more than they save.
    let pieces = (rows.rows.len() / 1024).clamp(1, rayon::current_num_threads() * 4);
    let parts: Vec<Inventory> = rows
        .split(pieces)
        .par_iter()
        .map(|piece| calculate_read(lib, file, header.read_split(file, piece), opts))
        .collect();
    merge(file, parts, header_diags)
}

/// Calculate a piece's activities as read, with the reading findings.
fn calculate_read(
    lib: &FactorLibrary,
    file: &str,
    (activities, row_diags): (Vec<Activity>, Vec<Diagnostic>),
    opts: CalcOptions,
) -> Inventory {
    let mut inv = calculate(lib, &activities, file, opts);
    // Reading findings first, then calculation findings; both sorted by row below.
    let mut diags = row_diags;
    diags.append(&mut inv.diagnostics);
    diags.sort_by_key(|d| d.location.row);
    inv.diagnostics = diags;
    inv
}

/// The pieces' inventories merged in order, with the file's findings (and a warning when it
/// has no data rows).
fn merge(file: &str, parts: Vec<Inventory>, header_diags: Vec<Diagnostic>) -> (Inventory, Vec<Diagnostic>) {
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

/// The outcome of checking rows: each row's activity or its errors, and the inventory of the
/// rows that calculated.
pub struct CheckedRows {
    pub rows: Vec<Result<crate::activity::Activity, Vec<Diagnostic>>>,
    pub inventory: Inventory,
}

/// Check rows of cells (under `columns`, activity-file column names) exactly as `scopebook
/// calc` checks an activity file: read, then calculate, in parallel pieces. A row passes only
/// with no error at all; warnings are left in `inventory.diagnostics`. Row numbers in the
/// diagnostics are file lines (the header is line 1, so row `i` is line `i + 2`).
pub fn check_rows<S: AsRef<str>, R: AsRef<[S]>>(
    lib: &FactorLibrary,
    opts: CalcOptions,
    file: &str,
    columns: &[&str],
    rows: &[R],
) -> CheckedRows {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::with_capacity(rows.len() * 96 + 128));
    let mut ok = w.write_record(columns).is_ok();
    for r in rows {
        ok &= w.write_record(r.as_ref().iter().map(AsRef::as_ref)).is_ok();
    }
    let csv = w.into_inner().unwrap_or_default();
    let fail_all = |diags: Vec<Diagnostic>| CheckedRows {
        rows: (0..rows.len()).map(|_| Err(diags.clone())).collect(),
        inventory: Inventory::default(),
    };
    if !ok {
        return fail_all(vec![Diagnostic::error(
            Code::MalformedRow,
            Location::file(file),
            "the rows could not be encoded",
        )]);
    }
    let (header, header_diags) = ActivityHeader::read(file, &csv);
    let Some((header, start)) = header else {
        return fail_all(header_diags.into_iter().filter(Diagnostic::is_error).collect());
    };
    let body = &csv[start.min(csv.len())..];
    let pieces = split_body(body, 2, rayon::current_num_threads() * 4);
    let parts: Vec<(Vec<crate::activity::Activity>, Vec<Diagnostic>, Inventory)> = pieces
        .par_iter()
        .map(|&(piece, first_line)| {
            let (activities, mut diags) = header.read_rows(file, piece, first_line);
            let mut inv = calculate(lib, &activities, file, opts);
            diags.append(&mut inv.diagnostics);
            (activities, diags, inv)
        })
        .collect();
    // Row i starts on line i + 2 of the file written here, unless a cell holds a line break (a
    // note over two lines): the rows are then found by the lines the reader gives them.
    let breaks = rows.iter().any(|r| r.as_ref().iter().any(|c| c.as_ref().bytes().any(|b| b == b'\n' || b == b'\r')));
    let starts: Option<Vec<u64>> = breaks.then(|| record_lines(body, 2));
    let slot = |line: u64| match &starts {
        None => usize::try_from(line).ok().and_then(|l| l.checked_sub(2)).filter(|i| *i < rows.len()),
        Some(starts) => starts.binary_search(&line).ok().filter(|i| *i < rows.len()),
    };
    let mut out: Vec<Result<crate::activity::Activity, Vec<Diagnostic>>> =
        (0..rows.len()).map(|_| Err(Vec::new())).collect();
    let mut problems: Vec<Vec<Diagnostic>> = vec![Vec::new(); rows.len()];
    let mut inventory = Inventory::default();
    let mut warnings = Vec::new();
    for (activities, diags, inv) in parts {
        for d in diags {
            match d.location.row.and_then(slot) {
                Some(i) if d.is_error() => problems[i].push(d),
                _ => warnings.push(d),
            }
        }
        for a in activities {
            if let Some(i) = slot(a.row) {
                out[i] = Ok(a);
            }
        }
        inventory.merge(inv);
    }
    for (i, p) in problems.into_iter().enumerate() {
        if !p.is_empty() {
            out[i] = Err(p);
        }
    }
    warnings.sort_by_key(|d| d.location.row);
    inventory.diagnostics = warnings;
    CheckedRows { rows: out, inventory }
}

/// The line each record of `body` (which starts on line `first_line`) starts on, as
/// [`crate::activity::ActivityHeader::read_rows`] numbers them.
fn record_lines(body: &[u8], first_line: u64) -> Vec<u64> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body);
    let mut record = csv::ByteRecord::new();
    let mut lines = Vec::new();
    while let Ok(true) = rdr.read_byte_record(&mut record) {
        lines.push(first_line + record.position().map_or(1, csv::Position::line) - 1);
    }
    lines
}

/// Calculate activities already read, in parallel pieces (the inventory of rows being
/// imported). Lines keep the activities' own row numbers.
pub fn calculate_activities(
    lib: &FactorLibrary,
    activities: &[crate::activity::Activity],
    file: &str,
    opts: CalcOptions,
) -> Inventory {
    let chunk = activities.len().div_ceil(rayon::current_num_threads() * 4).max(1024);
    let parts: Vec<Inventory> = activities.par_chunks(chunk).map(|c| calculate(lib, c, file, opts)).collect();
    let mut inv = Inventory::default();
    for part in parts {
        inv.merge(part);
    }
    inv
}
