-- Accounts run from the workspace: a person's name to show beside the user name, the last login,
-- the departments as a managed list (the rankings group by them), and the one-time link that
-- creates the first administrator on a server that has none.
ALTER TABLE users ADD COLUMN display_name TEXT;
ALTER TABLE users ADD COLUMN last_login_at TEXT;

CREATE TABLE departments (
    name       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
INSERT INTO departments (name, created_at) SELECT DISTINCT department, MIN(created_at) FROM users GROUP BY department;

-- SHA-256 of the setup link's token, as sessions are stored; deleted when the first admin exists.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
