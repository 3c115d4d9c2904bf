//! One calculation run: the bytes of an activity file and a library (with its pinned editions)
//! become an inventory, every finding in the order `scopebook calc` prints them, and the inputs
//! the report records. `scopebook calc`, `scopebook calc --db`, the lock snapshot, the app's
//! dashboard and the tests all call [`Run::calculate`], so "dashboard = `scopebook calc` =
//! snapshot" holds by construction; [`datasets_used`] is the one place that lists the datasets.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::boundary::{Boundary, Consolidation};
use crate::calc::{CalcOptions, Inventory, UnverifiedFactor};
use crate::dataset::sha256_hex;
use crate::diagnostic::Diagnostic;
use crate::gas::GwpSet;
use crate::library::FactorLibrary;
use crate::market::Instrument;
use crate::pipeline::calculate_csv;
use crate::report::{DatasetUsed, InputFile, Inputs, Report};
use crate::scope3::{status_conflicts, StatusEntry};

/// `DATASET=EDITION`: calculate with one edition of a dataset only. Parsed once, at the edge.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pin {
    pub dataset: String,
    pub edition: String,
}

impl FromStr for Pin {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (dataset, edition) =
            text.split_once('=').ok_or_else(|| format!("a pin is DATASET=EDITION, found '{text}'"))?;
        let (dataset, edition) = (dataset.trim(), edition.trim());
        if dataset.is_empty() || edition.is_empty() {
            return Err(format!("a pin is DATASET=EDITION, found '{text}'"));
        }
        Ok(Pin { dataset: dataset.to_string(), edition: edition.to_string() })
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.dataset, self.edition)
    }
}

/// Pins as a map, dataset → edition (the form a period stores).
pub fn pin_map(pins: &[Pin]) -> BTreeMap<String, String> {
    pins.iter().map(|p| (p.dataset.clone(), p.edition.clone())).collect()
}

/// The library with `pins` applied: borrowed when there are none. The error names the pin
/// that names no loaded dataset or edition.
pub fn pinned_library<'l>(
    lib: &'l FactorLibrary,
    pins: &BTreeMap<String, String>,
) -> Result<Cow<'l, FactorLibrary>, String> {
    if pins.is_empty() {
        return Ok(Cow::Borrowed(lib));
    }
    let mut l = lib.clone();
    for (id, edition) in pins {
        l.pin(id, edition)?;
    }
    Ok(Cow::Owned(l))
}

/// The dataset editions of a library, as a report and a snapshot record them.
pub fn datasets_used(lib: &FactorLibrary) -> Vec<DatasetUsed> {
    lib.datasets()
        .iter()
        .map(|d| DatasetUsed {
            id: d.reference.id.clone(),
            edition: d.reference.edition.clone(),
            sha256: d.reference.sha256.clone(),
            shipped: d.reference.shipped,
            factors: d.factor_count,
        })
        .collect()
}

/// A finished calculation: what `scopebook calc` reports.
#[derive(Debug, Clone)]
pub struct Run {
    pub inventory: Inventory,
    /// Every finding, in print order: loading factor files, the file's header, rows (by row),
    /// then notes on the factors used (unverified figures, other GWP sets).
    pub diagnostics: Vec<Diagnostic>,
    /// How many of `diagnostics`, from the start, concern the inputs as a whole (factor files,
    /// the activity file's header) rather than its rows or the factors used.
    pub input_findings: usize,
    pub gwp_set: GwpSet,
    /// The activity file (its name and SHA-256), user factor files and the loaded datasets.
    pub inputs: Inputs,
    /// The organisation's approach, once its boundary is applied ([`Run::with_boundary`]).
    pub consolidation: Option<Consolidation>,
    /// The factors marked unverified that computed lines, with how many each (the report's
    /// `unverified_factors`; the `unverified-factor` note among `diagnostics` sums them up).
    pub unverified_factors: Vec<UnverifiedFactor>,
    /// Whether the report gives `scope3_categories` and `iso14064_categories` (`calc` of an
    /// activity file, [`Run::with_scope3_status`]; decision 0035).
    pub scope3_view: bool,
}

impl Run {
    /// Read and calculate an activity file under `lib` (already pinned).
    pub fn calculate(lib: &FactorLibrary, file: &str, bytes: &[u8], opts: CalcOptions) -> Run {
        Self::calculate_numbered(lib, file, bytes, opts, |row| row)
    }

    /// As [`Run::calculate`], with each line's row number mapped by `row` before the findings
    /// are gathered (the store numbers lines by record id).
    pub fn calculate_numbered(
        lib: &FactorLibrary,
        file: &str,
        bytes: &[u8],
        opts: CalcOptions,
        row: impl Fn(u64) -> u64,
    ) -> Run {
        let ((mut inventory, file_diags), sha256) =
            rayon::join(|| calculate_csv(lib, file, bytes, opts), || sha256_hex(bytes));
        inventory.renumber_rows(row);
        Self::assemble(lib, InputFile { file: file.to_string(), sha256 }, inventory, file_diags, opts.gwp_set)
    }

