//! The position workbook (.xlsx): the summary (every figure of the report, [`figure_rows`]), the
//! enterprises, units, EU installations, the ledger as stored, the values and cheapest mixes, the
//! reconciliation and the findings. Written with the inventory workbook's [`Sheet`]: bold frozen
//! headers, autofilter, numbers as numbers with the exact decimal as text beside them where a
//! binary float would change it, text never a formula; sheet names in the report's language.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Worksheet, XlsxError};
use scopebook_core::number::parse_decimal;

use super::figures::figure_rows;
use super::PositionSource;
use crate::text::Lang;
use crate::workbook::{save, Sheet};
use crate::ReportError;

const NUMBER: &str = "#,##0.000";

/// The sheets' names: summary, enterprises, units, installations, ledger, values, cheapest mix,
/// reconciliation, findings.
pub fn sheet_names(lang: Lang) -> [&'static str; 9] {
    match lang {
        Lang::En => [
            "Summary",
            "Enterprises",
            "Units",
            "Installations",
            "Ledger",
            "Values",
            "Cheapest mix",
            "Reconciliation",
            "Findings",
        ],
        Lang::Zh => ["汇总", "企业", "机组", "设施", "台账", "情景价值", "最低成本组合", "排放核对", "发现与诊断"],
        Lang::Both => [
            "Summary 汇总",
            "Enterprises 企业",
            "Units 机组",
            "Installations 设施",
            "Ledger 台账",
            "Values 情景价值",
            "Cheapest mix 最低成本组合",
            "Reconciliation 排放核对",
            "Findings 发现与诊断",
        ],
    }
}

/// The position workbook.
pub fn position_xlsx(src: &PositionSource, lang: Lang) -> Result<Vec<u8>, ReportError> {
    build(src, lang).map_err(|e| ReportError::Workbook(e.to_string()))
}

fn build(src: &PositionSource, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let n = sheet_names(lang);
    let sheets = vec![
        summary(src, lang, n[0])?,
        enterprises(src, n[1])?,
        units(src, n[2])?,
        installations(src, n[3])?,
        ledger(src, n[4])?,
        values(src, n[5])?,
        mix(src, n[6])?,
        reconciliation(src, n[7])?,
        findings(src, n[8])?,
    ];
    let title = format!(
        "{} — {} {}",
        lang.pick("Allowance position", "碳排放配额履约头寸"),
        src.organisation.name,
        src.period.year
    );
    save(&title, sheets)
}

/// A header of names, each figure followed by its `_exact` column.
fn header(cols: &[(&str, bool)]) -> Vec<String> {
    cols.iter()
        .flat_map(|(name, figure)| {
            let mut v = vec![name.to_string()];
            if *figure {
                v.push(format!("{name}_exact"));
            }
            v
        })
        .collect()
}

fn sheet(name: &str, cols: &[(&str, bool)]) -> Result<Sheet, XlsxError> {
    let h = header(cols);
    let h: Vec<&str> = h.iter().map(String::as_str).collect();
    Sheet::new(name, &h, NUMBER)
}

/// Writes a row's cells left to right: a text takes one column, a figure two (value, exact).
struct Cursor<'a> {
    s: &'a mut Sheet,
    col: u16,
}

impl Cursor<'_> {
    fn text(&mut self, t: &str) -> Result<&mut Self, XlsxError> {
        self.s.text(self.col, t)?;
        self.col += 1;
        Ok(self)
    }

    fn figure(&mut self, v: Option<Decimal>) -> Result<&mut Self, XlsxError> {
        if let Some(v) = v {
            self.s.number(self.col, v)?;
        }
        self.col += 2;
        Ok(self)
    }

    /// A stored decimal text as a figure; text that is not a plain decimal stays text.
    fn stored(&mut self, t: Option<&str>) -> Result<&mut Self, XlsxError> {
        match t.map(|t| (t, parse_decimal(t))) {
            Some((_, Ok(v))) => self.figure(Some(v)),
            Some((t, Err(_))) => {
                self.s.text(self.col, t)?;
                self.col += 2;
                Ok(self)
            }
            None => self.figure(None),
        }
    }
}

fn line(s: &mut Sheet) -> Cursor<'_> {
    Cursor { s, col: 0 }
}

