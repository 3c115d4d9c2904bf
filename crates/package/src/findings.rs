//! The auditor's findings (decision 0042): per line, checked or queried with a comment, who and
//! when; the sample drawn; written as JSON (the sidecar the app saves on every mark, and the
//! package's `findings/findings.json`), as a workbook, and into a copy of the package.
//!
//! **Into the package:** a NEW zip holds the original package's files unchanged plus
//! `findings/findings.json`, `findings/findings.xlsx` and `findings/manifest.json`, which records
//! the SHA-256 of both and the ORIGINAL root hash they refer to. The original `manifest.json`,
//! `SHA256SUMS` and root hash are untouched and stay valid: `verify` checks the package's own
//! files as before, ignoring `findings/`, and then checks the findings folder on its own
//! ([`check_in_package`]): every file against the findings manifest, nothing added, and the
//! root hash they refer to equal to the package's.

use std::collections::{BTreeMap, BTreeSet};

use scopebook_core::dataset::sha256_hex;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_report::findings::{findings_xlsx, Cell, TableSheet};
use serde::{Deserialize, Serialize};

use crate::archive;
use crate::audit_view::AuditView;
use crate::sample::Sample;

/// The `format` of every findings file.
pub const FORMAT: &str = "scopebook-auditors-findings/1";
/// The folder findings go in, inside a package.
pub const FOLDER: &str = "findings/";
pub const FINDINGS_JSON: &str = "findings/findings.json";
pub const FINDINGS_XLSX: &str = "findings/findings.xlsx";
pub const FINDINGS_MANIFEST: &str = "findings/manifest.json";

/// What the auditor found of one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkStatus {
    /// Checked and agreed.
    Checked,
    /// Questioned: the comment says why.
    Queried,
}

impl MarkStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkStatus::Checked => "checked",
            MarkStatus::Queried => "queried",
        }
    }
}

/// One line's mark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub record: u64,
    pub status: MarkStatus,
    pub comment: String,
    /// The auditor's name as typed.
    pub auditor: String,
    /// When, by the auditor's machine clock (RFC 3339, UTC): the auditor's record, not the inventory's.
    pub at: String,
}

/// An auditor's findings on one package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Findings {
    pub format: String,
    /// The root hash of the package the findings are about.
    pub package_root_hash: String,
    pub organisation: String,
    pub period: Option<i64>,
    /// The last sample drawn, with its rule.
    pub sample: Option<Sample>,
    /// One mark a line, by record id.
    pub marks: Vec<Mark>,
}

/// What the findings folder of a package holds (`findings/manifest.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsManifest {
    pub format: String,
    /// The root hash of the package's own files (its `manifest.json`), which the findings are about.
    pub package_root_hash: String,
    /// Each findings file (but this manifest): path → SHA-256.
    pub files: BTreeMap<String, String>,
}

/// A package's findings folder, as `verify` found it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingsCheck {
    pub files: usize,
    pub marks: usize,
    pub checked: usize,
    pub queried: usize,
    pub sampled: usize,
    pub in_full: usize,
    /// Whether every file matched its SHA-256 and the root hash the findings refer to is the package's.
    pub intact: bool,
}

fn bad(file: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Code::WrongFileType, Location::file(file), message)
}

impl Findings {
    /// Empty findings on `view`'s package.
    pub fn new(view: &AuditView) -> Findings {
        Findings {
            format: FORMAT.to_string(),
            package_root_hash: view.root_hash.clone(),
            organisation: view.organisation.clone(),
            period: view.period,
            sample: None,
            marks: Vec::new(),
        }
    }

