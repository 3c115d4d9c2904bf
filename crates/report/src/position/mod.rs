//! The allowance position report for finance (issue 13, decision 0034): every scheme with units
//! in the period (China: every plan they are under), each position exactly as
//! `scopebook position --db FILE --scheme S --period YEAR [--plan P] [--price]...` gives it
//! (`Store::position`), laid out as a PDF by the same template and rounding as the inventory
//! report ([`document`]), as a workbook ([`workbook`]) or as CSV (the workbook's summary rows).
//!
//! What a position report reads is gathered once ([`PositionSource::gather`]); a period with no
//! units under any scheme, a price no scheme of the period can take, or a position with errors
//! (a negative price, ...) refuses the report with located findings: no empty report is written.

mod document;
mod figures;
mod workbook;

use scopebook_allowance::eu_rules::EuRules;
use scopebook_allowance::plan::Plan;
use scopebook_allowance::position::Position;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::report::Rounding;
use scopebook_store::model::{Organisation, ReportingPeriod};
use scopebook_store::{EtsLedgerEntry, EtsScheme, EtsUnit, Store, StoreError};

pub use document::{position_document, SECTIONS};
pub use figures::{figure_rows, FigureRow};

use crate::fonts::Fonts;
use crate::pdf::DocumentDate;
use crate::source::{document_date, locked_at};
use crate::text::Lang;
use crate::{Format, ReportError};

/// One scheme's (China: one plan's) position of the period, with the rules it was worked under.
#[derive(Debug)]
pub struct SchemePosition {
    pub scheme: EtsScheme,
    /// China: the plan, with every rule's source.
    pub plan: Option<Plan>,
    /// EU: the shipped rules, with their sources.
    pub rules: Option<EuRules>,
    /// The `--price` texts this position was valued at.
    pub prices: Vec<String>,
    pub position: Position,
}

/// Everything a position report of one period needs.
#[derive(Debug)]
pub struct PositionSource {
    pub organisation: Organisation,
    pub period: ReportingPeriod,
    /// When the period was locked, RFC 3339; `None` while it is not.
    pub locked_at: Option<String>,
    pub positions: Vec<SchemePosition>,
    /// The period's units (every scheme), as stored.
    pub units: Vec<EtsUnit>,
    /// The period's ledger (every scheme), as stored.
    pub ledger: Vec<EtsLedgerEntry>,
}

/// The currency a `--price` text names (`high=105CNY` → `CNY`), if it names one.
pub fn price_currency(text: &str) -> Option<String> {
    let amount = text.split_once('=').map_or(text, |(_, a)| a).trim();
    let letters: String = amount.chars().rev().take_while(char::is_ascii_alphabetic).collect();
    (!letters.is_empty()).then(|| letters.chars().rev().collect::<String>().to_uppercase())
}

/// The `--price` texts for a scheme in `currency`: those naming its currency and those naming
/// none.
fn prices_for(prices: &[String], currency: &str) -> Vec<String> {
    prices.iter().filter(|p| price_currency(p).is_none_or(|c| c == currency)).cloned().collect()
}

fn refused(d: Diagnostic) -> ReportError {
    ReportError::Refused(vec![d])
}

/// How a position of the period is worked: `Store::position`, or a caller's variant of it (one
/// that adds the reconciliation, say) with the same arguments.
pub type PositionOf<'a> = dyn Fn(EtsScheme, Option<&str>, &[String]) -> Result<Position, StoreError> + 'a;

impl PositionSource {
    /// Gather the positions of period `year`: each China plan the period's units are under (in
    /// the order the units were first entered), then the EU's when the period has EU data,
    /// valued at `prices` (a price naming a currency goes to the schemes in that currency; one
    /// naming none to every scheme).
    pub fn gather(store: &Store, year: i32, prices: &[String]) -> Result<PositionSource, ReportError> {
        Self::gather_with(store, year, prices, &|scheme, plan, prices| store.position(scheme, year, plan, prices))
    }

