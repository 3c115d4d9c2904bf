//! Stage 1 of an import: the column mapping (a named template, a template saved for the same
//! headers, or a guess, then the user's corrections) and the file's column of each field.

use std::collections::BTreeMap;

use super::{ImportError, ImportOptions, MappingSource};
use crate::mapping::{self, ColumnMapping, Field, MappingProblem};
use crate::read::Head;
use crate::values;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_store::{Store, StoreError};

/// The mapping an import uses and where each field is in the table's rows.
pub(super) struct Plan {
    pub mapping: ColumnMapping,
    pub source: MappingSource,
    /// Field → index of its cell in each row.
    pub columns: BTreeMap<Field, usize>,
    /// The unit the quantity's header names ("用量(吨)"), when the file has no unit column.
    pub unit_hint: Option<String>,
}

/// Choose the mapping and find its columns in the file's header.
pub(super) fn plan(store: &Store, table: &Head, opts: &ImportOptions) -> Result<Plan, ImportError> {
    let (mapping, source) = choose(store, &table.file, &table.headers, opts)?;
    let guess = mapping::guess(&table.headers);
    let hint = unit_hint(&mapping, &guess);
    let columns = match mapping.resolve(&table.headers) {
        Ok(c) => c,
        Err(problems) => {
            // A unit in the quantity's header ("用量(吨)") stands for a unit column.
            let problems: Vec<MappingProblem> = problems
                .into_iter()
                .filter(|p| !(matches!(p, MappingProblem::MissingField { field: Field::Unit }) && hint.is_some()))
                .collect();
            if !problems.is_empty() {
                return Err(ImportError::Mapping {
                    file: table.file.clone(),
                    problems,
                    headers: table.headers.clone(),
                });
            }
            // Only the unit column was missing, and the quantity's header names the unit.
            resolve_except_unit(&mapping, &table.headers)
        }
    };
    let unit_hint = if columns.contains_key(&Field::Unit) { None } else { hint.map(str::to_string) };
    Ok(Plan { mapping, source, columns, unit_hint })
}

/// The mapping an import of a file with this head will use, and where it came from.
pub fn choose_mapping(
    store: &Store,
    head: &Head,
    opts: &ImportOptions,
) -> Result<(ColumnMapping, MappingSource), ImportError> {
    choose(store, &head.file, &head.headers, opts)
}

/// The mapping for a file of these headers (`file` names it in messages).
fn choose(
    store: &Store,
    file: &str,
    headers: &[String],
    opts: &ImportOptions,
) -> Result<(ColumnMapping, MappingSource), ImportError> {
    let templates = store.templates()?;
    let (mut mapping, source) = if let Some(name) = &opts.template {
        let Some(t) = templates.iter().find(|t| &t.name == name) else {
            return Err(ImportError::NoTemplate {
                file: file.to_string(),
                name: name.clone(),
                known: templates.iter().map(|t| t.name.clone()).collect(),
            });
        };
        (saved_mapping(file, t)?, MappingSource::Template { name: name.clone() })
    } else {
        let signature = mapping::header_signature(headers);
        match templates.iter().find(|t| t.signature == signature) {
            Some(t) => (saved_mapping(file, t)?, MappingSource::SameHeaders { name: t.name.clone() }),
            None => (mapping::guess(headers).mapping, MappingSource::Guess),
        }
    };
    for (field, header) in &opts.columns {
        if header.trim().is_empty() {
            mapping.columns.remove(field);
        } else {
            mapping.columns.insert(*field, header.clone());
        }
    }
    Ok((mapping, source))
}

/// A saved template's mapping (stored as the JSON of field → header).
fn saved_mapping(file: &str, t: &scopebook_store::SavedTemplate) -> Result<ColumnMapping, ImportError> {
    serde_json::from_str::<BTreeMap<Field, String>>(&t.mapping).map(|columns| ColumnMapping { columns }).map_err(|e| {
        ImportError::Store(StoreError {
            diagnostics: vec![Diagnostic::error(
                Code::DatabaseError,
                Location::file(file),
                format!("the saved import template '{}' cannot be read ({e}); save it again", t.name),
            )],
        })
    })
}

/// The columns of a mapping that lacks only its unit column (`resolve` refuses it).
fn resolve_except_unit(mapping: &ColumnMapping, headers: &[String]) -> BTreeMap<Field, usize> {
    let keys: Vec<String> = headers.iter().map(|h| values::normalise(h)).collect();
    mapping
        .columns
        .iter()
        .filter(|(f, _)| **f != Field::Unit)
        .filter_map(|(f, h)| {
            let k = values::normalise(h);
            keys.iter().position(|x| *x == k).map(|i| (*f, i))
        })
        .collect()
}

fn unit_hint<'a>(mapping: &ColumnMapping, guess: &'a mapping::Guess) -> Option<&'a str> {
    // Only when the quantity column the mapping uses is the one the hint came from.
    let q = mapping.columns.get(&Field::Quantity)?;
    let g = guess.mapping.columns.get(&Field::Quantity)?;
    (q == g).then(|| guess.unit_hints.get(&Field::Quantity).map(String::as_str)).flatten()
}
