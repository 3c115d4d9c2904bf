//! The blocks of each section of the inventory report, in the order of
//! [`crate::standards::SECTIONS`]. Figures come from the core's `Report` (the JSON of
//! `scopebook calc --db`) and are rounded by [`Figures`] only.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use scopebook_core::boundary::Consolidation;
use scopebook_core::classify::Classification;
use scopebook_core::report::Report;
use scopebook_core::unit::Dimension;
use scopebook_store::model::{FacilityKind, PeriodStatus};

use super::{bars, percent, rounding_footnote, Block, Figures, IndexGroup, IndexRow, Row};
use crate::source::{AuditState, InventorySource};
use crate::standards::{Standard, ITEMS, SECTIONS};
use crate::text::{
    data_quality, formula, iso_category, scope1_category_text, scope2_category_text, scope3_category, Lang, T_CO2E,
};

pub(crate) fn row(cells: Vec<String>) -> Row {
    Row { cells, strong: false, indent: false }
}

pub(crate) fn strong(cells: Vec<String>) -> Row {
    Row { cells, strong: true, indent: false }
}

pub(crate) fn part(cells: Vec<String>) -> Row {
    Row { cells, strong: false, indent: true }
}

pub(crate) fn table(
    columns: &[&str],
    align: &str,
    header: Vec<String>,
    rows: Vec<Row>,
    footnote: Option<String>,
) -> Block {
    Block::Table {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        align: align.chars().map(|c| if c == 'r' { "right".to_string() } else { "left".to_string() }).collect(),
        header,
        rows,
        footnote,
    }
}

pub(crate) fn para(text: String) -> Block {
    Block::Para { text }
}

pub(crate) fn pairs(rows: Vec<[String; 2]>) -> Block {
    Block::Pairs { rows }
}

/// The footnote when the shown `parts` do not add up to the shown `total`.
pub(crate) fn check(fig: Figures, lang: Lang, parts: &[Decimal], total: Decimal) -> Option<String> {
    (!fig.adds_up(parts, total)).then(|| rounding_footnote(lang))
}

pub fn consolidation_text(lang: Lang, src: &InventorySource) -> String {
    match src.organisation.consolidation {
        Consolidation::OperationalControl => lang.pick("Operational control", "运营控制权法"),
        Consolidation::FinancialControl => lang.pick("Financial control", "财务控制权法"),
        Consolidation::EquityShare => lang.pick("Equity share", "股权比例法"),
    }
}

pub fn status_text(lang: Lang, src: &InventorySource) -> String {
    match src.period.status {
        PeriodStatus::Open => lang.pick("open", "开放"),
        PeriodStatus::InReview => lang.pick("in review", "审核中"),
        PeriodStatus::Locked => lang.pick("locked", "已锁定"),
    }
}

pub fn rounding_text(lang: Lang, fig: Figures) -> String {
    let n = fig.rounding.decimals;
    lang.pick(
        format!(
            "rounded half to even to {n} decimal place(s) for display; every total is computed from unrounded figures"
        ),
        format!("显示时按四舍六入五成双修约至 {n} 位小数；所有合计均按未修约数值计算"),
    )
}

fn yes_no(lang: Lang, b: bool) -> String {
    if b {
        lang.pick("yes", "是")
    } else {
        lang.pick("no", "否")
    }
}

