//! `scopebook import` and `scopebook template export`: thin layers over `scopebook_import`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use scopebook_core::diagnostic::{Code, Diagnostic, Location, Severity};
use scopebook_core::library::FactorLibrary;
use scopebook_import::mapping::{Field, Lang};
use scopebook_import::pipeline::{self, ImportOptions, Mode, Outcome, Preview};
use scopebook_import::read::{self, ReadError, ReadErrorCode, ReadOptions};
use scopebook_import::template;
use scopebook_import::values::ValueKind;

use crate::{print_diagnostics, DbArgs, StoreFormat};

#[derive(clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The reporting period (year) the records belong to.
    #[arg(long)]
    pub period: i32,
    /// The file: CSV (any delimiter; UTF-8, UTF-16 or GBK/GB18030), .xlsx, .xls or .ods.
    pub file: PathBuf,
    /// Use this saved column template (otherwise a template saved for the same headers, or a
    /// guess from the header names).
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Check and report; write nothing.
    #[arg(long, conflicts_with = "valid_rows_only")]
    pub dry_run: bool,
    /// Import the rows without problems and write the others, with a reason column, to
    /// `--skipped` (default FILE.skipped.csv).
    #[arg(long)]
    pub valid_rows_only: bool,
    /// Where `--valid-rows-only` writes the skipped rows.
    #[arg(long, value_name = "FILE")]
    pub skipped: Option<PathBuf>,
    /// The worksheet to read (default: the first that is not empty).
    #[arg(long)]
    pub sheet: Option<String>,
    /// The row of the header (default: found from the first 20 rows).
    #[arg(long, value_name = "N")]
    pub header_row: Option<usize>,
    /// The CSV delimiter (default: detected among , ; tab |). Write `tab` for a tab.
    #[arg(long)]
    pub delimiter: Option<String>,
    /// The CSV encoding, e.g. gbk, gb18030, utf-8 (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Correct the column mapping: FIELD=HEADER (e.g. `quantity=用量`); FIELD= unmaps it.
    /// Fields: facility, period, activity, quantity, unit, start, end, factor, region,
    /// scope3_category, supplier, evidence, meter_id, data_quality, note.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    pub columns: Vec<String>,
    /// Map a value of the file: activity:TEXT=TYPE or unit:TEXT=UNIT (e.g.
    /// `activity:天然气=natural_gas`). Remembered in the file for later imports.
    #[arg(long = "value", value_name = "KIND:TEXT=TARGET")]
    pub values: Vec<String>,
    /// Save the column mapping as a template of this name (reused for files with the same headers).
    #[arg(long, value_name = "NAME")]
    pub save_template: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: StoreFormat,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    En,
    Zh,
}

#[derive(clap::Subcommand)]
pub enum TemplateCommand {
    /// Write a blank import workbook (.xlsx) with dropdowns of activity types and units.
    Export {
        /// The workbook to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
        /// Fill the facility dropdown from this organisation file.
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        /// Limit the date columns to this year.
        #[arg(long)]
        year: Option<i32>,
    },
}

fn usage(message: &str) -> ExitCode {
    eprintln!("scopebook: {message}");
    ExitCode::from(2)
}

/// The diagnostic code of a refused file.
fn read_code(c: ReadErrorCode) -> Code {
    match c {
        ReadErrorCode::Empty => Code::EmptyFile,
        ReadErrorCode::HeaderOnly => Code::NoDataRows,
        ReadErrorCode::NotThisFormat => Code::WrongFileType,
        ReadErrorCode::TooLarge | ReadErrorCode::ZipBomb => Code::FileTooLarge,
        ReadErrorCode::SheetNotFound => Code::UnknownRecord,
        ReadErrorCode::HeaderNotFound => Code::MissingColumn,
        ReadErrorCode::MergedHeader | ReadErrorCode::DuplicateHeader => Code::DuplicateColumn,
        ReadErrorCode::RowTooLong => Code::MalformedRow,
        ReadErrorCode::Encoding | ReadErrorCode::Encrypted | ReadErrorCode::Malformed | ReadErrorCode::Io => {
            Code::UnreadableFile
        }
    }
}

/// A refused file as a diagnostic.
pub fn read_diagnostic(e: &ReadError) -> Diagnostic {
    let location = Location { file: e.file.clone(), row: e.row.map(|r| r as u64), column: e.column.clone() };
    Diagnostic::error(read_code(e.code), location, e.message.clone())
}

fn parse_columns(args: &[String]) -> Result<BTreeMap<Field, String>, String> {
    let mut out = BTreeMap::new();
    for a in args {
        let Some((f, h)) = a.split_once('=') else {
            return Err(format!("--column takes FIELD=HEADER, found '{a}'"));
        };
        let Some(field) = Field::parse(f.trim()) else {
            return Err(format!("--column: '{}' is not a field; fields: {}", f.trim(), field_names()));
        };
        out.insert(field, h.trim().to_string());
    }
    Ok(out)
}

