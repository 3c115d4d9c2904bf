//! The dashboard's commands. `dashboard` is the period's totals and charts from the
//! calculation's aggregates alone (`Store::period_totals`: `Store::calculate` without lines, kept
//! in the file between visits; a period can hold a million records, and no line crosses IPC); `dashboard_lines` is a page of the lines table, calculated
//! from that page's records only (`Store::calculate_page`), so each line is the full
//! calculation's line for the same record. Both run on a blocking thread: the window stays
//! responsive while a large period is calculated.

use scopebook_core::calc::{ResultLine, ScopeTotals, UnresolvedLine};
use scopebook_core::library::FactorLibrary;
use scopebook_core::report::{tonnes, SCOPE2_MARKET_BASIS};
use scopebook_store::Store;
use tauri::{AppHandle, Manager};

use crate::api::*;
use crate::commands::{consolidation_to, field_errors, gwp_to, internal, totals, with_store, AppState};
use crate::import::blocking;

type Result<T> = std::result::Result<T, AppError>;

// The store keeps at least as many unresolved records with a period's totals as the dashboard shows.
const _: () = assert!(UNRESOLVED_SHOWN <= scopebook_store::UNRESOLVED_KEPT);

/// The most lines a page of `dashboard_lines` holds.
pub const LINES_PAGE_MAX: u32 = 1000;

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn line(l: &ResultLine) -> DashboardLine {
    DashboardLine {
        id: count(l.activity.row),
        facility: l.activity.facility.to_string(),
        activity: l.activity.activity.to_string(),
        scope: l.classification.scope(),
        factor_id: l.factor.id.clone(),
        dataset: l.factor.dataset.clone(),
        edition: l.factor.edition.clone(),
        selected_by: l.factor.selected_by.into(),
        verified: l.factor.verified,
        co2e_t: tonnes(l.emission.co2e_kg).to_string(),
    }
}

fn unresolved(u: &UnresolvedLine) -> UnresolvedRow {
    UnresolvedRow {
        id: count(u.activity.row),
        activity: u.activity.activity.to_string(),
        code: u.diagnostic.code.into(),
        message: u.diagnostic.message.clone(),
    }
}

/// A facility's row of the dashboard: after the share, its share and its own figures, as the
/// calculation gives them. A facility the calculation has no share or own figures for is an
/// internal error, never filled in.
fn facility_totals(t: &scopebook_store::PeriodTotals, facility: &str, after: &ScopeTotals) -> Result<FacilityTotals> {
    let missing = || AppError {
        code: ErrorCode::Internal,
        message: format!("the calculation gave no share or own figures for facility {facility}"),
        details: vec![],
    };
    let own = t.own_by_facility.get(facility).ok_or_else(missing)?;
    let share = t.share_by_facility.get(facility).ok_or_else(missing)?;
    Ok(FacilityTotals {
        facility: facility.to_string(),
        totals: totals(after),
        share_applied: share.to_string(),
        own: totals(own),
        scope2_market_basis: t.market_basis_by_facility.get(facility).map(|b| Scope2MarketBasis::from(*b)),
        market_above_location: own.scope2_market > own.scope2_location,
    })
}

