-- Regions (district / street / grid), sites, users and sessions. PostgreSQL flavour.

CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('district', 'street', 'grid')),
    parent TEXT REFERENCES regions (code),
    is_demo BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE sites (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    district TEXT NOT NULL REFERENCES regions (code),
    street TEXT NOT NULL REFERENCES regions (code),
    grid TEXT NOT NULL REFERENCES regions (code),
    areas TEXT NOT NULL,
    -- The whole site as the domain's JSON (anxun_domain::site::Site).
    doc TEXT NOT NULL,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX sites_region ON sites (district, street, grid);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('inspector', 'supervisor', 'admin')),
    -- The user's scope as the domain's JSON (anxun_domain::region::Scope).
    scope TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE INDEX sessions_user ON sessions (user_id);
