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
