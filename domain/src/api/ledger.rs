//! The hazard ledger: filters, pages, a hazard's detail and the actions a supervisor takes
//! (`GET /api/hazards`, `GET /api/hazards/{id}`, `POST /api/hazards/{id}/events`, sites, exports).
