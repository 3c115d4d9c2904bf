//! The ZIP container: written deterministically, read defensively.
//!
//! **Written:** entries sorted by name, each deflated at one fixed level, dated 1980-01-01 00:00
//! (the earliest a ZIP date can say), permissions `0644`, no directories, no comment, no extra
//! fields. The same files give the same bytes on every machine and run.
//!
//! **Read:** a package is user data from anywhere. Before any entry is inflated, every name is
//! checked (relative, `/`-separated, no `..`, no drive letter or backslash, no control
//! characters, no duplicates), symbolic links and other special entries are refused, and the
//! declared sizes are checked against the limits below (the import reader's zip-bomb limits,
//! decision 0012). Declared sizes can lie, so each entry is then inflated through a counter that
//! stops one byte past its declared size and past the total limit.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// The most a package may inflate to, in total.
pub const MAX_UNCOMPRESSED: u64 = 1 << 30;
/// The largest package file read.
pub const MAX_PACKAGE_BYTES: u64 = 1 << 30;
/// Entries larger than this must not inflate by more than [`MAX_RATIO`] times.
pub const RATIO_MIN_SIZE: u64 = 10 * 1024 * 1024;
pub const MAX_RATIO: u64 = 100;
/// The most entries a package may have.
pub const MAX_ENTRIES: usize = 10_000;

/// Why a package's container was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveError {
    /// Not a ZIP file, or a damaged one.
    NotZip(String),
    /// An entry whose name or kind a package never has (path traversal, absolute path, link).
    UnsafeEntry { name: String, reason: &'static str },
    /// Over a size, ratio or count limit.
    TooLarge(String),
}

/// Files at least this large are deflated once when another file has the same bytes.
const DEDUPLICATE_FROM: usize = 1 << 20;

/// Write `files` (path → bytes) as a deterministic ZIP.
pub fn write(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>, String> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = entry_options();
    // A large file with the same bytes as one written before it (a locked period's
    // `snapshot/report.json` is `results/report.json`) is deflated once and its compressed
    // bytes copied: the same options deflate the same bytes to the same bytes, so the ZIP is
    // unchanged.
    let mut large: Vec<(&str, &[u8])> = Vec::new();
    for (name, bytes) in files {
        if bytes.len() >= DEDUPLICATE_FROM {
            if let Some((first, _)) = large.iter().find(|(_, b)| *b == bytes.as_slice()) {
                zip.deep_copy_file(first, name).map_err(|e| format!("{name}: {e}"))?;
                continue;
            }
            large.push((name.as_str(), bytes.as_slice()));
        }
        zip.start_file(name.as_str(), options).map_err(|e| format!("{name}: {e}"))?;
        zip.write_all(bytes).map_err(|e| format!("{name}: {e}"))?;
    }
    zip.finish().map(Cursor::into_inner).map_err(|e| e.to_string())
}

/// Every entry's options: deflated at level 6, dated 1980-01-01 00:00, permissions `0644`.
fn entry_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .large_file(false)
}

/// Why `name` is not a safe package path; `None` when it is.
pub fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("it has an empty name");
    }
    if name.starts_with('/') {
        return Some("it is an absolute path");
    }
    if name.contains('\\') {
        return Some("it contains a backslash (a Windows path separator)");
    }
    if name.chars().any(char::is_control) {
        return Some("it contains a control character");
    }
    if name.len() >= 2 && name.as_bytes().get(1) == Some(&b':') {
        return Some("it starts with a drive letter");
    }
    for part in name.split('/') {
        match part {
            ".." => return Some("it climbs out of the package's folder (..)"),
            "" | "." => return Some("it has an empty or '.' path component"),
            _ => {}
        }
    }
    None
}

