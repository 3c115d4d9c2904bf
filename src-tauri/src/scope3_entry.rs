//! The record form's "Work out the quantity…" panel (decision 0057): the calculator's cells
//! parsed into `scopebook_core::scope3_entry`'s input, worked out there against the app's factor
//! library, and each problem mapped onto a field error. No arithmetic here.

use scopebook_core::library::FactorLibrary;
use scopebook_core::scope3_entry::{
    self, CommuteCells, Entry, FlightCells, FreightCells, ProductUseCells, WasteCells, Worked,
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

/// Work out a record's quantity from a flight leg, a commuting survey, a shipment, a lot of waste
/// or sold products' use.
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
}
