//! Value mapping: the file's own activity names and unit spellings to library activity types and
//! units (issue 6, decision 0013).
//!
//! A value resolves in this order, and the first rule that applies wins:
//!
//! 1. **Exact**: the text already is a library activity type (with at least one factor), or a
//!    unit [`Unit::parse`] accepts (except the ambiguous spellings of rule 5).
//! 2. **User**: the user confirmed this text before ([`ValueMap`], kept by the store).
//! 3. **Built-in spelling**: the text is a library activity type once case, width and spaces are
//!    normalised (`Natural Gas` → `natural_gas`).
//! 4. **Built-in dictionary**: for activities, a name or alias of the activity vocabulary, in
//!    either language (`天然气`, `外购电力`, `0#柴油`; `scopebook_core::vocabulary`, decision
//!    0018), the same names selection and `factors search` know; for units, [`BUILT_IN_UNITS`].
//! 5. **Ask**: the text is known to be ambiguous (`原煤`, `燃气`: the vocabulary's general names;
//!    `立方米`): it stays unknown, with the likely meanings as suggestions, so the user decides
//!    once.
//! 6. **Unknown**: suggestions by simple similarity, best first, in a deterministic order.
//!
//! **Architecture invariant:** nothing here guesses silently. A value the rules above do not
//! settle is [`Resolved::Unknown`]; the user's confirmation goes into the [`ValueMap`].

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use scopebook_core::library::FactorLibrary;
use scopebook_core::unit::{PhysicalUnit, Unit};

/// What kind of value a mapping is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Activity,
    Unit,
}

impl ValueKind {
    /// `activity` or `unit`: the name the CLI, the app and the store use.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Activity => "activity",
            ValueKind::Unit => "unit",
        }
    }

    pub fn parse(text: &str) -> Option<ValueKind> {
        match text.trim() {
            "activity" => Some(ValueKind::Activity),
            "unit" => Some(ValueKind::Unit),
            _ => None,
        }
    }
}

/// The user's remembered choices: (kind, normalised source text) → target (a library activity
/// type or a unit symbol). Serialises as `{"activity": {...}, "unit": {...}}`; keys are
/// normalised again when read, so a hand-edited file still matches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ValueMapWire")]
pub struct ValueMap {
    activity: BTreeMap<String, String>,
    unit: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct ValueMapWire {
    #[serde(default)]
    activity: BTreeMap<String, String>,
    #[serde(default)]
    unit: BTreeMap<String, String>,
}

impl From<ValueMapWire> for ValueMap {
    fn from(w: ValueMapWire) -> ValueMap {
        let mut map = ValueMap::new();
        for (k, v) in w.activity {
            map.insert(ValueKind::Activity, &k, &v);
        }
        for (k, v) in w.unit {
            map.insert(ValueKind::Unit, &k, &v);
        }
        map
    }
}

impl ValueMap {
    pub fn new() -> Self {
        ValueMap::default()
    }

    fn side(&self, kind: ValueKind) -> &BTreeMap<String, String> {
        match kind {
            ValueKind::Activity => &self.activity,
            ValueKind::Unit => &self.unit,
        }
    }

    /// Remember that `source` (as the file spells it) means `target`. An empty source or target
    /// is ignored; a later choice for the same normalised source replaces the earlier one.
    pub fn insert(&mut self, kind: ValueKind, source: &str, target: &str) {
        let (key, target) = (normalise(source), target.trim());
        if key.is_empty() || target.is_empty() {
            return;
        }
        let side = match kind {
            ValueKind::Activity => &mut self.activity,
            ValueKind::Unit => &mut self.unit,
        };
        side.insert(key, target.to_string());
    }

    /// Forget a choice. Returns the target it had.
    pub fn remove(&mut self, kind: ValueKind, source: &str) -> Option<String> {
        let key = normalise(source);
        match kind {
            ValueKind::Activity => self.activity.remove(&key),
            ValueKind::Unit => self.unit.remove(&key),
        }
    }

    /// The remembered target of `source`, if any.
    pub fn get(&self, kind: ValueKind, source: &str) -> Option<&str> {
        self.side(kind).get(&normalise(source)).map(String::as_str)
    }

