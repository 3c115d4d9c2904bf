//! The Scope 2 and Scope 3 screens (issue 14, decision 0046), on a blocking thread, the UI busy
//! meanwhile. Scope 2 is allocated from the kept aggregates (`Store::calculate_from_kept`: the
//! electricity per facility, region and period is all an allocation needs; no record is read
//! when the kept totals are current). So is Scope 3: the kept aggregates hold its sums per
//! facility, category and method (method mix, data quality, PCAF scores; decision 0052).
//! The figures are those of `scopebook calc --db FILE --period YEAR --format json`.

use rust_decimal::Decimal;
use scopebook_core::calc::Inventory;
use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::market::{AppliedInstrument, CoveredBy, Market};
use scopebook_core::report::Report;
use scopebook_core::residual::residual_mix;
use scopebook_store::{InstrumentRow, PeriodStatus, Store};
use tauri::{AppHandle, Manager};

use crate::api::*;
use crate::commands::{internal, with_store, AppState};
use crate::compliance::{cell, count, read_file, refused_file};
use crate::import::blocking;

type Result<T> = std::result::Result<T, AppError>;

fn instrument(row: &InstrumentRow, a: &AppliedInstrument) -> Scope2Instrument {
    let i = &a.instrument;
    let q = &a.quality;
    Scope2Instrument {
        id: u32::try_from(row.id).unwrap_or(u32::MAX),
        facility: i.facility.clone(),
        instrument: i.instrument.into(),
        energy: i.energy.into(),
        mwh: i.mwh.map(|m| m.to_string()).unwrap_or_default(),
        gj: i.gj.map(|g| g.to_string()),
        applied_mwh: a.applied_mwh.to_string(),
        applied_gj: a.applied_gj.map(|g| g.to_string()),
        emission_rate_kg_per_mwh: i.emission_rate_kg_per_mwh.to_string(),
        generation_start: i.generation_start.to_string(),
        generation_end: i.generation_end.to_string(),
        market: i.market.as_ref().map(ToString::to_string),
        serial_from: i.serial_from.clone(),
        serial_to: i.serial_to.clone(),
        retired_on: i.retired_on.map(|d| d.to_string()),
        beneficiary: i.beneficiary.clone(),
        contract_date: i.contract_date.map(|d| d.to_string()),
        ccer_claimed: i.ccer_claimed,
        quality: InstrumentQuality {
            vintage: q.vintage.into(),
            market: q.market.into(),
            retired: q.retired.into(),
            validity: q.validity.into(),
            unique: q.unique.into(),
        },
        applied: a.applied,
    }
}

/// The core's coverage ([`scopebook_core::market::Market::coverage`]): electricity's shares
/// by what covers them, and heat's, steam's and cooling's.
fn coverage_of(market: &Market) -> (Vec<CoverageShare>, Vec<HeatShare>) {
    let (mut electricity, mut heat) = (Vec::new(), Vec::new());
    for c in market.coverage() {
        let percent = c.percent().map_or_else(|| "—".to_string(), |p| p.to_string());
        let by = match c.by {
            CoveredBy::Instrument(k) => Err(CoverageBy::from(InstrumentKindId::from(k))),
            CoveredBy::ResidualMix => Err(CoverageBy::ResidualMix),
            CoveredBy::GridAverage => Err(CoverageBy::GridAverage),
            CoveredBy::SupplierRate => Ok(HeatCoverageBy::SupplierRate),
            CoveredBy::LocationBased => Ok(HeatCoverageBy::LocationBased),
        };
        match by {
            Err(by) => electricity.push(CoverageShare { by, mwh: c.quantity.to_string(), percent }),
            // GJ converted from kWh carry the conversion's scale (3600.0000): shown without it.
            Ok(by) => {
                heat.push(HeatShare { energy: c.energy.into(), by, gj: c.quantity.normalize().to_string(), percent })
            }
        }
    }
    (electricity, heat)
}

fn locked(s: &Store, year: i32) -> Result<bool> {
    Ok(s.period(year)?.status == PeriodStatus::Locked)
}

