//! The Periods screen's factor files (decision 0055): a period's own factor files, kept in the
//! inventory file (decision 0053), as `scopebook factors files --db F --period Y` lists them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One factor file kept in a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PeriodFactorFile {
    pub id: u32,
    pub year: i32,
    /// The name it was added under (a file's or a dataset folder's name).
    pub name: String,
    /// The SHA-256 of the factor file's bytes, in full (the screen shows the first 16 hex).
    pub sha256: String,
    /// The dataset's id and edition (`user:NAME` and `-` for a plain file).
    pub dataset: String,
    pub edition: String,
    /// How many factors it adds to the period's library.
    pub factors: u32,
}
