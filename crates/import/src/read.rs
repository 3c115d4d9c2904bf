//! Reading an import file into a table of raw cells (issue 6, decision 0012).
//!
//! The file's kind is taken from its **content** (magic bytes), never from its extension: a
//! workbook named `.csv` is read as a workbook, a CSV named `.xlsx` as a CSV, and anything else
//! (an image, a PDF, a Word file, an HTML "Excel export") is refused with a message that says
//! what the file really is.
//!
//! - CSV ([`text`]): UTF-8 with or without BOM, UTF-16 by BOM, otherwise GB18030 (a superset of
//!   GBK); delimiter sniffed among `,` `;` tab `|`; every cell is [`Cell::Text`] or [`Cell::Empty`].
//! - Workbooks ([`sheet`]): `.xlsx`, `.xls`, `.ods` through calamine, after the ZIP container was
//!   checked for bombs ([`sniff`]). Numbers become exact decimal text, date-formatted cells ISO
//!   dates, error cells [`Cell::Error`].
//! - The header row is found (or given), and the rows below it become [`Row`]s of exactly the
//!   header's width.
//! - [`number_text`] and [`date_text`] ([`cells`]) turn a cell into the text the validator parses.
//!
//! **Architecture invariant:** nothing here panics on any input, and a refused file yields one
//! [`ReadError`] with a stable [`ReadErrorCode`] and, where it can, the row and column. The
//! reason maps onto one code of the diagnostic catalogue ([`ReadErrorCode::diagnostic_code`],
//! [`ReadError::diagnostic`]): the CLI prints it and the app sends it. Nothing here knows what the
//! columns mean (that is [`super::mapping`]).

mod cells;
mod ole;
mod sheet;
mod sniff;
mod stream;
mod text;

use std::fmt;
use std::path::Path;

use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use cells::{date_text, number_text};
pub use stream::{open, CsvRows, FileRows, RowBlocks, TableRows};

/// Default for [`ReadOptions::max_bytes`]: 256 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// How many rows from the top the header detection looks at.
const HEADER_SEARCH_ROWS: usize = 20;

/// The kind of a file, as found in its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
    Xls,
    Ods,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the caller knows better than detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Worksheet name; `None`: the first sheet that is not empty. Ignored for CSV.
    pub sheet: Option<String>,
    /// 1-based row (workbooks) or line (CSV) of the header; `None`: detect.
    pub header_row: Option<usize>,
    /// CSV delimiter; `None`: sniff among `,` `;` tab `|`.
    pub delimiter: Option<u8>,
    /// CSV encoding label (`utf-8`, `gbk`, `gb18030`, `utf-16le`, …); `None`: detect.
    pub encoding: Option<String>,
    /// Files larger than this are refused before they are read.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { sheet: None, header_row: None, delimiter: None, encoding: None, max_bytes: DEFAULT_MAX_BYTES }
    }
}

/// A file read into its header and data rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// The file name, for messages.
    pub file: String,
    pub format: Format,
    /// The sheet read (workbooks only).
    pub sheet: Option<String>,
    /// Every sheet of the workbook, in order (empty for CSV).
    pub sheets: Vec<String>,
    /// The encoding the CSV was decoded from (`UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `GB18030`, …).
    pub encoding: Option<String>,
    /// The CSV delimiter used.
    pub delimiter: Option<u8>,
    /// 1-based row (line, for CSV) of the header.
    pub header_row: usize,
    /// One name per column; an empty header cell is named `column N`.
    pub headers: Vec<String>,
    /// Data rows below the header, blank rows left out; each has exactly `headers.len()` cells.
    pub rows: Vec<Row>,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

/// What a file read says about itself, without its data rows: all an import needs before
/// the rows, which a CSV gives a block at a time ([`open`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    pub file: String,
    pub format: Format,
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    pub header_row: usize,
    pub headers: Vec<String>,
    pub sha256: String,
}