/// The Scope 2 view of `inv` (a period's calculation) with `report` its report and `rows` the
/// period's stored instruments, in the order the calculation read them.
/// The residual-mix factors facility `f`'s electricity uses are at, as the allocation looks
/// them up (`residual_mix` under the period's library and GWP set), in the order first met.
fn residual_factors(inv: &Inventory, lib: &FactorLibrary, set: GwpSet, f: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for u in inv.energy_uses().iter().filter(|u| u.facility.as_ref() == f) {
        if let Some(r) = residual_mix(lib, set, u) {
            if !ids.contains(&r.factor_id) {
                ids.push(r.factor_id);
            }
        }
    }
    ids
}

fn scope2_view_of(
    inv: &Inventory,
    report: &Report<'_>,
    rows: &[InstrumentRow],
    residual_of: &dyn Fn(&str) -> Vec<String>,
    locked: bool,
) -> Result<Scope2View> {
    let empty = Default::default();
    let market = inv.market.as_ref().unwrap_or(&empty);
    if market.instruments.len() != rows.len() {
        return Err(internal("the period's instruments (the calculation applied another number)"));
    }
    let mut facilities = Vec::new();
    let mut consumption = Decimal::ZERO;
    for (f, m) in &market.by_facility {
        let own = report
            .by_facility
            .iter()
            .find(|r| r.facility == f.as_ref())
            .ok_or_else(|| internal("a facility's own figures"))?;
        consumption += m.consumption_mwh;
        facilities.push(Scope2Facility {
            facility: f.to_string(),
            consumption_mwh: m.consumption_mwh.to_string(),
            covered_mwh: m.covered_mwh.iter().map(|(k, v)| KindMwh { kind: (*k).into(), mwh: v.to_string() }).collect(),
            residual_mix_mwh: m.residual_mwh.to_string(),
            residual_mix_factors: if m.residual_mwh.is_zero() { Vec::new() } else { residual_of(f) },
            grid_average_mwh: m.grid_average_mwh.to_string(),
            basis: m.basis().into(),
            scope2_location: own.own.scope2_location.to_string(),
            scope2_market: own.own.scope2_market.to_string(),
        });
    }
    let (coverage, heat_coverage) = coverage_of(market);
    let all: Vec<Scope2Instrument> = rows.iter().zip(&market.instruments).map(|(r, a)| instrument(r, a)).collect();
    let (instruments, failing) = all.into_iter().partition(|i| i.applied);
    Ok(Scope2View {
        scope2_location: report.totals.scope2_location.to_string(),
        scope2_market: report.totals.scope2_market.to_string(),
        consumption_mwh: consumption.to_string(),
        facilities,
        instruments,
        failing,
        coverage,
        heat_coverage,
        locked,
    })
}

/// Period `year`'s Scope 2 view: allocated from the kept aggregates.
pub(crate) fn scope2_of(s: &Store, lib: &FactorLibrary, year: i32) -> Result<Scope2View> {
    let rows = s.instruments(year)?;
    let (calc, _) = s.calculate_from_kept(lib, year)?;
    let report = calc.run.report(false);
    // The period's library, its own factor files included (a residual mix the user added).
    let plib = s.period_library(lib, year)?;
    let inv = &calc.run.inventory;
    let residual = |f: &str| residual_factors(inv, &plib, calc.run.gwp_set, f);
    scope2_view_of(inv, &report, &rows, &residual, calc.period.status == PeriodStatus::Locked)
}

fn shares<'a, K: AsRef<str> + 'a>(m: impl Iterator<Item = (&'a K, &'a Decimal)>) -> Vec<MethodShare> {
    m.map(|(k, v)| MethodShare { method: k.as_ref().to_string(), co2e_t: v.to_string() }).collect()
}

