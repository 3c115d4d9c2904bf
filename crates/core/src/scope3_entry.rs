//! Scope 3 entry aids (issue 14, decision 0057): the quantity of a record worked out from the
//! data people have — a flight leg, a commuting survey's totals, a shipment, a lot of waste by
//! type and treatment, the lifetime use of sold products, a holding's share of its investee
//! (category 15, PCAF's outstanding ÷ EVIC or an equity share, with PCAF's score) — with the
//! record's activity name, unit, category and method, and a one-line working that goes into the record's note so an
//! auditor sees how the quantity was obtained.
//!
//! Each calculator reads the cells as typed (numbers as plain decimal text, choices by name),
//! collects every problem as an [`EntryError`] at its field, and multiplies exactly
//! (`rust_decimal`, `checked_*`). The only divisions are a car's occupancy and outstanding ÷ the
//! investee's value; a quotient that does not terminate is held at rust_decimal's precision (28
//! significant digits; 28 decimal places for a share below 1) and the working says so.
//!
//! **Architecture invariant:** no IO and no factor library: the activity names a calculator
//! composes are checked through the `units_of` function the caller gives (the units of the
//! library's factors for an activity), so a name the library does not have is an error here,
//! never a record that finds no factor later.

use rust_decimal::Decimal;

use crate::diagnostic::Code;
use crate::number::parse_decimal;
use crate::scope3::Scope3Method;
use crate::unit::{exactly_equal_products, Dimension, PhysicalUnit, Unit};

/// The cells of one calculator, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlightCells {
    /// The leg's distance, km (one way).
    pub distance_km: String,
    /// Travellers on the leg (a whole number, at least 1).
    pub passengers: String,
    /// `one_way` or `return`.
    pub trip: String,
    /// `domestic`, `short_haul`, `long_haul` or `international_non_uk` (DESNZ's hauls).
    pub haul: String,
    /// `average`, `economy`, `premium_economy`, `business` or `first`.
    pub cabin: String,
    /// `with` or `without`: always chosen, never assumed.
    pub radiative_forcing: String,
}

/// A commuting survey's totals for one mode.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommuteCells {
    pub employees: String,
    /// Working days per employee in the period.
    pub working_days: String,
    /// The average one-way distance of those using the mode, km.
    pub one_way_km: String,
    /// The share of employees using the mode, per cent (above 0, at most 100).
    pub share_percent: String,
    /// One of [`CommuteMode::ALL`]'s names.
    pub mode: String,
    /// People per vehicle: asked for car and motorbike modes only (their factors are per vehicle-km).
    pub occupancy: String,
}

/// One shipment: mass × distance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FreightCells {
    pub tonnes: String,
    pub distance_km: String,
    /// The freight activity (a `freight.` key the library gives per tkm).
    pub activity: String,
    /// `upstream` (category 4) or `downstream` (category 9).
    pub direction: String,
}

/// A lot of waste by type and treatment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WasteCells {
    /// The waste type, as in the library's `waste.TYPE.TREATMENT` keys (e.g. `paper_and_board_mixed`).
    pub material: String,
    /// One of [`Treatment::ALL`]'s names.
    pub treatment: String,
    pub tonnes: String,
}

/// Sold products' lifetime use: units × uses per unit × energy (or fuel) per use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductUseCells {
    pub units_sold: String,
    /// Uses over a unit's lifetime (e.g. 10 years × 365 uses a year = 3650).
    pub lifetime_uses: String,
    pub energy_per_use: String,
    /// The unit of `energy_per_use` (an energy, a volume or a mass: kWh, L, kg, Nm3, …).
    pub energy_unit: String,
    /// The activity whose (Scope 3) factor gives the use-phase emissions of that energy.
    pub activity: String,
}

/// A holding (category 15): the investee's Scope 1+2 and the reporter's share of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvestmentCells {
    /// The investee's name, for the working.
    pub investee: String,
    /// The investee's Scope 1+2 emissions as it reports them, t CO2e.
    pub investee_emissions_t: String,
    /// One of [`InvestmentBasis::ALL`]'s names.
    pub basis: String,
    /// The amount outstanding (PCAF's bases): any currency, the value's; only the ratio is used.
    pub outstanding: String,
    /// EVIC (listed equity and corporate bonds) or total equity + debt (business loans and
    /// unlisted equity; the project's for project finance), in the outstanding's currency.
    pub investee_value: String,
    /// The equity share, per cent (the equity-share basis only).
    pub share_percent: String,
    /// PCAF's data-quality score, 1–5: always chosen, never assumed.
    pub pcaf_score: String,
}

