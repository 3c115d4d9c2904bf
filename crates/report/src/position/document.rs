//! The position report as a [`Document`] of sections with stable ids, laid out by the same
//! template as the inventory report. Every figure is rounded here once ([`Figures`]: half to
//! even at the report's decimals, tonnes and money alike); totals are sums of the unrounded
//! figures, and a table whose shown rows do not add up to its shown total says so in a footnote.

use rust_decimal::Decimal;
use scopebook_allowance::plan::{CapBase, Method, Plan};
use scopebook_allowance::position::{EnterprisePosition, Position};
use scopebook_core::diagnostic::Severity;
use scopebook_core::report::Rounding;
use scopebook_store::EtsScheme;

use super::figures::item_name;
use super::{PositionSource, SchemePosition};
use crate::document::sections::{check, pairs, para, rounding_text, row, strong, table};
use crate::document::{bars, Block, Document, Figures, Row, Section};
use crate::fonts::FAMILIES;
use crate::standards::SectionDef;
use crate::text::Lang;

/// The sections, in order (an id and a heading in both languages, as the inventory report's).
/// Their ids are stable: tests and readers find them by id.
pub const SECTIONS: [SectionDef; 9] = [
    SectionDef { id: "position", en: "Position by enterprise", zh: "各企业履约头寸" },
    SectionDef { id: "units", en: "Units and installations", zh: "机组与设施" },
    SectionDef { id: "values", en: "Value at each price scenario", zh: "各价格情景下的价值" },
    SectionDef { id: "cheapest-mix", en: "Cheapest mix to close a shortfall", zh: "弥补缺口的最低成本组合" },
    SectionDef { id: "penalty", en: "Penalty exposure", zh: "罚款风险敞口" },
    SectionDef { id: "offsets", en: "Offsets against the cap", zh: "抵销量与抵销上限" },
    SectionDef { id: "plans", en: "Plans and their source documents", zh: "分配方案及其来源文件" },
    SectionDef {
        id: "reconciliation", en: "Scheme emissions beside the inventory", zh: "碳市场排放量与清单核对"
    },
    SectionDef { id: "findings", en: "Findings", zh: "发现与诊断" },
];

fn scheme_name(lang: Lang, s: EtsScheme) -> String {
    match s {
        EtsScheme::CnEts => lang.pick("China national ETS", "全国碳排放权交易市场"),
        EtsScheme::EuEts => lang.pick("EU ETS", "欧盟碳排放交易体系"),
    }
}

/// "China national ETS (cn-ets), plan cn-power-2019-2020, CNY": the line above each scheme's table.
fn scheme_line(lang: Lang, sp: &SchemePosition) -> String {
    let p = &sp.position;
    let year = p.year.map(|y| format!(", {y}")).unwrap_or_default();
    format!(
        "{} ({}), {} {}{year}, {}",
        scheme_name(lang, sp.scheme),
        sp.scheme.as_str(),
        lang.pick("plan", "方案"),
        p.plan,
        p.currency
    )
}

fn t(lang: Lang, key: &str) -> String {
    format!("{} (t)", item_name(lang, key))
}

/// The exact sum of `parts` (`None` on overflow, shown as such: never a wrapped or dropped figure).
fn sum(parts: &[Decimal]) -> Option<Decimal> {
    parts.iter().try_fold(Decimal::ZERO, |s, p| s.checked_add(*p))
}

/// A total as shown, or "overflow".
fn show_total(fig: Figures, lang: Lang, total: Option<Decimal>) -> String {
    total.map_or_else(|| lang.pick("overflow", "溢出"), |t| fig.show(t))
}