/// Every section's blocks, in the order of `SECTIONS`.
pub fn build(src: &InventorySource, r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Vec<Block>> {
    SECTIONS
        .iter()
        .map(|s| match s.id {
            "organisation" => organisation(src, r, lang),
            "operational-boundary" => operational_boundary(r, lang),
            "period" => period(src, r, lang, fig),
            "scope-totals" => scope_totals(r, lang, fig),
            "gases" => gases(r, lang, fig),
            "scope3" => scope3(src, r, lang, fig),
            "iso-categories" => iso_categories(r, lang, fig),
            "biogenic" => biogenic(r, lang, fig),
            "facilities" => facilities(src, r, lang, fig),
            "ets-coverage" => ets_coverage(src, r, lang, fig),
            "methods" => methods(src, r, lang, fig),
            "gwp" => gwp(src, r, lang),
            "factors" => factors(src, lang),
            "uncertainty" => uncertainty(src, lang),
            "verification" => verification(src, r, lang),
            _ => index(lang),
        })
        .collect()
}

fn organisation(src: &InventorySource, r: &Report<'_>, lang: Lang) -> Vec<Block> {
    let mut blocks = vec![pairs(vec![
        [lang.pick("Organisation", "组织"), src.organisation.name.clone()],
        [lang.pick("Consolidation approach", "合并方法"), consolidation_text(lang, src)],
        [lang.pick("Legal entities and facilities", "法人实体与设施"), src.facilities.len().to_string()],
    ])];
    let mut rows = Vec::new();
    let mut excluded = Vec::new();
    for f in &src.facilities {
        let share = src.boundary.share(&f.code);
        let kind = match f.kind {
            FacilityKind::LegalEntity => lang.pick("legal entity", "法人实体"),
            FacilityKind::Facility => lang.pick("facility", "设施"),
        };
        rows.push(row(vec![
            f.code.clone(),
            f.name.clone(),
            kind,
            f.parent.clone().unwrap_or_default(),
            f.equity_share.clone(),
            yes_no(lang, f.operational_control),
            yes_no(lang, f.financial_control),
            share.normalize().to_string(),
        ]));
        if f.kind == FacilityKind::Facility && share.is_zero() {
            let why = match src.organisation.consolidation {
                Consolidation::OperationalControl => {
                    lang.pick("outside the organisation's operational control", "不在组织运营控制范围内")
                }
                Consolidation::FinancialControl => {
                    lang.pick("outside the organisation's financial control", "不在组织财务控制范围内")
                }
                Consolidation::EquityShare => lang.pick("no equity share held", "未持有股权"),
            };
            excluded.push(format!("{} ({}): {why}", f.code, f.name));
        }
    }
    blocks.push(table(
        &["1.1fr", "2fr", "1.2fr", "1fr", "0.9fr", "0.9fr", "0.9fr", "0.9fr"],
        "llllrllr",
        vec![
            lang.pick("Code", "代码"),
            lang.pick("Name", "名称"),
            lang.pick("Kind", "类型"),
            lang.pick("Parent", "上级"),
            lang.pick("Equity %", "股权 %"),
            lang.pick("Op. control", "运营控制"),
            lang.pick("Fin. control", "财务控制"),
            lang.pick("Share %", "计入份额 %"),
        ],
        rows,
        None,
    ));
    let mut ex = vec![lang.pick("Exclusions", "排除项")];
    if excluded.is_empty() {
        ex.push(lang.pick("No facility is excluded by the boundary.", "无设施因组织边界被排除。"));
    } else {
        ex.extend(excluded);
    }
    if !r.complete {
        ex.push(lang.pick(
            format!("{} record(s) could not be calculated and are left out of every total (see the diagnostics of the calculation).", r.unresolved.len().max(1)),
            format!("{} 条记录无法计算，未计入任何合计（见计算诊断信息）。", r.unresolved.len().max(1)),
        ));
    }
    blocks.push(Block::Note { text: ex.join(" — ") });
    blocks
}

fn operational_boundary(r: &Report<'_>, lang: Lang) -> Vec<Block> {
    let s1: Vec<String> = r.by_scope1_category.iter().map(|c| scope1_category_text(lang, &c.category)).collect();
    let s2: Vec<String> = r.by_scope2_category.iter().map(|c| scope2_category_text(lang, &c.category)).collect();
    let s3: Vec<String> = r.by_scope3_category.iter().map(|c| scope3_category(lang, c.category, c.name)).collect();
    let reported: BTreeSet<u8> = r.by_scope3_category.iter().map(|c| c.category).collect();
    let not_reported: Vec<String> = (1..=15u8).filter(|n| !reported.contains(n)).map(|n| n.to_string()).collect();
    let none = || lang.pick("none", "无");
    let list = |v: Vec<String>| if v.is_empty() { none() } else { v.join("; ") };
    vec![
        pairs(vec![
            [lang.pick("Scope 1 sources", "范围一排放源"), list(s1)],
            [lang.pick("Scope 2 (purchased energy)", "范围二（外购能源）"), list(s2)],
            [lang.pick("Scope 3 categories reported", "报告的范围三类别"), list(s3)],
            [lang.pick("Scope 3 categories not reported", "未报告的范围三类别"), list(not_reported)],
        ]),
        para(lang.pick(
            "Every activity record of the period within the organisational boundary is included; no significance threshold excludes any source. Scope 2 is reported both location-based and market-based.",
            "报告期内组织边界内的所有活动数据记录均已纳入，未设重要性阈值排除任何排放源。范围二同时按基于位置和基于市场两种方法报告。",
        )),
    ]
}

fn period(src: &InventorySource, r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Block> {
    let p = &src.period;
    let base = if src.is_base_year {
        lang.pick("this period is the base year", "本报告期即为基准年")
    } else if let Some(b) = &src.base_year {
        b.year.to_string()
    } else {
        lang.pick("none set", "未设定")
    };
    let mut blocks = vec![pairs(vec![
        [lang.pick("Period", "报告期"), format!("{} – {}", p.start, p.end)],
        [lang.pick("Status", "状态"), status_text(lang, src)],
        [
            lang.pick("Locked at", "锁定时间"),
            src.locked_at.clone().unwrap_or_else(|| lang.pick("not locked", "未锁定")),
        ],
        [lang.pick("Base year", "基准年"), base],
        [lang.pick("Restated records in this period", "本期重述的记录"), src.restated_records.to_string()],
    ])];
    if let Some(b) = &src.base_year {
        let t = &r.totals;
        let change =
            |now: Decimal, then: Decimal| percent(now - then, then).map_or("–".to_string(), |p| format!("{p} %"));
        let mut rows = Vec::new();
        for (label, now, then) in [
            (lang.pick("Scope 1", "范围一"), t.scope1, b.totals.scope1),
            (lang.pick("Scope 2 (location-based)", "范围二（基于位置）"), t.scope2_location, b.totals.scope2_location),
            (lang.pick("Scope 2 (market-based)", "范围二（基于市场）"), t.scope2_market, b.totals.scope2_market),
            (lang.pick("Scope 3", "范围三"), t.scope3, b.totals.scope3),
        ] {
            rows.push(row(vec![label, fig.show(then), fig.show(now), change(now, then)]));
        }
        blocks.push(table(
            &["2fr", "1fr", "1fr", "0.8fr"],
            "lrrr",
            vec![
                format!("{T_CO2E}"),
                lang.pick(format!("Base year {}", b.year), format!("基准年 {}", b.year)),
                p.year.to_string(),
                lang.pick("Change", "变化"),
            ],
            rows,
            None,
        ));
    }
    blocks.push(para(lang.pick(
        "Changes to a locked period are made only as restatements, each with its reason in the audit log; a base-year recalculation is the organisation's decision and is not made automatically.",
        "已锁定报告期的变更只能以重述方式进行，每次重述的原因均记入审计日志；基准年重新计算由组织决定，系统不会自动进行。",
    )));
    if let Some(note) = &src.snapshot_note {
        blocks.push(Block::Note { text: note.clone() });
    }
    blocks
}

fn scope_totals(r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Block> {
    let t = &r.totals;
    let mut rows = vec![strong(vec![lang.pick("Scope 1", "范围一"), fig.show(t.scope1)])];
    for c in &r.by_scope1_category {
        rows.push(part(vec![scope1_category_text(lang, &c.category), fig.show(c.co2e_t)]));
    }
    rows.push(strong(vec![lang.pick("Scope 2, location-based", "范围二，基于位置"), fig.show(t.scope2_location)]));
    for c in &r.by_scope2_category {
        rows.push(part(vec![scope2_category_text(lang, &c.category), fig.show(c.co2e_t)]));
    }
    rows.push(strong(vec![lang.pick("Scope 2, market-based", "范围二，基于市场"), fig.show(t.scope2_market)]));
    rows.push(strong(vec![lang.pick("Scope 3", "范围三"), fig.show(t.scope3)]));
    let s1: Vec<Decimal> = r.by_scope1_category.iter().map(|c| c.co2e_t).collect();
    let s2: Vec<Decimal> = r.by_scope2_category.iter().map(|c| c.co2e_t).collect();
    let footnote = check(fig, lang, &s1, t.scope1).or_else(|| check(fig, lang, &s2, t.scope2_location));
    vec![
        table(&["3fr", "1fr"], "lr", vec![String::new(), T_CO2E.to_string()], rows, footnote),
        Block::Bars {
            title: lang.pick(format!("By scope ({T_CO2E})"), format!("按范围（{T_CO2E}）")),
            rows: bars(
                &[
                    (lang.pick("Scope 1", "范围一"), t.scope1),
                    (lang.pick("Scope 2 (location)", "范围二（位置）"), t.scope2_location),
                    (lang.pick("Scope 2 (market)", "范围二（市场）"), t.scope2_market),
                    (lang.pick("Scope 3", "范围三"), t.scope3),
                ],
                fig,
            ),
        },
        para(lang.pick(
            "Scope 1 and Scope 2 are gross emissions, independent of any trade, purchase, sale or banking of allowances or offsets.",
            "范围一和范围二为总排放量，与任何配额或抵销量的交易、购买、出售或存储无关。",
        )),
        Block::Note {
            text: lang.pick(
                format!("Market-based Scope 2: {}.", r.scope2_market_basis),
                format!("基于市场的范围二：{}。", r.scope2_market_basis),
            ),
        },
    ]
}

fn gases(r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Block> {
    let mut rows: Vec<Row> =
        r.by_gas.iter().map(|g| row(vec![formula(g.gas.name()), fig.show(g.mass_t), fig.show(g.co2e_t)])).collect();
    let mut parts: Vec<Decimal> = r.by_gas.iter().map(|g| g.co2e_t).collect();
    if !r.unspeciated_co2e_t.is_zero() {
        rows.push(row(vec![
            lang.pick("CO₂e-only factors (not split by gas)", "仅CO₂e因子（无法按气体拆分）"),
            "–".into(),
            fig.show(r.unspeciated_co2e_t),
        ]));
        parts.push(r.unspeciated_co2e_t);
    }
    let t = &r.totals;
    let total = t.scope1 + t.scope2_location + t.scope3;
    rows.push(strong(vec![
        lang.pick("Total (Scope 1 + 2 location-based + 3)", "合计（范围一 + 范围二基于位置 + 范围三）"),
        "".into(),
        fig.show(total),
    ]));
    vec![table(
        &["2.5fr", "1fr", "1fr"],
        "lrr",
        vec![lang.pick("Gas", "气体"), lang.pick("Mass (t)", "质量（吨）"), T_CO2E.to_string()],
        rows,
        check(fig, lang, &parts, total),
    )]
}

/// How a Scope 3 line was estimated: spend-based when its unit is money, else average data.
fn scope3_method(lang: Lang, dims: &BTreeSet<bool>) -> String {
    dims.iter()
        .map(|spend| if *spend { lang.pick("spend-based", "基于支出") } else { lang.pick("average-data", "平均数据") })
        .collect::<Vec<_>>()
        .join(", ")
}

fn scope3(src: &InventorySource, r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Block> {
    #[derive(Default)]
    struct Cat {
        lines: usize,
        spend: BTreeSet<bool>,
        quality: BTreeMap<String, usize>,
        datasets: BTreeSet<String>,
    }
    let mut cats: BTreeMap<u8, Cat> = BTreeMap::new();
    for l in &src.calculation.run.inventory.lines {
        if let Classification::Scope3(c) = l.classification {
            let e = cats.entry(c.number()).or_default();
            e.lines += 1;
            e.spend.insert(matches!(l.activity.unit.dimension(), Dimension::Money(_)));
            let q = src.data_quality.get(&l.activity.row).cloned().unwrap_or_else(|| "unstated".into());
            *e.quality.entry(q).or_default() += 1;
            e.datasets.insert(format!("{} {}", l.factor.dataset, l.factor.edition));
        }
    }
    let mut rows = Vec::new();
    for c in &r.by_scope3_category {
        let info = cats.get(&c.category);
        let quality = info.map_or(String::new(), |i| {
            i.quality.iter().map(|(q, n)| format!("{} {n}", data_quality(lang, q))).collect::<Vec<_>>().join(", ")
        });
        rows.push(row(vec![
            scope3_category(lang, c.category, c.name),
            fig.show(c.co2e_t),
            info.map_or(0, |i| i.lines).to_string(),
            info.map_or(String::new(), |i| scope3_method(lang, &i.spend)),
            quality,
            info.map_or(String::new(), |i| i.datasets.iter().cloned().collect::<Vec<_>>().join(", ")),
        ]));
    }
    let parts: Vec<Decimal> = r.by_scope3_category.iter().map(|c| c.co2e_t).collect();
    rows.push(strong(vec![
        lang.pick("Scope 3", "范围三"),
        fig.show(r.totals.scope3),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]));
    vec![table(
        &["2.4fr", "1fr", "0.6fr", "1fr", "1.3fr", "1.6fr"],
        "lrrlll",
        vec![
            lang.pick("Category", "类别"),
            T_CO2E.to_string(),
            lang.pick("Lines", "行数"),
            lang.pick("Method", "方法"),
            lang.pick("Data quality (records)", "数据质量（记录数）"),
            lang.pick("Factor datasets", "因子数据集"),
        ],
        rows,
        check(fig, lang, &parts, r.totals.scope3),
    )]
}

fn iso_categories(r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Block> {
    let names = [
        "Direct GHG emissions and removals",
        "Indirect GHG emissions from imported energy",
        "Indirect GHG emissions from transportation",
        "Indirect GHG emissions from products used by the organization",
        "Indirect GHG emissions associated with the use of products from the organization",
        "Indirect GHG emissions from other sources",
    ];
    let mut rows = Vec::new();
    let mut parts = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let n = u8::try_from(i + 1).unwrap_or(6);
        let v = r.by_iso_category.iter().find(|c| c.category == n).map_or(Decimal::ZERO, |c| c.co2e_t);
        parts.push(v);
        rows.push(row(vec![iso_category(lang, n, name), fig.show(v)]));
    }
    let t = &r.totals;
    let total = t.scope1 + t.scope2_location + t.scope3;
    rows.push(strong(vec![lang.pick("Total", "合计"), fig.show(total)]));
    vec![
        table(&["4fr", "1fr"], "lr", vec![lang.pick("ISO 14064-1 category", "ISO 14064-1 类别"), T_CO2E.to_string()], rows, check(fig, lang, &parts, total)),
        para(lang.pick(
            "Categories follow decision 0004 (Scope 3 categories 4, 6, 7, 9 → 3; 1, 2, 3, 5, 8 → 4; 10–13 → 5; 14, 15 → 6); category 2 is location-based. No removals are quantified.",
            "类别对应关系见决策 0004（范围三类别 4、6、7、9 → 3；1、2、3、5、8 → 4；10–13 → 5；14、15 → 6）；类别 2 按基于位置方法计算。未量化清除量。",
        )),
    ]
}

fn biogenic(r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Block> {
    vec![
        pairs(vec![[lang.pick("Biogenic CO₂ (t CO₂)", "生物源二氧化碳（吨 CO₂）"), fig.show(r.totals.biogenic_co2)]]),
        para(lang.pick(
            "CO₂ from the combustion of biomass and biofuels is reported here, outside the scopes, and is not part of any scope total. Their CH₄ and N₂O are in the scopes.",
            "生物质和生物燃料燃烧产生的二氧化碳在此单独报告，不计入任何范围合计；其甲烷和氧化亚氮计入相应范围。",
        )),
    ]
}

fn facilities(src: &InventorySource, r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Block> {
    let names: BTreeMap<&str, &str> = src.facilities.iter().map(|f| (f.code.as_str(), f.name.as_str())).collect();
    let mut rows = Vec::new();
    let mut chart = Vec::new();
    for f in &r.by_facility {
        let t = &f.totals;
        rows.push(row(vec![
            f.facility.clone(),
            names.get(f.facility.as_str()).map(|n| n.to_string()).unwrap_or_default(),
            f.share_applied.normalize().to_string(),
            fig.show(t.scope1),
            fig.show(t.scope2_location),
            fig.show(t.scope2_market),
            fig.show(t.scope3),
        ]));
        chart.push((f.facility.clone(), t.scope1 + t.scope2_location + t.scope3));
    }
    let t = &r.totals;
    rows.push(strong(vec![
        lang.pick("Total", "合计"),
        String::new(),
        String::new(),
        fig.show(t.scope1),
        fig.show(t.scope2_location),
        fig.show(t.scope2_market),
        fig.show(t.scope3),
    ]));
    let col = |get: fn(&scopebook_core::report::Totals) -> Decimal| {
        r.by_facility.iter().map(|f| get(&f.totals)).collect::<Vec<_>>()
    };
    let footnote = check(fig, lang, &col(|t| t.scope1), t.scope1)
        .or_else(|| check(fig, lang, &col(|t| t.scope2_location), t.scope2_location))
        .or_else(|| check(fig, lang, &col(|t| t.scope2_market), t.scope2_market))
        .or_else(|| check(fig, lang, &col(|t| t.scope3), t.scope3));
    vec![
        table(
            &["1.1fr", "1.8fr", "0.7fr", "1fr", "1fr", "1fr", "1fr"],
            "llrrrrr",
            vec![
                lang.pick("Facility", "设施"),
                lang.pick("Name", "名称"),
                lang.pick("Share %", "份额 %"),
                lang.pick("Scope 1", "范围一"),
                lang.pick("Scope 2 loc.", "范围二位置"),
                lang.pick("Scope 2 mkt.", "范围二市场"),
                lang.pick("Scope 3", "范围三"),
            ],
            rows,
            footnote,
        ),
        Block::Bars {
            title: lang.pick(
                format!("By facility, Scope 1 + 2 (location) + 3 ({T_CO2E})"),
                format!("按设施，范围一 + 范围二（位置）+ 范围三（{T_CO2E}）"),
            ),
            rows: bars(&chart, fig),
        },
        para(lang.pick(
            format!("Figures in {T_CO2E}, after the organisation's share of each facility."),
            format!("数值单位为 {T_CO2E}，已按组织在各设施中的份额计算。"),
        )),
    ]
}

fn ets_coverage(src: &InventorySource, r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Block> {
    let covered: BTreeSet<&str> = src.facilities.iter().filter(|f| f.ets_covered).map(|f| f.code.as_str()).collect();
    let s1: Decimal =
        r.by_facility.iter().filter(|f| covered.contains(f.facility.as_str())).map(|f| f.totals.scope1).sum();
    let share = percent(s1, r.totals.scope1).map_or("–".to_string(), |p| format!("{p} %"));
    let list = if covered.is_empty() {
        lang.pick("none", "无")
    } else {
        covered.iter().copied().collect::<Vec<_>>().join(", ")
    };
    vec![pairs(vec![
        [lang.pick("Facilities covered by an emissions trading scheme", "纳入碳排放权交易体系的设施"), list],
        [format!("{} ({T_CO2E})", lang.pick("Scope 1 of those facilities", "上述设施的范围一排放")), fig.show(s1)],
        [lang.pick("Share of Scope 1", "占范围一的份额"), share],
    ])]
}

fn methods(src: &InventorySource, r: &Report<'_>, lang: Lang, fig: Figures) -> Vec<Block> {
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &src.calculation.run.inventory.lines {
        *by_rule.entry(l.factor.selected_by.as_str()).or_default() += 1;
    }
    let rows = by_rule.iter().map(|(rule, n)| row(vec![rule.to_string(), n.to_string()])).collect();
    vec![
        para(lang.pick(
            "Emissions are calculated as activity data × emission factor: the quantity is converted exactly into the factor's unit, energy is derived with the net calorific value where the factor needs it, each gas's mass is computed (or carbon content × oxidation × 44/12), and each gas is weighted by its GWP-100. All arithmetic is exact decimal; each line's mass of each gas is held to 9 decimal places of kg.",
            "排放量按活动数据 × 排放因子计算：数量精确换算为因子单位，需要时以低位发热量折算能量，计算各气体质量（或碳含量 × 氧化率 × 44/12），并按 GWP-100 加权。全部运算均为精确十进制；每行各气体质量保留至千克的 9 位小数。",
        )),
        para(lang.pick(
            "Each activity's factor is selected by a fixed precedence: an explicitly named factor, a facility's or supplier's own, a user-supplied factor, a shipped factor for the region, its parent region, then a global default (decision 0001). Every line records how its factor was selected:",
            "每项活动的排放因子按固定优先顺序选取：明确指定的因子、设施或供应商自有因子、用户提供的因子、适用地区的内置因子、上级地区因子，最后为全球默认值（决策 0001）。每行均记录因子的选取方式：",
        )),
        table(&["3fr", "1fr"], "lr", vec![lang.pick("Selected by", "选取方式"), lang.pick("Lines", "行数")], rows, None),
        pairs(vec![
            [lang.pick("Lines calculated", "已计算行数"), r.line_count.to_string()],
            [lang.pick("Calculation tool", "计算工具"), format!("Scopebook {}", r.scopebook_version)],
            [lang.pick("Figures", "数值"), rounding_text(lang, fig)],
        ]),
    ]
}

fn gwp(src: &InventorySource, r: &Report<'_>, lang: Lang) -> Vec<Block> {
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for l in &src.calculation.run.inventory.lines {
        for g in &l.emission.gases {
            values.entry(g.gas.name().to_string()).or_insert_with(|| g.gwp.normalize().to_string());
        }
    }
    let rows = values.into_iter().map(|(g, v)| row(vec![formula(&g), v])).collect();
    vec![
        pairs(vec![
            [lang.pick("GWP set", "GWP 值集"), r.gwp_set.to_string()],
            [lang.pick("Source", "来源"), r.gwp_source.to_string()],
        ]),
        table(&["2fr", "1fr"], "lr", vec![lang.pick("Gas", "气体"), "GWP-100".into()], rows, None),
    ]
}

fn factors(src: &InventorySource, lang: Lang) -> Vec<Block> {
    let datasets = src
        .datasets
        .iter()
        .map(|d| {
            row(vec![format!("{} {}", d.id, d.edition), format!("{} — {}", d.title, d.publisher), d.licence.clone()])
        })
        .collect();
    let mut used: BTreeMap<(&str, &str, &str), (usize, &str, bool)> = BTreeMap::new();
    for l in &src.calculation.run.inventory.lines {
        let f = &l.factor;
        let e = used.entry((f.dataset.as_str(), f.edition.as_str(), f.id.as_str())).or_insert((
            0,
            f.source.as_str(),
            f.verified,
        ));
        e.0 += 1;
    }
    let factor_rows = used
        .iter()
        .map(|((ds, ed, id), (n, source, verified))| {
            row(vec![id.to_string(), format!("{ds} {ed}"), source.to_string(), n.to_string(), yes_no(lang, *verified)])
        })
        .collect();
    vec![
        table(
            &["1.3fr", "3fr", "1.7fr"],
            "lll",
            vec![
                lang.pick("Dataset, edition", "数据集、版本"),
                lang.pick("Title — publisher", "名称 — 发布者"),
                lang.pick("Licence", "许可"),
            ],
            datasets,
            None,
        ),
        table(
            &["2.6fr", "1.3fr", "2.6fr", "0.5fr", "0.6fr"],
            "lllrl",
            vec![
                lang.pick("Factor", "因子"),
                lang.pick("Dataset", "数据集"),
                lang.pick("Source (table or row)", "来源（表或行）"),
                lang.pick("Lines", "行数"),
                lang.pick("Verified", "已核对"),
            ],
            factor_rows,
            None,
        ),
    ]
}

fn uncertainty(src: &InventorySource, lang: Lang) -> Vec<Block> {
    let mut q: BTreeMap<String, usize> = BTreeMap::new();
    for l in &src.calculation.run.inventory.lines {
        let k = src.data_quality.get(&l.activity.row).cloned().unwrap_or_else(|| "unstated".into());
        *q.entry(k).or_default() += 1;
    }
    let rows = q.into_iter().map(|(k, n)| row(vec![data_quality(lang, &k), n.to_string()])).collect();
    vec![
        para(lang.pick(
            "Uncertainty is not quantified in this report. The data-quality indicator of each activity record (measured, calculated, estimated) is counted below.",
            "本报告未量化不确定性。下表统计各活动数据记录的数据质量标识（实测、计算、估算）。",
        )),
        table(&["3fr", "1fr"], "lr", vec![lang.pick("Data quality", "数据质量"), lang.pick("Lines", "行数")], rows, None),
    ]
}

fn verification(src: &InventorySource, r: &Report<'_>, lang: Lang) -> Vec<Block> {
    let audit = match &src.audit {
        AuditState::Verified { entries, head } => lang.pick(
            format!("verified: {entries} entries, head {head}"),
            format!("已验证：{entries} 条记录，链头 {head}"),
        ),
        AuditState::Broken(why) => lang.pick(format!("BROKEN: {why}"), format!("已损坏：{why}")),
    };
    let unverified: u64 = r.unverified_factors.iter().map(|u| u.lines).sum();
    let mut rows = vec![
        [lang.pick("Period status", "报告期状态"), status_text(lang, src)],
        [lang.pick("Audit log (hash chain)", "审计日志（哈希链）"), audit],
        [
            lang.pick("Lines using factors not yet checked against their source", "使用尚未与来源核对因子的行"),
            unverified.to_string(),
        ],
        [lang.pick("External verification", "第三方核查"), lang.pick("none recorded", "未记录")],
    ];
    if let Some(root) = &src.package_root {
        rows.push([lang.pick("Auditor's package root hash", "审核数据包根哈希"), root.clone()]);
    }
    vec![
        pairs(rows),
        para(lang.pick(
            "Every line, with its lineage, is in the workbook export and the auditor's package; this report shows aggregates and the factors used.",
            "每一行及其数据溯源均见工作簿导出和审核数据包；本报告仅列示汇总数据及所用排放因子。",
        )),
    ]
}

fn index(lang: Lang) -> Vec<Block> {
    let group = |standard: Standard, title: String| IndexGroup {
        title,
        rows: ITEMS
            .iter()
            .filter(|i| i.standard == standard)
            .map(|i| IndexRow {
                code: i.code.to_string(),
                item: lang.pick(i.en, i.zh),
                section_id: i.section.to_string(),
                section: SECTIONS.iter().find(|s| s.id == i.section).map_or(String::new(), |s| lang.pick(s.en, s.zh)),
            })
            .collect(),
    };
    vec![Block::Index {
        header: vec![
            lang.pick("Item", "条目"),
            lang.pick("Requirement", "要求"),
            lang.pick("Section", "章节"),
            lang.pick("Page", "页码"),
        ],
        groups: vec![
            group(
                Standard::GhgProtocolRequired,
                lang.pick(
                    "GHG Protocol Corporate Standard, chapter 9 — required",
                    "温室气体核算体系企业标准第9章——必需信息",
                ),
            ),
            group(
                Standard::GhgProtocolOptional,
                lang.pick(
                    "GHG Protocol Corporate Standard, chapter 9 — optional",
                    "温室气体核算体系企业标准第9章——可选信息",
                ),
            ),
            group(Standard::Iso14064, lang.pick("ISO 14064-1:2018, clause 9.3.1", "ISO 14064-1:2018 第 9.3.1 条")),
        ],
    }]
}
