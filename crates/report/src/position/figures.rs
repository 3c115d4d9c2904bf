//! The position report's figures as rows — `section, scheme, plan, enterprise, key, item, unit,
//! value` — one list that the workbook's summary sheet and the CSV both write, so they cannot
//! disagree. `key` is the position JSON's member (`shortfall_t`, `amount`, ...), `item` its name in
//! the report's language; `value` is exact. The CSV adds `shown` (the figure as the PDF shows it,
//! rounded, without grouping) and passes every text cell through the core's `csv_safe`.

use rust_decimal::Decimal;
use scopebook_core::report::{csv_safe, Rounding};

use super::{PositionSource, SchemePosition};
use crate::text::Lang;

/// One figure of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureRow {
    pub section: &'static str,
    pub scheme: &'static str,
    pub plan: String,
    pub enterprise: String,
    pub key: String,
    pub item: String,
    pub unit: String,
    pub value: Decimal,
}

/// The names of the position's figures, in the report's language.
pub(crate) fn item_name(lang: Lang, key: &str) -> String {
    match key {
        "allocation_t" => lang.pick("Allocation", "配额分配量"),
        "verified_t" => lang.pick("Verified emissions", "核查排放量"),
        "obligation_t" => lang.pick("Obligation", "履约义务量"),
        "relief_t" => lang.pick("Relief", "履约缺口减免"),
        "holdings_t" => lang.pick("Holdings", "持有配额"),
        "surrendered_t" => lang.pick("Surrendered", "已清缴"),
        "offsets_used_t" => lang.pick("Offsets used", "已使用抵销量"),
        "offset_cap_t" => lang.pick("Offset cap", "抵销上限"),
        "shortfall_t" => lang.pick("Shortfall (negative = surplus)", "缺口（负数为盈余）"),
        "bankable_t" => lang.pick("Bankable surplus", "可结转盈余"),
        "low" => lang.pick("Penalty, low", "罚款下限"),
        "high" => lang.pick("Penalty, high", "罚款上限"),
        "owed_t" => lang.pick("Still owed if not closed", "未弥补时仍需清缴"),
        "offsets_t" => lang.pick("Offsets in the mix", "组合中的抵销量"),
        "allowances_t" => lang.pick("Allowances in the mix", "组合中的配额"),
        "saving" => lang.pick("Saving against allowances only", "较仅用配额节省"),
        "inventory_t" => lang.pick("Inventory (Scope 1 + 2)", "清单（范围一 + 范围二）"),
        "computed_t" => lang.pick("Scheme emissions, computed", "碳市场口径排放量（计算）"),
        "scheme_t" => lang.pick("Scheme emissions, prevailing", "碳市场口径排放量（采用值）"),
        "amount" => lang.pick("Value", "价值"),
        other => other.to_string(),
    }
}

struct Rows<'a> {
    out: Vec<FigureRow>,
    lang: Lang,
    sp: &'a SchemePosition,
}

impl Rows<'_> {
    fn push(&mut self, section: &'static str, enterprise: &str, key: &str, item: String, unit: &str, value: Decimal) {
        self.out.push(FigureRow {
            section,
            scheme: self.sp.scheme.as_str(),
            plan: self.sp.position.plan.clone(),
            enterprise: enterprise.to_string(),
            key: key.to_string(),
            item,
            unit: unit.to_string(),
            value,
        });
    }

    fn named(&mut self, section: &'static str, enterprise: &str, key: &str, unit: &str, value: Decimal) {
        let item = item_name(self.lang, key);
        self.push(section, enterprise, key, item, unit, value);
    }
}

/// Every figure of the report, scheme by scheme, enterprise by enterprise.
pub fn figure_rows(src: &PositionSource, lang: Lang) -> Vec<FigureRow> {
    let mut out = Vec::new();
    for sp in &src.positions {
        let mut r = Rows { out: Vec::new(), lang, sp };
        let cur = sp.position.currency.as_str();
        for e in &sp.position.enterprises {
            let name = e.enterprise.as_str();
            for (key, v) in [
                ("obligation_t", Some(e.obligation_t)),
                ("allocation_t", Some(e.allocation_t)),
                ("verified_t", Some(e.verified_t)),
                ("relief_t", Some(e.relief_t)),
                ("holdings_t", Some(e.holdings_t)),
                ("surrendered_t", Some(e.surrendered_t)),
                ("offsets_used_t", Some(e.offsets_used_t)),
                ("offset_cap_t", e.offset_cap_t),
                ("shortfall_t", Some(e.shortfall_t)),
                ("bankable_t", e.bankable_t),
            ] {
                if let Some(v) = v {
                    r.named("position", name, key, "t", v);
                }
            }
            for v in &e.values {
                let item = lang.pick(format!("Value at '{}'", v.scenario), format!("“{}”情景下的价值", v.scenario));
                r.push(
                    "values",
                    name,
                    &format!("values.{}.price", v.scenario),
                    item.clone(),
                    &format!("{cur}/t"),
                    v.price,
                );
                r.push("values", name, &format!("values.{}.amount", v.scenario), item, cur, v.amount);
            }
            for m in &e.cheapest_mix {
                let s = &m.scenario;
                for (key, unit, v) in [
                    ("offsets_t", "t", m.offsets_t),
                    ("allowances_t", "t", m.allowances_t),
                    ("amount", cur, m.amount),
                    ("saving", cur, m.saving),
                ] {
                    let item = format!("{s}: {}", item_name(lang, key));
                    r.push("cheapest-mix", name, &format!("cheapest_mix.{s}.{key}"), item, unit, v);
                }
            }
            if let Some(p) = &e.penalty {
                r.named("penalty", name, "low", &p.currency, p.low);
                r.named("penalty", name, "high", &p.currency, p.high);
                r.named("penalty", name, "owed_t", "t", p.owed_t);
            }
        }
        if let Some(rec) = &sp.position.reconciliation {
            for h in &rec.holders {
                r.named("reconciliation", &h.holder, "inventory_t", "t", h.inventory_t);
                r.named("reconciliation", &h.holder, "computed_t", "t", h.computed_t);
                if let Some(v) = h.verified_t {
                    r.named("reconciliation", &h.holder, "verified_t", "t", v);
                }
                r.named("reconciliation", &h.holder, "scheme_t", "t", h.scheme_t);
            }
        }
        out.extend(r.out);
    }
    out
}

/// The figures as CSV text: `section,scheme,plan,enterprise,key,item,unit,value,shown`.
pub(crate) fn position_csv(src: &PositionSource, lang: Lang, rounding: Rounding) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(["section", "scheme", "plan", "enterprise", "key", "item", "unit", "value", "shown"]);
    for f in figure_rows(src, lang) {
        let _ = w.write_record([
            f.section.to_string(),
            f.scheme.to_string(),
            csv_safe(&f.plan),
            csv_safe(&f.enterprise),
            csv_safe(&f.key),
            csv_safe(&f.item),
            csv_safe(&f.unit),
            f.value.normalize().to_string(),
            rounding.apply(f.value),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
