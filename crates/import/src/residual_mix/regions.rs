//! The region a residual-mix row is about: an AIB country (English name or ISO 3166-1 alpha-2
//! code) or a Green-e eGRID subregion acronym (decision 0048). A name neither table knows is
//! refused by the caller: nothing is guessed.

/// AIB's countries and neighbours: (ISO 3166-1 alpha-2, English names as written in tables).
/// Names are compared after [`fold`]. `UK` and `EL` (the EU's codes) are accepted for GB and GR;
/// Kosovo is `XK`, the code the EU and the Council of Europe use (not assigned by ISO 3166).
const COUNTRIES: &[(&str, &[&str])] = &[
    ("AL", &["albania"]),
    ("AT", &["austria"]),
    ("BA", &["bosnia and herzegovina", "bosnia herzegovina", "bosnia"]),
    ("BE", &["belgium"]),
    ("BG", &["bulgaria"]),
    ("CH", &["switzerland"]),
    ("CY", &["cyprus"]),
    ("CZ", &["czechia", "czech republic"]),
    ("DE", &["germany"]),
    ("DK", &["denmark"]),
    ("EE", &["estonia"]),
    ("ES", &["spain"]),
    ("FI", &["finland"]),
    ("FR", &["france"]),
    ("GB", &["united kingdom", "great britain"]),
    ("GE", &["georgia"]),
    ("GR", &["greece"]),
    ("HR", &["croatia"]),
    ("HU", &["hungary"]),
    ("IE", &["ireland"]),
    ("IS", &["iceland"]),
    ("IT", &["italy"]),
    ("LT", &["lithuania"]),
    ("LU", &["luxembourg"]),
    ("LV", &["latvia"]),
    ("MD", &["moldova", "republic of moldova"]),
    ("ME", &["montenegro"]),
    ("MK", &["north macedonia", "macedonia"]),
    ("MT", &["malta"]),
    ("NL", &["netherlands", "the netherlands"]),
    ("NO", &["norway"]),
    ("PL", &["poland"]),
    ("PT", &["portugal"]),
    ("RO", &["romania"]),
    ("RS", &["serbia"]),
    ("SE", &["sweden"]),
    ("SI", &["slovenia"]),
    ("SK", &["slovakia", "slovak republic"]),
    ("TR", &["turkey", "turkiye"]),
    ("UA", &["ukraine"]),
    ("XK", &["kosovo"]),
];

/// Rows of AIB tables that are not a country: aggregates, left out with a warning.
const AIB_AGGREGATES: &[&str] =
    &["total", "europe", "eu", "eu27", "eu 27", "european attribute mix", "eam", "average", "european average"];

/// The 27 eGRID subregions (eGRID2023, as the EPA Hub 2025 dataset names them).
pub const EGRID_SUBREGIONS: &[&str] = &[
    "AKGD", "AKMS", "AZNM", "CAMX", "ERCT", "FRCC", "HIMS", "HIOA", "MROE", "MROW", "NEWE", "NWPP", "NYCW", "NYLI",
    "NYUP", "PRMS", "RFCE", "RFCM", "RFCW", "RMPA", "SPNO", "SPSO", "SRMV", "SRMW", "SRSO", "SRTV", "SRVC",
];

/// The national row of a Green-e table, as its acronym cell may spell it (after [`fold_code`]).
const US_TOTAL: &[&str] = &["US", "USA", "UNITEDSTATES", "USTOTAL", "USAVERAGE", "TOTALUS", "NATIONAL"];

/// What a key cell names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Named {
    /// A region code of the project (`DE`, `US-EGRID-CAMX`, `US`).
    Region(String),
    /// An aggregate row (a total, an average): not one region.
    Aggregate,
    Unknown,
}

