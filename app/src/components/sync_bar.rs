//! The sync bar under the header: how many leads wait to be sent, when the tablet last synced, a
//! progress bar during a large sync, "sync now", what needs the officer (log in again, changes
//! the server refused), and a newer build to load once nothing is left to send.

use leptos::either::Either;
use leptos::prelude::*;

use crate::i18n::{fill, tr, use_i18n, Key};
use crate::offline::sync_client::SyncError;
use crate::sync_state::use_sync;

#[component]
pub fn SyncBar() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    // Until the store's count is read, the bar says so: it never claims "all synced" unread.
    // "All synced" only once something was: before the first sync, nothing is on the server.
    let status = move || match sync.pending.get() {
        None => i18n.t(Key::SyncCounting).to_owned(),
        Some(0) if sync.last_success.get().is_none() => i18n.t(Key::SyncNothingYet).to_owned(),
        Some(0) => i18n.t(Key::SyncAllSynced).to_owned(),
        Some(pending) => fill(i18n.t(Key::SyncPending), &[("n", &pending.to_string())]),
    };
    let last = move || match sync.last_success.get().and_then(|at| domain::time::rfc3339::parse(&at)) {
        Some(at) => fill(i18n.t(Key::SyncLast), &[("time", &domain::time::format_shanghai(at))]),
        None => i18n.t(Key::SyncNever).to_owned(),
    };
    let progress = move || {
        let p = sync.progress.get();
        (sync.running.get() && p.total > 0).then(|| {
            let percent = (p.sent * 100 / p.total).min(100);
            view! { <progress class="sync-progress" data-testid="sync-progress" max="100" value=percent.to_string()></progress> }
        })
    };
    // Whether someone has logged in on this tablet before: then a 401 means the session ended.
    let known_officer = RwSignal::new(false);
    Effect::new(move |_| known_officer.set(crate::offline::settings::officer().is_some()));
    let problem = move || {
        if sync.needs_login.get() {
            let key = if known_officer.get() { Key::SyncLoginNeeded } else { Key::SyncLoginFirst };
            return Some(Either::Left(view! {
                <a class="sync-login" href="/login" data-testid="sync-login">{tr(key)}</a>
            }));
        }
        let error = sync.last_error.get()?;
        // In the officer's words: the technical reason goes to the console, not on the bar.
        leptos::logging::warn!("sync: {error}");
        let reason = match error {
            SyncError::Unreachable(_) => i18n.t(Key::SyncUnreachable).to_owned(),
            SyncError::Store(_) => i18n.t(Key::SyncStoreFailed).to_owned(),
            SyncError::Server(status, _) => fill(i18n.t(Key::SyncServerFailed), &[("status", &status.to_string())]),
            SyncError::Unauthorized => i18n.t(Key::SyncLoginNeeded).to_owned(),
        };
        Some(Either::Right(view! { <span class="sync-error">{fill(i18n.t(Key::SyncError), &[("reason", &reason)])}</span> }))
    };
    let attention = move || {
        let n = sync.attention.with(Vec::len);
        (n > 0).then(|| view! {
            <a class="sync-attention" href="/leads" data-testid="sync-attention">{fill(i18n.t(Key::SyncAttention), &[("n", &n.to_string())])}</a>
        })
    };
    let update = move || {
        sync.update_ready.get().then(|| {
            view! {
                <button type="button" class="sync-update" data-testid="update-ready" on:click=move |_| {
                    leptos::task::spawn_local(crate::sync_state::load_new_build());
                }>
                    {tr(Key::SyncUpdateReady)}
                </button>
            }
        })
    };
    view! {
        <section class="sync-bar" aria-label=move || i18n.t(Key::SyncRegion) class:pending=move || { sync.pending.get() != Some(0) }>
            <span class="sync-status" data-testid="sync-pending" data-pending=move || sync.pending.get().map_or_else(|| "unknown".to_owned(), |n| n.to_string())>
                {status}
            </span>
            <span class="sync-last" data-testid="sync-last">{last}</span>
            {progress}
            {attention}
            {problem}
            {update}
            <button type="button" class="sync-now" data-testid="sync-now" disabled=move || sync.running.get() on:click=move |_| sync.request()>
                {move || if sync.running.get() { i18n.t(Key::SyncRunning) } else { i18n.t(Key::SyncNow) }}
            </button>
        </section>
    }
}
