//! The `scopebook` command line: a thin layer over the library. It reads files, calls the
//! library, prints, and chooses the exit status (0 success, 1 data errors, 2 usage errors).

mod import_cmd;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use scopebook_core::calc::CalcOptions;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::report::{self, InputFile, Rounding};
use scopebook_core::run::{pin_map, Pin, Run};
use scopebook_store::{self as store, ActivityInput, EvidenceFile, Store, StoreError};

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
    /// Create an organisation's inventory file (an SQLite database).
    Init(InitArgs),
    /// Legal entities and facilities of the organisation.
    Facility {
        #[command(subcommand)]
        command: FacilityCommand,
    },
    /// Reporting periods: add, review, lock (with a snapshot of the calculation), list.
    Period {
        #[command(subcommand)]
        command: PeriodCommand,
    },
    /// Activity records of a period.
    Activity {
        #[command(subcommand)]
        command: Box<ActivityCommand>,
    },
    /// The audit log: list it, or verify its hash chain against the data.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Copy the database to a new file with SQLite's online backup, and check the copy.
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Import activity records from a CSV or spreadsheet file: preview, mapping, exact errors.
    Import(Box<import_cmd::ImportArgs>),
    /// The blank import workbook.
    Template {
        #[command(subcommand)]
        command: import_cmd::TemplateCommand,
    },
    /// Replace (or create) a database from a backup, after checking the backup completely.
    Restore {
        /// The backup file.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(clap::Args)]
pub struct DbArgs {
    /// The organisation's inventory file.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Your name for the audit log (default: $USER, else $USERNAME, else "unknown").
    #[arg(long)]
    pub user: Option<String>,
}

impl DbArgs {
    fn user(&self) -> String {
        self.user.clone().map(|u| u.trim().to_string()).filter(|u| !u.is_empty()).unwrap_or_else(store::default_user)
    }

    pub fn open(&self) -> Result<Store, ExitCode> {
        Store::open(&self.db, &self.user()).map_err(|e| fail(&e))
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ConsolidationArg {
    OperationalControl,
    FinancialControl,
    EquityShare,
}

#[derive(clap::Args)]
struct InitArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The organisation's name.
    #[arg(long)]
    name: String,
    /// How the organisational boundary is drawn (GHG Protocol, chapter 3).
    #[arg(long, value_enum)]
    consolidation: ConsolidationArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Facility,
    LegalEntity,
}

#[derive(Subcommand)]
enum FacilityCommand {
    /// Add a legal entity or facility.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// A short unique code, used in activity records.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// Country or province code (ISO 3166, e.g. CN-JS), used to find location factors.
        #[arg(long)]
        region: String,
        /// The grid region, e.g. CN-GRID-EAST.
        #[arg(long = "grid-region")]
        grid_region: Option<String>,
        #[arg(long, value_enum, default_value = "facility")]
        kind: KindArg,
        /// The code of the legal entity or facility this one belongs to.
        #[arg(long)]
        parent: Option<String>,
        /// The organisation's equity share in percent, 0 to 100 (default 100).
        #[arg(long = "equity-share", value_name = "PCT")]
        equity_share: Option<String>,
        /// The organisation does not have operational control.
        #[arg(long = "no-operational-control")]
        no_operational_control: bool,
        /// The organisation does not have financial control.
        #[arg(long = "no-financial-control")]
        no_financial_control: bool,
        /// Covered by an emissions-trading scheme.
        #[arg(long)]
        ets: bool,
    },
    /// List the legal entities and facilities.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
}

#[derive(Subcommand)]
enum PeriodCommand {
    /// Add a reporting period (by default the calendar year).
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
        /// First day, if not 1 January (YYYY-MM-DD).
        #[arg(long)]
        start: Option<String>,
        /// Last day, if not 31 December (YYYY-MM-DD).
        #[arg(long)]
        end: Option<String>,
        #[arg(long, value_enum, default_value = "ar5")]
        gwp: Gwp,
        /// The period is the base year.
        #[arg(long = "base-year")]
        base_year: bool,
        /// Use only this edition of a dataset, e.g. cn-mee-nbs-grid=2022; may be repeated.
        #[arg(long = "pin", value_name = "DATASET=EDITION")]
        pins: Vec<Pin>,
    },
    /// Change the dataset editions a period uses (each record must still find its factor).
    Pin {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
        /// The complete new set of pins; none means every edition may be used.
        #[arg(long = "pin", value_name = "DATASET=EDITION")]
        pins: Vec<Pin>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Open → in review.
    Review {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
    },
    /// In review → open.
    Reopen {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
    },
    /// Lock a period and store a snapshot of its calculation; later corrections are restatements.
    Lock {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
    },
    /// List the periods.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum QualityArg {
    Measured,
    Calculated,
    Estimated,
}

impl QualityArg {
    fn as_str(self) -> &'static str {
        match self {
            QualityArg::Measured => "measured",
            QualityArg::Calculated => "calculated",
            QualityArg::Estimated => "estimated",
        }
    }
}

