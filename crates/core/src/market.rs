//! Market-based Scope 2 (GHG Protocol Scope 2 Guidance, chapters 6–7): contractual instruments
//! allocated to each facility's electricity consumption, graded against the Quality Criteria, and
//! the rest at the residual mix where one is loaded, else at the grid average.
//!
//! The calculation gathers each facility's electricity use per (region, period) while it runs
//! ([`EnergyUse`]); [`allocate`] then works once per facility, after every line is known.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::classify::Scope2Category;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::period::Period;
use crate::region::Region;

mod coverage;
mod read;

pub use coverage::{CoverageShare, CoveredBy};
pub use read::{parse_yes_no, read_instruments, yes_no, Instrument, OPTIONAL_COLUMNS, REQUIRED_COLUMNS};

/// A kind of contractual instrument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstrumentKind {
    /// China Green Electricity Certificate (绿证).
    Gec,
    IRec,
    /// Guarantee of Origin (EU).
    Go,
    /// Renewable Energy Certificate (US).
    Rec,
    PpaPhysical,
    PpaVirtual,
    GreenTariff,
    SupplierRate,
}

impl InstrumentKind {
    pub const ALL: [InstrumentKind; 8] = [
        InstrumentKind::Gec,
        InstrumentKind::IRec,
        InstrumentKind::Go,
        InstrumentKind::Rec,
        InstrumentKind::PpaPhysical,
        InstrumentKind::PpaVirtual,
        InstrumentKind::GreenTariff,
        InstrumentKind::SupplierRate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InstrumentKind::Gec => "gec",
            InstrumentKind::IRec => "i-rec",
            InstrumentKind::Go => "go",
            InstrumentKind::Rec => "rec",
            InstrumentKind::PpaPhysical => "ppa-physical",
            InstrumentKind::PpaVirtual => "ppa-virtual",
            InstrumentKind::GreenTariff => "green-tariff",
            InstrumentKind::SupplierRate => "supplier-rate",
        }
    }

    pub fn parse(text: &str) -> Option<InstrumentKind> {
        InstrumentKind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Whether it is a tradable certificate, which must be retired on the company's behalf.
    pub fn is_certificate(self) -> bool {
        matches!(self, InstrumentKind::Gec | InstrumentKind::IRec | InstrumentKind::Go | InstrumentKind::Rec)
    }
}

/// A Quality Criteria grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    Pass,
    Warn,
    Fail,
}

/// The grades of one instrument (Scope 2 Guidance, Table 7.1, as decision 0026 reads them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quality {
    /// Generated in the reporting period (pass), within 12 months of it (warn), or not (fail).
    pub vintage: Grade,
    /// Generated in the consumption's market: the same country (pass), unknown (warn), other (fail).
    pub market: Grade,
    /// A certificate retired on the company's behalf: retired with a beneficiary (pass), retired
    /// without one (warn), not retired (fail). Contracts pass.
    pub retired: Grade,
    /// A China GEC is valid two years from its production month (fail after that); others pass.
    pub validity: Grade,
    /// No serial used twice, and no more MWh than consumed: fail otherwise (an error). Also fails
    /// when the attribute was claimed as a CCER as well (a double claim; a warning).
    pub unique: Grade,
}

impl Quality {
    pub fn worst(&self) -> Grade {
        self.by_criterion().into_iter().map(|(_, g)| g).max().unwrap_or(Grade::Pass)
    }

    /// Each criterion by its name (as the JSON names it), in the Guidance's order.
    pub fn by_criterion(&self) -> [(&'static str, Grade); 5] {
        [
            ("vintage", self.vintage),
            ("market", self.market),
            ("retired", self.retired),
            ("validity", self.validity),
            ("unique", self.unique),
        ]
    }
}

/// Electricity, heat, steam or cooling a facility bought in one region and period: what
/// instruments are allocated against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnergyUse {
    pub facility: Arc<str>,
    pub energy: Scope2Category,
    pub region: Option<Region>,
    pub period: Period,
    /// MWh of electricity; GJ of heat, steam or cooling (exact from the units their lines are
    /// in, as a Chinese heat bill's GJ).
    pub quantity: Decimal,
    /// Location-based CO2e of that energy, kg.
    pub location_co2e_kg: Decimal,
}

