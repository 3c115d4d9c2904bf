//! Greenhouse gases, refrigerant blends and GWP-100 sets.
//!
//! The gases are a closed enum; their GWP values and the blends' compositions are data
//! (`emission-factors/gwp/`), loaded and checked by [`GwpTable::parse`]. A gas missing from the
//! chosen set is an error, never a GWP of zero.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::number::parse_decimal;

macro_rules! gases {
    ($( $variant:ident => $name:literal, [$($alias:literal),*] ; )*) => {
        /// A greenhouse gas species.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Gas { $($variant),* }

        impl Gas {
            pub const ALL: &'static [Gas] = &[$(Gas::$variant),*];

            /// The name used in data files and output.
            pub fn name(self) -> &'static str {
                match self { $(Gas::$variant => $name),* }
            }

            fn aliases(self) -> &'static [&'static str] {
                match self { $(Gas::$variant => &[$($alias),*]),* }
            }
        }
    };
}

gases! {
    Co2 => "CO2", ["carbon dioxide", "二氧化碳"];
    Ch4 => "CH4", ["methane", "甲烷"];
    Ch4Fossil => "CH4-fossil", ["fossil ch4", "ch4 fossil", "ch4_fossil"];
    Ch4NonFossil => "CH4-non-fossil", ["non-fossil ch4", "ch4 non-fossil", "ch4_non_fossil", "biogenic ch4"];
    N2o => "N2O", ["nitrous oxide", "氧化亚氮"];
    Sf6 => "SF6", ["sulphur hexafluoride", "sulfur hexafluoride", "六氟化硫"];
    Nf3 => "NF3", ["nitrogen trifluoride", "三氟化氮"];
    Hfc23 => "HFC-23", ["r-23", "r23", "chf3"];
    Hfc32 => "HFC-32", ["r-32", "r32", "ch2f2"];
    Hfc41 => "HFC-41", ["r-41", "ch3f"];
    Hfc125 => "HFC-125", ["r-125", "r125"];
    Hfc134 => "HFC-134", ["r-134"];
    Hfc134a => "HFC-134a", ["r-134a", "r134a"];
    Hfc143 => "HFC-143", ["r-143"];
    Hfc143a => "HFC-143a", ["r-143a", "r143a"];
    Hfc152a => "HFC-152a", ["r-152a", "r152a"];
    Hfc227ea => "HFC-227ea", ["r-227ea", "hfc-227"];
    Hfc236fa => "HFC-236fa", ["r-236fa"];
    Hfc245fa => "HFC-245fa", ["r-245fa"];
    Hfc365mfc => "HFC-365mfc", ["r-365mfc"];
    Hfc4310mee => "HFC-43-10mee", ["hfc-4310mee"];
    Cf4 => "CF4", ["pfc-14", "r-14", "tetrafluoromethane"];
    C2f6 => "C2F6", ["pfc-116", "r-116", "hexafluoroethane"];
    C3f8 => "C3F8", ["pfc-218", "r-218"];
    CC4f8 => "c-C4F8", ["pfc-318", "r-318", "cc4f8"];
    C4f10 => "C4F10", ["pfc-31-10"];
    C6f14 => "C6F14", ["pfc-51-14"];
}

impl Gas {
    /// Parse a gas name or a common alias, ignoring case.
    pub fn parse(text: &str) -> Option<Gas> {
        let lower = text.trim().to_lowercase();
        Gas::ALL.iter().copied().find(|g| g.name().to_lowercase() == lower || g.aliases().contains(&lower.as_str()))
    }
}

impl fmt::Display for Gas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Gas {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A GWP-100 set from an IPCC assessment report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GwpSet {
    AR4,
    AR5,
    AR6,
}

impl GwpSet {
    pub const ALL: [GwpSet; 3] = [GwpSet::AR4, GwpSet::AR5, GwpSet::AR6];

    pub fn parse(text: &str) -> Option<GwpSet> {
        match text.trim().to_ascii_uppercase().as_str() {
            "AR4" => Some(GwpSet::AR4),
            "AR5" => Some(GwpSet::AR5),
            "AR6" => Some(GwpSet::AR6),
            _ => None,
        }
    }

    fn index(self) -> usize {
        match self {
            GwpSet::AR4 => 0,
            GwpSet::AR5 => 1,
            GwpSet::AR6 => 2,
        }
    }

