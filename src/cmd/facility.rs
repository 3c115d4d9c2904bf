//! `scopebook init` and `scopebook facility`.

use std::process::ExitCode;

use scopebook_store::{Consolidation, NewFacility, NewOrganisation, Store};

use crate::args::{FacilityCommand, InitArgs, StoreFormat};
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

pub fn facility(command: FacilityCommand) -> ExitCode {
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
            };
            done(
                s.add_facility(&f).map(|f| format!("added {} {} ({}, id {})\n", f.kind.as_str(), f.code, f.name, f.id)),
            )
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
