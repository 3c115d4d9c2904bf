//! `scopebook calc` (of an activity file, or of a period with `--db`) and `scopebook edition-diff`.

use std::path::Path;
use std::process::ExitCode;

use scopebook_core::calc::CalcOptions;
use scopebook_core::dataset::sha256_hex;
use scopebook_core::diagnostic::Diagnostic;
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::market::read_instruments;
use scopebook_core::report::{InputFile, Report};
use scopebook_core::residual::RESIDUAL_ACTIVITIES;
use scopebook_core::run::{Pin, Run};
use scopebook_core::scope3::read_status;
use scopebook_store::{self as store, PeriodStatus, SnapshotComparison, Store};

use crate::args::{CalcArgs, EditionDiffArgs, ListFormat};
use crate::io::{fail, out, print_diagnostics, read, refuse, usage};
use crate::output;

/// Load a `--factors` path: a factor file, or a dataset folder. Returns its findings and the
/// input record for the report.
pub fn load_factors(lib: &mut FactorLibrary, path: &Path) -> (Vec<Diagnostic>, Option<InputFile>) {
    let name = path.display().to_string();
    if path.is_dir() {
        let meta = match read(&path.join("dataset.toml")) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(d) => return (vec![d], None),
        };
        let reader = |file: &str| std::fs::read(path.join(file)).map_err(|e| e.to_string());
        let before = lib.datasets().len();
        let diags = lib.add_user_dataset(&name, &meta, &reader);
        let input =
            lib.datasets().get(before).map(|d| InputFile { file: d.file.clone(), sha256: d.reference.sha256.clone() });
        return (diags, input);
    }
    match read(path) {
        Ok(bytes) => {
            let diags = lib.add_user_file(&name, &bytes);
            (diags, Some(InputFile { file: name, sha256: sha256_hex(&bytes) }))
        }
        Err(d) => (vec![d], None),
    }
}

/// Load a `--residual-mix` file: a factor file whose every factor is a residual mix.
fn load_residual_mix(lib: &mut FactorLibrary, path: &Path) -> (Vec<Diagnostic>, Option<InputFile>) {
    let before = lib.factors().len();
    let (mut diags, input) = load_factors(lib, path);
    let name = path.display().to_string();
    for f in &lib.factors()[before..] {
        if !RESIDUAL_ACTIVITIES.contains(&f.activity.as_str()) {
            diags.push(Diagnostic::error(
                scopebook_core::diagnostic::Code::InvalidValue,
                f.origin.clone().with_column("activity"),
                format!(
                    "'{}' in residual-mix file {name} is not a residual mix: its activity must be {}",
                    f.id, RESIDUAL_ACTIVITIES[0]
                ),
            ));
        }
    }
    (diags, input)
}

/// Apply `--pin DATASET=EDITION` arguments; a pin that matches nothing loaded is a usage error.
fn apply_pins(lib: &mut FactorLibrary, pins: &[Pin]) -> Result<(), ExitCode> {
    for pin in pins {
        lib.pin(&pin.dataset, &pin.edition).map_err(|e| usage(&e))?;
    }
    Ok(())
}

