//! The dashboard's and the printables' requests: the statistics, the quarterly report and one
//! inspection (for its printable record and notice).

use super::{Api, ApiError, Body};
use anxun_domain::{
    api::{
        ledger::{self, InspectionDetail},
        stats::{QuarterlyQuery, QuarterlyReport, StatsQuery, StatsResponse},
    },
    ids::InspectionId,
};

impl Api {
    /// `GET /api/stats?<query>`.
    pub async fn stats(&self, query: &StatsQuery) -> Result<StatsResponse, ApiError> {
        self.json("GET", &query.url(), Body::None).await
    }

    /// `GET /api/stats/quarterly?year=…&quarter=…`.
    pub async fn quarterly(&self, query: QuarterlyQuery) -> Result<QuarterlyReport, ApiError> {
        self.json("GET", &query.url(), Body::None).await
    }

    /// `GET /api/inspections/{id}`.
    pub async fn inspection(&self, id: InspectionId) -> Result<InspectionDetail, ApiError> {
        self.json("GET", &ledger::inspection_path(id), Body::None)
            .await
    }
}
