//! The Compliance screen's EU registry commands (issue 12, decision 0033): import EU Transaction
//! Log exports into a period of the organisation file (all or nothing), list its rows a page at
//! a time, delete one installation's or all, and tie an installation to the facility it is —
//! `scopebook ets registry import|list|delete|link`. Each calls the `Store` function the CLI
//! calls; the EU position is `ets_position` with the `eu-ets` scheme.

use scopebook_store::{EtsRegistryRow, Store};
use tauri::{AppHandle, Manager};

use crate::api::*;
use crate::commands::{wire_id, with_store, AppState};
use crate::compliance::{cell, count, read_file, refused_files};
use crate::import::blocking;

type Result<T> = std::result::Result<T, AppError>;

/// The most rows one page holds.
pub const REGISTRY_PAGE_MAX: u32 = 500;

/// A stored figure: its decimal text, else its status (the store keeps exactly one).
fn figure(value: &Option<String>, status: &Option<String>, what: &str, id: i64) -> Result<RegistryFigure> {
    match (value, status) {
        (Some(v), None) => Ok(RegistryFigure::Value(v.clone())),
        (None, Some(s)) => Ok(RegistryFigure::Status(s.clone())),
        _ => Err(AppError {
            code: ErrorCode::Internal,
            message: format!("registry row {id} holds both or neither of a figure and a status for {what}"),
            details: vec![],
        }),
    }
}

fn row_view(r: &EtsRegistryRow) -> Result<EtsRegistryRowView> {
    Ok(EtsRegistryRowView {
        id: wire_id(r.id),
        installation: r.installation.clone(),
        installation_id: r.installation_id.clone(),
        account_holder: r.account_holder.clone(),
        name: r.name.clone(),
        country: r.country.clone(),
        activity: r.activity.clone(),
        facility: r.facility.clone(),
        free_allocation: figure(&r.free_allocation_t, &r.free_allocation_status, "free_allocation", r.id)?,
        verified: figure(&r.verified_t, &r.verified_status, "verified", r.id)?,
        surrendered: figure(&r.surrendered_t, &r.surrendered_status, "surrendered", r.id)?,
        surrendered_allowances: figure(
            &r.surrendered_allowances_t,
            &r.surrendered_allowances_status,
            "surrendered_allowances",
            r.id,
        )?,
        compliance: r.compliance.clone(),
        source_file: r.source_file.clone(),
        source_line: u32::try_from(r.source_line).unwrap_or(u32::MAX),
    })
}

pub(crate) fn registry_page_of(s: &Store, q: &EtsRegistryQuery) -> Result<EtsRegistryPage> {
    let limit = q.limit.min(REGISTRY_PAGE_MAX) as usize;
    let page = s.ets_registry_page(q.year, &q.search, q.offset as usize, limit)?;
    Ok(EtsRegistryPage {
        rows: page.rows.iter().map(row_view).collect::<Result<_>>()?,
        offset: q.offset,
        matching: count(page.matching),
        total: count(page.total),
    })
}

pub(crate) fn import_registry_of(s: &mut Store, year: i32, paths: &[String]) -> Result<EtsRegistryImported> {
    let files = paths.iter().map(|p| read_file(p)).collect::<Result<Vec<_>>>()?;
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let rows = s.import_ets_registry(year, &files).map_err(|e| refused_files(e, &names))?;
    Ok(EtsRegistryImported { files: names, rows: count(rows) })
}

pub(crate) fn delete_registry_of(s: &mut Store, year: i32, installation: Option<&str>, reason: &str) -> Result<u32> {
    Ok(count(s.delete_ets_registry(year, installation, cell(reason).as_deref())?))
}

pub(crate) fn link_registry_of(
    s: &mut Store,
    year: i32,
    installation: &str,
    facility: &str,
    reason: &str,
) -> Result<EtsRegistryRowView> {
    row_view(&s.link_ets_registry(year, installation, cell(facility).as_deref(), cell(reason).as_deref())?)
}

// ---- commands ----

/// A page of period `year`'s registry rows: `scopebook ets registry list`.
#[tauri::command]
pub async fn ets_registry(app: AppHandle, query: EtsRegistryQuery) -> Result<EtsRegistryPage> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| registry_page_of(s, &query))
    })
    .await
}

/// Import registry exports (paths the user chose) into period `year`, all or nothing:
/// `scopebook ets registry import --period YEAR FILE...`.
#[tauri::command]
pub async fn import_ets_registry(app: AppHandle, year: i32, paths: Vec<String>) -> Result<EtsRegistryImported> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| import_registry_of(s, year, &paths))
    })
    .await
}

/// Delete one installation's registry figures (`installation`), or every row of the period
/// (`installation` null): `scopebook ets registry delete --installation ID | --all`. Returns the
/// rows removed.
#[tauri::command]
pub async fn delete_ets_registry(
    app: AppHandle,
    year: i32,
    installation: Option<String>,
    reason: String,
) -> Result<u32> {
    blocking(move || {
        let state = app.state::<AppState>();
        with_store(&state, |s| delete_registry_of(s, year, installation.as_deref(), &reason))
    })
    .await
}

