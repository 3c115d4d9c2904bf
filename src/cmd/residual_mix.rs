//! `scopebook residual-mix import`: an AIB or Green-e residual-mix file converted into a factor
//! file or a user dataset folder (decision 0048). The conversion is `import::residual_mix`'s;
//! this module reads the file, writes the outputs (never over an existing file without --force)
//! and prints.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::gas::GwpSet;
use scopebook_import::residual_mix::{self, Options};

use crate::args::{ResidualMixCommand, ResidualMixImportArgs};
use crate::io::{out, print_diagnostics, read, refuse};

/// The factor file's name inside a dataset folder.
const FOLDER_FACTORS: &str = "factors.csv";

pub fn residual_mix(command: ResidualMixCommand) -> ExitCode {
    match command {
        ResidualMixCommand::Import(args) => import(&args),
    }
}

fn import(args: &ResidualMixImportArgs) -> ExitCode {
    // Every destination checked before anything is read or written.
    let mut targets = Vec::new();
    if let Some(p) = &args.out {
        targets.push(p.clone());
    }
    if let Some(dir) = &args.dataset_dir {
        targets.push(dir.join("dataset.toml"));
        targets.push(dir.join(FOLDER_FACTORS));
    }
    if !args.force {
        let existing: Vec<Diagnostic> = targets
            .iter()
            .filter(|p| p.exists())
            .map(|p| {
                Diagnostic::error(
                    Code::DatabaseExists,
                    Location::file(p.display().to_string()),
                    "the file exists; residual-mix import does not overwrite it without --force",
                )
            })
            .collect();
        if !existing.is_empty() {
            return refuse(&existing);
        }
    }
    let bytes = match read(&args.file) {
        Ok(b) => b,
        Err(d) => return refuse(&[d]),
    };
    // The name without its folder: the provenance (and so the output's bytes) do not depend on
    // where the user keeps the file.
    let name =
        args.file.file_name().map_or_else(|| args.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let opts = Options {
        publication: args.format.into(),
        data_year: args.data_year,
        sheet: args.sheet.clone(),
        gwp_basis: args.gwp_basis.map(GwpSet::from),
    };
    let (mix, diags) = residual_mix::convert(&name, &bytes, &opts);
    let Some(mix) = mix else {
        return refuse(&diags);
    };
    print_diagnostics(&diags);
    let factors = mix.factor_csv();
    let mut wrote = Vec::new();
    if let Some(p) = &args.out {
        if let Err(d) = write_file(p, &factors) {
            return refuse(&[d]);
        }
        wrote.push(p.display().to_string());
    }
    if let Some(dir) = &args.dataset_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return refuse(&[Diagnostic::error(
                Code::UnreadableFile,
                Location::file(dir.display().to_string()),
                format!("cannot create the folder: {e}"),
            )]);
        }
        let toml = mix.dataset_toml(FOLDER_FACTORS, &factors);
        for (file, body) in [(FOLDER_FACTORS, factors.as_slice()), ("dataset.toml", toml.as_bytes())] {
            if let Err(d) = write_file(&dir.join(file), body) {
                return refuse(&[d]);
            }
        }
        wrote.push(format!("{}/ (dataset.toml, {FOLDER_FACTORS})", dir.display()));
    }
    let regions: Vec<&str> = mix.regions.iter().map(|m| m.region.as_str()).collect();
    let y = mix.data_year;
    out(&format!(
        "wrote {}: {} edition {}, {} region(s) valid {y}-01-01 to {y}-12-31 only: {}\nfrom {} (SHA-256 {}){}, header row {}\n",
        wrote.join(" and "),
        mix.publication.dataset_id(),
        mix.edition(),
        regions.len(),
        regions.join(", "),
        mix.file,
        mix.sha256,
        mix.sheet.as_ref().map(|s| format!(", sheet '{s}'")).unwrap_or_default(),
        mix.header_row
    ))
}

/// Write `bytes` beside `path`, then rename: a reader never sees half a file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let written = std::fs::File::create(&partial)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&partial, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        Diagnostic::error(
            Code::UnreadableFile,
            Location::file(path.display().to_string()),
            format!("cannot write the file: {e}"),
        )
    })
}
