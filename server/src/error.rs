//! Errors of the server's start-up. Request errors get their own typed enum, mapped to HTTP
//! responses, when the API grows one.

/// Why the server could not start or keep running.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("cannot listen on {address}: {source}")]
    Bind { address: String, source: std::io::Error },
    #[error("server failed: {0}")]
    Serve(#[source] std::io::Error),
}
