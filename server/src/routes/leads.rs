//! `GET /api/v1/leads` (an officer's own leads; every lead for managers and admins) and
//! `GET /api/v1/leads/{id}/history` (the audit trail, managers and admins).

use axum::extract::{Path, State};

use super::query::ApiQuery;
use axum::http::{HeaderName, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::sync::ServerLead;
use serde::Deserialize;

use crate::auth::AuthUser;
use crate::db::history::{self, HistoryEntry};
use crate::db::leads;
use crate::db::users::Role;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/leads", get(list)).route("/api/v1/leads/{id}/history", get(lead_history))
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    after: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

fn default_limit() -> i64 {
    500
}

/// The response header with the `after` of the next page: the sequence number of the last lead
/// listed (the request's `after` when none was).
pub const NEXT_AFTER: &str = "x-next-after";

async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let owner = match user.role {
        Role::Officer => Some(user.id),
        Role::Manager | Role::Admin => None,
    };
    let after = query.after.max(0);
    let mut conn = state.db.pool.acquire().await?;
    let rows = leads::changed_since(&mut conn, owner, after, &[], query.limit.clamp(1, 5000)).await?;
    let next = rows.last().map_or(after, |l| l.seq);
    let leads: Vec<ServerLead> = rows.into_iter().map(|l| ServerLead { version: l.version as u64, lead: l.lead }).collect();
    Ok(([(HeaderName::from_static(NEXT_AFTER), HeaderValue::from(next))], Json(leads)))
}

async fn lead_history(State(state): State<AppState>, user: AuthUser, Path(id): Path<String>) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    user.require(&[Role::Manager, Role::Admin])?;
    let mut conn = state.db.pool.acquire().await?;
    if leads::find(&mut conn, &id).await?.is_none() {
        return Err(ApiError::NotFound("no lead with this id"));
    }
    Ok(Json(history::for_lead(&mut conn, &id).await?))
}
