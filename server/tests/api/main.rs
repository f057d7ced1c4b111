//! Black-box tests of anxun-server: the real application on a loopback port, against real
//! SQLite and real PostgreSQL (`ANXUN_TEST_POSTGRES_URL`, set by `cargo xtask test`).

#![allow(clippy::unwrap_used)]

mod helpers;

mod admin;
mod auth;
mod authz;
mod binary;
mod concurrency;
mod health;
mod ledger;
mod openapi;
mod photos;
mod seeding;
mod static_app;
mod stats;
mod sync_pull;
mod sync_push;
mod templates;
