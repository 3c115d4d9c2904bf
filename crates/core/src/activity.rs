//! Activity data: the `scopebook calc` input file, read once into validated records.

mod split;
pub use split::SplitRows;

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::classify::Scope3Category;
use crate::columns::Columns;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::factor::csv_reason;
use crate::number::parse_decimal;
use crate::period::{parse_date, Period};
use crate::region::Region;
use crate::scope3::{DataQuality, Scope3Method, DQ_COLUMNS};
use crate::sector::Sector;
use crate::unit::Unit;

/// One validated activity record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// Line in the source file (the header is line 1).
    pub row: u64,
    pub facility: Arc<str>,
    pub period: Period,
    pub activity: Arc<str>,
    pub quantity: Decimal,
    pub unit: Unit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Arc<Region>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope3_category: Option<Scope3Category>,
    /// The supplier, for supplier-specific factors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Box<str>>,
    /// The IPCC sector the fuel is burnt in, when the record gives one (else the facility's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<Sector>,
    /// Fuel parameters the plant measured or calculated, replacing the factor's defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Box<Parameters>>,
    /// The Scope 3 columns (decision 0035): method, data quality, money conversion, attribution.
    #[serde(flatten)]
    pub scope3: Option<Box<Scope3Details>>,
}

/// A line's Scope 3 columns, when it gives any (decision 0035).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Scope3Details {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<Scope3Method>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_quality: Option<DataQuality>,
    /// The year of the line's money.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_year: Option<i32>,
    /// Units of the line's currency per one unit of its factor's currency (the reporting year's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange_rate: Option<Decimal>,
    /// The factor currency's price level of `currency_year` relative to the factor's price year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_index: Option<Decimal>,
    /// A category-15 line's share of its investee (equity share, or outstanding ÷ EVIC), 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Decimal>,
    /// A category-15 line's PCAF data-quality score, 1 (audited emissions) to 5 (estimated
    /// from asset-class averages) (decision 0050).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pcaf_score: Option<u8>,
}

/// A record's own fuel parameters (China MEE guidelines, EU MRR tiers): each replaces the
/// factor's default for this line only. At least one figure is given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Parameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ncv_gj_per_unit: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carbon_t_per_gj: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oxidation: Option<Decimal>,
    /// How the figures were obtained; `None` when the record does not say (a warning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ParameterSource>,
}

/// How a record's fuel parameters were obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParameterSource {
    /// Measured by the plant or a laboratory (MEE "实测值").
    Measured,
    /// Calculated from other measurements.
    Calculated,
    /// A published default, entered on the record.
    Default,
}

impl ParameterSource {
    pub const ALL: [ParameterSource; 3] =
        [ParameterSource::Measured, ParameterSource::Calculated, ParameterSource::Default];

    pub fn as_str(self) -> &'static str {
        match self {
            ParameterSource::Measured => "measured",
            ParameterSource::Calculated => "calculated",
            ParameterSource::Default => "default",
        }
    }

    /// Its stable name in any case, or the Chinese terms 实测 / 计算 / 缺省.
    pub fn parse(text: &str) -> Option<ParameterSource> {
        let t = text.trim();
        match t {
            "实测" | "实测值" => return Some(ParameterSource::Measured),
            "计算" | "计算值" => return Some(ParameterSource::Calculated),
            "缺省" | "缺省值" | "默认" | "默认值" => return Some(ParameterSource::Default),
            _ => {}
        }
        ParameterSource::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(t))
    }
}

