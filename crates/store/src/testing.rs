//! Test helpers: a temporary folder removed when dropped (the crate has no dev-dependencies).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("scopebook-store-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The shipped factor library, loaded once.
pub(crate) fn lib() -> &'static scopebook_core::library::FactorLibrary {
    static LIB: std::sync::OnceLock<scopebook_core::library::FactorLibrary> = std::sync::OnceLock::new();
    LIB.get_or_init(|| {
        let (lib, diags) = scopebook_core::library::FactorLibrary::shipped();
        assert!(diags.is_empty(), "{diags:?}");
        lib
    })
}

/// A new organisation file with facilities SZ (CN-JS) and BJ (CN-BJ) and period 2023.
pub(crate) fn store(dir: &TempDir) -> crate::Store {
    use crate::{Consolidation, NewFacility, NewOrganisation, NewPeriod, Store};
    let org = NewOrganisation { name: "Acme".into(), consolidation: Consolidation::OperationalControl };
    let mut s = Store::create(&dir.path().join("acme.db"), &org, "alice").unwrap();
    s.add_facility(&NewFacility::new("SZ", "Suzhou plant", "CN-JS")).unwrap();
    s.add_facility(&NewFacility::new("BJ", "Beijing office", "CN-BJ")).unwrap();
    s.add_period(lib(), &NewPeriod::year(2023)).unwrap();
    s
}

/// Grid electricity of facility SZ in 2023.
pub(crate) fn electricity(kwh: &str) -> crate::ActivityInput {
    crate::ActivityInput {
        facility: "SZ".into(),
        activity: "grid_electricity".into(),
        quantity: kwh.into(),
        unit: "kWh".into(),
        start: "2023-01-01".into(),
        end: "2023-12-31".into(),
        ..crate::ActivityInput::default()
    }
}
