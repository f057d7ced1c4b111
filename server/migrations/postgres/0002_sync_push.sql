-- Offline sync (POST /api/sync/push): devices, the outcome of every pushed mutation (the
-- audit log), and the records mutations create: inspections, hazards and hazard events.
-- PostgreSQL flavour; keep equivalent to migrations/sqlite/0002_sync_push.sql.

CREATE TABLE devices (
    id UUID PRIMARY KEY,
    -- The first user who pushed from the device; nobody else may push from it.
    user_id UUID NOT NULL REFERENCES users (id),
    -- The last sequence number settled (accepted or rejected); 0 before the first.
    last_seq BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);

-- One row per settled outbox entry: who, when, from which device, and the outcome.
CREATE TABLE sync_mutations (
    device_id UUID NOT NULL REFERENCES devices (id),
    seq BIGINT NOT NULL,
    mutation_id UUID NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    received_at TIMESTAMPTZ NOT NULL,
    -- The mutation's `op`: upsert_site, delete_site, save_inspection, hazard_event.
    op TEXT,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    code TEXT,
    message TEXT,
    PRIMARY KEY (device_id, seq)
);

CREATE INDEX sync_mutations_user ON sync_mutations (user_id, received_at);

CREATE TABLE inspections (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL REFERENCES sites (id),
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    grid TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'completed')),
    started_at TIMESTAMPTZ NOT NULL,
    -- The whole inspection as the domain's JSON (anxun_domain::inspection::Inspection).
    doc TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX inspections_site ON inspections (site_id);
CREATE INDEX inspections_region ON inspections (district, street, grid);

-- The current state of each hazard, rebuilt from hazard_events by the domain.
CREATE TABLE hazards (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL REFERENCES sites (id),
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    grid TEXT NOT NULL,
    area TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    deadline TIMESTAMPTZ,
    reported_at TIMESTAMPTZ NOT NULL,
    -- The hazard as the domain serialises it (anxun_domain::hazard::Hazard), a projection.
    doc TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX hazards_site ON hazards (site_id);
CREATE INDEX hazards_region ON hazards (district, street, grid);
CREATE INDEX hazards_status ON hazards (status, severity, deadline);

-- Every accepted hazard event, in arrival order: the source of truth for hazards.
CREATE TABLE hazard_events (
    id UUID PRIMARY KEY,
    hazard_id UUID NOT NULL REFERENCES hazards (id),
    position INTEGER NOT NULL,
    -- The event as applied (anxun_domain::hazard::HazardEvent), actor role and scope as the
    -- server knew them.
    doc TEXT NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    device_id UUID NOT NULL REFERENCES devices (id),
    received_at TIMESTAMPTZ NOT NULL,
    UNIQUE (hazard_id, position)
);
