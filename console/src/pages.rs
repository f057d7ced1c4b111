//! One module per screen.

pub mod dashboard;
pub mod hazard;
pub mod inspection_document;
pub mod ledger;
pub mod not_found;
pub mod quarterly;
pub mod sign_in;
pub mod site;
pub mod site_code;
pub mod site_import;
pub mod sites;
