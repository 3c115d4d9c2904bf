//! The Compliance screen's reconciliation (issue 12, decisions 0032 and 0036): the scheme's
//! emissions beside the inventory of a period's records, from the organisation file itself —
//! `scopebook position --db FILE --scheme cn-ets|eu-ets --period YEAR --reconcile
//! [--default-parameters FACILITY]...` with the app's factor library (the user's factor files
//! included). A command apart from the position: the position is asked again at every price
//! change, the reconciliation (a calculation of the period's records with lines) only when the
//! period, plan or parameters change. It runs on a blocking thread.

use rust_decimal::Decimal;
use scopebook_allowance::position::n;
use scopebook_allowance::reconcile::{Reason, Reconciliation};
use scopebook_core::library::FactorLibrary;
use scopebook_store::{PositionOptions, Reconcile, Store};
use tauri::{AppHandle, Manager};

use crate::api::*;
use crate::commands::{internal, with_store, AppState};
use crate::compliance::{finding, refused_position, scheme_from};
use crate::import::blocking;

type Result<T> = std::result::Result<T, AppError>;

fn dec(d: Decimal) -> String {
    n(d).to_string()
}

fn total_reasons<'a>(r: impl Iterator<Item = (&'a &'static str, &'a Decimal)>) -> Vec<ReconciliationReason> {
    r.map(|(k, v)| ReconciliationReason { reason: (*k).to_string(), tonnes: dec(*v), detail: None }).collect()
}

fn line_reason(r: &Reason) -> ReconciliationReason {
    ReconciliationReason { reason: r.reason.to_string(), tonnes: dec(r.tonnes), detail: r.detail.clone() }
}

/// The reconciliation as it crosses IPC.
pub(crate) fn view(r: &Reconciliation) -> ReconciliationView {
    ReconciliationView {
        plan: r.boundary.plan.clone(),
        activities: r.activities.clone(),
        period_start: r.period.start.to_string(),
        period_end: r.period.end.to_string(),
        inventory_t: dec(r.inventory_t),
        computed_t: dec(r.computed_t),
        reasons: total_reasons(r.reasons.iter()),
        holders: r
            .holders
            .iter()
            .map(|h| ReconciliationHolder {
                holder: h.holder.clone(),
                facilities: h.facilities.clone(),
                inventory_t: dec(h.inventory_t),
                computed_t: dec(h.computed_t),
                verified_t: h.verified_t.map(dec),
                verified_minus_computed_t: h.verified_minus_computed_t.map(dec),
                scheme_t: dec(h.scheme_t),
                prevails: h.prevails.to_string(),
                reasons: total_reasons(h.reasons.iter()),
                forecast: h.forecast.as_ref().map(|f| ReconciliationForecast {
                    as_of: f.as_of.to_string(),
                    days_covered: u32::try_from(f.days_covered).unwrap_or(u32::MAX),
                    days_in_year: u32::try_from(f.days_in_year).unwrap_or(u32::MAX),
                    year_to_date_t: dec(f.year_to_date_t),
                    projected_t: dec(f.projected_t),
                    available_t: f.available_t.map(dec),
                    expected_shortfall_t: f.expected_shortfall_t.map(dec),
                }),
            })
            .collect(),
        lines: r
            .lines
            .iter()
            .map(|l| ReconciliationLine {
                row: u32::try_from(l.row).unwrap_or(u32::MAX),
                facility: l.facility.clone(),
                holder: l.holder.clone(),
                activity: l.activity.clone(),
                scope: l.scope,
                category: l.category.clone(),
                inventory_t: dec(l.inventory_t),
                scheme_t: dec(l.scheme_t),
                reasons: l.reasons.iter().map(line_reason).collect(),
            })
            .collect(),
        scope3_lines: u32::try_from(r.scope3_lines).unwrap_or(u32::MAX),
    }
}

