//! The Periods screen's factor files (decision 0055): a period's own factor files kept in the
//! inventory file (decision 0053) — listed, added from a path (a factor file or a dataset
//! folder, read as `scopebook factors add` reads it) and removed with a reason, on a blocking
//! thread. Each command is a parse, one store call and the error mapping: a refused file's
//! problems each led by its file and line, with its column.

use std::path::Path;

use scopebook_core::library::FactorLibrary;
use scopebook_store::{FactorFileRow, FactorFileSource, Store, StoreError};
use tauri::{AppHandle, Manager};

use crate::api::*;
use crate::commands::{internal, with_store, AppState};
use crate::compliance::{cell, refused_files};
use crate::import::blocking;

type Result<T> = std::result::Result<T, AppError>;

fn view(r: FactorFileRow) -> PeriodFactorFile {
    PeriodFactorFile {
        id: u32::try_from(r.id).unwrap_or(u32::MAX),
        year: r.year,
        name: r.name,
        sha256: r.sha256,
        dataset: r.dataset,
        edition: r.edition,
        factors: u32::try_from(r.factors).unwrap_or(u32::MAX),
    }
}

/// A refusal with each problem in a file led by that file and its line.
fn refused(e: StoreError) -> AppError {
    let files: Vec<String> = e.diagnostics.iter().map(|d| d.location.file.clone()).collect();
    refused_files(e, &files)
}

pub(crate) fn files_of(s: &Store, lib: &FactorLibrary, year: i32) -> Result<Vec<PeriodFactorFile>> {
    Ok(s.factor_files(lib, year)?.into_iter().map(view).collect())
}

pub(crate) fn add_of(s: &mut Store, lib: &FactorLibrary, year: i32, path: &str) -> Result<PeriodFactorFile> {
    let source = FactorFileSource::read(Path::new(path.trim())).map_err(|mut d| {
        if d.location.row.is_none() {
            d.message = format!("{}: {}", d.location.file, d.message);
        }
        refused(StoreError { diagnostics: vec![d] })
    })?;
    Ok(view(s.add_factor_file(lib, year, &source.as_new()).map_err(refused)?))
}

pub(crate) fn remove_of(s: &mut Store, lib: &FactorLibrary, id: u32, reason: &str) -> Result<()> {
    Ok(s.delete_factor_file(lib, i64::from(id), cell(reason).as_deref())?)
}

// ---- commands ----

/// Period `year`'s own factor files: `scopebook factors files --db F --period Y`.
#[tauri::command]
pub async fn period_factor_files(app: AppHandle, year: i32) -> Result<Vec<PeriodFactorFile>> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| files_of(s, &lib, year))
    })
    .await
}

/// Add the factor file or dataset folder at `path` to period `year`, all or nothing:
/// `scopebook factors add --db F --period Y PATH`.
#[tauri::command]
pub async fn add_period_factor_file(app: AppHandle, year: i32, path: String) -> Result<PeriodFactorFile> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| add_of(s, &lib, year, &path))
    })
    .await
}