/// How the reporter's share of an investee is attributed: PCAF's asset classes (outstanding ÷
/// the investee's value) or the GHG Protocol's equity share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvestmentBasis {
    ListedEquityBonds,
    BusinessLoansUnlistedEquity,
    ProjectFinance,
    EquityShare,
}

impl InvestmentBasis {
    pub const ALL: [InvestmentBasis; 4] = [
        InvestmentBasis::ListedEquityBonds,
        InvestmentBasis::BusinessLoansUnlistedEquity,
        InvestmentBasis::ProjectFinance,
        InvestmentBasis::EquityShare,
    ];
    /// (name, words in the working, the denominator's name; `None`: the equity share)
    fn row(self) -> (&'static str, &'static str, Option<&'static str>) {
        match self {
            InvestmentBasis::ListedEquityBonds => {
                ("listed_equity_bonds", "listed equity and corporate bonds", Some("EVIC"))
            }
            InvestmentBasis::BusinessLoansUnlistedEquity => {
                ("business_loans_unlisted_equity", "business loans and unlisted equity", Some("total equity + debt"))
            }
            InvestmentBasis::ProjectFinance => {
                ("project_finance", "project finance", Some("the project's total equity + debt"))
            }
            InvestmentBasis::EquityShare => ("equity_share", "equity share", None),
        }
    }
    pub fn as_str(self) -> &'static str {
        self.row().0
    }
}

/// The activity of a category-15 line: the investee's reported Scope 1+2, in t (golden cases 17
/// and 21; its factor is the user's pass-through, none ships).
pub const INVESTEE_ACTIVITY: &str = "investee_scope1_2";

/// What a user asks to be worked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Flight(FlightCells),
    Commute(CommuteCells),
    Freight(FreightCells),
    Waste(WasteCells),
    ProductUse(ProductUseCells),
    Investment(InvestmentCells),
}

/// A worked-out quantity: the record's cells it fills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Worked {
    pub activity: String,
    /// Exact; trailing zeros removed.
    pub quantity: Decimal,
    pub unit: Unit,
    /// The Scope 3 category (1–15) the record states: the factor's own may be another
    /// (DESNZ's car and bus factors are business travel, 6; a commute is 7).
    pub category: u8,
    /// `None` where none of the GHG Protocol's methods names the calculation (use of sold products).
    pub method: Option<Scope3Method>,
    /// One line: the inputs, the arithmetic and the activity, for the record's note.
    pub working: String,
    /// Category 15: the reporter's share of the investee (0–1), exact or held at 28 decimal places.
    pub attribution: Option<Decimal>,
    /// Category 15: PCAF's data-quality score 1–5.
    pub pcaf_score: Option<u8>,
}

/// One problem at one input field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryError {
    /// The field of the calculator's cells (`distance_km`, `passengers`, …).
    pub field: &'static str,
    pub code: Code,
    pub message: String,
}

fn err(field: &'static str, code: Code, message: impl Into<String>) -> EntryError {
    EntryError { field, code, message: message.into() }
}

/// DESNZ's flight hauls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Haul {
    Domestic,
    ShortHaul,
    LongHaul,
    InternationalNonUk,
}

impl Haul {
    pub const ALL: [Haul; 4] = [Haul::Domestic, Haul::ShortHaul, Haul::LongHaul, Haul::InternationalNonUk];
    pub fn as_str(self) -> &'static str {
        match self {
            Haul::Domestic => "domestic",
            Haul::ShortHaul => "short_haul",
            Haul::LongHaul => "long_haul",
            Haul::InternationalNonUk => "international_non_uk",
        }
    }
}

/// A cabin class; `Average` names no class (the average passenger's factor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cabin {
    Average,
    Economy,
    PremiumEconomy,
    Business,
    First,
}

impl Cabin {
    pub const ALL: [Cabin; 5] = [Cabin::Average, Cabin::Economy, Cabin::PremiumEconomy, Cabin::Business, Cabin::First];
    pub fn as_str(self) -> &'static str {
        match self {
            Cabin::Average => "average",
            Cabin::Economy => "economy",
            Cabin::PremiumEconomy => "premium_economy",
            Cabin::Business => "business",
            Cabin::First => "first",
        }
    }
}

