//! Units of measure with a physical dimension, and exact conversions between them.
//!
//! Every activity quantity and every factor denominator is a [`Unit`]. Two units convert into
//! each other only when they share a [`Dimension`]; crossing dimensions (tonnes of coal into GJ)
//! needs a factor that supplies the link, such as a net calorific value.
//!
//! Conversion ratios are exact definitions (the international pound, the US gallon, the IT
//! British thermal unit, the Chinese tonne of coal equivalent of GB/T 2589). Multiplying by a
//! ratio is exact; dividing by one may not terminate, and is then rounded to rust_decimal's
//! precision (at most 28 decimal places) and reported as inexact in the lineage.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// What a unit measures. Units convert only within one dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Mass,
    /// Geometric volume of liquids and solids (L, m3, gallons).
    Volume,
    /// Gas volume at normal conditions, 0 °C and 101.325 kPa (Nm3; China's 万立方米).
    NormalGasVolume,
    /// Gas volume at US standard conditions, 60 °F and 14.696 psia (scf, Mcf).
    StandardGasVolume,
    Energy,
    Distance,
    PassengerDistance,
    FreightDistance,
    Area,
    RoomNights,
    Count,
    /// Money in one currency; two currencies never convert into each other.
    Money(Currency),
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Dimension::Mass => "mass",
            Dimension::Volume => "volume",
            Dimension::NormalGasVolume => "gas volume at normal conditions",
            Dimension::StandardGasVolume => "gas volume at US standard conditions",
            Dimension::Energy => "energy",
            Dimension::Distance => "distance",
            Dimension::PassengerDistance => "passenger distance",
            Dimension::FreightDistance => "freight distance (tonne-km)",
            Dimension::Area => "area",
            Dimension::RoomNights => "room-nights",
            Dimension::Count => "count",
            Dimension::Money(c) => return write!(f, "money ({c})"),
        };
        f.write_str(s)
    }
}

/// An ISO 4217 currency code: three ASCII capital letters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

/// Active ISO 4217 currency codes. A three-letter word that is not one of these is not money.
const ISO_4217: &str =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD \
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD \
HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD \
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG \
QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD \
TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL";

