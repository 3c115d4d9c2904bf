//! Stage 6 of an import: the preview — every problem with its row, column, value and reason,
//! duplicates, unknown and mapped values, the emissions the import adds, and its outcome — and
//! the skipped rows of a valid-rows-only import as a CSV.

use rust_decimal::Decimal;

use super::lookup::Listed;
use super::plan::Plan;
use super::stream::Streamed;
use super::{EarlierImport, Emissions, ImportOptions, MappingSource, Mode, Outcome, Preview};
use crate::mapping::ColumnMapping;
use crate::read::{Cell, Head, ReadError, RowBlocks, Table, TableRows};
use scopebook_core::diagnostic::Severity;
use scopebook_core::report::tonnes;
use std::collections::BTreeMap;

/// The preview of an import whose rows went through the store (or a cancelled one's).
pub(super) fn preview(table: &Head, opts: &ImportOptions, plan: Plan, values: Listed, streamed: Streamed) -> Preview {
    let Streamed { mut problems, duplicates, checked, rows_read } = streamed;
    let Some(checked) = checked else {
        return base(table, rows_read, opts, plan.mapping, plan.source, Outcome::Cancelled);
    };
    problems.sort_by(|a, b| a.row.cmp(&b.row).then_with(|| a.column.cmp(&b.column)));
    let rows_with_problems = {
        let mut rs: Vec<u64> = problems.iter().filter(|p| p.severity == Severity::Error).map(|p| p.row).collect();
        rs.dedup();
        rs.len() as u64
    };
    let outcome = if checked.cancelled {
        Outcome::Cancelled
    } else if checked.written.is_some() {
        Outcome::Imported
    } else if opts.mode == Mode::DryRun {
        Outcome::Checked
    } else {
        Outcome::Refused
    };
    let totals = &checked.inventory.totals.all;
    let t = |kg: Decimal| tonnes(kg).to_string();
    let written = checked.written.as_ref();
    Preview {
        rows_valid: checked.valid,
        rows_with_problems,
        problems,
        duplicates,
        unknown_values: values.unknown,
        mapped_values: values.mapped,
        emissions: Emissions {
            scope1: t(totals.scope1),
            scope2_location: t(totals.scope2_location),
            scope2_market: t(totals.scope2_market),
            scope3: t(totals.scope3),
            biogenic_co2: t(totals.biogenic_co2),
        },
        warnings: checked.warnings.iter().map(|d| d.message.clone()).collect(),
        earlier_imports: checked
            .earlier_imports
            .iter()
            .map(|e| EarlierImport {
                id: e.id,
                imported_at: e.imported_at.clone(),
                imported_by: e.imported_by.clone(),
                records: e.rows_imported,
            })
            .collect(),
        import_id: written.map(|w| w.import_id),
        records_imported: written.map_or(0, |w| w.records),
        first_record: written.and_then(|w| w.first_record),
        last_record: written.and_then(|w| w.last_record),
        ..base(table, rows_read, opts, plan.mapping, plan.source, outcome)
    }
}

/// A preview of what the file and the mapping say, with no rows checked yet: what a cancelled
/// import reports, and the part of every preview that does not depend on the rows.
pub(super) fn base(
    table: &Head,
    rows_read: u64,
    opts: &ImportOptions,
    mapping: ColumnMapping,
    source: MappingSource,
    outcome: Outcome,
) -> Preview {
    Preview {
        file: table.file.clone(),
        sha256: table.sha256.clone(),
        format: table.format.as_str().to_string(),
        sheet: table.sheet.clone(),
        sheets: table.sheets.clone(),
        encoding: table.encoding.clone(),
        delimiter: table.delimiter.map(|d| char::from(d).to_string()),
        header_row: table.header_row as u64,
        headers: table.headers.clone(),
        period: opts.year,
        mode: opts.mode,
        unmapped_columns: table
            .headers
            .iter()
            .filter(|h| !mapping.columns.values().any(|m| m == *h))
            .cloned()
            .collect(),
        mapping: mapping.columns,
        mapping_source: source,
        rows_read,
        rows_valid: 0,
        rows_with_problems: 0,
        problems: Vec::new(),
        duplicates: Vec::new(),
        unknown_values: Vec::new(),
        mapped_values: Vec::new(),
        emissions: Emissions::default(),
        warnings: Vec::new(),
        earlier_imports: Vec::new(),
        outcome,
        import_id: None,
        records_imported: 0,
        first_record: None,
        last_record: None,
    }
}

/// Where a valid-rows-only import writes the skipped rows unless told otherwise:
/// `FILE.skipped.csv` beside the file.
pub fn skipped_path(file: &std::path::Path) -> std::path::PathBuf {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "import".into());
    file.with_file_name(format!("{stem}.skipped.csv"))
}

/// The rows a valid-rows-only import skipped, as a UTF-8 CSV (with a BOM, so that Excel reads
/// Chinese text right): the file's own columns and cells, then a `reason` column. Ready to be
/// corrected and imported again.
pub fn skipped_rows_csv(table: &Table, preview: &Preview) -> Vec<u8> {
    // A table's rows are all at hand: reading them cannot fail.
    skipped_rows_csv_from(&mut TableRows::new(table), preview).unwrap_or_default()
}

/// [`skipped_rows_csv`] of a file read again a block at a time ([`crate::read::open`]).
pub fn skipped_rows_csv_from<'a>(rows: &mut dyn RowBlocks<'a>, preview: &Preview) -> Result<Vec<u8>, ReadError> {
    let mut reasons: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for p in preview.problems.iter().filter(|p| p.severity == Severity::Error) {
        let at = p.column.as_ref().map(|c| format!("{c}: ")).unwrap_or_default();
        reasons.entry(p.row).or_default().push(format!("{at}{}", p.message));
    }
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let mut header: Vec<String> = rows.head().headers.clone();
        header.push("reason".into());
        let _ = w.write_record(&header);
        while let Some(block) = rows.next_block(SKIPPED_BLOCK)? {
            for r in block.iter() {
                let Some(why) = reasons.get(&(r.line as u64)) else { continue };
                let mut rec: Vec<String> = r.cells.iter().map(Cell::display_text).collect();
                rec.push(why.join("; "));
                let _ = w.write_record(&rec);
            }
        }
        let _ = w.flush();
    }
    Ok(out)
}

/// Rows read at a time when the skipped rows are picked out.
const SKIPPED_BLOCK: usize = 32_768;
