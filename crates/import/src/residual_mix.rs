//! The residual-mix files a user downloads from the AIB (European Residual Mixes) and from Green-e
//! (Residual Mix Emissions Rates), converted into the factor format (issue 14, decision 0048).
//!
//! Neither publisher allows the figures to be redistributed, so nothing is shipped: the user
//! gives their own copy (the published XLSX, or the table copied into a CSV) and the data year.
//! The reader finds the table's header row by its column names (a country or eGRID acronym
//! column, and a rate column whose unit it knows), on the first sheet that has one (or the sheet
//! named), and turns each row into one factor of activity [`ACTIVITY`] valid for exactly the data
//! year, with its provenance (file, SHA-256, sheet, row, column, the cell's text).
//!
//! - AIB: direct CO2 in g/kWh (= kg/MWh, the figure unchanged) → `co2_kg` per MWh; a CO2e column
//!   (`gCO2e/kWh`) → `co2e_kg` with the GWP set the user names.
//! - Green-e: lb/MWh × 0.45359237 kg/lb, exactly ([`LB_IN_KG`]); one CO2e rate → `co2e_kg`, or
//!   CO2 with CH4 and N2O → per-gas figures.
//!
//! A zero figure is left out with a warning (AIB's "zero residual mix" of full-disclosure
//! countries): the calculation then takes the grid average for that country and says so. Every
//! other problem is an error at its file, row and column, and an error yields no output: the
//! file is converted whole or not at all. Numbers are the cells' exact text ([`number_text`]:
//! a workbook's numeric cell is calamine's `f64` written as its shortest round-trip decimal,
//! decision 0012); no binary float is used in the conversion.

mod output;
mod regions;

use rust_decimal::Decimal;
use scopebook_core::dataset::sha256_hex;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::gas::GwpSet;
use scopebook_core::number::parse_decimal;
use scopebook_core::region::Region;

use crate::read::{self, number_text, Cell, Format, RawSheet, ReadOptions, Row};
use regions::Named;

pub use regions::EGRID_SUBREGIONS;

/// The activity type of every factor written: what `calc --residual-mix` takes.
pub const ACTIVITY: &str = "residual_mix_electricity";
/// The international avoirdupois pound, exactly (1959): 0.45359237 kg.
pub const LB_IN_KG: Decimal = Decimal::from_parts(45_359_237, 0, 0, false, 8);
/// The licence text of every converted file.
pub const LICENCE: &str = "not redistributable: the user's own copy";
/// How many rows from the top of a sheet the header search looks at.
const HEADER_SEARCH_ROWS: usize = 40;

/// Which publisher's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publication {
    /// The Association of Issuing Bodies' European Residual Mixes (per country, g CO2/kWh).
    Aib,
    /// The Center for Resource Solutions' Green-e Residual Mix Emissions Rates (per eGRID
    /// subregion, lb/MWh). The "2023 … (2021 Data)" edition has data year 2021.
    GreenE,
}

impl Publication {
    pub fn dataset_id(self) -> &'static str {
        match self {
            Publication::Aib => "aib-residual-mix",
            Publication::GreenE => "green-e-residual-mix",
        }
    }

    pub fn publisher(self) -> &'static str {
        match self {
            Publication::Aib => "Association of Issuing Bodies (AIB)",
            Publication::GreenE => "Center for Resource Solutions (CRS), Green-e Energy",
        }
    }

    /// The publication's name for a data year.
    pub fn title(self, data_year: i32) -> String {
        match self {
            Publication::Aib => format!("AIB European Residual Mixes {data_year}"),
            Publication::GreenE => format!("Green-e Residual Mix Emissions Rates ({data_year} Data)"),
        }
    }

    pub fn source_url(self) -> &'static str {
        match self {
            Publication::Aib => "https://www.aib-net.org/facts/european-residual-mix",
            Publication::GreenE => "https://www.green-e.org/residual-mix",
        }
    }

    /// The dataset's region: the default of a row without one (every row has one).
    fn dataset_region(self) -> &'static str {
        match self {
            Publication::Aib => "GLOBAL",
            Publication::GreenE => "US",
        }
    }

    fn key_wanted(self) -> &'static str {
        match self {
            Publication::Aib => "a country column (a header containing \"country\" or \"domain\")",
            Publication::GreenE => {
                "an eGRID subregion column (a header containing \"acronym\", \"subregion\" or \"eGRID\")"
            }
        }
    }

    fn rate_wanted(self) -> &'static str {
        match self {
            Publication::Aib => {
                "a rate column in g/kWh or kg/MWh (a header such as \"CO2 (g/kWh)\", \"gCO2/kWh\" or \"Direct CO2 emissions g/kWh\")"
            }
            Publication::GreenE => {
                "a rate column in lb/MWh (a header such as \"lbs CO2e/MWh\", or \"CO2 (lbs/MWh)\" with CH4 and N2O)"
            }
        }
    }
}

