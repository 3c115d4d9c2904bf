//! Cell normalisers: the exact decimal text of a number cell, the ISO date of a date cell.
//! Each returns a reason the user can act on when it refuses.

use chrono::{Datelike, Days, NaiveDate};

use super::Cell;

/// Excel's date serial range: 1 (1900-01-01) to 2958465 (9999-12-31).
const MAX_SERIAL: u32 = 2_958_465;
/// Largest exponent accepted in `1.5E3`.
const MAX_EXPONENT: i64 = 60;

/// The plain decimal text of a cell (`-1234.50`): what [`scopebook_core::number::parse_decimal`] reads.
///
/// Accepts thousands separators in groups of three (`1,234.5`, `1 234`, no-break and thin
/// spaces), full-width digits and punctuation (`１２３．５`), `(12)` and a trailing minus (`12-`,
/// as SAP writes) for negatives, the minus sign U+2212, and exponents (`1.5E3`). The user's
/// digits are kept exactly: no floating point.
pub fn number_text(cell: &Cell) -> Result<String, String> {
    match cell {
        Cell::Number(s) => Ok(s.clone()),
        Cell::Text(s) => number_from_text(s),
        Cell::Empty => Err("the cell is empty".to_owned()),
        Cell::Error(e) => Err(format!("the cell holds the error {e}, not a number")),
        Cell::Date(d) => Err(format!("the cell holds a date ({d}), not a number")),
        Cell::Bool(b) => Err(format!("the cell holds {}, not a number", if *b { "TRUE" } else { "FALSE" })),
    }
}

fn fold_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c),
        '．' => '.',
        '，' => ',',
        '－' | '\u{2212}' | '\u{2012}' | '\u{2013}' => '-',
        '＋' => '+',
        '（' => '(',
        '）' => ')',
        '／' => '/',
        '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{3000}' => ' ',
        _ => c,
    }
}

