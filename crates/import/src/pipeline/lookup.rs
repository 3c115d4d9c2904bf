//! Stage 2 of an import: the file's activity names and unit spellings resolved to library
//! values. A file names a handful of activities and units a million times over, so each
//! distinct text is resolved once, when a block of rows first has it (`crate::values`: exact,
//! remembered, built-in), counted, and listed in the preview when it was mapped or is unknown.

use std::collections::{BTreeMap, HashMap};

use super::convert::cell_text;
use super::plan::Plan;
use super::{ImportError, ImportOptions, MappedValue, UnknownValue};
use crate::mapping::Field;
use crate::read::{Cell, Row};
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

/// The file's distinct activity and unit texts, resolved as they first appear, with the rows
/// that have each.
pub(super) struct Values<'l> {
    pub activities: HashMap<String, Lookup>,
    pub units: HashMap<String, Lookup>,
    /// Each distinct text with its rows and the first of them.
    activity_rows: BTreeMap<String, (u64, u64)>,
    unit_rows: BTreeMap<String, (u64, u64)>,
    activity_column: Option<usize>,
    unit_column: Option<usize>,
    unit_hint: Option<String>,
    first_row: Option<u64>,
    lib: &'l FactorLibrary,
    user_values: ValueMap,
}

/// The texts no rule maps and those mapped to another library value, with their rows (for the
/// preview).
pub(super) struct Listed {
    pub unknown: Vec<UnknownValue>,
    pub mapped: Vec<MappedValue>,
}

impl<'l> Values<'l> {
    /// Ready to resolve the file's texts with the value choices the store remembers and those of
    /// this import.
    pub(super) fn new(
        store: &Store,
        lib: &'l FactorLibrary,
        plan: &Plan,
        opts: &ImportOptions,
    ) -> Result<Values<'l>, ImportError> {
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
        let mut values = Values {
            activities: HashMap::new(),
            units: HashMap::new(),
            activity_rows: BTreeMap::new(),
            unit_rows: BTreeMap::new(),
            activity_column: plan.columns.get(&Field::Activity).copied(),
            unit_column: plan.columns.get(&Field::Unit).copied(),
            unit_hint: plan.unit_hint.clone(),
            first_row: None,
            lib,
            user_values,
        };
        if let Some(hint) = values.unit_hint.clone() {
            let l = unit_lookup(&values.user_values, &hint);
            values.units.insert(hint, l);
        }
        Ok(values)
    }

    /// Count the activity and unit texts of a block of rows, resolving each new one once.
    pub(super) fn learn(&mut self, rows: &[Row]) {
        if let Some(first) = rows.first() {
            self.first_row.get_or_insert(first.line as u64);
        }
        for r in rows {
            if let Some(t) = text_of(r, self.activity_column) {
                if let Some(n) = self.activity_rows.get_mut(t.as_ref()) {
                    n.0 += 1;
                } else {
                    let l = lookup(values::resolve_activity(self.lib, &self.user_values, &t));
                    self.activities.insert(t.to_string(), l);
                    self.activity_rows.insert(t.into_owned(), (1, r.line as u64));
                }
            }
            if let Some(t) = text_of(r, self.unit_column) {
                if let Some(n) = self.unit_rows.get_mut(t.as_ref()) {
                    n.0 += 1;
                } else {
                    self.units.insert(t.to_string(), unit_lookup(&self.user_values, &t));
                    self.unit_rows.insert(t.into_owned(), (1, r.line as u64));
                }
            }
        }
    }

    /// Each mapped or unknown text once, with its rows, once all `rows_read` rows were learnt.
    pub(super) fn listed(mut self, rows_read: u64) -> Listed {
        // The unit the quantity's header names stands for every row's.
        if let (Some(hint), Some(first)) = (&self.unit_hint, self.first_row) {
            self.unit_rows.insert(hint.clone(), (rows_read, first));
        }
        let mut unknown: Vec<UnknownValue> = Vec::new();
        let mut mapped: Vec<MappedValue> = Vec::new();
        for (kind, texts, lookups) in [
            (ValueKind::Activity, &self.activity_rows, &self.activities),
            (ValueKind::Unit, &self.unit_rows, &self.units),
        ] {
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
        Listed { unknown, mapped }
    }
}

/// A unit text resolved; a unit Scopebook reads as written is stored in its canonical spelling
/// ("kwh" → "kWh").
fn unit_lookup(user_values: &ValueMap, u: &str) -> Lookup {
    match lookup(values::resolve_unit(user_values, u)) {
        Lookup::Exact => match scopebook_core::unit::Unit::parse(u) {
            Ok(unit) if unit.to_string() != *u => Lookup::Mapped(unit.to_string(), values::MappedBy::BuiltIn),
            _ => Lookup::Exact,
        },
        other => other,
    }
}

/// The trimmed text of a row's cell in `column`, unless empty or an error value.
fn text_of(r: &Row, column: Option<usize>) -> Option<std::borrow::Cow<'_, str>> {
    let cell = r.cells.get(column?)?;
    if matches!(cell, Cell::Error(_)) {
        return None;
    }
    let t = cell_text(cell);
    (!t.is_empty()).then_some(t)
}

fn lookup(r: Resolved<'_>) -> Lookup {
    match r {
        Resolved::Exact => Lookup::Exact,
        Resolved::Mapped { to, by } => Lookup::Mapped(to.to_string(), by),
        Resolved::Unknown { suggestions } => Lookup::Unknown(suggestions),
    }
}
