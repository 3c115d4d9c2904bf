//! The organisational boundary in the store (decision 0021): the organisation's consolidation
//! approach and the facility tree (parents, equity shares, control flags) give the core's
//! [`Boundary`], which every calculation of a period applies (`calc --db`, the dashboard, the
//! lock snapshot). Changing the approach, or a facility's share, control or sector, may change
//! a locked period's figures: such a change is refused unless it is made as a restatement with
//! a reason, and the snapshot stays as it was signed.

use rusqlite::{params, Connection};
use scopebook_core::boundary::{Boundary, Holding};
use scopebook_core::diagnostic::Code;
use scopebook_core::library::FactorLibrary;

use crate::calculation::calculate;
use crate::connection::consolidation;
use crate::error::{locked, refuse, refuse_at, Fail, StoreError};
use crate::model::{Consolidation, LockedChange, Organisation, ReportingPeriod};
use crate::periods::{period_from_row, PERIOD_SELECT};
use crate::text::non_empty;
use crate::write::Tx;
use crate::Store;

/// Changes to the organisation record: each `Some` field is set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganisationChange {
    pub name: Option<String>,
    pub consolidation: Option<Consolidation>,
}

/// The boundary the file's organisation and facilities give.
pub(crate) fn boundary(c: &Connection) -> Result<Boundary, Fail> {
    let text: String =
        c.prepare_cached("SELECT consolidation FROM organisation WHERE id = 1")?.query_row([], |r| r.get(0))?;
    let approach = consolidation(&text)?;
    let mut stmt = c.prepare_cached(
        "SELECT f.code, p.code, f.equity_share, f.operational_control, f.financial_control
         FROM facility f LEFT JOIN facility p ON p.id = f.parent_id ORDER BY f.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut holdings = Vec::new();
    while let Some(r) = rows.next()? {
        let code: String = r.get(0)?;
        let share: String = r.get(2)?;
        let equity_share = scopebook_core::number::parse_decimal(&share).map_err(|_| {
            refuse(Code::DatabaseError, format!("facility {code} has a stored equity share '{share}' that is not a number: the file was changed by another program"))
        })?;
        holdings.push(Holding {
            code,
            parent: r.get(1)?,
            equity_share,
            operational_control: r.get(3)?,
            financial_control: r.get(4)?,
        });
    }
    Boundary::from_holdings(approach, &holdings)
        .map_err(|e| refuse(Code::DatabaseError, format!("the organisation's facility tree gives no boundary: {e}")))
}

/// A locked period's figures: its report without lines and without its inputs (the export's
/// SHA-256 may change while no figure does), as JSON.
fn figures(c: &Connection, lib: &FactorLibrary, p: &ReportingPeriod) -> Result<serde_json::Value, Fail> {
    let calc = calculate(c, lib, p, false)?;
    let mut v: serde_json::Value = serde_json::from_str(&calc.run.report(false).to_json()).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("inputs");
    }
    Ok(v)
}

