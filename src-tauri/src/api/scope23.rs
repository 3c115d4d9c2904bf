//! The Scope 2 and Scope 3 screens' wire types (issue 14, decision 0046): the figures of
//! `scopebook calc --db FILE --period YEAR --format json` (`totals`, `by_facility`,
//! `instruments`, `scope3_categories`, `iso14064_categories`), decimals as their exact text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Scope2MarketBasis;

/// A Quality Criteria grade (Scope 2 Guidance, Table 7.1, as decision 0026 reads them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum InstrumentGrade {
    Pass,
    Warn,
    Fail,
}

impl From<scopebook_core::market::Grade> for InstrumentGrade {
    fn from(g: scopebook_core::market::Grade) -> Self {
        use scopebook_core::market::Grade;
        match g {
            Grade::Pass => InstrumentGrade::Pass,
            Grade::Warn => InstrumentGrade::Warn,
            Grade::Fail => InstrumentGrade::Fail,
        }
    }
}

/// A kind of contractual instrument (`scopebook_core::market::InstrumentKind`, by its INSTR.csv name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum InstrumentKindId {
    Gec,
    IRec,
    Go,
    Rec,
    PpaPhysical,
    PpaVirtual,
    GreenTariff,
    SupplierRate,
}

impl From<scopebook_core::market::InstrumentKind> for InstrumentKindId {
    fn from(k: scopebook_core::market::InstrumentKind) -> Self {
        use scopebook_core::market::InstrumentKind as K;
        match k {
            K::Gec => InstrumentKindId::Gec,
            K::IRec => InstrumentKindId::IRec,
            K::Go => InstrumentKindId::Go,
            K::Rec => InstrumentKindId::Rec,
            K::PpaPhysical => InstrumentKindId::PpaPhysical,
            K::PpaVirtual => InstrumentKindId::PpaVirtual,
            K::GreenTariff => InstrumentKindId::GreenTariff,
            K::SupplierRate => InstrumentKindId::SupplierRate,
        }
    }
}

/// What an instrument is for (`scopebook_core::classify::Scope2Category`): electricity, or heat,
/// steam or cooling bought at a supplier's rate (decision 0058).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Scope2Energy {
    Electricity,
    Heat,
    Steam,
    Cooling,
}

impl From<scopebook_core::classify::Scope2Category> for Scope2Energy {
    fn from(c: scopebook_core::classify::Scope2Category) -> Self {
        use scopebook_core::classify::Scope2Category as C;
        match c {
            C::Electricity => Scope2Energy::Electricity,
            C::Heat => Scope2Energy::Heat,
            C::Steam => Scope2Energy::Steam,
            C::Cooling => Scope2Energy::Cooling,
        }
    }
}

/// What covers a share of the consumption: an instrument kind, the residual mix or the grid average.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CoverageBy {
    Gec,
    IRec,
    Go,
    Rec,
    PpaPhysical,
    PpaVirtual,
    GreenTariff,
    SupplierRate,
    ResidualMix,
    GridAverage,
}

impl From<InstrumentKindId> for CoverageBy {
    fn from(k: InstrumentKindId) -> Self {
        match k {
            InstrumentKindId::Gec => CoverageBy::Gec,
            InstrumentKindId::IRec => CoverageBy::IRec,
            InstrumentKindId::Go => CoverageBy::Go,
            InstrumentKindId::Rec => CoverageBy::Rec,
            InstrumentKindId::PpaPhysical => CoverageBy::PpaPhysical,
            InstrumentKindId::PpaVirtual => CoverageBy::PpaVirtual,
            InstrumentKindId::GreenTariff => CoverageBy::GreenTariff,
            InstrumentKindId::SupplierRate => CoverageBy::SupplierRate,
        }
    }
}

