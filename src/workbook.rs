//! An inventory being built in the app: the organisation's settings and its activity rows,
//! each validated on entry with the same rules as an activity file.
//!
//! It lives in memory for now; the SQLite store (a later issue) keeps the same operations.
//! **Architecture invariant:** a row is stored only after it has been read, validated and given
//! a factor exactly as `scopebook calc` would; a rejected row changes nothing.

use serde::{Deserialize, Serialize};

use crate::activity::{Activity, ActivityHeader};
use crate::calc::{calculate, CalcOptions, Inventory};
use crate::diagnostic::Diagnostic;
use crate::gas::GwpSet;
use crate::library::FactorLibrary;

/// How the organisational boundary is drawn (GHG Protocol Corporate Standard, chapter 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Consolidation {
    OperationalControl,
    FinancialControl,
    EquityShare,
}

/// The organisation and the settings of its inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub name: String,
    pub reporting_year: i32,
    pub consolidation: Consolidation,
    pub gwp_set: GwpSet,
}

/// An activity row as a person typed it: every field is text until validated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityDraft {
    pub facility: String,
    pub period_start: String,
    pub period_end: String,
    pub activity: String,
    pub quantity: String,
    pub unit: String,
    pub region: String,
    pub factor: String,
    pub evidence: String,
}

const COLUMNS: [&str; 9] =
    ["facility", "period_start", "period_end", "activity", "quantity", "unit", "region", "factor", "evidence"];

impl ActivityDraft {
    fn cells(&self) -> [&str; 9] {
        [
            &self.facility,
            &self.period_start,
            &self.period_end,
            &self.activity,
            &self.quantity,
            &self.unit,
            &self.region,
            &self.factor,
            &self.evidence,
        ]
    }
}

/// Write activity rows as an activity CSV file (the `scopebook calc` input format).
pub fn drafts_to_csv<'a>(drafts: impl IntoIterator<Item = &'a ActivityDraft>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for d in drafts {
        let _ = w.write_record(d.cells());
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Problems found in one draft row; each names the column (the grid shows it at that cell).
pub type RowProblems = Vec<Diagnostic>;

/// Read and check rows exactly as `scopebook calc` would: `columns` is the header (names of the
/// activity-file columns) and each row gives one cell per column. The rows are written as one
/// activity file and read by [`ActivityHeader`]; then each row's factor must resolve under
/// `lib` and `gwp_set`, with a unit that fits it. One result per row, in order: the validated
/// activity (its `row` is the row's index + 2, its line in that file), or every error found.
/// Warnings are not errors and do not reject a row.
pub fn check_rows<S: AsRef<str>>(
    lib: &FactorLibrary,
    gwp_set: GwpSet,
    columns: &[&str],
    rows: &[Vec<S>],
) -> Vec<Result<Activity, RowProblems>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(columns);
    for r in rows {
        let _ = w.write_record(r.iter().map(AsRef::as_ref));
    }
    let csv = w.into_inner().unwrap_or_default();
    let file = "activity";
    let mut out: Vec<Result<Activity, RowProblems>> = (0..rows.len()).map(|_| Err(Vec::new())).collect();
    let slot = |line: u64| usize::try_from(line).ok().and_then(|l| l.checked_sub(2)).filter(|i| *i < rows.len());
    let (header, header_diags) = ActivityHeader::read(file, &csv);
    let Some((header, start)) = header else {
        let errors: Vec<Diagnostic> = header_diags.into_iter().filter(Diagnostic::is_error).collect();
        for o in &mut out {
            *o = Err(errors.clone());
        }
        return out;
    };
    let (activities, row_diags) = header.read_rows(file, &csv[start.min(csv.len())..], 2);
    let mut problems: Vec<RowProblems> = vec![Vec::new(); rows.len()];
    for d in row_diags.into_iter().filter(Diagnostic::is_error) {
        if let Some(i) = d.location.row.and_then(slot) {
            problems[i].push(d);
        }
    }
    let inv = calculate(lib, &activities, file, CalcOptions { gwp_set, keep_lines: false });
    for d in inv.diagnostics.into_iter().filter(Diagnostic::is_error) {
        if let Some(i) = d.location.row.and_then(slot) {
            problems[i].push(d);
        }
    }
    for a in activities {
        if let Some(i) = slot(a.row) {
            out[i] = Ok(a);
        }
    }
    for (i, p) in problems.into_iter().enumerate() {
        if !p.is_empty() {
            out[i] = Err(p);
        }
    }
    out
}

