//! The organisation file's commands: create, open and close it; its facilities, reporting
//! periods, activity records, audit log, backup and restore. Each one parses its input, calls
//! `scopebook_store::Store` exactly as the CLI does, and maps the outcome onto the wire types.

use std::path::{Path, PathBuf};

use scopebook_core::diagnostic::Code;
use scopebook_core::report;
use scopebook_core::sector::Sector;
use scopebook_store::{
    self as store, ActivityInput, ActivityRecord, FacilityChange, NewFacility, NewPeriod, Scope3Cells, Store,
};

use crate::api::*;
use crate::commands::{
    consolidation_from, consolidation_to, field_errors, gwp_from, gwp_to, internal, io_error, wire_id, with_store,
    AppState,
};

type Result<T> = std::result::Result<T, AppError>;

fn conflict(message: String) -> AppError {
    AppError { code: ErrorCode::Conflict, message, details: vec![] }
}

fn validation(field: &str, code: Code, message: String) -> AppError {
    AppError {
        code: ErrorCode::Validation,
        message: message.clone(),
        details: vec![FieldError::error(field, code, message)],
    }
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

// ---- the organisation file ----

fn info(s: &Store) -> Result<OrganisationInfo> {
    let o = s.organisation()?;
    Ok(OrganisationInfo {
        path: s.name().to_string(),
        name: o.name,
        consolidation: consolidation_to(o.consolidation),
        created_at: o.created_at,
        user: s.user().to_string(),
    })
}

fn session(state: &AppState) -> Result<Session> {
    let organisation = state.lock_store()?.as_ref().map(info).transpose()?;
    let recent = state
        .lock_settings()?
        .recent
        .iter()
        .map(|r| RecentOrganisation {
            path: r.path.clone(),
            name: r.name.clone(),
            exists: Path::new(&r.path).is_file(),
        })
        .collect();
    let reopen_error = state.reopen_error.lock().map_err(|_| internal("the start-up state"))?.clone();
    Ok(Session { organisation, recent, default_folder: state.default_folder.display().to_string(), reopen_error })
}

/// Make `store` the open file and put it first in the recent list.
fn install(state: &AppState, store: Store) -> Result<Session> {
    let org = info(&store)?;
    *state.lock_store()? = Some(store);
    // The file's screens need the factor library: load it now, beside the UI.
    state.library.preload();
    if let Ok(mut e) = state.reopen_error.lock() {
        *e = None;
    }
    {
        let mut settings = state.lock_settings()?;
        settings.remember(&org.path, &org.name);
        state.save_settings(&settings)?;
    }
    session(state)
}

/// A path as typed: trimmed, and not empty.
pub(crate) fn path_of(field: &str, text: &str) -> Result<PathBuf> {
    let t = text.trim();
    if t.is_empty() {
        return Err(validation(field, Code::MissingValue, "enter the file's path".into()));
    }
    Ok(PathBuf::from(t))
}

#[tauri::command]
pub fn get_session(state: tauri::State<'_, AppState>) -> Result<Session> {
    session(&state)
}

/// Create a new organisation file (`scopebook init`) and open it.
#[tauri::command]
pub fn create_organisation(state: tauri::State<'_, AppState>, input: NewOrganisationInput) -> Result<Session> {
    let path = path_of("path", &input.path)?;
    if input.name.trim().is_empty() {
        return Err(validation("name", Code::MissingValue, "the organisation needs a name".into()));
    }
    if path.exists() {
        return Err(AppError {
            code: ErrorCode::Conflict,
            message: format!("{} already exists; open it, or choose a new file name", path.display()),
            details: vec![FieldError::error(
                "path",
                Code::DatabaseExists,
                format!("{} already exists", path.display()),
            )],
        });
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| io_error(&format!("cannot create the folder {}", dir.display()), &e))?;
    }
    let org = store::NewOrganisation { name: input.name, consolidation: consolidation_from(input.consolidation) };
    let s = Store::create(&path, &org, &store::default_user())?;
    install(&state, s)
}

/// Open an existing organisation file (refused when it is not Scopebook's).
#[tauri::command]
pub fn open_organisation(state: tauri::State<'_, AppState>, path: String) -> Result<Session> {
    let path = path_of("path", &path)?;
    let s = Store::open(&path, &store::default_user())?;
    install(&state, s)
}

