//! Tests of the Scope 3 entry aids against the shipped factor library.
#![allow(clippy::unwrap_used)]

use std::str::FromStr;
use std::sync::OnceLock;

use super::*;
use crate::library::FactorLibrary;

fn lib() -> &'static FactorLibrary {
    static LIB: OnceLock<FactorLibrary> = OnceLock::new();
    LIB.get_or_init(|| FactorLibrary::shipped().0)
}

/// The shipped library's units for an activity, as the app gives them.
fn units_of(activity: &str) -> Vec<Unit> {
    lib().factors().iter().filter(|f| f.activity == activity).map(|f| f.unit).collect()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn flight(km: &str, people: &str, trip: &str, haul: &str, cabin: &str, rf: &str) -> Entry {
    Entry::Flight(FlightCells {
        distance_km: km.into(),
        passengers: people.into(),
        trip: trip.into(),
        haul: haul.into(),
        cabin: cabin.into(),
        radiative_forcing: rf.into(),
    })
}

/// The fields and codes of the errors of `entry`.
fn errors(entry: &Entry) -> Vec<(&'static str, Code)> {
    work_out(entry, &units_of).unwrap_err().into_iter().map(|e| (e.field, e.code)).collect()
}

#[test]
fn a_one_way_long_haul_economy_leg_is_km_times_passengers_in_pkm() {
    let w = work_out(&flight("8000", "1", "one_way", "long_haul", "economy", "without"), &units_of).unwrap();
    assert_eq!(w.activity, "travel.air.long_haul.economy");
    assert_eq!(w.quantity, d("8000"));
    assert_eq!(w.quantity.to_string(), "8000");
    assert_eq!(w.unit.to_string(), "pkm");
    assert_eq!((w.category, w.method), (6, Some(Scope3Method::DistanceBased)));
    assert_eq!(
        w.working,
        "Flight leg: 8000 km × 1 passenger one way = 8000 pkm; long_haul, economy, without radiative forcing → travel.air.long_haul.economy"
    );
}

/// A forgotten doubling of a return trip gives 4,500, not 9,000.
#[test]
fn a_return_trip_counts_both_legs() {
    let w = work_out(&flight("1500", "3", "return", "short_haul", "business", "with"), &units_of).unwrap();
    assert_eq!(w.quantity, d("9000"), "1500 km × 3 passengers × 2 legs");
    assert_eq!(w.activity, "travel.air.short_haul.business.with_rf");
    assert!(w.working.contains("× 2 (return) = 9000 pkm"), "{}", w.working);
    let one_way = work_out(&flight("1500", "3", "one_way", "short_haul", "business", "with"), &units_of).unwrap();
    assert_eq!(one_way.quantity * Decimal::TWO, w.quantity);
}

#[test]
fn the_average_class_names_no_class_and_radiative_forcing_is_its_own_activity() {
    let w = work_out(&flight("420.5", "2", "one_way", "domestic", "average", "with"), &units_of).unwrap();
    assert_eq!(w.activity, "travel.air.domestic.with_rf");
    assert_eq!(w.quantity, d("841"));
    let w = work_out(&flight("9000", "1", "one_way", "international_non_uk", "first", "without"), &units_of).unwrap();
    assert_eq!(w.activity, "travel.air.international_non_uk.first");
}

#[test]
fn a_class_the_haul_has_no_factor_for_is_refused_at_the_class() {
    let e = work_out(&flight("500", "1", "one_way", "domestic", "business", "without"), &units_of).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].field, e[0].code), ("cabin", Code::NoFactor));
    assert!(e[0].message.contains("travel.air.domestic.business"), "{}", e[0].message);
    assert_eq!(errors(&flight("500", "1", "one_way", "short_haul", "first", "without")), [("cabin", Code::NoFactor)]);
}

