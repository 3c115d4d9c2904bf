//! Region codes and their hierarchy.

use std::fmt;

use serde::{Serialize, Serializer};

/// A region code: an ISO 3166-1/-2 code (`CN`, `CN-GD`), a grid region (`CN-GRID-EAST`), or
/// `GLOBAL`. Stored upper case. The parent of a code is the part before its last `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(String);

impl Region {
    pub const GLOBAL: &'static str = "GLOBAL";

    /// Parse a code: letters, digits and single hyphens, not starting or ending with a hyphen.
    pub fn parse(text: &str) -> Option<Region> {
        let t = text.trim();
        let ok = !t.is_empty()
            && t.len() <= 32
            && t.split('-').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
        ok.then(|| Region(t.to_ascii_uppercase()))
    }

    pub fn global() -> Region {
        Region(Self::GLOBAL.to_string())
    }

    pub fn is_global(&self) -> bool {
        self.0 == Self::GLOBAL
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// This region, then each parent, most specific first: `CN-GRID-EAST`, `CN-GRID`, `CN`.
    pub fn lineage(&self) -> Vec<Region> {
        let mut out = vec![self.clone()];
        let mut s = self.0.as_str();
        while let Some((parent, _)) = s.rsplit_once('-') {
            out.push(Region(parent.to_string()));
            s = parent;
        }
        out
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lineage_walks_up_to_the_country() {
        let r = Region::parse("cn-grid-east").unwrap();
        let names: Vec<_> = r.lineage().iter().map(|r| r.to_string()).collect();
        assert_eq!(names, ["CN-GRID-EAST", "CN-GRID", "CN"]);
        assert!(Region::parse("CN--GD").is_none());
        assert!(Region::parse("-CN").is_none());
        assert!(Region::parse("中国").is_none());
    }
}
