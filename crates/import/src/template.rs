//! The blank import workbook (issue 6, decision 0013): an `.xlsx` with one sheet to fill in,
//! dropdowns of the library's activity types and of the units Scopebook reads, and a short
//! explanation of each column, in English or Chinese.
//!
//! Its column headings are [`Field::label`]s, which [`super::mapping::guess`] recognises exactly:
//! a filled-in template comes back mapped with no user input. The bytes depend only on the
//! arguments (the document's creation time is fixed), so the same inputs give the same file.
//!
//! **Architecture invariant:** this module builds bytes in memory; writing them to a file is the
//! caller's business (the CLI or the app).

use std::collections::BTreeSet;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, Formula, Workbook, Worksheet, XlsxError,
};

use super::mapping::{Field, Lang};
use scopebook_core::activity::ParameterSource;
use scopebook_core::library::FactorLibrary;
use scopebook_core::sector::Sector;
use scopebook_core::unit::{Currency, MoneyScale, PhysicalUnit, Unit};
use scopebook_store::model::DATA_QUALITY;

/// The columns of the template, in order: the required ones and the dates first.
pub const TEMPLATE_FIELDS: &[Field] = &[
    Field::Facility,
    Field::Start,
    Field::End,
    Field::Activity,
    Field::Quantity,
    Field::Unit,
    Field::Evidence,
    Field::MeterId,
    Field::Supplier,
    Field::DataQuality,
    Field::Region,
    Field::Scope3Category,
    Field::Factor,
    Field::Note,
    Field::Sector,
    Field::NcvGjPerUnit,
    Field::CarbonTPerGj,
    Field::Oxidation,
    Field::ParameterSource,
];

/// How many data rows carry the dropdowns and checks.
pub const TEMPLATE_ROWS: u32 = 10_000;

/// Why the template could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("the year {0} is outside 1900–9999")]
    Year(i32),
    #[error("could not build the workbook: {0}")]
    Xlsx(String),
}

impl From<XlsxError> for TemplateError {
    fn from(e: XlsxError) -> TemplateError {
        TemplateError::Xlsx(e.to_string())
    }
}

/// Sheet names: (data, instructions, lists).
pub fn sheet_names(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::En => ("Activities", "Instructions", "Lists"),
        Lang::Zh => ("活动数据", "说明", "列表"),
    }
}

/// The units offered in the unit dropdown: every physical unit in definition order, then the
/// money units the library's factors use plus CNY and 10^4 CNY (万元), in symbol order. All are
/// canonical symbols, which [`Unit::parse`] reads back.
pub fn template_units(lib: &FactorLibrary) -> Vec<String> {
    let mut out: Vec<String> = PhysicalUnit::ALL.iter().map(|u| u.symbol().to_string()).collect();
    let mut money: BTreeSet<String> =
        lib.factors().iter().filter(|f| matches!(f.unit, Unit::Money(..))).map(|f| f.unit.to_string()).collect();
    if let Some(cny) = Currency::parse("CNY") {
        money.insert(Unit::Money(cny, MoneyScale::One).to_string());
        money.insert(Unit::Money(cny, MoneyScale::TenThousand).to_string());
    }
    out.extend(money);
    out
}

/// The activity types offered in the activity dropdown: every activity type with a factor in
/// `lib`, in order.
pub fn template_activities(lib: &FactorLibrary) -> Vec<String> {
    super::values::activity_types(lib).into_iter().map(str::to_string).collect()
}