/// The checks on a record's own parameters, shared by activity files, imports and the store:
/// `Err((column, code, reason))` for the first figure out of range.
pub fn check_parameters(p: &Parameters) -> Result<(), (&'static str, Code, String)> {
    if let Some(ncv) = p.ncv_gj_per_unit {
        if ncv <= Decimal::ZERO {
            return Err((
                "ncv_gj_per_unit",
                Code::NonPositiveValue,
                format!("'ncv_gj_per_unit' must be above zero, found {ncv}"),
            ));
        }
    }
    if let Some(c) = p.carbon_t_per_gj {
        if c <= Decimal::ZERO {
            return Err((
                "carbon_t_per_gj",
                Code::NonPositiveValue,
                format!("'carbon_t_per_gj' must be above zero, found {c}"),
            ));
        }
    }
    if let Some(o) = p.oxidation {
        if o <= Decimal::ZERO || o > Decimal::ONE {
            let hint = if o >= Decimal::TEN && o <= Decimal::ONE_HUNDRED {
                format!(" (write {}, not {o})", (o / Decimal::ONE_HUNDRED).normalize())
            } else {
                String::new()
            };
            return Err((
                "oxidation",
                Code::OutOfRange,
                format!("'oxidation' is a fraction between 0 and 1, found {o}{hint}"),
            ));
        }
    }
    Ok(())
}

pub const REQUIRED_COLUMNS: &[&str] = &["facility", "period_start", "period_end", "activity", "quantity", "unit"];
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "factor",
    "region",
    "scope3_category",
    "supplier",
    "evidence",
    "note",
    "sector",
    "ncv_gj_per_unit",
    "carbon_t_per_gj",
    "oxidation",
    "parameter_source",
];
/// The Scope 3 columns (decision 0035), read by `calc` only: the store's export keeps the
/// seventeen columns above.
pub const SCOPE3_COLUMNS: &[&str] = &[
    "method",
    "dq_technology",
    "dq_time",
    "dq_geography",
    "dq_completeness",
    "dq_reliability",
    "currency_year",
    "exchange_rate",
    "price_index",
    "attribution",
    "pcaf_score",
];

/// The index of a known column in [`REQUIRED_COLUMNS`], [`OPTIONAL_COLUMNS`] then
/// [`SCOPE3_COLUMNS`]; resolved at compile time for the literal names used below.
const fn column_index(name: &str) -> usize {
    let n = name.as_bytes();
    let (r, o) = (REQUIRED_COLUMNS.len(), OPTIONAL_COLUMNS.len());
    let mut k = 0;
    while k < r + o + SCOPE3_COLUMNS.len() {
        let c = if k < r {
            REQUIRED_COLUMNS[k]
        } else if k < r + o {
            OPTIONAL_COLUMNS[k - r]
        } else {
            SCOPE3_COLUMNS[k - r - o]
        };
        let c = c.as_bytes();
        if c.len() == n.len() {
            let mut i = 0;
            while i < c.len() && c[i] == n[i] {
                i += 1;
            }
            if i == c.len() {
                return k;
            }
        }
        k += 1;
    }
    usize::MAX
}

/// [`column_index`] of a literal column name, evaluated at compile time: the row reader looks a
/// cell up by its index, not by scanning the names for every cell of every row (a fifth of
/// `calc`'s time at a million rows when it did).
macro_rules! ix {
    ($name:literal) => {
        const {
            let k = column_index($name);
            assert!(k != usize::MAX, "not a column of the activity file");
            k
        }
    };
}

/// Where the Scope 3 columns start among the positions.
const SCOPE3_START: usize = REQUIRED_COLUMNS.len() + OPTIONAL_COLUMNS.len();
/// Where the five data-quality scores start; they follow each other in [`DQ_COLUMNS`] order.
const DQ_START: usize = ix!("dq_technology");
const _: () = {
    let mut k = 0;
    while k < DQ_COLUMNS.len() {
        assert!(column_index(DQ_COLUMNS[k]) == DQ_START + k, "DQ_COLUMNS are consecutive Scope 3 columns");
        k += 1;
    }
};

/// A record's cells by their position in the header: a row of a file, or a record that was
/// never written as text ([`SplitRows`]).
pub trait Cells {
    fn cell(&self, i: usize) -> Option<&str>;
    /// How many cells the record has.
    fn count(&self) -> usize;
}

impl Cells for csv::StringRecord {
    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i)
    }

    fn count(&self) -> usize {
        self.len()
    }
}

impl Cells for [&str] {
    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i).copied()
    }

    fn count(&self) -> usize {
        self.len()
    }
}

