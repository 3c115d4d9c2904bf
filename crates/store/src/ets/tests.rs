#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use scopebook_allowance::cn;
use scopebook_allowance::plan::Plan;
use scopebook_core::diagnostic::Code;

use super::*;
use crate::model::RecordStatus;
use crate::testing::{lib, store, TempDir};
use crate::{FacilityChange, LockedChange, NewFacility, NewPeriod};

const UNITS_01: &str =
    "enterprise,unit,unit_class,cooling,output_mwh,heat_gj,heat_supply_ratio,load_factor,verified_t\n\
Ningxia Example Power,U1,coal-above-300mw,air,7800000,,,0.78,7400000\n";

const UNITS_05: &str =
    "enterprise,unit,unit_class,cooling,output_mwh,heat_gj,heat_supply_ratio,load_factor,verified_t\n\
Jiangsu Example Power,U3,coal-above-300mw,water,2000000,,,0.86,1800000\n";

const LEDGER_05: &str = "enterprise,date,kind,quantity_t,instrument,price,currency,vintage,project,evidence\n\
Jiangsu Example Power,2021-09-01,purchase,100000,CCER,40,CNY,2019,CCER-WIND-0421,contract JS-77\n\
Jiangsu Example Power,2021-12-10,surrender,1700000,CEA,,,,,registry 2021-12-10\n\
Jiangsu Example Power,2021-12-10,surrender,100000,CCER,,,2019,CCER-WIND-0421,registry 2021-12-10\n";

/// The test store with facility NX covered, registered under cn-ets as `enterprise` with plan
/// cn-power-2019-2020, and period 2020.
fn covered(dir: &TempDir, enterprise: &str) -> Store {
    let mut s = store(dir);
    let mut f = NewFacility::new("NX", "Ningxia plant", "CN-NX");
    f.ets_covered = true;
    s.add_facility(&f).unwrap();
    s.add_period(lib(), &NewPeriod::year(2020)).unwrap();
    s.set_ets_facility(&EtsEnrolment {
        facility: "NX".into(),
        scheme: EtsScheme::CnEts,
        enterprise: enterprise.into(),
        plan: Some("cn-power-2019-2020".into()),
    })
    .unwrap();
    s
}

fn file_position(units: &str, ledger: Option<&str>, prices: &[String]) -> String {
    let plan = Plan::shipped("cn-power-2019-2020").unwrap();
    let input = cn::Input {
        plan: &plan,
        year: None,
        units_file: UNITS_FILE,
        units: units.as_bytes(),
        ledger: ledger.map(|l| (LEDGER_FILE, l.as_bytes())),
        prices,
    };
    serde_json::to_string(&cn::position(&input)).unwrap()
}

fn unit_u1() -> EtsUnitInput {
    EtsUnitInput {
        facility: "NX".into(),
        unit: "U1".into(),
        unit_class: "coal-above-300mw".into(),
        cooling: Some("air".into()),
        output_mwh: Some("7800000".into()),
        load_factor: Some("0.78".into()),
        verified_t: "7400000".into(),
        ..EtsUnitInput::default()
    }
}

fn head(s: &Store) -> (usize, usize, usize) {
    (s.audit_log().unwrap().len(), s.ets_units(2020).unwrap().len(), s.ets_ledger(2020).unwrap().len())
}

#[test]
fn a_typed_unit_gives_the_file_modes_position() {
    let dir = TempDir::new("ets-typed");
    let mut s = covered(&dir, "Ningxia Example Power");
    let u = s.add_ets_unit(2020, &unit_u1()).unwrap();
    assert_eq!(u.values.plan.as_deref(), Some("cn-power-2019-2020"), "the facility's plan by default");
    assert_eq!(u.enterprise, "Ningxia Example Power");
    let prices = vec!["central=75".to_string()];
    let stored = serde_json::to_string(&s.position(EtsScheme::CnEts, 2020, None, &prices).unwrap()).unwrap();
    assert_eq!(stored, file_position(UNITS_01, None, &prices));
    assert!(stored.contains("\"allocation_t\""), "{stored}");
    let (units, ledger) = s.ets_export(EtsScheme::CnEts, 2020, None).unwrap();
    assert_eq!(
        String::from_utf8(units).unwrap(),
        format!("{}", UNITS_01.replace("verified_t\n", "verified_t,allocation_t\n").replace("7400000\n", "7400000,\n"))
    );
    assert_eq!(
        String::from_utf8(ledger).unwrap(),
        "enterprise,date,kind,quantity_t,instrument,price,currency,vintage,project,evidence\n"
    );
    s.verify().unwrap();
}