/// An instrument's grade on each criterion, as `instruments[].quality` gives them. The UI says
/// why (the criterion and grade name the rule: decision 0026).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InstrumentQuality {
    /// Generated in the reporting period (pass), within 12 months of it (warn), or not (fail).
    pub vintage: InstrumentGrade,
    /// Generated in the consumption's country (pass), market unknown (warn), another (fail).
    pub market: InstrumentGrade,
    /// A certificate retired with a beneficiary (pass), without one (warn), not retired (fail).
    pub retired: InstrumentGrade,
    /// A China GEC within two years of its production month (pass), after (fail).
    pub validity: InstrumentGrade,
    /// No serial used twice and no more MWh than consumed (pass), else fail.
    pub unique: InstrumentGrade,
}

/// One instrument as the calculation applied it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Scope2Instrument {
    /// The stored row's id (`scopebook instrument delete`).
    pub id: u32,
    pub facility: String,
    pub instrument: InstrumentKindId,
    /// Electricity, or heat, steam or cooling (a supplier's rate).
    pub energy: Scope2Energy,
    /// MWh as the row gives them; empty when it gives GJ (`gj`).
    pub mwh: String,
    /// Heat, steam or cooling in GJ, when the row gives GJ.
    pub gj: Option<String>,
    /// MWh applied (for heat, steam or cooling: `applied_gj` ÷ 3.6).
    pub applied_mwh: String,
    /// GJ applied, for heat, steam or cooling.
    pub applied_gj: Option<String>,
    pub emission_rate_kg_per_mwh: String,
    pub generation_start: String,
    pub generation_end: String,
    pub market: Option<String>,
    pub serial_from: Option<String>,
    pub serial_to: Option<String>,
    pub retired_on: Option<String>,
    pub beneficiary: Option<String>,
    /// When the contract was signed (`YYYY-MM-DD`).
    pub contract_date: Option<String>,
    /// Whether the same attribute was also claimed as a CCER: `true` fails `unique` (a double
    /// claim), and the instrument is not applied.
    pub ccer_claimed: Option<bool>,
    pub quality: InstrumentQuality,
    /// `false`: a failing grade; listed apart, not applied.
    pub applied: bool,
}

/// A facility's electricity and its market-based basis (its own figures, before the share).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Scope2Facility {
    pub facility: String,
    pub consumption_mwh: String,
    /// MWh covered by instruments, by kind, in the kinds' order.
    pub covered_mwh: Vec<KindMwh>,
    pub residual_mix_mwh: String,
    /// The residual-mix factors its uncovered MWh were at (none when nothing was at a residual mix).
    pub residual_mix_factors: Vec<String>,
    /// At the grid average: the location-based factor of its lines.
    pub grid_average_mwh: String,
    pub basis: Scope2MarketBasis,
    /// `by_facility[].own`, t CO2e.
    pub scope2_location: String,
    pub scope2_market: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KindMwh {
    pub kind: InstrumentKindId,
    pub mwh: String,
}

/// A share of the period's electricity: what covers it, its MWh, and its percent of the
/// consumption (rounded to two places, half away from zero).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CoverageShare {
    pub by: CoverageBy,
    pub mwh: String,
    pub percent: String,
}

/// The Scope 2 screen: both totals (after the organisation's shares), each facility's basis,
/// the instruments with their grades (applied, and failing apart), and the coverage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Scope2View {
    pub scope2_location: String,
    pub scope2_market: String,
    pub consumption_mwh: String,
    pub facilities: Vec<Scope2Facility>,
    pub instruments: Vec<Scope2Instrument>,
    pub failing: Vec<Scope2Instrument>,
    pub coverage: Vec<CoverageShare>,
    /// Heat, steam and cooling bought: the share at a supplier's rate and the rest at the
    /// lines' location-based factor (decision 0058); empty when none was bought.
    pub heat_coverage: Vec<HeatShare>,
    /// Whether the period is locked (nothing can be imported or deleted).
    pub locked: bool,
}

/// What covers a share of the heat, steam or cooling bought.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum HeatCoverageBy {
    SupplierRate,
    LocationBased,
}

/// A share of the period's heat, steam or cooling: what covers it, its GJ, and its percent of
/// that energy's consumption (two places, half away from zero).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HeatShare {
    pub energy: Scope2Energy,
    pub by: HeatCoverageBy,
    pub gj: String,
    pub percent: String,
}

