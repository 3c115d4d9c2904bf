//! `scopebook factors`: list, search, show and validate; add, list and remove a period's own
//! factor files in an inventory file (decision 0053).

use std::process::ExitCode;

use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;
use scopebook_core::listing;
use scopebook_store::{FactorFileRow, FactorFileSource};

use super::calc::load_factors;
use crate::args::{FactorsCommand, StoreFormat};
use crate::io::{done, out, print_diagnostics, refuse};
use crate::output;

pub fn factors(mut lib: FactorLibrary, command: FactorsCommand) -> ExitCode {
    match command {
        FactorsCommand::List { format } => out(&listing::datasets(&lib, format.into())),
        FactorsCommand::Search { text, filters, format } => {
            out(&listing::search(&lib, &text, &filters.into(), format.into()))
        }
        FactorsCommand::Show { id, format } => match lib.by_id(&id) {
            Some(f) => out(&listing::show(&lib, f, format.into())),
            None => refuse(&[Diagnostic::error(
                Code::UnknownFactor,
                Location::file("factors show"),
                format!("no factor '{id}' is loaded (try `scopebook factors search`)"),
            )]),
        },
        FactorsCommand::Validate { path } => {
            let name = path.display().to_string();
            let before = lib.datasets().len();
            let (diags, _) = load_factors(&mut lib, &path);
            print_diagnostics(&diags);
            let count = lib.datasets().get(before).map_or(0, |d| d.factor_count);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            println!("{name}: {count} valid factor(s), {errors} error(s), {} warning(s)", diags.len() - errors);
            if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        FactorsCommand::Add { db, period, path } => {
            let source = match FactorFileSource::read(&path) {
                Ok(s) => s,
                Err(d) => return refuse(&[d]),
            };
            let mut st = open_or_return!(db);
            done(st.add_factor_file(&lib, period, &source.as_new()).map(|r| {
                format!(
                    "added factor file {} (id {}) to period {period}: {} factor(s) of {} {}\n",
                    r.name, r.id, r.factors, r.dataset, r.edition
                )
            }))
        }
        FactorsCommand::Files { db, period, format } => {
            let st = open_or_return!(db);
            done(st.factor_files(&lib, period).map(|rows| match format {
                StoreFormat::Json => output::json(&rows),
                StoreFormat::Table => files_table(&rows),
            }))
        }
        FactorsCommand::Remove { db, id, reason } => {
            let mut st = open_or_return!(db);
            done(st.delete_factor_file(&lib, id, reason.as_deref()).map(|()| format!("deleted factor file {id}\n")))
        }
    }
}

fn files_table(rows: &[FactorFileRow]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.name.clone(),
                format!("{} {}", r.dataset, r.edition),
                r.factors.to_string(),
                r.sha256.chars().take(16).collect::<String>(),
            ]
        })
        .collect();
    output::table(&["id", "name", "dataset", "factors", "sha256"], &cells)
}