impl EnergyUse {
    /// The unit [`EnergyUse::quantity`] is in.
    pub fn unit(energy: Scope2Category) -> crate::unit::PhysicalUnit {
        if energy == Scope2Category::Electricity {
            crate::unit::PhysicalUnit::MegawattHour
        } else {
            crate::unit::PhysicalUnit::Gigajoule
        }
    }
}

/// How a facility's market-based figure was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarketBasis {
    /// At least part of the consumption is covered by instruments.
    Instruments,
    /// No instrument applies; the uncovered consumption is at a residual mix.
    ResidualMix,
    /// No instrument and no residual mix: the grid average (market-based = location-based).
    GridAverage,
}

/// A residual-mix rate for one (region, period) of use, as found in the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Residual {
    pub kg_per_mwh: Decimal,
    pub factor_id: String,
}

/// Market-based Scope 2 of one facility: its electricity, and the heat, steam and cooling it
/// bought (`other`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FacilityMarket {
    pub consumption_mwh: Decimal,
    /// Location- and market-based CO2e of all its Scope 2 energy that has a use, kg.
    pub location_co2e_kg: Decimal,
    pub market_co2e_kg: Decimal,
    /// MWh of electricity covered per instrument kind.
    pub covered_mwh: BTreeMap<InstrumentKind, Decimal>,
    /// MWh at a residual mix, and at the grid average.
    pub residual_mwh: Decimal,
    pub grid_average_mwh: Decimal,
    /// Heat, steam and cooling: GJ bought, and GJ at a supplier's rate.
    pub other: BTreeMap<Scope2Category, OtherEnergy>,
}

/// A facility's heat, steam or cooling in market-based Scope 2: what a supplier's rate covers;
/// the rest is at its location-based (default) factor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OtherEnergy {
    pub consumption_gj: Decimal,
    pub supplier_rate_gj: Decimal,
}

impl FacilityMarket {
    pub fn basis(&self) -> MarketBasis {
        if self.covered_mwh.values().chain(self.other.values().map(|o| &o.supplier_rate_gj)).any(|v| !v.is_zero()) {
            MarketBasis::Instruments
        } else if !self.residual_mwh.is_zero() {
            MarketBasis::ResidualMix
        } else {
            MarketBasis::GridAverage
        }
    }
}

/// One instrument as applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppliedInstrument {
    #[serde(flatten)]
    pub instrument: Instrument,
    /// MWh applied (for heat, steam or cooling: the GJ applied ÷ 3.6).
    pub applied_mwh: Decimal,
    /// GJ applied, for heat, steam or cooling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_gj: Option<Decimal>,
    pub quality: Quality,
    /// `false` for an instrument with a failing grade: listed apart, not applied.
    pub applied: bool,
}

/// The market-based outcome of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Market {
    pub by_facility: BTreeMap<Arc<str>, FacilityMarket>,
    pub instruments: Vec<AppliedInstrument>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Each facility's uses of one energy, in period order, with what is left of each.