/// `-?digits(.digits)?`: text that is already what `parse_decimal` reads.
fn is_plain_number(t: &str) -> bool {
    let body = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, "1"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn number_from_text(raw: &str) -> Result<String, String> {
    // The common case, without the folding and checks below (a million-row import).
    let plain = raw.trim();
    if is_plain_number(plain) {
        return Ok(plain.to_owned());
    }
    let folded: String = raw.trim().chars().map(fold_width).collect();
    let t = folded.trim();
    if t.is_empty() {
        return Err("the cell is empty".to_owned());
    }
    let quoted = format!("\"{}\"", raw.trim());
    if t.starts_with('#') {
        return Err(format!("{quoted} is a spreadsheet error value, not a number"));
    }
    let (negative, body) = if let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        (true, inner.trim())
    } else if let Some(rest) = t.strip_prefix('-') {
        (true, rest.trim_start())
    } else if let Some(rest) = t.strip_prefix('+') {
        (false, rest.trim_start())
    } else if let Some(rest) = t.strip_suffix('-') {
        (true, rest.trim_end())
    } else {
        (false, t)
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => {
            let exp_text = body.get(i + 1..).unwrap_or("");
            let exp: i64 =
                exp_text.parse().map_err(|_| format!("{quoted} is not a number: \"{exp_text}\" is not an exponent"))?;
            if exp.abs() > MAX_EXPONENT {
                return Err(format!("{quoted}: the exponent {exp} is out of range"));
            }
            (body.get(..i).unwrap_or(""), exp)
        }
        None => (body, 0),
    };
    let mut parts = mantissa.split('.');
    let int_part = parts.next().unwrap_or("");
    let frac = parts.next().unwrap_or("");
    if parts.next().is_some() {
        return Err(format!("{quoted} is not a number: it has more than one decimal point"));
    }
    let int_digits = ungroup(int_part, &quoted)?;
    if let Some(c) = frac.chars().find(|c| !c.is_ascii_digit()) {
        return Err(not_a_digit(&quoted, c));
    }
    if int_digits.is_empty() && frac.is_empty() {
        return Err(format!("{quoted} is not a number: it has no digits"));
    }
    let (int_digits, frac) = shift(&int_digits, frac, exponent);
    let mut out = String::with_capacity(int_digits.len() + frac.len() + 2);
    if negative {
        out.push('-');
    }
    if int_digits.is_empty() {
        out.push('0');
    } else {
        out.push_str(&int_digits);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    Ok(out)
}

fn not_a_digit(quoted: &str, c: char) -> String {
    match c {
        '%' => format!("{quoted} is a percentage; give the quantity itself"),
        ' ' => format!("{quoted} is not a number: it contains a space that is not a thousands separator"),
        _ => format!("{quoted} is not a number: \"{c}\" is not a digit"),
    }
}

/// The digits of an integer part, thousands separators removed. A separator must be used the
/// same way throughout, with groups of exactly three digits after the first.
fn ungroup(int_part: &str, quoted: &str) -> Result<String, String> {
    let separator = int_part.chars().find(|c| matches!(c, ',' | ' ' | '\''));
    let Some(sep) = separator else {
        if let Some(c) = int_part.chars().find(|c| !c.is_ascii_digit()) {
            return Err(not_a_digit(quoted, c));
        }
        return Ok(int_part.to_owned());
    };
    let mut digits = String::with_capacity(int_part.len());
    for (k, group) in int_part.split(sep).enumerate() {
        if let Some(c) = group.chars().find(|c| !c.is_ascii_digit()) {
            return Err(not_a_digit(quoted, c));
        }
        let ok = if k == 0 { (1..=3).contains(&group.len()) } else { group.len() == 3 };
        if !ok {
            let what = if sep == ',' {
                "a comma that is not a thousands separator (groups of three digits); a decimal comma \
                 is not accepted, write a decimal point"
                    .to_owned()
            } else {
                format!("\"{sep}\" that is not a thousands separator (groups of three digits)")
            };
            return Err(format!("{quoted} is not a number: it has {what}"));
        }
        digits.push_str(group);
    }
    Ok(digits)
}

/// Move the decimal point `exp` places to the right (left if negative), in text.
fn shift(int_digits: &str, frac: &str, exp: i64) -> (String, String) {
    if exp == 0 {
        return (int_digits.to_owned(), frac.to_owned());
    }
    let all: String = format!("{int_digits}{frac}");
    let point = i64::try_from(int_digits.len()).unwrap_or(0).saturating_add(exp);
    let len = i64::try_from(all.len()).unwrap_or(0);
    let (i, f) = if point <= 0 {
        let zeros = usize::try_from(-point).unwrap_or(0);
        (String::new(), format!("{}{all}", "0".repeat(zeros)))
    } else if point >= len {
        let zeros = usize::try_from(point - len).unwrap_or(0);
        (format!("{all}{}", "0".repeat(zeros)), String::new())
    } else {
        let p = usize::try_from(point).unwrap_or(0);
        (all.get(..p).unwrap_or("").to_owned(), all.get(p..).unwrap_or("").to_owned())
    };
    let i = i.trim_start_matches('0').to_owned();
    let f = f.trim_end_matches('0').to_owned();
    (i, f)
}

/// The ISO date (`yyyy-mm-dd`) of a cell.
///
/// Accepts date cells, Excel serial numbers (1900 system, whole numbers 1 to 2958465; serial 60,
/// Excel's invented 1900-02-29, is refused), and text written year first: `2023-01-31`,
/// `2023/1/31`, `2023.1.31`, `2023年1月31日`, `20230131`, optionally followed by a midnight time,
/// or a five-digit serial as text. Day-first and month-first dates are refused: `01/02/2023` is
/// 1 February in most countries and 2 January in the US.
pub fn date_text(cell: &Cell) -> Result<String, String> {
    match cell {
        Cell::Date(d) => Ok(d.get(..10).unwrap_or(d).to_owned()),
        Cell::Number(s) => from_serial(s),
        Cell::Text(s) => date_text_plain(s),
        Cell::Empty => Err("the cell is empty".to_owned()),
        Cell::Error(e) => Err(format!("the cell holds the error {e}, not a date")),
        Cell::Bool(b) => Err(format!("the cell holds {}, not a date", if *b { "TRUE" } else { "FALSE" })),
    }
}

fn from_serial(s: &str) -> Result<String, String> {
    let t = s.trim();
    let n: u32 = match t.parse() {
        Ok(n) => n,
        Err(_) if t.contains('.') && t.chars().all(|c| c.is_ascii_digit() || c == '.') => {
            return Err(format!(
            "{t} is not a date: a date serial number is a whole number (this one has a time of day or is not a date)"
        ))
        }
        Err(_) => return Err(format!("{t} is not a date serial number")),
    };
    if !(1..=MAX_SERIAL).contains(&n) {
        return Err(format!(
            "{t} is not a date: Excel date serial numbers run from 1 (1900-01-01) to {MAX_SERIAL} (9999-12-31)"
        ));
    }
    if n == 60 {
        return Err(
            "60 is not a date: Excel's serial 60 is 29 February 1900, a day that does not exist (Excel's 1900 leap-year bug)"
                .to_owned(),
        );
    }
    // Serials after 60 count from 1899-12-30 because Excel counts the non-existent 1900-02-29.
    let (base, days) = if n < 60 { ((1899, 12, 31), n) } else { ((1899, 12, 30), n) };
    NaiveDate::from_ymd_opt(base.0, base.1, base.2)
        .and_then(|b| b.checked_add_days(Days::new(u64::from(days))))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .ok_or_else(|| format!("{t} is not a date"))
}

/// [`date_text`] of a text cell.
pub(super) fn date_text_plain(raw: &str) -> Result<String, String> {
    // The common case: an ISO date, checked by the calendar.
    let plain = raw.trim();
    let b = plain.as_bytes();
    if b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return ymd(&format!("\"{plain}\""), plain.get(..4), plain.get(5..7), plain.get(8..10));
    }
    let folded: String = raw.trim().chars().map(fold_width).collect();
    let t = folded.trim();
    let quoted = format!("\"{}\"", raw.trim());
    if t.is_empty() {
        return Err("the cell is empty".to_owned());
    }
    // A time after the date: accepted only if it is midnight (exports from databases).
    let (date, time) = match t.find([' ', 'T']) {
        Some(i) => (t.get(..i).unwrap_or(t), t.get(i + 1..).unwrap_or("").trim()),
        None => (t, ""),
    };
    if !time.is_empty() {
        let midnight = time.contains(':') && time.chars().all(|c| matches!(c, '0' | ':' | '.'));
        if !midnight {
            return Err(format!("{quoted} has a time of day; give the date alone"));
        }
    }
    if date.chars().all(|c| c.is_ascii_digit()) {
        return match date.len() {
            8 => ymd(&quoted, date.get(..4), date.get(4..6), date.get(6..8)),
            5 => from_serial(date),
            _ => Err(format!("{quoted} is not a date; write it as yyyy-mm-dd")),
        };
    }
    let date = date.replace(['年', '月'], "-");
    let date = date.strip_suffix('日').unwrap_or(&date);
    let sep = date.chars().find(|c| matches!(c, '-' | '/' | '.'));
    let Some(sep) = sep else {
        return Err(format!("{quoted} is not a date; write it as yyyy-mm-dd"));
    };
    let parts: Vec<&str> = date.split(sep).collect();
    let numeric = parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if !numeric {
        return Err(format!("{quoted} is not a date; write it as yyyy-mm-dd"));
    }
    let (a, b, c) = (
        parts.first().copied().unwrap_or(""),
        parts.get(1).copied().unwrap_or(""),
        parts.get(2).copied().unwrap_or(""),
    );
    if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        return ymd(&quoted, Some(a), Some(b), Some(c));
    }
    if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
        let (x, y) = (a.parse::<u32>().unwrap_or(0), b.parse::<u32>().unwrap_or(0));
        if (1..=12).contains(&x) && (1..=12).contains(&y) && x != y {
            return Err(format!(
                "{quoted} is ambiguous: day first it is {c}-{y:02}-{x:02}, month first it is {c}-{x:02}-{y:02}; write dates year first (yyyy-mm-dd)"
            ));
        }
        return Err(format!(
            "{quoted} puts the day or the month first, which is read differently in different countries; write dates year first (yyyy-mm-dd)"
        ));
    }
    if a.len() <= 2 && c.len() <= 2 {
        return Err(format!("{quoted} has a two-digit year; write dates as yyyy-mm-dd"));
    }
    Err(format!("{quoted} is not a date; write it as yyyy-mm-dd"))
}

