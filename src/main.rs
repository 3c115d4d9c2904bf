//! The `scopebook` command line: a thin layer over the library. It reads files, calls the
//! library, prints, and chooses the exit status (0 success, 1 data errors, 2 usage errors).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use scopebook::calc::CalcOptions;
use scopebook::diagnostic::{Code, Diagnostic, Location};
use scopebook::gas::GwpSet;
use scopebook::library::FactorLibrary;
use scopebook::report::{self, DatasetUsed, InputFile, Inputs, Report, Rounding};

#[derive(Parser)]
#[command(name = "scopebook", version, about = "Exact, auditable greenhouse-gas inventories")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Calculate an inventory from an activity CSV file.
    Calc(CalcArgs),
    /// Dry run of an edition change: what changes, line by line, if DATASET=EDITION is used.
    EditionDiff(EditionDiffArgs),
    /// Browse the emission-factor library.
    Factors {
        #[command(subcommand)]
        command: FactorsCommand,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Gwp {
    Ar4,
    Ar5,
    Ar6,
}

impl From<Gwp> for GwpSet {
    fn from(g: Gwp) -> GwpSet {
        match g {
            Gwp::Ar4 => GwpSet::AR4,
            Gwp::Ar5 => GwpSet::AR5,
            Gwp::Ar6 => GwpSet::AR6,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Table,
    Json,
    Markdown,
}

#[derive(clap::Args)]
struct CalcArgs {
    /// Activity file: facility, period_start, period_end, activity, quantity, unit, and optional
    /// factor, region, scope3_category, evidence, note.
    activities: PathBuf,
    /// A factor file in the user format, or a user dataset folder (dataset.toml + factors);
    /// may be given several times. Its factors rank above shipped ones.
    #[arg(long = "factors", value_name = "FILE|DIR")]
    factors: Vec<PathBuf>,
    /// Use only this edition of a dataset, e.g. cn-mee-nbs-grid=2022; may be repeated.
    #[arg(long = "pin", value_name = "DATASET=EDITION")]
    pins: Vec<String>,
    /// GWP-100 set.
    #[arg(long, value_enum, default_value = "ar5")]
    gwp: Gwp,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Totals only: leave the per-line output out.
    #[arg(long)]
    summary: bool,
    /// Decimal places of tonnes shown in the table (rounded half-even; JSON and CSV are exact).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=12))]
    decimals: u32,
}

#[derive(clap::Args)]
struct EditionDiffArgs {
    activities: PathBuf,
    /// The edition to change to, e.g. cn-mee-nbs-grid=2022.
    #[arg(long = "to", value_name = "DATASET=EDITION")]
    to: String,
    #[arg(long = "factors", value_name = "FILE|DIR")]
    factors: Vec<PathBuf>,
    /// Editions the current calculation uses (as with `calc --pin`).
    #[arg(long = "pin", value_name = "DATASET=EDITION")]
    pins: Vec<String>,
    #[arg(long, value_enum, default_value = "ar5")]
    gwp: Gwp,
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
}

#[derive(clap::Args)]
struct SearchFilters {
    /// Only factors for this activity type (exact).
    #[arg(long)]
    activity: Option<String>,
    /// Only factors for this region (exact code, e.g. CN-GD).
    #[arg(long)]
    region: Option<String>,
    /// Only factors that give this gas (CO2, CH4, N2O, HFC-134a, R-410A, CO2e).
    #[arg(long)]
    gas: Option<String>,
    /// Only factors of this dataset id.
    #[arg(long)]
    dataset: Option<String>,
    /// Only factors of this edition.
    #[arg(long)]
    edition: Option<String>,
    /// Only factors of this scope (1, 2 or 3).
    #[arg(long)]
    scope: Option<u8>,
}

#[derive(Subcommand)]
enum FactorsCommand {
    /// List the loaded datasets and editions.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Search factors by text (id, activity, name, region, dataset, source, gas) and filters.
    Search {
        #[arg(default_value = "")]
        text: String,
        #[command(flatten)]
        filters: SearchFilters,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Show one factor with its full provenance.
    Show {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Check a user factor file or dataset folder and report every problem.
    Validate { path: PathBuf },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let (lib, shipped_diags) = FactorLibrary::shipped();
    if !shipped_diags.is_empty() {
        // A defect of this build's data, not of the user's: report it and refuse to compute.
        for d in &shipped_diags {
            eprintln!("{d}");
        }
        eprintln!("scopebook: the shipped factor data failed its checks; this build is broken");
        return ExitCode::from(3);
    }
    match cli.command {
        Command::Calc(args) => calc(lib, &args),
        Command::EditionDiff(args) => edition_diff(lib, &args),
        Command::Factors { command } => factors(lib, command),
    }
}

fn read(path: &PathBuf) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(path).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "it does not exist".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        Diagnostic::error(
            Code::UnreadableFile,
            Location::file(path.display().to_string()),
            format!("cannot read the file: {reason}"),
        )
    })
}

fn print_diagnostics(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{d}");
    }
}

fn out(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scopebook: cannot write output: {e}");
            ExitCode::from(1)
        }
    }
}

/// Load a `--factors` path: a factor file, or a dataset folder. Returns its findings and the
/// input record for the report.
fn load_factors(lib: &mut FactorLibrary, path: &PathBuf) -> (Vec<Diagnostic>, Option<InputFile>) {
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
            (diags, Some(InputFile { file: name, sha256: scopebook::dataset::sha256_hex(&bytes) }))
        }
        Err(d) => (vec![d], None),
    }
}

