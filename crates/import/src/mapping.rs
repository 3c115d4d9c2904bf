//! Column mapping: a file's columns to Scopebook fields, guessed from header names in English and
//! Chinese, corrected by the user and kept as a named template (issue 6, decision 0013).
//!
//! The guess is a pure function of the header row: the same headers always give the same
//! mapping. Each header is first reduced to a key ([`header_key`]: width, case and spacing
//! folded, a bracketed unit such as `用量(吨)` removed and kept as a hint), then matched against
//! the synonym table of each field — exact matches first, then "contains" matches, longest
//! synonym first. A column is never given to two fields.
//!
//! **Architecture invariant:** this module knows header text only. It reads no file and stores
//! nothing; templates are kept by the store, keyed by [`header_signature`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::values::{self, normalise};

/// A Scopebook field a file column can fill (the fields of `store::model::ActivityInput`, plus
/// `period` for files that give a month or year instead of start and end dates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Facility,
    Period,
    Activity,
    Quantity,
    Unit,
    Start,
    End,
    Factor,
    Region,
    Scope3Category,
    Supplier,
    Evidence,
    MeterId,
    DataQuality,
    Note,
    /// The IPCC sector the fuel is burnt in (else the facility's).
    Sector,
    /// The record's own fuel parameters (decision 0021), and how they were obtained.
    NcvGjPerUnit,
    CarbonTPerGj,
    Oxidation,
    ParameterSource,
    /// The Scope 3 columns (decision 0035; stored since schema 9, decision 0043): the method,
    /// the five data-quality scores, the money's year, exchange rate and price index, and the
    /// category-15 attribution.
    Method,
    DqTechnology,
    DqTime,
    DqGeography,
    DqCompleteness,
    DqReliability,
    CurrencyYear,
    ExchangeRate,
    PriceIndex,
    Attribution,
    /// A category-15 line's PCAF data-quality score, 1–5 (schema 10, decision 0050).
    PcafScore,
}

