//! Dataset editions: metadata, checksums, and the shipped datasets compiled into the library.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Code, Diagnostic, Location};

mod shipped {
    include!(concat!(env!("OUT_DIR"), "/shipped.rs"));
}

/// The files under `emission-factors/`, embedded at build time: (path relative to that folder
/// with `/` separators, bytes).
pub fn shipped_files() -> &'static [(&'static str, &'static [u8])] {
    shipped::SHIPPED_FILES
}

/// A dataset edition's `dataset.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetMeta {
    pub id: String,
    pub edition: String,
    pub title: String,
    pub publisher: String,
    pub region: String,
    pub licence: String,
    pub source_url: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// For a user dataset: the document that backs its figures.
    #[serde(default)]
    pub evidence: Option<String>,
    /// `false` when the licence forbids passing the factor file on: an auditor's package then
    /// carries its SHA-256 and reference only, and verification reports its lines as withheld.
    /// Absent means it may be redistributed (every shipped dataset may).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redistributable: Option<bool>,
    /// The year whose money a spend factor is per (USEEIO v1.3: 2022 US dollars): a line's money
    /// of another year is deflated to it with the line's price index (decision 0035).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_year: Option<i32>,
    /// File names and their SHA-256: `factors` + `sha256`, or for the GWP folder `gwp100` +
    /// `gwp100_sha256` and `blends` + `blends_sha256`.
    pub files: BTreeMap<String, String>,
}

impl DatasetMeta {
    pub fn parse(file: &str, text: &str) -> Result<DatasetMeta, Diagnostic> {
        let meta: DatasetMeta = toml::from_str(text).map_err(|e| {
            let location = match e.span() {
                Some(span) => Location::row(file, text[..span.start.min(text.len())].matches('\n').count() as u64 + 1),
                None => Location::file(file),
            };
            Diagnostic::error(Code::InvalidMetadata, location, e.message().replace('`', "'"))
        })?;
        for (key, value) in [
            ("id", &meta.id),
            ("edition", &meta.edition),
            ("title", &meta.title),
            ("publisher", &meta.publisher),
            ("licence", &meta.licence),
            ("source_url", &meta.source_url),
        ] {
            if value.trim().is_empty() {
                return Err(Diagnostic::error(
                    Code::InvalidMetadata,
                    Location::file(file),
                    format!("'{key}' is empty"),
                ));
            }
        }
        Ok(meta)
    }

    /// The file named under `[files] key`, and the checksum under `checksum_key`.
    pub fn file_and_checksum(&self, key: &str, checksum_key: &str) -> Option<(&str, &str)> {
        Some((self.files.get(key)?.as_str(), self.files.get(checksum_key)?.as_str()))
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    s
}

/// Check `bytes` against the checksum recorded for them.
pub fn verify_checksum(file: &str, bytes: &[u8], expected: &str) -> Result<String, Diagnostic> {
    let actual = sha256_hex(bytes);
    if actual == expected.trim().to_ascii_lowercase() {
        Ok(actual)
    } else {
        Err(Diagnostic::error(
            Code::ChecksumMismatch,
            Location::file(file),
            format!(
                "its SHA-256 is {actual} but dataset.toml records {}: the file changed after its checksum was recorded (restore it, or if the change is intended, update [files] in dataset.toml)",
                expected.trim()
            ),
        ))
    }
}
