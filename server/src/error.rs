//! Errors, one enum per layer. `StartupError` stops the server before it serves; `ApiError` is
//! what a request can fail with, mapped to an HTTP status and a JSON body
//! `{"error": code, "message": text}`. Internal errors are logged and never shown.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Why the server could not start or keep running.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
    #[error("cannot listen on {address}: {source}")]
    Bind { address: String, source: std::io::Error },
    #[error("server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed or breaks a rule; the message says what.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no valid session (missing, unknown, expired or revoked token, or wrong password).
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: the user's role does not allow this.
    #[error("your role does not allow this")]
    Forbidden,
    /// 403: a state-changing request that came from another site, or a workspace form without
    /// its session's token.
    #[error("refused: the request came from another site, or its form is out of date (reload the page)")]
    CrossSite,
    /// 404
    #[error("{0}")]
    NotFound(&'static str),
    /// 410: what the request is about is gone for good (a contact's erased personal data); do not
    /// send it again.
    #[error("{0}")]
    Gone(&'static str),
    /// 405
    #[error("{0} is not allowed here")]
    MethodNotAllowed(String),
    /// 413: the body is larger than the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 429: too many attempts; retry after this many seconds.
    #[error("too many attempts, retry in {0} s")]
    TooManyRequests(u64),
    /// 503: the request took longer than the server allows (`serve::Limits::request`).
    #[error("the server took too long to answer; try again")]
    Timeout,
    /// 500: logged with its cause, shown as a plain "internal error".
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(anyhow::Error::new(error).context("database"))
    }
}

impl From<crate::writer::WriteError> for ApiError {
    fn from(error: crate::writer::WriteError) -> Self {
        ApiError::Internal(anyhow::Error::new(error).context("applying a sync batch"))
    }
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::CrossSite => (StatusCode::FORBIDDEN, "cross_site"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Gone(_) => (StatusCode::GONE, "gone"),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            ApiError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::Timeout => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = ?cause, "request failed");
        }
        let mut response = (status, Json(json!({ "error": code, "message": self.to_string() }))).into_response();
        if let ApiError::TooManyRequests(seconds) = self {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}
