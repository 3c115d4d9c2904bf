//! Checking records before they are stored: exactly as `scopebook calc` checks an activity
//! file (the activity-file reader, then factor selection under the period's GWP set and pinned
//! editions, through `pipeline::check_rows`), plus the store's own rules.

use std::collections::HashMap;

use rusqlite::Connection;
use scopebook_core::calc::CalcOptions;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;
use scopebook_core::period::parse_date;
use scopebook_core::region::Region;

use crate::error::Fail;
use crate::export::ALL_COLUMNS;
use crate::facilities::facility_for_check;
use crate::model::{ActivityInput, ReportingPeriod, DATA_QUALITY};
use crate::text::{cell_or_empty, opt};

/// A facility as a check needs it: its id, region and sector.
pub(crate) type FacilityForCheck = (i64, String, Option<String>);

/// Where [`check_inputs`] finds a facility by its code (compared exactly, as the column's
/// binary collation compares it).
pub(crate) trait FacilityLookup {
    fn facility(&self, code: &str) -> Result<Option<FacilityForCheck>, Fail>;
}

/// The file, within the caller's transaction.
impl FacilityLookup for Connection {
    fn facility(&self, code: &str) -> Result<Option<FacilityForCheck>, Fail> {
        facility_for_check(self, code)
    }
}

/// Every facility of the file, read once: what an import's blocks are checked against on
/// another thread than the one writing (no facility changes within an import's transaction).
pub(crate) struct Facilities(HashMap<String, FacilityForCheck>);

impl Facilities {
    pub(crate) fn read(c: &Connection) -> Result<Facilities, Fail> {
        let mut stmt = c.prepare_cached("SELECT code, id, region, sector FROM facility")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?;
        Ok(Facilities(rows.collect::<rusqlite::Result<_>>()?))
    }
}

impl FacilityLookup for Facilities {
    fn facility(&self, code: &str) -> Result<Option<FacilityForCheck>, Fail> {
        Ok(self.0.get(code).cloned())
    }
}

/// A record's stored values once checked: normalised by the activity-file reader.
pub(crate) struct CheckedRow {
    pub(crate) facility_id: i64,
    pub(crate) activity: String,
    pub(crate) quantity: String,
    pub(crate) unit: String,
    pub(crate) start: String,
    pub(crate) end: String,
    pub(crate) factor: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) scope3_category: Option<i64>,
    pub(crate) supplier: Option<String>,
    pub(crate) evidence: Option<String>,
    pub(crate) data_quality: Option<String>,
    pub(crate) note: Option<String>,
    /// The record's own sector (not its facility's), as its stable name.
    pub(crate) sector: Option<String>,
    /// The record's own fuel parameters, as normalised decimal text, and how they were obtained.
    pub(crate) ncv_gj_per_unit: Option<String>,
    pub(crate) carbon_t_per_gj: Option<String>,
    pub(crate) oxidation: Option<String>,
    pub(crate) parameter_source: Option<String>,
    /// The Scope 3 cells (decision 0035), trimmed, in `activity::SCOPE3_COLUMNS` order.
    pub(crate) scope3: [Option<String>; 11],
}