impl Currency {
    pub fn parse(code: &str) -> Option<Currency> {
        let b = code.as_bytes();
        if b.len() == 3 && ISO_4217.split_ascii_whitespace().any(|c| c == code) {
            Some(Currency([b[0], b[1], b[2]]))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        // Constructed only from ASCII capitals, so always valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

macro_rules! units {
    ($( $variant:ident => $dim:ident, $symbol:literal, $to_base:literal, [$($alias:literal),*] ; )*) => {
        /// A unit of a physical (non-money) dimension.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum PhysicalUnit { $($variant),* }

        impl PhysicalUnit {
            pub const ALL: &'static [PhysicalUnit] = &[$(PhysicalUnit::$variant),*];

            pub fn dimension(self) -> Dimension {
                match self { $(PhysicalUnit::$variant => Dimension::$dim),* }
            }

            /// The canonical symbol, as written in output.
            pub fn symbol(self) -> &'static str {
                match self { $(PhysicalUnit::$variant => $symbol),* }
            }

            /// How many base units of the dimension one of this unit is (an exact definition).
            pub fn to_base(self) -> Decimal {
                match self { $(PhysicalUnit::$variant => dec($to_base)),* }
            }

            /// Other accepted spellings (lower case; matching ignores case).
            pub fn aliases(self) -> &'static [&'static str] {
                match self { $(PhysicalUnit::$variant => &[$($alias),*]),* }
            }
        }
    };
}

// Base units: kg, m3, Nm3, scf, GJ, km, passenger-km, tonne-km, m2, room-night, item.
units! {
    Gram => Mass, "g", "0.001", ["gram", "grams", "克"];
    Kilogram => Mass, "kg", "1", ["kilogram", "kilograms", "kgs", "千克", "公斤"];
    Tonne => Mass, "t", "1000", ["tonne", "tonnes", "metric ton", "metric tons", "吨"];
    Kilotonne => Mass, "kt", "1000000", ["kilotonne", "kilotonnes", "千吨"];
    Gigagram => Mass, "Gg", "1000000", ["gigagram"];
    WanTonne => Mass, "10^4 t", "10000000", ["万吨", "10000 t", "1e4 t"];
    Pound => Mass, "lb", "0.45359237", ["lbs", "pound", "pounds"];
    ShortTon => Mass, "short ton", "907.18474", ["short tons", "ton (us)", "us ton", "short_ton"];
    LongTon => Mass, "long ton", "1016.0469088", ["long tons", "ton (uk)", "uk ton", "long_ton"];

    Millilitre => Volume, "mL", "0.000001", ["milliliter", "millilitre", "毫升"];
    Litre => Volume, "L", "0.001", ["litre", "litres", "liter", "liters", "升"];
    CubicMetre => Volume, "m3", "1", ["m^3", "m³", "cubic metre", "cubic meter", "cubic metres", "立方米"];
    UsGallon => Volume, "US gal", "0.003785411784", ["gal", "gallon", "gallons", "us gallon", "us gallons", "usgal"];
    UkGallon => Volume, "UK gal", "0.00454609", ["uk gallon", "uk gallons", "imperial gallon", "ukgal"];
    Barrel => Volume, "bbl", "0.158987294928", ["barrel", "barrels", "桶"];

    NormalCubicMetre => NormalGasVolume, "Nm3", "1", ["nm^3", "nm³", "normal cubic metre", "标准立方米", "标方"];
    WanNormalCubicMetre => NormalGasVolume, "10^4 Nm3", "10000", ["10^4nm3", "10000 nm3", "1e4 nm3", "万nm3", "万立方米", "万标方", "万标准立方米"];
    YiNormalCubicMetre => NormalGasVolume, "10^8 Nm3", "100000000", ["10^8nm3", "亿立方米", "亿nm3"];

    StandardCubicFoot => StandardGasVolume, "scf", "1", ["standard cubic foot", "standard cubic feet"];
    ThousandStandardCubicFeet => StandardGasVolume, "Mcf", "1000", ["mscf", "thousand cubic feet"];
    MillionStandardCubicFeet => StandardGasVolume, "MMcf", "1000000", ["mmscf", "million cubic feet"];

    Joule => Energy, "J", "0.000000001", ["joule", "焦耳"];
    Kilojoule => Energy, "kJ", "0.000001", ["kilojoule", "千焦"];
    Megajoule => Energy, "MJ", "0.001", ["megajoule", "兆焦"];
    Gigajoule => Energy, "GJ", "1", ["gigajoule", "吉焦"];
    Terajoule => Energy, "TJ", "1000", ["terajoule", "太焦"];
    WattHour => Energy, "Wh", "0.0000036", ["watt-hour"];
    KilowattHour => Energy, "kWh", "0.0036", ["kw h", "kw·h", "kw-h", "kilowatt-hour", "kilowatt hour", "千瓦时", "度"];
    MegawattHour => Energy, "MWh", "3.6", ["mw h", "mw·h", "megawatt-hour", "megawatt hour", "兆瓦时"];
    GigawattHour => Energy, "GWh", "3600", ["gw h", "gigawatt-hour"];
    WanKilowattHour => Energy, "10^4 kWh", "36", ["万千瓦时", "万度", "10000 kwh", "1e4 kwh"];
    Kilocalorie => Energy, "kcal", "0.0000041868", ["kilocalorie"];
    Btu => Energy, "Btu", "0.00000105505585262", ["british thermal unit"];
    MillionBtu => Energy, "MMBtu", "1.05505585262", ["mbtu (million)", "million btu"];
    Therm => Energy, "therm", "0.105505585262", ["therms", "thm"];
    TonneCoalEquivalent => Energy, "tce", "29.3076", ["吨标准煤", "吨标煤", "t coal eq", "tonne coal equivalent"];

    Metre => Distance, "m", "0.001", ["metre", "meter", "metres", "meters", "米"];
    Kilometre => Distance, "km", "1", ["kilometre", "kilometer", "kilometres", "kilometers", "公里", "千米"];
    Mile => Distance, "mile", "1.609344", ["miles", "mi"];
    NauticalMile => Distance, "nmi", "1.852", ["nautical mile", "nautical miles", "海里"];

    PassengerKilometre => PassengerDistance, "pkm", "1", ["passenger-km", "passenger.km", "passenger km", "p.km", "人公里", "人·公里"];
    PassengerMile => PassengerDistance, "passenger-mile", "1.609344", ["passenger mile", "passenger miles", "pmi", "passenger-miles"];

    TonneKilometre => FreightDistance, "tkm", "1", ["tonne-km", "tonne.km", "tonne km", "t.km", "t·km", "吨公里", "吨·公里"];
    TonMile => FreightDistance, "ton-mile", "1.45997231821056", ["short ton-mile", "ton mile", "ton miles", "ton-miles"];

    SquareMetre => Area, "m2", "1", ["m^2", "m²", "square metre", "square meter", "平方米"];
    SquareFoot => Area, "ft2", "0.09290304", ["ft^2", "sq ft", "square foot", "square feet"];

    RoomNight => RoomNights, "room-night", "1", ["room night", "room nights", "room-nights", "night", "nights", "间夜"];

    Item => Count, "item", "1", ["items", "unit", "units", "pcs", "piece", "pieces", "each", "个", "件", "台"];
}

fn dec(s: &str) -> Decimal {
    // The literals above are fixed, valid decimals; a unit test parses every one of them.
    Decimal::from_str(s).unwrap_or(Decimal::ZERO)
}

/// How money amounts are scaled: plain currency units, or China's 万元 (10,000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MoneyScale {
    One,
    Thousand,
    TenThousand,
    Million,
}