/// Print the findings, then the report; status 1 unless every line was computed and printed.
fn print_report(report: &Report<'_>, text: &str) -> ExitCode {
    let status = out(text);
    if status != ExitCode::SUCCESS || !report.complete {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn calc(mut lib: FactorLibrary, args: &CalcArgs) -> ExitCode {
    let mut diags = Vec::new();
    let mut factor_files = Vec::new();
    for path in &args.factors {
        let (d, input) = load_factors(&mut lib, path);
        diags.extend(d);
        factor_files.extend(input);
    }
    if let Err(code) = apply_pins(&mut lib, &args.pins) {
        return code;
    }
    lib.set_strict_years(args.strict_years);
    let (Some(activities), None) = (&args.activities, &args.db) else {
        return calc_db(&lib, args);
    };
    let name = activities.display().to_string();
    let bytes = match read(activities) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return refuse(&diags);
        }
    };
    for path in &args.residual_mix {
        let (d, input) = load_residual_mix(&mut lib, path);
        if d.iter().any(Diagnostic::is_error) {
            diags.extend(d);
            return refuse(&diags);
        }
        diags.extend(d);
        factor_files.extend(input);
    }
    let instruments = match &args.instruments {
        Some(path) => match read(path) {
            Ok(b) => {
                let file = path.display().to_string();
                let (list, d) = read_instruments(&file, &b);
                if d.iter().any(Diagnostic::is_error) {
                    diags.extend(d);
                    return refuse(&diags);
                }
                diags.extend(d);
                factor_files.push(InputFile { file: file.clone(), sha256: sha256_hex(&b) });
                Some((list, file))
            }
            Err(d) => {
                diags.push(d);
                return refuse(&diags);
            }
        },
        None => None,
    };
    let statuses = match &args.scope3_status {
        Some(path) => match read(path) {
            Ok(b) => {
                let file = path.display().to_string();
                let (list, d) = read_status(&file, &b);
                if d.iter().any(Diagnostic::is_error) {
                    diags.extend(d);
                    return refuse(&diags);
                }
                diags.extend(d);
                factor_files.push(InputFile { file, sha256: sha256_hex(&b) });
                Some(list)
            }
            Err(d) => {
                diags.push(d);
                return refuse(&diags);
            }
        },
        None => None,
    };
    let opts = CalcOptions { gwp_set: GwpSet::from(args.gwp), keep_lines: !args.summary };
    let mut run = Run::calculate(&lib, &name, &bytes, opts);
    if let Some((list, file)) = &instruments {
        run = run.with_instruments(&lib, list, file);
    }
    let run = run.with_scope3_status(statuses.unwrap_or_default());
    let run = run.with_factor_files(factor_files, diags);
    let report = run.report(!args.summary);
    let text = output::report_text(&report, &run.inventory, args.format, args.decimals, args.summary);
    print_diagnostics(&run.diagnostics);
    print_report(&report, &text)
}

/// `scopebook calc --db FILE --period YEAR`: the same report as `calc` on the period's records
/// exported as an activity file, each line's `row` being its record id; a locked period is
/// compared with its snapshot.
fn calc_db(lib: &FactorLibrary, args: &CalcArgs) -> ExitCode {
    let (Some(path), Some(year)) = (&args.db, args.period) else {
        return usage("calc needs an activity file, or --db FILE --period YEAR");
    };
    let s = match Store::open(path, &store::default_user()) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let locked = matches!(s.period(year), Ok(p) if p.status == PeriodStatus::Locked);
    let calc = match s.calculate(lib, year, !args.summary || locked) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let report = calc.run.report(!args.summary);
    let text = output::report_text(&report, &calc.run.inventory, args.format, args.decimals, args.summary);
    print_diagnostics(&calc.run.diagnostics);
    if locked {
        match s.compare_with_snapshot(&calc) {
            Ok(SnapshotComparison::Differs(d)) => print_diagnostics(&[d]),
            Ok(SnapshotComparison::Identical) => {
                eprintln!("note: period {year} is locked; this calculation is identical to the snapshot taken when it was locked");
            }
            Ok(SnapshotComparison::NoSnapshot) => {}
            Err(e) => return fail(&e),
        }
    }
    print_report(&report, &text)
}

pub fn edition_diff(mut lib: FactorLibrary, args: &EditionDiffArgs) -> ExitCode {
    let mut diags = Vec::new();
    for path in &args.factors {
        diags.extend(load_factors(&mut lib, path).0);
    }
    if let Err(code) = apply_pins(&mut lib, &args.pins) {
        return code;
    }
    let name = args.activities.display().to_string();
    let bytes = match read(&args.activities) {
        Ok(b) => b,
        Err(d) => return refuse(&[d]),
    };
    let opts = CalcOptions { gwp_set: GwpSet::from(args.gwp), keep_lines: true };
    let before = Run::calculate(&lib, &name, &bytes, opts);
    if let Err(code) = apply_pins(&mut lib, std::slice::from_ref(&args.to)) {
        return code;
    }
    let after = Run::calculate(&lib, &name, &bytes, opts);
    // The findings of reading the file as a whole; the rows' are shown as the comparison.
    diags.extend(before.input_diagnostics().iter().cloned());
    print_diagnostics(&diags);
    let comparison = scopebook_core::compare::compare(&before.inventory, &after.inventory);
    let text = match args.format {
        ListFormat::Json => output::json(&comparison),
        _ => comparison.to_table(),
    };
    let status = out(&text);
    if diags.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        status
    }
}
