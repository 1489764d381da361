//! `POST /api/v1/login`, `POST /api/v1/logout`, `GET /api/v1/me`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::json::ApiJson;
use crate::auth::extract::request_token;
use crate::auth::{password, token, AuthUser};
use crate::client_address::client_address;
use crate::db::users::User;
use crate::db::{sessions, users};

use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/login", post(login)).route("/api/v1/logout", post(logout)).route("/api/v1/me", get(me))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct LoginResponse {
    token: String,
    user: User,
}

const WRONG: &str = "wrong user name or password";
const COOKIE_MAX_AGE_SECONDS: i64 = 400 * 86_400;

#[tracing::instrument(skip_all, fields(username = %request.username))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    if request.username.len() > 100 || request.password.len() > 1000 {
        return Err(ApiError::BadRequest("user name or password too long".into()));
    }
    let address = client_address(peer.ip(), &headers, &state.trusted_proxies).to_string();
    let mut conn = state.db.pool.acquire().await?;
    if let Err(retry) = state.throttle.check(&mut conn, &request.username, &address).await? {
        state.metrics.login_failed();
        return Err(ApiError::TooManyRequests(retry));
    }

    let found = users::find_with_hash(&mut conn, &request.username).await?;
    let (user, stored_hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, password::decoy_hash().to_owned()),
    };
    let matches = tokio::task::spawn_blocking(move || password::verify(&request.password, &stored_hash))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let user = match user {
        Some(user) if matches && !user.disabled => user,
        _ => {
            state.throttle.failed(&mut conn, &request.username, &address).await?;
            state.metrics.login_failed();
            tracing::warn!(%address, "login failed");
            return Err(ApiError::Unauthorized(WRONG));
        }
    };
    state.throttle.succeeded(&mut conn, &request.username, &address).await?;
    let token = token::generate();
    sessions::insert(&mut conn, &token::hash(&token), user.id).await?;
    users::record_login(&mut conn, user.id).await?;
    tracing::info!(user_id = user.id, "logged in");
    // The server decides when a session ends (30 days after its last use); the cookie only carries
    // it, so it lives as long as browsers allow (400 days) and never ends a session early.
    // Secure when served over https: configured so, or a trusted proxy says the client came so.
    let https = state.secure_cookies || crate::client_address::forwarded_https(peer.ip(), &headers, &state.trusted_proxies);
    let cookie = crate::auth::session_cookie(&token, COOKIE_MAX_AGE_SECONDS, https);
    Ok(([(SET_COOKIE, cookie)], Json(LoginResponse { token, user })).into_response())
}

async fn logout(State(state): State<AppState>, _user: AuthUser, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = request_token(&headers) {
        let mut conn = state.db.pool.acquire().await?;
        sessions::delete(&mut conn, &token::hash(&token)).await?;
    }
    Ok(([(SET_COOKIE, crate::auth::session_cookie("", 0, state.secure_cookies))], Json(serde_json::json!({ "status": "logged_out" })))
        .into_response())
}

async fn me(AuthUser(user): AuthUser) -> Json<User> {
    Json(user)
}