/// The header of an activity file, matched to the known columns.
pub struct ActivityHeader {
    /// Position in the file of each of [`REQUIRED_COLUMNS`], [`OPTIONAL_COLUMNS`] then
    /// [`SCOPE3_COLUMNS`].
    positions: Vec<Option<usize>>,
    field_count: usize,
}

impl ActivityHeader {
    /// Read the first line of an activity file. `None` (with diagnostics) when the file cannot
    /// be read as activities at all.
    pub fn read(file: &str, contents: &[u8]) -> (Option<(ActivityHeader, usize)>, Vec<Diagnostic>) {
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(contents);
        let mut header = csv::StringRecord::new();
        match rdr.read_record(&mut header) {
            Ok(true) if !(header.len() == 1 && header[0].trim().trim_start_matches('\u{feff}').is_empty()) => {}
            Ok(_) => {
                return (
                    None,
                    vec![Diagnostic::error(
                        Code::EmptyFile,
                        Location::file(file),
                        "the file is empty: expected a header row",
                    )],
                );
            }
            Err(e) => {
                return (None, vec![Diagnostic::error(Code::MalformedRow, Location::row(file, 1), csv_reason(&e))])
            }
        }
        let body_start = usize::try_from(rdr.position().byte()).unwrap_or(contents.len());
        let optional: Vec<&'static str> = OPTIONAL_COLUMNS.iter().chain(SCOPE3_COLUMNS).copied().collect();
        let (columns, diags) = Columns::read(file, &header, REQUIRED_COLUMNS, &optional);
        if diags.iter().any(Diagnostic::is_error) {
            return (None, diags);
        }
        let positions = REQUIRED_COLUMNS
            .iter()
            .chain(OPTIONAL_COLUMNS)
            .chain(SCOPE3_COLUMNS)
            .map(|c| columns.position(c))
            .collect();
        (Some((ActivityHeader { positions, field_count: header.len() }, body_start)), diags)
    }

