//! Reading an instruments file (`calc --instruments INSTR.csv`): one [`Instrument`] per valid
//! row, every problem as a diagnostic at its file line and column.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::InstrumentKind;
use crate::classify::Scope2Category;
use crate::columns::Columns;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::number::parse_decimal;
use crate::period::parse_date;
use crate::region::Region;
/// One row of an instruments file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instrument {
    pub row: u64,
    pub facility: String,
    pub instrument: InstrumentKind,
    /// What the instrument is for: electricity (an empty or absent `energy` cell), or purchased
    /// heat, steam or cooling (a supplier's rate only; decision 0058).
    #[serde(skip_serializing_if = "is_electricity")]
    pub energy: Scope2Category,
    /// The quantity in MWh; `None` only for heat, steam or cooling given in GJ (`gj`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mwh: Option<Decimal>,
    /// Heat, steam or cooling in GJ, when the row gives it so (its `mwh` cell then empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gj: Option<Decimal>,
    pub emission_rate_kg_per_mwh: Decimal,
    pub generation_start: NaiveDate,
    pub generation_end: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<Region>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// When the contract (a PPA, a green tariff, a certificate purchase) was signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_date: Option<NaiveDate>,
    /// Whether the same attribute was also claimed as a CCER (an offset). `Some(true)` fails the
    /// `unique` criterion: the attribute would count twice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ccer_claimed: Option<bool>,
}

pub const REQUIRED_COLUMNS: &[&str] =
    &["facility", "instrument", "mwh", "emission_rate_kg_per_mwh", "generation_start", "generation_end"];
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "market",
    "registry",
    "serial_from",
    "serial_to",
    "retired_on",
    "beneficiary",
    "evidence",
    "contract_date",
    "ccer_claimed",
    "energy",
    "gj",
];

fn is_electricity(e: &Scope2Category) -> bool {
    *e == Scope2Category::Electricity
}

/// GJ in one MWh.
const GJ_PER_MWH: Decimal = Decimal::from_parts(36, 0, 0, false, 1);

impl Instrument {
    /// The quantity in the unit of its energy's uses ([`super::EnergyUse::quantity`]): MWh of
    /// electricity, GJ of heat, steam or cooling (MWh × 3.6, exact). The reader gives every row
    /// exactly one of `mwh` and `gj` (`gj` only for heat, steam and cooling); an instrument built
    /// otherwise has no quantity and covers nothing.
    pub fn quantity(&self) -> Decimal {
        match (self.energy, self.gj, self.mwh) {
            (Scope2Category::Electricity, None, Some(m)) => m,
            (Scope2Category::Electricity, _, _) => Decimal::ZERO,
            (_, Some(gj), _) => gj,
            // The reader refuses an `mwh` whose GJ overflow.
            (_, None, Some(m)) => m.checked_mul(GJ_PER_MWH).unwrap_or(Decimal::ZERO),
            (_, None, None) => Decimal::ZERO,
        }
    }

    /// A quantity in the unit of its uses, as MWh (GJ ÷ 3.6 for heat, steam and cooling).
    pub fn as_mwh(&self, quantity: Decimal) -> Decimal {
        if self.energy == Scope2Category::Electricity {
            quantity
        } else {
            quantity / GJ_PER_MWH
        }
    }

    /// Market-based CO2e of `quantity` (in the unit of [`Instrument::quantity`]) at its rate,
    /// kg; `None` when it is too large to compute exactly.
    pub fn co2e_kg(&self, quantity: Decimal) -> Option<Decimal> {
        let kg = quantity.checked_mul(self.emission_rate_kg_per_mwh)?;
        if self.energy == Scope2Category::Electricity {
            Some(kg)
        } else {
            kg.checked_div(GJ_PER_MWH)
        }
    }

    /// The unit of [`Instrument::quantity`].
    pub fn unit(&self) -> &'static str {
        if self.energy == Scope2Category::Electricity {
            "MWh"
        } else {
            "GJ"
        }
    }
}

/// The text of a `ccer_claimed` cell: `yes`/`no` (also `true`/`false`, `y`/`n`, `是`/`否`),
/// any case. `None` for anything else.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "是" => Some(true),
        "no" | "n" | "false" | "否" => Some(false),
        _ => None,
    }
}

/// The canonical text of a `ccer_claimed` value.
pub fn yes_no(v: bool) -> &'static str {
    if v {
        "yes"
    } else {
        "no"
    }
}

/// Read an instruments file: every valid instrument, and every problem found (a row with an
/// error gives no instrument).
pub fn read_instruments(file: &str, bytes: &[u8]) -> (Vec<Instrument>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let diags =
        crate::columns::read_rows(file, bytes, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, |line, cols, record, diags| {
            out.extend(row(file, line, cols, record, diags));
        });
    (out, diags)
}