/// The language of labels and of the blank template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `en` or `zh` (also `zh-CN`, `zh-Hans`, `cn`, `english`, `中文`), ignoring case.
    pub fn parse(text: &str) -> Option<Lang> {
        match normalise(text).as_str() {
            "en" | "en-gb" | "en-us" | "english" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "cn" | "chinese" | "中文" | "简体中文" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Facility,
        Field::Period,
        Field::Activity,
        Field::Quantity,
        Field::Unit,
        Field::Start,
        Field::End,
        Field::Factor,
        Field::Region,
        Field::Scope3Category,
        Field::Supplier,
        Field::Evidence,
        Field::MeterId,
        Field::DataQuality,
        Field::Note,
        Field::Sector,
        Field::NcvGjPerUnit,
        Field::CarbonTPerGj,
        Field::Oxidation,
        Field::ParameterSource,
        Field::Method,
        Field::DqTechnology,
        Field::DqTime,
        Field::DqGeography,
        Field::DqCompleteness,
        Field::DqReliability,
        Field::CurrencyYear,
        Field::ExchangeRate,
        Field::PriceIndex,
        Field::Attribution,
        Field::PcafScore,
    ];

    /// The wire name (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Facility => "facility",
            Field::Period => "period",
            Field::Activity => "activity",
            Field::Quantity => "quantity",
            Field::Unit => "unit",
            Field::Start => "start",
            Field::End => "end",
            Field::Factor => "factor",
            Field::Region => "region",
            Field::Scope3Category => "scope3_category",
            Field::Supplier => "supplier",
            Field::Evidence => "evidence",
            Field::MeterId => "meter_id",
            Field::DataQuality => "data_quality",
            Field::Note => "note",
            Field::Sector => "sector",
            Field::NcvGjPerUnit => "ncv_gj_per_unit",
            Field::CarbonTPerGj => "carbon_t_per_gj",
            Field::Oxidation => "oxidation",
            Field::ParameterSource => "parameter_source",
            Field::Method => "method",
            Field::DqTechnology => "dq_technology",
            Field::DqTime => "dq_time",
            Field::DqGeography => "dq_geography",
            Field::DqCompleteness => "dq_completeness",
            Field::DqReliability => "dq_reliability",
            Field::CurrencyYear => "currency_year",
            Field::ExchangeRate => "exchange_rate",
            Field::PriceIndex => "price_index",
            Field::Attribution => "attribution",
            Field::PcafScore => "pcaf_score",
        }
    }

    pub fn parse(text: &str) -> Option<Field> {
        let key = normalise(text);
        Field::ALL.iter().copied().find(|f| f.as_str() == key)
    }

    /// Fields a mapping must have. Dates are not among them: a file may give `period`, or
    /// `start` and `end`, or neither (the importer then asks for the period of the whole file).
    pub fn required(self) -> bool {
        matches!(self, Field::Facility | Field::Activity | Field::Quantity | Field::Unit)
    }

    /// The column heading in the UI and in the blank template. Every label is also a synonym
    /// [`guess`] recognises exactly, so a template comes back mapped with no user input.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Field::Facility, Lang::En) => "Facility",
            (Field::Facility, Lang::Zh) => "设施",
            (Field::Period, Lang::En) => "Period",
            (Field::Period, Lang::Zh) => "期间",
            (Field::Activity, Lang::En) => "Activity type",
            (Field::Activity, Lang::Zh) => "活动类型",
            (Field::Quantity, Lang::En) => "Quantity",
            (Field::Quantity, Lang::Zh) => "用量",
            (Field::Unit, Lang::En) => "Unit",
            (Field::Unit, Lang::Zh) => "单位",
            (Field::Start, Lang::En) => "Start date",
            (Field::Start, Lang::Zh) => "开始日期",
            (Field::End, Lang::En) => "End date",
            (Field::End, Lang::Zh) => "结束日期",
            (Field::Factor, Lang::En) => "Factor ID",
            (Field::Factor, Lang::Zh) => "排放因子编号",
            (Field::Region, Lang::En) => "Region",
            (Field::Region, Lang::Zh) => "地区",
            (Field::Scope3Category, Lang::En) => "Scope 3 category",
            (Field::Scope3Category, Lang::Zh) => "范围三类别",
            (Field::Supplier, Lang::En) => "Supplier",
            (Field::Supplier, Lang::Zh) => "供应商",
            (Field::Evidence, Lang::En) => "Evidence",
            (Field::Evidence, Lang::Zh) => "凭证号",
            (Field::MeterId, Lang::En) => "Meter ID",
            (Field::MeterId, Lang::Zh) => "表号",
            (Field::DataQuality, Lang::En) => "Data quality",
            (Field::DataQuality, Lang::Zh) => "数据质量",
            (Field::Note, Lang::En) => "Note",
            (Field::Note, Lang::Zh) => "备注",
            (Field::Sector, Lang::En) => "Sector",
            (Field::Sector, Lang::Zh) => "行业",
            (Field::NcvGjPerUnit, Lang::En) => "NCV (GJ per unit)",
            (Field::NcvGjPerUnit, Lang::Zh) => "低位发热量",
            (Field::CarbonTPerGj, Lang::En) => "Carbon content (t C/GJ)",
            (Field::CarbonTPerGj, Lang::Zh) => "单位热值含碳量",
            (Field::Oxidation, Lang::En) => "Oxidation",
            (Field::Oxidation, Lang::Zh) => "碳氧化率",
            (Field::ParameterSource, Lang::En) => "Parameter source",
            (Field::ParameterSource, Lang::Zh) => "参数来源",
            (Field::Method, Lang::En) => "Scope 3 method",
            (Field::Method, Lang::Zh) => "范围三核算方法",
            (Field::DqTechnology, Lang::En) => "DQ technology",
            (Field::DqTechnology, Lang::Zh) => "技术代表性评分",
            (Field::DqTime, Lang::En) => "DQ time",
            (Field::DqTime, Lang::Zh) => "时间代表性评分",
            (Field::DqGeography, Lang::En) => "DQ geography",
            (Field::DqGeography, Lang::Zh) => "地理代表性评分",
            (Field::DqCompleteness, Lang::En) => "DQ completeness",
            (Field::DqCompleteness, Lang::Zh) => "完整性评分",
            (Field::DqReliability, Lang::En) => "DQ reliability",
            (Field::DqReliability, Lang::Zh) => "可靠性评分",
            (Field::CurrencyYear, Lang::En) => "Currency year",
            (Field::CurrencyYear, Lang::Zh) => "货币年份",
            (Field::ExchangeRate, Lang::En) => "Exchange rate",
            (Field::ExchangeRate, Lang::Zh) => "汇率",
            (Field::PriceIndex, Lang::En) => "Price index",
            (Field::PriceIndex, Lang::Zh) => "价格指数",
            (Field::Attribution, Lang::En) => "Attribution share",
            (Field::Attribution, Lang::Zh) => "归属比例",
            (Field::PcafScore, Lang::En) => "PCAF score",
            (Field::PcafScore, Lang::Zh) => "PCAF 数据质量评分",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Synonyms of each field, as keys ([`header_key`] form). The first list also matches when the
/// header merely contains the synonym (ASCII synonyms as whole words); the second list only
/// matches exactly, because the word is too common inside other headers ("to", "value", "单位"
/// in "单位名称").
struct Synonyms {
    field: Field,
    contained: &'static [&'static str],
    exact: &'static [&'static str],
}