/// The position table: one row per enterprise, and the unrounded total when there are several.
fn position_table(sp: &SchemePosition, lang: Lang, fig: Figures) -> Block {
    let es = &sp.position.enterprises;
    let cols: [fn(&EnterprisePosition) -> Decimal; 7] = [
        |e| e.obligation_t,
        |e| e.allocation_t,
        |e| e.relief_t,
        |e| e.holdings_t,
        |e| e.offsets_used_t,
        |e| e.offset_cap_t.unwrap_or(Decimal::ZERO),
        |e| e.shortfall_t,
    ];
    let mut rows: Vec<Row> = es
        .iter()
        .map(|e| {
            let mut cells = vec![e.enterprise.clone()];
            cells.extend(cols.iter().enumerate().map(|(i, f)| {
                if i == 5 && e.offset_cap_t.is_none() {
                    "–".to_string()
                } else {
                    fig.show(f(e))
                }
            }));
            cells.push(e.deadline.clone().unwrap_or_else(|| "–".into()));
            row(cells)
        })
        .collect();
    let mut footnote = None;
    if es.len() > 1 {
        let mut cells = vec![lang.pick("Total (surpluses netted)", "合计（盈余相抵）")];
        for (i, f) in cols.iter().enumerate() {
            let parts: Vec<Decimal> = es.iter().map(f).collect();
            let total = sum(&parts);
            if i == 5 && es.iter().all(|e| e.offset_cap_t.is_none()) {
                cells.push("–".into());
                continue;
            }
            if let Some(t) = total {
                footnote = footnote.or_else(|| check(fig, lang, &parts, t));
            }
            cells.push(show_total(fig, lang, total));
        }
        cells.push(String::new());
        rows.push(strong(cells));
    }
    table(
        &["2fr", "1.2fr", "1.2fr", "1fr", "1.2fr", "1fr", "1fr", "1.2fr", "1fr"],
        "lrrrrrrrl",
        vec![
            lang.pick("Enterprise", "企业"),
            t(lang, "obligation_t"),
            t(lang, "allocation_t"),
            t(lang, "relief_t"),
            t(lang, "holdings_t"),
            t(lang, "offsets_used_t"),
            t(lang, "offset_cap_t"),
            lang.pick("Shortfall, − = surplus (t)", "缺口，负数为盈余（t）"),
            lang.pick("Deadline", "清缴期限"),
        ],
        rows,
        footnote,
    )
}

fn position_section(src: &PositionSource, lang: Lang, fig: Figures) -> Vec<Block> {
    let mut blocks = vec![para(lang.pick(
        "Obligation: verified emissions after any relief that caps them. Holdings: the allocation and the allowances bought, transferred in, banked or borrowed, less those sold or transferred out. Shortfall = obligation − holdings − offsets used: positive, allowances still to buy; negative, a surplus.",
        "履约义务量：经任何减免封顶后的核查排放量。持有配额：分配量加买入、转入、结转或预借的配额，减去卖出或转出的配额。缺口 = 履约义务量 − 持有配额 − 已使用抵销量：正数为仍需购买的配额，负数为盈余。",
    ))];
    for sp in &src.positions {
        blocks.push(para(scheme_line(lang, sp)));
        blocks.push(position_table(sp, lang, fig));
        let relief: Vec<String> = sp
            .position
            .enterprises
            .iter()
            .flat_map(|e| {
                e.relief
                    .iter()
                    .map(move |r| format!("{}: {} ({}) {} t", e.enterprise, r.rule, r.caps, fig.show(r.tonnes)))
            })
            .collect();
        if !relief.is_empty() {
            blocks.push(Block::Note {
                text: format!("{}: {}", lang.pick("Relief applied", "适用的减免"), relief.join("; ")),
            });
        }
    }
    blocks
}

