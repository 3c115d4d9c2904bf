//! The database schema and its versioned migrations.
//!
//! `PRAGMA application_id` marks a file as Scopebook's; `PRAGMA user_version` is the schema
//! version. Migration *n* turns a version *n − 1* file into a version *n* file. On open, every
//! missing migration runs, in order, inside one transaction together with the new
//! `user_version`: a file is either at its old version or fully at the new one. A file with a
//! newer version than [`SCHEMA_VERSION`] is refused and left as it is.
//!
//! **Released migrations never change.** A later schema change is a new migration appended to
//! [`MIGRATIONS`]; the test `released_migrations_are_frozen` records each one's SHA-256.
//! A migration that reshapes an audited table must also append `migrate` entries to the audit
//! log for the records it changes, so that `verify` can still replay the log (decision 0011).

use rusqlite::{Connection, OptionalExtension};

/// `PRAGMA application_id` of every Scopebook database: the bytes "SCBK".
pub const APPLICATION_ID: i32 = i32::from_be_bytes(*b"SCBK");

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// One schema migration: the SQL that takes a file from `version − 1` to `version`.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub version: i32,
    pub sql: &'static str,
}

/// Every migration, oldest first. Index *i* holds version *i + 1*.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, sql: V1 },
    Migration { version: 2, sql: V2 },
    Migration { version: 3, sql: V3 },
    Migration { version: 4, sql: V4 },
    Migration { version: 5, sql: V5 },
    Migration { version: 6, sql: V6 },
    Migration { version: 7, sql: V7 },
    Migration { version: 8, sql: V8 },
    Migration { version: 9, sql: V9 },
    Migration { version: 10, sql: V10 },
    Migration { version: 11, sql: V11 },
];