#[test]
fn imported_files_give_the_file_modes_position_and_verify() {
    let dir = TempDir::new("ets-import");
    let mut s = covered(&dir, "Jiangsu Example Power");
    let before = s.audit_log().unwrap().len();
    assert_eq!(s.import_ets_units(2020, "UNITS.csv", UNITS_05.as_bytes(), None, None).unwrap().len(), 1);
    assert_eq!(s.import_ets_ledger(2020, EtsScheme::CnEts, "LEDGER.csv", LEDGER_05.as_bytes()).unwrap().len(), 3);
    assert_eq!(s.audit_log().unwrap().len(), before + 4, "one audit entry a row");
    let prices = vec!["central=75".to_string()];
    let stored = serde_json::to_string(&s.position(EtsScheme::CnEts, 2020, None, &prices).unwrap()).unwrap();
    let file = file_position(UNITS_05, Some(LEDGER_05), &prices);
    assert_eq!(stored, file);
    assert!(stored.contains("offset-cap-exceeded"), "the golden case's warning: {stored}");
    s.verify().unwrap();
    // Edits and deletions are audited and still replay.
    let entry = s.ets_ledger(2020).unwrap()[0].clone();
    let mut v = entry.values.clone();
    v.evidence = Some("contract JS-77 rev. 2".into());
    s.update_ets_ledger_entry(entry.id, &v, Some("contract revised")).unwrap();
    let h = s.history("ets_ledger", entry.id).unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].reason.as_deref(), Some("contract revised"));
    let last = s.ets_ledger(2020).unwrap()[2].id;
    s.delete_ets_ledger_entry(last, None).unwrap();
    assert_eq!(s.ets_ledger(2020).unwrap().len(), 2);
    s.verify().unwrap();
}

#[test]
fn bad_values_get_the_file_modes_codes_and_change_nothing() {
    let dir = TempDir::new("ets-bad");
    let mut s = covered(&dir, "Ningxia Example Power");
    s.add_ets_unit(2020, &unit_u1()).unwrap();
    let before = head(&s);
    let mut bad = unit_u1();
    bad.unit = "U2".into();
    bad.load_factor = Some("1.7".into());
    let e = s.add_ets_unit(2020, &bad).unwrap_err();
    assert_eq!(e.code(), Some(Code::OutOfRange));
    assert_eq!(e.diagnostics[0].location.column.as_deref(), Some("load_factor"), "{e}");
    let mut bad = unit_u1();
    bad.unit = "U2".into();
    bad.unit_class = "coal-supercritical".into();
    let e = s.add_ets_unit(2020, &bad).unwrap_err();
    assert_eq!(e.code(), Some(Code::InvalidValue));
    assert!(e.to_string().contains("is not a unit class of plan cn-power-2019-2020"), "{e}");
    assert_eq!(e.diagnostics[0].location.column.as_deref(), Some("unit_class"), "{e}");
    // The same unit twice: the file mode's duplicate-id.
    let e = s.add_ets_unit(2020, &unit_u1()).unwrap_err();
    assert_eq!(e.code(), Some(Code::DuplicateId), "{e}");
    // A surrender beyond holdings.
    let surrender = EtsLedgerInput {
        scheme: EtsScheme::CnEts,
        enterprise: "Ningxia Example Power".into(),
        date: "2021-12-10".into(),
        kind: "surrender".into(),
        quantity_t: "99000000".into(),
        instrument: "CEA".into(),
        price: None,
        currency: None,
        vintage: None,
        project: None,
        evidence: None,
    };
    let e = s.add_ets_ledger_entry(2020, &surrender).unwrap_err();
    assert_eq!(e.code(), Some(Code::InsufficientHoldings), "{e}");
    // A negative price and an enterprise without units.
    let mut priced = surrender.clone();
    priced.kind = "purchase".into();
    priced.price = Some("-5".into());
    priced.currency = Some("CNY".into());
    assert_eq!(s.add_ets_ledger_entry(2020, &priced).unwrap_err().code(), Some(Code::OutOfRange));
    let mut stranger = priced.clone();
    stranger.price = Some("60".into());
    stranger.enterprise = "Nobody Power".into();
    let e = s.add_ets_ledger_entry(2020, &stranger).unwrap_err();
    assert_eq!(e.code(), Some(Code::UnknownRecord), "{e}");
    // An import with one bad row writes none of its rows; the finding names the file's line.
    let file =
        format!("{UNITS_01}Ningxia Example Power,U9,coal-above-300mw,air,100,,,1.7,90\n").replace(",U1,", ",U5,");
    let e = s.import_ets_units(2020, "units.csv", file.as_bytes(), None, None).unwrap_err();
    assert_eq!(e.code(), Some(Code::OutOfRange));
    assert_eq!(e.diagnostics[0].location.to_string(), "units.csv:3 (column load_factor)", "{e}");
    assert_eq!(head(&s), before, "nothing changed");
    s.verify().unwrap();
}

