//! `ApiJson<T>`: axum's JSON extractor with its rejections turned into `ApiError`s, so a malformed
//! body, a wrong type, an unknown field or an oversize body gets a JSON error that says what is wrong.
//!
//! A large body (a tablet's batch of 500 leads is about 400 KB) is parsed on the blocking pool:
//! parsing it takes milliseconds, and on the async workers it would hold up every task queued
//! behind it, the sync writer's among them.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Bodies larger than this are parsed off the async workers.
const PARSE_OFF_WORKERS_BYTES: usize = 32 * 1024;

/// A JSON request body.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send + 'static> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_body(request, state).await?;
        parse_off_workers(bytes, |bytes| parse::<T>(bytes)).await.map(ApiJson)
    }
}

/// The bytes of a JSON request body: 415 unless it says it is JSON, 413 past the body limit.
pub async fn json_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    if !is_json(request.headers()) {
        return Err(ApiError::UnsupportedMediaType("send the body as JSON (Content-Type: application/json)".into()));
    }
    Bytes::from_request(request, state).await.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(format!("the body is larger than {} bytes", super::MAX_BODY_BYTES)),
        _ => ApiError::BadRequest(rejection.body_text()),
    })
}

/// Runs `parse` on `bytes`, on the blocking pool when the body is large.
pub async fn parse_off_workers<T: Send + 'static>(
    bytes: Bytes,
    parse: impl FnOnce(&[u8]) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    if bytes.len() > PARSE_OFF_WORKERS_BYTES {
        tokio::task::spawn_blocking(move || parse(&bytes)).await.map_err(|e| ApiError::Internal(e.into()))?
    } else {
        parse(&bytes)
    }
}

/// Parses the body. The plain parser first: axum's reports the path of a wrong value (`changes[3]
/// .lead.mobile`), which is worth a second pass for a body that fails, not a slower first one
/// (a 500-lead batch: ~2.1 ms plainly, ~3.5 ms with the path tracked).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .or_else(|_| Json::<T>::from_bytes(bytes).map(|Json(value)| value).map_err(|rejection| ApiError::BadRequest(describe(&rejection))))
}

/// `application/json` or a `+json` type, as axum's own extractor accepts.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn describe(rejection: &JsonRejection) -> String {
    match rejection {
        JsonRejection::JsonDataError(e) => format!(
            "the JSON does not fit the request: {}",
            e.body_text().trim_start_matches("Failed to deserialize the JSON body into the target type: ")
        ),
        JsonRejection::JsonSyntaxError(e) => {
            format!("the body is not valid JSON: {}", e.body_text().trim_start_matches("Failed to parse the request body as JSON: "))
        }
        other => other.body_text(),
    }
}
