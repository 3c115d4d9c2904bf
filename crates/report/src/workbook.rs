//! The workbook export (.xlsx): the summary the PDF shows, every line with its lineage, the
//! factors used with their provenance, and the audit log. Headers are frozen and filtered;
//! sheet names are Chinese for `--lang zh`.
//!
//! A spreadsheet's number is a binary float, so this is one of the files that may hold `f64`
//! (tests/tidy.rs): each figure is written as a number for the reader's arithmetic and, where
//! the float would change it, its exact decimal also as text in the column beside it. Text
//! cells are strings, never formulas: a note `=HYPERLINK(..)` stays inert. The document's
//! creation time is fixed, so the same data gives the same bytes.

use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use scopebook_core::classify::Classification;
use scopebook_core::report::tonnes;

use crate::source::InventorySource;
use crate::text::{iso_category, scope1_category_text, scope2_category_text, scope3_category, Lang};
use crate::ReportError;

/// The longest text a cell holds (Excel's limit is 32,767 characters).
const MAX_CELL: usize = 32_000;

/// The float a spreadsheet stores for `v`, and `v`'s exact text when the float differs.
pub fn as_float(v: Decimal) -> (f64, Option<String>) {
    let f = v.to_f64().unwrap_or(0.0);
    let exact = v.normalize();
    let back = Decimal::from_str(&f.to_string()).ok().map(|d| d.normalize());
    (f, (back != Some(exact)).then(|| exact.to_string()))
}

fn clip(text: &str) -> String {
    if text.chars().count() <= MAX_CELL {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX_CELL).collect();
    s.push_str(" …(truncated; the full value is in the auditor's package)");
    s
}

/// A worksheet written row by row under a bold, frozen header (shared by every workbook the
/// reports write).
pub(crate) struct Sheet {
    pub(crate) ws: Worksheet,
    pub(crate) row: u32,
    cols: u16,
    number: Format,
}

impl Sheet {
    pub(crate) fn new(name: &str, header: &[&str], number_format: &str) -> Result<Sheet, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        let bold = Format::new().set_bold();
        for (c, h) in header.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string_with_format(0, c, *h, &bold)?;
            ws.set_column_width(c, 16)?;
        }
        ws.set_freeze_panes(1, 0)?;
        let cols = u16::try_from(header.len()).unwrap_or(u16::MAX);
        Ok(Sheet { ws, row: 1, cols, number: Format::new().set_num_format(number_format) })
    }

    pub(crate) fn text(&mut self, col: u16, text: &str) -> Result<(), XlsxError> {
        if !text.is_empty() {
            self.ws.write_string(self.row, col, clip(text))?;
        }
        Ok(())
    }

    /// A number at `col` and, where the float changes it, the exact text at `col + 1`.
    pub(crate) fn number(&mut self, col: u16, v: Decimal) -> Result<(), XlsxError> {
        let (f, exact) = as_float(v);
        self.ws.write_number_with_format(self.row, col, f, &self.number)?;
        if let Some(e) = exact {
            self.ws.write_string(self.row, col + 1, e)?;
        }
        Ok(())
    }

    pub(crate) fn next(&mut self) {
        self.row += 1;
    }

    pub(crate) fn finish(mut self) -> Result<Worksheet, XlsxError> {
        if self.row > 1 {
            self.ws.autofilter(0, 0, self.row - 1, self.cols.saturating_sub(1))?;
        }
        Ok(self.ws)
    }
}

fn names(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::En => ["Summary", "Lines", "Factors used", "Audit log"],
        Lang::Zh => ["汇总", "明细行", "所用排放因子", "审计日志"],
        Lang::Both => ["Summary 汇总", "Lines 明细行", "Factors 排放因子", "Audit log 审计日志"],
    }
}

/// The inventory workbook.
pub fn inventory_xlsx(src: &InventorySource, lang: Lang) -> Result<Vec<u8>, ReportError> {
    build(src, lang).map_err(|e| ReportError::Workbook(e.to_string()))
}

fn build(src: &InventorySource, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let [summary_name, lines_name, factors_name, audit_name] = names(lang);
    let summary = summary(src, lang, summary_name)?;
    let lines = lines(src, lines_name)?;
    let factors = factors(src, factors_name)?;
    let audit = audit(src, audit_name)?;
    let title =
        format!("{} — {} {}", lang.pick("GHG inventory", "温室气体清单"), src.organisation.name, src.period.year);
    save(&title, vec![summary, lines, factors, audit])
}

