//! The EU Transaction Log's public per-installation export, as published (one row per
//! installation or aircraft operator; per year `FreeAllocations_YYYY`, `VerifiedEmissions_YYYY`,
//! `UnitsSurrendered_YYYY`, `SurrenderedAllowances_YYYY`, `ComplianceCode_YYYY`, ...).
//!
//! A numeric column may hold text instead of a figure: `NA`, `Excluded`, `Not Reported`,
//! `Not Calculated`, `-`. Such text is a [`Status`], kept as such and never read as zero. Text
//! that holds digits but is not a plain number is a `malformed-number` error.

use rayon::prelude::*;
use rust_decimal::Decimal;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use scopebook_core::number::parse_decimal;

/// What the registry gives instead of a figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Na,
    Excluded,
    NotReported,
    NotCalculated,
    Dash,
    Empty,
    Other(Box<str>),
}

impl Status {
    /// The status a cell's text (without digits) gives; [`Status::as_str`] gives the text back.
    pub fn parse(text: &str) -> Status {
        match text {
            "NA" => Status::Na,
            "Excluded" => Status::Excluded,
            "Not Reported" => Status::NotReported,
            "Not Calculated" => Status::NotCalculated,
            "-" => Status::Dash,
            "" => Status::Empty,
            other => Status::Other(other.into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Status::Na => "NA",
            Status::Excluded => "Excluded",
            Status::NotReported => "Not Reported",
            Status::NotCalculated => "Not Calculated",
            Status::Dash => "-",
            Status::Empty => "",
            Status::Other(t) => t,
        }
    }
}

/// A registry cell: a figure, or the status given instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Figure {
    Value(Decimal),
    Status(Status),
}

impl Figure {
    pub fn value(&self) -> Option<Decimal> {
        match self {
            Figure::Value(d) => Some(*d),
            Figure::Status(_) => None,
        }
    }
}

/// One installation's figures for one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearRecord {
    pub year: i32,
    pub free_allocation: Figure,
    pub verified: Figure,
    pub surrendered: Figure,
    /// Of the units surrendered, the allowances (the rest were international credits).
    pub surrendered_allowances: Figure,
    /// The compliance code as published (A, B, C, D, E; `*` = changed after the deadline).
    pub compliance: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installation {
    pub file: String,
    pub line: u64,
    /// The registry's key (`AT-200103`), else the installation id.
    pub id: String,
    pub installation_id: String,
    pub account_holder: String,
    pub name: String,
    pub country: String,
    pub activity: String,
    pub years: Vec<YearRecord>,
}

impl Installation {
    pub fn year(&self, year: i32) -> Option<&YearRecord> {
        self.years.iter().find(|r| r.year == year)
    }
}

/// Per year, the column index of each figure.
struct YearColumns {
    year: i32,
    free: Option<usize>,
    verified: Option<usize>,
    surrendered: Option<usize>,
    surrendered_allowances: Option<usize>,
    compliance: Option<usize>,
}

const NAME: &str = "InstallationNameOrAircraftOperatorCode";

/// Read several exports, in parallel; installations in file order, then row order.
pub fn read_all(files: &[(String, Vec<u8>)]) -> (Vec<Installation>, Vec<Diagnostic>) {
    let parts: Vec<(Vec<Installation>, Vec<Diagnostic>)> = files.par_iter().map(|(f, b)| read(f, b)).collect();
    let mut all = Vec::new();
    let mut diags = Vec::new();
    for (i, d) in parts {
        all.extend(i);
        diags.extend(d);
    }
    (all, diags)
}

