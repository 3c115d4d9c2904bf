//! The activity vocabulary: one list of activity types (fuels, electricity, heat, refrigerants,
//! mobile fuels, and the long tail of travel, freight, materials, waste and spend), with English
//! and Simplified Chinese names and aliases, and the keys each shipped dataset uses for them
//! (decision 0018).
//!
//! The data are tables, embedded at build time: `crates/core/data/vocabulary.csv` (the entries,
//! written by hand), `vocabulary-families.csv` (key prefixes whose every key is its own entry,
//! named by the factor's own English name and the family's Chinese name) and `naics-sectors.csv`
//! (the Chinese names of spend categories, at NAICS sector level).
//!
//! A dataset key maps to an entry and a [`Qualifier`]: `natural_gas.manufacturing` is natural
//! gas for the manufacturing sector; `natural_gas.gcv` natural gas per unit of gross calorific
//! value; `diesel_mobile.road` mobile diesel, the `road` variant. A key maps by the first rule
//! that applies: a family prefix (the key is its own entry); else the longest leading part, cut
//! at dots, that is an entry's id or one of its `keys`, the rest read as the qualifier.
//!
//! **Architecture invariant:** the vocabulary only names things. It never chooses a factor and
//! knows nothing of regions, periods or units; selection (`library`) does.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::sector::Sector;

const ENTRIES: &str = include_str!("../data/vocabulary.csv");
const FAMILIES: &str = include_str!("../data/vocabulary-families.csv");
const NAICS_SECTORS: &str = include_str!("../data/naics-sectors.csv");

/// One activity type of the vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The canonical id (`natural_gas`), also what an activity file may name.
    pub id: String,
    /// `solid-fuel`, `liquid-fuel`, `gaseous-fuel`, `biofuel`, `mobile-fuel`, `electricity`, …
    pub group: String,
    pub name_en: String,
    pub name_zh: String,
    /// Other names, in either language.
    pub aliases: Vec<String>,
    /// Dataset keys other than the id that mean this entry (`petrol` for `motor_gasoline`).
    pub keys: Vec<String>,
    /// For a general name that does not say enough (`原煤`): the entries to choose from. Such an
    /// entry has no factors of its own.
    pub narrower: Vec<String>,
}

/// A key prefix whose every key is an activity type of its own (`spend.naics.`, `waste.`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Family {
    pub prefix: String,
    pub group: String,
    pub name_en: String,
    pub name_zh: String,
}

/// What distinguishes dataset keys of one entry: the IPCC sector, and any other variant the
/// source distinguishes (`gcv`, `ncv`, `road`, `power_generation`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Qualifier {
    pub sector: Option<Sector>,
    pub variant: Option<String>,
}

impl Qualifier {
    pub fn is_none(&self) -> bool {
        self.sector.is_none() && self.variant.is_none()
    }

    /// `manufacturing`, `gcv`, `commercial.gcv`; empty for none.
    pub fn label(&self) -> String {
        match (self.sector, &self.variant) {
            (Some(s), Some(v)) => format!("{s}.{v}"),
            (Some(s), None) => s.to_string(),
            (None, Some(v)) => v.clone(),
            (None, None) => String::new(),
        }
    }

    /// Read the part of a key after its entry (`manufacturing`, `energy_industries.gcv`, `road`).
    /// A segment naming an IPCC sector is the sector; the others, joined by dots, the variant.
    fn parse(rest: &str) -> Option<Qualifier> {
        let mut q = Qualifier::default();
        let mut variant: Vec<&str> = Vec::new();
        for seg in rest.split('.') {
            if seg.is_empty() {
                return None;
            }
            match sector_segment(seg) {
                Some(s) if q.sector.is_none() => q.sector = Some(s),
                _ => variant.push(seg),
            }
        }
        if !variant.is_empty() {
            q.variant = Some(variant.join("."));
        }
        Some(q)
    }
}

/// The key segments that name an IPCC sector: the IPCC 2006 keys' (`energy_industries`) and the
/// sectors' stable names.
fn sector_segment(seg: &str) -> Option<Sector> {
    match seg {
        "energy_industries" => Some(Sector::Energy),
        _ => Sector::ALL.into_iter().find(|s| s.as_str() == seg),
    }
}

/// Where one dataset key sits in the vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMapping {
    /// The activity type's id: an entry's id, or for a family key the key itself.
    pub activity: String,
    pub qualifier: Qualifier,
    /// The family, for a long-tail key.
    pub family: Option<usize>,
}

/// What a user's activity text means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// The activity type's id.
    pub activity: String,
    /// The qualifier the text named (`natural_gas.manufacturing`), if any.
    pub qualifier: Option<Qualifier>,
}

