//! LEDGER.csv: what an enterprise received, bought, sold, moved, banked, borrowed and surrendered.
//!
//! `enterprise,date,kind,quantity_t,instrument,price,currency,vintage,project,evidence`, one
//! movement a row; `quantity_t` is never negative (the kind gives the direction).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::period::parse_date;
use serde::Serialize;

use crate::sheet::{self, Row};

pub const REQUIRED: &[&str] = &["enterprise", "date", "kind", "quantity_t", "instrument"];
pub const OPTIONAL: &[&str] = &["price", "currency", "vintage", "project", "evidence", "note"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Allowances received from the authority (a record of delivery; the plan's figure counts).
    Allocation,
    Purchase,
    Sale,
    TransferIn,
    TransferOut,
    Surrender,
    /// Allowances carried in from an earlier period.
    BankIn,
    /// Allowances taken from a later period's allocation.
    Borrow,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Allocation,
        Kind::Purchase,
        Kind::Sale,
        Kind::TransferIn,
        Kind::TransferOut,
        Kind::Surrender,
        Kind::BankIn,
        Kind::Borrow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Allocation => "allocation",
            Kind::Purchase => "purchase",
            Kind::Sale => "sale",
            Kind::TransferIn => "transfer-in",
            Kind::TransferOut => "transfer-out",
            Kind::Surrender => "surrender",
            Kind::BankIn => "bank-in",
            Kind::Borrow => "borrow",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// +1 for what comes into the account, −1 for what leaves it, 0 for a delivery record.
    pub fn direction(self) -> i8 {
        match self {
            Kind::Purchase | Kind::TransferIn | Kind::BankIn | Kind::Borrow => 1,
            Kind::Sale | Kind::TransferOut | Kind::Surrender => -1,
            Kind::Allocation => 0,
        }
    }
}

/// One movement of the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub file: String,
    pub line: u64,
    pub enterprise: String,
    pub date: NaiveDate,
    pub kind: Kind,
    pub quantity_t: Decimal,
    /// Upper case: CEA, CCER, EUA, ...
    pub instrument: String,
    pub price: Option<Decimal>,
    pub currency: Option<String>,
    pub vintage: Option<i32>,
    pub project: Option<String>,
    pub evidence: Option<String>,
}

impl Entry {
    pub fn at(&self, column: &str) -> Location {
        Location::cell(&self.file, self.line, column)
    }
}

/// The movements of a ledger file, in file order. Rows with a finding are left out.
pub fn read(file: &str, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let Some((header, rows)) = sheet::read(file, bytes, REQUIRED, OPTIONAL, diags) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (line, record) in &rows {
        let row = Row { header: &header, line: *line, record };
        let before = diags.len();
        let enterprise = row.required("enterprise", diags).map(str::to_string);
        let date = row.required("date", diags).and_then(|t| {
            parse_date(t)
                .map_err(|why| {
                    diags.push(Diagnostic::error(Code::MalformedDate, row.at("date"), format!("'{t}': {why}")));
                })
                .ok()
        });
        let kind = row.required("kind", diags).and_then(|t| {
            let k = Kind::parse(&t.to_lowercase());
            if k.is_none() {
                let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                diags.push(Diagnostic::error(
                    Code::InvalidValue,
                    row.at("kind"),
                    format!("'{t}' is not a ledger kind; kinds: {}", all.join(", ")),
                ));
            }
            k
        });
        let quantity_t = row.quantity("quantity_t", diags);
        let instrument = row.required("instrument", diags).map(str::to_uppercase);
        let price = row.decimal("price", diags).ok().flatten();
        if let Some(p) = price.filter(|p| *p < Decimal::ZERO) {
            diags.push(Diagnostic::error(
                Code::OutOfRange,
                row.at("price"),
                format!("a price cannot be below zero, found {p}"),
            ));
        }
        let currency = row.text("currency").map(str::to_uppercase);
        if let Some(c) = &currency {
            if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
                diags.push(Diagnostic::error(
                    Code::InvalidValue,
                    row.at("currency"),
                    format!("'{c}' is not an ISO 4217 currency code (CNY, EUR, ...)"),
                ));
            }
        } else if price.is_some() {
            diags.push(Diagnostic::error(Code::MissingValue, row.at("currency"), "a price needs its currency"));
        }
        let vintage = row.text("vintage").and_then(|t| {
            let v = t.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y));
            if v.is_none() {
                diags.push(Diagnostic::error(
                    Code::InvalidValue,
                    row.at("vintage"),
                    format!("'{t}' is not a vintage year (such as 2016)"),
                ));
            }
            v
        });
        if diags[before..].iter().any(Diagnostic::is_error) {
            continue;
        }
        let (Some(enterprise), Some(date), Some(kind), Some(quantity_t), Some(instrument)) =
            (enterprise, date, kind, quantity_t, instrument)
        else {
            continue;
        };
        out.push(Entry {
            file: file.to_string(),
            line: *line,
            enterprise,
            date,
            kind,
            quantity_t,
            instrument,
            price,
            currency,
            vintage,
            project: row.text("project").map(str::to_string),
            evidence: row.text("evidence").map(str::to_string),
        });
    }
    out
}

/// The last trade of an instrument (purchase or sale with a price) in a currency.
pub fn last_trade<'a>(entries: &'a [Entry], instrument: &str, currency: &str) -> Option<&'a Entry> {
    entries
        .iter()
        .filter(|e| matches!(e.kind, Kind::Purchase | Kind::Sale) && e.instrument == instrument)
        .filter(|e| e.price.is_some() && e.currency.as_deref() == Some(currency))
        .max_by_key(|e| (e.date, e.line))
}
