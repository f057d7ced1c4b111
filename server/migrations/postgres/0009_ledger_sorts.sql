-- The ledger's other sorts and its status filters within a district (issue 7: a ledger page
-- over 1,000,000 hazards in 200 ms). Without them, sorting a district's hazards by level,
-- status or site sorted every row of the district for each page, and counting the hazards of
-- a status read the table.

-- ORDER BY severity / status_rank / site_name, then reported_at and id (store::ledger).
CREATE INDEX hazards_ledger_severity ON hazards (district, severity, reported_at, id);
CREATE INDEX hazards_ledger_status ON hazards (district, status_rank, reported_at, id);
CREATE INDEX hazards_ledger_site ON hazards (district, site_name, reported_at, id);
-- status = …, open (NOT IN closed, dismissed) and overdue (status and deadline): the page's
-- count from the index alone.
CREATE INDEX hazards_ledger_state ON hazards (district, status, deadline);
-- ORDER BY (deadline IS NULL), deadline, id: hazards without a deadline last in both
-- directions, so one index per direction.
CREATE INDEX hazards_ledger_deadline ON hazards (district, (deadline IS NULL), deadline, id);
CREATE INDEX hazards_ledger_deadline_desc ON hazards (district, (deadline IS NULL), deadline DESC, id DESC);