impl MoneyScale {
    fn factor(self) -> Decimal {
        match self {
            MoneyScale::One => Decimal::ONE,
            MoneyScale::Thousand => Decimal::from(1_000),
            MoneyScale::TenThousand => Decimal::from(10_000),
            MoneyScale::Million => Decimal::from(1_000_000),
        }
    }
}

/// A unit of measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Physical(PhysicalUnit),
    Money(Currency, MoneyScale),
}

/// Why a unit could not be read or converted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    #[error("unknown unit '{0}'")]
    Unknown(String),
    #[error("cannot convert {from} ({from_dim}) to {to} ({to_dim}): different dimensions")]
    DimensionMismatch { from: Unit, from_dim: Dimension, to: Unit, to_dim: Dimension },
    #[error("the converted quantity is too large to represent")]
    Overflow,
}

/// The result of converting a quantity: the value, and whether it is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Converted {
    pub value: Decimal,
    /// The multiplier applied (to-unit per from-unit).
    pub ratio: Decimal,
    pub exact: bool,
}

impl Unit {
    pub fn dimension(self) -> Dimension {
        match self {
            Unit::Physical(u) => u.dimension(),
            Unit::Money(c, _) => Dimension::Money(c),
        }
    }

    fn to_base(self) -> Decimal {
        match self {
            Unit::Physical(u) => u.to_base(),
            Unit::Money(_, s) => s.factor(),
        }
    }

    /// Parse a unit as people write it: canonical symbols, common spellings, Chinese names.
    /// Matching ignores case and surrounding space, except that currency codes are upper case.
    pub fn parse(text: &str) -> Result<Unit, UnitError> {
        let t = text.trim();
        let lower = t.to_lowercase();
        for &u in PhysicalUnit::ALL {
            if u.symbol().to_lowercase() == lower || u.aliases().contains(&lower.as_str()) {
                return Ok(Unit::Physical(u));
            }
        }
        parse_money(t).ok_or_else(|| UnitError::Unknown(t.to_string()))
    }

    /// Convert `value` of this unit into `to`. Exact unless the ratio does not terminate.
    pub fn convert(self, value: Decimal, to: Unit) -> Result<Converted, UnitError> {
        if self.dimension() != to.dimension() {
            return Err(UnitError::DimensionMismatch {
                from: self,
                from_dim: self.dimension(),
                to,
                to_dim: to.dimension(),
            });
        }
        if self == to {
            return Ok(Converted { value, ratio: Decimal::ONE, exact: true });
        }
        let (from_base, to_base) = (self.to_base(), to.to_base());
        let numerator = value.checked_mul(from_base).ok_or(UnitError::Overflow)?;
        let converted = numerator.checked_div(to_base).ok_or(UnitError::Overflow)?;
        let ratio = from_base.checked_div(to_base).ok_or(UnitError::Overflow)?;
        // Exact when converted × to == value × from holds in integers: rust_decimal rounds both
        // the product and the quotient past 28 decimal places, so its own arithmetic cannot tell.
        let exact = exactly_equal_products(converted, to_base, value, from_base);
        Ok(Converted { value: converted, ratio, exact })
    }
}