const SYNONYMS: &[Synonyms] = &[
    Synonyms {
        field: Field::Facility,
        contained: &[
            "facility",
            "site",
            "plant",
            "设施",
            "厂区",
            "工厂",
            "场所",
            "排放源所在地",
            "设施编号",
            "设施代码",
            "分厂",
            "厂址",
            "生产基地",
            "facility code",
            "site code",
            "plant code",
        ],
        exact: &["location", "地点", "位置", "基地", "工厂代码", "车间"],
    },
    Synonyms {
        field: Field::Period,
        contained: &["period", "reporting period", "期间", "月份", "年份", "报告期", "年月", "会计期间", "统计期"],
        exact: &["month", "year", "date", "日期", "月", "年", "记账日期", "单据日期", "业务日期", "transaction date"],
    },
    Synonyms {
        field: Field::Activity,
        contained: &[
            "activity type",
            "activity",
            "fuel type",
            "fuel",
            "energy type",
            "energy carrier",
            "活动类型",
            "活动",
            "能源品种",
            "能源种类",
            "燃料",
            "燃料品种",
            "燃料种类",
            "能源类型",
            "能源名称",
            "排放源",
            "物料名称",
            "品名",
            "能源介质",
            "介质",
        ],
        exact: &["source", "type", "item", "material", "description", "能源", "名称", "品种", "类型", "物料", "项目"],
    },
    Synonyms {
        field: Field::Quantity,
        contained: &[
            "quantity",
            "consumption",
            "usage",
            "qty",
            "用量",
            "消耗量",
            "数量",
            "消费量",
            "使用量",
            "耗用量",
            "实物量",
            "用电量",
            "用气量",
            "用水量",
            "购入量",
            "活动数据",
            "activity data",
        ],
        exact: &["amount", "value", "volume", "total", "合计", "量", "数值", "消耗"],
    },
    Synonyms {
        field: Field::Unit,
        contained: &["unit of measure", "uom", "计量单位", "数量单位", "用量单位"],
        exact: &["unit", "units", "measure unit", "measurement unit", "单位"],
    },
    Synonyms {
        field: Field::Start,
        contained: &[
            "start date",
            "period start",
            "date from",
            "开始日期",
            "起始日期",
            "开始时间",
            "起始时间",
            "起始日",
            "开始",
            "period_start",
        ],
        exact: &["start", "from", "valid from", "begin", "begin date", "自", "起"],
    },
    Synonyms {
        field: Field::End,
        contained: &[
            "end date",
            "period end",
            "date to",
            "结束日期",
            "截止日期",
            "截至日期",
            "结束时间",
            "截止时间",
            "终止日期",
            "period_end",
        ],
        exact: &["end", "to", "until", "valid to", "结束", "截止", "至", "止"],
    },
    Synonyms {
        field: Field::Factor,
        contained: &["factor id", "emission factor", "factor", "排放因子编号", "排放因子", "因子编号", "因子"],
        exact: &["ef", "ef id"],
    },
    Synonyms {
        field: Field::Region,
        contained: &["region", "province", "地区", "省份", "区域", "所在省份", "电网区域", "grid region"],
        exact: &["省", "area", "country"],
    },
    Synonyms {
        field: Field::Scope3Category,
        contained: &[
            "scope 3 category",
            "scope3 category",
            "scope3_category",
            "范围三类别",
            "范围3类别",
            "范围三类",
            "范围3类",
        ],
        exact: &["category", "类别", "scope 3", "scope3", "范围三", "范围3"],
    },
    Synonyms {
        field: Field::Supplier,
        contained: &["supplier", "vendor", "供应商", "供货单位", "供应单位", "供应方"],
        exact: &["供方", "销售方"],
    },
    Synonyms {
        field: Field::Evidence,
        contained: &[
            "invoice",
            "evidence",
            "document no",
            "document number",
            "voucher",
            "凭证",
            "凭证号",
            "发票号",
            "发票号码",
            "单据号",
            "单据编号",
            "凭证编号",
            "发票",
        ],
        exact: &["document", "reference", "ref", "doc no", "receipt"],
    },
    Synonyms {
        field: Field::MeterId,
        contained: &[
            "meter id",
            "meter no",
            "meter number",
            "meter",
            "表号",
            "电表号",
            "计量表号",
            "水表号",
            "气表号",
            "表计编号",
        ],
        exact: &["meter_id", "户号"],
    },
    Synonyms {
        field: Field::DataQuality,
        contained: &["data quality", "数据质量", "数据来源类型", "数据质量等级"],
        exact: &["quality", "质量", "dq"],
    },
    Synonyms {
        field: Field::Note,
        contained: &["note", "notes", "remark", "remarks", "comment", "comments", "备注", "说明", "附注"],
        exact: &["memo", "描述"],
    },
    // "部门" is also a department ("使用部门"): it names the sector only as the whole header.
    Synonyms {
        field: Field::Sector,
        contained: &["sector", "ipcc sector", "行业", "所属行业", "行业类别", "排放部门"],
        exact: &["部门"],
    },
    Synonyms {
        field: Field::NcvGjPerUnit,
        contained: &["ncv_gj_per_unit", "net calorific value", "ncv", "低位发热量", "低位热值", "平均低位发热量"],
        exact: &["calorific value", "发热量"],
    },
    Synonyms {
        field: Field::CarbonTPerGj,
        contained: &["carbon_t_per_gj", "carbon content", "单位热值含碳量", "含碳量"],
        exact: &["碳含量"],
    },
    Synonyms {
        field: Field::Oxidation,
        contained: &["oxidation", "oxidation factor", "oxidation rate", "碳氧化率", "氧化率"],
        exact: &[],
    },
    Synonyms {
        field: Field::ParameterSource,
        contained: &["parameter_source", "parameter source", "参数来源", "参数获取方式", "取值方式"],
        exact: &[],
    },
    // The Scope 3 columns: their activity-file names and labels only, matched exactly (words
    // such as "method", "rate" or "year" are too common inside other headers).
    Synonyms {
        field: Field::Method,
        contained: &[],
        exact: &["method", "scope 3 method", "范围三核算方法", "核算方法"],
    },
    Synonyms {
        field: Field::DqTechnology,
        contained: &[],
        exact: &["dq_technology", "dq technology", "技术代表性评分"],
    },
    Synonyms { field: Field::DqTime, contained: &[], exact: &["dq_time", "dq time", "时间代表性评分"] },
    Synonyms {
        field: Field::DqGeography, contained: &[], exact: &["dq_geography", "dq geography", "地理代表性评分"]
    },
    Synonyms {
        field: Field::DqCompleteness,
        contained: &[],
        exact: &["dq_completeness", "dq completeness", "完整性评分"],
    },
    Synonyms {
        field: Field::DqReliability,
        contained: &[],
        exact: &["dq_reliability", "dq reliability", "可靠性评分"],
    },
    Synonyms { field: Field::CurrencyYear, contained: &[], exact: &["currency_year", "currency year", "货币年份"] },
    Synonyms { field: Field::ExchangeRate, contained: &[], exact: &["exchange_rate", "exchange rate", "汇率"] },
    Synonyms { field: Field::PriceIndex, contained: &[], exact: &["price_index", "price index", "价格指数"] },
    Synonyms {
        field: Field::Attribution, contained: &[], exact: &["attribution", "attribution share", "归属比例"]
    },
    Synonyms {
        field: Field::PcafScore,
        contained: &[],
        exact: &["pcaf_score", "pcaf score", "pcaf data quality score", "pcaf 数据质量评分", "pcaf评分"],
    },
];

