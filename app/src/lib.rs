//! Zhaoshang Field's user interface: the HTML shell, the routes and their pages, compiled twice:
//! into the server (feature `ssr`, rendering) and into the WebAssembly the tablet runs (feature
//! `hydrate`).
//!
//! The tablet's data never comes from the server while rendering: pages render empty and fill in
//! from the tablet's store after hydration, so a page served from the service worker's cache
//! hydrates exactly like one fresh from the server.

#![recursion_limit = "512"]

pub mod components;
pub mod i18n;
pub mod lazy_script;
pub mod lead_columns;
pub mod local_leads;
#[cfg(feature = "ssr")]
pub mod manage;
pub mod offline;
pub mod page;
pub mod pages;
pub mod perf;
pub mod sync_state;

use leptos::either::EitherOf5;
use leptos::prelude::*;

use components::header::AppHeader;
use components::toast::{provide_toasts, ToastHost};
use i18n::{provide_i18n, request_lang, tr, Key};
use local_leads::LocalLeads;
use page::Page;
use pages::{capture::CapturePage, edit::EditPage, leads::LeadsPage, login::LoginPage};

pub use page::OFFLINE_ROUTES;

/// The build id of the app being served, given to the renderer by the server: the page carries it
/// (`<meta name="zs-build">`), so a tablet running a cached page knows which build it runs.
#[derive(Clone, Debug)]
pub struct BuildId(pub String);

const BUILD_META: &str = "zs-build";

/// The build of the page this tablet runs ("" when it does not say).
pub fn running_build() -> String {
    #[cfg(feature = "hydrate")]
    {
        let meta = document().query_selector(&format!("meta[name=\"{BUILD_META}\"]")).ok().flatten();
        meta.and_then(|m| m.get_attribute("content")).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    let build = use_context::<BuildId>().map(|b| b.0).unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#b3261e"/>
                <meta name=BUILD_META content=build/>
                <title>{lang.text(Key::AppName)}</title>
                <link rel="stylesheet" href=css/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/icons/icon-192.png"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                // Registered from the site root so its scope covers every route.
                <script nonce=leptos::nonce::use_nonce()>"if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js'); }"</script>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: header, the screen of the current URL, toasts.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n(request_lang());
    provide_toasts();
    let leads = LocalLeads::provide();
    sync_state::SyncState::provide(leads);
    // Apply the language chosen on this tablet, once hydrated (see `i18n`), and keep the
    // document's language and title in step with it.
    Effect::new(move |_| {
        if let Some(chosen) = offline::settings::lang() {
            i18n.lang.set(chosen);
            offline::settings::set_lang(chosen);
        }
    });
    Effect::new(move |_| {
        let lang = i18n.lang.get();
        let document = document();
        if let Some(html) = document.document_element() {
            let _ = html.set_attribute("lang", lang.tag());
        }
        document.set_title(lang.text(Key::AppName));
    });
    let page = Page::current();
    // A browser installs the offline shell only on a secure origin (https://, or localhost): on
    // any other the app works while online and is gone offline. Said on every screen.
    let insecure = RwSignal::new(false);
    Effect::new(move |_| insecure.set(!window().is_secure_context()));

    view! {
        <AppHeader page/>
        <components::sync_bar::SyncBar/>
        <main data-ready=move || leads.is_ready().to_string()>
            {move || insecure.get().then(|| view! {
                <p class="store-failed" role="alert" data-testid="insecure-origin">{tr(Key::InsecureOrigin)}</p>
            })}
            // Without a store nothing can be saved: say so on every screen, not only on a save.
            {move || matches!(leads.status.get(), local_leads::StoreStatus::Failed(_)).then(|| view! {
                <p class="store-failed" role="alert" data-testid="store-failed">{tr(Key::ToastStorageUnavailable)}</p>
            })}
            {move || leads.space_is_low().then(|| view! {
                <p class="store-failed" role="alert" data-testid="space-low">
                    {move || {
                        // Without persistent storage the browser may evict all of it when the disk fills.
                        let key = if leads.persistent.get() == Some(true) { Key::StorageSpaceLow } else { Key::StorageSpaceLowEvictable };
                        crate::i18n::fill(i18n.lang.get().text(key), &[("free", &free_text(leads))])
                    }}
                </p>
            })}
            {move || (leads.recovered.get() > 0).then(|| view! {
                <p class="store-recovered" role="status" data-testid="recovered">
                    {move || crate::i18n::fill(i18n.lang.get().text(Key::StorageRecovered), &[("n", &leads.recovered.get().to_string())])}
                </p>
            })}
            {match page {
                Page::Capture => EitherOf5::A(view! { <CapturePage/> }),
                Page::Leads => EitherOf5::B(view! { <LeadsPage/> }),
                Page::Edit => EitherOf5::C(view! { <EditPage/> }),
                Page::Login => EitherOf5::D(view! { <LoginPage/> }),
                Page::NotFound => EitherOf5::E(view! { <p class="not-found">{tr(Key::PageNotFound)}</p> }),
            }}
        </main>
        <ToastHost/>
    }
}

/// The disk's free space as last measured, for the low-space warning.
fn free_text(leads: local_leads::LocalLeads) -> String {
    leads.free_space.get().map(|m| offline::storage_info::format_bytes(m.free as f64)).unwrap_or_default()
}
