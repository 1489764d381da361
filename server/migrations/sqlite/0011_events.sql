-- Events as reference data: an administrator lists each expo or promotion meeting with its dates
-- and venue; tablets receive the list through sync and pick from it. A lead keeps the event's
-- name (as `leads.event` and `lead_facts.event` do), so a name typed on a tablet offline needs
-- no row here until an administrator folds it into a listed event.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    starts_on  TEXT    NOT NULL, -- YYYY-MM-DD, the district's calendar
    ends_on    TEXT    NOT NULL,
    venue      TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL
);