/// Period `year`'s dashboard: the totals of `scopebook calc --db FILE --period YEAR`
/// (`Store::period_totals`: `Store::calculate` without lines, read from the file when nothing
/// they depend on has changed since the last visit).
pub(crate) fn dashboard_of(s: &Store, lib: &FactorLibrary, year: i32) -> Result<Dashboard> {
    let t = s.period_totals(lib, year)?;
    let consolidation = consolidation_to(s.organisation()?.consolidation);
    let mut bases: Vec<Scope2MarketBasis> =
        t.market_basis_by_facility.values().map(|b| Scope2MarketBasis::from(*b)).collect();
    bases.sort();
    bases.dedup();
    Ok(Dashboard {
        gwp_set: gwp_to(t.period.gwp_set),
        complete: t.unresolved_count == 0,
        totals: totals(&t.totals),
        consolidation,
        scope2_market_basis: SCOPE2_MARKET_BASIS.to_string(),
        scope2_market_bases: bases,
        market_above_location: t.totals.scope2_market > t.totals.scope2_location,
        by_facility: t.by_facility.iter().map(|(f, after)| facility_totals(&t, f, after)).collect::<Result<_>>()?,
        by_scope3_category: t
            .by_scope3_category
            .iter()
            .map(|(c, v)| CategoryTotal { category: c.number(), co2e_t: tonnes(*v).to_string() })
            .collect(),
        records: count(t.records),
        line_count: count(t.records.saturating_sub(t.unresolved_count)),
        unresolved_total: count(t.unresolved_count),
        unresolved: t
            .unresolved
            .iter()
            .take(UNRESOLVED_SHOWN)
            .map(|u| UnresolvedRow {
                id: count(u.id),
                activity: u.activity.clone(),
                code: u.diagnostic.code.into(),
                message: u.diagnostic.message.clone(),
            })
            .collect(),
        notes: field_errors(&t.notes),
    })
}

/// Records `offset..offset + limit` of period `year` (at most [`LINES_PAGE_MAX`]), calculated:
/// each one's line, or why it has none.
pub(crate) fn lines_page_of(
    s: &Store,
    lib: &FactorLibrary,
    year: i32,
    offset: u32,
    limit: u32,
) -> Result<DashboardLinesPage> {
    let limit = limit.min(LINES_PAGE_MAX);
    let (_, total) = s.activities_page(year, false, 0, 0)?;
    let calc = s.calculate_page(lib, year, u64::from(offset), u64::from(limit))?;
    let inv = &calc.run.inventory;
    Ok(DashboardLinesPage {
        total: count(total),
        offset,
        lines: inv.lines.iter().map(line).collect(),
        unresolved: inv.unresolved.iter().map(unresolved).collect(),
    })
}

/// The dashboard of period `year` of the open organisation.
#[tauri::command]
pub async fn dashboard(app: AppHandle, year: i32) -> Result<Dashboard> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| dashboard_of(s, &lib, year))
    })
    .await
}

/// A page of the dashboard's lines table: `limit` records from `offset`, in entry order.
#[tauri::command]
pub async fn dashboard_lines(app: AppHandle, year: i32, offset: u32, limit: u32) -> Result<DashboardLinesPage> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| lines_page_of(s, &lib, year, offset, limit))
    })
    .await
}

/// The instruments of period `year`, in the order stored.
pub(crate) fn instruments_of(s: &Store, year: i32) -> Result<Vec<DashboardInstrument>> {
    Ok(s.instruments(year)?
        .into_iter()
        .map(|r| DashboardInstrument {
            id: u32::try_from(r.id).unwrap_or(u32::MAX),
            facility: r.facility,
            instrument: r.instrument,
            energy: r.energy,
            mwh: r.mwh,
            gj: r.gj,
            emission_rate_kg_per_mwh: r.emission_rate_kg_per_mwh,
            generation_start: r.generation_start,
            generation_end: r.generation_end,
            market: r.market,
            registry: r.registry,
            serial_from: r.serial_from,
            serial_to: r.serial_to,
            retired_on: r.retired_on,
            beneficiary: r.beneficiary,
        })
        .collect())
}

