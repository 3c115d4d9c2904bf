//! The Periods screen's exports (issue 13, decision 0044): a period's report and its auditor's
//! package, made by the same library calls as `scopebook report` and `scopebook export-package`
//! with the CLI's defaults (no `--price`, no `--reconcile`, no `--factors`, `--decimals 3`, the
//! fonts from `Fonts::default_dirs`), so the same file and period give the same bytes. The
//! report is written over an existing file, as the CLI does; a package never is (the CLI refuses
//! with `database-exists`) and is written beside its destination first, then renamed.
//!
//! The work runs on a blocking thread ([`crate::import::blocking`]): a report of a million lines
//! takes seconds and the window stays responsive meanwhile.

use std::io::Write as _;
use std::path::Path;

use scopebook_core::diagnostic::{Code, Diagnostic};
use scopebook_core::library::FactorLibrary;
use scopebook_core::report::Rounding;
use scopebook_package::ExportOptions;
use scopebook_report::position::{position_report, PositionSource};
use scopebook_report::{Fonts, Format, InventorySource, Kind, Lang, ReportError};
use scopebook_store::{EtsScheme, Store};
use tauri::{AppHandle, Manager};

use crate::api::{
    AppError, ErrorCode, ExportChoices, FieldError, PackageExportInput, PackageExported, ReportExportInput,
    ReportExported, ReportFormatId, ReportKindChoice, ReportKindId, ReportLanguage,
};
use crate::commands::{field_errors, internal, with_store, AppState};
use crate::import::blocking;
use crate::inventory::path_of;

type Result<T> = std::result::Result<T, AppError>;

/// The CLI's `--decimals` default.
pub(crate) const DECIMALS: u32 = 3;

fn kind_of(k: ReportKindId) -> Kind {
    match k {
        ReportKindId::Inventory => Kind::Inventory,
        ReportKindId::Position => Kind::Position,
        ReportKindId::CnEtsSheet => Kind::CnEtsSheet,
        ReportKindId::EuAer => Kind::EuAer,
    }
}

fn lang_of(l: ReportLanguage) -> Lang {
    match l {
        ReportLanguage::En => Lang::En,
        ReportLanguage::Zh => Lang::Zh,
        ReportLanguage::Both => Lang::Both,
    }
}

