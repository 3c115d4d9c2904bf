//! The record form's "Work out the quantity…" panel (decision 0057): the calculator's cells
//! parsed into `scopebook_core::scope3_entry`'s input, worked out there against the app's factor
//! library, and each problem mapped onto a field error. No arithmetic here.

use scopebook_core::library::FactorLibrary;
use scopebook_core::scope3_entry::{
    self, CommuteCells, Entry, FlightCells, FreightCells, InvestmentCells, ProductUseCells, WasteCells, Worked,
};
use scopebook_core::unit::Unit;

use crate::api::*;
use crate::commands::{internal, AppState};

fn entry_of(q: QuantityEntry) -> Entry {
    match q {
        QuantityEntry::Flight { distance_km, passengers, trip, haul, cabin, radiative_forcing } => {
            Entry::Flight(FlightCells { distance_km, passengers, trip, haul, cabin, radiative_forcing })
        }
        QuantityEntry::Commute { employees, working_days, one_way_km, share_percent, mode, occupancy } => {
            Entry::Commute(CommuteCells { employees, working_days, one_way_km, share_percent, mode, occupancy })
        }
        QuantityEntry::Freight { tonnes, distance_km, activity, direction } => {
            Entry::Freight(FreightCells { tonnes, distance_km, activity, direction })
        }
        QuantityEntry::Waste { material, treatment, tonnes } => {
            Entry::Waste(WasteCells { material, treatment, tonnes })
        }
        QuantityEntry::ProductUse { units_sold, lifetime_uses, energy_per_use, energy_unit, activity } => {
            Entry::ProductUse(ProductUseCells { units_sold, lifetime_uses, energy_per_use, energy_unit, activity })
        }
        QuantityEntry::Investment {
            investee,
            investee_emissions_t,
            basis,
            outstanding,
            investee_value,
            share_percent,
            pcaf_score,
        } => Entry::Investment(InvestmentCells {
            investee,
            investee_emissions_t,
            basis,
            outstanding,
            investee_value,
            share_percent,
            pcaf_score,
        }),
    }
}

fn view(w: Worked) -> WorkedQuantity {
    WorkedQuantity {
        activity: w.activity,
        quantity: w.quantity.to_string(),
        unit: w.unit.to_string(),
        scope3_category: w.category.to_string(),
        method: w.method.map(|m| m.as_str().to_string()).unwrap_or_default(),
        working: w.working,
        attribution: w.attribution.map(|a| a.to_string()).unwrap_or_default(),
        pcaf_score: w.pcaf_score.map(|n| n.to_string()).unwrap_or_default(),
    }
}

/// `entry` worked out against `lib`; its problems as a validation error, each at its field.
pub(crate) fn work_out_of(lib: &FactorLibrary, entry: QuantityEntry) -> Result<WorkedQuantity, AppError> {
    let units_of = |activity: &str| -> Vec<Unit> {
        lib.factors().iter().filter(|f| f.activity == activity).map(|f| f.unit).collect()
    };
    scope3_entry::work_out(&entry_of(entry), &units_of).map(view).map_err(|errors| AppError {
        code: ErrorCode::Validation,
        message: "the quantity cannot be worked out".into(),
        details: errors.into_iter().map(|e| FieldError::error(e.field, e.code, e.message)).collect(),
    })
}

