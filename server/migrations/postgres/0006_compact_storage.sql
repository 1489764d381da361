-- A new lead's JSON in the trail's `created` entry is stored packed (`lead_history.packed`, zstd
-- with a dictionary, see `db::packed`): `new_value` is NULL for such an entry. Entries written
-- before keep their JSON in `new_value`. The answer recorded for a change no longer repeats its
-- change id and lead id (columns beside it); answers recorded before still read.
ALTER TABLE lead_history ADD COLUMN packed BYTEA;
