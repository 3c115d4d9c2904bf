//! The Compliance screen's commands (issue 12): a covered facility's registration under an ETS,
//! a period's units and ledger (add, edit with a reason, delete, import UNITS.csv and
//! LEDGER.csv), the shipped plans with their source documents, and the allowance position. Each
//! one calls the `Store` function `scopebook ets` and `scopebook position --db` call, and maps the
//! outcome onto the wire types; the store checks every cell and refuses a write that leaves a
//! period's position with an error. The position runs on a blocking thread.

use std::path::Path;

use rust_decimal::Decimal;
use scopebook_allowance::eu_rules::EuRules;
use scopebook_allowance::ledger::Kind;
use scopebook_allowance::plan::{self, Plan};
use scopebook_allowance::position::{n, EnterprisePosition, InstallationLine, PenaltyExposure, Position, UnitLine};
use scopebook_core::diagnostic::Diagnostic;
use scopebook_store::{
    EtsEnrolment, EtsFacility, EtsLedgerEntry, EtsLedgerInput, EtsScheme, EtsUnit, EtsUnitInput, Store, StoreError,
};
use tauri::{AppHandle, Manager};

use crate::api::*;
use crate::commands::{field_errors, io_error, wire_id, with_store, AppState};
use crate::import::blocking;

type Result<T> = std::result::Result<T, AppError>;

fn dec(d: Decimal) -> String {
    n(d).to_string()
}

fn dec_opt(d: Option<Decimal>) -> Option<String> {
    d.map(dec)
}