#[test]
fn a_locked_period_refuses_every_write() {
    let dir = TempDir::new("ets-locked");
    let mut s = covered(&dir, "Jiangsu Example Power");
    s.import_ets_units(2020, "UNITS.csv", UNITS_05.as_bytes(), None, None).unwrap();
    s.import_ets_ledger(2020, EtsScheme::CnEts, "LEDGER.csv", LEDGER_05.as_bytes()).unwrap();
    s.lock_period(lib(), 2020).unwrap();
    let before = head(&s);
    let unit = s.ets_units(2020).unwrap()[0].clone();
    let entry = s.ets_ledger(2020).unwrap()[0].clone();
    let mut u2 = unit.values.clone();
    u2.unit = "U4".into();
    let refusals = [
        s.add_ets_unit(2020, &u2).unwrap_err(),
        s.update_ets_unit(unit.id, &u2, None).unwrap_err(),
        s.delete_ets_unit(unit.id, None).unwrap_err(),
        s.add_ets_ledger_entry(2020, &entry.values).unwrap_err(),
        s.update_ets_ledger_entry(entry.id, &entry.values, None).unwrap_err(),
        s.delete_ets_ledger_entry(entry.id, None).unwrap_err(),
        s.import_ets_units(2020, "UNITS.csv", UNITS_05.as_bytes(), None, None).unwrap_err(),
        s.import_ets_ledger(2020, EtsScheme::CnEts, "LEDGER.csv", LEDGER_05.as_bytes()).unwrap_err(),
        s.set_ets_facility(&EtsEnrolment {
            facility: "NX".into(),
            scheme: EtsScheme::CnEts,
            enterprise: "Renamed Power".into(),
            plan: None,
        })
        .unwrap_err(),
    ];
    for e in refusals {
        assert_eq!(e.code(), Some(Code::PeriodLocked), "{e}");
    }
    assert_eq!(head(&s), before);
    // The triggers refuse a write behind the store's back as well.
    assert!(s.conn.execute("DELETE FROM ets_unit", []).is_err());
    assert!(s.conn.execute("UPDATE ets_ledger SET quantity_t = '1'", []).is_err());
    // The position of the locked period is still there.
    assert!(s.position(EtsScheme::CnEts, 2020, None, &[]).unwrap().diagnostics.iter().all(|d| !d.is_error()));
    s.verify().unwrap();
}

#[test]
fn registration_needs_the_ets_flag_and_a_shipped_plan() {
    let dir = TempDir::new("ets-register");
    let mut s = store(&dir);
    let e = EtsEnrolment { facility: "SZ".into(), scheme: EtsScheme::CnEts, enterprise: "Acme".into(), plan: None };
    assert_eq!(s.set_ets_facility(&e).unwrap_err().code(), Some(Code::InvalidState));
    let change = FacilityChange { ets_covered: Some(true), ..FacilityChange::default() };
    s.update_facility(lib(), "SZ", &change, None, LockedChange::Refuse).unwrap();
    let mut bad = e.clone();
    bad.plan = Some("cn-power-1999".into());
    let err = s.set_ets_facility(&bad).unwrap_err();
    assert_eq!(err.code(), Some(Code::UnknownValue));
    assert_eq!(err.diagnostics[0].location.column.as_deref(), Some("plan"));
    let f = s.set_ets_facility(&e).unwrap();
    assert_eq!((f.facility.as_str(), f.scheme, f.plan.as_deref()), ("SZ", EtsScheme::CnEts, None));
    // A unit needs a plan: its own or the facility's.
    let mut u = unit_u1();
    u.facility = "SZ".into();
    let err = s.add_ets_unit(2023, &u).unwrap_err();
    assert_eq!(err.code(), Some(Code::MissingValue), "{err}");
    // A plan that does not cover the period.
    u.plan = Some("cn-power-2019-2020".into());
    let err = s.add_ets_unit(2023, &u).unwrap_err();
    assert_eq!(err.code(), Some(Code::OutOfRange), "{err}");
    assert_eq!(s.ets_facilities().unwrap().len(), 1);
    s.verify().unwrap();
}

