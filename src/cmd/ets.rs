//! `scopebook ets`: covered facilities' registration, a period's units and ledger in the
//! inventory file (decision 0030), a period's EU Transaction Log figures (`registry`,
//! decision 0033), the fuel parameters of the reconciliation (`parameters`), and the restatement
//! of a locked period's (decision 0038).

mod parameters;
mod registry;

use std::path::Path;
use std::process::ExitCode;

use scopebook_allowance::position::Position;
use scopebook_store::{
    default_user, EtsEnrolment, EtsLedgerEntry, EtsLedgerInput, EtsScheme, EtsUnit, EtsUnitInput, RecordStatus, Store,
};

use crate::args::{
    EtsCommand, EtsFacilityCommand, EtsLedgerCommand, EtsLedgerFields, EtsUnitCommand, EtsUnitFields, PositionArgs,
    Scheme, StoreFormat,
};
use crate::io::{done, fail, out, read, refuse, usage};
use crate::output;

fn scheme(s: Scheme) -> EtsScheme {
    match s {
        Scheme::CnEts => EtsScheme::CnEts,
        Scheme::EuEts => EtsScheme::EuEts,
    }
}

/// `position --db FILE --period YEAR`: the position of the units and ledger kept in the
/// inventory file, the same document the files give; or the exit status of its failure.
pub fn stored_position(db: &Path, args: &PositionArgs) -> Result<Position, ExitCode> {
    if args.units.is_some() || args.ledger.is_some() || !args.registry.is_empty() || args.year.is_some() {
        return Err(usage(
            "position --db reads the units and ledger kept in the inventory file for --period YEAR; --units, --ledger, --registry and --year are for the files",
        ));
    }
    let Some(year) = args.period else {
        return Err(usage("position --db needs --period YEAR"));
    };
    let store = Store::open(db, &default_user()).map_err(|e| fail(&e))?;
    super::position::stored::position(&store, scheme(args.scheme), year, args)
}

pub fn ets(command: EtsCommand) -> ExitCode {
    match command {
        EtsCommand::Facility { command } => facility(command),
        EtsCommand::Unit { command } => unit(*command),
        EtsCommand::Ledger { command } => ledger(*command),
        EtsCommand::Registry { command } => registry::registry(*command),
        EtsCommand::Parameters { command } => parameters::parameters(*command),
    }
}

fn facility(command: EtsFacilityCommand) -> ExitCode {
    match command {
        EtsFacilityCommand::Set { db, facility, scheme: s, enterprise, plan } => {
            let mut st = open_or_return!(db);
            let e = EtsEnrolment { facility, scheme: scheme(s), enterprise, plan };
            done(st.set_ets_facility(&e).map(|f| {
                let plan = f.plan.map(|p| format!(", plan {p}")).unwrap_or_default();
                format!("registered {} under {} as {}{plan}\n", f.facility, f.scheme.as_str(), f.enterprise)
            }))
        }
        EtsFacilityCommand::Remove { db, facility, reason } => {
            let mut st = open_or_return!(db);
            done(
                st.remove_ets_facility(&facility, reason.as_deref())
                    .map(|()| format!("removed the ETS registration of {}\n", facility.trim())),
            )
        }
        EtsFacilityCommand::List { db, format } => {
            let st = open_or_return!(db);
            done(st.ets_facilities().map(|fs| match format {
                StoreFormat::Json => output::json(&fs),
                StoreFormat::Table => {
                    let rows: Vec<Vec<String>> = fs
                        .iter()
                        .map(|f| {
                            vec![
                                f.facility.clone(),
                                f.facility_name.clone(),
                                f.scheme.as_str().to_string(),
                                f.enterprise.clone(),
                                f.plan.clone().unwrap_or_default(),
                            ]
                        })
                        .collect();
                    output::table(&["facility", "name", "scheme", "enterprise", "plan"], &rows)
                }
            }))
        }
    }
}

fn set(target: &mut String, v: &Option<String>) {
    if let Some(v) = v {
        target.clone_from(v);
    }
}

fn set_opt(target: &mut Option<String>, v: &Option<String>) {
    if let Some(v) = v {
        *target = Some(v.clone()).filter(|v| !v.trim().is_empty());
    }
}

fn apply_unit(f: &EtsUnitFields, u: &mut EtsUnitInput) {
    set(&mut u.facility, &f.facility);
    set_opt(&mut u.plan, &f.plan);
    set(&mut u.unit, &f.unit);
    set(&mut u.unit_class, &f.unit_class);
    set_opt(&mut u.cooling, &f.cooling);
    set_opt(&mut u.output_mwh, &f.output_mwh);
    set_opt(&mut u.heat_gj, &f.heat_gj);
    set_opt(&mut u.heat_supply_ratio, &f.heat_supply_ratio);
    set_opt(&mut u.load_factor, &f.load_factor);
    set(&mut u.verified_t, &f.verified_t);
    set_opt(&mut u.allocation_t, &f.allocation_t);
}