#[test]
fn every_bad_flight_cell_is_refused_at_its_field_all_at_once() {
    assert_eq!(
        errors(&flight("-8000", "0", "both", "", "coach", "")),
        [
            ("distance_km", Code::NegativeQuantity),
            ("passengers", Code::NonPositiveValue),
            ("trip", Code::InvalidValue),
            ("haul", Code::MissingValue),
            ("cabin", Code::InvalidValue),
            ("radiative_forcing", Code::MissingValue),
        ]
    );
    assert_eq!(
        errors(&flight("8,000", "1.5", "return", "long_haul", "economy", "with")),
        [("distance_km", Code::MalformedNumber), ("passengers", Code::OutOfRange)]
    );
    assert_eq!(
        errors(&flight("abc", "", "return", "long_haul", "economy", "with")),
        [("distance_km", Code::MalformedNumber), ("passengers", Code::MissingValue)]
    );
    let huge = "79228162514264337593543950335";
    assert_eq!(errors(&flight(huge, "3", "return", "long_haul", "economy", "with")), [("distance_km", Code::Overflow)]);
}

fn commute(employees: &str, days: &str, km: &str, share: &str, mode: &str, occupancy: &str) -> Entry {
    Entry::Commute(CommuteCells {
        employees: employees.into(),
        working_days: days.into(),
        one_way_km: km.into(),
        share_percent: share.into(),
        mode: mode.into(),
        occupancy: occupancy.into(),
    })
}

#[test]
fn a_commuting_mode_by_bus_is_person_km_of_the_round_trip() {
    // 120 × 25 % = 30 people × 220 days × 2 × 12 km = 158,400 pkm.
    let w = work_out(&commute("120", "220", "12", "25", "bus_local", ""), &units_of).unwrap();
    assert_eq!((w.activity.as_str(), w.quantity, w.unit.to_string()), ("travel.bus.local", d("158400"), "pkm".into()));
    assert_eq!((w.category, w.method), (7, Some(Scope3Method::DistanceBased)));
    assert_eq!(
        w.working,
        "Commuting survey: 120 employees × 25% by bus_local × 220 days × 2 × 12 km one way = 158400 pkm → travel.bus.local"
    );
}

#[test]
fn a_car_commute_is_vehicle_km_after_the_occupancy() {
    // 200 × 37.5 % = 75 people × 225 days × 2 × 18.4 km = 621,000 pkm; ÷ 1.25 = 496,800 vehicle-km.
    let w = work_out(&commute("200", "225", "18.4", "37.5", "car_petrol", "1.25"), &units_of).unwrap();
    assert_eq!(
        (w.activity.as_str(), w.quantity, w.unit.to_string()),
        ("travel.car.average.petrol", d("496800"), "km".into())
    );
    assert!(w.working.contains("= 621000 pkm ÷ 1.25 people per vehicle = 496800 vehicle-km"), "{}", w.working);
    // A quotient that does not terminate is held and said so.
    let w = work_out(&commute("10", "3", "1", "100", "car_diesel", "3"), &units_of).unwrap();
    assert_eq!(w.quantity, d("20"));
    let w = work_out(&commute("10", "1", "1", "100", "car_diesel", "3"), &units_of).unwrap();
    assert!(w.quantity > d("6.666666") && w.quantity < d("6.666667"));
    assert!(w.working.contains("does not terminate"), "{}", w.working);
}

#[test]
fn bad_commuting_cells_are_refused() {
    assert_eq!(errors(&commute("120", "220", "12", "100.5", "bus_local", "")), [("share_percent", Code::OutOfRange)]);
    assert_eq!(
        errors(&commute("120", "220", "12", "0", "rail_national", "")),
        [("share_percent", Code::NonPositiveValue)]
    );
    assert_eq!(
        errors(&commute("12.5", "-1", "x", "20", "car_bev", "")),
        [
            ("employees", Code::OutOfRange),
            ("working_days", Code::NegativeQuantity),
            ("one_way_km", Code::MalformedNumber),
            ("occupancy", Code::MissingValue),
        ]
    );
    assert_eq!(errors(&commute("1", "1", "1", "1", "coach", "2")), [("occupancy", Code::InvalidValue)]);
    assert_eq!(errors(&commute("1", "1", "1", "1", "bicycle", "")), [("mode", Code::InvalidValue)]);
}

#[test]
fn every_commuting_mode_names_an_activity_of_the_library_in_its_unit() {
    for m in CommuteMode::ALL {
        let unit = if m.per_vehicle() { PhysicalUnit::Kilometre } else { PhysicalUnit::PassengerKilometre };
        assert!(units_of(m.activity()).contains(&Unit::Physical(unit)), "{}", m.activity());
        let occupancy = if m.per_vehicle() { "1" } else { "" };
        assert!(work_out(&commute("1", "1", "1", "50", m.as_str(), occupancy), &units_of).is_ok(), "{}", m.as_str());
    }
}