/// Read every file of a package, refusing anything unsafe before inflating a byte.
pub fn read(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, ArchiveError> {
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_PACKAGE_BYTES {
        return Err(ArchiveError::TooLarge(format!("the file is over the limit of {}", human(MAX_PACKAGE_BYTES))));
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(ArchiveError::TooLarge(format!("it has {} entries (limit {MAX_ENTRIES})", archive.len())));
    }
    let mut total: u64 = 0;
    let mut declared = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
        let name = entry.name().to_string();
        if let Some(reason) = unsafe_name(&name) {
            return Err(ArchiveError::UnsafeEntry { name, reason });
        }
        if entry.is_symlink() {
            return Err(ArchiveError::UnsafeEntry { name, reason: "it is a symbolic link" });
        }
        if entry.is_dir() {
            return Err(ArchiveError::UnsafeEntry {
                name,
                reason: "it is a folder entry (a package holds files only)",
            });
        }
        if let Some(mode) = entry.unix_mode() {
            // Only regular files (or no file type at all, as some writers leave it).
            let kind = mode & 0o170000;
            if kind != 0 && kind != 0o100000 {
                return Err(ArchiveError::UnsafeEntry { name, reason: "it is not a regular file" });
            }
        }
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        if size > RATIO_MIN_SIZE && size / packed > MAX_RATIO {
            return Err(ArchiveError::TooLarge(format!(
                "its entry \"{name}\" would inflate from {} to {} (more than {MAX_RATIO} times)",
                human(packed),
                human(size)
            )));
        }
        total = total.saturating_add(size);
        declared.push((name, size));
    }
    if total > MAX_UNCOMPRESSED {
        return Err(ArchiveError::TooLarge(format!(
            "it would inflate to {} (limit {})",
            human(total),
            human(MAX_UNCOMPRESSED)
        )));
    }
    let mut files = BTreeMap::new();
    let mut inflated: u64 = 0;
    for (i, (name, size)) in declared.into_iter().enumerate() {
        let entry = archive.by_index(i).map_err(|e| ArchiveError::NotZip(format!("{name}: {e}")))?;
        let mut out = Vec::with_capacity(usize::try_from(size.min(1 << 24)).unwrap_or(0));
        entry
            .take(size.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| ArchiveError::NotZip(format!("{name}: {e}")))?;
        let got = u64::try_from(out.len()).unwrap_or(u64::MAX);
        if got > size {
            return Err(ArchiveError::TooLarge(format!(
                "its entry \"{name}\" inflates past the {} its header declares",
                human(size)
            )));
        }
        inflated = inflated.saturating_add(got);
        if inflated > MAX_UNCOMPRESSED {
            return Err(ArchiveError::TooLarge(format!("it inflates past {}", human(MAX_UNCOMPRESSED))));
        }
        if files.insert(name.clone(), out).is_some() {
            return Err(ArchiveError::UnsafeEntry { name, reason: "the name appears twice" });
        }
    }
    Ok(files)
}

/// A byte count for a message: `64 MiB`, `12 KiB`, `300 bytes`.
pub fn human(n: u64) -> String {
    if n >= 1 << 30 {
        format!("{} GiB", n >> 30)
    } else if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &[u8])]) -> BTreeMap<String, Vec<u8>> {
        list.iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect()
    }

    #[test]
    fn the_same_files_give_the_same_bytes_and_read_back() {
        let f = files(&[("b.txt", b"two"), ("a/x.csv", b"one,1\n")]);
        let one = write(&f).unwrap();
        let two = write(&f.clone()).unwrap();
        assert_eq!(one, two);
        assert_eq!(read(&one).unwrap(), f);
    }

    #[test]
    fn a_large_file_written_twice_is_deflated_once_with_the_same_bytes() {
        // Issue 13: the copy of the first one's deflated bytes gives the ZIP deflating both makes.
        let big: Vec<u8> = (0..(3u32 << 20)).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let f = files(&[("results/report.json", &big), ("snapshot/report.json", &big), ("z.txt", b"z")]);
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in &f {
            zip.start_file(name.as_str(), entry_options()).unwrap();
            zip.write_all(bytes).unwrap();
        }
        let each_deflated = zip.finish().unwrap().into_inner();
        let written = write(&f).unwrap();
        assert!(written == each_deflated, "the copied entry changed the ZIP's bytes");
        assert_eq!(read(&written).unwrap(), f);
    }

    #[test]
    fn unsafe_names_are_named() {
        for bad in ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\b", "a//b", "./a", "", "a\nb"] {
            assert!(unsafe_name(bad).is_some(), "{bad:?} passed");
        }
        for good in ["manifest.json", "factors/cn-grid/2022/factors.csv", "a..b/c"] {
            assert_eq!(unsafe_name(good), None, "{good:?} refused");
        }
    }

    #[test]
    fn traversal_links_and_bombs_are_refused_before_inflating() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let o = SimpleFileOptions::default();
        zip.start_file("../evil.sh", o).unwrap();
        zip.write_all(b"rm -rf ~").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(matches!(read(&bytes), Err(ArchiveError::UnsafeEntry { name, .. }) if name == "../evil.sh"));

        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.add_symlink("data", "/etc", o).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(matches!(read(&bytes), Err(ArchiveError::UnsafeEntry { reason: "it is a symbolic link", .. })));

        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("zeros.csv", o.compression_method(CompressionMethod::Deflated)).unwrap();
        zip.write_all(&vec![0u8; 32 << 20]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(matches!(read(&bytes), Err(ArchiveError::TooLarge(m)) if m.contains("zeros.csv")), "ratio");

        assert!(matches!(read(b"not a zip at all"), Err(ArchiveError::NotZip(_))));
    }
}