/// Period `year`'s Scope 3 view: every category with its status, and ISO 14064-1 beside, from
/// the kept aggregates, which hold the Scope 3 sums (decision 0052): no record is read when the
/// kept totals are current.
pub(crate) fn scope3_of(s: &Store, lib: &FactorLibrary, year: i32) -> Result<Scope3View> {
    let (calc, _) = s.calculate_from_kept(lib, year)?;
    let inv = &calc.run.inventory;
    let report = calc.run.report(false);
    // A period with no Scope 3 data gives no view in `calc --db` (decision 0043): the same
    // calculation's view, every category then not assessed.
    let report = if report.scope3_categories.is_some() { report } else { report.with_scope3_view(inv) };
    let categories = report.scope3_categories.as_deref().unwrap_or_default();
    let iso = report.iso14064_categories.as_deref().unwrap_or_default();
    Ok(Scope3View {
        scope3: report.totals.scope3.to_string(),
        categories: categories
            .iter()
            .map(|c| Scope3CategoryView {
                category: c.category,
                status: c.status.into(),
                reason: c.reason.clone(),
                co2e_t: c.co2e_t.to_string(),
                lines: u32::try_from(c.lines).unwrap_or(u32::MAX),
                method_mix: shares(c.method_mix.iter()),
                data_quality: c.data_quality.as_ref().map(|q| DataQualityView {
                    indicators: shares(q.indicators.iter()),
                    overall: q.overall.to_string(),
                    scored_co2e_t: q.scored_co2e_t.to_string(),
                }),
                estimate_t: c.estimate_t.map(|v| v.to_string()),
                pcaf: c.pcaf.as_ref().map(|p| PcafView {
                    score: p.score.to_string(),
                    scored_co2e_t: p.scored_co2e_t.to_string(),
                    by_score: shares(p.co2e_t_by_score.iter()),
                }),
            })
            .collect(),
        iso14064: iso
            .iter()
            .map(|c| IsoCategoryView {
                category: c.category,
                co2e_t: c.co2e_t.to_string(),
                sources: c
                    .ghg_protocol
                    .iter()
                    .map(|g| IsoSourceView {
                        scope: g.scope,
                        category: g.category.clone(),
                        co2e_t: g.co2e_t.to_string(),
                    })
                    .collect(),
            })
            .collect(),
        coverage: report.scope3_coverage.as_ref().map(|c| CoverageView {
            reported_t: c.reported_t.to_string(),
            estimated_t: c.estimated_not_reported_t.to_string(),
            percent: c.percent.map(|p| p.to_string()),
            categories: c.estimated_categories.clone(),
        }),
        locked: locked(s, year)?,
    })
}

pub(crate) fn import_instruments_of(s: &mut Store, year: i32, path: &str) -> Result<InstrumentsImported> {
    let (file, bytes) = read_file(path)?;
    let rows = s.import_instruments(year, &file, &bytes).map_err(|e| refused_file(e, &file))?;
    Ok(InstrumentsImported { file, rows: count(rows.len()) })
}

/// Restate instrument `id` of a locked period from the one-row INSTR.csv at `path`, with `reason`.
pub(crate) fn restate_instrument_of(s: &mut Store, id: u32, path: &str, reason: &str) -> Result<InstrumentRestated> {
    let (file, bytes) = read_file(path)?;
    let row = s.restate_instrument(i64::from(id), &file, &bytes, reason).map_err(|e| refused_file(e, &file))?;
    Ok(InstrumentRestated { file, restated: id, id: u32::try_from(row.id).unwrap_or(u32::MAX) })
}

/// Set a category's status and its estimated t CO2e ("" for none: the form shows the stored one,
/// so what it sends is the estimate the user left), in one transaction (decision 0054).
pub(crate) fn set_status_of(
    s: &mut Store,
    year: i32,
    category: u8,
    status: &str,
    reason: &str,
    estimate_t: &str,
) -> Result<()> {
    s.set_scope3_status_and_estimate(
        year,
        "status",
        &category.to_string(),
        status,
        cell(reason).as_deref(),
        Some(estimate_t.trim()),
    )?;
    Ok(())
}

/// Restate a category's status in locked period `year` (decision 0058): what the form shows is
/// sent whole, the estimate included ("" for none).
pub(crate) fn restate_status_of(
    s: &mut Store,
    year: i32,
    category: u8,
    (status, reason, estimate_t): (&str, &str, &str),
    why: &str,
) -> Result<()> {
    s.restate_scope3_status(
        year,
        "status",
        &category.to_string(),
        status,
        cell(reason).as_deref(),
        Some(estimate_t.trim()),
        why,
    )?;
    Ok(())
}

// ---- commands ----

/// Period `year`'s Scope 2 view (`calc --db`'s market-based figures and instruments).
#[tauri::command]
pub async fn scope2_view(app: AppHandle, year: i32) -> Result<Scope2View> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| scope2_of(s, &lib, year))
    })
    .await
}

/// Period `year`'s Scope 3 view (`calc --db`'s `scope3_categories` and `iso14064_categories`).
#[tauri::command]
pub async fn scope3_view(app: AppHandle, year: i32) -> Result<Scope3View> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| scope3_of(s, &lib, year))
    })
    .await
}

