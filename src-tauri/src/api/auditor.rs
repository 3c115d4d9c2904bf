//! Wire types of the auditor's view (decision 0042): a package opened read-only, its lines a
//! page at a time, a line's detail, the sample, the findings.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{FieldError, SelectionRule};

/// The opened package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorPackage {
    /// The package file's path, as opened.
    pub path: String,
    pub root_hash: String,
    pub organisation: String,
    pub period: Option<i32>,
    /// Whether `scopebook verify` would pass; a failing package is browsable, marked.
    pub verified: bool,
    /// What verification found (errors and warnings), located.
    pub problems: Vec<FieldError>,
    pub records: u32,
    pub lines: u32,
    pub recomputed: u32,
    pub withheld: u32,
    /// The facility codes of the lines, sorted.
    pub facilities: Vec<String>,
    /// Where the findings are saved while the auditor works (`PKG.zip.findings.json`).
    pub sidecar: String,
    /// Findings the package itself carries (`findings/`, written by an auditor's export), as
    /// `verify` found them; `None` when it has none.
    pub package_findings: Option<AuditorPackageFindings>,
    pub findings: AuditorFindings,
}

/// A package's own findings folder, as `verify` checked it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorPackageFindings {
    pub files: u32,
    pub marks: u32,
    pub checked: u32,
    pub queried: u32,
    pub sampled: u32,
    pub in_full: u32,
    /// Every file matches the findings manifest, about this package's root hash.
    pub intact: bool,
}

/// Which lines to list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorLineQuery {
    /// A facility code, or "" for all.
    pub facility: String,
    /// `1`, `2`, `3`, or "" for all.
    pub scope: String,
    pub text: String,
    pub offset: u32,
    pub limit: u32,
}

/// One line of the list. Decimals are exact strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorLine {
    pub record: u32,
    pub facility: String,
    pub scope: String,
    pub category: String,
    pub activity: String,
    pub quantity: String,
    pub unit: String,
    pub factor: String,
    pub evidence: String,
    /// kg CO2e as the totals count it (after the equity share).
    pub co2e_kg: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorLinePage {
    pub lines: Vec<AuditorLine>,
    pub offset: u32,
    pub matching: u32,
}

/// A name and its value, as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorField {
    pub name: String,
    pub value: String,
}

/// A factor as the package states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorFactor {
    pub id: String,
    pub dataset: String,
    pub edition: String,
    pub dataset_sha256: String,
    pub source: String,
    pub licence: String,
    /// `included`, or why its file is not in the package.
    pub file: String,
}

/// Everything the package says of one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorLineDetail {
    pub line: AuditorLine,
    pub iso_category: String,
    pub full_co2e_kg: String,
    pub share_applied: String,
    pub biogenic_co2_kg: String,
    pub record_sha256: String,
    pub record_sha256_ok: bool,
    pub record_fields: Vec<AuditorField>,
    pub evidence: String,
    pub evidence_file: String,
    pub evidence_sha256: String,
    pub factor: AuditorFactor,
    /// `None` when the package names a rule this build does not know.
    pub selected_by: Option<SelectionRule>,
    pub gwp_set: String,
    pub steps: Vec<Vec<AuditorField>>,
    pub mark: Option<AuditorMark>,
}

/// What the auditor asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorSampleRequest {
    pub phrase: String,
    /// `5`, `2` or another exact decimal percent.
    pub materiality: String,
    /// `None`: the default size (25, or every remaining line when fewer).
    pub size: Option<u32>,
}

/// A line drawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorDrawn {
    pub record: u32,
    pub co2e_kg: String,
    pub rank_key: String,
}

/// A drawn sample and its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorSample {
    pub phrase: String,
    pub seed: String,
    pub materiality_percent: String,
    pub total_co2e_kg: String,
    pub threshold_co2e_kg: String,
    pub size: u32,
    pub lines: u32,
    pub in_full: Vec<AuditorDrawn>,
    pub sampled: Vec<AuditorDrawn>,
    pub rule: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AuditorMarkStatus {
    Checked,
    Queried,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorMark {
    pub record: u32,
    pub status: AuditorMarkStatus,
    pub comment: String,
    pub auditor: String,
    /// RFC 3339, UTC, by the auditor's clock.
    pub at: String,
}

/// A mark to make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorMarkInput {
    pub record: u32,
    pub status: AuditorMarkStatus,
    pub comment: String,
    pub auditor: String,
}

/// The findings so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorFindings {
    pub sample: Option<AuditorSample>,
    pub marks: Vec<AuditorMark>,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditorExported {
    pub path: String,
    pub bytes: u32,
    /// The SHA-256 of the findings JSON written.
    pub findings_sha256: String,
}
