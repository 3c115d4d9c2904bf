//! The Tauri commands: thin adapters from the wire types to the library and back. The
//! organisation file's commands are in [`crate::inventory`]; this module holds the app's state,
//! the settings file, the factor library's commands and the start-up.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use scopebook_core::diagnostic::{Code, Diagnostic};
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::listing::{self, Filters};
use scopebook_core::report::tonnes;
use scopebook_store::{self as store, Store, StoreError};
use serde::{Deserialize, Serialize};
use tauri::Manager;

use crate::api::*;

/// What the app holds while it runs: the factor library, the open organisation file (if any)
/// and the settings.
pub struct AppState {
    /// Loaded when first needed, not at start-up (see [`crate::library`]).
    pub(crate) library: crate::library::LazyLibrary,
    pub(crate) store: Mutex<Option<Store>>,
    pub(crate) settings: Mutex<SettingsFile>,
    pub(crate) data_dir: PathBuf,
    /// The folder suggested for new organisation files.
    pub(crate) default_folder: PathBuf,
    /// Why the last organisation could not be reopened at start.
    pub(crate) reopen_error: Mutex<Option<AppError>>,
    /// The running import's cancel flag and the last file read (see [`crate::import`]).
    pub(crate) import: crate::import::ImportState,
}

/// `settings.json` in the app-data folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SettingsFile {
    pub language: Language,
    /// Organisation files opened before, most recent first.
    #[serde(default)]
    pub recent: Vec<RecentEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct RecentEntry {
    pub path: String,
    pub name: String,
}

/// How many recent files are remembered.
const RECENT_MAX: usize = 10;

impl SettingsFile {
    /// Put `path` first in the recent list.
    pub fn remember(&mut self, path: &str, name: &str) {
        self.recent.retain(|r| r.path != path);
        self.recent.insert(0, RecentEntry { path: path.to_string(), name: name.to_string() });
        self.recent.truncate(RECENT_MAX);
    }
}

pub(crate) fn internal(what: &str) -> AppError {
    AppError {
        code: ErrorCode::Internal,
        message: format!("{what} is unavailable (a previous command failed)"),
        details: vec![],
    }
}

pub(crate) fn io_error(what: &str, e: &std::io::Error) -> AppError {
    AppError { code: ErrorCode::Io, message: format!("{what}: {e}"), details: vec![] }
}

pub(crate) fn field_errors(diags: &[Diagnostic]) -> Vec<FieldError> {
    diags
        .iter()
        .map(|d| FieldError {
            field: d.location.column.clone().unwrap_or_default(),
            code: d.code.into(),
            message: d.message.clone(),
            severity: d.severity.into(),
        })
        .collect()
}

/// The `ErrorCode` the UI switches on for a store diagnostic's code.
pub(crate) fn error_code(code: Option<Code>) -> ErrorCode {
    match code {
        Some(Code::PeriodLocked) => ErrorCode::Locked,
        Some(Code::UnknownRecord) => ErrorCode::NotFound,
        Some(Code::PeriodOverlap | Code::DuplicateId | Code::InvalidState | Code::DatabaseExists) => {
            ErrorCode::Conflict
        }
        Some(Code::UnreadableFile | Code::DatabaseError) => ErrorCode::Io,
        Some(_) => ErrorCode::Validation,
        None => ErrorCode::Internal,
    }
}

/// A refused store action: the first diagnostic's message (with a count when there are more),
/// every diagnostic as a located detail.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        let first = e.diagnostics.first().map(|d| d.message.clone()).unwrap_or_else(|| e.to_string());
        let message = match e.diagnostics.len() {
            0 | 1 => first,
            n => format!("{first} (and {} more problems)", n - 1),
        };
        AppError { code: error_code(e.code()), message, details: field_errors(&e.diagnostics) }
    }
}

pub(crate) fn gwp_from(id: GwpSetId) -> GwpSet {
    match id {
        GwpSetId::AR4 => GwpSet::AR4,
        GwpSetId::AR5 => GwpSet::AR5,
        GwpSetId::AR6 => GwpSet::AR6,
    }
}

pub(crate) fn gwp_to(set: GwpSet) -> GwpSetId {
    match set {
        GwpSet::AR4 => GwpSetId::AR4,
        GwpSet::AR5 => GwpSetId::AR5,
        GwpSet::AR6 => GwpSetId::AR6,
    }
}

