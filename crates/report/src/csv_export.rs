//! The inventory report's figures as CSV: one row per figure,
//! `section,item,facility,facility_name,unit,value,shown` (the facility columns on facility rows).
//! `value` is the exact figure (as in `scopebook calc --format json`), `shown` the figure as
//! the PDF shows it (rounded, without grouping). Both are plain numbers; every text cell goes
//! through the core's `csv_safe` (a cell starting with `= + - @`, tab, CR or LF gets a leading
//! apostrophe: OWASP's advice against formula injection).

use rust_decimal::Decimal;
use scopebook_core::report::{csv_safe, Rounding};

use crate::source::InventorySource;
use crate::text::{iso_category, scope1_category_text, scope2_category_text, scope3_category, Lang};

struct Out {
    w: csv::Writer<Vec<u8>>,
    rounding: Rounding,
}

impl Out {
    fn figure(&mut self, section: &str, item: &str, unit: &str, v: Decimal) {
        self.facility_figure(section, item, ("", ""), unit, v);
    }

    fn facility_figure(&mut self, section: &str, item: &str, facility: (&str, &str), unit: &str, v: Decimal) {
        let _ = self.w.write_record([
            section.to_string(),
            csv_safe(item),
            csv_safe(facility.0),
            csv_safe(facility.1),
            unit.to_string(),
            v.normalize().to_string(),
            self.rounding.apply(v),
        ]);
    }
}

/// The figures of the inventory report as CSV text.
pub fn inventory_csv(src: &InventorySource, lang: Lang, rounding: Rounding) -> String {
    let report = src.calculation.run.report(false);
    let r = &report;
    let mut o = Out { w: csv::WriterBuilder::new().from_writer(Vec::new()), rounding };
    let _ = o.w.write_record(["section", "item", "facility", "facility_name", "unit", "value", "shown"]);
    let names: std::collections::BTreeMap<&str, &str> =
        src.facilities.iter().map(|f| (f.code.as_str(), f.name.as_str())).collect();
    let t = &r.totals;
    let co2e = "t CO2e";
    o.figure("scope-totals", &lang.pick("Scope 1", "范围一"), co2e, t.scope1);
    for c in &r.by_scope1_category {
        o.figure("scope-totals", &scope1_category_text(lang, &c.category), co2e, c.co2e_t);
    }
    o.figure("scope-totals", &lang.pick("Scope 2, location-based", "范围二，基于位置"), co2e, t.scope2_location);
    for c in &r.by_scope2_category {
        o.figure("scope-totals", &scope2_category_text(lang, &c.category), co2e, c.co2e_t);
    }
    o.figure("scope-totals", &lang.pick("Scope 2, market-based", "范围二，基于市场"), co2e, t.scope2_market);
    o.figure("scope-totals", &lang.pick("Scope 3", "范围三"), co2e, t.scope3);
    for g in &r.by_gas {
        o.figure("gases", g.gas.name(), "t", g.mass_t);
        o.figure("gases", g.gas.name(), co2e, g.co2e_t);
    }
    if !r.unspeciated_co2e_t.is_zero() {
        o.figure("gases", &lang.pick("CO2e-only factors", "仅CO2e因子"), co2e, r.unspeciated_co2e_t);
    }
    for c in &r.by_scope3_category {
        o.figure("scope3", &scope3_category(lang, c.category, c.name), co2e, c.co2e_t);
    }
    for c in &r.by_iso_category {
        o.figure("iso-categories", &iso_category(lang, c.category, c.name), co2e, c.co2e_t);
    }
    o.figure("biogenic", &lang.pick("Biogenic CO2", "生物源二氧化碳"), "t CO2", t.biogenic_co2);
    for f in &r.by_facility {
        let ft = &f.totals;
        let name = names.get(f.facility.as_str()).copied().unwrap_or("");
        for (what, v) in [
            (lang.pick("Scope 1", "范围一"), ft.scope1),
            (lang.pick("Scope 2, location-based", "范围二，基于位置"), ft.scope2_location),
            (lang.pick("Scope 2, market-based", "范围二，基于市场"), ft.scope2_market),
            (lang.pick("Scope 3", "范围三"), ft.scope3),
        ] {
            o.facility_figure("facilities", &what, (&f.facility, name), co2e, v);
        }
        o.facility_figure("facilities", &lang.pick("Share", "份额"), (&f.facility, name), "%", f.share_applied);
    }
    String::from_utf8(o.w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use scopebook_core::report::csv_safe;

    #[test]
    fn the_core_guard_neutralises_every_formula_start_and_leaves_other_text() {
        for bad in ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tx", "\rx", "\nx"] {
            assert_eq!(csv_safe(bad), format!("'{bad}"), "{bad:?}");
        }
        for ok in ["Suzhou", "北京", "1.5", ""] {
            assert_eq!(csv_safe(ok), ok);
        }
    }
}