/// Remove factor file `id` with the reason ("" for none): `scopebook factors remove --id N`.
#[tauri::command]
pub async fn remove_period_factor_file(app: AppHandle, id: u32, reason: String) -> Result<()> {
    blocking(move || {
        let state = app.state::<AppState>();
        let lib = state.library.read().map_err(|_| internal("the factor library"))?;
        with_store(&state, |s| remove_of(s, &lib, id, &reason))
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use scopebook_store::{ActivityInput, Consolidation, NewFacility, NewPeriod};

    fn fixture(name: &str) -> String {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/residual-mix").join(name).display().to_string()
    }

    /// `text` written to `dir/name`; its path.
    fn file(dir: &Path, name: &str, text: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    fn berlin(quantity: &str) -> ActivityInput {
        ActivityInput {
            facility: "BERLIN".into(),
            activity: "grid_electricity".into(),
            quantity: quantity.into(),
            unit: "MWh".into(),
            start: "2023-01-01".into(),
            end: "2023-12-31".into(),
            ..Default::default()
        }
    }

    /// Issue 14/10: the Periods screen adds the test grid file to a period with a DE facility,
    /// lists it, refuses a bad file at its row and column storing nothing, refuses to remove a
    /// file a record needs (naming it), removes one no record needs, and changes nothing locked.
    #[test]
    fn a_periods_factor_files_through_the_commands() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, mut s) = crate::testing::new_store("factor-files", "commands", Consolidation::OperationalControl);
        s.add_facility(&NewFacility::new("BERLIN", "Berlin office", "DE")).unwrap();
        s.add_period(&lib, &NewPeriod::year(2023)).unwrap();
        // No DE grid factor ships: the record needs the period's file.
        assert!(s.add_activity(&lib, 2023, &berlin("1000")).is_err());

        let grid = add_of(&mut s, &lib, 2023, &fixture("de-grid-test.csv")).unwrap();
        assert_eq!(
            (grid.name.as_str(), grid.dataset.as_str(), grid.edition.as_str(), grid.factors),
            ("de-grid-test.csv", "user:de-grid-test.csv", "-", 2)
        );
        assert_eq!(grid.sha256.len(), 64);
        assert_eq!(files_of(&s, &lib, 2023).unwrap(), vec![grid.clone()]);

        // A bad file: refused at its row and column, nothing stored.
        let bad = file(
            &dir,
            "bad-grid.csv",
            "id,activity,scope,category,unit,co2_kg,source\nx.ok,grid_electricity,2,electricity,MWh,1,test\nx.bad,grid_electricity,2,electricity,MWh,abc,test\n",
        );
        let e = add_of(&mut s, &lib, 2023, &bad).unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation, "{e:?}");
        assert!(!e.details.is_empty(), "{e:?}");
        for d in &e.details {
            assert!(d.message.starts_with("bad-grid.csv line 3: "), "{d:?}");
        }
        assert!(e.details.iter().any(|d| d.field == "co2_kg"), "{e:?}");
        assert_eq!(files_of(&s, &lib, 2023).unwrap(), vec![grid.clone()]);
        // A path that does not exist says so.
        let e = add_of(&mut s, &lib, 2023, &dir.join("none.csv").display().to_string()).unwrap_err();
        assert!(e.message.contains("cannot read the file"), "{e:?}");

        // The record is possible now, and the file it reads cannot go.
        s.add_activity(&lib, 2023, &berlin("1000")).unwrap();
        let e = remove_of(&mut s, &lib, grid.id, "wrong file").unwrap_err();
        assert!(e.message.contains("without factor file de-grid-test.csv"), "{e:?}");
        assert!(e.message.contains("record 1"), "{e:?}");
        assert_eq!(files_of(&s, &lib, 2023).unwrap().len(), 1);

        // A file no record needs goes.
        let other = file(
            &dir,
            "other.csv",
            "id,activity,scope,category,unit,co2_kg,source\nmine.widget,purchased_widgets,3,1,kg,2.5,my supplier\n",
        );
        let w = add_of(&mut s, &lib, 2023, &other).unwrap();
        assert_eq!(files_of(&s, &lib, 2023).unwrap().len(), 2);
        remove_of(&mut s, &lib, w.id, "not ours").unwrap();
        assert_eq!(files_of(&s, &lib, 2023).unwrap(), vec![grid.clone()]);

        // Locked: nothing is added or removed; the list still reads.
        s.lock_period(&lib, 2023).unwrap();
        let e = add_of(&mut s, &lib, 2023, &other).unwrap_err();
        assert_eq!(e.code, ErrorCode::Locked, "{e:?}");
        let e = remove_of(&mut s, &lib, grid.id, "").unwrap_err();
        assert_eq!(e.code, ErrorCode::Locked, "{e:?}");
        assert_eq!(files_of(&s, &lib, 2023).unwrap(), vec![grid]);
    }

    /// A dataset folder (`dataset.toml` and the factor file it names) is read as the CLI reads
    /// it and listed under its dataset id and edition; a `dataset.toml` naming no factor file is
    /// refused at it, nothing stored.
    #[test]
    fn a_dataset_folder_is_added_by_its_path() {
        let (lib, _) = FactorLibrary::shipped();
        let (dir, mut s) = crate::testing::new_store("factor-files", "folder", Consolidation::OperationalControl);
        s.add_period(&lib, &NewPeriod::year(2023)).unwrap();
        let csv = "id,activity,scope,category,unit,co2e_kg,gwp_basis,source,region\n\
                   supplier.widget.2023,purchased_widgets,3,1,kg,2.5,AR5,my supplier,GLOBAL\n";
        let folder = dir.join("supplier-widgets");
        std::fs::create_dir_all(&folder).unwrap();
        file(&folder, "factors.csv", csv);
        let meta = format!(
            "id = \"supplier-widgets\"\nedition = \"2023\"\ntitle = \"Widgets\"\npublisher = \"My supplier\"\n\
             region = \"GLOBAL\"\nlicence = \"ours\"\nsource_url = \"https://example.com/\"\nevidence = \"supplier declaration 2023\"\n\n\
             [files]\nfactors = \"factors.csv\"\nsha256 = \"{}\"\n",
            scopebook_core::dataset::sha256_hex(csv.as_bytes())
        );
        file(&folder, "dataset.toml", &meta);
        let got = add_of(&mut s, &lib, 2023, &folder.display().to_string()).unwrap();
        assert_eq!(
            (got.name.as_str(), got.dataset.as_str(), got.edition.as_str(), got.factors),
            ("supplier-widgets", "supplier-widgets", "2023", 1)
        );

        let bare = dir.join("bare");
        std::fs::create_dir_all(&bare).unwrap();
        file(&bare, "dataset.toml", "id = \"bare\"\nedition = \"1\"\ntitle = \"t\"\npublisher = \"p\"\nregion = \"GLOBAL\"\nlicence = \"l\"\nsource_url = \"u\"\n[files]\nsha256 = \"x\"\n");
        let e = add_of(&mut s, &lib, 2023, &bare.display().to_string()).unwrap_err();
        assert_eq!(e.details[0].code, DiagnosticCode(scopebook_core::diagnostic::Code::InvalidMetadata), "{e:?}");
        assert!(
            e.message.ends_with("bare/dataset.toml: [files] needs 'factors': the factor file the dataset is made of"),
            "{e:?}"
        );
        // One that does not parse says where.
        file(&bare, "dataset.toml", "id = \"bare\"\nedition = \n");
        let e = add_of(&mut s, &lib, 2023, &bare.display().to_string()).unwrap_err();
        assert!(e.message.starts_with("bare/dataset.toml line 2: "), "{e:?}");
        assert_eq!(files_of(&s, &lib, 2023).unwrap(), vec![got]);
    }
}