fn freight(t: &str, km: &str, activity: &str, direction: &str) -> Entry {
    Entry::Freight(FreightCells {
        tonnes: t.into(),
        distance_km: km.into(),
        activity: activity.into(),
        direction: direction.into(),
    })
}

#[test]
fn a_shipment_is_tonnes_times_km_in_its_direction() {
    let w = work_out(&freight("12.5", "640", "freight.rail", "upstream"), &units_of).unwrap();
    assert_eq!(
        (w.activity.as_str(), w.quantity, w.unit.to_string(), w.category),
        ("freight.rail", d("8000"), "tkm".into(), 4)
    );
    assert_eq!(w.working, "Shipment: 12.5 t × 640 km = 8000 tkm, upstream (category 4) → freight.rail");
    let w = work_out(&freight("2", "3", "freight.rail", "downstream"), &units_of).unwrap();
    assert_eq!((w.quantity, w.category), (d("6"), 9));
    assert_eq!(
        errors(&freight("0", "3", "travel.rail.national", "sideways")),
        [("tonnes", Code::NonPositiveValue), ("activity", Code::InvalidValue), ("direction", Code::InvalidValue),]
    );
}

fn waste(material: &str, treatment: &str, t: &str) -> Entry {
    Entry::Waste(WasteCells { material: material.into(), treatment: treatment.into(), tonnes: t.into() })
}

#[test]
fn waste_is_tonnes_of_its_type_and_treatment() {
    let w = work_out(&waste("paper_and_board_mixed", "landfill", "3.20"), &units_of).unwrap();
    assert_eq!(
        (w.activity.as_str(), w.quantity.to_string(), w.unit.to_string()),
        ("waste.paper_and_board_mixed.landfill", "3.2".into(), "t".into())
    );
    assert_eq!((w.category, w.method), (5, Some(Scope3Method::WasteTypeSpecific)));
    let e = work_out(&waste("paper_and_board_mixed", "anaerobic_digestion", "1"), &units_of).unwrap_err();
    assert_eq!((e[0].field, e[0].code), ("treatment", Code::NoFactor));
    assert!(e[0].message.contains("landfill"), "{}", e[0].message);
    assert_eq!(errors(&waste("moon rock", "landfill", "1")), [("material", Code::NoFactor)]);
    assert_eq!(
        errors(&waste("", "burning", "-2")),
        [("material", Code::MissingValue), ("treatment", Code::InvalidValue), ("tonnes", Code::NegativeQuantity),]
    );
}

fn product_use(units: &str, uses: &str, per_use: &str, unit: &str, activity: &str) -> Entry {
    Entry::ProductUse(ProductUseCells {
        units_sold: units.into(),
        lifetime_uses: uses.into(),
        energy_per_use: per_use.into(),
        energy_unit: unit.into(),
        activity: activity.into(),
    })
}

#[test]
fn use_of_sold_products_is_units_times_uses_times_energy() {
    let w = work_out(&product_use("5000", "3650", "0.2", "kWh", "use.electricity"), &units_of).unwrap();
    assert_eq!((w.quantity, w.unit.to_string(), w.category, w.method), (d("3650000"), "kWh".into(), 11, None));
    assert_eq!(
        w.working,
        "Use of sold products: 5000 units × 3650 uses per unit × 0.2 kWh per use = 3650000 kWh → use.electricity"
    );
    let w = work_out(&product_use("40", "500", "0.35", "litres", "petrol"), &units_of).unwrap();
    assert_eq!((w.quantity, w.unit.to_string()), (d("7000"), "L".into()));
    assert_eq!(
        errors(&product_use("-1", "0", "1", "km", "")),
        [
            ("units_sold", Code::NegativeQuantity),
            ("lifetime_uses", Code::NonPositiveValue),
            ("energy_unit", Code::UnitMismatch),
            ("activity", Code::MissingValue),
        ]
    );
    assert_eq!(errors(&product_use("1", "1", "1", "parsecs", "x")), [("energy_unit", Code::UnknownUnit)]);
}

