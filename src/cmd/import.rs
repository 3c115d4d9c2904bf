//! `scopebook import` and `scopebook template export`: thin layers over `scopebook_import`.

use std::io::Write as _;
use std::process::ExitCode;

use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;
use scopebook_import::pipeline::{self, ImportOptions, Mode, Outcome};
use scopebook_import::read::{self, ReadOptions};
use scopebook_import::template;

use crate::args::{DbArgs, ImportArgs, StoreFormat, TemplateCommand};
use crate::io::{print_diagnostics, refuse, usage};
use crate::output;

pub fn import(lib: &FactorLibrary, args: &ImportArgs) -> ExitCode {
    let read_opts = ReadOptions {
        sheet: args.sheet.clone(),
        header_row: args.header_row,
        delimiter: args.delimiter.and_then(|d| d.0),
        encoding: args.encoding.clone(),
        ..ReadOptions::default()
    };
    // A CSV is read a block at a time while the import runs; refusals of the file as a whole
    // (its kind, encoding, header) come before the store is opened.
    let mut file = match read::open(&args.file, &read_opts) {
        Ok(f) => f,
        Err(e) => return refuse(&[e.diagnostic()]),
    };
    let mut store = open_or_return!(args.db);
    let mode = args.mode();
    let opts = ImportOptions {
        year: args.period,
        template: args.template.clone(),
        // A later correction of the same field wins.
        columns: args.columns.iter().map(|c| (c.field, c.header.clone())).collect(),
        values: args.values.iter().map(|v| (v.kind, v.text.clone(), v.target.clone())).collect(),
        save_template: args.save_template.clone(),
        mode,
    };
    let preview = match pipeline::run_file(&mut store, lib, &mut file, &opts, &pipeline::Quiet) {
        Ok(p) => p,
        Err(e) => return refuse(&e.diagnostics()),
    };
    // Skipped rows, ready to correct and import again.
    let mut skipped_file = None;
    if mode == Mode::ValidRowsOnly && preview.outcome == Outcome::Imported && preview.rows_with_problems > 0 {
        let path = args.skipped.clone().unwrap_or_else(|| pipeline::skipped_path(&args.file));
        // The file is read again for the rows skipped.
        let bytes = read::open(&args.file, &read_opts)
            .and_then(|mut again| pipeline::skipped_rows_csv_from(&mut again, &preview))
            .map_err(|e| e.to_string());
        if let Err(e) = bytes.and_then(|bytes| std::fs::write(&path, bytes).map_err(|e| e.to_string())) {
            eprintln!(
                "scopebook: the import was written, but the skipped rows could not be saved to {}: {e}",
                path.display()
            );
            return ExitCode::from(1);
        }
        skipped_file = Some(path);
    }
    print_diagnostics(&output::problem_diagnostics(&preview));
    let text = match args.format {
        StoreFormat::Json => output::import_json(&preview, skipped_file.as_deref()),
        StoreFormat::Table => output::import_summary(&preview, skipped_file.as_deref()),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    let has_errors = preview.rows_with_problems > 0;
    match preview.outcome {
        Outcome::Imported => ExitCode::SUCCESS,
        Outcome::Checked if !has_errors => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

pub fn template(lib: &FactorLibrary, command: TemplateCommand) -> ExitCode {
    match command {
        TemplateCommand::Export { out, lang, db, year } => {
            if out.exists() {
                return refuse(&[Diagnostic::error(
                    Code::DatabaseExists,
                    Location::file(out.display().to_string()),
                    "the file exists; give `template export --out` a new file name",
                )]);
            }
            let facilities = match db {
                None => Vec::new(),
                Some(path) => {
                    let s = open_or_return!(DbArgs { db: path, user: None });
                    match s.facilities() {
                        Ok(fs) => fs.into_iter().map(|f| f.code).collect(),
                        Err(e) => return refuse(&e.diagnostics),
                    }
                }
            };
            let bytes = match template::write_template(lib, lang.into(), &facilities, year) {
                Ok(b) => b,
                Err(e) => return usage(&e.to_string()),
            };
            if let Err(e) = std::fs::write(&out, bytes) {
                return refuse(&[Diagnostic::error(
                    Code::UnreadableFile,
                    Location::file(out.display().to_string()),
                    format!("cannot write the file: {e}"),
                )]);
            }
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
    }
}