    /// Read the data rows in `body` (which starts on line `first_line` of the file).
    pub fn read_rows(&self, file: &str, body: &[u8], first_line: u64) -> (Vec<Activity>, Vec<Diagnostic>) {
        let mut out = Vec::new();
        let mut diags = Vec::new();
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body);
        let mut record = csv::StringRecord::new();
        let mut interner = Interner::default();
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = first_line + record.position().map_or(1, csv::Position::line) - 1;
                    if let Some(a) = self.record(file, line, &record, &mut interner, &mut diags) {
                        out.push(a);
                    }
                }
                Err(e) => {
                    let line = first_line + e.position().map_or(1, csv::Position::line) - 1;
                    diags.push(Diagnostic::error(Code::MalformedRow, Location::row(file, line), csv_reason(&e)));
                    if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                        break;
                    }
                }
            }
        }
        (out, diags)
    }

    /// One record read: refused when it has not the header's number of cells, passed over
    /// when it is a blank line.
    fn record<R: Cells + ?Sized>(
        &self,
        file: &str,
        line: u64,
        record: &R,
        interner: &mut Interner,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Activity> {
        let n = record.count();
        if n != self.field_count {
            if !(n == 1 && record.cell(0).is_some_and(|c| c.trim().is_empty())) {
                diags.push(Diagnostic::error(
                    Code::MalformedRow,
                    Location::row(file, line),
                    format!("the row has {n} fields but the header has {}", self.field_count),
                ));
            }
            return None;
        }
        let before = diags.len();
        let cell =
            |k: usize| self.positions.get(k).copied().flatten().and_then(|p| record.cell(p)).map_or("", str::trim);
        let mut err = |code: Code, column: &str, msg: String| {
            diags.push(Diagnostic::error(code, Location::cell(file, line, column), msg));
        };
        let required = |column: &str, k: usize, err: &mut dyn FnMut(Code, &str, String)| -> Option<&str> {
            let v = cell(k);
            if v.is_empty() {
                err(Code::MissingValue, column, format!("the '{column}' cell is empty; every row needs one"));
                None
            } else {
                Some(v)
            }
        };
        let facility = required("facility", ix!("facility"), &mut err).map(|f| interner.get(f));
        let activity = required("activity", ix!("activity"), &mut err).map(|a| interner.get_lower(a));
        let date = |column: &str, k: usize, err: &mut dyn FnMut(Code, &str, String)| {
            let text = cell(k);
            if text.is_empty() {
                err(Code::MissingValue, column, format!("the '{column}' cell is empty; every row needs one"));
                return None;
            }
            parse_date(text)
                .map_err(|reason| err(Code::MalformedDate, column, format!("'{text}' is not a date: {reason}")))
                .ok()
        };
        let start = date("period_start", ix!("period_start"), &mut err);
        let end = date("period_end", ix!("period_end"), &mut err);
        let period = match (start, end) {
            (Some(s), Some(e)) => {
                let p = Period::new(s, e);
                if p.is_none() {
                    err(
                        Code::ImpossibleDateRange,
                        "period_end",
                        format!("the period ends ({e}) before it starts ({s})"),
                    );
                }
                p
            }
            _ => None,
        };
        let quantity_text = cell(ix!("quantity"));
        let quantity = if quantity_text.is_empty() {
            err(Code::MissingValue, "quantity", "the 'quantity' cell is empty; every row needs one".into());
            None
        } else {
            match parse_decimal(quantity_text) {
                Ok(q) if q.is_sign_negative() && !q.is_zero() => {
                    err(
                        Code::NegativeQuantity,
                        "quantity",
                        format!("the quantity {quantity_text} is negative; activity quantities are zero or more"),
                    );
                    None
                }
                Ok(q) => Some(q),
                Err(reason) => {
                    err(Code::MalformedNumber, "quantity", format!("'{quantity_text}' is not a number: {reason}"));
                    None
                }
            }
        };
        let unit_text = cell(ix!("unit"));
        let unit = if unit_text.is_empty() {
            err(Code::MissingValue, "unit", "the 'unit' cell is empty; every row needs one".into());
            None
        } else {
            interner.unit(unit_text).map_err(|e| err(Code::UnknownUnit, "unit", crate::factor::unit_hint(&e))).ok()
        };
        let region_text = cell(ix!("region"));
        let region = if region_text.is_empty() {
            None
        } else {
            let r = interner.region(region_text).cloned();
            if r.is_none() {
                err(
                    Code::InvalidRegion,
                    "region",
                    format!("'{region_text}' is not a region code (e.g. CN, CN-GD, CN-GRID-EAST, GLOBAL)"),
                );
            }
            r
        };
        let cat_text = cell(ix!("scope3_category"));
        let scope3_category = if cat_text.is_empty() {
            None
        } else {
            let c = cat_text.parse::<u8>().ok().and_then(Scope3Category::new);
            if c.is_none() {
                err(
                    Code::UnknownCategory,
                    "scope3_category",
                    format!("'{cat_text}' is not a Scope 3 category (a number from 1 to 15)"),
                );
            }
            c
        };
        let sector_text = cell(ix!("sector"));
        let sector = if sector_text.is_empty() {
            None
        } else {
            let s = Sector::parse(sector_text);
            if s.is_none() {
                err(Code::UnknownSector, "sector", Sector::unknown(sector_text));
            }
            s
        };
        let figure = |column: &str, k: usize, err: &mut dyn FnMut(Code, &str, String)| {
            let text = cell(k);
            if text.is_empty() {
                return None;
            }
            parse_decimal(text)
                .map_err(|reason| err(Code::MalformedNumber, column, format!("'{text}' is not a number: {reason}")))
                .ok()
        };
        let ncv = figure("ncv_gj_per_unit", ix!("ncv_gj_per_unit"), &mut err);
        let carbon = figure("carbon_t_per_gj", ix!("carbon_t_per_gj"), &mut err);
        let oxidation = figure("oxidation", ix!("oxidation"), &mut err);
        let source_text = cell(ix!("parameter_source"));
        let source = if source_text.is_empty() {
            None
        } else {
            let s = ParameterSource::parse(source_text);
            if s.is_none() {
                err(
                    Code::InvalidValue,
                    "parameter_source",
                    format!("'{source_text}' is not a parameter source; use measured, calculated or default"),
                );
            }
            s
        };
        let parameters = if ncv.is_none() && carbon.is_none() && oxidation.is_none() {
            let any_cell =
                [ix!("ncv_gj_per_unit"), ix!("carbon_t_per_gj"), ix!("oxidation")].iter().any(|&k| !cell(k).is_empty());
            if source.is_some() && !any_cell {
                err(
                    Code::InvalidValue,
                    "parameter_source",
                    "'parameter_source' is given but no parameter (ncv_gj_per_unit, carbon_t_per_gj, oxidation) is"
                        .into(),
                );
            }
            None
        } else {
            let p = Parameters { ncv_gj_per_unit: ncv, carbon_t_per_gj: carbon, oxidation, source };
            if let Err((column, code, reason)) = check_parameters(&p) {
                err(code, column, reason);
            }
            Some(Box::new(p))
        };
        let scope3 = scope3_details(&cell, unit, &mut err);
        if diags.len() > before {
            return None;
        }
        let opt = |k: usize| Some(cell(k)).filter(|v| !v.is_empty());
        Some(Activity {
            row: line,
            facility: facility?,
            period: period?,
            activity: activity?,
            quantity: quantity?,
            unit: unit?,
            factor: opt(ix!("factor")).map(|f| interner.get(f)),
            region,
            scope3_category,
            supplier: opt(ix!("supplier")).map(|s| interner.get(s)),
            evidence: opt(ix!("evidence")).map(Box::from),
            note: opt(ix!("note")).map(Box::from),
            sector,
            parameters,
            scope3,
        })
    }
}

