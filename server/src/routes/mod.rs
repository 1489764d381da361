//! Every route of the server, assembled in one place. Each module exposes `router()`.

mod auth;
mod csrf;
mod headers;
mod health;
mod json;
mod leads;
mod manage;
mod metrics;
mod photos;
pub(crate) mod query;
mod service_worker;
mod setup;
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

/// A known path asked with a method it does not take: the API's JSON error, or a page saying so.
async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri, headers: axum::http::HeaderMap) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::MethodNotAllowed(method.to_string()).into_response();
    }
    let lang = app::i18n::lang_from_headers(&headers);
    let html =
        app::manage::bare_message_page(lang, lang.text(app::i18n::Key::ManageTitle), lang.text(app::i18n::Key::ManageMethodNotAllowed));
    (axum::http::StatusCode::METHOD_NOT_ALLOWED, axum::response::Html(html)).into_response()
}

/// Provides the answer's CSP nonce to the page being rendered, in place of Leptos' own.
fn provide_csp_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<axum::http::request::Parts>().and_then(|parts| parts.extensions.get::<headers::CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// The whole application: API routes, the service worker, the rendered pages and static files.
pub fn router(state: AppState) -> Router {
    let build = HeaderValue::from_str(&state.build.id).expect("a hex build id is a valid header value");
    // The page's inline scripts carry this answer's nonce (`headers`), which the renderer is given,
    // and the page names its build (`app::BuildId`).
    let contexts = {
        let id = state.build.id.clone();
        move || {
            provide_csp_nonce();
            leptos::prelude::provide_context(app::BuildId(id.clone()));
        }
    };
    let render_page = leptos_axum::render_app_to_stream_with_context(contexts.clone(), {
        let options = state.leptos.clone();
        move || app::shell(options.clone())
    });
    let pages = app::OFFLINE_ROUTES.iter().fold(Router::new(), |router, path| router.route(path, get(render_page.clone())));
    let api = Router::new()
        .merge(auth::router())
        .merge(sync::router(&state))
        .merge(leads::router())
        .merge(photos::router())
        .route("/api/{*rest}", axum::routing::any(|| async { crate::error::ApiError::NotFound("no such API endpoint") }));
    Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .merge(service_worker::router())
        .merge(api)
        .merge(manage::router())
        .merge(setup::router())
        .merge(pages)
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(contexts, app::shell))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(csrf::guard))
        .layer(axum::middleware::from_fn({
            let (https, trusted) = (state.secure_cookies, state.trusted_proxies.clone());
            move |request, next| headers::security_headers(https, trusted.clone(), request, next)
        }))
        .layer(SetResponseHeaderLayer::overriding(HeaderName::from_static(BUILD_HEADER), build))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