/// A category's status (`scope3_categories[].status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Scope3Status {
    Relevant,
    Excluded,
    NotApplicable,
    NotAssessed,
}

impl From<scopebook_core::scope3::CategoryStatus> for Scope3Status {
    fn from(s: scopebook_core::scope3::CategoryStatus) -> Self {
        use scopebook_core::scope3::CategoryStatus as S;
        match s {
            S::Relevant => Scope3Status::Relevant,
            S::Excluded => Scope3Status::Excluded,
            S::NotApplicable => Scope3Status::NotApplicable,
            S::NotAssessed => Scope3Status::NotAssessed,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MethodShare {
    /// A calculation method (`spend-based`, `supplier-specific`, …) or `unstated`.
    pub method: String,
    pub co2e_t: String,
}

/// A category's emissions-weighted data quality (1 best … 5 worst).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DataQualityView {
    /// Per indicator (technology, time, geography, completeness, reliability).
    pub indicators: Vec<MethodShare>,
    pub overall: String,
    /// The t CO2e the scores cover (the rest of the category gives none).
    pub scored_co2e_t: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Scope3CategoryView {
    pub category: u8,
    pub status: Scope3Status,
    pub reason: Option<String>,
    pub co2e_t: String,
    pub lines: u32,
    pub method_mix: Vec<MethodShare>,
    pub data_quality: Option<DataQualityView>,
    /// Category 15's PCAF data-quality score, when a line gives one (decision 0050).
    pub pcaf: Option<PcafView>,
    /// The category's estimated t CO2e from its status (decision 0054), when given.
    pub estimate_t: Option<String>,
}

/// A category's PCAF scores (1 audited … 5 estimated), weighted by financed emissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PcafView {
    pub score: String,
    /// The t CO2e the scores cover.
    pub scored_co2e_t: String,
    /// t CO2e per score that occurs (`method` holds the score, "1" to "5").
    pub by_score: Vec<MethodShare>,
}

/// An ISO 14064-1 category (1–6) and the GHG Protocol sources in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IsoCategoryView {
    pub category: u8,
    pub co2e_t: String,
    pub sources: Vec<IsoSourceView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IsoSourceView {
    pub scope: u8,
    pub category: String,
    pub co2e_t: String,
}

/// The Scope 3 screen: all 15 categories, and the ISO 14064-1 view beside.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Scope3View {
    pub scope3: String,
    pub categories: Vec<Scope3CategoryView>,
    pub iso14064: Vec<IsoCategoryView>,
    /// How much of Scope 3 the lines report against the estimates of the categories without
    /// lines; only when a category gives an estimate (decision 0054).
    pub coverage: Option<CoverageView>,
    pub locked: bool,
}

/// The report's `scope3_coverage`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CoverageView {
    /// t CO2e of every category's lines.
    pub reported_t: String,
    /// The estimates of the categories with no lines, t CO2e.
    pub estimated_t: String,
    /// reported ÷ (reported + estimated) × 100, two places; absent when both are zero.
    pub percent: Option<String>,
    /// The categories whose estimate is counted.
    pub categories: Vec<u8>,
}

/// Instruments imported from a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InstrumentsImported {
    pub file: String,
    pub rows: u32,
}

/// An instrument of a locked period restated from a one-row file (decision 0058): the original
/// is kept, superseded; `id` is its restatement's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InstrumentRestated {
    pub file: String,
    pub restated: u32,
    pub id: u32,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use scopebook_core::market::InstrumentKind;

    #[test]
    fn instrument_kinds_cross_as_their_instr_csv_names() {
        for k in InstrumentKind::ALL {
            assert_eq!(serde_json::to_value(InstrumentKindId::from(k)).unwrap(), k.as_str());
            assert_eq!(serde_json::to_value(CoverageBy::from(InstrumentKindId::from(k))).unwrap(), k.as_str());
        }
        assert_eq!(serde_json::to_value(CoverageBy::ResidualMix).unwrap(), "residual-mix");
        assert_eq!(serde_json::to_value(CoverageBy::GridAverage).unwrap(), "grid-average");
    }
}