#[test]
fn an_eu_installation_from_the_store() {
    let dir = TempDir::new("ets-eu");
    let mut s = store(&dir);
    let mut f = NewFacility::new("HO2", "Hochofen 2", "DE");
    f.ets_covered = true;
    s.add_facility(&f).unwrap();
    s.add_period(lib(), &NewPeriod::year(2021)).unwrap();
    let e = EtsEnrolment {
        facility: "HO2".into(),
        scheme: EtsScheme::EuEts,
        enterprise: "Rheinwerk Stahl GmbH".into(),
        plan: None,
    };
    s.set_ets_facility(&e).unwrap();
    let u = EtsUnitInput {
        facility: "HO2".into(),
        unit: "DE-990001".into(),
        unit_class: "Production of pig iron or steel".into(),
        verified_t: "1000000".into(),
        allocation_t: Some("800000".into()),
        ..EtsUnitInput::default()
    };
    s.add_ets_unit(2021, &u).unwrap();
    let pos = s.position(EtsScheme::EuEts, 2021, None, &["central=75".to_string()]).unwrap();
    assert!(!pos.has_errors(), "{:?}", pos.diagnostics);
    assert_eq!(pos.installations.len(), 1);
    assert_eq!(pos.enterprises[0].shortfall_t.to_string(), "200000");
    assert_eq!(pos.enterprises[0].values[0].amount.to_string(), "15000000");
    s.verify().unwrap();
}