/// The Scope 3 columns of a row (decision 0035), each bad value a located error through `err`;
/// `None` when the row gives none of them.
fn scope3_details<'r>(
    cell: &dyn Fn(usize) -> &'r str,
    unit: Option<Unit>,
    err: &mut dyn FnMut(Code, &str, String),
) -> Option<Box<Scope3Details>> {
    if (SCOPE3_START..SCOPE3_START + SCOPE3_COLUMNS.len()).all(|k| cell(k).is_empty()) {
        return None;
    }
    let method_text = cell(ix!("method"));
    let method = if method_text.is_empty() {
        None
    } else {
        let m = Scope3Method::parse(method_text);
        if m.is_none() {
            err(Code::InvalidValue, "method", Scope3Method::unknown(method_text));
        }
        m
    };
    let given = (DQ_START..DQ_START + DQ_COLUMNS.len()).filter(|&k| !cell(k).is_empty()).count();
    let mut scores = [0u8; 5];
    let mut scored = given == DQ_COLUMNS.len();
    for (k, &column) in DQ_COLUMNS.iter().enumerate() {
        let text = cell(DQ_START + k);
        if text.is_empty() {
            if given > 0 {
                err(
                    Code::MissingValue,
                    column,
                    format!("the '{column}' cell is empty; give all five data-quality scores (dq_technology, dq_time, dq_geography, dq_completeness, dq_reliability) or none"),
                );
            }
            continue;
        }
        match DataQuality::parse_score(column, text) {
            Ok(n) => scores[k] = n,
            Err((code, reason)) => {
                err(code, column, reason);
                scored = false;
            }
        }
    }
    let year_text = cell(ix!("currency_year"));
    let currency_year = if year_text.is_empty() {
        None
    } else {
        let y = year_text.parse::<i32>().ok().filter(|y| (1900..=2100).contains(y));
        if y.is_none() {
            err(Code::InvalidValue, "currency_year", format!("'{year_text}' is not a year (e.g. 2023)"));
        }
        y
    };
    let positive = |column: &str, k: usize, err: &mut dyn FnMut(Code, &str, String)| {
        let text = cell(k);
        if text.is_empty() {
            return None;
        }
        match parse_decimal(text) {
            Ok(v) if v > Decimal::ZERO => Some(v),
            Ok(v) => {
                err(Code::NonPositiveValue, column, format!("'{column}' must be above zero, found {v}"));
                None
            }
            Err(reason) => {
                err(Code::MalformedNumber, column, format!("'{text}' is not a number: {reason}"));
                None
            }
        }
    };
    let pcaf_text = cell(ix!("pcaf_score"));
    let pcaf_score = if pcaf_text.is_empty() {
        None
    } else {
        match DataQuality::parse_score("pcaf_score", pcaf_text) {
            Ok(n) => Some(n),
            Err((code, reason)) => {
                err(code, "pcaf_score", reason);
                None
            }
        }
    };
    let exchange_rate = positive("exchange_rate", ix!("exchange_rate"), &mut *err);
    let price_index = positive("price_index", ix!("price_index"), &mut *err);
    let attribution = positive("attribution", ix!("attribution"), &mut *err);
    if let Some(a) = attribution.filter(|a| *a > Decimal::ONE) {
        let hint = if a <= Decimal::ONE_HUNDRED {
            format!(" (write {}, not {a})", (a / Decimal::ONE_HUNDRED).normalize())
        } else {
            String::new()
        };
        err(Code::OutOfRange, "attribution", format!("'attribution' is a fraction between 0 and 1, found {a}{hint}"));
    }
    if let Some(u) = unit.filter(|u| !matches!(u, Unit::Money(..))) {
        for (column, k) in [
            ("currency_year", ix!("currency_year")),
            ("exchange_rate", ix!("exchange_rate")),
            ("price_index", ix!("price_index")),
        ] {
            if !cell(k).is_empty() {
                err(
                    Code::InvalidValue,
                    column,
                    format!("'{column}' applies to an amount of money (a spend line); this line is in {u}"),
                );
            }
        }
    }
    Some(Box::new(Scope3Details {
        method,
        data_quality: scored.then(|| DataQuality::from_scores(scores)),
        currency_year,
        exchange_rate,
        price_index,
        attribution,
        pcaf_score,
    }))
}

