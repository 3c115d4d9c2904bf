//! The allowance position of a period's stored ETS data: the units and ledger written out as
//! UNITS.csv and LEDGER.csv (stored order, the stored exact text) and handed to the allowance
//! crate exactly as `scopebook position` hands it the files, so the position is the file mode's
//! on the export, byte for byte. The same run checks every write ([`check_written`]).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use scopebook_allowance::eu_rules::EuRules;
use scopebook_allowance::plan::Plan;
use scopebook_allowance::position::Position;
use scopebook_allowance::registry::{Figure, Installation, Status, YearRecord};
use scopebook_allowance::{cn, eu};
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::number::parse_decimal;

use super::eutl::installations_of;
use super::{scheme_stored, shipped_plan, EtsScheme, Origin, Table};
use crate::error::{refuse_at, Fail, StoreError};
use crate::model::ReportingPeriod;
use crate::periods::period_by_year;
use crate::Store;

/// The name the position's findings give the period's units (the export `ets unit export`).
pub const UNITS_FILE: &str = "UNITS.csv";
/// The name the position's findings give the period's ledger (`ets ledger export`).
pub const LEDGER_FILE: &str = "LEDGER.csv";

pub(crate) const UNIT_COLUMNS: &[&str] = &[
    "enterprise",
    "unit",
    "unit_class",
    "cooling",
    "output_mwh",
    "heat_gj",
    "heat_supply_ratio",
    "load_factor",
    "verified_t",
    "allocation_t",
];
pub(crate) const LEDGER_COLUMNS: &[&str] =
    &["enterprise", "date", "kind", "quantity_t", "instrument", "price", "currency", "vintage", "project", "evidence"];

/// A CSV written row by row, with the line each row starts on and the record it came from.
struct Sheet {
    csv: csv::Writer<Vec<u8>>,
    lines: BTreeMap<u64, i64>,
}

impl Sheet {
    fn new(header: &[&str]) -> Result<Sheet, Fail> {
        let mut csv = csv::WriterBuilder::new().from_writer(Vec::new());
        csv.write_record(header).map_err(written)?;
        Ok(Sheet { csv, lines: BTreeMap::new() })
    }

    fn push(&mut self, id: i64, cells: &[Option<String>]) -> Result<(), Fail> {
        self.csv.flush().map_err(|e| written(e.into()))?;
        let line = 1 + self.csv.get_ref().iter().filter(|b| **b == b'\n').count() as u64;
        self.lines.insert(line, id);
        self.csv.write_record(cells.iter().map(|c| c.as_deref().unwrap_or(""))).map_err(written)
    }

    fn bytes(self) -> Result<(Vec<u8>, BTreeMap<u64, i64>), Fail> {
        let bytes = self.csv.into_inner().map_err(|e| written(e.into_error().into()))?;
        Ok((bytes, self.lines))
    }
}

fn written(e: csv::Error) -> Fail {
    refuse_at(Code::DatabaseError, "ets", format!("the stored ETS data cannot be written as CSV: {e}"))
}

/// One stored (current) unit as the position reads it.
struct UnitRecord {
    id: i64,
    plan: Option<String>,
    facility_name: String,
    region: String,
    cells: Vec<Option<String>>,
}

