//! The factor library: every loaded dataset edition and factor, the GWP table, and the rules
//! that select a factor for an activity.
//!
//! **Architecture invariant:** selection never guesses. An activity gets the one best factor by
//! the documented precedence, or it is unresolved with a diagnostic that says why.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use crate::dataset::{self, DatasetMeta};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::factor::{parse_factor_file, DatasetRef, Factor};
use crate::gas::GwpTable;
use crate::period::Period;
use crate::region::Region;
use crate::sector::Sector;
use crate::unit::Unit;
use crate::vocabulary::{KeyMapping, Vocabulary};

/// A loaded dataset edition.
#[derive(Clone, Debug, Serialize)]
pub struct DatasetInfo {
    #[serde(flatten)]
    pub reference: Arc<DatasetRef>,
    /// The metadata; `None` for a user's bare factor file.
    pub meta: Option<DatasetMeta>,
    pub file: String,
    pub factor_count: usize,
}

/// Why a factor was chosen. Ordered from strongest to weakest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SelectionRule {
    /// The activity named the factor id.
    Explicit,
    /// A factor measured or set for the activity's own facility.
    FacilitySpecific,
    /// A factor for the supplier the activity names.
    SupplierSpecific,
    /// A factor from a file the user supplied, for the activity's region or a parent of it.
    UserSupplied,
    /// A shipped factor for exactly the activity's region.
    Region,
    /// A shipped factor for a parent region (a province's country, a grid region's country).
    ParentRegion,
    /// A shipped factor its publisher meant for use anywhere (e.g. an IPCC default).
    GlobalDefault,
    /// No edition of a shipped dataset covers the period: the most recent earlier edition for
    /// the same region applies (decision 0018). It ranks after factors of the same region level
    /// valid for the period, before the parent region's.
    LatestAvailable,
}

impl SelectionRule {
    /// Every rule, strongest first (`LatestAvailable` last: it ranks within each region level).
    pub const ALL: [SelectionRule; 8] = [
        SelectionRule::Explicit,
        SelectionRule::FacilitySpecific,
        SelectionRule::SupplierSpecific,
        SelectionRule::UserSupplied,
        SelectionRule::Region,
        SelectionRule::ParentRegion,
        SelectionRule::GlobalDefault,
        SelectionRule::LatestAvailable,
    ];

    /// The stable name (`explicit`, `parent-region`, …): the report's `selected_by`.
    pub fn as_str(self) -> &'static str {
        match self {
            SelectionRule::Explicit => "explicit",
            SelectionRule::FacilitySpecific => "facility-specific",
            SelectionRule::SupplierSpecific => "supplier-specific",
            SelectionRule::UserSupplied => "user-supplied",
            SelectionRule::Region => "region",
            SelectionRule::ParentRegion => "parent-region",
            SelectionRule::GlobalDefault => "global-default",
            SelectionRule::LatestAvailable => "latest-available",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            SelectionRule::Explicit => "named explicitly by the activity",
            SelectionRule::FacilitySpecific => "factor specific to the activity's facility",
            SelectionRule::SupplierSpecific => "factor specific to the activity's supplier",
            SelectionRule::UserSupplied => "user-supplied factor (beats shipped factors)",
            SelectionRule::Region => "shipped factor for the activity's region",
            SelectionRule::ParentRegion => "shipped factor for a parent region of the activity's region",
            SelectionRule::GlobalDefault => "shipped global default",
            SelectionRule::LatestAvailable => {
                "most recent earlier edition of a shipped dataset (no edition covers the period)"
            }
        }
    }
}

/// What to find a factor for.
#[derive(Clone, Copy, Debug)]
pub struct FactorQuery<'a> {
    pub activity: &'a str,
    pub facility: &'a str,
    pub supplier: Option<&'a str>,
    pub region: Option<&'a Region>,
    pub period: Period,
    pub unit: Unit,
    pub explicit: Option<&'a str>,
    /// The sector the fuel is burnt in (the record's, else its facility's).
    pub sector: Option<Sector>,
    /// Whether the record gives its own calorific value (then a mass or volume can feed a
    /// factor whose figures are per unit of energy).
    pub own_ncv: bool,
    /// Whether an amount of money may meet a factor per another currency: the line declares
    /// itself a spend line (method spend-based, or a currency_year, exchange_rate or
    /// price_index), and converts at its own rate (decision 0035).
    pub any_currency: bool,
}

impl FactorQuery<'_> {
    /// Whether `f` can take this query's quantity.
    pub(crate) fn accepts(&self, f: &Factor) -> bool {
        f.accepts(self.unit, self.own_ncv)
            || (self.any_currency && matches!((self.unit, f.unit), (Unit::Money(..), Unit::Money(..))))
    }
}

