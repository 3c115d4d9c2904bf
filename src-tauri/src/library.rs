//! The factor library of the running app, loaded when first needed rather than at start-up.
//!
//! `FactorLibrary::shipped()` verifies every shipped file's checksum and parses every factor
//! (~4,400): work and memory that the start screen (create / open an organisation file) never
//! uses. So the window comes up without it; it is loaded on a background thread as soon as an
//! organisation file is open ([`LazyLibrary::preload`]: the start-up reopen, create, open,
//! restore), and otherwise by the first command that reads it. Either way it is loaded once:
//! a command that asks while the background load runs waits for that load.

use std::sync::{Arc, LockResult, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use scopebook_core::library::FactorLibrary;

/// The shipped factor library (with the user's factor files added since start), loaded once on
/// first use. `read` and `write` are those of the `RwLock` it holds.
#[derive(Default)]
pub(crate) struct LazyLibrary {
    cell: Arc<OnceLock<RwLock<FactorLibrary>>>,
}

fn load() -> RwLock<FactorLibrary> {
    let (library, diags) = FactorLibrary::shipped();
    for d in &diags {
        eprintln!("{d}");
    }
    RwLock::new(library)
}

impl LazyLibrary {
    fn get(&self) -> &RwLock<FactorLibrary> {
        self.cell.get_or_init(load)
    }

    /// The library, for reading; loads it first (or waits for the running load) if needed.
    pub(crate) fn read(&self) -> LockResult<RwLockReadGuard<'_, FactorLibrary>> {
        self.get().read()
    }

    /// The library, for adding a user's factors; loads it first if needed.
    pub(crate) fn write(&self) -> LockResult<RwLockWriteGuard<'_, FactorLibrary>> {
        self.get().write()
    }

    /// Start loading it on a background thread, unless it is loaded or loading already.
    pub(crate) fn preload(&self) {
        if self.cell.get().is_some() {
            return;
        }
        let cell = Arc::clone(&self.cell);
        let spawned = std::thread::Builder::new().name("factor-library".into()).spawn(move || {
            cell.get_or_init(load);
        });
        // Without a thread, the first command that needs the library loads it.
        if let Err(e) = spawned {
            eprintln!("scopebook: cannot load the factor library in the background: {e}");
        }
    }

    /// Whether it has been loaded (for tests).
    #[cfg(test)]
    pub(crate) fn is_loaded(&self) -> bool {
        self.cell.get().is_some()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_library_is_loaded_on_first_use_only() {
        let lib = LazyLibrary::default();
        assert!(!lib.is_loaded());
        assert!(!lib.read().unwrap().factors().is_empty());
        assert!(lib.is_loaded());
    }

    #[test]
    fn a_preload_and_a_reader_share_one_load() {
        let lib = LazyLibrary::default();
        lib.preload();
        // Waits for the background load (or does it, if it has not started yet): never twice.
        let n = lib.read().unwrap().factors().len();
        assert!(n > 1000, "{n} factors");
        lib.preload();
        assert_eq!(lib.write().unwrap().factors().len(), n);
    }
}
