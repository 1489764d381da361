//! Accounts in use: password hashing, session tokens, the extractor that turns a request into the
//! user making it, and the login rate limits.

pub mod extract;
pub mod password;
pub mod rate_limit;
pub mod token;

pub use extract::{AuthUser, SESSION_COOKIE};
