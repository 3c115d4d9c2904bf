//! The organisation's boundary: legal entities and facilities (add, change, remove, list), each
//! change one audited transaction.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;
use scopebook_core::region::Region;
use scopebook_core::sector::Sector;

use crate::boundary::guard_locked;
use crate::error::{refuse_at, stored, Fail, StoreError, UnknownStored};
use crate::model::{Facility, FacilityChange, FacilityKind, LockedChange, NewFacility};
use crate::text::{non_empty, opt};
use crate::Store;

impl Store {
    /// Add a legal entity or facility.
    pub fn add_facility(&mut self, f: &NewFacility) -> Result<Facility, StoreError> {
        let id = self.write(|w| {
            let code = non_empty(&f.code, "code", "the facility code")?;
            let name = non_empty(&f.name, "name", "the facility name")?;
            let region = region(&f.region, "region")?;
            let grid = opt(&f.grid_region).map(|g| self::region(&g, "grid_region")).transpose()?;
            let share = equity_share(f.equity_share.as_deref().unwrap_or("100"))?;
            let sector = opt(&f.sector).map(|s| sector(&s)).transpose()?;
            let parent = match opt(&f.parent) {
                Some(p) => Some(facility_id(w.conn, &p, "parent")?.0),
                None => None,
            };
            if facility_id(w.conn, &code, "code").is_ok() {
                return Err(refuse_at(Code::DuplicateId, "code", format!("a facility with code '{code}' already exists")));
            }
            w.conn.execute(
                "INSERT INTO facility (code, name, kind, parent_id, equity_share, operational_control, financial_control, region, grid_region, ets_covered, created_at, sector)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    code,
                    name,
                    f.kind.as_str(),
                    parent,
                    share,
                    f.operational_control,
                    f.financial_control,
                    region,
                    grid,
                    f.ets_covered,
                    w.at,
                    sector
                ],
            )?;
            let id = w.conn.last_insert_rowid();
            w.log("create", "facility", id, None, None)?;
            Ok(id)
        })?;
        self.facility_by_id(id)
    }

    /// Change a facility's name, share, control flags, regions, ETS flag or sector (audited).
    /// A change that alters a locked period's figures (a share, a control flag or a sector of a
    /// facility with records there) is refused unless `mode` makes it a restatement; the
    /// snapshot stays as it was (decision 0021).
    pub fn update_facility(
        &mut self,
        lib: &FactorLibrary,
        code: &str,
        change: &FacilityChange,
        reason: Option<&str>,
        mode: LockedChange<'_>,
    ) -> Result<Facility, StoreError> {
        let id = self.write(|w| {
            let (id, _) = facility_id(w.conn, code.trim(), "code")?;
            let old = w.row("facility", id)?;
            let mut sets: Vec<(&str, rusqlite::types::Value)> = Vec::new();
            use rusqlite::types::Value as V;
            if let Some(n) = &change.name {
                sets.push(("name", V::Text(non_empty(n, "name", "the facility name")?)));
            }
            if let Some(s) = &change.equity_share {
                sets.push(("equity_share", V::Text(equity_share(s)?)));
            }
            if let Some(b) = change.operational_control {
                sets.push(("operational_control", V::Integer(i64::from(b))));
            }
            if let Some(b) = change.financial_control {
                sets.push(("financial_control", V::Integer(i64::from(b))));
            }
            if let Some(r) = &change.region {
                sets.push(("region", V::Text(region(r, "region")?)));
            }
            if let Some(g) = &change.grid_region {
                let g = opt(g).map(|g| region(&g, "grid_region")).transpose()?;
                sets.push(("grid_region", g.map_or(V::Null, V::Text)));
            }
            if let Some(b) = change.ets_covered {
                sets.push(("ets_covered", V::Integer(i64::from(b))));
            }
            if let Some(s) = &change.sector {
                let s = opt(s).map(|s| sector(&s)).transpose()?;
                sets.push(("sector", s.map_or(V::Null, V::Text)));
            }
            // The share, the control flags and the sector enter the calculation; the name, the
            // regions and the ETS flag do not (a record keeps the region it was entered with).
            let relevant = sets
                .iter()
                .any(|(c, _)| matches!(*c, "equity_share" | "operational_control" | "financial_control" | "sector"));
            let guarded = guard_locked(w, lib, relevant, mode, reason, |w| {
                for (column, value) in sets {
                    w.conn.execute(&format!("UPDATE facility SET {column} = ?1 WHERE id = ?2"), params![value, id])?;
                }
                Ok(())
            })?;
            if w.row("facility", id)? != old {
                w.log(guarded.action, "facility", id, old.as_deref(), guarded.reason.as_deref())?;
            }
            Ok(id)
        })?;
        self.facility_by_id(id)
    }

    /// Remove a facility that nothing refers to (no records, instruments or child facilities).
    pub fn delete_facility(&mut self, code: &str, reason: Option<&str>) -> Result<(), StoreError> {
        self.write(|w| {
            let (id, _) = facility_id(w.conn, code.trim(), "code")?;
            let used: i64 = w.conn.query_row(
                "SELECT (SELECT count(*) FROM activity WHERE facility_id = ?1) + (SELECT count(*) FROM facility WHERE parent_id = ?1)
                      + (SELECT count(*) FROM instrument WHERE facility_id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if used > 0 {
                return Err(refuse_at(
                    Code::InvalidState,
                    "code",
                    format!(
                        "facility '{}' cannot be removed: activity records, instruments or other facilities refer to it",
                        code.trim()
                    ),
                ));
            }
            let old = w.row("facility", id)?;
            w.conn.execute("DELETE FROM facility WHERE id = ?1", [id])?;
            w.log("delete", "facility", id, old.as_deref(), reason)?;
            Ok(())
        })
    }

    pub fn facilities(&self) -> Result<Vec<Facility>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!("{FACILITY_SELECT} ORDER BY f.id"))?;
            let rows = stmt.query_map([], facility_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    pub fn facility(&self, code: &str) -> Result<Facility, StoreError> {
        let id = self.read(|c| Ok(facility_id(c, code.trim(), "facility")?.0))?;
        self.facility_by_id(id)
    }

    fn facility_by_id(&self, id: i64) -> Result<Facility, StoreError> {
        self.read(|c| Ok(c.query_row(&format!("{FACILITY_SELECT} WHERE f.id = ?1"), [id], facility_from_row)?))
    }
}

/// A region code as typed, normalised; refused (`invalid-region`) when it is not one.
fn region(value: &str, column: &'static str) -> Result<String, Fail> {
    Region::parse(value).map(|r| r.to_string()).ok_or_else(|| {
        refuse_at(
            Code::InvalidRegion,
            column,
            format!("'{}' is not a region code (e.g. CN, CN-GD, CN-GRID-EAST, GB, GLOBAL)", value.trim()),
        )
    })
}

/// A sector as typed (its stable name in any case, or its Chinese name), as its stable name;
/// refused (`unknown-sector`) when it is not one.
pub(crate) fn sector(value: &str) -> Result<String, Fail> {
    Sector::parse(value)
        .map(|s| s.as_str().to_string())
        .ok_or_else(|| refuse_at(Code::UnknownSector, "sector", Sector::unknown(value)))
}

/// An equity share in percent (0 to 100), as normalised decimal text.
fn equity_share(value: &str) -> Result<String, Fail> {
    let d = scopebook_core::number::parse_decimal(value).map_err(|r| {
        refuse_at(Code::MalformedNumber, "equity_share", format!("'{}' is not a number: {r}", value.trim()))
    })?;
    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
        return Err(refuse_at(
            Code::OutOfRange,
            "equity_share",
            format!("an equity share of {d} % is impossible: it is a percentage from 0 to 100"),
        ));
    }
    Ok(d.normalize().to_string())
}