type Uses<'a> = BTreeMap<(&'a str, Scope2Category), Vec<(&'a EnergyUse, Decimal)>>;

/// Allocate `instruments` (read from `file`) to the energy `uses`, in the Guidance's order:
/// instruments (in file order) to the uses of their facility and energy, then for electricity
/// the residual mix `residual(use)` gives, then the grid average; heat, steam and cooling not
/// covered by a supplier's rate stay at their location-based factor.
pub fn allocate(
    uses: &[EnergyUse],
    instruments: &[Instrument],
    file: &str,
    residual: &dyn Fn(&EnergyUse) -> Option<Residual>,
) -> Market {
    let mut market = Market::default();
    let mut by_facility: Uses<'_> = BTreeMap::new();
    for u in uses {
        by_facility.entry((&u.facility, u.energy)).or_default().push((u, u.quantity));
    }
    for list in by_facility.values_mut() {
        list.sort_by_key(|a| (a.0.period.start, a.0.period.end));
    }
    let duplicates = duplicate_serials(instruments);
    for i in instruments {
        let uses = by_facility.get_mut(&(i.facility.as_str(), i.energy));
        let quality = grade(i, uses.as_deref().map_or(&[][..], |v| v), duplicates.contains(&i.row));
        let mut applied_q = Decimal::ZERO;
        let mut applied = quality.worst() != Grade::Fail;
        match uses {
            None => {
                applied = false;
                market.diagnostics.push(Diagnostic::error(
                    Code::UnknownRecord,
                    Location::cell(file, i.row, "facility"),
                    format!(
                        "facility {} has no {} in this calculation to allocate the instrument to",
                        i.facility,
                        i.energy.as_str()
                    ),
                ));
            }
            Some(uses) if applied => {
                let mut want = i.quantity();
                for (_, left) in uses.iter_mut() {
                    let take = want.min(*left);
                    *left -= take;
                    want -= take;
                    applied_q += take;
                }
                if !want.is_zero() {
                    let serials = serial_text(i);
                    let unit = i.unit();
                    // GJ from MWh × 3.6 carry a scale the row did not write.
                    let show = |d: Decimal| if i.energy == Scope2Category::Electricity { d } else { d.normalize() };
                    let (want, applied_q) = (show(want), show(applied_q));
                    let energy = if i.energy == Scope2Category::Electricity {
                        String::new()
                    } else {
                        format!("{} ", i.energy.as_str())
                    };
                    market.diagnostics.push(Diagnostic::error(
                        Code::InstrumentOverAllocated,
                        Location::cell(file, i.row, if i.gj.is_some() { "gj" } else { "mwh" }),
                        format!(
                            "{} {unit} of {} {serials}exceed facility {}'s remaining {energy}consumption by {want} {unit}; only {applied_q} {unit} are applied",
                            show(i.quantity()),
                            i.instrument.as_str(),
                            i.facility,
                        ),
                    ));
                }
                let f = market.by_facility.entry(Arc::from(i.facility.as_str())).or_default();
                if i.energy == Scope2Category::Electricity {
                    *f.covered_mwh.entry(i.instrument).or_default() += applied_q;
                } else {
                    f.other.entry(i.energy).or_default().supplier_rate_gj += applied_q;
                }
                match i.co2e_kg(applied_q) {
                    Some(kg) => f.market_co2e_kg += kg,
                    None => market.diagnostics.push(Diagnostic::error(
                        Code::Overflow,
                        Location::cell(file, i.row, "emission_rate_kg_per_mwh"),
                        format!("{} × its rate is too large to compute exactly", i.instrument.as_str()),
                    )),
                }
            }
            Some(_) => {}
        }
        let mut quality = quality;
        if applied_q < i.quantity() && applied {
            quality.unique = Grade::Fail;
        }
        let known = by_facility.contains_key(&(i.facility.as_str(), i.energy));
        if quality.worst() != Grade::Pass && duplicates.contains(&i.row) {
            market.diagnostics.push(Diagnostic::error(
                Code::DuplicateSerial,
                Location::cell(file, i.row, "serial_from"),
                format!(
                    "{} {}overlaps another instrument's serials in this file: a certificate counts once, so neither is applied",
                    i.instrument.as_str(),
                    serial_text(i)
                ),
            ));
        } else if !applied && i.ccer_claimed == Some(true) && known {
            market.diagnostics.push(Diagnostic::warning(
                Code::InstrumentQuality,
                Location::cell(file, i.row, "ccer_claimed"),
                format!(
                    "{} {}was also claimed as a CCER: its attribute would count twice (as an offset and \
                     as lower Scope 2), so it fails the Scope 2 Quality Criteria ({}) and is not applied",
                    i.instrument.as_str(),
                    serial_text(i),
                    failing(&quality)
                ),
            ));
        } else if !applied && known {
            market.diagnostics.push(Diagnostic::warning(
                Code::InstrumentQuality,
                Location::row(file, i.row),
                format!(
                    "{} {}fails the Scope 2 Quality Criteria ({}) and is not applied",
                    i.instrument.as_str(),
                    serial_text(i),
                    failing(&quality)
                ),
            ));
        } else if quality.worst() == Grade::Warn {
            market.diagnostics.push(Diagnostic::warning(
                Code::InstrumentQuality,
                Location::row(file, i.row),
                format!(
                    "{} {}is applied with reservations: {}",
                    i.instrument.as_str(),
                    serial_text(i),
                    warned(&quality)
                ),
            ));
        }
        // GJ from MWh × 3.6 carry a scale the row did not write.
        let applied_gj = (i.energy != Scope2Category::Electricity).then(|| applied_q.normalize());
        market.instruments.push(AppliedInstrument {
            instrument: i.clone(),
            applied_mwh: i.as_mwh(applied_q),
            applied_gj,
            quality,
            applied,
        });
    }
    // What instruments did not cover: for electricity the residual mix, else the grid average;
    // heat, steam and cooling at their location-based factor.
    for ((facility, energy), list) in by_facility {
        let f = market.by_facility.entry(Arc::from(facility)).or_default();
        for (u, left) in list {
            if energy == Scope2Category::Electricity {
                f.consumption_mwh += u.quantity;
            } else {
                f.other.entry(energy).or_default().consumption_gj += u.quantity;
            }
            f.location_co2e_kg += u.location_co2e_kg;
            if left.is_zero() {
                continue;
            }
            // The location-based figure of the part not covered.
            let location = if left == u.quantity { u.location_co2e_kg } else { u.location_co2e_kg * left / u.quantity };
            if energy != Scope2Category::Electricity {
                f.market_co2e_kg += location;
                continue;
            }
            match residual(u) {
                Some(r) => {
                    f.residual_mwh += left;
                    f.market_co2e_kg += left * r.kg_per_mwh;
                }
                None => {
                    f.grid_average_mwh += left;
                    f.market_co2e_kg += location;
                }
            }
        }
    }
    market
}

fn serial_text(i: &Instrument) -> String {
    match (&i.serial_from, &i.serial_to) {
        (Some(a), Some(b)) => format!("(serials {a}..{b}) "),
        (Some(a), None) => format!("(serial {a}) "),
        _ => String::new(),
    }
}

fn failing(q: &Quality) -> String {
    named(q, Grade::Fail)
}

fn warned(q: &Quality) -> String {
    named(q, Grade::Warn)
}

fn named(q: &Quality, g: Grade) -> String {
    q.by_criterion().iter().filter(|(_, x)| *x == g).map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

fn grade(i: &Instrument, uses: &[(&EnergyUse, Decimal)], duplicate: bool) -> Quality {
    let (start, end) = match (uses.iter().map(|u| u.0.period.start).min(), uses.iter().map(|u| u.0.period.end).max()) {
        (Some(s), Some(e)) => (s, e),
        _ => (i.generation_start, i.generation_end),
    };
    let vintage = if i.generation_end >= start && i.generation_start <= end {
        Grade::Pass
    } else if i.generation_end >= add_months(start, -12) && i.generation_start <= add_months(end, 12) {
        Grade::Warn
    } else {
        Grade::Fail
    };
    let country = |r: &Region| r.lineage().last().cloned();
    let market = match (&i.market, uses.iter().find_map(|u| u.0.region.as_ref())) {
        (None, _) | (_, None) => Grade::Warn,
        (Some(m), Some(r)) if country(m) == country(r) => Grade::Pass,
        _ => Grade::Fail,
    };
    let retired = match (i.instrument.is_certificate(), i.retired_on, &i.beneficiary) {
        (false, _, _) => Grade::Pass,
        (true, Some(_), Some(_)) => Grade::Pass,
        (true, Some(_), None) => Grade::Warn,
        (true, None, _) => Grade::Fail,
    };
    let validity = if i.instrument == InstrumentKind::Gec {
        let production = NaiveDate::from_ymd_opt(i.generation_start.year(), i.generation_start.month(), 1);
        match production.map(|p| add_months(p, 24)) {
            Some(until) if start < until => Grade::Pass,
            _ => Grade::Fail,
        }
    } else {
        Grade::Pass
    };
    let unique = if duplicate || i.ccer_claimed == Some(true) { Grade::Fail } else { Grade::Pass };
    Quality { vintage, market, retired, validity, unique }
}

fn add_months(d: NaiveDate, months: i32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + months;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let day = d.day().min(28);
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(d)
}

/// Rows whose serial range overlaps another row's in the same registry.
fn duplicate_serials(instruments: &[Instrument]) -> Vec<u64> {
    let ranges: Vec<(u64, &str, (String, u128, u128))> = instruments
        .iter()
        .filter_map(|i| {
            let from = i.serial_from.as_deref()?;
            let to = i.serial_to.as_deref().unwrap_or(from);
            Some((i.row, i.registry.as_deref().unwrap_or(""), serial_range(from, to)?))
        })
        .collect();
    let mut out = Vec::new();
    for (k, a) in ranges.iter().enumerate() {
        for b in ranges.iter().skip(k + 1) {
            if a.1 == b.1 && a.2 .0 == b.2 .0 && a.2 .1 <= b.2 .2 && b.2 .1 <= a.2 .2 {
                out.push(a.0);
                out.push(b.0);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A serial range as (prefix, first number, last number): `GEC-2023-000001`..`GEC-2023-003000`.
/// Serials without a trailing number compare as single equal texts.
fn serial_range(from: &str, to: &str) -> Option<(String, u128, u128)> {
    let split = |s: &str| {
        let digits = s.chars().rev().take_while(char::is_ascii_digit).count();
        let (p, n) = s.split_at(s.len() - digits);
        (p.to_string(), n.parse::<u128>().ok())
    };
    let (pa, a) = split(from.trim());
    let (pb, b) = split(to.trim());
    match (a, b) {
        (Some(a), Some(b)) if pa == pb => Some((pa, a.min(b), a.max(b))),
        _ if from == to => Some((from.to_string(), 0, 0)),
        _ => Some((format!("{from}..{to}"), 0, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::parse_date;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn date(s: &str) -> NaiveDate {
        parse_date(s).unwrap_or_default()
    }

    fn uses() -> Vec<EnergyUse> {
        vec![EnergyUse {
            facility: Arc::from("SZ"),
            energy: Scope2Category::Electricity,
            region: Region::parse("CN-GD"),
            period: Period::new(date("2023-01-01"), date("2023-12-31")).unwrap_or_else(|| unreachable!()),
            quantity: d("10000"),
            location_co2e_kg: d("5306000"),
        }]
    }

    const HEADER: &str = "facility,instrument,mwh,emission_rate_kg_per_mwh,generation_start,generation_end,market,registry,serial_from,serial_to,retired_on,beneficiary,evidence\n";

    fn residual(_: &EnergyUse) -> Option<Residual> {
        Some(Residual { kg_per_mwh: d("609.6"), factor_id: "cn-grid.2023.CN.excl-market-nonfossil".into() })
    }

    #[test]
    fn certificates_cover_part_and_the_rest_is_at_the_residual_mix() {
        let csv = format!(
            "{HEADER}SZ,gec,3000,0,2023-01-01,2023-06-30,CN,GEC,G-000001,G-003000,2024-03-01,Acme SZ,gec.pdf\n"
        );
        let (inst, diags) = read_instruments("i.csv", csv.as_bytes());
        assert!(diags.is_empty(), "{diags:?}");
        let m = allocate(&uses(), &inst, "i.csv", &residual);
        let f = &m.by_facility["SZ"];
        // 3000 MWh at 0 + 7000 MWh × 609.6 kg/MWh = 4,267,200 kg.
        assert_eq!(f.market_co2e_kg, d("4267200"));
        assert_eq!(f.basis(), MarketBasis::Instruments);
        assert_eq!(m.instruments[0].applied_mwh, d("3000"));
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
        // Without instruments the residual mix applies to everything (above the grid average).
        let none = allocate(&uses(), &[], "i.csv", &residual);
        assert_eq!(none.by_facility["SZ"].market_co2e_kg, d("6096000"));
        assert_eq!(none.by_facility["SZ"].basis(), MarketBasis::ResidualMix);
        let grid = allocate(&uses(), &[], "i.csv", &|_| None);
        assert_eq!(grid.by_facility["SZ"].market_co2e_kg, d("5306000"));
    }

    #[test]
    fn over_allocation_and_reused_serials_are_errors_naming_the_serials() {
        let csv = format!("{HEADER}SZ,gec,12000,0,2023-01-01,2023-06-30,CN,GEC,G-000001,G-012000,2024-03-01,Acme,\n");
        let (inst, _) = read_instruments("i.csv", csv.as_bytes());
        let m = allocate(&uses(), &inst, "i.csv", &residual);
        let over: Vec<_> = m.diagnostics.iter().filter(|d| d.code == Code::InstrumentOverAllocated).collect();
        assert_eq!(over.len(), 1, "{:?}", m.diagnostics);
        assert!(
            over[0].message.contains("G-000001..G-012000") && over[0].message.contains("2000 MWh"),
            "{}",
            over[0].message
        );
        assert_eq!(m.by_facility["SZ"].market_co2e_kg, Decimal::ZERO);

        let twice = format!(
            "{HEADER}SZ,gec,1000,0,2023-01-01,2023-06-30,CN,GEC,G-000001,G-001000,2024-03-01,Acme,\nSZ,gec,1000,0,2023-01-01,2023-06-30,CN,GEC,G-000500,G-001499,2024-03-01,Acme,\n"
        );
        let (inst, _) = read_instruments("i.csv", twice.as_bytes());
        let m = allocate(&uses(), &inst, "i.csv", &residual);
        assert_eq!(m.diagnostics.iter().filter(|d| d.code == Code::DuplicateSerial).count(), 2);
        assert!(m.instruments.iter().all(|i| !i.applied));
        assert_eq!(m.by_facility["SZ"].market_co2e_kg, d("6096000"));
    }

    #[test]
    fn quality_grades_follow_the_criteria() {
        let csv = format!(
            "{HEADER}SZ,gec,100,0,2020-01-01,2020-12-31,CN,GEC,A1,A1,2024-01-01,Acme,\nSZ,i-rec,100,0,2023-01-01,2023-12-31,GB,IREC,B1,B1,2024-01-01,Acme,\nSZ,rec,100,0,2022-06-01,2022-12-31,CN,REC,C1,C1,,,\nSZ,ppa-physical,100,0,2023-01-01,2023-12-31,CN,,,,,,\n"
        );
        let (inst, diags) = read_instruments("i.csv", csv.as_bytes());
        assert!(diags.is_empty(), "{diags:?}");
        let m = allocate(&uses(), &inst, "i.csv", &residual);
        let q: Vec<&Quality> = m.instruments.iter().map(|i| &i.quality).collect();
        assert_eq!((q[0].vintage, q[0].validity), (Grade::Fail, Grade::Fail));
        assert_eq!(q[1].market, Grade::Fail);
        assert_eq!((q[2].vintage, q[2].retired), (Grade::Warn, Grade::Fail));
        assert_eq!(q[3].worst(), Grade::Pass);
        assert_eq!(m.instruments.iter().filter(|i| i.applied).count(), 1);
    }

    #[test]
    fn bad_rows_are_located() {
        let csv = format!("{HEADER}SZ,solar-panel,-5,0,2023-13-01,2023-01-01,,,,,,,\n");
        let (inst, diags) = read_instruments("i.csv", csv.as_bytes());
        assert!(inst.is_empty());
        let cols: Vec<_> = diags.iter().map(|d| (d.code, d.location.column.clone().unwrap_or_default())).collect();
        assert!(cols.contains(&(Code::InvalidValue, "instrument".into())), "{cols:?}");
        assert!(cols.contains(&(Code::NonPositiveValue, "mwh".into())), "{cols:?}");
        assert!(cols.contains(&(Code::MalformedDate, "generation_start".into())), "{cols:?}");
    }

    #[test]
    fn a_certificate_also_claimed_as_a_ccer_is_not_applied_and_says_why() {
        let head = HEADER.trim_end().to_string() + ",contract_date,ccer_claimed\n";
        let csv = format!(
            "{head}SZ,gec,3000,0,2023-01-01,2023-06-30,CN,GEC,G-1,G-3000,2024-03-01,Acme,,2022-11-15,Yes\nSZ,ppa-physical,2000,0,2023-01-01,2023-12-31,CN,,,,,,,2021-05-01,no\n"
        );
        let (inst, diags) = read_instruments("i.csv", csv.as_bytes());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!((inst[0].ccer_claimed, inst[1].ccer_claimed), (Some(true), Some(false)));
        assert_eq!(inst[1].contract_date, Some(date("2021-05-01")));
        let m = allocate(&uses(), &inst, "i.csv", &residual);
        assert_eq!((m.instruments[0].applied, m.instruments[0].quality.unique), (false, Grade::Fail));
        assert!(m.instruments[1].applied);
        // Only the PPA's 2,000 MWh at 0; 8,000 MWh at the residual mix: 8,000 × 609.6 kg.
        assert_eq!(m.by_facility["SZ"].market_co2e_kg, d("4876800"));
        let w: Vec<_> = m.diagnostics.iter().filter(|d| d.code == Code::InstrumentQuality).collect();
        assert_eq!(w.len(), 1, "{:?}", m.diagnostics);
        assert_eq!(w[0].location.column.as_deref(), Some("ccer_claimed"));
        assert!(w[0].message.contains("CCER") && w[0].message.contains("G-1..G-3000"), "{}", w[0].message);
        // The JSON says what was recorded; a file without the columns says nothing of them.
        let json = serde_json::to_string(&m.instruments[0]).unwrap_or_default();
        assert!(json.contains("\"contract_date\":\"2022-11-15\"") && json.contains("\"ccer_claimed\":true"), "{json}");
        let plain = format!("{HEADER}SZ,ppa-physical,1,0,2023-01-01,2023-12-31,CN,,,,,,\n");
        let (inst, _) = read_instruments("i.csv", plain.as_bytes());
        let json = serde_json::to_string(&inst[0]).unwrap_or_default();
        assert!(!json.contains("ccer") && !json.contains("contract"), "{json}");
        // A cell that is not yes or no, and a date that is not a date, are refused at their column.
        let bad = format!("{head}SZ,gec,1,0,2023-01-01,2023-06-30,CN,,,,,,,2023-02-30,maybe\n");
        let (inst, diags) = read_instruments("i.csv", bad.as_bytes());
        assert!(inst.is_empty());
        let cols: Vec<_> = diags.iter().map(|d| (d.code, d.location.column.clone().unwrap_or_default())).collect();
        assert!(cols.contains(&(Code::InvalidValue, "ccer_claimed".into())), "{cols:?}");
        assert!(cols.contains(&(Code::MalformedDate, "contract_date".into())), "{cols:?}");
    }

    /// 10,000 MWh of electricity and 2,000 GJ of heat (location-based 0.11 t/GJ: 220,000 kg).
    fn with_heat() -> Vec<EnergyUse> {
        let mut v = uses();
        v.push(EnergyUse {
            energy: Scope2Category::Heat,
            quantity: d("2000"),
            location_co2e_kg: d("220000"),
            ..v[0].clone()
        });
        v
    }

    const HEAT_HEADER: &str =
        "facility,instrument,mwh,gj,energy,emission_rate_kg_per_mwh,generation_start,generation_end,market\n";

    #[test]
    fn a_heat_suppliers_rate_covers_heat_only() {
        // 1,500 GJ at 288 kg/MWh (0.08 t/GJ): 1,500 × 288 ÷ 3.6 = 120,000 kg; the other 500 GJ
        // at the location-based 0.11 t/GJ: 55,000 kg. Electricity untouched, at the residual mix.
        let csv = format!("{HEAT_HEADER}SZ,supplier-rate,,1500,heat,288,2023-01-01,2023-12-31,CN\n");
        let (inst, diags) = read_instruments("i.csv", csv.as_bytes());
        assert!(diags.is_empty(), "{diags:?}");
        let m = allocate(&with_heat(), &inst, "i.csv", &residual);
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
        let f = &m.by_facility["SZ"];
        assert_eq!(f.market_co2e_kg, d("6096000") + d("120000") + d("55000"));
        assert_eq!(f.location_co2e_kg, d("5306000") + d("220000"));
        assert_eq!(f.consumption_mwh, d("10000"));
        assert_eq!(
            f.other[&Scope2Category::Heat],
            OtherEnergy { consumption_gj: d("2000"), supplier_rate_gj: d("1500") }
        );
        assert!(f.covered_mwh.is_empty());
        assert_eq!(f.basis(), MarketBasis::Instruments);
        let a = &m.instruments[0];
        assert_eq!((a.applied_gj, a.applied_mwh.round_dp(6)), (Some(d("1500")), d("416.666667")));
    }

    #[test]
    fn a_heat_rate_in_mwh_is_exact_in_gj_and_over_allocation_is_named_in_gj() {
        // 600 MWh of heat = 2,160 GJ, 160 GJ more than the 2,000 bought.
        let csv = format!("{HEAT_HEADER}SZ,supplier-rate,600,,heat,0,2023-01-01,2023-12-31,CN\n");
        let (inst, _) = read_instruments("i.csv", csv.as_bytes());
        assert_eq!(inst[0].quantity(), d("2160"));
        let m = allocate(&with_heat(), &inst, "i.csv", &residual);
        let e = m.diagnostics.iter().find(|x| x.code == Code::InstrumentOverAllocated).map(|x| x.message.clone());
        assert!(e.as_deref().is_some_and(|t| t.contains("by 160 GJ") && t.contains("heat")), "{e:?}");
        assert_eq!(m.by_facility["SZ"].other[&Scope2Category::Heat].supplier_rate_gj, d("2000"));
    }

    #[test]
    fn heat_rows_are_refused_when_they_are_not_a_suppliers_rate_or_give_the_quantity_twice() {
        let cases = [
            ("SZ,gec,,100,heat,0,2023-01-01,2023-12-31,CN", "instrument"),
            ("SZ,supplier-rate,10,100,steam,0,2023-01-01,2023-12-31,CN", "gj"),
            ("SZ,supplier-rate,,100,,0,2023-01-01,2023-12-31,CN", "gj"),
            ("SZ,supplier-rate,,100,district heat,0,2023-01-01,2023-12-31,CN", "energy"),
            ("SZ,supplier-rate,30000000000000000000000000000,,heat,0,2023-01-01,2023-12-31,CN", "mwh"),
        ];
        for (row, column) in cases {
            let (inst, diags) = read_instruments("i.csv", format!("{HEAT_HEADER}{row}\n").as_bytes());
            assert!(inst.is_empty(), "{row}");
            assert!(diags.iter().any(|x| x.location.column.as_deref() == Some(column)), "{row}: {diags:?}");
        }
    }

    #[test]
    fn a_heat_instrument_finds_no_electricity_to_cover() {
        let csv = format!("{HEAT_HEADER}SZ,supplier-rate,,100,cooling,0,2023-01-01,2023-12-31,CN\n");
        let (inst, _) = read_instruments("i.csv", csv.as_bytes());
        let m = allocate(&with_heat(), &inst, "i.csv", &residual);
        assert!(!m.instruments[0].applied);
        assert!(m.diagnostics.iter().any(|x| x.message.contains("has no cooling")), "{:?}", m.diagnostics);
    }

    #[test]
    fn coverage_too_large_to_sum_is_left_out_not_a_panic() {
        let mut m = Market::default();
        for f in ["A", "B"] {
            let fm =
                FacilityMarket { consumption_mwh: Decimal::MAX, grid_average_mwh: Decimal::MAX, ..Default::default() };
            m.by_facility.insert(Arc::from(f), fm);
        }
        assert!(m.coverage().is_empty());
        let one = CoverageShare {
            energy: Scope2Category::Heat,
            by: CoveredBy::SupplierRate,
            quantity: Decimal::MAX,
            of: d("2"),
        };
        assert_eq!(one.percent(), None);
    }
}