pub(crate) fn consolidation_from(c: Consolidation) -> store::Consolidation {
    match c {
        Consolidation::OperationalControl => store::Consolidation::OperationalControl,
        Consolidation::FinancialControl => store::Consolidation::FinancialControl,
        Consolidation::EquityShare => store::Consolidation::EquityShare,
    }
}

pub(crate) fn consolidation_to(c: store::Consolidation) -> Consolidation {
    match c {
        store::Consolidation::OperationalControl => Consolidation::OperationalControl,
        store::Consolidation::FinancialControl => Consolidation::FinancialControl,
        store::Consolidation::EquityShare => Consolidation::EquityShare,
    }
}

/// An id as it crosses IPC (32 bits, so it fits a JavaScript number).
pub(crate) fn wire_id(id: i64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

impl AppState {
    pub(crate) fn lock_store(&self) -> Result<MutexGuard<'_, Option<Store>>, AppError> {
        self.store.lock().map_err(|_| internal("the organisation file"))
    }

    pub(crate) fn lock_settings(&self) -> Result<MutexGuard<'_, SettingsFile>, AppError> {
        self.settings.lock().map_err(|_| internal("the settings"))
    }

    /// Write the settings file (write then rename, so a crash never leaves half a file).
    pub(crate) fn save_settings(&self, settings: &SettingsFile) -> Result<(), AppError> {
        let io = |e: std::io::Error| io_error("cannot save the settings", &e);
        std::fs::create_dir_all(&self.data_dir).map_err(io)?;
        let text = serde_json::to_string_pretty(settings).unwrap_or_default();
        let tmp = self.data_dir.join("settings.json.tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, self.data_dir.join("settings.json")).map_err(io)
    }
}

/// Run `f` on the open organisation file; `Conflict` when none is open.
pub(crate) fn with_store<T>(
    state: &AppState,
    f: impl FnOnce(&mut Store) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let mut guard = state.lock_store()?;
    match guard.as_mut() {
        Some(s) => f(s),
        None => Err(AppError {
            code: ErrorCode::Conflict,
            message: "no organisation file is open; create or open one first".into(),
            details: vec![],
        }),
    }
}

pub(crate) fn totals(t: &scopebook_core::calc::ScopeTotals) -> Totals {
    Totals {
        scope1: tonnes(t.scope1).to_string(),
        scope2_location: tonnes(t.scope2_location).to_string(),
        scope2_market: tonnes(t.scope2_market).to_string(),
        scope3: tonnes(t.scope3).to_string(),
        biogenic_co2: tonnes(t.biogenic_co2).to_string(),
    }
}

/// The names in both languages of the activity type a dataset key belongs to, from the
/// activity vocabulary (`None` when the vocabulary does not map the key).
pub(crate) fn activity_names(lib: &FactorLibrary, key: &str) -> Option<ActivityNames> {
    let vocabulary = lib.vocabulary();
    let mapping = vocabulary.map_key(key)?;
    vocabulary.names(&mapping.activity).map(|(en, zh)| ActivityNames { en, zh })
}

fn summary(f: &scopebook_core::factor::Factor, lib: &FactorLibrary) -> FactorSummary {
    FactorSummary {
        id: f.id.clone(),
        activity: f.activity.clone(),
        name: f.name.clone(),
        activity_names: activity_names(lib, &f.activity),
        scope: f.classification.scope(),
        category: f.classification.category_text(),
        unit: f.unit.to_string(),
        region: f.region.to_string(),
        gases: listing::gases(lib, f),
        dataset: f.dataset.id.clone(),
        edition: f.dataset.edition.clone(),
        verified: f.verified,
    }
}

#[tauri::command]
fn get_settings(state: tauri::State<'_, AppState>) -> Result<Settings, AppError> {
    Ok(Settings { language: state.lock_settings()?.language })
}

#[tauri::command]
fn set_language(state: tauri::State<'_, AppState>, language: Language) -> Result<Settings, AppError> {
    let mut settings = state.lock_settings()?;
    settings.language = language;
    state.save_settings(&settings)?;
    Ok(Settings { language: settings.language })
}