fn description(field: Field, lang: Lang) -> &'static str {
    match (field, lang) {
        (Field::Facility, Lang::En) => "The facility's code, as set up in Scopebook.",
        (Field::Facility, Lang::Zh) => "设施代码，与 Scopebook 中设置的一致。",
        (Field::Period, Lang::En) => "The month or year the figure covers (instead of start and end dates).",
        (Field::Period, Lang::Zh) => "数据所属的月份或年份（可代替开始、结束日期）。",
        (Field::Start, Lang::En) => "First day the figure covers, yyyy-mm-dd.",
        (Field::Start, Lang::Zh) => "数据覆盖的第一天，格式 yyyy-mm-dd。",
        (Field::End, Lang::En) => "Last day the figure covers (inclusive), yyyy-mm-dd.",
        (Field::End, Lang::Zh) => "数据覆盖的最后一天（含当天），格式 yyyy-mm-dd。",
        (Field::Activity, Lang::En) => {
            "The activity type: pick from the list (natural_gas, diesel, grid_electricity, …)."
        }
        (Field::Activity, Lang::Zh) => {
            "活动类型：从下拉列表中选择（如 natural_gas 天然气、diesel 柴油、grid_electricity 电网电力）。"
        }
        (Field::Quantity, Lang::En) => "The amount consumed or bought, a number ≥ 0, without thousands separators.",
        (Field::Quantity, Lang::Zh) => "消耗或购入的数量，大于等于 0 的数字，不要用千位分隔符。",
        (Field::Unit, Lang::En) => "The unit of the quantity: pick from the list (t, kWh, 10^4 Nm3, L, GJ, CNY, …).",
        (Field::Unit, Lang::Zh) => {
            "用量的单位：从下拉列表中选择（如 t 吨、kWh 千瓦时、10^4 Nm3 万标准立方米、10^4 CNY 万元）。"
        }
        (Field::Evidence, Lang::En) => "Invoice, meter reading or document number that backs the figure.",
        (Field::Evidence, Lang::Zh) => "支持该数据的发票号、抄表记录或单据号。",
        (Field::MeterId, Lang::En) => "The meter's number, when the figure is a meter reading.",
        (Field::MeterId, Lang::Zh) => "表计编号（数据来自抄表时填写）。",
        (Field::Supplier, Lang::En) => "The supplier's name; it selects a supplier-specific factor if there is one.",
        (Field::Supplier, Lang::Zh) => "供应商名称；如有供应商专用排放因子将优先使用。",
        (Field::DataQuality, Lang::En) => "measured, calculated or estimated.",
        (Field::DataQuality, Lang::Zh) => "measured（实测）、calculated（计算）或 estimated（估算）。",
        (Field::Region, Lang::En) => "Region code (CN-GD, CN-GRID-EAST, …); empty = the facility's region.",
        (Field::Region, Lang::Zh) => "地区代码（如 CN-GD、CN-GRID-EAST）；留空则使用设施所在地区。",
        (Field::Scope3Category, Lang::En) => "For Scope 3 activities: the category number 1–15.",
        (Field::Scope3Category, Lang::Zh) => "范围三活动填写类别编号 1–15。",
        (Field::Factor, Lang::En) => "Optional: a factor id, to use that factor instead of Scopebook's choice.",
        (Field::Factor, Lang::Zh) => "可选：指定排放因子编号，代替 Scopebook 的自动选择。",
        (Field::Note, Lang::En) => "Any remark.",
        (Field::Note, Lang::Zh) => "任何补充说明。",
        (Field::Sector, Lang::En) => {
            "The IPCC sector the fuel is burnt in (energy, manufacturing, commercial, residential); empty = the facility's."
        }
        (Field::Sector, Lang::Zh) => "燃料燃烧所属行业（energy 能源工业、manufacturing 制造业和建筑业、commercial 商业和机构、residential 居民生活）；留空则使用设施的行业。",
        (Field::NcvGjPerUnit, Lang::En) => "Measured net calorific value, GJ per unit of the quantity; empty = the factor's default.",
        (Field::NcvGjPerUnit, Lang::Zh) => "实测低位发热量，单位 GJ/用量单位；留空则使用排放因子的缺省值。",
        (Field::CarbonTPerGj, Lang::En) => "Carbon content per unit of energy, t C/GJ; empty = the factor's default.",
        (Field::CarbonTPerGj, Lang::Zh) => "单位热值含碳量，单位 tC/GJ；留空则使用缺省值。",
        (Field::Oxidation, Lang::En) => "Fraction of carbon oxidised, above 0 and at most 1 (0.98, not 98); empty = the default.",
        (Field::Oxidation, Lang::Zh) => "碳氧化率，大于 0 且不超过 1 的小数（写 0.98，不写 98）；留空则使用缺省值。",
        (Field::ParameterSource, Lang::En) => "How the parameters were obtained: measured, calculated or default.",
        (Field::ParameterSource, Lang::Zh) => "参数来源：measured（实测）、calculated（计算）或 default（缺省）。",
        // The Scope 3 columns (decision 0035): read by an import, not in the blank template.
        (Field::Method, Lang::En) => "Scope 3 method: supplier-specific, hybrid, average-data, spend-based, distance-based, fuel-based, waste-type-specific or investment-specific.",
        (Field::Method, Lang::Zh) => "范围三核算方法：supplier-specific、hybrid、average-data、spend-based、distance-based、fuel-based、waste-type-specific 或 investment-specific。",
        (Field::DqTechnology | Field::DqTime | Field::DqGeography | Field::DqCompleteness | Field::DqReliability, Lang::En) => {
            "Data-quality score, a whole number from 1 (best) to 5; all five scores or none."
        }
        (Field::DqTechnology | Field::DqTime | Field::DqGeography | Field::DqCompleteness | Field::DqReliability, Lang::Zh) => {
            "数据质量评分，1（最好）到 5 的整数；五项全填或全不填。"
        }
        (Field::CurrencyYear, Lang::En) => "The year the money of a spend line was spent in.",
        (Field::CurrencyYear, Lang::Zh) => "支出金额所属年份。",
        (Field::ExchangeRate, Lang::En) => "Units of the line's currency per one unit of the factor's currency, the reporting year's rate.",
        (Field::ExchangeRate, Lang::Zh) => "每 1 单位因子货币折合的本行货币数（报告年度汇率）。",
        (Field::PriceIndex, Lang::En) => "The factor currency's price level of the currency year relative to the factor's price year.",
        (Field::PriceIndex, Lang::Zh) => "因子货币在支出年份相对于因子价格年份的价格水平。",
        (Field::Attribution, Lang::En) => "Category 15: the share of the investee attributed, a fraction above 0 and at most 1.",
        (Field::Attribution, Lang::Zh) => "类别 15：归属于本公司的被投资方份额，大于 0 且不超过 1 的小数。",
        (Field::PcafScore, Lang::En) => "Category 15: the PCAF data-quality score, 1 (audited emissions) to 5 (estimated from averages).",
        (Field::PcafScore, Lang::Zh) => "类别 15：PCAF 数据质量评分，1（经核查的排放数据）至 5（按平均值估算）。",
    }
}

