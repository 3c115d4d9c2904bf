//! `scopebook export-package` and `scopebook verify`: the auditor's package (decision 0024);
//! `scopebook sample`: the auditor's sample (decision 0042).

use std::io::Write as _;
use std::process::ExitCode;

use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;
use scopebook_package::archive::{human, MAX_PACKAGE_BYTES};
use scopebook_package::audit_view::AuditView;
use scopebook_package::sample::{draw, parse_materiality, Sample, SampleSettings};
use scopebook_package::ExportOptions;
use scopebook_store::Store;

use crate::args::{ExportPackageArgs, SampleArgs, StoreFormat, VerifyArgs};
use crate::io::{fail, out, print_diagnostics, read, refuse};
use crate::output;

pub fn export_package(lib: &FactorLibrary, args: &ExportPackageArgs) -> ExitCode {
    let shown = args.out.display().to_string();
    if args.out.exists() {
        return refuse(&[Diagnostic::error(
            Code::DatabaseExists,
            Location::file(&shown),
            "the file exists; export-package never overwrites a file: remove it or choose another name",
        )]);
    }
    let store = match Store::open(&args.db, &scopebook_store::default_user()) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let package = match scopebook_package::export(&store, lib, args.period, &ExportOptions::default()) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    // Written beside the destination, then renamed: a reader never sees half a package.
    let partial = args.out.with_extension("zip.partial");
    let written = std::fs::File::create(&partial)
        .and_then(|mut f| f.write_all(&package.bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&partial, &args.out));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return refuse(&[Diagnostic::error(
            Code::UnreadableFile,
            Location::file(&shown),
            format!("cannot write the package: {e}"),
        )]);
    }
    let withheld = if package.withheld_lines == 0 {
        String::new()
    } else {
        format!(
            "\nwithheld: {} line(s) of {} (their licence forbids redistribution: the package carries their reference and SHA-256 only)",
            package.withheld_lines,
            package.withheld_datasets.join(", ")
        )
    };
    out(&format!(
        "wrote {shown}: period {}, {} records, {} lines, {} files, {}\nroot hash: {}{withheld}\n",
        args.period,
        package.records,
        package.lines,
        package.files,
        human(u64::try_from(package.bytes.len()).unwrap_or(u64::MAX)),
        package.root_hash
    ))
}

/// The package's bytes, refused when the file is over the package limit or unreadable.
fn package_bytes(path: &std::path::Path, shown: &str) -> Result<Vec<u8>, Diagnostic> {
    if let Ok(m) = std::fs::metadata(path) {
        if m.len() > MAX_PACKAGE_BYTES {
            return Err(Diagnostic::error(
                Code::FileTooLarge,
                Location::file(shown),
                format!("the file is {}, over the limit of {} for a package", human(m.len()), human(MAX_PACKAGE_BYTES)),
            ));
        }
    }
    read(path)
}

pub fn verify(args: &VerifyArgs) -> ExitCode {
    let shown = args.package.display().to_string();
    let bytes = match package_bytes(&args.package, &shown) {
        Ok(b) => b,
        Err(d) => return refuse(&[d]),
    };
    let v = scopebook_package::verify(&shown, &bytes);
    print_diagnostics(&v.findings);
    let status = out(&match args.format {
        StoreFormat::Json => output::json(&v),
        StoreFormat::Table => v.to_table(),
    });
    if v.verified {
        status
    } else {
        ExitCode::from(1)
    }
}

/// `scopebook sample`: the sample the app's auditor's view draws, from the same package, phrase
/// and settings (decision 0042). A package that does not verify is still sampled, with a warning.
pub fn sample(args: &SampleArgs) -> ExitCode {
    let shown = args.package.display().to_string();
    let bytes = match package_bytes(&args.package, &shown) {
        Ok(b) => b,
        Err(d) => return refuse(&[d]),
    };
    let materiality = match parse_materiality(&args.materiality) {
        Ok(m) => m,
        Err(d) => return refuse(&[d]),
    };
    let view = match AuditView::open(&shown, &bytes) {
        Ok(v) => v,
        Err(d) => return refuse(&[d]),
    };
    if !view.verification.verified {
        eprintln!(
            "scopebook: warning: {shown} does not verify ({} problem(s); run scopebook verify): the sample is drawn from the lines it states",
            view.verification.findings.iter().filter(|d| d.is_error()).count()
        );
    }
    let settings = SampleSettings { phrase: args.phrase.clone(), materiality, size: args.size };
    let sample = match draw(&view.root_hash, &view.population(), &settings) {
        Ok(s) => s,
        Err(d) => return refuse(&[d]),
    };
    out(&match args.format {
        StoreFormat::Json => output::json(&sample),
        StoreFormat::Table => sample_table(&view, &sample),
    })
}

fn sample_table(view: &AuditView, s: &Sample) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(o, "package: {} (root hash {})", view.package, s.package_root_hash);
    let _ = writeln!(o, "phrase: {}\nseed: {}", s.phrase, s.seed);
    let _ = writeln!(
        o,
        "materiality: {} % of {} kg CO2e = {} kg CO2e; {} line(s), {} in full, {} sampled{}",
        s.materiality_percent,
        s.total_co2e_kg,
        s.threshold_co2e_kg,
        s.lines,
        s.in_full.len(),
        s.size,
        if s.size_requested.is_none() { " (the default size)" } else { "" }
    );
    let _ = writeln!(o, "\n{:>8}  {:<9} {:<12} {:<28} {:>22}", "record", "drawn", "facility", "activity", "co2e_kg");
    for (how, list) in [("in full", &s.in_full), ("sampled", &s.sampled)] {
        for d in list {
            let (facility, activity) =
                view.summary(d.record).map_or(("", ""), |l| (l.facility.as_str(), l.activity.as_str()));
            let _ = writeln!(o, "{:>8}  {how:<9} {facility:<12} {activity:<28} {:>22}", d.record, d.co2e_kg);
        }
    }
    let _ = writeln!(o, "\nrule: {}", s.rule);
    o
}
