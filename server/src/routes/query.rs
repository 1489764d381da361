//! Query strings, read into types with each surface's error: `ApiQuery` answers the API's JSON
//! error (400), `PageQuery` the workspace's HTML page in the user's language (400), both naming
//! the parameter and the value that could not be read. (axum's own `Query` answers English plain
//! text and does not say which parameter.)

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The query string of an API request.
pub struct ApiQuery<T>(pub T);

/// The query string of a workspace page.
pub struct PageQuery<T>(pub T);

/// A query parameter that could not be read: its name, the value given, and what is wrong with
/// it (serde's words, English, for the API and the log only).
#[derive(Debug)]
pub struct BadParam {
    pub name: String,
    pub value: String,
    pub detail: String,
}

/// Reads `query` (without the `?`) into `T`, or names the parameter that does not fit.
pub fn read<T: DeserializeOwned>(query: &str) -> Result<T, BadParam> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let name = error.path().to_string();
        let value = form_urlencoded::parse(query.as_bytes()).find(|(key, _)| *key == name).map(|(_, v)| v.into_owned()).unwrap_or_default();
        BadParam { name, value, detail: error.into_inner().to_string() }
    })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        read(parts.uri.query().unwrap_or_default())
            .map(ApiQuery)
            .map_err(|bad| ApiError::BadRequest(format!("the query parameter `{}` cannot be read: {}", bad.name, bad.detail)))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        read(parts.uri.query().unwrap_or_default()).map(PageQuery).map_err(|bad| {
            let lang = app::i18n::lang_from_headers(&parts.headers);
            let html = app::manage::bare_message_page(
                lang,
                lang.text(app::i18n::Key::ManageTitle),
                &bad_query_message(lang, &bad.name, &bad.value),
            );
            (StatusCode::BAD_REQUEST, Html(html)).into_response()
        })
    }
}

/// What the workspace says of a link parameter it cannot read, in `lang`, naming it and its value
/// (cut short: a link can be long).
pub fn bad_query_message(lang: app::i18n::Lang, name: &str, value: &str) -> String {
    const SHOWN: usize = 60;
    let mut shown: String = value.chars().take(SHOWN).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    let param = format!("{name}={shown}");
    app::i18n::fill(lang.text(app::i18n::Key::ManageBadQuery), &[("param", &param)])
}
