//! Which screen a URL shows. The tablet's screens are separate documents (`/`, `/leads`,
//! `/edit?id=…`) that the service worker serves from its cache, so moving between them is a plain
//! page load that works offline; a client-side router would only add weight to the WebAssembly.

/// A screen of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Capture,
    Leads,
    Edit,
    Login,
    NotFound,
}

/// The paths of the screens the tablet opens offline; the service worker precaches each of them.
pub const OFFLINE_ROUTES: &[&str] = &["/", "/leads", "/edit", "/login"];

impl Page {
    /// The screen at `path` (without the query string).
    pub fn from_path(path: &str) -> Page {
        match path.trim_end_matches('/') {
            "" => Page::Capture,
            "/leads" => Page::Leads,
            "/edit" => Page::Edit,
            "/login" => Page::Login,
            _ => Page::NotFound,
        }
    }

    /// The screen of the current request (server) or document (browser).
    pub fn current() -> Page {
        Page::from_path(&current_path())
    }
}

#[cfg(feature = "ssr")]
fn current_path() -> String {
    leptos::prelude::use_context::<http::request::Parts>().map(|parts| parts.uri.path().to_owned()).unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn current_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default()
}

/// The value of `name` in the page's query string (browser only; `None` on the server, which
/// renders every lead-specific screen empty and lets the tablet fill it in).
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name)
}

/// Loads another screen.
pub fn go_to(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_screens() {
        assert_eq!(Page::from_path("/"), Page::Capture);
        assert_eq!(Page::from_path("/leads"), Page::Leads);
        assert_eq!(Page::from_path("/leads/"), Page::Leads);
        assert_eq!(Page::from_path("/edit"), Page::Edit);
        assert_eq!(Page::from_path("/admin"), Page::NotFound);
        for route in OFFLINE_ROUTES {
            assert_ne!(Page::from_path(route), Page::NotFound);
        }
    }
}