/// A user's (or a guess's) mapping: for each field, the text of the file's header that fills it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub columns: BTreeMap<Field, String>,
}

/// Why a mapping does not fit a file's header row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum MappingProblem {
    /// A required field has no column.
    MissingField { field: Field },
    /// The mapping names a header the file does not have.
    HeaderNotInFile { field: Field, header: String },
    /// The header occurs more than once in the file, so the column is not known.
    AmbiguousHeader { field: Field, header: String },
    /// Two or more fields name the same column.
    SharedColumn { fields: Vec<Field>, header: String },
}

impl fmt::Display for MappingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MappingProblem::MissingField { field } => write!(f, "no column is mapped to the required field '{field}'"),
            MappingProblem::HeaderNotInFile { field, header } => {
                write!(f, "field '{field}' is mapped to column '{header}', which the file does not have")
            }
            MappingProblem::AmbiguousHeader { field, header } => {
                write!(f, "field '{field}' is mapped to column '{header}', which occurs more than once in the file")
            }
            MappingProblem::SharedColumn { fields, header } => {
                let names: Vec<&str> = fields.iter().map(|f| f.as_str()).collect();
                write!(f, "fields {} are all mapped to the one column '{header}'", names.join(", "))
            }
        }
    }
}

impl ColumnMapping {
    /// The column index of each mapped field in `headers`, or every problem found (all of them,
    /// in field order). Headers are compared in [`normalise`]d form.
    pub fn resolve(&self, headers: &[String]) -> Result<BTreeMap<Field, usize>, Vec<MappingProblem>> {
        let keys: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        let mut problems = Vec::new();
        for &field in Field::ALL {
            if field.required() && self.columns.get(&field).is_none_or(|h| h.trim().is_empty()) {
                problems.push(MappingProblem::MissingField { field });
            }
        }
        let mut found = BTreeMap::new();
        let mut by_column: BTreeMap<usize, Vec<Field>> = BTreeMap::new();
        for (&field, header) in &self.columns {
            let key = normalise(header);
            if key.is_empty() {
                continue;
            }
            let mut at = keys.iter().enumerate().filter(|(_, k)| **k == key).map(|(i, _)| i);
            match (at.next(), at.next()) {
                (None, _) => problems.push(MappingProblem::HeaderNotInFile { field, header: header.clone() }),
                (Some(_), Some(_)) => problems.push(MappingProblem::AmbiguousHeader { field, header: header.clone() }),
                (Some(i), None) => {
                    found.insert(field, i);
                    by_column.entry(i).or_default().push(field);
                }
            }
        }
        for (i, fields) in by_column {
            if fields.len() > 1 {
                let header = headers.get(i).cloned().unwrap_or_default();
                problems.push(MappingProblem::SharedColumn { fields, header });
            }
        }
        if problems.is_empty() {
            Ok(found)
        } else {
            Err(problems)
        }
    }