/// Decision 0038: a locked period's unit and ledger movement are corrected by restatement; the
/// originals stay, superseded, and every reader but the list of all rows takes the current ones.
#[test]
fn a_locked_periods_unit_and_movement_are_restated() {
    let dir = TempDir::new("ets-restate");
    let mut s = covered(&dir, "Jiangsu Example Power");
    s.import_ets_units(2020, "UNITS.csv", UNITS_05.as_bytes(), None, None).unwrap();
    s.import_ets_ledger(2020, EtsScheme::CnEts, "LEDGER.csv", LEDGER_05.as_bytes()).unwrap();
    let unit = s.ets_units(2020).unwrap()[0].clone();
    let entry = s.ets_ledger(2020).unwrap()[0].clone();
    // Restatements are for locked periods.
    let e = s.restate_ets_unit(unit.id, &unit.values, "why").unwrap_err();
    assert_eq!(e.code(), Some(Code::InvalidState), "{e}");
    s.lock_period(lib(), 2020).unwrap();
    let before = s.position(EtsScheme::CnEts, 2020, None, &[]).unwrap();
    // A reason is required.
    let e = s.restate_ets_unit(unit.id, &unit.values, "  ").unwrap_err();
    assert_eq!(e.code(), Some(Code::MissingValue), "{e}");

    let mut fixed = unit.values.clone();
    fixed.verified_t = "1850000".into();
    let new = s.restate_ets_unit(unit.id, &fixed, "verifier's corrected report").unwrap();
    assert_eq!(
        (new.supersedes, new.restatement_reason.as_deref()),
        (Some(unit.id), Some("verifier's corrected report"))
    );
    assert_eq!(new.status, RecordStatus::Current);
    let old = s.ets_unit(unit.id).unwrap();
    assert_eq!(old.status, RecordStatus::Superseded);
    assert_eq!(old.values, unit.values, "the original is kept as it was");
    assert_eq!(s.ets_units(2020).unwrap(), vec![new.clone()]);
    assert_eq!(s.ets_units_with(2020, true).unwrap().len(), 2);
    let after = s.position(EtsScheme::CnEts, 2020, None, &[]).unwrap();
    assert_eq!(after.enterprises[0].verified_t.to_string(), "1850000");
    assert_ne!(after.enterprises[0].obligation_t, before.enterprises[0].obligation_t);
    // The export the position reads holds the restated unit only.
    let (units, _) = s.ets_export(EtsScheme::CnEts, 2020, None).unwrap();
    assert!(String::from_utf8(units).unwrap().ends_with(",1850000,\n"));
    // Restating the superseded original again is refused, naming its restatement.
    let e = s.restate_ets_unit(unit.id, &fixed, "again").unwrap_err();
    assert!(e.to_string().contains(&format!("restated by ETS unit {}", new.id)), "{e}");
    // A movement too; a restatement the position refuses (a surrender beyond holdings) leaves
    // nothing behind.
    let mut more = entry.values.clone();
    more.quantity_t = "150000".into();
    let moved = s.restate_ets_ledger_entry(entry.id, &more, "broker's note").unwrap();
    assert_eq!(moved.supersedes, Some(entry.id));
    let log = s.audit_log().unwrap().len();
    let surrender = s.ets_ledger(2020).unwrap().into_iter().find(|e| e.values.kind == "surrender").unwrap();
    let mut huge = surrender.values.clone();
    huge.quantity_t = "9999999".into();
    assert!(s.restate_ets_ledger_entry(surrender.id, &huge, "typo").is_err());
    assert_eq!(s.audit_log().unwrap().len(), log);
    assert_eq!(s.ets_ledger_entry(surrender.id).unwrap().status, RecordStatus::Current);
    // Plain changes are still refused, by the store and by the triggers.
    assert_eq!(s.update_ets_unit(new.id, &fixed, None).unwrap_err().code(), Some(Code::PeriodLocked));
    assert_eq!(s.delete_ets_ledger_entry(moved.id, None).unwrap_err().code(), Some(Code::PeriodLocked));
    assert!(s.conn.execute("UPDATE ets_unit SET verified_t = '1' WHERE id = ?1", [new.id]).is_err());
    assert!(s.conn.execute("UPDATE ets_unit SET verified_t = '1' WHERE id = ?1", [unit.id]).is_err());
    let superseded_back = "UPDATE ets_unit SET status = 'current' WHERE id = ?1";
    assert!(s.conn.execute(superseded_back, [unit.id]).is_err(), "a superseded row stays superseded");
    let supersede_and_change = "UPDATE ets_unit SET status = 'superseded', verified_t = '1' WHERE id = ?1";
    assert!(s.conn.execute(supersede_and_change, [new.id]).is_err());
    assert!(s.conn.execute("INSERT INTO ets_unit (period_id, facility_id, plan, unit, unit_class, verified_t, created_at) SELECT period_id, facility_id, plan, 'U9', unit_class, verified_t, created_at FROM ets_unit WHERE id = 1", []).is_err());
    // The audit log holds both halves of each restatement with the reason, and replays.
    let h = s.history("ets_unit", unit.id).unwrap();
    let last = h.last().unwrap();
    assert_eq!((last.action.as_str(), last.reason.as_deref()), ("restate", Some("verifier's corrected report")));
    assert!(last.new_value.as_deref().unwrap().contains("\"status\":\"superseded\""));
    let created = &s.history("ets_unit", new.id).unwrap()[0];
    assert_eq!((created.action.as_str(), created.reason.as_deref()), ("restate", Some("verifier's corrected report")));
    assert!(created.new_value.as_deref().unwrap().contains(&format!("\"supersedes\":{}", unit.id)));
    s.verify().unwrap();
}

/// An audited value leaves out what a row that was never restated holds in the columns of
/// schema 7, so that a value logged before it replays.
#[test]
fn a_current_rows_audited_value_has_no_restatement_columns() {
    let dir = TempDir::new("ets-audited-value");
    let mut s = covered(&dir, "Ningxia Example Power");
    let u = s.add_ets_unit(2020, &unit_u1()).unwrap();
    let v = crate::audit::read_row(&s.conn, "ets_unit", u.id).unwrap().unwrap();
    for key in ["status", "supersedes", "restatement_reason"] {
        assert!(!v.contains(&format!("\"{key}\"")), "{v}");
    }
}
