//! `GET /healthz`: the process is up and serving.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}