    /// Whether every required field has a column (not whether the columns exist in a file).
    pub fn is_complete(&self) -> bool {
        Field::ALL.iter().filter(|f| f.required()).all(|f| self.columns.contains_key(f))
    }
}

/// The result of [`guess`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guess {
    pub mapping: ColumnMapping,
    /// File headers no field took (non-empty ones, in file order).
    pub unmapped: Vec<String>,
    /// Required fields no header matched.
    pub missing: Vec<Field>,
    /// Units found in brackets in a mapped header (`用量(吨)`, `Quantity [kWh]`), normalised;
    /// only text that [`values::resolve_unit`] recognises counts. The importer may use it when a
    /// file has no unit column.
    pub unit_hints: BTreeMap<Field, String>,
}

/// A header reduced for matching: [`normalise`]d; a leading `*` or `※` (required-column marks)
/// and trailing `:` removed; a trailing bracketed part (`(吨)`, `[kWh]`, `【万元】`) removed and
/// returned separately; `_`, `-` and `/` read as spaces.
pub fn header_key(header: &str) -> (String, Option<String>) {
    let mut key = normalise(header);
    key = key.trim_start_matches(['*', '※']).trim_end_matches([':', '*']).trim().to_string();
    let mut bracket = None;
    for (open, close) in [('(', ')'), ('[', ']'), ('【', '】'), ('〔', '〕')] {
        if key.ends_with(close) {
            if let Some(at) = key.rfind(open) {
                let inner = key[at + open.len_utf8()..key.len() - close.len_utf8()].trim().to_string();
                key = key[..at].trim().to_string();
                if !inner.is_empty() {
                    bracket = Some(inner);
                }
                break;
            }
        }
    }
    let spaced: String = key.chars().map(|c| if matches!(c, '_' | '-' | '/') { ' ' } else { c }).collect();
    (spaced.split_whitespace().collect::<Vec<_>>().join(" "), bracket)
}

/// How a header matched a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Contained(usize),
    Exact,
}

fn strength(key: &str, field: Field) -> Option<Strength> {
    let squeezed: String = key.chars().filter(|c| *c != ' ').collect();
    let words: Vec<&str> = key.split(' ').collect();
    let syn = SYNONYMS.iter().find(|s| s.field == field)?;
    let mut best = None;
    for s in syn.contained.iter().chain(syn.exact) {
        let (s_key, _) = header_key(s);
        let s_squeezed: String = s_key.chars().filter(|c| *c != ' ').collect();
        if s_key == key || s_squeezed == squeezed {
            return Some(Strength::Exact);
        }
        if syn.contained.contains(s) && contains(key, &words, &s_key) {
            let len = s_key.chars().count();
            best = best.max(Some(Strength::Contained(len)));
        }
    }
    best
}

/// Whether `key` contains synonym `syn`: as whole words when the synonym is ASCII, as a
/// substring otherwise.
fn contains(key: &str, words: &[&str], syn: &str) -> bool {
    if syn.is_ascii() {
        let syn_words: Vec<&str> = syn.split(' ').collect();
        words.windows(syn_words.len()).any(|w| w == syn_words.as_slice())
    } else {
        key.contains(syn)
    }
}