/// The workbook of `sheets`, titled, with a fixed creation time: the same sheets give the same
/// bytes.
pub(crate) fn save(title: &str, sheets: Vec<Worksheet>) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let properties = DocProperties::new()
        .set_title(title)
        .set_author("Scopebook")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?);
    workbook.set_properties(&properties);
    for ws in sheets {
        workbook.push_worksheet(ws);
    }
    workbook.save_to_buffer()
}

fn summary(src: &InventorySource, lang: Lang, name: &str) -> Result<Worksheet, XlsxError> {
    let report = src.calculation.run.report(false);
    let r = &report;
    let header = [
        lang.pick("Section", "章节"),
        lang.pick("Item", "项目"),
        lang.pick("Unit", "单位"),
        lang.pick("Value", "数值"),
        lang.pick("Exact value (text)", "精确值（文本）"),
    ];
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut s = Sheet::new(name, &header, "#,##0.000")?;
    let put = |s: &mut Sheet, section: &str, item: String, unit: &str, v: Decimal| -> Result<(), XlsxError> {
        s.text(0, section)?;
        s.text(1, &item)?;
        s.text(2, unit)?;
        s.number(3, v)?;
        s.next();
        Ok(())
    };
    let t = &r.totals;
    let co2e = "t CO2e";
    put(&mut s, "scope-totals", lang.pick("Scope 1", "范围一"), co2e, t.scope1)?;
    for c in &r.by_scope1_category {
        put(&mut s, "scope-totals", scope1_category_text(lang, &c.category), co2e, c.co2e_t)?;
    }
    put(&mut s, "scope-totals", lang.pick("Scope 2, location-based", "范围二，基于位置"), co2e, t.scope2_location)?;
    for c in &r.by_scope2_category {
        put(&mut s, "scope-totals", scope2_category_text(lang, &c.category), co2e, c.co2e_t)?;
    }
    put(&mut s, "scope-totals", lang.pick("Scope 2, market-based", "范围二，基于市场"), co2e, t.scope2_market)?;
    put(&mut s, "scope-totals", lang.pick("Scope 3", "范围三"), co2e, t.scope3)?;
    for c in &r.by_scope3_category {
        put(&mut s, "scope3", scope3_category(lang, c.category, c.name), co2e, c.co2e_t)?;
    }
    for c in &r.by_iso_category {
        put(&mut s, "iso-categories", iso_category(lang, c.category, c.name), co2e, c.co2e_t)?;
    }
    for g in &r.by_gas {
        put(&mut s, "gases", g.gas.name().to_string(), "t", g.mass_t)?;
        put(&mut s, "gases", g.gas.name().to_string(), co2e, g.co2e_t)?;
    }
    put(&mut s, "biogenic", lang.pick("Biogenic CO2", "生物源二氧化碳"), "t CO2", t.biogenic_co2)?;
    for f in &r.by_facility {
        for (what, v) in [
            (lang.pick("Scope 1", "范围一"), f.totals.scope1),
            (lang.pick("Scope 2, location-based", "范围二，基于位置"), f.totals.scope2_location),
            (lang.pick("Scope 2, market-based", "范围二，基于市场"), f.totals.scope2_market),
            (lang.pick("Scope 3", "范围三"), f.totals.scope3),
        ] {
            put(&mut s, "facilities", format!("{}: {what}", f.facility), co2e, v)?;
        }
    }
    s.ws.set_column_width(1, 48)?;
    s.finish()
}

const LINE_HEADER: [&str; 29] = [
    "record",
    "facility",
    "period_start",
    "period_end",
    "activity",
    "quantity",
    "quantity_exact",
    "unit",
    "scope",
    "category",
    "iso_category",
    "factor_id",
    "dataset",
    "edition",
    "factor_source",
    "selected_by",
    "verified",
    "gwp_set",
    "co2e_kg",
    "co2e_kg_exact",
    "biogenic_co2_kg",
    "biogenic_co2_kg_exact",
    "share_applied",
    "share_applied_exact",
    "co2e_t_after_share",
    "co2e_t_after_share_exact",
    "evidence",
    "note",
    "steps",
];