#[tauri::command]
pub fn close_organisation(state: tauri::State<'_, AppState>) -> Result<Session> {
    *state.lock_store()? = None;
    session(&state)
}

/// Remove a file from the recent list (the file itself is not touched).
#[tauri::command]
pub fn forget_recent(state: tauri::State<'_, AppState>, path: String) -> Result<Session> {
    {
        let mut settings = state.lock_settings()?;
        settings.recent.retain(|r| r.path != path);
        state.save_settings(&settings)?;
    }
    session(&state)
}

// ---- facilities ----

fn facility_view(f: store::Facility) -> FacilityView {
    FacilityView {
        id: wire_id(f.id),
        code: f.code,
        name: f.name,
        kind: match f.kind {
            store::FacilityKind::LegalEntity => FacilityKind::LegalEntity,
            store::FacilityKind::Facility => FacilityKind::Facility,
        },
        parent: f.parent,
        equity_share: f.equity_share,
        operational_control: f.operational_control,
        financial_control: f.financial_control,
        region: f.region,
        grid_region: f.grid_region,
        ets_covered: f.ets_covered,
        sector: f.sector,
    }
}

/// The IPCC sectors a facility or a record can name, with the library's names.
#[tauri::command]
pub fn list_sectors() -> Vec<SectorInfo> {
    Sector::ALL
        .iter()
        .map(|s| SectorInfo {
            sector: s.as_str().to_string(),
            name_en: s.name_en().to_string(),
            name_zh: s.name_zh().to_string(),
        })
        .collect()
}

/// How a change that may alter a locked period's figures is made: refused, or (`restate`) as a
/// restatement with `reason`.
fn locked_change(restate: bool, reason: &str) -> store::LockedChange<'_> {
    if restate {
        store::LockedChange::Restate(reason)
    } else {
        store::LockedChange::Refuse
    }
}

#[tauri::command]
pub fn list_facilities(state: tauri::State<'_, AppState>) -> Result<Vec<FacilityView>> {
    with_store(&state, |s| Ok(s.facilities()?.into_iter().map(facility_view).collect()))
}

#[tauri::command]
pub fn add_facility(state: tauri::State<'_, AppState>, input: FacilityInput) -> Result<FacilityView> {
    let f = NewFacility {
        code: input.code,
        name: input.name,
        kind: match input.kind {
            FacilityKind::LegalEntity => store::FacilityKind::LegalEntity,
            FacilityKind::Facility => store::FacilityKind::Facility,
        },
        parent: opt(&input.parent),
        equity_share: input.equity_share.as_deref().and_then(opt),
        operational_control: input.operational_control,
        financial_control: input.financial_control,
        region: input.region,
        grid_region: opt(&input.grid_region),
        ets_covered: input.ets_covered,
        sector: opt(&input.sector),
    };
    with_store(&state, |s| s.add_facility(&f).map(facility_view).map_err(AppError::from))
}

/// The change an edit makes: every field as typed (an empty sector clears it), except an equity
/// share not given, which stays as it is (nothing is filled in for it).
fn facility_change(input: FacilityInput) -> FacilityChange {
    FacilityChange {
        name: Some(input.name),
        equity_share: input.equity_share.as_deref().and_then(opt),
        operational_control: Some(input.operational_control),
        financial_control: Some(input.financial_control),
        region: Some(input.region),
        grid_region: Some(opt(&input.grid_region)),
        ets_covered: Some(input.ets_covered),
        sector: Some(opt(&input.sector)),
    }
}

/// Change a facility; its code, kind and parent stay. A change that alters a locked period's
/// figures (a share, a control flag, the sector) is refused (`locked`) unless `restate` makes it
/// a restatement with `reason` (`scopebook facility edit --restate`).
#[tauri::command]
pub fn update_facility(
    state: tauri::State<'_, AppState>,
    code: String,
    input: FacilityInput,
    reason: String,
    restate: bool,
) -> Result<FacilityView> {
    let change = facility_change(input);
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    with_store(&state, |s| {
        s.update_facility(&lib, &code, &change, opt(&reason).as_deref(), locked_change(restate, &reason))
            .map(facility_view)
            .map_err(AppError::from)
    })
}

