//! `scopebook factors`: list, search, show and validate.

use std::process::ExitCode;

use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;
use scopebook_core::listing;

use super::calc::load_factors;
use crate::args::FactorsCommand;
use crate::io::{out, print_diagnostics, refuse};

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
    }
}
