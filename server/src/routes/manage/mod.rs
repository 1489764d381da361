//! The manager workspace's routes (`/manage/…`): server-rendered pages and exports for managers
//! and administrators. Every handler takes [`Manager`], so no page forgets the role check: an
//! anonymous visitor is sent to the login page, an officer gets 403.

mod dashboard;
mod devices;
mod duplicates;
mod events;
mod export;
mod followup;
mod leads;
mod privacy;
mod reassign;
mod targets;
mod users;

use app::i18n::{Key, Lang, LANG_COOKIE};
use app::manage::{message_page, Frame};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::auth::extract::request_token;
use crate::auth::AuthUser;
use crate::db::sessions;
use crate::db::users::{Role, User};
use crate::error::ApiError;
use crate::routes::query::PageQuery;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage", get(|| async { Redirect::to("/manage/leads") }))
        .route("/manage/logout", post(logout))
        .route("/lang/{tag}", get(switch_lang))
        .merge(leads::router())
        .merge(reassign::router())
        .merge(privacy::router())
        .merge(users::router())
        .merge(events::router())
        .merge(devices::router())
        .merge(dashboard::router())
        .merge(duplicates::router())
        .merge(followup::router())
        .merge(targets::router())
        .merge(export::router())
        .layer(axum::middleware::from_fn(errors_as_pages))
}

/// The workspace's error shape is its HTML page: an `ApiError` a handler returned (a database
/// failure) or an extractor's rejection (a form body that does not fit) becomes the page, in the
/// user's language, with its status.
async fn errors_as_pages(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = app::i18n::lang_from_headers(request.headers());
    let response = next.run(request).await;
    let status = response.status();
    // JSON from an `ApiError`, plain text from an extractor's rejection (a form that does not fit).
    let not_a_page = response.headers().get(axum::http::header::CONTENT_TYPE).is_none_or(|v| !v.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) || !not_a_page {
        return response;
    }
    let key = match status {
        StatusCode::FORBIDDEN => Key::ManageForbidden,
        StatusCode::NOT_FOUND => Key::ManageLeadNotFound,
        s if s.is_server_error() => Key::ManageServerError,
        _ => Key::ManageBadRequest,
    };
    let html = app::manage::bare_message_page(lang, lang.text(Key::ManageTitle), lang.text(key));
    (status, Html(html)).into_response()
}

/// The signed-in manager or administrator of a workspace request, and the page frame.
pub struct Manager {
    pub user: User,
    pub frame: Frame,
}

impl Manager {
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// A page in the workspace's frame.
    pub fn page(&self, html: String) -> Response {
        Html(html).into_response()
    }

    /// The page for a link whose parameter `name` has a value it cannot use (400), naming both.
    pub fn bad_query(&self, name: &str, value: &str) -> Response {
        let message = crate::routes::query::bad_query_message(self.frame.lang, name, value);
        self.message(StatusCode::BAD_REQUEST, Key::ManageTitle, &message)
    }

    /// A page saying something went wrong, with its status.
    pub fn message(&self, status: StatusCode, title: Key, message: &str) -> Response {
        (status, Html(message_page(&self.frame, self.frame.lang.text(title), message))).into_response()
    }
}

impl FromRequestParts<AppState> for Manager {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = app::i18n::lang_from_headers(&parts.headers);
        let here = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/manage/leads".into());
        let user = match AuthUser::from_request_parts(parts, state).await {
            Ok(AuthUser(user)) => user,
            Err(ApiError::Unauthorized(_)) => {
                let to = format!("/login?next={}", domain::review::percent_encode(&here));
                return Err(Redirect::to(&to).into_response());
            }
            Err(other) => return Err(other.into_response()),
        };
        let mut frame = Frame {
            lang,
            css_href: format!("/{}/{}.css", state.leptos.site_pkg_dir, state.leptos.output_name),
            user_name: user.username.clone(),
            department: user.department.clone(),
            here,
            csrf: request_token(&parts.headers).map(|token| crate::auth::token::form_token(&token)).unwrap_or_default(),
            unreadable: Vec::new(),
            admin: user.role == Role::Admin,
        };
        if user.role == Role::Officer {
            let html = message_page(&frame, lang.text(Key::ManageTitle), lang.text(Key::ManageForbidden));
            return Err((StatusCode::FORBIDDEN, Html(html)).into_response());
        }
        // The workspace reads the derived tables: a manager sees every change committed so far.
        crate::indexer::bring_up_to_date(&state.db).await.map_err(|e| ApiError::from(e).into_response())?;
        if user.role == Role::Admin {
            frame.unreadable = crate::db::unreadable::list(20).into_iter().map(|u| (u.table.to_owned(), u.id)).collect();
        }
        Ok(Manager { user, frame })
    }
}

/// Ends the session: only with the session (and its form token, `super::csrf`).
async fn logout(State(state): State<AppState>, _manager: Manager, headers: axum::http::HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = request_token(&headers) {
        let mut conn = state.db.pool.acquire().await?;
        sessions::delete(&mut conn, &crate::auth::token::hash(&token)).await?;
    }
    let cookie = crate::auth::session_cookie("", 0, state.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

#[derive(Deserialize)]
struct Back {
    #[serde(default)]
    back: String,
}

/// Switches the language of the pages rendered on the server (the tablet switches its own) and
/// goes back to the page, which must be one of this site's.
async fn switch_lang(Path(tag): Path<String>, PageQuery(query): PageQuery<Back>) -> Response {
    let lang = Lang::from_tag(&tag);
    let back = domain::review::local_path(&query.back).unwrap_or_else(|| "/manage/leads".to_owned());
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=34560000; SameSite=Lax", lang.tag());
    let cookie = HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("zs_lang=zh-CN; Path=/"));
    ([(SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

/// The officers leads can be handed between, for the handover forms.
pub async fn officer_choices(conn: &mut sqlx::AnyConnection) -> Result<Vec<app::manage::reassign::OfficerChoice>, sqlx::Error> {
    Ok(crate::db::users::officers_with_leads(conn)
        .await?
        .into_iter()
        .map(|(user, leads)| app::manage::reassign::OfficerChoice {
            label: match user.display_name.as_deref().filter(|n| !n.trim().is_empty()) {
                Some(name) => format!("{name}（{}，{}）", user.username, user.department),
                None => format!("{}（{}）", user.username, user.department),
            },
            active: !user.disabled,
            username: user.username,
            leads: leads as usize,
        })
        .collect())
}
