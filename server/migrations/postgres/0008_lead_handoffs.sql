-- Leads a manager handed from one officer to another. `leads.owner_id` is the new owner; a row
-- here tells the old owner's tablets, at their next pull (`seq` after their cursor), to drop
-- the lead, and lets a change the old owner made before the handoff still apply.
CREATE TABLE lead_handoffs (
    id            BIGSERIAL PRIMARY KEY,
    lead_id       TEXT    NOT NULL REFERENCES leads (id),
    from_owner_id BIGINT  NOT NULL REFERENCES users (id),
    to_owner_id   BIGINT  NOT NULL REFERENCES users (id),
    seq           BIGINT  NOT NULL, -- the lead's place in the change sequence when it was handed off
    by_id         BIGINT  NOT NULL REFERENCES users (id),
    at            TEXT    NOT NULL
);
CREATE INDEX lead_handoffs_from_seq ON lead_handoffs (from_owner_id, seq);
CREATE INDEX lead_handoffs_lead ON lead_handoffs (lead_id);
