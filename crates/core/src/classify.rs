//! Scopes, categories, and the ISO 14064-1:2018 categories they map to.

use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope1Category {
    Stationary,
    Mobile,
    Process,
    Fugitive,
}

impl Scope1Category {
    /// The name a factor file writes (`stationary`, `mobile`, `process`, `fugitive`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope1Category::Stationary => "stationary",
            Scope1Category::Mobile => "mobile",
            Scope1Category::Process => "process",
            Scope1Category::Fugitive => "fugitive",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope2Category {
    Electricity,
    Heat,
    Steam,
    Cooling,
}

impl Scope2Category {
    /// The name a factor file writes (`electricity`, `heat`, `steam`, `cooling`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope2Category::Electricity => "electricity",
            Scope2Category::Heat => "heat",
            Scope2Category::Steam => "steam",
            Scope2Category::Cooling => "cooling",
        }
    }
}

/// A GHG Protocol Scope 3 category, 1 to 15.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope3Category(u8);

const SCOPE3_NAMES: [&str; 15] = [
    "Purchased goods and services",
    "Capital goods",
    "Fuel- and energy-related activities",
    "Upstream transportation and distribution",
    "Waste generated in operations",
    "Business travel",
    "Employee commuting",
    "Upstream leased assets",
    "Downstream transportation and distribution",
    "Processing of sold products",
    "Use of sold products",
    "End-of-life treatment of sold products",
    "Downstream leased assets",
    "Franchises",
    "Investments",
];

impl Scope3Category {
    pub fn new(n: u8) -> Option<Scope3Category> {
        (1..=15).contains(&n).then_some(Scope3Category(n))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    pub fn name(self) -> &'static str {
        SCOPE3_NAMES[usize::from(self.0 - 1)]
    }

    pub fn all() -> impl Iterator<Item = Scope3Category> {
        (1..=15).map(Scope3Category)
    }
}

impl Serialize for Scope3Category {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

/// Where an emission belongs in a GHG Protocol inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "scope", content = "category")]
pub enum Classification {
    #[serde(rename = "1")]
    Scope1(Scope1Category),
    #[serde(rename = "2")]
    Scope2(Scope2Category),
    #[serde(rename = "3")]
    Scope3(Scope3Category),
}

impl Classification {
    /// Parse the `scope` and `category` columns of a factor file.
    pub fn parse(scope: &str, category: &str) -> Result<Classification, ClassificationError> {
        let category = category.trim();
        match scope.trim() {
            "1" => Ok(Classification::Scope1(match category.to_ascii_lowercase().as_str() {
                "stationary" => Scope1Category::Stationary,
                "mobile" => Scope1Category::Mobile,
                "process" => Scope1Category::Process,
                "fugitive" => Scope1Category::Fugitive,
                _ => return Err(ClassificationError::Category { scope: 1, category: category.to_string() }),
            })),
            "2" => Ok(Classification::Scope2(match category.to_ascii_lowercase().as_str() {
                "electricity" => Scope2Category::Electricity,
                "heat" => Scope2Category::Heat,
                "steam" => Scope2Category::Steam,
                "cooling" => Scope2Category::Cooling,
                _ => return Err(ClassificationError::Category { scope: 2, category: category.to_string() }),
            })),
            "3" => category
                .parse::<u8>()
                .ok()
                .and_then(Scope3Category::new)
                .map(Classification::Scope3)
                .ok_or_else(|| ClassificationError::Category { scope: 3, category: category.to_string() }),
            other => Err(ClassificationError::Scope(other.to_string())),
        }
    }

    /// The category as a factor file's `category` column writes it: `stationary`, `electricity`,
    /// or the Scope 3 category's number (`1` to `15`). [`Classification::parse`] reads it back.
    pub fn category_text(self) -> String {
        match self {
            Classification::Scope1(c) => c.as_str().to_string(),
            Classification::Scope2(c) => c.as_str().to_string(),
            Classification::Scope3(c) => c.number().to_string(),
        }
    }

