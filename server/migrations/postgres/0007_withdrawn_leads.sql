-- Leads their officers withdrew (deleted on the tablet). Such a lead keeps its row in `leads`
-- (its JSON holds the withdrawal) and leaves `lead_facts` and the duplicate keys, so no list or
-- figure of the workspace counts it; it is listed here instead, for managers to see and restore.
-- Written by the workspace's indexer, like `lead_facts`.
CREATE TABLE lead_withdrawals (
    lead_id      TEXT    PRIMARY KEY REFERENCES leads (id),
    owner_id     BIGINT  NOT NULL REFERENCES users (id),
    withdrawn_at TEXT    NOT NULL,
    withdrawn_by TEXT    NOT NULL,
    reason       TEXT,
    company_name TEXT    NOT NULL,
    contact_name TEXT    NOT NULL
);
CREATE INDEX lead_withdrawals_at ON lead_withdrawals (withdrawn_at);