fn units_section(src: &PositionSource, lang: Lang, fig: Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    for sp in &src.positions {
        let p = &sp.position;
        blocks.push(para(scheme_line(lang, sp)));
        if !p.units.is_empty() {
            let rows = p
                .units
                .iter()
                .map(|u| {
                    row(vec![
                        u.enterprise.clone(),
                        u.unit.clone(),
                        u.unit_class.clone(),
                        u.method.to_string(),
                        fig.show(u.allocation_t),
                        fig.show(u.verified_t),
                        fig.show(u.obligation_t),
                    ])
                })
                .collect();
            blocks.push(table(
                &["2fr", "1fr", "1.6fr", "1fr", "1.3fr", "1.3fr", "1.3fr"],
                "llllrrr",
                vec![
                    lang.pick("Enterprise", "企业"),
                    lang.pick("Unit", "机组"),
                    lang.pick("Class", "机组类别"),
                    lang.pick("Method", "分配方法"),
                    t(lang, "allocation_t"),
                    t(lang, "verified_t"),
                    t(lang, "obligation_t"),
                ],
                rows,
                None,
            ));
        }
        if !p.installations.is_empty() {
            let opt = |v: Option<Decimal>| v.map_or_else(|| "–".to_string(), |v| fig.show(v));
            let rows = p
                .installations
                .iter()
                .map(|i| {
                    row(vec![
                        i.installation.clone(),
                        i.name.clone(),
                        i.account_holder.clone(),
                        opt(i.free_allocation_t),
                        opt(i.verified_t),
                        i.status.clone().unwrap_or_else(|| "–".into()),
                        opt(i.shortfall_t),
                    ])
                })
                .collect();
            blocks.push(table(
                &["1fr", "1.8fr", "1.8fr", "1.2fr", "1.2fr", "0.6fr", "1.2fr"],
                "lllrrlr",
                vec![
                    lang.pick("Installation", "设施"),
                    lang.pick("Name", "名称"),
                    lang.pick("Account holder", "账户持有人"),
                    lang.pick("Free allocation (t)", "免费分配（t）"),
                    t(lang, "verified_t"),
                    lang.pick("Code", "合规代码"),
                    t(lang, "shortfall_t"),
                ],
                rows,
                None,
            ));
        }
    }
    blocks
}

fn values_section(src: &PositionSource, lang: Lang, fig: Figures) -> Vec<Block> {
    let mut blocks = vec![para(lang.pick(
        "Each enterprise's shortfall valued at every price scenario: positive, the cost of closing it; negative, what the surplus is worth. The scenario 'last-trade' is the ledger's last trade.",
        "按各价格情景对各企业的缺口估值：正数为弥补缺口的成本，负数为盈余的价值。“last-trade”情景为台账中最近一笔交易的价格。",
    ))];
    for sp in &src.positions {
        let p: &Position = &sp.position;
        blocks.push(para(scheme_line(lang, sp)));
        let mut scenarios: Vec<(&str, Decimal)> = Vec::new();
        for e in &p.enterprises {
            for v in &e.values {
                if !scenarios.iter().any(|(s, _)| *s == v.scenario) {
                    scenarios.push((v.scenario.as_str(), v.price));
                }
            }
        }
        if scenarios.is_empty() {
            blocks.push(para(lang.pick(
                "No price scenario: give --price, or record a trade in the ledger.",
                "无价格情景：请使用 --price 指定，或在台账中记录交易。",
            )));
            continue;
        }
        let mut rows = Vec::new();
        let mut footnote = None;
        for (s, _) in &scenarios {
            let mut parts = Vec::new();
            for e in &p.enterprises {
                if let Some(v) = e.values.iter().find(|v| v.scenario == *s) {
                    parts.push(v.amount);
                    rows.push(row(vec![
                        s.to_string(),
                        e.enterprise.clone(),
                        fig.show(v.price),
                        fig.show(e.shortfall_t),
                        fig.show(v.amount),
                    ]));
                }
            }
            if parts.len() > 1 {
                let total = sum(&parts);
                if let Some(t) = total {
                    footnote = footnote.or_else(|| check(fig, lang, &parts, t));
                }
                rows.push(strong(vec![
                    s.to_string(),
                    lang.pick("Total", "合计"),
                    String::new(),
                    String::new(),
                    show_total(fig, lang, total),
                ]));
            }
        }
        blocks.push(table(
            &["1.2fr", "2.2fr", "1.2fr", "1.4fr", "1.6fr"],
            "llrrr",
            vec![
                lang.pick("Scenario", "情景"),
                lang.pick("Enterprise", "企业"),
                format!("{} ({}/t)", lang.pick("Price", "价格"), p.currency),
                t(lang, "shortfall_t"),
                format!("{} ({})", lang.pick("Value", "价值"), p.currency),
            ],
            rows,
            footnote,
        ));
    }
    blocks
}