/// Change the organisation's consolidation approach (audited); refused (`locked`) when it alters
/// a locked period's figures, unless made as a restatement with its reason.
#[tauri::command]
pub fn update_consolidation(state: tauri::State<'_, AppState>, change: ConsolidationChange) -> Result<Session> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let c = store::OrganisationChange { name: None, consolidation: Some(consolidation_from(change.consolidation)) };
    with_store(&state, |s| {
        s.update_organisation(&lib, &c, opt(&change.reason).as_deref(), locked_change(change.restate, &change.reason))
            .map(drop)
            .map_err(AppError::from)
    })?;
    session(&state)
}

#[tauri::command]
pub fn delete_facility(state: tauri::State<'_, AppState>, code: String, reason: String) -> Result<()> {
    with_store(&state, |s| s.delete_facility(&code, opt(&reason).as_deref()).map_err(AppError::from))
}

// ---- periods ----

fn snapshot_summary(snap: &store::Snapshot) -> SnapshotSummary {
    let totals = report::stored_totals(&snap.result_json).map(|t| SnapshotTotals {
        scope1: t.scope1.to_string(),
        scope2_location: t.scope2_location.to_string(),
        scope2_market: t.scope2_market.to_string(),
        scope3: t.scope3.to_string(),
        biogenic_co2: t.biogenic_co2.map(|d| d.to_string()),
    });
    SnapshotSummary {
        id: wire_id(snap.id),
        taken_at: snap.taken_at.clone(),
        engine_version: snap.engine_version.clone(),
        gwp_set: snap.gwp_set.clone(),
        input_sha256: snap.input_sha256.clone(),
        result_sha256: snap.result_sha256.clone(),
        totals,
    }
}

fn period_view(s: &Store, p: store::ReportingPeriod) -> Result<PeriodView> {
    let snapshot =
        if p.status == store::PeriodStatus::Locked { s.snapshot(p.year)?.as_ref().map(snapshot_summary) } else { None };
    Ok(PeriodView {
        year: p.year,
        start: p.start,
        end: p.end,
        status: match p.status {
            store::PeriodStatus::Open => PeriodStatus::Open,
            store::PeriodStatus::InReview => PeriodStatus::InReview,
            store::PeriodStatus::Locked => PeriodStatus::Locked,
        },
        base_year: p.base_year,
        gwp_set: gwp_to(p.gwp_set),
        pins: p.pins.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        snapshot,
    })
}

#[tauri::command]
pub fn list_periods(state: tauri::State<'_, AppState>) -> Result<Vec<PeriodView>> {
    with_store(&state, |s| {
        let periods = s.periods()?;
        periods.into_iter().map(|p| period_view(s, p)).collect()
    })
}

#[tauri::command]
pub fn add_period(state: tauri::State<'_, AppState>, input: PeriodInput) -> Result<PeriodView> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let p = NewPeriod {
        year: input.year,
        start: opt(&input.start),
        end: opt(&input.end),
        base_year: input.base_year,
        gwp_set: gwp_from(input.gwp_set),
        pins: Default::default(),
    };
    with_store(&state, |s| {
        let added = s.add_period(&lib, &p)?;
        period_view(s, added)
    })
}

#[tauri::command]
pub fn review_period(state: tauri::State<'_, AppState>, year: i32) -> Result<PeriodView> {
    with_store(&state, |s| {
        let p = s.review_period(year)?;
        period_view(s, p)
    })
}

#[tauri::command]
pub fn reopen_period(state: tauri::State<'_, AppState>, year: i32) -> Result<PeriodView> {
    with_store(&state, |s| {
        let p = s.reopen_period(year)?;
        period_view(s, p)
    })
}

/// Lock a period: its calculation is stored as the snapshot (refused while any record is
/// unresolved).
#[tauri::command]
pub fn lock_period(state: tauri::State<'_, AppState>, year: i32) -> Result<PeriodView> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    with_store(&state, |s| {
        s.lock_period(&lib, year)?;
        let p = s.period(year)?;
        period_view(s, p)
    })
}

// ---- activity records ----

