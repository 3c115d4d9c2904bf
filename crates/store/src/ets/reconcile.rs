//! The position of a stored period with its options (decision 0032): own-boundary projects and
//! offset prices as `scopebook position` takes them, and the scheme's emissions beside the
//! inventory from the inventory file itself.
//!
//! The reconciliation reads what the file mode reads, from the store: the period's records
//! calculated by [`crate::calculation::calculate`] (the dashboard's calculation: the period's
//! GWP set and pinned editions, the organisation's boundary; lines numbered by record id, the
//! input named `period YEAR`), and the facilities registered under the scheme for the
//! position's enterprises written as COVERED.csv (registration order; `parameters` `default`
//! for the facilities given with `--default-parameters`, else for those the file stores as
//! `default` for the period, decision 0038) and read by `allowance::covered::read`. The verifier's figure is
//! the units' `verified_t`, as in the file mode. The same `allowance::reconcile` then sets the
//! two side by side.
//!
//! The EU (decision 0036) takes the same path: the covered facilities are those tied to the
//! position's installations (registry rows linked with `ets registry link`, or EU units), written
//! as COVERED.csv with `installation`, and the verifier's figure is the registry's verified
//! emissions (a status is no figure, and said so).

use rusqlite::Connection;
use scopebook_allowance::cn;
use scopebook_allowance::covered::{self, Covered};
use scopebook_allowance::offsets::OwnProject;
use scopebook_allowance::position::Position;
use scopebook_allowance::reconcile;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::library::FactorLibrary;

use super::parameters;
use super::run::stored_position;
use super::{shipped_plan, EtsParameters, EtsScheme};
use crate::calculation::{calculate, read_view};
use crate::error::{refuse_at, Fail, StoreError};
use crate::factor_files::period_library;
use crate::model::ReportingPeriod;
use crate::periods::period_by_year;
use crate::Store;

/// The name the reconciliation gives the registrations it reads (the file mode's COVERED.csv).
pub const COVERED_FILE: &str = "COVERED.csv";

/// COVERED.csv's holder column in the EU.
const INSTALLATION: &str = "installation";

/// What a stored position takes beyond the period, plan and prices (China only).
#[derive(Clone, Debug, Default)]
pub struct PositionOptions {
    /// `ENTERPRISE=PROJECT`: projects inside an enterprise's own boundary (`--own-project`).
    pub own_projects: Vec<String>,
    /// `[NAME=]AMOUNT[CURRENCY]`: offset credit prices for the cheapest mix (`--offset-price`).
    pub offset_prices: Vec<String>,
}

/// The reconciliation asked of a stored position.
#[derive(Clone, Copy)]
pub struct Reconcile<'a> {
    /// The factor library the period's records are calculated with (the shipped one and the
    /// user's factor files; the period's pins are applied to it).
    pub lib: &'a FactorLibrary,
    /// Codes of registered facilities whose scheme figure takes the factor's defaults, not the
    /// records' own parameters (COVERED.csv `parameters = default`). When empty, the choices
    /// stored for the period (`Store::set_ets_parameters`) apply; when given, they prevail over
    /// the stored ones, and the position says so.
    pub default_parameters: &'a [String],
    /// `YYYY-MM-DD`: the records run to this date; the rest of the year is forecast.
    pub as_of: Option<&'a str>,
}

impl Store {
    /// [`Store::position`] with its options, and with `reconcile` the scheme's emissions beside
    /// the inventory of the period's records (`position.reconciliation`, both schemes): the
    /// position `scopebook position` gives for the export with `--activities --covered`.
    pub fn position_with(
        &self,
        scheme: EtsScheme,
        year: i32,
        plan: Option<&str>,
        prices: &[String],
        opts: &PositionOptions,
        reconcile: Option<&Reconcile<'_>>,
    ) -> Result<Position, StoreError> {
        self.read(|c| {
            let _view = read_view(c)?;
            let p = period_by_year(c, year)?;
            let mut cn_opts = cn::Options {
                own_projects: opts.own_projects.clone(),
                own_facilities: Vec::new(),
                offset_prices: opts.offset_prices.clone(),
            };
            let Some(r) = reconcile else {
                return stored_position(c, &p, scheme, plan, prices, &cn_opts);
            };
            // The position's enterprises (the chosen plan's), then their registered facilities.
            let first = stored_position(c, &p, scheme, plan, prices, &cn_opts)?;
            if scheme == EtsScheme::EuEts {
                let (bytes, ties) = eu_covered(c, &p, &first, r.default_parameters)?;
                let mut covered_diags = Vec::new();
                let covered = covered::read(COVERED_FILE, &bytes, INSTALLATION, &mut covered_diags);
                covered_diags.extend(ties);
                let mut pos = first;
                attach(c, &p, &mut pos, r, &covered, covered_diags)?;
                return Ok(pos);
            }
            let enterprises: Vec<&str> = first.enterprises.iter().map(|e| e.enterprise.as_str()).collect();
            let registered: Vec<(String, String)> =
                registrations(c, scheme)?.into_iter().filter(|(_, e)| enterprises.contains(&e.as_str())).collect();
            let codes: Vec<&str> = registered.iter().map(|(code, _)| code.as_str()).collect();
            let (defaults, note) = defaults_for(c, &p, r.default_parameters, &codes)?;
            let bytes = covered_sheet(scheme, &registered, &defaults)?;
            let mut covered_diags: Vec<Diagnostic> = note.into_iter().collect();
            let covered = covered::read(COVERED_FILE, &bytes, "enterprise", &mut covered_diags);
            cn_opts.own_facilities = covered
                .iter()
                .map(|row| OwnProject {
                    enterprise: row.holder.clone(),
                    project: row.facility.clone(),
                    given: format!("facility of {} in {COVERED_FILE}:{}", row.holder, row.line),
                })
                .collect();
            let mut pos = stored_position(c, &p, scheme, plan, prices, &cn_opts)?;
            attach(c, &p, &mut pos, r, &covered, covered_diags)?;
            Ok(pos)
        })
    }
}