    /// Every choice, activities first, each side in key order.
    pub fn entries(&self) -> impl Iterator<Item = (ValueKind, &str, &str)> + '_ {
        let a = self.activity.iter().map(|(k, v)| (ValueKind::Activity, k.as_str(), v.as_str()));
        let u = self.unit.iter().map(|(k, v)| (ValueKind::Unit, k.as_str(), v.as_str()));
        a.chain(u)
    }

    pub fn is_empty(&self) -> bool {
        self.activity.is_empty() && self.unit.is_empty()
    }
}

/// Who decided a mapped value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappedBy {
    /// A choice the user confirmed earlier ([`ValueMap`]).
    User,
    /// Scopebook's own spelling rules and dictionaries.
    BuiltIn,
}

/// How one file value resolves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolved<'a> {
    /// The text is already a library activity type / a unit Scopebook reads: use it as it is.
    Exact,
    /// The text stands for `to` (an activity type, or a canonical unit symbol).
    Mapped { to: Cow<'a, str>, by: MappedBy },
    /// Nobody knows yet: ask the user. At most [`MAX_SUGGESTIONS`] likely targets, best first.
    Unknown { suggestions: Vec<String> },
}

/// How many suggestions an unknown value gets at most.
pub const MAX_SUGGESTIONS: usize = 5;