fn format_id(f: Format) -> ReportFormatId {
    match f {
        Format::Pdf => ReportFormatId::Pdf,
        Format::Xlsx => ReportFormatId::Xlsx,
        Format::Csv => ReportFormatId::Csv,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The formats a kind is written in (the CLI refuses a data sheet in any but .xlsx).
fn formats(kind: ReportKindId) -> Vec<ReportFormatId> {
    match kind {
        ReportKindId::Inventory | ReportKindId::Position => {
            vec![ReportFormatId::Pdf, ReportFormatId::Xlsx, ReportFormatId::Csv]
        }
        ReportKindId::CnEtsSheet | ReportKindId::EuAer => vec![ReportFormatId::Xlsx],
    }
}

/// The kinds the period's data can give: the inventory always; the position when a facility
/// is registered under an ETS; each scheme's data sheet when one is registered under it.
pub(crate) fn choices(s: &Store, year: i32) -> Result<ExportChoices> {
    s.period(year)?;
    let ets = s.ets_facilities()?;
    let under = |scheme: EtsScheme| ets.iter().any(|f| f.scheme == scheme);
    let mut kinds = vec![ReportKindId::Inventory];
    if !ets.is_empty() {
        kinds.push(ReportKindId::Position);
    }
    if under(EtsScheme::CnEts) {
        kinds.push(ReportKindId::CnEtsSheet);
    }
    if under(EtsScheme::EuEts) {
        kinds.push(ReportKindId::EuAer);
    }
    Ok(ExportChoices {
        year,
        kinds: kinds.into_iter().map(|kind| ReportKindChoice { kind, formats: formats(kind) }).collect(),
    })
}

/// A report that could not be made, as the UI's error: the store's refusals and the data's
/// findings located, as the CLI prints them.
fn report_error(e: ReportError) -> AppError {
    match e {
        ReportError::Store(e) => e.into(),
        ReportError::Refused(diags) => refused(&diags),
        ReportError::Fonts(message) => AppError {
            code: ErrorCode::Io,
            message: message.clone(),
            details: vec![FieldError::error("fonts", Code::UnreadableFile, message)],
        },
        ReportError::NotAvailable(message) => AppError { code: ErrorCode::Conflict, message, details: vec![] },
        other @ (ReportError::Template(_) | ReportError::Workbook(_)) => {
            AppError { code: ErrorCode::Internal, message: other.to_string(), details: vec![] }
        }
    }
}

fn refused(diags: &[Diagnostic]) -> AppError {
    let first = diags.first().map(|d| d.message.clone()).unwrap_or_default();
    let message = match diags.len() {
        0 | 1 => first,
        n => format!("{first} (and {} more problems)", n - 1),
    };
    AppError { code: ErrorCode::Validation, message, details: field_errors(diags) }
}

fn usage(field: &str, message: String) -> AppError {
    AppError {
        code: ErrorCode::Validation,
        message: message.clone(),
        details: vec![FieldError::error(field, Code::InvalidValue, message)],
    }
}

/// The report's bytes and the records it leaves out, as `scopebook report` makes them.
pub(crate) fn report_bytes(
    s: &Store,
    lib: &FactorLibrary,
    year: i32,
    kind: ReportKindId,
    lang: ReportLanguage,
    format: Format,
) -> Result<(Vec<u8>, usize)> {
    let (k, lang) = (kind_of(kind), lang_of(lang));
    k.available().map_err(report_error)?;
    if !formats(kind).contains(&format_id(format)) {
        return Err(usage("path", format!("a {} report is a workbook: choose a .xlsx file", k.as_str())));
    }
    match k {
        Kind::CnEtsSheet => {
            return Ok((scopebook_report::cn_sheet::cn_ets_sheet(s, lib, year, lang).map_err(report_error)?, 0))
        }
        Kind::EuAer => return Ok((scopebook_report::eu_aer::eu_aer(s, lib, year, lang).map_err(report_error)?, 0)),
        Kind::Inventory | Kind::Position => {}
    }
    let fonts = match format {
        Format::Pdf => Some(Fonts::load(&Fonts::default_dirs()).map_err(report_error)?),
        Format::Xlsx | Format::Csv => None,
    };
    let rounding = Rounding { decimals: DECIMALS };
    if k == Kind::Position {
        let src = PositionSource::gather(s, year, &[]).map_err(report_error)?;
        let bytes = position_report(&src, format, lang, rounding, fonts.as_ref()).map_err(report_error)?;
        return Ok((bytes, 0));
    }
    let source = InventorySource::gather(s, lib, year, format == Format::Xlsx).map_err(report_error)?;
    let bytes = scopebook_report::inventory(&source, format, lang, rounding, fonts.as_ref()).map_err(report_error)?;
    let left_out = if source.calculation.run.report(false).complete {
        0
    } else {
        source.calculation.run.inventory.unresolved.len().max(1)
    };
    Ok((bytes, left_out))
}

/// Make the report and write it to `input.path` (over an existing file, as the CLI does).
pub(crate) fn export_report(s: &Store, lib: &FactorLibrary, input: &ReportExportInput) -> Result<ReportExported> {
    let path = path_of("path", &input.path)?;
    let Some(format) = Format::from_path(&path) else {
        return Err(usage(
            "path",
            format!("{}: the file's extension names the format: .pdf, .xlsx or .csv", path.display()),
        ));
    };
    let (bytes, left_out) = report_bytes(s, lib, input.year, input.kind, input.lang, format)?;
    std::fs::write(&path, &bytes).map_err(|e| cannot_write(&path, &e))?;
    Ok(ReportExported {
        path: path.display().to_string(),
        format: format_id(format),
        bytes: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        left_out: count(left_out),
    })
}

fn cannot_write(path: &Path, e: &std::io::Error) -> AppError {
    let message = format!("cannot write {}: {e}", path.display());
    AppError {
        code: ErrorCode::Io,
        message: message.clone(),
        details: vec![FieldError::error("path", Code::UnreadableFile, message)],
    }
}

/// Make the package and write it to `input.path`, which must not exist (as the CLI).
pub(crate) fn export_package(s: &Store, lib: &FactorLibrary, input: &PackageExportInput) -> Result<PackageExported> {
    let path = path_of("path", &input.path)?;
    if path.exists() {
        let message =
            format!("{} exists; a package never overwrites a file: remove it or choose another name", path.display());
        return Err(AppError {
            code: ErrorCode::Conflict,
            message: message.clone(),
            details: vec![FieldError::error("path", Code::DatabaseExists, message)],
        });
    }
    let package = scopebook_package::export(s, lib, input.year, &ExportOptions::default())?;
    // Written beside the destination, then renamed: a reader never sees half a package.
    let partial = path.with_extension("zip.partial");
    let written = std::fs::File::create(&partial)
        .and_then(|mut f| f.write_all(&package.bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&partial, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(cannot_write(&path, &e));
    }
    Ok(PackageExported {
        path: path.display().to_string(),
        bytes: u64::try_from(package.bytes.len()).unwrap_or(u64::MAX),
        root_hash: package.root_hash,
        files: count(package.files),
        records: count(package.records),
        lines: count(package.lines),
        withheld_lines: count(package.withheld_lines),
        withheld_datasets: package.withheld_datasets,
    })
}

/// The report kinds and formats period `year` of the open file can give.
#[tauri::command]
pub async fn export_choices(app: AppHandle, year: i32) -> Result<ExportChoices> {
    blocking(move || with_store(&app.state::<AppState>(), |s| choices(s, year))).await
}

/// `scopebook report` for the open file: the report written to the path typed or picked.
#[tauri::command]
pub async fn export_report_file(app: AppHandle, input: ReportExportInput) -> Result<ReportExported> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| export_report(s, &lib, &input))
    })
    .await
}