/// Shares one allocation among repeated names, units and regions within a chunk of rows.
#[derive(Default)]
struct Interner {
    strings: HashMap<String, Arc<str>>,
    lower: HashMap<String, Arc<str>>,
    units: HashMap<String, Result<Unit, crate::unit::UnitError>>,
    regions: HashMap<String, Option<Arc<Region>>>,
}

impl Interner {
    fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.strings.get(s) {
            return Arc::clone(a);
        }
        let a: Arc<str> = Arc::from(s);
        self.strings.insert(s.to_string(), Arc::clone(&a));
        a
    }

    fn get_lower(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.lower.get(s) {
            return Arc::clone(a);
        }
        let a: Arc<str> = Arc::from(s.to_lowercase());
        self.lower.insert(s.to_string(), Arc::clone(&a));
        a
    }

    fn unit(&mut self, s: &str) -> Result<Unit, crate::unit::UnitError> {
        if let Some(u) = self.units.get(s) {
            return u.clone();
        }
        let u = Unit::parse(s);
        self.units.insert(s.to_string(), u.clone());
        u
    }

    fn region(&mut self, s: &str) -> Option<&Arc<Region>> {
        if !self.regions.contains_key(s) {
            self.regions.insert(s.to_string(), Region::parse(s).map(Arc::new));
        }
        self.regions.get(s).and_then(Option::as_ref)
    }
}

/// Split an activity file's body into pieces that can be read in parallel: at line ends, and
/// only when the body has no quote character (a quoted field may hold a line break). Each piece
/// comes with the line number it starts on.
pub fn split_body(body: &[u8], first_line: u64, pieces: usize) -> Vec<(&[u8], u64)> {
    if pieces <= 1 || body.len() < 1 << 16 || memchr::memchr(b'"', body).is_some() {
        return vec![(body, first_line)];
    }
    let target = body.len() / pieces;
    let mut out = Vec::with_capacity(pieces);
    let mut start = 0;
    let mut line = first_line;
    while start < body.len() {
        let mut end = (start + target).min(body.len());
        if end < body.len() {
            match memchr::memchr(b'\n', &body[end..]) {
                Some(p) => end += p + 1,
                None => end = body.len(),
            }
        }
        let piece = &body[start..end];
        out.push((piece, line));
        line += memchr::memchr_iter(b'\n', piece).count() as u64;
        start = end;
    }
    out
}