/// The unit reference (`docs/units.md`), generated from the definitions above.
pub fn units_markdown() -> String {
    use std::fmt::Write as _;
    let base = |d: Dimension| match d {
        Dimension::Mass => "kg",
        Dimension::Volume => "m3",
        Dimension::NormalGasVolume => "Nm3",
        Dimension::StandardGasVolume => "scf",
        Dimension::Energy => "GJ",
        Dimension::Distance => "km",
        Dimension::PassengerDistance => "pkm",
        Dimension::FreightDistance => "tkm",
        Dimension::Area => "m2",
        Dimension::RoomNights => "room-night",
        Dimension::Count => "item",
        Dimension::Money(_) => "",
    };
    let mut o = String::from(
        "# Units\n\n<!-- Generated from src/unit.rs by `UPDATE_DOCS=1 cargo test --test docs_in_sync`; do not edit. -->\n\n\
Units convert only within one dimension. Each definition is exact. Spellings match without regard to case.\n\
Nm3 (0 °C, 101.325 kPa), scf (60 °F, 14.696 psia) and geometric m3 are different dimensions: converting\n\
between them needs the gas's temperature and pressure, which a unit cannot know.\n\n\
| dimension | unit | equals | also written |\n| --- | --- | --- | --- |\n",
    );
    for &u in PhysicalUnit::ALL {
        let d = u.dimension();
        let _ = writeln!(
            o,
            "| {d} | `{}` | {} {} | {} |",
            u.symbol(),
            u.to_base().normalize(),
            base(d),
            u.aliases().join(", ")
        );
    }
    o.push_str(
        "\nMoney: any active ISO 4217 code in capitals (`USD`, `CNY`, `EUR`), optionally scaled: `kUSD` (thousand), \
`MUSD` (million), `10^4 CNY`; `元`, `RMB` and `人民币` are CNY, `千元` thousand CNY, `万元` ten thousand CNY. \
Two currencies never convert into each other: exchange rates are not units.\n",
    );
    o
}

/// Whether a × b == c × d exactly, computed on the integer mantissas. Anything that does not fit
/// in 128 bits counts as not equal: the caller then reports the conversion as inexact, the safe
/// side.
pub(crate) fn exactly_equal_products(a: Decimal, b: Decimal, c: Decimal, d: Decimal) -> bool {
    let side = |x: Decimal, y: Decimal| Some((x.mantissa().checked_mul(y.mantissa())?, x.scale() + y.scale()));
    let (Some((left, ls)), Some((right, rs))) = (side(a, b), side(c, d)) else { return false };
    let align = |v: i128, by: u32| 10i128.checked_pow(by).and_then(|p| v.checked_mul(p));
    let (left, right) = match ls.cmp(&rs) {
        std::cmp::Ordering::Less => (align(left, rs - ls), Some(right)),
        std::cmp::Ordering::Greater => (Some(left), align(right, ls - rs)),
        std::cmp::Ordering::Equal => (Some(left), Some(right)),
    };
    matches!((left, right), (Some(l), Some(r)) if l == r)
}

