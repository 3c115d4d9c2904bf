//! The GHG inventory report as a document: a cover and sections of blocks (paragraphs,
//! key-value pairs, tables, bar charts, the index), every figure already rounded and
//! formatted. This is the one rounding policy (decision 0002, 0025): totals are computed
//! unrounded by the engine, rounded here once for display (half to even, the report's
//! decimals), and a table whose shown rows do not add up to its shown total says so in a
//! footnote. The Typst template receives this document as JSON and only lays it out.

pub(crate) mod sections;

use rust_decimal::{Decimal, RoundingStrategy};
use scopebook_core::report::{Report, Rounding};
use serde::Serialize;

use crate::fonts::{Fonts, FAMILIES};
use crate::pdf::{render, DocumentDate, PdfJob};
use crate::source::InventorySource;
use crate::standards::{items_of, Standard, SECTIONS};
use crate::text::{Lang, T_CO2E};
use crate::ReportError;

/// The template, embedded: the report needs no file but its fonts at run time.
pub const INVENTORY_TEMPLATE: &str = include_str!("../../templates/inventory.typ");

/// A row of a table: its cells, and whether it is a total (shown bold) or a part (indented).
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    pub strong: bool,
    /// A part of the row above (indented).
    pub indent: bool,
}

/// One bar of a chart: the label, the figure as shown, and its length in percent of the
/// longest bar (a decimal string, e.g. `42.5`).
#[derive(Clone, Debug, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: String,
    pub pct: String,
}

/// A row of the index: a standard's item, the section that answers it.
#[derive(Clone, Debug, Serialize)]
pub struct IndexRow {
    pub code: String,
    pub item: String,
    pub section_id: String,
    pub section: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndexGroup {
    pub title: String,
    pub rows: Vec<IndexRow>,
}

/// A block of a section.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Block {
    Para { text: String },
    Note { text: String },
    Pairs { rows: Vec<[String; 2]> },
    Table { columns: Vec<String>, align: Vec<String>, header: Vec<String>, rows: Vec<Row>, footnote: Option<String> },
    Bars { title: String, rows: Vec<Bar> },
    Index { header: Vec<String>, groups: Vec<IndexGroup> },
}

/// A section: its stable id (the PDF's label `sec-ID`), number, heading, the standards' items
/// it answers, and its blocks.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub id: String,
    pub number: String,
    pub heading: String,
    pub refs: String,
    pub blocks: Vec<Block>,
}

/// The whole report, as the template receives it.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    pub lang: &'static str,
    pub region: &'static str,
    pub fonts: Vec<&'static str>,
    /// A4 landscape (the position report's wide tables) instead of portrait.
    pub landscape: bool,
    pub title: String,
    pub organisation: String,
    pub subtitle: String,
    pub draft: Option<String>,
    pub cover: Vec<[String; 2]>,
    pub headline: Vec<Bar>,
    pub headline_title: String,
    pub contents_title: String,
    pub page_label: String,
    pub footer: String,
    pub sections: Vec<Section>,
    /// The file the PDF carries (PDF/A-3b), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

/// A file attached to the PDF: its name in the PDF (the template attaches
/// [`crate::pdf::ATTACHMENT_PATH`] under it) and its description.
#[derive(Clone, Debug, Serialize)]
pub struct Attachment {
    pub name: String,
    pub mime_type: String,
    pub description: String,
}

/// Figures as shown: rounded once, half to even, and grouped by thousands.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    pub rounding: Rounding,
}

impl Figures {
    /// The figure as shown (`12,345.678`).
    pub fn show(self, v: Decimal) -> String {
        group_thousands(&self.rounding.apply(v))
    }

    /// The figure rounded as shown, as a number.
    pub fn rounded(self, v: Decimal) -> Decimal {
        v.round_dp_with_strategy(self.rounding.decimals, RoundingStrategy::MidpointNearestEven)
    }

    /// Whether the shown `parts` add up to the shown `total`.
    pub fn adds_up(self, parts: &[Decimal], total: Decimal) -> bool {
        let sum = parts.iter().try_fold(Decimal::ZERO, |s, p| s.checked_add(self.rounded(*p)));
        sum == Some(self.rounded(total))
    }
}

/// `1234567.891` → `1,234,567.891` (a sign and the decimals kept).
pub fn group_thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// `part` as a percentage of `whole`, at one decimal place (`None` when `whole` is zero).
pub fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    let p = part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)?;
    Some(p.round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven))
}

/// Bars for `(label, value)`, each as long as its share of the largest (negative values get
/// no bar).
pub fn bars(rows: &[(String, Decimal)], fig: Figures) -> Vec<Bar> {
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(Decimal::ZERO);
    rows.iter()
        .map(|(label, v)| Bar {
            label: label.clone(),
            value: fig.show(*v),
            pct: percent((*v).max(Decimal::ZERO), max).unwrap_or(Decimal::ZERO).to_string(),
        })
        .collect()
}

