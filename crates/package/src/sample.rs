//! The auditor's reproducible sample (decision 0042).
//!
//! **The rule** ([`RULE`], written into every sample and findings file so another tool can redo
//! it): a line's emissions are its `emission.co2e_kg × share_applied / 100` (what the totals count
//! of it); the total is the sum of every line's absolute emissions. A line whose absolute
//! emissions × 100 ≥ materiality (percent) × total is **in full**. The seed is the SHA-256 (hex)
//! of the UTF-8 text `root hash ‖ phrase` (the package's root hash as 64 lowercase hex digits,
//! then the phrase exactly as typed, nothing between). Each other line is ranked by the SHA-256
//! (hex) of `seed ‖ ":" ‖ record id` (decimal), ascending, ties by record id; the sample is the
//! first `size` of them. The same package, phrase, materiality and size give the same sample on
//! any machine. Every comparison is exact (decimals, never floats).

use rust_decimal::Decimal;
use scopebook_core::dataset::sha256_hex;
use scopebook_core::diagnostic::{Code, Diagnostic, Location};
use serde::{Deserialize, Serialize};

/// The sample's rule, in words.
pub const RULE: &str = "line emissions = emission.co2e_kg * share_applied / 100; total = sum of |line emissions|; \
a line is checked in full when |line emissions| * 100 >= materiality_percent * total; \
seed = lowercase hex SHA-256 of the UTF-8 text root_hash + phrase (nothing between); \
every other line is ranked by the lowercase hex SHA-256 of seed + \":\" + record id (decimal), ascending, ties by record id; \
the sample is the first `size` lines of that ranking";

/// The sample size when the auditor gives none: 25 lines (a common attribute-sampling size for a
/// low expected error rate), or every line outside those in full when there are fewer.
pub const DEFAULT_SIZE: usize = 25;

/// What the auditor chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleSettings {
    pub phrase: String,
    /// Percent of total emissions, above 0 and at most 100.
    pub materiality: Decimal,
    /// `None`: [`DEFAULT_SIZE`].
    pub size: Option<usize>,
}

/// The materiality the auditor typed: `5`, `2`, or any exact decimal percent in (0, 100] (a
/// trailing `%` is allowed). Refused with a located error otherwise.
pub fn parse_materiality(text: &str) -> Result<Decimal, Diagnostic> {
    let t = text.trim();
    let t = t.strip_suffix('%').map_or(t, str::trim_end);
    let at = Location::file("materiality");
    let d = Decimal::from_str_exact(t).map_err(|_| {
        Diagnostic::error(
            Code::MalformedNumber,
            at.clone(),
            format!("'{text}' is not a percentage: give a plain decimal such as 5, 2 or 1.5"),
        )
    })?;
    if d <= Decimal::ZERO || d > Decimal::ONE_HUNDRED {
        return Err(Diagnostic::error(
            Code::OutOfRange,
            at,
            format!("the materiality must be above 0 % and at most 100 %, not {text}"),
        ));
    }
    Ok(d.normalize())
}

/// One line as the sample sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Population {
    pub record: u64,
    /// The line's emissions as the totals count them (kg CO2e).
    pub co2e_kg: Decimal,
}

/// A line drawn, in full or by the sample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    pub record: u64,
    pub co2e_kg: String,
    /// The line's SHA-256 rank key (empty for a line in full).
    pub rank_key: String,
}

/// A drawn sample, with everything needed to redo it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    pub rule: String,
    pub package_root_hash: String,
    pub phrase: String,
    pub seed: String,
    pub materiality_percent: String,
    pub total_co2e_kg: String,
    /// Lines at or above this (absolute) are in full.
    pub threshold_co2e_kg: String,
    /// The size asked for; `None` when the default was used.
    pub size_requested: Option<usize>,
    pub size: usize,
    pub lines: usize,
    pub in_full: Vec<Drawn>,
    pub sampled: Vec<Drawn>,
}

impl Sample {
    /// Whether record `id` was drawn (in full or sampled).
    pub fn contains(&self, id: u64) -> bool {
        self.in_full.iter().chain(&self.sampled).any(|d| d.record == id)
    }
}

/// The seed of `phrase` for the package of `root_hash`.
pub fn seed(root_hash: &str, phrase: &str) -> String {
    sha256_hex(format!("{root_hash}{phrase}").as_bytes())
}

fn overflow() -> Diagnostic {
    Diagnostic::error(Code::Overflow, Location::file("sample"), "the total emissions are too large to compare exactly")
}

