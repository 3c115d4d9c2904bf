//! `scopebook activity`: add, edit, delete, restate, list, export, history.

use std::process::ExitCode;

use scopebook_core::dataset::sha256_hex;
use scopebook_core::library::FactorLibrary;
use scopebook_store::{ActivityInput, EvidenceFile};

use crate::args::{ActivityCommand, ActivityFields, StoreFormat};
use crate::io::{done, fail, read, refuse};
use crate::output;

/// Apply the fields given to `input`: text replaces text, an empty optional field clears it,
/// and `--evidence-file` is read for its name and SHA-256.
fn apply(fields: &ActivityFields, input: &mut ActivityInput) -> Result<(), ExitCode> {
    let set = |target: &mut String, v: &Option<String>| {
        if let Some(v) = v {
            target.clone_from(v);
        }
    };
    set(&mut input.facility, &fields.facility);
    set(&mut input.activity, &fields.activity);
    set(&mut input.quantity, &fields.quantity);
    set(&mut input.unit, &fields.unit);
    set(&mut input.start, &fields.start);
    set(&mut input.end, &fields.end);
    let set_opt = |target: &mut Option<String>, v: &Option<String>| {
        if let Some(v) = v {
            *target = Some(v.clone()).filter(|v| !v.trim().is_empty());
        }
    };
    set_opt(&mut input.factor, &fields.factor);
    set_opt(&mut input.region, &fields.region);
    set_opt(&mut input.scope3_category, &fields.scope3_category);
    set_opt(&mut input.supplier, &fields.supplier);
    set_opt(&mut input.evidence, &fields.evidence);
    set_opt(&mut input.meter_id, &fields.meter_id);
    set_opt(&mut input.note, &fields.note);
    set_opt(&mut input.sector, &fields.sector);
    set_opt(&mut input.ncv_gj_per_unit, &fields.ncv_gj_per_unit);
    set_opt(&mut input.carbon_t_per_gj, &fields.carbon_t_per_gj);
    set_opt(&mut input.oxidation, &fields.oxidation);
    set_opt(&mut input.parameter_source, &fields.parameter_source);
    for (column, value) in fields.scope3() {
        if let Some(cell) = input.scope3.cell_mut(column) {
            set_opt(cell, value);
        }
    }
    if let Some(q) = fields.quality {
        input.data_quality = Some(q.as_str().to_string());
    }
    if let Some(path) = &fields.evidence_file {
        let bytes = read(path).map_err(|d| refuse(&[d]))?;
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        input.evidence_file = Some(EvidenceFile { name, sha256: sha256_hex(&bytes) });
    }
    Ok(())
}

pub fn activity(lib: &FactorLibrary, command: ActivityCommand) -> ExitCode {
    match command {
        ActivityCommand::Add { db, period, fields } => {
            let mut input = ActivityInput::default();
            if let Err(code) = apply(&fields, &mut input) {
                return code;
            }
            let mut s = open_or_return!(db);
            done(s.add_activity(lib, period, &input).map(|a| format!("added record {} to period {}\n", a.id, a.period)))
        }
        ActivityCommand::Edit { db, id, fields, reason } => {
            let mut s = open_or_return!(db);
            let mut input = match s.activity(id) {
                Ok(a) => a.to_input(),
                Err(e) => return fail(&e),
            };
            if let Err(code) = apply(&fields, &mut input) {
                return code;
            }
            done(s.update_activity(lib, id, &input, reason.as_deref()).map(|a| format!("changed record {}\n", a.id)))
        }
        ActivityCommand::Delete { db, id, reason } => {
            let mut s = open_or_return!(db);
            done(s.delete_activity(id, reason.as_deref()).map(|()| format!("deleted record {id}\n")))
        }
        ActivityCommand::Restate { db, id, fields, reason } => {
            let mut s = open_or_return!(db);
            let mut input = match s.activity(id) {
                Ok(a) => a.to_input(),
                Err(e) => return fail(&e),
            };
            if let Err(code) = apply(&fields, &mut input) {
                return code;
            }
            done(
                s.restate_activity(lib, id, &input, &reason).map(|a| {
                    format!("record {id} is restated by record {}; the original is kept as superseded\n", a.id)
                }),
            )
        }
        ActivityCommand::List { db, period, all, format } => {
            let s = open_or_return!(db);
            done(s.activities(period, all).map(|rs| match format {
                StoreFormat::Json => output::json(&rs),
                StoreFormat::Table => output::activities(&rs),
            }))
        }
        ActivityCommand::Export { db, period } => {
            let s = open_or_return!(db);
            done(s.export(period).map(|(bytes, _)| String::from_utf8_lossy(&bytes).into_owned()))
        }
        ActivityCommand::History { db, id, format } => {
            let s = open_or_return!(db);
            done(s.activity(id).and_then(|_| s.history("activity", id)).map(|es| match format {
                StoreFormat::Json => output::json(&es),
                StoreFormat::Table => output::audit_entries(&es),
            }))
        }
    }
}
