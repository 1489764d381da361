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
            {move || signed_in.get().map(|name| view! { <p class="signed-in">{fill(i18n.t(Key::LoginSignedIn), &[("name", &name)])}</p> })}
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

/// Where to go once logged in: the page that sent the user here (`?next=/manage/leads`), if it is
/// a path of this site, else the capture screen.
fn after_login() -> String {
    crate::page::query_param("next").and_then(|next| domain::review::local_path(&next)).unwrap_or_else(|| "/".to_owned())
}
