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
pub mod local_leads;
pub mod offline;
pub mod pages;
pub mod perf;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::StaticSegment;

use components::header::AppHeader;
use components::toast::{provide_toasts, ToastHost};
use i18n::{provide_i18n, request_lang, Key};
use local_leads::LocalLeads;
use pages::{capture::CapturePage, edit::EditPage, leads::LeadsPage};

/// The routes the tablet opens offline; the service worker precaches each of them.
pub const OFFLINE_ROUTES: &[&str] = &["/", "/leads", "/edit"];

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                // Registered from the site root so its scope covers every route.
                <script>"if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js'); }"</script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: header, routes, toasts.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = provide_i18n(request_lang());
    provide_toasts();
    let leads = LocalLeads::provide();
    // Apply the language chosen on this tablet, once hydrated (see `i18n`).
    Effect::new(move |_| {
        if let Some(chosen) = offline::settings::lang() {
            i18n.lang.set(chosen);
            offline::settings::set_lang(chosen);
        }
    });

    view! {
        <Html {..} lang=move || i18n.lang.get().tag()/>
        <Title text=move || i18n.t(Key::AppName)/>
        <Stylesheet id="leptos" href="/pkg/zhaoshang.css"/>
        <Link rel="manifest" href="/manifest.webmanifest"/>
        <Link rel="icon" href="/icons/icon-192.png"/>
        <Link rel="apple-touch-icon" href="/icons/icon-192.png"/>
        <Meta name="theme-color" content="#b3261e"/>
        <Router>
            <AppHeader/>
            <main data-ready=move || leads.is_ready().to_string()>
                <Routes fallback=|| view! { <p class="not-found">"404"</p> }>
                    <Route path=StaticSegment("") view=CapturePage/>
                    <Route path=StaticSegment("leads") view=LeadsPage/>
                    <Route path=StaticSegment("edit") view=EditPage/>
                </Routes>
            </main>
            <ToastHost/>
        </Router>
    }
}
