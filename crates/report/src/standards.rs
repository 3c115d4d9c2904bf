//! The inventory report's sections, each with a stable id, and the items of the standards each
//! section answers: the GHG Protocol Corporate Standard (revised edition), chapter 9,
//! *required* information kept apart from its *optional* information, and ISO 14064-1:2018,
//! clause 9.3.1. The report ends with an index "item → section → page" built from these
//! tables. The item texts are short paraphrases, not quotations.
//!
//! Section ids are stable: tests, the package and readers cite them. Add sections; never
//! rename or reuse an id.

/// A section of the inventory report.
#[derive(Clone, Copy, Debug)]
pub struct SectionDef {
    pub id: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

pub const SECTIONS: &[SectionDef] = &[
    SectionDef { id: "organisation", en: "Organisation and organisational boundary", zh: "组织与组织边界" },
    SectionDef { id: "operational-boundary", en: "Operational boundary", zh: "运营边界" },
    SectionDef { id: "period", en: "Reporting period and base year", zh: "报告期与基准年" },
    SectionDef { id: "scope-totals", en: "Scope 1 and Scope 2 emissions", zh: "范围一与范围二排放" },
    SectionDef { id: "gases", en: "Emissions by greenhouse gas", zh: "按温室气体分列的排放" },
    SectionDef { id: "scope3", en: "Scope 3 emissions by category", zh: "按类别分列的范围三排放" },
    SectionDef { id: "iso-categories", en: "ISO 14064-1 categories", zh: "ISO 14064-1 类别" },
    SectionDef { id: "biogenic", en: "Biogenic CO₂", zh: "生物源二氧化碳" },
    SectionDef { id: "facilities", en: "Emissions by facility", zh: "按设施分列的排放" },
    SectionDef {
        id: "ets-coverage",
        en: "Share of Scope 1 covered by emissions trading",
        zh: "碳排放权交易覆盖的范围一份额",
    },
    SectionDef { id: "methods", en: "Methods", zh: "量化方法" },
    SectionDef { id: "gwp", en: "Global warming potentials", zh: "全球变暖潜势" },
    SectionDef { id: "factors", en: "Emission factors used", zh: "所用排放因子" },
    SectionDef { id: "uncertainty", en: "Uncertainty", zh: "不确定性" },
    SectionDef { id: "verification", en: "Verification status", zh: "核查状态" },
    SectionDef { id: "index", en: "Index of reporting requirements", zh: "报告要求索引" },
];

/// Which list an item belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standard {
    GhgProtocolRequired,
    GhgProtocolOptional,
    Iso14064,
}

/// One item of a standard's reporting list, and the section that answers it.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub standard: Standard,
    pub code: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    pub section: &'static str,
}

const fn item(
    standard: Standard,
    code: &'static str,
    en: &'static str,
    zh: &'static str,
    section: &'static str,
) -> Item {
    Item { standard, code, en, zh, section }
}

use Standard::{GhgProtocolOptional as O, GhgProtocolRequired as R, Iso14064 as I};