/// Import an INSTR.csv (a path the user chose) into period `year`, all or nothing:
/// `scopebook instrument import --period YEAR FILE`.
#[tauri::command]
pub async fn import_instruments(app: AppHandle, year: i32, path: String) -> Result<InstrumentsImported> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| import_instruments_of(s, year, &path))
    })
    .await
}

/// Delete instrument `id`: `scopebook instrument delete`.
#[tauri::command]
pub async fn delete_instrument(app: AppHandle, id: u32, reason: String) -> Result<()> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| Ok(s.delete_instrument(i64::from(id), cell(&reason).as_deref())?))
    })
    .await
}

/// Restate instrument `id` of a locked period: `scopebook instrument restate --id N --reason R FILE`.
#[tauri::command]
pub async fn restate_instrument(app: AppHandle, id: u32, path: String, reason: String) -> Result<InstrumentRestated> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| restate_instrument_of(s, id, &path, &reason))
    })
    .await
}

/// Set one category's status: `scopebook scope3 status set --category N --status S --reason R`.
#[tauri::command]
pub async fn set_scope3_status(
    app: AppHandle,
    year: i32,
    category: u8,
    status: String,
    reason: String,
    estimate_t: String,
) -> Result<()> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| set_status_of(s, year, category, &status, &reason, &estimate_t))
    })
    .await
}

