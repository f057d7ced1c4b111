//! GPS positions.

/// A WGS-84 position as reported by the browser's geolocation API (not GCJ-02).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "GeoPointWire")]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
    accuracy_m: Option<f64>,
}

impl GeoPoint {
    /// Checks latitude (−90..=90), longitude (−180..=180) and accuracy (≥ 0, finite).
    pub fn parse(lat: f64, lon: f64, accuracy_m: Option<f64>) -> Result<GeoPoint, GeoError> {
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            return Err(GeoError::Latitude(lat));
        }
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            return Err(GeoError::Longitude(lon));
        }
        if let Some(a) = accuracy_m
            && !(a.is_finite() && a >= 0.0)
        {
            return Err(GeoError::Accuracy(a));
        }
        Ok(GeoPoint {
            lat,
            lon,
            accuracy_m,
        })
    }

    /// Latitude in degrees.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// Accuracy radius in metres, if known.
    pub fn accuracy_m(&self) -> Option<f64> {
        self.accuracy_m
    }
}

#[derive(serde::Deserialize)]
struct GeoPointWire {
    lat: f64,
    lon: f64,
    accuracy_m: Option<f64>,
}

impl TryFrom<GeoPointWire> for GeoPoint {
    type Error = GeoError;
    fn try_from(w: GeoPointWire) -> Result<Self, Self::Error> {
        GeoPoint::parse(w.lat, w.lon, w.accuracy_m)
    }
}

/// A position was out of range.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum GeoError {
    /// Latitude outside −90..=90.
    #[error("latitude {0} is out of range")]
    Latitude(f64),
    /// Longitude outside −180..=180.
    #[error("longitude {0} is out of range")]
    Longitude(f64),
    /// Negative or non-finite accuracy.
    #[error("accuracy {0} m is not a non-negative number")]
    Accuracy(f64),
}