/// The draft's cells over `base` (a record's other fields stay as they were).
fn input_of(d: &ActivityDraft, base: ActivityInput) -> ActivityInput {
    ActivityInput {
        facility: d.facility.trim().to_string(),
        activity: d.activity.clone(),
        quantity: d.quantity.clone(),
        unit: d.unit.clone(),
        start: d.period_start.clone(),
        end: d.period_end.clone(),
        factor: opt(&d.factor),
        region: opt(&d.region),
        evidence: opt(&d.evidence),
        data_quality: opt(&d.data_quality),
        note: opt(&d.note),
        sector: opt(&d.sector),
        ncv_gj_per_unit: opt(&d.ncv_gj_per_unit),
        carbon_t_per_gj: opt(&d.carbon_t_per_gj),
        oxidation: opt(&d.oxidation),
        parameter_source: opt(&d.parameter_source),
        scope3_category: opt(&d.scope3_category),
        scope3: Scope3Cells {
            method: opt(&d.method),
            dq_technology: opt(&d.dq_technology),
            dq_time: opt(&d.dq_time),
            dq_geography: opt(&d.dq_geography),
            dq_completeness: opt(&d.dq_completeness),
            dq_reliability: opt(&d.dq_reliability),
            currency_year: opt(&d.currency_year),
            exchange_rate: opt(&d.exchange_rate),
            price_index: opt(&d.price_index),
            attribution: opt(&d.attribution),
            pcaf_score: opt(&d.pcaf_score),
        },
        ..base
    }
}

fn record_view(r: ActivityRecord) -> ActivityRecordView {
    let s3 = r.scope3;
    let draft = ActivityDraft {
        facility: r.facility,
        period_start: r.start,
        period_end: r.end,
        activity: r.activity,
        quantity: r.quantity,
        unit: r.unit,
        region: r.region.unwrap_or_default(),
        factor: r.factor.unwrap_or_default(),
        evidence: r.evidence.unwrap_or_default(),
        data_quality: r.data_quality.unwrap_or_default(),
        note: r.note.unwrap_or_default(),
        sector: r.sector.unwrap_or_default(),
        ncv_gj_per_unit: r.ncv_gj_per_unit.unwrap_or_default(),
        carbon_t_per_gj: r.carbon_t_per_gj.unwrap_or_default(),
        oxidation: r.oxidation.unwrap_or_default(),
        parameter_source: r.parameter_source.unwrap_or_default(),
        scope3_category: r.scope3_category.map(|c| c.to_string()).unwrap_or_default(),
        method: s3.method.unwrap_or_default(),
        dq_technology: s3.dq_technology.unwrap_or_default(),
        dq_time: s3.dq_time.unwrap_or_default(),
        dq_geography: s3.dq_geography.unwrap_or_default(),
        dq_completeness: s3.dq_completeness.unwrap_or_default(),
        dq_reliability: s3.dq_reliability.unwrap_or_default(),
        currency_year: s3.currency_year.unwrap_or_default(),
        exchange_rate: s3.exchange_rate.unwrap_or_default(),
        price_index: s3.price_index.unwrap_or_default(),
        attribution: s3.attribution.unwrap_or_default(),
        pcaf_score: s3.pcaf_score.unwrap_or_default(),
    };
    ActivityRecordView {
        id: wire_id(r.id),
        period: r.period,
        draft,
        entered_by: r.entered_by,
        created_at: r.created_at,
        status: match r.status {
            store::RecordStatus::Current => RecordStatus::Current,
            store::RecordStatus::Superseded => RecordStatus::Superseded,
        },
        supersedes: r.supersedes.map(wire_id),
        restatement_reason: r.restatement_reason,
    }
}

/// Check a draft as `add_activity` would (`Store::check_activity`: the activity-file reader and
/// factor selection under the period's GWP set and pinned editions, its dates, the facility),
/// without saving it.
#[tauri::command]
pub fn check_activity(state: tauri::State<'_, AppState>, year: i32, draft: ActivityDraft) -> Result<()> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let input = input_of(&draft, ActivityInput::default());
    with_store(&state, |s| {
        s.check_activity(&lib, year, &input).map_err(|e| AppError {
            code: ErrorCode::Validation,
            message: "the row has errors".into(),
            details: field_errors(&e.diagnostics),
        })
    })
}

/// One page of period `year`'s records (`all`: superseded ones too), in entry order.
#[tauri::command]
pub fn list_activities(
    state: tauri::State<'_, AppState>,
    year: i32,
    offset: u32,
    limit: u32,
    all: bool,
) -> Result<ActivityPage> {
    with_store(&state, |s| {
        let limit = if limit == 0 { u64::MAX } else { u64::from(limit) };
        let (records, total) = s.activities_page(year, all, u64::from(offset), limit)?;
        let total = u32::try_from(total).unwrap_or(u32::MAX);
        Ok(ActivityPage { total, offset, records: records.into_iter().map(record_view).collect() })
    })
}

