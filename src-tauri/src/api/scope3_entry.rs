//! The record form's "Work out the quantity…" panel (decision 0057): a calculator's cells as
//! typed, and the record cells it fills. Numbers and choices cross as text, as the record's own
//! cells do (decision 0051): `scopebook_core::scope3_entry` reads them and says what is wrong at
//! which field.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One calculator's cells, tagged by `calculator`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "calculator", rename_all = "snake_case")]
pub enum QuantityEntry {
    /// A flight leg: `trip` one_way | return; `haul` domestic | short_haul | long_haul |
    /// international_non_uk; `cabin` average | economy | premium_economy | business | first;
    /// `radiative_forcing` with | without (always chosen).
    Flight {
        distance_km: String,
        passengers: String,
        trip: String,
        haul: String,
        cabin: String,
        radiative_forcing: String,
    },
    /// A commuting survey's totals for one mode; `occupancy` (people per vehicle) for car and
    /// motorbike modes only.
    Commute {
        employees: String,
        working_days: String,
        one_way_km: String,
        share_percent: String,
        mode: String,
        occupancy: String,
    },
    /// A shipment; `direction` upstream (category 4) | downstream (category 9).
    Freight { tonnes: String, distance_km: String, activity: String, direction: String },
    /// Waste by type (`material`, as in `waste.TYPE.TREATMENT`) and treatment.
    Waste { material: String, treatment: String, tonnes: String },
    /// Sold products' lifetime use of energy (or fuel).
    ProductUse {
        units_sold: String,
        lifetime_uses: String,
        energy_per_use: String,
        energy_unit: String,
        activity: String,
    },
    /// A holding (category 15): the investee's Scope 1+2 (t CO2e) and the reporter's share of it.
    /// `basis` listed_equity_bonds (outstanding ÷ EVIC) | business_loans_unlisted_equity |
    /// project_finance (outstanding ÷ total equity + debt) | equity_share (`share_percent`); the
    /// amounts in one currency (only their ratio is used); `pcaf_score` 1–5 (always chosen).
    Investment {
        investee: String,
        investee_emissions_t: String,
        basis: String,
        outstanding: String,
        investee_value: String,
        share_percent: String,
        pcaf_score: String,
    },
}

/// The record cells a calculator fills (each as the record form holds it; `method` "" for none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkedQuantity {
    pub activity: String,
    /// Exact decimal text.
    pub quantity: String,
    pub unit: String,
    pub scope3_category: String,
    pub method: String,
    /// One line for the record's note: how the quantity was obtained.
    pub working: String,
    /// Category 15: the share of the investee (exact decimal text, or held at 28 decimal places as
    /// the working says); "" for the other calculators.
    pub attribution: String,
    /// Category 15: PCAF's score 1–5; "" for the other calculators.
    pub pcaf_score: String,
}
