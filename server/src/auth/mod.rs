//! Accounts in use: password hashing, session tokens, the extractor that turns a request into the
//! user making it, and the limits on failed logins.

pub mod extract;
pub mod password;
pub mod throttle;
pub mod token;

pub use extract::{AuthUser, SESSION_COOKIE};
