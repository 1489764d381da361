-- A lead still as it was first stored keeps its JSON in one place only: the audit trail's
-- `created` entry (`lead_history.new_value`). `leads.data` is NULL for it until its first change;
-- reads take the trail's copy (see `db::leads`). Half the bytes a new lead costs the disk.
ALTER TABLE leads ALTER COLUMN data DROP NOT NULL;
