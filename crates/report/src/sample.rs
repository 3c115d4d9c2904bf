//! A sample organisation file for tests and demonstrations of the reports: a parent company
//! with a 60 % subsidiary, plants in China and the UK, an office outside operational control,
//! every scope, biogenic CO₂, a refrigerant, Scope 3 by distance and by spend — and names and
//! notes that would be formulas in a spreadsheet (`+cmd|…`, `@SUM(1)`, `=HYPERLINK(…)`), which
//! every export must keep inert.

use scopebook_core::library::FactorLibrary;
use scopebook_store::model::{ActivityInput, FacilityKind, NewFacility, NewPeriod};
use scopebook_store::{Consolidation, NewOrganisation, Store, StoreError};

fn record(facility: &str, activity: &str, quantity: &str, unit: &str) -> ActivityInput {
    ActivityInput {
        facility: facility.into(),
        activity: activity.into(),
        quantity: quantity.into(),
        unit: unit.into(),
        start: "2024-01-01".into(),
        end: "2024-12-31".into(),
        ..ActivityInput::default()
    }
}

/// Create the sample organisation file at `path` with period 2024 (open) and its records.
pub fn create(path: &std::path::Path, lib: &FactorLibrary) -> Result<Store, StoreError> {
    let org = NewOrganisation { name: "Acme Holdings 艾克美".into(), consolidation: Consolidation::EquityShare };
    let mut s = Store::create(path, &org, "sample")?;
    let mut sub = NewFacility::new("SUB", "Acme China Ltd", "CN");
    sub.kind = FacilityKind::LegalEntity;
    sub.equity_share = Some("60".into());
    s.add_facility(&sub)?;
    let mut sz = NewFacility::new("SZ", "+cmd|' /C calc'!A0", "CN-JS");
    sz.parent = Some("SUB".into());
    sz.ets_covered = true;
    s.add_facility(&sz)?;
    s.add_facility(&NewFacility::new("LDN", "@SUM(1) London works", "GB"))?;
    let mut bj = NewFacility::new("BJ", "北京办公室", "CN-BJ");
    bj.equity_share = Some("0".into());
    bj.operational_control = false;
    bj.financial_control = false;
    s.add_facility(&bj)?;
    s.add_period(lib, &NewPeriod::year(2024))?;
    let mut gas = record("SZ", "natural_gas", "12.345", "10^4 Nm3");
    gas.data_quality = Some("measured".into());
    let mut power = record("SZ", "grid_electricity", "1234567.5", "kWh");
    power.data_quality = Some("measured".into());
    power.note = Some("=HYPERLINK(\"http://x\",\"y\")".into());
    let mut flights = record("LDN", "travel.air.short_haul", "23456", "pkm");
    flights.data_quality = Some("estimated".into());
    let mut spend = record("LDN", "spend.naics.111110", "10000.01", "USD");
    spend.region = Some("US".into());
    spend.scope3_category = Some("1".into());
    let records = vec![
        gas,
        power,
        record("SZ", "refrigerant_topup_hfc_134a", "12.5", "kg"),
        record("LDN", "diesel", "1000", "L"),
        record("LDN", "grid_electricity", "50000", "kWh"),
        flights,
        spend,
        record("BJ", "grid_electricity", "80000", "kWh"),
    ];
    s.add_activities(lib, 2024, &records)?;
    Ok(s)
}
