//! Small records kept in the `meta` store: the inspector's profile and the document-number
//! allocator.

use super::{Db, DbError, changes::MetaRow, schema::META};
use crate::profile::Profile;
use anxun_domain::docno::{DeviceCode, DocKind, DocNumber, DocNumberAllocator};
use chrono::NaiveDate;
use indexed_db_futures::{
    prelude::*,
    transaction::{TransactionDurability, TransactionMode, TransactionOptions},
};

const PROFILE: &str = "profile";
const NUMBERS: &str = "doc_numbers";

impl Db {
    /// The inspector using this device, if one is set.
    pub async fn profile(&self) -> Result<Option<Profile>, DbError> {
        let database = self.database();
        let tx = database.transaction(META).build()?;
        let row: Option<MetaRow> = tx.object_store(META)?.get(PROFILE).serde()?.await?;
        row.map(|row| serde_json::from_str(&row.value).map_err(|e| DbError::Corrupt(e.to_string())))
            .transpose()
    }

    /// Saves the inspector's profile.
    pub async fn save_profile(&self, profile: &Profile) -> Result<(), DbError> {
        let value = serde_json::to_string(profile).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let database = self.database();
        let tx = database
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()?;
        tx.object_store(META)?
            .put(MetaRow {
                key: PROFILE.into(),
                value,
            })
            .serde()?;
        tx.commit().await?;
        Ok(())
    }

    /// Reserves one document number of each kind asked for, dated `date`, in one transaction.
    /// A reserved number that ends up unused leaves a gap, never a duplicate.
    pub async fn reserve_numbers(
        &self,
        kinds: &[DocKind],
        date: NaiveDate,
    ) -> Result<Vec<DocNumber>, DbError> {
        let device = self.device_id().await?;
        let database = self.database();
        let tx = database
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()?;
        let meta = tx.object_store(META)?;
        let stored: Option<MetaRow> = meta.get(NUMBERS).serde()?.await?;
        let mut allocator = match stored {
            Some(row) => serde_json::from_str::<DocNumberAllocator>(&row.value)
                .map_err(|e| DbError::Corrupt(e.to_string()))?,
            // Until the server gives this device its code, a provisional one derived from the
            // device id.
            None => DocNumberAllocator::new(DeviceCode::derive(device)),
        };
        let numbers = kinds
            .iter()
            .map(|kind| allocator.allocate(*kind, date))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| DbError::Other(e.to_string()))?;
        let value =
            serde_json::to_string(&allocator).map_err(|e| DbError::Corrupt(e.to_string()))?;
        meta.put(MetaRow {
            key: NUMBERS.into(),
            value,
        })
        .serde()?;
        tx.commit().await?;
        Ok(numbers)
    }
}
