//! The `scopebook` command line: a thin layer over the library. It parses the arguments
//! ([`args`]), loads the shipped factor library and hands the command to its module ([`cmd`]),
//! which calls the library and prints ([`output`], [`io`]). Exit status: 0 success, 1 data
//! errors or a refusal, 2 usage errors, 3 a build whose shipped data is broken.

mod args;
mod cmd;
mod io;
mod output;

use std::process::ExitCode;

use scopebook_core::library::FactorLibrary;

use args::Command;

fn main() -> ExitCode {
    let cli = match args::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    // The allowance position, the ETS data and the residual-mix converter need no factor library.
    let command = match cli.command {
        Command::Position(args) => return cmd::position(&args),
        Command::Ets { command } => return cmd::ets(command),
        Command::Sample(args) => return cmd::sample(&args),
        Command::Instrument { command } => return cmd::instrument(*command),
        Command::Scope3 { command } => return cmd::scope3(*command),
        Command::ResidualMix { command } => return cmd::residual_mix(command),
        other => other,
    };
    let (lib, shipped_diags) = FactorLibrary::shipped();
    if !shipped_diags.is_empty() {
        // A defect of this build's data, not of the user's: report it and refuse to compute.
        for d in &shipped_diags {
            eprintln!("{d}");
        }
        eprintln!("scopebook: the shipped factor data failed its checks; this build is broken");
        return ExitCode::from(3);
    }
    match command {
        Command::Calc(args) => cmd::calc(lib, &args),
        Command::EditionDiff(args) => cmd::edition_diff(lib, &args),
        Command::Factors { command } => cmd::factors(lib, command),
        Command::Init(args) => cmd::init(&args),
        Command::Org { command } => cmd::org(&lib, command),
        Command::Facility { command } => cmd::facility(&lib, command),
        Command::Period { command } => cmd::period(&lib, command),
        Command::Activity { command } => cmd::activity(&lib, *command),
        Command::Audit { command } => cmd::audit(command),
        Command::Backup { db, to } => cmd::backup(&db, &to),
        Command::Restore { from, db } => cmd::restore(&from, &db),
        Command::Import(args) => cmd::import(&lib, &args),
        Command::ExportPackage(args) => cmd::export_package(&lib, &args),
        Command::Verify(args) => cmd::verify(&args),
        Command::Sample(args) => cmd::sample(&args),
        Command::Position(args) => cmd::position(&args),
        Command::Ets { command } => cmd::ets(command),
        Command::Instrument { command } => cmd::instrument(*command),
        Command::Scope3 { command } => cmd::scope3(*command),
        Command::ResidualMix { command } => cmd::residual_mix(command),
        Command::Report(args) => cmd::report(&lib, &args),
        Command::Template { command } => cmd::template(&lib, command),
    }
}