    /// The publication each set comes from.
    pub fn source(self) -> &'static str {
        match self {
            GwpSet::AR4 => "IPCC AR4 WG1 (2007), Ch. 2, Table 2.14, 100-year GWP",
            GwpSet::AR5 => "IPCC AR5 WG1 (2013), Ch. 8, Table 8.A.1, 100-year GWP without climate-carbon feedback",
            GwpSet::AR6 => "IPCC AR6 WG1 (2021), Ch. 7, Table 7.15 and Table 7.SM.7, 100-year GWP",
        }
    }
}

impl fmt::Display for GwpSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A refrigerant blend: its components and their mass fractions (summing to exactly 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blend {
    pub name: String,
    pub components: Vec<(Gas, Decimal)>,
}

/// What a gas column or `other_gas` may name: a pure gas or a blend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Species {
    Gas(Gas),
    Blend(usize),
}

/// GWP-100 values of every gas in every set, and the known blends.
#[derive(Clone, Debug, Default)]
pub struct GwpTable {
    values: BTreeMap<Gas, [Option<Decimal>; 3]>,
    blends: Vec<Blend>,
}

#[derive(Deserialize)]
struct GwpRow {
    gas: String,
    ar4: String,
    ar5: String,
    ar6: String,
}

#[derive(Deserialize)]
struct BlendRow {
    blend: String,
    component: String,
    mass_percent: String,
}

impl GwpTable {
    /// Parse `gwp100.csv` and `blends.csv`. Returns the table and every problem found.
    pub fn parse(gwp_file: &str, gwp_csv: &str, blends_file: &str, blends_csv: &str) -> (GwpTable, Vec<Diagnostic>) {
        let mut table = GwpTable::default();
        let mut diags = Vec::new();
        let mut rdr = csv::Reader::from_reader(gwp_csv.as_bytes());
        for (i, row) in rdr.deserialize::<GwpRow>().enumerate() {
            let line = i as u64 + 2;
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    diags.push(Diagnostic::error(Code::MalformedRow, Location::row(gwp_file, line), e.to_string()));
                    continue;
                }
            };
            let Some(gas) = Gas::parse(&row.gas) else {
                diags.push(Diagnostic::error(
                    Code::UnknownGas,
                    Location::cell(gwp_file, line, "gas"),
                    format!("unknown gas '{}'", row.gas),
                ));
                continue;
            };
            let mut vals = [None; 3];
            for (slot, (col, text)) in vals.iter_mut().zip([("ar4", &row.ar4), ("ar5", &row.ar5), ("ar6", &row.ar6)]) {
                if text.trim().is_empty() {
                    continue;
                }
                match parse_decimal(text) {
                    Ok(v) if v > Decimal::ZERO => *slot = Some(v),
                    Ok(v) => diags.push(Diagnostic::error(
                        Code::NonPositiveValue,
                        Location::cell(gwp_file, line, col),
                        format!("a GWP must be positive, found {v}"),
                    )),
                    Err(reason) => diags.push(Diagnostic::error(
                        Code::MalformedNumber,
                        Location::cell(gwp_file, line, col),
                        format!("'{text}' is not a number: {reason}"),
                    )),
                }
            }
            if table.values.insert(gas, vals).is_some() {
                diags.push(Diagnostic::error(
                    Code::DuplicateId,
                    Location::cell(gwp_file, line, "gas"),
                    format!("gas '{gas}' is listed twice"),
                ));
            }
        }

        let mut rdr = csv::Reader::from_reader(blends_csv.as_bytes());
        let mut percent_sums: BTreeMap<String, (Decimal, u64)> = BTreeMap::new();
        for (i, row) in rdr.deserialize::<BlendRow>().enumerate() {
            let line = i as u64 + 2;
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    diags.push(Diagnostic::error(Code::MalformedRow, Location::row(blends_file, line), e.to_string()));
                    continue;
                }
            };
            let Some(component) = Gas::parse(&row.component) else {
                diags.push(Diagnostic::error(
                    Code::UnknownGas,
                    Location::cell(blends_file, line, "component"),
                    format!("unknown gas '{}'", row.component),
                ));
                continue;
            };
            let pct = match parse_decimal(&row.mass_percent) {
                Ok(v) if v > Decimal::ZERO && v <= Decimal::ONE_HUNDRED => v,
                Ok(v) => {
                    diags.push(Diagnostic::error(
                        Code::OutOfRange,
                        Location::cell(blends_file, line, "mass_percent"),
                        format!("a mass percentage must be above 0 and at most 100, found {v}"),
                    ));
                    continue;
                }
                Err(reason) => {
                    diags.push(Diagnostic::error(
                        Code::MalformedNumber,
                        Location::cell(blends_file, line, "mass_percent"),
                        format!("'{}' is not a number: {reason}", row.mass_percent),
                    ));
                    continue;
                }
            };
            let name = row.blend.trim().to_string();
            let fraction = pct / Decimal::ONE_HUNDRED;
            let entry = percent_sums.entry(name.clone()).or_insert((Decimal::ZERO, line));
            entry.0 += pct;
            match table.blends.iter_mut().find(|b| b.name == name) {
                Some(b) => b.components.push((component, fraction)),
                None => table.blends.push(Blend { name, components: vec![(component, fraction)] }),
            }
        }
        for (name, (sum, line)) in percent_sums {
            if sum != Decimal::ONE_HUNDRED {
                diags.push(Diagnostic::error(
                    Code::OutOfRange,
                    Location::row(blends_file, line),
                    format!("the components of blend '{name}' sum to {sum} %, not 100 %"),
                ));
            }
        }
        (table, diags)
    }

    /// Resolve a gas or blend name.
    pub fn species(&self, name: &str) -> Option<Species> {
        if let Some(g) = Gas::parse(name) {
            return Some(Species::Gas(g));
        }
        let wanted = normalise_blend(name);
        self.blends.iter().position(|b| normalise_blend(&b.name) == wanted).map(Species::Blend)
    }

    pub fn blend(&self, index: usize) -> Option<&Blend> {
        self.blends.get(index)
    }

    pub fn blends(&self) -> &[Blend] {
        &self.blends
    }

    /// The GWP of `gas` in `set`, or `None` when the set has no value for it.
    pub fn gwp(&self, gas: Gas, set: GwpSet) -> Option<Decimal> {
        self.values.get(&gas).and_then(|v| v[set.index()])
    }

    /// The GWP of a blend in `set`, computed exactly from its components.
    pub fn blend_gwp(&self, index: usize, set: GwpSet) -> Option<Decimal> {
        let blend = self.blends.get(index)?;
        let mut total = Decimal::ZERO;
        for &(gas, fraction) in &blend.components {
            total = total.checked_add(fraction.checked_mul(self.gwp(gas, set)?)?)?;
        }
        Some(total.normalize())
    }

    pub fn gases(&self) -> impl Iterator<Item = (Gas, [Option<Decimal>; 3])> + '_ {
        self.values.iter().map(|(g, v)| (*g, *v))
    }
}

