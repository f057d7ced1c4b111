//! One module per screen.

pub mod hazards;
pub mod home;
pub mod inspection;
pub mod inspection_document;
pub mod inspections;
pub mod not_found;
pub mod settings;
pub mod site_detail;
pub mod site_new;
pub mod sites;
pub mod sync;
