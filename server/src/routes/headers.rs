//! Headers on every answer: a strict Content-Security-Policy, no MIME sniffing, no framing, a
//! referrer policy, HSTS when the server is reached over https, and `Cache-Control: no-store` on
//! everything that may hold personal data (the workspace's pages and exports, every API answer).
//!
//! The policy allows scripts from this site only, plus the two inline scripts of the tablet's
//! pages (the hydration loader and the service worker's registration), which carry a nonce made
//! for each answer ([`CspNonce`], read by the page renderer). WebAssembly needs
//! `'wasm-unsafe-eval'`; no inline style is allowed anywhere (the dashboard's bars are SVG).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::client_address::Network;

/// The nonce of this answer's inline scripts, in the request's extensions.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The Content-Security-Policy with `nonce`.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether answers to `path` may hold personal data, and must not be kept by any cache.
fn private(path: &str) -> bool {
    path.starts_with("/manage") || path.starts_with("/api/")
}

/// Sets the security headers; HSTS when the server is configured for https (`ZS_SECURE_COOKIES`, or
/// it serves TLS itself) or a trusted proxy says the client reached it over https.
pub async fn security_headers(https: bool, trusted: std::sync::Arc<Vec<Network>>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let https = https || peer.is_some_and(|peer| crate::client_address::forwarded_https(peer, request.headers(), &trusted));
    let nonce = crate::auth::token::generate();
    let private = private(request.uri().path());
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy(&nonce)) {
        headers.insert(CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    if private {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