/// A commuting mode: its activity and the unit its factors are per.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommuteMode {
    CarPetrol,
    CarDiesel,
    CarHybrid,
    CarPluginHybrid,
    CarElectric,
    CarUnknownFuel,
    Motorbike,
    LocalBus,
    Coach,
    NationalRail,
    LightRailTram,
    Underground,
}

impl CommuteMode {
    pub const ALL: [CommuteMode; 12] = [
        CommuteMode::CarPetrol,
        CommuteMode::CarDiesel,
        CommuteMode::CarHybrid,
        CommuteMode::CarPluginHybrid,
        CommuteMode::CarElectric,
        CommuteMode::CarUnknownFuel,
        CommuteMode::Motorbike,
        CommuteMode::LocalBus,
        CommuteMode::Coach,
        CommuteMode::NationalRail,
        CommuteMode::LightRailTram,
        CommuteMode::Underground,
    ];

    /// (name, activity, per vehicle-km?)
    fn row(self) -> (&'static str, &'static str, bool) {
        match self {
            CommuteMode::CarPetrol => ("car_petrol", "travel.car.average.petrol", true),
            CommuteMode::CarDiesel => ("car_diesel", "travel.car.average.diesel", true),
            CommuteMode::CarHybrid => ("car_hybrid", "travel.car.average.hybrid", true),
            CommuteMode::CarPluginHybrid => ("car_phev", "travel.car.average.phev", true),
            CommuteMode::CarElectric => ("car_bev", "travel.car.average.bev", true),
            CommuteMode::CarUnknownFuel => ("car_unknown", "travel.car.average.unknown", true),
            CommuteMode::Motorbike => ("motorbike", "travel.motorbike", true),
            CommuteMode::LocalBus => ("bus_local", "travel.bus.local", false),
            CommuteMode::Coach => ("coach", "travel.bus.coach", false),
            CommuteMode::NationalRail => ("rail_national", "travel.rail.national", false),
            CommuteMode::LightRailTram => ("light_rail_tram", "travel.rail.light_rail_tram", false),
            CommuteMode::Underground => ("underground", "travel.rail.london_underground", false),
        }
    }
    pub fn as_str(self) -> &'static str {
        self.row().0
    }
    pub fn activity(self) -> &'static str {
        self.row().1
    }
    /// Whether its factors are per vehicle-km (so the occupancy is asked for).
    pub fn per_vehicle(self) -> bool {
        self.row().2
    }
}

/// A waste treatment, as DESNZ's waste factors name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Treatment {
    Landfill,
    Combustion,
    Composting,
    AnaerobicDigestion,
    ClosedLoop,
    OpenLoop,
}

impl Treatment {
    pub const ALL: [Treatment; 6] = [
        Treatment::Landfill,
        Treatment::Combustion,
        Treatment::Composting,
        Treatment::AnaerobicDigestion,
        Treatment::ClosedLoop,
        Treatment::OpenLoop,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Landfill => "landfill",
            Treatment::Combustion => "combustion",
            Treatment::Composting => "composting",
            Treatment::AnaerobicDigestion => "anaerobic_digestion",
            Treatment::ClosedLoop => "closed_loop",
            Treatment::OpenLoop => "open_loop",
        }
    }
}

/// The choice named `text` among `all` (exact name, case and surrounding space ignored).
fn choice<T: Copy>(
    errors: &mut Vec<EntryError>,
    field: &'static str,
    text: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Option<T> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        errors.push(err(field, Code::MissingValue, format!("{field} is not chosen")));
        return None;
    }
    let found = all.iter().copied().find(|c| name(*c) == t);
    if found.is_none() {
        let names: Vec<&str> = all.iter().map(|c| name(*c)).collect();
        errors.push(err(field, Code::InvalidValue, format!("'{}' is not one of {}", text.trim(), names.join(", "))));
    }
    found
}

/// A number above zero (`whole`: a whole number too).
fn positive(errors: &mut Vec<EntryError>, field: &'static str, text: &str, whole: bool) -> Option<Decimal> {
    if text.trim().is_empty() {
        errors.push(err(field, Code::MissingValue, format!("{field} is empty")));
        return None;
    }
    let v = match parse_decimal(text) {
        Ok(v) => v,
        Err(why) => {
            errors.push(err(field, Code::MalformedNumber, format!("'{}' is not a number: {why}", text.trim())));
            return None;
        }
    };
    if v.is_sign_negative() && !v.is_zero() {
        errors.push(err(field, Code::NegativeQuantity, format!("{field} is {v}, below zero")));
        None
    } else if v.is_zero() {
        errors.push(err(field, Code::NonPositiveValue, format!("{field} is zero; it must be above zero")));
        None
    } else if whole && !v.fract().is_zero() {
        errors.push(err(field, Code::OutOfRange, format!("{field} is {v}; it must be a whole number")));
        None
    } else {
        Some(v)
    }
}

