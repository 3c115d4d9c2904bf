//! The EU annual emissions report data sheet (`report --kind eu-aer`, decision 0040): a
//! prefilled workbook per installation, laid out as the MRR annual emissions report's
//! source-stream table — each source stream (a fuel or material line of the installation's
//! facility's records) with its activity data, net calorific value, emission factor or carbon
//! content, oxidation factor, each with how it was obtained, its source and its evidence; the
//! installation's CO₂ (and N₂O, PFCs where the records give them); the registry's verified
//! emissions and free allocation beside them for reference. A template to check and complete,
//! not a submission.
//!
//! The installations are the period's registry rows tied to a facility (`ets registry link`),
//! and the facilities registered under the EU ETS with records in the period that no row is
//! tied to. Values come from the calculation of the records (`Store::calculate`, the figures of
//! `scopebook calc --db`); a parameter is the record's own (measured, calculated or default as
//! the record says) or the emission factor's default (named). Indirect (Scope 2) records are
//! no source streams and are left out; a registry status in place of a figure is shown as the
//! status, never as 0. Nothing is estimated here: an empty cell is a value the data lack.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};
use scopebook_core::calc::ResultLine;
use scopebook_core::classify::Classification;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::evaluate::Step;
use scopebook_core::gas::Gas;
use scopebook_core::library::FactorLibrary;
use scopebook_store::{EtsRegistryRow, EtsScheme, Store};

use crate::ets_sheet::{data_tail, fuel_params, guide_sheet, record_notes, sheet_name, write_value, How, Value};
use crate::text::Lang;
use crate::workbook::{save, Sheet};
use crate::ReportError;

/// One value of the sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AerValue {
    /// The registry's installation (`DE-990002`), or empty for a registered facility no row is
    /// tied to.
    pub installation: String,
    pub facility: String,
    /// The source stream: the record's activity; empty for the installation's own figures.
    pub stream: String,
    /// The activity record's id; `None` for the installation's own figures.
    pub record: Option<u64>,
    /// A stable key: `activity_data`, `ncv`, `emission_factor`, `co2_t`, `verified_t`, ...
    pub parameter: &'static str,
    pub value: Value,
    pub measure: String,
    pub how: How,
    pub source: String,
    pub evidence: String,
}

fn parameter_name(lang: Lang, key: &str) -> String {
    match key {
        "name" => lang.pick("Installation name", "装置名称"),
        "account_holder" => lang.pick("Account holder", "账户持有人"),
        "country" => lang.pick("Country", "国家"),
        "main_activity" => lang.pick("Main activity", "主要活动"),
        "activity_data" => lang.pick("Activity data", "活动数据"),
        "ncv" => lang.pick("Net calorific value", "低位发热量"),
        "emission_factor" => lang.pick("Emission factor", "排放因子"),
        "carbon_content" => lang.pick("Carbon content", "含碳量"),
        "oxidation" => lang.pick("Oxidation factor", "氧化因子"),
        "co2_t" => lang.pick("CO₂ emissions", "CO₂ 排放量"),
        "n2o_t" => lang.pick("N₂O emissions", "N₂O 排放量"),
        "n2o_co2e_t" => lang.pick("N₂O emissions (CO₂e)", "N₂O 排放量（CO₂当量）"),
        "pfc_co2e_t" => lang.pick("PFC emissions (CO₂e)", "PFC 排放量（CO₂当量）"),
        "not_calculated" => {
            lang.pick("Not calculated (see `scopebook calc --db`)", "未能计算（见 `scopebook calc --db`）")
        }
        "total_co2_t" => lang.pick("Installation total CO₂", "装置 CO₂ 合计"),
        "total_n2o_co2e_t" => lang.pick("Installation total N₂O (CO₂e)", "装置 N₂O 合计（CO₂当量）"),
        "total_pfc_co2e_t" => lang.pick("Installation total PFCs (CO₂e)", "装置 PFC 合计（CO₂当量）"),
        "verified_t" => lang.pick("Registry: verified emissions (reference)", "登记簿：核查排放量（参考）"),
        "free_allocation_t" => lang.pick("Registry: free allocation (reference)", "登记簿：免费配额（参考）"),
        other => other.to_string(),
    }
}

fn is_pfc(g: Gas) -> bool {
    matches!(g, Gas::Cf4 | Gas::C2f6 | Gas::C3f8 | Gas::CC4f8 | Gas::C4f10 | Gas::C6f14)
}

/// An installation of the sheet: its registry row (if any) and its facility.
struct Installation<'a> {
    row: Option<&'a EtsRegistryRow>,
    facility: String,
}