/// The footnote of a table whose shown rows do not add up to its shown total.
pub fn rounding_footnote(lang: Lang) -> String {
    lang.pick(
        "Rows are rounded for display; totals are computed from unrounded figures, so shown rows may not add up to the shown total.",
        "各行数值为显示而修约；合计按未修约数值计算，因此所示各行之和可能与所示合计不一致。",
    )
}

/// Build the inventory report's document.
pub fn inventory_document(src: &InventorySource, lang: Lang, rounding: Rounding) -> Document {
    let fig = Figures { rounding };
    let report = src.calculation.run.report(false);
    let built = sections::build(src, &report, lang, fig);
    let mut out = Vec::new();
    for (n, (def, blocks)) in SECTIONS.iter().zip(built).enumerate() {
        out.push(Section {
            id: def.id.to_string(),
            number: (n + 1).to_string(),
            heading: lang.pick(def.en, def.zh),
            refs: refs_line(lang, def.id),
            blocks,
        });
    }
    let t = &report.totals;
    let cover = cover(src, &report, lang, fig);
    let org = &src.organisation.name;
    let year = src.period.year;
    Document {
        lang: lang.typst_lang(),
        region: if lang == Lang::Zh { "cn" } else { "gb" },
        fonts: FAMILIES.to_vec(),
        landscape: false,
        title: lang.pick("Greenhouse gas inventory report", "温室气体排放清单报告"),
        organisation: org.clone(),
        subtitle: lang.pick(format!("Reporting period {year}"), format!("{year} 年度报告期")),
        draft: src.locked_at.is_none().then(|| {
            lang.pick(
                "DRAFT: the period is not locked; its figures may still change.",
                "草稿：报告期尚未锁定，数据仍可能变化。",
            )
        }),
        cover,
        headline_title: lang.pick(format!("Emissions by scope ({T_CO2E})"), format!("按范围分列的排放（{T_CO2E}）")),
        headline: bars(
            &[
                (lang.pick("Scope 1", "范围一"), t.scope1),
                (lang.pick("Scope 2 (location-based)", "范围二（基于位置）"), t.scope2_location),
                (lang.pick("Scope 2 (market-based)", "范围二（基于市场）"), t.scope2_market),
                (lang.pick("Scope 3", "范围三"), t.scope3),
            ],
            fig,
        ),
        contents_title: lang.pick("Contents", "目录"),
        page_label: lang.pick("Page", "页"),
        footer: format!(
            "{org} · {} {year} · Scopebook {}",
            lang.pick("GHG inventory", "温室气体清单"),
            scopebook_core::ENGINE_VERSION
        ),
        sections: out,
        attachment: None,
    }
}

/// "Section id: gases · GHG Protocol ch. 9: R6 · ISO 14064-1 9.3.1: f".
fn refs_line(lang: Lang, id: &str) -> String {
    let codes = |s: Standard| items_of(id).filter(|i| i.standard == s).map(|i| i.code).collect::<Vec<_>>().join(", ");
    let mut parts = vec![format!("{}: {id}", lang.pick("Section id", "章节编号"))];
    let required = codes(Standard::GhgProtocolRequired);
    if !required.is_empty() {
        parts
            .push(format!("{} {required}", lang.pick("GHG Protocol ch. 9 required:", "温室气体核算体系第9章必需项：")));
    }
    let optional = codes(Standard::GhgProtocolOptional);
    if !optional.is_empty() {
        parts.push(format!("{} {optional}", lang.pick("optional:", "可选项：")));
    }
    let iso = codes(Standard::Iso14064);
    if !iso.is_empty() {
        parts.push(format!("ISO 14064-1 9.3.1: {iso}"));
    }
    parts.join(" · ")
}

fn cover(src: &InventorySource, report: &Report<'_>, lang: Lang, fig: Figures) -> Vec<[String; 2]> {
    let p = &src.period;
    let t = &report.totals;
    let mut rows = vec![
        [lang.pick("Organisation", "组织"), src.organisation.name.clone()],
        [lang.pick("Reporting period", "报告期"), format!("{} – {}", p.start, p.end)],
        [lang.pick("Consolidation approach", "合并方法"), sections::consolidation_text(lang, src)],
        [lang.pick("Period status", "报告期状态"), sections::status_text(lang, src)],
        [lang.pick("Dated", "日期"), src.locked_at.clone().unwrap_or_else(|| lang.pick("not locked", "未锁定"))],
        [lang.pick("GWP set", "全球变暖潜势值"), format!("{} ({})", report.gwp_set, report.gwp_source)],
        [format!("{} ({T_CO2E})", lang.pick("Scope 1", "范围一")), fig.show(t.scope1)],
        [
            format!("{} ({T_CO2E})", lang.pick("Scope 2, location-based", "范围二，基于位置")),
            fig.show(t.scope2_location),
        ],
        [format!("{} ({T_CO2E})", lang.pick("Scope 2, market-based", "范围二，基于市场")), fig.show(t.scope2_market)],
        [format!("{} ({T_CO2E})", lang.pick("Scope 3", "范围三")), fig.show(t.scope3)],
        [
            format!("{} (t CO₂)", lang.pick("Biogenic CO₂, outside the scopes", "生物源二氧化碳（范围之外）")),
            fig.show(t.biogenic_co2),
        ],
        [lang.pick("Input (SHA-256)", "输入数据（SHA-256）"), src.calculation.run.input_sha256().to_string()],
    ];
    if let Some(root) = &src.package_root {
        rows.push([lang.pick("Auditor's package root hash", "审核数据包根哈希"), root.clone()]);
    }
    rows.push([lang.pick("Figures", "数值"), sections::rounding_text(lang, fig)]);
    rows
}

