//! The report's languages and the names it needs in each. Every word the template shows is
//! chosen here; the template holds none.

use scopebook_core::classify::{Scope1Category, Scope2Category};

/// The language of a report: English, Chinese, or both side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
    Both,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::Both => "both",
        }
    }

    /// `en` or `zh` (or both, "English / 中文").
    pub fn pick(self, en: impl Into<String>, zh: impl Into<String>) -> String {
        let (en, zh) = (en.into(), zh.into());
        match self {
            Lang::En => en,
            Lang::Zh => zh,
            Lang::Both if en == zh => en,
            Lang::Both => format!("{en} / {zh}"),
        }
    }

    /// The text's language for hyphenation and punctuation (`en` for both).
    pub fn typst_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            _ => "en",
        }
    }
}

pub fn scope1_category(lang: Lang, c: Scope1Category) -> String {
    match c {
        Scope1Category::Stationary => lang.pick("Stationary combustion", "固定燃烧"),
        Scope1Category::Mobile => lang.pick("Mobile combustion", "移动燃烧"),
        Scope1Category::Process => lang.pick("Process emissions", "过程排放"),
        Scope1Category::Fugitive => lang.pick("Fugitive emissions", "逸散排放"),
    }
}

pub fn scope1_category_text(lang: Lang, c: &str) -> String {
    match c {
        "stationary" => scope1_category(lang, Scope1Category::Stationary),
        "mobile" => scope1_category(lang, Scope1Category::Mobile),
        "process" => scope1_category(lang, Scope1Category::Process),
        "fugitive" => scope1_category(lang, Scope1Category::Fugitive),
        other => other.to_string(),
    }
}

pub fn scope2_category_text(lang: Lang, c: &str) -> String {
    let c = match c {
        "electricity" => Scope2Category::Electricity,
        "heat" => Scope2Category::Heat,
        "steam" => Scope2Category::Steam,
        "cooling" => Scope2Category::Cooling,
        other => return other.to_string(),
    };
    match c {
        Scope2Category::Electricity => lang.pick("Purchased electricity", "外购电力"),
        Scope2Category::Heat => lang.pick("Purchased heat", "外购热力"),
        Scope2Category::Steam => lang.pick("Purchased steam", "外购蒸汽"),
        Scope2Category::Cooling => lang.pick("Purchased cooling", "外购冷量"),
    }
}

const SCOPE3_ZH: [&str; 15] = [
    "外购商品和服务",
    "资本货物",
    "燃料和能源相关活动",
    "上游运输和配送",
    "运营中产生的废弃物",
    "商务差旅",
    "员工通勤",
    "上游租赁资产",
    "下游运输和配送",
    "售出产品的加工",
    "售出产品的使用",
    "售出产品的报废处理",
    "下游租赁资产",
    "特许经营",
    "投资",
];

/// "3.1 Purchased goods and services" in the language.
pub fn scope3_category(lang: Lang, number: u8, en_name: &str) -> String {
    let zh = SCOPE3_ZH.get(usize::from(number).saturating_sub(1)).copied().unwrap_or(en_name);
    lang.pick(format!("{number} {en_name}"), format!("{number} {zh}"))
}

const ISO_ZH: [&str; 6] = [
    "直接温室气体排放和清除",
    "输入能源的间接温室气体排放",
    "运输的间接温室气体排放",
    "组织使用的产品的间接温室气体排放",
    "与使用组织产品相关的间接温室气体排放",
    "其他来源的间接温室气体排放",
];

pub fn iso_category(lang: Lang, number: u8, en_name: &str) -> String {
    let zh = ISO_ZH.get(usize::from(number).saturating_sub(1)).copied().unwrap_or(en_name);
    lang.pick(format!("{number} {en_name}"), format!("{number} {zh}"))
}

/// A chemical formula with its digits as subscripts (`CO2` → `CO₂`, `C2F6` → `C₂F₆`); names
/// with a hyphen (`HFC-134a`) are names, not formulas, and stay as they are.
pub fn formula(name: &str) -> String {
    if name.contains('-') {
        return name.to_string();
    }
    name.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x2080 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// A record's data-quality indicator in the language (`unstated` when it gives none).
pub fn data_quality(lang: Lang, q: &str) -> String {
    match q {
        "measured" => lang.pick("measured", "实测"),
        "calculated" => lang.pick("calculated", "计算"),
        "estimated" => lang.pick("estimated", "估算"),
        "unstated" => lang.pick("unstated", "未说明"),
        other => other.to_string(),
    }
}

/// "t CO₂e" — the unit of every total.
pub const T_CO2E: &str = "t CO₂e";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_subscripts_and_names_do_not() {
        assert_eq!(formula("CO2"), "CO₂");
        assert_eq!(formula("C2F6"), "C₂F₆");
        assert_eq!(formula("HFC-134a"), "HFC-134a");
        assert_eq!(Lang::Both.pick("Scope", "范围"), "Scope / 范围");
        assert_eq!(scope3_category(Lang::Zh, 6, "Business travel"), "6 商务差旅");
    }
}
