//! `position --db FILE --period YEAR` with the position's options (`--own-project`,
//! `--offset-price`) and `--reconcile [--factors F]... [--default-parameters FACILITY]...
//! [--as-of DATE]`: the scheme's emissions beside the inventory from the inventory file itself
//! (decision 0032).

use std::process::ExitCode;

use scopebook_allowance::position::Position;
use scopebook_core::diagnostic::Diagnostic;
use scopebook_core::library::FactorLibrary;
use scopebook_store::{EtsScheme, PositionOptions, Reconcile, Store};

use crate::args::PositionArgs;
use crate::cmd::calc::load_factors;
use crate::io::{fail, refuse, usage};

/// The stored position of period `year`, with the arguments' options; or the exit status of
/// its failure.
pub fn position(store: &Store, scheme: EtsScheme, year: i32, args: &PositionArgs) -> Result<Position, ExitCode> {
    if scheme == EtsScheme::EuEts && (!args.own_projects.is_empty() || !args.offset_prices.is_empty()) {
        return Err(usage(
            "--own-project and --offset-price are for --scheme cn-ets: the EU ETS takes no offset credits",
        ));
    }
    let opts = PositionOptions { own_projects: args.own_projects.clone(), offset_prices: args.offset_prices.clone() };
    let plan = args.plan.as_deref();
    if !args.reconcile {
        return store.position_with(scheme, year, plan, &args.prices, &opts, None).map_err(|e| fail(&e));
    }
    let (mut lib, shipped) = FactorLibrary::shipped();
    if !shipped.is_empty() {
        for d in &shipped {
            eprintln!("{d}");
        }
        eprintln!("scopebook: the shipped factor data failed its checks; this build is broken");
        return Err(ExitCode::from(3));
    }
    // The user's factor files the records use (the app adds them to its library); their
    // findings come first, and an error among them refuses the position.
    let mut loaded: Vec<Diagnostic> = Vec::new();
    for f in &args.factors {
        loaded.extend(load_factors(&mut lib, f).0);
    }
    if loaded.iter().any(Diagnostic::is_error) {
        return Err(refuse(&loaded));
    }
    let r = Reconcile { lib: &lib, default_parameters: &args.default_parameters, as_of: args.as_of.as_deref() };
    let mut pos = store.position_with(scheme, year, plan, &args.prices, &opts, Some(&r)).map_err(|e| fail(&e))?;
    if !loaded.is_empty() {
        loaded.append(&mut pos.diagnostics);
        pos.diagnostics = loaded;
    }
    Ok(pos)
}