/// How many activity types the grid's picker is given at most.
const ACTIVITY_TYPES_SHOWN: usize = 200;

/// The library's activity types whose name contains `query` (`listing::activity_types`).
#[tauri::command]
fn activity_types(state: tauri::State<'_, AppState>, query: String) -> Result<Vec<ActivityType>, AppError> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    Ok(listing::activity_types(&lib, &query)
        .into_iter()
        .take(ACTIVITY_TYPES_SHOWN)
        .map(|t| ActivityType {
            names: activity_names(&lib, &t.activity),
            activity: t.activity,
            units: t.units.iter().map(ToString::to_string).collect(),
            regions: t.regions.iter().map(ToString::to_string).collect(),
            scopes: t.scopes,
        })
        .collect())
}

#[tauri::command]
fn search_factors(state: tauri::State<'_, AppState>, query: FactorQuery) -> Result<FactorSearchResult, AppError> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let filters = Filters {
        activity: None,
        region: opt(&query.region),
        gas: opt(&query.gas),
        dataset: opt(&query.dataset),
        edition: opt(&query.edition),
        scope: (query.scope != 0).then_some(query.scope),
    };
    let hits = listing::matching(&lib, &query.text, &filters);
    let total = u32::try_from(hits.len()).unwrap_or(u32::MAX);
    let limit = if query.limit == 0 { usize::MAX } else { query.limit as usize };
    Ok(FactorSearchResult { total, factors: hits.iter().take(limit).map(|f| summary(f, &lib)).collect() })
}

#[tauri::command]
fn factor_detail(state: tauri::State<'_, AppState>, id: String) -> Result<FactorDetail, AppError> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let f = lib.by_id(&id).ok_or_else(|| AppError {
        code: ErrorCode::NotFound,
        message: format!("no factor '{id}' is loaded"),
        details: vec![],
    })?;
    let fields = listing::flatten_fields(&listing::factor_json(&lib, f))
        .into_iter()
        .map(|(label, value)| Field { label, value })
        .collect();
    Ok(FactorDetail { summary: summary(f, &lib), fields })
}

#[tauri::command]
fn list_datasets(state: tauri::State<'_, AppState>) -> Result<Vec<DatasetInfo>, AppError> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    Ok(lib
        .datasets()
        .iter()
        .map(|d| {
            let m = d.meta.as_ref();
            DatasetInfo {
                id: d.reference.id.clone(),
                edition: d.reference.edition.clone(),
                file: d.file.clone(),
                title: m.map(|m| m.title.clone()),
                publisher: m.map(|m| m.publisher.clone()),
                region: d.reference.region.to_string(),
                licence: m.map(|m| m.licence.clone()),
                factors: u32::try_from(d.factor_count).unwrap_or(u32::MAX),
                shipped: d.reference.shipped,
            }
        })
        .collect())
}

/// Add a user's factor CSV (chosen by the user in the file dialog; the UI sends its text).
/// All or nothing: with any error, nothing is added.
#[tauri::command]
fn add_user_factors(
    state: tauri::State<'_, AppState>,
    file_name: String,
    contents: String,
) -> Result<UserFactorsResult, AppError> {
    let mut lib = state.library.write().map_err(|_| internal("the factor library"))?;
    let mut candidate = lib.clone();
    let before = candidate.datasets().len();
    let diags = candidate.add_user_file(&file_name, contents.as_bytes());
    let problems: Vec<FieldErrorAt> = diags
        .iter()
        .map(|d| FieldErrorAt {
            row: d.location.row.and_then(|r| u32::try_from(r).ok()).unwrap_or(0),
            field: d.location.column.clone().unwrap_or_default(),
            code: d.code.into(),
            message: d.message.clone(),
            severity: d.severity.into(),
        })
        .collect();
    let added = candidate.datasets().get(before).map_or(0, |d| d.factor_count);
    if diags.iter().any(Diagnostic::is_error) {
        return Ok(UserFactorsResult { file: file_name, factors_added: 0, problems });
    }
    *lib = candidate;
    Ok(UserFactorsResult { file: file_name, factors_added: u32::try_from(added).unwrap_or(u32::MAX), problems })
}

