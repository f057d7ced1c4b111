//! The device's position, when the inspector allows it. Without it the inspection still works;
//! the screen says why there is no position.

use anxun_domain::geo::GeoPoint;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

/// Why there is no position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    /// The browser has no geolocation (or the page is not in a secure context).
    #[error("this browser cannot tell the position")]
    Unsupported,
    /// The inspector (or the system settings) refused.
    #[error("permission to use the position was denied")]
    Denied,
    /// No fix: no GPS signal, or location services are off.
    #[error("the position is not available")]
    Unavailable,
    /// No answer in time.
    #[error("the position did not arrive in time")]
    Timeout,
}

impl LocationError {
    /// The code of a `GeolocationPositionError`.
    fn from_code(code: u16) -> LocationError {
        match code {
            1 => LocationError::Denied,
            3 => LocationError::Timeout,
            _ => LocationError::Unavailable,
        }
    }
}

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Asks for one position (high accuracy, at most `timeout_ms`, a fix at most a minute old).
pub async fn current_position(timeout_ms: u32) -> Result<GeoPoint, LocationError> {
    position(timeout_ms, 60_000).await
}

/// Asks for a new fix, not one the device remembers: where the inspector stands now (a
/// finding may be in another building than the one where the inspection started).
pub async fn fresh_position(timeout_ms: u32) -> Result<GeoPoint, LocationError> {
    position(timeout_ms, 0).await
}

async fn position(timeout_ms: u32, maximum_age_ms: u32) -> Result<GeoPoint, LocationError> {
    let geolocation = web_sys::window()
        .and_then(|window| window.navigator().geolocation().ok())
        .ok_or(LocationError::Unsupported)?;
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(timeout_ms);
    options.set_maximum_age(maximum_age_ms);

    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |position: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &position);
        });
        let reject_later = reject.clone();
        let failed = Closure::once_into_js(move |error: JsValue| {
            let _ = reject_later.call1(&JsValue::NULL, &error);
        });
        let called = geolocation.get_current_position_with_error_callback_and_options(
            ok.unchecked_ref(),
            Some(failed.unchecked_ref()),
            &options,
        );
        if called.is_err() {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_f64(2.0));
        }
    });
    match wasm_bindgen_futures::JsFuture::from(promise).await {
        // web-sys marks GeolocationPosition as unstable: read the plain fields instead.
        Ok(position) => {
            let coords = field(&position, "coords");
            let number = |name: &str| field(&coords, name).as_f64();
            match (number("latitude"), number("longitude")) {
                (Some(lat), Some(lon)) => GeoPoint::parse(lat, lon, number("accuracy"))
                    .map_err(|_| LocationError::Unavailable),
                _ => Err(LocationError::Unavailable),
            }
        }
        Err(error) => {
            let code = error
                .as_f64()
                .or_else(|| field(&error, "code").as_f64())
                .unwrap_or(2.0);
            Err(LocationError::from_code(code as u16))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn error_codes_map_to_reasons() {
        assert_eq!(LocationError::from_code(1), LocationError::Denied);
        assert_eq!(LocationError::from_code(2), LocationError::Unavailable);
        assert_eq!(LocationError::from_code(3), LocationError::Timeout);
    }
}