/// "" (or blanks) is an empty cell.
pub(crate) fn cell(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn text(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn id_of(id: u32) -> i64 {
    i64::from(id)
}

pub(crate) fn scheme_from(s: EtsSchemeId) -> EtsScheme {
    match s {
        EtsSchemeId::CnEts => EtsScheme::CnEts,
        EtsSchemeId::EuEts => EtsScheme::EuEts,
    }
}

pub(crate) fn scheme_to(s: EtsScheme) -> EtsSchemeId {
    match s {
        EtsScheme::CnEts => EtsSchemeId::CnEts,
        EtsScheme::EuEts => EtsSchemeId::EuEts,
    }
}

fn facility_view(f: EtsFacility) -> EtsFacilityView {
    EtsFacilityView {
        id: wire_id(f.id),
        facility: f.facility,
        facility_name: f.facility_name,
        scheme: scheme_to(f.scheme),
        enterprise: f.enterprise,
        plan: f.plan,
    }
}

fn unit_input(d: &EtsUnitDraft) -> EtsUnitInput {
    EtsUnitInput {
        facility: d.facility.trim().to_string(),
        plan: cell(&d.plan),
        unit: d.unit.clone(),
        unit_class: d.unit_class.clone(),
        cooling: cell(&d.cooling),
        output_mwh: cell(&d.output_mwh),
        heat_gj: cell(&d.heat_gj),
        heat_supply_ratio: cell(&d.heat_supply_ratio),
        load_factor: cell(&d.load_factor),
        verified_t: d.verified_t.clone(),
        allocation_t: cell(&d.allocation_t),
    }
}

fn unit_view(u: EtsUnit) -> EtsUnitView {
    let v = &u.values;
    EtsUnitView {
        id: wire_id(u.id),
        year: u.year,
        scheme: scheme_to(u.scheme),
        enterprise: u.enterprise.clone(),
        draft: EtsUnitDraft {
            facility: v.facility.clone(),
            plan: text(&v.plan),
            unit: v.unit.clone(),
            unit_class: v.unit_class.clone(),
            cooling: text(&v.cooling),
            output_mwh: text(&v.output_mwh),
            heat_gj: text(&v.heat_gj),
            heat_supply_ratio: text(&v.heat_supply_ratio),
            load_factor: text(&v.load_factor),
            verified_t: v.verified_t.clone(),
            allocation_t: text(&v.allocation_t),
        },
    }
}

fn kind_of(k: EtsLedgerKind) -> Kind {
    match k {
        EtsLedgerKind::Allocation => Kind::Allocation,
        EtsLedgerKind::Purchase => Kind::Purchase,
        EtsLedgerKind::Sale => Kind::Sale,
        EtsLedgerKind::TransferIn => Kind::TransferIn,
        EtsLedgerKind::TransferOut => Kind::TransferOut,
        EtsLedgerKind::Surrender => Kind::Surrender,
        EtsLedgerKind::BankIn => Kind::BankIn,
        EtsLedgerKind::Borrow => Kind::Borrow,
    }
}

fn kind_to(k: Kind) -> EtsLedgerKind {
    match k {
        Kind::Allocation => EtsLedgerKind::Allocation,
        Kind::Purchase => EtsLedgerKind::Purchase,
        Kind::Sale => EtsLedgerKind::Sale,
        Kind::TransferIn => EtsLedgerKind::TransferIn,
        Kind::TransferOut => EtsLedgerKind::TransferOut,
        Kind::Surrender => EtsLedgerKind::Surrender,
        Kind::BankIn => EtsLedgerKind::BankIn,
        Kind::Borrow => EtsLedgerKind::Borrow,
    }
}

fn ledger_input(d: &EtsLedgerDraft) -> EtsLedgerInput {
    EtsLedgerInput {
        scheme: scheme_from(d.scheme),
        enterprise: d.enterprise.clone(),
        date: d.date.clone(),
        kind: kind_of(d.kind).as_str().to_string(),
        quantity_t: d.quantity_t.clone(),
        instrument: d.instrument.clone(),
        price: cell(&d.price),
        currency: cell(&d.currency),
        vintage: cell(&d.vintage),
        project: cell(&d.project),
        evidence: cell(&d.evidence),
    }
}

/// A stored movement; its kind was checked when it was written, so an unknown one is a damaged file.
fn entry_view(e: EtsLedgerEntry) -> Result<EtsLedgerEntryView> {
    let v = &e.values;
    let kind = Kind::parse(&v.kind).map(kind_to).ok_or_else(|| AppError {
        code: ErrorCode::Internal,
        message: format!("ledger entry {} has an unknown kind '{}'", e.id, v.kind),
        details: vec![],
    })?;
    Ok(EtsLedgerEntryView {
        id: wire_id(e.id),
        year: e.year,
        draft: EtsLedgerDraft {
            scheme: scheme_to(v.scheme),
            enterprise: v.enterprise.clone(),
            date: v.date.clone(),
            kind,
            quantity_t: v.quantity_t.clone(),
            instrument: v.instrument.clone(),
            price: text(&v.price),
            currency: text(&v.currency),
            vintage: text(&v.vintage),
            project: text(&v.project),
            evidence: text(&v.evidence),
        },
    })
}

fn document(d: &plan::Document) -> PlanDocument {
    PlanDocument {
        title: d.title.clone(),
        title_en: d.title_en.clone(),
        number: d.number.clone(),
        date: d.date.clone(),
        publisher: d.publisher.clone(),
        table: d.table.clone(),
        note: d.note.clone(),
    }
}

pub(crate) fn finding(d: &Diagnostic) -> PositionFinding {
    PositionFinding {
        file: d.location.file.clone(),
        row: d.location.row.map(|r| u32::try_from(r).unwrap_or(u32::MAX)),
        column: d.location.column.clone(),
        code: d.code.into(),
        message: d.message.clone(),
        severity: d.severity.into(),
    }
}

/// A refused import: as any store refusal, each problem's message led by its file and line.
pub(crate) fn refused_file(e: StoreError, file: &str) -> AppError {
    refused_files(e, &[file.to_string()])
}

/// A refused import of several files: each problem in one of `files` is led by its file and line.
pub(crate) fn refused_files(e: StoreError, files: &[String]) -> AppError {
    let at: Vec<Option<(String, u64)>> = e
        .diagnostics
        .iter()
        .map(|d| d.location.row.filter(|_| files.contains(&d.location.file)).map(|r| (d.location.file.clone(), r)))
        .collect();
    let mut err = AppError::from(e);
    for (detail, at) in err.details.iter_mut().zip(&at) {
        if let Some((file, row)) = at {
            detail.message = format!("{file} line {row}: {}", detail.message);
        }
    }
    if let (Some(first), Some(Some(_))) = (err.details.first(), at.first()) {
        let more = err.details.len() - 1;
        err.message =
            if more == 0 { first.message.clone() } else { format!("{} (and {more} more problems)", first.message) };
    }
    err
}

/// A position whose run found errors (a price below zero, in the wrong currency, ...): refused
/// with every error as a located detail, as `scopebook position` exits 1 with them.
pub(crate) fn refused_position(diags: &[Diagnostic]) -> AppError {
    let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    AppError::from(StoreError { diagnostics: errors })
}

fn unit_line(u: &UnitLine) -> UnitPositionLine {
    UnitPositionLine {
        enterprise: u.enterprise.clone(),
        unit: u.unit.clone(),
        unit_class: u.unit_class.clone(),
        row: u32::try_from(u.row).unwrap_or(u32::MAX),
        method: u.method.to_string(),
        basis: u.basis.map(str::to_string),
        allocation_t: dec(u.allocation_t),
        verified_t: dec(u.verified_t),
        obligation_t: dec(u.obligation_t),
        factors: u.factors.iter().map(|(k, v)| NamedFigure { name: (*k).to_string(), value: dec(*v) }).collect(),
    }
}

fn penalty(p: &PenaltyExposure) -> PenaltyView {
    PenaltyView {
        low: dec(p.low),
        high: dec(p.high),
        currency: p.currency.clone(),
        owed_t: dec(p.owed_t),
        basis: p.basis.clone(),
    }
}

fn enterprise(e: &EnterprisePosition) -> EnterprisePositionView {
    EnterprisePositionView {
        enterprise: e.enterprise.clone(),
        allocation_t: dec(e.allocation_t),
        verified_t: dec(e.verified_t),
        obligation_t: dec(e.obligation_t),
        relief: e
            .relief
            .iter()
            .map(|r| ReliefView { rule: r.rule.clone(), caps: r.caps.to_string(), tonnes: dec(r.tonnes) })
            .collect(),
        relief_t: dec(e.relief_t),
        offset_cap_t: dec_opt(e.offset_cap_t),
        offsets_used_t: dec(e.offsets_used_t),
        holdings_t: dec(e.holdings_t),
        surrendered_t: dec(e.surrendered_t),
        shortfall_t: dec(e.shortfall_t),
        values: e
            .values
            .iter()
            .map(|v| PositionValue {
                scenario: v.scenario.clone(),
                price: dec(v.price),
                currency: v.currency.clone(),
                amount: dec(v.amount),
            })
            .collect(),
        penalty: e.penalty.as_ref().map(penalty),
        deadline: e.deadline.clone(),
        bankable_t: dec_opt(e.bankable_t),
        cheapest_mix: e
            .cheapest_mix
            .iter()
            .map(|m| MixView {
                scenario: m.scenario.clone(),
                currency: m.currency.clone(),
                allowance_price: dec(m.allowance_price),
                offset_price: dec_opt(m.offset_price),
                gap_t: dec(m.gap_t),
                headroom_t: dec(m.headroom_t),
                offsets_t: dec(m.offsets_t),
                allowances_t: dec(m.allowances_t),
                amount: dec(m.amount),
                saving: dec(m.saving),
            })
            .collect(),
    }
}

fn installation(i: &InstallationLine) -> InstallationPositionLine {
    InstallationPositionLine {
        installation: i.installation.clone(),
        name: i.name.clone(),
        account_holder: i.account_holder.clone(),
        free_allocation_t: dec_opt(i.free_allocation_t),
        verified_t: dec_opt(i.verified_t),
        surrendered_t: dec_opt(i.surrendered_t),
        status: i.status.clone(),
        figure_status: i
            .figure_status
            .iter()
            .map(|(figure, status)| FigureStatus { figure: (*figure).to_string(), status: status.clone() })
            .collect(),
        obligation_t: dec_opt(i.obligation_t),
        shortfall_t: dec_opt(i.shortfall_t),
        penalty: i.penalty.as_ref().map(penalty),
    }
}

/// The position as it crosses IPC; a position with an error is refused with its errors.
pub(crate) fn position_view(p: &Position) -> Result<PositionView> {
    if p.has_errors() {
        return Err(refused_position(&p.diagnostics));
    }
    Ok(PositionView {
        scheme: EtsScheme::parse(p.scheme).map(scheme_to).ok_or_else(|| AppError {
            code: ErrorCode::Internal,
            message: format!("the position names an unknown scheme '{}'", p.scheme),
            details: vec![],
        })?,
        plan: p.plan.clone(),
        year: p.year,
        currency: p.currency.clone(),
        document: document(&p.document),
        prices: p
            .prices
            .iter()
            .map(|s| PriceScenarioView {
                scenario: s.scenario.clone(),
                price: dec(s.price),
                currency: s.currency.clone(),
            })
            .collect(),
        units: p.units.iter().map(unit_line).collect(),
        enterprises: p.enterprises.iter().map(enterprise).collect(),
        installations: p.installations.iter().map(installation).collect(),
        notes: p.notes.clone(),
        findings: p.diagnostics.iter().map(finding).collect(),
        reconciliation: p.reconciliation.as_ref().map(crate::reconciliation::view),
    })
}

fn plan_info(p: &Plan) -> PlanInfo {
    PlanInfo {
        id: p.id.clone(),
        scheme: EtsSchemeId::CnEts,
        sector: p.sector.clone(),
        currency: p.currency.clone(),
        years: p.years.clone(),
        file: p.file.clone(),
        document: document(&p.document),
        classes: p
            .classes
            .iter()
            .map(|c| PlanUnitClass { id: c.id.clone(), fuel: c.fuel.clone(), label: c.label.clone() })
            .collect(),
    }
}

/// A shipped file that does not load is a bug of the build, never the user's.
fn shipped_error(d: Diagnostic) -> AppError {
    AppError { code: ErrorCode::Internal, message: d.message.clone(), details: field_errors(&[d]) }
}

/// The shipped China plans and the EU rules, each with its source document.
pub(crate) fn plans() -> Result<Vec<PlanInfo>> {
    let eu = EuRules::shipped().map_err(shipped_error)?;
    let mut out = Vec::new();
    // The EU rules are shipped beside the China plans (allowance-plans/eu-ets), in their own format.
    for id in plan::shipped_ids().into_iter().filter(|id| *id != eu.id) {
        out.push(plan_info(&Plan::shipped(id).map_err(shipped_error)?));
    }
    out.push(PlanInfo {
        id: eu.id.clone(),
        scheme: EtsSchemeId::EuEts,
        sector: String::new(),
        currency: eu.currency.clone(),
        years: vec![],
        file: eu.file.clone(),
        document: document(&eu.document),
        classes: vec![],
    });
    Ok(out)
}

/// The file an import reads, with the name its findings are located in.
pub(crate) fn read_file(path: &str) -> Result<(String, Vec<u8>)> {
    let path = Path::new(path.trim());
    let bytes = std::fs::read(path).map_err(|e| io_error(&format!("cannot read {}", path.display()), &e))?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    Ok((name, bytes))
}

pub(crate) fn import_units_of(s: &mut Store, year: i32, path: &str, facility: &str, plan: &str) -> Result<EtsImported> {
    let (file, bytes) = read_file(path)?;
    let ids = s
        .import_ets_units(year, &file, &bytes, cell(facility).as_deref(), cell(plan).as_deref())
        .map_err(|e| refused_file(e, &file))?;
    Ok(EtsImported { file, rows: count(ids.len()) })
}

pub(crate) fn import_ledger_of(s: &mut Store, year: i32, scheme: EtsSchemeId, path: &str) -> Result<EtsImported> {
    let (file, bytes) = read_file(path)?;
    let ids = s.import_ets_ledger(year, scheme_from(scheme), &file, &bytes).map_err(|e| refused_file(e, &file))?;
    Ok(EtsImported { file, rows: count(ids.len()) })
}

pub(crate) fn position_of(s: &Store, r: &PositionRequest) -> Result<PositionView> {
    let plan = cell(&r.plan);
    let p = s.position(scheme_from(r.scheme), r.year, plan.as_deref(), &r.prices)?;
    position_view(&p)
}

// ---- commands ----

/// The facilities registered under a scheme.
#[tauri::command]
pub fn ets_facilities(state: tauri::State<'_, AppState>) -> Result<Vec<EtsFacilityView>> {
    with_store(&state, |s| Ok(s.ets_facilities()?.into_iter().map(facility_view).collect()))
}

/// Register a covered facility under a scheme, or change its registration (audited).
#[tauri::command]
pub fn set_ets_facility(state: tauri::State<'_, AppState>, input: EtsEnrolmentInput) -> Result<EtsFacilityView> {
    let e = EtsEnrolment {
        facility: input.facility,
        scheme: scheme_from(input.scheme),
        enterprise: input.enterprise,
        plan: cell(&input.plan),
    };
    with_store(&state, |s| Ok(facility_view(s.set_ets_facility(&e)?)))
}

/// The shipped plans and the EU rules with their source documents.
#[tauri::command]
pub fn ets_plans() -> Result<Vec<PlanInfo>> {
    plans()
}

#[tauri::command]
pub fn ets_units(state: tauri::State<'_, AppState>, year: i32) -> Result<Vec<EtsUnitView>> {
    with_store(&state, |s| Ok(s.ets_units(year)?.into_iter().map(unit_view).collect()))
}

#[tauri::command]
pub fn add_ets_unit(state: tauri::State<'_, AppState>, year: i32, draft: EtsUnitDraft) -> Result<EtsUnitView> {
    with_store(&state, |s| Ok(unit_view(s.add_ets_unit(year, &unit_input(&draft))?)))
}

#[tauri::command]
pub fn update_ets_unit(
    state: tauri::State<'_, AppState>,
    id: u32,
    draft: EtsUnitDraft,
    reason: String,
) -> Result<EtsUnitView> {
    with_store(&state, |s| {
        Ok(unit_view(s.update_ets_unit(id_of(id), &unit_input(&draft), cell(&reason).as_deref())?))
    })
}

#[tauri::command]
pub fn delete_ets_unit(state: tauri::State<'_, AppState>, id: u32, reason: String) -> Result<()> {
    with_store(&state, |s| Ok(s.delete_ets_unit(id_of(id), cell(&reason).as_deref())?))
}

/// Import a UNITS.csv (a path the user chose) into period `year`, all or nothing.
#[tauri::command]
pub async fn import_ets_units(
    app: AppHandle,
    year: i32,
    path: String,
    facility: String,
    plan: String,
) -> Result<EtsImported> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| import_units_of(s, year, &path, &facility, &plan))
    })
    .await
}