fn unit(command: EtsUnitCommand) -> ExitCode {
    match command {
        EtsUnitCommand::Add { db, period, fields } => {
            let mut u = EtsUnitInput::default();
            apply_unit(&fields, &mut u);
            let mut st = open_or_return!(db);
            done(st.add_ets_unit(period, &u).map(|r| format!("added ETS unit {} to period {}\n", r.id, r.year)))
        }
        EtsUnitCommand::Edit { db, id, fields, reason } => {
            let mut st = open_or_return!(db);
            let mut u = match st.ets_unit(id) {
                Ok(r) => r.values,
                Err(e) => return fail(&e),
            };
            apply_unit(&fields, &mut u);
            done(st.update_ets_unit(id, &u, reason.as_deref()).map(|r| format!("changed ETS unit {}\n", r.id)))
        }
        EtsUnitCommand::Delete { db, id, reason } => {
            let mut st = open_or_return!(db);
            done(st.delete_ets_unit(id, reason.as_deref()).map(|()| format!("deleted ETS unit {id}\n")))
        }
        EtsUnitCommand::Restate { db, id, fields, reason } => {
            let mut st = open_or_return!(db);
            let mut u = match st.ets_unit(id) {
                Ok(r) => r.values,
                Err(e) => return fail(&e),
            };
            apply_unit(&fields, &mut u);
            done(st.restate_ets_unit(id, &u, &reason).map(|r| {
                format!("ETS unit {id} is restated by ETS unit {}; the original is kept as superseded\n", r.id)
            }))
        }
        EtsUnitCommand::List { db, period, all, format } => {
            let st = open_or_return!(db);
            done(st.ets_units_with(period, all).map(|us| match format {
                StoreFormat::Json => output::json(&us),
                StoreFormat::Table => {
                    let o = |v: &Option<String>| v.clone().unwrap_or_default();
                    let rows: Vec<Vec<String>> = us
                        .iter()
                        .map(|u| {
                            let v = &u.values;
                            vec![
                                u.id.to_string(),
                                v.facility.clone(),
                                u.enterprise.clone(),
                                u.scheme.as_str().to_string(),
                                o(&v.plan),
                                v.unit.clone(),
                                v.unit_class.clone(),
                                o(&v.cooling),
                                o(&v.output_mwh),
                                o(&v.heat_gj),
                                o(&v.heat_supply_ratio),
                                o(&v.load_factor),
                                v.verified_t.clone(),
                                o(&v.allocation_t),
                                unit_status(u),
                            ]
                        })
                        .collect();
                    output::table(
                        &[
                            "id",
                            "facility",
                            "enterprise",
                            "scheme",
                            "plan",
                            "unit",
                            "unit_class",
                            "cooling",
                            "output_mwh",
                            "heat_gj",
                            "heat_supply_ratio",
                            "load_factor",
                            "verified_t",
                            "allocation_t",
                            "status",
                        ],
                        &rows,
                    )
                }
            }))
        }
        EtsUnitCommand::Import { db, period, facility, plan, file } => {
            let bytes = match read(&file) {
                Ok(b) => b,
                Err(d) => return refuse(&[d]),
            };
            let mut st = open_or_return!(db);
            let name = file.display().to_string();
            done(
                st.import_ets_units(period, &name, &bytes, facility.as_deref(), plan.as_deref())
                    .map(|ids| format!("imported {} ETS unit(s) into period {period}\n", ids.len())),
            )
        }
        EtsUnitCommand::Export { db, period, scheme: s, plan } => {
            let st = open_or_return!(db);
            match st.ets_export(scheme(s), period, plan.as_deref()) {
                Ok((units, _)) => out(&String::from_utf8_lossy(&units)),
                Err(e) => fail(&e),
            }
        }
    }
}

fn apply_entry(f: &EtsLedgerFields, e: &mut EtsLedgerInput) {
    set(&mut e.enterprise, &f.enterprise);
    set(&mut e.date, &f.date);
    set(&mut e.kind, &f.kind);
    set(&mut e.quantity_t, &f.quantity_t);
    set(&mut e.instrument, &f.instrument);
    set_opt(&mut e.price, &f.price);
    set_opt(&mut e.currency, &f.currency);
    set_opt(&mut e.vintage, &f.vintage);
    set_opt(&mut e.project, &f.project);
    set_opt(&mut e.evidence, &f.evidence);
}