#[tauri::command]
pub fn add_activity(state: tauri::State<'_, AppState>, year: i32, draft: ActivityDraft) -> Result<ActivityRecordView> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    let input = input_of(&draft, ActivityInput::default());
    with_store(&state, |s| s.add_activity(&lib, year, &input).map(record_view).map_err(AppError::from))
}

/// Change a record of an open or in-review period (`Locked` for a locked one).
#[tauri::command]
pub fn update_activity(
    state: tauri::State<'_, AppState>,
    id: u32,
    draft: ActivityDraft,
    reason: String,
) -> Result<ActivityRecordView> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    with_store(&state, |s| {
        let base = s.activity(i64::from(id))?.to_input();
        let input = input_of(&draft, base);
        s.update_activity(&lib, i64::from(id), &input, opt(&reason).as_deref()).map(record_view).map_err(AppError::from)
    })
}

#[tauri::command]
pub fn delete_activity(state: tauri::State<'_, AppState>, id: u32, reason: String) -> Result<()> {
    with_store(&state, |s| s.delete_activity(i64::from(id), opt(&reason).as_deref()).map_err(AppError::from))
}

/// Correct a record of a locked period; the original stays, superseded. Needs a reason.
#[tauri::command]
pub fn restate_activity(
    state: tauri::State<'_, AppState>,
    id: u32,
    draft: ActivityDraft,
    reason: String,
) -> Result<ActivityRecordView> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    with_store(&state, |s| {
        let base = s.activity(i64::from(id))?.to_input();
        let input = input_of(&draft, base);
        s.restate_activity(&lib, i64::from(id), &input, &reason).map(record_view).map_err(AppError::from)
    })
}

fn entry_view(e: store::AuditEntry) -> AuditEntryView {
    AuditEntryView {
        seq: wire_id(e.seq),
        at: e.at,
        user: e.user,
        action: e.action,
        table: e.table,
        record: wire_id(e.record),
        old_value: e.old_value,
        new_value: e.new_value,
        reason: e.reason,
        hash: e.hash,
    }
}

/// A record's history: its audit entries, oldest first.
#[tauri::command]
pub fn activity_history(state: tauri::State<'_, AppState>, id: u32) -> Result<Vec<AuditEntryView>> {
    with_store(&state, |s| {
        s.activity(i64::from(id))?;
        Ok(s.history("activity", i64::from(id))?.into_iter().map(entry_view).collect())
    })
}

/// Period `year`'s current records as an activity file (`scopebook activity export`).
#[tauri::command]
pub fn export_activities_csv(state: tauri::State<'_, AppState>, year: i32) -> Result<String> {
    with_store(&state, |s| {
        let (bytes, _) = s.export(year)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    })
}

// ---- audit, backup, restore ----

/// The audit log, newest first, filtered and paged.
#[tauri::command]
pub fn audit_log(state: tauri::State<'_, AppState>, query: AuditQuery) -> Result<AuditPage> {
    with_store(&state, |s| {
        let filter = store::AuditFilter {
            action: query.action.clone(),
            table: query.table.clone(),
            user: query.user.clone(),
            text: query.text.clone(),
        };
        let limit = if query.limit == 0 { u64::MAX } else { u64::from(query.limit) };
        let (entries, count) = s.audit_page_counted(&filter, u64::from(query.offset), limit, query.exact_count)?;
        let total = u32::try_from(count.n).unwrap_or(u32::MAX);
        Ok(AuditPage {
            total,
            total_at_least: count.at_least || total == u32::MAX,
            entries: entries.into_iter().map(entry_view).collect(),
        })
    })
}

/// `scopebook audit verify`: the integrity check, then the hash chain and its replay.
#[tauri::command]
pub fn verify_organisation(state: tauri::State<'_, AppState>) -> Result<VerifyResult> {
    with_store(&state, |s| {
        Ok(match s.integrity_check().and_then(|()| s.verify()) {
            Ok(v) => VerifyResult {
                ok: true,
                entries: u32::try_from(v.entries).unwrap_or(u32::MAX),
                head: v.head,
                code: None,
                message: String::new(),
            },
            Err(e) => VerifyResult {
                ok: false,
                entries: 0,
                head: String::new(),
                code: e.code().map(DiagnosticCode),
                message: e.diagnostics.first().map(|d| d.message.clone()).unwrap_or_else(|| e.to_string()),
            },
        })
    })
}

