//! The China ETS data sheet (`report --kind cn-ets-sheet`, decision 0034): a prefilled workbook
//! per covered facility, one row a parameter and a column a month, then the year, how the value
//! was obtained, its source and its evidence — the layout of the MEE power-sector supplementary
//! data sheet. It is a template to check and complete, not a submission.
//!
//! Values come from the period's China ETS units as stored (each unit's class, cooling, output,
//! heat, heat-supply ratio, load factor, verified emissions: entered, so "how obtained" is not
//! stated) and from the calculation of the facilities' activity records (`Store::calculate`, the
//! figures of `scopebook calc --db`): fuel burnt, its net calorific value, carbon content and
//! oxidation — the record's own (measured, calculated or default as the record says) or the
//! emission factor's default (named) — the CO₂ of the carbon chain, and electricity bought.
//! A record within one calendar month fills that month; any other period fills the year column
//! and says which period. Nothing is estimated here: an empty cell is a value the data lack.

use chrono::Datelike;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};
use scopebook_core::calc::ResultLine;
use scopebook_core::classify::{Classification, Scope2Category};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::evaluate::Step;
use scopebook_core::library::FactorLibrary;
use scopebook_store::{EtsScheme, Store};

use crate::ets_sheet::{data_tail, fuel_params, guide_sheet, record_notes, sheet_name, write_value};
pub use crate::ets_sheet::{How, Value};
use crate::text::Lang;
use crate::workbook::{save, Sheet};
use crate::ReportError;

/// One value of the sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetValue {
    pub facility: String,
    /// The ETS unit, or empty for the facility's records (records are kept per facility).
    pub unit: String,
    /// A stable key: `output_mwh`, `fuel_consumption`, `ncv`, ...
    pub parameter: &'static str,
    /// What it is of: the fuel or the record's activity; empty for a unit's figures.
    pub item: String,
    /// 1–12, or `None` for the year.
    pub month: Option<u32>,
    pub value: Value,
    pub measure: String,
    pub how: How,
    pub source: String,
    pub evidence: String,
}

fn parameter_name(lang: Lang, key: &str) -> String {
    match key {
        "unit_class" => lang.pick("Unit class", "机组类别"),
        "cooling" => lang.pick("Cooling", "冷却方式"),
        "output_mwh" => lang.pick("Electricity generated", "发电量"),
        "heat_gj" => lang.pick("Heat supplied", "供热量"),
        "heat_supply_ratio" => lang.pick("Heat supply ratio", "供热比"),
        "load_factor" => lang.pick("Load factor", "负荷（出力）系数"),
        "verified_t" => lang.pick("Verified emissions", "核查排放量"),
        "allocation_t" => lang.pick("Allocation entered", "录入的配额量"),
        "fuel_consumption" => lang.pick("Fuel consumed", "燃料消耗量"),
        "ncv" => lang.pick("Net calorific value", "低位发热量"),
        "carbon_content" => lang.pick("Carbon content per unit of energy", "单位热值含碳量"),
        "oxidation" => lang.pick("Carbon oxidation rate", "碳氧化率"),
        "co2_t" => lang.pick("CO₂ from fuel combustion", "化石燃料燃烧排放量"),
        "electricity_bought" => lang.pick("Electricity bought", "购入使用电量"),
        "grid_factor" => lang.pick("Grid emission factor", "电网排放因子"),
        other => other.to_string(),
    }
}

/// Parameters whose monthly values add up (the others are rates: several differing values in
/// a month are not added).
fn additive(key: &str) -> bool {
    matches!(key, "fuel_consumption" | "co2_t" | "electricity_bought" | "output_mwh" | "heat_gj" | "verified_t")
}

fn month_of(l: &ResultLine) -> Option<u32> {
    let p = &l.activity.period;
    (p.start.year() == p.end.year() && p.start.month() == p.end.month()).then(|| p.start.month())
}