/// The product of `factors`, exactly, or an overflow error at `field`.
fn product(errors: &mut Vec<EntryError>, field: &'static str, factors: &[Decimal]) -> Option<Decimal> {
    let mut p = Decimal::ONE;
    for f in factors {
        match p.checked_mul(*f) {
            Some(v) => p = v,
            None => {
                errors.push(err(field, Code::Overflow, "the product is too large to compute exactly"));
                return None;
            }
        }
    }
    Some(p.normalize())
}

fn pkm() -> Unit {
    Unit::Physical(PhysicalUnit::PassengerKilometre)
}

/// Whether the library has `activity` in `unit`, else an error at `field`.
fn known(
    errors: &mut Vec<EntryError>,
    units_of: &dyn Fn(&str) -> Vec<Unit>,
    field: &'static str,
    activity: &str,
    unit: Unit,
    otherwise: &str,
) -> bool {
    if units_of(activity).contains(&unit) {
        return true;
    }
    errors.push(err(field, Code::NoFactor, format!("the factor library has no {activity} per {unit}: {otherwise}")));
    false
}

/// Work out the quantity `entry` describes. `units_of` gives the units of the factor library's
/// factors for an activity (empty when it has none). Every problem is returned, each at its field.
pub fn work_out(entry: &Entry, units_of: &dyn Fn(&str) -> Vec<Unit>) -> Result<Worked, Vec<EntryError>> {
    match entry {
        Entry::Flight(c) => flight(c, units_of),
        Entry::Commute(c) => commute(c, units_of),
        Entry::Freight(c) => freight(c),
        Entry::Waste(c) => waste(c, units_of),
        Entry::ProductUse(c) => product_use(c),
        Entry::Investment(c) => investment(c),
    }
}

fn flight(c: &FlightCells, units_of: &dyn Fn(&str) -> Vec<Unit>) -> Result<Worked, Vec<EntryError>> {
    let mut e = Vec::new();
    let km = positive(&mut e, "distance_km", &c.distance_km, false);
    let people = positive(&mut e, "passengers", &c.passengers, true);
    let trip = choice(&mut e, "trip", &c.trip, &["one_way", "return"], |s| s);
    let haul = choice(&mut e, "haul", &c.haul, &Haul::ALL, Haul::as_str);
    let cabin = choice(&mut e, "cabin", &c.cabin, &Cabin::ALL, Cabin::as_str);
    let rf = choice(&mut e, "radiative_forcing", &c.radiative_forcing, &["with", "without"], |s| s);
    let (Some(km), Some(people), Some(trip), Some(haul), Some(cabin), Some(rf)) = (km, people, trip, haul, cabin, rf)
    else {
        return Err(e);
    };
    let mut activity = format!("travel.air.{}", haul.as_str());
    if cabin != Cabin::Average {
        activity = format!("{activity}.{}", cabin.as_str());
    }
    if rf == "with" {
        activity.push_str(".with_rf");
    }
    let legs = if trip == "return" { Decimal::TWO } else { Decimal::ONE };
    let field = if cabin == Cabin::Average { "haul" } else { "cabin" };
    let hint =
        format!("{} flights have no {} figure; choose another class or 'average'", haul.as_str(), cabin.as_str());
    let ok = known(&mut e, units_of, field, &activity, pkm(), &hint);
    let quantity = product(&mut e, "distance_km", &[km, people, legs]);
    let (true, Some(quantity)) = (ok, quantity) else { return Err(e) };
    let trip_text = if legs == Decimal::TWO { "× 2 (return)" } else { "one way" };
    let s = if people == Decimal::ONE { "" } else { "s" };
    let working = format!(
        "Flight leg: {km} km × {people} passenger{s} {trip_text} = {quantity} pkm; {}, {}, {} radiative forcing → {activity}",
        haul.as_str(),
        cabin.as_str(),
        rf
    );
    Ok(Worked {
        activity,
        quantity,
        unit: pkm(),
        category: 6,
        method: Some(Scope3Method::DistanceBased),
        working,
        attribution: None,
        pcaf_score: None,
    })
}

