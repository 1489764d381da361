//! `GET /sw.js`: the service worker, filled in for the build being served (its cache name and
//! the list of files to precache), from the template `sw.js` beside this file.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::state::AppState;

const TEMPLATE: &str = include_str!("sw.js");

pub fn router() -> Router<AppState> {
    Router::new().route("/sw.js", get(service_worker))
}

async fn service_worker(State(state): State<AppState>) -> impl IntoResponse {
    let body = render(&state.build.id, &state.build.precache, &state.build.lazy, app::OFFLINE_ROUTES);
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], body)
}

fn render(build_id: &str, precache: &[String], lazy: &[Vec<String>], routes: &[&str]) -> String {
    let list = |items: Vec<&str>| serde_json::to_string(&items).unwrap_or_else(|_| "[]".into());
    let groups = serde_json::to_string(lazy).unwrap_or_else(|_| "[]".into());
    TEMPLATE
        .replace("__BUILD_ID__", build_id)
        .replace("__BUILD_HEADER__", super::BUILD_HEADER)
        .replace("__PRECACHE__", &list(precache.iter().map(String::as_str).collect()))
        .replace("__LAZY__", &groups)
        .replace("__SHELL_ROUTES__", &list(routes.to_vec()))
}