fn mix_section(src: &PositionSource, lang: Lang, fig: Figures) -> Vec<Block> {
    let mut blocks = vec![para(lang.pick(
        "Where an offset credit is cheaper than an allowance, credits close the gap first, up to the headroom under the offset cap; allowances close the rest.",
        "当抵销信用价格低于配额价格时，先在抵销上限余量内使用抵销信用弥补缺口，其余以配额弥补。",
    ))];
    for sp in &src.positions {
        let p = &sp.position;
        blocks.push(para(scheme_line(lang, sp)));
        let mut rows = Vec::new();
        for e in &p.enterprises {
            for m in &e.cheapest_mix {
                rows.push(row(vec![
                    e.enterprise.clone(),
                    m.scenario.clone(),
                    fig.show(m.gap_t),
                    fig.show(m.headroom_t),
                    format!(
                        "{} @ {}",
                        fig.show(m.offsets_t),
                        m.offset_price.map_or_else(|| "–".to_string(), |o| fig.show(o))
                    ),
                    format!("{} @ {}", fig.show(m.allowances_t), fig.show(m.allowance_price)),
                    fig.show(m.amount),
                    fig.show(m.saving),
                ]));
            }
        }
        if rows.is_empty() {
            blocks.push(para(lang.pick(
                "No enterprise has a shortfall to close at a price: no mix is needed.",
                "没有需要按价格弥补的缺口，无需组合。",
            )));
            continue;
        }
        blocks.push(table(
            &["1.8fr", "1fr", "1.1fr", "1.1fr", "1.5fr", "1.6fr", "1.4fr", "1.2fr"],
            "llrrrrrr",
            vec![
                lang.pick("Enterprise", "企业"),
                lang.pick("Scenario", "情景"),
                lang.pick("Gap (t)", "缺口（t）"),
                lang.pick("Headroom (t)", "抵销余量（t）"),
                lang.pick("Offsets t @ price", "抵销量 t @ 价格"),
                lang.pick("Allowances t @ price", "配额 t @ 价格"),
                format!("{} ({})", lang.pick("Cost", "成本"), p.currency),
                format!("{} ({})", lang.pick("Saving", "节省"), p.currency),
            ],
            rows,
            None,
        ));
    }
    blocks
}

fn penalty_section(src: &PositionSource, lang: Lang, fig: Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    for sp in &src.positions {
        blocks.push(para(scheme_line(lang, sp)));
        let mut rows = Vec::new();
        let mut bases: Vec<String> = Vec::new();
        for e in &sp.position.enterprises {
            if let Some(p) = &e.penalty {
                rows.push(row(vec![
                    e.enterprise.clone(),
                    fig.show(p.owed_t),
                    fig.show(p.low),
                    fig.show(p.high),
                    p.currency.clone(),
                ]));
                if !bases.contains(&p.basis) {
                    bases.push(p.basis.clone());
                }
            }
        }
        if rows.is_empty() {
            blocks.push(para(lang.pick("No penalty rule applies.", "无适用的罚款规则。")));
            continue;
        }
        blocks.push(table(
            &["2.4fr", "1.4fr", "1.4fr", "1.4fr", "0.8fr"],
            "lrrrl",
            vec![
                lang.pick("Enterprise", "企业"),
                t(lang, "owed_t"),
                item_name(lang, "low"),
                item_name(lang, "high"),
                lang.pick("Currency", "币种"),
            ],
            rows,
            None,
        ));
        blocks.push(Block::Note { text: format!("{}: {}", lang.pick("Basis", "依据"), bases.join("; ")) });
    }
    blocks
}