fn lines(src: &InventorySource, name: &str) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(name, &LINE_HEADER, "#,##0.000######")?;
    for l in &src.calculation.run.inventory.lines {
        let a = &l.activity;
        s.ws.write_number(s.row, 0, u32::try_from(a.row).map_or(0.0, f64::from))?;
        s.text(1, &a.facility)?;
        s.text(2, &a.period.start.to_string())?;
        s.text(3, &a.period.end.to_string())?;
        s.text(4, &a.activity)?;
        s.number(5, a.quantity)?;
        s.text(7, &a.unit.to_string())?;
        let (scope, category) = match l.classification {
            Classification::Scope1(c) => ("1", c.as_str().to_string()),
            Classification::Scope2(c) => ("2", c.as_str().to_string()),
            Classification::Scope3(c) => ("3", c.number().to_string()),
        };
        s.text(8, scope)?;
        s.text(9, &category)?;
        s.text(10, &l.iso_category.number().to_string())?;
        s.text(11, &l.factor.id)?;
        s.text(12, &l.factor.dataset)?;
        s.text(13, &l.factor.edition)?;
        s.text(14, &l.factor.source)?;
        s.text(15, l.factor.selected_by.as_str())?;
        s.text(16, if l.factor.verified { "true" } else { "false" })?;
        s.text(17, &l.gwp_set.to_string())?;
        s.number(18, l.emission.co2e_kg)?;
        s.number(20, l.emission.biogenic_co2_kg)?;
        s.number(22, l.share_applied)?;
        let after = tonnes(l.emission.co2e_kg.checked_mul(l.share_applied).unwrap_or_default() / Decimal::ONE_HUNDRED);
        s.number(24, after)?;
        s.text(26, a.evidence.as_deref().unwrap_or(""))?;
        s.text(27, a.note.as_deref().unwrap_or(""))?;
        s.text(28, &serde_json::to_string(&l.steps).unwrap_or_default())?;
        s.next();
    }
    s.finish()
}

fn factors(src: &InventorySource, name: &str) -> Result<Worksheet, XlsxError> {
    let header = [
        "factor_id",
        "dataset",
        "edition",
        "source",
        "verified",
        "lines",
        "title",
        "publisher",
        "licence",
        "source_url",
        "dataset_sha256",
    ];
    let mut s = Sheet::new(name, &header, "0")?;
    let mut used: std::collections::BTreeMap<(&str, &str, &str), (&str, bool, u32)> = Default::default();
    for l in &src.calculation.run.inventory.lines {
        let f = &l.factor;
        let e = used.entry((f.dataset.as_str(), f.edition.as_str(), f.id.as_str())).or_insert((
            f.source.as_str(),
            f.verified,
            0,
        ));
        e.2 += 1;
    }
    for ((ds, ed, id), (source, verified, n)) in used {
        let meta = src.datasets.iter().find(|d| d.id == ds && d.edition == ed);
        s.text(0, id)?;
        s.text(1, ds)?;
        s.text(2, ed)?;
        s.text(3, source)?;
        s.text(4, if verified { "true" } else { "false" })?;
        s.ws.write_number(s.row, 5, f64::from(n))?;
        if let Some(m) = meta {
            s.text(6, &m.title)?;
            s.text(7, &m.publisher)?;
            s.text(8, &m.licence)?;
            s.text(9, &m.source_url)?;
            s.text(10, &m.sha256)?;
        }
        s.next();
    }
    s.finish()
}

fn audit(src: &InventorySource, name: &str) -> Result<Worksheet, XlsxError> {
    let header =
        ["seq", "at", "user", "action", "table", "record", "reason", "old_value", "new_value", "prev_hash", "hash"];
    let mut s = Sheet::new(name, &header, "0")?;
    for e in &src.audit_log {
        s.ws.write_number(s.row, 0, e.seq.to_f64().unwrap_or(0.0))?;
        s.text(1, &e.at)?;
        s.text(2, &e.user)?;
        s.text(3, &e.action)?;
        s.text(4, &e.table)?;
        s.ws.write_number(s.row, 5, e.record.to_f64().unwrap_or(0.0))?;
        s.text(6, e.reason.as_deref().unwrap_or(""))?;
        s.text(7, e.old_value.as_deref().unwrap_or(""))?;
        s.text(8, e.new_value.as_deref().unwrap_or(""))?;
        s.text(9, &e.prev_hash)?;
        s.text(10, &e.hash)?;
        s.next();
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_text_is_written_only_where_the_float_changes_the_value() {
        assert_eq!(as_float(Decimal::from_str("1.5").unwrap_or_default()).1, None);
        assert_eq!(as_float(Decimal::from_str("123.450").unwrap_or_default()).1, None);
        let long = Decimal::from_str("12345678.123456789012345").unwrap_or_default();
        assert_eq!(as_float(long).1.as_deref(), Some("12345678.123456789012345"));
    }
}
