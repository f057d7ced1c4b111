//! View pieces with props in and callbacks out.

pub mod chart;
pub mod layout;
pub mod photo;
pub mod rows;
