//! The EU ETS position, from the EU Transaction Log's per-installation export and an optional
//! ledger: per installation and year the registry's figures with their own position, and per
//! account holder the grouped position valued at each price, with the year's penalty.
//!
//! A status in the registry (`NA`, `Excluded`, ...) is never read as zero: an installation
//! without verified emissions has no obligation figure, and what covers an obligation is the
//! larger of the known figures among allocation (+ ledger) and units surrendered.

use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};

use crate::account::{self, Rules};
use crate::eu_rules::EuRules;
use crate::ledger::{self, Entry};
use crate::money;
use crate::position::{n, EnterprisePosition, InstallationLine, PenaltyExposure, Position};
use crate::price::{self, PriceScenario};
use crate::registry::{Figure, Installation};

pub struct Input<'a> {
    pub rules: &'a EuRules,
    pub installations: &'a [Installation],
    pub year: Option<i32>,
    pub ledger: Option<(&'a str, &'a [u8])>,
    pub prices: &'a [String],
}

fn status(f: &Figure) -> Option<String> {
    match f {
        Figure::Value(_) => None,
        Figure::Status(s) => Some(s.as_str().to_string()),
    }
}

/// The larger of the known figures, or `None` when neither is known.
fn larger(a: Option<Decimal>, b: Option<Decimal>) -> Option<Decimal> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

pub fn position(input: &Input<'_>, mut diags: Vec<Diagnostic>) -> Position {
    let rules = input.rules;
    let mut notes = Vec::new();
    let latest = input.installations.iter().flat_map(|i| i.years.iter().map(|r| r.year)).max();
    let year = input.year.or(latest);
    let mut pos = Position {
        scheme: "eu-ets",
        plan: rules.id.clone(),
        year,
        currency: rules.currency.clone(),
        document: rules.document.clone(),
        prices: Vec::new(),
        units: Vec::new(),
        enterprises: Vec::new(),
        installations: Vec::new(),
        notes: Vec::new(),
        diagnostics: Vec::new(),
        reconciliation: None,
    };
    let prices = price::parse_all(input.prices, &rules.currency).unwrap_or_else(|d| {
        diags.extend(d);
        Vec::new()
    });
    let entries = input.ledger.map_or_else(Vec::new, |(f, b)| ledger::read(f, b, &mut diags));
    let Some(year) = year else {
        diags.push(Diagnostic::error(
            Code::NoDataRows,
            Location::file("--registry"),
            "the registry files hold no installation",
        ));
        pos.diagnostics = diags;
        return pos;
    };
    if input.year.is_some() && !input.installations.iter().any(|i| i.year(year).is_some()) {
        diags.push(Diagnostic::error(
            Code::OutOfRange,
            Location::file(format!("--year {year}")),
            format!("the registry files have no figures for {year}; their last year is {}", latest.unwrap_or_default()),
        ));
    }
    for e in &entries {
        if !input.installations.iter().any(|i| i.account_holder == e.enterprise) {
            diags.push(Diagnostic::error(
                Code::UnknownRecord,
                e.at("enterprise"),
                format!("'{}' is not an account holder in the registry files", e.enterprise),
            ));
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        pos.diagnostics = diags;
        return pos;
    }
    let mut prices = prices;
    if let Some(t) = ledger::last_trade(&entries, "EUA", &rules.currency) {
        prices.push(PriceScenario {
            scenario: "last-trade".into(),
            price: t.price.unwrap_or_default(),
            currency: rules.currency.clone(),
        });
    }
    let penalty_rate = rules.penalty(year);
    if penalty_rate.is_none() {
        notes.push(format!("no excess-emissions penalty figure is shipped for {year}; the penalty is left out"));
    }
    let mut unverified: Vec<String> = Vec::new();
    if let Some(p) = penalty_rate.filter(|p| !p.src.verified) {
        unverified.push(format!("the {year} penalty of {} EUR/t", p.value));
    }
    let maritime = rules.maritime_share(year);
    let deadline = rules.deadline(year);
    if let Some((d, src)) = deadline.filter(|(_, s)| !s.verified) {
        let _ = src;
        unverified.push(format!("the deadline {d}"));
    }
    let penalty = |owed: Decimal| -> Option<PenaltyExposure> {
        penalty_rate.map(|p| money::eu_penalty(p.value, owed, &rules.currency))
    };
    // Installations, and the account holders in order of first appearance.
    let mut holders: Vec<(&str, Vec<usize>, Decimal)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for inst in input.installations {
        let Some(r) = inst.year(year) else { continue };
        let is_maritime = inst.activity.to_lowercase().contains("maritime");
        let obligation = r.verified.value().map(|v| match maritime.filter(|_| is_maritime) {
            Some(share) => share.value * v,
            None => v,
        });
        let covered = larger(r.free_allocation.value(), r.surrendered.value());
        let shortfall = obligation.zip(covered).map(|(o, c)| o - c);
        let mut figure_status = std::collections::BTreeMap::new();
        for (key, f) in
            [("free_allocation_t", &r.free_allocation), ("verified_t", &r.verified), ("surrendered_t", &r.surrendered)]
        {
            if let Some(s) = status(f) {
                figure_status.insert(key, s);
            }
        }
        pos.installations.push(InstallationLine {
            installation: inst.id.clone(),
            name: inst.name.clone(),
            account_holder: inst.account_holder.clone(),
            country: inst.country.clone(),
            activity: inst.activity.clone(),
            year,
            free_allocation_t: r.free_allocation.value().map(n),
            verified_t: r.verified.value().map(n),
            surrendered_t: r.surrendered.value().map(n),
            status: r.compliance.clone(),
            figure_status,
            obligation_t: obligation.map(n),
            shortfall_t: shortfall.map(n),
            penalty: shortfall.and_then(|s| {
                penalty(if compliant(r.compliance.as_deref()) { Decimal::ZERO } else { s.max(Decimal::ZERO) })
            }),
        });
        let at = *index.entry(inst.account_holder.as_str()).or_insert_with(|| {
            holders.push((inst.account_holder.as_str(), Vec::new(), Decimal::ZERO));
            holders.len() - 1
        });
        holders[at].1.push(pos.installations.len() - 1);
        // Units surrendered that were not allowances: international credits (before 2021).
        if let (Some(s), Some(a)) = (r.surrendered.value(), r.surrendered_allowances.value()) {
            holders[at].2 += (s - a).max(Decimal::ZERO);
        }
    }
    for (holder, members, offsets) in holders {
        let own: Vec<&Entry> = entries.iter().filter(|e| e.enterprise == holder).collect();
        let lines: Vec<&InstallationLine> = lines_of(&pos.installations, &members).collect();
        let mut e = holder_position(&lines, offsets, year, holder, &own, &mut diags);
        e.values = money::values(e.shortfall_t, &prices);
        // The penalty is per installation: the sum of theirs.
        e.penalty = penalty_rate.map(|_| {
            let mut total = money::eu_penalty(Decimal::ZERO, Decimal::ZERO, &rules.currency);
            for p in lines_of(&pos.installations, &members).filter_map(|l| l.penalty.as_ref()) {
                total.low += p.low;
                total.high += p.high;
                total.owed_t += p.owed_t;
            }
            total.basis = format!("{} EUR per tonne of excess emissions, per installation (none where the registry code is A); the allowances stay owed", penalty_rate.map_or(Decimal::ZERO, |p| n(p.value)));
            total
        });
        e.deadline = deadline.map(|(d, _)| d.to_string());
        pos.enterprises.push(e);
    }
    if !unverified.is_empty() && !diags.iter().any(Diagnostic::is_error) {
        diags.push(Diagnostic::warning(
            Code::UnverifiedFactor,
            Location::file(&rules.file),
            format!("EU ETS rules: {} figure(s) used here are not confirmed in their source document: {}; their sources are in the rules file", unverified.len(), unverified.join("; ")),
        ));
    }
    pos.prices = prices;
    pos.notes = notes;
    pos.diagnostics = diags;
    pos
}

fn lines_of<'a>(all: &'a [InstallationLine], members: &'a [usize]) -> impl Iterator<Item = &'a InstallationLine> + 'a {
    members.iter().filter_map(|k| all.get(*k))
}

