//! The auditor's package (decision 0024): one period of an inventory file as data, in a
//! deterministic ZIP whose `manifest.json` holds the SHA-256 of every file and a root hash, and
//! its verification from the package alone.
//!
//! - [`export`] reads a period from the store — its records (with their stored canonical JSON
//!   and its hash), the organisation and its boundary, the calculation with every line's steps,
//!   the dataset editions and GWP tables it used, the whole hash-chained audit log, the lock
//!   snapshot — and writes the package ([`layout`] names its files). A dataset whose metadata
//!   says `redistributable = false` goes in as its reference and SHA-256 only.
//! - [`verify()`] opens a package safely ([`archive`]), checks every hash and the audit chain,
//!   ties the records, boundary, period and snapshot to the chain, recomputes every line from the
//!   package's own factor files and GWP table with the core's calculation, recomputes every
//!   total from the lines ([`totals`]), and reports each difference.
//! - `verify.py` (written into every package) does the same recomputation with Python's
//!   standard library only.
//!
//! - The auditor's view (decision 0042): [`audit_view::AuditView`] opens a package read-only
//!   (verified, and browsable even when it fails, marked so), lists its lines a page at a time
//!   and follows a line to its record, evidence and factor; [`sample`] draws the reproducible
//!   sample (seed = SHA-256 of root hash ‖ phrase; lines at or above the materiality in full);
//!   [`findings`] holds the marks, writes them as JSON and a workbook, and into a copy of the
//!   package whose own files and root hash stay valid.
//!
//! This crate knows the store and the core, and ZIP; not clap, Tauri or the file system.

pub mod archive;
pub mod audit_view;
mod export;
mod export_inputs;
pub mod findings;
pub mod layout;
mod manifest;
mod readme;
mod recompute;
pub mod sample;
pub mod totals;
mod verify;
mod verify_chain;
mod verify_checks;
mod verify_imports;
mod verify_market;
mod verify_text;

pub use export::{export, ExportOptions, Exported};
pub use manifest::{root_hash, seal, sums_text, Manifest, ManifestFile, FORMAT};
pub use verify::{verify, LineCheck, TotalCheck, Verification};
pub use verify_market::MarketCheck;

/// The Python verifier written into every package.
pub const VERIFY_PY: &str = include_str!("verify.py");