/// Read one export.
pub fn read(file: &str, bytes: &[u8]) -> (Vec<Installation>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let header: Vec<String> = match rdr.read_byte_record(&mut rec) {
        Ok(true) => rec.iter().map(|h| String::from_utf8_lossy(h).trim().to_string()).collect(),
        Ok(false) => {
            diags.push(Diagnostic::error(
                Code::EmptyFile,
                Location::file(file),
                "the file is empty; it needs the registry's header row",
            ));
            return (Vec::new(), diags);
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                Code::MalformedRow,
                Location::row(file, 1),
                format!("the header row is not CSV: {e}"),
            ));
            return (Vec::new(), diags);
        }
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let mut years: Vec<YearColumns> = Vec::new();
    for h in &header {
        let Some((_, y)) = h.rsplit_once('_') else { continue };
        let Ok(year) = y.parse::<i32>() else { continue };
        if !years.iter().any(|c| c.year == year) {
            let at = |prefix: &str| col(&format!("{prefix}_{year}"));
            years.push(YearColumns {
                year,
                free: at("FreeAllocations"),
                verified: at("VerifiedEmissions"),
                surrendered: at("UnitsSurrendered"),
                surrendered_allowances: at("SurrenderedAllowances"),
                compliance: at("ComplianceCode"),
            });
        }
    }
    years.retain(|c| c.free.is_some() || c.verified.is_some() || c.surrendered.is_some());
    years.sort_by_key(|c| c.year);
    let (Some(inst), Some(holder)) = (col("InstallationOrAircraftOperatorID"), col("AccountHolderName")) else {
        diags.push(Diagnostic::error(
            Code::MissingColumn,
            Location::row(file, 1),
            "this is not an EU Transaction Log installation export: it needs InstallationOrAircraftOperatorID and AccountHolderName",
        ));
        return (Vec::new(), diags);
    };
    if years.is_empty() {
        diags.push(Diagnostic::error(
            Code::MissingColumn,
            Location::row(file, 1),
            "the export has no FreeAllocations_YYYY, VerifiedEmissions_YYYY or UnitsSurrendered_YYYY column",
        ));
        return (Vec::new(), diags);
    }
    let (key, name, country, activity) =
        (col("id"), col(NAME), col("Country").or(col("NationalAdministratorCode")), col("MainActivityTypeCodeLookup"));
    let width = header.len();
    let mut out = Vec::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                diags.push(Diagnostic::error(
                    Code::MalformedRow,
                    Location::row(file, line),
                    format!("the row is not CSV: {e}"),
                ));
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
            Ok(true) => {
                let line = rec.position().map_or(0, csv::Position::line);
                if rec.len() != width {
                    diags.push(Diagnostic::error(
                        Code::MalformedRow,
                        Location::row(file, line),
                        format!("the row has {} fields for a {width}-column header", rec.len()),
                    ));
                    continue;
                }
                let text = |i: Option<usize>| {
                    i.and_then(|i| rec.get(i))
                        .map_or_else(String::new, |b| String::from_utf8_lossy(b).trim().to_string())
                };
                let figure = |i: Option<usize>, diags: &mut Vec<Diagnostic>| -> Figure {
                    let Some(raw) = i.and_then(|i| rec.get(i)) else { return Figure::Status(Status::Empty) };
                    let t = String::from_utf8_lossy(raw);
                    let t = t.trim();
                    if !t.bytes().any(|b| b.is_ascii_digit()) {
                        return Figure::Status(Status::parse(t));
                    }
                    match parse_decimal(t) {
                        Ok(d) => Figure::Value(d),
                        Err(why) => {
                            let column = i.and_then(|i| header.get(i)).map_or("", String::as_str);
                            diags.push(Diagnostic::error(
                                Code::MalformedNumber,
                                Location::cell(file, line, column),
                                format!("'{t}' is neither a figure nor a registry status: {why}"),
                            ));
                            Figure::Status(Status::Other(t.into()))
                        }
                    }
                };
                let mut records = Vec::with_capacity(years.len());
                for c in &years {
                    let compliance =
                        c.compliance.and_then(|i| rec.get(i)).map(|b| String::from_utf8_lossy(b).trim().to_string());
                    records.push(YearRecord {
                        year: c.year,
                        free_allocation: figure(c.free, &mut diags),
                        verified: figure(c.verified, &mut diags),
                        surrendered: figure(c.surrendered, &mut diags),
                        surrendered_allowances: figure(c.surrendered_allowances, &mut diags),
                        compliance: compliance.filter(|c| !c.is_empty() && c != "NA"),
                    });
                }
                let installation_id = text(Some(inst));
                let id = Some(text(key)).filter(|k| !k.is_empty()).unwrap_or_else(|| installation_id.clone());
                out.push(Installation {
                    file: file.to_string(),
                    line,
                    id,
                    installation_id,
                    account_holder: text(Some(holder)),
                    name: text(name),
                    country: text(country),
                    activity: text(activity),
                    years: records,
                });
            }
        }
    }
    (out, diags)
}