    /// Mark record `record` of `view` (replacing its earlier mark). A record the package has no
    /// line of, or an empty auditor name, is refused and changes nothing.
    pub fn mark(&mut self, view: &AuditView, mark: Mark) -> Result<(), Diagnostic> {
        if !view.has_record(mark.record) {
            return Err(Diagnostic::error(
                Code::UnknownRecord,
                Location::file("record"),
                format!("the package has no line of record {}", mark.record),
            ));
        }
        if mark.auditor.trim().is_empty() {
            return Err(Diagnostic::error(
                Code::MissingValue,
                Location::file("auditor"),
                "type your name: every finding says who made it",
            ));
        }
        if mark.status == MarkStatus::Queried && mark.comment.trim().is_empty() {
            return Err(Diagnostic::error(
                Code::MissingValue,
                Location::file("comment"),
                "a query needs a comment saying what is questioned",
            ));
        }
        self.marks.retain(|m| m.record != mark.record);
        self.marks.push(mark);
        self.marks.sort_by_key(|m| m.record);
        Ok(())
    }

    /// Remove record `record`'s mark; whether it had one.
    pub fn unmark(&mut self, record: u64) -> bool {
        let before = self.marks.len();
        self.marks.retain(|m| m.record != record);
        before != self.marks.len()
    }

    /// The findings as JSON (pretty, keys in a fixed order, ending in a line feed).
    pub fn to_json(&self) -> Vec<u8> {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s.into_bytes()
    }

    /// Findings read from `bytes` (a sidecar or `findings/findings.json`) named `file`, which
    /// must be about the package of `root_hash`.
    pub fn from_json(file: &str, bytes: &[u8], root_hash: &str) -> Result<Findings, Diagnostic> {
        let f: Findings =
            serde_json::from_slice(bytes).map_err(|e| bad(file, format!("not an auditor's findings file: {e}")))?;
        if f.format != FORMAT {
            return Err(bad(file, format!("the findings format is '{}'; this Scopebook reads '{FORMAT}'", f.format)));
        }
        if f.package_root_hash != root_hash {
            return Err(Diagnostic::error(
                Code::ChecksumMismatch,
                Location::file(file),
                format!(
                    "these findings are about the package of root hash {}, not this one ({root_hash}); move the file away to start new findings",
                    f.package_root_hash
                ),
            ));
        }
        Ok(f)
    }

