//! Document numbers assigned offline by different devices never collide.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use anxun_domain::{
    docno::{DeviceCode, DocKind, DocNumber, DocNumberAllocator},
    ids::DeviceId,
};
use chrono::NaiveDate;
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = DocKind> {
    prop::sample::select(DocKind::ALL.to_vec())
}

proptest! {
    #[test]
    fn devices_with_server_assigned_codes_never_collide(
        device_indexes in prop::collection::btree_set(0u32..DeviceCode::CAPACITY, 1..8),
        // Each step: which device, which kind, which (possibly backwards) date.
        steps in prop::collection::vec((0usize..8, kind(), 0u32..30), 1..300),
    ) {
        let mut allocators: Vec<DocNumberAllocator> = device_indexes
            .iter()
            .map(|i| DocNumberAllocator::new(DeviceCode::from_index(*i).unwrap()))
            .collect();
        let mut issued = BTreeSet::new();
        let mut texts = BTreeSet::new();
        for (device, kind, day) in steps {
            let n = allocators.len();
            let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(u64::from(day));
            let number = allocators[device % n].allocate(kind, date).unwrap();
            prop_assert!(texts.insert(number.to_string()), "text collision: {}", number);
            // Uniqueness does not depend on the date.
            prop_assert!(issued.insert((number.kind(), number.device().clone(), number.serial())));
            prop_assert_eq!(DocNumber::parse(&number.to_string()).unwrap(), number);
        }
    }

    #[test]
    fn device_index_encoding_is_injective(a in 0u32..DeviceCode::CAPACITY, b in 0u32..DeviceCode::CAPACITY) {
        let (ca, cb) = (DeviceCode::from_index(a).unwrap(), DeviceCode::from_index(b).unwrap());
        prop_assert_eq!(a == b, ca == cb);
        prop_assert_eq!(DeviceCode::parse(ca.as_str()).unwrap(), ca);
    }

    #[test]
    fn numbers_round_trip_through_text_and_json(
        index in 0u32..DeviceCode::CAPACITY,
        kind in kind(),
        count in 1usize..30,
        day in 0u64..3650,
    ) {
        let mut allocator = DocNumberAllocator::new(DeviceCode::from_index(index).unwrap());
        let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(day);
        for _ in 0..count {
            let n = allocator.allocate(kind, date).unwrap();
            let json = serde_json::to_string(&n).unwrap();
            prop_assert_eq!(serde_json::from_str::<DocNumber>(&json).unwrap(), n.clone());
            prop_assert_eq!(DocNumber::parse(&n.to_string()).unwrap(), n);
        }
        // The allocator itself is persisted between sessions.
        let json = serde_json::to_string(&allocator).unwrap();
        prop_assert_eq!(serde_json::from_str::<DocNumberAllocator>(&json).unwrap(), allocator);
    }

    #[test]
    fn derived_codes_are_valid(bytes in any::<[u8; 16]>()) {
        let code = DeviceCode::derive(DeviceId::from_uuid(uuid::Uuid::from_bytes(bytes)));
        prop_assert_eq!(DeviceCode::parse(code.as_str()).unwrap(), code);
    }
}
