//! `anxun-server`: receives inspections, findings and photos from the field app, serves the
//! app itself, and (as later issues add) the supervisors' ledger, statistics and exports.
//!
//! `main.rs` only reads the settings, starts logging and runs [`startup::Application`];
//! [`startup::router`] is public so tests can drive the application without a socket.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod accounts;
pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod ledger;
pub mod openapi;
pub mod photos;
pub mod regions;
pub mod routes;
pub mod site_import;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod store;
pub mod sync;