/// What the user says about the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub publication: Publication,
    /// The year the figures are for (Green-e: the "(YYYY Data)" year, not the title year).
    pub data_year: i32,
    /// A workbook's sheet; `None`: the first sheet that has the table's header.
    pub sheet: Option<String>,
    /// The GWP set of a CO2e column: required when the file gives CO2e, never assumed.
    pub gwp_basis: Option<GwpSet>,
}

/// The gas a rate column gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RateGas {
    Co2,
    Ch4,
    N2o,
    Co2e,
}

impl RateGas {
    fn name(self) -> &'static str {
        match self {
            RateGas::Co2 => "CO2",
            RateGas::Ch4 => "CH4",
            RateGas::N2o => "N2O",
            RateGas::Co2e => "CO2e",
        }
    }
}

/// One figure of a row: kg per MWh, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    pub gas: RateGas,
    pub kg_per_mwh: Decimal,
    /// The column (letter, or 1-based number in a CSV) and its header.
    pub column: String,
    pub header: String,
    /// The cell as read (exact text).
    pub text: String,
}

/// One region's residual mix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionMix {
    pub region: Region,
    /// The key cell as written (`Germany`, `CAMX`).
    pub label: String,
    /// The 1-based row (line, in a CSV).
    pub row: usize,
    /// CO2e alone, or CO2 then CH4 and N2O where given.
    pub figures: Vec<Figure>,
}

/// A converted file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResidualMix {
    pub publication: Publication,
    pub data_year: i32,
    /// The file's name, as given.
    pub file: String,
    pub sha256: String,
    pub sheet: Option<String>,
    pub header_row: usize,
    /// The GWP set of a CO2e figure (the one the user named).
    pub gwp_basis: Option<GwpSet>,
    /// One a region, ordered by region code.
    pub regions: Vec<RegionMix>,
}

