//! The files of a package. Paths are relative, `/`-separated, ASCII.

/// The manifest: every other file's SHA-256 and size, and the root hash.
pub const MANIFEST: &str = "manifest.json";
/// `sha256sum` lines of every file but itself and the manifest; its SHA-256 is the root hash.
pub const SUMS: &str = "SHA256SUMS";
pub const README: &str = "README.md";
pub const VERIFY_PY: &str = "verify.py";

pub const ORGANISATION: &str = "inventory/organisation.json";
pub const PERIOD: &str = "inventory/period.json";
pub const BOUNDARY: &str = "inventory/boundary.json";
pub const BOUNDARY_CSV: &str = "inventory/boundary.csv";

/// The period's current records exported as an activity file: the bytes that were calculated.
pub const ACTIVITIES: &str = "data/activities.csv";
/// Each record of `ACTIVITIES`, in its order: id, SHA-256 and the stored canonical JSON.
pub const RECORDS: &str = "data/records.json";
pub const RECORDS_CSV: &str = "data/records.csv";
/// Every unit spelling the records and factors use, with its dimension and size in base units.
pub const UNITS: &str = "data/units.csv";

/// `scopebook calc --db FILE --period YEAR --format json`: lines with steps, totals.
pub const REPORT: &str = "results/report.json";
pub const LINES_CSV: &str = "results/lines.csv";
pub const TOTALS_CSV: &str = "results/totals.csv";

/// The period's contractual instruments as the store exports them and the calculation read
/// them (`instruments YEAR` in the report's `inputs.factor_files`, decision 0047); written when
/// the report names that file.
pub const INSTRUMENTS: &str = "inputs/instruments.csv";
/// The period's Scope 3 category statuses as exported (`scope3-status YEAR`); likewise.
pub const SCOPE3_STATUS: &str = "inputs/scope3-status.csv";
/// The residual mix each electricity use (facility, region, period) is allocated at, by factor
/// (its dataset edition is in `factors/`): written when market-based Scope 2 is not the grid
/// average of the lines.
pub const RESIDUAL_MIX: &str = "inputs/residual-mix.csv";

/// The factors the lines used, with provenance and whether each file is included.
pub const FACTORS_USED: &str = "factors/used.csv";
/// Folder of a dataset edition: `dataset.json` (its metadata) and `factors.csv` (unless withheld).
pub fn dataset_dir(id: &str, edition: &str) -> String {
    format!("factors/{}/{}", folder_name(id), folder_name(edition))
}

/// A dataset id or edition as a folder name: itself when it is one ([`safe_component`]); else
/// each character outside letters, digits, '.', '-' and '_' as '_' (a user's factor file is
/// dataset `user:FILE`: `user_FILE`), and "", "." or ".." as "_". The exporter refuses two
/// editions that would share a folder.
pub fn folder_name(text: &str) -> String {
    if safe_component(text) {
        return text.to_string();
    }
    let mapped: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    if safe_component(&mapped) {
        mapped
    } else {
        "_".to_string()
    }
}
pub const DATASET_META: &str = "dataset.json";
pub const DATASET_FACTORS: &str = "factors.csv";

pub const GWP_META: &str = "gwp/dataset.toml";
pub const GWP_TABLE: &str = "gwp/gwp100.csv";
pub const GWP_BLENDS: &str = "gwp/blends.csv";
/// The GWP values the lines used.
pub const GWP_USED: &str = "gwp/used.csv";

/// The whole audit log as stored, one entry (JSON) a line, oldest first.
pub const AUDIT_LOG: &str = "audit/log.jsonl";
/// Every record each import of the period created, with its row in the file
/// (`import,activity,source_row`, by import then record id): with the records' values at the
/// import, taken from the log or `RECORDS`, they give the import entry's `records_sha256`.
pub const AUDIT_IMPORTS: &str = "audit/imports.csv";

/// A locked period's snapshot: its stored canonical record, and the report it keeps.
pub const SNAPSHOT: &str = "snapshot/snapshot.json";
pub const SNAPSHOT_REPORT: &str = "snapshot/report.json";

pub const EVIDENCE_INDEX: &str = "evidence/index.csv";

/// Whether `text` may be one path component (a dataset id or edition).
pub fn safe_component(text: &str) -> bool {
    !text.is_empty()
        && text != "."
        && text != ".."
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}
