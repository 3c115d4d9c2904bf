//! `manifest.json` and the root hash.
//!
//! **Root hash:** the SHA-256 of the text of `SHA256SUMS`: one line `<sha256>  <path>\n` (two
//! spaces, as `sha256sum` writes them) for every file of the package except `manifest.json` and
//! `SHA256SUMS` themselves, sorted by path in byte order. So `sha256sum -c SHA256SUMS` checks
//! the files and `sha256sum SHA256SUMS` prints the root hash.

use std::collections::BTreeMap;

use scopebook_core::dataset::sha256_hex;
use serde::{Deserialize, Serialize};

use crate::layout;

/// The `format` of every manifest.
pub const FORMAT: &str = "scopebook-auditors-package/1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub scopebook_version: String,
    pub organisation: String,
    pub period: i32,
    /// How `root_hash` is computed, in words.
    pub root_hash_rule: String,
    pub root_hash: String,
    pub files: Vec<ManifestFile>,
}

pub const ROOT_HASH_RULE: &str = "SHA-256 of SHA256SUMS: one line '<sha256>  <path>' (two spaces, ending in a line feed) per file of the package except manifest.json and SHA256SUMS, sorted by path in byte order";

/// The `SHA256SUMS` text of `files` (path → SHA-256), which must not hold the manifest or itself.
pub fn sums_text(hashes: &BTreeMap<String, String>) -> String {
    let mut s = String::with_capacity(hashes.len() * 100);
    for (path, sha) in hashes {
        s.push_str(sha);
        s.push_str("  ");
        s.push_str(path);
        s.push('\n');
    }
    s
}

/// The root hash of files with these SHA-256s.
pub fn root_hash(hashes: &BTreeMap<String, String>) -> String {
    sha256_hex(sums_text(hashes).as_bytes())
}

/// Add `SHA256SUMS` and `manifest.json` to `files`; returns the root hash.
pub fn seal(files: &mut BTreeMap<String, Vec<u8>>, organisation: &str, period: i32) -> String {
    files.remove(layout::MANIFEST);
    files.remove(layout::SUMS);
    let hashes: BTreeMap<String, String> = files.iter().map(|(p, b)| (p.clone(), sha256_hex(b))).collect();
    let root = root_hash(&hashes);
    let manifest = Manifest {
        format: FORMAT.to_string(),
        scopebook_version: scopebook_core::ENGINE_VERSION.to_string(),
        organisation: organisation.to_string(),
        period,
        root_hash_rule: ROOT_HASH_RULE.to_string(),
        root_hash: root.clone(),
        files: files
            .iter()
            .map(|(p, b)| ManifestFile {
                path: p.clone(),
                sha256: hashes.get(p).cloned().unwrap_or_default(),
                bytes: u64::try_from(b.len()).unwrap_or(u64::MAX),
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    json.push('\n');
    files.insert(layout::SUMS.to_string(), sums_text(&hashes).into_bytes());
    files.insert(layout::MANIFEST.to_string(), json.into_bytes());
    root
}