/// The registry marks the installation compliant (code A, or A* when changed after the deadline):
/// it owes no excess-emissions penalty, whatever the surrendered column shows.
fn compliant(code: Option<&str>) -> bool {
    code.is_some_and(|c| c.starts_with('A'))
}

/// An account holder's installations summed (known figures only), with its ledger replayed.
fn holder_position(
    lines: &[&InstallationLine],
    offsets: Decimal,
    year: i32,
    holder: &str,
    entries: &[&Entry],
    diags: &mut Vec<Diagnostic>,
) -> EnterprisePosition {
    let sum = |f: &dyn Fn(&InstallationLine) -> Option<Decimal>| {
        lines.iter().filter_map(|l| f(l)).fold(Decimal::ZERO, |a, v| a + v)
    };
    let free = sum(&|l| l.free_allocation_t);
    let verified = sum(&|l| l.verified_t);
    let obligation = sum(&|l| l.obligation_t);
    let surrendered = sum(&|l| l.surrendered_t);
    let incomplete = lines.iter().filter(|l| l.obligation_t.is_none()).count();
    let rules = Rules {
        scheme: "eu-ets",
        allowance: "EUA",
        offset: None,
        legacy: None,
        year,
        opening_t: free,
        offset_cap_t: None,
        offset_cap_text: String::new(),
        borrowing_allowed: false,
        plan: "eu-ets",
    };
    let acc = account::settle(entries, &rules, diags);
    let holdings = acc.holdings_t.max(surrendered + acc.surrendered_t);
    let shortfall = obligation - holdings;
    EnterprisePosition {
        enterprise: holder.to_string(),
        allocation_t: n(free),
        verified_t: n(verified),
        obligation_t: n(obligation),
        relief: Vec::new(),
        relief_t: Decimal::ZERO,
        offset_cap_t: None,
        offsets_used_t: n(offsets),
        holdings_t: n(holdings),
        surrendered_t: n(surrendered + acc.surrendered_t),
        shortfall_t: n(shortfall),
        values: Vec::new(),
        penalty: None,
        deadline: None,
        bankable_t: None,
        installations: Some(lines.len()),
        incomplete: Some(incomplete),
        cheapest_mix: Vec::new(),
    }
}
