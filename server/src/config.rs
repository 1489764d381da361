//! Configuration, read from the environment (the `LEPTOS_*` variables cargo-leptos sets, plus
//! `LEPTOS_SITE_ADDR` for the address to listen on).

use leptos::config::{get_configuration, LeptosOptions};

use crate::error::StartupError;

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// Leptos' options: where the built site lives and the address to listen on.
    pub leptos: LeptosOptions,
}

impl Config {
    /// Reads the configuration from `LEPTOS_*` environment variables, with the defaults of a
    /// cargo-leptos build (`target/site`, `127.0.0.1:3000`).
    pub fn from_env() -> Result<Self, StartupError> {
        let mut leptos = get_configuration(None).map_err(|e| StartupError::Config(e.to_string()))?.leptos_options;
        if leptos.output_name.is_empty() {
            // Built without cargo-leptos (plain `cargo test`): use the site's name.
            leptos.output_name = "zhaoshang".into();
        }
        Ok(Config { leptos })
    }

    /// The same configuration listening on `address` (`127.0.0.1:0` picks a free port).
    pub fn with_address(mut self, address: std::net::SocketAddr) -> Self {
        self.leptos.site_addr = address;
        self
    }

    /// The same configuration serving the built site from `site_root`.
    pub fn with_site_root(mut self, site_root: &str) -> Self {
        self.leptos.site_root = site_root.into();
        self
    }
}