fn commute(c: &CommuteCells, units_of: &dyn Fn(&str) -> Vec<Unit>) -> Result<Worked, Vec<EntryError>> {
    let mut e = Vec::new();
    let employees = positive(&mut e, "employees", &c.employees, true);
    let days = positive(&mut e, "working_days", &c.working_days, false);
    let km = positive(&mut e, "one_way_km", &c.one_way_km, false);
    let share = positive(&mut e, "share_percent", &c.share_percent, false);
    if let Some(s) = share.filter(|s| *s > Decimal::ONE_HUNDRED) {
        e.push(err("share_percent", Code::OutOfRange, format!("share_percent is {s}; a share is at most 100 %")));
    }
    let mode = choice(&mut e, "mode", &c.mode, &CommuteMode::ALL, CommuteMode::as_str);
    let occupancy = match mode {
        Some(m) if m.per_vehicle() => positive(&mut e, "occupancy", &c.occupancy, false),
        Some(_) if !c.occupancy.trim().is_empty() => {
            e.push(err(
                "occupancy",
                Code::InvalidValue,
                "occupancy is asked for car and motorbike modes only: their factors are per vehicle-km",
            ));
            None
        }
        _ => None,
    };
    let (Some(employees), Some(days), Some(km), Some(share), Some(mode)) = (employees, days, km, share, mode) else {
        return Err(e);
    };
    if !e.is_empty() {
        return Err(e);
    }
    let fraction = share / Decimal::ONE_HUNDRED; // exact: a division by a power of ten terminates
    let Some(person_km) = product(&mut e, "employees", &[employees, fraction, days, km, Decimal::TWO]) else {
        return Err(e);
    };
    let activity = mode.activity();
    let head = format!(
        "Commuting survey: {employees} employees × {}% by {} × {days} days × 2 × {km} km one way = {person_km} pkm",
        share.normalize(),
        mode.as_str()
    );
    let (quantity, unit, working) = match occupancy {
        Some(people) => {
            let unit = Unit::Physical(PhysicalUnit::Kilometre);
            let Some(q) = person_km.checked_div(people) else {
                e.push(err("occupancy", Code::Overflow, "the vehicle-km are too large to compute exactly"));
                return Err(e);
            };
            let q = q.normalize();
            // rust_decimal rounds q × people back to the numerator: compare in integers.
            let exact = exactly_equal_products(q, people, person_km, Decimal::ONE);
            let held = if exact { "" } else { " (does not terminate: held at 28 significant digits)" };
            (q, unit, format!("{head} ÷ {people} people per vehicle = {q} vehicle-km{held} → {activity}"))
        }
        None => (person_km, pkm(), format!("{head} → {activity}")),
    };
    if !known(&mut e, units_of, "mode", activity, unit, "choose another mode") {
        return Err(e);
    }
    Ok(Worked {
        activity: activity.to_string(),
        quantity,
        unit,
        category: 7,
        method: Some(Scope3Method::DistanceBased),
        working,
        attribution: None,
        pcaf_score: None,
    })
}

fn freight(c: &FreightCells) -> Result<Worked, Vec<EntryError>> {
    let mut e = Vec::new();
    let tonnes = positive(&mut e, "tonnes", &c.tonnes, false);
    let km = positive(&mut e, "distance_km", &c.distance_km, false);
    let activity = c.activity.trim().to_lowercase();
    if activity.is_empty() {
        e.push(err("activity", Code::MissingValue, "the freight activity is not chosen"));
    } else if !activity.starts_with("freight.") {
        e.push(err("activity", Code::InvalidValue, format!("'{activity}' is not a freight activity (freight.…)")));
    }
    let direction = choice(&mut e, "direction", &c.direction, &["upstream", "downstream"], |s| s);
    let (Some(tonnes), Some(km), Some(direction)) = (tonnes, km, direction) else { return Err(e) };
    if !e.is_empty() {
        return Err(e);
    }
    let Some(quantity) = product(&mut e, "tonnes", &[tonnes, km]) else { return Err(e) };
    let n = if direction == "upstream" { 4 } else { 9 };
    let working = format!("Shipment: {tonnes} t × {km} km = {quantity} tkm, {direction} (category {n}) → {activity}");
    Ok(Worked {
        activity,
        quantity,
        unit: Unit::Physical(PhysicalUnit::TonneKilometre),
        category: n,
        method: Some(Scope3Method::DistanceBased),
        working,
        attribution: None,
        pcaf_score: None,
    })
}

