-- PostgreSQL's migration 0009 indexes the ledger's other sorts and status filters within a
-- district (for 1,000,000 hazards). SQLite, the one-machine database, deliberately does not:
-- those six indexes are written with every hazard event, and on SQLite they cost about a
-- third of the push throughput (issue 6's budget: ≥ 1,000 findings/s), while its ledger of
-- 200,000 hazards sorts without them in well under a second (`cargo xtask bench console`).
-- The deadline order `(deadline IS NULL), deadline, id` works the same without an index.
SELECT 1;
