//! Comparing two calculations of the same activities line by line: the dry run shown before a
//! factor-dataset edition is changed.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::{Inventory, ResultLine};
use crate::report::{tonnes, Totals};

/// How one row's result changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineChange {
    pub row: u64,
    pub facility: String,
    pub activity: String,
    /// Factor id and edition before, or `None` when the row was unresolved before.
    pub before_factor: Option<String>,
    pub after_factor: Option<String>,
    pub before_co2e_kg: Option<Decimal>,
    pub after_co2e_kg: Option<Decimal>,
    /// after − before, kg CO2e (a row that became unresolved counts as 0 after).
    pub change_kg: Decimal,
}

/// The line-by-line difference of two calculations.
#[derive(Serialize)]
pub struct Comparison {
    pub before: Totals,
    pub after: Totals,
    /// Rows whose factor or figure changed, in file order.
    pub changed: Vec<LineChange>,
    pub unchanged_rows: usize,
}

/// A row's line before and after, with its facility and activity.
type RowPair<'a> = (Option<&'a ResultLine>, Option<&'a ResultLine>, String, String);

fn factor_label(l: &ResultLine) -> String {
    format!("{} ({} {})", l.factor.id, l.factor.dataset, l.factor.edition)
}

/// Compare `before` and `after`, which must come from the same activity file with lines kept.
pub fn compare(before: &Inventory, after: &Inventory) -> Comparison {
    let mut rows: std::collections::BTreeMap<u64, RowPair<'_>> = Default::default();
    for l in &before.lines {
        rows.entry(l.activity.row)
            .or_insert((None, None, l.activity.facility.to_string(), l.activity.activity.to_string()))
            .0 = Some(l);
    }
    for l in &after.lines {
        rows.entry(l.activity.row)
            .or_insert((None, None, l.activity.facility.to_string(), l.activity.activity.to_string()))
            .1 = Some(l);
    }
    for u in before.unresolved.iter().chain(&after.unresolved) {
        rows.entry(u.activity.row).or_insert((
            None,
            None,
            u.activity.facility.to_string(),
            u.activity.activity.to_string(),
        ));
    }
    let mut changed = Vec::new();
    let mut unchanged_rows = 0;
    for (row, (b, a, facility, activity)) in rows {
        let bf = b.map(factor_label);
        let af = a.map(factor_label);
        let bc = b.map(|l| l.emission.co2e_kg);
        let ac = a.map(|l| l.emission.co2e_kg);
        if bf == af && bc == ac {
            unchanged_rows += 1;
            continue;
        }
        let change_kg = ac.unwrap_or_default() - bc.unwrap_or_default();
        changed.push(LineChange {
            row,
            facility,
            activity,
            before_factor: bf,
            after_factor: af,
            before_co2e_kg: bc,
            after_co2e_kg: ac,
            change_kg,
        });
    }
    Comparison {
        before: Totals::from(&before.totals.all),
        after: Totals::from(&after.totals.all),
        changed,
        unchanged_rows,
    }
}

impl Comparison {
    pub fn to_table(&self) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        let _ = writeln!(
            o,
            "Dry run: nothing is saved. {} row(s) change, {} unchanged.\n",
            self.changed.len(),
            self.unchanged_rows
        );
        let _ = writeln!(
            o,
            "{:>5}  {:<12} {:<26} {:<44} {:<44} {:>14}",
            "row", "facility", "activity", "factor before", "factor after", "change t CO2e"
        );
        for c in &self.changed {
            let _ = writeln!(
                o,
                "{:>5}  {:<12} {:<26} {:<44} {:<44} {:>14}",
                c.row,
                c.facility,
                c.activity,
                c.before_factor.as_deref().unwrap_or("(unresolved)"),
                c.after_factor.as_deref().unwrap_or("(unresolved)"),
                tonnes(c.change_kg)
            );
        }
        let _ = writeln!(o, "\n{:<26} {:>22} {:>22}", "t CO2e", "before", "after");
        for (name, b, a) in [
            ("Scope 1", self.before.scope1, self.after.scope1),
            ("Scope 2 (location-based)", self.before.scope2_location, self.after.scope2_location),
            ("Scope 2 (market-based)", self.before.scope2_market, self.after.scope2_market),
            ("Scope 3", self.before.scope3, self.after.scope3),
            ("Biogenic CO2", self.before.biogenic_co2, self.after.biogenic_co2),
        ] {
            let _ = writeln!(o, "{name:<26} {b:>22} {a:>22}");
        }
        o
    }
}
