ALTER TABLE instrument ADD COLUMN contract_date TEXT;
ALTER TABLE instrument ADD COLUMN ccer_claimed TEXT CHECK (ccer_claimed IN ('yes', 'no'));

ALTER TABLE activity ADD COLUMN pcaf_score TEXT;
DROP INDEX activity_with_scope3;
CREATE INDEX activity_with_scope3 ON activity (period_id)
    WHERE method IS NOT NULL OR dq_technology IS NOT NULL OR currency_year IS NOT NULL
       OR exchange_rate IS NOT NULL OR price_index IS NOT NULL OR attribution IS NOT NULL
       OR pcaf_score IS NOT NULL;

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
          AND NEW.price_index IS OLD.price_index AND NEW.attribution IS OLD.attribution
          AND NEW.pcaf_score IS OLD.pcaf_score)
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;

CREATE TABLE factor_file (
    -- AUTOINCREMENT: an id is never reused, so the audit log's "factor_file N" is one file for ever.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES period (id),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    sha256 TEXT NOT NULL,
    meta TEXT,
    contents TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (period_id, name)
) STRICT;
CREATE TRIGGER factor_file_locked_insert BEFORE INSERT ON factor_file
WHEN (SELECT status FROM period WHERE id = NEW.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER factor_file_no_update BEFORE UPDATE ON factor_file
BEGIN SELECT RAISE(ABORT, 'a factor file is deleted and added again, never changed'); END;
CREATE TRIGGER factor_file_locked_delete BEFORE DELETE ON factor_file
WHEN (SELECT status FROM period WHERE id = OLD.period_id) = 'locked'
BEGIN SELECT RAISE(ABORT, 'the period is locked'); END;
CREATE TRIGGER period_totals_factor_file_insert AFTER INSERT ON factor_file
BEGIN DELETE FROM period_totals; END;
CREATE TRIGGER period_totals_factor_file_delete AFTER DELETE ON factor_file
BEGIN DELETE FROM period_totals; END;

ALTER TABLE scope3_status ADD COLUMN estimate_t TEXT CHECK (estimate_t IS NULL OR status <> 'not-applicable');