    /// The findings workbook: the marks (with each line's facility, activity and emissions from
    /// `view`), the sample's parameters and lines, and a summary; headers in English and Chinese.
    pub fn to_xlsx(&self, view: &AuditView) -> Result<Vec<u8>, Diagnostic> {
        let t = |s: &str| Cell::Text(s.to_string());
        let header = |h: &[&str]| h.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        let mut marks = Vec::with_capacity(self.marks.len());
        for m in &self.marks {
            let s = view.summary(m.record);
            marks.push(vec![
                Cell::Text(m.record.to_string()),
                t(s.map_or("", |s| s.facility.as_str())),
                t(s.map_or("", |s| s.activity.as_str())),
                t(s.map_or("", |s| s.co2e_kg.as_str())),
                t(drawn_as(self.sample.as_ref(), m.record)),
                t(m.status.as_str()),
                t(&m.comment),
                t(&m.auditor),
                t(&m.at),
            ]);
        }
        let mut params = vec![
            vec![t("Package root hash 数据包根哈希"), t(&self.package_root_hash)],
            vec![t("Organisation 组织"), t(&self.organisation)],
            vec![t("Period 报告期"), Cell::Text(self.period.map_or_else(String::new, |p| p.to_string()))],
        ];
        let mut drawn = Vec::new();
        if let Some(s) = &self.sample {
            for (k, v) in [
                ("Phrase 短语", s.phrase.clone()),
                ("Seed 种子", s.seed.clone()),
                ("Materiality % 重要性水平 %", s.materiality_percent.clone()),
                ("Total kg CO2e 排放总量", s.total_co2e_kg.clone()),
                ("In-full threshold kg CO2e 全查阈值", s.threshold_co2e_kg.clone()),
                ("Sample size 样本量", s.size.to_string()),
                ("Lines 明细行数", s.lines.to_string()),
                ("Rule 规则", s.rule.clone()),
            ] {
                params.push(vec![t(k), Cell::Text(v)]);
            }
            for (how, list) in [("in full 全查", &s.in_full), ("sampled 抽样", &s.sampled)] {
                for d in list {
                    drawn.push(vec![Cell::Text(d.record.to_string()), t(how), t(&d.co2e_kg), t(&d.rank_key)]);
                }
            }
        }
        let count = |st: MarkStatus| self.marks.iter().filter(|m| m.status == st).count();
        let summary = vec![
            vec![t("Lines in the package 数据包明细行"), Cell::Text(view.line_count().to_string())],
            vec![t("Drawn in full 全查"), Cell::Text(self.sample.as_ref().map_or(0, |s| s.in_full.len()).to_string())],
            vec![t("Drawn by sample 抽样"), Cell::Text(self.sample.as_ref().map_or(0, |s| s.size).to_string())],
            vec![t("Checked 已核对"), Cell::Text(count(MarkStatus::Checked).to_string())],
            vec![t("Queried 有疑问"), Cell::Text(count(MarkStatus::Queried).to_string())],
            vec![t("Package verified 数据包校验通过"), t(if view.verification.verified { "yes 是" } else { "NO 否" })],
        ];
        let sheets = vec![
            TableSheet {
                name: "Findings 审核发现".into(),
                header: header(&[
                    "Record 记录",
                    "Facility 设施",
                    "Activity 活动",
                    "kg CO2e 排放量",
                    "Drawn 抽取方式",
                    "Status 状态",
                    "Comment 意见",
                    "Auditor 审核员",
                    "At 时间",
                ]),
                rows: marks,
            },
            TableSheet {
                name: "Sample 抽样参数".into(),
                header: header(&["Parameter 参数", "Value 值"]),
                rows: params,
            },
            TableSheet {
                name: "Drawn 抽取明细".into(),
                header: header(&["Record 记录", "Drawn 抽取方式", "kg CO2e 排放量", "Rank key 排序键"]),
                rows: drawn,
            },
            TableSheet { name: "Summary 汇总".into(), header: header(&["Item 项目", "Value 值"]), rows: summary },
        ];
        let title = format!("Auditor's findings 审核发现 — {} {}", self.organisation, self.period.unwrap_or_default());
        findings_xlsx(&title, &sheets).map_err(|e| bad("findings.xlsx", e.to_string()))
    }
}

fn drawn_as(sample: Option<&Sample>, record: u64) -> &'static str {
    match sample {
        Some(s) if s.in_full.iter().any(|d| d.record == record) => "in full 全查",
        Some(s) if s.sampled.iter().any(|d| d.record == record) => "sampled 抽样",
        _ => "not drawn 未抽取",
    }
}

/// A new package: `package` (the original's bytes) with its files unchanged and the findings
/// folder written (any findings folder it had is replaced). The findings must be about it.
pub fn into_package(package: &[u8], findings: &Findings, xlsx: &[u8]) -> Result<Vec<u8>, Diagnostic> {
    let mut files = archive::read(package).map_err(|_| bad("package", "the package is not a readable ZIP"))?;
    let manifest: crate::Manifest = files
        .get(crate::layout::MANIFEST)
        .and_then(|b| serde_json::from_slice(b).ok())
        .ok_or_else(|| bad(crate::layout::MANIFEST, "the package has no readable manifest"))?;
    if manifest.root_hash != findings.package_root_hash {
        return Err(Diagnostic::error(
            Code::ChecksumMismatch,
            Location::file(crate::layout::MANIFEST),
            format!(
                "the findings are about the package of root hash {}, but this package's is {}",
                findings.package_root_hash, manifest.root_hash
            ),
        ));
    }
    files.retain(|p, _| !p.starts_with(FOLDER));
    let json = findings.to_json();
    let mut hashes = BTreeMap::new();
    hashes.insert(FINDINGS_JSON.to_string(), sha256_hex(&json));
    hashes.insert(FINDINGS_XLSX.to_string(), sha256_hex(xlsx));
    let fm =
        FindingsManifest { format: FORMAT.to_string(), package_root_hash: manifest.root_hash.clone(), files: hashes };
    let mut fm_json = serde_json::to_string_pretty(&fm).unwrap_or_default();
    fm_json.push('\n');
    files.insert(FINDINGS_JSON.to_string(), json);
    files.insert(FINDINGS_XLSX.to_string(), xlsx.to_vec());
    files.insert(FINDINGS_MANIFEST.to_string(), fm_json.into_bytes());
    archive::write(&files).map_err(|e| bad("package", e))
}

