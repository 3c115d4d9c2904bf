//! Reading a CSV a block of rows at a time (issue 10, decision 0028), so that an import of a
//! million rows never holds them all as cells.
//!
//! [`open`] reads the file twice, from the same handle, holding neither pass in memory:
//!
//! 1. the SHA-256 of its bytes and the check of its encoding (as [`super::read_bytes`] decodes
//!    it: the same refusal, at the same byte and line, before any row is imported);
//! 2. the records, decoded as they are read: first up to the header and a row below it (the
//!    header found as a whole read finds it), then, on demand, [`CsvRows::next_block`].
//!
//! The rows are the ones [`super::read_bytes`] gives, with the same lines, widths and refusals;
//! a row too long for the header is refused when its block is read. Workbooks are not streamed
//! (calamine reads a sheet whole): [`open`] reads them as before, into a [`Table`].

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::time::SystemTime;

use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use sha2::{Digest, Sha256};

use super::text::{cells_of, sniff_delimiter, undecodable_at};
use super::{
    file_name, find_header, header_only, too_large, Format, Head, ReadError, ReadErrorCode, ReadOptions, Row, Shape,
    Table, HEADER_SEARCH_ROWS,
};

/// Bytes read at a time in either pass.
const CHUNK: usize = 1 << 20;
/// The beginning of the text the delimiter is sniffed from (as a whole read does).
const SNIFF: usize = 65536;

/// A file's data rows, a block at a time: a CSV streamed, or a workbook (or a table already
/// read) whole.
pub trait RowBlocks<'a>: Send {
    /// What the file says about itself.
    fn head(&self) -> &Head;
    /// The next `max` data rows (fewer at the end), in file order; `None` after the last.
    fn next_block(&mut self, max: usize) -> Result<Option<Cow<'a, [Row]>>, ReadError>;
    /// Data rows given so far: the file's, once `next_block` has said `None`.
    fn rows_read(&self) -> u64;
    /// The file's data rows, or a guess from what has been read so far (for progress).
    fn estimated_rows(&self) -> u64;
}

/// The rows of a table already read.
pub struct TableRows<'a> {
    table: &'a Table,
    head: Head,
    at: usize,
}

impl<'a> TableRows<'a> {
    pub fn new(table: &'a Table) -> Self {
        TableRows { table, head: table.head(), at: 0 }
    }
}

impl<'a> RowBlocks<'a> for TableRows<'a> {
    fn head(&self) -> &Head {
        &self.head
    }

    fn next_block(&mut self, max: usize) -> Result<Option<Cow<'a, [Row]>>, ReadError> {
        let table: &'a Table = self.table;
        let end = self.at.saturating_add(max.max(1)).min(table.rows.len());
        let block = table.rows.get(self.at..end).filter(|b| !b.is_empty());
        self.at = end;
        Ok(block.map(Cow::Borrowed))
    }

    fn rows_read(&self) -> u64 {
        self.at as u64
    }

    fn estimated_rows(&self) -> u64 {
        self.table.rows.len() as u64
    }
}

/// A file opened for an import: a CSV streamed, or a workbook read whole.
pub enum FileRows {
    Csv(Box<CsvRows>),
    Workbook { table: Box<Table>, head: Box<Head>, at: usize },
}

impl RowBlocks<'static> for FileRows {
    fn head(&self) -> &Head {
        match self {
            FileRows::Csv(c) => &c.head,
            FileRows::Workbook { head, .. } => head,
        }
    }

    fn next_block(&mut self, max: usize) -> Result<Option<Cow<'static, [Row]>>, ReadError> {
        match self {
            FileRows::Csv(c) => c.next_block(max),
            FileRows::Workbook { table, at, .. } => {
                let end = at.saturating_add(max.max(1)).min(table.rows.len());
                let block: Vec<Row> = table.rows.get_mut(*at..end).map_or_else(Vec::new, |rows| {
                    rows.iter_mut().map(|r| Row { line: r.line, cells: std::mem::take(&mut r.cells) }).collect()
                });
                *at = end;
                Ok((!block.is_empty()).then_some(Cow::Owned(block)))
            }
        }
    }

    fn rows_read(&self) -> u64 {
        match self {
            FileRows::Csv(c) => c.rows,
            FileRows::Workbook { at, .. } => *at as u64,
        }
    }

    fn estimated_rows(&self) -> u64 {
        match self {
            FileRows::Csv(c) => c.estimated_rows(),
            FileRows::Workbook { table, .. } => table.rows.len() as u64,
        }
    }
}

