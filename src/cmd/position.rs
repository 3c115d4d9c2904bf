//! `scopebook position`: the allowance position of a China ETS plan's units, or of EU
//! Transaction Log installations, valued at each `--price`.

use std::path::Path;
use std::process::ExitCode;

use scopebook_allowance::eu_rules::EuRules;
use scopebook_allowance::plan::Plan;
use scopebook_allowance::position::Position;
use scopebook_allowance::{cn, eu, registry};
use scopebook_core::diagnostic::Diagnostic;

use crate::args::{PositionArgs, Scheme, StoreFormat};
use crate::io::{out, print_diagnostics, read, refuse, usage};
use crate::output;

mod activities;
pub mod stored;

pub fn position(args: &PositionArgs) -> ExitCode {
    if let Some(db) = &args.db {
        return super::ets::stored_position(db, args).map_or_else(|code| code, |pos| print(&pos, args.format));
    }
    let ledger = match args.ledger.as_deref().map(read_named).transpose() {
        Ok(l) => l,
        Err(d) => return refuse(&[d]),
    };
    let ledger_ref = ledger.as_ref().map(|(n, b)| (n.as_str(), b.as_slice()));
    let covered = match activities::read_covered(args) {
        Ok(c) => c,
        Err(d) => return refuse(&[d]),
    };
    let mut plan_years = Vec::new();
    let mut pos = match args.scheme {
        Scheme::CnEts => {
            let (Some(plan), Some(units)) = (&args.plan, &args.units) else {
                return usage("position --scheme cn-ets needs --plan PLAN and --units UNITS.csv");
            };
            if !args.registry.is_empty() {
                return usage("--registry is for --scheme eu-ets");
            }
            let plan = match load_plan(plan) {
                Ok(p) => p,
                Err(d) => return refuse(&[d]),
            };
            plan_years.clone_from(&plan.years);
            let (units_name, units_bytes) = match read_named(units) {
                Ok(u) => u,
                Err(d) => return refuse(&[d]),
            };
            let input = cn::Input {
                plan: &plan,
                year: args.year,
                units_file: &units_name,
                units: &units_bytes,
                ledger: ledger_ref,
                prices: &args.prices,
            };
            cn::position_with(&input, &activities::options(args, covered.as_ref()))
        }
        Scheme::EuEts => {
            if args.registry.is_empty() {
                return usage("position --scheme eu-ets needs --registry FILE...");
            }
            if args.plan.is_some() || args.units.is_some() {
                return usage("--plan and --units are for --scheme cn-ets; the EU position reads --registry");
            }
            if !args.own_projects.is_empty() || !args.offset_prices.is_empty() {
                return usage(
                    "--own-project and --offset-price are for --scheme cn-ets: the EU ETS takes no offset credits",
                );
            }
            let rules = match EuRules::shipped() {
                Ok(r) => r,
                Err(d) => return refuse(&[d]),
            };
            let mut files = Vec::new();
            for p in &args.registry {
                match read_named(p) {
                    Ok(f) => files.push(f),
                    Err(d) => return refuse(&[d]),
                }
            }
            let (installations, diags) = registry::read_all(&files);
            drop(files);
            let input = eu::Input {
                rules: &rules,
                installations: &installations,
                year: args.year,
                ledger: ledger_ref,
                prices: &args.prices,
            };
            eu::position(&input, diags)
        }
    };
    if let Some(c) = covered {
        if let Err(code) = activities::attach(args, &mut pos, c, &plan_years) {
            return code;
        }
    }
    print(&pos, args.format)
}

fn read_named(path: &Path) -> Result<(String, Vec<u8>), Diagnostic> {
    read(path).map(|b| (path.display().to_string(), b))
}

/// A shipped plan id, or a plan file (a path ending in .toml).
fn load_plan(plan: &str) -> Result<Plan, Diagnostic> {
    if plan.ends_with(".toml") || plan.contains(['/', '\\']) {
        let bytes = read(Path::new(plan))?;
        return Plan::parse(plan, &String::from_utf8_lossy(&bytes));
    }
    Plan::shipped(plan)
}

/// Findings to stderr; the position to stdout unless an error prevents it (status 1).
fn print(pos: &Position, format: StoreFormat) -> ExitCode {
    print_diagnostics(&pos.diagnostics);
    if pos.has_errors() {
        return ExitCode::from(1);
    }
    match format {
        StoreFormat::Json => out(&output::json(pos)),
        StoreFormat::Table => out(&pos.to_table()),
    }
}