/// Copy the open file to `path` with SQLite's online backup (checked); returns the path.
#[tauri::command]
pub fn backup_organisation(state: tauri::State<'_, AppState>, path: String) -> Result<String> {
    let to = path_of("backup_path", &path)?;
    with_store(&state, |s| {
        s.backup(&to)?;
        Ok(to.display().to_string())
    })
}

/// Restore the backup `from` into the new file `to` (refused when the backup fails
/// verification, or when `to` exists), and open it.
#[tauri::command]
pub fn restore_organisation(state: tauri::State<'_, AppState>, from: String, to: String) -> Result<Session> {
    let from = path_of("restore_from", &from)?;
    let to = path_of("restore_to", &to)?;
    if to.exists() {
        return Err(conflict(format!("{} already exists; restore into a new file", to.display())));
    }
    let s = Store::restore(&from, &to, &store::default_user())?;
    s.verify()?;
    install(&state, s)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn input(equity_share: Option<&str>) -> FacilityInput {
        FacilityInput {
            code: "SZ".into(),
            name: "Suzhou".into(),
            kind: FacilityKind::Facility,
            parent: String::new(),
            equity_share: equity_share.map(str::to_string),
            operational_control: true,
            financial_control: true,
            region: "CN-JS".into(),
            grid_region: String::new(),
            ets_covered: false,
            sector: String::new(),
        }
    }

    #[test]
    fn an_edit_without_an_equity_share_leaves_it_as_it_is() {
        assert_eq!(facility_change(input(None)).equity_share, None);
        assert_eq!(facility_change(input(Some("  "))).equity_share, None);
        assert_eq!(facility_change(input(Some(" 60 "))).equity_share.as_deref(), Some("60"));
    }

    fn snapshot(result_json: &str) -> store::Snapshot {
        store::Snapshot {
            id: 1,
            year: 2023,
            taken_at: "t".into(),
            engine_version: "v".into(),
            gwp_set: "AR5".into(),
            datasets: "[]".into(),
            input_sha256: "i".into(),
            result_sha256: "r".into(),
            result_json: result_json.into(),
        }
    }

    #[test]
    fn a_snapshot_without_a_biogenic_total_shows_none_rather_than_zero() {
        let older = r#"{"totals": {"scope1": "1.5", "scope2_location": "2", "scope2_market": "2", "scope3": "0"}}"#;
        let t = snapshot_summary(&snapshot(older)).totals.unwrap();
        assert_eq!((t.scope1.as_str(), t.biogenic_co2), ("1.5", None));
        let with = r#"{"totals": {"scope1": "1", "scope2_location": "2", "scope2_market": "2", "scope3": "3", "biogenic_co2": "0.25"}}"#;
        assert_eq!(snapshot_summary(&snapshot(with)).totals.unwrap().biogenic_co2.as_deref(), Some("0.25"));
        assert_eq!(snapshot_summary(&snapshot("{}")).totals, None);
    }

    /// A store in a fresh folder named after the test: facility SZ in CN-JS, period 2023.
    fn store(name: &str, lib: &scopebook_core::library::FactorLibrary) -> (PathBuf, Store) {
        let (dir, mut s) = crate::testing::new_store("inventory", name, store::Consolidation::EquityShare);
        s.add_facility(&NewFacility::new("SZ", "Suzhou", "CN-JS")).unwrap();
        s.add_period(lib, &NewPeriod::year(2023)).unwrap();
        (dir, s)
    }

    fn coal() -> ActivityDraft {
        ActivityDraft {
            facility: "SZ".into(),
            period_start: "2023-01-01".into(),
            period_end: "2023-12-31".into(),
            activity: "natural_gas".into(),
            quantity: "1000".into(),
            unit: "GJ".into(),
            sector: "manufacturing".into(),
            oxidation: "0.98".into(),
            parameter_source: "measured".into(),
            ..ActivityDraft::default()
        }
    }

    #[test]
    fn a_records_sector_and_parameters_are_stored_as_typed_and_shown_again() {
        let (lib, _) = scopebook_core::library::FactorLibrary::shipped();
        let (dir, mut s) = store("parameters", &lib);
        let r = s.add_activity(&lib, 2023, &input_of(&coal(), ActivityInput::default())).unwrap();
        let shown = record_view(r).draft;
        // The store records the facility's region with the record.
        assert_eq!(shown, ActivityDraft { region: "CN-JS".into(), ..coal() });
        // Left empty, a parameter is absent: the factor's default applies (nothing filled in).
        let plain = input_of(&ActivityDraft { oxidation: " ".into(), ..coal() }, ActivityInput::default());
        assert_eq!((plain.oxidation, plain.ncv_gj_per_unit), (None, None));
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_parameters_and_an_unknown_sector_are_refused_at_their_fields() {
        let (lib, _) = scopebook_core::library::FactorLibrary::shipped();
        let (dir, s) = store("bad-parameters", &lib);
        for (draft, field) in [
            (ActivityDraft { oxidation: "1.2".into(), ..coal() }, "oxidation"),
            (
                ActivityDraft {
                    ncv_gj_per_unit: "0".into(),
                    unit: "t".into(),
                    activity: "bituminous_coal".into(),
                    ..coal()
                },
                "ncv_gj_per_unit",
            ),
            (ActivityDraft { sector: "industry".into(), ..coal() }, "sector"),
        ] {
            let e = s.check_activity(&lib, 2023, &input_of(&draft, ActivityInput::default())).unwrap_err();
            let fields: Vec<String> = field_errors(&e.diagnostics).into_iter().map(|f| f.field).collect();
            assert!(fields.iter().any(|f| f == field), "{field}: {fields:?} {e}");
        }
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// An investee's Scope 1+2 (t), passed through as t CO2e: a category-15 line.
    fn with_investees(lib: &scopebook_core::library::FactorLibrary) -> scopebook_core::library::FactorLibrary {
        let mut l = lib.clone();
        let pass = "id,activity,scope,category,unit,co2e_kg,source,name,region,gwp_basis,verified\n\
                    t.investee,investee_scope1_2,3,15,t,1000,test pass-through,Investee,GLOBAL,AR5,true\n";
        assert!(l.add_user_file("investees.csv", pass.as_bytes()).is_empty());
        l
    }

    fn investee() -> ActivityDraft {
        ActivityDraft {
            facility: "SZ".into(),
            period_start: "2023-01-01".into(),
            period_end: "2023-12-31".into(),
            activity: "investee_scope1_2".into(),
            quantity: "4800".into(),
            unit: "t".into(),
            scope3_category: "15".into(),
            method: "investment-specific".into(),
            dq_technology: "2".into(),
            dq_time: "1".into(),
            dq_geography: "2".into(),
            dq_completeness: "3".into(),
            dq_reliability: "2".into(),
            attribution: "0.25".into(),
            pcaf_score: "2".into(),
            ..ActivityDraft::default()
        }
    }

    /// Issue 14: the record form's Scope 3 cells reach the store, come back in the view, and an
    /// edit changes only what it changes; the period's Scope 3 view reads them.
    #[test]
    fn a_records_scope3_cells_are_stored_shown_edited_and_calculated() {
        let (shipped, _) = scopebook_core::library::FactorLibrary::shipped();
        let lib = with_investees(&shipped);
        let (dir, mut s) = store("scope3-cells", &lib);
        let r = s.add_activity(&lib, 2023, &input_of(&investee(), ActivityInput::default())).unwrap();
        let id = r.id;
        assert_eq!(r.scope3_category, Some(15));
        assert_eq!((r.scope3.attribution.as_deref(), r.scope3.pcaf_score.as_deref()), (Some("0.25"), Some("2")));
        let shown = record_view(r).draft;
        assert_eq!(shown, ActivityDraft { region: "CN-JS".into(), ..investee() });

        // A spend line's money cells, typed with spaces, stored trimmed.
        let spend = ActivityDraft {
            activity: "spend.naics.334111".into(),
            quantity: "1000000".into(),
            unit: "CNY".into(),
            factor: "epa-useeio.1.3.0.334111".into(),
            method: "spend-based".into(),
            currency_year: " 2023 ".into(),
            exchange_rate: "7.0467".into(),
            price_index: "1".into(),
            ..ActivityDraft {
                sector: String::new(),
                oxidation: String::new(),
                parameter_source: String::new(),
                ..coal()
            }
        };
        let spent = record_view(s.add_activity(&lib, 2023, &input_of(&spend, ActivityInput::default())).unwrap()).draft;
        assert_eq!(
            (spent.currency_year.as_str(), spent.exchange_rate.as_str(), spent.price_index.as_str()),
            ("2023", "7.0467", "1")
        );
        assert_eq!((spent.scope3_category.as_str(), spent.pcaf_score.as_str()), ("", ""), "none typed, none stored");

        // An edit of the shown record: the score changes, the method is cleared, the rest stays.
        let edited = ActivityDraft { pcaf_score: "4".into(), method: " ".into(), ..shown };
        let base = s.activity(id).unwrap().to_input();
        s.update_activity(&lib, id, &input_of(&edited, base), Some("audited figures not available")).unwrap();
        let stored = s.activities(2023, false).unwrap();
        let after = stored.iter().find(|r| r.id == id).unwrap();
        assert_eq!(after.scope3.pcaf_score.as_deref(), Some("4"));
        assert_eq!(after.scope3.method, None, "a cleared field is none, not kept");
        assert_eq!(after.scope3.attribution.as_deref(), Some("0.25"));
        assert_eq!(after.scope3.dq_time.as_deref(), Some("1"));
        assert_eq!(record_view(after.clone()).draft, ActivityDraft { method: String::new(), ..edited });

        // The period's Scope 3 view (one calculation): 4,800 t × 0.25 = 1,200 t at score 4.
        let v3 = crate::scope23::scope3_of(&s, &lib, 2023).unwrap();
        let c15 = &v3.categories[14];
        let p = c15.pcaf.as_ref().unwrap();
        assert_eq!((p.score.as_str(), p.scored_co2e_t.as_str()), ("4", "1200"));
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_bad_scope3_cell_is_refused_at_its_column_and_nothing_is_stored() {
        let (shipped, _) = scopebook_core::library::FactorLibrary::shipped();
        let lib = with_investees(&shipped);
        let (dir, mut s) = store("bad-scope3", &lib);
        for (draft, field) in [
            (ActivityDraft { pcaf_score: "6".into(), ..investee() }, "pcaf_score"),
            (ActivityDraft { dq_time: "0".into(), ..investee() }, "dq_time"),
            (ActivityDraft { method: "guesswork".into(), ..investee() }, "method"),
            (ActivityDraft { attribution: "1.5".into(), ..investee() }, "attribution"),
            (ActivityDraft { scope3_category: "16".into(), ..investee() }, "scope3_category"),
        ] {
            let e = s.add_activity(&lib, 2023, &input_of(&draft, ActivityInput::default())).unwrap_err();
            let app = AppError::from(e);
            assert_eq!(app.code, ErrorCode::Validation, "{field}");
            let fields: Vec<&str> = app.details.iter().map(|f| f.field.as_str()).collect();
            assert!(fields.contains(&field), "{field}: {fields:?}");
        }
        assert!(s.activities(2023, true).unwrap().is_empty());
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_share_change_in_a_locked_period_is_refused_as_locked_then_made_as_a_restatement() {
        let (lib, _) = scopebook_core::library::FactorLibrary::shipped();
        let (dir, mut s) = store("restate", &lib);
        s.add_activity(&lib, 2023, &input_of(&coal(), ActivityInput::default())).unwrap();
        s.lock_period(&lib, 2023).unwrap();
        let change = facility_change(FacilityInput { sector: "manufacturing".into(), ..input(Some("40")) });
        assert_eq!(change.sector, Some(Some("manufacturing".into())));
        let refused = s.update_facility(&lib, "SZ", &change, Some("sold 60 %"), locked_change(false, "sold 60 %"));
        assert_eq!(AppError::from(refused.unwrap_err()).code, ErrorCode::Locked);
        assert_eq!(s.facility("SZ").unwrap().equity_share, "100");
        let f = s.update_facility(&lib, "SZ", &change, Some("sold 60 %"), locked_change(true, "sold 60 %")).unwrap();
        assert_eq!((f.equity_share.as_str(), f.sector.as_deref()), ("40", Some("manufacturing")));
        // An empty sector in the form clears it.
        let cleared = facility_change(FacilityInput { equity_share: None, ..input(None) });
        assert_eq!(cleared.sector, Some(None));
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_sectors_are_the_librarys_with_both_names() {
        let sectors = list_sectors();
        let names: Vec<&str> = sectors.iter().map(|s| s.sector.as_str()).collect();
        assert_eq!(names, ["energy", "manufacturing", "commercial", "residential"]);
        assert!(sectors.iter().all(|s| !s.name_en.is_empty() && !s.name_zh.is_empty()));
    }
}
