//! Signing in and out: `POST /api/auth/login`, `GET /api/auth/me`, `POST /api/auth/logout`.

pub mod login;
pub mod logout;
pub mod me;
