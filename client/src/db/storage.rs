//! The browser's storage: how much is used, whether it is kept (persistent), and whether there
//! is room for more.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Space used and available to this site, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    pub usage: u64,
    pub quota: u64,
}

/// Room kept free beyond what a write needs (the estimate is approximate).
pub const MARGIN_BYTES: u64 = 20 * 1024 * 1024;

impl Estimate {
    /// Whether `bytes` more fit with the margin to spare.
    pub fn has_room_for(&self, bytes: u64) -> bool {
        self.quota.saturating_sub(self.usage) >= bytes.saturating_add(MARGIN_BYTES)
    }
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = crate::global::scope()?.navigator();
    let storage = js_sys::Reflect::get(&navigator, &JsValue::from_str("storage")).ok()?;
    (!storage.is_undefined() && !storage.is_null()).then(|| storage.unchecked_into())
}

fn number(object: &JsValue, name: &str) -> Option<u64> {
    let value = js_sys::Reflect::get(object, &JsValue::from_str(name))
        .ok()?
        .as_f64()?;
    (value.is_finite() && value >= 0.0).then_some(value as u64)
}

/// `navigator.storage.estimate()`, where the browser has it.
pub async fn estimate() -> Option<Estimate> {
    let promise = storage_manager()?.estimate().ok()?;
    let result = JsFuture::from(promise).await.ok()?;
    Some(Estimate {
        usage: number(&result, "usage")?,
        quota: number(&result, "quota")?,
    })
}

/// Asks the browser to keep this site's data (`navigator.storage.persist()`); true when granted.
pub async fn persist() -> Option<bool> {
    let promise = storage_manager()?.persist().ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}

/// Whether the data is already persistent.
pub async fn persisted() -> Option<bool> {
    let promise = storage_manager()?.persisted().ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn room_is_checked_with_a_margin() {
        let estimate = Estimate {
            usage: 100,
            quota: 100 + MARGIN_BYTES + 10,
        };
        assert!(estimate.has_room_for(10));
        assert!(!estimate.has_room_for(11));
        let full = Estimate {
            usage: 500,
            quota: 100,
        };
        assert!(!full.has_room_for(0));
    }
}
