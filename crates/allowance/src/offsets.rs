//! Which offset credits of a ledger may count (decision 0031), checked before the account is
//! replayed ([`crate::account::settle`] checks legacy vintages and the cap):
//!
//! - credits from a project inside the enterprise's own boundary are not usable. A ledger row's
//!   `project` is the enterprise's own when it equals (trimmed, ignoring ASCII case) a project
//!   given with `--own-project ENTERPRISE=PROJECT`, or the code of a facility COVERED.csv gives to
//!   that enterprise. Such a surrender is refused (`ineligible-offset`, an error); such a credit
//!   bought or moved is left out of the account with a warning of the same code;
//! - where the plan has a last year for legacy credits and the compliance year is after it, a
//!   surrender of credits without a vintage is refused (`missing-value`): the vintage decides.

use scopebook_core::diagnostic::{Code, Diagnostic, Location};

use crate::ledger::{Entry, Kind};

/// A project inside an enterprise's own boundary, and where it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnProject {
    pub enterprise: String,
    pub project: String,
    /// `--own-project ...` or `COVERED.csv:3`.
    pub given: String,
}

/// Parse `--own-project ENTERPRISE=PROJECT` arguments.
pub fn parse_own(texts: &[String]) -> Result<Vec<OwnProject>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for t in texts {
        match t.split_once('=').map(|(e, p)| (e.trim(), p.trim())) {
            Some((e, p)) if !e.is_empty() && !p.is_empty() => out.push(OwnProject {
                enterprise: e.to_string(),
                project: p.to_string(),
                given: format!("--own-project {t}"),
            }),
            _ => diags.push(Diagnostic::error(
                Code::InvalidValue,
                Location::file(format!("--own-project {t}")),
                "write ENTERPRISE=PROJECT: the enterprise of UNITS.csv and the project id its ledger rows give",
            )),
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// The rules the screen applies.
pub struct Screen<'a> {
    /// The offset instrument (CCER); `None` when the scheme takes none.
    pub offset: Option<&'a str>,
    pub own: &'a [OwnProject],
    /// (vintage before which credits are legacy, last compliance year they count for).
    pub legacy: Option<(i32, i32)>,
    pub year: i32,
}

/// An enterprise's entries without the credits it may not use; the findings go to `diags`.
pub fn screen<'a>(entries: &[&'a Entry], rules: &Screen<'_>, diags: &mut Vec<Diagnostic>) -> Vec<&'a Entry> {
    let mut kept = Vec::with_capacity(entries.len());
    for e in entries {
        let is_offset = rules.offset == Some(e.instrument.as_str());
        let own = e.project.as_deref().filter(|_| is_offset).and_then(|p| {
            rules.own.iter().find(|o| o.enterprise == e.enterprise && o.project.trim().eq_ignore_ascii_case(p.trim()))
        });
        if let Some(o) = own {
            let text = format!(
                "{} credits from project '{}' come from inside {}'s own boundary ({}), and cannot offset its emissions",
                e.instrument,
                e.project.as_deref().unwrap_or_default(),
                e.enterprise,
                o.given
            );
            if e.kind == Kind::Surrender {
                diags.push(Diagnostic::error(
                    Code::IneligibleOffset,
                    e.at("project"),
                    format!("{text}; surrender credits from other projects, or allowances"),
                ));
            } else if e.kind != Kind::Allocation {
                diags.push(Diagnostic::warning(
                    Code::IneligibleOffset,
                    e.at("project"),
                    format!("{text}: the {} t are not counted as usable offsets", e.quantity_t.normalize()),
                ));
            }
            continue;
        }
        if let (true, Kind::Surrender, None, Some((before, last))) = (is_offset, e.kind, e.vintage, rules.legacy) {
            if rules.year > last {
                diags.push(Diagnostic::error(
                    Code::MissingValue,
                    e.at("vintage"),
                    format!(
                        "'vintage' is empty; for {} a {} of a vintage before {before} is a legacy credit that no longer counts, so the vintage decides whether this surrender does",
                        rules.year, e.instrument
                    ),
                ));
                continue;
            }
        }
        kept.push(*e);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger;

    #[test]
    fn own_projects_refused_and_vintage_needed_after_the_legacy_years() {
        let text = "enterprise,date,kind,quantity_t,instrument,vintage,project\n\
            A,2025-03-01,purchase,100,CCER,2021,PV-OWN\n\
            A,2025-04-01,surrender,100,CCER,2021,pv-own\n\
            A,2025-05-01,purchase,50,CCER,2020,WIND-9\n\
            A,2025-06-01,surrender,50,CCER,,WIND-9\n\
            B,2025-06-01,purchase,10,CCER,2020,PV-OWN\n";
        let mut d = Vec::new();
        let entries = ledger::read("LEDGER.csv", text.as_bytes(), &mut d);
        assert!(d.is_empty(), "{d:?}");
        let refs: Vec<&Entry> = entries.iter().collect();
        let own = parse_own(&["A=PV-OWN".to_string()]).unwrap();
        let rules = Screen { offset: Some("CCER"), own: &own, legacy: Some((2017, 2024)), year: 2025 };
        let kept = screen(&refs, &rules, &mut d);
        assert_eq!(kept.iter().map(|e| e.line).collect::<Vec<_>>(), vec![4, 6]);
        let shown: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown[0].starts_with("warning[ineligible-offset] LEDGER.csv:2 (column project)"));
        assert!(shown[1].starts_with("error[ineligible-offset] LEDGER.csv:3 (column project)"));
        assert!(shown[2].starts_with("error[missing-value] LEDGER.csv:5 (column vintage)"));
        // Before the legacy rule ends, a missing vintage does not matter.
        let mut d = Vec::new();
        let rules = Screen { offset: Some("CCER"), own: &[], legacy: Some((2017, 2024)), year: 2024 };
        assert_eq!(screen(&refs, &rules, &mut d).len(), 5);
        assert!(d.is_empty());
        assert!(parse_own(&["A".to_string(), "=P".to_string()]).is_err_and(|e| e.len() == 2));
    }
}