/// Lower case, `&` as `and`, footnote marks and punctuation dropped, spaces collapsed:
/// `"Bosnia & Herzegovina*"` → `"bosnia and herzegovina"`, `"Austria (1)"` → `"austria"`.
fn fold(text: &str) -> String {
    let lower = text.to_lowercase().replace('&', " and ");
    // A trailing footnote in brackets: "(1)", "[a]".
    let mut t = lower.trim().to_owned();
    while let Some(open) = t.rfind(['(', '[']) {
        let inner = &t[open..];
        if inner.len() <= 5 && (inner.ends_with(')') || inner.ends_with(']')) {
            t.truncate(open);
        } else {
            break;
        }
    }
    let cleaned: String = t.chars().map(|c| if c.is_alphabetic() || c.is_ascii_digit() { c } else { ' ' }).collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    // Digits are footnote marks after a name ("Austria1"); a word of digits alone ("eu 27") stays.
    words
        .iter()
        .map(|w| if w.chars().any(char::is_alphabetic) { w.trim_end_matches(|c: char| c.is_ascii_digit()) } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Upper case, letters and digits only: `"U.S. Total"` → `"USTOTAL"`.
fn fold_code(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// An AIB country cell: an English name or an alpha-2 code.
pub fn aib_country(text: &str) -> Named {
    let trimmed = text.trim();
    if trimmed.len() == 2 && trimmed.chars().all(|c| c.is_ascii_alphabetic()) {
        let code = match trimmed.to_ascii_uppercase().as_str() {
            "UK" => "GB".to_owned(),
            "EL" => "GR".to_owned(),
            other => other.to_owned(),
        };
        if COUNTRIES.iter().any(|(c, _)| *c == code) {
            return Named::Region(code);
        }
        if code == "EU" {
            return Named::Aggregate;
        }
        return Named::Unknown;
    }
    let name = fold(trimmed);
    if let Some((code, _)) = COUNTRIES.iter().find(|(_, names)| names.contains(&name.as_str())) {
        return Named::Region((*code).to_owned());
    }
    if AIB_AGGREGATES.contains(&name.as_str()) || name.starts_with("total") {
        return Named::Aggregate;
    }
    Named::Unknown
}

/// A Green-e acronym cell: an eGRID subregion (`CAMX` → `US-EGRID-CAMX`), or the national row.
pub fn egrid_subregion(text: &str) -> Named {
    let code = fold_code(text);
    if EGRID_SUBREGIONS.contains(&code.as_str()) {
        return Named::Region(format!("US-EGRID-{code}"));
    }
    if US_TOTAL.contains(&code.as_str()) {
        return Named::Region("US".to_owned());
    }
    Named::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_by_name_or_code() {
        for (text, code) in [
            ("Germany", "DE"),
            ("germany", "DE"),
            ("DE", "DE"),
            ("de", "DE"),
            ("UK", "GB"),
            ("United Kingdom", "GB"),
            ("EL", "GR"),
            ("Austria*", "AT"),
            ("Austria (1)", "AT"),
            ("Austria1", "AT"),
            ("Bosnia & Herzegovina", "BA"),
            ("Czech Republic", "CZ"),
            ("The Netherlands", "NL"),
        ] {
            assert_eq!(aib_country(text), Named::Region(code.to_owned()), "{text}");
        }
        assert_eq!(aib_country("European Attribute Mix"), Named::Aggregate);
        assert_eq!(aib_country("Total"), Named::Aggregate);
        assert_eq!(aib_country("Atlantis"), Named::Unknown);
        assert_eq!(aib_country("ZZ"), Named::Unknown);
    }

    #[test]
    fn egrid_acronyms() {
        assert_eq!(egrid_subregion("CAMX"), Named::Region("US-EGRID-CAMX".into()));
        assert_eq!(egrid_subregion(" camx "), Named::Region("US-EGRID-CAMX".into()));
        assert_eq!(egrid_subregion("U.S. Total"), Named::Region("US".into()));
        assert_eq!(egrid_subregion("XXXX"), Named::Unknown);
        assert_eq!(EGRID_SUBREGIONS.len(), 27);
    }
}