/// The values of a period's China ETS facilities: their units' figures and their records'.
pub fn sheet_values(store: &Store, lib: &FactorLibrary, year: i32) -> Result<Vec<SheetValue>, ReportError> {
    let units: Vec<_> = store.ets_units(year)?.into_iter().filter(|u| u.scheme == EtsScheme::CnEts).collect();
    if units.is_empty() {
        return Err(ReportError::Refused(vec![Diagnostic::error(
            Code::NoDataRows,
            Location { file: store.name().to_string(), row: None, column: Some("period".into()) },
            format!(
                "period {year} has no China ETS units, so there is no data sheet to prefill; register a covered facility (`scopebook ets facility set --scheme cn-ets`) and enter its units (`scopebook ets unit add` or `import`)"
            ),
        )]));
    }
    let mut out = Vec::new();
    for u in &units {
        let v = &u.values;
        let source = format!("ETS unit {} ({})", u.id, v.plan.as_deref().unwrap_or("-"));
        let mut put = |parameter: &'static str, value: Option<Value>, measure: &str| {
            if let Some(value) = value {
                out.push(SheetValue {
                    facility: v.facility.clone(),
                    unit: v.unit.clone(),
                    parameter,
                    item: String::new(),
                    month: None,
                    value,
                    measure: measure.to_string(),
                    how: How::Entered,
                    source: source.clone(),
                    evidence: String::new(),
                });
            }
        };
        let num = |t: &Option<String>| t.as_deref().and_then(|t| scopebook_core::number::parse_decimal(t).ok());
        put("unit_class", Some(Value::Text(v.unit_class.clone())), "");
        put("cooling", v.cooling.clone().map(Value::Text), "");
        put("output_mwh", num(&v.output_mwh).map(Value::Number), "MWh");
        put("heat_gj", num(&v.heat_gj).map(Value::Number), "GJ");
        put("heat_supply_ratio", num(&v.heat_supply_ratio).map(Value::Number), "");
        put("load_factor", num(&v.load_factor).map(Value::Number), "");
        put("verified_t", num(&Some(v.verified_t.clone())).map(Value::Number), "t CO₂");
        put("allocation_t", num(&v.allocation_t).map(Value::Number), "t");
    }
    let facilities: Vec<String> = {
        let mut f: Vec<String> = units.iter().map(|u| u.values.facility.clone()).collect();
        f.sort();
        f.dedup();
        f
    };
    let records = record_notes(store, year)?;
    let calc = store.calculate(lib, year, true)?;
    for l in calc.run.inventory.lines.iter().filter(|l| facilities.iter().any(|f| **f == *l.activity.facility)) {
        let (quality, evidence) = records.get(&l.activity.row).cloned().unwrap_or_default();
        line_values(l, quality.as_deref(), &evidence, &mut out);
    }
    Ok(out)
}

/// The values one calculated line gives.
fn line_values(l: &ResultLine, quality: Option<&str>, evidence: &str, out: &mut Vec<SheetValue>) {
    let a = &l.activity;
    let month = month_of(l);
    let period = if month.is_some() { String::new() } else { format!(", {} – {}", a.period.start, a.period.end) };
    let record = format!("record {}{period}", a.row);
    let factor = format!("factor {} ({} {})", l.factor.id, l.factor.dataset, l.factor.edition);
    let mut push = |parameter: &'static str, v: Decimal, measure: String, how: How, source: &str| {
        out.push(SheetValue {
            facility: a.facility.to_string(),
            unit: String::new(),
            parameter,
            item: a.activity.to_string(),
            month,
            value: Value::Number(v),
            measure,
            how,
            source: source.to_string(),
            evidence: evidence.to_string(),
        });
    };
    let quality = quality.map_or(How::Unstated, How::of);
    match l.classification {
        Classification::Scope2(Scope2Category::Electricity) => {
            push("electricity_bought", a.quantity, a.unit.to_string(), quality, &record);
            for s in &l.steps {
                if let Step::GasFactor { gas, basis_unit, kg_per_unit, .. } = s {
                    if gas == "CO2" {
                        let measure = format!("kg CO₂/{basis_unit}");
                        push("grid_factor", *kg_per_unit, measure, How::Default, &factor);
                    }
                }
            }
        }
        Classification::Scope1(_) => {
            let params = fuel_params(&l.steps, &record, &factor);
            for p in &params {
                push(p.parameter, p.value, p.measure.clone(), p.how, &p.source);
            }
            if !params.is_empty() {
                push("fuel_consumption", a.quantity, a.unit.to_string(), quality, &record);
            }
        }
        _ => {}
    }
}

type RowKey = (String, &'static str, String, String);

/// One facility's sheet: a row per (unit, parameter, item, measure), months 1–12, the year.
fn facility_sheet(lang: Lang, facility: &str, values: &[&SheetValue]) -> Result<Worksheet, XlsxError> {
    let name = sheet_name(&format!("{} {facility}", lang.pick("Facility", "设施")));
    let mut header = vec![
        lang.pick("Unit", "机组"),
        lang.pick("Parameter", "参数"),
        lang.pick("Of", "对象"),
        lang.pick("Measure", "计量单位"),
    ];
    header.extend((1..=12).map(|m| lang.pick(format!("M{m:02}"), format!("{m}月"))));
    header.extend([
        lang.pick("Year", "全年"),
        lang.pick("How obtained", "获取方式"),
        lang.pick("Source", "数据来源"),
        lang.pick("Evidence", "证据"),
    ]);
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut s = Sheet::new(&name, &h, "#,##0.000######")?;
    let number = Format::new().set_num_format("#,##0.000######");
    let mut rows: Vec<(RowKey, Vec<&SheetValue>)> = Vec::new();
    for v in values {
        let key = (v.unit.clone(), v.parameter, v.item.clone(), v.measure.clone());
        match rows.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(v),
            None => rows.push((key, vec![v])),
        }
    }
    for ((unit, parameter, item, measure), list) in rows {
        s.text(0, &unit)?;
        s.text(1, &parameter_name(lang, parameter))?;
        s.text(2, &item)?;
        s.text(3, &measure)?;
        for month in (1..=12).map(Some).chain([None]) {
            let col = month.map_or(16, |m| 3 + u16::try_from(m).unwrap_or(0));
            let here: Vec<&Value> = list.iter().filter(|v| v.month == month).map(|v| &v.value).collect();
            let cell = match here.as_slice() {
                [] => None,
                [one] => Some((*one).clone()),
                many if additive(parameter) => {
                    let sum = many.iter().try_fold(Decimal::ZERO, |acc, v| match v {
                        Value::Number(d) => acc.checked_add(*d),
                        Value::Text(_) => None,
                    });
                    Some(sum.map_or_else(|| Value::Text(lang.pick("see the data sheet", "见数据表")), Value::Number))
                }
                many if many.windows(2).all(|w| w[0] == w[1]) => Some(many[0].clone()),
                _ => Some(Value::Text(lang.pick("several values: see the data sheet", "多个取值：见数据表"))),
            };
            if let Some(c) = cell {
                write_value(&mut s.ws, s.row, col, &c, &number)?;
            }
        }
        let mut hows: Vec<How> = list.iter().map(|v| v.how).collect();
        hows.sort();
        hows.dedup();
        s.text(17, &hows.iter().map(|h| h.name(lang)).collect::<Vec<_>>().join("; "))?;
        let mut sources: Vec<&str> = list.iter().map(|v| v.source.as_str()).collect();
        sources.dedup();
        s.text(18, &sources.join("; "))?;
        let mut evidence: Vec<&str> = list.iter().map(|v| v.evidence.as_str()).filter(|e| !e.is_empty()).collect();
        evidence.dedup();
        s.text(19, &evidence.join("; "))?;
        s.next();
    }
    s.ws.set_column_width(1, 28)?;
    s.ws.set_column_width(18, 40)?;
    s.finish()
}

