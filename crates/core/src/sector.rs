//! The IPCC 2006 stationary-combustion sectors (Volume 2, Chapter 2, Tables 2.2–2.5): the
//! qualifier some datasets use to tell apart default factors for the same fuel.

use serde::{Deserialize, Serialize};

/// Where a fuel is burnt, as IPCC 2006 tables distinguish it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sector {
    /// Energy industries (IPCC 1.A.1): power, heat, refining.
    Energy,
    /// Manufacturing industries and construction (IPCC 1.A.2).
    Manufacturing,
    /// Commercial and institutional (IPCC 1.A.4.a).
    Commercial,
    /// Residential (IPCC 1.A.4.b).
    Residential,
}

impl Sector {
    pub const ALL: [Sector; 4] = [Sector::Energy, Sector::Manufacturing, Sector::Commercial, Sector::Residential];

    /// The stable name used in files, the store and the CLI (`energy`, `manufacturing`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Energy => "energy",
            Sector::Manufacturing => "manufacturing",
            Sector::Commercial => "commercial",
            Sector::Residential => "residential",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Sector::Energy => "Energy industries",
            Sector::Manufacturing => "Manufacturing industries and construction",
            Sector::Commercial => "Commercial and institutional",
            Sector::Residential => "Residential",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Sector::Energy => "能源工业",
            Sector::Manufacturing => "制造业和建筑业",
            Sector::Commercial => "商业和机构",
            Sector::Residential => "居民生活",
        }
    }

    /// Read a sector: its stable name, in any case, or its Chinese name.
    pub fn parse(text: &str) -> Option<Sector> {
        let t = text.trim();
        Sector::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(t) || s.name_zh() == t)
    }

    /// The reason a text is not a sector, for a diagnostic.
    pub fn unknown(text: &str) -> String {
        let names: Vec<&str> = Sector::ALL.iter().map(|s| s.as_str()).collect();
        format!("'{}' is not a sector; use one of: {}", text.trim(), names.join(", "))
    }
}

impl std::fmt::Display for Sector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Sector;

    #[test]
    fn every_sector_reads_back_from_its_names() {
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.as_str()), Some(s));
            assert_eq!(Sector::parse(&s.as_str().to_uppercase()), Some(s));
            assert_eq!(Sector::parse(s.name_zh()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(Sector::parse("industry"), None);
        assert!(Sector::unknown("industry").contains("energy, manufacturing, commercial, residential"));
    }
}