/// The key form of a value or header: full-width ASCII to half-width, ideographic space and any
/// other whitespace to one space, BOM removed, lower case, trimmed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = half_width(c);
        if c == '\u{feff}' || c == '\u{200b}' {
            continue;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Full-width forms (U+FF01–U+FF5E) to ASCII, the ideographic space to a space.
pub(crate) fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

/// Unit spellings (normalised) that [`Unit::parse`] does not accept → canonical unit symbols.
/// A test checks every target parses and no source already parses.
pub const BUILT_IN_UNITS: &[(&str, &str)] = &[
    ("公吨", "t"),
    ("吨(t)", "t"),
    ("kw.h", "kWh"),
    ("kw*h", "kWh"),
    ("kw/h", "kWh"),
    ("千瓦·时", "kWh"),
    ("千瓦小时", "kWh"),
    ("度电", "kWh"),
    ("kwhr", "kWh"),
    ("万kwh", "10^4 kWh"),
    ("万kw·h", "10^4 kWh"),
    ("万kw.h", "10^4 kWh"),
    ("万千瓦·时", "10^4 kWh"),
    ("万千瓦小时", "10^4 kWh"),
    ("mwhr", "MWh"),
    ("兆瓦小时", "MWh"),
    ("公升", "L"),
    ("lt", "L"),
    ("ltr", "L"),
    ("千升", "m3"),
    ("nm3/标方", "Nm3"),
    ("标立方米", "Nm3"),
    ("标准方", "Nm3"),
    ("万nm³", "10^4 Nm3"),
    ("万m3(标)", "10^4 Nm3"),
    ("万标立方米", "10^4 Nm3"),
    ("百万千焦", "GJ"),
    ("gigajoules", "GJ"),
    ("人民币元", "CNY"),
    ("元人民币", "CNY"),
    ("rmb", "CNY"),
    ("cny", "CNY"),
    ("rmb yuan", "CNY"),
    ("yuan", "CNY"),
    ("万元人民币", "10^4 CNY"),
    ("千元人民币", "kCNY"),
    ("美元", "USD"),
    ("usd", "USD"),
    ("万美元", "10^4 USD"),
    ("欧元", "EUR"),
    ("eur", "EUR"),
    ("英镑", "GBP"),
    ("gbp", "GBP"),
];

/// Unit spellings that are ambiguous: `立方米`/`方` for a fuel gas is normally at standard
/// conditions (Nm3) but for water it is a plain volume (m3); `万方` may be 10^4 Nm3 or 10^4 m3
/// (decision 0006 refuses to guess; 10^4 m3 has no unit, so its only suggestion is 10^4 Nm3).
/// The user decides once.
pub const ASK_UNITS: &[(&str, &[&str])] = &[
    ("立方米", &["Nm3", "m3"]),
    ("立方", &["Nm3", "m3"]),
    ("方", &["Nm3", "m3"]),
    ("万方", &["10^4 Nm3"]),
    ("万立方", &["10^4 Nm3"]),
    ("ton", &["t", "short ton", "long ton"]),
    ("tons", &["t", "short ton", "long ton"]),
];

/// The distinct activity types that have at least one factor in `lib`, in order.
pub fn activity_types(lib: &FactorLibrary) -> BTreeSet<&str> {
    lib.factors().iter().map(|f| f.activity.as_str()).collect()
}

fn has_activity(lib: &FactorLibrary, activity: &str) -> bool {
    lib.factors().iter().any(|f| f.activity == activity)
}

fn lookup(table: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

fn lookup_ask(table: &[(&'static str, &'static [&'static str])], key: &str) -> Option<&'static [&'static str]> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Resolve a file's activity name against `lib` (see the module documentation for the order).
pub fn resolve_activity<'a>(lib: &FactorLibrary, user: &'a ValueMap, text: &str) -> Resolved<'a> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Resolved::Unknown { suggestions: Vec::new() };
    }
    let vocab = lib.vocabulary();
    if has_activity(lib, trimmed)
        || (vocab.entry(trimmed).is_some_and(|e| e.narrower.is_empty()) && lib.knows_activity(trimmed))
    {
        return Resolved::Exact;
    }
    let key = normalise(trimmed);
    if let Some(to) = user.activity.get(&key) {
        return Resolved::Mapped { to: Cow::Borrowed(to.as_str()), by: MappedBy::User };
    }
    let spelled: String = key.chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect();
    for candidate in [key.as_str(), spelled.as_str()] {
        if has_activity(lib, candidate) {
            return Resolved::Mapped { to: Cow::Owned(candidate.to_string()), by: MappedBy::BuiltIn };
        }
    }
    let mut suggestions: Vec<String> = Vec::new();
    if let Some(r) = vocab.resolve(trimmed) {
        match vocab.entry(&r.activity).filter(|e| !e.narrower.is_empty()) {
            // A general name: its meanings, in the vocabulary's order, are the first suggestions.
            Some(general) => {
                suggestions
                    .extend(general.narrower.iter().filter(|n| lib.knows_activity(n)).take(MAX_SUGGESTIONS).cloned());
            }
            None if lib.knows_activity(&r.activity) => {
                let to = match r.qualifier {
                    Some(q) => format!("{}.{}", r.activity, q.label()),
                    None => r.activity,
                };
                return Resolved::Mapped { to: Cow::Owned(to), by: MappedBy::BuiltIn };
            }
            None => {}
        }
    }
    if suggestions.len() < MAX_SUGGESTIONS {
        for s in similar_activities(lib, &key) {
            if suggestions.len() >= MAX_SUGGESTIONS {
                break;
            }
            if !suggestions.contains(&s) {
                suggestions.push(s);
            }
        }
    }
    Resolved::Unknown { suggestions }
}

/// Resolve a file's unit spelling (see the module documentation for the order). Mapped targets
/// are canonical symbols that [`Unit::parse`] accepts.
pub fn resolve_unit<'a>(user: &'a ValueMap, text: &str) -> Resolved<'a> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Resolved::Unknown { suggestions: Vec::new() };
    }
    let key = normalise(trimmed);
    let ask = lookup_ask(ASK_UNITS, &key);
    if ask.is_none() && parse_unit(trimmed).is_some() {
        return Resolved::Exact;
    }
    if let Some(to) = user.unit.get(&key) {
        return Resolved::Mapped { to: Cow::Borrowed(to.as_str()), by: MappedBy::User };
    }
    if let Some(to) = lookup(BUILT_IN_UNITS, &key) {
        return Resolved::Mapped { to: Cow::Borrowed(to), by: MappedBy::BuiltIn };
    }
    // Width and spacing differences only (`１０^４ Ｎｍ３`, `k W h`).
    if ask.is_none() {
        for candidate in [key.clone(), key.replace(' ', "")] {
            if let Some(unit) = parse_unit(&candidate) {
                return Resolved::Mapped { to: Cow::Owned(unit.to_string()), by: MappedBy::BuiltIn };
            }
        }
    }
    let mut suggestions: Vec<String> = ask.unwrap_or(&[]).iter().map(|s| s.to_string()).collect();
    if suggestions.len() < MAX_SUGGESTIONS {
        for s in similar_units(&key) {
            if suggestions.len() >= MAX_SUGGESTIONS {
                break;
            }
            if !suggestions.contains(&s) {
                suggestions.push(s);
            }
        }
    }
    Resolved::Unknown { suggestions }
}

/// [`Unit::parse`], made safe for any text: it splits the last three bytes off for a currency
/// code, which panics when they are not a character boundary (`万m3(标)`). Such text cannot be
/// a money unit, so only the physical units are tried for it (the same rule as `Unit::parse`).
fn parse_unit(text: &str) -> Option<Unit> {
    let t = text.trim();
    if t.len() < 3 || t.is_char_boundary(t.len() - 3) {
        return Unit::parse(t).ok();
    }
    let lower = t.to_lowercase();
    PhysicalUnit::ALL
        .iter()
        .find(|u| u.symbol().to_lowercase() == lower || u.aliases().contains(&lower.as_str()))
        .map(|u| Unit::Physical(*u))
}

/// The fewest points (of 1000) a candidate needs to be suggested.
const MIN_SIMILARITY: u32 = 300;

/// Activity types similar to `key`, best first (ties by activity type), at most
/// [`MAX_SUGGESTIONS`]. Compared with: each activity type (underscores and dots as spaces), the
/// leading part of each factor's name, and the vocabulary's names and aliases in either language.
fn similar_activities(lib: &FactorLibrary, key: &str) -> Vec<String> {
    let mut best: BTreeMap<&str, u32> = BTreeMap::new();
    let types = activity_types(lib);
    for t in &types {
        let name: String = t.chars().map(|c| if c == '_' || c == '.' { ' ' } else { c }).collect();
        score_into(&mut best, t, similarity(key, &name));
    }
    for f in lib.factors() {
        if let Some(name) = &f.name {
            let head = name.split([',', '(', '\u{ff08}']).next().unwrap_or("");
            score_into(&mut best, f.activity.as_str(), similarity(key, &normalise(head)));
        }
    }
    for e in lib.vocabulary().entries() {
        if e.narrower.is_empty() && lib.knows_activity(&e.id) {
            for name in [&e.name_en, &e.name_zh].into_iter().chain(&e.aliases) {
                score_into(&mut best, e.id.as_str(), similarity(key, &normalise(name)));
            }
        }
    }
    ranked(best)
}

fn similar_units(key: &str) -> Vec<String> {
    let mut best: BTreeMap<String, u32> = BTreeMap::new();
    for &u in PhysicalUnit::ALL {
        let target = u.symbol();
        let mut score = similarity(key, &target.to_lowercase());
        for alias in u.aliases() {
            score = score.max(similarity(key, alias));
        }
        let entry = best.entry(target.to_string()).or_insert(0);
        *entry = (*entry).max(score);
    }
    for (name, target) in BUILT_IN_UNITS {
        let entry = best.entry((*target).to_string()).or_insert(0);
        *entry = (*entry).max(similarity(key, name));
    }
    let mut list: Vec<(u32, String)> =
        best.into_iter().filter(|(_, s)| *s >= MIN_SIMILARITY).map(|(t, s)| (s, t)).collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    list.into_iter().take(MAX_SUGGESTIONS).map(|(_, t)| t).collect()
}

fn score_into<'l>(best: &mut BTreeMap<&'l str, u32>, target: &'l str, score: u32) {
    let entry = best.entry(target).or_insert(0);
    *entry = (*entry).max(score);
}