/// The fields of an activity record; for `edit` and `restate` each one given replaces the
/// record's value.
#[derive(clap::Args)]
struct ActivityFields {
    /// The facility's code.
    #[arg(long)]
    facility: Option<String>,
    /// The activity type, e.g. grid_electricity, natural_gas.
    #[arg(long)]
    activity: Option<String>,
    #[arg(long)]
    quantity: Option<String>,
    #[arg(long)]
    unit: Option<String>,
    /// First day of the activity (YYYY-MM-DD).
    #[arg(long)]
    start: Option<String>,
    /// Last day of the activity (YYYY-MM-DD).
    #[arg(long)]
    end: Option<String>,
    /// An explicit factor id.
    #[arg(long)]
    factor: Option<String>,
    /// Region for factor selection (default: the facility's region).
    #[arg(long)]
    region: Option<String>,
    #[arg(long = "scope3-category")]
    scope3_category: Option<String>,
    #[arg(long)]
    supplier: Option<String>,
    /// A document number or other reference.
    #[arg(long)]
    evidence: Option<String>,
    /// A file attached as evidence: its name and SHA-256 are stored.
    #[arg(long = "evidence-file", value_name = "PATH")]
    evidence_file: Option<PathBuf>,
    #[arg(long = "meter")]
    meter_id: Option<String>,
    #[arg(long, value_enum)]
    quality: Option<QualityArg>,
    #[arg(long)]
    note: Option<String>,
}

impl ActivityFields {
    /// Apply the given fields to `input`.
    fn apply(&self, input: &mut ActivityInput) -> Result<(), ExitCode> {
        let set = |target: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                target.clone_from(v);
            }
        };
        set(&mut input.facility, &self.facility);
        set(&mut input.activity, &self.activity);
        set(&mut input.quantity, &self.quantity);
        set(&mut input.unit, &self.unit);
        set(&mut input.start, &self.start);
        set(&mut input.end, &self.end);
        let set_opt = |target: &mut Option<String>, v: &Option<String>| {
            if let Some(v) = v {
                *target = Some(v.clone()).filter(|v| !v.trim().is_empty());
            }
        };
        set_opt(&mut input.factor, &self.factor);
        set_opt(&mut input.region, &self.region);
        set_opt(&mut input.scope3_category, &self.scope3_category);
        set_opt(&mut input.supplier, &self.supplier);
        set_opt(&mut input.evidence, &self.evidence);
        set_opt(&mut input.meter_id, &self.meter_id);
        set_opt(&mut input.note, &self.note);
        if let Some(q) = self.quality {
            input.data_quality = Some(q.as_str().to_string());
        }
        if let Some(path) = &self.evidence_file {
            let bytes = read(path).map_err(|d| {
                print_diagnostics(&[d]);
                ExitCode::from(1)
            })?;
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            input.evidence_file = Some(EvidenceFile { name, sha256: scopebook_core::dataset::sha256_hex(&bytes) });
        }
        Ok(())
    }
}

