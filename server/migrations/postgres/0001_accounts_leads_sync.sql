-- Accounts, sessions, leads, the sync change log and the audit trail (PostgreSQL).
-- Integers are 64-bit and flags are 0/1 so both engines read the same types. Times are RFC 3339
-- text with milliseconds in UTC, which sorts in time order.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('officer', 'manager', 'admin')),
    department    TEXT    NOT NULL,
    disabled      BIGINT  NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL
);

-- Session tokens are stored as SHA-256 hashes: a leaked database holds no usable token.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One row: the last change sequence number handed out. Taking numbers from it inside the writing
-- transaction serialises writers, so sequence order is commit order and a pull never skips one.
CREATE TABLE sync_sequence (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    value BIGINT  NOT NULL
);
INSERT INTO sync_sequence (id, value) VALUES (1, 0);

CREATE TABLE leads (
    id            TEXT    PRIMARY KEY,
    owner_id      BIGINT  NOT NULL REFERENCES users (id),
    version       BIGINT  NOT NULL,
    seq           BIGINT  NOT NULL,
    data          TEXT    NOT NULL, -- the lead as JSON (domain::Lead)
    attr_versions TEXT    NOT NULL, -- JSON: attribute -> version it last changed in
    device_id     TEXT    NOT NULL,
    event         TEXT,             -- copied from the lead for lists and filters
    captured_at   TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    synced_at     TEXT    NOT NULL
);
CREATE INDEX leads_owner_seq ON leads (owner_id, seq);
CREATE INDEX leads_seq ON leads (seq);

-- Every change id the server has answered, with its answer: a change delivered twice is applied
-- once. Written in the same transaction as the change itself.
CREATE TABLE applied_changes (
    change_id  TEXT    PRIMARY KEY,
    lead_id    TEXT    NOT NULL,
    user_id    BIGINT  NOT NULL,
    result     TEXT    NOT NULL,
    applied_at TEXT    NOT NULL
);

-- The audit trail: one row per attribute changed, whoever changed it and however.
CREATE TABLE lead_history (
    id          BIGSERIAL PRIMARY KEY,
    lead_id     TEXT    NOT NULL,
    change_id   TEXT,
    user_id     BIGINT  NOT NULL,
    device_id   TEXT    NOT NULL,
    source      TEXT    NOT NULL CHECK (source IN ('sync', 'web')),
    attr        TEXT    NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    overwritten BIGINT  NOT NULL DEFAULT 0, -- old_value was a concurrent edit this change replaced
    at          TEXT    NOT NULL
);
CREATE INDEX lead_history_lead ON lead_history (lead_id, id);
