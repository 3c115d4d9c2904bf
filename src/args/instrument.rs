//! `scopebook instrument` and `scopebook scope3`: a period's contractual instruments and Scope 3
//! category statuses in the inventory file (decision 0043), what `calc --db` applies.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{DbArgs, StoreFormat};

#[derive(Subcommand)]
pub enum InstrumentCommand {
    /// Import an INSTR.csv (as `calc --instruments` reads it) into an open period: all or
    /// nothing, every problem at its line and column.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// The instruments file (facility,instrument,mwh,emission_rate_kg_per_mwh,...).
        #[arg(value_name = "INSTR.csv")]
        file: PathBuf,
    },
    /// A period's instruments, in the order stored.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        /// Include superseded (restated) instruments.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Write a period's instruments as an INSTR.csv (what `calc --instruments` reads).
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
    },
    /// Correct an instrument of a locked period: the original is kept, superseded, and the
    /// corrected row takes its place in the period's calculation (decision 0058).
    Restate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        /// Why the instrument is restated (required).
        #[arg(long)]
        reason: String,
        /// An INSTR.csv holding the one corrected row.
        #[arg(value_name = "INSTR.csv")]
        file: PathBuf,
    },
    /// Delete an instrument of an open period.
    Delete {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        id: i64,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum Scope3Command {
    /// Each Scope 3 category's status in a period: relevant, excluded (with a reason) or
    /// not applicable, as `calc --scope3-status` reads it.
    Status {
        #[command(subcommand)]
        command: Scope3StatusCommand,
    },
}

/// A category's status as `set` and `restate` take it.
#[derive(Args)]
pub struct StatusFields {
    /// The category, 1 to 15.
    #[arg(long)]
    pub category: String,
    /// relevant, excluded or not-applicable.
    #[arg(long)]
    pub status: String,
    /// Why (required for an excluded category).
    #[arg(long)]
    pub reason: Option<String>,
    /// The category's estimated t CO2e, for one with no lines (excluded, or relevant and not
    /// yet reported): the coverage of Scope 3 is worked against it. "" removes it; without the
    /// flag a stored estimate stays.
    #[arg(long = "estimate-t", value_name = "T")]
    pub estimate_t: Option<String>,
}

#[derive(Subcommand)]
pub enum Scope3StatusCommand {
    /// Set one category's status in an open period.
    Set {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[command(flatten)]
        fields: StatusFields,
    },
    /// Correct a category's status in a locked period: the stored one is kept, superseded, and
    /// the new one takes its place (decision 0058).
    Restate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[command(flatten)]
        fields: StatusFields,
        /// Why the status is restated (required).
        #[arg(long = "restatement-reason")]
        restatement_reason: String,
    },
    /// Import a status file (category,status,reason[,estimate_t]) into an open period: all or
    /// nothing.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[arg(value_name = "STATUS.csv")]
        file: PathBuf,
    },
    /// A period's statuses, by category (a category not listed is not assessed).
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[arg(long, value_enum, default_value = "table")]
        format: StoreFormat,
    },
    /// Write a period's statuses as a status file (what `calc --scope3-status` reads).
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
    },
    /// Delete a category's status in an open period (it is then not assessed).
    Delete {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        period: i32,
        #[arg(long)]
        category: u8,
        #[arg(long)]
        reason: Option<String>,
    },
}
