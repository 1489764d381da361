//! `GET /metrics`: the process's counters and gauges in Prometheus' text format
//! (`crate::metrics`), for a monitoring system only: a request must carry the configured token
//! (`ZS_METRICS_TOKEN`, as `Authorization: Bearer …`) or come from a configured address
//! (`ZS_METRICS_FROM`, addresses or networks; `crate::metrics::MetricsAccess`). Without either
//! setting the endpoint does not exist.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header::CONTENT_TYPE, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::client_address::client_address;
use crate::db::workspace_index;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let access = &state.metrics_access;
    if !access.is_open() {
        return Err(ApiError::NotFound("no such API endpoint"));
    }
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| crate::auth::token::hash(token.trim()));
    let by_token = access.token_hash.is_some() && bearer == access.token_hash;
    let client = client_address(peer.ip(), &headers, &state.trusted_proxies);
    let by_address = access.from.iter().any(|n| n.contains(client));
    if !(by_token || by_address) {
        return Err(ApiError::Forbidden);
    }
    let mut conn = state.db.pool.acquire().await?;
    let lag = workspace_index::lag(&mut conn).await?;
    drop(conn);
    let gauges = [
        ("zs_index_lag", "Committed changes the manager workspace has not indexed yet.", lag as f64),
        ("zs_unreadable_rows", "Stored rows this process could not read.", crate::db::unreadable::count() as f64),
        ("zs_db_pool_connections", "Open database connections of this process.", f64::from(state.db.pool.size())),
        ("zs_db_pool_idle", "Idle database connections of this process.", state.db.pool.num_idle() as f64),
    ];
    Ok(([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render(&gauges)).into_response())
}
