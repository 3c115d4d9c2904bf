//! The commands, one module per group. Each is a few functions that call the library, print
//! with [`crate::output`] and [`crate::io`], and return the exit status.

use std::process::ExitCode;

use scopebook_store::Store;

use crate::args::DbArgs;
use crate::io::fail;

/// Open the store named by `--db`, or return the exit status its failure already reported.
macro_rules! open_or_return {
    ($db:expr) => {
        match crate::cmd::open(&$db) {
            Ok(s) => s,
            Err(code) => return code,
        }
    };
}

mod activity;
mod audit;
mod calc;
mod ets;
mod facility;
mod factors;
mod import;
mod instrument;
mod package;
mod period;
mod position;
mod report;
mod residual_mix;

pub use activity::activity;
pub use audit::{audit, backup, restore};
pub use calc::{calc, edition_diff};
pub use ets::ets;
pub use facility::{facility, init, org};
pub use factors::factors;
pub use import::{import, template};
pub use instrument::{instrument, scope3};
pub use package::{export_package, sample, verify};
pub use period::period;
pub use position::position;
pub use report::report;
pub use residual_mix::residual_mix;

/// The store named by `--db`, opened for `--user`; a failure is printed (status 1).
pub fn open(db: &DbArgs) -> Result<Store, ExitCode> {
    Store::open(&db.db, &db.user()).map_err(|e| fail(&e))
}