/// Check a package's findings folder (`files` are its paths under [`FOLDER`]) against its
/// findings manifest and the package's `root_hash`; each problem is pushed to `findings`.
pub fn check_in_package(
    files: &BTreeMap<String, Vec<u8>>,
    root_hash: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<FindingsCheck> {
    let present: BTreeSet<&String> = files.keys().filter(|p| p.starts_with(FOLDER)).collect();
    if present.is_empty() {
        return None;
    }
    let before = problems.len();
    let mut check = FindingsCheck { files: present.len(), ..FindingsCheck::default() };
    let mismatch = |path: &str, m: String| Diagnostic::error(Code::ChecksumMismatch, Location::file(path), m);
    let fm: Option<FindingsManifest> = files.get(FINDINGS_MANIFEST).and_then(|b| serde_json::from_slice(b).ok());
    let Some(fm) = fm else {
        problems.push(mismatch(FINDINGS_MANIFEST, "the findings folder has no readable findings manifest".into()));
        return Some(check);
    };
    if fm.package_root_hash != root_hash {
        problems.push(mismatch(
            FINDINGS_MANIFEST,
            format!(
                "the findings refer to the package of root hash {}, not this one ({root_hash})",
                fm.package_root_hash
            ),
        ));
    }
    for (path, sha) in &fm.files {
        match files.get(path) {
            None => problems.push(mismatch(path, "listed in the findings manifest but missing".into())),
            Some(b) if sha256_hex(b) != *sha => problems.push(mismatch(
                path,
                format!("its SHA-256 is {} but the findings manifest records {sha}: the findings were changed after they were written", sha256_hex(b)),
            )),
            Some(_) => {}
        }
    }
    for path in present.iter().filter(|p| p.as_str() != FINDINGS_MANIFEST && !fm.files.contains_key(p.as_str())) {
        problems.push(mismatch(
            path,
            "the file is in the findings folder but not in its manifest: it was added afterwards".into(),
        ));
    }
    match files.get(FINDINGS_JSON).map(|b| Findings::from_json(FINDINGS_JSON, b, root_hash)) {
        Some(Ok(f)) => {
            check.marks = f.marks.len();
            check.checked = f.marks.iter().filter(|m| m.status == MarkStatus::Checked).count();
            check.queried = check.marks - check.checked;
            check.sampled = f.sample.as_ref().map_or(0, |s| s.sampled.len());
            check.in_full = f.sample.as_ref().map_or(0, |s| s.in_full.len());
        }
        Some(Err(d)) => problems.push(d),
        None => problems.push(mismatch(FINDINGS_JSON, "the findings folder lacks its findings".into())),
    }
    check.intact = problems.len() == before;
    Some(check)
}

/// The RFC 3339 UTC text (seconds) of `secs` seconds after 1970-01-01T00:00:00Z: the time of a
/// mark, from the clock the shell reads (this crate reads none).
pub fn utc_text(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3_600, rem % 3_600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::utc_text;

    #[test]
    fn utc_text_is_the_calendar_date() {
        assert_eq!(utc_text(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_text(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_text(1_796_432_461), "2026-12-05T01:01:01Z");
    }
}
