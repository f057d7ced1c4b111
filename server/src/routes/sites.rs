//! The site registry as supervisors see it: pages with open hazard counts, and one site with
//! its inspections and hazards. (Importing stays `POST /api/admin/sites/import`.)

pub mod detail;
pub mod list;