/// The values of a period's EU installations.
pub fn aer_values(store: &Store, lib: &FactorLibrary, year: i32) -> Result<Vec<AerValue>, ReportError> {
    let registry = store.ets_registry(year)?;
    let calc = store.calculate(lib, year, true)?;
    let lines = &calc.run.inventory.lines;
    let mut installations: Vec<Installation<'_>> = registry
        .iter()
        .filter_map(|r| r.facility.clone().map(|facility| Installation { row: Some(r), facility }))
        .collect();
    let mut registered: Vec<String> = store
        .ets_facilities()?
        .into_iter()
        .filter(|f| f.scheme == EtsScheme::EuEts)
        .map(|f| f.facility)
        .filter(|f| !installations.iter().any(|i| i.facility == *f))
        .filter(|f| lines.iter().any(|l| *l.activity.facility == **f))
        .collect();
    registered.sort();
    installations.extend(registered.into_iter().map(|facility| Installation { row: None, facility }));
    if installations.is_empty() {
        return Err(ReportError::Refused(vec![Diagnostic::error(
            Code::NoDataRows,
            Location { file: store.name().to_string(), row: None, column: Some("period".into()) },
            format!(
                "period {year} has no EU ETS installation tied to a facility and no facility registered under the EU ETS with records, so there is no annual emissions report to prefill; import the registry (`scopebook ets registry import`) and tie an installation to its facility (`scopebook ets registry link`), or register the facility (`scopebook ets facility set --scheme eu-ets`)"
            ),
        )]));
    }
    installations.sort_by(|a, b| {
        let key = |i: &Installation<'_>| (i.row.map(|r| r.installation.clone()), i.facility.clone());
        key(a).cmp(&key(b))
    });
    let records = record_notes(store, year)?;
    let mut out = Vec::new();
    for inst in &installations {
        let name = inst.row.map(|r| r.installation.clone()).unwrap_or_default();
        let mut put = |parameter: &'static str, value: Value, measure: &str, how: How, source: String| {
            out.push(own_value(&name, &inst.facility, parameter, value, measure, how, source));
        };
        let registry_source = inst.row.map(|r| format!("registry {}, line {}", r.source_file, r.source_line));
        if let (Some(r), Some(src)) = (inst.row, &registry_source) {
            for (key, text) in [
                ("name", &r.name),
                ("account_holder", &r.account_holder),
                ("country", &r.country),
                ("main_activity", &r.activity),
            ] {
                if !text.is_empty() {
                    put(key, Value::Text(text.clone()), "", How::Entered, src.clone());
                }
            }
        }
        let mut totals: BTreeMap<&'static str, Decimal> = BTreeMap::new();
        let mine = lines.iter().filter(|l| {
            *l.activity.facility == *inst.facility && matches!(l.classification, Classification::Scope1(_))
        });
        let mut streams = 0_usize;
        for l in mine {
            let (quality, evidence) = records.get(&l.activity.row).cloned().unwrap_or_default();
            stream_values(inst, &name, l, quality.as_deref(), &evidence, &mut totals, &mut out);
            streams += 1;
        }
        // A record that could not be calculated is shown, never dropped, and the total says so.
        let missing: Vec<_> =
            calc.run.inventory.unresolved.iter().filter(|u| *u.activity.facility == *inst.facility).collect();
        for u in &missing {
            let a = &u.activity;
            out.push(AerValue {
                stream: a.activity.to_string(),
                record: Some(a.row),
                evidence: records.get(&a.row).map(|r| r.1.clone()).unwrap_or_default(),
                ..own_value(
                    &name,
                    &inst.facility,
                    "not_calculated",
                    Value::Text(u.diagnostic.message.clone()),
                    "",
                    How::Unstated,
                    format!("record {}, {} – {}", a.row, a.period.start, a.period.end),
                )
            });
        }
        let mut put = |parameter: &'static str, value: Value, measure: &str, how: How, source: String| {
            out.push(own_value(&name, &inst.facility, parameter, value, measure, how, source));
        };
        let sum = if missing.is_empty() {
            "sum of the source streams".to_string()
        } else {
            format!(
                "sum of the calculated source streams; {} record(s) not calculated (see `scopebook calc --db`)",
                missing.len()
            )
        };
        let co2 = totals.get("co2_t").copied().unwrap_or(Decimal::ZERO);
        if streams == 0 {
            let none = "no direct (Scope 1) record of the facility was calculated in the period".to_string();
            put("total_co2_t", Value::Text(none), "t CO₂", How::Unstated, sum.clone());
        } else {
            put("total_co2_t", Value::Number(co2), "t CO₂", How::Calculated, sum.clone());
        }
        for (key, total) in [("n2o_co2e_t", "total_n2o_co2e_t"), ("pfc_co2e_t", "total_pfc_co2e_t")] {
            if let Some(v) = totals.get(key) {
                put(total, Value::Number(*v), "t CO₂e", How::Calculated, sum.clone());
            }
        }
        if let (Some(r), Some(src)) = (inst.row, registry_source) {
            let figure = |t: &Option<String>, status: &Option<String>| {
                t.as_deref()
                    .and_then(|t| scopebook_core::number::parse_decimal(t).ok())
                    .map(Value::Number)
                    .or_else(|| status.clone().map(Value::Text))
            };
            if let Some(v) = figure(&r.verified_t, &r.verified_status) {
                put("verified_t", v, "t CO₂e", How::Entered, src.clone());
            }
            if let Some(v) = figure(&r.free_allocation_t, &r.free_allocation_status) {
                put("free_allocation_t", v, "allowances", How::Entered, src);
            }
        }
    }
    Ok(out)
}