/// The inventory report as PDF/A-2b bytes.
pub fn inventory_pdf(
    src: &InventorySource,
    lang: Lang,
    rounding: Rounding,
    fonts: &Fonts,
) -> Result<Vec<u8>, ReportError> {
    let doc = inventory_document(src, lang, rounding);
    let ident = format!("scopebook-inventory/{}/{}/{}", src.organisation.name, src.period.year, lang.as_str());
    document_pdf(&doc, fonts, src.document_date(), ident)
}

/// The inventory report as PDF/A-3b carrying the inventory as data: `inventory.json`, the bytes
/// `scopebook calc --db FILE --period YEAR --format json` prints (every line with its steps),
/// attached with the relationship "Data" (the file the figures are drawn from).
pub fn inventory_pdf_with_data(
    src: &InventorySource,
    lang: Lang,
    rounding: Rounding,
    fonts: &Fonts,
) -> Result<Vec<u8>, ReportError> {
    let mut doc = inventory_document(src, lang, rounding);
    doc.attachment = Some(Attachment {
        name: crate::pdf::ATTACHMENT_PATH.trim_start_matches('/').to_string(),
        mime_type: "application/json".into(),
        description: lang.pick(
            "The inventory as data: every line with its steps, as scopebook calc --format json gives it",
            "清单数据：每行结果及其计算步骤（与 scopebook calc --format json 的输出相同）",
        ),
    });
    let json = src.calculation.run.report(true).to_json().into_bytes();
    let ident = format!("scopebook-inventory/{}/{}/{}", src.organisation.name, src.period.year, lang.as_str());
    let data_json = serde_json::to_string(&doc).map_err(|e| ReportError::Template(e.to_string()))?;
    render(&PdfJob {
        template: INVENTORY_TEMPLATE,
        data_json,
        fonts,
        date: src.document_date(),
        ident,
        attachment: Some(json),
    })
}

/// A document laid out by the report template (every report of a period uses the one layout) as
/// PDF/A-2b bytes.
pub fn document_pdf(doc: &Document, fonts: &Fonts, date: DocumentDate, ident: String) -> Result<Vec<u8>, ReportError> {
    let data_json = serde_json::to_string(doc).map_err(|e| ReportError::Template(e.to_string()))?;
    render(&PdfJob { template: INVENTORY_TEMPLATE, data_json, fonts, date, ident, attachment: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn figures_are_rounded_half_even_and_grouped() {
        let f = Figures { rounding: Rounding { decimals: 3 } };
        assert_eq!(f.show(d("1234567.8915")), "1,234,567.892");
        assert_eq!(f.show(d("0.0005")), "0.000");
        assert_eq!(f.show(d("-1234.5")), "-1,234.500");
        assert_eq!(group_thousands("123"), "123");
        assert_eq!(group_thousands("123456"), "123,456");
    }

    #[test]
    fn a_footnote_is_due_exactly_when_shown_rows_do_not_add_up() {
        let f = Figures { rounding: Rounding { decimals: 1 } };
        // 0.04 + 0.04 = 0.08 → shown 0.0 + 0.0 ≠ 0.1
        assert!(!f.adds_up(&[d("0.04"), d("0.04")], d("0.08")));
        assert!(f.adds_up(&[d("0.1"), d("0.2")], d("0.3")));
    }

    #[test]
    fn bars_are_shares_of_the_longest() {
        let f = Figures { rounding: Rounding { decimals: 0 } };
        let b = bars(&[("a".into(), d("50")), ("b".into(), d("200")), ("c".into(), d("0"))], f);
        let pcts: Vec<&str> = b.iter().map(|b| b.pct.as_str()).collect();
        assert_eq!(pcts, ["25", "100", "0"]);
        assert!(bars(&[("z".into(), Decimal::ZERO)], f).iter().all(|b| b.pct == "0"));
    }
}
