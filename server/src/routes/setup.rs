//! `/setup?token=…`: the first-run page. A server with no administrator prints a one-time link
//! on start (`startup::first_run_token`); opening it shows the form that creates the first
//! administrator, after which every setup token ends and the link answers 403.

use app::i18n::{lang_from_headers, Key, Lang};
use app::manage::setup::{setup_page, SetupPage};
use app::manage::users::NewUserForm;
use app::manage::{bare_message_page, Frame};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use crate::auth::{password, token};
use crate::db::users::{self, Role};
use crate::error::ApiError;
use crate::routes::query::PageQuery;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/setup", get(show).post(create))
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
struct SetupPost {
    #[serde(default)]
    token: String,
    #[serde(flatten)]
    form: NewUserForm,
}

fn frame(state: &AppState, lang: Lang) -> Frame {
    Frame {
        lang,
        css_href: format!("/{}/{}.css", state.leptos.site_pkg_dir, state.leptos.output_name),
        user_name: String::new(),
        department: String::new(),
        here: "/setup".into(),
        csrf: String::new(),
        unreadable: Vec::new(),
        admin: false,
    }
}

/// Whether `token` opens the setup: no administrator yet, and the token is one the server made.
async fn valid(state: &AppState, token_text: &str) -> Result<bool, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(!token_text.is_empty()
        && !users::any_admin(&mut conn).await?
        && users::setup_token_exists(&mut conn, &token::hash(token_text)).await?)
}

fn invalid(lang: Lang) -> Response {
    (StatusCode::FORBIDDEN, Html(bare_message_page(lang, lang.text(Key::SetupTitle), lang.text(Key::SetupInvalid)))).into_response()
}

async fn show(State(state): State<AppState>, headers: HeaderMap, PageQuery(query): PageQuery<TokenQuery>) -> Result<Response, ApiError> {
    let lang = lang_from_headers(&headers);
    if !valid(&state, &query.token).await? {
        return Ok(invalid(lang));
    }
    Ok(Html(setup_page(&frame(&state, lang), SetupPage { token: query.token, ..SetupPage::default() })).into_response())
}

async fn create(State(state): State<AppState>, headers: HeaderMap, Form(post): Form<SetupPost>) -> Result<Response, ApiError> {
    let lang = lang_from_headers(&headers);
    if !valid(&state, &post.token).await? {
        return Ok(invalid(lang));
    }
    let form = post.form;
    let username = form.username.trim().to_owned();
    let (display_name, department) = (form.display_name.trim().to_owned(), form.department.trim().to_owned());
    let mut errors = Vec::new();
    if !users::is_valid_name(&username) {
        errors.push(("username", Key::ManageUsersErrUsername));
    }
    if !display_name.is_empty() && !users::is_valid_label(&display_name) {
        errors.push(("display_name", Key::ManageUsersErrDisplayName));
    }
    if !users::is_valid_label(&department) {
        errors.push(("department", Key::ManageUsersErrDepartment));
    }
    let hash = password::hash(&form.password).ok();
    if hash.is_none() {
        errors.push(("password", Key::ManageUsersErrPassword));
    }
    let Some(hash) = hash.filter(|_| errors.is_empty()) else {
        let page = SetupPage { token: post.token, form: NewUserForm { password: String::new(), ..form }, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(setup_page(&frame(&state, lang), page))).into_response());
    };
    let mut conn = state.db.pool.acquire().await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let id = users::insert(&mut tx, &username, &hash, Role::Admin, &department).await?;
    users::set_display_name(&mut tx, id, Some(display_name.as_str()).filter(|n| !n.is_empty())).await?;
    users::clear_setup_tokens(&mut tx).await?;
    tx.commit().await?;
    tracing::info!(user_id = id, "first administrator created through the setup link");
    Ok(Redirect::to("/login?next=/manage/users").into_response())
}