fn offsets_section(src: &PositionSource, lang: Lang, fig: Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    for sp in &src.positions {
        blocks.push(para(scheme_line(lang, sp)));
        let rule = sp.plan.as_ref().and_then(|p| p.offsets.as_ref());
        let Some(rule) = rule else {
            blocks.push(para(
                lang.pick("The scheme takes no offset credits for this period.", "该碳市场本期不接受抵销信用。"),
            ));
            continue;
        };
        let (base_en, base_zh) = match rule.cap_base {
            CapBase::Obligation => ("the obligation after relief", "减免后的履约义务量"),
            CapBase::Verified => ("verified emissions", "核查排放量"),
        };
        blocks.push(para(lang.pick(
            format!(
                "{} may cover at most {} % of {base_en} ({}{}).",
                rule.instrument,
                (rule.cap_share * Decimal::ONE_HUNDRED).normalize(),
                rule.src.source,
                if rule.src.verified { "" } else { "; not confirmed in the document" }
            ),
            format!(
                "{} 最多可抵销{base_zh}的 {} %（{}{}）。",
                rule.instrument,
                (rule.cap_share * Decimal::ONE_HUNDRED).normalize(),
                rule.src.source,
                if rule.src.verified { "" } else { "；未在文件中核实" }
            ),
        )));
        let rows = sp
            .position
            .enterprises
            .iter()
            .map(|e| {
                let cap = e.offset_cap_t.map_or_else(|| "–".to_string(), |c| fig.show(c));
                let headroom = e
                    .offset_cap_t
                    .and_then(|c| c.checked_sub(e.offsets_used_t))
                    .map_or_else(|| "–".to_string(), |h| fig.show(h.max(Decimal::ZERO)));
                row(vec![e.enterprise.clone(), cap, fig.show(e.offsets_used_t), headroom])
            })
            .collect();
        blocks.push(table(
            &["2.6fr", "1.4fr", "1.4fr", "1.4fr"],
            "lrrr",
            vec![
                lang.pick("Enterprise", "企业"),
                t(lang, "offset_cap_t"),
                t(lang, "offsets_used_t"),
                lang.pick("Headroom (t)", "抵销余量（t）"),
            ],
            rows,
            None,
        ));
    }
    blocks
}

fn source_text(lang: Lang, source: &str, verified: bool) -> String {
    if verified {
        source.to_string()
    } else {
        format!("{source} ({})", lang.pick("not confirmed in the document", "未在文件中核实"))
    }
}

/// The rules of a China plan the position used, each with its source.
fn plan_rules(plan: &Plan, sp: &SchemePosition, lang: Lang) -> Vec<Row> {
    let year = sp.position.year;
    let mut rows = Vec::new();
    if let Some(r) = plan.allocation_rule(year) {
        let method = match r.method {
            Method::Benchmark => lang.pick("benchmark", "基准线法"),
            Method::Verified => lang.pick("allocation = verified emissions", "分配量 = 核查排放量"),
            Method::Entered => lang.pick("allocation entered (rules not shipped)", "录入分配量（未内置规则）"),
        };
        rows.push(row(vec![
            lang.pick("Allocation", "配额分配"),
            method,
            source_text(lang, &r.src.source, r.src.verified),
        ]));
    }
    let mut classes: Vec<&str> = sp.position.units.iter().map(|u| u.unit_class.as_str()).collect();
    classes.dedup();
    for c in classes {
        if let Some(b) = Plan::figure(&plan.benchmarks, c, year) {
            rows.push(row(vec![
                format!("{} {c}", lang.pick("Benchmark", "基准值")),
                b.value.normalize().to_string(),
                source_text(lang, &b.src.source, b.src.verified),
            ]));
        }
    }
    for r in &plan.relief {
        rows.push(row(vec![
            format!("{} {}", lang.pick("Relief", "减免"), r.id),
            format!("{} % ({:?})", (r.gap_cap_share * Decimal::ONE_HUNDRED).normalize(), r.caps).to_lowercase(),
            source_text(lang, &r.src.source, r.src.verified),
        ]));
    }
    if let Some(d) = plan.deadline(year) {
        rows.push(row(vec![
            lang.pick("Deadline", "清缴期限"),
            d.date.to_string(),
            source_text(lang, &d.src.source, d.src.verified),
        ]));
    }
    if let Some(p) = &plan.penalty {
        rows.push(row(vec![
            lang.pick("Penalty", "罚款"),
            format!("{}–{}", p.low.normalize(), p.high.normalize()),
            source_text(lang, &p.src.source, p.src.verified),
        ]));
    }
    if let Some(b) = &plan.banking {
        rows.push(row(vec![
            lang.pick("Banking", "配额结转"),
            if b.allowed { lang.pick("allowed", "允许") } else { lang.pick("not allowed", "不允许") },
            source_text(lang, &b.src.source, b.src.verified),
        ]));
    }
    rows
}