#[tauri::command]
pub fn ets_ledger(state: tauri::State<'_, AppState>, year: i32) -> Result<Vec<EtsLedgerEntryView>> {
    with_store(&state, |s| s.ets_ledger(year)?.into_iter().map(entry_view).collect())
}

#[tauri::command]
pub fn add_ets_ledger_entry(
    state: tauri::State<'_, AppState>,
    year: i32,
    draft: EtsLedgerDraft,
) -> Result<EtsLedgerEntryView> {
    with_store(&state, |s| entry_view(s.add_ets_ledger_entry(year, &ledger_input(&draft))?))
}

#[tauri::command]
pub fn update_ets_ledger_entry(
    state: tauri::State<'_, AppState>,
    id: u32,
    draft: EtsLedgerDraft,
    reason: String,
) -> Result<EtsLedgerEntryView> {
    with_store(&state, |s| {
        entry_view(s.update_ets_ledger_entry(id_of(id), &ledger_input(&draft), cell(&reason).as_deref())?)
    })
}

#[tauri::command]
pub fn delete_ets_ledger_entry(state: tauri::State<'_, AppState>, id: u32, reason: String) -> Result<()> {
    with_store(&state, |s| Ok(s.delete_ets_ledger_entry(id_of(id), cell(&reason).as_deref())?))
}

