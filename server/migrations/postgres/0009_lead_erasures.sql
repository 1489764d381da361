-- Erasures of a contact's personal data (PIPL): who asked and on what basis, who recorded it and
-- when. The lead itself keeps its project record without the personal data, and the trail's
-- values of the personal attributes are cleared in the same transaction (`web_edit::erase`).
-- `note` is the manager's, typed to say how the request came (not the contact's data).
CREATE TABLE lead_erasures (
    id          BIGSERIAL PRIMARY KEY,
    lead_id     TEXT    NOT NULL REFERENCES leads (id),
    basis       TEXT    NOT NULL CHECK (basis IN ('contact_request', 'consent_withdrawn', 'retention')),
    note        TEXT,
    recorded_by BIGINT  REFERENCES users (id), -- NULL for the retention rule
    at          TEXT    NOT NULL
);
CREATE INDEX lead_erasures_lead ON lead_erasures (lead_id);