fn locked_periods(c: &Connection) -> Result<Vec<ReportingPeriod>, Fail> {
    let mut stmt = c.prepare(&format!("{PERIOD_SELECT} WHERE status = 'locked' ORDER BY start_date"))?;
    let rows = stmt.query_map([], period_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// What [`guard_locked`] decided: the audit action and reason of the change.
pub(crate) struct Guarded {
    pub(crate) action: &'static str,
    pub(crate) reason: Option<String>,
}

/// Make `change` (which writes in `w`'s transaction) under the rule for locked periods: the
/// figures of every locked period are calculated before and after it; when any differ, the
/// change is refused (`period-locked`) unless `mode` is a restatement, whose reason is required.
/// A restatement that alters no locked period is refused as well (`invalid-state`), as a
/// record's restatement is outside a locked period. `relevant` says whether the change can
/// alter a figure at all (a name or a region of a facility cannot: records keep the region they
/// were entered with).
pub(crate) fn guard_locked(
    w: &mut Tx<'_>,
    lib: &FactorLibrary,
    relevant: bool,
    mode: LockedChange<'_>,
    reason: Option<&str>,
    change: impl FnOnce(&mut Tx<'_>) -> Result<(), Fail>,
) -> Result<Guarded, Fail> {
    let restating = match mode {
        LockedChange::Refuse => None,
        LockedChange::Restate(r) => Some(non_empty(r, "reason", "the reason for the restatement")?),
    };
    let periods = if relevant { locked_periods(w.conn)? } else { Vec::new() };
    let before = periods.iter().map(|p| figures(w.conn, lib, p)).collect::<Result<Vec<_>, _>>()?;
    change(w)?;
    let mut altered = Vec::new();
    for (p, then) in periods.iter().zip(&before) {
        let now = figures(w.conn, lib, p)?;
        if &now != then {
            altered.push((p, total_changes(then, &now)));
        }
    }
    match (restating, altered.first()) {
        (None, None) => Ok(Guarded { action: "update", reason: reason.map(str::to_string) }),
        (None, Some((p, what))) => {
            let years: Vec<String> = altered.iter().map(|(p, _)| p.year.to_string()).collect();
            Err(locked(
                p,
                &format!(
                    "this change alters the figures of locked period(s) {} ({what}); make it as a restatement with its reason (`--restate --reason TEXT`), or leave it",
                    years.join(", ")
                ),
            ))
        }
        (Some(_), None) => Err(refuse_at(
            Code::InvalidState,
            "reason",
            "this change alters no locked period's figures: make it without --restate (restatements are for locked periods)",
        )),
        (Some(r), Some(_)) => Ok(Guarded { action: "restate", reason: Some(r) }),
    }
}

/// The totals that differ between two periods' figures, for a message.
fn total_changes(then: &serde_json::Value, now: &serde_json::Value) -> String {
    let total = |v: &serde_json::Value, k: &str| {
        v.pointer(&format!("/totals/{k}")).and_then(|x| x.as_str()).unwrap_or("?").to_string()
    };
    let changed: Vec<String> = ["scope1", "scope2_location", "scope2_market", "scope3"]
        .iter()
        .filter(|k| total(then, k) != total(now, k))
        .map(|k| format!("{k} {} t → {} t", total(then, k), total(now, k)))
        .collect();
    if changed.is_empty() {
        "its totals by facility or the lines' factors change".to_string()
    } else {
        changed.join(", ")
    }
}

impl Store {
    /// The boundary the organisation and its facilities give now.
    pub fn boundary(&self) -> Result<Boundary, StoreError> {
        self.read(boundary)
    }

    /// Change the organisation's name or consolidation approach (audited). A new approach
    /// that alters a locked period's figures is refused unless `mode` restates it.
    pub fn update_organisation(
        &mut self,
        lib: &FactorLibrary,
        change: &OrganisationChange,
        reason: Option<&str>,
        mode: LockedChange<'_>,
    ) -> Result<Organisation, StoreError> {
        self.write(|w| {
            let old = w.row("organisation", 1)?;
            let relevant = change.consolidation.is_some();
            let guarded = guard_locked(w, lib, relevant, mode, reason, |w| {
                if let Some(n) = &change.name {
                    let n = non_empty(n, "name", "the organisation's name")?;
                    w.conn.execute("UPDATE organisation SET name = ?1 WHERE id = 1", params![n])?;
                }
                if let Some(c) = change.consolidation {
                    w.conn.execute("UPDATE organisation SET consolidation = ?1 WHERE id = 1", params![c.as_str()])?;
                }
                Ok(())
            })?;
            if w.row("organisation", 1)? != old {
                w.log(guarded.action, "organisation", 1, old.as_deref(), guarded.reason.as_deref())?;
            }
            Ok(())
        })?;
        self.organisation()
    }
}

/// Whether a snapshot taken before Scopebook applied boundaries (its report has no
/// `consolidation`) shows the same as `fresh`, the report now, once the fields the boundary
/// added are left out of it: the report's `consolidation`, each line's `share_applied` and each
/// facility's `share_applied` and `own`. Every facility then counted in full, so this holds only
/// when every share is still 100 % (otherwise the totals differ).
pub(crate) fn same_as_before_boundaries(old: &serde_json::Value, fresh: &str) -> bool {
    if old.get("consolidation").is_some() || !old.is_object() {
        return false;
    }
    let Ok(mut now) = serde_json::from_str::<serde_json::Value>(fresh) else { return false };
    let Some(o) = now.as_object_mut() else { return false };
    o.remove("consolidation");
    for (list, fields) in [("lines", &["share_applied"][..]), ("by_facility", &["share_applied", "own"][..])] {
        if let Some(items) = o.get_mut(list).and_then(|v| v.as_array_mut()) {
            for item in items.iter_mut().filter_map(|i| i.as_object_mut()) {
                for f in fields {
                    item.remove(*f);
                }
            }
        }
    }
    &now == old
}

/// How the boundary of a snapshot's report differs from the report now, for the snapshot
/// comparison's message; `None` when it does not.
pub(crate) fn boundary_changes(old: &serde_json::Value, now: &scopebook_core::report::Report<'_>) -> Option<String> {
    let then = old.get("consolidation").and_then(|c| c.as_str());
    let approach = now.consolidation.map(Consolidation::as_str);
    let mut changes = Vec::new();
    // A snapshot from before boundaries counted every facility in full: only a share that is
    // no longer 100 % is a change then.
    if then.is_some() && then != approach {
        changes.push(format!(
            "consolidation {} → {}",
            then.unwrap_or("none (every facility in full)"),
            approach.unwrap_or("none")
        ));
    }
    for f in &now.by_facility {
        let before = old
            .get("by_facility")
            .and_then(|v| v.as_array())
            .and_then(|fs| fs.iter().find(|x| x.get("facility").and_then(|c| c.as_str()) == Some(f.facility.as_str())))
            .map(|x| x.get("share_applied").and_then(|s| s.as_str()).unwrap_or("100").to_string());
        if let Some(before) = before {
            if before != f.share_applied.to_string() {
                changes.push(format!("{} share {before} % → {} %", f.facility, f.share_applied));
            }
        }
    }
    (!changes.is_empty()).then(|| format!("the organisation's boundary differs ({})", changes.join(", ")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::testing::{electricity, lib, store, TempDir};
    use crate::{FacilityChange, SnapshotComparison};

    /// Replace period 2023's snapshot report with `f` of it, as a file from before boundaries
    /// would hold it (the triggers that protect snapshots are set aside for the test).
    fn rewrite_snapshot(s: &Store, f: impl Fn(&mut serde_json::Value)) {
        let c = s.connection();
        let json: String = c.query_row("SELECT result_json FROM snapshot", [], |r| r.get(0)).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        f(&mut v);
        c.execute_batch("DROP TRIGGER IF EXISTS snapshot_no_update").unwrap();
        c.execute("UPDATE snapshot SET result_json = ?1", [serde_json::to_string_pretty(&v).unwrap()]).unwrap();
    }

    fn strip_boundary(v: &mut serde_json::Value) {
        let o = v.as_object_mut().unwrap();
        o.remove("consolidation");
        for l in o.get_mut("lines").unwrap().as_array_mut().unwrap() {
            l.as_object_mut().unwrap().remove("share_applied");
        }
        for f in o.get_mut("by_facility").unwrap().as_array_mut().unwrap() {
            let f = f.as_object_mut().unwrap();
            f.remove("share_applied");
            f.remove("own");
        }
    }

    #[test]
    fn a_snapshot_from_before_boundaries_still_matches_when_every_share_is_full() {
        let dir = TempDir::new("old-snapshot");
        let mut s = store(&dir);
        s.add_activity(lib(), 2023, &electricity("1000")).unwrap();
        s.lock_period(lib(), 2023).unwrap();
        rewrite_snapshot(&s, strip_boundary);
        let calc = s.calculate(lib(), 2023, true).unwrap();
        assert_eq!(s.compare_with_snapshot(&calc).unwrap(), SnapshotComparison::Identical);
        // A figure of the old report that differs is still a difference.
        rewrite_snapshot(&s, |v| v["totals"]["scope3"] = "1".into());
        assert!(matches!(s.compare_with_snapshot(&calc).unwrap(), SnapshotComparison::Differs(_)));
    }

    #[test]
    fn a_restated_share_is_named_in_the_snapshot_comparison() {
        let dir = TempDir::new("restated-share");
        let mut s = store(&dir);
        s.update_organisation(
            lib(),
            &OrganisationChange { consolidation: Some(Consolidation::EquityShare), ..Default::default() },
            None,
            LockedChange::Refuse,
        )
        .unwrap();
        s.add_activity(lib(), 2023, &electricity("1000")).unwrap();
        s.lock_period(lib(), 2023).unwrap();
        let half = FacilityChange { equity_share: Some("50".into()), ..FacilityChange::default() };
        let e = s.update_facility(lib(), "SZ", &half, None, LockedChange::Refuse).unwrap_err();
        assert_eq!(e.code(), Some(Code::PeriodLocked));
        assert_eq!(s.facility("SZ").unwrap().equity_share, "100", "a refused change changes nothing");
        let e = s.update_facility(lib(), "SZ", &half, None, LockedChange::Restate("  ")).unwrap_err();
        assert_eq!(e.code(), Some(Code::MissingValue), "a restatement needs its reason");
        s.update_facility(lib(), "SZ", &half, None, LockedChange::Restate("half sold on 1 July")).unwrap();
        let calc = s.calculate(lib(), 2023, true).unwrap();
        let SnapshotComparison::Differs(d) = s.compare_with_snapshot(&calc).unwrap() else { panic!("a difference") };
        assert!(d.message.contains("the organisation's boundary differs (SZ share 100 % → 50 %)"), "{}", d.message);
        let h = s.history("facility", 1).unwrap();
        assert_eq!((h[1].action.as_str(), h[1].reason.as_deref()), ("restate", Some("half sold on 1 July")));
        s.verify().unwrap();
    }
}
