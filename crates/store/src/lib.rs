//! The inventory file: one SQLite database per organisation, with its boundary (legal entities
//! and facilities), reporting periods, activity records, calculation snapshots and a
//! hash-chained audit log.
//!
//! This is the library's IO module: it reads and writes the database file. The pure core
//! (`calc`, `library`, `factor`, `activity`, `pipeline`) stays free of IO; the store calls it.
//!
//! **Invariants** (decision 0011):
//! - Every user action is one SQLite transaction (`BEGIN IMMEDIATE` … `COMMIT`): it happens
//!   completely or not at all. A refused action changes nothing.
//! - Every change to an audited table appends audit entries in the same transaction. The log is
//!   append-only: the code never updates or deletes an entry, and triggers refuse it.
//! - An activity record is stored only after it passed the checks of `scopebook calc` (the
//!   activity-file reader, then factor selection under the period's GWP set and pins).
//! - A locked period changes only by restatement: the original record stays, marked
//!   superseded, and the new record names it and the reason.
//! - A stored value this build does not know is an error, never read as a default.
//!
//! **Modules**, one job each:
//! - `error`: [`StoreError`], the internal `Fail`, refusals;
//! - `connection`: creating and opening a file (identity, migrations), the organisation record;
//! - `write`: the one-transaction helper (`Store::write`) and the audited write (`Tx`);
//! - `text`: the user's typed text as stored (required, optional);
//! - `facilities`, `periods` (with locking and snapshots), `activities` (records, pages, the one
//!   list of a record's column values);
//! - `checks`: records checked as `scopebook calc` checks them;
//! - `export`: a period's records streamed as an activity file;
//! - `calculation`: a period calculated, and compared with its snapshot;
//! - `totals`: a period's totals kept between visits, keyed by what they depend on (schema 4);
//! - `ets`: covered facilities' ETS registration, units and ledger per period, and the
//!   allowance position worked from them (schema 5, decision 0030); the EU Transaction Log's
//!   figures per period (schema 6, decision 0033);
//! - `instruments`, `scope3`: a period's contractual instruments and Scope 3 category statuses,
//!   and what a calculation of the period takes from them (schema 9, decision 0043);
//! - [`model`], [`schema`], [`audit`] (with its verification), `backup`, `import`.

mod activities;
pub mod audit;
mod backup;
mod boundary;
mod calculation;
mod checks;
mod connection;
mod error;
mod ets;
mod export;
mod facilities;
mod factor_files;
mod import;
mod instruments;
pub mod model;
mod periods;
mod readers;
pub mod schema;
mod scope3;
#[cfg(test)]
mod testing;
mod text;
mod totals;
mod write;

use rusqlite::Connection;

pub use audit::{AuditCount, AuditEntry, AuditFilter, Verified, AUDIT_COUNT_CAP};
pub use boundary::OrganisationChange;
pub use calculation::{PeriodCalculation, SnapshotComparison};
pub use connection::{default_user, NewOrganisation};
pub use error::StoreError;
pub use ets::{
    EtsEnrolment, EtsFacility, EtsLedgerEntry, EtsLedgerInput, EtsParameters, EtsParametersRow, EtsRegistryPage,
    EtsRegistryRow, EtsScheme, EtsUnit, EtsUnitInput, LEDGER_FILE, UNITS_FILE,
};
pub use ets::{PositionOptions, Reconcile, COVERED_FILE};
pub use export::{ALL_COLUMNS, EXPORT_COLUMNS, FULL_EXPORT_COLUMNS, SCOPE3_EXPORT_COLUMNS};
pub use factor_files::{read_path, FactorFileRow, FactorFileSource, NewFactorFile};
pub use import::{BlockChecked, BlockChecker, CheckedBlock, ImportSession};
pub use import::{
    Duplicate, ImportChecked, ImportFile, ImportMode, ImportRow, ImportSummary, ImportWritten, Lineage, NewTemplate,
    SavedTemplate, ValueChoice,
};
pub use instruments::{instruments_file, InstrumentRow, INSTRUMENT_COLUMNS};
pub use model::*;
pub use scope3::{status_file, Scope3StatusRow, STATUS_COLUMNS};
pub use totals::{PeriodTotals, UnresolvedRecord, UNRESOLVED_KEPT};

/// One open inventory file.
pub struct Store {
    conn: Connection,
    name: String,
    user: String,
}

// The crate's shared helpers, in scope here for `import`, which reaches them through
// `use super::*` (other modules import them by path, e.g. `crate::error::refuse`).
#[allow(unused_imports)]
use {
    activities::{insert_activity, RecordValues, RECORD_COLUMNS},
    checks::{check_inputs, validate, Checked, CheckedRow},
    error::{locked, refuse, refuse_at, Fail},
    facilities::facility_id,
    factor_files::period_library,
    periods::period_by_year,
    rusqlite::{params, OptionalExtension},
    scopebook_core::{
        calc::CalcOptions,
        diagnostic::{Code, Diagnostic, Location},
        library::FactorLibrary,
    },
    text::{non_empty, opt},
    write::{now, Tx},
};