/// Open `path` for an import: refuse it if it is larger than `opts.max_bytes`, then stream a
/// CSV ([`CsvRows`]) or read a workbook whole ([`super::read`]). Refuses what `read` refuses
/// before its rows; a row too long for the header is refused by the block it is in.
pub fn open(path: &Path, opts: &ReadOptions) -> Result<FileRows, ReadError> {
    let name = file_name(path);
    let io = |e: io::Error| ReadError::new(&name, ReadErrorCode::Io, format!("cannot read the file: {e}"));
    let mut file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.len() > opts.max_bytes {
        return Err(too_large(&name, meta.len(), opts.max_bytes));
    }
    let mut head = Vec::with_capacity(8192);
    (&mut file).take(8192).read_to_end(&mut head).map_err(io)?;
    let workbook = head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") || head.starts_with(&OLE2);
    if head.is_empty() || workbook {
        drop(file);
        let table = super::read(path, opts)?;
        return Ok(FileRows::Workbook { head: Box::new(table.head()), table: Box::new(table), at: 0 });
    }
    // Everything `detect` looks at for a file that is not a workbook is in its first 8 KiB.
    super::sniff::detect(&name, &head, opts.encoding.as_deref())?;
    let stamp = (meta.len(), meta.modified().ok());
    CsvRows::open(name, file, stamp, opts).map(|c| FileRows::Csv(Box::new(c)))
}

const OLE2: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// How the text of a CSV is decoded: from which byte, and with which decoder (none: UTF-8).
struct Text {
    skip: u64,
    decoder: Option<(&'static Encoding, bool)>,
    label: String,
    chosen: bool,
}

impl Text {
    fn decoder(&self) -> Option<Decoder> {
        self.decoder.map(|(e, bom_removal)| {
            if bom_removal {
                e.new_decoder_with_bom_removal()
            } else {
                e.new_decoder_without_bom_handling()
            }
        })
    }
}

/// The CSV's data rows, read a block at a time.
pub struct CsvRows {
    head: Head,
    shape: Shape,
    width: usize,
    /// Data rows read while the header was looked for, not yet given.
    pending: std::vec::IntoIter<Row>,
    reader: csv::Reader<Tracked>,
    record: csv::ByteRecord,
    /// The text's offset up to which lines are counted, and the line there.
    counted_to: u64,
    line_at: usize,
    rows: u64,
    done: bool,
    /// The file (its handle shares the readers' offset), its size and modification time.
    file: File,
    stamp: (u64, Option<SystemTime>),
}

impl CsvRows {
    fn open(
        name: String,
        mut file: File,
        stamp: (u64, Option<SystemTime>),
        opts: &ReadOptions,
    ) -> Result<CsvRows, ReadError> {
        let io = |e: io::Error| ReadError::new(&name, ReadErrorCode::Io, format!("cannot read the file: {e}"));
        let (sha256, text) = scan(&name, &mut file, opts.encoding.as_deref())?;
        file.seek(SeekFrom::Start(text.skip)).map_err(io)?;
        let handle = file.try_clone().map_err(io)?;
        let mut source: Box<dyn Read + Send> = match text.decoder() {
            Some(decoder) => Box::new(Decoding::new(handle, decoder)),
            None => Box::new(handle),
        };
        let mut start = Vec::with_capacity(SNIFF);
        (&mut source).take(SNIFF as u64).read_to_end(&mut start).map_err(io)?;
        let delimiter = opts.delimiter.unwrap_or_else(|| sniff_delimiter(&start));
        let source: Box<dyn Read + Send> = Box::new(io::Cursor::new(start).chain(source));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(CHUNK / 16)
            .from_reader(Tracked { inner: source, window: Vec::new(), base: 0 });
        let shape = Shape { format: Format::Csv, col_offset: 0 };
        let mut rows = CsvRows {
            head: Head {
                file: name,
                format: Format::Csv,
                sheet: None,
                sheets: Vec::new(),
                encoding: Some(text.label),
                delimiter: Some(delimiter),
                header_row: 0,
                headers: Vec::new(),
                sha256,
            },
            shape,
            width: 0,
            pending: Vec::new().into_iter(),
            reader,
            record: csv::ByteRecord::new(),
            counted_to: 0,
            line_at: 1,
            rows: 0,
            done: false,
            file,
            stamp,
        };
        rows.find_header(opts)?;
        Ok(rows)
    }