pub const ITEMS: &[Item] = &[
    // GHG Protocol Corporate Standard, chapter 9: required information.
    item(R, "R1", "Organisational boundary and consolidation approach", "组织边界与合并方法", "organisation"),
    item(
        R,
        "R2",
        "Operational boundary; Scope 3 activities covered",
        "运营边界；涵盖的范围三活动",
        "operational-boundary",
    ),
    item(R, "R3", "Reporting period", "报告期", "period"),
    item(
        R,
        "R4",
        "Scope 1 and 2 totals independent of GHG trades",
        "与温室气体交易无关的范围一、二总量",
        "scope-totals",
    ),
    item(R, "R5", "Emissions separately for each scope", "各范围分别列示的排放", "scope-totals"),
    item(R, "R6", "Each gas in tonnes and t CO₂e", "各温室气体的吨数与吨二氧化碳当量", "gases"),
    item(R, "R7", "Base year and emissions over time", "基准年及排放历程", "period"),
    item(R, "R8", "Context for changes triggering base-year recalculation", "引发基准年重新计算的变化说明", "period"),
    item(R, "R9", "Biogenic CO₂ reported apart from the scopes", "在范围之外单独报告的生物源二氧化碳", "biogenic"),
    item(R, "R10", "Methodologies and calculation tools", "计算方法与工具", "methods"),
    item(R, "R11", "Exclusions of sources, facilities or operations", "排除的排放源、设施或业务", "organisation"),
    // GHG Protocol Corporate Standard, chapter 9: optional information (those answered).
    item(O, "O1", "Scope 3 emissions by category", "按类别分列的范围三排放", "scope3"),
    item(O, "O2", "Emissions by facility", "按设施分列的排放", "facilities"),
    item(O, "O10", "External assurance", "外部鉴证", "verification"),
    item(O, "O13", "Inventory quality and uncertainty", "清单质量与不确定性", "uncertainty"),
    item(O, "O15", "List of facilities in the inventory", "纳入清单的设施列表", "organisation"),
    item(
        O,
        "ETS",
        "Share of Scope 1 covered by emissions trading schemes",
        "碳排放权交易覆盖的范围一份额",
        "ets-coverage",
    ),
    // ISO 14064-1:2018, clause 9.3.1.
    item(I, "a", "Description of the reporting organisation", "报告组织的描述", "organisation"),
    item(I, "c", "Reporting period covered", "报告期", "period"),
    item(I, "d", "Organisational boundaries", "组织边界", "organisation"),
    item(I, "e", "Reporting boundaries and significance criteria", "报告边界及重要性准则", "operational-boundary"),
    item(I, "f", "Direct emissions by gas, in t CO₂e", "按气体分列的直接排放（吨二氧化碳当量）", "gases"),
    item(I, "g", "Biogenic CO₂ treated and quantified apart", "生物源二氧化碳的处理与单独量化", "biogenic"),
    item(I, "i", "Exclusion of significant sources or sinks", "重要排放源或汇的排除说明", "organisation"),
    item(I, "j", "Indirect emissions by category", "按类别分列的间接排放", "iso-categories"),
    item(I, "k", "Base year and base-year inventory", "基准年及基准年清单", "period"),
    item(I, "m", "Quantification approaches", "量化方法", "methods"),
    item(I, "o", "Emission factors used", "所用排放因子", "factors"),
    item(I, "p", "Impact of uncertainties", "不确定性的影响", "uncertainty"),
    item(I, "q", "Uncertainty assessment", "不确定性评估", "uncertainty"),
    item(I, "s", "Whether the inventory has been verified", "清单是否经过核查", "verification"),
    item(I, "t", "GWP values and their source", "全球变暖潜势值及其来源", "gwp"),
];

/// The items a section answers, in list order.
pub fn items_of(section: &str) -> impl Iterator<Item = &'static Item> + '_ {
    ITEMS.iter().filter(move |i| i.section == section)
}

/// The ids of the sections that answer a GHG Protocol required item or an ISO 14064-1 item:
/// the sections a report may not leave out.
pub fn required_sections() -> Vec<&'static str> {
    SECTIONS
        .iter()
        .map(|s| s.id)
        .filter(|id| ITEMS.iter().any(|i| i.section == *id && i.standard != Standard::GhgProtocolOptional))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_names_a_section_and_ids_are_unique() {
        for i in ITEMS {
            assert!(SECTIONS.iter().any(|s| s.id == i.section), "{} names {}", i.code, i.section);
        }
        let mut ids: Vec<_> = SECTIONS.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SECTIONS.len());
        // Every GHG Protocol required item R1–R11 is answered.
        for n in 1..=11 {
            let code = format!("R{n}");
            assert!(ITEMS.iter().any(|i| i.standard == Standard::GhgProtocolRequired && i.code == code));
        }
    }
}
