//! Cross-site request forgery: a page elsewhere must not act for the signed-in manager. SameSite
//! cookies are not enough: a page on another port of the same host, or on a sibling subdomain, is
//! "same site" to a browser. So every state-changing request (any method but GET, HEAD, OPTIONS):
//!
//! - is refused when its `Origin` is another origin than the one it was sent to (`Host`), or,
//!   without `Origin`, when `Sec-Fetch-Site` says it comes from another site; a request on the
//!   session cookie that carries neither is refused too (every browser sends one of them);
//! - on the session cookie to the workspace (`/manage/…`), must carry the session's form token
//!   (`_csrf`, a hidden field of every workspace form: `auth::token::form_token`).
//!
//! Requests with a bearer token are not forgeable by a page (a browser never adds the header
//! itself), but their `Origin` is checked all the same when they carry one.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::extract::cookie_token;
use crate::error::ApiError;

/// The largest workspace form read for its token (the targets form is the largest, ~1 KB).
const MAX_FORM_BYTES: usize = 64 * 1024;

/// `host[:port]` with the port the scheme implies when none is written.
fn authority(host: &str, default_port: u16) -> String {
    let host = host.trim().to_ascii_lowercase();
    let has_port = host.rsplit_once(':').is_some_and(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()) && !host.ends_with(']'));
    if has_port {
        host
    } else {
        format!("{host}:{default_port}")
    }
}

/// Whether the request's `Origin` (or, without one, `Sec-Fetch-Site`) says it comes from this
/// site; `None` when it says nothing.
/// `uri_authority` is the request URI's: an HTTP/2 request names its host there (`:authority`), not
/// in a `Host` header.
fn from_this_site(headers: &HeaderMap, uri_authority: Option<&str>) -> Option<bool> {
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).or(uri_authority);
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        let Some((scheme, rest)) = origin.split_once("://") else { return Some(false) };
        let default_port = match scheme {
            "http" => 80,
            "https" => 443,
            _ => return Some(false),
        };
        return Some(host.is_some_and(|host| authority(rest, default_port) == authority(host, default_port)));
    }
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())?;
    Some(matches!(site, "same-origin" | "none"))
}

fn refused(path: &str, headers: &HeaderMap) -> Response {
    if path.starts_with("/api/") {
        return ApiError::CrossSite.into_response();
    }
    let lang = app::i18n::lang_from_headers(headers);
    let html = app::manage::bare_message_page(lang, lang.text(app::i18n::Key::ManageTitle), lang.text(app::i18n::Key::ManageCrossSite));
    (StatusCode::FORBIDDEN, Html(html)).into_response()
}

/// The middleware.
pub async fn guard(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    let headers = request.headers();
    let on_cookie = !headers.contains_key(AUTHORIZATION) && cookie_token(headers).is_some();
    match from_this_site(headers, request.uri().authority().map(|a| a.as_str())) {
        Some(false) => return refused(&path, headers),
        None if on_cookie => return refused(&path, headers),
        _ => {}
    }
    if !(on_cookie && path.starts_with("/manage")) {
        return next.run(request).await;
    }
    let session = cookie_token(request.headers()).unwrap_or_default();
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else { return refused(&path, &parts.headers) };
    let sent = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(name, _)| name == "_csrf").map(|(_, value)| value));
    let expected = crate::auth::token::form_token(&session);
    // Compared in time independent of where they differ.
    let matches = sent
        .is_some_and(|sent| sent.len() == expected.len() && sent.bytes().zip(expected.bytes()).fold(0, |acc, (a, b)| acc | (a ^ b)) == 0);
    if !matches {
        return refused(&path, &parts.headers);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_origin_must_be_the_host_the_request_was_sent_to() {
        let host = ("host", "district.example:3000");
        assert_eq!(from_this_site(&headers(&[host, ("origin", "http://district.example:3000")]), None), Some(true));
        assert_eq!(from_this_site(&headers(&[host, ("origin", "http://district.example:3001")]), None), Some(false), "another port");
        assert_eq!(from_this_site(&headers(&[host, ("origin", "http://evil.district.example:3000")]), None), Some(false), "a sibling");
        assert_eq!(from_this_site(&headers(&[host, ("origin", "null")]), None), Some(false));
        assert_eq!(from_this_site(&headers(&[("host", "district.example"), ("origin", "https://district.example")]), None), Some(true));
        assert_eq!(from_this_site(&headers(&[("host", "district.example:443"), ("origin", "https://District.example")]), None), Some(true));
        assert_eq!(from_this_site(&headers(&[host, ("sec-fetch-site", "same-site")]), None), Some(false));
        assert_eq!(from_this_site(&headers(&[host, ("sec-fetch-site", "same-origin")]), None), Some(true));
        assert_eq!(from_this_site(&headers(&[host]), None), None);
        // HTTP/2: the host is the request's authority.
        let origin = headers(&[("origin", "https://district.example:8443")]);
        assert_eq!(from_this_site(&origin, Some("district.example:8443")), Some(true));
        assert_eq!(from_this_site(&origin, Some("evil.example:8443")), Some(false));
    }
}