/// Read `bytes` (the file the user downloaded, named `file`) as `opts.publication`'s table.
/// Returns the converted mix when no error was found, and every finding (warnings included).
pub fn convert(file: &str, bytes: &[u8], opts: &Options) -> (Option<ResidualMix>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mix = read_mix(file, bytes, opts, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    (mix, diags)
}

fn read_mix(file: &str, bytes: &[u8], opts: &Options, diags: &mut Vec<Diagnostic>) -> Option<ResidualMix> {
    if !(1990..=2100).contains(&opts.data_year) {
        diags.push(Diagnostic::error(
            Code::OutOfRange,
            Location::file(file),
            format!("the data year {} is not a year between 1990 and 2100", opts.data_year),
        ));
        return None;
    }
    let read_opts = ReadOptions { sheet: opts.sheet.clone(), ..ReadOptions::default() };
    let (format, sheets) = match read::read_raw(file, bytes, &read_opts) {
        Ok(v) => v,
        Err(e) => {
            diags.push(e.diagnostic());
            return None;
        }
    };
    // The sheets to search: the one named, else each in order.
    let names: Vec<Option<String>> = match (&opts.sheet, format) {
        (_, Format::Csv) => vec![None],
        (Some(s), _) => vec![Some(s.clone())],
        (None, _) => sheets.into_iter().map(Some).collect(),
    };
    let mut searched = Vec::new();
    for name in names {
        let sheet_opts = ReadOptions { sheet: name.clone(), ..read_opts.clone() };
        let sheet = match read::read_sheet(file, bytes, &sheet_opts) {
            Ok(s) => s,
            Err(e) => {
                diags.push(e.diagnostic());
                return None;
            }
        };
        match find_header(file, &sheet, opts, diags) {
            Some(header) => {
                let regions = read_rows(file, &sheet, &header, opts, diags)?;
                return Some(ResidualMix {
                    publication: opts.publication,
                    data_year: opts.data_year,
                    file: file.to_owned(),
                    sha256: sha256_hex(bytes),
                    sheet: sheet.sheet.clone(),
                    header_row: header.row,
                    gwp_basis: opts.gwp_basis,
                    regions,
                });
            }
            None if diags.iter().any(Diagnostic::is_error) => return None,
            None => searched.push(name.map_or_else(|| "the file".to_owned(), |n| format!("sheet \"{n}\""))),
        }
    }
    let rows = if format == Format::Csv { "lines" } else { "rows" };
    diags.push(Diagnostic::error(
        Code::MissingColumn,
        Location::file(file),
        format!(
            "no header row of {} table found in the first {HEADER_SEARCH_ROWS} {rows} of {}: looked for {} and {}",
            match opts.publication {
                Publication::Aib => "an AIB residual-mix",
                Publication::GreenE => "a Green-e residual-mix",
            },
            searched.join(", "),
            opts.publication.key_wanted(),
            opts.publication.rate_wanted()
        ),
    ));
    None
}

/// The header row found: its row, the key column and the rate columns (cell indexes).
struct Header {
    /// Index into the sheet's rows.
    index: usize,
    row: usize,
    key: usize,
    rates: Vec<(usize, RateGas, String)>,
}

/// Lower case, subscript digits as digits, and `CO2-eq`, `CO2 eq`, `CO2eq` spelled `co2e`.
fn lowered(text: &str) -> String {
    let t = text.to_lowercase().replace('\u{2082}', "2").replace('\u{2084}', "4");
    t.replace("co2-eq", "co2e").replace("co2 eq", "co2e").replace("co2eq", "co2e").replace("co2-e", "co2e")
}

/// [`lowered`] without spaces: what the unit tests read (`g / kWh` is `g/kwh`).
fn squash(text: &str) -> String {
    lowered(text).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The gas a header names (of its [`lowered`] text): CO2e (`co2e` not followed by a letter, so
/// "CO2emissions" is CO2), CH4, N2O or CO2.
fn header_gas(h: &str) -> Option<RateGas> {
    let co2e = h.match_indices("co2e").any(|(i, _)| !h[i + 4..].starts_with(char::is_alphabetic));
    if co2e {
        Some(RateGas::Co2e)
    } else if h.contains("ch4") || h.contains("methane") {
        Some(RateGas::Ch4)
    } else if h.contains("n2o") || h.contains("nitrous oxide") {
        Some(RateGas::N2o)
    } else if h.contains("co2") || h.contains("carbon dioxide") {
        Some(RateGas::Co2)
    } else {
        None
    }
}

/// An AIB rate header: g per kWh (not kg per kWh) or kg per MWh, of CO2 or an emission.
fn is_aib_rate(h: &str) -> bool {
    let per_kwh = ["g/kwh", "gco2/kwh", "gco2e/kwh"]
        .iter()
        .any(|n| h.match_indices(n).any(|(i, _)| !h[..i].ends_with('k') && !h[..i].ends_with('m')));
    let per_mwh = ["kg/mwh", "kgco2/mwh", "kgco2e/mwh"].iter().any(|n| h.contains(n));
    (per_kwh || per_mwh) && (h.contains("co2") || h.contains("emission"))
}

/// A Green-e rate header: lb (lbs) per MWh.
fn is_green_e_rate(h: &str) -> bool {
    h.contains("lb") && h.contains("/mwh")
}

/// Each cell's header text: its own, after the text of the row directly above when that row has
/// two or more text cells (a two-row header: "Residual mix" above "CO2 (g/kWh)").
fn header_texts(sheet: &RawSheet, index: usize) -> Vec<String> {
    let Some(row) = sheet.rows.get(index) else { return Vec::new() };
    let above = index
        .checked_sub(1)
        .and_then(|i| sheet.rows.get(i))
        .filter(|a| a.line.saturating_add(1) == row.line && text_cells(a) >= 2);
    (0..row.cells.len())
        .map(|j| {
            let own = cell_text(row.cells.get(j));
            match above.map(|a| cell_text(a.cells.get(j))) {
                Some(top) if !top.is_empty() && !own.is_empty() => format!("{top} {own}"),
                Some(top) if own.is_empty() => top,
                _ => own,
            }
        })
        .collect()
}

fn cell_text(cell: Option<&Cell>) -> String {
    match cell {
        Some(Cell::Text(s)) => s.trim().to_owned(),
        _ => String::new(),
    }
}

fn text_cells(row: &Row) -> usize {
    row.cells.iter().filter(|c| matches!(c, Cell::Text(s) if !s.trim().is_empty())).count()
}

/// The first row, of the first [`HEADER_SEARCH_ROWS`], that has the key column and a rate column.
/// Two rate columns for one gas (neither saying "residual") are an error: which one is meant is
/// not guessed.
fn find_header(file: &str, sheet: &RawSheet, opts: &Options, diags: &mut Vec<Diagnostic>) -> Option<Header> {
    let rows = if sheet.rows.len() < HEADER_SEARCH_ROWS { sheet.rows.len() } else { HEADER_SEARCH_ROWS };
    for index in 0..rows {
        let texts = header_texts(sheet, index);
        let squashed: Vec<String> = texts.iter().map(|t| squash(t)).collect();
        let key = match opts.publication {
            Publication::Aib => squashed.iter().position(|h| h.contains("country") || h.contains("domain")),
            Publication::GreenE => squashed.iter().position(|h| h.contains("acronym")).or_else(|| {
                squashed.iter().position(|h| {
                    (h.contains("subregion") || h.contains("egrid")) && !h.contains("name") && !is_green_e_rate(h)
                })
            }),
        };
        let Some(key) = key else { continue };
        let mut rates: Vec<(usize, RateGas, String)> = Vec::new();
        for (j, h) in squashed.iter().enumerate() {
            if j == key {
                continue;
            }
            let is_rate = match opts.publication {
                Publication::Aib => is_aib_rate(h),
                Publication::GreenE => is_green_e_rate(h),
            };
            let gas = match (opts.publication, header_gas(&lowered(texts.get(j).map_or("", String::as_str)))) {
                (Publication::Aib, Some(RateGas::Co2e)) => Some(RateGas::Co2e),
                // AIB publishes direct CO2: a g/kWh "emissions" column is CO2.
                (Publication::Aib, _) => Some(RateGas::Co2),
                (Publication::GreenE, g) => g,
            };
            if let (true, Some(gas)) = (is_rate, gas) {
                rates.push((j, gas, texts.get(j).cloned().unwrap_or_default()));
            }
        }
        if rates.is_empty() {
            continue;
        }
        let row = sheet.rows.get(index).map_or(0, |r| r.line);
        let rates = choose_rates(file, sheet, row, rates, opts, diags)?;
        return Some(Header { index, row, key, rates });
    }
    None
}

/// One column a gas: where a gas has several, the one whose header says "residual"; CO2e and
/// per-gas columns together refused; CO2e needs the user's GWP set.
fn choose_rates(
    file: &str,
    sheet: &RawSheet,
    row: usize,
    found: Vec<(usize, RateGas, String)>,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(usize, RateGas, String)>> {
    let at = |j: usize| Location::cell(file, u64::try_from(row).unwrap_or(u64::MAX), &sheet.column(j));
    let mut chosen: Vec<(usize, RateGas, String)> = Vec::new();
    for gas in [RateGas::Co2e, RateGas::Co2, RateGas::Ch4, RateGas::N2o] {
        let of_gas: Vec<&(usize, RateGas, String)> = found.iter().filter(|(_, g, _)| *g == gas).collect();
        let pick: Vec<&&(usize, RateGas, String)> = if of_gas.len() > 1 {
            of_gas.iter().filter(|(_, _, h)| h.to_lowercase().contains("residual")).collect()
        } else {
            of_gas.iter().collect()
        };
        match pick.as_slice() {
            [] if of_gas.is_empty() => {}
            [one] => chosen.push((**one).clone()),
            _ => {
                let names: Vec<String> =
                    of_gas.iter().map(|(j, _, h)| format!("{} \"{h}\"", sheet.column(*j))).collect();
                diags.push(Diagnostic::error(
                    Code::DuplicateColumn,
                    at(of_gas.first().map_or(0, |c| c.0)),
                    format!(
                        "{} {} rate columns: {}; which one is the residual mix is not guessed: delete the others (or copy the residual-mix table alone into a CSV)",
                        names.len(),
                        gas.name(),
                        names.join(", ")
                    ),
                ));
                return None;
            }
        }
    }
    let has = |g: RateGas| chosen.iter().any(|(_, x, _)| *x == g);
    if has(RateGas::Co2e) && (has(RateGas::Co2) || has(RateGas::Ch4) || has(RateGas::N2o)) {
        let names: Vec<String> = chosen.iter().map(|(j, _, h)| format!("{} \"{h}\"", sheet.column(*j))).collect();
        diags.push(Diagnostic::error(
            Code::DuplicateColumn,
            at(chosen.first().map_or(0, |c| c.0)),
            format!(
                "the table gives both a CO2e rate and per-gas rates ({}); a factor takes one or the other: delete the columns not wanted",
                names.join(", ")
            ),
        ));
        return None;
    }
    if !has(RateGas::Co2e) && !has(RateGas::Co2) {
        diags.push(Diagnostic::error(
            Code::MissingColumn,
            at(chosen.first().map_or(0, |c| c.0)),
            "the table gives CH4 or N2O rates but no CO2 (or CO2e) rate".to_owned(),
        ));
        return None;
    }
    if has(RateGas::Co2e) && opts.gwp_basis.is_none() {
        let (j, h) = chosen.iter().find(|c| c.1 == RateGas::Co2e).map_or((0, ""), |c| (c.0, c.2.as_str()));
        diags.push(Diagnostic::error(
            Code::MissingGwpBasis,
            at(j),
            format!(
                "column \"{h}\" gives CO2e, which is published under one GWP set: name it (--gwp-basis AR4, AR5 or AR6, as the publication's notes state); it is not assumed"
            ),
        ));
        return None;
    }
    Some(chosen)
}

/// The data rows below the header, one region each; every problem at its row and column.
fn read_rows(
    file: &str,
    sheet: &RawSheet,
    header: &Header,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<RegionMix>> {
    check_title_year(file, sheet, header, opts, diags);
    let key_column = sheet.column(header.key);
    let mut out: Vec<RegionMix> = Vec::new();
    let start = header.index.saturating_add(1);
    for row in sheet.rows.iter().skip(start) {
        let line = u64::try_from(row.line).unwrap_or(u64::MAX);
        let at = |j: usize| Location::cell(file, line, &sheet.column(j));
        let key_cell = row.cells.get(header.key).unwrap_or(&Cell::Empty);
        let label = key_cell.display_text().trim().to_owned();
        let rate_cells: Vec<&Cell> =
            header.rates.iter().map(|(j, _, _)| row.cells.get(*j).unwrap_or(&Cell::Empty)).collect();
        let no_figures = rate_cells.iter().all(|c| c.is_empty());
        let named = match opts.publication {
            Publication::Aib => regions::aib_country(&label),
            Publication::GreenE => regions::egrid_subregion(&label),
        };
        let region = match named {
            _ if label.is_empty() && no_figures => {
                diags.push(Diagnostic::warning(
                    Code::MissingValue,
                    Location::row(file, line),
                    "left out: the row has neither a region nor a figure (a note or a sub-heading)",
                ));
                continue;
            }
            Named::Aggregate => {
                diags.push(Diagnostic::warning(
                    Code::InvalidRegion,
                    Location::cell(file, line, &key_column),
                    format!("left out: '{label}' is a total or average of several countries, not one region"),
                ));
                continue;
            }
            Named::Unknown if no_figures => {
                diags.push(Diagnostic::warning(
                    Code::MissingValue,
                    Location::cell(file, line, &key_column),
                    format!(
                        "left out: '{label}' is not a region and the row gives no figure (a note or a sub-heading)"
                    ),
                ));
                continue;
            }
            Named::Unknown if label.is_empty() => {
                diags.push(Diagnostic::error(
                    Code::MissingValue,
                    Location::cell(file, line, &key_column),
                    "the row gives a figure but no region".to_owned(),
                ));
                continue;
            }
            Named::Unknown => {
                diags.push(Diagnostic::error(
                    Code::InvalidRegion,
                    Location::cell(file, line, &key_column),
                    unknown_region(opts.publication, &label),
                ));
                continue;
            }
            Named::Region(code) => match Region::parse(&code) {
                Some(r) => r,
                None => {
                    diags.push(Diagnostic::error(
                        Code::InvalidRegion,
                        Location::cell(file, line, &key_column),
                        format!("'{code}' is not a region code"),
                    ));
                    continue;
                }
            },
        };
        let mut figures = Vec::new();
        let mut usable = true;
        for ((j, gas, head), cell) in header.rates.iter().zip(&rate_cells) {
            match figure(opts.publication, cell) {
                Ok(Some(kg)) => figures.push(Figure {
                    gas: *gas,
                    kg_per_mwh: kg,
                    column: sheet.column(*j),
                    header: head.clone(),
                    text: cell.display_text(),
                }),
                Ok(None) => {
                    diags.push(Diagnostic::warning(
                        Code::MissingValue,
                        at(*j),
                        format!("left out: {label} has no published {} figure ('{}'); its consumption takes the grid average", gas.name(), cell.display_text()),
                    ));
                    usable = false;
                }
                Err((code, reason)) => {
                    diags.push(Diagnostic::error(code, at(*j), format!("{label}'s {} figure {reason}", gas.name())));
                    usable = false;
                }
            }
        }
        if !usable {
            continue;
        }
        // The headline figure (CO2e, or CO2) zero: a "zero residual mix" is not a rate to use.
        if figures.first().is_some_and(|f| f.kg_per_mwh.is_zero()) {
            let j = header.rates.first().map_or(0, |r| r.0);
            diags.push(Diagnostic::warning(
                Code::NonPositiveValue,
                at(j),
                format!(
                    "left out: {label} ({region}) has a zero residual mix, which is what a full-disclosure country published (AIB: Austria and Switzerland until 2022), not a rate of zero emissions; give that consumption's supplier mix as an instrument (supplier rate), otherwise it takes the grid average"
                ),
            ));
            continue;
        }
        if let Some(first) = out.iter().find(|m| m.region == region) {
            diags.push(Diagnostic::error(
                Code::DuplicateId,
                Location::cell(file, line, &key_column),
                format!("{region} ('{label}') is already given on row {}: one figure a region", first.row),
            ));
            continue;
        }
        out.push(RegionMix { region, label, row: row.line, figures });
    }
    if out.is_empty() && !diags.iter().any(Diagnostic::is_error) {
        diags.push(Diagnostic::error(
            Code::NoDataRows,
            Location::row(file, u64::try_from(header.row).unwrap_or(u64::MAX)),
            "the table has a header but no region with a figure below it".to_owned(),
        ));
        return None;
    }
    out.sort_by(|a, b| a.region.cmp(&b.region));
    Some(out)
}

fn unknown_region(publication: Publication, label: &str) -> String {
    match publication {
        Publication::Aib => format!(
            "'{label}' is not a country Scopebook knows (an English name such as Germany, or an ISO 3166-1 alpha-2 code such as DE); correct it, or delete the row"
        ),
        Publication::GreenE => format!(
            "'{label}' is not an eGRID subregion acronym ({}); correct it, or delete the row",
            EGRID_SUBREGIONS.join(", ")
        ),
    }
}

/// A rate cell as kg per MWh: `Ok(None)` for "not published" (`-`, `n/a`); an error with its
/// code and reason otherwise.
fn figure(publication: Publication, cell: &Cell) -> Result<Option<Decimal>, (Code, String)> {
    if let Cell::Text(t) = cell {
        let folded = t.trim().to_lowercase();
        if ["-", "–", "—", "n/a", "na", "n.a.", "not available"].contains(&folded.as_str()) {
            return Ok(None);
        }
    }
    if let Cell::Error(e) = cell {
        return Err((Code::ErrorCell, format!("is the spreadsheet error {e}, not a number")));
    }
    if cell.is_empty() {
        return Err((Code::MissingValue, "is empty (a missing figure is not zero)".to_owned()));
    }
    let text = number_text(cell).map_err(|r| {
        // The reader's reason repeats the cell ("'x' is not a number: …"): its last part is kept.
        let why = r.split_once(": ").map_or(r.as_str(), |(_, why)| why);
        (Code::MalformedNumber, format!("'{}' is not a number: {why}", cell.display_text()))
    })?;
    let value = parse_decimal(&text).map_err(|r| (Code::MalformedNumber, format!("'{text}' is not a number: {r}")))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err((Code::NonPositiveValue, format!("is {value}: a residual mix is zero or more")));
    }
    match publication {
        // g/kWh = kg/MWh: the figure as published.
        Publication::Aib => Ok(Some(value.normalize())),
        Publication::GreenE => exact_mul(value, LB_IN_KG)
            .map(|v| Some(v.normalize()))
            .ok_or((Code::Overflow, format!("{value} lb × 0.45359237 kg/lb cannot be held exactly"))),
    }
}

/// `a × b` with no rounding: `None` when the exact product does not fit a decimal.
pub fn exact_mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let m = a.mantissa().checked_mul(b.mantissa())?;
    let scale = a.scale().checked_add(b.scale())?;
    let exact = Decimal::try_from_i128_with_scale(m, scale).ok()?;
    Some(exact)
}

/// The title above the header, where it names a year, must name the data year: Green-e's
/// "(2021 Data)", or the one year of an AIB title ("European Residual Mixes 2023").
fn check_title_year(file: &str, sheet: &RawSheet, header: &Header, opts: &Options, diags: &mut Vec<Diagnostic>) {
    for row in sheet.rows.iter().take(header.index) {
        let text: String = row.cells.iter().map(Cell::display_text).collect::<Vec<_>>().join(" ");
        let lower = text.to_lowercase();
        let said = match opts.publication {
            Publication::GreenE => data_year_of(&lower),
            Publication::Aib if lower.contains("residual mix") => {
                let years = years_in(&lower);
                match years.as_slice() {
                    [one] => Some(*one),
                    _ => None,
                }
            }
            Publication::Aib => None,
        };
        if let Some(year) = said.filter(|y| *y != opts.data_year) {
            let hint = match opts.publication {
                Publication::GreenE => " (Green-e's \"2023 … (2021 Data)\" edition has data year 2021)",
                Publication::Aib => "",
            };
            diags.push(Diagnostic::error(
                Code::InvalidValue,
                Location::row(file, u64::try_from(row.line).unwrap_or(u64::MAX)),
                format!(
                    "the title \"{}\" is for data year {year}, but --data-year is {}{hint}",
                    text.trim(),
                    opts.data_year
                ),
            ));
            return;
        }
    }
}

/// `(2021 data)` → 2021.
fn data_year_of(lower: &str) -> Option<i32> {
    let i = lower.find(" data)")?;
    let before = lower[..i].trim_end();
    let digits = before.get(before.len().checked_sub(4)?..)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = digits.parse().ok()?;
    before[..before.len() - 4].ends_with('(').then_some(year)
}

/// The distinct four-digit years (1990–2100) in a text, standing alone.
fn years_in(text: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for word in text.split(|c: char| !c.is_ascii_digit()) {
        if word.len() == 4 {
            if let Ok(y) = word.parse::<i32>() {
                if (1990..=2100).contains(&y) && !out.contains(&y) {
                    out.push(y);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