fn plans_section(src: &PositionSource, lang: Lang) -> Vec<Block> {
    let mut blocks = Vec::new();
    for sp in &src.positions {
        let d = &sp.position.document;
        blocks.push(para(scheme_line(lang, sp)));
        let mut doc = vec![
            [lang.pick("Plan", "方案"), sp.position.plan.clone()],
            [lang.pick("Document", "文件"), d.title.clone()],
        ];
        if let Some(en) = &d.title_en {
            doc.push([lang.pick("Title in English", "英文标题"), en.clone()]);
        }
        doc.push([lang.pick("Number", "文号"), d.number.clone()]);
        doc.push([lang.pick("Date", "日期"), d.date.clone()]);
        doc.push([lang.pick("Publisher", "发布机构"), d.publisher.clone()]);
        doc.push([lang.pick("Table", "表"), d.table.clone()]);
        if let Some(n) = &d.note {
            doc.push([lang.pick("Note", "说明"), n.clone()]);
        }
        blocks.push(pairs(doc));
        let mut rows = sp.plan.as_ref().map(|p| plan_rules(p, sp, lang)).unwrap_or_default();
        if let (Some(r), Some(y)) = (&sp.rules, sp.position.year) {
            if let Some(p) = r.penalty(y) {
                rows.push(row(vec![
                    lang.pick("Penalty per tonne", "每吨罚款"),
                    format!("{} {}", p.value.normalize(), r.currency),
                    source_text(lang, &p.src.source, p.src.verified),
                ]));
            }
            if let Some((date, s)) = r.deadline(y) {
                rows.push(row(vec![
                    lang.pick("Deadline", "清缴期限"),
                    date.to_string(),
                    source_text(lang, &s.source, s.verified),
                ]));
            }
        }
        if !rows.is_empty() {
            blocks.push(table(
                &["1.6fr", "1.6fr", "3fr"],
                "lll",
                vec![lang.pick("Rule", "规则"), lang.pick("Value", "取值"), lang.pick("Source", "来源")],
                rows,
                None,
            ));
        }
    }
    blocks
}

fn reconciliation_section(src: &PositionSource, lang: Lang, fig: Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    for sp in &src.positions {
        blocks.push(para(scheme_line(lang, sp)));
        let Some(r) = &sp.position.reconciliation else {
            blocks.push(para(
                lang.pick("The position has no reconciliation with the inventory.", "该头寸未与温室气体清单核对。"),
            ));
            continue;
        };
        let opt = |v: Option<Decimal>| v.map_or_else(|| "–".to_string(), |v| fig.show(v));
        let parts: Vec<Decimal> = r.holders.iter().map(|h| h.computed_t).collect();
        let footnote = check(fig, lang, &parts, r.computed_t);
        let mut rows: Vec<Row> = r
            .holders
            .iter()
            .map(|h| {
                row(vec![
                    h.holder.clone(),
                    fig.show(h.inventory_t),
                    fig.show(h.computed_t),
                    opt(h.verified_t),
                    opt(h.verified_minus_computed_t),
                    format!("{} ({})", fig.show(h.scheme_t), h.prevails),
                ])
            })
            .collect();
        rows.push(strong(vec![
            lang.pick("All lines", "全部明细行"),
            fig.show(r.inventory_t),
            fig.show(r.computed_t),
            String::new(),
            String::new(),
            String::new(),
        ]));
        blocks.push(table(
            &["2fr", "1.3fr", "1.3fr", "1.3fr", "1.3fr", "1.6fr"],
            "lrrrrr",
            vec![
                lang.pick("Holder", "持有人"),
                t(lang, "inventory_t"),
                t(lang, "computed_t"),
                t(lang, "verified_t"),
                lang.pick("Verified − computed (t)", "核查 − 计算（t）"),
                t(lang, "scheme_t"),
            ],
            rows,
            footnote,
        ));
        let reasons: Vec<String> = r.reasons.iter().map(|(k, v)| format!("{k} {}", fig.show(*v))).collect();
        blocks.push(Block::Note {
            text: format!(
                "{} {} − {} {}: {}",
                lang.pick("Inventory", "清单"),
                fig.show(r.inventory_t),
                lang.pick("computed", "计算"),
                fig.show(r.computed_t),
                if reasons.is_empty() { lang.pick("no difference", "无差异") } else { reasons.join("; ") }
            ),
        });
    }
    blocks
}

