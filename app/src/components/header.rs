//! The bar at the top of every screen: the product, the two places an officer goes (capture and
//! the tablet's leads), whether the tablet reaches the server, and the language toggle.

use leptos::prelude::*;

use crate::i18n::{tr, use_i18n, Key};
use crate::local_leads::use_local_leads;
use crate::page::Page;

#[component]
pub fn AppHeader(page: Page) -> impl IntoView {
    let i18n = use_i18n();
    let leads = use_local_leads();
    let online = RwSignal::new(true);
    Effect::new(move |_| {
        online.set(window().navigator().on_line());
    });
    let _ = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let _ = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    // "Online" only while the server answers: a network without the server (a fair's Wi-Fi with no
    // way out, the server down) is no better than none for syncing.
    let sync = crate::sync_state::use_sync();
    let unreachable = move || sync.last_error.with(|e| matches!(e, Some(crate::offline::sync_client::SyncError::Unreachable(_))));
    let count = move || leads.leads.with(Vec::len);
    let officer = RwSignal::new(None::<String>);
    Effect::new(move |_| officer.set(crate::offline::settings::officer()));
    let toggle = move |_| {
        let next = i18n.lang.get_untracked().other();
        i18n.lang.set(next);
        crate::offline::settings::set_lang(next);
    };
    let current = |here: bool| if here { "page" } else { "false" };
    view! {
        <header class="app-header">
            <div class="brand">
                <span class="brand-name">{tr(Key::AppName)}</span>
                <span class="brand-tagline">{tr(Key::AppTagline)}</span>
            </div>
            <nav class="tabs">
                <a href="/" class="tab" data-testid="nav-capture" aria-current=current(page == Page::Capture)>{tr(Key::NavCapture)}</a>
                <a href="/leads" class="tab" data-testid="nav-leads" aria-current=current(page == Page::Leads)>
                    {tr(Key::NavLeads)}
                    <span class="badge" data-testid="lead-count">{count}</span>
                </a>
            </nav>
            <a href="/login" class="officer" data-testid="officer">{move || officer.get().unwrap_or_else(|| i18n.t(Key::NavLogin).to_owned())}</a>
            <span class="net" class:offline=move || !online.get() || unreachable() data-testid="net-status">
                {move || if !online.get() {
                    i18n.t(Key::StatusOffline)
                } else if unreachable() {
                    i18n.t(Key::StatusUnreachable)
                } else {
                    i18n.t(Key::StatusOnline)
                }}
            </span>
            // Named by what it shows ("English" / "中文", in that language), as a screen reader
            // must read it; the title says what a tap does.
            <button type="button" class="lang-toggle" data-testid="lang-toggle"
                lang=move || i18n.lang.get().other().tag() title=move || i18n.t(Key::LangSwitchLabel) on:click=toggle>
                {tr(Key::LangSwitch)}
            </button>
        </header>
    }
}
