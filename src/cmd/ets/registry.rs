//! `scopebook ets registry`: a period's EU Transaction Log figures in the inventory file
//! (decision 0033).

use std::process::ExitCode;

use scopebook_store::EtsRegistryRow;

use crate::args::{EtsRegistryCommand, StoreFormat};
use crate::io::{done, fail, out, read, refuse};
use crate::output;

pub fn registry(command: EtsRegistryCommand) -> ExitCode {
    match command {
        EtsRegistryCommand::Import { db, period, files } => {
            let mut read_files = Vec::with_capacity(files.len());
            for f in &files {
                match read(f) {
                    Ok(b) => read_files.push((f.display().to_string(), b)),
                    Err(d) => return refuse(&[d]),
                }
            }
            let mut st = open_or_return!(db);
            done(
                st.import_ets_registry(period, &read_files)
                    .map(|n| format!("imported the registry figures of {n} installation(s) into period {period}\n")),
            )
        }
        EtsRegistryCommand::Restate { db, period, installation, reason, files } => {
            let mut read_files = Vec::with_capacity(files.len());
            for f in &files {
                match read(f) {
                    Ok(b) => read_files.push((f.display().to_string(), b)),
                    Err(d) => return refuse(&[d]),
                }
            }
            let mut st = open_or_return!(db);
            done(st.restate_ets_registry(period, &read_files, &installation, &reason).map(|ids| {
                format!(
                    "restated the registry figures of {} installation(s) of period {period}; the originals are kept as superseded\n",
                    ids.len()
                )
            }))
        }
        EtsRegistryCommand::List { db, period, all, format } => {
            let st = open_or_return!(db);
            done(st.ets_registry_with(period, all).map(|rows| match format {
                StoreFormat::Json => output::json(&rows),
                StoreFormat::Table => table(&rows),
            }))
        }
        EtsRegistryCommand::Export { db, period } => {
            let st = open_or_return!(db);
            match st.ets_registry_export(period) {
                Ok(bytes) => out(&String::from_utf8_lossy(&bytes)),
                Err(e) => fail(&e),
            }
        }
        EtsRegistryCommand::Delete { db, period, installation, all: _, reason } => {
            let mut st = open_or_return!(db);
            done(
                st.delete_ets_registry(period, installation.as_deref(), reason.as_deref())
                    .map(|n| format!("deleted the registry figures of {n} installation(s) of period {period}\n")),
            )
        }
        EtsRegistryCommand::Link { db, period, installation, facility, reason } => {
            let mut st = open_or_return!(db);
            done(st.link_ets_registry(period, &installation, facility.as_deref(), reason.as_deref()).map(|r| {
                match r.facility {
                    Some(f) => format!("tied installation {} to facility {f} in period {period}\n", r.installation),
                    None => format!("installation {} is tied to no facility in period {period}\n", r.installation),
                }
            }))
        }
    }
}

/// A figure as the registry gives it: the number, else the status text.
fn shown(value: &Option<String>, status: &Option<String>) -> String {
    value.clone().or_else(|| status.clone()).unwrap_or_default()
}

fn table(rows: &[EtsRegistryRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.installation.clone(),
                r.account_holder.clone(),
                r.name.clone(),
                r.country.clone(),
                r.facility.clone().unwrap_or_default(),
                shown(&r.free_allocation_t, &r.free_allocation_status),
                shown(&r.verified_t, &r.verified_status),
                shown(&r.surrendered_t, &r.surrendered_status),
                r.compliance.clone().unwrap_or_default(),
                super::restated(r.status, r.supersedes),
            ]
        })
        .collect();
    output::table(
        &[
            "id",
            "installation",
            "account_holder",
            "name",
            "country",
            "facility",
            "free_allocation",
            "verified",
            "surrendered",
            "compliance",
            "status",
        ],
        &body,
    )
}
