-- Version 11 (issue 14, decision 0058): purchased heat, steam and cooling at a supplier's rate.
-- `energy` is NULL for electricity (every earlier row), else heat, steam or cooling (a
-- supplier-rate only). A heat, steam or cooling row gives its quantity in `mwh` or in `gj`:
-- when it gives `gj`, its `mwh` is the empty text (the column is NOT NULL since schema 9).
ALTER TABLE instrument ADD COLUMN energy TEXT CHECK (energy IN ('heat', 'steam', 'cooling'));
ALTER TABLE instrument ADD COLUMN gj TEXT;
CREATE TRIGGER instrument_quantity_once BEFORE INSERT ON instrument
WHEN (NEW.gj IS NOT NULL) <> (NEW.mwh = '')
  OR (NEW.gj IS NOT NULL AND NEW.energy IS NULL)
  OR (NEW.energy IS NOT NULL AND NEW.instrument <> 'supplier-rate')
BEGIN SELECT RAISE(ABORT, 'an instrument gives its quantity once, in mwh or (heat, steam, cooling) in gj'); END;

-- A locked period's instruments are corrected by restatement (decision 0058), as its activity
-- records (decision 0011) and ETS rows (decision 0038) are: the original kept `superseded`, a new
-- row naming it (`supersedes`) with the reason. `status` is left out of an audited value while
-- `current`, `supersedes` and `restatement_reason` while NULL, so every earlier log verifies.
ALTER TABLE instrument ADD COLUMN status TEXT NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'superseded'));
ALTER TABLE instrument ADD COLUMN supersedes INTEGER REFERENCES instrument (id);
ALTER TABLE instrument ADD COLUMN restatement_reason TEXT;
DROP TRIGGER instrument_locked_insert;
CREATE TRIGGER instrument_locked_insert BEFORE INSERT ON instrument
WHEN NEW.supersedes IS NULL AND (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
DROP TRIGGER instrument_locked_update;
CREATE TRIGGER instrument_locked_update BEFORE UPDATE ON instrument
WHEN ((SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
      OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked')
 AND NOT (OLD.status = 'current' AND NEW.status = 'superseded'
          AND NEW.id = OLD.id AND NEW.period_id = OLD.period_id AND NEW.facility_id = OLD.facility_id
          AND NEW.instrument = OLD.instrument AND NEW.mwh = OLD.mwh
          AND NEW.emission_rate_kg_per_mwh = OLD.emission_rate_kg_per_mwh
          AND NEW.generation_start = OLD.generation_start AND NEW.generation_end = OLD.generation_end
          AND NEW.market IS OLD.market AND NEW.registry IS OLD.registry
          AND NEW.serial_from IS OLD.serial_from AND NEW.serial_to IS OLD.serial_to
          AND NEW.retired_on IS OLD.retired_on AND NEW.beneficiary IS OLD.beneficiary
          AND NEW.evidence IS OLD.evidence AND NEW.created_at = OLD.created_at
          AND NEW.contract_date IS OLD.contract_date AND NEW.ccer_claimed IS OLD.ccer_claimed
          AND NEW.energy IS OLD.energy AND NEW.gj IS OLD.gj
          AND NEW.supersedes IS OLD.supersedes AND NEW.restatement_reason IS OLD.restatement_reason)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;

-- A locked period's Scope 3 category statuses are restated the same way. `status` is the
-- category's status, so the restatement's column is `record_status`. A restated category has
-- two rows in its period: the table is rebuilt (same ids and values, the AUTOINCREMENT counter
-- carried over) with UNIQUE (period_id, category) as a partial index on the current rows.
CREATE TABLE scope3_status_v11 (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "scope3_status N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    category INTEGER NOT NULL CHECK (category BETWEEN 1 AND 15),
    status TEXT NOT NULL CHECK (status IN ('relevant', 'excluded', 'not-applicable')),
    reason TEXT CHECK (status <> 'excluded' OR length(trim(reason)) > 0),
    created_at TEXT NOT NULL,
    estimate_t TEXT CHECK (estimate_t IS NULL OR status <> 'not-applicable'),
    record_status TEXT NOT NULL DEFAULT 'current' CHECK (record_status IN ('current', 'superseded')),
    supersedes INTEGER REFERENCES scope3_status_v11 (id),
    restatement_reason TEXT
) STRICT;
INSERT INTO scope3_status_v11 (id, period_id, category, status, reason, created_at, estimate_t)
SELECT id, period_id, category, status, reason, created_at, estimate_t FROM scope3_status ORDER BY id;
DELETE FROM sqlite_sequence WHERE name = 'scope3_status_v11';
INSERT INTO sqlite_sequence (name, seq) SELECT 'scope3_status_v11', seq FROM sqlite_sequence WHERE name = 'scope3_status';
DROP TABLE scope3_status;
ALTER TABLE scope3_status_v11 RENAME TO scope3_status;
CREATE UNIQUE INDEX scope3_status_current_category ON scope3_status (period_id, category)
    WHERE record_status = 'current';
CREATE TRIGGER scope3_status_locked_insert BEFORE INSERT ON scope3_status
WHEN NEW.supersedes IS NULL AND (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER scope3_status_locked_update BEFORE UPDATE ON scope3_status
WHEN ((SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
      OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked')
 AND NOT (OLD.record_status = 'current' AND NEW.record_status = 'superseded'
          AND NEW.id = OLD.id AND NEW.period_id = OLD.period_id AND NEW.category = OLD.category
          AND NEW.status = OLD.status AND NEW.reason IS OLD.reason AND NEW.created_at = OLD.created_at
          AND NEW.estimate_t IS OLD.estimate_t AND NEW.supersedes IS OLD.supersedes
          AND NEW.restatement_reason IS OLD.restatement_reason)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER scope3_status_locked_delete BEFORE DELETE ON scope3_status
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER period_totals_scope3_status_insert AFTER INSERT ON scope3_status
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_scope3_status_update AFTER UPDATE ON scope3_status
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_scope3_status_delete AFTER DELETE ON scope3_status
BEGIN DELETE FROM period_totals; END;
