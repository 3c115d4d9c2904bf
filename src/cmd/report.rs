//! `scopebook report`: a period's report, written to the file `--out` names (the format from
//! its extension). Status 0 when written; 1 when the inventory file refused, the fonts are
//! missing or the file cannot be written, or when the report was written but leaves out
//! records that could not be calculated (as `calc` does); 2 for a usage error.

use std::process::ExitCode;

use scopebook_core::diagnostic::Diagnostic;
use scopebook_core::library::FactorLibrary;
use scopebook_core::report::Rounding;
use scopebook_report::position::{position_report, PositionSource};
use scopebook_report::{Fonts, Format, InventorySource, Kind, ReportError};
use scopebook_store::{EtsScheme, PositionOptions, Reconcile, Store};

use crate::args::{PdfA, ReportArgs};
use crate::cmd::calc::load_factors;
use crate::io::{fail, out, print_diagnostics, refuse, usage};

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
    if args.pdfa == PdfA::A3b && (kind != Kind::Inventory || format != Format::Pdf) {
        return usage("--pdfa 3b attaches the inventory's data to its PDF: --kind inventory --out FILE.pdf");
    }
    if kind != Kind::Position && (!args.prices.is_empty() || args.reconcile) {
        return usage("--price and --reconcile are for --kind position");
    }
    let sheet = matches!(kind, Kind::CnEtsSheet | Kind::EuAer);
    if sheet && format != Format::Xlsx {
        return usage(&format!("--kind {} writes a workbook: --out FILE.xlsx", kind.as_str()));
    }
    if !args.factors.is_empty() && !args.reconcile && !sheet {
        return usage("--factors is for --reconcile, --kind cn-ets-sheet and --kind eu-aer");
    }
    let store = open_or_return!(args.db);
    if sheet {
        return data_sheet(&store, lib, args, kind);
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
        let source = if args.reconcile {
            reconciled(&store, lib, args)
        } else {
            PositionSource::gather(&store, args.period, &args.prices).map_err(|e| failed(&e))
        };
        let src = match source {
            Ok(s) => s,
            Err(code) => return code,
        };
        return match position_report(&src, format, args.lang.into(), rounding, fonts.as_ref()) {
            Ok(bytes) => write(args, &bytes).unwrap_or_else(|code| code),
            Err(e) => failed(&e),
        };
    }
    let source = match InventorySource::gather(&store, lib, args.period, format == Format::Xlsx) {
        Ok(s) => s,
        Err(e) => return failed(&e),
    };
    let made = match (args.pdfa, fonts.as_ref()) {
        (PdfA::A3b, Some(fonts)) => {
            scopebook_report::document::inventory_pdf_with_data(&source, args.lang.into(), rounding, fonts)
        }
        _ => scopebook_report::inventory(&source, format, args.lang.into(), rounding, fonts.as_ref()),
    };
    let bytes = match made {
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

/// The period's positions with each position's scheme emissions beside the inventory (China
/// and, since decision 0036, the EU; `--reconcile`), exactly as `position --db --reconcile`
/// works them: the records calculated with the shipped factors and the user's `--factors`
/// (whose warnings are printed; an error refuses).
fn reconciled(store: &Store, lib: &FactorLibrary, args: &ReportArgs) -> Result<PositionSource, ExitCode> {
    let owned;
    let lib = if args.factors.is_empty() {
        lib
    } else {
        let (mut with_user, _) = FactorLibrary::shipped();
        let mut loaded: Vec<Diagnostic> = Vec::new();
        for f in &args.factors {
            loaded.extend(load_factors(&mut with_user, f).0);
        }
        if loaded.iter().any(Diagnostic::is_error) {
            return Err(refuse(&loaded));
        }
        print_diagnostics(&loaded);
        owned = with_user;
        &owned
    };
    // `--default-parameters` names facilities of either scheme: each position gets those
    // registered under its own scheme, and a name registered under neither goes to both, which
    // refuse it (`unknown-record`), never ignore it.
    let registered = store.ets_facilities().map_err(|e| fail(&e))?;
    let named_for = |scheme: EtsScheme| -> Vec<String> {
        let under = |code: &String, s: EtsScheme| registered.iter().any(|r| &r.facility == code && r.scheme == s);
        let other = match scheme {
            EtsScheme::CnEts => EtsScheme::EuEts,
            EtsScheme::EuEts => EtsScheme::CnEts,
        };
        args.default_parameters.iter().filter(|code| under(code, scheme) || !under(code, other)).cloned().collect()
    };
    let (cn_named, eu_named) = (named_for(EtsScheme::CnEts), named_for(EtsScheme::EuEts));
    let as_of = args.as_of.as_deref();
    let cn = Reconcile { lib, default_parameters: &cn_named, as_of };
    let eu = Reconcile { lib, default_parameters: &eu_named, as_of };
    let opts = PositionOptions::default();
    let year = args.period;
    PositionSource::gather_with(store, year, &args.prices, &|scheme, plan, prices| {
        let reconcile = match scheme {
            EtsScheme::CnEts => &cn,
            EtsScheme::EuEts => &eu,
        };
        store.position_with(scheme, year, plan, prices, &opts, Some(reconcile))
    })
    .map_err(|e| failed(&e))
}

/// A scheme's data sheet (`cn-ets-sheet`, `eu-aer`): the records calculated with the shipped
/// factors and the user's `--factors` (whose warnings are printed; an error refuses, and
/// nothing is written).
fn data_sheet(store: &Store, lib: &FactorLibrary, args: &ReportArgs, kind: Kind) -> ExitCode {
    let mut owned = None;
    if !args.factors.is_empty() {
        let (mut with_user, _) = FactorLibrary::shipped();
        let found: Vec<Diagnostic> = args.factors.iter().flat_map(|f| load_factors(&mut with_user, f).0).collect();
        if found.iter().any(Diagnostic::is_error) {
            return refuse(&found);
        }
        print_diagnostics(&found);
        owned = Some(with_user);
    }
    let lib = owned.as_ref().unwrap_or(lib);
    let made = match kind {
        Kind::EuAer => scopebook_report::eu_aer::eu_aer(store, lib, args.period, args.lang.into()),
        _ => scopebook_report::cn_sheet::cn_ets_sheet(store, lib, args.period, args.lang.into()),
    };
    match made {
        Ok(bytes) => write(args, &bytes).unwrap_or_else(|code| code),
        Err(e) => failed(&e),
    }
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