fn column_width(field: Field) -> f64 {
    match field {
        Field::Activity | Field::Note => 28.0,
        Field::Facility | Field::Evidence | Field::Supplier | Field::Factor => 18.0,
        Field::Scope3Category => 16.0,
        _ => 13.0,
    }
}

/// Texts that differ by language.
struct Words {
    required: &'static str,
    optional: &'static str,
    column: &'static str,
    required_head: &'static str,
    meaning: &'static str,
    title: &'static str,
    how: [&'static str; 3],
    year: &'static str,
    pick_title: &'static str,
    pick_message: &'static str,
    date_title: &'static str,
    date_message: &'static str,
    number_title: &'static str,
    number_message: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            required: "required",
            optional: "optional",
            column: "Column",
            required_head: "Required",
            meaning: "Meaning",
            title: "Scopebook activity data import template",
            how: [
                "Fill in one row per activity record on the sheet 'Activities'; keep the header row as it is.",
                "Coloured headings are required. Dropdowns list the activity types and units Scopebook knows.",
                "Import the file in Scopebook (Activities > Import); the columns are recognised automatically.",
            ],
            year: "Reporting year",
            pick_title: "Not in the list",
            pick_message: "Pick a value from the list (see the sheet 'Lists').",
            date_title: "Not a date",
            date_message: "Enter a date as yyyy-mm-dd within the reporting year.",
            number_title: "Not a quantity",
            number_message: "Enter a number greater than or equal to 0.",
        },
        Lang::Zh => Words {
            required: "必填",
            optional: "选填",
            column: "列",
            required_head: "是否必填",
            meaning: "含义",
            title: "Scopebook 活动数据导入模板",
            how: [
                "在“活动数据”工作表中每行填写一条活动数据记录；请勿修改表头。",
                "带底色的表头为必填项。下拉列表给出 Scopebook 支持的活动类型和单位。",
                "在 Scopebook 中导入本文件（活动数据 > 导入），各列会被自动识别。",
            ],
            year: "报告年度",
            pick_title: "不在列表中",
            pick_message: "请从下拉列表中选择（见“列表”工作表）。",
            date_title: "日期无效",
            date_message: "请按 yyyy-mm-dd 格式填写报告年度内的日期。",
            number_title: "数量无效",
            number_message: "请填写大于等于 0 的数字。",
        },
    }
}