/// `scopebook export-package` for the open file: the auditor's package written to the path.
#[tauri::command]
pub async fn export_package_file(app: AppHandle, input: PackageExportInput) -> Result<PackageExported> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| export_package(s, &lib, &input))
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::sz_input as input;
    use scopebook_store::{Consolidation, NewFacility, NewPeriod};

    /// A store with three records in a fresh folder, period 2023 locked; with `unresolved`, a
    /// fourth names a user's factor the shipped library does not have (and the period stays
    /// open: it cannot be locked).
    fn store(name: &str, lib: &FactorLibrary, unresolved: bool) -> (std::path::PathBuf, Store) {
        let (dir, mut s) = crate::testing::new_store("exports", name, Consolidation::OperationalControl);
        s.add_facility(&NewFacility::new("SZ", "Suzhou", "CN-JS")).unwrap();
        s.add_period(lib, &NewPeriod::year(2023)).unwrap();
        s.add_activity(lib, 2023, &input("grid_electricity", "1000", "kWh", None)).unwrap();
        s.add_activity(lib, 2023, &input("natural_gas", "1.25", "10^4 Nm3", None)).unwrap();
        s.add_activity(lib, 2023, &input("diesel", "2", "t", None)).unwrap();
        if unresolved {
            let mine = crate::testing::with_widget(lib);
            s.add_activity(&mine, 2023, &input("purchased_widgets", "10", "kg", Some("mine.widget"))).unwrap();
        }
        if !unresolved {
            s.lock_period(lib, 2023).unwrap();
        }
        (dir, s)
    }

    fn report_input(dir: &Path, file: &str, kind: ReportKindId, lang: ReportLanguage) -> ReportExportInput {
        ReportExportInput { year: 2023, kind, lang, path: dir.join(file).display().to_string() }
    }

    /// The bytes `scopebook report --db F --period 2023 --kind inventory --lang L --out X.ext`
    /// writes: the calls of src/cmd/report.rs with its defaults.
    fn cli_inventory(s: &Store, lib: &FactorLibrary, format: Format, lang: Lang) -> Vec<u8> {
        let fonts = (format == Format::Pdf).then(|| Fonts::load(&Fonts::default_dirs()).unwrap());
        let source = InventorySource::gather(s, lib, 2023, format == Format::Xlsx).unwrap();
        scopebook_report::inventory(&source, format, lang, Rounding { decimals: 3 }, fonts.as_ref()).unwrap()
    }

    #[test]
    fn the_report_written_is_the_clis_bytes_in_each_format() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, s) = store("report", &lib, false);
        for (file, format, lang) in [
            ("r.csv", Format::Csv, ReportLanguage::En),
            ("r.xlsx", Format::Xlsx, ReportLanguage::Zh),
            ("r.pdf", Format::Pdf, ReportLanguage::Both),
        ] {
            let done = export_report(&s, &lib, &report_input(&dir, file, ReportKindId::Inventory, lang)).unwrap();
            let written = std::fs::read(dir.join(file)).unwrap();
            assert_eq!(written, cli_inventory(&s, &lib, format, lang_of(lang)), "{file}");
            assert_eq!((done.bytes, done.left_out, done.format), (written.len() as u64, 0, format_id(format)));
        }
        // A rerun over the same file gives the same bytes.
        let before = std::fs::read(dir.join("r.pdf")).unwrap();
        export_report(&s, &lib, &report_input(&dir, "r.pdf", ReportKindId::Inventory, ReportLanguage::Both)).unwrap();
        assert_eq!(std::fs::read(dir.join("r.pdf")).unwrap(), before);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_report_leaving_out_records_is_written_and_says_how_many() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, s) = store("left-out", &lib, true);
        let done =
            export_report(&s, &lib, &report_input(&dir, "r.csv", ReportKindId::Inventory, ReportLanguage::En)).unwrap();
        assert_eq!(done.left_out, 1);
        assert!(dir.join("r.csv").is_file());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn wrong_extensions_and_kinds_are_refused_as_the_cli_refuses_them() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, s) = store("refused", &lib, false);
        let e = export_report(&s, &lib, &report_input(&dir, "r.docx", ReportKindId::Inventory, ReportLanguage::En))
            .unwrap_err();
        assert_eq!((e.code, e.details[0].code.0), (ErrorCode::Validation, Code::InvalidValue));
        let e = export_report(&s, &lib, &report_input(&dir, "s.pdf", ReportKindId::CnEtsSheet, ReportLanguage::En))
            .unwrap_err();
        assert!(e.message.contains(".xlsx"), "{}", e.message);
        // No ETS data: the position report is refused with the library's findings, and the
        // panel does not offer it.
        let e = export_report(&s, &lib, &report_input(&dir, "p.csv", ReportKindId::Position, ReportLanguage::En))
            .unwrap_err();
        assert_ne!(e.code, ErrorCode::Internal, "{}", e.message);
        let offered: Vec<ReportKindId> = choices(&s, 2023).unwrap().kinds.into_iter().map(|k| k.kind).collect();
        assert_eq!(offered, vec![ReportKindId::Inventory]);
        assert_eq!(choices(&s, 1999).unwrap_err().code, ErrorCode::NotFound);
        let blank = ReportExportInput {
            path: " ".into(),
            ..report_input(&dir, "", ReportKindId::Inventory, ReportLanguage::En)
        };
        let e = export_report(&s, &lib, &blank).unwrap_err();
        assert_eq!(e.details[0].code.0, Code::MissingValue);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_package_written_is_the_libraries_bytes_verifies_and_never_overwrites() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, s) = store("package", &lib, false);
        let path = dir.join("p.zip");
        let input = PackageExportInput { year: 2023, path: path.display().to_string() };
        let done = export_package(&s, &lib, &input).unwrap();
        let written = std::fs::read(&path).unwrap();
        let expected = scopebook_package::export(&s, &lib, 2023, &ExportOptions::default()).unwrap();
        assert_eq!(written, expected.bytes);
        assert_eq!(done.root_hash, expected.root_hash);
        assert_eq!((done.bytes, done.records, done.lines), (written.len() as u64, 3, 3));
        assert!(scopebook_package::verify("p.zip", &written).verified);
        assert!(!dir.join("p.zip.partial").exists());
        let e = export_package(&s, &lib, &input).unwrap_err();
        assert_eq!((e.code, e.details[0].code.0), (ErrorCode::Conflict, Code::DatabaseExists));
        assert_eq!(std::fs::read(&path).unwrap(), written);
        let _ = std::fs::remove_dir_all(dir);
    }
}
