//! Sites (被检查单位/场所), stored as the domain's JSON plus the columns that are queried.
//!
//! [`write_site`] is the one place where a site row is written: pushes, the registry import and
//! the demo seed all go through it, inside their own transactions.

use super::{
    Db, StoreError,
    changes::{Change, ChangeKind, append_changes},
    on_pool,
};
use anxun_domain::site::{Area, Site};
use chrono::{DateTime, Utc};

/// Writes a site: inserts it, or replaces the stored site with the same id (its `created_at`
/// and `is_demo` stay). Runs on the caller's connection or transaction.
pub(super) async fn write_site<C>(
    conn: &mut C,
    site: &Site,
    is_demo: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError>
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    for<'q> <C::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, C::Database>,
    for<'q> uuid::Uuid: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> String: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> bool: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> DateTime<Utc>: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> i64: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
{
    let doc = serde_json::to_string(site).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let region = site.region();
    sqlx::query::<C::Database>(
        "INSERT INTO sites (id, name, district, street, grid, areas, doc, is_demo, created_at, updated_at, search, ledger_v) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, district = excluded.district, \
         street = excluded.street, grid = excluded.grid, areas = excluded.areas, \
         doc = excluded.doc, updated_at = excluded.updated_at, search = excluded.search, \
         ledger_v = excluded.ledger_v",
    )
    .bind(site.id().as_uuid())
    .bind(site.name().as_str().to_owned())
    .bind(region.district.as_str().to_owned())
    .bind(region.street.as_str().to_owned())
    .bind(region.grid.as_str().to_owned())
    .bind(areas_column(site))
    .bind(doc)
    .bind(is_demo)
    .bind(now)
    .bind(site_search(site))
    .bind(crate::ledger::LEDGER_VERSION)
    .execute(conn)
    .await?;
    Ok(())
}

/// The registry's search column: name, address and credit code, lowercased.
pub(super) fn site_search(site: &Site) -> String {
    [
        Some(site.name().as_str()),
        Some(site.address().as_str()),
        site.credit_code().map(|c| c.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
    .to_lowercase()
}

/// `,gas,ebike,`: one LIKE '%,gas,%' finds a site by area on both backends.
fn areas_column(site: &Site) -> String {
    format!(
        ",{},",
        site.areas()
            .iter()
            .map(|area| area.code())
            .collect::<Vec<_>>()
            .join(",")
    )
}

impl Db {
    /// Inserts (or replaces) a site and logs it for pulls, in one transaction.
    pub async fn insert_site(
        &self,
        site: &Site,
        is_demo: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let change = Change {
            kind: ChangeKind::Site,
            record: site.id().as_uuid(),
            region: site.region().clone(),
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            write_site(&mut *tx, site, is_demo, now).await?;
            append_changes!(tx, [&change], now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Writes imported sites, all in one transaction: every one or none. Each is logged for
    /// pulls, and a site that moved to another region is announced as deleted there.
    pub async fn import_sites(&self, sites: &[Site], now: DateTime<Utc>) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for site in sites {
                let old: Option<String> = sqlx::query_scalar("SELECT doc FROM sites WHERE id = $1")
                    .bind(site.id().as_uuid())
                    .fetch_optional(&mut *tx)
                    .await?;
                let old: Option<Site> = old
                    .map(|doc| serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(e.to_string())))
                    .transpose()?;
                write_site(&mut *tx, site, false, now).await?;
                let mut changes = Vec::new();
                if let Some(old) = old.filter(|old| old.region() != site.region()) {
                    changes.push(Change {
                        kind: ChangeKind::SiteDeleted,
                        record: site.id().as_uuid(),
                        region: old.region().clone(),
                    });
                }
                changes.push(Change {
                    kind: ChangeKind::Site,
                    record: site.id().as_uuid(),
                    region: site.region().clone(),
                });
                append_changes!(tx, &changes, now);
            }
            tx.commit().await?;
            Ok(())
        })
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
