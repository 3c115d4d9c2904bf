//! `scopebook period`: add, pin, review, reopen, lock, list.

use std::process::ExitCode;

use scopebook_core::gas::GwpSet;
use scopebook_core::library::FactorLibrary;
use scopebook_core::run::pin_map;
use scopebook_store::NewPeriod;

use crate::args::{PeriodCommand, StoreFormat};
use crate::io::done;
use crate::output;

pub fn period(lib: &FactorLibrary, command: PeriodCommand) -> ExitCode {
    match command {
        PeriodCommand::Add { db, year, start, end, gwp, base_year, pins } => {
            let pins = pin_map(&pins);
            let mut s = open_or_return!(db);
            let p = NewPeriod { year, start, end, base_year, gwp_set: GwpSet::from(gwp), pins };
            done(s.add_period(lib, &p).map(|p| {
                format!("added period {} ({}..{}, {}, {})\n", p.year, p.start, p.end, p.gwp_set, p.status.as_str())
            }))
        }
        PeriodCommand::Pin { db, year, pins, reason } => {
            let pins = pin_map(&pins);
            let mut s = open_or_return!(db);
            done(
                s.set_pins(lib, year, &pins, reason.as_deref())
                    .map(|p| format!("period {} now uses: {}\n", p.year, output::pins(&p))),
            )
        }
        PeriodCommand::Review { db, year } => {
            let mut s = open_or_return!(db);
            done(s.review_period(year).map(|p| format!("period {} is in review\n", p.year)))
        }
        PeriodCommand::Reopen { db, year } => {
            let mut s = open_or_return!(db);
            done(s.reopen_period(year).map(|p| format!("period {} is open\n", p.year)))
        }
        PeriodCommand::Lock { db, year } => {
            let mut s = open_or_return!(db);
            done(s.lock_period(lib, year).map(|snap| {
                format!(
                    "locked period {year}; snapshot {} stores the calculation (input sha256 {}, result sha256 {})\n",
                    snap.id, snap.input_sha256, snap.result_sha256
                )
            }))
        }
        PeriodCommand::List { db, format } => {
            let s = open_or_return!(db);
            done(s.periods().map(|ps| match format {
                StoreFormat::Json => output::json(&ps),
                StoreFormat::Table => output::periods(&ps),
            }))
        }
    }
}
