//! `scopebook init`, `scopebook org` and `scopebook facility`.

use std::process::ExitCode;

use scopebook_core::library::FactorLibrary;
use scopebook_store::{
    Consolidation, FacilityChange, LockedChange, NewFacility, NewOrganisation, OrganisationChange, Store,
};

use crate::args::{tri_state, FacilityCommand, InitArgs, OrgCommand, StoreFormat};
use crate::io::done;
use crate::output;

pub fn init(args: &InitArgs) -> ExitCode {
    let consolidation = Consolidation::from(args.consolidation);
    let org = NewOrganisation { name: args.name.clone(), consolidation };
    done(Store::create(&args.db.db, &org, &args.db.user()).map(|_| {
        format!(
            "created {} for {} ({})\n",
            args.db.db.display(),
            org.name.trim(),
            output::consolidation_text(consolidation)
        )
    }))
}

/// `--restate` with its reason, or the default refusal.
fn mode(restate: bool, reason: Option<&str>) -> LockedChange<'_> {
    if restate {
        LockedChange::Restate(reason.unwrap_or(""))
    } else {
        LockedChange::Refuse
    }
}

/// `Some(None)` for "" (clear the value), else `Some(Some(text))`; `None` when not given.
fn clearable(v: Option<String>) -> Option<Option<String>> {
    v.map(|t| Some(t).filter(|t| !t.trim().is_empty()))
}

pub fn org(lib: &FactorLibrary, command: OrgCommand) -> ExitCode {
    match command {
        OrgCommand::Show { db, format } => {
            let s = open_or_return!(db);
            done(s.organisation().map(|o| match format {
                StoreFormat::Json => output::json(&o),
                StoreFormat::Table => {
                    format!("{}\nconsolidation: {}\ncreated: {}\n", o.name, o.consolidation.as_str(), o.created_at)
                }
            }))
        }
        OrgCommand::Edit { db, name, consolidation, reason, restate } => {
            let mut s = open_or_return!(db);
            let change = OrganisationChange { name, consolidation: consolidation.map(Consolidation::from) };
            let mode = mode(restate, reason.as_deref());
            done(s.update_organisation(lib, &change, reason.as_deref(), mode).map(|o| {
                let how = if restate { "restated" } else { "changed" };
                format!("{how} the organisation: {} ({})\n", o.name, output::consolidation_text(o.consolidation))
            }))
        }
    }
}

pub fn facility(lib: &FactorLibrary, command: FacilityCommand) -> ExitCode {
    match command {
        FacilityCommand::Add {
            db,
            code,
            name,
            region,
            grid_region,
            kind,
            parent,
            equity_share,
            no_operational_control,
            no_financial_control,
            ets,
            sector,
        } => {
            let mut s = open_or_return!(db);
            let f = NewFacility {
                code,
                name,
                kind: kind.into(),
                parent,
                equity_share,
                operational_control: !no_operational_control,
                financial_control: !no_financial_control,
                region,
                grid_region,
                ets_covered: ets,
                sector,
            };
            done(
                s.add_facility(&f).map(|f| format!("added {} {} ({}, id {})\n", f.kind.as_str(), f.code, f.name, f.id)),
            )
        }
        FacilityCommand::Edit {
            db,
            code,
            name,
            sector,
            equity_share,
            operational_control,
            no_operational_control,
            financial_control,
            no_financial_control,
            region,
            grid_region,
            ets,
            no_ets,
            reason,
            restate,
        } => {
            let mut s = open_or_return!(db);
            let change = FacilityChange {
                name,
                equity_share,
                operational_control: tri_state(operational_control, no_operational_control),
                financial_control: tri_state(financial_control, no_financial_control),
                region,
                grid_region: clearable(grid_region),
                ets_covered: tri_state(ets, no_ets),
                sector: clearable(sector),
            };
            let mode = mode(restate, reason.as_deref());
            done(s.update_facility(lib, &code, &change, reason.as_deref(), mode).map(|f| {
                let how = if restate { "restated" } else { "changed" };
                format!("{how} {} {} ({})\n", f.kind.as_str(), f.code, f.name)
            }))
        }
        FacilityCommand::List { db, format } => {
            let s = open_or_return!(db);
            done(s.facilities().map(|fs| match format {
                StoreFormat::Json => output::json(&fs),
                StoreFormat::Table => output::facilities(&fs),
            }))
        }
    }
}