/// Import a LEDGER.csv of `scheme` (a path the user chose) into period `year`, all or nothing.
#[tauri::command]
pub async fn import_ets_ledger(app: AppHandle, year: i32, scheme: EtsSchemeId, path: String) -> Result<EtsImported> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| import_ledger_of(s, year, scheme, &path))
    })
    .await
}

/// The position of period `year` under a scheme, valued at each price:
/// `scopebook position --db FILE --scheme S --period YEAR --price P...`.
#[tauri::command]
pub async fn ets_position(app: AppHandle, request: PositionRequest) -> Result<PositionView> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| position_of(s, &request))
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use scopebook_core::diagnostic::Code;
    use scopebook_core::library::FactorLibrary;
    use scopebook_store::{Consolidation, NewFacility, NewPeriod};

    fn golden(file: &str) -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden-position/05-ccer-above-5pct");
        root.join(file).display().to_string()
    }

    /// A store with facility JS-U3 covered and registered under the China ETS, and period 2020.
    fn store(name: &str) -> (std::path::PathBuf, Store) {
        let (dir, mut s) = crate::testing::new_store("compliance", name, Consolidation::OperationalControl);
        let (lib, _) = FactorLibrary::shipped();
        s.add_facility(&NewFacility { ets_covered: true, ..NewFacility::new("JS-U3", "Unit 3", "CN-JS") }).unwrap();
        s.add_period(&lib, &NewPeriod::year(2020)).unwrap();
        let e = EtsEnrolment {
            facility: "JS-U3".into(),
            scheme: EtsScheme::CnEts,
            enterprise: "Jiangsu Example Power".into(),
            plan: Some("cn-power-2019-2020".into()),
        };
        s.set_ets_facility(&e).unwrap();
        (dir, s)
    }

    fn request(prices: &[&str]) -> PositionRequest {
        PositionRequest {
            scheme: EtsSchemeId::CnEts,
            year: 2020,
            plan: String::new(),
            prices: prices.iter().map(|p| (*p).to_string()).collect(),
        }
    }

    #[test]
    fn imported_files_give_the_golden_position_and_a_typed_purchase_moves_it() {
        let (dir, mut s) = store("golden");
        assert_eq!(import_units_of(&mut s, 2020, &golden("UNITS.csv"), "", "").unwrap().rows, 1);
        assert_eq!(import_ledger_of(&mut s, 2020, EtsSchemeId::CnEts, &golden("LEDGER.csv")).unwrap().rows, 3);
        // Golden position 05, worked by hand: a surplus of 44,000 t, −3,300,000 CNY at 75.
        let p = position_of(&s, &request(&["central=75"])).unwrap();
        let e = &p.enterprises[0];
        assert_eq!((e.obligation_t.as_str(), e.holdings_t.as_str()), ("1800000", "1754000"));
        assert_eq!((e.offsets_used_t.as_str(), e.offset_cap_t.as_deref()), ("90000", Some("90000")));
        assert_eq!(e.shortfall_t, "-44000");
        assert_eq!((e.values[0].scenario.as_str(), e.values[0].amount.as_str()), ("central", "-3300000"));
        assert!(p.findings.iter().any(|f| f.code == DiagnosticCode(Code::OffsetCapExceeded) && f.row == Some(4)));
        assert_eq!(p.document.number, Plan::shipped("cn-power-2019-2020").unwrap().document.number);
        // The wire view is the library's position, figure for figure.
        let lib = s.position(EtsScheme::CnEts, 2020, None, &["central=75".to_string()]).unwrap();
        assert_eq!(position_view(&lib).unwrap(), p);

        let purchase = EtsLedgerDraft {
            scheme: EtsSchemeId::CnEts,
            enterprise: "Jiangsu Example Power".into(),
            date: "2021-06-01".into(),
            kind: EtsLedgerKind::Purchase,
            quantity_t: "10000".into(),
            instrument: "CEA".into(),
            price: "60".into(),
            currency: "CNY".into(),
            vintage: String::new(),
            project: String::new(),
            evidence: String::new(),
        };
        let added = entry_view(s.add_ets_ledger_entry(2020, &ledger_input(&purchase)).unwrap()).unwrap();
        assert_eq!(added.draft, purchase);
        let p = position_of(&s, &request(&["central=80"])).unwrap();
        assert_eq!(p.enterprises[0].shortfall_t, "-54000");
        assert_eq!(p.enterprises[0].values[0].amount, "-4320000");
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_input_is_refused_located_and_changes_nothing() {
        let (dir, mut s) = store("refused");
        // A load factor of 1.7 on line 2 of the file: refused with the file's line, nothing written.
        let bad = dir.join("UNITS.csv");
        std::fs::write(
            &bad,
            "enterprise,unit,unit_class,cooling,output_mwh,heat_gj,heat_supply_ratio,load_factor,verified_t\n\
             Jiangsu Example Power,U3,coal-above-300mw,water,2000000,,,1.7,1800000\n",
        )
        .unwrap();
        let err = import_units_of(&mut s, 2020, &bad.display().to_string(), "", "").unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert!(err.details[0].message.starts_with("UNITS.csv line 2: "), "{err:?}");
        assert_eq!(err.details[0].field, "load_factor");
        assert!(s.ets_units(2020).unwrap().is_empty());
        // A price below zero: the position is refused with the price's code.
        import_units_of(&mut s, 2020, &golden("UNITS.csv"), "", "").unwrap();
        let err = position_of(&s, &request(&["low=-5"])).unwrap_err();
        assert_eq!((err.code, err.details[0].code), (ErrorCode::Validation, DiagnosticCode(Code::OutOfRange)));
        // A period without units has no position.
        let (lib, _) = FactorLibrary::shipped();
        s.add_period(&lib, &NewPeriod::year(2019)).unwrap();
        let err = position_of(&s, &PositionRequest { year: 2019, ..request(&[]) }).unwrap_err();
        assert_eq!(err.details[0].code, DiagnosticCode(Code::NoDataRows));
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn every_shipped_plan_is_listed_with_its_document() {
        let plans = plans().unwrap();
        for id in plan::shipped_ids().into_iter().filter(|id| *id != "eu-ets") {
            let p = plans.iter().find(|p| p.id == id).unwrap();
            assert_eq!(p.scheme, EtsSchemeId::CnEts);
            let shipped = Plan::shipped(id).unwrap();
            assert_eq!((&p.document.number, &p.document.title), (&shipped.document.number, &shipped.document.title));
            assert_eq!(p.classes.len(), shipped.classes.len(), "{id}");
        }
        assert_eq!(plans.iter().filter(|p| p.scheme == EtsSchemeId::EuEts).count(), 1);
    }
}
