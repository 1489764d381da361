//! Configuration, read from the environment: the `LEPTOS_*` variables cargo-leptos sets
//! (`LEPTOS_SITE_ADDR` is the address to listen on), `DATABASE_URL` (a `sqlite://` file, the
//! default `./data/zhaoshang.db`, or a `postgres://` server), `ZS_SECURE_COOKIES=1` behind https,
//! and the follow-up deadlines: `ZS_FIRST_RESPONSE_DAYS` (1), `ZS_ASSESSMENT_DAYS` (3) and
//! `ZS_ASSESSMENT_FROM_WAN` (10000, i.e. 1 亿元); `ZS_TRUSTED_PROXIES` (reverse proxies whose
//! `X-Forwarded-For` is believed) and `ZS_SESSION_MAX_DAYS` (90).

use leptos::config::{get_configuration, LeptosOptions};

use crate::error::StartupError;

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// Leptos' options: where the built site lives and the address to listen on.
    pub leptos: LeptosOptions,
    pub database_url: String,
    pub secure_cookies: bool,
    pub follow_up: domain::followup::FollowUpRules,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`ZS_TRUSTED_PROXIES`, none by default).
    pub trusted_proxies: Vec<crate::client_address::Network>,
    /// A session ends this many days after login however often it is used (`ZS_SESSION_MAX_DAYS`, 90).
    pub session_max_days: i64,
    /// Timeouts and the cap on connections (`serve::Limits`; `ZS_MAX_CONNECTIONS`, 1024).
    pub limits: crate::serve::Limits,
}

/// A whole number from the environment, or `default` when unset; an unreadable one is an error.
fn number(name: &str, default: i64) -> Result<i64, StartupError> {
    match std::env::var(name) {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| StartupError::Config(format!("{name} must be a whole number, 0 or more: {text}"))),
        _ => Ok(default),
    }
}

impl Config {
    /// Reads the configuration from `LEPTOS_*` environment variables, with the defaults of a
    /// cargo-leptos build (`target/site`, `127.0.0.1:3000`).
    pub fn from_env() -> Result<Self, StartupError> {
        let built_by_cargo_leptos = option_env!("LEPTOS_OUTPUT_NAME").is_some() || std::env::var_os("LEPTOS_OUTPUT_NAME").is_some();
        let leptos = if built_by_cargo_leptos {
            get_configuration(None).map_err(|e| StartupError::Config(e.to_string()))?.leptos_options
        } else {
            // Built without cargo-leptos (plain `cargo test`): the same defaults, without Leptos'
            // warning about the missing output name on every start.
            let address = std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
            LeptosOptions::builder()
                .output_name("zhaoshang")
                .site_root(std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()))
                .site_pkg_dir("pkg")
                .site_addr(
                    address
                        .parse::<std::net::SocketAddr>()
                        .map_err(|e| StartupError::Config(format!("LEPTOS_SITE_ADDR {address}: {e}")))?,
                )
                .build()
        };
        let database_url =
            std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| crate::db::DEFAULT_URL.to_owned());
        let secure_cookies = std::env::var("ZS_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true");
        let defaults = domain::followup::FollowUpRules::default();
        let follow_up = domain::followup::FollowUpRules {
            first_response_days: number("ZS_FIRST_RESPONSE_DAYS", defaults.first_response_days)?,
            assessment_days: number("ZS_ASSESSMENT_DAYS", defaults.assessment_days)?,
            assessment_from: domain::Wan(number("ZS_ASSESSMENT_FROM_WAN", defaults.assessment_from.0)?),
        };
        let trusted_proxies = crate::client_address::parse_list(&std::env::var("ZS_TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|bad| StartupError::Config(format!("ZS_TRUSTED_PROXIES: not an address or network: {bad}")))?;
        let session_max_days = number("ZS_SESSION_MAX_DAYS", 90)?.max(1);
        let defaults = crate::serve::Limits::default();
        let connections =
            usize::try_from(number("ZS_MAX_CONNECTIONS", defaults.connections as i64)?.max(1)).unwrap_or(defaults.connections);
        let limits = crate::serve::Limits { connections, ..defaults };
        Ok(Config { leptos, database_url, secure_cookies, follow_up, trusted_proxies, session_max_days, limits })
    }

    /// The same configuration listening on `address` (`127.0.0.1:0` picks a free port).
    pub fn with_address(mut self, address: std::net::SocketAddr) -> Self {
        self.leptos.site_addr = address;
        self
    }

    /// The same configuration on another database.
    pub fn with_database_url(mut self, url: &str) -> Self {
        self.database_url = url.to_owned();
        self
    }

    /// The same configuration trusting `X-Forwarded-For` from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: Vec<crate::client_address::Network>) -> Self {
        self.trusted_proxies = proxies;
        self
    }

    /// The same configuration serving the built site from `site_root`.
    pub fn with_site_root(mut self, site_root: &str) -> Self {
        self.leptos.site_root = site_root.into();
        self
    }
}
