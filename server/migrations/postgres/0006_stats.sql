-- Statistics (GET /api/stats): every hazard's and inspection's additive facts, as the domain
-- computes them (anxun_domain::stats::HazardFacts, InspectionFacts), and their sums per cell
-- (region, area, level, month) so that a query sums a few thousand cells instead of a million
-- hazards. Postgres flavour; keep equivalent to migrations/sqlite/0006_stats.sql.
--
-- Written in the same transaction as the hazard or inspection (server/src/store/stats.rs): the
-- per-record row is replaced and its cell gets the difference. Rows of hazards written before
-- this migration are filled in by the server at start (Db::backfill_stats).
-- Instants are microseconds since 1970 (the same on both backends); months are YYYYMM in
-- Shanghai time.

CREATE TABLE hazard_stats (
    hazard_id UUID PRIMARY KEY NOT NULL REFERENCES hazards (id),
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    grid TEXT NOT NULL,
    area TEXT NOT NULL,
    severity TEXT NOT NULL,
    month INTEGER NOT NULL,
    reported_us BIGINT NOT NULL,
    hazards BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    major BIGINT NOT NULL,
    major_closed BIGINT NOT NULL,
    due BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    found BIGINT NOT NULL,
    major_found BIGINT NOT NULL,
    listed_major BIGINT NOT NULL,
    closed_timed BIGINT NOT NULL,
    close_seconds BIGINT NOT NULL,
    reinspected BIGINT NOT NULL,
    first_pass BIGINT NOT NULL,
    -- Time-dependent: due once now >= due_from_us; overdue once now > overdue_after_us.
    due_from_us BIGINT,
    overdue_after_us BIGINT,
    -- Counted major hazards: the month reported and, if closed, the month closed.
    major_from INTEGER,
    major_until INTEGER
);

-- Edge months of a date filter: the hazards reported in a range, by region.
CREATE INDEX hazard_stats_reported ON hazard_stats (district, reported_us);
CREATE INDEX hazard_stats_due ON hazard_stats (district, due_from_us) WHERE due_from_us IS NOT NULL;
CREATE INDEX hazard_stats_overdue ON hazard_stats (district, overdue_after_us) WHERE overdue_after_us IS NOT NULL;
CREATE INDEX hazard_stats_major ON hazard_stats (district, major_from, major_until) WHERE major_from IS NOT NULL;

CREATE TABLE hazard_cells (
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    grid TEXT NOT NULL,
    area TEXT NOT NULL,
    severity TEXT NOT NULL,
    month INTEGER NOT NULL,
    hazards BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    major BIGINT NOT NULL,
    major_closed BIGINT NOT NULL,
    due BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    found BIGINT NOT NULL,
    major_found BIGINT NOT NULL,
    listed_major BIGINT NOT NULL,
    closed_timed BIGINT NOT NULL,
    close_seconds BIGINT NOT NULL,
    reinspected BIGINT NOT NULL,
    first_pass BIGINT NOT NULL,
    PRIMARY KEY (district, street, grid, area, severity, month)
);

CREATE TABLE inspection_stats (
    inspection_id UUID PRIMARY KEY NOT NULL REFERENCES inspections (id),
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    grid TEXT NOT NULL,
    area TEXT NOT NULL,
    month INTEGER NOT NULL,
    at_us BIGINT NOT NULL,
    inspections BIGINT NOT NULL
);

CREATE INDEX inspection_stats_at ON inspection_stats (district, at_us);

CREATE TABLE inspection_cells (
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    grid TEXT NOT NULL,
    area TEXT NOT NULL,
    month INTEGER NOT NULL,
    inspections BIGINT NOT NULL,
    PRIMARY KEY (district, street, grid, area, month)
);
