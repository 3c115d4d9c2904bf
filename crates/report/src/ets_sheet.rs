//! What the scheme data sheets share (the China ETS data sheet, `cn_sheet`, decision 0034; the
//! EU annual emissions report sheet, `eu_aer`, decision 0040): how a value was obtained, a
//! cell's value, valid sheet names, the records' quality and evidence, and the fuel parameters
//! of a calculated line read from its steps — the record's own (measured, calculated or default
//! as the record says) or the emission factor's default (the factor named).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};
use scopebook_core::evaluate::{RecordValue, Step};
use scopebook_store::Store;

use crate::text::Lang;
use crate::workbook::{as_float, Sheet};
use crate::ReportError;

/// How a value was obtained (the MEE sheet's 获取方式; the MRR's tier evidence).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    Measured,
    Calculated,
    /// A default: the record's own (it says so) or the emission factor's.
    Default,
    /// The record says it was estimated.
    Estimated,
    /// Entered on the ETS unit or in the registry; how it was obtained is not stated.
    Entered,
    /// The record does not say.
    Unstated,
}

impl How {
    pub(crate) fn of(text: &str) -> How {
        match text {
            "measured" => How::Measured,
            "calculated" => How::Calculated,
            "default" => How::Default,
            "estimated" => How::Estimated,
            _ => How::Unstated,
        }
    }

    pub fn name(self, lang: Lang) -> String {
        match self {
            How::Measured => lang.pick("measured", "实测"),
            How::Calculated => lang.pick("calculated", "计算"),
            How::Default => lang.pick("default", "缺省值"),
            How::Estimated => lang.pick("estimated", "估算"),
            How::Entered => lang.pick("entered (how obtained not stated)", "录入（未说明获取方式）"),
            How::Unstated => lang.pick("not stated", "未说明"),
        }
    }
}

/// A cell's value: a number, or a text (a class, a cooling type, a registry status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Number(Decimal),
    Text(String),
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`.
/// "Facility / 设施 F3" (both languages) becomes "Facility 设施 F3".
pub(crate) fn sheet_name(text: &str) -> String {
    text.replace(" / ", " ").chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

/// A cell: a number (as text where a spreadsheet's float would change it), or a text.
pub(crate) fn write_value(ws: &mut Worksheet, row: u32, col: u16, v: &Value, number: &Format) -> Result<(), XlsxError> {
    match v {
        Value::Number(d) => match as_float(*d) {
            (_, Some(exact)) => ws.write_string(row, col, exact).map(|_| ()),
            (f, None) => ws.write_number_with_format(row, col, f, number).map(|_| ()),
        },
        Value::Text(t) => ws.write_string(row, col, t).map(|_| ()),
    }
}

/// The long-form Data sheet's last columns, the same in both sheets: the value (6) with its
/// exact text (7), its measure, how it was obtained, its source and evidence (8–11).
pub(crate) fn data_tail(
    s: &mut Sheet,
    lang: Lang,
    value: &Value,
    measure: &str,
    how: How,
    source: &str,
    evidence: &str,
) -> Result<(), XlsxError> {
    match value {
        Value::Number(d) => s.number(6, *d)?,
        Value::Text(t) => s.text(6, t)?,
    }
    s.text(8, measure)?;
    s.text(9, &how.name(lang))?;
    s.text(10, source)?;
    s.text(11, evidence)?;
    s.next();
    Ok(())
}

/// The Guide sheet: a note a row.
pub(crate) fn guide_sheet(lang: Lang, lines: Vec<String>) -> Result<Worksheet, XlsxError> {
    let note = lang.pick("Note", "说明");
    let mut s = Sheet::new(&sheet_name(&lang.pick("Guide", "指南")), &[note.as_str()], "0")?;
    for line in lines {
        s.text(0, &line)?;
        s.next();
    }
    s.ws.set_column_width(0, 120)?;
    s.finish()
}

/// Each activity record of the period by id: its data quality (how its quantity was obtained)
/// and its evidence (the note, the attached file with its SHA-256).
pub(crate) fn record_notes(store: &Store, year: i32) -> Result<BTreeMap<u64, (Option<String>, String)>, ReportError> {
    Ok(store
        .activities(year, false)?
        .into_iter()
        .filter_map(|r| {
            let evidence =
                [r.evidence.clone(), r.evidence_file.as_ref().map(|f| format!("{} (SHA-256 {})", f.name, f.sha256))]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("; ");
            Some((u64::try_from(r.id).ok()?, (r.data_quality.clone(), evidence)))
        })
        .collect())
}

/// A parameter of a calculated line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Param {
    /// `ncv`, `carbon_content`, `oxidation`, `co2_t` (of the carbon chain).
    pub parameter: &'static str,
    pub value: Decimal,
    pub measure: String,
    pub how: How,
    pub source: String,
}

/// A line's fuel parameters from its steps: net calorific value, carbon content, oxidation and
/// the carbon chain's CO₂ (t), each the record's own (`record` named as the source) or the
/// factor's default (`factor` named). Empty for a line that is no fuel's.
pub(crate) fn fuel_params(steps: &[Step], record: &str, factor: &str) -> Vec<Param> {
    let mut out = Vec::new();
    let pick = |own: &Option<RecordValue>| match own {
        Some(r) => (How::of(r.source), record.to_string()),
        None => (How::Default, factor.to_string()),
    };
    for s in steps {
        match s {
            Step::CalorificValue { unit, ncv_gj_per_unit, record: own, .. } => {
                let (how, source) = pick(own);
                out.push(Param {
                    parameter: "ncv",
                    value: *ncv_gj_per_unit,
                    measure: format!("GJ/{unit}"),
                    how,
                    source,
                });
            }
            Step::CarbonChain {
                carbon_t_per_gj, oxidation, co2_kg, carbon_from_record, oxidation_from_record, ..
            } => {
                let (how, source) = pick(carbon_from_record);
                let measure = "t C/GJ".to_string();
                out.push(Param { parameter: "carbon_content", value: *carbon_t_per_gj, measure, how, source });
                let (how, source) = pick(oxidation_from_record);
                out.push(Param { parameter: "oxidation", value: *oxidation, measure: String::new(), how, source });
                let (value, measure) = (*co2_kg / Decimal::ONE_THOUSAND, "t CO₂".to_string());
                out.push(Param {
                    parameter: "co2_t",
                    value,
                    measure,
                    how: How::Calculated,
                    source: record.to_string(),
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_in_every_language() {
        assert_eq!(sheet_name("Facility / 设施 F3"), "Facility 设施 F3");
        assert_eq!(sheet_name("设施 A/B:C[1]*?"), "设施 ABC1");
        assert_eq!(sheet_name(&"x".repeat(40)).chars().count(), 31);
        assert_eq!(How::of("measured"), How::Measured);
        assert_eq!(How::of("something else"), How::Unstated);
    }
}
