-- Who may read a photo (GET /api/photos/{sha256}): the users who uploaded it, and everyone
-- whose scope covers a record that references it (an inspection's site, a hazard). Rows are
-- written with the accepted mutation or upload that creates the right, in its transaction.
-- A photo stored before this migration has no rows: any signed-in user may read it, as before.
-- sqlite flavour; keep equivalent to migrations/postgres/0004_photo_access.sql.

CREATE TABLE photo_refs (
    hash TEXT NOT NULL,
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    grid TEXT NOT NULL,
    PRIMARY KEY (hash, district, street, grid)
);

CREATE TABLE photo_uploads (
    hash TEXT NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (hash, user_id)
);
