-- Failed logins, kept in the database so that the limits on them hold across server processes and
-- restarts (`auth::throttle`). One row per failure and key (a user name at a client address, or a
-- client address alone); rows older than the window are deleted as new ones come in.
CREATE TABLE login_failures (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