#[derive(Subcommand)]
enum ActivityCommand {
    /// Add a record, checked exactly as `scopebook calc` checks a row.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[command(flatten)]
        fields: ActivityFields,
    },
    /// Change a record of an open or in-review period.
    Edit {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        fields: ActivityFields,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Delete a record of an open or in-review period (the audit log keeps it).
    Delete {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Correct a record of a locked period: the original is kept, superseded by a new record.
    Restate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        fields: ActivityFields,
        /// Why the record is restated (required).
        #[arg(long)]
        reason: String,
    },
    /// List a period's records.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// Include superseded (restated) records.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Write a period's current records as an activity file (`scopebook calc` input).
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
    },
    /// The audit history of one record.
    History {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// The audit log, oldest first.
    Log {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Check the file's integrity, walk the hash chain and replay it against the data.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// The head hash noted at an earlier verification: fail unless the chain still
        /// contains it (detects a log rewritten from an earlier point).
        #[arg(long, value_name = "HASH")]
        expect_head: Option<String>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
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
    #[arg(required_unless_present = "db", conflicts_with = "db")]
    activities: Option<PathBuf>,
    /// Calculate a period of an inventory file instead (with its own GWP set and editions).
    #[arg(long, value_name = "FILE", requires = "period", conflicts_with_all = ["factors", "pins", "gwp"])]
    db: Option<PathBuf>,
    /// The period to calculate, with --db.
    #[arg(long, value_name = "YEAR", requires = "db")]
    period: Option<i32>,
    /// A factor file in the user format, or a user dataset folder (dataset.toml + factors);
    /// may be given several times. Its factors rank above shipped ones.
    #[arg(long = "factors", value_name = "FILE|DIR")]
    factors: Vec<PathBuf>,
    /// Use only this edition of a dataset, e.g. cn-mee-nbs-grid=2022; may be repeated.
    #[arg(long = "pin", value_name = "DATASET=EDITION")]
    pins: Vec<Pin>,
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
    to: Pin,
    #[arg(long = "factors", value_name = "FILE|DIR")]
    factors: Vec<PathBuf>,
    /// Editions the current calculation uses (as with `calc --pin`).
    #[arg(long = "pin", value_name = "DATASET=EDITION")]
    pins: Vec<Pin>,
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

/// Open the store named by `--db`, or return the exit code its failure already reported.
macro_rules! open_or_return {
    ($db:expr) => {
        match $db.open() {
            Ok(s) => s,
            Err(code) => return code,
        }
    };
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
        Command::Init(args) => init(&args),
        Command::Facility { command } => facility(command),
        Command::Period { command } => period(&lib, command),
        Command::Activity { command } => activity(&lib, *command),
        Command::Audit { command } => audit(command),
        Command::Backup { db, to } => backup(&db, &to),
        Command::Restore { from, db } => restore(&from, &db),
        Command::Import(args) => import_cmd::import(&lib, &args),
        Command::Template { command } => import_cmd::template(&lib, command),
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

pub fn print_diagnostics(diags: &[Diagnostic]) {
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
            (diags, Some(InputFile { file: name, sha256: scopebook_core::dataset::sha256_hex(&bytes) }))
        }
        Err(d) => (vec![d], None),
    }
}

/// Apply `--pin DATASET=EDITION` arguments; the error names a pin that matches nothing loaded.
fn apply_pins(lib: &mut FactorLibrary, pins: &[Pin]) -> Result<(), String> {
    for pin in pins {
        lib.pin(&pin.dataset, &pin.edition)?;
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
    let (Some(activities), None) = (&args.activities, &args.db) else {
        return calc_db(&lib, args);
    };
    let name = activities.display().to_string();
    let bytes = match read(activities) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            print_diagnostics(&diags);
            return ExitCode::from(1);
        }
    };
    let opts = CalcOptions { gwp_set: GwpSet::from(args.gwp), keep_lines: !args.summary };
    let run = Run::calculate(&lib, &name, &bytes, opts).with_factor_files(factor_files, diags);
    let report = run.report(!args.summary);
    let text = match args.format {
        Format::Json => report.to_json(),
        Format::Table => report.to_table(Rounding { decimals: args.decimals }),
        Format::Csv => report::to_csv(&report, &run.inventory, args.summary),
    };
    print_diagnostics(&run.diagnostics);
    let status = out(&text);
    if status != ExitCode::SUCCESS || !report.complete {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn factors(mut lib: FactorLibrary, command: FactorsCommand) -> ExitCode {
    match command {
        FactorsCommand::List { format } => out(&scopebook_core::listing::datasets(&lib, listing_format(format))),
        FactorsCommand::Search { text, filters, format } => {
            let f = scopebook_core::listing::Filters {
                activity: filters.activity,
                region: filters.region,
                gas: filters.gas,
                dataset: filters.dataset,
                edition: filters.edition,
                scope: filters.scope,
            };
            out(&scopebook_core::listing::search(&lib, &text, &f, listing_format(format)))
        }
        FactorsCommand::Show { id, format } => match lib.by_id(&id) {
            Some(f) => out(&scopebook_core::listing::show(&lib, f, listing_format(format))),
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
    let before = Run::calculate(&lib, &name, &bytes, opts);
    if let Err(e) = apply_pins(&mut lib, std::slice::from_ref(&args.to)) {
        eprintln!("scopebook: {e}");
        return ExitCode::from(2);
    }
    let after = Run::calculate(&lib, &name, &bytes, opts);
    // The findings of reading the file as a whole; the rows' are shown as the comparison.
    diags.extend(before.input_diagnostics().iter().cloned());
    print_diagnostics(&diags);
    let comparison = scopebook_core::compare::compare(&before.inventory, &after.inventory);
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

fn listing_format(f: ListFormat) -> scopebook_core::listing::Format {
    match f {
        ListFormat::Table => scopebook_core::listing::Format::Table,
        ListFormat::Json => scopebook_core::listing::Format::Json,
        ListFormat::Markdown => scopebook_core::listing::Format::Markdown,
    }
}

// ---- the inventory file (`--db`) ----

/// Print a store error's diagnostics; status 1.
fn fail(e: &StoreError) -> ExitCode {
    print_diagnostics(&e.diagnostics);
    ExitCode::from(1)
}

fn done(result: Result<String, StoreError>) -> ExitCode {
    match result {
        Ok(text) => out(&text),
        Err(e) => fail(&e),
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).map(|s| s + "\n").unwrap_or_default()
}

/// A plain text table: a header row and aligned columns.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut o = String::new();
    let line = |cells: &mut dyn Iterator<Item = &str>, o: &mut String| {
        let mut parts = Vec::new();
        for (c, w) in cells.zip(&widths) {
            let pad = w.saturating_sub(c.chars().count());
            parts.push(format!("{c}{}", " ".repeat(pad)));
        }
        o.push_str(parts.join("  ").trim_end());
        o.push('\n');
    };
    line(&mut header.iter().copied(), &mut o);
    for r in rows {
        line(&mut r.iter().map(String::as_str), &mut o);
    }
    o
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".to_string())
}

fn init(args: &InitArgs) -> ExitCode {
    let consolidation = match args.consolidation {
        ConsolidationArg::OperationalControl => store::Consolidation::OperationalControl,
        ConsolidationArg::FinancialControl => store::Consolidation::FinancialControl,
        ConsolidationArg::EquityShare => store::Consolidation::EquityShare,
    };
    let org = store::NewOrganisation { name: args.name.clone(), consolidation };
    done(Store::create(&args.db.db, &org, &args.db.user()).map(|_| {
        format!("created {} for {} ({})\n", args.db.db.display(), org.name.trim(), consolidation_text(consolidation))
    }))
}

fn consolidation_text(c: store::Consolidation) -> &'static str {
    match c {
        store::Consolidation::OperationalControl => "operational control",
        store::Consolidation::FinancialControl => "financial control",
        store::Consolidation::EquityShare => "equity share",
    }
}

fn facility(command: FacilityCommand) -> ExitCode {
    match command {
        FacilityCommand::Add {
            db,
            code,
            name,
            region,
            grid_region,
            kind,
            parent,
            equity_share,
            no_operational_control,
            no_financial_control,
            ets,
        } => {
            let mut s = open_or_return!(db);
            let f = store::NewFacility {
                code,
                name,
                kind: match kind {
                    KindArg::Facility => store::FacilityKind::Facility,
                    KindArg::LegalEntity => store::FacilityKind::LegalEntity,
                },
                parent,
                equity_share,
                operational_control: !no_operational_control,
                financial_control: !no_financial_control,
                region,
                grid_region,
                ets_covered: ets,
            };
            done(
                s.add_facility(&f).map(|f| format!("added {} {} ({}, id {})\n", f.kind.as_str(), f.code, f.name, f.id)),
            )
        }
        FacilityCommand::List { db, format } => {
            let s = open_or_return!(db);
            done(s.facilities().map(|fs| match format {
                StoreFormat::Json => json(&fs),
                StoreFormat::Table => {
                    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
                    let rows: Vec<Vec<String>> = fs
                        .iter()
                        .map(|f| {
                            vec![
                                f.code.clone(),
                                f.kind.as_str().to_string(),
                                f.name.clone(),
                                or_dash(&f.parent),
                                f.equity_share.clone(),
                                yes(f.operational_control),
                                yes(f.financial_control),
                                f.region.clone(),
                                or_dash(&f.grid_region),
                                yes(f.ets_covered),
                            ]
                        })
                        .collect();
                    table(
                        &[
                            "code",
                            "kind",
                            "name",
                            "parent",
                            "equity %",
                            "op. control",
                            "fin. control",
                            "region",
                            "grid",
                            "ETS",
                        ],
                        &rows,
                    )
                }
            }))
        }
    }
}

fn period_line(p: &store::ReportingPeriod) -> Vec<String> {
    let pins: Vec<String> = p.pins.iter().map(|(k, v)| format!("{k}={v}")).collect();
    vec![
        p.year.to_string(),
        p.start.clone(),
        p.end.clone(),
        p.status.as_str().to_string(),
        if p.base_year { "yes" } else { "no" }.to_string(),
        p.gwp_set.to_string(),
        if pins.is_empty() { "-".to_string() } else { pins.join(" ") },
    ]
}

fn period(lib: &FactorLibrary, command: PeriodCommand) -> ExitCode {
    match command {
        PeriodCommand::Add { db, year, start, end, gwp, base_year, pins } => {
            let pins = pin_map(&pins);
            let mut s = open_or_return!(db);
            let p = store::NewPeriod { year, start, end, base_year, gwp_set: GwpSet::from(gwp), pins };
            done(s.add_period(lib, &p).map(|p| {
                format!("added period {} ({}..{}, {}, {})\n", p.year, p.start, p.end, p.gwp_set, p.status.as_str())
            }))
        }
        PeriodCommand::Pin { db, year, pins, reason } => {
            let pins = pin_map(&pins);
            let mut s = open_or_return!(db);
            done(
                s.set_pins(lib, year, &pins, reason.as_deref())
                    .map(|p| format!("period {} now uses: {}\n", p.year, period_line(&p)[6])),
            )
        }
        PeriodCommand::Review { db, year } => {
            let mut s = open_or_return!(db);
            done(s.review_period(year).map(|p| format!("period {} is in review\n", p.year)))
        }
        PeriodCommand::Reopen { db, year } => {
            let mut s = open_or_return!(db);
            done(s.reopen_period(year).map(|p| format!("period {} is open\n", p.year)))
        }
        PeriodCommand::Lock { db, year } => {
            let mut s = open_or_return!(db);
            done(s.lock_period(lib, year).map(|snap| {
                format!(
                    "locked period {year}; snapshot {} stores the calculation (input sha256 {}, result sha256 {})\n",
                    snap.id, snap.input_sha256, snap.result_sha256
                )
            }))
        }
        PeriodCommand::List { db, format } => {
            let s = open_or_return!(db);
            done(s.periods().map(|ps| match format {
                StoreFormat::Json => json(&ps),
                StoreFormat::Table => table(
                    &["year", "start", "end", "status", "base year", "GWP", "pins"],
                    &ps.iter().map(period_line).collect::<Vec<_>>(),
                ),
            }))
        }
    }
}

fn activity_rows(records: &[store::ActivityRecord]) -> String {
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.facility.clone(),
                a.start.clone(),
                a.end.clone(),
                a.activity.clone(),
                a.quantity.clone(),
                a.unit.clone(),
                or_dash(&a.factor),
                or_dash(&a.region),
                or_dash(&a.evidence),
                match (a.status, a.supersedes) {
                    (store::RecordStatus::Superseded, _) => "superseded".to_string(),
                    (_, Some(o)) => format!("restates {o}"),
                    _ => "current".to_string(),
                },
            ]
        })
        .collect();
    table(
        &["id", "facility", "start", "end", "activity", "quantity", "unit", "factor", "region", "evidence", "status"],
        &rows,
    )
}

