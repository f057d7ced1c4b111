//! Sites (被检查单位/场所), stored as the domain's JSON plus the columns that are queried.

use super::{
    Db, StoreError,
    changes::{Change, ChangeKind, append_changes},
    on_pool,
};
use anxun_domain::site::{Area, Site};
use chrono::{DateTime, Utc};

impl Db {
    /// Inserts a site and logs it for pulls, in one transaction.
    pub async fn insert_site(
        &self,
        site: &Site,
        is_demo: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let doc = serde_json::to_string(site).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let region = site.region();
        // `,gas,ebike,`: one LIKE '%,gas,%' finds a site by area on both backends.
        let areas = format!(
            ",{},",
            site.areas()
                .iter()
                .map(|area| area.code())
                .collect::<Vec<_>>()
                .join(",")
        );
        let change = Change {
            kind: ChangeKind::Site,
            record: site.id().as_uuid(),
            region: region.clone(),
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO sites (id, name, district, street, grid, areas, doc, is_demo, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(site.id().as_uuid())
            .bind(site.name().as_str())
            .bind(region.district.as_str())
            .bind(region.street.as_str())
            .bind(region.grid.as_str())
            .bind(&areas)
            .bind(&doc)
            .bind(is_demo)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            append_changes!(tx, [&change], now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// How many sites there are, in all or in one area.
    pub async fn site_count(&self, area: Option<Area>) -> Result<i64, StoreError> {
        let pattern = area.map_or_else(|| "%".to_owned(), |area| format!("%,{},%", area.code()));
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM sites WHERE areas LIKE $1")
                .bind(&pattern)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Every site, by name (small registries; paging arrives with the sites screen).
    pub async fn sites(&self) -> Result<Vec<Site>, StoreError> {
        let docs: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT doc FROM sites ORDER BY name").fetch_all(pool).await?
        });
        docs.iter()
            .map(|doc| serde_json::from_str(doc).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect()
    }
}