    /// Read up to the header (and one row below it) and take the header's names and width.
    fn find_header(&mut self, opts: &ReadOptions) -> Result<(), ReadError> {
        let mut top: Vec<Row> = Vec::new();
        // The rows a whole read would look at: the first ones, or up to the row given.
        let enough = |top: &[Row]| match opts.header_row {
            Some(wanted) => top.last().is_some_and(|r| r.line >= wanted),
            None => top.len() >= HEADER_SEARCH_ROWS,
        };
        while !enough(&top) {
            match self.next_row()? {
                Some(r) => top.push(r),
                None => break,
            }
        }
        let name = self.head.file.clone();
        let at = find_header(&name, &top, None, opts)?;
        let header = top
            .get(at)
            .ok_or_else(|| ReadError::new(&name, ReadErrorCode::HeaderNotFound, "the header row is missing"))?;
        let (headers, width) = self.shape.headers(&name, header)?;
        self.head.header_row = header.line;
        self.head.headers = headers;
        self.width = width;
        let mut data: Vec<Row> = top.split_off(at.saturating_add(1));
        if data.is_empty() {
            match self.next_row()? {
                Some(r) => data.push(r),
                None => return Err(header_only(&name, self.head.header_row)),
            }
        }
        for row in &mut data {
            self.shape.fit(&name, width, row)?;
        }
        self.pending = data.into_iter();
        Ok(())
    }

    /// The next non-blank record as a row of cells (not yet fitted to the header).
    fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        let name = self.head.file.as_str();
        loop {
            if self.done {
                return Ok(None);
            }
            match self.reader.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    self.unchanged()?;
                    return Ok(None);
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| self.line_to(p.byte()));
                    return Err(ReadError::new(name, ReadErrorCode::Malformed, format!("the CSV cannot be read: {e}"))
                        .at_row(line));
                }
            }
            let mut start = self.record.position().map_or(0, |p| p.byte());
            // After a CR the record "starts" at the LF that ends the previous line.
            while matches!(self.reader.get_ref().byte(start), Some(b'\r' | b'\n')) {
                start = start.saturating_add(1);
            }
            let line = self.line_to(start);
            self.counted_to = start.max(self.counted_to);
            self.line_at = line;
            self.reader.get_mut().forget_before(self.counted_to);
            if let Some(cells) = cells_of(name, &self.record, line)? {
                return Ok(Some(Row { line, cells }));
            }
        }
    }

    /// The line of the text's byte `to` (at or after the last record's start).
    fn line_to(&self, to: u64) -> usize {
        self.line_at.saturating_add(self.reader.get_ref().newlines(self.counted_to, to))
    }

    /// Refuse a file that changed while it was read: its SHA-256 would not be of what was read.
    fn unchanged(&self) -> Result<(), ReadError> {
        let now = self.file.metadata().map(|m| (m.len(), m.modified().ok()));
        if now.ok() != Some(self.stamp) {
            return Err(ReadError::new(
                &self.head.file,
                ReadErrorCode::Io,
                "the file changed while it was read; import it again once it is saved",
            ));
        }
        Ok(())
    }

    fn next_block(&mut self, max: usize) -> Result<Option<Cow<'static, [Row]>>, ReadError> {
        let max = max.max(1);
        let mut block: Vec<Row> = self.pending.by_ref().take(max).collect();
        while block.len() < max {
            let Some(mut row) = self.next_row()? else { break };
            self.shape.fit(&self.head.file, self.width, &mut row)?;
            block.push(row);
        }
        self.rows += block.len() as u64;
        Ok((!block.is_empty()).then_some(Cow::Owned(block)))
    }

    /// The rows given so far, scaled up by the share of the file read.
    fn estimated_rows(&self) -> u64 {
        let read = (&self.file).stream_position().unwrap_or(0).max(1);
        let total = u128::from(self.rows) * u128::from(self.stamp.0) / u128::from(read);
        u64::try_from(total).unwrap_or(u64::MAX).max(self.rows)
    }
}

/// The text as the CSV reader reads it, keeping what it has not yet passed (the current record
/// and the reader's look-ahead) to count lines from byte offsets, as a whole read does.
struct Tracked {
    inner: Box<dyn Read + Send>,
    window: Vec<u8>,
    /// The text's offset of `window[0]`.
    base: u64,
}