impl Table {
    /// The table without its rows.
    pub fn head(&self) -> Head {
        Head {
            file: self.file.clone(),
            format: self.format,
            sheet: self.sheet.clone(),
            sheets: self.sheets.clone(),
            encoding: self.encoding.clone(),
            delimiter: self.delimiter,
            header_row: self.header_row,
            headers: self.headers.clone(),
            sha256: self.sha256.clone(),
        }
    }
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// 1-based row number in the sheet, or the line the record starts on in the CSV: what the
    /// user sees in Excel or in a text editor.
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// One raw cell. Numbers stay text so that no digit is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Cell {
    Empty,
    Text(String),
    /// Exact decimal text of a numeric spreadsheet cell (`1234.5`, `-3`, `0.0001`).
    Number(String),
    /// ISO date `yyyy-mm-dd` from a date-formatted cell; `yyyy-mm-ddThh:mm:ss` when the cell also
    /// has a time of day.
    Date(String),
    Bool(bool),
    /// A spreadsheet error value such as `#DIV/0!`, or a formula that has no saved value.
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as the user would read it (for header names and messages).
    pub fn display_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Number(s) | Cell::Date(s) | Cell::Error(s) => s.clone(),
            Cell::Bool(true) => "TRUE".to_owned(),
            Cell::Bool(false) => "FALSE".to_owned(),
        }
    }
}

/// Why a file was refused, in more detail than the catalogue: several reasons share one
/// catalogue code ([`ReadErrorCode::diagnostic_code`]), which is what crosses to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadErrorCode {
    /// No bytes, or no non-blank row.
    Empty,
    /// A header row and nothing below it.
    HeaderOnly,
    /// The content is not a CSV or a workbook (an image, a PDF, a Word file, …).
    NotThisFormat,
    /// The text cannot be decoded.
    Encoding,
    /// The file is larger than the limit.
    TooLarge,
    /// A ZIP container that would inflate to far more than its size.
    ZipBomb,
    /// A password-protected workbook.
    Encrypted,
    /// The content is damaged or not what its structure claims.
    Malformed,
    SheetNotFound,
    HeaderNotFound,
    MergedHeader,
    DuplicateHeader,
    /// A row with a value to the right of the last header column.
    RowTooLong,
    Io,
}

impl ReadErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReadErrorCode::Empty => "empty",
            ReadErrorCode::HeaderOnly => "header-only",
            ReadErrorCode::NotThisFormat => "not-this-format",
            ReadErrorCode::Encoding => "encoding",
            ReadErrorCode::TooLarge => "too-large",
            ReadErrorCode::ZipBomb => "zip-bomb",
            ReadErrorCode::Encrypted => "encrypted",
            ReadErrorCode::Malformed => "malformed",
            ReadErrorCode::SheetNotFound => "sheet-not-found",
            ReadErrorCode::HeaderNotFound => "header-not-found",
            ReadErrorCode::MergedHeader => "merged-header",
            ReadErrorCode::DuplicateHeader => "duplicate-header",
            ReadErrorCode::RowTooLong => "row-too-long",
            ReadErrorCode::Io => "io",
        }
    }

    /// The code of the diagnostic catalogue (`tests/errors/`) a refused file is reported with.
    pub fn diagnostic_code(self) -> Code {
        match self {
            ReadErrorCode::Empty => Code::EmptyFile,
            ReadErrorCode::HeaderOnly => Code::NoDataRows,
            ReadErrorCode::NotThisFormat => Code::WrongFileType,
            ReadErrorCode::TooLarge | ReadErrorCode::ZipBomb => Code::FileTooLarge,
            ReadErrorCode::SheetNotFound => Code::UnknownRecord,
            ReadErrorCode::HeaderNotFound => Code::MissingColumn,
            ReadErrorCode::MergedHeader | ReadErrorCode::DuplicateHeader => Code::DuplicateColumn,
            ReadErrorCode::RowTooLong => Code::MalformedRow,
            ReadErrorCode::Encoding | ReadErrorCode::Encrypted | ReadErrorCode::Malformed | ReadErrorCode::Io => {
                Code::UnreadableFile
            }
        }
    }
}