fn parse_money(t: &str) -> Option<Unit> {
    match t {
        "元" | "人民币" | "RMB" => return Some(Unit::Money(Currency(*b"CNY"), MoneyScale::One)),
        "万元" => return Some(Unit::Money(Currency(*b"CNY"), MoneyScale::TenThousand)),
        "千元" => return Some(Unit::Money(Currency(*b"CNY"), MoneyScale::Thousand)),
        _ => {}
    }
    if let Some(c) = Currency::parse(t) {
        return Some(Unit::Money(c, MoneyScale::One));
    }
    // `split_at_checked`: the last three bytes may fall inside a character ("万m3(标)").
    let (prefix, code) = t.split_at_checked(t.len().checked_sub(3)?)?;
    let code = Currency::parse(code)?;
    let scale = match prefix.trim() {
        "k" | "thousand" | "1000" => MoneyScale::Thousand,
        "10^4" | "10000" => MoneyScale::TenThousand,
        "M" | "million" | "10^6" => MoneyScale::Million,
        _ => return None,
    };
    Some(Unit::Money(code, scale))
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Physical(u) => f.write_str(u.symbol()),
            Unit::Money(c, MoneyScale::One) => write!(f, "{c}"),
            Unit::Money(c, MoneyScale::Thousand) => write!(f, "k{c}"),
            Unit::Money(c, MoneyScale::TenThousand) => write!(f, "10^4 {c}"),
            Unit::Money(c, MoneyScale::Million) => write!(f, "M{c}"),
        }
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for Unit {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros_free::d;

    mod rust_decimal_macros_free {
        pub fn d(s: &str) -> rust_decimal::Decimal {
            s.parse().unwrap()
        }
    }

    /// Found by the import work: a unit whose last three bytes split a character panicked.
    #[test]
    fn text_ending_inside_a_character_is_not_a_unit_and_does_not_panic() {
        for t in ["万m3(标)", "立方米x", "xx元", "k万元", "吨", "10^4 CNY元"] {
            let _ = Unit::parse(t);
        }
        assert!(Unit::parse("万m3(标)").is_err());
        assert_eq!(Unit::parse("k CNY").ok(), Some(Unit::Money(Currency(*b"CNY"), MoneyScale::Thousand)));
    }

    #[test]
    fn every_ratio_literal_parses_and_is_positive() {
        for &u in PhysicalUnit::ALL {
            assert!(u.to_base() > Decimal::ZERO, "{u:?}");
        }
    }

    #[test]
    fn symbols_and_aliases_are_unambiguous() {
        let mut seen = std::collections::HashMap::new();
        for &u in PhysicalUnit::ALL {
            for name in std::iter::once(u.symbol().to_lowercase()).chain(u.aliases().iter().map(|a| a.to_string())) {
                assert_eq!(name, name.to_lowercase(), "aliases are written lower case: {name}");
                if let Some(prev) = seen.insert(name.clone(), u) {
                    panic!("'{name}' names both {prev:?} and {u:?}");
                }
            }
        }
    }

    #[test]
    fn parses_symbols_aliases_and_chinese() {
        assert_eq!(Unit::parse("kWh").unwrap(), Unit::Physical(PhysicalUnit::KilowattHour));
        assert_eq!(Unit::parse(" KWH ").unwrap(), Unit::Physical(PhysicalUnit::KilowattHour));
        assert_eq!(Unit::parse("万立方米").unwrap(), Unit::Physical(PhysicalUnit::WanNormalCubicMetre));
        assert_eq!(Unit::parse("10^4 Nm3").unwrap(), Unit::Physical(PhysicalUnit::WanNormalCubicMetre));
        assert_eq!(Unit::parse("吨").unwrap(), Unit::Physical(PhysicalUnit::Tonne));
        assert_eq!(Unit::parse("USD").unwrap(), Unit::Money(Currency(*b"USD"), MoneyScale::One));
        assert_eq!(Unit::parse("万元").unwrap(), Unit::Money(Currency(*b"CNY"), MoneyScale::TenThousand));
        assert_eq!(Unit::parse("kEUR").unwrap(), Unit::Money(Currency(*b"EUR"), MoneyScale::Thousand));
        assert!(matches!(Unit::parse("usd"), Err(UnitError::Unknown(_))));
        assert!(matches!(Unit::parse("furlong"), Err(UnitError::Unknown(_))));
    }

    #[test]
    fn exact_conversions() {
        let kwh = Unit::Physical(PhysicalUnit::KilowattHour);
        let mwh = Unit::Physical(PhysicalUnit::MegawattHour);
        let gj = Unit::Physical(PhysicalUnit::Gigajoule);
        let mmbtu = Unit::Physical(PhysicalUnit::MillionBtu);
        let c = kwh.convert(d("1500"), mwh).unwrap();
        assert_eq!((c.value, c.exact), (d("1.5"), true));
        let c = mmbtu.convert(d("10"), gj).unwrap();
        assert_eq!((c.value, c.exact), (d("10.5505585262"), true));
        let c = Unit::parse("Nm3").unwrap().convert(d("12345"), Unit::parse("10^4 Nm3").unwrap()).unwrap();
        assert_eq!((c.value, c.exact), (d("1.2345"), true));
        let c = Unit::parse("short ton").unwrap().convert(d("2"), Unit::parse("lb").unwrap()).unwrap();
        assert_eq!((c.value, c.exact), (d("4000"), true));
        let c = gj.convert(d("1"), mmbtu).unwrap();
        assert!(!c.exact, "1 GJ in MMBtu does not terminate");
    }

    #[test]
    fn refuses_cross_dimension_and_cross_currency() {
        let t = Unit::parse("t").unwrap();
        assert!(matches!(t.convert(d("1"), Unit::parse("GJ").unwrap()), Err(UnitError::DimensionMismatch { .. })));
        assert!(Unit::parse("Nm3").unwrap().convert(d("1"), Unit::parse("scf").unwrap()).is_err());
        assert!(Unit::parse("Nm3").unwrap().convert(d("1"), Unit::parse("m3").unwrap()).is_err());
        assert!(Unit::parse("USD").unwrap().convert(d("1"), Unit::parse("CNY").unwrap()).is_err());
        assert_eq!(
            Unit::parse("万元").unwrap().convert(d("2.5"), Unit::parse("CNY").unwrap()).unwrap().value,
            d("25000")
        );
    }
}
