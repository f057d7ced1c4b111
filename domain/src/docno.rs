//! Human-readable document numbers that devices assign offline without colliding.
//!
//! ## Scheme
//!
//! `KIND-YYYYMMDD-DEVC-NNNN`, for example `JC-20261123-7K3F-0001`:
//! - `KIND`: [`DocKind`] prefix: `JC` 检查记录, `ZG` 整改通知(告知单), `FC` 复查记录, `YH` 隐患编号;
//! - `YYYYMMDD`: the Shanghai date of issue (for reading only; it plays no part in uniqueness);
//! - `DEVC`: the device's [`DeviceCode`], 4 Crockford base-32 characters;
//! - `NNNN`: the device's serial for this kind, starting at 1 and never reset or reused,
//!   at least 4 digits (more when needed).
//!
//! **Why numbers never collide.** Two numbers are equal only if kind, device code and serial
//! are equal. A device's [`DocNumberAllocator`] hands out each serial of a kind once (it only
//! counts up, whatever the clock says), and device codes are unique when they come from the
//! server: the server assigns each device a sequential index at its first sign-in and
//! [`DeviceCode::from_index`] encodes it injectively (1,048,576 devices). So the devices need no
//! coordination while offline. [`DeviceCode::derive`] (a hash of the device id) is only a
//! provisional fallback for a device that has never been online: it can collide, and the
//! numbers it produces should be treated as provisional.

use std::{collections::BTreeMap, fmt};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::ids::DeviceId;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Which document a number belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// 现场检查记录 (`JC`).
    InspectionRecord,
    /// 整改通知/告知单 (`ZG`).
    RectificationNotice,
    /// 复查记录 (`FC`).
    Reinspection,
    /// 隐患编号 (`YH`).
    Hazard,
}

impl DocKind {
    /// Every kind.
    pub const ALL: [DocKind; 4] = [
        DocKind::InspectionRecord,
        DocKind::RectificationNotice,
        DocKind::Reinspection,
        DocKind::Hazard,
    ];

    /// The two-letter prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            DocKind::InspectionRecord => "JC",
            DocKind::RectificationNotice => "ZG",
            DocKind::Reinspection => "FC",
            DocKind::Hazard => "YH",
        }
    }
}

/// A device's 4-character code in document numbers (Crockford base 32: no I, L, O, U).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct DeviceCode(String);

impl DeviceCode {
    /// How many distinct codes exist (32⁴).
    pub const CAPACITY: u32 = 32 * 32 * 32 * 32;

    /// Encodes a server-assigned device index (0 ≤ index < [`Self::CAPACITY`]); different
    /// indexes give different codes.
    pub fn from_index(index: u32) -> Result<DeviceCode, DocNumberError> {
        if index >= Self::CAPACITY {
            return Err(DocNumberError::DeviceIndex(index));
        }
        let code = (0..4)
            .rev()
            .map(|i| char::from(ALPHABET[((index >> (5 * i)) & 31) as usize]))
            .collect();
        Ok(DeviceCode(code))
    }

    /// A provisional code derived from the device id (may collide; see the module docs).
    pub fn derive(device: DeviceId) -> DeviceCode {
        let hash = Sha256::digest(device.as_uuid().as_bytes());
        let index = u32::from_be_bytes([0, hash[0], hash[1], hash[2]]) >> 4;
        DeviceCode(
            (0..4)
                .rev()
                .map(|i| char::from(ALPHABET[((index >> (5 * i)) & 31) as usize]))
                .collect(),
        )
    }

    /// Parses 4 characters of the alphabet (lowercase accepted).
    pub fn parse(text: &str) -> Result<DeviceCode, DocNumberError> {
        let upper = text.trim().to_ascii_uppercase();
        if upper.len() == 4 && upper.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(DeviceCode(upper))
        } else {
            Err(DocNumberError::DeviceCode(text.to_owned()))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DeviceCode {
    type Error = DocNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        DeviceCode::parse(&value)
    }
}

impl From<DeviceCode> for String {
    fn from(value: DeviceCode) -> Self {
        value.0
    }
}

impl fmt::Display for DeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A document number such as `JC-20261123-7K3F-0001`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct DocNumber {
    kind: DocKind,
    date: NaiveDate,
    device: DeviceCode,
    serial: u32,
}

impl DocNumber {
    /// Parses the canonical text form.
    pub fn parse(text: &str) -> Result<DocNumber, DocNumberError> {
        let err = || DocNumberError::Malformed(text.to_owned());
        let mut parts = text.trim().split('-');
        let (Some(kind), Some(date), Some(device), Some(serial), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(err());
        };
        let kind = DocKind::ALL
            .into_iter()
            .find(|k| k.prefix() == kind)
            .ok_or_else(err)?;
        if date.len() != 8 {
            return Err(err());
        }
        let date = NaiveDate::parse_from_str(date, "%Y%m%d").map_err(|_| err())?;
        let device = DeviceCode::parse(device).map_err(|_| err())?;
        let canonical = serial.len() == 4 || (serial.len() > 4 && !serial.starts_with('0'));
        if !canonical || !serial.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let serial: u32 = serial.parse().map_err(|_| err())?;
        if serial == 0 {
            return Err(err());
        }
        Ok(DocNumber {
            kind,
            date,
            device,
            serial,
        })
    }