    /// A run from an inventory already calculated (in pieces, by a caller that read the
    /// activity file's pieces itself, e.g. the store streaming a period's records): the findings
    /// in print order — `file_findings` (the file's header), the rows', then the notes on the
    /// factors used — and the inputs, exactly as [`Run::calculate_numbered`] gathers them.
    pub fn assemble(
        lib: &FactorLibrary,
        activities: InputFile,
        inventory: Inventory,
        file_findings: Vec<Diagnostic>,
        gwp_set: GwpSet,
    ) -> Run {
        let mut inventory = inventory;
        inventory.apply_market(lib, gwp_set, &[], &activities.file);
        let input_findings = file_findings.len();
        let mut diagnostics = file_findings;
        diagnostics.extend(inventory.diagnostics.iter().cloned());
        diagnostics.extend(inventory.factor_notes(lib, gwp_set, &activities.file));
        let unverified_factors = inventory.unverified_factors(lib);
        Run {
            inventory,
            diagnostics,
            input_findings,
            gwp_set,
            inputs: Inputs { activities, factor_files: Vec::new(), datasets: datasets_used(lib) },
            consolidation: None,
            unverified_factors,
            scope3_view: false,
        }
    }

    /// Allocate contractual instruments (read from `file`) to the facilities' electricity, for
    /// market-based Scope 2; their findings are printed after the rows'.
    pub fn with_instruments(mut self, lib: &FactorLibrary, instruments: &[Instrument], file: &str) -> Run {
        self.inventory.apply_market(lib, self.gwp_set, instruments, file);
        if let Some(m) = &self.inventory.market {
            self.diagnostics.extend(m.diagnostics.iter().cloned());
        }
        self
    }

    /// The Scope 3 view of `calc` of an activity file: the report gives `scope3_categories`
    /// (with `statuses`, read by [`crate::scope3::read_status`]; empty when no status file was
    /// given: every category is then not assessed) and `iso14064_categories`. A category marked
    /// excluded or not applicable that has lines is a warning, printed after the rows' findings.
    pub fn with_scope3_status(mut self, statuses: Vec<StatusEntry>) -> Run {
        self.scope3_view = true;
        let with_lines = self.inventory.scope3.categories_with_lines();
        self.diagnostics.extend(status_conflicts(&statuses, &with_lines));
        self.inventory.scope3_status = statuses;
        self
    }

    /// Apply an organisation's boundary: lines show their facility's share, and every total is
    /// after the shares.
    pub fn with_boundary(mut self, boundary: &Boundary) -> Run {
        self.inventory.apply_boundary(boundary);
        self.consolidation = boundary.approach;
        self
    }

    /// Record the user factor files the library was given, and the findings from loading them
    /// (printed first).
    pub fn with_factor_files(mut self, files: Vec<InputFile>, load_findings: Vec<Diagnostic>) -> Run {
        self.inputs.factor_files = files;
        self.input_findings += load_findings.len();
        let mut diagnostics = load_findings;
        diagnostics.append(&mut self.diagnostics);
        self.diagnostics = diagnostics;
        self
    }

    /// The findings about the inputs as a whole (see `input_findings`).
    pub fn input_diagnostics(&self) -> &[Diagnostic] {
        self.diagnostics.get(..self.input_findings).unwrap_or(&self.diagnostics)
    }

    /// The name of the calculated input (a file name, or `period YEAR`).
    pub fn file(&self) -> &str {
        &self.inputs.activities.file
    }

    /// SHA-256 of the calculated activity file.
    pub fn input_sha256(&self) -> &str {
        &self.inputs.activities.sha256
    }

    /// The report of this run, with or without its lines.
    pub fn report(&self, with_lines: bool) -> Report<'_> {
        let report = Report::new(
            &self.inventory,
            &self.diagnostics,
            self.inputs.clone(),
            self.gwp_set,
            self.consolidation,
            with_lines,
        )
        .with_unverified_factors(self.unverified_factors.clone());
        if self.scope3_view {
            report.with_scope3_view(&self.inventory)
        } else {
            report
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_parsed_once_and_refuses_half_pins() {
        let pin: Pin = "cn-mee-nbs-grid = 2022".parse().unwrap();
        assert_eq!(pin, Pin { dataset: "cn-mee-nbs-grid".into(), edition: "2022".into() });
        assert_eq!(pin.to_string(), "cn-mee-nbs-grid=2022");
        for bad in ["cn-mee-nbs-grid", "=2022", "cn-mee-nbs-grid=", ""] {
            assert!(bad.parse::<Pin>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn pins_name_a_loaded_edition() {
        let lib = FactorLibrary::shipped().0;
        let ok = BTreeMap::from([("cn-mee-nbs-grid".to_string(), "2022".to_string())]);
        assert!(matches!(pinned_library(&lib, &ok), Ok(Cow::Owned(_))));
        assert!(matches!(pinned_library(&lib, &BTreeMap::new()), Ok(Cow::Borrowed(_))));
        let bad = BTreeMap::from([("cn-mee-nbs-grid".to_string(), "1999".to_string())]);
        assert!(pinned_library(&lib, &bad).is_err_and(|e| e.contains("1999")));
    }

    #[test]
    fn a_run_records_its_input_and_every_loaded_dataset() {
        let lib = FactorLibrary::shipped().0;
        let csv = "facility,period_start,period_end,activity,quantity,unit,region\n\
                   SZ,2023-01-01,2023-12-31,grid_electricity,1000,kWh,CN-GD\n";
        let opts = CalcOptions { gwp_set: GwpSet::AR5, keep_lines: true };
        let run = Run::calculate_numbered(&lib, "a.csv", csv.as_bytes(), opts, |row| row * 10);
        assert_eq!(run.inventory.lines.len(), 1);
        assert_eq!(run.inventory.lines.first().map(|l| l.activity.row), Some(20));
        assert_eq!(run.input_sha256(), sha256_hex(csv.as_bytes()));
        assert_eq!(run.inputs.datasets.len(), lib.datasets().len());
        assert_eq!(run.report(false).inputs.activities.file, "a.csv");
    }
}
