-- The manager workspace: a narrow row per lead to filter, sort, search and report on (the leads
-- table keeps the whole lead as JSON for sync), yearly and quarterly targets, and settings.

-- Kept in step with `leads` in the same transaction as every write to it. Narrow on purpose: a
-- filtered list or a search scans these rows, not the leads' JSON.
CREATE TABLE lead_facts (
    lead_id      TEXT    PRIMARY KEY REFERENCES leads (id),
    owner_id     INTEGER NOT NULL REFERENCES users (id),
    captured_at  TEXT    NOT NULL,
    event        TEXT,
    industry     TEXT,
    segment      TEXT,
    origin_class TEXT,             -- in_province / out_of_province / foreign
    top_500      INTEGER NOT NULL, -- on one of the three top-500 lists
    intent       TEXT    NOT NULL,
    stage        TEXT    NOT NULL,
    company_name TEXT    NOT NULL,
    contact_name TEXT    NOT NULL,
    mobile       TEXT,
    search_text  TEXT    NOT NULL, -- lower-case company, contact, mobile, WeChat ID and email
    intended_wan INTEGER,
    screened_on  TEXT,
    signed_on    TEXT,
    agreed_wan   INTEGER,
    pipeline     TEXT              -- JSON of the lead's pipeline once it left the `lead` stage
);
-- The common filters each lead an index that also holds the other filter columns, so counting a
-- combination of filters reads the index alone, never the rows.
CREATE INDEX lead_facts_captured ON lead_facts (captured_at);
CREATE INDEX lead_facts_owner ON lead_facts (owner_id, captured_at, industry, event, stage, origin_class, intent, top_500, lead_id);
CREATE INDEX lead_facts_event ON lead_facts (event, industry, stage, captured_at, owner_id, origin_class, intent, top_500, lead_id);
CREATE INDEX lead_facts_industry ON lead_facts (industry, event, stage, captured_at, owner_id, origin_class, intent, top_500, lead_id);
CREATE INDEX lead_facts_stage ON lead_facts (stage, captured_at, industry, event, owner_id, origin_class, intent, top_500, lead_id);
CREATE INDEX lead_facts_signed ON lead_facts (signed_on);
CREATE INDEX lead_facts_screened ON lead_facts (screened_on, signed_on, industry, segment, stage);
-- Lets a search find and order its matches from the index alone, without reading the rows.
CREATE INDEX lead_facts_search ON lead_facts (search_text, captured_at, lead_id);

-- Facts of the leads stored before this table existed are filled in by the server at start.

-- Yearly and quarterly targets, entered by an administrator (see `domain::report::Target`).
CREATE TABLE targets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    period      TEXT    NOT NULL, -- 2023 or 2023-Q2
    metric      TEXT    NOT NULL,
    scope       TEXT    NOT NULL DEFAULT '', -- industry chains and segments, comma-separated
    supervision TEXT    NOT NULL DEFAULT '', -- for rates: none / provincial / municipal; '' = all
    value       INTEGER NOT NULL,
    UNIQUE (period, metric, scope, supervision)
);

CREATE INDEX users_department ON users (department);

-- Follow-up: who follows a lead up, and when its first contact after the booth was recorded.
-- Kept apart from lead_facts, which is derived from the lead alone.
CREATE TABLE lead_followup (
    lead_id      TEXT    PRIMARY KEY REFERENCES leads (id),
    assignee     TEXT,
    responded_at TEXT,
    updated_at   TEXT    NOT NULL
);

-- Duplicate detection: the keys each lead can be matched on (mobile, WeChat ID, credit code,
-- normalised company name). Rewritten with the lead's facts.
CREATE TABLE lead_keys (
    kind    TEXT NOT NULL,
    value   TEXT NOT NULL,
    lead_id TEXT NOT NULL REFERENCES leads (id),
    PRIMARY KEY (kind, value, lead_id)
);
CREATE INDEX lead_keys_lead ON lead_keys (lead_id);

-- Merges of duplicates: the absorbed lead is dropped, pointing at the one that keeps the credit.
CREATE TABLE lead_merges (
    absorbed_id TEXT    PRIMARY KEY REFERENCES leads (id),
    survivor_id TEXT    NOT NULL REFERENCES leads (id),
    merged_by   INTEGER NOT NULL REFERENCES users (id),
    merged_at   TEXT    NOT NULL
);

-- Pairs of leads that share a key (a < b), flagged when either is written.
CREATE TABLE lead_duplicates (
    a    TEXT NOT NULL REFERENCES leads (id),
    b    TEXT NOT NULL REFERENCES leads (id),
    kind TEXT NOT NULL,
    PRIMARY KEY (a, b, kind)
);
CREATE INDEX lead_duplicates_b ON lead_duplicates (b);