fn field_names() -> String {
    Field::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
}

fn parse_values(args: &[String]) -> Result<Vec<(ValueKind, String, String)>, String> {
    args.iter()
        .map(|a| {
            let bad = || format!("--value takes activity:TEXT=TYPE or unit:TEXT=UNIT, found '{a}'");
            let (kind, rest) = a.split_once(':').ok_or_else(bad)?;
            let kind = ValueKind::parse(kind).ok_or_else(bad)?;
            let (source, target) = rest.rsplit_once('=').ok_or_else(bad)?;
            if source.trim().is_empty() || target.trim().is_empty() {
                return Err(bad());
            }
            Ok((kind, source.trim().to_string(), target.trim().to_string()))
        })
        .collect()
}

pub fn import(lib: &FactorLibrary, args: &ImportArgs) -> ExitCode {
    let columns = match parse_columns(&args.columns) {
        Ok(c) => c,
        Err(m) => return usage(&m),
    };
    let values = match parse_values(&args.values) {
        Ok(v) => v,
        Err(m) => return usage(&m),
    };
    let delimiter = match read::parse_delimiter(args.delimiter.as_deref().unwrap_or("")) {
        Ok(d) => d,
        Err(m) => return usage(&format!("--delimiter: {m}")),
    };
    let read_opts = ReadOptions {
        sheet: args.sheet.clone(),
        header_row: args.header_row,
        delimiter,
        encoding: args.encoding.clone(),
        ..ReadOptions::default()
    };
    let table = match read::read(&args.file, &read_opts) {
        Ok(t) => t,
        Err(e) => {
            print_diagnostics(&[read_diagnostic(&e)]);
            return ExitCode::from(1);
        }
    };
    let mut store = match args.db.open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mode = if args.dry_run {
        Mode::DryRun
    } else if args.valid_rows_only {
        Mode::ValidRowsOnly
    } else {
        Mode::AllOrNothing
    };
    let opts = ImportOptions {
        year: args.period,
        template: args.template.clone(),
        columns,
        values,
        save_template: args.save_template.clone(),
        mode,
    };
    let preview = match pipeline::run(&mut store, lib, &table, &opts, &pipeline::Quiet) {
        Ok(p) => p,
        Err(e) => {
            print_diagnostics(&e.diagnostics());
            return ExitCode::from(1);
        }
    };
    // Skipped rows, ready to correct and import again.
    let mut skipped_file = None;
    if mode == Mode::ValidRowsOnly && preview.outcome == Outcome::Imported && preview.rows_with_problems > 0 {
        let path = args.skipped.clone().unwrap_or_else(|| pipeline::skipped_path(&args.file));
        let bytes = pipeline::skipped_rows_csv(&table, &preview);
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!(
                "scopebook: the import was written, but the skipped rows could not be saved to {}: {e}",
                path.display()
            );
            return ExitCode::from(1);
        }
        skipped_file = Some(path);
    }
    let diags = problem_diagnostics(&preview);
    print_diagnostics(&diags);
    let text = match args.format {
        StoreFormat::Json => {
            let mut v = serde_json::to_value(&preview).unwrap_or_default();
            if let (Some(o), Some(p)) = (v.as_object_mut(), &skipped_file) {
                o.insert("skipped_file".into(), serde_json::Value::String(p.display().to_string()));
            }
            serde_json::to_string_pretty(&v).map(|s| s + "\n").unwrap_or_default()
        }
        StoreFormat::Table => summary(&preview, skipped_file.as_deref()),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    let has_errors = preview.rows_with_problems > 0;
    match preview.outcome {
        Outcome::Imported => ExitCode::SUCCESS,
        Outcome::Checked if !has_errors => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

/// Each problem as a located diagnostic (`FILE:ROW:COLUMN`, the column by the file's header).
fn problem_diagnostics(p: &Preview) -> Vec<Diagnostic> {
    p.problems
        .iter()
        .map(|pr| {
            let location = Location { file: p.file.clone(), row: Some(pr.row), column: pr.column.clone() };
            let message = match &pr.value {
                Some(v) if !pr.message.contains(v.as_str()) => format!("{} (the cell holds '{v}')", pr.message),
                _ => pr.message.clone(),
            };
            match pr.severity {
                Severity::Error => Diagnostic::error(pr.code, location, message),
                Severity::Warning => Diagnostic::warning(pr.code, location, message),
            }
        })
        .collect()
}

fn summary(p: &Preview, skipped: Option<&Path>) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let what = match (p.format.as_str(), &p.sheet) {
        (_, Some(sheet)) => format!("{} (sheet '{sheet}', header row {})", p.file, p.header_row),
        _ => format!(
            "{} ({}, {}, header line {})",
            p.file,
            p.encoding.as_deref().unwrap_or("UTF-8"),
            match p.delimiter.as_deref() {
                Some("\t") => "tab-delimited".to_string(),
                Some(d) => format!("'{d}'-delimited"),
                None => "delimited".to_string(),
            },
            p.header_row
        ),
    };
    let _ = writeln!(o, "file:     {what}");
    let source = match &p.mapping_source {
        pipeline::MappingSource::Template { name } => format!("template '{name}'"),
        pipeline::MappingSource::SameHeaders { name } => format!("template '{name}' (same headers)"),
        pipeline::MappingSource::Guess => "guessed from the headers".to_string(),
    };
    let cols: Vec<String> = p.mapping.iter().map(|(f, h)| format!("{}={h}", f.as_str())).collect();
    let _ = writeln!(o, "mapping:  {source}: {}", cols.join(", "));
    if !p.unmapped_columns.is_empty() {
        let _ = writeln!(o, "ignored:  {}", p.unmapped_columns.join(", "));
    }
    for m in &p.mapped_values {
        let by = match m.by {
            scopebook_import::values::MappedBy::User => "remembered",
            scopebook_import::values::MappedBy::BuiltIn => "built-in",
        };
        let _ = writeln!(o, "value:    {} '{}' → {} ({by}, {} rows)", m.kind.as_str(), m.value, m.to, m.rows);
    }
    let _ = writeln!(
        o,
        "rows:     {} read, {} valid, {} with problems, {} duplicates",
        p.rows_read,
        p.rows_valid,
        p.rows_with_problems,
        p.duplicates.len()
    );
    for e in &p.earlier_imports {
        let _ = writeln!(
            o,
            "note:     this file (same SHA-256) was imported before: import {} by {} at {} ({} records)",
            e.id, e.imported_by, e.imported_at, e.records
        );
    }
    let _ = writeln!(
        o,
        "adds:     Scope 1 {} t, Scope 2 location {} t, Scope 2 market {} t, Scope 3 {} t CO2e (biogenic CO2 {} t)",
        p.emissions.scope1,
        p.emissions.scope2_location,
        p.emissions.scope2_market,
        p.emissions.scope3,
        p.emissions.biogenic_co2
    );
    let outcome = match p.outcome {
        Outcome::Checked => "dry run: nothing was written".to_string(),
        Outcome::Imported => format!(
            "imported {} records as import {} (records {}..{})",
            p.records_imported,
            p.import_id.unwrap_or_default(),
            p.first_record.unwrap_or_default(),
            p.last_record.unwrap_or_default()
        ),
        Outcome::Refused => {
            "refused: nothing was written; fix the rows above, or import the valid rows only with --valid-rows-only"
                .to_string()
        }
        Outcome::Cancelled => "cancelled: nothing was written".to_string(),
    };
    let _ = writeln!(o, "result:   {outcome}");
    if let Some(s) = skipped {
        let _ = writeln!(o, "skipped:  {} rows written to {} with a reason column", p.rows_with_problems, s.display());
    }
    o
}

pub fn template(lib: &FactorLibrary, command: TemplateCommand) -> ExitCode {
    match command {
        TemplateCommand::Export { out, lang, db, year } => {
            let lang = match lang {
                LangArg::En => Lang::En,
                LangArg::Zh => Lang::Zh,
            };
            if out.exists() {
                print_diagnostics(&[Diagnostic::error(
                    Code::DatabaseExists,
                    Location::file(out.display().to_string()),
                    "the file exists; give `template export --out` a new file name",
                )]);
                return ExitCode::from(1);
            }
            let facilities = match db {
                None => Vec::new(),
                Some(path) => {
                    let args = DbArgs { db: path, user: None };
                    let s = match args.open() {
                        Ok(s) => s,
                        Err(code) => return code,
                    };
                    match s.facilities() {
                        Ok(fs) => fs.into_iter().map(|f| f.code).collect(),
                        Err(e) => {
                            print_diagnostics(&e.diagnostics);
                            return ExitCode::from(1);
                        }
                    }
                }
            };
            let bytes = match template::write_template(lib, lang, &facilities, year) {
                Ok(b) => b,
                Err(e) => return usage(&e.to_string()),
            };
            if let Err(e) = std::fs::write(&out, bytes) {
                print_diagnostics(&[Diagnostic::error(
                    Code::UnreadableFile,
                    Location::file(out.display().to_string()),
                    format!("cannot write the file: {e}"),
                )]);
                return ExitCode::from(1);
            }
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
    }
}
