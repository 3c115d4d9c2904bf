//! The Tauri commands: thin adapters from the wire types to the library and back.

use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use scopebook::diagnostic::{Diagnostic, Severity};
use scopebook::gas::GwpSet;
use scopebook::library::FactorLibrary;
use scopebook::listing::{self, Filters};
use scopebook::report::tonnes;
use scopebook::workbook::{self, Workbook};
use tauri::Manager;

use crate::api::*;

/// What the app holds while it runs. The workbook is in memory until the store lands
/// (issue 5); everything reaches it through the library's `Workbook` operations.
pub struct AppState {
    library: RwLock<FactorLibrary>,
    workbook: Mutex<Workbook>,
    settings: Mutex<Settings>,
    data_dir: PathBuf,
}

fn internal(what: &str) -> AppError {
    AppError {
        code: ErrorCode::Internal,
        message: format!("{what} is unavailable (a previous command failed)"),
        details: vec![],
    }
}

fn field_errors(diags: &[Diagnostic]) -> Vec<FieldError> {
    diags
        .iter()
        .map(|d| FieldError {
            field: d.location.column.clone().unwrap_or_default(),
            code: d.code.as_str().to_string(),
            message: d.message.clone(),
            severity: severity(d.severity),
        })
        .collect()
}

fn severity(s: Severity) -> String {
    match s {
        Severity::Error => "error".into(),
        Severity::Warning => "warning".into(),
    }
}

fn gwp_from(id: GwpSetId) -> GwpSet {
    match id {
        GwpSetId::AR4 => GwpSet::AR4,
        GwpSetId::AR5 => GwpSet::AR5,
        GwpSetId::AR6 => GwpSet::AR6,
    }
}

fn gwp_to(set: GwpSet) -> GwpSetId {
    match set {
        GwpSet::AR4 => GwpSetId::AR4,
        GwpSet::AR5 => GwpSetId::AR5,
        GwpSet::AR6 => GwpSetId::AR6,
    }
}

fn draft_from(d: ActivityDraft) -> workbook::ActivityDraft {
    workbook::ActivityDraft {
        facility: d.facility,
        period_start: d.period_start,
        period_end: d.period_end,
        activity: d.activity,
        quantity: d.quantity,
        unit: d.unit,
        region: d.region,
        factor: d.factor,
        evidence: d.evidence,
    }
}

fn draft_to(d: &workbook::ActivityDraft) -> ActivityDraft {
    ActivityDraft {
        facility: d.facility.clone(),
        period_start: d.period_start.clone(),
        period_end: d.period_end.clone(),
        activity: d.activity.clone(),
        quantity: d.quantity.clone(),
        unit: d.unit.clone(),
        region: d.region.clone(),
        factor: d.factor.clone(),
        evidence: d.evidence.clone(),
    }
}

fn session_of(wb: &Workbook) -> Session {
    Session {
        organisation: wb.organisation.as_ref().map(|o| SetupInput {
            name: o.name.clone(),
            reporting_year: o.reporting_year,
            consolidation: match o.consolidation {
                workbook::Consolidation::OperationalControl => Consolidation::OperationalControl,
                workbook::Consolidation::FinancialControl => Consolidation::FinancialControl,
                workbook::Consolidation::EquityShare => Consolidation::EquityShare,
            },
            gwp_set: gwp_to(o.gwp_set),
        }),
        activities: wb
            .rows()
            .map(|(id, d)| ActivityRow { id: u32::try_from(id).unwrap_or(u32::MAX), draft: draft_to(d) })
            .collect(),
    }
}

fn totals(t: &scopebook::calc::ScopeTotals) -> Totals {
    Totals {
        scope1: tonnes(t.scope1).to_string(),
        scope2_location: tonnes(t.scope2_location).to_string(),
        scope2_market: tonnes(t.scope2_market).to_string(),
        scope3: tonnes(t.scope3).to_string(),
        biogenic_co2: tonnes(t.biogenic_co2).to_string(),
    }
}