/// The reconciliation of period `request.year` under the scheme (China: the facilities
/// registered for the position's enterprises; EU: the facilities tied to its installations);
/// `None` when none of them has a Scope 1 or 2 line in the period.
/// A position or calculation with an error is refused with its errors.
pub(crate) fn reconciliation_of(
    s: &Store,
    lib: &FactorLibrary,
    request: &ReconciliationRequest,
) -> Result<Option<ReconciliationReport>> {
    let plan = Some(request.plan.trim()).filter(|p| !p.is_empty());
    let defaults: Vec<String> =
        request.default_parameters.iter().map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect();
    let as_of = Some(request.as_of.trim()).filter(|d| !d.is_empty());
    let r = Reconcile { lib, default_parameters: &defaults, as_of };
    let scheme = scheme_from(request.scheme);
    let pos = s.position_with(scheme, request.year, plan, &[], &PositionOptions::default(), Some(&r))?;
    if pos.has_errors() {
        return Err(refused_position(&pos.diagnostics));
    }
    let Some(rec) = &pos.reconciliation else { return Ok(None) };
    if !rec.lines.iter().any(|l| l.holder.is_some()) {
        return Ok(None);
    }
    Ok(Some(ReconciliationReport {
        reconciliation: view(rec),
        findings: pos.diagnostics.iter().map(finding).collect(),
    }))
}