impl Tracked {
    fn slice(&self, from: u64, to: u64) -> &[u8] {
        let at = |o: u64| usize::try_from(o.saturating_sub(self.base)).unwrap_or(usize::MAX).min(self.window.len());
        self.window.get(at(from)..at(to).max(at(from))).unwrap_or(&[])
    }

    fn byte(&self, at: u64) -> Option<u8> {
        self.slice(at, at.saturating_add(1)).first().copied()
    }

    fn newlines(&self, from: u64, to: u64) -> usize {
        memchr::memchr_iter(b'\n', self.slice(from, to)).count()
    }

    /// Drop what lies before `offset` once it is large (so it moves little and rarely).
    fn forget_before(&mut self, offset: u64) {
        let n = usize::try_from(offset.saturating_sub(self.base)).unwrap_or(usize::MAX).min(self.window.len());
        if n >= CHUNK / 4 {
            self.window.drain(..n);
            self.base = self.base.saturating_add(n as u64);
        }
    }
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window.extend_from_slice(buf.get(..n).unwrap_or(&[]));
        Ok(n)
    }
}

/// A reader that decodes its bytes to UTF-8 (the text was checked in the first pass; a
/// malformed sequence now means the file changed).
struct Decoding<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    raw_at: usize,
    eof: bool,
    finished: bool,
    out: Vec<u8>,
    out_at: usize,
}

impl<R: Read> Decoding<R> {
    fn new(inner: R, decoder: Decoder) -> Self {
        Decoding {
            inner,
            decoder,
            raw: Vec::with_capacity(CHUNK / 16),
            raw_at: 0,
            eof: false,
            finished: false,
            out: Vec::new(),
            out_at: 0,
        }
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let ready = self.out.get(self.out_at..).unwrap_or(&[]);
            if !ready.is_empty() {
                let n = ready.len().min(buf.len());
                if let (Some(to), Some(from)) = (buf.get_mut(..n), ready.get(..n)) {
                    to.copy_from_slice(from);
                }
                self.out_at += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            if self.raw_at >= self.raw.len() && !self.eof {
                self.raw.resize(CHUNK / 16, 0);
                let n = self.inner.read(&mut self.raw)?;
                self.raw.truncate(n);
                self.raw_at = 0;
                self.eof = n == 0;
            }
            self.out.resize(CHUNK / 4, 0);
            let src = self.raw.get(self.raw_at..).unwrap_or(&[]);
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(src, &mut self.out, self.eof);
            self.raw_at += read;
            self.out.truncate(written);
            self.out_at = 0;
            match result {
                DecoderResult::InputEmpty => self.finished = self.eof,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "the file changed while it was read"))
                }
            }
        }
    }
}

