-- The device fleet: each tablet an officer syncs from, when it was first and last seen, and what
-- it said of itself with its last sync (`domain::device::DeviceReport`): the changes it still held
-- that the server lacks, the oldest of them, its app build and its storage. The report's columns
-- are empty for a tablet of an earlier build, which sends none.
CREATE TABLE devices (
    user_id         BIGINT NOT NULL REFERENCES users (id),
    device_id       TEXT    NOT NULL,
    first_seen      TEXT    NOT NULL, -- RFC 3339, the server's clock
    last_seen       TEXT    NOT NULL,
    reported        BIGINT NOT NULL DEFAULT 0, -- 1: the columns below hold the last sync's report
    waiting         BIGINT NOT NULL DEFAULT 0,
    oldest_waiting  TEXT,             -- RFC 3339, the tablet's clock
    refused         BIGINT NOT NULL DEFAULT 0,
    build           TEXT    NOT NULL DEFAULT '',
    persisted       BIGINT,          -- 1 or 0; NULL when the browser did not say
    usage_bytes     BIGINT,
    quota_bytes     BIGINT,
    PRIMARY KEY (user_id, device_id)
);

-- The tablets known before: those whose changes are in the trail.
INSERT INTO devices (user_id, device_id, first_seen, last_seen)
SELECT user_id, device_id, MIN(at), MAX(at) FROM lead_history WHERE source = 'sync' GROUP BY user_id, device_id;