/// Tie an installation to the facility it is, or untie it (`facility` ""):
/// `scopebook ets registry link`.
#[tauri::command]
pub fn link_ets_registry(
    state: tauri::State<'_, AppState>,
    year: i32,
    installation: String,
    facility: String,
    reason: String,
) -> Result<EtsRegistryRowView> {
    with_store(&state, |s| link_registry_of(s, year, &installation, &facility, &reason))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::compliance::position_of;
    use scopebook_core::diagnostic::Code;
    use scopebook_core::library::FactorLibrary;
    use scopebook_store::{Consolidation, EtsEnrolment, EtsScheme, NewFacility, NewPeriod, Store};

    /// Golden case 07's registry export (three installations, figures for 2021).
    fn registry07() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/golden-position/07-eu-installation-penalty/registry-DE-NO.csv")
    }

    /// A store with period 2021 and facility DE-HO registered under the EU ETS as Rheinwerk.
    fn store(name: &str) -> (PathBuf, Store) {
        let (dir, mut s) = crate::testing::new_store("registry", name, Consolidation::OperationalControl);
        let (lib, _) = FactorLibrary::shipped();
        s.add_facility(&NewFacility { ets_covered: true, ..NewFacility::new("DE-HO", "Hochofen 2", "DE") }).unwrap();
        s.add_period(&lib, &NewPeriod::year(2021)).unwrap();
        let e = EtsEnrolment {
            facility: "DE-HO".into(),
            scheme: EtsScheme::EuEts,
            enterprise: "Rheinwerk Stahl GmbH".into(),
            plan: None,
        };
        s.set_ets_facility(&e).unwrap();
        (dir, s)
    }

    fn query(search: &str, offset: u32, limit: u32) -> EtsRegistryQuery {
        EtsRegistryQuery { year: 2021, search: search.into(), offset, limit }
    }

    fn keys(p: &EtsRegistryPage) -> Vec<&str> {
        p.rows.iter().map(|r| r.installation.as_str()).collect()
    }

    #[test]
    fn the_golden_export_imports_pages_and_gives_the_eu_position() {
        let (dir, mut s) = store("golden");
        let imported = import_registry_of(&mut s, 2021, &[registry07().display().to_string()]).unwrap();
        assert_eq!((imported.files, imported.rows), (vec!["registry-DE-NO.csv".to_string()], 3));

        // Pages in import order; a status is a status, never a zero.
        let first = registry_page_of(&s, &query("", 0, 2)).unwrap();
        assert_eq!((keys(&first), first.matching, first.total), (vec!["DE-990001", "DE-990002"], 3, 3));
        let r = &first.rows[0];
        assert_eq!((r.account_holder.as_str(), r.name.as_str()), ("Rheinwerk Stahl GmbH", "Hochofen 2"));
        assert_eq!(r.free_allocation, RegistryFigure::Value("80000".into()));
        assert_eq!(r.verified, RegistryFigure::Value("250000".into()));
        assert_eq!(r.surrendered, RegistryFigure::Value("240000".into()));
        assert_eq!(r.compliance.as_deref(), Some("B"));
        assert_eq!((r.source_file.as_str(), r.source_line), ("registry-DE-NO.csv", 2));
        let last = registry_page_of(&s, &query("", 2, 2)).unwrap();
        assert_eq!(keys(&last), vec!["NO-990003"]);
        assert_eq!(last.rows[0].verified, RegistryFigure::Status("Excluded".into()));
        assert_eq!(last.rows[0].free_allocation, RegistryFigure::Status("NA".into()));
        // The search matches any case, the page is capped.
        let found = registry_page_of(&s, &query("  nordKRAFT ", 0, 10)).unwrap();
        assert_eq!((keys(&found), found.matching, found.total), (vec!["NO-990003"], 1, 3));
        assert_eq!(registry_page_of(&s, &query("", 0, u32::MAX)).unwrap().rows.len(), 3);

        // The EU position: case 07's expected figures, worked by hand in its WORKING.md.
        let req = PositionRequest {
            scheme: EtsSchemeId::EuEts,
            year: 2021,
            plan: String::new(),
            prices: vec!["central=75".into()],
        };
        let p = position_of(&s, &req).unwrap();
        assert_eq!(p.scheme, EtsSchemeId::EuEts);
        let holder = p.enterprises.iter().find(|e| e.enterprise == "Rheinwerk Stahl GmbH").unwrap();
        assert_eq!((holder.shortfall_t.as_str(), holder.values[0].amount.as_str()), ("10000", "750000"));
        assert_eq!(holder.penalty.as_ref().unwrap().low, "1108200");
        let i: Vec<_> = p.installations.iter().map(|i| (i.installation.as_str(), i.account_holder.as_str())).collect();
        assert_eq!(
            i,
            vec![
                ("DE-990001", "Rheinwerk Stahl GmbH"),
                ("DE-990002", "Rheinwerk Stahl GmbH"),
                ("NO-990003", "Nordkraft AS")
            ]
        );
        let furnace = &p.installations[0];
        assert_eq!((furnace.shortfall_t.as_deref(), furnace.status.as_deref()), (Some("10000"), Some("B")));
        assert_eq!(furnace.surrendered_t.as_deref(), Some("240000"));
        assert_eq!(furnace.penalty.as_ref().unwrap().owed_t, "10000");
        let excluded = &p.installations[2];
        assert_eq!((excluded.verified_t.as_deref(), excluded.shortfall_t.as_deref()), (None, None));
        let status: Vec<_> = excluded.figure_status.iter().map(|f| (f.figure.as_str(), f.status.as_str())).collect();
        assert_eq!(status, vec![("free_allocation_t", "NA"), ("surrendered_t", "NA"), ("verified_t", "Excluded")]);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The whole EUTL copy (`../shared/datasets/real-world/eutl/`, 17,957 installations), when
    /// present: a page holds 50 rows whatever the period holds. Slow in a debug build (the
    /// import writes an audit entry a row): `cargo test -p scopebook-app -- --ignored`.
    #[test]
    #[ignore = "needs the EUTL copy; about 15 s"]
    fn a_page_of_the_whole_eutl_copy_is_fifty_rows() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets/real-world/eutl");
        let Ok(dir) = std::fs::read_dir(&data) else { return };
        let mut paths: Vec<String> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .map(|p| p.display().to_string())
            .collect();
        paths.sort();
        let (tmp, mut s) = store("eutl");
        let rows = import_registry_of(&mut s, 2021, &paths).unwrap().rows;
        let t = std::time::Instant::now();
        let first = registry_page_of(&s, &query("", 0, 50)).unwrap();
        let last = registry_page_of(&s, &query("", rows - 1, 50)).unwrap();
        let found = registry_page_of(&s, &query("de-", 0, 50)).unwrap();
        eprintln!("{rows} rows; three pages in {:?}", t.elapsed());
        assert_eq!((first.rows.len(), first.total, last.rows.len()), (50, rows, 1));
        assert!(found.matching > 50 && found.rows.len() == 50);
        drop(s);
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn link_and_delete_change_the_rows_and_bad_input_changes_nothing() {
        let (dir, mut s) = store("writes");
        let path = registry07().display().to_string();
        import_registry_of(&mut s, 2021, std::slice::from_ref(&path)).unwrap();
        let all = |s: &Store| registry_page_of(s, &query("", 0, 10)).unwrap();

        // The same export again: every installation would count twice; nothing is written.
        let before = all(&s);
        let err = import_registry_of(&mut s, 2021, std::slice::from_ref(&path)).unwrap_err();
        assert_eq!((err.code, err.details[0].code), (ErrorCode::Conflict, DiagnosticCode(Code::DuplicateId)));
        assert_eq!(all(&s), before);
        // A malformed figure: refused at its file and line.
        let bad = dir.join("bad.csv");
        std::fs::write(&bad, std::fs::read_to_string(registry07()).unwrap().replacen("250000", "25O000", 1)).unwrap();
        let err = import_registry_of(&mut s, 2021, &[bad.display().to_string()]).unwrap_err();
        assert!(err.details[0].message.starts_with("bad.csv line 2: "), "{err:?}");
        assert_eq!(all(&s), before);
        // A file that is not there.
        let err = import_registry_of(&mut s, 2021, &[dir.join("none.csv").display().to_string()]).unwrap_err();
        assert_eq!(err.code, ErrorCode::Io);

        // Tie the blast furnace to DE-HO; Nordkraft's plant is not Rheinwerk's and is refused.
        let tied = link_registry_of(&mut s, 2021, "DE-990001", "DE-HO", "").unwrap();
        assert_eq!(tied.facility.as_deref(), Some("DE-HO"));
        let err = link_registry_of(&mut s, 2021, "NO-990003", "DE-HO", "").unwrap_err();
        assert_eq!(err.details[0].code, DiagnosticCode(Code::InvalidValue));
        assert_eq!(registry_page_of(&s, &query("de-ho", 0, 10)).unwrap().matching, 1);
        let untied = link_registry_of(&mut s, 2021, "DE-990001", "", "wrong plant").unwrap();
        assert_eq!(untied.facility, None);

        // Delete one installation, an unknown one (nothing changes), then the rest.
        assert_eq!(delete_registry_of(&mut s, 2021, Some("DE-990002"), "typo").unwrap(), 1);
        let left = all(&s);
        assert_eq!(keys(&left), vec!["DE-990001", "NO-990003"]);
        let err = delete_registry_of(&mut s, 2021, Some("XX-1"), "").unwrap_err();
        assert_eq!(err.details[0].code, DiagnosticCode(Code::UnknownRecord));
        assert_eq!(all(&s), left);
        assert_eq!(delete_registry_of(&mut s, 2021, None, "re-import").unwrap(), 2);
        assert_eq!(all(&s).total, 0);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