/// Draw the sample of `lines` (a package's lines) for the package of `root_hash`.
pub fn draw(root_hash: &str, lines: &[Population], settings: &SampleSettings) -> Result<Sample, Diagnostic> {
    if settings.phrase.trim().is_empty() {
        return Err(Diagnostic::error(
            Code::MissingValue,
            Location::file("phrase"),
            "type a phrase: the sample's seed is the package's root hash and the phrase",
        ));
    }
    if settings.phrase.trim() != settings.phrase {
        return Err(Diagnostic::error(
            Code::InvalidValue,
            Location::file("phrase"),
            "the phrase starts or ends with a space; the seed takes it byte for byte, so remove the space",
        ));
    }
    let m = settings.materiality;
    if m <= Decimal::ZERO || m > Decimal::ONE_HUNDRED {
        return Err(Diagnostic::error(
            Code::OutOfRange,
            Location::file("materiality"),
            format!("the materiality must be above 0 % and at most 100 %, not {m}"),
        ));
    }
    let mut total = Decimal::ZERO;
    for l in lines {
        total = total.checked_add(l.co2e_kg.abs()).ok_or_else(overflow)?;
    }
    let bar = m.checked_mul(total).ok_or_else(overflow)?;
    let seed = seed(root_hash, &settings.phrase);
    let mut in_full = Vec::new();
    let mut rest = Vec::new();
    for l in lines {
        let scaled = l.co2e_kg.abs().checked_mul(Decimal::ONE_HUNDRED).ok_or_else(overflow)?;
        if scaled >= bar {
            in_full.push(Drawn { record: l.record, co2e_kg: l.co2e_kg.to_string(), rank_key: String::new() });
        } else {
            let key = sha256_hex(format!("{seed}:{}", l.record).as_bytes());
            rest.push(Drawn { record: l.record, co2e_kg: l.co2e_kg.to_string(), rank_key: key });
        }
    }
    let size = match settings.size {
        None => DEFAULT_SIZE.min(rest.len()),
        Some(n) if n > rest.len() => {
            return Err(Diagnostic::error(
                Code::OutOfRange,
                Location::file("size"),
                format!(
                    "a sample of {n} lines was asked for, but only {} lines are not already checked in full",
                    rest.len()
                ),
            ))
        }
        Some(n) => n,
    };
    rest.sort_by(|a, b| a.rank_key.cmp(&b.rank_key).then(a.record.cmp(&b.record)));
    rest.truncate(size);
    in_full.sort_by_key(|d| d.record);
    Ok(Sample {
        rule: RULE.to_string(),
        package_root_hash: root_hash.to_string(),
        phrase: settings.phrase.clone(),
        seed,
        materiality_percent: m.normalize().to_string(),
        total_co2e_kg: total.to_string(),
        threshold_co2e_kg: (bar / Decimal::ONE_HUNDRED).normalize().to_string(),
        size_requested: settings.size,
        size,
        lines: lines.len(),
        in_full,
        sampled: rest,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const ROOT: &str = "30d4b2b3c68d3446f7c4af3f4e401667dcaed0750067428636335c6592fbc682";

    fn lines() -> Vec<Population> {
        // One large line (40 % of the total), one at exactly 5 %, one at 2 %, and 100 small ones.
        let mut v = vec![
            Population { record: 1, co2e_kg: Decimal::new(4000, 0) },
            Population { record: 2, co2e_kg: Decimal::new(500, 0) },
            Population { record: 3, co2e_kg: Decimal::new(200, 0) },
        ];
        // 100 lines of 53 kg: total 4000 + 500 + 200 + 5300 = 10000.
        v.extend((4..104).map(|i| Population { record: i, co2e_kg: Decimal::new(53, 0) }));
        v
    }

    fn settings(phrase: &str, m: &str, size: Option<usize>) -> SampleSettings {
        SampleSettings { phrase: phrase.into(), materiality: parse_materiality(m).unwrap(), size }
    }

    #[test]
    fn the_same_phrase_gives_the_same_sample_and_another_phrase_another() {
        let a = draw(ROOT, &lines(), &settings("audit 2024 北京", "5", Some(10))).unwrap();
        let b = draw(ROOT, &lines(), &settings("audit 2024 北京", "5", Some(10))).unwrap();
        assert_eq!(a, b);
        let c = draw(ROOT, &lines(), &settings("audit 2024 上海", "5", Some(10))).unwrap();
        assert_ne!(a.sampled, c.sampled);
        assert_eq!(a.in_full, c.in_full);
        // The seed is SHA-256(root ‖ phrase), as the rule says.
        assert_eq!(a.seed, sha256_hex(format!("{ROOT}audit 2024 北京").as_bytes()));
        let first = &a.sampled[0];
        assert_eq!(first.rank_key, sha256_hex(format!("{}:{}", a.seed, first.record).as_bytes()));
        assert!(a.sampled.windows(2).all(|w| w[0].rank_key < w[1].rank_key));
    }

    #[test]
    fn every_line_at_or_above_materiality_is_in_full() {
        let five = draw(ROOT, &lines(), &settings("p", "5", None)).unwrap();
        let ids: Vec<u64> = five.in_full.iter().map(|d| d.record).collect();
        assert_eq!(ids, vec![1, 2], "4000 and exactly 500 of 10000 are ≥ 5 %");
        assert_eq!(five.threshold_co2e_kg, "500");
        assert_eq!(five.total_co2e_kg, "10000");
        assert_eq!(five.size, DEFAULT_SIZE);
        assert!(five.sampled.iter().all(|d| d.record > 2));
        let two = draw(ROOT, &lines(), &settings("p", "2", None)).unwrap();
        assert_eq!(two.in_full.iter().map(|d| d.record).collect::<Vec<_>>(), vec![1, 2, 3]);
        let fine = draw(ROOT, &lines(), &settings("p", "0.53", None)).unwrap();
        assert_eq!(fine.in_full.len(), 103, "53 kg is exactly 0.53 % of 10000");
        assert_eq!(fine.size, 0);
    }

    #[test]
    fn bad_settings_are_refused_with_their_field() {
        for (m, code) in [("abc", Code::MalformedNumber), ("0", Code::OutOfRange), ("101", Code::OutOfRange)] {
            assert_eq!(parse_materiality(m).unwrap_err().code, code, "{m}");
        }
        assert_eq!(parse_materiality("2%").unwrap(), Decimal::new(2, 0));
        assert_eq!(draw(ROOT, &lines(), &settings("", "5", None)).unwrap_err().code, Code::MissingValue);
        assert_eq!(draw(ROOT, &lines(), &settings(" p", "5", None)).unwrap_err().code, Code::InvalidValue);
        let too_many = draw(ROOT, &lines(), &settings("p", "5", Some(102))).unwrap_err();
        assert_eq!(too_many.code, Code::OutOfRange);
        assert!(too_many.to_string().contains("only 101 lines"), "{too_many}");
    }
}
