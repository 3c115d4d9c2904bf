//! A plan's scheme boundary (`allowance-plans/<plan-id>/boundary.toml`, embedded beside the
//! plan; decision 0031): which of a covered facility's emissions the scheme counts. The gases it
//! counts for every facility, those it adds for some unit classes (CF4 and C2F6 for aluminium
//! smelting), and whether indirect emissions (Scope 2) count. Like the plan, every rule has its
//! source and a `verified` mark.

use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::gas::Gas;
use serde::{Deserialize, Serialize};

use crate::figure::Sourced;
use crate::plan::SHIPPED_BOUNDARIES;

/// Gases a scheme adds for facilities of some unit classes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassGases {
    pub classes: Vec<String>,
    pub gases: Vec<Gas>,
    #[serde(flatten)]
    pub src: Sourced,
}

/// What a scheme counts of a covered facility's emissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemeBoundary {
    /// The plan it belongs to.
    pub plan: String,
    /// Where it was read (`allowance-plans/<id>/boundary.toml`).
    pub file: String,
    /// Gases counted for every covered facility.
    pub gases: Vec<Gas>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub class_gases: Vec<ClassGases>,
    /// Whether indirect emissions (the inventory's Scope 2) count.
    pub indirect: bool,
    #[serde(flatten)]
    pub src: Sourced,
}

mod raw {
    use super::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Boundary {
        pub gases: Vec<String>,
        pub indirect: bool,
        pub source: String,
        pub verified: bool,
        pub note: Option<String>,
        #[serde(default)]
        pub class_gases: Vec<ClassGases>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ClassGases {
        pub classes: Vec<String>,
        pub gases: Vec<String>,
        pub source: String,
        pub verified: bool,
        pub note: Option<String>,
    }
}

fn gases(file: &str, names: &[String]) -> Result<Vec<Gas>, Diagnostic> {
    if names.is_empty() {
        return Err(Diagnostic::error(Code::InvalidMetadata, Location::file(file), "`gases` is empty"));
    }
    names
        .iter()
        .map(|n| {
            Gas::parse(n).ok_or_else(|| {
                Diagnostic::error(
                    Code::UnknownGas,
                    Location::file(file),
                    format!("'{n}' is not a gas of the GWP tables"),
                )
            })
        })
        .collect()
}

impl SchemeBoundary {
    /// The shipped boundary of a plan; `unknown-record` when the plan ships none.
    pub fn shipped(plan: &str) -> Result<SchemeBoundary, Diagnostic> {
        let Some((_, text)) = SHIPPED_BOUNDARIES.iter().find(|(id, _)| *id == plan) else {
            let ids: Vec<&str> = SHIPPED_BOUNDARIES.iter().map(|(id, _)| *id).collect();
            return Err(Diagnostic::error(
                Code::UnknownRecord,
                Location::file("--activities"),
                format!(
                    "plan {plan} ships no scheme boundary (allowance-plans/{plan}/boundary.toml), so its scheme emissions cannot be computed; plans with one: {}",
                    ids.join(", ")
                ),
            ));
        };
        SchemeBoundary::parse(plan, &format!("allowance-plans/{plan}/boundary.toml"), text)
    }

    /// Parse a boundary file's text.
    pub fn parse(plan: &str, file: &str, text: &str) -> Result<SchemeBoundary, Diagnostic> {
        let r: raw::Boundary = toml::from_str(text)
            .map_err(|e| Diagnostic::error(Code::InvalidMetadata, Location::file(file), e.message().to_string()))?;
        let class_gases = r
            .class_gases
            .into_iter()
            .map(|c| {
                Ok(ClassGases {
                    classes: c.classes,
                    gases: gases(file, &c.gases)?,
                    src: Sourced::new(c.source, c.verified, c.note),
                })
            })
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        Ok(SchemeBoundary {
            plan: plan.to_string(),
            file: file.to_string(),
            gases: gases(file, &r.gases)?,
            class_gases,
            indirect: r.indirect,
            src: Sourced::new(r.source, r.verified, r.note),
        })
    }

    /// Whether the scheme counts `gas` for a facility whose units are of `classes`.
    pub fn counts(&self, gas: Gas, classes: &[String]) -> bool {
        self.gases.contains(&gas)
            || self.class_gases.iter().any(|c| c.gases.contains(&gas) && c.classes.iter().any(|k| classes.contains(k)))
    }

    /// Whether every rule used is confirmed in its source.
    pub fn verified(&self) -> bool {
        self.src.verified && self.class_gases.iter().all(|c| c.src.verified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_boundary_loads_and_belongs_to_a_shipped_plan() {
        assert!(SHIPPED_BOUNDARIES.len() >= 5);
        for (id, _) in SHIPPED_BOUNDARIES {
            let b = SchemeBoundary::shipped(id).map_err(|d| d.to_string());
            assert!(b.is_ok(), "{id}: {b:?}");
            assert!(crate::plan::shipped_text(id).is_some(), "{id} has a boundary but no plan");
        }
    }

    #[test]
    fn aluminium_counts_pfcs_and_indirect_ends_with_2023() {
        let ind = SchemeBoundary::shipped("cn-industry-2024-2025").map_err(|d| d.to_string());
        let Ok(ind) = ind else { panic!("{ind:?}") };
        let al = vec!["aluminium".to_string()];
        let steel = vec!["steel".to_string()];
        assert!(ind.counts(Gas::Cf4, &al) && ind.counts(Gas::C2f6, &al));
        assert!(!ind.counts(Gas::Cf4, &steel) && ind.counts(Gas::Co2, &steel));
        assert!(!ind.counts(Gas::Ch4, &al) && !ind.counts(Gas::N2o, &al));
        let indirect = |id: &str| SchemeBoundary::shipped(id).map(|b| b.indirect).map_err(|d| d.to_string());
        assert_eq!(indirect("cn-power-2021-2022"), Ok(true));
        assert_eq!(indirect("cn-power-2023-2024"), Ok(false));
        assert!(SchemeBoundary::shipped("no-such-plan").is_err());
        let bad = SchemeBoundary::parse(
            "x",
            "x.toml",
            "gases = [\"CO3\"]\nindirect = false\nsource = \"s\"\nverified = true",
        );
        assert!(bad.is_err_and(|d| d.code == Code::UnknownGas));
    }
}