/// Every value, one a row: the sheet's data in long form (exact figures beside the numbers).
fn data_sheet(lang: Lang, values: &[SheetValue]) -> Result<Worksheet, XlsxError> {
    let header = [
        "facility",
        "unit",
        "parameter",
        "parameter_name",
        "of",
        "month",
        "value",
        "value_exact",
        "measure",
        "how_obtained",
        "source",
        "evidence",
    ];
    let mut s = Sheet::new(&sheet_name(&lang.pick("Data", "数据")), &header, "#,##0.000######")?;
    for v in values {
        s.text(0, &v.facility)?;
        s.text(1, &v.unit)?;
        s.text(2, v.parameter)?;
        s.text(3, &parameter_name(lang, v.parameter))?;
        s.text(4, &v.item)?;
        s.text(5, &v.month.map_or_else(|| "year".to_string(), |m| m.to_string()))?;
        data_tail(&mut s, lang, &v.value, &v.measure, v.how, &v.source, &v.evidence)?;
    }
    s.finish()
}

fn guide(lang: Lang, year: i32) -> Vec<String> {
    vec![
        lang.pick(
            format!("China ETS data sheet, prefilled from the inventory file for {year}: a template to check and complete, not a submission."),
            format!("全国碳市场数据表（{year} 年），由清单文件预填：供核对和补充的模板，并非报送材料。"),
        ),
        lang.pick(
            "Layout: the MEE power-sector supplementary data sheet — a row a parameter, a column a month, the year, how obtained, source, evidence.",
            "版式参照生态环境部发电设施补充数据表：每行一个参数，每列一个月份，另有全年、获取方式、数据来源和证据。",
        ),
        lang.pick(
            "How obtained: measured, calculated, default (the record's own default or the emission factor's, named in the source), estimated, entered on the ETS unit (not stated), or not stated.",
            "获取方式：实测、计算、缺省值（记录自带或排放因子的缺省值，来源中注明）、估算、在配额机组中录入（未说明）或未说明。",
        ),
        lang.pick(
            "Records are kept per facility, not per unit: fuel and electricity rows belong to the facility. A record within one calendar month fills that month; any other record fills the year column and its source gives its period. Empty cells are values the data lack.",
            "活动数据按设施记录而非按机组：燃料和电力行属于设施。某一自然月内的记录填入该月，其他记录填入全年列并在来源中注明期间。空白单元格表示数据缺失。",
        ),
    ]
}

/// The China ETS data sheet workbook of period `year`.
pub fn cn_ets_sheet(store: &Store, lib: &FactorLibrary, year: i32, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let values = sheet_values(store, lib, year)?;
    let organisation = store.organisation()?;
    build(&values, lang, year, &organisation.name).map_err(|e| ReportError::Workbook(e.to_string()))
}

fn build(values: &[SheetValue], lang: Lang, year: i32, organisation: &str) -> Result<Vec<u8>, XlsxError> {
    let mut facilities: Vec<&str> = values.iter().map(|v| v.facility.as_str()).collect();
    facilities.sort_unstable();
    facilities.dedup();
    let mut sheets = vec![guide_sheet(lang, guide(lang, year))?];
    for f in facilities {
        let mine: Vec<&SheetValue> = values.iter().filter(|v| v.facility == f).collect();
        sheets.push(facility_sheet(lang, f, &mine)?);
    }
    sheets.push(data_sheet(lang, values)?);
    let title = format!("{} — {organisation} {year}", lang.pick("China ETS data sheet", "全国碳市场数据表"));
    save(&title, sheets)
}
