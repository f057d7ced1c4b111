-- The hazard ledger (GET /api/hazards, the exports, the sites registry): the columns its
-- filters, search and sort read, and their indexes. SQLite flavour; keep equivalent to
-- migrations/postgres/0005_ledger.sql.
--
-- The columns are a projection of the hazard the domain rebuilds from its events, written
-- with every accepted event (store::ledger::write_hazard). Rows written before this
-- migration have `ledger_v` 0: the server fills their columns from the stored hazard when it
-- starts (store::ledger::backfill), before it serves requests.

ALTER TABLE hazards ADD COLUMN ledger_v INTEGER NOT NULL DEFAULT 0;
-- 来源 (HazardSource code).
ALTER TABLE hazards ADD COLUMN source TEXT;
-- The reporting user (users.id; not a foreign key: the projection may be rebuilt).
ALTER TABLE hazards ADD COLUMN reporter_id BLOB;
-- The inspection the hazard was found in, if any.
ALTER TABLE hazards ADD COLUMN inspection_id BLOB;
-- 隐患编号.
ALTER TABLE hazards ADD COLUMN number TEXT;
-- 单位名称 at the time of reporting.
ALTER TABLE hazards ADD COLUMN site_name TEXT;
-- 模板项编号 and the item's title.
ALTER TABLE hazards ADD COLUMN item_id TEXT;
ALTER TABLE hazards ADD COLUMN item_title TEXT;
-- 现状描述.
ALTER TABLE hazards ADD COLUMN description TEXT;
-- 挂牌督办 (ever listed).
ALTER TABLE hazards ADD COLUMN listed INTEGER NOT NULL DEFAULT 0;
-- 销号时间.
ALTER TABLE hazards ADD COLUMN closed_at TEXT;
-- The state's position in the lifecycle (sorting by status).
ALTER TABLE hazards ADD COLUMN status_rank INTEGER NOT NULL DEFAULT 0;
-- Lowercased site name, address, description, item title and number: free-text search.
ALTER TABLE hazards ADD COLUMN search TEXT NOT NULL DEFAULT '';

-- The default order (newest first) within each level of scope, and the exports' keyset
-- ((reported_at, id) > last): one index per level, like the change log's.
CREATE INDEX hazards_reported_district ON hazards (district, reported_at, id);
CREATE INDEX hazards_reported_street ON hazards (district, street, reported_at, id);
CREATE INDEX hazards_reported_grid ON hazards (district, street, grid, reported_at, id);
CREATE INDEX hazards_reported ON hazards (reported_at, id);
CREATE INDEX hazards_reporter ON hazards (reporter_id, reported_at);
CREATE INDEX hazards_inspection ON hazards (inspection_id);
CREATE INDEX hazards_deadline ON hazards (deadline);
CREATE INDEX hazards_site_reported ON hazards (site_id, reported_at);

-- Sites: lowercased name, address and credit code for the registry's search.
ALTER TABLE sites ADD COLUMN search TEXT NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN ledger_v INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sites_name ON sites (name, id);
CREATE INDEX inspections_site_started ON inspections (site_id, started_at);
