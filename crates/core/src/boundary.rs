//! The organisational boundary (GHG Protocol Corporate Standard, chapter 3): which share of
//! each facility's emissions the organisation reports.
//!
//! Under the equity-share approach the share is the product of the equity shares down the
//! ownership tree (a 60 % entity owning 50 % of a facility gives 30 %). Under operational or
//! financial control it is 100 % when the organisation controls the facility and every entity
//! above it, else 0 %. Lines keep their full emissions; the totals are after the shares.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How the organisational boundary is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Consolidation {
    OperationalControl,
    FinancialControl,
    EquityShare,
}

impl Consolidation {
    pub const ALL: [Consolidation; 3] =
        [Consolidation::OperationalControl, Consolidation::FinancialControl, Consolidation::EquityShare];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Consolidation::OperationalControl => "operational-control",
            Consolidation::FinancialControl => "financial-control",
            Consolidation::EquityShare => "equity-share",
        }
    }

    /// The approach a stored text names; `None` for any other text.
    pub fn parse(s: &str) -> Option<Consolidation> {
        Consolidation::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One legal entity or facility of the organisation's tree, as the boundary needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    pub code: String,
    /// The entity that holds it; `None` when the organisation holds it directly.
    pub parent: Option<String>,
    /// The holder's equity share, in percent (0–100).
    pub equity_share: Decimal,
    pub operational_control: bool,
    pub financial_control: bool,
}

/// Why a tree gives no boundary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoundaryError {
    /// A share below 0 or above 100 %.
    ShareOutOfRange { code: String, share: Decimal },
    /// A holding names a parent that is not in the tree.
    UnknownParent { code: String, parent: String },
    /// The parents of a holding lead back to it.
    Cycle { code: String },
}

impl std::fmt::Display for BoundaryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoundaryError::ShareOutOfRange { code, share } => {
                write!(f, "the equity share of {code} is {share} %; a share is from 0 to 100 %")
            }
            BoundaryError::UnknownParent { code, parent } => {
                write!(f, "{code} names parent {parent}, which does not exist")
            }
            BoundaryError::Cycle { code } => write!(f, "the parents of {code} lead back to it"),
        }
    }
}

/// Check one equity share in percent: `Err` with the reason when it is not from 0 to 100.
pub fn check_share(share: Decimal) -> Result<(), String> {
    if share < Decimal::ZERO || share > Decimal::ONE_HUNDRED {
        Err(format!("an equity share is a percentage from 0 to 100, found {share}"))
    } else {
        Ok(())
    }
}

/// The share of each facility the organisation reports, in percent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Boundary {
    /// `None` for a calculation outside an organisation (an activity file): every facility at 100 %.
    pub approach: Option<Consolidation>,
    shares: BTreeMap<String, Decimal>,
}

impl Boundary {
    /// Every facility at 100 %: the boundary of an activity file calculated on its own.
    pub fn full() -> Boundary {
        Boundary::default()
    }

    /// The boundary an organisation's tree gives under `approach`.
    pub fn from_holdings(approach: Consolidation, holdings: &[Holding]) -> Result<Boundary, BoundaryError> {
        let by_code: BTreeMap<&str, &Holding> = holdings.iter().map(|h| (h.code.as_str(), h)).collect();
        let mut shares = BTreeMap::new();
        for h in holdings {
            let mut share = Decimal::ONE_HUNDRED;
            let mut node = h;
            let mut steps = 0;
            loop {
                check_share(node.equity_share).map_err(|_| BoundaryError::ShareOutOfRange {
                    code: node.code.clone(),
                    share: node.equity_share,
                })?;
                share = match approach {
                    Consolidation::EquityShare => share * node.equity_share / Decimal::ONE_HUNDRED,
                    Consolidation::OperationalControl if !node.operational_control => Decimal::ZERO,
                    Consolidation::FinancialControl if !node.financial_control => Decimal::ZERO,
                    _ => share,
                };
                let Some(parent) = node.parent.as_deref() else { break };
                node = by_code.get(parent).ok_or_else(|| BoundaryError::UnknownParent {
                    code: node.code.clone(),
                    parent: parent.to_string(),
                })?;
                steps += 1;
                if steps > holdings.len() {
                    return Err(BoundaryError::Cycle { code: h.code.clone() });
                }
            }
            shares.insert(h.code.clone(), share.normalize());
        }
        Ok(Boundary { approach: Some(approach), shares })
    }

    /// The organisation's share of `facility`, in percent: 100 for a facility the tree does not
    /// name (an activity file's facilities, outside any organisation).
    pub fn share(&self, facility: &str) -> Decimal {
        self.shares.get(facility).copied().unwrap_or(Decimal::ONE_HUNDRED)
    }

    /// Whether every facility counts in full (then the totals need no second pass).
    pub fn is_full(&self) -> bool {
        self.shares.values().all(|s| *s == Decimal::ONE_HUNDRED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn holding(code: &str, parent: Option<&str>, share: &str, op: bool, fin: bool) -> Holding {
        Holding {
            code: code.into(),
            parent: parent.map(Into::into),
            equity_share: d(share),
            operational_control: op,
            financial_control: fin,
        }
    }

    fn tree() -> Vec<Holding> {
        vec![
            holding("ENT", None, "60", true, false),
            holding("PLANT", Some("ENT"), "50", true, true),
            holding("JV", None, "40", false, true),
            holding("OWN", None, "100", true, true),
        ]
    }

    #[test]
    fn equity_shares_multiply_down_the_tree() {
        let b = Boundary::from_holdings(Consolidation::EquityShare, &tree()).unwrap();
        assert_eq!(b.share("PLANT"), d("30"));
        assert_eq!(b.share("ENT"), d("60"));
        assert_eq!(b.share("JV"), d("40"));
        assert_eq!(b.share("OWN"), d("100"));
        assert_eq!(b.share("not-in-the-tree"), d("100"));
        assert!(!b.is_full());
    }

    #[test]
    fn control_counts_all_or_nothing_and_needs_every_entity_above() {
        let op = Boundary::from_holdings(Consolidation::OperationalControl, &tree()).unwrap();
        assert_eq!((op.share("PLANT"), op.share("JV"), op.share("OWN")), (d("100"), d("0"), d("100")));
        let fin = Boundary::from_holdings(Consolidation::FinancialControl, &tree()).unwrap();
        // PLANT is financially controlled by ENT, but the organisation does not control ENT.
        assert_eq!((fin.share("PLANT"), fin.share("JV"), fin.share("ENT")), (d("0"), d("100"), d("0")));
    }

    #[test]
    fn a_bad_tree_is_refused_with_its_reason() {
        let mut t = tree();
        t.push(holding("X", None, "150", true, true));
        let e = Boundary::from_holdings(Consolidation::EquityShare, &t).unwrap_err();
        assert!(e.to_string().contains("150"), "{e}");
        let cyc = vec![holding("A", Some("B"), "50", true, true), holding("B", Some("A"), "50", true, true)];
        assert!(matches!(Boundary::from_holdings(Consolidation::EquityShare, &cyc), Err(BoundaryError::Cycle { .. })));
        let orphan = vec![holding("A", Some("Z"), "50", true, true)];
        assert!(Boundary::from_holdings(Consolidation::EquityShare, &orphan).unwrap_err().to_string().contains("Z"));
        assert!(check_share(d("-1")).is_err() && check_share(d("100")).is_ok() && check_share(d("0")).is_ok());
    }
}
