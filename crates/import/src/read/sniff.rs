//! What a file really is, from its first bytes; and the ZIP bomb check for xlsx/ods.

use std::io::{Cursor, Read};

use super::{human_size, Format, ReadError, ReadErrorCode};

/// Sum of the uncompressed sizes of a workbook's ZIP entries above which it is refused.
pub(super) const MAX_UNCOMPRESSED: u64 = 1 << 30;
/// An entry larger than this whose compression ratio exceeds [`MAX_RATIO`] is refused.
pub(super) const RATIO_MIN_SIZE: u64 = 10 * 1024 * 1024;
pub(super) const MAX_RATIO: u64 = 100;
/// More entries than this is not a spreadsheet.
const MAX_ENTRIES: usize = 10_000;
/// The most cells a worksheet's used area may span. Calamine allocates the whole rectangle from
/// the first to the last cell, so two cells at A1 and XFD1048576 would ask for 17 billion.
/// 50 million is 2,500,000 rows of 20 columns.
pub(super) const MAX_SPAN_CELLS: u64 = 50_000_000;

const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The format of `bytes`. `encoding` is the user's CSV encoding, which allows NUL bytes
/// (UTF-16 without a BOM).
pub(super) fn detect(name: &str, bytes: &[u8], encoding: Option<&str>) -> Result<Format, ReadError> {
    let not = |what: &str, advice: &str| {
        ReadError::new(
            name,
            ReadErrorCode::NotThisFormat,
            format!("this is {what}, not a CSV file or a spreadsheet{advice}"),
        )
    };
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return inspect_zip(name, bytes);
    }
    if bytes.starts_with(OLE2) {
        if contains_utf16(bytes, "EncryptedPackage") {
            return Err(ReadError::new(
                name,
                ReadErrorCode::Encrypted,
                "the workbook is password-protected; open it in Excel, remove the password and save it again",
            ));
        }
        super::ole::check(name, bytes)?;
        return Ok(Format::Xls);
    }
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"Rar!", "a RAR archive"),
        (b"\x7FELF", "a program"),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"{\\rtf", "an RTF document"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Err(not(what, ""));
        }
    }
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head: Vec<u8> =
        start.iter().skip_while(|b| b.is_ascii_whitespace()).take(16).map(u8::to_ascii_lowercase).collect();
    if head.starts_with(b"<!doctype html") || head.starts_with(b"<html") || head.starts_with(b"<table") {
        return Err(not(
            "an HTML page",
            " (some systems save \"Excel\" exports as HTML); open it in Excel, save it as .xlsx or .csv and import that",
        ));
    }
    if head.starts_with(b"<?xml") {
        return Err(not(
            "an XML file",
            " (perhaps an \"XML Spreadsheet 2003\"); open it in Excel, save it as .xlsx and import that",
        ));
    }
    let utf16_bom = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    let head = bytes.get(..8192).unwrap_or(bytes);
    if !utf16_bom && encoding.is_none() && head.contains(&0) {
        return Err(not(
            "a binary file (it contains NUL bytes)",
            "; if it is UTF-16 text without a byte-order mark, give its encoding (--encoding utf-16le)",
        ));
    }
    Ok(Format::Csv)
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    memchr::memmem::find(bytes, &pattern).is_some()
}

fn zip_error(name: &str, e: impl std::fmt::Display) -> ReadError {
    ReadError::new(
        name,
        ReadErrorCode::Malformed,
        format!("the file is a damaged ZIP container (as .xlsx and .ods files are): {e}"),
    )
}