    /// [`PositionSource::gather`] with each position worked by `position_of`.
    pub fn gather_with(
        store: &Store,
        year: i32,
        prices: &[String],
        position_of: &PositionOf<'_>,
    ) -> Result<PositionSource, ReportError> {
        let organisation = store.organisation()?;
        let period = store.period(year)?;
        let locked_at = locked_at(store, &period)?;
        let units = store.ets_units(year)?;
        let ledger = store.ets_ledger(year)?;
        let mut plans: Vec<String> = Vec::new();
        for u in units.iter().filter(|u| u.scheme == EtsScheme::CnEts) {
            if let Some(p) = &u.values.plan {
                if !plans.contains(p) {
                    plans.push(p.clone());
                }
            }
        }
        let mut positions = Vec::new();
        for id in plans {
            let plan = Plan::shipped(&id).map_err(refused)?;
            let prices = prices_for(prices, &plan.currency);
            let position = position_of(EtsScheme::CnEts, Some(&id), &prices)?;
            positions.push(SchemePosition {
                scheme: EtsScheme::CnEts,
                plan: Some(plan),
                rules: None,
                prices,
                position,
            });
        }
        // The EU's data may be units or registry figures: the store says whether there are any.
        let rules = EuRules::shipped().map_err(refused)?;
        let eu_prices = prices_for(prices, &rules.currency);
        match position_of(EtsScheme::EuEts, None, &eu_prices) {
            Ok(position) => positions.push(SchemePosition {
                scheme: EtsScheme::EuEts,
                plan: None,
                rules: Some(rules),
                prices: eu_prices,
                position,
            }),
            Err(e) if e.code() == Some(Code::NoDataRows) => {}
            Err(e) => return Err(e.into()),
        }
        if positions.is_empty() {
            return Err(refused(Diagnostic::error(
                Code::NoDataRows,
                Location { file: store.name().to_string(), row: None, column: Some("period".into()) },
                format!(
                    "period {year} has no units under any emissions trading scheme, so there is no position to report; register a covered facility (`scopebook ets facility set`) and enter its units (`scopebook ets unit add` or `import`)"
                ),
            )));
        }
        for p in prices {
            if let Some(c) = price_currency(p) {
                if !positions.iter().any(|sp| sp.position.currency == c) {
                    let have: Vec<String> = positions
                        .iter()
                        .map(|sp| format!("{}: {}", sp.scheme.as_str(), sp.position.currency))
                        .collect();
                    return Err(refused(Diagnostic::error(
                        Code::InvalidValue,
                        Location::file(format!("--price {p}")),
                        format!(
                            "no scheme of period {year} is priced in {c} ({}); write the price without a currency, or in a scheme's",
                            have.join(", ")
                        ),
                    )));
                }
            }
        }
        let errors: Vec<Diagnostic> =
            positions.iter().flat_map(|sp| sp.position.diagnostics.iter().filter(|d| d.is_error()).cloned()).collect();
        if !errors.is_empty() {
            return Err(ReportError::Refused(errors));
        }
        Ok(PositionSource { organisation, period, locked_at, positions, units, ledger })
    }

    /// The report's date, as the inventory report's: the lock time, else the period's last day.
    pub fn document_date(&self) -> DocumentDate {
        document_date(self.locked_at.as_deref(), &self.period)
    }
}

/// The position report of `source` in `format`, as bytes. `fonts` is needed for PDF only.
pub fn position_report(
    src: &PositionSource,
    format: Format,
    lang: Lang,
    rounding: Rounding,
    fonts: Option<&Fonts>,
) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Pdf => {
            let fonts = fonts.ok_or_else(|| ReportError::Fonts("a PDF report needs its fonts".into()))?;
            let doc = position_document(src, lang, rounding);
            let ident = format!("scopebook-position/{}/{}/{}", src.organisation.name, src.period.year, lang.as_str());
            crate::document::document_pdf(&doc, fonts, src.document_date(), ident)
        }
        Format::Xlsx => workbook::position_xlsx(src, lang),
        Format::Csv => Ok(figures::position_csv(src, lang, rounding).into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_price_goes_to_the_schemes_of_its_currency_and_one_without_to_every_scheme() {
        assert_eq!(price_currency("high=105CNY").as_deref(), Some("CNY"));
        assert_eq!(price_currency("EUA=80 eur").as_deref(), Some("EUR"));
        assert_eq!(price_currency("central=75"), None);
        assert_eq!(price_currency("75"), None);
        let p: Vec<String> = ["low=50", "high=105CNY", "eu=80EUR"].iter().map(|s| s.to_string()).collect();
        assert_eq!(prices_for(&p, "CNY"), ["low=50", "high=105CNY"]);
        assert_eq!(prices_for(&p, "EUR"), ["low=50", "eu=80EUR"]);
    }
}