/// Check inputs as `scopebook calc` would (the activity-file reader, then factor selection
/// under the period's GWP set and pinned editions), plus the store's own rules: the facility
/// exists, the dates lie within the period, the data-quality indicator is known. Row `i`'s
/// diagnostics are located at row `rows_of(i)`.
pub(crate) fn check_inputs<I: AsRef<ActivityInput>>(
    c: &dyn FacilityLookup,
    file: &str,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    inputs: &[I],
    rows_of: &dyn Fn(usize) -> Option<u64>,
) -> Result<Checked, Fail> {
    let at =
        |i: usize, column: &str| Location { file: file.to_string(), row: rows_of(i), column: Some(column.to_string()) };
    let mut problems: Vec<Vec<Diagnostic>> = vec![Vec::new(); inputs.len()];
    // Code → (id, region, sector).
    let mut facilities: HashMap<String, Option<(i64, String, Option<String>)>> = HashMap::new();
    let period_days = parse_date(&p.start).ok().zip(parse_date(&p.end).ok());
    let mut facility_ids = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().map(AsRef::as_ref).enumerate() {
        let code = input.facility.trim();
        if !facilities.contains_key(code) {
            let found = c.facility(code)?;
            facilities.insert(code.to_string(), found);
        }
        let facility = facilities.get(code).and_then(|f| f.as_ref().map(|f| f.0));
        if facility.is_none() && !code.is_empty() {
            problems[i].push(Diagnostic::error(
                Code::UnknownRecord,
                at(i, "facility"),
                format!("there is no facility '{code}' (see `scopebook facility list`; add it with `scopebook facility add`)"),
            ));
        }
        if let Some(q) = opt(&input.data_quality) {
            if !DATA_QUALITY.contains(&q.as_str()) {
                problems[i].push(Diagnostic::error(
                    Code::OutOfRange,
                    at(i, "data_quality"),
                    format!("'{q}' is not a data-quality indicator; use one of: {}", DATA_QUALITY.join(", ")),
                ));
            }
        }
        if let Some(e) = &input.evidence_file {
            let ok = e.sha256.len() == 64 && e.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !ok || e.name.trim().is_empty() {
                problems[i].push(Diagnostic::error(
                    Code::OutOfRange,
                    at(i, "evidence_file"),
                    "an evidence file needs its name and its SHA-256 (64 lower-case hexadecimal digits)".to_string(),
                ));
            }
        }
        if let (Ok(start), Ok(end), Some((first, last))) =
            (parse_date(&input.start), parse_date(&input.end), period_days)
        {
            if start <= end && (start < first || end > last) {
                let column = if start < first { "period_start" } else { "period_end" };
                problems[i].push(Diagnostic::error(
                    Code::OutOfRange,
                    at(i, column),
                    format!(
                        "the activity's dates {start}..{end} are not within period {} ({}..{})",
                        p.year, p.start, p.end
                    ),
                ));
            }
        }
        facility_ids.push(facility);
    }
    // The rows as activity-file cells, borrowed from the inputs (no copies of a million rows).
    // A record that names no region or sector has its facility's, as in the export.
    let mut rows: Vec<[&str; 28]> = Vec::with_capacity(inputs.len());
    for input in inputs.iter().map(AsRef::as_ref) {
        let code = input.facility.trim();
        let facility = facilities.get(code).and_then(|f| f.as_ref());
        let own_region = input.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let region = own_region.or_else(|| facility.map(|f| f.1.as_str())).unwrap_or("");
        let own_sector = input.sector.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let sector = own_sector.or_else(|| facility.and_then(|f| f.2.as_deref())).unwrap_or("");
        rows.push([
            code,
            &input.start,
            &input.end,
            &input.activity,
            &input.quantity,
            &input.unit,
            cell_or_empty(&input.factor),
            region,
            cell_or_empty(&input.scope3_category),
            cell_or_empty(&input.supplier),
            cell_or_empty(&input.evidence),
            cell_or_empty(&input.note),
            sector,
            cell_or_empty(&input.ncv_gj_per_unit),
            cell_or_empty(&input.carbon_t_per_gj),
            cell_or_empty(&input.oxidation),
            cell_or_empty(&input.parameter_source),
            cell_or_empty(&input.scope3.method),
            cell_or_empty(&input.scope3.dq_technology),
            cell_or_empty(&input.scope3.dq_time),
            cell_or_empty(&input.scope3.dq_geography),
            cell_or_empty(&input.scope3.dq_completeness),
            cell_or_empty(&input.scope3.dq_reliability),
            cell_or_empty(&input.scope3.currency_year),
            cell_or_empty(&input.scope3.exchange_rate),
            cell_or_empty(&input.scope3.price_index),
            cell_or_empty(&input.scope3.attribution),
            cell_or_empty(&input.scope3.pcaf_score),
        ]);
    }
    let opts = CalcOptions { gwp_set: p.gwp_set, keep_lines: false };
    let checked = scopebook_core::pipeline::check_rows(lib, opts, file, &ALL_COLUMNS, &rows);
    let mut out: Vec<Option<CheckedRow>> = Vec::with_capacity(inputs.len());
    let mut activities = Vec::with_capacity(inputs.len());
    for (i, res) in checked.rows.into_iter().enumerate() {
        match res {
            Err(ds) => {
                out.push(None);
                activities.push(None);
                // Without its facility a row has no region: factor findings would be noise.
                let facility_known = facility_ids[i].is_some();
                for d in ds {
                    if !facility_known && matches!(d.code, Code::NoFactor | Code::AmbiguousFactor | Code::UnitMismatch)
                    {
                        continue;
                    }
                    let column = d.location.column.clone().unwrap_or_default();
                    problems[i].push(Diagnostic { location: at(i, &column), ..d });
                }
            }
            Ok(a) => {
                let (start, end) = (a.period.start.to_string(), a.period.end.to_string());
                let own = inputs[i].as_ref();
                let figure = |v: Option<rust_decimal::Decimal>| v.map(|d| d.normalize().to_string());
                let params = a.parameters.as_deref();
                out.push(facility_ids[i].map(|fid| CheckedRow {
                    facility_id: fid,
                    activity: a.activity.to_string(),
                    quantity: a.quantity.to_string(),
                    unit: inputs[i].as_ref().unit.trim().to_string(),
                    start,
                    end,
                    factor: a.factor.as_deref().map(str::to_string),
                    region: a.region.as_deref().map(Region::to_string),
                    scope3_category: a.scope3_category.map(|c| i64::from(c.number())),
                    supplier: a.supplier.as_deref().map(str::to_string),
                    evidence: a.evidence.as_deref().map(str::to_string),
                    data_quality: opt(&own.data_quality),
                    note: a.note.as_deref().map(str::to_string),
                    // The facility's sector is not copied: it applies through the export.
                    sector: opt(&own.sector).and(a.sector).map(|s| s.as_str().to_string()),
                    ncv_gj_per_unit: figure(params.and_then(|p| p.ncv_gj_per_unit)),
                    carbon_t_per_gj: figure(params.and_then(|p| p.carbon_t_per_gj)),
                    oxidation: figure(params.and_then(|p| p.oxidation)),
                    parameter_source: params.and_then(|p| p.source).map(|s| s.as_str().to_string()),
                    scope3: own.scope3.values().map(opt),
                }));
                activities.push(Some(a));
            }
        }
    }
    Ok(Checked { rows: out, activities, problems, warnings: checked.inventory.diagnostics })
}

/// Rows checked by [`check_inputs`]: row `i` is stored as `rows[i]` when `problems[i]` is empty.
pub(crate) struct Checked {
    pub(crate) rows: Vec<Option<CheckedRow>>,
    /// The activity each row reads as (for the inventory of an import).
    pub(crate) activities: Vec<Option<scopebook_core::activity::Activity>>,
    pub(crate) problems: Vec<Vec<Diagnostic>>,
    /// Warnings of the calculation (unverified factors and the like).
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Check inputs, refusing them all when any is wrong, with every problem of every row (the
/// diagnostics' row is the 1-based position in `inputs` when there is more than one).
pub(crate) fn validate(
    c: &Connection,
    file: &str,
    lib: &FactorLibrary,
    p: &ReportingPeriod,
    inputs: &[ActivityInput],
) -> Result<Vec<CheckedRow>, Fail> {
    let batch = inputs.len() > 1;
    let checked = check_inputs(c, file, lib, p, inputs, &|i| if batch { u64::try_from(i + 1).ok() } else { None })?;
    let all: Vec<Diagnostic> = checked.problems.into_iter().flatten().collect();
    if !all.is_empty() {
        return Err(Fail::Rows(all));
    }
    Ok(checked.rows.into_iter().flatten().collect())
}