/// A figure of the installation itself (not of a source stream).
fn own_value(
    installation: &str,
    facility: &str,
    parameter: &'static str,
    value: Value,
    measure: &str,
    how: How,
    source: String,
) -> AerValue {
    AerValue {
        installation: installation.to_string(),
        facility: facility.to_string(),
        stream: String::new(),
        record: None,
        parameter,
        value,
        measure: measure.to_string(),
        how,
        source,
        evidence: String::new(),
    }
}

/// One source stream's values: activity data, its parameters, its emissions by gas.
fn stream_values(
    inst: &Installation<'_>,
    installation: &str,
    l: &ResultLine,
    quality: Option<&str>,
    evidence: &str,
    totals: &mut BTreeMap<&'static str, Decimal>,
    out: &mut Vec<AerValue>,
) {
    let a = &l.activity;
    let record = format!("record {}, {} – {}", a.row, a.period.start, a.period.end);
    let factor = format!("factor {} ({} {})", l.factor.id, l.factor.dataset, l.factor.edition);
    let mut push = |parameter: &'static str, v: Decimal, measure: String, how: How, source: &str| {
        out.push(AerValue {
            installation: installation.to_string(),
            facility: inst.facility.clone(),
            stream: a.activity.to_string(),
            record: Some(a.row),
            parameter,
            value: Value::Number(v),
            measure,
            how,
            source: source.to_string(),
            evidence: evidence.to_string(),
        });
    };
    let quality = quality.map_or(How::Unstated, How::of);
    push("activity_data", a.quantity, a.unit.to_string(), quality, &record);
    for p in fuel_params(&l.steps, &record, &factor).into_iter().filter(|p| p.parameter != "co2_t") {
        push(p.parameter, p.value, p.measure, p.how, &p.source);
    }
    for s in &l.steps {
        if let Step::GasFactor { gas, basis_unit, kg_per_unit, .. } = s {
            let counted = Gas::parse(gas).is_some_and(|g| g == Gas::Co2 || g == Gas::N2o || is_pfc(g));
            if counted {
                push("emission_factor", *kg_per_unit, format!("kg {gas}/{basis_unit}"), How::Default, &factor);
            }
        }
    }
    let t = |kg: Decimal| kg / Decimal::ONE_THOUSAND;
    let mut gases: BTreeMap<&'static str, Decimal> = BTreeMap::new();
    for g in &l.emission.gases {
        if g.gas == Gas::Co2 {
            *gases.entry("co2_t").or_default() += t(g.mass_kg);
        } else if g.gas == Gas::N2o {
            *gases.entry("n2o_t").or_default() += t(g.mass_kg);
            *gases.entry("n2o_co2e_t").or_default() += t(g.co2e_kg);
        } else if is_pfc(g.gas) {
            *gases.entry("pfc_co2e_t").or_default() += t(g.co2e_kg);
        }
    }
    for (key, v) in gases {
        let measure = match key {
            "co2_t" => "t CO₂",
            "n2o_t" => "t N₂O",
            _ => "t CO₂e",
        };
        push(key, v, measure.to_string(), How::Calculated, &record);
        *totals.entry(key).or_default() += v;
    }
}

/// One installation's sheet: the MRR source-stream table, a row a parameter of a source stream
/// (its record), then the installation's totals and the registry's figures.
fn installation_sheet(lang: Lang, title: &str, values: &[&AerValue]) -> Result<Worksheet, XlsxError> {
    let header = [
        lang.pick("Source stream", "源流"),
        lang.pick("Record", "记录"),
        lang.pick("Parameter", "参数"),
        lang.pick("Value", "数值"),
        lang.pick("Unit", "计量单位"),
        lang.pick("How obtained", "获取方式"),
        lang.pick("Source", "数据来源"),
        lang.pick("Evidence", "证据"),
    ];
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut s = Sheet::new(&sheet_name(title), &h, "#,##0.000######")?;
    let number = Format::new().set_num_format("#,##0.000######");
    for v in values {
        s.text(0, &v.stream)?;
        s.text(1, &v.record.map(|r| r.to_string()).unwrap_or_default())?;
        s.text(2, &parameter_name(lang, v.parameter))?;
        write_value(&mut s.ws, s.row, 3, &v.value, &number)?;
        s.text(4, &v.measure)?;
        s.text(5, &v.how.name(lang))?;
        s.text(6, &v.source)?;
        s.text(7, &v.evidence)?;
        s.next();
    }
    s.ws.set_column_width(2, 36)?;
    s.ws.set_column_width(6, 40)?;
    s.finish()
}