/// The loaded vocabulary.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    entries: Vec<Entry>,
    families: Vec<Family>,
    /// NAICS two-digit sector → (English, Chinese).
    naics: HashMap<String, (String, String)>,
    /// Normalised id, alias and names → entry.
    by_name: HashMap<String, usize>,
    /// Id and `keys` → entry.
    by_key: HashMap<String, usize>,
    problems: Vec<String>,
}

/// The one way to compare names: trimmed, full-width forms folded to ASCII, lower case, runs of
/// white space as one space.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
            '\u{feff}' | '\u{200b}' => continue,
            c => c,
        };
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

fn split_list(cell: &str) -> Vec<String> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl Vocabulary {
    /// The vocabulary compiled into this build. Its tables are checked by the test suite (no
    /// problems); were one malformed, the rows that could be read are still used.
    pub fn shipped() -> &'static Vocabulary {
        static SHIPPED: OnceLock<Vocabulary> = OnceLock::new();
        SHIPPED.get_or_init(|| Vocabulary::parse(ENTRIES, FAMILIES, NAICS_SECTORS))
    }

    /// Read the three tables. Problems (a duplicate id or alias, a narrower entry that does not
    /// exist, a malformed row) are kept in [`Vocabulary::problems`].
    pub fn parse(entries: &str, families: &str, naics: &str) -> Vocabulary {
        let mut v = Vocabulary::default();
        for (line, row) in rows(entries, "vocabulary.csv", &mut v.problems) {
            let [id, group, en, zh, aliases, keys, narrower] = row;
            v.entries.push(Entry {
                id: id.clone(),
                group,
                name_en: en,
                name_zh: zh,
                aliases: split_list(&aliases),
                keys: split_list(&keys),
                narrower: split_list(&narrower),
            });
            if id.is_empty() || id != id.to_lowercase() || id.contains(' ') {
                v.problems.push(format!("vocabulary.csv line {line}: '{id}' is not a lower-case id"));
            }
        }
        for (_, [prefix, group, en, zh]) in rows(families, "vocabulary-families.csv", &mut v.problems) {
            v.families.push(Family { prefix, group, name_en: en, name_zh: zh });
        }
        for (_, [code, en, zh]) in rows(naics, "naics-sectors.csv", &mut v.problems) {
            v.naics.insert(code, (en, zh));
        }
        v.index();
        v
    }

    fn index(&mut self) {
        let mut problems = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            for key in std::iter::once(&e.id).chain(&e.keys) {
                if let Some(&other) = self.by_key.get(key) {
                    problems.push(format!("key '{key}' belongs to both '{}' and '{}'", self.entries[other].id, e.id));
                }
                self.by_key.insert(key.clone(), i);
            }
        }
        // Names: ids first, so that an alias can never hide another entry's id.
        for (i, e) in self.entries.iter().enumerate() {
            self.by_name.insert(normalise(&e.id), i);
        }
        for (i, e) in self.entries.iter().enumerate() {
            for name in e.aliases.iter().chain([&e.name_zh]) {
                let n = normalise(name);
                match self.by_name.get(&n) {
                    Some(&other) if other != i => {
                        problems.push(format!("name '{name}' of '{}' already names '{}'", e.id, self.entries[other].id))
                    }
                    _ => {
                        self.by_name.insert(n, i);
                    }
                }
            }
            for n in &e.narrower {
                if !self.entries.iter().any(|x| &x.id == n && x.narrower.is_empty()) {
                    problems.push(format!("'{}' lists '{n}', which is not an entry with factors", e.id));
                }
            }
            if !e.narrower.is_empty() && !e.keys.is_empty() {
                problems.push(format!("'{}' is a general name and also has keys", e.id));
            }
        }
        for f in &self.families {
            if !f.prefix.ends_with('.') {
                problems.push(format!("family prefix '{}' does not end with a dot", f.prefix));
            }
        }
        self.problems.extend(problems);
    }

    /// Problems found reading the tables (none in a correct build).
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn families(&self) -> &[Family] {
        &self.families
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.by_key.get(id).map(|&i| &self.entries[i]).filter(|e| e.id == id)
    }

    /// The family a key belongs to, if any.
    pub fn family_of(&self, key: &str) -> Option<usize> {
        self.families.iter().position(|f| key.starts_with(f.prefix.as_str()) && key.len() > f.prefix.len())
    }

    /// Where a dataset key sits; `None` when no rule maps it.
    pub fn map_key(&self, key: &str) -> Option<KeyMapping> {
        if let Some(family) = self.family_of(key) {
            return Some(KeyMapping {
                activity: key.to_string(),
                qualifier: Qualifier::default(),
                family: Some(family),
            });
        }
        let (entry, qualifier) = self.split_key(key, |base| self.by_key.get(base).copied())?;
        Some(KeyMapping { activity: self.entries[entry].id.clone(), qualifier, family: None })
    }

    /// The longest leading part of `text`, cut at dots, that `find` knows, and the rest as a
    /// qualifier.
    fn split_key(&self, text: &str, find: impl Fn(&str) -> Option<usize>) -> Option<(usize, Qualifier)> {
        if let Some(i) = find(text) {
            return Some((i, Qualifier::default()));
        }
        let mut cut = text.len();
        while let Some(dot) = text[..cut].rfind('.') {
            if let Some(i) = find(&text[..dot]) {
                return Qualifier::parse(&text[dot + 1..]).map(|q| (i, q));
            }
            cut = dot;
        }
        None
    }

    /// The entry a name (id, alias, Chinese name; case, width and spacing ignored; spaces or
    /// hyphens for underscores) or a base dataset key means.
    fn find_name(&self, text: &str) -> Option<usize> {
        let n = normalise(text);
        if let Some(&i) = self.by_name.get(&n) {
            return Some(i);
        }
        if let Some(&i) = self.by_key.get(text.trim()) {
            return Some(i);
        }
        let spelled: String = n.chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect();
        self.by_name.get(&spelled).or_else(|| self.by_key.get(&spelled)).copied()
    }

    /// What a user's activity text means: an entry by id, alias or name in either language; a
    /// dataset key (with its qualifier); or an entry's name followed by a qualifier
    /// (`天然气.manufacturing`). `None` when the vocabulary does not know it (it may still be a
    /// key of a user's own factor file).
    pub fn resolve(&self, text: &str) -> Option<Resolution> {
        let t = text.trim();
        if let Some(i) = self.find_name(t) {
            return Some(Resolution { activity: self.entries[i].id.clone(), qualifier: None });
        }
        if self.family_of(t).is_some() {
            return Some(Resolution { activity: t.to_string(), qualifier: None });
        }
        let (i, q) = self.split_key(t, |part| self.find_name(part))?;
        Some(Resolution { activity: self.entries[i].id.clone(), qualifier: Some(q).filter(|q| !q.is_none()) })
    }

    /// The English and Chinese names of an activity type: an entry's own; for a family key the
    /// family's (and, for spend, the NAICS sector's).
    pub fn names(&self, activity: &str) -> Option<(String, String)> {
        if let Some(e) = self.entry(activity) {
            return Some((e.name_en.clone(), e.name_zh.clone()));
        }
        let f = &self.families[self.family_of(activity)?];
        if let Some((en, zh)) = self.naics_sector(activity) {
            return Some((format!("{}: {en}", f.name_en), format!("{}：{zh}", f.name_zh)));
        }
        Some((f.name_en.clone(), f.name_zh.clone()))
    }

    /// The NAICS sector of a `spend.naics.NNNNNN` key.
    fn naics_sector(&self, key: &str) -> Option<&(String, String)> {
        let code = key.strip_prefix("spend.naics.")?;
        self.naics.get(code.get(..2)?)
    }

    /// Every name of an activity type as one lower-case text, for searching.
    pub fn search_text(&self, activity: &str) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if let Some(e) = self.entry(activity) {
            parts.extend([e.name_en.as_str(), e.name_zh.as_str()]);
            parts.extend(e.aliases.iter().map(String::as_str));
        }
        let names = self.names(activity);
        if let Some((en, zh)) = &names {
            parts.extend([en.as_str(), zh.as_str()]);
        }
        normalise(&parts.join(" "))
    }

    /// Entries whose id, names or aliases contain `text` (normalised), in table order.
    pub fn search(&self, text: &str) -> Vec<&Entry> {
        let n = normalise(text);
        if n.is_empty() {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter(|e| {
                std::iter::once(&e.id)
                    .chain([&e.name_en, &e.name_zh])
                    .chain(&e.aliases)
                    .any(|name| normalise(name).contains(&n))
            })
            .collect()
    }
}

/// The rows of a small embedded table after its header, each with exactly `N` cells.
fn rows<const N: usize>(text: &str, file: &str, problems: &mut Vec<String>) -> Vec<(usize, [String; N])> {
    let mut out = Vec::new();
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        match record {
            Ok(r) if r.len() == N => {
                let cells: [String; N] = std::array::from_fn(|k| r.get(k).unwrap_or("").trim().to_string());
                out.push((line, cells));
            }
            Ok(r) => problems.push(format!("{file} line {line}: {} cells, expected {N}", r.len())),
            Err(e) => problems.push(format!("{file} line {line}: {e}")),
        }
    }
    out
}

#[cfg(test)]
#[path = "vocabulary_tests.rs"]
mod tests;