const V1: &str = r#"
CREATE TABLE organisation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    consolidation TEXT NOT NULL
        CHECK (consolidation IN ('operational-control', 'financial-control', 'equity-share')),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE facility (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "facility N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE CHECK (length(code) > 0),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('legal-entity', 'facility')),
    parent_id INTEGER REFERENCES facility (id),
    equity_share TEXT NOT NULL,
    operational_control INTEGER NOT NULL CHECK (operational_control IN (0, 1)),
    financial_control INTEGER NOT NULL CHECK (financial_control IN (0, 1)),
    region TEXT NOT NULL,
    grid_region TEXT,
    ets_covered INTEGER NOT NULL CHECK (ets_covered IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX facility_by_parent ON facility (parent_id);

CREATE TABLE period (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "period N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL UNIQUE,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL CHECK (end_date >= start_date),
    status TEXT NOT NULL CHECK (status IN ('open', 'in_review', 'locked')),
    base_year INTEGER NOT NULL CHECK (base_year IN (0, 1)),
    gwp_set TEXT NOT NULL CHECK (gwp_set IN ('AR4', 'AR5', 'AR6')),
    pins TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE activity (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "activity N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    facility_id INTEGER NOT NULL REFERENCES facility (id),
    activity TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL CHECK (end_date >= start_date),
    factor TEXT,
    region TEXT,
    scope3_category INTEGER,
    supplier TEXT,
    evidence TEXT,
    evidence_file TEXT,
    evidence_sha256 TEXT,
    meter_id TEXT,
    data_quality TEXT,
    note TEXT,
    entered_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('current', 'superseded')),
    supersedes INTEGER REFERENCES activity (id),
    restatement_reason TEXT
) STRICT;
CREATE INDEX activity_by_period ON activity (period_id, status, id);
CREATE INDEX activity_by_facility ON activity (facility_id);

CREATE TABLE snapshot (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "snapshot N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    taken_at TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    gwp_set TEXT NOT NULL,
    datasets TEXT NOT NULL,
    input_sha256 TEXT NOT NULL,
    result_sha256 TEXT NOT NULL,
    result_json TEXT NOT NULL
) STRICT;
CREATE INDEX snapshot_by_period ON snapshot (period_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_record ON audit_log (table_name, record_id);

-- Defence in depth: the application never updates or deletes an audit entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Defence in depth: a locked period's records change only by restatement (a new record that
-- supersedes the old one, which is marked superseded and otherwise kept as it was).
CREATE TRIGGER activity_locked_insert BEFORE INSERT ON activity
WHEN NEW.supersedes IS NULL AND (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER activity_locked_update BEFORE UPDATE ON activity
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
 AND NOT (OLD.status = 'current' AND NEW.status = 'superseded'
          AND NEW.id = OLD.id AND NEW.period_id = OLD.period_id AND NEW.facility_id = OLD.facility_id
          AND NEW.activity = OLD.activity AND NEW.quantity = OLD.quantity AND NEW.unit = OLD.unit
          AND NEW.start_date = OLD.start_date AND NEW.end_date = OLD.end_date
          AND NEW.factor IS OLD.factor AND NEW.region IS OLD.region
          AND NEW.scope3_category IS OLD.scope3_category AND NEW.supplier IS OLD.supplier
          AND NEW.evidence IS OLD.evidence AND NEW.evidence_file IS OLD.evidence_file
          AND NEW.evidence_sha256 IS OLD.evidence_sha256 AND NEW.meter_id IS OLD.meter_id
          AND NEW.data_quality IS OLD.data_quality AND NEW.note IS OLD.note
          AND NEW.entered_by = OLD.entered_by AND NEW.created_at = OLD.created_at
          AND NEW.supersedes IS OLD.supersedes AND NEW.restatement_reason IS OLD.restatement_reason)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER activity_locked_delete BEFORE DELETE ON activity
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER snapshot_no_update BEFORE UPDATE ON snapshot
BEGIN SELECT RAISE(ABORT, 'snapshots are never changed'); END;
CREATE TRIGGER snapshot_no_delete BEFORE DELETE ON snapshot
BEGIN SELECT RAISE(ABORT, 'snapshots are never deleted'); END;

PRAGMA application_id = 1396916811;
"#;

/// Version 2: imports (issue 6). An import is one `import_batch` record, audited by one entry
/// whose value carries `records_sha256`, the digest of every record it created with its source
/// row (decision 0015); `activity_source` links each imported record to its file and row.
/// Column-mapping templates and remembered value choices are audited records of their own.
const V2: &str = r#"
CREATE TABLE import_batch (
    -- Never deleted, so an id is one import for ever.
    id INTEGER PRIMARY KEY,
    period_id INTEGER NOT NULL REFERENCES period (id),
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    sheet TEXT,
    header_row INTEGER NOT NULL,
    template TEXT,
    mapping TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_imported INTEGER NOT NULL,
    rows_skipped INTEGER NOT NULL,
    first_activity INTEGER,
    last_activity INTEGER,
    records_sha256 TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;
CREATE INDEX import_batch_by_sha ON import_batch (file_sha256);

-- Not a foreign key to activity: an imported record deleted later keeps its lineage (activity
-- ids are never reused).
CREATE TABLE activity_source (
    activity_id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES import_batch (id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER NOT NULL
) STRICT;
CREATE INDEX activity_source_by_import ON activity_source (import_id, activity_id);

CREATE TABLE import_template (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    signature TEXT NOT NULL,
    headers TEXT NOT NULL,
    mapping TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX import_template_by_signature ON import_template (signature);

CREATE TABLE value_mapping (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('activity', 'unit')),
    source TEXT NOT NULL,
    target TEXT NOT NULL CHECK (length(target) > 0),
    created_at TEXT NOT NULL,
    UNIQUE (kind, source)
) STRICT;

CREATE TRIGGER import_batch_no_update BEFORE UPDATE ON import_batch
BEGIN SELECT RAISE(ABORT, 'imports are never changed'); END;
CREATE TRIGGER import_batch_no_delete BEFORE DELETE ON import_batch
BEGIN SELECT RAISE(ABORT, 'imports are never deleted'); END;
CREATE TRIGGER activity_source_no_update BEFORE UPDATE ON activity_source
BEGIN SELECT RAISE(ABORT, 'an imported record''s source never changes'); END;
CREATE TRIGGER activity_source_no_delete BEFORE DELETE ON activity_source
BEGIN SELECT RAISE(ABORT, 'an imported record''s source is never deleted'); END;
"#;

/// Version 3: sectors and a record's own fuel parameters (issue 11, decision 0021). A facility
/// may name its IPCC sector; a record may name its own sector and give its measured or
/// calculated NCV, carbon content and oxidation, with how they were obtained. The columns are
/// NULL for every earlier row, and a NULL in them is left out of a row's canonical JSON
/// (`audit::row_json`), so the audit log and import digests written before still verify. The
/// partial index finds at once whether a period's records give any of them (the export then
/// carries the columns); the locked-period trigger now covers them too.
const V3: &str = r#"
ALTER TABLE facility ADD COLUMN sector TEXT
    CHECK (sector IN ('energy', 'manufacturing', 'commercial', 'residential'));
ALTER TABLE activity ADD COLUMN sector TEXT
    CHECK (sector IN ('energy', 'manufacturing', 'commercial', 'residential'));
ALTER TABLE activity ADD COLUMN ncv_gj_per_unit TEXT;
ALTER TABLE activity ADD COLUMN carbon_t_per_gj TEXT;
ALTER TABLE activity ADD COLUMN oxidation TEXT;
ALTER TABLE activity ADD COLUMN parameter_source TEXT
    CHECK (parameter_source IN ('measured', 'calculated', 'default'));
CREATE INDEX activity_with_own_values ON activity (period_id)
    WHERE sector IS NOT NULL OR ncv_gj_per_unit IS NOT NULL OR carbon_t_per_gj IS NOT NULL
       OR oxidation IS NOT NULL OR parameter_source IS NOT NULL;

DROP TRIGGER activity_locked_update;
CREATE TRIGGER activity_locked_update BEFORE UPDATE ON activity
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
 AND NOT (OLD.status = 'current' AND NEW.status = 'superseded'
          AND NEW.id = OLD.id AND NEW.period_id = OLD.period_id AND NEW.facility_id = OLD.facility_id
          AND NEW.activity = OLD.activity AND NEW.quantity = OLD.quantity AND NEW.unit = OLD.unit
          AND NEW.start_date = OLD.start_date AND NEW.end_date = OLD.end_date
          AND NEW.factor IS OLD.factor AND NEW.region IS OLD.region
          AND NEW.scope3_category IS OLD.scope3_category AND NEW.supplier IS OLD.supplier
          AND NEW.evidence IS OLD.evidence AND NEW.evidence_file IS OLD.evidence_file
          AND NEW.evidence_sha256 IS OLD.evidence_sha256 AND NEW.meter_id IS OLD.meter_id
          AND NEW.data_quality IS OLD.data_quality AND NEW.note IS OLD.note
          AND NEW.entered_by = OLD.entered_by AND NEW.created_at = OLD.created_at
          AND NEW.supersedes IS OLD.supersedes AND NEW.restatement_reason IS OLD.restatement_reason
          AND NEW.sector IS OLD.sector AND NEW.ncv_gj_per_unit IS OLD.ncv_gj_per_unit
          AND NEW.carbon_t_per_gj IS OLD.carbon_t_per_gj AND NEW.oxidation IS OLD.oxidation
          AND NEW.parameter_source IS OLD.parameter_source)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
"#;

/// Version 4: speed at a million records (decision 0020).
/// - `period_totals` keeps a period's totals between visits, under the key of everything they
///   depend on (the audit chain's head among them: see `totals`). It is not audited, and losing
///   it costs one calculation. The triggers drop every kept total when another program changes
///   a record, facility, period or the organisation without the store (the store's own writes
///   move the audit head; an inserted record moves the highest activity id, also in the key).
/// - `audit_text` indexes the words of each audit entry's values and reason (FTS5, external
///   content, no positions), so that a text search reads the entries that hold its words instead
///   of the whole log; `audit_by_kind` counts the entries of one table, action and user.
const V4: &str = r#"
CREATE TABLE period_totals (
    period_id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    totals TEXT NOT NULL
) STRICT;

CREATE TRIGGER period_totals_activity_update AFTER UPDATE ON activity
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_activity_delete AFTER DELETE ON activity
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_facility_insert AFTER INSERT ON facility
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_facility_update AFTER UPDATE ON facility
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_facility_delete AFTER DELETE ON facility
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_period_insert AFTER INSERT ON period
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_period_update AFTER UPDATE ON period
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_period_delete AFTER DELETE ON period
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_organisation_update AFTER UPDATE ON organisation
BEGIN DELETE FROM period_totals; END;

CREATE INDEX audit_by_kind ON audit_log (table_name, action, user);

CREATE VIRTUAL TABLE audit_text USING fts5(
    old_value, new_value, reason, content = 'audit_log', content_rowid = 'seq', detail = none
);
INSERT INTO audit_text (audit_text) VALUES ('rebuild');
CREATE TRIGGER audit_text_insert AFTER INSERT ON audit_log
BEGIN
    INSERT INTO audit_text (rowid, old_value, new_value, reason)
    VALUES (NEW.seq, NEW.old_value, NEW.new_value, NEW.reason);
END;
"#;

/// Version 5: the ETS data of covered facilities (issue 12, decision 0030). `ets_facility` says
/// under which scheme a facility (with the `ets_covered` flag) is covered, as which enterprise,
/// and the plan its units are entered under by default; `ets_unit` holds a period's units (the
/// UNITS.csv columns, each with the plan it was entered under) and `ets_ledger` a period's
/// ledger of one scheme (the LEDGER.csv columns). Quantities, ratios and prices are exact
/// decimal text; an empty cell is NULL. All three are audited tables; the rows of a locked
/// period never change (the store refuses it, and so do the triggers).
const V5: &str = r#"
CREATE TABLE ets_facility (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "ets_facility N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    facility_id INTEGER NOT NULL UNIQUE REFERENCES facility (id),
    scheme TEXT NOT NULL CHECK (scheme IN ('cn-ets', 'eu-ets')),
    enterprise TEXT NOT NULL CHECK (length(trim(enterprise)) > 0),
    plan TEXT,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE ets_unit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    facility_id INTEGER NOT NULL REFERENCES facility (id),
    plan TEXT,
    unit TEXT NOT NULL CHECK (length(trim(unit)) > 0),
    unit_class TEXT NOT NULL,
    cooling TEXT,
    output_mwh TEXT,
    heat_gj TEXT,
    heat_supply_ratio TEXT,
    load_factor TEXT,
    verified_t TEXT NOT NULL,
    allocation_t TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX ets_unit_by_period ON ets_unit (period_id, facility_id);

CREATE TABLE ets_ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    scheme TEXT NOT NULL CHECK (scheme IN ('cn-ets', 'eu-ets')),
    enterprise TEXT NOT NULL,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    quantity_t TEXT NOT NULL,
    instrument TEXT NOT NULL,
    price TEXT,
    currency TEXT,
    vintage INTEGER,
    project TEXT,
    evidence TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX ets_ledger_by_period ON ets_ledger (period_id, scheme);

CREATE TRIGGER ets_unit_locked_insert BEFORE INSERT ON ets_unit
WHEN (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_unit_locked_update BEFORE UPDATE ON ets_unit
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
  OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_unit_locked_delete BEFORE DELETE ON ets_unit
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_ledger_locked_insert BEFORE INSERT ON ets_ledger
WHEN (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_ledger_locked_update BEFORE UPDATE ON ets_ledger
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
  OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_ledger_locked_delete BEFORE DELETE ON ets_ledger
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
"#;

/// Version 6: the EU Transaction Log's figures in the inventory file (issue 12, decision 0033).
/// `ets_registry` holds one installation's registry figures for one period (the year): free
/// allocation, verified emissions, units surrendered and of them allowances, each either exact
/// decimal text (`*_t`) or the status the registry gives instead (`*_status`: `NA`, `Excluded`,
/// `Not Reported`, `-`, `` for an empty cell), never both and never neither, so a status is
/// never read as zero; the compliance code as published (NULL when the registry gives none);
/// the account holder, installation and its name, country and activity as the export writes
/// them; the file and line the row was imported from. A row may be tied to a facility
/// registered under the EU ETS (one installation a facility and period). The table is audited;
/// the rows of a locked period never change (the store refuses it, and so do the triggers).
const V6: &str = r#"
CREATE TABLE ets_registry (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "ets_registry N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    facility_id INTEGER REFERENCES facility (id),
    installation TEXT NOT NULL CHECK (length(trim(installation)) > 0),
    installation_id TEXT NOT NULL,
    account_holder TEXT NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    activity TEXT NOT NULL,
    free_allocation_t TEXT,
    free_allocation_status TEXT CHECK ((free_allocation_t IS NULL) != (free_allocation_status IS NULL)),
    verified_t TEXT,
    verified_status TEXT CHECK ((verified_t IS NULL) != (verified_status IS NULL)),
    surrendered_t TEXT,
    surrendered_status TEXT CHECK ((surrendered_t IS NULL) != (surrendered_status IS NULL)),
    surrendered_allowances_t TEXT,
    surrendered_allowances_status TEXT
        CHECK ((surrendered_allowances_t IS NULL) != (surrendered_allowances_status IS NULL)),
    compliance TEXT,
    source_file TEXT NOT NULL,
    source_line INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (period_id, installation),
    UNIQUE (period_id, facility_id)
) STRICT;

CREATE TRIGGER ets_registry_locked_insert BEFORE INSERT ON ets_registry
WHEN (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_registry_locked_update BEFORE UPDATE ON ets_registry
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
  OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_registry_locked_delete BEFORE DELETE ON ets_registry
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
"#;

/// Version 7: a locked period's ETS data corrected by restatement, as its activity records are
/// (issue 12, decision 0038). `ets_unit`, `ets_ledger` and `ets_registry` gain the columns of
/// `activity`: `status` (`current`, `superseded`), `supersedes` (the row a restatement replaces)
/// and `restatement_reason`. Every existing row is `current`. In the audited value of a row
/// (`audit::row_json`) a `status` of `current` and a NULL `supersedes` or `restatement_reason`
/// are left out, so every value logged before the migration still replays (decision 0021's
/// rule, with the value every earlier row gets). The locked-period triggers now let through what
/// they let through for `activity`: inserting a row that supersedes another, and marking a
/// current row superseded with every other column as it was. `ets_registry` is rebuilt (with
/// its ids, and its AUTOINCREMENT counter) because its one-row-per-installation-and-period
/// constraints now hold among the current rows only (partial unique indexes).
/// `ets_parameters` keeps COVERED.csv's `parameters` (`record`, `default`) of a registered
/// facility in a period (decision 0032's `--default-parameters`, stored), restated like the rest.
const V7: &str = r#"
ALTER TABLE ets_unit ADD COLUMN status TEXT NOT NULL DEFAULT 'current'
    CHECK (status IN ('current', 'superseded'));
ALTER TABLE ets_unit ADD COLUMN supersedes INTEGER REFERENCES ets_unit (id);
ALTER TABLE ets_unit ADD COLUMN restatement_reason TEXT;
ALTER TABLE ets_ledger ADD COLUMN status TEXT NOT NULL DEFAULT 'current'
    CHECK (status IN ('current', 'superseded'));
ALTER TABLE ets_ledger ADD COLUMN supersedes INTEGER REFERENCES ets_ledger (id);
ALTER TABLE ets_ledger ADD COLUMN restatement_reason TEXT;

DROP TRIGGER ets_unit_locked_insert;
CREATE TRIGGER ets_unit_locked_insert BEFORE INSERT ON ets_unit
WHEN NEW.supersedes IS NULL AND (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
DROP TRIGGER ets_unit_locked_update;
CREATE TRIGGER ets_unit_locked_update BEFORE UPDATE ON ets_unit
WHEN ((SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
      OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked')
 AND NOT (OLD.status = 'current' AND NEW.status = 'superseded'
          AND NEW.id = OLD.id AND NEW.period_id = OLD.period_id
          AND NEW.facility_id IS OLD.facility_id
          AND NEW.plan IS OLD.plan
          AND NEW.unit IS OLD.unit
          AND NEW.unit_class IS OLD.unit_class
          AND NEW.cooling IS OLD.cooling
          AND NEW.output_mwh IS OLD.output_mwh
          AND NEW.heat_gj IS OLD.heat_gj
          AND NEW.heat_supply_ratio IS OLD.heat_supply_ratio
          AND NEW.load_factor IS OLD.load_factor
          AND NEW.verified_t IS OLD.verified_t
          AND NEW.allocation_t IS OLD.allocation_t
          AND NEW.created_at IS OLD.created_at
          AND NEW.supersedes IS OLD.supersedes
          AND NEW.restatement_reason IS OLD.restatement_reason)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
DROP TRIGGER ets_ledger_locked_insert;
CREATE TRIGGER ets_ledger_locked_insert BEFORE INSERT ON ets_ledger
WHEN NEW.supersedes IS NULL AND (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
DROP TRIGGER ets_ledger_locked_update;
CREATE TRIGGER ets_ledger_locked_update BEFORE UPDATE ON ets_ledger
WHEN ((SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
      OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked')
 AND NOT (OLD.status = 'current' AND NEW.status = 'superseded'
          AND NEW.id = OLD.id AND NEW.period_id = OLD.period_id
          AND NEW.scheme IS OLD.scheme
          AND NEW.enterprise IS OLD.enterprise
          AND NEW.date IS OLD.date
          AND NEW.kind IS OLD.kind
          AND NEW.quantity_t IS OLD.quantity_t
          AND NEW.instrument IS OLD.instrument
          AND NEW.price IS OLD.price
          AND NEW.currency IS OLD.currency
          AND NEW.vintage IS OLD.vintage
          AND NEW.project IS OLD.project
          AND NEW.evidence IS OLD.evidence
          AND NEW.created_at IS OLD.created_at
          AND NEW.supersedes IS OLD.supersedes
          AND NEW.restatement_reason IS OLD.restatement_reason)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;

CREATE TABLE ets_registry_v7 (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "ets_registry N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    facility_id INTEGER REFERENCES facility (id),
    installation TEXT NOT NULL CHECK (length(trim(installation)) > 0),
    installation_id TEXT NOT NULL,
    account_holder TEXT NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    activity TEXT NOT NULL,
    free_allocation_t TEXT,
    free_allocation_status TEXT CHECK ((free_allocation_t IS NULL) != (free_allocation_status IS NULL)),
    verified_t TEXT,
    verified_status TEXT CHECK ((verified_t IS NULL) != (verified_status IS NULL)),
    surrendered_t TEXT,
    surrendered_status TEXT CHECK ((surrendered_t IS NULL) != (surrendered_status IS NULL)),
    surrendered_allowances_t TEXT,
    surrendered_allowances_status TEXT
        CHECK ((surrendered_allowances_t IS NULL) != (surrendered_allowances_status IS NULL)),
    compliance TEXT,
    source_file TEXT NOT NULL,
    source_line INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'superseded')),
    supersedes INTEGER REFERENCES ets_registry_v7 (id),
    restatement_reason TEXT
) STRICT;
INSERT INTO ets_registry_v7 (id, period_id, facility_id, installation, installation_id, account_holder, name,
    country, activity, free_allocation_t, free_allocation_status, verified_t, verified_status, surrendered_t,
    surrendered_status, surrendered_allowances_t, surrendered_allowances_status, compliance, source_file,
    source_line, created_at)
SELECT id, period_id, facility_id, installation, installation_id, account_holder, name,
    country, activity, free_allocation_t, free_allocation_status, verified_t, verified_status, surrendered_t,
    surrendered_status, surrendered_allowances_t, surrendered_allowances_status, compliance, source_file,
    source_line, created_at
FROM ets_registry ORDER BY id;
-- The counter goes on from the old table's (ids of deleted rows are never reused).
DELETE FROM sqlite_sequence WHERE name = 'ets_registry_v7';
INSERT INTO sqlite_sequence (name, seq) SELECT 'ets_registry_v7', seq FROM sqlite_sequence WHERE name = 'ets_registry';
DROP TABLE ets_registry;
ALTER TABLE ets_registry_v7 RENAME TO ets_registry;
CREATE UNIQUE INDEX ets_registry_current_installation ON ets_registry (period_id, installation)
    WHERE status = 'current';
CREATE UNIQUE INDEX ets_registry_current_facility ON ets_registry (period_id, facility_id)
    WHERE status = 'current';
CREATE TRIGGER ets_registry_locked_insert BEFORE INSERT ON ets_registry
WHEN NEW.supersedes IS NULL AND (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_registry_locked_update BEFORE UPDATE ON ets_registry
WHEN ((SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
      OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked')
 AND NOT (OLD.status = 'current' AND NEW.status = 'superseded'
          AND NEW.id = OLD.id AND NEW.period_id = OLD.period_id
          AND NEW.facility_id IS OLD.facility_id
          AND NEW.installation IS OLD.installation
          AND NEW.installation_id IS OLD.installation_id
          AND NEW.account_holder IS OLD.account_holder
          AND NEW.name IS OLD.name
          AND NEW.country IS OLD.country
          AND NEW.activity IS OLD.activity
          AND NEW.free_allocation_t IS OLD.free_allocation_t
          AND NEW.free_allocation_status IS OLD.free_allocation_status
          AND NEW.verified_t IS OLD.verified_t
          AND NEW.verified_status IS OLD.verified_status
          AND NEW.surrendered_t IS OLD.surrendered_t
          AND NEW.surrendered_status IS OLD.surrendered_status
          AND NEW.surrendered_allowances_t IS OLD.surrendered_allowances_t
          AND NEW.surrendered_allowances_status IS OLD.surrendered_allowances_status
          AND NEW.compliance IS OLD.compliance
          AND NEW.source_file IS OLD.source_file
          AND NEW.source_line IS OLD.source_line
          AND NEW.created_at IS OLD.created_at
          AND NEW.supersedes IS OLD.supersedes
          AND NEW.restatement_reason IS OLD.restatement_reason)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_registry_locked_delete BEFORE DELETE ON ets_registry
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;

CREATE TABLE ets_parameters (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "ets_parameters N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    facility_id INTEGER NOT NULL REFERENCES facility (id),
    parameters TEXT NOT NULL CHECK (parameters IN ('record', 'default')),
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'superseded')),
    supersedes INTEGER REFERENCES ets_parameters (id),
    restatement_reason TEXT
) STRICT;
CREATE UNIQUE INDEX ets_parameters_current ON ets_parameters (period_id, facility_id) WHERE status = 'current';
CREATE TRIGGER ets_parameters_locked_insert BEFORE INSERT ON ets_parameters
WHEN NEW.supersedes IS NULL AND (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_parameters_locked_update BEFORE UPDATE ON ets_parameters
WHEN ((SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
      OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked')
 AND NOT (OLD.status = 'current' AND NEW.status = 'superseded'
          AND NEW.id = OLD.id AND NEW.period_id = OLD.period_id
          AND NEW.facility_id IS OLD.facility_id
          AND NEW.parameters IS OLD.parameters
          AND NEW.created_at IS OLD.created_at
          AND NEW.supersedes IS OLD.supersedes
          AND NEW.restatement_reason IS OLD.restatement_reason)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER ets_parameters_locked_delete BEFORE DELETE ON ets_parameters
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
"#;

/// Version 8 (decision 0041): an edit or deletion of a record no longer throws the kept totals
/// away. Schema 4's triggers on `activity` deleted every kept row on any update or deletion;
/// now they log the record's id in `period_totals_change` (an update logs its old and, when it
/// differs, its new id), whoever wrote it, and the next visit of the dashboard calculates again
/// only the block of ids each logged record falls in (`crates/store/src/totals/kept.rs`). The
/// log's counter (`sqlite_sequence`) is part of the kept totals' key, so a change made by another
/// program without the audit log is seen too. `AUTOINCREMENT`: a number is never reused after
/// the entries the kept rows no longer need are deleted. The kept rows of schema 7 are dropped
/// (they have no blocks); the triggers on facilities, periods and the organisation stay.
const V8: &str = r#"
CREATE TABLE period_totals_change (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id INTEGER NOT NULL
) STRICT;
DROP TRIGGER period_totals_activity_update;
CREATE TRIGGER period_totals_activity_update AFTER UPDATE ON activity
BEGIN
    INSERT INTO period_totals_change (activity_id) VALUES (OLD.id);
    INSERT INTO period_totals_change (activity_id) SELECT NEW.id WHERE NEW.id IS NOT OLD.id;
END;
DROP TRIGGER period_totals_activity_delete;
CREATE TRIGGER period_totals_activity_delete AFTER DELETE ON activity
BEGIN INSERT INTO period_totals_change (activity_id) VALUES (OLD.id); END;
DELETE FROM period_totals;
"#;

/// Version 9 (issue 14, decision 0043): market-based Scope 2 and Scope 3 in the inventory file.
/// - `instrument`: a period's contractual instruments, the columns of the file mode's INSTR.csv
///   (the kind, dates and market as the reader gives them, decimals as exact text, an empty
///   cell NULL), per facility. Audited; a locked period's rows never change.
/// - `scope3_status`: a period's Scope 3 category statuses (`--scope3-status`'s rows), one a
///   category. Audited; a locked period's rows never change.
/// - `activity` gains the Scope 3 columns of decision 0035, as trimmed text (NULL when empty,
///   and a NULL is left out of a record's audited value: earlier logs and import digests still
///   verify); the partial index finds at once whether a period's records give any (the export
///   then carries them); the locked-period trigger covers them.
/// - A change to either table made without the store drops the kept totals (the store's own
///   writes move the audit head, which is in the kept totals' key).
///
/// The SQL is in `schema/v9.sql` (this file's length).
const V9: &str = include_str!("schema/v9.sql");

/// Version 10 (issue 14): what instruments and category-15 records record beyond schema 9.
/// - `instrument` gains `contract_date` (`YYYY-MM-DD`) and `ccer_claimed` (`yes`/`no`, whether
///   the attribute was also claimed as a CCER; decision 0049);
/// - `activity` gains `pcaf_score` (1–5, a category-15 record's PCAF data-quality score;
///   decision 0050); the partial index of records with Scope 3 columns and the locked-period
///   trigger are made again to cover it.
///
/// All NULL in every earlier row and left out of an audited value while NULL
/// (`OMITTED_WHEN_NULL`), so every earlier log and import digest verifies. The SQL is in
/// `schema/v10.sql`.
const V10: &str = include_str!("schema/v10.sql");

/// Version 11 (issue 14, decision 0058): `instrument` gains `energy` (NULL for electricity, else
/// `heat`, `steam` or `cooling`) and `gj` (a heat, steam or cooling quantity given in GJ; its
/// `mwh` is then the empty text), and a trigger that refuses a row giving its quantity twice or
/// not at all. NULL in every earlier row and left out of an audited value while NULL, so every
/// earlier log verifies. `instrument` also gains `activity`'s restatement columns (`status`,
/// `supersedes`, `restatement_reason`, left out of an audited value while current or NULL) and
/// its locked-period triggers let through exactly a restatement, as schema 7 did for the ETS
/// tables; `scope3_status` likewise (its restatement column is `record_status`, `status` being
/// the category's), rebuilt as schema 7 rebuilt `ets_registry` so that a restated category may
/// have two rows (one current: a partial unique index). The SQL is in `schema/v11.sql`.
const V11: &str = include_str!("schema/v11.sql");

/// The file's `application_id` and `user_version`.
pub fn identity(conn: &Connection) -> rusqlite::Result<(i32, i32)> {
    let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok((app, version))
}

/// Whether the file holds no schema at all (a new or empty file).
pub fn is_blank(conn: &Connection) -> rusqlite::Result<bool> {
    let any: Option<i64> = conn.query_row("SELECT 1 FROM sqlite_schema LIMIT 1", [], |r| r.get(0)).optional()?;
    Ok(any.is_none())
}

/// Apply the migrations after `from` up to and including `to`, on a connection that is inside
/// a transaction, and set `user_version` to `to`. The caller commits.
pub fn apply(conn: &Connection, migrations: &[Migration], from: i32, to: i32) -> rusqlite::Result<()> {
    for m in migrations.iter().filter(|m| m.version > from && m.version <= to) {
        conn.execute_batch(m.sql)?;
    }
    conn.pragma_update(None, "user_version", to)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use scopebook_core::dataset::sha256_hex;

    /// Each released migration's SHA-256. A released migration must never change: a schema
    /// change is a new migration. Add the new one's checksum here when it is released.
    const RELEASED: &[(i32, &str)] = &[
        (1, "2aff80bceb9526f5eec1b1cf6fef3bb362a4baff2d006b72917dbef378b2c7a0"),
        (2, "cf6521ee39b4900cbb801e189e60200deef1632481288557b7fd831da80850b1"),
        (3, "a467c586887428373ddee13f4ea2efdcbe88670a809edbe53d54225fbfcee6de"),
        (4, "39ecee376c8525354c0e9ec66f61ed78e80a3b7b1154d4000ae77f8be67de8e2"),
        (5, "84a657b37d76e6063dcfc6a3a272826db15c0a2878119d552ed940cd726ef765"),
        (6, "ee86531f0c5191753950b808b84e9d5894f1defe5de8c506dd0b2c1695d913bb"),
        (7, "4d5b78fb60c8e0cb3b195547b6e2c7013a61d257f52bfec2e782cfe73e4acde0"),
        (8, "97d276d96a8e2200f59fa922f4bbc2a60cf7476576ed23e444cc6041a63c13a1"),
        (9, "a530990b06307a9b40b14087f07d86deb0f905ba1c96991e7183b7b519e2be92"),
        (10, "db9f502ba22918829a4ff89a0842438bc3a1696531b667112cf7eba9d962f478"),
        (11, "b65164350fc86164698ff619e435798dcbb9ce80bb1bd437561722d8396809fa"),
    ];

    #[test]
    fn released_migrations_are_frozen() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i32::try_from(i + 1).unwrap(), "migrations are numbered 1, 2, 3, ... in order");
        }
        for (version, sum) in RELEASED {
            let m = MIGRATIONS.iter().find(|m| m.version == *version).expect("a released migration is never removed");
            assert_eq!(
                sha256_hex(m.sql.as_bytes()),
                *sum,
                "migration {version} was released and must not change; add a new migration instead"
            );
        }
        assert_eq!(RELEASED.len(), MIGRATIONS.len(), "record the checksum of every migration in RELEASED");
    }

    #[test]
    fn the_application_id_in_the_sql_is_the_constant() {
        assert!(V1.contains(&format!("PRAGMA application_id = {APPLICATION_ID};")));
    }

    /// The framework on a made-up second version: a v1 file with data is upgraded, and a
    /// migration that fails leaves the file at its old version with its data.
    #[test]
    fn migrations_run_in_order_in_one_transaction() {
        let test_v2 = Migration { version: 2, sql: "ALTER TABLE organisation ADD COLUMN lei TEXT;" };
        let broken_v2 =
            Migration { version: 2, sql: "ALTER TABLE organisation ADD COLUMN lei TEXT; SELECT nope FROM nowhere;" };
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("BEGIN").unwrap();
        apply(&conn, MIGRATIONS, 0, 1).unwrap();
        conn.execute_batch("COMMIT").unwrap();
        conn.execute("INSERT INTO organisation VALUES (1, 'Acme', 'equity-share', 't')", []).unwrap();
        assert_eq!(identity(&conn).unwrap(), (APPLICATION_ID, 1));

        conn.execute_batch("BEGIN").unwrap();
        assert!(apply(&conn, &[MIGRATIONS[0], broken_v2], 1, 2).is_err());
        conn.execute_batch("ROLLBACK").unwrap();
        assert_eq!(identity(&conn).unwrap().1, 1);
        let cols: i64 =
            conn.query_row("SELECT count(*) FROM pragma_table_info('organisation')", [], |r| r.get(0)).unwrap();
        assert_eq!(cols, 4, "the failed migration left nothing behind");

        conn.execute_batch("BEGIN").unwrap();
        apply(&conn, &[MIGRATIONS[0], test_v2], 1, 2).unwrap();
        conn.execute_batch("COMMIT").unwrap();
        assert_eq!(identity(&conn).unwrap().1, 2);
        let name: String = conn.query_row("SELECT name FROM organisation", [], |r| r.get(0)).unwrap();
        assert_eq!(name, "Acme");
    }
}
