//! Regions: district (区), street (街镇) and grid (网格).

use super::{Db, StoreError, on_pool};

/// The level of a region in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    District,
    Street,
    Grid,
}

impl Level {
    fn code(self) -> &'static str {
        match self {
            Level::District => "district",
            Level::Street => "street",
            Level::Grid => "grid",
        }
    }
}

/// A region to insert.
#[derive(Debug, Clone)]
pub struct NewRegion<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub level: Level,
    pub parent: Option<&'a str>,
    pub is_demo: bool,
}

impl Db {
    /// Inserts a region.
    pub async fn insert_region(&self, region: &NewRegion<'_>) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO regions (code, name, level, parent, is_demo) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(region.code)
            .bind(region.name)
            .bind(region.level.code())
            .bind(region.parent)
            .bind(region.is_demo)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// How many regions there are.
    pub async fn region_count(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM regions").fetch_one(pool).await?
        }))
    }
}
