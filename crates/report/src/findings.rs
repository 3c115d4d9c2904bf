//! The auditor's findings workbook (.xlsx; decision 0042): sheets of plain rows that the package
//! crate fills from an auditor's findings (the marks, the sample's parameters, a summary), written
//! with the workbook export's own [`Sheet`]: bold frozen headers, an autofilter, text cells that
//! are strings (never formulas: a comment `=HYPERLINK(..)` stays inert), numbers as numbers with
//! their exact text beside them where a float would change them, a fixed creation time (the same
//! findings give the same bytes). Headers and sheet names are in English and Chinese.

use rust_decimal::Decimal;
use rust_xlsxwriter::XlsxError;

use crate::workbook::{save, Sheet};
use crate::ReportError;

/// One cell of a findings sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// An exact figure: a spreadsheet number, and its exact text in the next column when the
    /// number's float changes it (leave that column free).
    Number(Decimal),
}

/// One sheet: its name, its header (one cell per column) and its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A workbook of `sheets`, titled `title`.
pub fn findings_xlsx(title: &str, sheets: &[TableSheet]) -> Result<Vec<u8>, ReportError> {
    build(title, sheets).map_err(|e| ReportError::Workbook(e.to_string()))
}

fn build(title: &str, sheets: &[TableSheet]) -> Result<Vec<u8>, XlsxError> {
    let mut out = Vec::with_capacity(sheets.len());
    for t in sheets {
        let header: Vec<&str> = t.header.iter().map(String::as_str).collect();
        let mut sheet = Sheet::new(&t.name, &header, "#,##0.######")?;
        for row in &t.rows {
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    Cell::Text(s) => sheet.text(c, s)?,
                    Cell::Number(d) => sheet.number(c, *d)?,
                }
            }
            sheet.next();
        }
        out.push(sheet.finish()?);
    }
    save(title, out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sheets(comment: &str) -> Vec<TableSheet> {
        vec![TableSheet {
            name: "Findings 审核发现".into(),
            header: vec!["Record 记录".into(), "Comment 意见".into(), "CO2e kg".into()],
            rows: vec![vec![Cell::Text("7".into()), Cell::Text(comment.into()), Cell::Number(Decimal::new(1, 1))]],
        }]
    }

    #[test]
    fn the_same_findings_give_the_same_bytes_and_a_formula_stays_text() {
        let a = findings_xlsx("t", &sheets("=HYPERLINK(\"x\")")).unwrap();
        let b = findings_xlsx("t", &sheets("=HYPERLINK(\"x\")")).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, findings_xlsx("t", &sheets("other")).unwrap());
        assert!(a.starts_with(b"PK"));
    }
}