/// The contractual instruments of period `year` (read-only; decision 0043).
#[tauri::command]
pub async fn dashboard_instruments(app: AppHandle, year: i32) -> Result<Vec<DashboardInstrument>> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| instruments_of(s, year))
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::{sz_input as input, with_widget as with_mine};
    use scopebook_store::{ActivityInput, Consolidation, NewFacility, NewPeriod};

    fn unresolvable() -> ActivityInput {
        input("purchased_widgets", "10", "kg", Some("mine.widget"))
    }

    /// A new store in a fresh folder named after the test, with seven records; the fourth is
    /// unresolved under `lib`.
    fn store(name: &str, lib: &FactorLibrary) -> (std::path::PathBuf, Store) {
        let (dir, mut s) = crate::testing::new_store("dashboard", name, Consolidation::OperationalControl);
        s.add_facility(&NewFacility::new("SZ", "Suzhou", "CN-JS")).unwrap();
        s.add_period(lib, &NewPeriod::year(2023)).unwrap();
        s.add_activity(lib, 2023, &input("grid_electricity", "1000", "kWh", None)).unwrap();
        s.add_activity(lib, 2023, &input("natural_gas", "1.25", "10^4 Nm3", None)).unwrap();
        s.add_activity(lib, 2023, &input("grid_electricity", "2500.5", "kWh", None)).unwrap();
        s.add_activity(&with_mine(lib), 2023, &unresolvable()).unwrap();
        s.add_activity(lib, 2023, &input("diesel", "2", "t", None)).unwrap();
        s.add_activity(lib, 2023, &input("grid_electricity", "3", "kWh", None)).unwrap();
        s.add_activity(lib, 2023, &input("grid_electricity", "7", "kWh", None)).unwrap();
        (dir, s)
    }

    #[test]
    fn the_dashboard_carries_aggregates_and_counts_and_its_pages_every_record_once() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, s) = store("pages", &lib);
        let full = s.calculate(&lib, 2023, true).unwrap();
        let d = dashboard_of(&s, &lib, 2023).unwrap();
        assert_eq!((d.records, d.line_count, d.unresolved_total, d.complete), (7, 6, 1, false));
        // The second visit reads the totals kept in the file: the same dashboard.
        assert!(s.period_totals(&lib, 2023).unwrap().cached);
        assert_eq!(dashboard_of(&s, &lib, 2023).unwrap(), d);
        assert_eq!(d.totals, totals(&full.run.inventory.totals.all));
        assert_eq!(d.by_facility.len(), 1);

        let expected_lines: Vec<DashboardLine> = full.run.inventory.lines.iter().map(line).collect();
        let expected_unresolved: Vec<UnresolvedRow> = full.run.inventory.unresolved.iter().map(unresolved).collect();
        assert_eq!(d.unresolved, expected_unresolved);
        let (mut lines, mut unresolved_rows) = (Vec::new(), Vec::new());
        for offset in (0..8).step_by(3) {
            let page = lines_page_of(&s, &lib, 2023, offset, 3).unwrap();
            assert_eq!((page.total, page.offset), (7, offset));
            assert_eq!(page.lines.len() + page.unresolved.len(), (7 - offset as usize).min(3));
            lines.extend(page.lines);
            unresolved_rows.extend(page.unresolved);
        }
        assert_eq!(lines, expected_lines);
        assert_eq!(unresolved_rows, expected_unresolved);
        let empty = lines_page_of(&s, &lib, 2023, 0, 0).unwrap();
        assert_eq!((empty.total, empty.lines.len(), empty.unresolved.len()), (7, 0, 0));
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_dashboard_shows_the_first_unresolved_rows_with_their_count() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, mut s) = store("unresolved", &lib);
        let rows: Vec<ActivityInput> = (0..UNRESOLVED_SHOWN + 5).map(|_| unresolvable()).collect();
        s.add_activities(&with_mine(&lib), 2023, &rows).unwrap();
        let d = dashboard_of(&s, &lib, 2023).unwrap();
        assert_eq!(d.unresolved_total as usize, UNRESOLVED_SHOWN + 6);
        assert_eq!(d.unresolved.len(), UNRESOLVED_SHOWN);
        assert_eq!(d.records as usize, 7 + UNRESOLVED_SHOWN + 5);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn totals_are_after_the_organisations_shares_and_each_facility_shows_its_own_and_its_basis() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, mut s) = crate::testing::new_store("dashboard", "shares", Consolidation::EquityShare);
        let entity = NewFacility {
            kind: scopebook_store::FacilityKind::LegalEntity,
            equity_share: Some("60".into()),
            ..NewFacility::new("HD", "Holding", "CN")
        };
        s.add_facility(&entity).unwrap();
        let plant = NewFacility {
            parent: Some("HD".into()),
            equity_share: Some("50".into()),
            ..NewFacility::new("SZ", "Suzhou", "CN-JS")
        };
        s.add_facility(&plant).unwrap();
        s.add_period(&lib, &NewPeriod::year(2023)).unwrap();
        s.add_activity(&lib, 2023, &input("grid_electricity", "10000", "MWh", None)).unwrap();
        let full = s.calculate(&lib, 2023, false).unwrap();
        let d = dashboard_of(&s, &lib, 2023).unwrap();
        assert_eq!(d.consolidation, crate::api::Consolidation::EquityShare);
        let sz = d.by_facility.iter().find(|f| f.facility == "SZ").unwrap();
        // 60 % of an entity that holds 50 %: 30 % of the plant's own figures.
        assert_eq!(sz.share_applied, "30");
        let report = full.run.report(false);
        let f = report.by_facility.iter().find(|f| f.facility == "SZ").unwrap();
        assert_eq!(sz.own.scope2_location, f.own.scope2_location.to_string());
        assert_eq!(sz.totals.scope2_location, f.totals.scope2_location.to_string());
        assert_eq!(d.totals.scope2_location, report.totals.scope2_location.to_string());
        assert_ne!(sz.own.scope2_location, sz.totals.scope2_location);
        // The market-based basis is the calculation's, and so is whether it is above location-based.
        assert_eq!(sz.scope2_market_basis, f.scope2_market_basis.map(Scope2MarketBasis::from));
        assert!(sz.scope2_market_basis.is_some());
        assert_eq!(d.scope2_market_bases, vec![sz.scope2_market_basis.unwrap()]);
        assert_eq!(sz.market_above_location, f.own.scope2_market > f.own.scope2_location);
        assert_eq!(d.market_above_location, report.totals.scope2_market > report.totals.scope2_location);
        // The same from the totals kept in the file.
        assert_eq!(dashboard_of(&s, &lib, 2023).unwrap(), d);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn instruments_are_listed_as_stored_and_the_basis_becomes_instruments() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, mut s) = crate::testing::new_store("dashboard", "instruments", Consolidation::OperationalControl);
        s.add_facility(&NewFacility::new("SZ", "Suzhou", "CN-JS")).unwrap();
        s.add_period(&lib, &NewPeriod::year(2023)).unwrap();
        s.add_activity(&lib, 2023, &input("grid_electricity", "10000", "MWh", None)).unwrap();
        assert!(instruments_of(&s, 2023).unwrap().is_empty());
        let before = dashboard_of(&s, &lib, 2023).unwrap();
        let file = "facility,instrument,mwh,emission_rate_kg_per_mwh,generation_start,generation_end,market,registry,serial_from,serial_to,retired_on,beneficiary,evidence\n\
                    SZ,gec,3000.0,0,2023-01-01,2023-06-30,CN,China GEC,GEC-1,GEC-3000,2024-02-15,Acme,gec.pdf\n";
        s.import_instruments(2023, "instr.csv", file.as_bytes()).unwrap();
        let listed = instruments_of(&s, 2023).unwrap();
        assert_eq!(listed.len(), 1);
        let i = &listed[0];
        assert_eq!((i.facility.as_str(), i.instrument.as_str(), i.mwh.as_str()), ("SZ", "gec", "3000.0"));
        assert_eq!((i.serial_from.as_deref(), i.retired_on.as_deref()), (Some("GEC-1"), Some("2024-02-15")));
        // The dashboard's market-based figures apply them: 7,000 MWh left at the residual mix.
        let after = dashboard_of(&s, &lib, 2023).unwrap();
        let sz = after.by_facility.iter().find(|f| f.facility == "SZ").unwrap();
        assert_eq!(sz.scope2_market_basis, Some(Scope2MarketBasis::Instruments));
        assert_eq!(after.totals.scope2_market, "4267.2");
        assert_ne!(after.totals.scope2_market, before.totals.scope2_market);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
