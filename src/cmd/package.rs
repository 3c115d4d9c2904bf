//! `scopebook export-package` and `scopebook verify`: the auditor's package (decision 0024).

use std::io::Write as _;
use std::process::ExitCode;

use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;
use scopebook_package::archive::{human, MAX_PACKAGE_BYTES};
use scopebook_package::ExportOptions;
use scopebook_store::Store;

use crate::args::{ExportPackageArgs, StoreFormat, VerifyArgs};
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

pub fn verify(args: &VerifyArgs) -> ExitCode {
    let shown = args.package.display().to_string();
    if let Ok(m) = std::fs::metadata(&args.package) {
        if m.len() > MAX_PACKAGE_BYTES {
            return refuse(&[Diagnostic::error(
                Code::FileTooLarge,
                Location::file(&shown),
                format!("the file is {}, over the limit of {} for a package", human(m.len()), human(MAX_PACKAGE_BYTES)),
            )]);
        }
    }
    let bytes = match read(&args.package) {
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
