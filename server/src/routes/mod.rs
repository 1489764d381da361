//! Every route of the server, assembled in one place. Each module exposes `router()`.

mod auth;
mod health;
mod json;
mod leads;
mod manage;
mod service_worker;
mod sync;

use axum::http::{HeaderName, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// Largest request body accepted (a full sync batch of 500 leads is about 0.4 MiB).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Response header naming the app build, read by the service worker before it caches a page.
pub const BUILD_HEADER: &str = "x-zhaoshang-build";

/// The whole application: API routes, the service worker, the rendered pages and static files.
pub fn router(state: AppState) -> Router {
    let build = HeaderValue::from_str(&state.build.id).expect("a hex build id is a valid header value");
    let render_page = leptos_axum::render_app_to_stream({
        let options = state.leptos.clone();
        move || app::shell(options.clone())
    });
    let pages = app::OFFLINE_ROUTES.iter().fold(Router::new(), |router, path| router.route(path, get(render_page.clone())));
    let api = Router::new()
        .merge(auth::router())
        .merge(sync::router())
        .merge(leads::router())
        .route("/api/{*rest}", axum::routing::any(|| async { crate::error::ApiError::NotFound("no such API endpoint") }));
    Router::new()
        .merge(health::router())
        .merge(service_worker::router())
        .merge(api)
        .merge(manage::router())
        .merge(pages)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::overriding(HeaderName::from_static(BUILD_HEADER), build))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
