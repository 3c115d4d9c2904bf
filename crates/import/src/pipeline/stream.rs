//! Stages 4 and 5 of an import: check (exactly as `scopebook calc` does, plus the store's own
//! rules), find duplicates and write — block by block, in one store transaction
//! ([`scopebook_store::ImportSession`]). While the store checks and writes one block, another
//! thread reads the next from the file (a CSV is streamed: [`crate::read::open`]) and converts
//! it (stages 2 and 3), so at most a few blocks of rows exist at a time, as cells or records,
//! never a million. The store's findings are located at the file's own rows and columns here, while
//! the block is still at hand.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;

use super::convert::{ConvertedBlock, RowContext};
use super::lookup::Values;
use super::plan::Plan;
use super::{DuplicateRow, ImportError, ImportOptions, MappingSource, Mode, Problem, Progress, Stage};
use crate::mapping::{self, Field};
use crate::read::{Head, ReadError, RowBlocks};
use crate::values;
use scopebook_core::library::FactorLibrary;
use scopebook_store::{
    ActivityInput, BlockChecked, CheckedBlock, Duplicate, ImportChecked, ImportFile, ImportMode, NewTemplate, Store,
    ValueChoice,
};

/// Rows per block. Large enough for the checks to run in parallel pieces, small enough that a
/// block's cells, records, activity-file encoding and checked activities stay a few tens of MB:
/// up to three blocks exist at a time (read, queued, being written), so this bounds the import's
/// memory besides SQLite's page cache and the duplicate keys (decision 0056: 32,768 peaked over
/// 500 MB at a million rows).
pub const BLOCK_ROWS: usize = 16_384;

/// What the rows gave: every problem and duplicate, located, and the store's outcome.
pub(super) struct Streamed {
    pub problems: Vec<Problem>,
    pub duplicates: Vec<DuplicateRow>,
    /// `None` when the import was cancelled (nothing was written).
    pub checked: Option<ImportChecked>,
    /// The file's data rows (when cancelled, the best guess at them).
    pub rows_read: u64,
}

/// What the blocks are read and converted with.
pub(super) struct Blocks<'r, 'a, 'v, 'l> {
    pub rows: &'r mut dyn RowBlocks<'a>,
    pub values: &'v mut Values<'l>,
    pub ctx: &'v RowContext<'v>,
    pub size: usize,
}