fn audit_rows(entries: &[store::AuditEntry]) -> String {
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                e.at.clone(),
                e.user.clone(),
                e.action.clone(),
                format!("{} {}", e.table, e.record),
                or_dash(&e.reason),
            ]
        })
        .collect();
    table(&["seq", "at", "user", "action", "record", "reason"], &rows)
}

fn activity(lib: &FactorLibrary, command: ActivityCommand) -> ExitCode {
    match command {
        ActivityCommand::Add { db, period, fields } => {
            let mut input = ActivityInput::default();
            if let Err(c) = fields.apply(&mut input) {
                return c;
            }
            let mut s = open_or_return!(db);
            done(s.add_activity(lib, period, &input).map(|a| format!("added record {} to period {}\n", a.id, a.period)))
        }
        ActivityCommand::Edit { db, id, fields, reason } => {
            let mut s = open_or_return!(db);
            let mut input = match s.activity(id) {
                Ok(a) => a.to_input(),
                Err(e) => return fail(&e),
            };
            if let Err(c) = fields.apply(&mut input) {
                return c;
            }
            done(s.update_activity(lib, id, &input, reason.as_deref()).map(|a| format!("changed record {}\n", a.id)))
        }
        ActivityCommand::Delete { db, id, reason } => {
            let mut s = open_or_return!(db);
            done(s.delete_activity(id, reason.as_deref()).map(|()| format!("deleted record {id}\n")))
        }
        ActivityCommand::Restate { db, id, fields, reason } => {
            let mut s = open_or_return!(db);
            let mut input = match s.activity(id) {
                Ok(a) => a.to_input(),
                Err(e) => return fail(&e),
            };
            if let Err(c) = fields.apply(&mut input) {
                return c;
            }
            done(
                s.restate_activity(lib, id, &input, &reason).map(|a| {
                    format!("record {id} is restated by record {}; the original is kept as superseded\n", a.id)
                }),
            )
        }
        ActivityCommand::List { db, period, all, format } => {
            let s = open_or_return!(db);
            done(s.activities(period, all).map(|rs| match format {
                StoreFormat::Json => json(&rs),
                StoreFormat::Table => activity_rows(&rs),
            }))
        }
        ActivityCommand::Export { db, period } => {
            let s = open_or_return!(db);
            done(s.export(period).map(|(bytes, _)| String::from_utf8_lossy(&bytes).into_owned()))
        }
        ActivityCommand::History { db, id, format } => {
            let s = open_or_return!(db);
            done(s.activity(id).and_then(|_| s.history("activity", id)).map(|es| match format {
                StoreFormat::Json => json(&es),
                StoreFormat::Table => audit_rows(&es),
            }))
        }
    }
}

