//! Stage 2 of an import: the file's activity names and unit spellings resolved to library
//! values. A file names a handful of activities and units a million times over, so each
//! distinct text is resolved once (`crate::values`: exact, remembered, built-in), counted, and
//! listed in the preview when it was mapped or is unknown.

use std::collections::{BTreeMap, HashMap};

use super::convert::cell_text;
use super::plan::Plan;
use super::{ImportError, ImportOptions, MappedValue, UnknownValue};
use crate::mapping::Field;
use crate::read::{Cell, Table};
use crate::values::{self, Resolved, ValueKind, ValueMap};
use scopebook_core::library::FactorLibrary;
use scopebook_store::Store;

/// What one distinct text of the file stands for.
#[derive(Clone)]
pub(super) enum Lookup {
    Exact,
    Mapped(String, values::MappedBy),
    Unknown(Vec<String>),
}

/// The file's distinct activity and unit texts, resolved.
pub(super) struct Values {
    pub activities: HashMap<String, Lookup>,
    pub units: HashMap<String, Lookup>,
    /// The texts no rule maps, with their rows and suggestions (for the preview).
    pub unknown: Vec<UnknownValue>,
    /// The texts mapped to another library value, with their rows (for the preview).
    pub mapped: Vec<MappedValue>,
}

/// Resolve each distinct activity and unit text of the file once, with the value choices the
/// store remembers and those of this import.
pub(super) fn resolve_values(
    store: &Store,
    lib: &FactorLibrary,
    table: &Table,
    plan: &Plan,
    opts: &ImportOptions,
) -> Result<Values, ImportError> {
    let mut user_values = ValueMap::new();
    for c in store.value_choices()? {
        // The store keeps only these two kinds (a CHECK constraint).
        if let Some(kind) = ValueKind::parse(&c.kind) {
            user_values.insert(kind, &c.source, &c.target);
        }
    }
    for (kind, source, target) in &opts.values {
        user_values.insert(*kind, source, target);
    }
    let activity_texts = distinct(table, plan.columns.get(&Field::Activity).copied());
    let activities: HashMap<String, Lookup> =
        activity_texts.keys().map(|a| (a.clone(), lookup(values::resolve_activity(lib, &user_values, a)))).collect();
    let mut unit_texts = distinct(table, plan.columns.get(&Field::Unit).copied());
    if let (Some(hint), Some(first)) = (&plan.unit_hint, table.rows.first()) {
        unit_texts.insert(hint.clone(), (table.rows.len() as u64, first.line as u64));
    }
    // A unit Scopebook reads as written is stored in its canonical spelling ("kwh" → "kWh").
    let units: HashMap<String, Lookup> = unit_texts
        .keys()
        .map(|u| {
            let l = match lookup(values::resolve_unit(&user_values, u)) {
                Lookup::Exact => match scopebook_core::unit::Unit::parse(u) {
                    Ok(unit) if unit.to_string() != *u => Lookup::Mapped(unit.to_string(), values::MappedBy::BuiltIn),
                    _ => Lookup::Exact,
                },
                other => other,
            };
            (u.clone(), l)
        })
        .collect();

    // Each mapped or unknown text once, with its rows.
    let mut unknown: Vec<UnknownValue> = Vec::new();
    let mut mapped: Vec<MappedValue> = Vec::new();
    for (kind, texts, lookups) in
        [(ValueKind::Activity, &activity_texts, &activities), (ValueKind::Unit, &unit_texts, &units)]
    {
        for (value, (rows, first_row)) in texts {
            match lookups.get(value) {
                Some(Lookup::Mapped(to, by)) => {
                    mapped.push(MappedValue { kind, value: value.clone(), to: to.clone(), by: *by, rows: *rows })
                }
                Some(Lookup::Unknown(suggestions)) => unknown.push(UnknownValue {
                    kind,
                    value: value.clone(),
                    rows: *rows,
                    first_row: *first_row,
                    suggestions: suggestions.clone(),
                }),
                _ => {}
            }
        }
    }
    Ok(Values { activities, units, unknown, mapped })
}

fn lookup(r: Resolved<'_>) -> Lookup {
    match r {
        Resolved::Exact => Lookup::Exact,
        Resolved::Mapped { to, by } => Lookup::Mapped(to.to_string(), by),
        Resolved::Unknown { suggestions } => Lookup::Unknown(suggestions),
    }
}

/// Each distinct text of a column with the number of rows that have it and the first of them.
fn distinct(table: &Table, column: Option<usize>) -> BTreeMap<String, (u64, u64)> {
    let Some(c) = column else { return BTreeMap::new() };
    let mut seen: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for r in &table.rows {
        let Some(cell) = r.cells.get(c) else { continue };
        if matches!(cell, Cell::Error(_)) {
            continue;
        }
        let t = cell_text(cell);
        if t.is_empty() {
            continue;
        }
        match seen.get_mut(t.as_ref()) {
            Some(n) => n.0 += 1,
            None => {
                seen.insert(t.into_owned(), (1, r.line as u64));
            }
        }
    }
    seen
}
