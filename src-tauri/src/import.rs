//! The import wizard's commands (issue 6): inspect a file, preview an import (a dry run), run
//! it (all or nothing, or valid rows only with the skipped rows written to a CSV), cancel it,
//! write the blank import workbook, and say where an imported record came from. Each one calls
//! `scopebook_import` exactly as `scopebook import` does and maps the outcome onto the wire
//! types.
//!
//! Reading and importing run on a blocking thread (`spawn_blocking`), so the window stays
//! responsive and `import_cancel` (which only sets an atomic flag, never waits for the store's
//! lock) can arrive while an import holds the store. Progress reaches the UI as
//! `import-progress` events, at most about every 100 ms and 1 %.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use scopebook_core::diagnostic::Code;
use scopebook_import::mapping::{Field, Lang};
use scopebook_import::pipeline::{self, ImportError, ImportOptions, MappingSource, Mode, Outcome, Preview, Stage};
use scopebook_import::read::{self, FileRows, ReadError, ReadErrorCode, ReadOptions, RowBlocks};
use scopebook_import::template;
use scopebook_store::{self as store, Store};
use tauri::{AppHandle, Emitter, Manager};

use crate::api::*;
use crate::commands::{internal, io_error, wire_id, with_store, AppState};
use crate::inventory::path_of;

type Result<T> = std::result::Result<T, AppError>;

/// The event the UI listens to while an import runs.
pub const PROGRESS_EVENT: &str = "import-progress";

/// How many rows the inspection shows.
const SAMPLE_ROWS: usize = 20;

/// Rows counted at a time when the inspection counts a file's rows.
const COUNT_BLOCK: usize = 10_000;

/// The import state of the app: the cancel flag. No file is kept between the wizard's steps:
/// each step opens the file again and a CSV is read a block at a time (decision 0028), so
/// that the app's memory does not grow with the file (issue 10).
#[derive(Default)]
pub(crate) struct ImportState {
    pub cancel: AtomicBool,
}