/// The inventory being built.
#[derive(Clone, Debug, Default)]
pub struct Workbook {
    pub organisation: Option<Organisation>,
    rows: Vec<(u64, ActivityDraft, Activity)>,
    next_id: u64,
}

impl Workbook {
    pub fn rows(&self) -> impl Iterator<Item = (u64, &ActivityDraft)> {
        self.rows.iter().map(|(id, d, _)| (*id, d))
    }

    /// Read and check one draft as `scopebook calc` would: the row's own cells, then its
    /// factor (one must resolve, and the unit must fit it). Returns the validated activity.
    pub fn check(&self, lib: &FactorLibrary, draft: &ActivityDraft) -> Result<Activity, RowProblems> {
        let gwp_set = self.organisation.as_ref().map_or(GwpSet::AR5, |o| o.gwp_set);
        check_rows(lib, gwp_set, &COLUMNS, &[draft.cells().to_vec()]).pop().unwrap_or(Err(Vec::new()))
    }

    /// Add a row when it passes [`Workbook::check`]; a rejected row changes nothing.
    pub fn add(&mut self, lib: &FactorLibrary, draft: ActivityDraft) -> Result<u64, RowProblems> {
        let mut activity = self.check(lib, &draft)?;
        self.next_id += 1;
        let id = self.next_id;
        activity.row = id;
        self.rows.push((id, draft, activity));
        Ok(id)
    }

    /// Remove a row; `false` when there is no such row.
    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.rows.len();
        self.rows.retain(|(r, _, _)| *r != id);
        self.rows.len() != before
    }

    /// Calculate the inventory of all rows. Each line's `activity.row` is the row's id.
    pub fn calculate(&self, lib: &FactorLibrary) -> Inventory {
        let gwp_set = self.organisation.as_ref().map_or(GwpSet::AR5, |o| o.gwp_set);
        let activities: Vec<Activity> = self.rows.iter().map(|(_, _, a)| a.clone()).collect();
        calculate(lib, &activities, "workbook", CalcOptions { gwp_set, keep_lines: true })
    }

    /// The rows as an activity CSV file, in entry order.
    pub fn to_csv(&self) -> String {
        drafts_to_csv(self.rows.iter().map(|(_, d, _)| d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(quantity: &str, unit: &str) -> ActivityDraft {
        ActivityDraft {
            facility: "SZ".into(),
            period_start: "2023-01-01".into(),
            period_end: "2023-12-31".into(),
            activity: "grid_electricity".into(),
            quantity: quantity.into(),
            unit: unit.into(),
            region: "CN-JS".into(),
            ..ActivityDraft::default()
        }
    }

    #[test]
    fn a_rejected_row_changes_nothing_and_names_its_column() {
        let (lib, _) = FactorLibrary::shipped();
        let mut wb = Workbook::default();
        let err = wb.add(&lib, draft("1,000", "kWh")).unwrap_err();
        assert_eq!(err[0].location.column.as_deref(), Some("quantity"));
        let err = wb.add(&lib, draft("1000", "t")).unwrap_err();
        assert_eq!((err[0].code.as_str(), err[0].location.column.as_deref()), ("unit-mismatch", Some("unit")));
        assert_eq!(wb.rows().count(), 0);
        let id = wb.add(&lib, draft("1000", "kWh")).unwrap();
        assert_eq!(wb.calculate(&lib).lines[0].activity.row, id);
        assert!(wb.to_csv().starts_with("facility,period_start"));
    }
}