/// Restate one category's status in a locked period: `scopebook scope3 status restate`.
#[tauri::command]
pub async fn restate_scope3_status(
    app: AppHandle,
    year: i32,
    category: u8,
    status: String,
    reason: String,
    estimate_t: String,
    why: String,
) -> Result<()> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| restate_status_of(s, year, category, (&status, &reason, &estimate_t), &why))
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use scopebook_store::{ActivityInput, Consolidation, NewFacility, NewPeriod, Scope3Cells};
    use serde_json::Value;

    const GEC: &str = "facility,instrument,mwh,emission_rate_kg_per_mwh,generation_start,generation_end,market,registry,serial_from,serial_to,retired_on,beneficiary,evidence\n\
        SZ,gec,3000.0,0,2023-01-01,2023-06-30,CN,China GEC,GEC-1,GEC-3000,2024-02-15,Acme,gec.pdf\n\
        SZ,gec,500,0,2019-01-01,2019-06-30,CN,China GEC,GEC-9001,GEC-9500,2024-02-15,Acme,old.pdf\n";

    /// The case: 10,000 MWh at SZ (CN), 3,000 GEC MWh retired (and 500 MWh of 2019,
    /// which fail), a spend line in category 1, category 8 excluded and 14 not applicable.
    fn store(name: &str, lib: &FactorLibrary) -> (std::path::PathBuf, Store) {
        let (dir, mut s) = crate::testing::new_store("scope23", name, Consolidation::OperationalControl);
        s.add_facility(&NewFacility::new("SZ", "Suzhou", "CN")).unwrap();
        s.add_period(lib, &NewPeriod::year(2023)).unwrap();
        let base = ActivityInput {
            facility: "SZ".into(),
            start: "2023-01-01".into(),
            end: "2023-12-31".into(),
            ..Default::default()
        };
        let power = ActivityInput {
            activity: "grid_electricity".into(),
            quantity: "10000".into(),
            unit: "MWh".into(),
            ..base.clone()
        };
        s.add_activity(lib, 2023, &power).unwrap();
        let mut scope3 = Scope3Cells::default();
        for (c, v) in [
            ("method", "spend-based"),
            ("dq_technology", "4"),
            ("dq_time", "3"),
            ("dq_geography", "4"),
            ("dq_completeness", "2"),
            ("dq_reliability", "3"),
            ("currency_year", "2024"),
            ("exchange_rate", "7.189"),
            ("price_index", "1.0719"),
        ] {
            *scope3.cell_mut(c).unwrap() = Some(v.into());
        }
        let spend = ActivityInput {
            activity: "spend.naics.334111".into(),
            quantity: "1000000".into(),
            unit: "CNY".into(),
            factor: Some("epa-useeio.1.3.0.334111".into()),
            scope3,
            ..base
        };
        s.add_activity(lib, 2023, &spend).unwrap();
        s.import_instruments(2023, "instr.csv", GEC.as_bytes()).unwrap();
        s.set_scope3_status(2023, "status", "1", "relevant", None).unwrap();
        s.set_scope3_status(2023, "status", "8", "excluded", Some("no leased assets")).unwrap();
        s.set_scope3_status(2023, "status", "14", "not-applicable", None).unwrap();
        (dir, s)
    }

    fn text(v: &Value) -> String {
        v.as_str().map_or_else(|| v.to_string(), str::to_string)
    }

    /// A locked period's instrument restated from a one-row file (decision 0058): the view then
    /// shows the correction in its place and `calc --db`'s figures; a bad file changes nothing.
    #[test]
    fn a_locked_periods_instrument_is_restated_from_a_file() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, mut s) = store("restate", &lib);
        s.lock_period(&lib, 2023).unwrap();
        let before = scope2_of(&s, &lib, 2023).unwrap();
        let gec = before.instruments[0].id;
        let file = dir.join("fix.csv");
        let head = "facility,instrument,mwh,emission_rate_kg_per_mwh,generation_start,generation_end,market,registry,serial_from,serial_to,retired_on,beneficiary,evidence\n";
        std::fs::write(
            &file,
            format!("{head}SZ,gec,2000,0,2023-01-01,2023-06-30,CN,China GEC,GEC-1,GEC-2000,2024-02-15,Acme,gec.pdf\n"),
        )
        .unwrap();
        let path = file.display().to_string();
        // No reason, or a file with a bad cell: refused, nothing changed.
        assert!(restate_instrument_of(&mut s, gec, &path, " ").is_err());
        std::fs::write(dir.join("bad.csv"), format!("{head}SZ,gec,lots,0,2023-01-01,2023-06-30,CN,,,,,,\n")).unwrap();
        let e = restate_instrument_of(&mut s, gec, &dir.join("bad.csv").display().to_string(), "why").unwrap_err();
        assert!(e.message.contains("bad.csv"), "{e:?}");
        assert_eq!(scope2_of(&s, &lib, 2023).unwrap(), before);

        let r = restate_instrument_of(&mut s, gec, &path, "the registry shows 2,000 MWh retired").unwrap();
        assert_eq!((r.file.as_str(), r.restated), ("fix.csv", gec));
        let v = scope2_of(&s, &lib, 2023).unwrap();
        let now = v.instruments.iter().find(|i| i.id == r.id).unwrap();
        assert_eq!(now.applied_mwh, "2000");
        assert!(v.instruments.iter().all(|i| i.id != gec) && v.locked);
        // 1,000 MWh more at the 2023 residual mix, 609.6 kg/MWh: 609.6 t more market-based.
        let t = |x: &str| x.parse::<Decimal>().unwrap();
        assert_eq!(t(&v.scope2_market) - t(&before.scope2_market), t("609.6"));
        let json = serde_json::to_value(s.calculate(&lib, 2023, false).unwrap().run.report(false)).unwrap();
        assert_eq!(v.scope2_market, text(&json["totals"]["scope2_market"]));
        s.verify().unwrap();
    }

    /// A locked period's category status restated from the form (decision 0058): the view shows
    /// the new status; a blank reason, or a category with no status at locking, changes nothing.
    #[test]
    fn a_locked_periods_category_status_is_restated() {
        let (lib, _) = FactorLibrary::shipped();
        let (_dir, mut s) = store("restate-status", &lib);
        s.lock_period(&lib, 2023).unwrap();
        let before = scope3_of(&s, &lib, 2023).unwrap();
        assert_eq!(before.categories[7].status, Scope3Status::Excluded);
        assert!(restate_status_of(&mut s, 2023, 8, ("relevant", "", "30"), " ").is_err());
        assert!(restate_status_of(&mut s, 2023, 5, ("relevant", "", ""), "why").is_err());
        assert!(set_status_of(&mut s, 2023, 8, "relevant", "", "").is_err());
        assert_eq!(scope3_of(&s, &lib, 2023).unwrap(), before);
        restate_status_of(&mut s, 2023, 8, ("relevant", "", "30"), "leased warehouses found").unwrap();
        let after = scope3_of(&s, &lib, 2023).unwrap();
        assert_eq!(
            (after.categories[7].status, after.categories[7].estimate_t.as_deref()),
            (Scope3Status::Relevant, Some("30"))
        );
        s.verify().unwrap();
    }

    /// Heat at a network's rate (decision 0058): the instrument shows its energy and GJ, the
    /// heat's share beside electricity's, the market-based total as `calc --db` gives it.
    #[test]
    fn heat_at_a_suppliers_rate_shows_its_energy_gj_and_share() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, mut s) = store("heat", &lib);
        let heat = ActivityInput {
            facility: "SZ".into(),
            start: "2023-01-01".into(),
            end: "2023-12-31".into(),
            activity: "heat_and_steam.district".into(),
            quantity: "1000000".into(),
            unit: "kWh".into(),
            factor: Some("desnz2024.heat_and_steam.district.kwh".into()),
            ..Default::default()
        };
        s.add_activity(&lib, 2023, &heat).unwrap();
        let file =
            "facility,instrument,mwh,gj,energy,emission_rate_kg_per_mwh,generation_start,generation_end,market\n\
            SZ,supplier-rate,,900,heat,54,2023-01-01,2023-12-31,CN\n";
        s.import_instruments(2023, "heat.csv", file.as_bytes()).unwrap();
        let v = scope2_of(&s, &lib, 2023).unwrap();
        let h = v.instruments.iter().find(|i| i.energy == Scope2Energy::Heat).unwrap();
        assert_eq!((h.mwh.as_str(), h.gj.as_deref(), h.applied_gj.as_deref()), ("", Some("900"), Some("900")));
        let heat: Vec<(Scope2Energy, HeatCoverageBy, &str, &str)> =
            v.heat_coverage.iter().map(|c| (c.energy, c.by, c.gj.as_str(), c.percent.as_str())).collect();
        // 1,000,000 kWh = 3,600 GJ (exact), 900 of them at the network's rate.
        assert_eq!(
            heat,
            vec![
                (Scope2Energy::Heat, HeatCoverageBy::SupplierRate, "900", "25.00"),
                (Scope2Energy::Heat, HeatCoverageBy::LocationBased, "2700", "75.00")
            ]
        );
        // Electricity's shares are unchanged by the heat.
        assert_eq!(v.coverage[0].percent, "30.00");
        let json = serde_json::to_value(s.calculate(&lib, 2023, false).unwrap().run.report(false)).unwrap();
        assert_eq!(v.scope2_market, text(&json["totals"]["scope2_market"]));
        let _ = std::fs::remove_dir_all(dir);
    }

    /// The views carry `calc --db --format json`'s figures (the library's report, serialised as
    /// the CLI writes it) for a store with instruments, Scope 3 columns and statuses.
    #[test]
    fn the_views_give_the_figures_of_calc_db() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, s) = store("figures", &lib);
        let calc = s.calculate(&lib, 2023, false).unwrap();
        let json = serde_json::to_value(calc.run.report(false)).unwrap();

        let v = scope2_of(&s, &lib, 2023).unwrap();
        assert_eq!((v.scope2_location.as_str(), v.scope2_market.as_str()), ("5306", "4267.2"));
        assert_eq!(v.scope2_location, text(&json["totals"]["scope2_location"]));
        assert_eq!(v.scope2_market, text(&json["totals"]["scope2_market"]));
        assert_eq!((v.instruments.len(), v.failing.len()), (1, 1));
        let ji = json["instruments"].as_array().unwrap();
        assert_eq!(ji.len(), 2);
        let gec = &v.instruments[0];
        assert_eq!((gec.mwh.as_str(), gec.applied_mwh.as_str()), ("3000.0", "3000.0"));
        assert_eq!(gec.applied_mwh, text(&ji[0]["applied_mwh"]));
        assert_eq!(serde_json::to_value(&gec.quality).unwrap(), ji[0]["quality"]);
        let old = &v.failing[0];
        assert_eq!(old.quality.vintage, InstrumentGrade::Fail);
        assert_eq!(serde_json::to_value(&old.quality).unwrap(), ji[1]["quality"]);
        assert_eq!((old.applied, ji[1]["applied"].as_bool()), (false, Some(false)));
        assert_eq!(s.instruments(2023).unwrap().iter().map(|r| r.id as u32).collect::<Vec<_>>(), vec![gec.id, old.id]);
        let sz = &v.facilities[0];
        assert_eq!((sz.consumption_mwh.as_str(), sz.basis), ("10000", Scope2MarketBasis::Instruments));
        // The shipped China proxy for 2023: the 7,000 MWh left are at it.
        assert_eq!(sz.residual_mix_factors.len(), 1, "{:?}", sz.residual_mix_factors);
        assert!(lib.by_id(&sz.residual_mix_factors[0]).is_some(), "{:?}", sz.residual_mix_factors);
        assert_eq!(text(&json["by_facility"][0]["own"]["scope2_market"]), sz.scope2_market);
        assert_eq!(json["by_facility"][0]["scope2_market_basis"], "instruments");
        let share: Vec<(CoverageBy, &str, &str)> =
            v.coverage.iter().map(|c| (c.by, c.mwh.as_str(), c.percent.as_str())).collect();
        assert_eq!(
            share,
            vec![
                (CoverageBy::Gec, "3000.0", "30.00"),
                (CoverageBy::ResidualMix, "7000.0", "70.00"),
                (CoverageBy::GridAverage, "0", "0.00")
            ]
        );
        assert_eq!(serde_json::to_value(gec.instrument).unwrap(), ji[0]["instrument"]);

        let v3 = scope3_of(&s, &lib, 2023).unwrap();
        assert_eq!(v3.categories.len(), 15);
        assert_eq!(v3.scope3, text(&json["totals"]["scope3"]));
        for (c, j) in v3.categories.iter().zip(json["scope3_categories"].as_array().unwrap()) {
            assert_eq!(u64::from(c.category), j["category"].as_u64().unwrap());
            assert_eq!(serde_json::to_value(c.status).unwrap(), j["status"]);
            assert_eq!(c.reason.as_deref(), j["reason"].as_str());
            assert_eq!(c.co2e_t, text(&j["co2e_t"]));
            for m in &c.method_mix {
                assert_eq!(m.co2e_t, text(&j["method_mix"][&m.method]));
            }
            assert_eq!(
                c.data_quality.as_ref().map(|q| q.overall.clone()),
                j["data_quality"]["overall"].as_str().map(str::to_string)
            );
        }
        let c1 = &v3.categories[0];
        assert_eq!((c1.status, c1.method_mix[0].method.as_str()), (Scope3Status::Relevant, "spend-based"));
        assert!(c1.data_quality.is_some());
        assert_eq!(
            (v3.categories[7].status, v3.categories[7].reason.as_deref()),
            (Scope3Status::Excluded, Some("no leased assets"))
        );
        assert_eq!(v3.categories[13].status, Scope3Status::NotApplicable);
        assert_eq!(v3.categories[2].status, Scope3Status::NotAssessed);
        let iso = json["iso14064_categories"].as_array().unwrap();
        assert_eq!(v3.iso14064.len(), iso.len());
        for (c, j) in v3.iso14064.iter().zip(iso) {
            assert_eq!(c.co2e_t, text(&j["co2e_t"]));
        }
        assert!(!v.locked && !v3.locked);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_input_and_a_locked_period_change_nothing_and_excluded_needs_a_reason() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, mut s) = store("writes", &lib);
        let bad = dir.join("bad.csv");
        std::fs::write(&bad, "facility,instrument,mwh,emission_rate_kg_per_mwh,generation_start,generation_end\nSZ,gec,100,0,2023-01-01,2023-02-01\nSZ,nope,100,0,2023-01-01,2023-02-01\n").unwrap();
        let e = import_instruments_of(&mut s, 2023, bad.to_str().unwrap()).unwrap_err();
        assert!(e.details.iter().any(|d| d.message.contains("line 3")), "{e:?}");
        assert_eq!(s.instruments(2023).unwrap().len(), 2);
        assert!(set_status_of(&mut s, 2023, 9, "excluded", " ", "").is_err());
        assert_eq!(scope3_of(&s, &lib, 2023).unwrap().categories[8].status, Scope3Status::NotAssessed);
        set_status_of(&mut s, 2023, 9, "excluded", "none sold downstream", "").unwrap();
        assert_eq!(scope3_of(&s, &lib, 2023).unwrap().categories[8].reason.as_deref(), Some("none sold downstream"));
        let id = scope2_of(&s, &lib, 2023).unwrap().failing[0].id;
        s.delete_instrument(i64::from(id), None).unwrap();
        assert!(scope2_of(&s, &lib, 2023).unwrap().failing.is_empty());
        // A locked period: both views say so, and every write is refused with nothing changed.
        s.lock_period(&lib, 2023).unwrap();
        let (v2, v3) = (scope2_of(&s, &lib, 2023).unwrap(), scope3_of(&s, &lib, 2023).unwrap());
        assert!(v2.locked && v3.locked);
        let good = dir.join("good.csv");
        std::fs::write(&good, GEC).unwrap();
        assert!(import_instruments_of(&mut s, 2023, good.to_str().unwrap()).is_err());
        assert!(set_status_of(&mut s, 2023, 2, "relevant", "", "").is_err());
        assert!(s.delete_instrument(i64::from(v2.instruments[0].id), None).is_err());
        assert_eq!(scope2_of(&s, &lib, 2023).unwrap(), v2);
        assert_eq!(scope3_of(&s, &lib, 2023).unwrap(), v3);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Category 15 shows its PCAF score, weighted by financed emissions (decision 0050).
    #[test]
    fn category_15_shows_its_pcaf_score() {
        let (mut lib, _) = FactorLibrary::shipped();
        let pass = "id,activity,scope,category,unit,co2e_kg,source,name,region,gwp_basis,verified\n\
                    t.investee,investee_scope1_2,3,15,t,1000,test pass-through,Investee,GLOBAL,AR5,true\n";
        assert!(lib.add_user_file("investees.csv", pass.as_bytes()).is_empty());
        let (_dir, mut s) = store("pcaf", &lib);
        for (quantity, share, score) in [("4800", "0.25", "2"), ("10000", "0.05", "4")] {
            let mut scope3 = Scope3Cells::default();
            *scope3.cell_mut("attribution").unwrap() = Some(share.into());
            *scope3.cell_mut("pcaf_score").unwrap() = Some(score.into());
            let investee = ActivityInput {
                facility: "SZ".into(),
                start: "2023-01-01".into(),
                end: "2023-12-31".into(),
                activity: "investee_scope1_2".into(),
                quantity: quantity.into(),
                unit: "t".into(),
                scope3,
                ..Default::default()
            };
            s.add_activity(&lib, 2023, &investee).unwrap();
        }
        let v3 = scope3_of(&s, &lib, 2023).unwrap();
        let p = v3.categories[14].pcaf.as_ref().unwrap();
        // (1,200 t × 2 + 500 t × 4) ÷ 1,700 t = 2.588… → 2.59.
        assert_eq!((p.score.as_str(), p.scored_co2e_t.as_str()), ("2.59", "1700"));
        assert_eq!(
            p.by_score.iter().map(|b| (b.method.as_str(), b.co2e_t.as_str())).collect::<Vec<_>>(),
            [("2", "1200"), ("4", "500")]
        );
        assert!(v3.categories[0].pcaf.is_none());
    }

    /// The coverage of Scope 3 against a category's estimate set with its status (decision 0054).
    #[test]
    fn an_estimate_set_with_a_status_gives_the_coverage() {
        let (lib, _) = FactorLibrary::shipped();
        let (_dir, mut s) = store("coverage", &lib);
        assert_eq!(scope3_of(&s, &lib, 2023).unwrap().coverage, None);
        set_status_of(&mut s, 2023, 8, "excluded", "no leased assets", "120").unwrap();
        let v = scope3_of(&s, &lib, 2023).unwrap();
        let c = v.coverage.clone().unwrap();
        assert_eq!(
            (c.reported_t.as_str(), c.estimated_t.as_str(), c.categories.as_slice()),
            (v.scope3.as_str(), "120", &[8u8][..])
        );
        let reported: rust_decimal::Decimal = v.scope3.parse().unwrap();
        let want = (reported * rust_decimal::Decimal::ONE_HUNDRED / (reported + rust_decimal::Decimal::from(120)))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven)
            .normalize();
        assert_eq!(c.percent, Some(want.to_string()));
        assert_eq!(v.categories[7].estimate_t.as_deref(), Some("120"));
        // A bad estimate changes nothing, the status it came with included.
        assert!(set_status_of(&mut s, 2023, 8, "relevant", "", "-1").is_err());
        assert_eq!(scope3_of(&s, &lib, 2023).unwrap(), v);
        // Emptied in the form: removed.
        set_status_of(&mut s, 2023, 8, "excluded", "no leased assets", " ").unwrap();
        assert_eq!(scope3_of(&s, &lib, 2023).unwrap().coverage, None);
    }
}
