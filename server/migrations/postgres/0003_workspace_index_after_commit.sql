-- The manager workspace's derived tables (lead_facts, lead_keys, lead_duplicates) are no longer
-- written inside the sync transaction: they are brought up to date after it commits, in change
-- sequence order. Everything with a sequence number up to `indexed_seq` is in them. Starting at 0
-- re-derives every stored lead once (the rows are a function of the lead, so this is idempotent).
CREATE TABLE workspace_index (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    indexed_seq BIGINT NOT NULL
);
INSERT INTO workspace_index (id, indexed_seq) VALUES (1, 0);