fn investment(basis: &str, outstanding: &str, value: &str, share: &str, score: &str) -> Entry {
    Entry::Investment(InvestmentCells {
        investee: "Example Co".into(),
        investee_emissions_t: "4800".into(),
        basis: basis.into(),
        outstanding: outstanding.into(),
        investee_value: value.into(),
        share_percent: share.into(),
        pcaf_score: score.into(),
    })
}

/// The co2e of one category-15 line with `attribution` through the engine, on a library with the
/// golden cases' pass-through (1000 kg CO2e per t the investee reports).
fn line_t(w: &Worked) -> Decimal {
    let mut lib = FactorLibrary::shipped().0;
    let pass = "id,activity,scope,category,unit,co2e_kg,source,name,region,gwp_basis,verified\n\
                t.investee,investee_scope1_2,3,15,t,1000,test pass-through,Investee,GLOBAL,AR5,true\n";
    assert!(lib.add_user_file("investees.csv", pass.as_bytes()).is_empty());
    let csv = format!(
        "facility,period_start,period_end,activity,quantity,unit,method,attribution,pcaf_score\n\
         HQ,2024-01-01,2024-12-31,{},{},{},{},{},{}\n",
        w.activity,
        w.quantity,
        w.unit,
        w.method.unwrap().as_str(),
        w.attribution.unwrap(),
        w.pcaf_score.unwrap()
    );
    let opts = crate::calc::CalcOptions { gwp_set: crate::gas::GwpSet::AR5, keep_lines: true };
    let run = crate::run::Run::calculate(&lib, "a.csv", csv.as_bytes(), opts);
    assert_eq!(run.inventory.lines.len(), 1, "{:?}", run.diagnostics);
    run.inventory.lines[0].emission.co2e_kg.normalize() / Decimal::ONE_THOUSAND
}

/// Golden case 17's row 5: 25 % equity in Example Co, whose Scope 1+2 is 4,800 t → 1,200 t.
#[test]
fn an_equity_share_is_the_attribution_of_the_investees_scope_1_2() {
    let w = work_out(&investment("equity_share", "", "", "25", "2"), &units_of).unwrap();
    assert_eq!((w.activity.as_str(), w.quantity, w.unit.to_string()), ("investee_scope1_2", d("4800"), "t".into()));
    assert_eq!((w.category, w.method), (15, Some(Scope3Method::InvestmentSpecific)));
    assert_eq!((w.attribution, w.pcaf_score), (Some(d("0.25")), Some(2)));
    assert_eq!(
        w.working,
        "Investment: equity share 25% = 0.25 of Example Co's 4800 t Scope 1+2; PCAF score 2 (equity share) → investee_scope1_2"
    );
    assert_eq!(line_t(&w), d("1200"), "4,800 t × 0.25");
}

/// PCAF's listed equity: outstanding ÷ EVIC, exact when the division terminates.
#[test]
fn listed_equity_is_outstanding_over_evic() {
    let w = work_out(&investment("listed_equity_bonds", "25000000", "100000000", "", "2"), &units_of).unwrap();
    assert_eq!((w.attribution, w.pcaf_score, w.quantity), (Some(d("0.25")), Some(2), d("4800")));
    assert_eq!(
        w.working,
        "Investment: outstanding 25000000 ÷ EVIC 100000000 = 0.25 of Example Co's 4800 t Scope 1+2; PCAF score 2 (listed equity and corporate bonds) → investee_scope1_2"
    );
    assert_eq!(line_t(&w), d("1200"));
    // Loans and project finance name their own denominator; all of it lent is a share of 1.
    let w = work_out(&investment("business_loans_unlisted_equity", "5", "100", "", "4"), &units_of).unwrap();
    assert_eq!(w.attribution, Some(d("0.05")));
    assert!(w.working.contains("outstanding 5 ÷ total equity + debt 100 = 0.05"), "{}", w.working);
    assert!(w.working.ends_with("PCAF score 4 (business loans and unlisted equity) → investee_scope1_2"));
    let w = work_out(&investment("project_finance", "7.5", "7.5", "", "3"), &units_of).unwrap();
    assert_eq!(w.attribution, Some(Decimal::ONE));
    assert!(w.working.contains("÷ the project's total equity + debt 7.5 = 1 of"), "{}", w.working);
}

