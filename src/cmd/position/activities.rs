//! `position --activities ACTIVITIES.csv --covered COVERED.csv [--as-of DATE]`: the activity
//! records calculated as `calc` does, then the scheme's emissions set beside the inventory
//! (`scopebook_allowance::reconcile`, decision 0031); and the position's options that come from
//! the arguments (own-boundary projects, offset prices).

use std::process::ExitCode;

use scopebook_allowance::cn;
use scopebook_allowance::covered::{self, Covered};
use scopebook_allowance::offsets::OwnProject;
use scopebook_allowance::position::Position;
use scopebook_allowance::reconcile;
use scopebook_core::calc::CalcOptions;
use scopebook_core::diagnostic::Diagnostic;
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::run::Run;

use crate::args::{PositionArgs, Scheme};
use crate::cmd::calc::load_factors;
use crate::io::{read, usage};

/// COVERED.csv as read: its name, rows and findings.
pub struct CoveredFile {
    pub file: String,
    pub rows: Vec<Covered>,
    pub diags: Vec<Diagnostic>,
}

fn holder_column(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::CnEts => "enterprise",
        Scheme::EuEts => "installation",
    }
}

/// `--covered`, read when given.
pub fn read_covered(args: &PositionArgs) -> Result<Option<CoveredFile>, Diagnostic> {
    let Some(path) = &args.covered else { return Ok(None) };
    let bytes = read(path)?;
    let file = path.display().to_string();
    let mut diags = Vec::new();
    let rows = covered::read(&file, &bytes, holder_column(args.scheme), &mut diags);
    Ok(Some(CoveredFile { file, rows, diags }))
}

/// The China position's options: `--own-project`, the covered facility codes as the
/// enterprises' own projects, `--offset-price`.
pub fn options(args: &PositionArgs, covered: Option<&CoveredFile>) -> cn::Options {
    let mut own_facilities = Vec::new();
    if let Some(c) = covered {
        own_facilities.extend(c.rows.iter().map(|r| OwnProject {
            enterprise: r.holder.clone(),
            project: r.facility.clone(),
            given: format!("facility of {} in {}:{}", r.holder, c.file, r.line),
        }));
    }
    cn::Options { own_projects: args.own_projects.clone(), own_facilities, offset_prices: args.offset_prices.clone() }
}

/// Calculate `--activities` and add the reconciliation (and its findings) to the position.
/// A position already refused is left as it is.
pub fn attach(
    args: &PositionArgs,
    pos: &mut Position,
    covered: CoveredFile,
    plan_years: &[i32],
) -> Result<(), ExitCode> {
    let Some(path) = &args.activities else { return Ok(()) };
    pos.diagnostics.extend(covered.diags.iter().cloned());
    if pos.has_errors() {
        return Ok(());
    }
    let Some((as_of, boundary)) = reconcile::prepare(pos, args.as_of.as_deref()) else { return Ok(()) };
    let Some(period) = reconcile::compliance_period(pos, plan_years) else {
        return Err(usage("position --activities needs the compliance year: give --year"));
    };
    let (mut lib, shipped) = FactorLibrary::shipped();
    if !shipped.is_empty() {
        for d in &shipped {
            eprintln!("{d}");
        }
        eprintln!("scopebook: the shipped factor data failed its checks; this build is broken");
        return Err(ExitCode::from(3));
    }
    let mut load = Vec::new();
    let mut files = Vec::new();
    for f in &args.factors {
        let (d, input) = load_factors(&mut lib, f);
        load.extend(d);
        files.extend(input);
    }
    for pin in &args.pins {
        lib.pin(&pin.dataset, &pin.edition).map_err(|e| usage(&e))?;
    }
    lib.set_strict_years(args.strict_years);
    let name = path.display().to_string();
    let bytes = match read(path) {
        Ok(b) => b,
        Err(d) => {
            pos.diagnostics.push(d);
            return Ok(());
        }
    };
    let gwp_set = GwpSet::from(args.gwp);
    let run =
        Run::calculate(&lib, &name, &bytes, CalcOptions { gwp_set, keep_lines: true }).with_factor_files(files, load);
    pos.diagnostics.extend(run.diagnostics.iter().cloned());
    if pos.has_errors() {
        return Ok(());
    }
    let holders = reconcile::holders(pos);
    let input = reconcile::Input {
        boundary: &boundary,
        lib: &lib,
        gwp_set,
        activities_file: &name,
        activities_sha256: run.input_sha256(),
        lines: &run.inventory.lines,
        covered_file: &covered.file,
        holder_column: holder_column(args.scheme),
        covered: &covered.rows,
        holders: &holders,
        period,
        as_of,
    };
    let (r, diags) = reconcile::reconcile(&input);
    pos.diagnostics.extend(diags);
    pos.reconciliation = Some(r);
    Ok(())
}