fn ranked(best: BTreeMap<&str, u32>) -> Vec<String> {
    let mut list: Vec<(u32, &str)> =
        best.into_iter().filter(|(_, s)| *s >= MIN_SIMILARITY).map(|(t, s)| (s, t)).collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    list.into_iter().take(MAX_SUGGESTIONS).map(|(_, t)| t.to_string()).collect()
}

/// A similarity score from 0 to 1000 between two normalised strings: 1000 when equal; from 500
/// when one contains the other (more for a larger share); otherwise the Dice coefficient of
/// their character bigrams. Integer arithmetic only, so the ranking is the same everywhere.
pub(crate) fn similarity(a: &str, b: &str) -> u32 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b {
        return 1000;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let (short, long, short_len, long_len) = if la <= lb { (a, b, la, lb) } else { (b, a, lb, la) };
    // A contained string counts from 2 characters of Chinese, 3 of ASCII ("ng" is in too much).
    let min_contained = if short.is_ascii() { 3 } else { 2 };
    if short_len >= min_contained && long.contains(short) {
        return 500 + share(short_len, long_len, 499);
    }
    let (ga, gb) = (bigrams(a), bigrams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0;
    }
    let mut pool = gb.clone();
    let mut common = 0usize;
    for g in &ga {
        if let Some(k) = pool.iter().position(|h| h == g) {
            pool.swap_remove(k);
            common += 1;
        }
    }
    share(common.saturating_mul(2), ga.len().saturating_add(gb.len()), 1000)
}

