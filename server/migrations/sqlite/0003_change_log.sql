-- Offline sync, pull half (GET /api/sync/pull): the change log every device reads from.
-- SQLite flavour; keep equivalent to migrations/postgres/0003_change_log.sql.
--
-- Every write of a site or a hazard event appends one row here, in the same transaction, with
-- a number taken from `change_counter` (`UPDATE ... SET last_seq = last_seq + 1 RETURNING`).
-- A pull reads the rows above its cursor. That is only correct if numbers become visible in
-- order: a pull that has seen change n must already be able to see every change below n,
-- or it moves its cursor past a change that commits later, and that change is never pulled.
-- A sequence or identity column does not give this on PostgreSQL (two transactions take 7
-- and 8; 8 commits first; a pull sees 8 and skips 7 for good). The single counter row does:
-- the writer holding its row lock keeps it until commit, so the next writer gets its number
-- only after the previous one is committed and visible. It also leaves no holes: a rolled
-- back writer gives its number back. SQLite has one writer at a time anyway; the counter
-- keeps both backends the same.

CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    -- The number of the latest change (0 before the first).
    last_seq INTEGER NOT NULL
);

CREATE TABLE change_log (
    -- Assigned from change_counter, never by the database: 1, 2, 3, ... in commit order.
    seq INTEGER PRIMARY KEY NOT NULL,
    -- site: the site was created or changed (pull sends it as it is now);
    -- site_deleted: the site left this region (deleted, or moved to another region);
    -- hazard_event: an accepted hazard event (record_id is the event's id).
    kind TEXT NOT NULL CHECK (kind IN ('site', 'site_deleted', 'hazard_event')),
    record_id BLOB NOT NULL,
    -- The region of the change, for scope filtering: the site's, or the hazard's.
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    grid TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- One index per scope level, so a pull walks only its region's changes in order.
CREATE INDEX change_log_district ON change_log (district, seq);
CREATE INDEX change_log_street ON change_log (district, street, seq);
CREATE INDEX change_log_grid ON change_log (district, street, grid, seq);

-- Existing data: every site, then every hazard event (hazards by their first event, events in
-- their order), so a device pulling from 0 gets everything.
INSERT INTO change_log (seq, kind, record_id, district, street, grid, created_at)
SELECT ROW_NUMBER() OVER (ORDER BY part, first_at, owner, position), kind, record_id,
       district, street, grid, at
FROM (
    SELECT 0 AS part, created_at AS first_at, id AS owner, 0 AS position, 'site' AS kind,
           id AS record_id, district, street, grid, updated_at AS at
    FROM sites
    UNION ALL
    SELECT 1, (SELECT MIN(f.received_at) FROM hazard_events f WHERE f.hazard_id = e.hazard_id),
           e.hazard_id, e.position, 'hazard_event', e.id, h.district, h.street, h.grid,
           e.received_at
    FROM hazard_events e JOIN hazards h ON h.id = e.hazard_id
) AS existing;

INSERT INTO change_counter (id, last_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM change_log;