/// Where the app keeps its files: the platform's application-data folder, and a separate
/// `dev` folder for development builds. `SCOPEBOOK_DATA_DIR` overrides both (tests use it).
fn data_dir(app: &tauri::App) -> PathBuf {
    if let Some(dir) = std::env::var_os("SCOPEBOOK_DATA_DIR") {
        return PathBuf::from(dir);
    }
    let base = app.path().app_data_dir().unwrap_or_else(|_| std::env::temp_dir().join("scopebook"));
    if cfg!(debug_assertions) {
        base.join("dev")
    } else {
        base
    }
}

/// The folder suggested for new organisation files: `Documents/Scopebook`, else the app-data
/// folder.
fn default_folder(app: &tauri::App, data_dir: &Path) -> PathBuf {
    if std::env::var_os("SCOPEBOOK_DATA_DIR").is_some() {
        return data_dir.to_path_buf();
    }
    app.path().document_dir().map(|d| d.join("Scopebook")).unwrap_or_else(|_| data_dir.to_path_buf())
}

pub fn run() {
    // The system's own open and save dialogs (decision 0039); the capability grants only
    // `dialog:allow-open` and `dialog:allow-save`.
    let builder = tauri::Builder::default().plugin(tauri_plugin_dialog::init()).setup(|app| {
        // This runs on the main thread before the window's page can load: only what the first
        // screen needs. The factor library is loaded later (see `crate::library`).
        let dir = data_dir(app);
        let settings = std::fs::read(dir.join("settings.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<SettingsFile>(&b).ok())
            .unwrap_or(SettingsFile { language: Language::En, recent: vec![] });
        // Reopen the last organisation file when it is still there.
        let (store, reopen_error) = match settings.recent.first() {
            Some(last) if Path::new(&last.path).is_file() => {
                match Store::open(Path::new(&last.path), &store::default_user()) {
                    Ok(s) => (Some(s), None),
                    Err(e) => (None, Some(AppError::from(e))),
                }
            }
            _ => (None, None),
        };
        let folder = default_folder(app, &dir);
        let library = crate::library::LazyLibrary::default();
        if store.is_some() {
            // The reopened file's screens need it soon: load it beside the window.
            library.preload();
        }
        app.manage(AppState {
            library,
            store: Mutex::new(store),
            settings: Mutex::new(settings),
            data_dir: dir,
            default_folder: folder,
            reopen_error: Mutex::new(reopen_error),
            import: Default::default(),
        });
        app.manage(crate::auditor::AuditorState::default());
        Ok(())
    });
    let result = builder
        .invoke_handler(tauri::generate_handler![
            get_settings,
            set_language,
            activity_types,
            crate::dashboard::dashboard,
            crate::dashboard::dashboard_lines,
            crate::dashboard::dashboard_instruments,
            crate::scope23::scope2_view,
            crate::scope23::scope3_view,
            crate::scope23::import_instruments,
            crate::scope23::delete_instrument,
            crate::scope23::restate_instrument,
            crate::scope23::set_scope3_status,
            crate::scope23::restate_scope3_status,
            crate::factor_files::period_factor_files,
            crate::factor_files::add_period_factor_file,
            crate::factor_files::remove_period_factor_file,
            crate::scope3_entry::work_out_quantity,
            search_factors,
            factor_detail,
            list_datasets,
            add_user_factors,
            crate::inventory::get_session,
            crate::inventory::create_organisation,
            crate::inventory::open_organisation,
            crate::inventory::close_organisation,
            crate::inventory::forget_recent,
            crate::inventory::list_facilities,
            crate::inventory::add_facility,
            crate::inventory::update_facility,
            crate::inventory::delete_facility,
            crate::inventory::list_sectors,
            crate::inventory::update_consolidation,
            crate::inventory::list_periods,
            crate::inventory::add_period,
            crate::inventory::review_period,
            crate::inventory::reopen_period,
            crate::inventory::lock_period,
            crate::inventory::check_activity,
            crate::inventory::list_activities,
            crate::inventory::add_activity,
            crate::inventory::update_activity,
            crate::inventory::delete_activity,
            crate::inventory::restate_activity,
            crate::inventory::activity_history,
            crate::inventory::export_activities_csv,
            crate::inventory::audit_log,
            crate::inventory::verify_organisation,
            crate::inventory::backup_organisation,
            crate::inventory::restore_organisation,
            crate::import::import_inspect,
            crate::import::import_preview,
            crate::import::import_run,
            crate::import::import_cancel,
            crate::import::template_export,
            crate::import::record_lineage,
            crate::compliance::ets_facilities,
            crate::compliance::set_ets_facility,
            crate::compliance::ets_plans,
            crate::compliance::ets_units,
            crate::compliance::add_ets_unit,
            crate::compliance::update_ets_unit,
            crate::compliance::delete_ets_unit,
            crate::compliance::import_ets_units,
            crate::compliance::ets_ledger,
            crate::compliance::add_ets_ledger_entry,
            crate::compliance::update_ets_ledger_entry,
            crate::compliance::delete_ets_ledger_entry,
            crate::compliance::import_ets_ledger,
            crate::compliance::ets_position,
            crate::reconciliation::ets_reconciliation,
            crate::registry::ets_registry,
            crate::registry::import_ets_registry,
            crate::registry::delete_ets_registry,
            crate::registry::link_ets_registry,
            crate::exports::export_choices,
            crate::exports::export_report_file,
            crate::exports::export_package_file,
            crate::auditor::auditor_open,
            crate::auditor::auditor_close,
            crate::auditor::auditor_lines,
            crate::auditor::auditor_line,
            crate::auditor::auditor_sample,
            crate::auditor::auditor_mark,
            crate::auditor::auditor_unmark,
            crate::auditor::auditor_export_xlsx,
            crate::auditor::auditor_export_package,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("scopebook: the app could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn store_codes_map_to_the_error_codes_the_ui_switches_on() {
        assert_eq!(error_code(Some(Code::PeriodLocked)), ErrorCode::Locked);
        assert_eq!(error_code(Some(Code::UnknownRecord)), ErrorCode::NotFound);
        assert_eq!(error_code(Some(Code::PeriodOverlap)), ErrorCode::Conflict);
        assert_eq!(error_code(Some(Code::DuplicateId)), ErrorCode::Conflict);
        assert_eq!(error_code(Some(Code::OutOfRange)), ErrorCode::Validation);
        assert_eq!(error_code(Some(Code::NotAScopebookDatabase)), ErrorCode::Validation);
        assert_eq!(error_code(Some(Code::DatabaseError)), ErrorCode::Io);
    }

    #[test]
    fn a_locked_period_refuses_an_edit_with_the_locked_code() {
        let dir = std::env::temp_dir().join(format!("scopebook-app-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("org.scopebook");
        let _ = std::fs::remove_file(&path);
        let (lib, _) = FactorLibrary::shipped();
        let org = store::NewOrganisation { name: "T".into(), consolidation: store::Consolidation::OperationalControl };
        let mut s = Store::create(&path, &org, "test").unwrap();
        s.add_facility(&store::NewFacility::new("SZ", "Suzhou", "CN-JS")).unwrap();
        s.add_period(&lib, &store::NewPeriod::year(2023)).unwrap();
        let input = store::ActivityInput {
            facility: "SZ".into(),
            activity: "grid_electricity".into(),
            quantity: "1000".into(),
            unit: "kWh".into(),
            start: "2023-01-01".into(),
            end: "2023-12-31".into(),
            ..Default::default()
        };
        let rec = s.add_activity(&lib, 2023, &input).unwrap();
        s.lock_period(&lib, 2023).unwrap();
        let err = AppError::from(s.update_activity(&lib, rec.id, &input, None).unwrap_err());
        assert_eq!(err.code, ErrorCode::Locked);
        assert!(err.message.contains("locked"), "{}", err.message);
        let err = AppError::from(s.add_facility(&store::NewFacility::new("SZ", "again", "CN-JS")).unwrap_err());
        assert_eq!((err.code, err.details[0].field.as_str()), (ErrorCode::Conflict, "code"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_recent_list_puts_the_latest_first_once() {
        let mut s = SettingsFile { language: Language::En, recent: vec![] };
        s.remember("/a", "A");
        s.remember("/b", "B");
        s.remember("/a", "A2");
        let paths: Vec<&str> = s.recent.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["/a", "/b"]);
        assert_eq!(s.recent[0].name, "A2");
        for i in 0..20 {
            s.remember(&format!("/{i}"), "x");
        }
        assert_eq!(s.recent.len(), RECENT_MAX);
    }
}