fn row(
    file: &str,
    line: u64,
    cols: &Columns,
    record: &csv::StringRecord,
    diags: &mut Vec<Diagnostic>,
) -> Option<Instrument> {
    let before = diags.len();
    let cell = |c: &str| cols.get(record, c).trim();
    let mut err = |code: Code, column: &str, msg: String| {
        diags.push(Diagnostic::error(code, Location::cell(file, line, column), msg));
    };
    let opt = |c: &str| Some(cell(c).to_string()).filter(|v| !v.is_empty());
    let facility = opt("facility");
    if facility.is_none() {
        err(Code::MissingValue, "facility", "the 'facility' cell is empty; every row needs one".into());
    }
    let kind_text = cell("instrument");
    let instrument = InstrumentKind::parse(kind_text);
    if instrument.is_none() {
        let names: Vec<&str> = InstrumentKind::ALL.iter().map(|k| k.as_str()).collect();
        err(
            Code::InvalidValue,
            "instrument",
            format!("'{kind_text}' is not an instrument; use one of: {}", names.join(", ")),
        );
    }
    let number = |column: &str, positive: bool, err: &mut dyn FnMut(Code, &str, String)| {
        let text = cell(column);
        if text.is_empty() {
            err(Code::MissingValue, column, format!("the '{column}' cell is empty; every row needs one"));
            return None;
        }
        match parse_decimal(text) {
            Ok(v) if v < Decimal::ZERO || (positive && v.is_zero()) => {
                let need = if positive { "above zero" } else { "zero or more" };
                err(Code::NonPositiveValue, column, format!("'{column}' must be {need}, found {text}"));
                None
            }
            Ok(v) => Some(v),
            Err(reason) => {
                err(Code::MalformedNumber, column, format!("'{text}' is not a number: {reason}"));
                None
            }
        }
    };
    let energy_text = cell("energy");
    let energy = match energy_text.to_ascii_lowercase().as_str() {
        "" | "electricity" => Some(Scope2Category::Electricity),
        "heat" => Some(Scope2Category::Heat),
        "steam" => Some(Scope2Category::Steam),
        "cooling" => Some(Scope2Category::Cooling),
        _ => {
            err(
                Code::InvalidValue,
                "energy",
                format!("'{energy_text}' is not an energy; use electricity, heat, steam or cooling"),
            );
            None
        }
    };
    let other_energy = energy.is_some_and(|e| e != Scope2Category::Electricity);
    if other_energy && instrument.is_some_and(|k| k != InstrumentKind::SupplierRate) {
        err(
            Code::InvalidValue,
            "instrument",
            format!(
                "{} is an electricity instrument; for purchased {energy_text} give the supplier's rate (supplier-rate)",
                kind_text
            ),
        );
    }
    let (mwh, gj) = match (other_energy, cell("mwh").is_empty(), cell("gj").is_empty()) {
        (true, true, false) => (None, number("gj", true, &mut err)),
        (true, false, false) => {
            err(Code::InvalidValue, "gj", "give the quantity once: in 'mwh' or in 'gj', not both".into());
            (None, None)
        }
        (false, _, false) => {
            err(Code::InvalidValue, "gj", "'gj' is for heat, steam or cooling; give electricity in 'mwh'".into());
            (None, None)
        }
        _ => (number("mwh", true, &mut err), None),
    };
    if other_energy && mwh.is_some_and(|m| m.checked_mul(GJ_PER_MWH).is_none()) {
        err(Code::Overflow, "mwh", format!("{} MWh is too large to compute in GJ exactly", cell("mwh")));
    }
    let rate = number("emission_rate_kg_per_mwh", false, &mut err);
    let date = |column: &str, required: bool, err: &mut dyn FnMut(Code, &str, String)| {
        let text = cell(column);
        if text.is_empty() {
            if required {
                err(Code::MissingValue, column, format!("the '{column}' cell is empty; every row needs one"));
            }
            return None;
        }
        parse_date(text).map_err(|r| err(Code::MalformedDate, column, format!("'{text}' is not a date: {r}"))).ok()
    };
    let start = date("generation_start", true, &mut err);
    let end = date("generation_end", true, &mut err);
    let retired_on = date("retired_on", false, &mut err);
    let contract_date = date("contract_date", false, &mut err);
    let ccer_text = cell("ccer_claimed");
    let ccer_claimed = if ccer_text.is_empty() {
        None
    } else {
        let v = parse_yes_no(ccer_text);
        if v.is_none() {
            err(Code::InvalidValue, "ccer_claimed", format!("'{ccer_text}' is not yes or no"));
        }
        v
    };
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            err(
                Code::ImpossibleDateRange,
                "generation_end",
                format!("the generation period ends ({e}) before it starts ({s})"),
            );
        }
    }
    let market_text = cell("market");
    let market = if market_text.is_empty() {
        None
    } else {
        let r = Region::parse(market_text);
        if r.is_none() {
            err(Code::InvalidRegion, "market", format!("'{market_text}' is not a region code (e.g. CN, CN-GD, GB)"));
        }
        r
    };
    if diags.len() > before {
        return None;
    }
    Some(Instrument {
        row: line,
        facility: facility?,
        instrument: instrument?,
        energy: energy?,
        mwh: if gj.is_some() { None } else { Some(mwh?) },
        gj,
        emission_rate_kg_per_mwh: rate?,
        generation_start: start?,
        generation_end: end?,
        market,
        registry: opt("registry"),
        serial_from: opt("serial_from"),
        serial_to: opt("serial_to"),
        retired_on,
        beneficiary: opt("beneficiary"),
        evidence: opt("evidence"),
        contract_date,
        ccer_claimed,
    })
}