    pub fn scope(self) -> u8 {
        match self {
            Classification::Scope1(_) => 1,
            Classification::Scope2(_) => 2,
            Classification::Scope3(_) => 3,
        }
    }

    /// The ISO 14064-1:2018 category (1–6). Scope 3 follows the usual crosswalk; see
    /// `docs/decisions/0004-iso-14064-category-mapping.md`.
    pub fn iso_category(self) -> IsoCategory {
        match self {
            Classification::Scope1(_) => IsoCategory(1),
            Classification::Scope2(_) => IsoCategory(2),
            Classification::Scope3(c) => IsoCategory(match c.number() {
                4 | 6 | 7 | 9 => 3,
                1 | 2 | 3 | 5 | 8 => 4,
                10..=13 => 5,
                _ => 6,
            }),
        }
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Classification::Scope1(c) => write!(f, "Scope 1 / {}", c.as_str()),
            Classification::Scope2(c) => write!(f, "Scope 2 / {}", c.as_str()),
            Classification::Scope3(c) => write!(f, "Scope 3 / category {}", c.number()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClassificationError {
    #[error("scope must be 1, 2 or 3, found '{0}'")]
    Scope(String),
    #[error("'{category}' is not a Scope {scope} category ({})", match scope {
        1 => "stationary, mobile, process or fugitive",
        2 => "electricity, heat, steam or cooling",
        _ => "a number from 1 to 15",
    })]
    Category { scope: u8, category: String },
}

/// An ISO 14064-1:2018 reporting category, 1 to 6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct IsoCategory(u8);

impl IsoCategory {
    pub fn new(n: u8) -> Option<IsoCategory> {
        (1..=6).contains(&n).then_some(IsoCategory(n))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "Direct GHG emissions and removals",
            2 => "Indirect GHG emissions from imported energy",
            3 => "Indirect GHG emissions from transportation",
            4 => "Indirect GHG emissions from products used by the organization",
            5 => "Indirect GHG emissions associated with the use of products from the organization",
            _ => "Indirect GHG emissions from other sources",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_category_and_refuses_others() {
        assert_eq!(
            Classification::parse("1", "Stationary").unwrap(),
            Classification::Scope1(Scope1Category::Stationary)
        );
        assert_eq!(Classification::parse("2", "steam").unwrap(), Classification::Scope2(Scope2Category::Steam));
        for n in 1..=15u8 {
            let c = Classification::parse("3", &n.to_string()).unwrap();
            assert_eq!(c.scope(), 3);
        }
        assert!(Classification::parse("3", "16").is_err());
        assert!(Classification::parse("3", "0").is_err());
        assert!(Classification::parse("4", "1").is_err());
        assert!(Classification::parse("2", "stationary").is_err());
    }

    #[test]
    fn the_category_text_is_what_parse_reads_back() {
        let mut all: Vec<Classification> =
            [Scope1Category::Stationary, Scope1Category::Mobile, Scope1Category::Process, Scope1Category::Fugitive]
                .into_iter()
                .map(Classification::Scope1)
                .collect();
        all.extend(
            [Scope2Category::Electricity, Scope2Category::Heat, Scope2Category::Steam, Scope2Category::Cooling]
                .into_iter()
                .map(Classification::Scope2),
        );
        all.extend(Scope3Category::all().map(Classification::Scope3));
        for c in all {
            let back = Classification::parse(&c.scope().to_string(), &c.category_text()).unwrap();
            assert_eq!(back, c, "{}", c.category_text());
        }
        // The serde names (the report's JSON) are the same words.
        assert_eq!(serde_json::to_value(Scope1Category::Fugitive).unwrap(), "fugitive");
        assert_eq!(serde_json::to_value(Scope2Category::Cooling).unwrap(), "cooling");
    }

    #[test]
    fn every_scope3_category_maps_to_an_indirect_iso_category() {
        for c in Scope3Category::all() {
            let iso = Classification::Scope3(c).iso_category().number();
            assert!((3..=6).contains(&iso), "category {} -> {iso}", c.number());
        }
        assert_eq!(Classification::Scope2(Scope2Category::Heat).iso_category().number(), 2);
    }
}