/// The first pass: the SHA-256 of the file's bytes, and how its text decodes — refused as a
/// whole read refuses it (`text::decode`), at the same byte and line.
fn scan(name: &str, file: &mut File, label: Option<&str>) -> Result<(String, Text), ReadError> {
    let io = |e: io::Error| ReadError::new(name, ReadErrorCode::Io, format!("cannot read the file: {e}"));
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut start = [0u8; 3];
    let got = {
        let mut n = 0;
        while n < start.len() {
            match file.read(start.get_mut(n..).unwrap_or(&mut [])).map_err(io)? {
                0 => break,
                k => n += k,
            }
        }
        start.get(..n).unwrap_or(&[]).to_vec()
    };
    let bom = |b: &[u8]| got.starts_with(b);
    let mut text = if let Some(label) = label {
        let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            ReadError::new(
                name,
                ReadErrorCode::Encoding,
                format!("unknown encoding \"{label}\"; use for example utf-8, gbk, gb18030 or utf-16le"),
            )
        })?;
        let utf8 = encoding == UTF_8;
        Text {
            skip: if utf8 && bom(b"\xEF\xBB\xBF") { 3 } else { 0 },
            decoder: (!utf8).then_some((encoding, true)),
            label: encoding.name().to_owned(),
            chosen: true,
        }
    } else if bom(b"\xEF\xBB\xBF") {
        Text { skip: 3, decoder: None, label: "UTF-8 (BOM)".to_owned(), chosen: false }
    } else if bom(b"\xFF\xFE") {
        Text { skip: 2, decoder: Some((UTF_16LE, false)), label: "UTF-16LE".to_owned(), chosen: false }
    } else if bom(b"\xFE\xFF") {
        Text { skip: 2, decoder: Some((UTF_16BE, false)), label: "UTF-16BE".to_owned(), chosen: false }
    } else {
        Text { skip: 0, decoder: None, label: "UTF-8".to_owned(), chosen: false }
    };
    // Not UTF-8 and no encoding given: GB18030, checked in a pass of its own.
    let auto = label.is_none() && text.skip == 0;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut check = Check::new(&text);
    let mut buf = vec![0u8; CHUNK];
    let mut offset = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        let chunk = buf.get(..n).unwrap_or(&[]);
        hasher.update(chunk);
        // The text starts after the byte-order mark it skips.
        let skip = usize::try_from(text.skip.saturating_sub(offset)).unwrap_or(usize::MAX).min(chunk.len());
        offset += n as u64;
        if let Err(at) = check.feed(chunk.get(skip..).unwrap_or(&[]), n == 0) {
            if !auto {
                return Err(undecodable_at(name, at.0, at.1, &text.label, text.chosen));
            }
            check = Check::Failed;
        }
        if n == 0 {
            break;
        }
    }
    let sha256 = format!("{:x}", hasher.finalize());
    if matches!(check, Check::Failed) {
        text = Text { skip: 0, decoder: Some((GB18030, false)), label: "GB18030".to_owned(), chosen: false };
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut check = Check::new(&text);
        loop {
            let n = file.read(&mut buf).map_err(io)?;
            if let Err(at) = check.feed(buf.get(..n).unwrap_or(&[]), n == 0) {
                return Err(undecodable_at(name, at.0, at.1, &text.label, text.chosen));
            }
            if n == 0 {
                break;
            }
        }
    }
    Ok((sha256, text))
}

/// The check of a text's encoding as it is read; errors give the byte (from the text's start)
/// and its line.
enum Check {
    Utf8 { carry: Vec<u8>, offset: usize, newlines: usize },
    Decoder { decoder: Decoder, out: Vec<u8>, offset: usize, newlines: usize },
    Failed,
}

impl Check {
    fn new(text: &Text) -> Check {
        match text.decoder() {
            Some(decoder) => Check::Decoder { decoder, out: vec![0; CHUNK], offset: 0, newlines: 0 },
            None => Check::Utf8 { carry: Vec::new(), offset: 0, newlines: 0 },
        }
    }

    fn feed(&mut self, chunk: &[u8], last: bool) -> Result<(), (usize, usize)> {
        // The line of byte `at` of the text, `chunk` starting at `offset`.
        let line = |offset: usize, newlines: usize, at: usize| {
            let within = chunk.get(..at.saturating_sub(offset)).unwrap_or(chunk);
            newlines + memchr::memchr_iter(b'\n', within).count() + 1
        };
        match self {
            Check::Failed => Ok(()),
            Check::Utf8 { carry, offset, newlines } => {
                // An incomplete sequence at the end of the previous chunk (no newline in it).
                let mut joined = std::mem::take(carry);
                let from = *offset - joined.len();
                joined.extend_from_slice(chunk);
                match std::str::from_utf8(&joined) {
                    Ok(_) => {}
                    Err(e) if e.error_len().is_none() && !last => {
                        *carry = joined.get(e.valid_up_to()..).unwrap_or(&[]).to_vec();
                    }
                    Err(e) => {
                        let at = from + e.valid_up_to();
                        return Err((at, line(*offset, *newlines, at)));
                    }
                }
                *newlines += memchr::memchr_iter(b'\n', chunk).count();
                *offset += chunk.len();
                Ok(())
            }
            Check::Decoder { decoder, out, offset, newlines } => {
                let mut src = chunk;
                let mut consumed = 0usize;
                loop {
                    let (result, read, _) = decoder.decode_to_utf8_without_replacement(src, out, last);
                    consumed += read;
                    src = src.get(read..).unwrap_or(&[]);
                    match result {
                        DecoderResult::InputEmpty => break,
                        DecoderResult::OutputFull => {}
                        DecoderResult::Malformed(bad, _) => {
                            let at = (*offset + consumed).saturating_sub(usize::from(bad));
                            return Err((at, line(*offset, *newlines, at)));
                        }
                    }
                }
                *newlines += memchr::memchr_iter(b'\n', chunk).count();
                *offset += chunk.len();
                Ok(())
            }
        }
    }
}
