//! `AuthUser`: the user making a request, from `Authorization: Bearer TOKEN` (API clients) or the
//! session cookie (the browser). Every protected handler takes it, so no route forgets the check.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::db::users::{Role, User};
use crate::db::{sessions, users};
use crate::error::ApiError;
use crate::state::AppState;

/// Name of the HttpOnly session cookie.
pub const SESSION_COOKIE: &str = "zs_session";

/// The authenticated, enabled user of a request.
#[derive(Clone, Debug)]
pub struct AuthUser(pub User);

impl AuthUser {
    /// Refuses (403) unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.0.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// The session token a request carries, if any: its bearer token, else its session cookie.
pub fn request_token(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        // The scheme is case-insensitive (RFC 9110): `bearer`, `BEARER` and `Bearer` alike.
        let (scheme, token) = value.trim().split_once(' ')?;
        return (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim().to_owned());
    }
    cookie_token(headers)
}

/// The session cookie's token, if the request carries one.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = request_token(&parts.headers).ok_or(ApiError::Unauthorized("log in first: no session token"))?;
        let mut conn = state.db.pool.acquire().await?;
        let user_id = sessions::touch(&mut conn, &super::token::hash(&token), state.session_max_age)
            .await?
            .ok_or(ApiError::Unauthorized("the session has expired or ended: log in again"))?;
        match users::find(&mut conn, user_id).await? {
            Some(user) if !user.disabled => Ok(AuthUser(user)),
            _ => Err(ApiError::Unauthorized("the account is disabled")),
        }
    }
}
