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