fn summary(src: &PositionSource, lang: Lang, name: &str) -> Result<Worksheet, XlsxError> {
    let mut s = sheet(
        name,
        &[
            ("section", false),
            ("scheme", false),
            ("plan", false),
            ("enterprise", false),
            ("key", false),
            ("item", false),
            ("unit", false),
            ("value", true),
        ],
    )?;
    for f in figure_rows(src, lang) {
        line(&mut s)
            .text(f.section)?
            .text(f.scheme)?
            .text(&f.plan)?
            .text(&f.enterprise)?
            .text(&f.key)?
            .text(&f.item)?
            .text(&f.unit)?
            .figure(Some(f.value))?;
        s.next();
    }
    s.ws.set_column_width(5, 40)?;
    s.finish()
}

const ENTERPRISE_FIGURES: [&str; 10] = [
    "obligation_t",
    "allocation_t",
    "verified_t",
    "relief_t",
    "holdings_t",
    "surrendered_t",
    "offsets_used_t",
    "offset_cap_t",
    "shortfall_t",
    "bankable_t",
];

fn enterprises(src: &PositionSource, name: &str) -> Result<Worksheet, XlsxError> {
    let mut cols = vec![("scheme", false), ("plan", false), ("enterprise", false), ("deadline", false)];
    cols.extend(ENTERPRISE_FIGURES.iter().map(|f| (*f, true)));
    let mut s = sheet(name, &cols)?;
    for sp in &src.positions {
        for e in &sp.position.enterprises {
            let mut c = line(&mut s);
            c.text(sp.scheme.as_str())?
                .text(&sp.position.plan)?
                .text(&e.enterprise)?
                .text(e.deadline.as_deref().unwrap_or(""))?;
            for v in [
                Some(e.obligation_t),
                Some(e.allocation_t),
                Some(e.verified_t),
                Some(e.relief_t),
                Some(e.holdings_t),
                Some(e.surrendered_t),
                Some(e.offsets_used_t),
                e.offset_cap_t,
                Some(e.shortfall_t),
                e.bankable_t,
            ] {
                c.figure(v)?;
            }
            s.next();
        }
    }
    s.finish()
}

fn units(src: &PositionSource, name: &str) -> Result<Worksheet, XlsxError> {
    let cols = [
        ("scheme", false),
        ("plan", false),
        ("enterprise", false),
        ("unit", false),
        ("unit_class", false),
        ("row", false),
        ("method", false),
        ("basis", false),
        ("allocation_t", true),
        ("verified_t", true),
        ("obligation_t", true),
        ("factors", false),
    ];
    let mut s = sheet(name, &cols)?;
    for sp in &src.positions {
        for u in &sp.position.units {
            let factors: Vec<String> = u.factors.iter().map(|(k, v)| format!("{k}={}", v.normalize())).collect();
            line(&mut s)
                .text(sp.scheme.as_str())?
                .text(&sp.position.plan)?
                .text(&u.enterprise)?
                .text(&u.unit)?
                .text(&u.unit_class)?
                .text(&u.row.to_string())?
                .text(u.method)?
                .text(u.basis.unwrap_or(""))?
                .figure(Some(u.allocation_t))?
                .figure(Some(u.verified_t))?
                .figure(Some(u.obligation_t))?
                .text(&factors.join("; "))?;
            s.next();
        }
    }
    s.finish()
}

fn installations(src: &PositionSource, name: &str) -> Result<Worksheet, XlsxError> {
    let cols = [
        ("installation", false),
        ("name", false),
        ("account_holder", false),
        ("country", false),
        ("activity", false),
        ("year", false),
        ("free_allocation_t", true),
        ("verified_t", true),
        ("surrendered_t", true),
        ("status", false),
        ("obligation_t", true),
        ("shortfall_t", true),
    ];
    let mut s = sheet(name, &cols)?;
    for sp in &src.positions {
        for i in &sp.position.installations {
            line(&mut s)
                .text(&i.installation)?
                .text(&i.name)?
                .text(&i.account_holder)?
                .text(&i.country)?
                .text(&i.activity)?
                .text(&i.year.to_string())?
                .figure(i.free_allocation_t)?
                .figure(i.verified_t)?
                .figure(i.surrendered_t)?
                .text(i.status.as_deref().unwrap_or(""))?
                .figure(i.obligation_t)?
                .figure(i.shortfall_t)?;
            s.next();
        }
    }
    s.finish()
}

