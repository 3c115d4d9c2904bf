//! Workbooks through calamine: `.xlsx`, `.xls`, `.ods`.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{NaiveDate, TimeDelta, Timelike};

use calamine::{Data, Dimensions, ExcelDateTime, Ods, Range, Reader, Xls, Xlsx};

use super::{cells, Cell, Format, Grid, ReadError, ReadErrorCode, ReadOptions, Row};

type Bytes<'a> = Cursor<&'a [u8]>;

fn malformed(name: &str, format: Format, e: impl std::fmt::Display) -> ReadError {
    ReadError::new(name, ReadErrorCode::Malformed, format!("the {} workbook cannot be read: {e}", format.as_str()))
}

/// Calamine is a parser of untrusted input written by others: a panic inside it (a bug) becomes a
/// `malformed` error instead of taking the application down.
/// The panic is not printed either: the error says what happened (a thread-local flag tells the
/// panic hook, installed once around the previous one, to stay quiet for this thread only).
fn guarded<T>(name: &str, format: Format, f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    quiet_panics_hook();
    QUIET.with(|q| q.set(true));
    let out = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    out.unwrap_or_else(|_| Err(malformed(name, format, "the workbook reader failed on its content")))
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn quiet_panics_hook() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

pub(super) fn sheet_names(name: &str, bytes: &[u8], format: Format) -> Result<Vec<String>, ReadError> {
    guarded(name, format, || {
        let names = match format {
            Format::Xlsx => Xlsx::new(Cursor::new(bytes)).map_err(|e| malformed(name, format, e))?.sheet_names(),
            Format::Xls => Xls::new(Cursor::new(bytes)).map_err(|e| malformed(name, format, e))?.sheet_names(),
            Format::Ods => Ods::new(Cursor::new(bytes)).map_err(|e| malformed(name, format, e))?.sheet_names(),
            Format::Csv => Vec::new(),
        };
        Ok(names)
    })
}

pub(super) fn read_workbook(name: &str, bytes: &[u8], format: Format, opts: &ReadOptions) -> Result<Grid, ReadError> {
    guarded(name, format, || match format {
        Format::Xlsx => {
            let mut wb: Xlsx<Bytes<'_>> = Xlsx::new(Cursor::new(bytes)).map_err(|e| malformed(name, format, e))?;
            let (sheet, sheets, range) = choose_sheet(name, format, &mut wb, opts)?;
            let merges = match wb.worksheet_merge_cells(&sheet) {
                Some(Ok(m)) => m,
                Some(Err(e)) => return Err(malformed(name, format, e)),
                None => Vec::new(),
            };
            let formulas = wb.worksheet_formula(&sheet).ok();
            Ok(grid(format, sheet, sheets, &range, formulas.as_ref(), &merges))
        }
        Format::Xls => {
            let mut wb: Xls<Bytes<'_>> = Xls::new(Cursor::new(bytes)).map_err(|e| malformed(name, format, e))?;
            let (sheet, sheets, range) = choose_sheet(name, format, &mut wb, opts)?;
            let merges = wb.worksheet_merge_cells(&sheet).unwrap_or_default();
            let formulas = wb.worksheet_formula(&sheet).ok();
            Ok(grid(format, sheet, sheets, &range, formulas.as_ref(), &merges))
        }
        Format::Ods => {
            let mut wb: Ods<Bytes<'_>> = Ods::new(Cursor::new(bytes)).map_err(|e| malformed(name, format, e))?;
            let (sheet, sheets, range) = choose_sheet(name, format, &mut wb, opts)?;
            let formulas = wb.worksheet_formula(&sheet).ok();
            Ok(grid(format, sheet, sheets, &range, formulas.as_ref(), &[]))
        }
        Format::Csv => Err(malformed(name, format, "not a workbook")),
    })
}

fn choose_sheet<RS, R>(
    name: &str,
    format: Format,
    wb: &mut R,
    opts: &ReadOptions,
) -> Result<(String, Vec<String>, Range<Data>), ReadError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let sheets = wb.sheet_names();
    if sheets.is_empty() {
        return Err(ReadError::new(name, ReadErrorCode::Empty, "the workbook has no sheets"));
    }
    if let Some(wanted) = &opts.sheet {
        let found = sheets
            .iter()
            .find(|s| *s == wanted)
            .or_else(|| sheets.iter().find(|s| s.trim().to_lowercase() == wanted.trim().to_lowercase()))
            .cloned();
        let Some(sheet) = found else {
            let list: Vec<String> = sheets.iter().map(|s| format!("\"{s}\"")).collect();
            return Err(ReadError::new(
                name,
                ReadErrorCode::SheetNotFound,
                format!("there is no sheet \"{wanted}\"; the sheets are {}", list.join(", ")),
            ));
        };
        let range = wb.worksheet_range(&sheet).map_err(|e| malformed(name, format, e))?;
        return Ok((sheet, sheets, range));
    }
    for sheet in &sheets {
        let range = wb.worksheet_range(sheet).map_err(|e| malformed(name, format, e))?;
        if range.used_cells().any(|(_, _, d)| !is_blank(d)) {
            return Ok((sheet.clone(), sheets, range));
        }
    }
    let message = if sheets.len() == 1 {
        "the workbook's only sheet is empty".to_owned()
    } else {
        format!("all {} sheets of the workbook are empty", sheets.len())
    };
    Err(ReadError::new(name, ReadErrorCode::Empty, message))
}

fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn grid(
    format: Format,
    sheet: String,
    sheets: Vec<String>,
    range: &Range<Data>,
    formulas: Option<&Range<String>>,
    merges: &[Dimensions],
) -> Grid {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::with_capacity(range.height());
    for (i, values) in range.rows().enumerate() {
        let abs_row = u32::try_from(i).ok().and_then(|i| r0.checked_add(i));
        let mut cells = Vec::with_capacity(values.len());
        let mut blank = true;
        for (j, value) in values.iter().enumerate() {
            let mut cell = convert(value);
            if cell.is_empty() {
                if let (Some(r), Some(c), Some(f)) =
                    (abs_row, u32::try_from(j).ok().and_then(|j| c0.checked_add(j)), formulas)
                {
                    if let Some(formula) = f.get_value((r, c)).filter(|s| !s.trim().is_empty()) {
                        cell = Cell::Error(format!(
                            "formula ={formula} has no saved value; open the file in Excel or LibreOffice and save it again"
                        ));
                    }
                }
            }
            blank = blank && cell.is_empty();
            cells.push(cell);
        }
        if !blank {
            let line = abs_row.map_or(usize::MAX, |r| (r as usize).saturating_add(1));
            rows.push(Row { line, cells });
        }
    }
    Grid {
        format,
        sheet: Some(sheet),
        sheets,
        encoding: None,
        delimiter: None,
        rows,
        col_offset: c0 as usize,
        merges: merges.iter().map(|d| (d.start.0, d.start.1, d.end.0, d.end.1)).collect(),
    }
}

/// One calamine value as a [`Cell`]. Numbers are written with the shortest text that reads back
/// as the same binary value, which is the text the user typed (decision 0012).
fn convert(value: &Data) -> Cell {
    match value {
        Data::Empty => Cell::Empty,
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(t.to_owned())
            }
        }
        Data::Int(i) => Cell::Number(i.to_string()),
        Data::Float(f) => float_cell(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::DateTime(dt) => date_cell(dt),
        Data::DateTimeIso(s) => iso_date_cell(s),
        Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}

fn float_cell(f: f64) -> Cell {
    if f.is_finite() {
        // `Display` for f64 is the shortest round-trip decimal, never in exponent form, and
        // writes integral values without ".0".
        let text = format!("{f}");
        if text == "-0" {
            Cell::Number("0".to_owned())
        } else {
            Cell::Number(text)
        }
    } else {
        Cell::Error("#NUM!".to_owned())
    }
}

/// Excel's largest date serial: 9999-12-31.
const MAX_SERIAL: f64 = 2_958_466.0;

fn date_cell(dt: &ExcelDateTime) -> Cell {
    let v = dt.as_f64();
    if dt.is_duration() {
        return float_cell(v);
    }
    // Outside this range calamine's conversion is meaningless (and can overflow).
    if !(v.is_finite() && (0.0..MAX_SERIAL).contains(&v)) {
        return Cell::Error("#NUM!".to_owned());
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    // Excel stores 08:30 as a fraction of a day that may come back as 08:29:59.999: round to the
    // nearest second.
    let Some(at) = NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))
        .and_then(|date| date.and_hms_milli_opt(u32::from(h), u32::from(mi), u32::from(s), u32::from(ms)))
        .and_then(|t| t.checked_add_signed(TimeDelta::milliseconds(500)))
        .and_then(|t| t.with_nanosecond(0))
    else {
        // Only 1900-02-29, Excel's invented day (serial 60), has no calendar date.
        return Cell::Error("#VALUE! (1900-02-29 does not exist)".to_owned());
    };
    if v < 1.0 {
        // A time of day alone.
        return Cell::Text(at.format("%H:%M:%S").to_string());
    }
    if (at.hour(), at.minute(), at.second()) == (0, 0, 0) {
        Cell::Date(at.format("%Y-%m-%d").to_string())
    } else {
        Cell::Date(at.format("%Y-%m-%dT%H:%M:%S").to_string())
    }
}

fn iso_date_cell(s: &str) -> Cell {
    let t = s.trim();
    match cells::date_text_plain(t.get(..10).unwrap_or(t)) {
        Ok(date) => {
            let time = t.get(10..).unwrap_or("").trim_start_matches('T');
            let time = time.get(..8).unwrap_or(time);
            if time.is_empty() || time.trim_start_matches(['0', ':']).is_empty() {
                Cell::Date(date)
            } else {
                Cell::Date(format!("{date}T{time}"))
            }
        }
        Err(_) => Cell::Text(t.to_owned()),
    }
}
