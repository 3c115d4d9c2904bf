//! CSV: encoding, delimiter, records.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use super::{Cell, Format, Grid, ReadError, ReadErrorCode, ReadOptions, Row};

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

pub(super) fn read_csv(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Grid, ReadError> {
    let (text, encoding) = decode(name, bytes, opts.encoding.as_deref())?;
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None => sniff_delimiter(text.as_bytes()),
    };
    let rows = records(name, text.as_bytes(), delimiter)?;
    Ok(Grid {
        format: Format::Csv,
        sheet: None,
        sheets: Vec::new(),
        encoding: Some(encoding),
        delimiter: Some(delimiter),
        rows,
        col_offset: 0,
        merges: Vec::new(),
    })
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    let upto = bytes.get(..offset).unwrap_or(bytes);
    memchr::memchr_iter(b'\n', upto).count().saturating_add(1)
}

/// The text and the name of its encoding.
fn decode<'a>(name: &str, bytes: &'a [u8], label: Option<&str>) -> Result<(Cow<'a, str>, String), ReadError> {
    if let Some(label) = label {
        let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            ReadError::new(
                name,
                ReadErrorCode::Encoding,
                format!("unknown encoding \"{label}\"; use for example utf-8, gbk, gb18030 or utf-16le"),
            )
        })?;
        return decode_strict(name, bytes, encoding, encoding.name().to_owned(), true);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_strict(name, rest, UTF_8, "UTF-8 (BOM)".to_owned(), false);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_strict(name, rest, UTF_16LE, "UTF-16LE".to_owned(), false);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_strict(name, rest, UTF_16BE, "UTF-16BE".to_owned(), false);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), "UTF-8".to_owned()));
    }
    decode_strict(name, bytes, GB18030, "GB18030".to_owned(), false)
}

fn decode_strict<'a>(
    name: &str,
    bytes: &'a [u8],
    encoding: &'static Encoding,
    label: String,
    chosen: bool,
) -> Result<(Cow<'a, str>, String), ReadError> {
    if encoding == UTF_8 {
        let bytes = if chosen { bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes) } else { bytes };
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok((Cow::Borrowed(text), label)),
            Err(e) => Err(undecodable(name, bytes, e.valid_up_to(), &label, chosen)),
        };
    }
    let mut decoder =
        if chosen { encoding.new_decoder_with_bom_removal() } else { encoding.new_decoder_without_bom_handling() };
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .ok_or_else(|| ReadError::new(name, ReadErrorCode::TooLarge, "the file is too large to decode"))?;
    let mut out = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        DecoderResult::InputEmpty => Ok((Cow::Owned(out), label)),
        DecoderResult::Malformed(bad, _) => {
            let at = read.saturating_sub(usize::from(bad));
            Err(undecodable(name, bytes, at, &label, chosen))
        }
        DecoderResult::OutputFull => {
            Err(ReadError::new(name, ReadErrorCode::Encoding, "the text could not be decoded (output buffer full)"))
        }
    }
}

fn undecodable(name: &str, bytes: &[u8], at: usize, label: &str, chosen: bool) -> ReadError {
    undecodable_at(name, at, line_of(bytes, at), label, chosen)
}

/// The text cannot be decoded as `label` at byte `at` (line `line`).
pub(super) fn undecodable_at(name: &str, at: usize, line: usize, label: &str, chosen: bool) -> ReadError {
    let hint = if chosen {
        "; check the encoding you gave"
    } else {
        " (it is neither UTF-8 nor GBK/GB18030); give the file's encoding with --encoding, or save it as UTF-8"
    };
    ReadError::new(
        name,
        ReadErrorCode::Encoding,
        format!("the text cannot be read as {label}: invalid byte sequence at byte {at}{hint}"),
    )
    .at_row(line)
}

/// The delimiter that splits the first lines most consistently (quotes respected).
pub(super) fn sniff_delimiter(text: &[u8]) -> u8 {
    let sample = text.get(..65536).unwrap_or(text);
    let mut lines: Vec<[usize; 4]> = Vec::new();
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    let mut any = false;
    for &b in sample {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                if any {
                    lines.push(counts);
                }
                counts = [0; 4];
                any = false;
                if lines.len() >= 30 {
                    break;
                }
            }
            b'\r' => {}
            _ if !in_quotes => {
                any = any || !b.is_ascii_whitespace();
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    if let Some(c) = counts.get_mut(i) {
                        *c += 1;
                    }
                }
            }
            _ => any = true,
        }
    }
    if any && lines.len() < 30 {
        lines.push(counts);
    }
    // Score: lines agreeing with the most common non-zero count, then that count.
    let mut best = (0usize, 0usize, b',');
    for (i, &d) in DELIMITERS.iter().enumerate() {
        let per_line: Vec<usize> = lines.iter().filter_map(|c| c.get(i).copied()).collect();
        let mut mode = (0usize, 0usize);
        for &n in per_line.iter().filter(|&&n| n > 0) {
            let agree = per_line.iter().filter(|&&m| m == n).count();
            if (agree, n) > mode {
                mode = (agree, n);
            }
        }
        if mode.0 > 0 && (mode.0, mode.1) > (best.0, best.1) {
            best = (mode.0, mode.1, d);
        }
    }
    best.2
}

fn records(name: &str, text: &[u8], delimiter: u8) -> Result<Vec<Row>, ReadError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text);
    // A rough guess of the row count saves re-allocations on big files.
    let mut rows = Vec::with_capacity(text.len() / 80);
    let mut record = csv::ByteRecord::new();
    // Lines are counted from byte offsets: the csv crate's own line count is off for CRLF files.
    let (mut counted_to, mut line_at) = (0usize, 1usize);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(text, usize::try_from(p.byte()).unwrap_or(usize::MAX)));
                return Err(
                    ReadError::new(name, ReadErrorCode::Malformed, format!("the CSV cannot be read: {e}")).at_row(line)
                );
            }
        }
        let mut start = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        // After a CR the record "starts" at the LF that ends the previous line.
        while matches!(text.get(start), Some(b'\r' | b'\n')) {
            start = start.saturating_add(1);
        }
        if let Some(between) = text.get(counted_to..start) {
            line_at = line_at.saturating_add(memchr::memchr_iter(b'\n', between).count());
            counted_to = start;
        }
        let line = line_at;
        if let Some(cells) = cells_of(name, &record, line)? {
            rows.push(Row { line, cells });
        }
    }
    Ok(rows)
}

/// A record's cells, trimmed (an empty one is [`Cell::Empty`]); `None` for a blank record.
pub(super) fn cells_of(name: &str, record: &csv::ByteRecord, line: usize) -> Result<Option<Vec<Cell>>, ReadError> {
    let mut cells = Vec::with_capacity(record.len());
    let mut blank = true;
    for field in record.iter() {
        let field = std::str::from_utf8(field)
            .map_err(|_| ReadError::new(name, ReadErrorCode::Encoding, "a cell is not valid text").at_row(line))?;
        let field = field.trim();
        if field.is_empty() {
            cells.push(Cell::Empty);
        } else {
            blank = false;
            cells.push(Cell::Text(field.to_owned()));
        }
    }
    Ok((!blank).then_some(cells))
}
