-- Regions (district / street / grid), sites, users and sessions. SQLite flavour.

CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('district', 'street', 'grid')),
    parent TEXT REFERENCES regions (code),
    is_demo INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sites (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    district TEXT NOT NULL REFERENCES regions (code),
    street TEXT NOT NULL REFERENCES regions (code),
    grid TEXT NOT NULL REFERENCES regions (code),
    areas TEXT NOT NULL,
    -- The whole site as the domain's JSON (anxun_domain::site::Site).
    doc TEXT NOT NULL,
    is_demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX sites_region ON sites (district, street, grid);

CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('inspector', 'supervisor', 'admin')),
    -- The user's scope as the domain's JSON (anxun_domain::region::Scope).
    scope TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    is_demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE INDEX sessions_user ON sessions (user_id);