/// Read, convert, check, deduplicate and (unless a dry run, or refused) write every row, a
/// block at a time, then end the store's import: commit it with its batch record, or roll it
/// back. A file refused part-way (a row too long for its header) rolls the import back.
pub(super) fn check_and_write(
    store: &mut Store,
    lib: &FactorLibrary,
    head: &Head,
    blocks: Blocks<'_, '_, '_, '_>,
    opts: &ImportOptions,
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<Streamed, ImportError> {
    let Blocks { rows, values, ctx, size } = blocks;
    let mode = match opts.mode {
        Mode::DryRun => ImportMode::DryRun,
        Mode::AllOrNothing => ImportMode::AllOrNothing,
        Mode::ValidRowsOnly => ImportMode::ValidRowsOnly,
    };
    let stage = if opts.mode == Mode::DryRun { Stage::Checking } else { Stage::Writing };
    // The rows of a streamed file are known at its end: a guess until then.
    let total = AtomicU64::new(rows.estimated_rows());
    let mut session = store.begin_import(lib, opts.year, &import_file(head, plan, rows.estimated_rows()), mode)?;
    let mut out = Streamed { problems: Vec::new(), duplicates: Vec::new(), checked: None, rows_read: 0 };
    progress.report(stage, 0, total.load(Ordering::Relaxed));
    let checker = session.checker()?;
    let finished = std::thread::scope(|s| -> Result<bool, ImportError> {
        // Reading, stage 3 and the store's checks run one block ahead on their own thread (and
        // the thread pool): this thread finds duplicates and writes.
        let (to_store, converted) = sync_channel::<Result<(ConvertedBlock, CheckedBlock), ReadError>>(1);
        let (reader, values, total, checker) = (&mut *rows, &mut *values, &total, &checker);
        s.spawn(move || loop {
            let next = match reader.next_block(size) {
                Ok(Some(block)) => {
                    values.learn(&block);
                    let converted = ctx.convert_block(&block, values);
                    let checked = checker.check(&converted.rows);
                    Ok((converted, checked))
                }
                Ok(None) => break,
                Err(e) => Err(e),
            };
            total.store(reader.estimated_rows(), Ordering::Relaxed);
            let refused = next.is_err();
            if to_store.send(next).is_err() || refused {
                break;
            }
        });
        let mut done = 0u64;
        // Returning drops the receiver, which stops the reading thread.
        for block in converted {
            let (block, checked) = block?;
            if progress.cancelled() {
                return Ok(false);
            }
            let of = |done: u64| total.load(Ordering::Relaxed).max(done);
            let checked = session.add_checked(&block.rows, block.refused, checked, &|written| {
                progress.report(stage, written, of(written));
                !progress.cancelled()
            })?;
            done += block.len;
            progress.report(stage, done, of(done));
            let cancelled = checked.cancelled;
            locate(&mut out, block, checked, plan, &head.headers);
            if cancelled {
                return Ok(false);
            }
        }
        Ok(true)
    })?;
    out.rows_read = if finished { rows.rows_read() } else { rows.estimated_rows() };
    if finished {
        session.rows_read(out.rows_read);
        out.checked = Some(session.finish(new_template(head, opts, plan).as_ref(), &choices(opts))?);
    }
    Ok(out)
}

/// What the store records about the file (`rows` a guess until the file has been read).
/// Rows refused before the store are counted per block.
fn import_file(table: &Head, plan: &Plan, rows: u64) -> ImportFile {
    let template = match &plan.source {
        MappingSource::Template { name } | MappingSource::SameHeaders { name } => Some(name.clone()),
        MappingSource::Guess => None,
    };
    ImportFile {
        file_name: table.file.clone(),
        sha256: table.sha256.clone(),
        format: table.format.as_str().to_string(),
        sheet: table.sheet.clone(),
        header_row: table.header_row as u64,
        template,
        mapping: serde_json::to_string(&plan.mapping.columns).unwrap_or_default(),
        rows_read: rows,
        rows_refused_earlier: 0,
    }
}

/// The template to save with the import, if the user named one.
fn new_template(table: &Head, opts: &ImportOptions, plan: &Plan) -> Option<NewTemplate> {
    opts.save_template.as_ref().map(|name| NewTemplate {
        name: name.clone(),
        signature: mapping::header_signature(&table.headers),
        headers: table.headers.clone(),
        mapping: serde_json::to_string(&plan.mapping.columns).unwrap_or_default(),
    })
}

/// The value choices confirmed for this import, to remember.
fn choices(opts: &ImportOptions) -> Vec<ValueChoice> {
    opts.values
        .iter()
        .map(|(kind, source, target)| ValueChoice {
            kind: kind.as_str().to_string(),
            source: values::normalise(source),
            target: target.trim().to_string(),
        })
        .collect()
}

/// A block's problems (its own, from converting, then the store's, located at the file's own
/// columns) and duplicates, by source row.
fn locate(out: &mut Streamed, block: ConvertedBlock, checked: BlockChecked, plan: &Plan, headers: &[String]) {
    out.problems.extend(block.problems);
    let columns = &plan.columns;
    for (i, ds) in checked.problems {
        let Some(r) = block.rows.get(i) else { continue };
        for d in ds {
            let field = match d.location.column.as_deref().and_then(field_of) {
                // Dates from the period cell (or the period) belong to the period column.
                Some(f @ (Field::Start | Field::End)) if !columns.contains_key(&f) => {
                    columns.contains_key(&Field::Period).then_some(Field::Period)
                }
                f => f,
            };
            out.problems.push(Problem {
                row: r.source_row,
                column: field.and_then(|f| columns.get(&f)).and_then(|c| headers.get(*c)).cloned(),
                field,
                value: field.and_then(|f| field_value(&r.input, f)),
                code: d.code,
                severity: d.severity,
                message: d.message,
            });
        }
    }
    for (i, d) in checked.duplicates {
        let Some(r) = block.rows.get(i) else { continue };
        let row = r.source_row;
        out.duplicates.push(match d {
            Duplicate::Record(id) => DuplicateRow { row, of_record: Some(id), of_row: None },
            Duplicate::Row(of) => DuplicateRow { row, of_record: None, of_row: Some(of) },
        });
    }
}

/// The field of a store finding's column (activity-file column names).
fn field_of(column: &str) -> Option<Field> {
    Some(match column {
        "facility" => Field::Facility,
        "activity" => Field::Activity,
        "quantity" => Field::Quantity,
        "unit" => Field::Unit,
        "period_start" => Field::Start,
        "period_end" => Field::End,
        "factor" => Field::Factor,
        "region" => Field::Region,
        "scope3_category" => Field::Scope3Category,
        "supplier" => Field::Supplier,
        "evidence" | "evidence_file" => Field::Evidence,
        "data_quality" => Field::DataQuality,
        "note" => Field::Note,
        "sector" => Field::Sector,
        "ncv_gj_per_unit" => Field::NcvGjPerUnit,
        "carbon_t_per_gj" => Field::CarbonTPerGj,
        "oxidation" => Field::Oxidation,
        "parameter_source" => Field::ParameterSource,
        "method" => Field::Method,
        "dq_technology" => Field::DqTechnology,
        "dq_time" => Field::DqTime,
        "dq_geography" => Field::DqGeography,
        "dq_completeness" => Field::DqCompleteness,
        "dq_reliability" => Field::DqReliability,
        "currency_year" => Field::CurrencyYear,
        "exchange_rate" => Field::ExchangeRate,
        "price_index" => Field::PriceIndex,
        "attribution" => Field::Attribution,
        "pcaf_score" => Field::PcafScore,
        _ => return None,
    })
}

fn field_value(input: &ActivityInput, f: Field) -> Option<String> {
    match f {
        Field::Facility => Some(input.facility.clone()),
        Field::Activity => Some(input.activity.clone()),
        Field::Quantity => Some(input.quantity.clone()),
        Field::Unit => Some(input.unit.clone()),
        Field::Start => Some(input.start.clone()),
        Field::End => Some(input.end.clone()),
        Field::Period => Some(format!("{}..{}", input.start, input.end)),
        Field::Factor => input.factor.clone(),
        Field::Region => input.region.clone(),
        Field::Scope3Category => input.scope3_category.clone(),
        Field::Supplier => input.supplier.clone(),
        Field::Evidence => input.evidence.clone(),
        Field::MeterId => input.meter_id.clone(),
        Field::DataQuality => input.data_quality.clone(),
        Field::Note => input.note.clone(),
        Field::Sector => input.sector.clone(),
        Field::NcvGjPerUnit => input.ncv_gj_per_unit.clone(),
        Field::CarbonTPerGj => input.carbon_t_per_gj.clone(),
        Field::Oxidation => input.oxidation.clone(),
        Field::ParameterSource => input.parameter_source.clone(),
        Field::Method => input.scope3.method.clone(),
        Field::DqTechnology => input.scope3.dq_technology.clone(),
        Field::DqTime => input.scope3.dq_time.clone(),
        Field::DqGeography => input.scope3.dq_geography.clone(),
        Field::DqCompleteness => input.scope3.dq_completeness.clone(),
        Field::DqReliability => input.scope3.dq_reliability.clone(),
        Field::CurrencyYear => input.scope3.currency_year.clone(),
        Field::ExchangeRate => input.scope3.exchange_rate.clone(),
        Field::PriceIndex => input.scope3.price_index.clone(),
        Field::Attribution => input.scope3.attribution.clone(),
        Field::PcafScore => input.scope3.pcaf_score.clone(),
    }
}