fn summary(f: &scopebook::factor::Factor, lib: &FactorLibrary) -> FactorSummary {
    let v = listing::factor_json(lib, f);
    let gases = v["figures"]["gases_kg"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_else(|| vec!["CO2e".to_string()]);
    let category = match f.classification {
        scopebook::classify::Classification::Scope1(c) => format!("{c:?}").to_lowercase(),
        scopebook::classify::Classification::Scope2(c) => format!("{c:?}").to_lowercase(),
        scopebook::classify::Classification::Scope3(c) => c.number().to_string(),
    };
    FactorSummary {
        id: f.id.clone(),
        activity: f.activity.clone(),
        name: f.name.clone().unwrap_or_default(),
        scope: f.classification.scope(),
        category,
        unit: f.unit.to_string(),
        region: f.region.to_string(),
        gases,
        dataset: f.dataset.id.clone(),
        edition: f.dataset.edition.clone(),
        verified: f.verified,
    }
}

#[tauri::command]
fn get_session(state: tauri::State<'_, AppState>) -> Result<Session, AppError> {
    let wb = state.workbook.lock().map_err(|_| internal("the workbook"))?;
    Ok(session_of(&wb))
}

#[tauri::command]
fn setup(state: tauri::State<'_, AppState>, input: SetupInput) -> Result<Session, AppError> {
    let mut details = Vec::new();
    if input.name.trim().is_empty() {
        details.push(FieldError {
            field: "name".into(),
            code: "missing-value".into(),
            message: "the organisation needs a name".into(),
            severity: "error".into(),
        });
    }
    if !(1990..=2100).contains(&input.reporting_year) {
        details.push(FieldError {
            field: "reporting_year".into(),
            code: "out-of-range".into(),
            message: format!("{} is not a reporting year between 1990 and 2100", input.reporting_year),
            severity: "error".into(),
        });
    }
    if !details.is_empty() {
        return Err(AppError { code: ErrorCode::Validation, message: "the setup has errors".into(), details });
    }
    let mut wb = state.workbook.lock().map_err(|_| internal("the workbook"))?;
    wb.organisation = Some(workbook::Organisation {
        name: input.name.trim().to_string(),
        reporting_year: input.reporting_year,
        consolidation: match input.consolidation {
            Consolidation::OperationalControl => workbook::Consolidation::OperationalControl,
            Consolidation::FinancialControl => workbook::Consolidation::FinancialControl,
            Consolidation::EquityShare => workbook::Consolidation::EquityShare,
        },
        gwp_set: gwp_from(input.gwp_set),
    });
    Ok(session_of(&wb))
}

#[tauri::command]
fn get_settings(state: tauri::State<'_, AppState>) -> Result<Settings, AppError> {
    Ok(state.settings.lock().map_err(|_| internal("the settings"))?.clone())
}

#[tauri::command]
fn set_language(state: tauri::State<'_, AppState>, language: Language) -> Result<Settings, AppError> {
    let mut settings = state.settings.lock().map_err(|_| internal("the settings"))?;
    settings.language = language;
    let io = |e: std::io::Error| AppError {
        code: ErrorCode::Io,
        message: format!("cannot save the settings: {e}"),
        details: vec![],
    };
    std::fs::create_dir_all(&state.data_dir).map_err(io)?;
    let text = serde_json::to_string_pretty(&*settings).unwrap_or_default();
    // Write then rename, so a crash never leaves a half-written file.
    let tmp = state.data_dir.join("settings.json.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, state.data_dir.join("settings.json")).map_err(io)?;
    Ok(settings.clone())
}

#[tauri::command]
fn activity_types(state: tauri::State<'_, AppState>, query: String) -> Result<Vec<ActivityType>, AppError> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let q = query.trim().to_lowercase();
    let mut out: std::collections::BTreeMap<&str, ActivityType> = Default::default();
    for f in lib.factors().iter().filter(|f| q.is_empty() || f.activity.contains(&q)) {
        let entry = out.entry(&f.activity).or_insert_with(|| ActivityType {
            activity: f.activity.clone(),
            units: vec![],
            regions: vec![],
            scope: f.classification.scope(),
        });
        let unit = f.unit.to_string();
        if !entry.units.contains(&unit) {
            entry.units.push(unit);
        }
        let region = f.region.to_string();
        if !entry.regions.contains(&region) {
            entry.regions.push(region);
        }
    }
    Ok(out.into_values().take(200).collect())
}

#[tauri::command]
fn check_activity(state: tauri::State<'_, AppState>, draft: ActivityDraft) -> Result<(), AppError> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let wb = state.workbook.lock().map_err(|_| internal("the workbook"))?;
    wb.check(&lib, &draft_from(draft)).map(|_| ()).map_err(|d| AppError {
        code: ErrorCode::Validation,
        message: "the row has errors".into(),
        details: field_errors(&d),
    })
}

#[tauri::command]
fn add_activity(state: tauri::State<'_, AppState>, draft: ActivityDraft) -> Result<Session, AppError> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let mut wb = state.workbook.lock().map_err(|_| internal("the workbook"))?;
    if wb.organisation.is_none() {
        return Err(AppError {
            code: ErrorCode::Conflict,
            message: "complete the setup first".into(),
            details: vec![],
        });
    }
    wb.add(&lib, draft_from(draft)).map_err(|d| AppError {
        code: ErrorCode::Validation,
        message: "the row has errors; nothing was saved".into(),
        details: field_errors(&d),
    })?;
    Ok(session_of(&wb))
}

#[tauri::command]
fn remove_activity(state: tauri::State<'_, AppState>, id: u32) -> Result<Session, AppError> {
    let mut wb = state.workbook.lock().map_err(|_| internal("the workbook"))?;
    if !wb.remove(u64::from(id)) {
        return Err(AppError {
            code: ErrorCode::NotFound,
            message: format!("there is no activity row {id}"),
            details: vec![],
        });
    }
    Ok(session_of(&wb))
}

#[tauri::command]
fn dashboard(state: tauri::State<'_, AppState>) -> Result<Dashboard, AppError> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let wb = state.workbook.lock().map_err(|_| internal("the workbook"))?;
    let Some(org) = &wb.organisation else {
        return Err(AppError {
            code: ErrorCode::Conflict,
            message: "complete the setup first".into(),
            details: vec![],
        });
    };
    let inv = wb.calculate(&lib);
    let id = |row: u64| u32::try_from(row).unwrap_or(u32::MAX);
    let notes = inv.factor_notes(&lib, org.gwp_set, "workbook");
    Ok(Dashboard {
        gwp_set: gwp_to(org.gwp_set),
        complete: inv.unresolved.is_empty(),
        totals: totals(&inv.totals.all),
        scope2_market_basis: scopebook::report::SCOPE2_MARKET_BASIS.to_string(),
        scope2_market_basis_code: "grid-average".to_string(),
        by_facility: inv
            .totals
            .by_facility
            .iter()
            .map(|(f, t)| FacilityTotals { facility: f.to_string(), totals: totals(t) })
            .collect(),
        by_scope3_category: inv
            .totals
            .by_scope3_category
            .iter()
            .map(|(c, v)| CategoryTotal { category: c.number(), co2e_t: tonnes(*v).to_string() })
            .collect(),
        lines: inv
            .lines
            .iter()
            .map(|l| DashboardLine {
                id: id(l.activity.row),
                facility: l.activity.facility.to_string(),
                activity: l.activity.activity.to_string(),
                scope: l.classification.scope(),
                factor_id: l.factor.id.clone(),
                dataset: l.factor.dataset.clone(),
                edition: l.factor.edition.clone(),
                selected_by: serde_json::to_value(l.factor.selected_by)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                verified: l.factor.verified,
                co2e_t: tonnes(l.emission.co2e_kg).to_string(),
            })
            .collect(),
        unresolved: inv
            .unresolved
            .iter()
            .map(|u| UnresolvedRow {
                id: id(u.activity.row),
                activity: u.activity.activity.to_string(),
                code: u.diagnostic.code.as_str().to_string(),
                message: u.diagnostic.message.clone(),
            })
            .collect(),
        notes: field_errors(&notes),
    })
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
                title: m.map(|m| m.title.clone()).unwrap_or_else(|| d.file.clone()),
                publisher: m.map(|m| m.publisher.clone()).unwrap_or_default(),
                region: d.reference.region.to_string(),
                licence: m.map(|m| m.licence.clone()).unwrap_or_default(),
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
            code: d.code.as_str().to_string(),
            message: d.message.clone(),
            severity: severity(d.severity),
        })
        .collect();
    let added = candidate.datasets().get(before).map_or(0, |d| d.factor_count);
    if diags.iter().any(Diagnostic::is_error) {
        return Ok(UserFactorsResult { file: file_name, factors_added: 0, problems });
    }
    *lib = candidate;
    Ok(UserFactorsResult { file: file_name, factors_added: u32::try_from(added).unwrap_or(u32::MAX), problems })
}

#[tauri::command]
fn export_activities_csv(state: tauri::State<'_, AppState>) -> Result<String, AppError> {
    Ok(state.workbook.lock().map_err(|_| internal("the workbook"))?.to_csv())
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

pub fn run() {
    let builder = tauri::Builder::default().setup(|app| {
        let (library, diags) = FactorLibrary::shipped();
        for d in &diags {
            eprintln!("{d}");
        }
        let dir = data_dir(app);
        let settings = std::fs::read(dir.join("settings.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<Settings>(&b).ok())
            .unwrap_or(Settings { language: Language::En });
        app.manage(AppState {
            library: RwLock::new(library),
            workbook: Mutex::new(Workbook::default()),
            settings: Mutex::new(settings),
            data_dir: dir,
        });
        Ok(())
    });
    let result = builder
        .invoke_handler(tauri::generate_handler![
            get_session,
            setup,
            get_settings,
            set_language,
            activity_types,
            check_activity,
            add_activity,
            remove_activity,
            dashboard,
            search_factors,
            factor_detail,
            list_datasets,
            add_user_factors,
            export_activities_csv,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("scopebook: the app could not start: {e}");
        std::process::exit(1);
    }
}
