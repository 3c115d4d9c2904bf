//! Scopebook's accounting core: exact greenhouse-gas inventories with full lineage.
//!
//! Data flows one way: raw files are parsed once at the edge ([`activity`], [`factor`],
//! [`dataset`]) into validated values; [`library`] selects a factor for each activity; [`calc`]
//! turns activities into masses of gas, CO2e and totals; [`report`] presents them. Findings in
//! user data are [`diagnostic::Diagnostic`] values, collected and shown together.
//! `docs/ARCHITECTURE.md` is the map.

pub mod activity;
pub mod boundary;
pub mod calc;
pub mod classify;
mod columns;
pub mod compare;
pub mod dataset;
pub mod diagnostic;
pub mod evaluate;
pub mod factor;
pub mod gas;
pub mod library;
pub mod listing;
pub mod market;
pub mod number;
pub mod period;
pub mod pipeline;
pub mod region;
pub mod report;
pub mod residual;
pub mod run;
pub mod scope3;
pub mod scope3_entry;
pub mod sector;
mod select;
pub mod spend;
mod totals;
pub mod unit;
pub mod vocabulary;

/// The engine version recorded in every report.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
