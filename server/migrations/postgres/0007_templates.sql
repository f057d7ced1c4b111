-- Checklist template versions published by administrators (POST /api/admin/templates), next
-- to the ones shipped in the binary (domain/templates/*.toml). A version, once published, is
-- never changed or deleted: inspections record the id and version they were made with.
-- `seq` is a number from change_counter, taken last in the publishing transaction like every
-- change log entry, so a pull page (cursor, next] carries the versions published in it to
-- every user, whatever their scope.
-- postgres flavour; keep equivalent to migrations/sqlite/0007_templates.sql.

CREATE TABLE templates (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    area TEXT NOT NULL,
    -- The template as the domain's JSON (anxun_domain::template::Template).
    doc TEXT NOT NULL,
    seq BIGINT NOT NULL UNIQUE,
    published_by UUID NOT NULL REFERENCES users (id),
    published_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, version)
);
