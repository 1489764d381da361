//! Logging in (`/login`): the session comes back as an HttpOnly cookie that the sync calls carry;
//! the tablet only remembers the officer's name, for display.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::{fill, tr, use_i18n, Key};
use crate::offline::settings;
use crate::offline::sync_client::{post_json, SyncError};
use crate::page::go_to;
use crate::sync_state::use_sync;

#[derive(Serialize)]
struct Credentials {
    username: String,
    password: String,
}

#[derive(Deserialize)]
struct LoggedIn {
    user: LoggedInUser,
}

#[derive(Deserialize)]
struct LoggedInUser {
    username: String,
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);
    let signed_in = RwSignal::new(None::<String>);
    Effect::new(move |_| signed_in.set(settings::officer()));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let credentials = Credentials { username: username.get_untracked().trim().to_owned(), password: password.get_untracked() };
        leptos::task::spawn_local(async move {
            match post_json::<_, LoggedIn>("/api/v1/login", &credentials).await {
                Ok(done) => {
                    settings::set_officer(&done.user.username);
                    sync.needs_login.set(false);
                    go_to(&after_login());
                }
                Err(SyncError::Unauthorized) => error.set(Some(Key::LoginWrong)),
                Err(SyncError::Server(429, _)) => error.set(Some(Key::LoginTooMany)),
                Err(_) => error.set(Some(Key::LoginUnreachable)),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="page login-page">
            <h1>{tr(Key::LoginTitle)}</h1>
            <p class="hint">{tr(Key::LoginHint)}</p>
            {move || signed_in.get().map(|name| view! {
                <div class="signed-in-row">
                    <p class="signed-in">{fill(i18n.t(Key::LoginSignedIn), &[("name", &name)])}</p>
                    <LogoutButton/>
                </div>
            })}
            <form class="login-form" on:submit=on_submit>
                <div class="field">
                    <label for="f-username">{tr(Key::LoginUsername)}</label>
                    <input id="f-username" name="username" type="text" autocomplete="username" autocapitalize="none"
                        prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="f-password">{tr(Key::LoginPassword)}</label>
                    <input id="f-password" name="password" type="password" autocomplete="current-password"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </div>
                {move || error.get().map(|key| view! { <p class="field-error" role="alert" data-testid="login-error">{tr(key)}</p> })}
                <div class="actions">
                    <button type="submit" class="primary" data-testid="login-submit" disabled=move || busy.get()>{tr(Key::LoginSubmit)}</button>
                </div>
            </form>
        </section>
    }
}

/// The answer to a logout.
#[derive(Deserialize)]
struct LoggedOut {}

/// "退出登录" on a shared tablet. With changes still waiting, it first says what becomes of them
/// (they stay, and the next person to log in here syncs them under their own account) and offers
/// to sync first. The server ends the session; where it cannot be reached the officer stays
/// logged in and is told so (the session cookie only the server can end would sync the next
/// officer's leads under this one's name).
#[component]
fn LogoutButton() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let toasts = crate::components::toast::use_toasts();
    let asking = RwSignal::new(false);
    let problem = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);
    let log_out = move || {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match post_json::<_, LoggedOut>("/api/v1/logout", &()).await {
                // 401: the session had ended already.
                Ok(_) | Err(SyncError::Unauthorized) => {
                    settings::forget_officer();
                    toasts.show_on_next_screen(i18n.lang.get_untracked().text(Key::LoginLoggedOut).to_owned());
                    go_to("/login");
                }
                Err(_) => problem.set(Some(Key::LoginLogoutUnreachable)),
            }
            busy.set(false);
        });
    };
    let on_tap = move |_| {
        if sync.pending.get_untracked().unwrap_or(0) > 0 && !asking.get_untracked() {
            asking.set(true);
        } else {
            log_out();
        }
    };
    view! {
        <button type="button" class="secondary" data-testid="logout" disabled=move || busy.get() on:click=on_tap>
            {tr(Key::LoginLogout)}
        </button>
        {move || asking.get().then(|| view! {
            <div class="logout-warning" role="alert" data-testid="logout-warning">
                <p>{fill(i18n.t(Key::LoginLogoutPending), &[("n", &sync.pending.get().unwrap_or(0).to_string())])}</p>
                <div class="logout-choices">
                    <button type="button" class="primary" data-testid="logout-sync-first" on:click=move |_| { asking.set(false); sync.request(); }>
                        {tr(Key::LoginSyncFirst)}
                    </button>
                    <button type="button" class="danger" data-testid="logout-anyway" disabled=move || busy.get() on:click=move |_| log_out()>
                        {tr(Key::LoginLogoutAnyway)}
                    </button>
                </div>
            </div>
        })}
        {move || problem.get().map(|key| view! { <p class="field-error" role="alert" data-testid="logout-error">{tr(key)}</p> })}
    }
}

/// Where to go once logged in: the page that sent the user here (`?next=/manage/leads`), if it is
/// a path of this site, else the capture screen.
fn after_login() -> String {
    crate::page::query_param("next").and_then(|next| domain::review::local_path(&next)).unwrap_or_else(|| "/".to_owned())
}