fn audit(command: AuditCommand) -> ExitCode {
    match command {
        AuditCommand::Log { db, format } => {
            let s = open_or_return!(db);
            done(s.audit_log().map(|es| match format {
                StoreFormat::Json => json(&es),
                StoreFormat::Table => audit_rows(&es),
            }))
        }
        AuditCommand::Verify { db, expect_head } => {
            let s = open_or_return!(db);
            let checked = s.integrity_check().and_then(|()| s.verify());
            let v = match checked {
                Ok(v) => v,
                Err(e) => return fail(&e),
            };
            if let Some(head) = expect_head {
                let found = s.audit_log().map(|es| es.iter().any(|e| e.hash == head.trim()));
                match found {
                    Ok(true) => {}
                    Ok(false) => {
                        let d = Diagnostic::error(
                            Code::AuditChainBroken,
                            Location::file(s.name()),
                            format!(
                                "the chain no longer contains the head {} noted earlier: the log was rewritten",
                                head.trim()
                            ),
                        );
                        print_diagnostics(&[d]);
                        return ExitCode::from(1);
                    }
                    Err(e) => return fail(&e),
                }
            }
            let records: Vec<String> = v.records.iter().map(|(t, n)| format!("{n} {t}")).collect();
            out(&format!(
                "ok: {} audit entries; the hash chain is intact and replaying it gives exactly the stored data ({})\nhead: {}\n",
                v.entries,
                records.join(", "),
                v.head
            ))
        }
    }
}

