//! One module per screen.

pub mod hazards;
pub mod home;
pub mod inspections;
pub mod not_found;
pub mod settings;
pub mod sites;
pub mod sync;
