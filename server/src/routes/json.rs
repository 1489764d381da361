//! `ApiJson<T>`: axum's JSON extractor with its rejections turned into `ApiError`s, so a malformed
//! body, a wrong type, an unknown field or an oversize body gets a JSON error that says what is wrong.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(format!("the body is larger than {} bytes", super::MAX_BODY_BYTES)),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType("send the body as JSON (Content-Type: application/json)".into()),
                _ => ApiError::BadRequest(describe(&rejection)),
            }),
        }
    }
}

fn describe(rejection: &JsonRejection) -> String {
    match rejection {
        JsonRejection::JsonDataError(e) => format!("the JSON does not fit the request: {}", e.body_text().trim_start_matches("Failed to deserialize the JSON body into the target type: ")),
        JsonRejection::JsonSyntaxError(e) => format!("the body is not valid JSON: {}", e.body_text().trim_start_matches("Failed to parse the request body as JSON: ")),
        other => other.body_text(),
    }
}