fn backup(db: &DbArgs, to: &std::path::Path) -> ExitCode {
    let s = open_or_return!(db);
    done(s.backup(to).map(|()| format!("backed up {} to {} (checked)\n", db.db.display(), to.display())))
}

fn restore(from: &std::path::Path, db: &DbArgs) -> ExitCode {
    done(Store::restore(from, &db.db, &db.user()).and_then(|s| {
        let v = s.verify()?;
        Ok(format!("restored {} from {} ({} audit entries verified)\n", db.db.display(), from.display(), v.entries))
    }))
}

/// `scopebook calc --db FILE --period YEAR`: the same report as `calc` on the period's records
/// exported as an activity file, each line's `row` being its record id; a locked period is
/// compared with its snapshot.
fn calc_db(lib: &FactorLibrary, args: &CalcArgs) -> ExitCode {
    let (Some(path), Some(year)) = (&args.db, args.period) else {
        eprintln!("scopebook: calc needs an activity file, or --db FILE --period YEAR");
        return ExitCode::from(2);
    };
    let s = match Store::open(path, &store::default_user()) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let locked = matches!(s.period(year), Ok(p) if p.status == store::PeriodStatus::Locked);
    let calc = match s.calculate(lib, year, !args.summary || locked) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let report = calc.run.report(!args.summary);
    let text = match args.format {
        Format::Json => report.to_json(),
        Format::Table => report.to_table(Rounding { decimals: args.decimals }),
        Format::Csv => report::to_csv(&report, &calc.run.inventory, args.summary),
    };
    print_diagnostics(&calc.run.diagnostics);
    if locked {
        match s.compare_with_snapshot(&calc) {
            Ok(store::SnapshotComparison::Differs(d)) => print_diagnostics(&[d]),
            Ok(store::SnapshotComparison::Identical) => {
                eprintln!("note: period {year} is locked; this calculation is identical to the snapshot taken when it was locked");
            }
            Ok(store::SnapshotComparison::NoSnapshot) => {}
            Err(e) => return fail(&e),
        }
    }
    let status = out(&text);
    if status != ExitCode::SUCCESS || !report.complete {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
