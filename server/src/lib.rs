//! Zhaoshang Field's server: renders the app (SSR), serves its assets and service worker, keeps
//! accounts and sessions, and takes the tablets' leads through the sync API into SQLite or
//! PostgreSQL, with an audit trail of every change.

#![recursion_limit = "512"]

pub mod auth;
pub mod backup;
pub mod build_info;
pub mod cli;
pub mod client_address;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod fleet;
pub mod indexer;
pub mod merge;
pub mod metrics;
pub mod reporting;
pub mod routes;
pub mod serve;
pub mod startup;
pub mod state;
pub mod sync;
pub mod telemetry;
pub mod tls;
pub mod web_edit;
pub mod writer;
