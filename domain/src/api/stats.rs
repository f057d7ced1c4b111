//! Statistics for the dashboard and the quarterly report (`GET /api/stats`).
