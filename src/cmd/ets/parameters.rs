//! `scopebook ets parameters`: which fuel parameters a covered facility's scheme figure takes in
//! a period (COVERED.csv's `parameters`, stored; decision 0038), read by `position --db
//! --reconcile` unless `--default-parameters` is given.

use std::process::ExitCode;

use scopebook_store::EtsParameters;

use crate::args::{EtsParametersCommand, ParametersChoice, StoreFormat};
use crate::io::done;
use crate::output;

fn choice(c: ParametersChoice) -> EtsParameters {
    match c {
        ParametersChoice::Record => EtsParameters::Record,
        ParametersChoice::Default => EtsParameters::Default,
    }
}

pub fn parameters(command: EtsParametersCommand) -> ExitCode {
    match command {
        EtsParametersCommand::Set { db, period, facility, parameters, reason } => {
            let mut st = open_or_return!(db);
            done(st.set_ets_parameters(period, &facility, choice(parameters), reason.as_deref()).map(|r| {
                format!(
                    "facility {} takes the {} parameters in period {} (stored parameters {})\n",
                    r.facility,
                    what(r.parameters),
                    r.year,
                    r.id
                )
            }))
        }
        EtsParametersCommand::Restate { db, id, parameters, reason } => {
            let mut st = open_or_return!(db);
            done(st.restate_ets_parameters(id, choice(parameters), &reason).map(|r| {
                format!(
                    "parameters {id} are restated by parameters {}: facility {} takes the {} parameters in period {}; the original is kept as superseded\n",
                    r.id,
                    r.facility,
                    what(r.parameters),
                    r.year
                )
            }))
        }
        EtsParametersCommand::List { db, period, all, format } => {
            let st = open_or_return!(db);
            done(st.ets_parameters(period, all).map(|rows| match format {
                StoreFormat::Json => output::json(&rows),
                StoreFormat::Table => {
                    let body: Vec<Vec<String>> = rows
                        .iter()
                        .map(|r| {
                            vec![
                                r.id.to_string(),
                                r.facility.clone(),
                                r.parameters.as_str().to_string(),
                                super::restated(r.status, r.supersedes),
                            ]
                        })
                        .collect();
                    output::table(&["id", "facility", "parameters", "status"], &body)
                }
            }))
        }
    }
}

fn what(p: EtsParameters) -> &'static str {
    match p {
        EtsParameters::Record => "records' own",
        EtsParameters::Default => "factor's default",
    }
}
