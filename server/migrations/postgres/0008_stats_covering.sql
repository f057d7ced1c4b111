-- The dashboard's two per-hazard queries answered from indexes alone (issue 7's budget:
-- the dashboard over 1,000,000 hazards in 200 ms). Each index holds every column its query
-- filters, groups or sums on, so the table itself is not read (PostgreSQL: an index-only
-- scan wherever the visibility map allows; SQLite: a covering index).

-- Due and overdue hazards at a moment (`hazard_due_sql`): the open hazards with a deadline.
-- The query repeats this WHERE clause literally so that both databases use the index.
DROP INDEX hazard_stats_due;
DROP INDEX hazard_stats_overdue;
CREATE INDEX hazard_stats_open ON hazard_stats
    (district, street, grid, area, severity, due_from_us, overdue_after_us, reported_us)
    WHERE due_from_us IS NOT NULL OR overdue_after_us IS NOT NULL;

-- Open major hazards by month (`open_major_sql`), with the region and kind filters.
DROP INDEX hazard_stats_major;
CREATE INDEX hazard_stats_major ON hazard_stats
    (district, major_from, major_until, street, grid, area, severity)
    WHERE major_from IS NOT NULL;
