//! Configuration, read from the environment: the `LEPTOS_*` variables cargo-leptos sets
//! (`LEPTOS_SITE_ADDR` is the address to listen on), `DATABASE_URL` (a `sqlite://` file, the
//! default `./data/zhaoshang.db`, or a `postgres://` server), HTTPS served by the server itself
//! (`ZS_TLS_CERT`, `ZS_TLS_KEY`, and `ZS_HTTP_REDIRECT` for a plain-HTTP port that redirects to
//! it) or `ZS_SECURE_COOKIES=1` behind a proxy that serves it, and the follow-up deadlines: `ZS_FIRST_RESPONSE_DAYS` (1), `ZS_ASSESSMENT_DAYS` (3) and
//! `ZS_ASSESSMENT_FROM_WAN` (10000, i.e. 1 亿元); `ZS_TRUSTED_PROXIES` (reverse proxies whose
//! `X-Forwarded-For` is believed) and `ZS_SESSION_MAX_DAYS` (90); scheduled backups of a SQLite
//! database into `ZS_BACKUP_DIR`, every `ZS_BACKUP_EVERY` (`1d`; `30m`, `6h`…), the newest
//! `ZS_BACKUP_KEEP` (14) kept.

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
    /// Serve HTTPS with this certificate and key (`ZS_TLS_CERT`, `ZS_TLS_KEY`: both or neither).
    pub tls: Option<crate::tls::TlsFiles>,
    /// With TLS: also listen here for plain HTTP and redirect it to HTTPS (`ZS_HTTP_REDIRECT`,
    /// an address such as `0.0.0.0:80`).
    pub http_redirect: Option<std::net::SocketAddr>,
    /// `/metrics` answers a request with this bearer token (`ZS_METRICS_TOKEN`)…
    pub metrics_token: Option<String>,
    /// …or from these addresses (`ZS_METRICS_FROM`); with neither it does not exist.
    pub metrics_from: Vec<crate::client_address::Network>,
    /// Backups the server takes itself (`ZS_BACKUP_DIR`, `ZS_BACKUP_EVERY`, `ZS_BACKUP_KEEP`).
    pub backups: Option<crate::backup::Schedule>,
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
        let path = |name: &str| std::env::var(name).ok().filter(|p| !p.trim().is_empty()).map(std::path::PathBuf::from);
        let tls = match (path("ZS_TLS_CERT"), path("ZS_TLS_KEY")) {
            (Some(cert), Some(key)) => Some(crate::tls::TlsFiles { cert, key }),
            (None, None) => None,
            _ => return Err(StartupError::Config("ZS_TLS_CERT and ZS_TLS_KEY go together: set both or neither".into())),
        };
        let http_redirect = match std::env::var("ZS_HTTP_REDIRECT").ok().filter(|a| !a.trim().is_empty()) {
            None => None,
            Some(_) if tls.is_none() => return Err(StartupError::Config("ZS_HTTP_REDIRECT needs ZS_TLS_CERT and ZS_TLS_KEY".into())),
            Some(address) => Some(address.trim().parse().map_err(|e| StartupError::Config(format!("ZS_HTTP_REDIRECT {address}: {e}")))?),
        };
        // Served over TLS, the session cookie is marked Secure.
        let secure_cookies = secure_cookies || tls.is_some();
        let metrics_token = std::env::var("ZS_METRICS_TOKEN").ok().filter(|t| !t.trim().is_empty());
        let metrics_from = crate::client_address::parse_list(&std::env::var("ZS_METRICS_FROM").unwrap_or_default())
            .map_err(|bad| StartupError::Config(format!("ZS_METRICS_FROM: not an address or network: {bad}")))?;
        let backups = match std::env::var("ZS_BACKUP_DIR").ok().filter(|d| !d.trim().is_empty()) {
            None => None,
            Some(_) if database_url.starts_with("postgres") => {
                return Err(StartupError::Config(
                    "ZS_BACKUP_DIR: the server's scheduled backups are SQLite's; back PostgreSQL up with pg_dump (docs/deploy.md)".into(),
                ))
            }
            Some(dir) => {
                let every = std::env::var("ZS_BACKUP_EVERY").unwrap_or_else(|_| "1d".into());
                let every = crate::backup::parse_period(&every)
                    .ok_or_else(|| StartupError::Config(format!("ZS_BACKUP_EVERY: a period such as 30m, 6h or 1d: {every}")))?;
                let keep = usize::try_from(number("ZS_BACKUP_KEEP", 14)?.max(1)).unwrap_or(14);
                Some(crate::backup::Schedule { dir: dir.trim().into(), every, keep })
            }
        };
        Ok(Config {
            backups,
            leptos,
            database_url,
            secure_cookies,
            follow_up,
            trusted_proxies,
            session_max_days,
            limits,
            tls,
            http_redirect,
            metrics_token,
            metrics_from,
        })
    }

    /// The same configuration taking scheduled backups.
    pub fn with_backups(mut self, schedule: crate::backup::Schedule) -> Self {
        self.backups = Some(schedule);
        self
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

    /// The same configuration serving HTTPS with `files` (and its cookies Secure).
    pub fn with_tls(mut self, files: crate::tls::TlsFiles) -> Self {
        self.tls = Some(files);
        self.secure_cookies = true;
        self
    }

    /// The same configuration answering `/metrics` to this token.
    pub fn with_metrics_token(mut self, token: &str) -> Self {
        self.metrics_token = Some(token.to_owned());
        self
    }

    /// The same configuration redirecting plain HTTP on `address` to HTTPS.
    pub fn with_http_redirect(mut self, address: std::net::SocketAddr) -> Self {
        self.http_redirect = Some(address);
        self
    }

    /// The same configuration serving the built site from `site_root`.
    pub fn with_site_root(mut self, site_root: &str) -> Self {
        self.leptos.site_root = site_root.into();
        self
    }
}