fn ledger(command: EtsLedgerCommand) -> ExitCode {
    match command {
        EtsLedgerCommand::Add { db, period, scheme: s, fields } => {
            let mut e = EtsLedgerInput {
                scheme: scheme(s),
                enterprise: String::new(),
                date: String::new(),
                kind: String::new(),
                quantity_t: String::new(),
                instrument: String::new(),
                price: None,
                currency: None,
                vintage: None,
                project: None,
                evidence: None,
            };
            apply_entry(&fields, &mut e);
            let mut st = open_or_return!(db);
            done(
                st.add_ets_ledger_entry(period, &e)
                    .map(|r| format!("added ledger entry {} to period {}\n", r.id, r.year)),
            )
        }
        EtsLedgerCommand::Edit { db, id, fields, reason } => {
            let mut st = open_or_return!(db);
            let mut e = match st.ets_ledger_entry(id) {
                Ok(r) => r.values,
                Err(e) => return fail(&e),
            };
            apply_entry(&fields, &mut e);
            done(
                st.update_ets_ledger_entry(id, &e, reason.as_deref())
                    .map(|r| format!("changed ledger entry {}\n", r.id)),
            )
        }
        EtsLedgerCommand::Delete { db, id, reason } => {
            let mut st = open_or_return!(db);
            done(st.delete_ets_ledger_entry(id, reason.as_deref()).map(|()| format!("deleted ledger entry {id}\n")))
        }
        EtsLedgerCommand::Restate { db, id, fields, reason } => {
            let mut st = open_or_return!(db);
            let mut e = match st.ets_ledger_entry(id) {
                Ok(r) => r.values,
                Err(e) => return fail(&e),
            };
            apply_entry(&fields, &mut e);
            done(st.restate_ets_ledger_entry(id, &e, &reason).map(|r| {
                format!("ledger entry {id} is restated by ledger entry {}; the original is kept as superseded\n", r.id)
            }))
        }
        EtsLedgerCommand::List { db, period, all, format } => {
            let st = open_or_return!(db);
            done(st.ets_ledger_with(period, all).map(|es| match format {
                StoreFormat::Json => output::json(&es),
                StoreFormat::Table => {
                    let o = |v: &Option<String>| v.clone().unwrap_or_default();
                    let rows: Vec<Vec<String>> = es
                        .iter()
                        .map(|e| {
                            let v = &e.values;
                            vec![
                                e.id.to_string(),
                                v.scheme.as_str().to_string(),
                                v.enterprise.clone(),
                                v.date.clone(),
                                v.kind.clone(),
                                v.quantity_t.clone(),
                                v.instrument.clone(),
                                o(&v.price),
                                o(&v.currency),
                                o(&v.vintage),
                                o(&v.project),
                                o(&v.evidence),
                                entry_status(e),
                            ]
                        })
                        .collect();
                    output::table(
                        &[
                            "id",
                            "scheme",
                            "enterprise",
                            "date",
                            "kind",
                            "quantity_t",
                            "instrument",
                            "price",
                            "currency",
                            "vintage",
                            "project",
                            "evidence",
                            "status",
                        ],
                        &rows,
                    )
                }
            }))
        }
        EtsLedgerCommand::Import { db, period, scheme: s, file } => {
            let bytes = match read(&file) {
                Ok(b) => b,
                Err(d) => return refuse(&[d]),
            };
            let mut st = open_or_return!(db);
            let name = file.display().to_string();
            done(
                st.import_ets_ledger(period, scheme(s), &name, &bytes)
                    .map(|ids| format!("imported {} ledger entries into period {period}\n", ids.len())),
            )
        }
        EtsLedgerCommand::Export { db, period, scheme: s, plan } => {
            let st = open_or_return!(db);
            match st.ets_export(scheme(s), period, plan.as_deref()) {
                Ok((_, ledger)) => out(&String::from_utf8_lossy(&ledger)),
                Err(e) => fail(&e),
            }
        }
    }
}

/// A row's status as a list shows it: `current`, `superseded`, or `restates N`.
pub(super) fn restated(status: RecordStatus, supersedes: Option<i64>) -> String {
    match (status, supersedes) {
        (RecordStatus::Superseded, _) => "superseded".to_string(),
        (_, Some(o)) => format!("restates {o}"),
        _ => "current".to_string(),
    }
}

fn unit_status(u: &EtsUnit) -> String {
    restated(u.status, u.supersedes)
}

fn entry_status(e: &EtsLedgerEntry) -> String {
    restated(e.status, e.supersedes)
}
