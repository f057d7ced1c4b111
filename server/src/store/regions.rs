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

    fn parse(code: &str) -> Option<Level> {
        [Level::District, Level::Street, Level::Grid]
            .into_iter()
            .find(|level| level.code() == code)
    }
}

/// A stored region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRegion {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
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

    /// Every region, by code.
    pub async fn regions(&self) -> Result<Vec<StoredRegion>, StoreError> {
        let rows: Vec<(String, String, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT code, name, level, parent FROM regions ORDER BY code")
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(code, name, level, parent)| {
                let level = Level::parse(&level).ok_or_else(|| {
                    StoreError::Corrupt(format!("unknown region level `{level}`"))
                })?;
                Ok(StoredRegion {
                    code,
                    name,
                    level,
                    parent,
                })
            })
            .collect()
    }

    /// How many regions there are.
    pub async fn region_count(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM regions").fetch_one(pool).await?
        }))
    }
}