/// Guess a mapping from a header row. Deterministic: exact synonym matches first (in file order,
/// then field order), then "contains" matches (longest synonym first, then file order, then field
/// order); a header fills at most one field and a field takes at most one header.
pub fn guess(headers: &[String]) -> Guess {
    let keys: Vec<(String, Option<String>)> = headers.iter().map(|h| header_key(h)).collect();
    let mut candidates: Vec<(Strength, usize, Field)> = Vec::new();
    for (i, (key, _)) in keys.iter().enumerate() {
        if key.is_empty() {
            continue;
        }
        for &field in Field::ALL {
            if let Some(s) = strength(key, field) {
                candidates.push((s, i, field));
            }
        }
    }
    // Strongest first; among equals, the earlier column, then the earlier field.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut taken_fields = BTreeSet::new();
    let mut taken_columns = BTreeSet::new();
    let mut guess = Guess::default();
    for (_, i, field) in candidates {
        if taken_fields.contains(&field) || taken_columns.contains(&i) {
            continue;
        }
        taken_fields.insert(field);
        taken_columns.insert(i);
        let header = headers.get(i).cloned().unwrap_or_default();
        guess.mapping.columns.insert(field, header);
        if let Some((_, Some(hint))) = keys.get(i) {
            let empty = values::ValueMap::new();
            if !matches!(values::resolve_unit(&empty, hint), values::Resolved::Unknown { .. }) {
                guess.unit_hints.insert(field, hint.clone());
            }
        }
    }
    guess.unmapped = headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !taken_columns.contains(i) && !h.trim().is_empty())
        .map(|(_, h)| h.clone())
        .collect();
    guess.missing = Field::ALL.iter().copied().filter(|f| f.required() && !taken_fields.contains(f)).collect();
    guess
}