/// A chosen factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    pub factor: usize,
    pub rule: SelectionRule,
}

/// Why no factor was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub code: Code,
    pub message: String,
    /// For a tie: the ids of the candidates.
    pub candidates: Vec<String>,
}

#[derive(Clone, Default)]
pub struct FactorLibrary {
    pub gwp: GwpTable,
    datasets: Vec<DatasetInfo>,
    pub(crate) factors: Vec<Factor>,
    pub(crate) by_id: HashMap<String, usize>,
    pub(crate) by_activity: HashMap<String, Vec<usize>>,
    /// Each factor's place in the activity vocabulary (`None`: a user's key it does not know).
    pub(crate) mapping: Vec<Option<KeyMapping>>,
    /// Vocabulary activity type → its factors.
    pub(crate) by_entry: HashMap<String, Vec<usize>>,
    /// Dataset id → the one edition selection may use (see [`FactorLibrary::pin`]).
    pub(crate) pinned: BTreeMap<String, String>,
    /// Whether the latest-available rule is off (`calc --strict-years`).
    pub(crate) strict_years: bool,
    facility_specific: bool,
}

impl FactorLibrary {
    /// The datasets shipped with Scopebook. Any diagnostic here is a defect in the shipped data
    /// (the test suite requires none).
    pub fn shipped() -> (FactorLibrary, Vec<Diagnostic>) {
        let mut lib = FactorLibrary::default();
        let mut diags = Vec::new();
        let files: BTreeMap<&str, &[u8]> = dataset::shipped_files().iter().copied().collect();
        let text = |path: &str| files.get(path).map(|b| String::from_utf8_lossy(b).into_owned());

        // GWP tables first: factor files refer to gases and blends.
        match text("gwp/dataset.toml").map(|t| DatasetMeta::parse("emission-factors/gwp/dataset.toml", &t)) {
            Some(Ok(meta)) => {
                let mut parts = Vec::new();
                for key in ["gwp100", "blends"] {
                    let checksum_key = format!("{key}_sha256");
                    let Some((name, sum)) = meta.file_and_checksum(key, &checksum_key) else {
                        diags.push(Diagnostic::error(
                            Code::InvalidMetadata,
                            Location::file("emission-factors/gwp/dataset.toml"),
                            format!("[files] needs '{key}' and '{checksum_key}'"),
                        ));
                        continue;
                    };
                    let path = format!("gwp/{name}");
                    let shown = format!("emission-factors/{path}");
                    match files.get(path.as_str()) {
                        Some(bytes) => {
                            if let Err(d) = dataset::verify_checksum(&shown, bytes, sum) {
                                diags.push(d);
                            }
                            parts.push((shown, String::from_utf8_lossy(bytes).into_owned()));
                        }
                        None => diags.push(Diagnostic::error(
                            Code::UnreadableFile,
                            Location::file(&shown),
                            "the file named in dataset.toml is missing",
                        )),
                    }
                }
                if let [(gf, g), (bf, b)] = parts.as_slice() {
                    let (table, d) = GwpTable::parse(gf, g, bf, b);
                    lib.gwp = table;
                    diags.extend(d);
                }
            }
            Some(Err(d)) => diags.push(d),
            None => diags.push(Diagnostic::error(
                Code::UnreadableFile,
                Location::file("emission-factors/gwp/dataset.toml"),
                "the GWP tables are missing from this build",
            )),
        }

        for (path, bytes) in dataset::shipped_files() {
            let Some(dir) = path.strip_suffix("/dataset.toml") else {
                continue;
            };
            if dir == "gwp" {
                continue;
            }
            let shown = format!("emission-factors/{path}");
            let meta = match DatasetMeta::parse(&shown, &String::from_utf8_lossy(bytes)) {
                Ok(m) => m,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            if format!("{}/{}", meta.id, meta.edition) != dir {
                diags.push(Diagnostic::error(
                    Code::InvalidMetadata,
                    Location::file(&shown),
                    format!("id/edition '{}/{}' does not match the folder '{dir}'", meta.id, meta.edition),
                ));
            }
            let Some((name, sum)) = meta.file_and_checksum("factors", "sha256") else {
                diags.push(Diagnostic::error(
                    Code::InvalidMetadata,
                    Location::file(&shown),
                    "[files] needs 'factors' and 'sha256'",
                ));
                continue;
            };
            let factor_path = format!("{dir}/{name}");
            let factor_shown = format!("emission-factors/{factor_path}");
            let Some(factor_bytes) = files.get(factor_path.as_str()) else {
                diags.push(Diagnostic::error(
                    Code::UnreadableFile,
                    Location::file(&factor_shown),
                    "the factor file named in dataset.toml is missing",
                ));
                continue;
            };
            let sha256 = match dataset::verify_checksum(&factor_shown, factor_bytes, sum) {
                Ok(s) => s,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let Some(region) = Region::parse(&meta.region) else {
                diags.push(Diagnostic::error(
                    Code::InvalidMetadata,
                    Location::file(&shown),
                    format!("'{}' is not a region code", meta.region),
                ));
                continue;
            };
            let reference = Arc::new(DatasetRef {
                id: meta.id.clone(),
                edition: meta.edition.clone(),
                sha256,
                shipped: true,
                region,
            });
            diags.extend(lib.add(reference, Some(meta), &factor_shown, factor_bytes));
        }
        (lib, diags)
    }

    /// Add a user's factor file (the `--factors` format). Its factors rank above shipped ones.
    pub fn add_user_file(&mut self, file: &str, bytes: &[u8]) -> Vec<Diagnostic> {
        let reference = Arc::new(DatasetRef {
            id: format!("user:{file}"),
            edition: "-".to_string(),
            sha256: dataset::sha256_hex(bytes),
            shipped: false,
            region: Region::global(),
        });
        self.add(reference, None, file, bytes)
    }

    /// Add a factor file with its dataset edition's metadata, as an auditor's package carries
    /// them (`factors/<id>/<edition>/`): ranked as [`add_user_file`](Self::add_user_file) ranks
    /// it, with the metadata's `price_year` applying to its money (decision 0047).
    pub fn add_user_file_with_meta(&mut self, file: &str, bytes: &[u8], meta: DatasetMeta) -> Vec<Diagnostic> {
        let reference = Arc::new(DatasetRef {
            id: format!("user:{file}"),
            edition: "-".to_string(),
            sha256: dataset::sha256_hex(bytes),
            shipped: false,
            region: Region::global(),
        });
        self.add(reference, Some(meta), file, bytes)
    }

    /// Add a user's dataset folder: `dataset.toml` (the shipped metadata, plus a required
    /// `evidence` reference) and the factor file it names, checked against its SHA-256.
    /// `read` reads a file of the folder by name.
    pub fn add_user_dataset(
        &mut self,
        folder: &str,
        meta_text: &str,
        read: &dyn Fn(&str) -> Result<Vec<u8>, String>,
    ) -> Vec<Diagnostic> {
        let meta_file = format!("{folder}/dataset.toml");
        let meta = match DatasetMeta::parse(&meta_file, meta_text) {
            Ok(m) => m,
            Err(d) => return vec![d],
        };
        if meta.evidence.as_deref().is_none_or(|e| e.trim().is_empty()) {
            return vec![Diagnostic::error(
                Code::InvalidMetadata,
                Location::file(&meta_file),
                "a user dataset needs 'evidence': the document that backs its figures (lab report, supplier declaration, meter calibration)",
            )];
        }
        let Some((name, sum)) = meta.file_and_checksum("factors", "sha256") else {
            return vec![Diagnostic::error(
                Code::InvalidMetadata,
                Location::file(&meta_file),
                "[files] needs 'factors' and 'sha256'",
            )];
        };
        let factor_file = format!("{folder}/{name}");
        let bytes = match read(name) {
            Ok(b) => b,
            Err(reason) => {
                return vec![Diagnostic::error(
                    Code::UnreadableFile,
                    Location::file(&factor_file),
                    format!("cannot read the file: {reason}"),
                )]
            }
        };
        let sha256 = match dataset::verify_checksum(&factor_file, &bytes, sum) {
            Ok(s) => s,
            Err(d) => return vec![d],
        };
        let Some(region) = Region::parse(&meta.region) else {
            return vec![Diagnostic::error(
                Code::InvalidRegion,
                Location::file(&meta_file),
                format!("'{}' is not a region code", meta.region),
            )];
        };
        if self.datasets.iter().any(|d| d.reference.id == meta.id && d.reference.edition == meta.edition) {
            return vec![Diagnostic::error(
                Code::DuplicateId,
                Location::file(&meta_file),
                format!("dataset {} edition {} is already loaded", meta.id, meta.edition),
            )];
        }
        let reference =
            Arc::new(DatasetRef { id: meta.id.clone(), edition: meta.edition.clone(), sha256, shipped: false, region });
        self.add(reference, Some(meta), &factor_file, &bytes)
    }

    fn add(
        &mut self,
        reference: Arc<DatasetRef>,
        meta: Option<DatasetMeta>,
        file: &str,
        bytes: &[u8],
    ) -> Vec<Diagnostic> {
        let (factors, mut diags) = parse_factor_file(file, bytes, &reference, &self.gwp);
        let mut count = 0;
        for f in factors {
            if let Some(&existing) = self.by_id.get(&f.id) {
                diags.push(Diagnostic::error(
                    Code::DuplicateId,
                    f.origin.clone().with_column("id"),
                    format!("factor id '{}' is already defined at {}", f.id, self.factors[existing].origin),
                ));
                continue;
            }
            let index = self.factors.len();
            self.facility_specific |= f.facility.is_some();
            self.by_id.insert(f.id.clone(), index);
            self.by_activity.entry(f.activity.clone()).or_default().push(index);
            let mapping = Vocabulary::shipped().map_key(&f.activity);
            if let Some(m) = &mapping {
                self.by_entry.entry(m.activity.clone()).or_default().push(index);
            }
            self.mapping.push(mapping);
            self.factors.push(f);
            count += 1;
        }
        self.datasets.push(DatasetInfo { reference, meta, file: file.to_string(), factor_count: count });
        diags
    }

    /// The price year of a factor's money, from its dataset's metadata (`price_year`, decision
    /// 0035); `None` when the dataset states none (a bare factor file states none).
    pub fn price_year(&self, factor: &Factor) -> Option<i32> {
        self.datasets
            .iter()
            .find(|d| {
                Arc::ptr_eq(&d.reference, &factor.dataset)
                    || (d.reference.id == factor.dataset.id && d.reference.edition == factor.dataset.edition)
            })
            .and_then(|d| d.meta.as_ref())
            .and_then(|m| m.price_year)
    }

    pub fn datasets(&self) -> &[DatasetInfo] {
        &self.datasets
    }

    pub fn factors(&self) -> &[Factor] {
        &self.factors
    }

    pub fn factor(&self, index: usize) -> &Factor {
        &self.factors[index]
    }

    pub fn by_id(&self, id: &str) -> Option<&Factor> {
        self.by_id.get(id).map(|&i| &self.factors[i])
    }

    /// Whether selection may use `f`: its dataset is not pinned to another edition.
    pub(crate) fn usable(&self, f: &Factor) -> bool {
        self.pinned.get(&f.dataset.id).is_none_or(|e| *e == f.dataset.edition)
    }

    /// Use only `edition` of dataset `id` from now on (other editions stay loaded, for listing,
    /// but selection skips them). Fails when no such edition is loaded.
    pub fn pin(&mut self, id: &str, edition: &str) -> Result<(), String> {
        let editions: Vec<&str> =
            self.datasets.iter().filter(|d| d.reference.id == id).map(|d| d.reference.edition.as_str()).collect();
        if editions.is_empty() {
            return Err(format!("no dataset '{id}' is loaded (see `scopebook factors list`)"));
        }
        if !editions.contains(&edition) {
            return Err(format!("dataset '{id}' has no edition '{edition}'; loaded editions: {}", editions.join(", ")));
        }
        self.pinned.insert(id.to_string(), edition.to_string());
        Ok(())
    }

    /// Whether any loaded factor applies to one facility only.
    pub fn has_facility_specific(&self) -> bool {
        self.facility_specific
    }

    pub fn pinned(&self) -> &BTreeMap<String, String> {
        &self.pinned
    }

    /// Turn the latest-available rule off (`calc --strict-years`): a line no edition covers is
    /// then unresolved.
    pub fn set_strict_years(&mut self, strict: bool) {
        self.strict_years = strict;
    }

    pub fn strict_years(&self) -> bool {
        self.strict_years
    }

    /// The vocabulary selection resolves activity names through.
    pub fn vocabulary(&self) -> &'static Vocabulary {
        Vocabulary::shipped()
    }

    /// Where the factor at `index` sits in the vocabulary.
    pub fn key_mapping(&self, index: usize) -> Option<&KeyMapping> {
        self.mapping.get(index).and_then(Option::as_ref)
    }

    /// Whether an activity text finds any factor: a key of a loaded factor, or a vocabulary name
    /// whose activity type has factors (or that asks to choose among ones that do).
    pub fn knows_activity(&self, text: &str) -> bool {
        let t = text.trim();
        if self.by_activity.contains_key(t) {
            return true;
        }
        match Vocabulary::shipped().resolve(t) {
            Some(r) => {
                self.by_entry.contains_key(&r.activity)
                    || Vocabulary::shipped().entry(&r.activity).is_some_and(|e| !e.narrower.is_empty())
            }
            None => false,
        }
    }
}

impl Location {
    pub fn with_column(mut self, column: &str) -> Location {
        self.column = Some(column.to_string());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::SelectionRule;

    #[test]
    fn a_rules_name_is_its_serde_name() {
        for rule in SelectionRule::ALL {
            assert_eq!(serde_json::to_value(rule).unwrap(), rule.as_str());
        }
    }
}