fn waste(c: &WasteCells, units_of: &dyn Fn(&str) -> Vec<Unit>) -> Result<Worked, Vec<EntryError>> {
    let mut e = Vec::new();
    let material = c.material.trim().to_lowercase().replace([' ', '-'], "_");
    if material.is_empty() {
        e.push(err("material", Code::MissingValue, "the waste type is not chosen"));
    } else if !material.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_') {
        e.push(err(
            "material",
            Code::InvalidValue,
            format!("'{material}' is not a waste type name (letters, digits and _)"),
        ));
    }
    let treatment = choice(&mut e, "treatment", &c.treatment, &Treatment::ALL, Treatment::as_str);
    let tonnes = positive(&mut e, "tonnes", &c.tonnes, false);
    let (Some(treatment), Some(tonnes)) = (treatment, tonnes) else { return Err(e) };
    if !e.is_empty() {
        return Err(e);
    }
    let t = Unit::Physical(PhysicalUnit::Tonne);
    let activity = format!("waste.{material}.{}", treatment.as_str());
    if !units_of(&activity).contains(&t) {
        let offered: Vec<&str> = Treatment::ALL
            .into_iter()
            .filter(|tr| units_of(&format!("waste.{material}.{}", tr.as_str())).contains(&t))
            .map(Treatment::as_str)
            .collect();
        if offered.is_empty() {
            e.push(err("material", Code::NoFactor, format!("the factor library has no waste type '{material}' per t")));
        } else {
            let msg = format!("the factor library has no {activity} per t; '{material}' has {}", offered.join(", "));
            e.push(err("treatment", Code::NoFactor, msg));
        }
        return Err(e);
    }
    let quantity = tonnes.normalize();
    let working = format!("Waste: {tonnes} t of {material}, {} → {activity}", treatment.as_str());
    Ok(Worked {
        activity,
        quantity,
        unit: t,
        category: 5,
        method: Some(Scope3Method::WasteTypeSpecific),
        working,
        attribution: None,
        pcaf_score: None,
    })
}

fn product_use(c: &ProductUseCells) -> Result<Worked, Vec<EntryError>> {
    let mut e = Vec::new();
    let units = positive(&mut e, "units_sold", &c.units_sold, false);
    let uses = positive(&mut e, "lifetime_uses", &c.lifetime_uses, false);
    let per_use = positive(&mut e, "energy_per_use", &c.energy_per_use, false);
    let unit = match Unit::parse(&c.energy_unit) {
        _ if c.energy_unit.trim().is_empty() => {
            e.push(err("energy_unit", Code::MissingValue, "the unit of the energy per use is empty"));
            None
        }
        Ok(u)
            if matches!(
                u.dimension(),
                Dimension::Energy
                    | Dimension::Volume
                    | Dimension::Mass
                    | Dimension::NormalGasVolume
                    | Dimension::StandardGasVolume
            ) =>
        {
            Some(u)
        }
        Ok(u) => {
            e.push(err("energy_unit", Code::UnitMismatch, format!("{u} is not an energy, a volume or a mass")));
            None
        }
        Err(x) => {
            e.push(err("energy_unit", Code::UnknownUnit, x.to_string()));
            None
        }
    };
    let activity = c.activity.trim().to_string();
    if activity.is_empty() {
        e.push(err("activity", Code::MissingValue, "the activity of the product's energy is empty"));
    }
    let (Some(units), Some(uses), Some(per_use), Some(unit)) = (units, uses, per_use, unit) else { return Err(e) };
    if !e.is_empty() {
        return Err(e);
    }
    let Some(quantity) = product(&mut e, "units_sold", &[units, uses, per_use]) else { return Err(e) };
    let working = format!(
        "Use of sold products: {units} units × {uses} uses per unit × {per_use} {unit} per use = {quantity} {unit} → {activity}"
    );
    Ok(Worked { activity, quantity, unit, category: 11, method: None, working, attribution: None, pcaf_score: None })
}