/// Every value, one a row, with the exact figure beside the number.
fn data_sheet(lang: Lang, values: &[AerValue]) -> Result<Worksheet, XlsxError> {
    let header = [
        "installation",
        "facility",
        "source_stream",
        "record",
        "parameter",
        "parameter_name",
        "value",
        "value_exact",
        "measure",
        "how_obtained",
        "source",
        "evidence",
    ];
    let mut s = Sheet::new(&sheet_name(&lang.pick("Data", "数据")), &header, "#,##0.000######")?;
    for v in values {
        s.text(0, &v.installation)?;
        s.text(1, &v.facility)?;
        s.text(2, &v.stream)?;
        s.text(3, &v.record.map(|r| r.to_string()).unwrap_or_default())?;
        s.text(4, v.parameter)?;
        s.text(5, &parameter_name(lang, v.parameter))?;
        data_tail(&mut s, lang, &v.value, &v.measure, v.how, &v.source, &v.evidence)?;
    }
    s.finish()
}

fn guide(lang: Lang, year: i32) -> Vec<String> {
    vec![
        lang.pick(
            format!("EU ETS annual emissions report data sheet, prefilled from the inventory file for {year}: a template to check and complete, not a submission."),
            format!("欧盟碳市场年度排放报告数据表（{year} 年），由清单文件预填：供核对和补充的模板，并非报送材料。"),
        ),
        lang.pick(
            "Layout: the MRR annual emissions report's source-stream table — a sheet an installation; a source stream's activity data, net calorific value, emission factor or carbon content, oxidation factor and emissions, each with how obtained, source and evidence.",
            "版式参照 MRR 年度排放报告的源流表：每个装置一张表；每个源流的活动数据、低位发热量、排放因子或含碳量、氧化因子和排放量，各附获取方式、数据来源和证据。",
        ),
        lang.pick(
            "How obtained: measured, calculated, default (the record's own default or the emission factor's, named in the source), estimated, entered in the registry (not stated), or not stated. The tier applied is for the operator to state from the monitoring plan.",
            "获取方式：实测、计算、缺省值（记录自带或排放因子的缺省值，来源中注明）、估算、登记簿录入（未说明）或未说明。所适用的层级由运营者依监测计划填写。",
        ),
        lang.pick(
            "Source streams are the direct (Scope 1) records of the installation's facility; indirect records are left out. N₂O and PFCs are shown where the records give them: the MRR counts them for the activities Annex I names only. The registry's verified emissions and free allocation are for reference; a registry status stands where it gives no figure. Empty cells are values the data lack.",
            "源流为装置所属设施的直接排放（范围一）记录；间接排放记录不列入。N₂O 和 PFC 仅在记录中有时列出：MRR 只对附件一所列活动计入。登记簿的核查排放量和免费配额仅供参考；登记簿未给出数值时显示其状态。空白单元格表示数据缺失。",
        ),
    ]
}

/// The EU annual emissions report data sheet workbook of period `year`.
pub fn eu_aer(store: &Store, lib: &FactorLibrary, year: i32, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let values = aer_values(store, lib, year)?;
    let organisation = store.organisation()?;
    build(&values, lang, year, &organisation.name).map_err(|e| ReportError::Workbook(e.to_string()))
}

fn build(values: &[AerValue], lang: Lang, year: i32, organisation: &str) -> Result<Vec<u8>, XlsxError> {
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for v in values {
        if !keys.contains(&(v.installation.as_str(), v.facility.as_str())) {
            keys.push((v.installation.as_str(), v.facility.as_str()));
        }
    }
    let mut sheets = vec![guide_sheet(lang, guide(lang, year))?];
    for (installation, facility) in keys {
        let mine: Vec<&AerValue> =
            values.iter().filter(|v| v.installation == installation && v.facility == facility).collect();
        let title = if installation.is_empty() {
            format!("{} {facility}", lang.pick("Facility", "设施"))
        } else {
            format!("{} {installation}", lang.pick("Installation", "装置"))
        };
        sheets.push(installation_sheet(lang, &title, &mine)?);
    }
    sheets.push(data_sheet(lang, values)?);
    let title = format!(
        "{} — {organisation} {year}",
        lang.pick("EU ETS annual emissions report data sheet", "欧盟碳市场年度排放报告数据表")
    );
    save(&title, sheets)
}
