//! A covered facility's registration removed, and kept consistent with the registry
//! installations tied to it (decision 0033).

use rusqlite::{params, Connection, OptionalExtension};
use scopebook_core::diagnostic::Code;

use super::EtsScheme;
use crate::error::{refuse_at, Fail, StoreError};
use crate::facilities::facility_id;
use crate::Store;

impl Store {
    /// Un-register a facility (audited; the facility itself stays). Refused while units of it
    /// are stored or a registry installation is tied to it, in any period: those records name
    /// the registration (a locked period's can never go, so neither can its registration).
    pub fn remove_ets_facility(&mut self, code: &str, reason: Option<&str>) -> Result<(), StoreError> {
        self.write(|w| {
            let (facility, _) = facility_id(w.conn, code.trim(), "facility")?;
            let id: i64 = w
                .conn
                .query_row("SELECT id FROM ets_facility WHERE facility_id = ?1", [facility], |r| r.get(0))
                .optional()?
                .ok_or_else(|| {
                    refuse_at(Code::UnknownRecord, "facility", format!("facility '{}' is not registered under an ETS", code.trim()))
                })?;
            for (table, what, hint) in [
                ("ets_unit", "ETS unit(s)", "`scopebook ets unit delete`"),
                ("ets_registry", "registry installation(s) tied to it", "`scopebook ets registry link` without --facility"),
            ] {
                let (count, year, locked): (i64, Option<i32>, Option<i32>) = w.conn.query_row(
                    &format!("SELECT count(*), min(p.year), min(CASE WHEN p.status = 'locked' THEN p.year END) FROM {table} t JOIN period p ON p.id = t.period_id WHERE t.facility_id = ?1"),
                    [facility],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
                if let Some(y) = locked {
                    return Err(refuse_at(
                        Code::PeriodLocked,
                        "facility",
                        format!("period {y} is locked and holds {what} of facility '{}': its registration stays", code.trim()),
                    ));
                }
                if count > 0 {
                    return Err(refuse_at(
                        Code::InvalidState,
                        "facility",
                        format!(
                            "facility '{}' has {count} {what} (period {}); remove them first ({hint})",
                            code.trim(),
                            year.unwrap_or_default()
                        ),
                    ));
                }
            }
            let old = w.row("ets_facility", id)?;
            w.conn.execute("DELETE FROM ets_facility WHERE id = ?1", [id])?;
            w.log("delete", "ets_facility", id, old.as_deref(), reason)?;
            Ok(())
        })
    }
}

/// A registration whose scheme or enterprise changes must still be the account holder of the
/// registry installations tied to it.
pub(super) fn tied_installation_stays(
    c: &Connection,
    facility: i64,
    scheme: EtsScheme,
    enterprise: &str,
) -> Result<(), Fail> {
    let tied: Option<(String, String, i32)> = c
        .query_row(
            "SELECT r.installation, r.account_holder, p.year FROM ets_registry r JOIN period p ON p.id = r.period_id
             WHERE r.facility_id = ?1 AND r.status = 'current' AND (?2 != 'eu-ets' OR r.account_holder != ?3)
             ORDER BY p.year LIMIT 1",
            params![facility, scheme.as_str(), enterprise],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match tied {
        Some((installation, holder, year)) => Err(refuse_at(
            Code::InvalidState,
            "enterprise",
            format!("installation {installation} (period {year}) is tied to this facility and held by '{holder}' under eu-ets; untie it first (`scopebook ets registry link` without --facility)"),
        )),
        None => Ok(()),
    }
}
