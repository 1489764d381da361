//! Query strings, read into types with each surface's error: `ApiQuery` answers the API's JSON
//! error (400), `PageQuery` the workspace's HTML page in the user's language (400), both naming
//! what could not be read. (axum's own `Query` answers English plain text.)

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The query string of an API request.
pub struct ApiQuery<T>(pub T);

/// The query string of a workspace page.
pub struct PageQuery<T>(pub T);

/// What is wrong with the query, in a few words (`unknown variant `zzz`…`, `invalid digit…`).
fn describe(rejection: &axum::extract::rejection::QueryRejection) -> String {
    rejection.body_text().trim_start_matches("Failed to deserialize query string: ").to_owned()
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::BadRequest(format!("the query string cannot be read: {}", describe(&rejection)))),
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(PageQuery(value)),
            Err(rejection) => Err(bad_query_page(&parts.headers, &describe(&rejection))),
        }
    }
}

/// The workspace's page for a link whose query it cannot read: 400, naming what is wrong.
pub fn bad_query_page(headers: &axum::http::HeaderMap, detail: &str) -> Response {
    let lang = app::i18n::lang_from_headers(headers);
    let message = app::i18n::fill(lang.text(app::i18n::Key::ManageBadQuery), &[("detail", detail)]);
    let html = app::manage::bare_message_page(lang, lang.text(app::i18n::Key::ManageTitle), &message);
    (StatusCode::BAD_REQUEST, Html(html)).into_response()
}
