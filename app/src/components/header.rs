//! The bar at the top of every screen: the product, the two places an officer goes (capture and
//! the tablet's leads), whether the tablet is online, and the language toggle.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{use_i18n, Key};
use crate::local_leads::use_local_leads;

#[component]
pub fn AppHeader() -> impl IntoView {
    let i18n = use_i18n();
    let leads = use_local_leads();
    let online = RwSignal::new(true);
    Effect::new(move |_| {
        online.set(window().navigator().on_line());
    });
    let _ = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let _ = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    let count = move || leads.leads.with(Vec::len);
    let toggle = move |_| {
        let next = i18n.lang.get_untracked().other();
        i18n.lang.set(next);
        crate::offline::settings::set_lang(next);
    };
    view! {
        <header class="app-header">
            <div class="brand">
                <span class="brand-name">{move || i18n.t(Key::AppName)}</span>
                <span class="brand-tagline">{move || i18n.t(Key::AppTagline)}</span>
            </div>
            <nav class="tabs">
                <A href="/" exact=true attr:class="tab" attr:data-testid="nav-capture">{move || i18n.t(Key::NavCapture)}</A>
                <A href="/leads" attr:class="tab" attr:data-testid="nav-leads">
                    {move || i18n.t(Key::NavLeads)}
                    <span class="badge" data-testid="lead-count">{count}</span>
                </A>
            </nav>
            <span class="net" class:offline=move || !online.get() data-testid="net-status">
                {move || if online.get() { i18n.t(Key::StatusOnline) } else { i18n.t(Key::StatusOffline) }}
            </span>
            <button type="button" class="lang-toggle" data-testid="lang-toggle"
                aria-label=move || i18n.t(Key::LangSwitchLabel) on:click=toggle>
                {move || i18n.t(Key::LangSwitch)}
            </button>
        </header>
    }
}