/// SHA-256 (lower-case hex) of the header row in [`normalise`]d form, so that a saved template
/// is found again for files with the same headers. Order matters (an ERP export has a fixed
/// order); empty trailing columns do not (spreadsheets often carry some).
pub fn header_signature(headers: &[String]) -> String {
    let mut keys: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    while keys.last().is_some_and(String::is_empty) {
        keys.pop();
    }
    let mut hasher = Sha256::new();
    for key in &keys {
        hasher.update(key.as_bytes());
        hasher.update([0x1f]);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn h(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// The guessed mapping as `field=header` pairs, for compact expectations.
    fn pairs(g: &Guess) -> Vec<String> {
        g.mapping.columns.iter().map(|(f, h)| format!("{f}={h}")).collect()
    }

    #[test]
    fn fuel_parameters_and_sectors_are_guessed_in_both_languages() {
        let zh = h(&[
            "设施",
            "开始日期",
            "结束日期",
            "燃料品种",
            "消耗量",
            "单位",
            "低位发热量(GJ/t)",
            "单位热值含碳量(tC/GJ)",
            "碳氧化率",
            "参数来源",
            "行业",
        ]);
        let g = guess(&zh);
        assert!(g.unmapped.is_empty() && g.missing.is_empty(), "{g:?}");
        for (f, header) in [
            (Field::NcvGjPerUnit, "低位发热量(GJ/t)"),
            (Field::CarbonTPerGj, "单位热值含碳量(tC/GJ)"),
            (Field::Oxidation, "碳氧化率"),
            (Field::ParameterSource, "参数来源"),
            (Field::Sector, "行业"),
            (Field::Unit, "单位"),
        ] {
            assert_eq!(g.mapping.columns.get(&f).map(String::as_str), Some(header), "{f}");
        }
        // The activity-file column names themselves.
        let en = h(&[
            "facility",
            "period_start",
            "period_end",
            "activity",
            "quantity",
            "unit",
            "sector",
            "ncv_gj_per_unit",
            "carbon_t_per_gj",
            "oxidation",
            "parameter_source",
        ]);
        let g = guess(&en);
        assert!(g.unmapped.is_empty() && g.missing.is_empty(), "{g:?}");
        assert_eq!(g.mapping.columns.get(&Field::CarbonTPerGj).map(String::as_str), Some("carbon_t_per_gj"));
        // "部门" names the sector only as the whole header: a using department is not a sector.
        assert_eq!(guess(&h(&["部门"])).mapping.columns.get(&Field::Sector).map(String::as_str), Some("部门"));
        assert_eq!(guess(&h(&["使用部门"])).mapping.columns.get(&Field::Sector), None);
    }

    #[test]
    fn field_names_round_trip() {
        for &f in Field::ALL {
            assert_eq!(Field::parse(f.as_str()), Some(f));
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.as_str()));
        }
        assert_eq!(Field::parse(" Meter_ID "), Some(Field::MeterId));
        assert_eq!(Field::parse("nope"), None);
        assert_eq!(Lang::parse("ZH-cn"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn every_field_has_synonyms_and_no_synonym_belongs_to_two_fields() {
        let mut seen: BTreeMap<String, Field> = BTreeMap::new();
        for &f in Field::ALL {
            let syn = SYNONYMS.iter().find(|s| s.field == f).unwrap();
            for s in syn.contained.iter().chain(syn.exact) {
                let (key, _) = header_key(s);
                if let Some(other) = seen.insert(key.clone(), f) {
                    assert_eq!(other, f, "synonym '{s}' is listed for {other} and {f}");
                }
            }
        }
    }

    #[test]
    fn every_label_is_recognised_exactly_in_both_languages() {
        for lang in [Lang::En, Lang::Zh] {
            for &f in Field::ALL {
                let (key, _) = header_key(f.label(lang));
                assert_eq!(strength(&key, f), Some(Strength::Exact), "{f} {lang:?}");
            }
            let headers: Vec<String> = Field::ALL.iter().map(|f| f.label(lang).to_string()).collect();
            let g = guess(&headers);
            assert!(g.unmapped.is_empty() && g.missing.is_empty(), "{g:?}");
            for &f in Field::ALL {
                assert_eq!(g.mapping.columns.get(&f).map(String::as_str), Some(f.label(lang)));
            }
        }
    }

    #[test]
    fn scopebooks_own_column_names_map_to_themselves() {
        let headers = h(&[
            "facility",
            "activity",
            "quantity",
            "unit",
            "start",
            "end",
            "factor",
            "region",
            "scope3_category",
            "supplier",
            "evidence",
            "meter_id",
            "data_quality",
            "note",
        ]);
        let g = guess(&headers);
        assert!(g.unmapped.is_empty(), "{g:?}");
        for (f, header) in &g.mapping.columns {
            assert_eq!(f.as_str(), header);
        }
        // The CLI activity file's period columns.
        let g = guess(&h(&["facility", "period_start", "period_end", "activity", "quantity", "unit"]));
        assert_eq!(g.mapping.columns[&Field::Start], "period_start");
        assert_eq!(g.mapping.columns[&Field::End], "period_end");
    }

    #[test]
    fn chinese_erp_export() {
        let g = guess(&h(&["序号", "厂区", "月份", "能源品种", "消耗量", "计量单位", "凭证号", "备注"]));
        assert_eq!(
            pairs(&g),
            [
                "facility=厂区",
                "period=月份",
                "activity=能源品种",
                "quantity=消耗量",
                "unit=计量单位",
                "evidence=凭证号",
                "note=备注"
            ]
        );
        assert_eq!(g.unmapped, ["序号"]);
        assert!(g.missing.is_empty());
    }

    #[test]
    fn chinese_headers_with_units_in_brackets_and_full_width_forms() {
        let g = guess(&h(&["＊设施名称", "燃料种类", "用量（吨）", "开始日期", "截止日期", "供应商", "发票号码"]));
        assert_eq!(
            pairs(&g),
            [
                "facility=＊设施名称",
                "activity=燃料种类",
                "quantity=用量（吨）",
                "start=开始日期",
                "end=截止日期",
                "supplier=供应商",
                "evidence=发票号码",
            ]
        );
        assert_eq!(g.missing, [Field::Unit]);
        assert_eq!(g.unit_hints.get(&Field::Quantity).map(String::as_str), Some("吨"));
    }

    #[test]
    fn english_erp_export() {
        let g = guess(&h(&[
            "Plant Code",
            "Posting Date",
            "Material",
            "Qty",
            "UoM",
            "Vendor Name",
            "Invoice No.",
            "Comments",
        ]));
        assert_eq!(
            pairs(&g),
            [
                "facility=Plant Code",
                "activity=Material",
                "quantity=Qty",
                "unit=UoM",
                "supplier=Vendor Name",
                "evidence=Invoice No.",
                "note=Comments",
            ]
        );
        assert_eq!(g.unmapped, ["Posting Date"]);
    }

    #[test]
    fn english_utility_bill_export() {
        let g = guess(&h(&[
            "Site",
            "Meter Number",
            "From",
            "To",
            "Fuel Type",
            "Consumption (kWh)",
            "Region",
            "Data Quality",
        ]));
        assert_eq!(
            pairs(&g),
            [
                "facility=Site",
                "activity=Fuel Type",
                "quantity=Consumption (kWh)",
                "start=From",
                "end=To",
                "region=Region",
                "meter_id=Meter Number",
                "data_quality=Data Quality",
            ]
        );
        assert_eq!(g.missing, [Field::Unit]);
        assert_eq!(g.unit_hints.get(&Field::Quantity).map(String::as_str), Some("kwh"));
    }

    #[test]
    fn electricity_ledger_in_chinese() {
        let g = guess(&h(&["单位名称", "电表号", "年月", "用电量(万千瓦时)", "单位", "所在省份", "说明"]));
        assert_eq!(
            pairs(&g),
            [
                "period=年月",
                "quantity=用电量(万千瓦时)",
                "unit=单位",
                "region=所在省份",
                "meter_id=电表号",
                "note=说明"
            ]
        );
        // "单位名称" (the reporting company's name) is not the unit column.
        assert_eq!(g.unmapped, ["单位名称"]);
        assert_eq!(g.missing, [Field::Facility, Field::Activity]);
        assert_eq!(g.unit_hints.get(&Field::Quantity).map(String::as_str), Some("万千瓦时"));
        // Without a "单位" column it still does not become the unit column.
        let g = guess(&h(&["单位名称", "用电量"]));
        assert_eq!(g.unmapped, ["单位名称"]);
    }

    #[test]
    fn an_exact_match_beats_a_contained_one_and_no_column_serves_two_fields() {
        // "Unit" is exact for unit; "Unit price" contains "unit" only as an exact-only synonym,
        // so it stays unmapped instead of stealing the column.
        let g = guess(&h(&["Facility", "Activity", "Unit price", "Amount", "Unit"]));
        assert_eq!(g.mapping.columns[&Field::Unit], "Unit");
        assert_eq!(g.mapping.columns[&Field::Quantity], "Amount");
        assert_eq!(g.unmapped, ["Unit price"]);
        // Two exact candidates for one field: the first column wins.
        let g = guess(&h(&["数量", "用量", "设施", "活动", "单位"]));
        assert_eq!(g.mapping.columns[&Field::Quantity], "数量");
        assert_eq!(g.unmapped, ["用量"]);
    }

    #[test]
    fn guess_is_deterministic_and_ignores_empty_headers() {
        let headers = h(&["", "Site", "  ", "Energy type", "Usage", "Unit", ""]);
        let a = guess(&headers);
        assert_eq!(a, guess(&headers));
        assert!(a.missing.is_empty());
        assert!(a.unmapped.is_empty());
    }

    #[test]
    fn resolve_reports_every_problem() {
        let headers = h(&["Site", "Fuel", "Qty", "Qty", "UoM"]);
        let mut m = ColumnMapping::default();
        m.columns.insert(Field::Facility, "site".into());
        m.columns.insert(Field::Activity, "Fuel".into());
        m.columns.insert(Field::Quantity, "Qty".into());
        m.columns.insert(Field::Note, "Fuel".into());
        m.columns.insert(Field::Supplier, "Vendor".into());
        let problems = m.resolve(&headers).unwrap_err();
        assert_eq!(
            problems,
            [
                MappingProblem::MissingField { field: Field::Unit },
                MappingProblem::AmbiguousHeader { field: Field::Quantity, header: "Qty".into() },
                MappingProblem::HeaderNotInFile { field: Field::Supplier, header: "Vendor".into() },
                MappingProblem::SharedColumn { fields: vec![Field::Activity, Field::Note], header: "Fuel".into() },
            ]
        );
        assert_eq!(problems[3].to_string(), "fields activity, note are all mapped to the one column 'Fuel'");
        assert_eq!(serde_json::to_string(&problems[0]).unwrap(), r#"{"code":"missing-field","field":"unit"}"#);
    }

    #[test]
    fn resolve_gives_column_indexes() {
        let headers = h(&["设施", "活动类型", "用量", "单位", "备注"]);
        let g = guess(&headers);
        let at = g.mapping.resolve(&headers).unwrap();
        assert_eq!(at[&Field::Facility], 0);
        assert_eq!(at[&Field::Note], 4);
        // A saved mapping matches a file whose headers differ in width, case and spacing only.
        let again = h(&["设施 ", "活动类型", "用量", "单位", "备注"]);
        assert_eq!(g.mapping.resolve(&again).unwrap(), at);
    }

    #[test]
    fn mapping_serialises_with_field_names() {
        let mut m = ColumnMapping::default();
        m.columns.insert(Field::Quantity, "用量".into());
        m.columns.insert(Field::MeterId, "表号".into());
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"columns":{"quantity":"用量","meter_id":"表号"}}"#);
        assert_eq!(serde_json::from_str::<ColumnMapping>(&json).unwrap(), m);
    }

    #[test]
    fn header_signature_ignores_presentation_but_not_content() {
        let a = header_signature(&h(&["设施", "Quantity", "单位"]));
        assert_eq!(a.len(), 64);
        assert_eq!(a, header_signature(&h(&[" 设施", "QUANTITY", "单位", "", " "])));
        assert_eq!(a, header_signature(&h(&["设施", "Ｑｕａｎｔｉｔｙ", "单位"])));
        assert_ne!(a, header_signature(&h(&["单位", "Quantity", "设施"])));
        assert_ne!(a, header_signature(&h(&["设施", "Quantity", "单位", "备注"])));
        // The separator keeps ["ab", "c"] and ["a", "bc"] apart.
        assert_ne!(header_signature(&h(&["ab", "c"])), header_signature(&h(&["a", "bc"])));
    }
}