/// 1 ÷ 3 does not terminate: the share is rust_decimal's quotient, 28 decimal places, and the
/// working says so. The line is 4,800 × 0.333…3 t = 1,599.999…9998 t, held at 9 places of kg
/// by the engine (decision 0002): 1,600 t, where a share rounded to 6 places would give 1,599.9984.
#[test]
fn a_share_that_does_not_terminate_is_held_at_28_places_and_said() {
    let w = work_out(&investment("listed_equity_bonds", "1", "3", "", "5"), &units_of).unwrap();
    let a = w.attribution.unwrap();
    assert_eq!(a.to_string(), "0.3333333333333333333333333333");
    assert_eq!(a.scale(), 28);
    assert!(
        w.working.contains("outstanding 1 ÷ EVIC 3 = 0.3333333333333333333333333333 (does not terminate: held at 28 decimal places) of"),
        "{}",
        w.working
    );
    assert_eq!(line_t(&w), d("1600"));
    // 2 ÷ 3 rounds its last place half away from zero, as rust_decimal does.
    let w = work_out(&investment("listed_equity_bonds", "2", "3", "", "5"), &units_of).unwrap();
    assert_eq!(w.attribution.unwrap().to_string(), "0.6666666666666666666666666667");
    // A terminating share says nothing of the kind.
    let w = work_out(&investment("listed_equity_bonds", "1", "8", "", "5"), &units_of).unwrap();
    assert_eq!(w.attribution, Some(d("0.125")));
    assert!(!w.working.contains("does not terminate"), "{}", w.working);
}

#[test]
fn bad_investment_cells_are_refused_at_their_fields() {
    // Outstanding above EVIC: a share over 1.
    assert_eq!(errors(&investment("listed_equity_bonds", "120", "100", "", "2")), [("outstanding", Code::OutOfRange)]);
    assert_eq!(
        errors(&investment("listed_equity_bonds", "0", "-100", "", "2")),
        [("outstanding", Code::NonPositiveValue), ("investee_value", Code::NegativeQuantity)]
    );
    assert_eq!(errors(&investment("equity_share", "", "", "100.5", "2")), [("share_percent", Code::OutOfRange)]);
    assert_eq!(errors(&investment("equity_share", "", "", "0", "2")), [("share_percent", Code::NonPositiveValue)]);
    assert!(work_out(&investment("equity_share", "", "", "100", "2"), &units_of).is_ok());
    // The score is chosen, never assumed; 1–5 only.
    assert_eq!(errors(&investment("equity_share", "", "", "25", "")), [("pcaf_score", Code::MissingValue)]);
    assert_eq!(errors(&investment("equity_share", "", "", "25", "6")), [("pcaf_score", Code::OutOfRange)]);
    // A cell of the other basis is refused, not dropped; an unknown or unchosen basis.
    assert_eq!(
        errors(&investment("equity_share", "25", "100", "25", "2")),
        [("outstanding", Code::InvalidValue), ("investee_value", Code::InvalidValue)]
    );
    assert_eq!(
        errors(&investment("listed_equity_bonds", "25", "100", "25", "2")),
        [("share_percent", Code::InvalidValue)]
    );
    assert_eq!(errors(&investment("mortgages", "", "", "", "2")), [("basis", Code::InvalidValue)]);
    // Every problem at once: no investee, no emissions, no basis, no score.
    let e = work_out(&Entry::Investment(InvestmentCells::default()), &units_of).unwrap_err();
    let fields: Vec<_> = e.iter().map(|x| (x.field, x.code)).collect();
    assert_eq!(
        fields,
        [
            ("investee", Code::MissingValue),
            ("investee_emissions_t", Code::MissingValue),
            ("basis", Code::MissingValue),
            ("pcaf_score", Code::MissingValue)
        ]
    );
    let mut c = InvestmentCells { investee_emissions_t: "4,800".into(), ..Default::default() };
    c.investee = "X".into();
    let e = work_out(&Entry::Investment(c), &units_of).unwrap_err();
    assert_eq!((e[0].field, e[0].code), ("investee_emissions_t", Code::MalformedNumber));
}
