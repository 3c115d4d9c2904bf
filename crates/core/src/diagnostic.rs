//! Findings in user data, as values.
//!
//! Every stage returns what it could do together with the problems it found, so that the user
//! sees all of them at once. Each diagnostic has a stable [`Code`] (documented with a fixture and
//! its exact message in `tests/errors/`), a severity, a location (file, row, column) and a message.

use std::fmt;

use serde::Serialize;

macro_rules! codes {
    ($( $variant:ident => $code:literal, $summary:literal ; )*) => {
        /// A stable diagnostic code. The string form never changes once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }
        }
    };
}

codes! {
    UnreadableFile => "unreadable-file", "a file could not be read";
    EmptyFile => "empty-file", "a file has no header row";
    MissingColumn => "missing-column", "a required column is absent from the header";
    DuplicateColumn => "duplicate-column", "a column appears twice in the header";
    UnknownColumn => "unknown-column", "a column is not one Scopebook reads, and is ignored";
    MalformedRow => "malformed-row", "a row could not be read as CSV (wrong number of fields, bad quoting or encoding)";
    MissingValue => "missing-value", "a required cell is empty";
    MalformedNumber => "malformed-number", "a cell is not a plain decimal number";
    NegativeQuantity => "negative-quantity", "an activity quantity is below zero";
    NonPositiveValue => "non-positive-value", "a factor figure or fuel parameter is negative, or zero where it must be above zero";
    OutOfRange => "out-of-range", "a value lies outside its allowed range";
    UnknownUnit => "unknown-unit", "a unit is not one Scopebook knows";
    InvalidRegion => "invalid-region", "a region is not a region code (CN, CN-GD, CN-GRID-EAST, GLOBAL)";
    NoDataRows => "no-data-rows", "an activity file has a header but no data rows";
    UnitMismatch => "unit-mismatch", "an activity's unit cannot be converted into its factor's unit";
    MalformedDate => "malformed-date", "a date is not an ISO date (YYYY-MM-DD)";
    ImpossibleDateRange => "impossible-date-range", "a period ends before it starts";
    UnknownGas => "unknown-gas", "a gas or blend is not in the GWP tables";
    UnknownScope => "unknown-scope", "a scope is not 1, 2 or 3";
    UnknownCategory => "unknown-category", "a category does not exist for its scope";
    MisplacedScope3Category => "misplaced-scope3-category", "a Scope 3 category is given for an activity whose factor is not Scope 3";
    DuplicateId => "duplicate-id", "an identifier is defined twice";
    InvalidFactor => "invalid-factor", "a factor row does not describe one usable calculation";
    MissingGwpBasis => "missing-gwp-basis", "a CO2e factor does not say which GWP set it was published with";
    ChecksumMismatch => "checksum-mismatch", "a dataset file does not match the checksum in its metadata";
    InvalidMetadata => "invalid-metadata", "a dataset's metadata is missing or malformed";
    UnknownFactor => "unknown-factor", "an activity names a factor id that is not loaded";
    NoFactor => "no-factor", "no factor matches an activity's type, region, period and unit";
    AmbiguousFactor => "ambiguous-factor", "two or more factors match an activity equally well";
    MissingGwp => "missing-gwp", "a gas has no GWP in the chosen set";
    GwpBasisMismatch => "gwp-basis-mismatch", "a CO2e factor was published with another GWP set than the inventory's";
    UnverifiedFactor => "unverified-factor", "a factor's figure is not yet confirmed in its primary source";
    InexactConversion => "inexact-conversion", "a unit conversion does not terminate and was rounded to 28 decimal places";
    Overflow => "overflow", "a figure is too large to compute exactly";
    NotAScopebookDatabase => "not-a-scopebook-database", "a file is not a Scopebook database (another program's file, or not SQLite at all)";
    NewerSchema => "newer-schema", "a database was written by a newer version of Scopebook than this one";
    DatabaseExists => "database-exists", "a command would overwrite an existing file";
    DatabaseError => "database-error", "the database could not be read or written (damaged file, busy, or disk error)";
    UnknownRecord => "unknown-record", "a facility, period or record named in a command does not exist";
    PeriodOverlap => "period-overlap", "a reporting period repeats a year or overlaps another period";
    PeriodLocked => "period-locked", "a change to a locked period (corrections are restatements)";
    InvalidState => "invalid-state", "an action does not fit the state of its period or record";
    AuditChainBroken => "audit-chain-broken", "an audit-log entry is missing, or does not match its hash or its predecessor";
    AuditDataMismatch => "audit-data-mismatch", "the stored data differs from what the audit log records";
    DuplicateRecord => "duplicate-record", "an imported row repeats a record of its period, or an earlier row of its file (same facility, activity and evidence)";
    UnmappedField => "unmapped-field", "a required field has no column in an import's column mapping";
    UnknownValue => "unknown-value", "an imported activity name or unit spelling is not mapped to a library one";
    ErrorCell => "error-cell", "a spreadsheet cell holds an error value (#DIV/0!, #N/A, ...) or a formula without a value";
    WrongFileType => "wrong-file-type", "a file's contents are not what its name says, or not a format Scopebook imports";
    FileTooLarge => "file-too-large", "a file, or what a compressed workbook expands to, is over the import limit";
    SnapshotMismatch => "snapshot-mismatch", "a locked period's fresh calculation differs from the snapshot taken when it was locked";
    UnknownSector => "unknown-sector", "a sector is not one of energy, manufacturing, commercial, residential";
    InvalidValue => "invalid-value", "a cell holds a value that is not one of its column's allowed values";
    InstrumentOverAllocated => "instrument-over-allocated", "contractual instruments claim more MWh than the facility consumed";
    DuplicateSerial => "duplicate-serial", "a certificate serial range overlaps another instrument's: a certificate counts once";
    InstrumentQuality => "instrument-quality", "an instrument fails or only partly meets the Scope 2 Quality Criteria";
    InsufficientHoldings => "insufficient-holdings", "a surrender, sale or transfer is larger than the allowances or credits held at its date";
    IneligibleOffset => "ineligible-offset", "an offset credit cannot be used for this compliance year (a legacy credit after its last year, or one from a project inside the enterprise's own boundary)";
    OffsetCapExceeded => "offset-cap-exceeded", "offset credits surrendered exceed the plan's cap; the excess does not count";
    Co2eOnlyFactor => "co2e-only-factor", "a covered facility's line uses a factor that gives CO2e only, so the gases a scheme counts cannot be taken from it";
    FigureMismatch => "figure-mismatch", "a figure recomputed from an auditor's package differs from the one the package states";
    FactorWithheld => "factor-withheld", "a factor file is not in an auditor's package (its licence forbids redistribution), so its lines were not recomputed";
    MissingExchangeRate => "missing-exchange-rate", "a spend line is in another currency than its factor and gives no exchange_rate";
    MissingPriceIndex => "missing-price-index", "a spend line's money is of another year than its factor's price year and gives no price_index";
    Scope3StatusConflict => "scope3-status-conflict", "lines are calculated in a Scope 3 category the status file marks excluded or not applicable";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The data is wrong: the command exits with status 1.
    Error,
    /// The result stands, with an assumption or caveat the user must see.
    Warning,
}

/// Where a finding is: a file, and optionally a row (1-based line number, header = 1) and column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Location {
        Location { file: file.into(), row: None, column: None }
    }

    pub fn row(file: impl Into<String>, row: u64) -> Location {
        Location { file: file.into(), row: Some(row), column: None }
    }

    pub fn cell(file: impl Into<String>, row: u64, column: &str) -> Location {
        Location { file: file.into(), row: Some(row), column: Some(column.to_string()) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(r) = self.row {
            write!(f, ":{r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, " (column {c})")?;
        }
        Ok(())
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub location: Location,
    pub message: String,
}

impl Diagnostic {
    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, code, location, message: message.into() }
    }

    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, code, location, message: message.into() }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}[{}] {}: {}", self.code, self.location, self.message)
    }
}
