//! An enterprise's account for one compliance period: the ledger's movements replayed in date
//! order against the allocation, with the checks a registry would make (no surrender or sale
//! beyond what is held, no legacy offsets after their last year, no borrowing where the plan
//! forbids it) and the offsets counted up to their cap.

use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic};

use crate::ledger::{Entry, Kind};

/// What the account is checked against.
pub struct Rules<'a> {
    pub scheme: &'a str,
    /// The allowance instrument (CEA, EUA).
    pub allowance: &'a str,
    /// The offset instrument (CCER), if the scheme takes offsets.
    pub offset: Option<&'a str>,
    /// Offsets of a vintage before `.0` are not usable for compliance years after `.1`.
    pub legacy: Option<(i32, i32)>,
    /// The compliance year the account is for.
    pub year: i32,
    /// The allocation, counted as held from the start of the period.
    pub opening_t: Decimal,
    /// The offset cap; `None` when the scheme takes no offsets.
    pub offset_cap_t: Option<Decimal>,
    /// How the cap was found, for the finding when it is exceeded ("5 % of the obligation ...").
    pub offset_cap_text: String,
    pub borrowing_allowed: bool,
    /// The plan named in findings about what it allows.
    pub plan: &'a str,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// Allowances at the enterprise's disposal: allocation + in − out (surrendered ones included).
    pub holdings_t: Decimal,
    pub surrendered_t: Decimal,
    pub bought_t: Decimal,
    pub sold_t: Decimal,
    pub borrowed_t: Decimal,
    /// Allocation the ledger records as received.
    pub allocation_received_t: Decimal,
    /// Usable offsets held (surrendered ones included), before the cap.
    pub offsets_held_t: Decimal,
    pub offsets_surrendered_t: Decimal,
    /// Usable offsets counted: at most the cap.
    pub offsets_used_t: Decimal,
}

fn add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(Decimal::MAX)
}

/// Replay an enterprise's entries (any order; replayed by date, then row).
pub fn settle(entries: &[&Entry], rules: &Rules<'_>, diags: &mut Vec<Diagnostic>) -> Account {
    let mut sorted: Vec<&Entry> = entries.to_vec();
    sorted.sort_by_key(|e| (e.date, e.line));
    let mut acc = Account { holdings_t: rules.opening_t, ..Account::default() };
    let mut balance = rules.opening_t;
    let mut offset_balance = Decimal::ZERO;
    let mut cap_reported = false;
    for e in sorted {
        let is_allowance = e.instrument == rules.allowance;
        let is_offset = rules.offset == Some(e.instrument.as_str());
        if !is_allowance && !is_offset {
            let offered = rules.offset.map_or(String::new(), |o| format!(", {o} offsets"));
            diags.push(Diagnostic::error(
                Code::InvalidValue,
                e.at("instrument"),
                format!(
                    "'{}' is not an instrument of {} ({} allowances{offered})",
                    e.instrument, rules.scheme, rules.allowance
                ),
            ));
            continue;
        }
        let q = e.quantity_t;
        if e.kind == Kind::Borrow && !rules.borrowing_allowed {
            diags.push(Diagnostic::error(
                Code::InvalidValue,
                e.at("kind"),
                format!("plan {} allows no borrowing from a later period's allocation", rules.plan),
            ));
            continue;
        }
        if e.kind == Kind::Allocation {
            if is_allowance {
                acc.allocation_received_t = add(acc.allocation_received_t, q);
            }
            continue;
        }
        let held = if is_allowance { balance } else { offset_balance };
        if e.kind.direction() < 0 && q > held {
            diags.push(Diagnostic::error(
                Code::InsufficientHoldings,
                e.at("quantity_t"),
                format!(
                    "{} of {} t {} on {} is more than the {} t held then (allocation and earlier movements); record the purchase or transfer first",
                    e.kind.as_str(),
                    q.normalize(),
                    e.instrument,
                    e.date,
                    held.normalize()
                ),
            ));
            continue;
        }
        let legacy = match (rules.legacy, e.vintage) {
            (Some((before, last)), Some(v)) if is_offset && v < before && rules.year > last => Some((before, last)),
            _ => None,
        };
        if let (Some((before, last)), Kind::Surrender) = (legacy, e.kind) {
            diags.push(Diagnostic::error(
                Code::IneligibleOffset,
                e.at("vintage"),
                format!(
                    "a {} of vintage {} is a legacy credit (before {before}), usable for compliance up to {last} only, not for {}; surrender credits of vintage {before} or later, or allowances",
                    e.instrument,
                    e.vintage.unwrap_or_default(),
                    rules.year
                ),
            ));
            continue;
        }
        let signed = if e.kind.direction() < 0 { -q } else { q };
        if is_allowance {
            balance = add(balance, signed);
            match e.kind {
                Kind::Surrender => acc.surrendered_t = add(acc.surrendered_t, q),
                Kind::Purchase => acc.bought_t = add(acc.bought_t, q),
                Kind::Sale => acc.sold_t = add(acc.sold_t, q),
                Kind::Borrow => acc.borrowed_t = add(acc.borrowed_t, q),
                _ => {}
            }
            if e.kind != Kind::Surrender {
                acc.holdings_t = add(acc.holdings_t, signed);
            }
            continue;
        }
        offset_balance = add(offset_balance, signed);
        if legacy.is_none() && e.kind != Kind::Surrender {
            acc.offsets_held_t = add(acc.offsets_held_t, signed);
        }
        if e.kind == Kind::Surrender {
            acc.offsets_surrendered_t = add(acc.offsets_surrendered_t, q);
            let cap = rules.offset_cap_t.unwrap_or(Decimal::ZERO);
            if acc.offsets_surrendered_t > cap && !cap_reported {
                cap_reported = true;
                diags.push(Diagnostic::warning(
                    Code::OffsetCapExceeded,
                    e.at("quantity_t"),
                    format!(
                        "{} surrendered reach {} t, above the cap of {} t ({}); the {} t above it do not count towards the obligation",
                        e.instrument,
                        acc.offsets_surrendered_t.normalize(),
                        cap.normalize(),
                        rules.offset_cap_text,
                        (acc.offsets_surrendered_t - cap).normalize()
                    ),
                ));
            }
        }
    }
    acc.offsets_held_t = acc.offsets_held_t.max(Decimal::ZERO);
    acc.offsets_used_t = acc.offsets_held_t.min(rules.offset_cap_t.unwrap_or(Decimal::ZERO));
    acc
}