fn units_of(c: &Connection, p: &ReportingPeriod, scheme: EtsScheme) -> Result<Vec<UnitRecord>, Fail> {
    let mut stmt = c.prepare_cached(
        "SELECT u.id, u.plan, f.name, f.region, e.enterprise, u.unit, u.unit_class, u.cooling, u.output_mwh, u.heat_gj, u.heat_supply_ratio, u.load_factor, u.verified_t, u.allocation_t
         FROM ets_unit u JOIN facility f ON f.id = u.facility_id JOIN ets_facility e ON e.facility_id = u.facility_id
         WHERE u.period_id = ?1 AND e.scheme = ?2 AND u.status = 'current' ORDER BY u.id",
    )?;
    let rows = stmt.query_map(rusqlite::params![p.id, scheme.as_str()], |r| {
        let mut cells = Vec::with_capacity(UNIT_COLUMNS.len());
        for i in 4..4 + UNIT_COLUMNS.len() {
            cells.push(r.get::<_, Option<String>>(i)?);
        }
        Ok(UnitRecord { id: r.get(0)?, plan: r.get(1)?, facility_name: r.get(2)?, region: r.get(3)?, cells })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A stored ledger movement: its id and LEDGER.csv's cells.
type LedgerRow = (i64, Vec<Option<String>>);

/// The current ledger of a period and scheme.
fn ledger_of(c: &Connection, p: &ReportingPeriod, scheme: EtsScheme) -> Result<Vec<LedgerRow>, Fail> {
    let mut stmt = c.prepare_cached(
        "SELECT id, enterprise, date, kind, quantity_t, instrument, price, currency, CAST(vintage AS TEXT), project, evidence
         FROM ets_ledger WHERE period_id = ?1 AND scheme = ?2 AND status = 'current' ORDER BY id",
    )?;
    let rows = stmt.query_map(rusqlite::params![p.id, scheme.as_str()], |r| {
        let mut cells = Vec::with_capacity(LEDGER_COLUMNS.len());
        for i in 1..=LEDGER_COLUMNS.len() {
            cells.push(r.get::<_, Option<String>>(i)?);
        }
        Ok((r.get(0)?, cells))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A period's position input for one scheme (and, in China, one plan): the files as the CLI
/// would read them, and which record each line is.
struct Prepared {
    units: Vec<u8>,
    unit_lines: BTreeMap<u64, i64>,
    ledger: Option<(Vec<u8>, BTreeMap<u64, i64>)>,
    installations: Vec<Installation>,
    plan: Option<Plan>,
}

impl Prepared {
    /// No unit and no registry installation: nothing to work a position from.
    fn is_empty(&self) -> bool {
        self.unit_lines.is_empty() && self.installations.is_empty()
    }

    fn run(&self, year: i32, prices: &[String], opts: &cn::Options) -> Result<Position, Fail> {
        let ledger = self.ledger.as_ref().map(|(b, _)| (LEDGER_FILE, b.as_slice()));
        match &self.plan {
            Some(plan) => {
                let year = if plan.per_year { Some(year) } else { None };
                let input = cn::Input { plan, year, units_file: UNITS_FILE, units: &self.units, ledger, prices };
                Ok(cn::position_with(&input, opts))
            }
            None => {
                let rules = EuRules::shipped().map_err(|d| Fail::Rows(vec![d]))?;
                let input =
                    eu::Input { rules: &rules, installations: &self.installations, year: Some(year), ledger, prices };
                Ok(eu::position(&input, Vec::new()))
            }
        }
    }
}

/// The China plans a period's units are entered under, in order of first entry.
fn plans_of(units: &[UnitRecord]) -> Vec<String> {
    let mut plans: Vec<String> = Vec::new();
    for u in units {
        if let Some(p) = &u.plan {
            if !plans.contains(p) {
                plans.push(p.clone());
            }
        }
    }
    plans
}

/// The input of one position: the units of `scheme` (of `plan` in China) and the ledger of their
/// enterprises; for the EU, the period's registry installations (`registry`, schema 6) come
/// first, in the order imported, then the units, and their account holders' ledger.
fn prepare(
    p: &ReportingPeriod,
    scheme: EtsScheme,
    plan: Option<&str>,
    units: &[UnitRecord],
    ledger: &[LedgerRow],
    registry: Vec<Installation>,
) -> Result<Prepared, Fail> {
    let plan = match (scheme, plan) {
        (EtsScheme::CnEts, Some(id)) => {
            let plan = shipped_plan(id)?;
            if !plan.years.contains(&p.year) {
                let years: Vec<String> = plan.years.iter().map(i32::to_string).collect();
                return Err(refuse_at(
                    Code::OutOfRange,
                    "plan",
                    format!("plan {} covers {}, not period {}", plan.id, years.join(", "), p.year),
                ));
            }
            Some(plan)
        }
        _ => None,
    };
    let mine: Vec<&UnitRecord> =
        units.iter().filter(|u| u.plan.as_deref() == plan.as_ref().map(|p| p.id.as_str())).collect();
    let mut sheet = Sheet::new(UNIT_COLUMNS)?;
    let mut enterprises: BTreeSet<String> = registry.iter().map(|i| i.account_holder.clone()).collect();
    let mut installations = if scheme == EtsScheme::EuEts { registry } else { Vec::new() };
    for u in &mine {
        sheet.push(u.id, &u.cells)?;
        enterprises.insert(u.cells[0].clone().unwrap_or_default());
    }
    let (units_csv, unit_lines) = sheet.bytes()?;
    if scheme == EtsScheme::EuEts {
        for (line, id) in &unit_lines {
            if let Some(u) = mine.iter().find(|u| u.id == *id) {
                installations.push(installation(u, *line, p.year));
            }
        }
    }
    let own: Vec<&LedgerRow> =
        ledger.iter().filter(|(_, cells)| enterprises.contains(&cells[0].clone().unwrap_or_default())).collect();
    let ledger = if own.is_empty() {
        None
    } else {
        let mut sheet = Sheet::new(LEDGER_COLUMNS)?;
        for (id, cells) in own {
            sheet.push(*id, cells)?;
        }
        Some(sheet.bytes()?)
    };
    Ok(Prepared { units: units_csv, unit_lines, ledger, installations, plan })
}

/// An EU installation from a stored unit: its figures for the period; the registry's surrendered
/// figure is not kept (surrenders are in the ledger), so it is `NA`, as the registry writes a
/// figure it does not have.
fn installation(u: &UnitRecord, line: u64, year: i32) -> Installation {
    let figure = |i: usize| -> Figure {
        u.cells[i].as_deref().and_then(|t| parse_decimal(t).ok()).map_or(Figure::Status(Status::Na), Figure::Value)
    };
    let unit = u.cells[1].clone().unwrap_or_default();
    Installation {
        file: UNITS_FILE.to_string(),
        line,
        id: unit.clone(),
        installation_id: unit,
        account_holder: u.cells[0].clone().unwrap_or_default(),
        name: u.facility_name.clone(),
        country: u.region.split('-').next().unwrap_or_default().to_string(),
        activity: u.cells[2].clone().unwrap_or_default(),
        years: vec![YearRecord {
            year,
            free_allocation: figure(9),
            verified: figure(8),
            surrendered: Figure::Status(Status::Na),
            surrendered_allowances: Figure::Status(Status::Na),
            compliance: None,
        }],
    }
}

/// The period's registry installations when `scheme` is the EU's (none for China).
fn registry_of(c: &Connection, p: &ReportingPeriod, scheme: EtsScheme) -> Result<Vec<Installation>, Fail> {
    match scheme {
        EtsScheme::EuEts => installations_of(c, p),
        EtsScheme::CnEts => Ok(Vec::new()),
    }
}

/// The schemes with units, ledger entries or registry figures in a period.
fn schemes_of(c: &Connection, p: &ReportingPeriod) -> Result<Vec<EtsScheme>, Fail> {
    let mut stmt = c.prepare_cached(
        "SELECT e.scheme FROM ets_unit u JOIN ets_facility e ON e.facility_id = u.facility_id WHERE u.period_id = ?1 AND u.status = 'current'
         UNION SELECT scheme FROM ets_ledger WHERE period_id = ?1 AND status = 'current'
         UNION SELECT 'eu-ets' FROM ets_registry WHERE period_id = ?1 AND status = 'current'",
    )?;
    let texts: Vec<String> = stmt.query_map([p.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for t in texts {
        out.push(scheme_stored(&t)?);
    }
    out.sort();
    Ok(out)
}

/// After a write to a period: every scheme's position of the period, worked from the data now
/// in the transaction, must be free of errors; else the write is refused with them, each
/// located where the user can find it (`written`: the rows this write made, and where they came
/// from).
pub(crate) fn check_written(
    c: &Connection,
    name: &str,
    p: &ReportingPeriod,
    written: &[(Table, i64, Origin)],
) -> Result<(), Fail> {
    for scheme in schemes_of(c, p)? {
        check_period(c, name, p, scheme, written)?;
    }
    Ok(())
}

/// One scheme's positions of a period (one per China plan), checked as [`check_written`] does.
pub(crate) fn check_period(
    c: &Connection,
    name: &str,
    p: &ReportingPeriod,
    scheme: EtsScheme,
    written: &[(Table, i64, Origin)],
) -> Result<(), Fail> {
    let units = units_of(c, p, scheme)?;
    let ledger = ledger_of(c, p, scheme)?;
    let registry = registry_of(c, p, scheme)?;
    let mut problems = Vec::new();
    // A movement of an enterprise without units (or registry installations) in the period
    // belongs to no position.
    let mut enterprises: BTreeSet<&str> = units.iter().filter_map(|u| u.cells[0].as_deref()).collect();
    enterprises.extend(registry.iter().map(|i| i.account_holder.as_str()));
    // An EU installation entered as a unit and imported from the registry would count twice.
    for u in &units {
        let key = u.cells[1].as_deref().unwrap_or_default();
        if registry.iter().any(|i| i.id == key) {
            let d = Diagnostic::error(
                Code::DuplicateId,
                Location::file(UNITS_FILE),
                format!("installation {key} has registry figures in period {} and is entered as a unit as well; it would count twice", p.year),
            );
            problems.push(relocate(d, name, Table::Unit, u.id, Some("unit"), written));
        }
    }
    for (id, cells) in &ledger {
        let e = cells[0].as_deref().unwrap_or_default();
        if !enterprises.contains(e) {
            let d = Diagnostic::error(
                Code::UnknownRecord,
                Location::file(LEDGER_FILE),
                format!("enterprise '{e}' has no {} units in period {}; add its units first", scheme.as_str(), p.year),
            );
            problems.push(relocate(d, name, Table::Ledger, *id, Some("enterprise"), written));
        }
    }
    let plans: Vec<Option<String>> = match scheme {
        EtsScheme::CnEts => plans_of(&units).into_iter().map(Some).collect(),
        EtsScheme::EuEts => vec![None],
    };
    for plan in plans {
        let prepared = prepare(p, scheme, plan.as_deref(), &units, &ledger, registry.clone())?;
        if prepared.is_empty() {
            continue;
        }
        let pos = prepared.run(p.year, &[], &cn::Options::default())?;
        for d in pos.diagnostics.into_iter().filter(Diagnostic::is_error) {
            problems.push(relocated(d, name, &prepared, written));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Fail::Rows(problems))
    }
}

/// A finding of a run on the exported files, located at the record it names: the imported
/// file's line, the typed field, or the stored record.
fn relocated(d: Diagnostic, name: &str, prepared: &Prepared, written: &[(Table, i64, Origin)]) -> Diagnostic {
    let row = d.location.row;
    let column = d.location.column.clone();
    let found = match d.location.file.as_str() {
        UNITS_FILE => row.and_then(|l| prepared.unit_lines.get(&l)).map(|id| (Table::Unit, *id)),
        LEDGER_FILE => row
            .and_then(|l| prepared.ledger.as_ref().and_then(|(_, lines)| lines.get(&l)))
            .map(|id| (Table::Ledger, *id)),
        _ => None,
    };
    match found {
        Some((table, id)) => relocate_owned(d, name, table, id, column, written),
        None => d,
    }
}

fn relocate(
    d: Diagnostic,
    name: &str,
    table: Table,
    id: i64,
    column: Option<&str>,
    written: &[(Table, i64, Origin)],
) -> Diagnostic {
    relocate_owned(d, name, table, id, column.map(str::to_string), written)
}

fn relocate_owned(
    mut d: Diagnostic,
    name: &str,
    table: Table,
    id: i64,
    column: Option<String>,
    written: &[(Table, i64, Origin)],
) -> Diagnostic {
    match written.iter().find(|(t, i, _)| *t == table && *i == id).map(|(_, _, o)| o) {
        Some(Origin::Typed) => d.location = Location { file: name.to_string(), row: None, column },
        Some(Origin::Line(file, line)) => d.location = Location { file: file.clone(), row: Some(*line), column },
        None => {
            let what = if table == Table::Unit { "ETS unit" } else { "ledger entry" };
            d.location = Location { file: name.to_string(), row: u64::try_from(id).ok(), column };
            d.message = format!("{what} {id}: {}", d.message);
        }
    }
    d
}

impl Store {
    /// The allowance position of period `year` under `scheme`, from the stored units and ledger,
    /// valued at each price (`--price` texts). China: the units' plan, or `plan` where the
    /// period's units are under several. The same [`Position`] `scopebook position` gives for the
    /// files `ets unit export` and `ets ledger export` write (a whole-period plan is worked
    /// without a year, as the file mode without `--year`).
    pub fn position(
        &self,
        scheme: EtsScheme,
        year: i32,
        plan: Option<&str>,
        prices: &[String],
    ) -> Result<Position, StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            stored_position(c, &p, scheme, plan, prices, &cn::Options::default())
        })
    }

    /// The period's units of a scheme (China: of one plan, chosen as [`Store::position`] does) as
    /// the UNITS.csv the position reads, and its enterprises' ledger as LEDGER.csv.
    pub fn ets_export(
        &self,
        scheme: EtsScheme,
        year: i32,
        plan: Option<&str>,
    ) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
        self.read(|c| {
            let p = period_by_year(c, year)?;
            let units = units_of(c, &p, scheme)?;
            let ledger = ledger_of(c, &p, scheme)?;
            let plan = match scheme {
                EtsScheme::CnEts if !units.is_empty() => Some(choose_plan(&p, &units, plan)?),
                _ => None,
            };
            let prepared = prepare(&p, scheme, plan.as_deref(), &units, &ledger, registry_of(c, &p, scheme)?)?;
            let ledger = match prepared.ledger {
                Some((bytes, _)) => bytes,
                None => Sheet::new(LEDGER_COLUMNS)?.bytes()?.0,
            };
            Ok((prepared.units, ledger))
        })
    }
}

/// [`Store::position`] of period `p`, with the China position's options (decision 0032).
pub(crate) fn stored_position(
    c: &Connection,
    p: &ReportingPeriod,
    scheme: EtsScheme,
    plan: Option<&str>,
    prices: &[String],
    opts: &cn::Options,
) -> Result<Position, Fail> {
    let units = units_of(c, p, scheme)?;
    let ledger = ledger_of(c, p, scheme)?;
    let plan = match scheme {
        EtsScheme::EuEts => None,
        EtsScheme::CnEts => Some(choose_plan(p, &units, plan)?),
    };
    let prepared = prepare(p, scheme, plan.as_deref(), &units, &ledger, registry_of(c, p, scheme)?)?;
    if prepared.is_empty() {
        let how = match scheme {
            EtsScheme::CnEts => "(`scopebook ets unit add` or `import`)",
            EtsScheme::EuEts => "or registry figures (`scopebook ets unit add`, `ets registry import`)",
        };
        return Err(refuse_at(
            Code::NoDataRows,
            "period",
            format!("period {} has no {} units {how}", p.year, scheme.as_str()),
        ));
    }
    prepared.run(p.year, prices, opts)
}

/// The plan of a period's China units: `given` (which some unit must be under), else the one
/// plan they are under.
fn choose_plan(p: &ReportingPeriod, units: &[UnitRecord], given: Option<&str>) -> Result<String, Fail> {
    let plans = plans_of(units);
    match given.map(str::trim) {
        Some(g) if plans.iter().any(|x| x == g) => Ok(g.to_string()),
        Some(g) => Err(refuse_at(
            Code::UnknownRecord,
            "plan",
            format!("period {} has no cn-ets units under plan '{g}'; its plans: {}", p.year, list(&plans)),
        )),
        None => match plans.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(refuse_at(
                Code::NoDataRows,
                "period",
                format!("period {} has no cn-ets units (`scopebook ets unit add` or `import`)", p.year),
            )),
            many => Err(refuse_at(
                Code::InvalidValue,
                "plan",
                format!(
                    "period {}'s cn-ets units are under several plans ({}); choose one with --plan",
                    p.year,
                    many.join(", ")
                ),
            )),
        },
    }
}

fn list(plans: &[String]) -> String {
    if plans.is_empty() {
        "none".to_string()
    } else {
        plans.join(", ")
    }
}
