//! `scopebook report`: a period's report, written to the file `--out` names (the format from
//! its extension). Status 0 when written; 1 when the inventory file refused, the fonts are
//! missing or the file cannot be written, or when the report was written but leaves out
//! records that could not be calculated (as `calc` does); 2 for a usage error.

use std::process::ExitCode;

use scopebook_core::library::FactorLibrary;
use scopebook_core::report::Rounding;
use scopebook_report::position::{position_report, PositionSource};
use scopebook_report::{Fonts, Format, InventorySource, Kind, ReportError};

use crate::args::ReportArgs;
use crate::io::{fail, out, refuse, usage};

pub fn report(lib: &FactorLibrary, args: &ReportArgs) -> ExitCode {
    let kind = Kind::from(args.kind);
    if let Err(e) = kind.available() {
        return usage(&e.to_string());
    }
    let Some(format) = Format::from_path(&args.out) else {
        return usage(&format!(
            "--out {}: the file's extension names the format: .pdf, .xlsx or .csv",
            args.out.display()
        ));
    };
    if kind != Kind::Position && !args.prices.is_empty() {
        return usage("--price is for --kind position");
    }
    if kind == Kind::CnEtsSheet && format != Format::Xlsx {
        return usage("--kind cn-ets-sheet writes a workbook: --out FILE.xlsx");
    }
    let store = open_or_return!(args.db);
    if kind == Kind::CnEtsSheet {
        return match scopebook_report::cn_sheet::cn_ets_sheet(&store, lib, args.period, args.lang.into()) {
            Ok(bytes) => write(args, &bytes).unwrap_or_else(|code| code),
            Err(e) => failed(&e),
        };
    }
    let fonts = match format {
        Format::Pdf => {
            let dirs = args.fonts.clone().map_or_else(Fonts::default_dirs, |d| vec![d]);
            match Fonts::load(&dirs) {
                Ok(f) => Some(f),
                Err(e) => return failed(&e),
            }
        }
        Format::Xlsx | Format::Csv => None,
    };
    let rounding = Rounding { decimals: args.decimals };
    if kind == Kind::Position {
        let made = PositionSource::gather(&store, args.period, &args.prices)
            .and_then(|src| position_report(&src, format, args.lang.into(), rounding, fonts.as_ref()));
        return match made {
            Ok(bytes) => write(args, &bytes).unwrap_or_else(|code| code),
            Err(e) => failed(&e),
        };
    }
    let source = match InventorySource::gather(&store, lib, args.period, format == Format::Xlsx) {
        Ok(s) => s,
        Err(e) => return failed(&e),
    };
    let bytes = match scopebook_report::inventory(&source, format, args.lang.into(), rounding, fonts.as_ref()) {
        Ok(b) => b,
        Err(e) => return failed(&e),
    };
    let status = match write(args, &bytes) {
        Ok(status) => status,
        Err(code) => return code,
    };
    let unresolved = source.calculation.run.inventory.unresolved.len();
    if !source.calculation.run.report(false).complete {
        eprintln!(
            "scopebook: the report leaves out {} record(s) that could not be calculated (see `scopebook calc --db`)",
            unresolved.max(1)
        );
        return ExitCode::from(1);
    }
    status
}

/// Write the report; the status of saying so, or status 1 when the file cannot be written.
fn write(args: &ReportArgs, bytes: &[u8]) -> Result<ExitCode, ExitCode> {
    if let Err(e) = std::fs::write(&args.out, bytes) {
        eprintln!("scopebook: cannot write {}: {e}", args.out.display());
        return Err(ExitCode::from(1));
    }
    Ok(out(&format!("wrote {} ({} bytes)\n", args.out.display(), bytes.len())))
}

/// A refusal's located findings (as every store command prints them), or the failure's text.
fn failed(e: &ReportError) -> ExitCode {
    match e {
        ReportError::Store(e) => fail(e),
        ReportError::Refused(diags) => refuse(diags),
        other => {
            eprintln!("scopebook: {other}");
            ExitCode::from(1)
        }
    }
}
