//! Zhaoshang Field's server: renders the app (SSR), serves its assets and service worker, and
//! answers health checks. Accounts, the database and the sync API come next, as their own
//! modules beside `routes`.

#![recursion_limit = "512"]

pub mod build_info;
pub mod config;
pub mod error;
pub mod routes;
pub mod startup;
pub mod telemetry;