fn validation(field: &str, code: Code, message: String) -> AppError {
    AppError {
        code: ErrorCode::Validation,
        message: message.clone(),
        details: vec![FieldError::error(field, code, message)],
    }
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A refused file, located: the wizard's field the problem belongs to, and the catalogue code the
/// library gives the refusal (the one `scopebook import` prints).
fn read_error(e: &ReadError) -> AppError {
    let field = match e.code {
        ReadErrorCode::SheetNotFound => "sheet",
        ReadErrorCode::HeaderNotFound | ReadErrorCode::MergedHeader | ReadErrorCode::DuplicateHeader => "header_row",
        ReadErrorCode::Encoding => "encoding",
        _ => "path",
    };
    let mut err = validation(field, e.code.diagnostic_code(), e.to_string());
    if e.code == ReadErrorCode::Io {
        err.code = ErrorCode::Io;
    }
    err
}

/// An import that could not be checked row by row, with a detail per problem (the field of a
/// mapping problem, so the wizard marks its select).
impl From<ImportError> for AppError {
    fn from(e: ImportError) -> AppError {
        match e {
            ImportError::Store(s) => AppError::from(s),
            other => import_error(&other),
        }
    }
}

fn import_error(e: &ImportError) -> AppError {
    match e {
        ImportError::Store(s) => AppError::from(s.clone()),
        // A file refused part-way through, as it is refused when read whole.
        ImportError::Read(r) => read_error(r),
        ImportError::NoTemplate { .. } => {
            let mut err = validation("template", Code::UnknownRecord, e.to_string());
            err.code = ErrorCode::NotFound;
            err
        }
        ImportError::Mapping { problems, .. } => {
            let diags = e.diagnostics();
            let details: Vec<FieldError> = problems
                .iter()
                .zip(&diags)
                .map(|(p, d)| {
                    use scopebook_import::mapping::MappingProblem as P;
                    let field = match p {
                        P::MissingField { field }
                        | P::HeaderNotInFile { field, .. }
                        | P::AmbiguousHeader { field, .. } => field.as_str().to_string(),
                        P::SharedColumn { fields, .. } => fields.first().map(|f| f.as_str()).unwrap_or("").to_string(),
                    };
                    FieldError::error(&field, d.code, p.to_string())
                })
                .collect();
            let first = details.first().map(|d| d.message.clone()).unwrap_or_else(|| e.to_string());
            let message = match details.len() {
                0 | 1 => first,
                n => format!("{first} (and {} more problems)", n - 1),
            };
            AppError { code: ErrorCode::Validation, message, details }
        }
    }
}

fn read_options(r: &ImportReadOptions) -> Result<ReadOptions> {
    let delimiter = read::parse_delimiter(&r.delimiter).map_err(|m| validation("delimiter", Code::OutOfRange, m))?;
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(ReadOptions {
        sheet: text(&r.sheet),
        header_row: (r.header_row > 0).then_some(r.header_row as usize),
        delimiter,
        encoding: text(&r.encoding),
        ..ReadOptions::default()
    })
}

/// Open the file for the wizard: a CSV to be read a block at a time, a workbook read whole
/// (`read::open`, as `scopebook import` opens it).
fn open_file(path: &Path, opts: &ReadOptions) -> Result<FileRows> {
    let meta = std::fs::metadata(path).map_err(|e| {
        let mut err = validation("path", Code::UnreadableFile, format!("cannot read {}: {e}", path.display()));
        if e.kind() != std::io::ErrorKind::NotFound {
            err.code = ErrorCode::Io;
        }
        err
    })?;
    if !meta.is_file() {
        return Err(validation("path", Code::UnreadableFile, format!("{} is not a file", path.display())));
    }
    read::open(path, opts).map_err(|e| read_error(&e))
}

/// The first `SAMPLE_ROWS` rows of an opened file, and how many data rows it has (the rest is
/// read a block at a time and dropped).
fn sample_and_count(file: &mut FileRows) -> Result<(Vec<SampleRow>, u64)> {
    let sample = file
        .next_block(SAMPLE_ROWS)
        .map_err(|e| read_error(&e))?
        .map(|rows| {
            rows.iter()
                .map(|r| SampleRow {
                    row: u32::try_from(r.line).unwrap_or(u32::MAX),
                    cells: r.cells.iter().map(|c| c.display_text()).collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    while file.next_block(COUNT_BLOCK).map_err(|e| read_error(&e))?.is_some() {}
    Ok((sample, file.rows_read()))
}

fn source_view(s: &MappingSource) -> MappingSourceView {
    match s {
        MappingSource::Template { name } => {
            MappingSourceView { kind: MappingSourceKind::Template, name: Some(name.clone()) }
        }
        MappingSource::SameHeaders { name } => {
            MappingSourceView { kind: MappingSourceKind::SameHeaders, name: Some(name.clone()) }
        }
        MappingSource::Guess => MappingSourceView { kind: MappingSourceKind::Guess, name: None },
    }
}

fn choices(m: &std::collections::BTreeMap<Field, String>) -> Vec<ColumnChoice> {
    m.iter().map(|(f, h)| ColumnChoice { field: f.as_str().to_string(), header: h.clone() }).collect()
}

fn fields() -> Vec<ImportField> {
    Field::ALL
        .iter()
        .map(|f| ImportField {
            field: f.as_str().to_string(),
            label_en: f.label(Lang::En).to_string(),
            label_zh: f.label(Lang::Zh).to_string(),
            required: f.required(),
        })
        .collect()
}

fn text_option(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The user's choices as the pipeline's options.
fn options(req: &ImportRequest, mode: Mode) -> Result<ImportOptions> {
    let mut columns = std::collections::BTreeMap::new();
    for c in &req.columns {
        let field = Field::parse(&c.field).ok_or_else(|| {
            validation(&c.field, Code::UnknownColumn, format!("'{}' is not a field Scopebook imports", c.field))
        })?;
        columns.insert(field, c.header.trim().to_string());
    }
    let mut values = Vec::new();
    for v in &req.values {
        if !v.value.trim().is_empty() && !v.target.trim().is_empty() {
            values.push((v.kind.into(), v.value.trim().to_string(), v.target.trim().to_string()));
        }
    }
    Ok(ImportOptions {
        year: req.year,
        template: text_option(&req.template),
        columns,
        values,
        save_template: text_option(&req.save_template),
        mode,
    })
}

/// Reports progress as events (throttled) and reads the cancel flag.
struct Reporter<'a> {
    app: &'a AppHandle,
    cancel: &'a AtomicBool,
    last: Mutex<Option<(Instant, Stage, u64)>>,
}

impl pipeline::Progress for Reporter<'_> {
    fn report(&self, stage: Stage, done: u64, total: u64) {
        let Ok(mut last) = self.last.lock() else { return };
        let now = Instant::now();
        let due = match *last {
            None => true,
            Some((at, s, d)) => {
                s != stage
                    || done >= total
                    || (now.duration_since(at) >= Duration::from_millis(100)
                        && done.saturating_sub(d).saturating_mul(100) >= total)
            }
        };
        if due {
            *last = Some((now, stage, done));
            let _ = self
                .app
                .emit(PROGRESS_EVENT, ImportProgress { stage: stage.into(), done: count(done), total: count(total) });
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

fn preview_view(p: &Preview, skipped_file: Option<String>) -> ImportPreview {
    let opt_id = |id: Option<i64>| id.map(wire_id);
    ImportPreview {
        file: p.file.clone(),
        sha256: p.sha256.clone(),
        period: p.period,
        mapping: choices(&p.mapping),
        mapping_source: source_view(&p.mapping_source),
        unmapped_columns: p.unmapped_columns.clone(),
        rows_read: count(p.rows_read),
        rows_valid: count(p.rows_valid),
        rows_with_problems: count(p.rows_with_problems),
        problems: p
            .problems
            .iter()
            .take(PROBLEMS_SHOWN)
            .map(|pr| ImportProblem {
                row: count(pr.row),
                column: pr.column.clone().unwrap_or_default(),
                field: pr.field.map(|f| f.as_str().to_string()).unwrap_or_default(),
                value: pr.value.clone().unwrap_or_default(),
                code: pr.code.into(),
                severity: pr.severity.into(),
                message: pr.message.clone(),
            })
            .collect(),
        problems_total: u32::try_from(p.problems.len()).unwrap_or(u32::MAX),
        duplicates: p
            .duplicates
            .iter()
            .map(|d| ImportDuplicate { row: count(d.row), of_record: opt_id(d.of_record), of_row: d.of_row.map(count) })
            .collect(),
        unknown_values: p
            .unknown_values
            .iter()
            .map(|u| UnknownValueView {
                kind: u.kind.into(),
                value: u.value.clone(),
                rows: count(u.rows),
                first_row: count(u.first_row),
                suggestions: u.suggestions.clone(),
            })
            .collect(),
        mapped_values: p
            .mapped_values
            .iter()
            .map(|m| MappedValueView {
                kind: m.kind.into(),
                value: m.value.clone(),
                to: m.to.clone(),
                by: m.by.into(),
                rows: count(m.rows),
            })
            .collect(),
        emissions: Totals {
            scope1: p.emissions.scope1.clone(),
            scope2_location: p.emissions.scope2_location.clone(),
            scope2_market: p.emissions.scope2_market.clone(),
            scope3: p.emissions.scope3.clone(),
            biogenic_co2: p.emissions.biogenic_co2.clone(),
        },
        warnings: p.warnings.clone(),
        earlier_imports: p
            .earlier_imports
            .iter()
            .map(|e| EarlierImportView {
                id: wire_id(e.id),
                imported_at: e.imported_at.clone(),
                imported_by: e.imported_by.clone(),
                records: u32::try_from(e.records).unwrap_or(0),
            })
            .collect(),
        outcome: match p.outcome {
            Outcome::Checked => ImportOutcome::Checked,
            Outcome::Imported => ImportOutcome::Imported,
            Outcome::Refused => ImportOutcome::Refused,
            Outcome::Cancelled => ImportOutcome::Cancelled,
        },
        import_id: opt_id(p.import_id),
        records_imported: count(p.records_imported),
        first_record: opt_id(p.first_record),
        last_record: opt_id(p.last_record),
        skipped_file,
    }
}

/// Run `f` on a blocking thread (imports, and the dashboard's calculations).
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| AppError {
        code: ErrorCode::Internal,
        message: format!("the background task stopped: {e}"),
        details: vec![],
    })?
}

fn inspect(state: &AppState, path: &str, read: &ImportReadOptions, template: &str) -> Result<ImportInspection> {
    let path = path_of("path", path)?;
    let mut file = open_file(&path, &read_options(read)?)?;
    let head = file.head().clone();
    let opts = ImportOptions { template: text_option(template), ..ImportOptions::default() };
    let (mapping, source, templates) = with_store(state, |s| {
        let (m, src) = pipeline::choose_mapping(s, &head, &opts)?;
        let templates = s.templates()?.into_iter().map(|t| t.name).collect();
        Ok((m, src, templates))
    })?;
    let (sample, rows) = sample_and_count(&mut file)?;
    Ok(ImportInspection {
        file: head.file,
        path: path.display().to_string(),
        format: head.format.as_str().to_string(),
        sheets: head.sheets,
        sheet: head.sheet,
        encoding: head.encoding,
        delimiter: head.delimiter.map(|d| if d == b'\t' { "tab".to_string() } else { char::from(d).to_string() }),
        header_row: u32::try_from(head.header_row).unwrap_or(u32::MAX),
        headers: head.headers,
        rows_total: u32::try_from(rows).unwrap_or(u32::MAX),
        sample,
        mapping: choices(&mapping.columns),
        mapping_source: source_view(&source),
        fields: fields(),
        templates,
    })
}

fn run(app: &AppHandle, req: &ImportRequest, mode: Mode) -> Result<ImportPreview> {
    let state = app.state::<AppState>();
    let path = path_of("path", &req.path)?;
    let read_opts = read_options(&req.read)?;
    let mut file = open_file(&path, &read_opts)?;
    let opts = options(req, mode)?;
    state.import.cancel.store(false, Ordering::Relaxed);
    let progress = Reporter { app, cancel: &state.import.cancel, last: Mutex::new(None) };
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let preview =
        with_store(&state, |s| pipeline::run_file(s, &lib, &mut file, &opts, &progress).map_err(AppError::from))?;
    let mut skipped = None;
    if mode == Mode::ValidRowsOnly && preview.outcome == Outcome::Imported && preview.rows_with_problems > 0 {
        let to = text_option(&req.skipped_path).map(PathBuf::from).unwrap_or_else(|| pipeline::skipped_path(&path));
        let written = |why: String| AppError {
            code: ErrorCode::Io,
            message: format!(
                "import #{} was written, but the skipped rows could not be saved to {}: {why}",
                preview.import_id.unwrap_or_default(),
                to.display()
            ),
            details: vec![],
        };
        // The file is read again for the rows skipped, as `scopebook import` does.
        let bytes = read::open(&path, &read_opts)
            .and_then(|mut again| pipeline::skipped_rows_csv_from(&mut again, &preview))
            .map_err(|e| written(e.to_string()))?;
        std::fs::write(&to, bytes).map_err(|e| written(e.to_string()))?;
        skipped = Some(to.display().to_string());
    }
    Ok(preview_view(&preview, skipped))
}

/// Read a file (`sheet`, `header_row`, `delimiter`, `encoding` when the user set them) and
/// show what was found: headers, the first rows, and the mapping the import starts from (the
/// named template, a template saved for the same headers, or a guess from the header names).
#[tauri::command]
pub async fn import_inspect(
    app: AppHandle,
    path: String,
    read: ImportReadOptions,
    template: String,
) -> Result<ImportInspection> {
    blocking(move || inspect(&app.state::<AppState>(), &path, &read, &template)).await
}

/// A dry run: every problem, duplicates, unknown values and the emissions the import would
/// add. Nothing is written.
#[tauri::command]
pub async fn import_preview(app: AppHandle, request: ImportRequest) -> Result<ImportPreview> {
    blocking(move || run(&app, &request, Mode::DryRun)).await
}

/// The import itself: all or nothing (refused with any problem), or the valid rows only, with
/// the skipped rows written to a CSV with a reason column.
#[tauri::command]
pub async fn import_run(app: AppHandle, request: ImportRequest, mode: ImportRunMode) -> Result<ImportPreview> {
    let mode = match mode {
        ImportRunMode::AllOrNothing => Mode::AllOrNothing,
        ImportRunMode::ValidRowsOnly => Mode::ValidRowsOnly,
    };
    blocking(move || run(&app, &request, mode)).await
}

/// Ask the running import to stop; it then writes nothing (outcome `cancelled`).
#[tauri::command]
pub fn import_cancel(state: tauri::State<'_, AppState>) {
    state.import.cancel.store(true, Ordering::Relaxed);
}

/// The facility codes of the open organisation (none when no file is open).
fn facility_codes(state: &AppState) -> Result<Vec<String>> {
    let guard = state.lock_store()?;
    let Some(s) = guard.as_ref() else { return Ok(vec![]) };
    Ok(s.facilities()?.into_iter().filter(|f| f.kind == store::FacilityKind::Facility).map(|f| f.code).collect())
}

/// Write the blank import workbook (.xlsx) in English or Chinese, with the open organisation's
/// facilities in its dropdown; refused when the file exists. Returns the path.
#[tauri::command]
pub async fn template_export(app: AppHandle, input: TemplateExportInput) -> Result<String> {
    blocking(move || {
        let state = app.state::<AppState>();
        let path = path_of("template_path", &input.path)?;
        if path.exists() {
            return Err(AppError {
                code: ErrorCode::Conflict,
                message: format!("{} already exists; choose a new file name", path.display()),
                details: vec![FieldError::error(
                    "template_path",
                    Code::DatabaseExists,
                    format!("{} already exists", path.display()),
                )],
            });
        }
        let lang = match input.lang {
            Language::En => Lang::En,
            Language::Zh => Lang::Zh,
        };
        let facilities = facility_codes(&state)?;
        let year = (input.year != 0).then_some(input.year);
        let bytes = {
            let lib = state.library.read().map_err(|_| internal("the factor library"))?;
            template::write_template(&lib, lang, &facilities, year).map_err(|e| match e {
                template::TemplateError::Year(_) => validation("template_year", Code::OutOfRange, e.to_string()),
                template::TemplateError::Xlsx(_) => {
                    AppError { code: ErrorCode::Internal, message: e.to_string(), details: vec![] }
                }
            })?
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| io_error(&format!("cannot create the folder {}", dir.display()), &e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io_error(&format!("cannot write {}", path.display()), &e))?;
        Ok(path.display().to_string())
    })
    .await
}

/// Where record `id` came from, when it was imported (`None` for a record typed in).
#[tauri::command]
pub fn record_lineage(state: tauri::State<'_, AppState>, id: u32) -> Result<Option<RecordLineage>> {
    with_store(&state, |s: &mut Store| {
        Ok(s.lineage(i64::from(id))?.map(|l| RecordLineage {
            import_id: wire_id(l.import.id),
            file_name: l.import.file_name,
            file_sha256: l.import.file_sha256,
            source_row: u32::try_from(l.source_row).unwrap_or(0),
            imported_at: l.import.imported_at,
            imported_by: l.import.imported_by,
        }))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use scopebook_import::values;

    #[test]
    fn read_options_take_empty_text_as_detect() {
        let o = read_options(&ImportReadOptions::default()).unwrap();
        assert_eq!(o, ReadOptions::default());
        let o = read_options(&ImportReadOptions {
            sheet: " Data ".into(),
            header_row: 3,
            delimiter: "tab".into(),
            encoding: "gbk".into(),
        })
        .unwrap();
        assert_eq!(
            (o.sheet.as_deref(), o.header_row, o.delimiter, o.encoding.as_deref()),
            (Some("Data"), Some(3), Some(b'\t'), Some("gbk"))
        );
        let err = read_options(&ImportReadOptions { delimiter: ";;".into(), ..Default::default() }).unwrap_err();
        assert_eq!((err.code, err.details[0].field.as_str()), (ErrorCode::Validation, "delimiter"));
    }

    #[test]
    fn the_request_becomes_the_pipeline_options() {
        let req = ImportRequest {
            year: 2023,
            columns: vec![ColumnChoice { field: "quantity".into(), header: "用量".into() }],
            values: vec![ValueChoiceInput { kind: ValueKind::Unit, value: "立方米".into(), target: "m3".into() }],
            save_template: " monthly ".into(),
            ..Default::default()
        };
        let o = options(&req, Mode::DryRun).unwrap();
        assert_eq!(o.columns.get(&Field::Quantity).map(String::as_str), Some("用量"));
        assert_eq!(o.values, vec![(values::ValueKind::Unit, "立方米".to_string(), "m3".to_string())]);
        assert_eq!(o.save_template.as_deref(), Some("monthly"));
        assert_eq!(o.template, None);
        let bad = ImportRequest { columns: vec![ColumnChoice { field: "nonsense".into(), header: "x".into() }], ..req };
        assert_eq!(options(&bad, Mode::DryRun).unwrap_err().code, ErrorCode::Validation);
    }

    #[test]
    fn the_wizard_offers_the_sector_and_fuel_parameter_fields_with_both_labels() {
        let offered = fields();
        for (name, zh) in [
            ("sector", "行业"),
            ("ncv_gj_per_unit", "低位发热量"),
            ("carbon_t_per_gj", "单位热值含碳量"),
            ("oxidation", "碳氧化率"),
            ("parameter_source", "参数来源"),
        ] {
            let f = offered.iter().find(|f| f.field == name);
            assert!(f.is_some(), "{name} is not offered");
            let f = f.unwrap();
            assert_eq!(f.label_zh, zh);
            assert!(!f.label_en.is_empty() && !f.required, "{name}");
        }
    }

    #[test]
    fn a_mapping_problem_names_its_field() {
        let e = ImportError::Mapping {
            file: "f.csv".into(),
            problems: vec![scopebook_import::mapping::MappingProblem::MissingField { field: Field::Unit }],
            headers: vec!["a".into()],
        };
        let err = AppError::from(e);
        assert_eq!(err.code, ErrorCode::Validation);
        assert_eq!(err.details[0].field, "unit");
        assert_eq!(err.details[0].code, DiagnosticCode(Code::UnmappedField));
    }

    #[test]
    fn a_preview_crosses_ipc_with_every_problem_located() {
        let dir = std::env::temp_dir().join(format!("scopebook-app-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("org.scopebook");
        let _ = std::fs::remove_file(&path);
        let (lib, _) = scopebook_core::library::FactorLibrary::shipped();
        let org = store::NewOrganisation { name: "T".into(), consolidation: store::Consolidation::OperationalControl };
        let mut s = Store::create(&path, &org, "test").unwrap();
        s.add_facility(&store::NewFacility::new("SZ", "Suzhou", "CN-JS")).unwrap();
        s.add_period(&lib, &store::NewPeriod::year(2023)).unwrap();
        let csv = "设施,能源品种,用量,单位,开始日期,结束日期\n\
                   SZ,电力,1000,千瓦时,2023-01-01,2023-01-31\n\
                   SZ,电力,-5,千瓦时,2023-02-01,2023-02-28\n";
        let table = read::read_bytes("energy.csv", csv.as_bytes(), &ReadOptions::default()).unwrap();
        let opts = options(&ImportRequest { year: 2023, ..Default::default() }, Mode::DryRun).unwrap();
        let p = pipeline::run(&mut s, &lib, &table, &opts, &pipeline::Quiet).unwrap();
        let v = preview_view(&p, None);
        assert_eq!((v.rows_read, v.rows_valid, v.rows_with_problems, v.problems_total), (2, 1, 1, 1));
        assert_eq!(v.outcome, ImportOutcome::Checked);
        let pr = &v.problems[0];
        assert_eq!((pr.row, pr.column.as_str(), pr.field.as_str(), pr.value.as_str()), (3, "用量", "quantity", "-5"));
        assert_eq!((pr.code, pr.severity), (DiagnosticCode(Code::NegativeQuantity), Severity::Error));
        assert_eq!(v.mapping_source, MappingSourceView { kind: MappingSourceKind::Guess, name: None });
        assert!(v.emissions.scope2_location != "0", "{:?}", v.emissions);
        assert!(v
            .mapped_values
            .iter()
            .any(|m| m.value == "电力" && m.to == "grid_electricity" && m.by == MappedBy::BuiltIn));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_refused_file_has_the_same_catalogue_code_as_in_the_cli() {
        let small = ReadOptions { max_bytes: 4, ..ReadOptions::default() };
        for (bytes, opts, want) in [
            (&b""[..], ReadOptions::default(), Code::EmptyFile),
            (&b"site,fuel\nSZ,gas\n"[..], small, Code::FileTooLarge),
            (&b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"[..], ReadOptions::default(), Code::WrongFileType),
        ] {
            let e = read::read_bytes("bills.csv", bytes, &opts).unwrap_err();
            let err = read_error(&e);
            assert_eq!(err.details[0].code, DiagnosticCode(e.diagnostic().code), "{e}");
            assert_eq!(err.details[0].code, DiagnosticCode(want), "{e}");
        }
    }

    #[test]
    fn the_inspection_reads_a_csv_a_block_at_a_time_and_counts_every_row() {
        let dir = std::env::temp_dir().join(format!("scopebook-app-inspect-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bills.csv");
        // More rows than one counting block, and a quoted note over two lines (one row).
        let mut csv = String::from("site,fuel,qty,note\n");
        for i in 0..(COUNT_BLOCK + 13) {
            csv.push_str(&format!("SZ,gas,{i},\n"));
        }
        csv.push_str("SZ,gas,1,\"two\nlines\"\n");
        std::fs::write(&path, &csv).unwrap();
        let mut file = open_file(&path, &ReadOptions::default()).unwrap();
        assert!(matches!(file, FileRows::Csv(_)), "a CSV is streamed, not read whole");
        assert_eq!(file.head().headers, ["site", "fuel", "qty", "note"]);
        let (sample, rows) = sample_and_count(&mut file).unwrap();
        assert_eq!(rows, (COUNT_BLOCK + 14) as u64);
        assert_eq!(sample.len(), SAMPLE_ROWS);
        assert_eq!((sample[0].row, sample[0].cells[2].as_str()), (2, "0"));
        assert_eq!((sample[SAMPLE_ROWS - 1].row, sample[SAMPLE_ROWS - 1].cells[2].as_str()), (21, "19"));
        // A folder, and a missing file, are refused at the path.
        assert_eq!(open_file(&dir, &ReadOptions::default()).err().unwrap().details[0].field, "path");
        assert_eq!(
            open_file(&dir.join("nope.csv"), &ReadOptions::default()).err().unwrap().code,
            ErrorCode::Validation
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_skipped_file_sits_beside_the_import() {
        assert_eq!(pipeline::skipped_path(Path::new("/d/energy.csv")), PathBuf::from("/d/energy.skipped.csv"));
    }
}