/// A column letter (0 → A, 26 → AA).
fn column_letter(mut col: u16) -> String {
    let mut out = Vec::new();
    loop {
        let rem = u8::try_from(col % 26).unwrap_or(0);
        out.push(char::from(b'A' + rem));
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.iter().rev().collect()
}

fn u16_of(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Write the blank import workbook. `facilities` (codes) fill the facility dropdown when not
/// empty; `year` limits the date columns to that year (otherwise 1990–2100).
pub fn write_template(
    lib: &FactorLibrary,
    lang: Lang,
    facilities: &[String],
    year: Option<i32>,
) -> Result<Vec<u8>, TemplateError> {
    let (first_day, last_day) = match year {
        Some(y) => {
            let y16 = u16::try_from(y).ok().filter(|y| (1900..=9999).contains(y)).ok_or(TemplateError::Year(y))?;
            (ExcelDateTime::from_ymd(y16, 1, 1)?, ExcelDateTime::from_ymd(y16, 12, 31)?)
        }
        None => (ExcelDateTime::from_ymd(1990, 1, 1)?, ExcelDateTime::from_ymd(2100, 12, 31)?),
    };
    let w = words(lang);
    let (data_name, help_name, lists_name) = sheet_names(lang);

    // The lists, one per column of the hidden sheet, each under a heading.
    let facilities: Vec<String> = {
        let set: BTreeSet<&str> = facilities.iter().map(|f| f.trim()).filter(|f| !f.is_empty()).collect();
        set.into_iter().map(str::to_string).collect()
    };
    let quality: Vec<String> = DATA_QUALITY.iter().map(|s| s.to_string()).collect();
    let sectors: Vec<String> = Sector::ALL.iter().map(|s| s.as_str().to_string()).collect();
    let sources: Vec<String> = ParameterSource::ALL.iter().map(|s| s.as_str().to_string()).collect();
    let mut lists: Vec<(Field, Vec<String>)> = vec![
        (Field::Activity, template_activities(lib)),
        (Field::Unit, template_units(lib)),
        (Field::DataQuality, quality),
    ];
    if !facilities.is_empty() {
        lists.push((Field::Facility, facilities));
    }
    lists.push((Field::Sector, sectors));
    lists.push((Field::ParameterSource, sources));

    let mut lists_sheet = Worksheet::new();
    lists_sheet.set_name(lists_name)?;
    let bold = Format::new().set_bold();
    for (col, (field, values)) in lists.iter().enumerate() {
        let col = u16_of(col);
        lists_sheet.write_string_with_format(0, col, field.label(lang), &bold)?;
        for (row, value) in values.iter().enumerate() {
            lists_sheet.write_string(u32_of(row).saturating_add(1), col, value)?;
        }
        lists_sheet.set_column_width(col, if *field == Field::Activity { 40.0 } else { 14.0 })?;
    }
    lists_sheet.set_hidden(true);

    // The data sheet.
    let mut data = Worksheet::new();
    data.set_name(data_name)?;
    let required_head =
        Format::new().set_bold().set_background_color(Color::RGB(0x00FC_E4D6)).set_align(FormatAlign::Center);
    let optional_head =
        Format::new().set_bold().set_background_color(Color::RGB(0x00ED_EDED)).set_align(FormatAlign::Center);
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let last_row = TEMPLATE_ROWS;
    for (col, &field) in TEMPLATE_FIELDS.iter().enumerate() {
        let col = u16_of(col);
        let head = if field.required() || matches!(field, Field::Start | Field::End) {
            &required_head
        } else {
            &optional_head
        };
        data.write_string_with_format(0, col, field.label(lang), head)?;
        data.set_column_width(col, column_width(field))?;
        match field {
            Field::Start | Field::End => {
                data.set_column_format(col, &date)?;
                let v = DataValidation::new()
                    .allow_date(DataValidationRule::Between(&first_day, &last_day))
                    .set_error_title(w.date_title)?
                    .set_error_message(w.date_message)?;
                data.add_data_validation(1, col, last_row, col, &v)?;
            }
            Field::Quantity => {
                let v = DataValidation::new()
                    .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
                    .set_error_title(w.number_title)?
                    .set_error_message(w.number_message)?;
                data.add_data_validation(1, col, last_row, col, &v)?;
            }
            // Spreadsheet checks only (the importer checks the figures exactly).
            Field::NcvGjPerUnit | Field::CarbonTPerGj | Field::Oxidation => {
                let rule = if field == Field::Oxidation {
                    DataValidationRule::Between(0.0, 1.0)
                } else {
                    DataValidationRule::GreaterThan(0.0)
                };
                let v = DataValidation::new()
                    .allow_decimal_number(rule)
                    .set_error_title(w.number_title)?
                    .set_error_message(w.number_message)?;
                data.add_data_validation(1, col, last_row, col, &v)?;
            }
            _ => data.set_column_format(col, &text).map(|_| ())?,
        }
        if let Some(at) = lists.iter().position(|(f, _)| *f == field) {
            let count = lists.get(at).map(|(_, v)| v.len()).unwrap_or(0);
            if count > 0 {
                let letter = column_letter(u16_of(at));
                let range = format!("='{lists_name}'!${letter}$2:${letter}${}", count.saturating_add(1));
                // Activity types and units from a user dataset may be missing from the list:
                // warn, the importer checks them anyway. The other lists are closed.
                let style = if matches!(field, Field::Activity | Field::Unit) {
                    DataValidationErrorStyle::Warning
                } else {
                    DataValidationErrorStyle::Stop
                };
                let v = DataValidation::new()
                    .allow_list_formula(Formula::new(range))
                    .set_error_style(style)
                    .set_error_title(w.pick_title)?
                    .set_error_message(w.pick_message)?;
                data.add_data_validation(1, col, last_row, col, &v)?;
            }
        }
    }
    data.set_freeze_panes(1, 0)?;
    data.set_active(true);

    // The instructions.
    let mut help = Worksheet::new();
    help.set_name(help_name)?;
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    help.write_string_with_format(0, 0, w.title, &title)?;
    let mut row = 2u32;
    for line in w.how {
        help.write_string(row, 0, line)?;
        row = row.saturating_add(1);
    }
    if let Some(y) = year {
        help.write_string(row, 0, format!("{}: {y}", w.year))?;
        row = row.saturating_add(1);
    }
    row = row.saturating_add(1);
    help.write_string_with_format(row, 0, w.column, &bold)?;
    help.write_string_with_format(row, 1, w.required_head, &bold)?;
    help.write_string_with_format(row, 2, w.meaning, &bold)?;
    for &field in TEMPLATE_FIELDS {
        row = row.saturating_add(1);
        help.write_string(row, 0, field.label(lang))?;
        help.write_string(row, 1, if field.required() { w.required } else { w.optional })?;
        help.write_string_with_format(row, 2, description(field, lang), &wrap)?;
    }
    help.set_column_width(0, 18.0)?;
    help.set_column_width(1, 10.0)?;
    help.set_column_width(2, 90.0)?;

    let mut workbook = Workbook::new();
    let properties = DocProperties::new()
        .set_title(w.title)
        .set_author("Scopebook")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?);
    workbook.set_properties(&properties);
    workbook.push_worksheet(data);
    workbook.push_worksheet(help);
    workbook.push_worksheet(lists_sheet);
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(3), "D");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn every_template_unit_parses_back_to_itself() {
        let (lib, _) = FactorLibrary::shipped();
        let units = template_units(&lib);
        assert!(units.contains(&"10^4 CNY".to_string()) && units.contains(&"kWh".to_string()));
        for u in &units {
            assert_eq!(Unit::parse(u).map(|p| p.to_string()).as_deref(), Ok(u.as_str()));
        }
    }

    #[test]
    fn a_year_out_of_range_is_refused() {
        let lib = FactorLibrary::default();
        assert!(matches!(write_template(&lib, Lang::En, &[], Some(-5)), Err(TemplateError::Year(-5))));
        assert!(matches!(write_template(&lib, Lang::En, &[], Some(10_000)), Err(TemplateError::Year(10_000))));
    }
}