/// A refused file. Display: `FILE[:row N][, column C]: message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadError {
    pub file: String,
    /// 1-based row (line, for CSV).
    pub row: Option<usize>,
    /// Column letter (workbooks) or 1-based number (CSV).
    pub column: Option<String>,
    pub code: ReadErrorCode,
    pub message: String,
}

impl ReadError {
    pub(crate) fn new(file: &str, code: ReadErrorCode, message: impl Into<String>) -> Self {
        ReadError { file: file.to_owned(), row: None, column: None, code, message: message.into() }
    }

    pub(crate) fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    pub(crate) fn at_column(mut self, column: String) -> Self {
        self.column = Some(column);
        self
    }

    /// The refusal as a located error diagnostic with its catalogue code
    /// ([`ReadErrorCode::diagnostic_code`]).
    pub fn diagnostic(&self) -> Diagnostic {
        let location = Location {
            file: self.file.clone(),
            row: self.row.map(|r| u64::try_from(r).unwrap_or(u64::MAX)),
            column: self.column.clone(),
        };
        Diagnostic::error(self.code.diagnostic_code(), location, self.message.clone())
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(row) = self.row {
            write!(f, ":row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ReadError {}

/// A delimiter as a user writes it: one ASCII character, or `tab`; empty means "detect".
pub fn parse_delimiter(text: &str) -> Result<Option<u8>, String> {
    match text {
        "" => Ok(None),
        "tab" | "\\t" | "\t" => Ok(Some(b'\t')),
        d if d.len() == 1 && d.is_ascii() => Ok(d.as_bytes().first().copied()),
        d => Err(format!("the delimiter is one ASCII character or 'tab', not '{d}'")),
    }
}

/// Read a file: refuse it if it is larger than `opts.max_bytes` (before reading), then
/// [`read_bytes`].
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Table, ReadError> {
    let name = file_name(path);
    let bytes = read_limited(path, &name, opts.max_bytes)?;
    read_bytes(&name, &bytes, opts)
}

/// Read a file's bytes. `name` is used in messages and for nothing else.
pub fn read_bytes(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Table, ReadError> {
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > opts.max_bytes {
        return Err(too_large(name, len, opts.max_bytes));
    }
    // The hash runs on the second core while the first one parses.
    let (sha256, grid) = rayon::join(|| sha256_hex(bytes), || read_grid(name, bytes, opts));
    let grid = grid?;
    build_table(name, grid, opts, sha256)
}

/// The non-blank rows of a CSV or of one sheet of a workbook, before any header is chosen: for
/// readers that find their header by its column names (the residual-mix importers, decision
/// 0048). Cells are converted as [`read_bytes`] converts them (numbers as exact text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSheet {
    pub format: Format,
    /// The sheet read (workbooks only).
    pub sheet: Option<String>,
    /// Non-blank rows in order; each keeps its 1-based row (line, for CSV).
    pub rows: Vec<Row>,
    col_offset: usize,
}

impl RawSheet {
    /// The name the user sees for cell `index` of a row: a letter in a workbook, a 1-based
    /// number in a CSV.
    pub fn column(&self, index: usize) -> String {
        column_name(self.format, self.col_offset.saturating_add(index))
    }
}

/// The file's format (from its content) and its sheet names (empty for a CSV); a workbook's
/// sheets are then read one at a time with [`read_sheet`].
pub fn read_raw(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<(Format, Vec<String>), ReadError> {
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > opts.max_bytes {
        return Err(too_large(name, len, opts.max_bytes));
    }
    if bytes.is_empty() {
        return Err(ReadError::new(name, ReadErrorCode::Empty, "the file is empty (0 bytes)"));
    }
    match sniff::detect(name, bytes, opts.encoding.as_deref())? {
        Format::Csv => Ok((Format::Csv, Vec::new())),
        format => Ok((format, sheet::sheet_names(name, bytes, format)?)),
    }
}

/// The rows of a CSV, or of the sheet `opts.sheet` names (else the first that is not empty).
pub fn read_sheet(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<RawSheet, ReadError> {
    let grid = read_grid(name, bytes, opts)?;
    Ok(RawSheet { format: grid.format, sheet: grid.sheet, rows: grid.rows, col_offset: grid.col_offset })
}

/// The sheet names of a workbook, in order (empty for a CSV).
pub fn sheets(path: &Path) -> Result<Vec<String>, ReadError> {
    let name = file_name(path);
    let bytes = read_limited(path, &name, DEFAULT_MAX_BYTES)?;
    match sniff::detect(&name, &bytes, None)? {
        Format::Csv => Ok(Vec::new()),
        format => sheet::sheet_names(&name, &bytes, format),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

fn read_limited(path: &Path, name: &str, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::new(name, ReadErrorCode::Io, format!("cannot read the file: {e}"));
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > max_bytes {
        return Err(too_large(name, size, max_bytes));
    }
    std::fs::read(path).map_err(io)
}

fn too_large(name: &str, size: u64, limit: u64) -> ReadError {
    ReadError::new(
        name,
        ReadErrorCode::TooLarge,
        format!(
            "the file is {} but the import limit is {}; split it into smaller files or raise the limit",
            human_size(size),
            human_size(limit)
        ),
    )
}

/// `123 bytes`, `4.5 MiB`: one decimal, truncated, integer arithmetic only.
pub(crate) fn human_size(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            let whole = n / size;
            let tenth = (n % size) * 10 / size;
            return format!("{whole}.{tenth} {unit} ({n} bytes)");
        }
    }
    format!("{n} bytes")
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Rows of cells before the header is chosen, with what the reader found out.
struct Grid {
    format: Format,
    sheet: Option<String>,
    sheets: Vec<String>,
    encoding: Option<String>,
    delimiter: Option<u8>,
    /// Non-blank rows, in order; cell `j` is column `col_offset + j`.
    rows: Vec<Row>,
    /// 0-based column of the first cell of each row (workbooks whose used range starts right of A).
    col_offset: usize,
    /// Merged regions as (first row, first col, last row, last col), 0-based.
    merges: Vec<(u32, u32, u32, u32)>,
}

/// Column as the user sees it: a letter in a workbook, a 1-based number in a CSV.
fn column_name(format: Format, index: usize) -> String {
    match format {
        Format::Csv => index.saturating_add(1).to_string(),
        _ => column_letters(index),
    }
}

/// 0 → `A`, 25 → `Z`, 26 → `AA`.
pub(crate) fn column_letters(index: usize) -> String {
    let mut n = index.saturating_add(1);
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + u8::try_from(rem).unwrap_or(0));
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn read_grid(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Grid, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::new(name, ReadErrorCode::Empty, "the file is empty (0 bytes)"));
    }
    match sniff::detect(name, bytes, opts.encoding.as_deref())? {
        Format::Csv => text::read_csv(name, bytes, opts),
        format => sheet::read_workbook(name, bytes, format, opts),
    }
}

fn build_table(name: &str, grid: Grid, opts: &ReadOptions, sha256: String) -> Result<Table, ReadError> {
    let header_index = find_header(name, &grid.rows, grid.sheet.as_deref(), opts)?;
    let header = grid
        .rows
        .get(header_index)
        .ok_or_else(|| ReadError::new(name, ReadErrorCode::HeaderNotFound, "the header row is missing"))?;
    let header_line = header.line;
    let shape = Shape { format: grid.format, col_offset: grid.col_offset };
    let (headers, width) = shape.headers(name, header)?;
    check_merged_header(name, &grid, header_line, width)?;

    let mut rows = grid.rows;
    let data_start = header_index.saturating_add(1);
    if data_start >= rows.len() {
        return Err(header_only(name, header_line));
    }
    let mut data: Vec<Row> = rows.drain(data_start..).collect();
    drop(rows);
    for row in &mut data {
        shape.fit(name, width, row)?;
    }

    Ok(Table {
        file: name.to_owned(),
        format: grid.format,
        sheet: grid.sheet,
        sheets: grid.sheets,
        encoding: grid.encoding,
        delimiter: grid.delimiter,
        header_row: header_line,
        headers,
        rows: data,
        sha256,
    })
}

fn header_only(name: &str, header_line: usize) -> ReadError {
    ReadError::new(
        name,
        ReadErrorCode::HeaderOnly,
        format!("the file has a header row (row {header_line}) but no data rows below it"),
    )
}

/// Where a file's cells sit: what names its columns.
#[derive(Clone, Copy)]
struct Shape {
    format: Format,
    /// 0-based column of each row's first cell.
    col_offset: usize,
}

impl Shape {
    fn column_name(self, index: usize) -> String {
        column_name(self.format, self.col_offset.saturating_add(index))
    }

    /// The header's names (an empty cell is `column N`) and the table's width: up to the last
    /// non-empty header cell. Two columns of the same name refuse the file.
    fn headers(self, name: &str, header: &Row) -> Result<(Vec<String>, usize), ReadError> {
        let width = header.cells.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        let mut headers = Vec::with_capacity(width);
        for (j, cell) in header.cells.iter().take(width).enumerate() {
            let text = cell.display_text();
            let text = text.trim();
            if text.is_empty() {
                headers.push(format!("column {}", self.column_name(j)));
            } else {
                headers.push(text.to_owned());
            }
        }
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (j, h) in headers.iter().enumerate() {
            if let Some(&first) = seen.get(h.as_str()) {
                return Err(ReadError::new(
                    name,
                    ReadErrorCode::DuplicateHeader,
                    format!(
                        "columns {} and {} are both named \"{h}\"; rename one of them",
                        self.column_name(first),
                        self.column_name(j)
                    ),
                )
                .at_row(header.line)
                .at_column(self.column_name(j)));
            }
            seen.insert(h.as_str(), j);
        }
        Ok((headers, width))
    }

    /// A data row made exactly `width` cells wide; a value right of the header refuses the file.
    fn fit(self, name: &str, width: usize, row: &mut Row) -> Result<(), ReadError> {
        if row.cells.len() > width {
            if let Some(extra) = row.cells.iter().skip(width).position(|c| !c.is_empty()) {
                let col = self.column_name(width.saturating_add(extra));
                let last = if width == 0 {
                    "no columns".to_owned()
                } else {
                    format!("its last column is {}", self.column_name(width - 1))
                };
                return Err(ReadError::new(
                    name,
                    ReadErrorCode::RowTooLong,
                    format!(
                        "this row has a value in column {col}, to the right of the header ({last}); \
                         add a header for it or remove the value (check for an unquoted delimiter)"
                    ),
                )
                .at_row(row.line)
                .at_column(col));
            }
            row.cells.truncate(width);
        } else {
            row.cells.resize(width, Cell::Empty);
        }
        Ok(())
    }
}

/// The index (into `rows`, the non-blank rows from the top) of the header row. Without a
/// header row given, only the first [`HEADER_SEARCH_ROWS`] rows are looked at.
fn find_header(name: &str, rows: &[Row], sheet: Option<&str>, opts: &ReadOptions) -> Result<usize, ReadError> {
    let where_ = match sheet {
        Some(s) => format!("sheet \"{s}\""),
        None => "the file".to_owned(),
    };
    if rows.is_empty() {
        return Err(ReadError::new(name, ReadErrorCode::Empty, format!("{where_} has no rows with any value")));
    }
    if let Some(wanted) = opts.header_row {
        return rows.iter().position(|r| r.line == wanted).ok_or_else(|| {
            ReadError::new(
                name,
                ReadErrorCode::HeaderNotFound,
                format!("the header row was given as row {wanted}, but that row is blank or missing"),
            )
            .at_row(wanted)
        });
    }
    let sample: Vec<&Row> = rows.iter().take(HEADER_SEARCH_ROWS).collect();
    let filled = |r: &Row| r.cells.iter().filter(|c| !c.is_empty()).count();
    let widest = sample.iter().map(|r| filled(r)).max().unwrap_or(0);
    let texts = |r: &Row| r.cells.iter().filter(|c| is_label(c)).count();
    // A header has two or more labels and is at least half as wide as the widest row, which
    // skips titles ("2023年能源消耗台账") and "Company: ACME" lines above it.
    let candidate = sample.iter().position(|r| texts(r) >= 2 && filled(r).saturating_mul(2) >= widest).or_else(|| {
        // A one-column file: the first row that is a label.
        (widest == 1).then(|| sample.iter().position(|r| texts(r) == 1)).flatten()
    });
    match candidate {
        Some(i) => Ok(i),
        None => Err(ReadError::new(
            name,
            ReadErrorCode::HeaderNotFound,
            format!(
                "none of the first {} rows of {where_} looks like a header (two or more text cells); \
                 choose the header row",
                sample.len()
            ),
        )),
    }
}

/// Text that is neither a number nor a date: what a header cell looks like.
fn is_label(cell: &Cell) -> bool {
    match cell {
        Cell::Text(s) => !s.trim().is_empty() && number_text(cell).is_err() && cells::date_text_plain(s).is_err(),
        _ => false,
    }
}

fn check_merged_header(name: &str, grid: &Grid, header_line: usize, width: usize) -> Result<(), ReadError> {
    let Some(row0) = header_line.checked_sub(1) else {
        return Ok(());
    };
    let last_col = grid.col_offset.saturating_add(width);
    for &(r1, c1, r2, c2) in &grid.merges {
        let (r1, c1, r2, c2) = (r1 as usize, c1 as usize, r2 as usize, c2 as usize);
        if c2 > c1 && r1 <= row0 && row0 <= r2 && c1 < last_col {
            let region = format!(
                "{}{}:{}{}",
                column_letters(c1),
                r1.saturating_add(1),
                column_letters(c2),
                r2.saturating_add(1)
            );
            return Err(ReadError::new(
                name,
                ReadErrorCode::MergedHeader,
                format!(
                    "header cells {region} are merged; unmerge them so that each column has its own \
                     header, or choose another header row"
                ),
            )
            .at_row(header_line)
            .at_column(column_letters(c1)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_file_is_reported_with_its_catalogue_code_and_location() {
        let e = ReadError::new("bills.xlsx", ReadErrorCode::ZipBomb, "it inflates to 64 MiB")
            .at_row(3)
            .at_column("B".into());
        let d = e.diagnostic();
        assert_eq!(d.code, Code::FileTooLarge);
        assert!(d.is_error());
        assert_eq!(
            (d.location.file.as_str(), d.location.row, d.location.column.as_deref()),
            ("bills.xlsx", Some(3), Some("B"))
        );
        assert_eq!(d.message, "it inflates to 64 MiB");
        // One refused file has one catalogue code, whichever way it was too large.
        assert_eq!(ReadErrorCode::TooLarge.diagnostic_code(), ReadErrorCode::ZipBomb.diagnostic_code());
        assert_eq!(ReadErrorCode::NotThisFormat.diagnostic_code(), Code::WrongFileType);
        assert_eq!(ReadErrorCode::Empty.diagnostic_code(), Code::EmptyFile);
    }
}
