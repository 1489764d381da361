//! `GET /healthz`: the process is up and serving, and how many committed changes the manager
//! workspace has not indexed yet (`index_lag`, normally 0 a few seconds after the last sync), and
//! how many stored rows this process met that it could not read (`unreadable_rows`, normally 0;
//! administrators see them listed in the workspace).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::db::workspace_index;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}

async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let lag = workspace_index::lag(&mut conn).await?;
    let unreadable = crate::db::unreadable::count();
    Ok(Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION"), "index_lag": lag, "unreadable_rows": unreadable })))
}
