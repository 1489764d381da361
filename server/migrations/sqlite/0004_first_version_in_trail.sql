-- A lead still as it was first stored keeps its JSON in one place only: the audit trail's
-- `created` entry (`lead_history.new_value`). `leads.data` is NULL for it until its first change;
-- reads take the trail's copy (see `db::leads`). Half the bytes a new lead costs the disk.
--
-- SQLite cannot drop a NOT NULL constraint in place, and rebuilding `leads` would need foreign
-- keys off, which cannot change inside the migration's transaction: the column is replaced by a
-- nullable one instead (it moves to the end of the row; every query names its columns).
ALTER TABLE leads ADD COLUMN data_or_null TEXT;
UPDATE leads SET data_or_null = data;
ALTER TABLE leads DROP COLUMN data;
ALTER TABLE leads RENAME COLUMN data_or_null TO data;
