//! The dashboard's wire types: a period's totals (after the organisation's shares), each
//! facility's share, own figures and market-based Scope 2 basis, and the lines table's pages.

use scopebook_core::library;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Consolidation, DiagnosticCode, FieldError, GwpSetId};

/// Totals in tonnes CO2e, as decimal strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Totals {
    pub scope1: String,
    pub scope2_location: String,
    pub scope2_market: String,
    pub scope3: String,
    pub biogenic_co2: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FacilityTotals {
    pub facility: String,
    /// After the organisation's share: what the facility adds to the totals.
    pub totals: Totals,
    /// The organisation's share of the facility, in percent, as the calculation applied it.
    pub share_applied: String,
    /// The facility's own full emissions (before the share).
    pub own: Totals,
    /// What its market-based Scope 2 rests on; `null` when it used no electricity.
    pub scope2_market_basis: Option<Scope2MarketBasis>,
    /// Whether its own market-based Scope 2 is above its location-based figure.
    pub market_above_location: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CategoryTotal {
    pub category: u8,
    pub co2e_t: String,
}

/// Why a line's factor was chosen (decision 0001), strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SelectionRule {
    Explicit,
    FacilitySpecific,
    SupplierSpecific,
    UserSupplied,
    Region,
    ParentRegion,
    GlobalDefault,
    LatestAvailable,
}

impl From<library::SelectionRule> for SelectionRule {
    fn from(r: library::SelectionRule) -> Self {
        match r {
            library::SelectionRule::Explicit => SelectionRule::Explicit,
            library::SelectionRule::FacilitySpecific => SelectionRule::FacilitySpecific,
            library::SelectionRule::SupplierSpecific => SelectionRule::SupplierSpecific,
            library::SelectionRule::UserSupplied => SelectionRule::UserSupplied,
            library::SelectionRule::Region => SelectionRule::Region,
            library::SelectionRule::ParentRegion => SelectionRule::ParentRegion,
            library::SelectionRule::GlobalDefault => SelectionRule::GlobalDefault,
            library::SelectionRule::LatestAvailable => SelectionRule::LatestAvailable,
        }
    }
}

/// One computed line and the factor behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardLine {
    pub id: u32,
    pub facility: String,
    pub activity: String,
    pub scope: u8,
    pub factor_id: String,
    pub dataset: String,
    pub edition: String,
    pub selected_by: SelectionRule,
    pub verified: bool,
    pub co2e_t: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnresolvedRow {
    pub id: u32,
    pub activity: String,
    pub code: DiagnosticCode,
    pub message: String,
}

/// What the market-based Scope 2 figure rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Scope2MarketBasis {
    /// At least part of the electricity is covered by contractual instruments.
    Instruments,
    /// No instrument applies; the electricity is at a residual mix (the grid without the
    /// renewable attributes sold to others).
    ResidualMix,
    /// No instrument and no residual mix for the region and year: the grid average
    /// (market-based equals location-based).
    GridAverage,
}

impl From<scopebook_core::market::MarketBasis> for Scope2MarketBasis {
    fn from(b: scopebook_core::market::MarketBasis) -> Self {
        use scopebook_core::market::MarketBasis as B;
        match b {
            B::Instruments => Scope2MarketBasis::Instruments,
            B::ResidualMix => Scope2MarketBasis::ResidualMix,
            B::GridAverage => Scope2MarketBasis::GridAverage,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Dashboard {
    pub gwp_set: GwpSetId,
    pub complete: bool,
    pub totals: Totals,
    /// The organisation's consolidation approach, applied to every total.
    pub consolidation: Consolidation,
    /// How market-based Scope 2 is made (the library's text; the UI says it in its language).
    pub scope2_market_basis: String,
    /// The bases the facilities' market-based Scope 2 rests on, each once, in the order of the
    /// hierarchy (instruments, residual mix, grid average).
    pub scope2_market_bases: Vec<Scope2MarketBasis>,
    /// Whether market-based Scope 2 is above location-based in all.
    pub market_above_location: bool,
    pub by_facility: Vec<FacilityTotals>,
    pub by_scope3_category: Vec<CategoryTotal>,
    /// The period's records calculated: each one is a line or an unresolved row, and
    /// `dashboard_lines` gives them a page at a time.
    pub records: u32,
    /// How many of the records were calculated.
    pub line_count: u32,
    /// How many could not be calculated.
    pub unresolved_total: u32,
    /// The first [`UNRESOLVED_SHOWN`] of those, in entry order.
    pub unresolved: Vec<UnresolvedRow>,
    /// Warnings about factors used (unverified figures, GWP basis).
    pub notes: Vec<FieldError>,
}

/// How many unresolved rows the dashboard carries at most (`unresolved_total` has the count;
/// every one is also a row of `dashboard_lines`).
pub const UNRESOLVED_SHOWN: usize = 100;

/// A page of the dashboard's lines table: records `offset..` in entry order, each one either
/// calculated (in `lines`) or not (in `unresolved`), as the full calculation has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardLinesPage {
    /// How many records the period has: the rows of the table.
    pub total: u32,
    pub offset: u32,
    pub lines: Vec<DashboardLine>,
    pub unresolved: Vec<UnresolvedRow>,
}

/// A contractual instrument of the period as stored (decision 0043), shown read-only on the
/// dashboard: the INSTR.csv cells, the decimals as their exact text. `scopebook instrument`
/// imports and deletes them; the dashboard's market-based Scope 2 already applies them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardInstrument {
    pub id: u32,
    pub facility: String,
    /// gec, i-rec, go, rec, ppa-physical, ppa-virtual, green-tariff or supplier-rate.
    pub instrument: String,
    /// `heat`, `steam` or `cooling`; `None` for electricity.
    pub energy: Option<String>,
    /// MWh as stored; empty when the row gives GJ (`gj`).
    pub mwh: String,
    /// Heat, steam or cooling in GJ, when the row gives GJ.
    pub gj: Option<String>,
    pub emission_rate_kg_per_mwh: String,
    pub generation_start: String,
    pub generation_end: String,
    pub market: Option<String>,
    pub registry: Option<String>,
    pub serial_from: Option<String>,
    pub serial_to: Option<String>,
    pub retired_on: Option<String>,
    pub beneficiary: Option<String>,
}