/// Check a ZIP container before calamine sees it, and say whether it is an xlsx or an ods.
///
/// Declared sizes are checked first (total and ratio). They can lie, so every entry is then
/// inflated into nothing, stopping one byte past its declared size: an entry that goes past it is
/// refused. Calamine therefore never inflates more than [`MAX_UNCOMPRESSED`] bytes.
fn inspect_zip(name: &str, bytes: &[u8]) -> Result<Format, ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| zip_error(name, e))?;
    if archive.len() > MAX_ENTRIES {
        return Err(bomb(name, format!("it has {} entries", archive.len())));
    }
    let mut total: u64 = 0;
    let mut declared = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| zip_error(name, e))?;
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        if size > RATIO_MIN_SIZE && size / packed > MAX_RATIO {
            return Err(bomb(
                name,
                format!(
                    "its entry \"{}\" would inflate from {} to {}",
                    entry.name(),
                    human_size(packed),
                    human_size(size)
                ),
            ));
        }
        total = total.saturating_add(size);
        declared.push(size);
    }
    if total > MAX_UNCOMPRESSED {
        return Err(bomb(
            name,
            format!("it would inflate to {} (limit {})", human_size(total), human_size(MAX_UNCOMPRESSED)),
        ));
    }

    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    let format = if has("mimetype") {
        let mut mime = Vec::new();
        let entry = archive.by_name("mimetype").map_err(|e| zip_error(name, e))?;
        entry.take(200).read_to_end(&mut mime).map_err(|e| zip_error(name, e))?;
        if mime.trim_ascii() == ODS_MIME {
            Format::Ods
        } else {
            let mime = String::from_utf8_lossy(&mime).into_owned();
            return Err(ReadError::new(
                name,
                ReadErrorCode::NotThisFormat,
                format!("this is an OpenDocument file of type \"{}\", not a spreadsheet", mime.trim()),
            ));
        }
    } else if has("xl/workbook.xml") {
        Format::Xlsx
    } else {
        let what = if has("xl/workbook.bin") {
            "an Excel binary workbook (.xlsb), which is not supported; save it as .xlsx"
        } else if has("word/document.xml") {
            "a Word document"
        } else if has("ppt/presentation.xml") {
            "a PowerPoint presentation"
        } else {
            "a ZIP archive"
        };
        return Err(ReadError::new(
            name,
            ReadErrorCode::NotThisFormat,
            format!("this is {what}, not a CSV file or a spreadsheet"),
        ));
    };

    for (i, size) in declared.into_iter().enumerate() {
        let entry = archive.by_index(i).map_err(|e| zip_error(name, e))?;
        let entry_name = entry.name().to_owned();
        let is_sheet =
            format == Format::Xlsx && entry_name.starts_with("xl/worksheets/") && entry_name.ends_with(".xml");
        let mut span = CellSpan::default();
        let inflated = if is_sheet {
            std::io::copy(&mut entry.take(size.saturating_add(1)), &mut span)
        } else {
            std::io::copy(&mut entry.take(size.saturating_add(1)), &mut std::io::sink())
        }
        .map_err(|e| zip_error(name, e))?;
        if let Some((rows, cols)) = span.extent() {
            if rows.saturating_mul(cols) > MAX_SPAN_CELLS {
                return Err(bomb(
                    name,
                    format!(
                        "its sheet \"{entry_name}\" spans {rows} rows by {cols} columns ({} cells; the limit is {MAX_SPAN_CELLS})",
                        rows.saturating_mul(cols)
                    ),
                ));
            }
        }
        if inflated > size {
            return Err(bomb(
                name,
                format!("its entry \"{entry_name}\" inflates to more than the {} it declares", human_size(size)),
            ));
        }
    }
    Ok(format)
}

/// The rows and columns a worksheet's XML spans, from its `<row r="…">` and `<c r="…">`
/// references, read as the XML streams past (a reference may straddle two writes).
#[derive(Default)]
struct CellSpan {
    /// The end of the previous write, so that a reference cut in two is still seen.
    carry: Vec<u8>,
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
}

impl CellSpan {
    fn extent(&self) -> Option<(u64, u64)> {
        let (r0, r1) = self.rows?;
        let cols = self.cols.map_or(1, |(c0, c1)| c1 - c0 + 1);
        Some((r1 - r0 + 1, cols))
    }

    fn widen(range: &mut Option<(u64, u64)>, v: u64) {
        *range = Some(match *range {
            None => (v, v),
            Some((lo, hi)) => (lo.min(v), hi.max(v)),
        });
    }

    fn scan(&mut self, buf: &[u8]) {
        for (tag, is_cell) in [(&b"<row r=\""[..], false), (&b"<c r=\""[..], true)] {
            for at in memchr::memmem::find_iter(buf, tag) {
                let rest = buf.get(at + tag.len()..).unwrap_or(&[]);
                let Some(end) = rest.iter().position(|&b| b == b'"') else { continue };
                let r = rest.get(..end).unwrap_or(&[]);
                let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
                let (col, row) = r.split_at(letters);
                let Some(row) = std::str::from_utf8(row).ok().and_then(|t| t.parse::<u64>().ok()) else { continue };
                Self::widen(&mut self.rows, row);
                if is_cell && !col.is_empty() && col.len() <= 3 {
                    let c = col.iter().fold(0u64, |n, b| n * 26 + u64::from(b - b'A' + 1));
                    Self::widen(&mut self.cols, c);
                }
            }
        }
    }
}

impl std::io::Write for CellSpan {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        // A reference is at most `<row r="1048576"` (18 bytes): the last 31 bytes are scanned
        // again with the next write, so that a reference cut in two is seen whole. Widening is
        // idempotent, and a reference without its closing quote is skipped, so nothing counts
        // twice or wrong.
        let mut buf = std::mem::take(&mut self.carry);
        buf.extend_from_slice(data);
        self.scan(&buf);
        self.carry = buf.get(buf.len().saturating_sub(31)..).unwrap_or(&[]).to_vec();
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn bomb(name: &str, why: String) -> ReadError {
    ReadError::new(
        name,
        ReadErrorCode::ZipBomb,
        format!("refused: {why}; this is not an ordinary spreadsheet (it may be a \"zip bomb\")"),
    )
}

#[cfg(test)]
mod span_tests {
    #![allow(clippy::unwrap_used)]
    use std::io::Write as _;

    use super::CellSpan;

    /// The extent is the same however the XML is cut into writes.
    #[test]
    fn references_cut_between_writes_are_seen_whole() {
        let xml = br#"<sheetData><row r="3"><c r="B3" t="s"><v>0</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#;
        let mut whole = CellSpan::default();
        whole.write_all(xml).unwrap();
        assert_eq!(whole.extent(), Some((1_048_574, 16_383)));
        for chunk in [1, 2, 5, 7, 13, 31, 32] {
            let mut span = CellSpan::default();
            for piece in xml.chunks(chunk) {
                span.write_all(piece).unwrap();
            }
            assert_eq!(span.extent(), whole.extent(), "pieces of {chunk} bytes");
        }
    }
}
