//! Typed values of arguments that clap's built-in parsers do not cover. Each is parsed once,
//! by clap, through its `parse` function; a refusal is a [`UsageError`], printed as
//! `scopebook: MESSAGE` with status 2.

use std::convert::Infallible;
use std::fmt;

use scopebook_import::mapping::Field;
use scopebook_import::read;
use scopebook_import::values::ValueKind;

/// A value an argument cannot take: the whole message, printed after `scopebook: `.
#[derive(Debug)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The text with surrounding white space removed.
pub fn trimmed(text: &str) -> Result<String, Infallible> {
    Ok(text.trim().to_string())
}

/// `--column FIELD=HEADER`: a correction of the import's column mapping; an empty header
/// unmaps the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMapping {
    pub field: Field,
    pub header: String,
}

impl ColumnMapping {
    pub fn parse(text: &str) -> Result<ColumnMapping, UsageError> {
        let Some((field, header)) = text.split_once('=') else {
            return Err(UsageError(format!("--column takes FIELD=HEADER, found '{text}'")));
        };
        let Some(field) = Field::parse(field.trim()) else {
            let fields: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
            return Err(UsageError(format!(
                "--column: '{}' is not a field; fields: {}",
                field.trim(),
                fields.join(", ")
            )));
        };
        Ok(ColumnMapping { field, header: header.trim().to_string() })
    }
}

/// `--value KIND:TEXT=TARGET`: a value of the file mapped to a library activity type or unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueMapping {
    pub kind: ValueKind,
    pub text: String,
    pub target: String,
}

impl ValueMapping {
    pub fn parse(text: &str) -> Result<ValueMapping, UsageError> {
        let bad = || UsageError(format!("--value takes activity:TEXT=TYPE or unit:TEXT=UNIT, found '{text}'"));
        let (kind, rest) = text.split_once(':').ok_or_else(bad)?;
        let kind = ValueKind::parse(kind).ok_or_else(bad)?;
        let (source, target) = rest.rsplit_once('=').ok_or_else(bad)?;
        let (source, target) = (source.trim(), target.trim());
        if source.is_empty() || target.is_empty() {
            return Err(bad());
        }
        Ok(ValueMapping { kind, text: source.to_string(), target: target.to_string() })
    }
}

/// `--delimiter`: one ASCII character, or `tab`; an empty value means "detect".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delimiter(pub Option<u8>);

impl Delimiter {
    pub fn parse(text: &str) -> Result<Delimiter, UsageError> {
        read::parse_delimiter(text).map(Delimiter).map_err(|m| UsageError(format!("--delimiter: {m}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns() {
        let c = ColumnMapping::parse(" quantity = 用量 ").map_err(|e| e.to_string());
        assert_eq!(c, Ok(ColumnMapping { field: Field::Quantity, header: "用量".into() }));
        let c = ColumnMapping::parse("unit=").map_err(|e| e.to_string());
        assert_eq!(c, Ok(ColumnMapping { field: Field::Unit, header: String::new() }));
        let e = ColumnMapping::parse("quantity").map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(e, Err("--column takes FIELD=HEADER, found 'quantity'".to_string()));
        let e = ColumnMapping::parse("nope=x").map(|_| ()).map_err(|e| e.to_string());
        assert!(e.is_err_and(|m| m.starts_with("--column: 'nope' is not a field; fields: facility, ")));
    }

    #[test]
    fn values() {
        let v = ValueMapping::parse("activity:天然气=natural_gas").map_err(|e| e.to_string());
        let want = ValueMapping { kind: ValueKind::Activity, text: "天然气".into(), target: "natural_gas".into() };
        assert_eq!(v, Ok(want));
        // The last `=` separates the target, so the text may hold one.
        let v = ValueMapping::parse("unit:a=b=kWh").map_err(|e| e.to_string());
        assert_eq!(v, Ok(ValueMapping { kind: ValueKind::Unit, text: "a=b".into(), target: "kWh".into() }));
        for bad in ["fuel:x=y", "activity:x", "activity:=y", "activity:x= ", "x=y"] {
            let e = ValueMapping::parse(bad).map(|_| ()).map_err(|e| e.to_string());
            assert_eq!(e, Err(format!("--value takes activity:TEXT=TYPE or unit:TEXT=UNIT, found '{bad}'")));
        }
    }

    #[test]
    fn delimiters() {
        assert_eq!(Delimiter::parse("").ok(), Some(Delimiter(None)));
        assert_eq!(Delimiter::parse("tab").ok(), Some(Delimiter(Some(b'\t'))));
        assert!(Delimiter::parse(";;").is_err_and(|e| e.to_string().starts_with("--delimiter: ")));
    }
}
