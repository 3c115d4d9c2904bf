//! `scopebook instrument` and `scopebook scope3 status`: a period's contractual instruments and
//! Scope 3 category statuses in the inventory file (decision 0043).

use std::process::ExitCode;

use scopebook_store::{InstrumentRow, Scope3StatusRow};

use crate::args::{InstrumentCommand, Scope3Command, Scope3StatusCommand, StatusFields, StoreFormat};
use crate::io::{done, fail, out, read, refuse};
use crate::output;

pub fn instrument(command: InstrumentCommand) -> ExitCode {
    match command {
        InstrumentCommand::Import { db, period, file } => {
            let bytes = match read(&file) {
                Ok(b) => b,
                Err(d) => return refuse(&[d]),
            };
            let mut st = open_or_return!(db);
            done(
                st.import_instruments(period, &file.display().to_string(), &bytes)
                    .map(|rows| format!("imported {} instrument(s) into period {period}\n", rows.len())),
            )
        }
        InstrumentCommand::List { db, period, all, format } => {
            let st = open_or_return!(db);
            done(st.instruments_with(period, all).map(|rows| match format {
                StoreFormat::Json => output::json(&rows),
                StoreFormat::Table => instruments_table(&rows),
            }))
        }
        InstrumentCommand::Export { db, period } => {
            let st = open_or_return!(db);
            match st.export_instruments(period) {
                Ok(bytes) => out(&String::from_utf8_lossy(&bytes)),
                Err(e) => fail(&e),
            }
        }
        InstrumentCommand::Restate { db, id, reason, file } => {
            let bytes = match read(&file) {
                Ok(b) => b,
                Err(d) => return refuse(&[d]),
            };
            let mut st = open_or_return!(db);
            done(
                st.restate_instrument(id, &file.display().to_string(), &bytes, &reason)
                    .map(|r| format!("restated instrument {id} as instrument {} (period {})\n", r.id, r.year)),
            )
        }
        InstrumentCommand::Delete { db, id, reason } => {
            let mut st = open_or_return!(db);
            done(st.delete_instrument(id, reason.as_deref()).map(|()| format!("deleted instrument {id}\n")))
        }
    }
}

fn instruments_table(rows: &[InstrumentRow]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let serials = match (&r.serial_from, &r.serial_to) {
                (Some(a), Some(b)) => format!("{a}..{b}"),
                (Some(a), None) | (None, Some(a)) => a.clone(),
                (None, None) => String::new(),
            };
            vec![
                r.id.to_string(),
                r.facility.clone(),
                match &r.energy {
                    Some(e) => format!("{} ({e})", r.instrument),
                    None => r.instrument.clone(),
                },
                match &r.gj {
                    Some(gj) => format!("{gj} GJ"),
                    None => r.mwh.clone(),
                },
                r.emission_rate_kg_per_mwh.clone(),
                format!("{}..{}", r.generation_start, r.generation_end),
                r.market.clone().unwrap_or_default(),
                serials,
                r.retired_on.clone().unwrap_or_default(),
                r.contract_date.clone().unwrap_or_default(),
                r.ccer_claimed.clone().unwrap_or_default(),
                match (r.status.as_str(), r.supersedes) {
                    ("superseded", _) => "superseded".to_string(),
                    (_, Some(s)) => format!("restates {s}"),
                    _ => "current".to_string(),
                },
            ]
        })
        .collect();
    output::table(
        &[
            "id",
            "facility",
            "instrument",
            "MWh",
            "kg/MWh",
            "generation",
            "market",
            "serials",
            "retired",
            "contract",
            "CCER",
            "status",
        ],
        &cells,
    )
}

pub fn scope3(command: Scope3Command) -> ExitCode {
    let Scope3Command::Status { command } = command;
    match command {
        Scope3StatusCommand::Restate { db, period, fields, restatement_reason } => {
            let StatusFields { category, status, reason, estimate_t } = fields;
            let mut st = open_or_return!(db);
            let file = db.db.display().to_string();
            let restated = st.restate_scope3_status(
                period,
                &file,
                &category,
                &status,
                reason.as_deref(),
                estimate_t.as_deref(),
                &restatement_reason,
            );
            done(
                restated.map(|r| {
                    format!("Scope 3 category {} of period {period} is restated as {}\n", r.category, r.status)
                }),
            )
        }
        Scope3StatusCommand::Set { db, period, fields } => {
            let StatusFields { category, status, reason, estimate_t } = fields;
            let mut st = open_or_return!(db);
            let file = db.db.display().to_string();
            let set = st.set_scope3_status_and_estimate(
                period,
                &file,
                &category,
                &status,
                reason.as_deref(),
                estimate_t.as_deref(),
            );
            done(set.map(|r| {
                let estimate = r.estimate_t.map(|t| format!(", estimated at {t} t CO2e")).unwrap_or_default();
                format!("Scope 3 category {} of period {period} is {}{estimate}\n", r.category, r.status)
            }))
        }
        Scope3StatusCommand::Import { db, period, file } => {
            let bytes = match read(&file) {
                Ok(b) => b,
                Err(d) => return refuse(&[d]),
            };
            let mut st = open_or_return!(db);
            done(
                st.import_scope3_status(period, &file.display().to_string(), &bytes)
                    .map(|rows| format!("period {period} has a status for {} Scope 3 categories\n", rows.len())),
            )
        }
        Scope3StatusCommand::List { db, period, format } => {
            let st = open_or_return!(db);
            done(st.scope3_statuses(period).map(|rows| match format {
                StoreFormat::Json => output::json(&rows),
                StoreFormat::Table => statuses_table(&rows),
            }))
        }
        Scope3StatusCommand::Export { db, period } => {
            let st = open_or_return!(db);
            match st.export_scope3_status(period) {
                Ok(bytes) => out(&String::from_utf8_lossy(&bytes)),
                Err(e) => fail(&e),
            }
        }
        Scope3StatusCommand::Delete { db, period, category, reason } => {
            let mut st = open_or_return!(db);
            done(
                st.delete_scope3_status(period, category, reason.as_deref())
                    .map(|()| format!("Scope 3 category {category} of period {period} is not assessed\n")),
            )
        }
    }
}

fn statuses_table(rows: &[Scope3StatusRow]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| vec![r.category.to_string(), r.status.clone(), r.reason.clone().unwrap_or_default()])
        .collect();
    output::table(&["category", "status", "reason"], &cells)
}
