//! Who may read a photo: its uploaders, and the users whose scope covers a record that
//! references it (migration `0004_photo_access.sql`). Photos stored before that migration have
//! no rows and stay readable by every signed-in user.

use super::{Db, StoreError, on_pool};
use anxun_domain::{ids::UserId, photo::Sha256Hex, region::Scope};
use chrono::{DateTime, Utc};

impl Db {
    /// Records that `user` uploaded the photo (they may read it back).
    pub async fn photo_uploaded(
        &self,
        hash: &Sha256Hex,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_gate().await;
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO photo_uploads (hash, user_id, uploaded_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (hash, user_id) DO NOTHING",
            )
            .bind(hash.as_str())
            .bind(user.as_uuid())
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Whether `user`, with `scope`, may read the photo.
    pub async fn may_read_photo(
        &self,
        hash: &Sha256Hex,
        user: UserId,
        scope: &Scope,
    ) -> Result<bool, StoreError> {
        let (filter, codes) = super::pull::scope_filter(scope, "", 3);
        let query = format!(
            "SELECT (SELECT COUNT(*) FROM photo_uploads WHERE hash = $1 AND user_id = $2), \
                    (SELECT COUNT(*) FROM photo_refs WHERE hash = $1{filter}), \
                    (SELECT COUNT(*) FROM photo_refs WHERE hash = $1)"
        );
        let (uploaded, covered, refs): (i64, i64, i64) = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&query).bind(hash.as_str()).bind(user.as_uuid());
            for code in &codes {
                q = q.bind(*code);
            }
            q.fetch_one(pool).await?
        });
        Ok(uploaded > 0 || covered > 0 || refs == 0)
    }
}