/// "R-410A", "R410A" and "r 410a" name the same blend.
fn normalise_blend(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GWP: &str = "gas,formula,ar4,ar5,ar6,source,note\nCO2,CO2,1,1,1,s,\nHFC-32,CH2F2,675,677,771,s,\nHFC-125,C,3500,3170,3740,s,\nNF3,NF3,17200,16100,,s,\n";
    const BLENDS: &str = "blend,component,mass_percent,source\nR-410A,HFC-32,50,s\nR-410A,HFC-125,50,s\n";

    #[test]
    fn blend_gwp_is_the_exact_mass_weighted_sum() {
        let (t, d) = GwpTable::parse("g", GWP, "b", BLENDS);
        assert!(d.is_empty(), "{d:?}");
        let Some(Species::Blend(i)) = t.species("r410a") else { panic!("blend not found") };
        assert_eq!(t.blend_gwp(i, GwpSet::AR5).unwrap().to_string(), "1923.5");
        assert_eq!(t.blend_gwp(i, GwpSet::AR4).unwrap().to_string(), "2087.5");
    }

    #[test]
    fn a_missing_value_is_none_not_zero() {
        let (t, _) = GwpTable::parse("g", GWP, "b", BLENDS);
        assert_eq!(t.gwp(Gas::Nf3, GwpSet::AR6), None);
        assert_eq!(t.gwp(Gas::Sf6, GwpSet::AR5), None);
    }

    #[test]
    fn blend_percentages_must_sum_to_100() {
        let bad = "blend,component,mass_percent,source\nR-X,HFC-32,50,s\nR-X,HFC-125,40,s\n";
        let (_, d) = GwpTable::parse("g", GWP, "b", bad);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("sum to 90 %"), "{}", d[0].message);
    }

    #[test]
    fn gas_names_round_trip() {
        for &g in Gas::ALL {
            assert_eq!(Gas::parse(g.name()), Some(g));
        }
    }
}