/// A facility's id, region and sector, by code (`None` when there is none): what checking a
/// record needs of its facility.
pub(crate) fn facility_for_check(c: &Connection, code: &str) -> Result<Option<(i64, String, Option<String>)>, Fail> {
    Ok(c.prepare_cached("SELECT id, region, sector FROM facility WHERE code = ?1")?
        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// A facility's id and region, by code.
pub(crate) fn facility_id(c: &Connection, code: &str, column: &'static str) -> Result<(i64, String), Fail> {
    c.prepare_cached("SELECT id, region FROM facility WHERE code = ?1")?
        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| {
            refuse_at(
                Code::UnknownRecord,
                column,
                format!("there is no facility '{code}' (see `scopebook facility list`; add it with `scopebook facility add`)"),
            )
        })
}

const FACILITY_SELECT: &str = "SELECT f.id, f.code, f.name, f.kind, p.code, f.equity_share, f.operational_control, f.financial_control, f.region, f.grid_region, f.ets_covered, f.sector FROM facility f LEFT JOIN facility p ON p.id = f.parent_id";

fn facility_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Facility> {
    let kind: String = r.get(3)?;
    let kind = stored(3, &kind, FacilityKind::parse, |v| {
        UnknownStored::new(
            "a facility's kind",
            "kind",
            v,
            &[FacilityKind::LegalEntity.as_str(), FacilityKind::Facility.as_str()],
        )
    })?;
    Ok(Facility {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind,
        parent: r.get(4)?,
        equity_share: r.get(5)?,
        operational_control: r.get(6)?,
        financial_control: r.get(7)?,
        region: r.get(8)?,
        grid_region: r.get(9)?,
        ets_covered: r.get(10)?,
        sector: r.get(11)?,
    })
}
