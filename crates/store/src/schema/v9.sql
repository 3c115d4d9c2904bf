CREATE TABLE instrument (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "instrument N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    facility_id INTEGER NOT NULL REFERENCES facility (id),
    instrument TEXT NOT NULL CHECK (instrument IN
        ('gec', 'i-rec', 'go', 'rec', 'ppa-physical', 'ppa-virtual', 'green-tariff', 'supplier-rate')),
    mwh TEXT NOT NULL,
    emission_rate_kg_per_mwh TEXT NOT NULL,
    generation_start TEXT NOT NULL,
    generation_end TEXT NOT NULL CHECK (generation_end >= generation_start),
    market TEXT,
    registry TEXT,
    serial_from TEXT,
    serial_to TEXT,
    retired_on TEXT,
    beneficiary TEXT,
    evidence TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX instrument_by_period ON instrument (period_id, id);
CREATE TRIGGER instrument_locked_insert BEFORE INSERT ON instrument
WHEN (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER instrument_locked_update BEFORE UPDATE ON instrument
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
  OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER instrument_locked_delete BEFORE DELETE ON instrument
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER period_totals_instrument_insert AFTER INSERT ON instrument
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_instrument_update AFTER UPDATE ON instrument
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_instrument_delete AFTER DELETE ON instrument
BEGIN DELETE FROM period_totals; END;

CREATE TABLE scope3_status (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "scope3_status N" is one record for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    category INTEGER NOT NULL CHECK (category BETWEEN 1 AND 15),
    status TEXT NOT NULL CHECK (status IN ('relevant', 'excluded', 'not-applicable')),
    reason TEXT CHECK (status <> 'excluded' OR length(trim(reason)) > 0),
    created_at TEXT NOT NULL,
    UNIQUE (period_id, category)
) STRICT;
CREATE TRIGGER scope3_status_locked_insert BEFORE INSERT ON scope3_status
WHEN (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER scope3_status_locked_update BEFORE UPDATE ON scope3_status
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
  OR (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
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

ALTER TABLE activity ADD COLUMN method TEXT;
ALTER TABLE activity ADD COLUMN dq_technology TEXT;
ALTER TABLE activity ADD COLUMN dq_time TEXT;
ALTER TABLE activity ADD COLUMN dq_geography TEXT;
ALTER TABLE activity ADD COLUMN dq_completeness TEXT;
ALTER TABLE activity ADD COLUMN dq_reliability TEXT;
ALTER TABLE activity ADD COLUMN currency_year TEXT;
ALTER TABLE activity ADD COLUMN exchange_rate TEXT;
ALTER TABLE activity ADD COLUMN price_index TEXT;
ALTER TABLE activity ADD COLUMN attribution TEXT;
CREATE INDEX activity_with_scope3 ON activity (period_id)
    WHERE method IS NOT NULL OR dq_technology IS NOT NULL OR currency_year IS NOT NULL
       OR exchange_rate IS NOT NULL OR price_index IS NOT NULL OR attribution IS NOT NULL;

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
          AND NEW.parameter_source IS OLD.parameter_source
          AND NEW.method IS OLD.method AND NEW.dq_technology IS OLD.dq_technology
          AND NEW.dq_time IS OLD.dq_time AND NEW.dq_geography IS OLD.dq_geography
          AND NEW.dq_completeness IS OLD.dq_completeness AND NEW.dq_reliability IS OLD.dq_reliability
          AND NEW.currency_year IS OLD.currency_year AND NEW.exchange_rate IS OLD.exchange_rate
          AND NEW.price_index IS OLD.price_index AND NEW.attribution IS OLD.attribution)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
