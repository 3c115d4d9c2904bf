//! The EU registry's wire types (issue 12, decision 0033): a period's EU Transaction Log figures
//! kept in the organisation file, listed a page at a time (the whole EUTL copy is 17,957
//! installations), each figure either its exact decimal text or the status the registry gives
//! instead — never a zero.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One registry figure: the exact decimal the export gives, or the text it gives instead (`NA`,
/// `Excluded`, `Not Reported`, `Not Calculated`, `-`, or `""` for an empty cell).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RegistryFigure {
    Value(String),
    Status(String),
}

/// One installation's stored figures for the period (`scopebook ets registry list`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsRegistryRowView {
    pub id: u32,
    /// The registry's key (`DE-990001`), else the installation id.
    pub installation: String,
    pub installation_id: String,
    pub account_holder: String,
    pub name: String,
    pub country: String,
    pub activity: String,
    /// The facility (registered under the EU ETS as the holder) this installation is, if tied.
    pub facility: Option<String>,
    pub free_allocation: RegistryFigure,
    pub verified: RegistryFigure,
    pub surrendered: RegistryFigure,
    pub surrendered_allowances: RegistryFigure,
    /// The compliance code as published (A, B, C, D, E; `*` = changed after the deadline).
    pub compliance: Option<String>,
    /// The file and line the row was imported from.
    pub source_file: String,
    pub source_line: u32,
}

/// Which rows of a period's registry to list: those whose installation, id, name, account
/// holder, country or facility contains `search` (any case; "" for all), `limit` (at most 500)
/// from `offset`, in import order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsRegistryQuery {
    pub year: i32,
    pub search: String,
    pub offset: u32,
    pub limit: u32,
}

/// A page of a period's registry rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsRegistryPage {
    pub rows: Vec<EtsRegistryRowView>,
    pub offset: u32,
    /// The rows that match the search.
    pub matching: u32,
    /// Every row of the period.
    pub total: u32,
}

/// What a registry import wrote (all or nothing: a refused import writes nothing and rejects).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EtsRegistryImported {
    pub files: Vec<String>,
    pub rows: u32,
}