fn ledger(src: &PositionSource, name: &str) -> Result<Worksheet, XlsxError> {
    let cols = [
        ("id", false),
        ("scheme", false),
        ("enterprise", false),
        ("date", false),
        ("kind", false),
        ("quantity_t", true),
        ("instrument", false),
        ("price", true),
        ("currency", false),
        ("vintage", false),
        ("project", false),
        ("evidence", false),
    ];
    let mut s = sheet(name, &cols)?;
    for e in &src.ledger {
        let v = &e.values;
        line(&mut s)
            .text(&e.id.to_string())?
            .text(v.scheme.as_str())?
            .text(&v.enterprise)?
            .text(&v.date)?
            .text(&v.kind)?
            .stored(Some(&v.quantity_t))?
            .text(&v.instrument)?
            .stored(v.price.as_deref())?
            .text(v.currency.as_deref().unwrap_or(""))?
            .text(v.vintage.as_deref().unwrap_or(""))?
            .text(v.project.as_deref().unwrap_or(""))?
            .text(v.evidence.as_deref().unwrap_or(""))?;
        s.next();
    }
    s.finish()
}

fn values(src: &PositionSource, name: &str) -> Result<Worksheet, XlsxError> {
    let cols = [
        ("scheme", false),
        ("enterprise", false),
        ("scenario", false),
        ("currency", false),
        ("price", true),
        ("shortfall_t", true),
        ("amount", true),
    ];
    let mut s = sheet(name, &cols)?;
    for sp in &src.positions {
        for e in &sp.position.enterprises {
            for v in &e.values {
                line(&mut s)
                    .text(sp.scheme.as_str())?
                    .text(&e.enterprise)?
                    .text(&v.scenario)?
                    .text(&v.currency)?
                    .figure(Some(v.price))?
                    .figure(Some(e.shortfall_t))?
                    .figure(Some(v.amount))?;
                s.next();
            }
        }
    }
    s.finish()
}

fn mix(src: &PositionSource, name: &str) -> Result<Worksheet, XlsxError> {
    let cols = [
        ("scheme", false),
        ("enterprise", false),
        ("scenario", false),
        ("currency", false),
        ("gap_t", true),
        ("headroom_t", true),
        ("offsets_t", true),
        ("offset_price", true),
        ("allowances_t", true),
        ("allowance_price", true),
        ("amount", true),
        ("saving", true),
    ];
    let mut s = sheet(name, &cols)?;
    for sp in &src.positions {
        for e in &sp.position.enterprises {
            for m in &e.cheapest_mix {
                line(&mut s)
                    .text(sp.scheme.as_str())?
                    .text(&e.enterprise)?
                    .text(&m.scenario)?
                    .text(&m.currency)?
                    .figure(Some(m.gap_t))?
                    .figure(Some(m.headroom_t))?
                    .figure(Some(m.offsets_t))?
                    .figure(m.offset_price)?
                    .figure(Some(m.allowances_t))?
                    .figure(Some(m.allowance_price))?
                    .figure(Some(m.amount))?
                    .figure(Some(m.saving))?;
                s.next();
            }
        }
    }
    s.finish()
}

fn reconciliation(src: &PositionSource, name: &str) -> Result<Worksheet, XlsxError> {
    let cols = [
        ("scheme", false),
        ("holder", false),
        ("facilities", false),
        ("inventory_t", true),
        ("computed_t", true),
        ("verified_t", true),
        ("verified_minus_computed_t", true),
        ("scheme_t", true),
        ("prevails", false),
        ("reasons", false),
    ];
    let mut s = sheet(name, &cols)?;
    for sp in &src.positions {
        let Some(r) = &sp.position.reconciliation else { continue };
        for h in &r.holders {
            let reasons: Vec<String> = h.reasons.iter().map(|(k, v)| format!("{k}={}", v.normalize())).collect();
            line(&mut s)
                .text(sp.scheme.as_str())?
                .text(&h.holder)?
                .text(&h.facilities.join(", "))?
                .figure(Some(h.inventory_t))?
                .figure(Some(h.computed_t))?
                .figure(h.verified_t)?
                .figure(h.verified_minus_computed_t)?
                .figure(Some(h.scheme_t))?
                .text(h.prevails)?
                .text(&reasons.join("; "))?;
            s.next();
        }
    }
    s.finish()
}

fn findings(src: &PositionSource, name: &str) -> Result<Worksheet, XlsxError> {
    let cols = [("scheme", false), ("severity", false), ("code", false), ("location", false), ("message", false)];
    let mut s = sheet(name, &cols)?;
    for sp in &src.positions {
        for n in &sp.position.notes {
            line(&mut s).text(sp.scheme.as_str())?.text("note")?.text("")?.text("")?.text(n)?;
            s.next();
        }
        for d in &sp.position.diagnostics {
            let sev = if d.is_error() { "error" } else { "warning" };
            line(&mut s)
                .text(sp.scheme.as_str())?
                .text(sev)?
                .text(d.code.as_str())?
                .text(&d.location.to_string())?
                .text(&d.message)?;
            s.next();
        }
    }
    s.finish()
}