fn findings_section(src: &PositionSource, lang: Lang) -> Vec<Block> {
    let mut rows = Vec::new();
    for sp in &src.positions {
        for n in &sp.position.notes {
            rows.push(row(vec![sp.scheme.as_str().into(), lang.pick("note", "说明"), String::new(), n.clone()]));
        }
        for d in &sp.position.diagnostics {
            let sev = match d.severity {
                Severity::Error => lang.pick("error", "错误"),
                Severity::Warning => lang.pick("warning", "警告"),
            };
            rows.push(row(vec![
                sp.scheme.as_str().into(),
                format!("{sev} [{}]", d.code),
                d.location.to_string(),
                d.message.clone(),
            ]));
        }
    }
    if rows.is_empty() {
        return vec![para(lang.pick("No findings.", "无发现。"))];
    }
    vec![table(
        &["0.8fr", "1.5fr", "1.5fr", "4fr"],
        "llll",
        vec![
            lang.pick("Scheme", "碳市场"),
            lang.pick("Finding", "类型"),
            lang.pick("Where", "位置"),
            lang.pick("Message", "说明"),
        ],
        rows,
        None,
    )]
}

/// Build the position report's document.
pub fn position_document(src: &PositionSource, lang: Lang, rounding: Rounding) -> Document {
    let fig = Figures { rounding };
    let sections = SECTIONS
        .iter()
        .enumerate()
        .map(|(n, def)| {
            let blocks = match def.id {
                "position" => position_section(src, lang, fig),
                "units" => units_section(src, lang, fig),
                "values" => values_section(src, lang, fig),
                "cheapest-mix" => mix_section(src, lang, fig),
                "penalty" => penalty_section(src, lang, fig),
                "offsets" => offsets_section(src, lang, fig),
                "plans" => plans_section(src, lang),
                "reconciliation" => reconciliation_section(src, lang, fig),
                _ => findings_section(src, lang),
            };
            Section {
                id: def.id.to_string(),
                number: (n + 1).to_string(),
                heading: lang.pick(def.en, def.zh),
                refs: format!("{}: {}", lang.pick("Section id", "章节编号"), def.id),
                blocks,
            }
        })
        .collect();
    let org = &src.organisation.name;
    let year = src.period.year;
    let schemes: Vec<String> = src.positions.iter().map(|sp| scheme_line(lang, sp)).collect();
    let prices: Vec<String> = src.positions.iter().flat_map(|sp| sp.prices.iter().cloned()).collect::<Vec<_>>();
    let mut prices_shown: Vec<String> = Vec::new();
    for p in prices {
        if !prices_shown.contains(&p) {
            prices_shown.push(p);
        }
    }
    let mut headline = Vec::new();
    for sp in &src.positions {
        for e in &sp.position.enterprises {
            headline.push((format!("{}: {}", e.enterprise, item_name(lang, "obligation_t")), e.obligation_t));
            if let Some(covered) = e.holdings_t.checked_add(e.offsets_used_t) {
                let label = format!("{}: {}", e.enterprise, lang.pick("holdings + offsets", "持有配额 + 抵销"));
                headline.push((label, covered));
            }
        }
    }
    let cover = vec![
        [lang.pick("Organisation", "组织"), org.clone()],
        [lang.pick("Reporting period", "报告期"), format!("{} – {}", src.period.start, src.period.end)],
        [lang.pick("Dated", "日期"), src.locked_at.clone().unwrap_or_else(|| lang.pick("not locked", "未锁定"))],
        [lang.pick("Schemes", "碳市场"), schemes.join("; ")],
        [
            lang.pick("Price scenarios", "价格情景"),
            if prices_shown.is_empty() {
                lang.pick("none given (the ledger's last trade only)", "未指定（仅台账最近成交价）")
            } else {
                prices_shown.join(", ")
            },
        ],
        [lang.pick("Figures", "数值"), rounding_text(lang, fig)],
    ];
    Document {
        lang: lang.typst_lang(),
        region: if lang == Lang::Zh { "cn" } else { "gb" },
        fonts: FAMILIES.to_vec(),
        landscape: true,
        title: lang.pick("Allowance position report", "碳排放配额履约头寸报告"),
        organisation: org.clone(),
        subtitle: lang.pick(format!("Compliance period {year}"), format!("{year} 年度履约期")),
        draft: src.locked_at.is_none().then(|| {
            lang.pick(
                "DRAFT: the period is not locked; its figures may still change.",
                "草稿：报告期尚未锁定，数据仍可能变化。",
            )
        }),
        cover,
        headline: bars(&headline, fig),
        headline_title: lang.pick("Obligation and what covers it (t)", "履约义务量及其覆盖（t）"),
        contents_title: lang.pick("Contents", "目录"),
        page_label: lang.pick("Page", "页"),
        footer: format!(
            "{org} · {} {year} · Scopebook {}",
            lang.pick("Allowance position", "配额履约头寸"),
            scopebook_core::ENGINE_VERSION
        ),
        sections,
        attachment: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scopebook_allowance::cn;
    use scopebook_core::gas::GwpSet;
    use scopebook_store::model::{Consolidation, Organisation, PeriodStatus, ReportingPeriod};

    /// Two enterprises 0.4 t short each: at 0 places each shows 0 and the total (0.8) shows 1.
    fn source() -> PositionSource {
        let plan = Plan::shipped("cn-industry-2024-2025").unwrap_or_else(|d| panic!("{d}"));
        let units =
            b"enterprise,unit,unit_class,verified_t,allocation_t\nA,U1,steel,1000.4,1000\nB,U2,steel,1000.4,1000\n";
        let prices = vec!["central=75".to_string()];
        let input =
            cn::Input { plan: &plan, year: Some(2025), units_file: "UNITS.csv", units, ledger: None, prices: &prices };
        let position = cn::position(&input);
        assert!(!position.has_errors(), "{:?}", position.diagnostics);
        PositionSource {
            organisation: Organisation {
                name: "Org".into(),
                consolidation: Consolidation::OperationalControl,
                created_at: "2025-01-01T00:00:00Z".into(),
            },
            period: ReportingPeriod {
                id: 1,
                year: 2025,
                start: "2025-01-01".into(),
                end: "2025-12-31".into(),
                status: PeriodStatus::Open,
                base_year: false,
                gwp_set: GwpSet::AR5,
                pins: Default::default(),
            },
            locked_at: None,
            positions: vec![SchemePosition {
                scheme: EtsScheme::CnEts,
                plan: Some(plan),
                rules: None,
                prices,
                position,
            }],
            units: Vec::new(),
            ledger: Vec::new(),
        }
    }

    fn tables(doc: &Document, id: &str) -> Vec<(Vec<Vec<String>>, Option<String>)> {
        let s = doc.sections.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("no section {id}"));
        s.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { rows, footnote, .. } => {
                    Some((rows.iter().map(|r| r.cells.clone()).collect(), footnote.clone()))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn totals_are_sums_of_unrounded_figures_with_the_footnote_where_shown_rows_do_not_add_up() {
        let src = source();
        let doc = position_document(&src, Lang::En, Rounding { decimals: 0 });
        let ids: Vec<&str> = doc.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, SECTIONS.iter().map(|s| s.id).collect::<Vec<_>>());
        let (rows, footnote) = tables(&doc, "position").remove(0);
        // enterprise, obligation, allocation, relief, holdings, offsets, cap, shortfall, deadline
        assert_eq!(rows[0][7], "0");
        assert_eq!(rows[1][7], "0");
        assert_eq!(rows[2][0], "Total (surpluses netted)");
        assert_eq!(rows[2][7], "1", "0.4 + 0.4 = 0.8, shown 1");
        assert_eq!(rows[2][1], "2,001", "1000.4 + 1000.4 = 2000.8");
        assert!(footnote.is_some_and(|f| f.contains("unrounded")), "no footnote");
        // The values: 0.4 × 75 = 30 each, 60 in all: shown rows add up, no footnote.
        let (rows, footnote) = tables(&doc, "values").remove(0);
        assert_eq!(rows.iter().map(|r| r[4].as_str()).collect::<Vec<_>>(), ["30", "30", "60"]);
        assert!(footnote.is_none());
        // At 1 place every row adds up: no footnote.
        let doc = position_document(&src, Lang::Zh, Rounding { decimals: 1 });
        let (rows, footnote) = tables(&doc, "position").remove(0);
        assert_eq!(rows[2][7], "0.8");
        assert!(footnote.is_none());
        assert_eq!(doc.sections[0].heading, "各企业履约头寸");
    }
}