    /// The kind.
    pub fn kind(&self) -> DocKind {
        self.kind
    }
    /// The date of issue.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    /// The issuing device.
    pub fn device(&self) -> &DeviceCode {
        &self.device
    }
    /// The device's serial for this kind.
    pub fn serial(&self) -> u32 {
        self.serial
    }
}

impl fmt::Display for DocNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}-{:04}",
            self.kind.prefix(),
            self.date.format("%Y%m%d"),
            self.device,
            self.serial
        )
    }
}

impl TryFrom<String> for DocNumber {
    type Error = DocNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        DocNumber::parse(&value)
    }
}

impl From<DocNumber> for String {
    fn from(value: DocNumber) -> Self {
        value.to_string()
    }
}

/// Hands out document numbers on one device. Persist it (it serialises) and allocate inside
/// the same storage transaction that saves the document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct DocNumberAllocator {
    device: DeviceCode,
    last: BTreeMap<DocKind, u32>,
}

impl DocNumberAllocator {
    /// A fresh allocator for a device.
    pub fn new(device: DeviceCode) -> DocNumberAllocator {
        DocNumberAllocator {
            device,
            last: BTreeMap::new(),
        }
    }

    /// The device code.
    pub fn device(&self) -> &DeviceCode {
        &self.device
    }

    /// The next number of `kind`, dated `date` (use [`crate::shanghai::date`]).
    pub fn allocate(
        &mut self,
        kind: DocKind,
        date: NaiveDate,
    ) -> Result<DocNumber, DocNumberError> {
        let last = self.last.get(&kind).copied().unwrap_or(0);
        let serial = last.checked_add(1).ok_or(DocNumberError::Exhausted)?;
        self.last.insert(kind, serial);
        Ok(DocNumber {
            kind,
            date,
            device: self.device.clone(),
            serial,
        })
    }
}

/// Document-number errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocNumberError {
    /// Not of the form `KIND-YYYYMMDD-DEVC-NNNN`.
    #[error("`{0}` is not a document number (such as JC-20261123-7K3F-0001)")]
    Malformed(String),
    /// Not a device code.
    #[error("`{0}` is not a device code (4 characters of 0-9 and A-Z without I, L, O, U)")]
    DeviceCode(String),
    /// Device index out of range.
    #[error("device index {0} is too large (at most 1048575)")]
    DeviceIndex(u32),
    /// The serial counter overflowed.
    #[error("this device has used every serial number of this kind")]
    Exhausted,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let mut a = DocNumberAllocator::new(DeviceCode::parse("7k3f").unwrap());
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let n = a.allocate(DocKind::InspectionRecord, date).unwrap();
        assert_eq!(n.to_string(), "JC-20261123-7K3F-0001");
        assert_eq!(DocNumber::parse("JC-20261123-7K3F-0001"), Ok(n));
        assert_eq!(
            a.allocate(DocKind::InspectionRecord, date)
                .unwrap()
                .serial(),
            2
        );
        assert_eq!(a.allocate(DocKind::Hazard, date).unwrap().serial(), 1);
        for bad in [
            "JC-20261123-7K3F-001",
            "JC-20261123-7K3F-00001",
            "JC-20261323-7K3F-0001",
            "XX-20261123-7K3F-0001",
            "JC-20261123-7K3I-0001",
            "JC-20261123-7K3F-0000",
        ] {
            assert!(DocNumber::parse(bad).is_err(), "{bad}");
        }
        assert!(DocNumber::parse("JC-20261123-7K3F-12345").is_ok());
    }

    #[test]
    fn device_codes() {
        assert_eq!(DeviceCode::from_index(0).unwrap().as_str(), "0000");
        assert_eq!(DeviceCode::from_index(33).unwrap().as_str(), "0011");
        assert_eq!(
            DeviceCode::from_index(DeviceCode::CAPACITY - 1)
                .unwrap()
                .as_str(),
            "ZZZZ"
        );
        assert!(DeviceCode::from_index(DeviceCode::CAPACITY).is_err());
    }
}