/// Work out a record's quantity from a flight leg, a commuting survey, a shipment, a lot of waste,
/// sold products' use or a holding in an investee (with its attribution and PCAF score).
#[tauri::command]
pub fn work_out_quantity(state: tauri::State<'_, AppState>, entry: QuantityEntry) -> Result<WorkedQuantity, AppError> {
    let lib = state.library.read().map_err(|_| internal("the factor library"))?;
    work_out_of(&lib, entry)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn lib() -> FactorLibrary {
        FactorLibrary::shipped().0
    }

    fn leg(trip: &str, passengers: &str) -> QuantityEntry {
        QuantityEntry::Flight {
            distance_km: "8000".into(),
            passengers: passengers.into(),
            trip: trip.into(),
            haul: "long_haul".into(),
            cabin: "economy".into(),
            radiative_forcing: "without".into(),
        }
    }

    #[test]
    fn a_flight_leg_crosses_as_the_record_cells_it_fills() {
        let w = work_out_of(&lib(), leg("one_way", "1")).unwrap();
        assert_eq!(
            (w.activity.as_str(), w.quantity.as_str(), w.unit.as_str(), w.scope3_category.as_str(), w.method.as_str()),
            ("travel.air.long_haul.economy", "8000", "pkm", "6", "distance-based")
        );
        assert!(w.working.starts_with("Flight leg: 8000 km × 1 passenger one way = 8000 pkm"), "{}", w.working);
        assert_eq!(work_out_of(&lib(), leg("return", "2")).unwrap().quantity, "32000");
        // The wire form: tagged by `calculator`, every cell text.
        let json = serde_json::json!({"calculator": "flight", "distance_km": "8000", "passengers": "1", "trip": "one_way",
            "haul": "long_haul", "cabin": "economy", "radiative_forcing": "without"});
        assert_eq!(serde_json::from_value::<QuantityEntry>(json).unwrap(), leg("one_way", "1"));
    }

    #[test]
    fn bad_cells_come_back_as_a_validation_error_at_their_fields() {
        let e = work_out_of(&lib(), leg("return", "0")).unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
        let fields: Vec<(&str, &str)> = e.details.iter().map(|d| (d.field.as_str(), d.code.0.as_str())).collect();
        assert_eq!(fields, [("passengers", "non-positive-value")]);
        let e = work_out_of(
            &lib(),
            QuantityEntry::ProductUse {
                units_sold: "10".into(),
                lifetime_uses: "-1".into(),
                energy_per_use: "1".into(),
                energy_unit: "kWh".into(),
                activity: "".into(),
            },
        )
        .unwrap_err();
        let fields: Vec<&str> = e.details.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["lifetime_uses", "activity"]);
    }

    fn holding(outstanding: &str, value: &str, score: &str) -> QuantityEntry {
        QuantityEntry::Investment {
            investee: "Example Co".into(),
            investee_emissions_t: "4800".into(),
            basis: "listed_equity_bonds".into(),
            outstanding: outstanding.into(),
            investee_value: value.into(),
            share_percent: "".into(),
            pcaf_score: score.into(),
        }
    }

    #[test]
    fn an_investment_crosses_with_its_attribution_and_pcaf_score() {
        let w = work_out_of(&lib(), holding("25000000", "100000000", "2")).unwrap();
        assert_eq!(
            (w.activity.as_str(), w.quantity.as_str(), w.unit.as_str(), w.scope3_category.as_str(), w.method.as_str()),
            ("investee_scope1_2", "4800", "t", "15", "investment-specific")
        );
        assert_eq!((w.attribution.as_str(), w.pcaf_score.as_str()), ("0.25", "2"));
        assert_eq!(
            w.working,
            "Investment: outstanding 25000000 ÷ EVIC 100000000 = 0.25 of Example Co's 4800 t Scope 1+2; PCAF score 2 (listed equity and corporate bonds) → investee_scope1_2"
        );
        // The other calculators fill neither.
        let leg = work_out_of(&lib(), leg("one_way", "1")).unwrap();
        assert_eq!((leg.attribution.as_str(), leg.pcaf_score.as_str()), ("", ""));
        let json = serde_json::json!({"calculator": "investment", "investee": "Example Co", "investee_emissions_t": "4800",
            "basis": "listed_equity_bonds", "outstanding": "25000000", "investee_value": "100000000", "share_percent": "",
            "pcaf_score": "2"});
        assert_eq!(serde_json::from_value::<QuantityEntry>(json).unwrap(), holding("25000000", "100000000", "2"));
        let e = work_out_of(&lib(), holding("120", "100", "")).unwrap_err();
        let fields: Vec<(&str, &str)> = e.details.iter().map(|d| (d.field.as_str(), d.code.0.as_str())).collect();
        assert_eq!(fields, [("outstanding", "out-of-range"), ("pcaf_score", "missing-value")]);
    }
}
