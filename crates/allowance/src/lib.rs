//! Scopebook's allowance position: how many allowances an enterprise must surrender for a
//! compliance period, how many it holds or will receive, the gap, and what closing it costs.
//!
//! Pure like the core: bytes and values in, values out; no SQLite, no file system (decision
//! 0023). Allocation plans are data ([`plan`], [`eu_rules`]), embedded from `allowance-plans/`.
//! [`cn::position`] works a China ETS position from UNITS.csv ([`units`]) and LEDGER.csv
//! ([`ledger`]); [`eu::position`] an EU ETS position from the EU Transaction Log's export
//! ([`registry`]). Both return a [`position::Position`], the JSON and table the CLI prints.
//! [`reconcile`] sets the scheme's emissions beside the inventory of the same activity records
//! (with a [`forecast`] of the year from records so far); [`mix`] finds the cheapest way to close
//! a gap; [`offsets`] keeps out credits a scheme does not accept (decision 0031).

pub mod account;
pub mod boundary;
pub mod cn;
pub mod covered;
pub mod eu;
pub mod eu_rules;
pub mod figure;
pub mod forecast;
pub mod ledger;
pub mod mix;
pub mod money;
pub mod offsets;
pub mod plan;
pub mod position;
pub mod price;
pub mod reconcile;
pub mod registry;
mod sheet;
pub mod units;