/// `scale × part / whole`, in integers, capped at `scale`.
fn share(part: usize, whole: usize, scale: u32) -> u32 {
    let value = part.saturating_mul(scale as usize).checked_div(whole).unwrap_or(0);
    u32::try_from(value).unwrap_or(scale).min(scale)
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::sync::OnceLock;

    fn lib() -> &'static FactorLibrary {
        static LIB: OnceLock<FactorLibrary> = OnceLock::new();
        LIB.get_or_init(|| {
            let (lib, diags) = FactorLibrary::shipped();
            assert!(diags.is_empty(), "{diags:?}");
            lib
        })
    }

    fn mapped(r: Resolved<'_>) -> (String, MappedBy) {
        match r {
            Resolved::Mapped { to, by } => (to.into_owned(), by),
            other => panic!("expected a mapping, got {other:?}"),
        }
    }

    fn suggestions(r: Resolved<'_>) -> Vec<String> {
        match r {
            Resolved::Unknown { suggestions } => suggestions,
            other => panic!("expected unknown, got {other:?}"),
        }
    }

    #[test]
    fn normalise_folds_width_case_and_space() {
        assert_eq!(normalise("  Ｎａｔ．\u{3000}ＧＡＳ  "), "nat. gas");
        assert_eq!(normalise("\u{feff}kWh"), "kwh");
        assert_eq!(normalise("a \t\n b"), "a b");
        assert_eq!(normalise("天然气（管道）"), "天然气(管道)");
        assert_eq!(normalise(""), "");
    }

    #[test]
    fn every_vocabulary_name_maps_to_an_activity_type_with_factors() {
        let user = ValueMap::new();
        let vocab = lib().vocabulary();
        for e in vocab.entries().iter().filter(|e| e.narrower.is_empty() && lib().knows_activity(&e.id)) {
            for name in std::iter::once(&e.name_zh).chain(&e.aliases) {
                match resolve_activity(lib(), &user, name) {
                    Resolved::Exact => assert!(has_activity(lib(), name.trim()), "{name}"),
                    // The entry's id, or a dataset key that means it (`burning oil` → `burning_oil`).
                    Resolved::Mapped { to, .. } => {
                        assert_eq!(vocab.resolve(&to).map(|r| r.activity), Some(e.id.clone()), "{name} → {to}")
                    }
                    other => panic!("{name} ({}): {other:?}", e.id),
                }
            }
        }
        // A general name asks, with its meanings first.
        for general in vocab.entries().iter().filter(|e| !e.narrower.is_empty()) {
            for name in &general.aliases {
                let s = suggestions(resolve_activity(lib(), &user, name));
                assert_eq!(s.first(), general.narrower.first(), "{name}");
            }
        }
    }

    #[test]
    fn built_in_tables_have_no_duplicate_sources() {
        let mut seen = BTreeSet::new();
        for (s, _) in BUILT_IN_UNITS.iter().map(|(s, t)| (s, t)) {
            assert!(seen.insert(*s), "duplicate {s}");
        }
        for (s, _) in ASK_UNITS {
            assert!(seen.insert(*s), "duplicate {s}");
        }
    }

    #[test]
    fn every_built_in_unit_target_parses_and_no_source_already_does() {
        for (source, target) in BUILT_IN_UNITS {
            let unit = Unit::parse(target).unwrap_or_else(|e| panic!("{source} → {target}: {e}"));
            assert_eq!(unit.to_string(), *target, "target must be the canonical symbol");
            assert!(parse_unit(source).is_none(), "{source} already parses; remove it");
            assert_eq!(normalise(source), *source);
        }
        for (source, targets) in ASK_UNITS {
            assert_eq!(normalise(source), *source);
            for t in *targets {
                assert_eq!(Unit::parse(t).unwrap().to_string(), *t);
            }
        }
    }

    #[test]
    fn activity_names_from_real_files() {
        let user = ValueMap::new();
        assert_eq!(resolve_activity(lib(), &user, "natural_gas"), Resolved::Exact);
        assert_eq!(resolve_activity(lib(), &user, " petrol "), Resolved::Exact);
        for (text, want) in [
            ("天然气", "natural_gas"),
            ("Nat. gas", "natural_gas"),
            ("Natural Gas", "natural_gas"),
            ("NATURAL_GAS", "natural_gas"),
            ("NG", "natural_gas"),
            ("柴油", "diesel"),
            ("0#柴油", "diesel"),
            ("０＃柴油", "diesel"),
            ("Diesel", "diesel"),
            ("汽油", "motor_gasoline"),
            ("gasoline", "motor_gasoline"),
            ("烟煤", "bituminous_coal"),
            ("无烟煤", "anthracite"),
            ("电", "grid_electricity"),
            ("外购电力", "grid_electricity"),
            ("Purchased electricity", "grid_electricity"),
            ("Electricity", "grid_electricity"),
            ("液化石油气", "lpg"),
            ("LPG", "lpg"),
            ("燃料油", "fuel_oil"),
            ("Fuel oil", "fuel_oil"),
            ("蒸汽", "heat_and_steam"),
            ("R-410A", "refrigerant_topup_r_410a"),
            ("R410A", "refrigerant_topup_r_410a"),
            ("HFC-134a", "refrigerant_topup_hfc_134a"),
        ] {
            assert_eq!(mapped(resolve_activity(lib(), &user, text)), (want.to_string(), MappedBy::BuiltIn), "{text}");
        }
    }

    #[test]
    fn ambiguous_activities_ask_with_the_likely_meanings_first() {
        let user = ValueMap::new();
        let s = suggestions(resolve_activity(lib(), &user, "原煤"));
        assert_eq!(&s[..3], ["bituminous_coal", "anthracite", "lignite"]);
        assert!(s.len() <= MAX_SUGGESTIONS);
        let s = suggestions(resolve_activity(lib(), &user, "Coal"));
        assert_eq!(s[0], "bituminous_coal");
    }

    #[test]
    fn unknown_activities_get_deterministic_similar_suggestions() {
        let user = ValueMap::new();
        let a = suggestions(resolve_activity(lib(), &user, "natural gas (pipeline, CN)"));
        let b = suggestions(resolve_activity(lib(), &user, "natural gas (pipeline, CN)"));
        assert_eq!(a, b);
        assert!(a.contains(&"natural_gas".to_string()), "{a:?}");
        assert!(a.len() <= MAX_SUGGESTIONS);
        // Chinese names are compared with the dictionary's names.
        let s = suggestions(resolve_activity(lib(), &user, "管道天然气(园区)"));
        assert_eq!(s.first().map(String::as_str), Some("natural_gas"), "{s:?}");
        // Nothing like it: no suggestions rather than noise.
        assert!(suggestions(resolve_activity(lib(), &user, "设备折旧")).is_empty());
        assert!(suggestions(resolve_activity(lib(), &user, "  ")).is_empty());
    }

    #[test]
    fn the_users_choice_is_remembered_and_wins_over_built_ins() {
        let mut user = ValueMap::new();
        assert!(matches!(resolve_activity(lib(), &user, "园区燃气"), Resolved::Unknown { .. }));
        user.insert(ValueKind::Activity, "园区燃气", "natural_gas");
        user.insert(ValueKind::Activity, "柴油", "diesel_mobile");
        assert_eq!(mapped(resolve_activity(lib(), &user, " 园区燃气 ")), ("natural_gas".into(), MappedBy::User));
        assert_eq!(mapped(resolve_activity(lib(), &user, "柴油")), ("diesel_mobile".into(), MappedBy::User));
        // A library activity type always means itself.
        user.insert(ValueKind::Activity, "diesel", "diesel_mobile");
        assert_eq!(resolve_activity(lib(), &user, "diesel"), Resolved::Exact);
    }

    #[test]
    fn unit_spellings() {
        let user = ValueMap::new();
        for text in [
            "kWh",
            "kwh",
            "KWH",
            "千瓦时",
            "度",
            "万千瓦时",
            "t",
            "吨",
            "tonnes",
            "kg",
            "千克",
            "公斤",
            "L",
            "升",
            "GJ",
            "吉焦",
            "元",
            "万元",
            "m3",
            "Nm3",
            "万立方米",
            "10^4 Nm3",
        ] {
            assert_eq!(resolve_unit(&user, text), Resolved::Exact, "{text}");
        }
        for (text, want) in [
            ("kW.h", "kWh"),
            ("千瓦小时", "kWh"),
            ("万kWh", "10^4 kWh"),
            ("公升", "L"),
            ("rmb", "CNY"),
            ("人民币元", "CNY"),
            ("万元人民币", "10^4 CNY"),
            ("ＫＷＨ", "kWh"),
            ("１０^４ Ｎｍ３", "10^4 Nm3"),
        ] {
            assert_eq!(mapped(resolve_unit(&user, text)), (want.to_string(), MappedBy::BuiltIn), "{text}");
        }
    }

    #[test]
    fn text_that_unit_parse_cannot_split_does_not_panic() {
        let user = ValueMap::new();
        assert_eq!(mapped(resolve_unit(&user, "万m3(标)")), ("10^4 Nm3".into(), MappedBy::BuiltIn));
        assert!(matches!(resolve_unit(&user, "立方米吨"), Resolved::Unknown { .. }));
        assert_eq!(parse_unit("立方米"), Some(Unit::Physical(PhysicalUnit::CubicMetre)));
        assert_eq!(parse_unit("万元"), Unit::parse("万元").ok());
    }

    #[test]
    fn gas_volumes_without_a_reference_state_are_asked() {
        let mut user = ValueMap::new();
        assert_eq!(suggestions(resolve_unit(&user, "立方米"))[..2], ["Nm3", "m3"]);
        assert_eq!(suggestions(resolve_unit(&user, "方"))[..2], ["Nm3", "m3"]);
        assert_eq!(suggestions(resolve_unit(&user, "万方"))[0], "10^4 Nm3");
        user.insert(ValueKind::Unit, "立方米", "Nm3");
        assert_eq!(mapped(resolve_unit(&user, "立方米")), ("Nm3".into(), MappedBy::User));
    }

    #[test]
    fn unknown_units_get_suggestions() {
        let user = ValueMap::new();
        let s = suggestions(resolve_unit(&user, "kilowatt hours"));
        assert_eq!(s.first().map(String::as_str), Some("kWh"), "{s:?}");
        assert!(suggestions(resolve_unit(&user, "桶装")).len() <= MAX_SUGGESTIONS);
    }

    #[test]
    fn value_map_round_trips_through_json_and_normalises_keys() {
        let mut user = ValueMap::new();
        user.insert(ValueKind::Activity, " Ｎａｔ. Gas ", "natural_gas");
        user.insert(ValueKind::Unit, "立方米", "Nm3");
        user.insert(ValueKind::Unit, "", "t");
        let json = serde_json::to_string(&user).unwrap();
        assert_eq!(json, r#"{"activity":{"nat. gas":"natural_gas"},"unit":{"立方米":"Nm3"}}"#);
        let back: ValueMap = serde_json::from_str(r#"{"activity":{"NAT. GAS":"natural_gas"}}"#).unwrap();
        assert_eq!(back.get(ValueKind::Activity, "nat. gas"), Some("natural_gas"));
        let entries: Vec<_> = user.entries().collect();
        assert_eq!(entries, [(ValueKind::Activity, "nat. gas", "natural_gas"), (ValueKind::Unit, "立方米", "Nm3")]);
        assert_eq!(user.remove(ValueKind::Unit, "立方米"), Some("Nm3".into()));
    }

    #[test]
    fn resolved_serialises_with_a_kind_tag() {
        let r = Resolved::Mapped { to: Cow::Borrowed("kWh"), by: MappedBy::BuiltIn };
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"kind":"mapped","to":"kWh","by":"built_in"}"#);
    }
}