fn investment(c: &InvestmentCells) -> Result<Worked, Vec<EntryError>> {
    let mut e = Vec::new();
    let investee = c.investee.trim().to_string();
    if investee.is_empty() {
        e.push(err("investee", Code::MissingValue, "the investee is not named"));
    }
    let tonnes = positive(&mut e, "investee_emissions_t", &c.investee_emissions_t, false);
    let basis = choice(&mut e, "basis", &c.basis, &InvestmentBasis::ALL, InvestmentBasis::as_str);
    // The cells of the basis chosen; a cell of the other kind is refused, never silently dropped.
    let (mut outstanding, mut value, mut share) = (None, None, None);
    let mut not_asked = |field: &'static str, text: &str, why: &str| {
        if !text.trim().is_empty() {
            e.push(err(field, Code::InvalidValue, format!("{field} is not asked for {why}")));
        }
    };
    match basis.map(|b| b.row().2) {
        Some(Some(_)) => not_asked("share_percent", &c.share_percent, "a PCAF asset class: outstanding ÷ value is"),
        Some(None) => {
            not_asked("outstanding", &c.outstanding, "an equity share: the share (%) is");
            not_asked("investee_value", &c.investee_value, "an equity share: the share (%) is");
        }
        None => {}
    }
    match basis.map(|b| b.row().2) {
        Some(Some(_)) => {
            outstanding = positive(&mut e, "outstanding", &c.outstanding, false);
            value = positive(&mut e, "investee_value", &c.investee_value, false);
        }
        Some(None) => share = positive(&mut e, "share_percent", &c.share_percent, false),
        None => {}
    }
    if let (Some(o), Some(v)) = (outstanding, value) {
        if o > v {
            let msg = format!("outstanding {o} is above the investee's value {v}: the share would be over 1");
            e.push(err("outstanding", Code::OutOfRange, msg));
        }
    }
    if let Some(s) = share.filter(|s| *s > Decimal::ONE_HUNDRED) {
        e.push(err("share_percent", Code::OutOfRange, format!("share_percent is {s}; a share is at most 100 %")));
    }
    let score = if c.pcaf_score.trim().is_empty() {
        e.push(err(
            "pcaf_score",
            Code::MissingValue,
            "the PCAF score is not chosen (1 audited … 5 asset-class average)",
        ));
        None
    } else {
        match crate::scope3::DataQuality::parse_score("pcaf_score", &c.pcaf_score) {
            Ok(n) => Some(n),
            Err((code, why)) => {
                e.push(err("pcaf_score", code, why));
                None
            }
        }
    };
    let (Some(tonnes), Some(basis), Some(score)) = (tonnes, basis, score) else { return Err(e) };
    if !e.is_empty() || investee.is_empty() {
        return Err(e);
    }
    let (attribution, how) = match (basis.row().2, outstanding, value, share) {
        (Some(denominator), Some(o), Some(v), _) => {
            // Positive and o ≤ v: the quotient is in (0, 1] and cannot overflow.
            let Some(a) = o.checked_div(v) else {
                e.push(err("outstanding", Code::Overflow, "the share is too small to compute exactly"));
                return Err(e);
            };
            let a = a.normalize();
            // rust_decimal rounds a × v back to o: compare in integers.
            let held = if exactly_equal_products(a, v, o, Decimal::ONE) {
                ""
            } else {
                " (does not terminate: held at 28 decimal places)"
            };
            (a, format!("outstanding {o} ÷ {denominator} {v} = {a}{held}"))
        }
        (None, _, _, Some(s)) => {
            let a = (s / Decimal::ONE_HUNDRED).normalize(); // exact: a division by a power of ten terminates
            (a, format!("equity share {}% = {a}", s.normalize()))
        }
        _ => return Err(e),
    };
    if attribution.is_zero() {
        e.push(err("outstanding", Code::NonPositiveValue, "the share rounds to zero at 28 decimal places"));
        return Err(e);
    }
    let quantity = tonnes.normalize();
    let working = format!(
        "Investment: {how} of {investee}'s {quantity} t Scope 1+2; PCAF score {score} ({}) → {INVESTEE_ACTIVITY}",
        basis.row().1
    );
    Ok(Worked {
        activity: INVESTEE_ACTIVITY.to_string(),
        quantity,
        unit: Unit::Physical(PhysicalUnit::Tonne),
        category: 15,
        method: Some(Scope3Method::InvestmentSpecific),
        working,
        attribution: Some(attribution),
        pcaf_score: Some(score),
    })
}

#[cfg(test)]
#[path = "scope3_entry_tests.rs"]
mod tests;
