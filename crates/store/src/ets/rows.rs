//! Reading the ETS tables' rows back as records.

use rusqlite::Connection;

use super::{EtsFacility, EtsLedgerEntry, EtsLedgerInput, EtsScheme, EtsUnit, EtsUnitInput};
use crate::activities::{record_status, unknown_record_status};
use crate::error::{stored, Fail, UnknownStored};
use crate::model::RecordStatus;

pub(super) const ETS_FACILITY_SELECT: &str =
    "SELECT e.id, f.code, f.name, e.scheme, e.enterprise, e.plan FROM ets_facility e JOIN facility f ON f.id = e.facility_id";

pub(super) fn ets_facility_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EtsFacility> {
    let scheme: String = r.get(3)?;
    Ok(EtsFacility {
        id: r.get(0)?,
        facility: r.get(1)?,
        facility_name: r.get(2)?,
        scheme: stored(3, &scheme, EtsScheme::parse, |v| {
            UnknownStored::new("a scheme", "scheme", v, &["cn-ets", "eu-ets"])
        })?,
        enterprise: r.get(4)?,
        plan: r.get(5)?,
    })
}

pub(super) fn ets_facility_by(c: &Connection, filter: &str, id: i64) -> Result<EtsFacility, Fail> {
    Ok(c.query_row(&format!("{ETS_FACILITY_SELECT} WHERE {filter}"), [id], ets_facility_from_row)?)
}

pub(super) const UNIT_SELECT: &str = "SELECT u.id, p.year, e.scheme, e.enterprise, f.code, u.plan, u.unit, u.unit_class, u.cooling, u.output_mwh, u.heat_gj, u.heat_supply_ratio, u.load_factor, u.verified_t, u.allocation_t, u.status, u.supersedes, u.restatement_reason
     FROM ets_unit u JOIN period p ON p.id = u.period_id JOIN facility f ON f.id = u.facility_id JOIN ets_facility e ON e.facility_id = u.facility_id";

pub(super) fn unit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EtsUnit> {
    let scheme: String = r.get(2)?;
    Ok(EtsUnit {
        id: r.get(0)?,
        year: r.get(1)?,
        scheme: stored(2, &scheme, EtsScheme::parse, |v| {
            UnknownStored::new("a scheme", "scheme", v, &["cn-ets", "eu-ets"])
        })?,
        enterprise: r.get(3)?,
        status: status_at(r, 15)?,
        supersedes: r.get(16)?,
        restatement_reason: r.get(17)?,
        values: EtsUnitInput {
            facility: r.get(4)?,
            plan: r.get(5)?,
            unit: r.get(6)?,
            unit_class: r.get(7)?,
            cooling: r.get(8)?,
            output_mwh: r.get(9)?,
            heat_gj: r.get(10)?,
            heat_supply_ratio: r.get(11)?,
            load_factor: r.get(12)?,
            verified_t: r.get(13)?,
            allocation_t: r.get(14)?,
        },
    })
}

pub(super) const LEDGER_SELECT: &str = "SELECT l.id, p.year, l.scheme, l.enterprise, l.date, l.kind, l.quantity_t, l.instrument, l.price, l.currency, l.vintage, l.project, l.evidence, l.status, l.supersedes, l.restatement_reason
     FROM ets_ledger l JOIN period p ON p.id = l.period_id";

pub(super) fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EtsLedgerEntry> {
    let scheme: String = r.get(2)?;
    let vintage: Option<i64> = r.get(10)?;
    Ok(EtsLedgerEntry {
        id: r.get(0)?,
        year: r.get(1)?,
        status: status_at(r, 13)?,
        supersedes: r.get(14)?,
        restatement_reason: r.get(15)?,
        values: EtsLedgerInput {
            scheme: stored(2, &scheme, EtsScheme::parse, |v| {
                UnknownStored::new("a scheme", "scheme", v, &["cn-ets", "eu-ets"])
            })?,
            enterprise: r.get(3)?,
            date: r.get(4)?,
            kind: r.get(5)?,
            quantity_t: r.get(6)?,
            instrument: r.get(7)?,
            price: r.get(8)?,
            currency: r.get(9)?,
            vintage: vintage.map(|v| v.to_string()),
            project: r.get(11)?,
            evidence: r.get(12)?,
        },
    })
}

/// A row's restatement status at column `i`.
pub(super) fn status_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<RecordStatus> {
    let status: String = r.get(i)?;
    stored(i, &status, record_status, unknown_record_status)
}
