//! Stages 4 and 5 of an import: check (exactly as `scopebook calc` does, plus the store's own
//! rules), find duplicates and write — block by block, in one store transaction
//! ([`scopebook_store::ImportSession`]). While the store checks and writes one block, another
//! thread converts the next (stage 3), so at most a few blocks of records exist at a time, never
//! a million. The store's findings are located at the file's own rows and columns here, while
//! the block is still at hand.

use std::sync::mpsc::sync_channel;

use super::convert::{ConvertedBlock, RowContext};
use super::plan::Plan;
use super::{DuplicateRow, ImportError, ImportOptions, MappingSource, Mode, Problem, Progress, Stage};
use crate::mapping::{self, Field};
use crate::read::Table;
use crate::values;
use scopebook_core::library::FactorLibrary;
use scopebook_store::{
    ActivityInput, BlockChecked, Duplicate, ImportChecked, ImportFile, ImportMode, NewTemplate, Store, ValueChoice,
};

/// Rows per block. Large enough for the checks to run in parallel pieces, small enough that a
/// block's records, its activity-file encoding and its checked activities stay a few tens of MB.
const BLOCK: usize = 32_768;

/// What the rows gave: every problem and duplicate, located, and the store's outcome.
pub(super) struct Streamed {
    pub problems: Vec<Problem>,
    pub duplicates: Vec<DuplicateRow>,
    /// `None` when the import was cancelled (nothing was written).
    pub checked: Option<ImportChecked>,
}

/// Convert, check, deduplicate and (unless a dry run, or refused) write every row of `table`,
/// then end the store's import: commit it with its batch record, or roll it back.
pub(super) fn check_and_write(
    store: &mut Store,
    lib: &FactorLibrary,
    table: &Table,
    opts: &ImportOptions,
    plan: &Plan,
    ctx: &RowContext<'_>,
    progress: &dyn Progress,
) -> Result<Streamed, ImportError> {
    let mode = match opts.mode {
        Mode::DryRun => ImportMode::DryRun,
        Mode::AllOrNothing => ImportMode::AllOrNothing,
        Mode::ValidRowsOnly => ImportMode::ValidRowsOnly,
    };
    let stage = if opts.mode == Mode::DryRun { Stage::Checking } else { Stage::Writing };
    let total = table.rows.len() as u64;
    let mut session = store.begin_import(lib, opts.year, &import_file(table, plan), mode)?;
    let mut out = Streamed { problems: Vec::new(), duplicates: Vec::new(), checked: None };
    progress.report(stage, 0, total);
    let finished = std::thread::scope(|s| -> Result<bool, ImportError> {
        // Stage 3 runs one block ahead on its own thread (and the thread pool).
        let (to_store, converted) = sync_channel::<ConvertedBlock>(1);
        s.spawn(move || {
            for rows in table.rows.chunks(BLOCK) {
                if to_store.send(ctx.convert_block(rows)).is_err() {
                    break;
                }
            }
        });
        let mut done = 0u64;
        // Returning drops the receiver, which stops the converting thread.
        for block in converted {
            if progress.cancelled() {
                return Ok(false);
            }
            let checked = session.add(&block.rows, block.refused, &|written| {
                progress.report(stage, written.min(total), total);
                !progress.cancelled()
            })?;
            done += block.len;
            progress.report(stage, done, total);
            let cancelled = checked.cancelled;
            locate(&mut out, block, checked, plan, &table.headers);
            if cancelled {
                return Ok(false);
            }
        }
        Ok(true)
    })?;
    if finished {
        out.checked = Some(session.finish(new_template(table, opts, plan).as_ref(), &choices(opts))?);
    }
    Ok(out)
}

/// What the store records about the file. Rows refused before the store are counted per block.
fn import_file(table: &Table, plan: &Plan) -> ImportFile {
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
        rows_read: table.rows.len() as u64,
        rows_refused_earlier: 0,
    }
}

/// The template to save with the import, if the user named one.
fn new_template(table: &Table, opts: &ImportOptions, plan: &Plan) -> Option<NewTemplate> {
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
    }
}