fn ymd(quoted: &str, y: Option<&str>, m: Option<&str>, d: Option<&str>) -> Result<String, String> {
    let num = |s: Option<&str>| s.and_then(|s| s.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(y), num(m), num(d)) else {
        return Err(format!("{quoted} is not a date; write it as yyyy-mm-dd"));
    };
    let year = i32::try_from(y).unwrap_or(0);
    if !(1000..=9999).contains(&y) {
        return Err(format!("{quoted} is not a date: the year {y} is out of range"));
    }
    if !(1..=12).contains(&m) {
        return Err(format!("{quoted} is not a date: there is no month {m}"));
    }
    match NaiveDate::from_ymd_opt(year, m, d) {
        Some(date) => Ok(format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())),
        None => {
            let days = days_in_month(year, m);
            Err(format!("{quoted} is not a date: {year}-{m:02} has {days} days"))
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31).rev().find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some()).unwrap_or(28)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn num(s: &str) -> Result<String, String> {
        number_text(&Cell::Text(s.to_owned()))
    }

    fn date(s: &str) -> Result<String, String> {
        date_text(&Cell::Text(s.to_owned()))
    }

    #[test]
    fn numbers_accepted() {
        for (input, want) in [
            ("1,234.50", "1234.50"),
            ("１２３．５", "123.5"),
            ("1 234", "1234"),
            ("1\u{00A0}234\u{00A0}567", "1234567"),
            ("1\u{202F}234", "1234"),
            ("(12)", "-12"),
            ("（１２）", "-12"),
            ("\u{2212}5", "-5"),
            ("-0.001", "-0.001"),
            ("+7", "7"),
            ("12-", "-12"),
            ("1,234,567", "1234567"),
            (".5", "0.5"),
            ("12.", "12"),
            ("007", "007"),
            ("1.5E3", "1500"),
            ("1.23457E+11", "123457000000"),
            ("2.5e-3", "0.0025"),
            ("  42  ", "42"),
        ] {
            assert_eq!(num(input).as_deref(), Ok(want), "{input}");
        }
        assert_eq!(number_text(&Cell::Number("0.1".into())).as_deref(), Ok("0.1"));
    }

    #[test]
    fn numbers_refused_with_reason() {
        for (input, reason) in [
            ("1,23", "not a thousands separator"),
            ("12abc", "\"a\" is not a digit"),
            ("", "empty"),
            ("1.2.3", "more than one decimal point"),
            ("#DIV/0!", "error value"),
            ("12%", "percentage"),
            ("1,2345", "not a thousands separator"),
            ("12 34", "not a thousands separator"),
            ("-", "no digits"),
            ("1e999", "out of range"),
            ("¥100", "is not a digit"),
            ("1,234 567", "not a thousands separator"),
        ] {
            let err = num(input).expect_err(input);
            assert!(err.contains(reason), "{input}: {err}");
        }
        assert!(number_text(&Cell::Error("#DIV/0!".into())).unwrap_err().contains("#DIV/0!"));
        assert!(number_text(&Cell::Empty).is_err());
        assert!(number_text(&Cell::Date("2023-01-01".into())).is_err());
    }

    #[test]
    fn dates_accepted() {
        for (input, want) in [
            ("2023-01-31", "2023-01-31"),
            ("2023/1/31", "2023-01-31"),
            ("2023.1.31", "2023-01-31"),
            ("2023年1月31日", "2023-01-31"),
            ("２０２３年１月３１日", "2023-01-31"),
            ("20230131", "2023-01-31"),
            ("2023-01-31 00:00:00", "2023-01-31"),
            ("2024-02-29", "2024-02-29"),
            ("44957", "2023-01-31"),
        ] {
            assert_eq!(date(input).as_deref(), Ok(want), "{input}");
        }
        assert_eq!(date_text(&Cell::Date("2023-05-06".into())).as_deref(), Ok("2023-05-06"));
        assert_eq!(date_text(&Cell::Date("2023-05-06T08:00:00".into())).as_deref(), Ok("2023-05-06"));
    }

    #[test]
    fn excel_serials() {
        let serial = |s: &str| date_text(&Cell::Number(s.to_owned()));
        assert_eq!(serial("1").as_deref(), Ok("1900-01-01"));
        assert_eq!(serial("59").as_deref(), Ok("1900-02-28"));
        assert!(serial("60").unwrap_err().contains("leap-year bug"));
        assert_eq!(serial("61").as_deref(), Ok("1900-03-01"));
        assert_eq!(serial("44927").as_deref(), Ok("2023-01-01"));
        assert_eq!(serial("2958465").as_deref(), Ok("9999-12-31"));
        assert!(serial("2958466").unwrap_err().contains("run from 1"));
        assert!(serial("0").is_err());
        assert!(serial("-3").is_err());
        assert!(serial("44927.5").unwrap_err().contains("whole number"));
    }

    #[test]
    fn dates_refused_with_reason() {
        for (input, reason) in [
            ("01/02/2023", "ambiguous"),
            ("31/01/2023", "day or the month first"),
            ("2023-02-30", "2023-02 has 28 days"),
            ("2024-02-30", "2024-02 has 29 days"),
            ("2023-13-01", "no month 13"),
            ("23/1/31", "two-digit year"),
            ("2023-01-31 08:30", "time of day"),
            ("yesterday", "not a date"),
            ("", "empty"),
            ("2023", "not a date"),
            ("0999-01-01", "out of range"),
        ] {
            let err = date(input).expect_err(input);
            assert!(err.contains(reason), "{input}: {err}");
        }
    }
}
