//! Checklist template versions published by administrators (`templates`, migration 0007).
//! The shipped templates are not stored: [`known_templates`] adds them.

use super::{Db, StoreError, on_pool};
use anxun_domain::{
    ids::UserId,
    template::Template,
    templates::{Publish, PublishError, builtin, check_publish},
};
use chrono::{DateTime, Utc};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn parse(docs: Vec<String>) -> Result<Vec<Template>, StoreError> {
    docs.iter()
        .map(|doc| serde_json::from_str(doc).map_err(corrupt))
        .collect()
}

/// The shipped templates followed by the published versions, oldest first.
pub fn known_templates(published: Vec<Template>) -> Vec<Template> {
    let mut all = builtin();
    all.extend(published);
    all
}

impl Db {
    /// Every published version, in the order they were published.
    pub async fn published_templates(&self) -> Result<Vec<Template>, StoreError> {
        let docs: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT doc FROM templates ORDER BY seq")
                .fetch_all(pool)
                .await?
        });
        parse(docs)
    }

    /// The versions published with change numbers in `(after, through]` (one pull page).
    pub async fn templates_published_between(
        &self,
        after: u64,
        through: u64,
    ) -> Result<Vec<Template>, StoreError> {
        let after = i64::try_from(after).map_err(corrupt)?;
        let through = i64::try_from(through).map_err(corrupt)?;
        let docs: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT doc FROM templates WHERE seq > $1 AND seq <= $2 ORDER BY seq",
            )
            .bind(after)
            .bind(through)
            .fetch_all(pool)
            .await?
        });
        parse(docs)
    }

    /// Publishes a validated template if the domain's rules let it join the known ones
    /// ([`check_publish`]), in one transaction; publishing the identical version again
    /// changes nothing.
    pub async fn publish_template(
        &self,
        template: &Template,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Result<Publish, PublishError>, StoreError> {
        let doc = serde_json::to_string(template).map_err(corrupt)?;
        let _turn = self.write_gate().await;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // The counter first: it serialises publishers on PostgreSQL too (the check below
            // then sees every earlier version), and its number becomes visible at commit.
            let seq: i64 = sqlx::query_scalar(
                "UPDATE change_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq",
            )
            .fetch_one(&mut *tx)
            .await?;
            let docs: Vec<String> = sqlx::query_scalar("SELECT doc FROM templates ORDER BY seq")
                .fetch_all(&mut *tx)
                .await?;
            let known = known_templates(parse(docs)?);
            let verdict = check_publish(&known, template);
            if verdict != Ok(Publish::New) {
                tx.rollback().await?;
                return Ok(verdict);
            }
            sqlx::query(
                "INSERT INTO templates (id, version, area, doc, seq, published_by, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(template.id.as_str())
            .bind(i64::from(template.version))
            .bind(template.area.code())
            .bind(&doc)
            .bind(seq)
            .bind(by.as_uuid())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(Ok(Publish::New))
    }
}