/// The facilities registered under a scheme, in registration order: (code, enterprise).
fn registrations(c: &Connection, scheme: EtsScheme) -> Result<Vec<(String, String)>, Fail> {
    let mut stmt = c.prepare_cached(
        "SELECT f.code, e.enterprise FROM ets_facility e JOIN facility f ON f.id = e.facility_id
         WHERE e.scheme = ?1 ORDER BY e.id",
    )?;
    let rows = stmt.query_map([scheme.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The registrations as COVERED.csv — (facility, enterprise) in China, (facility,
/// installation) in the EU; every facility named in `defaults` must be among them.
fn covered_sheet(scheme: EtsScheme, registered: &[(String, String)], defaults: &[String]) -> Result<Vec<u8>, Fail> {
    for d in defaults {
        if !registered.iter().any(|(code, _)| code == d.trim()) {
            let codes: Vec<&str> = registered.iter().map(|(code, _)| code.as_str()).collect();
            let whose = match scheme {
                EtsScheme::CnEts => "registered under cn-ets for an enterprise of this position",
                EtsScheme::EuEts => "tied to an installation of this position",
            };
            return Err(refuse_at(
                Code::UnknownRecord,
                "default-parameters",
                format!(
                    "facility '{}' is not {whose} (its facilities: {})",
                    d.trim(),
                    if codes.is_empty() { "none".to_string() } else { codes.join(", ") }
                ),
            ));
        }
    }
    let written = |e: csv::Error| {
        refuse_at(Code::DatabaseError, "ets", format!("the registrations cannot be written as CSV: {e}"))
    };
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let holder = match scheme {
        EtsScheme::CnEts => "enterprise",
        EtsScheme::EuEts => INSTALLATION,
    };
    w.write_record(["facility", holder, "parameters"]).map_err(written)?;
    for (code, enterprise) in registered {
        let parameters = if defaults.iter().any(|d| d.trim() == code) { "default" } else { "" };
        w.write_record([code.as_str(), enterprise.as_str(), parameters]).map_err(written)?;
    }
    w.into_inner().map_err(|e| written(e.into_error().into()))
}

/// The EU's covered facilities as COVERED.csv (`facility`, `installation`): the facilities tied
/// to the position's installations — a registry row linked (`ets registry link`) or an EU unit
/// entered for the facility — in the position's order (registry rows as imported, then units).
/// And a warning for each facility registered under the EU ETS that is tied to no installation
/// of the period: its records are outside the scheme, which is said, never assumed silently.
fn eu_covered(
    c: &Connection,
    p: &ReportingPeriod,
    pos: &Position,
    defaults: &[String],
) -> Result<(Vec<u8>, Vec<Diagnostic>), Fail> {
    let installations: Vec<&str> =
        pos.installations.iter().filter(|i| Some(i.year) == pos.year).map(|i| i.installation.as_str()).collect();
    let mut stmt = c.prepare_cached(
        "SELECT f.code, r.installation, 0, r.id FROM ets_registry r JOIN facility f ON f.id = r.facility_id
         WHERE r.period_id = ?1 AND r.status = 'current'
         UNION ALL
         SELECT f.code, u.unit, 1, u.id FROM ets_unit u JOIN facility f ON f.id = u.facility_id
         JOIN ets_facility e ON e.facility_id = u.facility_id WHERE u.period_id = ?1 AND e.scheme = ?2 AND u.status = 'current'
         ORDER BY 3, 4",
    )?;
    let rows = stmt.query_map(rusqlite::params![p.id, EtsScheme::EuEts.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let ties: Vec<(String, String)> = rows
        .collect::<Result<Vec<(String, String)>, _>>()?
        .into_iter()
        .filter(|(_, i)| installations.contains(&i.as_str()))
        .collect();
    let mut diags = Vec::new();
    for (code, enterprise) in registrations(c, EtsScheme::EuEts)? {
        if !ties.iter().any(|(f, _)| *f == code) {
            diags.push(Diagnostic::warning(
                Code::UnknownRecord,
                Location::file(COVERED_FILE),
                format!(
                    "facility '{code}' is registered under eu-ets as '{enterprise}' but tied to no installation of period {} (`scopebook ets registry link`): its records are counted outside the scheme",
                    p.year
                ),
            ));
        }
    }
    let codes: Vec<&str> = ties.iter().map(|(code, _)| code.as_str()).collect();
    let (defaults, note) = defaults_for(c, p, defaults, &codes)?;
    diags.extend(note);
    Ok((covered_sheet(EtsScheme::EuEts, &ties, &defaults)?, diags))
}

/// The facilities whose scheme figure takes the factor's defaults: those `given`
/// (`--default-parameters`), else those of `facilities` (the position's covered facilities)
/// the file stores as `default` for period `p`. When both are there, the argument prevails and
/// a warning says so, naming what the file stores.
fn defaults_for(
    c: &Connection,
    p: &ReportingPeriod,
    given: &[String],
    facilities: &[&str],
) -> Result<(Vec<String>, Option<Diagnostic>), Fail> {
    let stored: Vec<_> =
        parameters::current(c, p)?.into_iter().filter(|r| facilities.contains(&r.facility.as_str())).collect();
    let stored_defaults: Vec<String> =
        stored.iter().filter(|r| r.parameters == EtsParameters::Default).map(|r| r.facility.clone()).collect();
    if given.is_empty() {
        return Ok((stored_defaults, None));
    }
    if stored.is_empty() {
        return Ok((given.to_vec(), None));
    }
    let listed: Vec<String> = stored.iter().map(|r| format!("{} {}", r.facility, r.parameters.as_str())).collect();
    let given_list: Vec<&str> = given.iter().map(|g| g.trim()).collect();
    let note = Diagnostic::warning(
        Code::InvalidState,
        Location::file("--default-parameters"),
        format!(
            "--default-parameters {} prevails over the parameters stored for period {} ({}; `scopebook ets parameters list`)",
            given_list.join(", "),
            p.year,
            listed.join(", ")
        ),
    );
    Ok((given.to_vec(), Some(note)))
}

/// Calculate the period's records and add the reconciliation (and its findings) to the
/// position, as the file mode's `--activities` does. A position already refused is left as it
/// is; so is one whose records' calculation finds an error (its findings are the position's).
fn attach(
    c: &Connection,
    p: &ReportingPeriod,
    pos: &mut Position,
    r: &Reconcile<'_>,
    covered: &[Covered],
    covered_diags: Vec<Diagnostic>,
) -> Result<(), Fail> {
    pos.diagnostics.extend(covered_diags);
    if pos.has_errors() {
        return Ok(());
    }
    let Some((as_of, boundary)) = reconcile::prepare(pos, r.as_of) else { return Ok(()) };
    let eu = pos.scheme == EtsScheme::EuEts.as_str();
    let years = if eu { vec![p.year] } else { shipped_plan(&pos.plan)?.years };
    let Some(period) = reconcile::compliance_period(pos, &years) else {
        return Err(refuse_at(Code::InvalidValue, "period", format!("plan {} names no compliance year", pos.plan)));
    };
    let calc = calculate(c, r.lib, p, true)?;
    let run = &calc.run;
    pos.diagnostics.extend(run.diagnostics.iter().cloned());
    if pos.has_errors() {
        return Ok(());
    }
    let plib = period_library(c, r.lib, p)?;
    let holders = reconcile::holders(pos);
    let input = reconcile::Input {
        boundary: &boundary,
        lib: &plib,
        gwp_set: p.gwp_set,
        activities_file: run.file(),
        activities_sha256: run.input_sha256(),
        lines: &run.inventory.lines,
        covered_file: COVERED_FILE,
        holder_column: if eu { INSTALLATION } else { "enterprise" },
        covered,
        holders: &holders,
        period,
        as_of,
    };
    let (rec, diags) = reconcile::reconcile(&input);
    pos.diagnostics.extend(diags);
    pos.reconciliation = Some(rec);
    Ok(())
}