/// The scheme's emissions beside the inventory of period `year`.
#[tauri::command]
pub async fn ets_reconciliation(
    app: AppHandle,
    request: ReconciliationRequest,
) -> Result<Option<ReconciliationReport>> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| reconciliation_of(s, &lib, &request))
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::path::Path;

    use scopebook_store::{
        ActivityInput, Consolidation, EtsEnrolment, EtsScheme, NewFacility, NewOrganisation, NewPeriod,
    };

    fn golden(file: &str) -> Vec<u8> {
        let root =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden-position/08-reconciliation-aluminium-2024");
        std::fs::read(root.join(file)).unwrap()
    }

    fn record(facility: &str, activity: &str, quantity: &str, unit: &str) -> ActivityInput {
        ActivityInput {
            facility: facility.into(),
            start: "2024-01-01".into(),
            end: "2024-12-31".into(),
            activity: activity.into(),
            quantity: quantity.into(),
            unit: unit.into(),
            ..ActivityInput::default()
        }
    }

    /// Golden position 08 in an organisation file: the smelter registered under the China ETS,
    /// UNITS.csv, and the records, the app's library holding the case's factors.
    fn store(name: &str) -> (std::path::PathBuf, Store, FactorLibrary) {
        let (dir, mut s) = crate::testing::new_store("reconciliation", name, Consolidation::OperationalControl);
        let (mut lib, _) = FactorLibrary::shipped();
        assert!(lib.add_user_file("factors.csv", &golden("factors.csv")).is_empty());
        s.add_facility(&NewFacility { ets_covered: true, ..NewFacility::new("BT-SMELTER", "Smelter", "CN-NM") })
            .unwrap();
        s.add_facility(&NewFacility::new("BT-OFFICE", "Office", "CN-NM")).unwrap();
        s.add_period(&lib, &NewPeriod::year(2024)).unwrap();
        let e = EtsEnrolment {
            facility: "BT-SMELTER".into(),
            scheme: EtsScheme::CnEts,
            enterprise: "Baotou Example Aluminium".into(),
            plan: Some("cn-industry-2024-2025".into()),
        };
        s.set_ets_facility(&e).unwrap();
        s.import_ets_units(2024, "UNITS.csv", &golden("UNITS.csv"), None, None).unwrap();
        (dir, s, lib)
    }

    fn request(defaults: &[&str]) -> ReconciliationRequest {
        ReconciliationRequest {
            scheme: EtsSchemeId::CnEts,
            year: 2024,
            plan: String::new(),
            default_parameters: defaults.iter().map(|d| (*d).to_string()).collect(),
            as_of: String::new(),
        }
    }

    #[test]
    fn golden_08_through_the_command_and_the_same_figures_as_the_store() {
        let (dir, mut s, lib) = store("golden");
        // No records yet: nothing to reconcile.
        assert_eq!(reconciliation_of(&s, &lib, &request(&[])).unwrap(), None);
        let coal = ActivityInput {
            carbon_t_per_gj: Some("0.025".into()),
            parameter_source: Some("measured".into()),
            ..record("BT-SMELTER", "bt_boiler_coal", "1200000", "GJ")
        };
        let records = [
            coal,
            record("BT-SMELTER", "bt_anode_cf4", "10000", "t"),
            record("BT-SMELTER", "bt_anode_c2f6", "10000", "t"),
            record("BT-SMELTER", "bt_grid_electricity", "100000", "MWh"),
            record("BT-OFFICE", "bt_grid_electricity", "500", "MWh"),
        ];
        let ids = s.add_activities(&lib, 2024, &records).unwrap();
        let report = reconciliation_of(&s, &lib, &request(&["BT-SMELTER"])).unwrap().unwrap();
        let r = &report.reconciliation;
        // WORKING.md of golden 08.
        assert_eq!((r.inventory_t.as_str(), r.computed_t.as_str()), ("187143.6", "135045"));
        let h = &r.holders[0];
        assert_eq!(h.verified_t.as_deref(), Some("135000"));
        assert_eq!(h.verified_minus_computed_t.as_deref(), Some("-45"));
        assert_eq!((h.scheme_t.as_str(), h.prevails.as_str()), ("135000", "verified"));
        assert_eq!(h.facilities, vec!["BT-SMELTER".to_string()]);
        let rows: Vec<u32> = r.lines.iter().map(|l| l.row).collect();
        assert_eq!(rows, ids.iter().map(|i| u32::try_from(*i).unwrap()).collect::<Vec<_>>());
        let first: Vec<(&str, &str, Option<&str>)> =
            r.lines[0].reasons.iter().map(|x| (x.reason.as_str(), x.tonnes.as_str(), x.detail.as_deref())).collect();
        assert_eq!(
            first,
            vec![("gas-excluded", "510.6", Some("CH4, N2O")), ("default-parameter", "-8712", Some("bt.coal"))]
        );
        assert_eq!(r.lines[4].holder, None);
        assert_eq!(r.lines[4].reasons[0].reason, "outside-scheme");
        // The wire view is the store's reconciliation, figure for figure.
        let rec = Reconcile { lib: &lib, default_parameters: &["BT-SMELTER".to_string()], as_of: None };
        let pos = s.position_with(EtsScheme::CnEts, 2024, None, &[], &PositionOptions::default(), Some(&rec)).unwrap();
        assert_eq!(view(pos.reconciliation.as_ref().unwrap()), report.reconciliation);
        // The plan's boundary is not confirmed in the scheme's documents: said as a warning.
        assert!(report.findings.iter().any(|f| f.message.contains("scheme boundary")), "{:?}", report.findings);

        // Without the default parameters the coal line counts the measured carbon: 108,900 t.
        let measured = reconciliation_of(&s, &lib, &request(&[])).unwrap().unwrap();
        assert_eq!(measured.reconciliation.computed_t, "126333");
        // A facility not registered: refused, named.
        let err = reconciliation_of(&s, &lib, &request(&["BT-OFFICE"])).unwrap_err();
        assert!(err.message.contains("BT-OFFICE"), "{err:?}");
        // Without the user's factors the records have no factor: refused with the record's id.
        let (shipped, _) = FactorLibrary::shipped();
        let err = reconciliation_of(&s, &shipped, &request(&[])).unwrap_err();
        assert!(
            err.details.iter().any(|d| d.code == DiagnosticCode(scopebook_core::diagnostic::Code::NoFactor)),
            "{err:?}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
    /// With an as-of date the panel gets the forecast (`--as-of`): golden 08's records for the
    /// first quarter of 2024 (91 days of 366) at the default parameters, 135,045 t so far, give
    /// 135,045 × 366 / 91 = 543,148.021978021978 t for the year (12 decimal places).
    #[test]
    fn an_as_of_date_projects_the_year_from_the_records_so_far() {
        let (dir, mut s, lib) = store("forecast");
        let q1 = |r: ActivityInput| ActivityInput { end: "2024-03-31".into(), ..r };
        let records = [
            q1(record("BT-SMELTER", "bt_boiler_coal", "1200000", "GJ")),
            q1(record("BT-SMELTER", "bt_anode_cf4", "10000", "t")),
            q1(record("BT-SMELTER", "bt_anode_c2f6", "10000", "t")),
        ];
        s.add_activities(&lib, 2024, &records).unwrap();
        let asked = |as_of: &str| ReconciliationRequest { as_of: as_of.into(), ..request(&["BT-SMELTER"]) };
        let whole = reconciliation_of(&s, &lib, &asked("")).unwrap().unwrap();
        assert_eq!(whole.reconciliation.holders[0].forecast, None);
        let report = reconciliation_of(&s, &lib, &asked(" 2024-03-31 ")).unwrap().unwrap();
        let h = &report.reconciliation.holders[0];
        assert_eq!(h.computed_t, "135045");
        let f = h.forecast.as_ref().unwrap();
        assert_eq!((f.as_of.as_str(), f.days_covered, f.days_in_year), ("2024-03-31", 91, 366));
        assert_eq!((f.year_to_date_t.as_str(), f.projected_t.as_str()), ("135045", "543148.021978021978"));
        let dec = |v: &str| v.parse::<Decimal>().unwrap();
        let available = dec(f.available_t.as_deref().unwrap());
        assert_eq!(dec(f.expected_shortfall_t.as_deref().unwrap()), dec(&f.projected_t) - available);
        // A record past the date, or a date that is not one, is refused, not projected.
        assert!(reconciliation_of(&s, &lib, &asked("2024-02-29")).is_err());
        assert!(reconciliation_of(&s, &lib, &asked("31/03/2024")).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Golden position 12 in an organisation file: the kiln registered under the EU ETS for its
    /// holder, the registry export imported and DE-990002 tied to the kiln (decision 0036).
    #[test]
    fn golden_12_the_eu_installation_beside_the_inventory() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden-position/12-eu-reconciliation-2021");
        let read = |f: &str| std::fs::read(root.join(f)).unwrap();
        let dir = std::env::temp_dir().join(format!("scopebook-reconciliation-{}-eu", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (mut lib, _) = FactorLibrary::shipped();
        assert!(lib.add_user_file("factors.csv", &read("factors.csv")).is_empty());
        let org = NewOrganisation { name: "T".into(), consolidation: Consolidation::OperationalControl };
        let mut s = Store::create(&dir.join("org.scopebook"), &org, "test").unwrap();
        s.add_facility(&NewFacility { ets_covered: true, ..NewFacility::new("KALK-1", "Kalkofen", "DE") }).unwrap();
        s.add_facility(&NewFacility::new("KALK-OFFICE", "Office", "DE")).unwrap();
        s.add_period(&lib, &NewPeriod::year(2021)).unwrap();
        let e = EtsEnrolment {
            facility: "KALK-1".into(),
            scheme: EtsScheme::EuEts,
            enterprise: "Rheinwerk Stahl GmbH".into(),
            plan: None,
        };
        s.set_ets_facility(&e).unwrap();
        let file = "registry-DE-NO.csv";
        assert_eq!(s.import_ets_registry(2021, &[(file.to_string(), read(file))]).unwrap(), 3);
        s.link_ets_registry(2021, "DE-990002", Some("KALK-1"), None).unwrap();
        let eu = ReconciliationRequest {
            scheme: EtsSchemeId::EuEts,
            year: 2021,
            plan: String::new(),
            default_parameters: vec![],
            as_of: String::new(),
        };
        // No records yet: nothing to reconcile.
        assert_eq!(reconciliation_of(&s, &lib, &eu).unwrap(), None);
        let records = [
            record("KALK-1", "eu_kiln_gas", "500000", "GJ"),
            record("KALK-1", "eu_grid", "2000", "MWh"),
            record("KALK-OFFICE", "eu_grid", "100", "MWh"),
        ]
        .map(|r| ActivityInput { start: "2021-01-01".into(), end: "2021-12-31".into(), ..r });
        s.add_activities(&lib, 2021, &records).unwrap();
        let report = reconciliation_of(&s, &lib, &eu).unwrap().unwrap();
        let r = &report.reconciliation;
        // WORKING.md of golden 12.
        assert_eq!((r.inventory_t.as_str(), r.computed_t.as_str()), ("28917.25", "28050"));
        let h = &r.holders[0];
        assert_eq!((h.holder.as_str(), h.facilities.clone()), ("DE-990002", vec!["KALK-1".to_string()]));
        assert_eq!(h.verified_t.as_deref(), Some("30000"));
        assert_eq!(h.verified_minus_computed_t.as_deref(), Some("1950"));
        // The wire view is the store's reconciliation, figure for figure.
        let rec = Reconcile { lib: &lib, default_parameters: &[], as_of: None };
        let pos = s.position_with(EtsScheme::EuEts, 2021, None, &[], &PositionOptions::default(), Some(&rec)).unwrap();
        assert_eq!(view(pos.reconciliation.as_ref().unwrap()), report.reconciliation);
        // The installations no facility is tied to are a finding.
        assert!(report.findings.iter().any(|f| f.message.contains("DE-990001")), "{:?}", report.findings);
        // The China side of the same file has no units: refused, as its position is.
        assert!(reconciliation_of(&s, &lib, &ReconciliationRequest { year: 2021, ..request(&[]) }).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