/// Apply `--pin DATASET=EDITION` arguments.
fn apply_pins(lib: &mut FactorLibrary, pins: &[String]) -> Result<(), String> {
    for pin in pins {
        let (id, edition) = pin.split_once('=').ok_or_else(|| format!("--pin takes DATASET=EDITION, found '{pin}'"))?;
        lib.pin(id.trim(), edition.trim())?;
    }
    Ok(())
}

fn calc(mut lib: FactorLibrary, args: &CalcArgs) -> ExitCode {
    let mut diags = Vec::new();
    let mut factor_files = Vec::new();
    for path in &args.factors {
        let (d, input) = load_factors(&mut lib, path);
        diags.extend(d);
        factor_files.extend(input);
    }
    if let Err(e) = apply_pins(&mut lib, &args.pins) {
        eprintln!("scopebook: {e}");
        return ExitCode::from(2);
    }
    let name = args.activities.display().to_string();
    let bytes = match read(&args.activities) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            print_diagnostics(&diags);
            return ExitCode::from(1);
        }
    };
    let gwp_set = GwpSet::from(args.gwp);
    let opts = CalcOptions { gwp_set, keep_lines: !args.summary };
    let ((inv, file_diags), activities_sha256) = rayon::join(
        || scopebook::pipeline::calculate_csv(&lib, &name, &bytes, opts),
        || scopebook::dataset::sha256_hex(&bytes),
    );
    diags.extend(file_diags);
    diags.extend(inv.diagnostics.iter().cloned());
    diags.extend(inv.factor_notes(&lib, gwp_set, &name));
    let inputs = Inputs {
        activities: InputFile { file: name, sha256: activities_sha256 },
        factor_files,
        datasets: lib
            .datasets()
            .iter()
            .map(|d| DatasetUsed {
                id: d.reference.id.clone(),
                edition: d.reference.edition.clone(),
                sha256: d.reference.sha256.clone(),
                shipped: d.reference.shipped,
                factors: d.factor_count,
            })
            .collect(),
    };
    let report = Report::new(&inv, &diags, inputs, gwp_set, !args.summary);
    let text = match args.format {
        Format::Json => report.to_json(),
        Format::Table => report.to_table(Rounding { decimals: args.decimals }),
        Format::Csv => report::to_csv(&report, &inv, args.summary),
    };
    print_diagnostics(&diags);
    let status = out(&text);
    if status != ExitCode::SUCCESS || !report.complete {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn factors(mut lib: FactorLibrary, command: FactorsCommand) -> ExitCode {
    match command {
        FactorsCommand::List { format } => out(&scopebook::listing::datasets(&lib, listing_format(format))),
        FactorsCommand::Search { text, filters, format } => {
            let f = scopebook::listing::Filters {
                activity: filters.activity,
                region: filters.region,
                gas: filters.gas,
                dataset: filters.dataset,
                edition: filters.edition,
                scope: filters.scope,
            };
            out(&scopebook::listing::search(&lib, &text, &f, listing_format(format)))
        }
        FactorsCommand::Show { id, format } => match lib.by_id(&id) {
            Some(f) => out(&scopebook::listing::show(&lib, f, listing_format(format))),
            None => {
                let d = Diagnostic::error(
                    Code::UnknownFactor,
                    Location::file("factors show"),
                    format!("no factor '{id}' is loaded (try `scopebook factors search`)"),
                );
                eprintln!("{d}");
                ExitCode::from(1)
            }
        },
        FactorsCommand::Validate { path } => {
            let name = path.display().to_string();
            let before = lib.datasets().len();
            let (diags, _) = load_factors(&mut lib, &path);
            print_diagnostics(&diags);
            let count = lib.datasets().get(before).map_or(0, |d| d.factor_count);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            println!("{name}: {count} valid factor(s), {errors} error(s), {} warning(s)", diags.len() - errors);
            if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

fn edition_diff(mut lib: FactorLibrary, args: &EditionDiffArgs) -> ExitCode {
    let mut diags = Vec::new();
    for path in &args.factors {
        diags.extend(load_factors(&mut lib, path).0);
    }
    if let Err(e) = apply_pins(&mut lib, &args.pins) {
        eprintln!("scopebook: {e}");
        return ExitCode::from(2);
    }
    let name = args.activities.display().to_string();
    let bytes = match read(&args.activities) {
        Ok(b) => b,
        Err(d) => {
            print_diagnostics(&[d]);
            return ExitCode::from(1);
        }
    };
    let opts = CalcOptions { gwp_set: GwpSet::from(args.gwp), keep_lines: true };
    let (before, file_diags) = scopebook::pipeline::calculate_csv(&lib, &name, &bytes, opts);
    if let Err(e) = apply_pins(&mut lib, std::slice::from_ref(&args.to)) {
        eprintln!("scopebook: {e}");
        return ExitCode::from(2);
    }
    let (after, _) = scopebook::pipeline::calculate_csv(&lib, &name, &bytes, opts);
    diags.extend(file_diags);
    print_diagnostics(&diags);
    let comparison = scopebook::compare::compare(&before, &after);
    let text = match args.format {
        ListFormat::Json => serde_json::to_string_pretty(&comparison).map(|s| s + "\n").unwrap_or_default(),
        _ => comparison.to_table(),
    };
    let status = out(&text);
    if diags.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        status
    }
}

fn listing_format(f: ListFormat) -> scopebook::listing::Format {
    match f {
        ListFormat::Table => scopebook::listing::Format::Table,
        ListFormat::Json => scopebook::listing::Format::Json,
        ListFormat::Markdown => scopebook::listing::Format::Markdown,
    }
}
