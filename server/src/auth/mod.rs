//! Accounts in use: password hashing, session tokens, the extractor that turns a request into the
//! user making it, and the limits on failed logins.

pub mod extract;
pub mod password;
pub mod throttle;
pub mod token;

pub use extract::{AuthUser, SESSION_COOKIE};

use axum::http::HeaderValue;

/// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no cross-site request
/// carries it), Secure when served over https.
pub fn session_cookie(token: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!("{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("zs_session=; Path=/; Max-Age=0"))
}
