//! `/manage/users`: administrators run the district's accounts in the workspace (the command line
//! stays for scripts): add a user, disable or enable one (which ends their sessions), set a new
//! password (which does too), and keep the list of departments the rankings use. Managers get
//! 403 here.

use app::i18n::{fill, Key};
use app::manage::users::{users_page, AccountView, NewUserForm, UsersPage};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::Manager;
use crate::auth::password;
use crate::db::sessions;
use crate::db::users::{self, Role};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/users", get(show).post(add))
        .route("/manage/users/{id}/disable", post(disable))
        .route("/manage/users/{id}/enable", post(enable))
        .route("/manage/users/{id}/password", post(set_password))
        .route("/manage/departments", post(add_department))
}

/// The 403 page for anyone but an administrator.
fn unless_admin(manager: &Manager) -> Option<Response> {
    (manager.user.role != Role::Admin)
        .then(|| manager.message(StatusCode::FORBIDDEN, Key::ManageUsersTitle, manager.frame.lang.text(Key::ManageUsersAdminsOnly)))
}

async fn page_of(
    state: &AppState,
    manager: &Manager,
    form: NewUserForm,
    errors: Vec<(&'static str, Key)>,
    notice: Option<(bool, String)>,
) -> Result<Response, ApiError> {
    // Last syncs as of now: this server's sightings not yet written are written first.
    state.fleet.flush(&state.db).await?;
    let mut conn = state.db.pool.acquire().await?;
    let accounts = users::accounts(&mut conn)
        .await?
        .into_iter()
        .map(|a| AccountView {
            id: a.user.id,
            display_name: a.user.label().to_owned(),
            is_self: a.user.id == manager.user.id,
            username: a.user.username,
            role: a.user.role.as_str().to_owned(),
            department: a.user.department,
            disabled: a.user.disabled,
            last_login_at: a.last_login_at,
            last_sync_at: a.last_sync_at,
            devices: a.devices.len(),
        })
        .collect();
    let departments = users::departments(&mut conn).await?;
    let refused = !errors.is_empty() || matches!(notice, Some((false, _)));
    let html = users_page(&manager.frame, UsersPage { accounts, departments, form, errors, notice });
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, manager.page(html)).into_response())
}

async fn show(State(state): State<AppState>, manager: Manager) -> Result<Response, ApiError> {
    if let Some(refused) = unless_admin(&manager) {
        return Ok(refused);
    }
    page_of(&state, &manager, NewUserForm { role: "officer".into(), ..NewUserForm::default() }, Vec::new(), None).await
}

async fn add(State(state): State<AppState>, manager: Manager, Form(form): Form<NewUserForm>) -> Result<Response, ApiError> {
    if let Some(refused) = unless_admin(&manager) {
        return Ok(refused);
    }
    let mut errors = Vec::new();
    let username = form.username.trim().to_owned();
    if !users::is_valid_name(&username) {
        errors.push(("username", Key::ManageUsersErrUsername));
    }
    let display_name = form.display_name.trim().to_owned();
    if !display_name.is_empty() && !users::is_valid_label(&display_name) {
        errors.push(("display_name", Key::ManageUsersErrDisplayName));
    }
    let mut conn = state.db.pool.acquire().await?;
    if !users::departments(&mut conn).await?.contains(&form.department) {
        errors.push(("department", Key::ManageUsersErrDepartment));
    }
    let role = Role::parse(&form.role).unwrap_or(Role::Officer);
    let hash = password::hash(&form.password).ok();
    if hash.is_none() {
        errors.push(("password", Key::ManageUsersErrPassword));
    }
    let kept = NewUserForm { password: String::new(), ..form.clone() };
    let Some(hash) = hash.filter(|_| errors.is_empty()) else {
        drop(conn);
        return page_of(&state, &manager, kept, errors, None).await;
    };
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let id = match users::insert(&mut tx, &username, &hash, role, &form.department).await {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            drop(conn);
            return page_of(&state, &manager, kept, vec![("username", Key::ManageUsersErrTaken)], None).await;
        }
        Err(e) => return Err(e.into()),
    };
    users::set_display_name(&mut tx, id, Some(&display_name).filter(|n| !n.is_empty()).map(|n| n.as_str())).await?;
    tx.commit().await?;
    drop(conn);
    tracing::info!(by = manager.user.id, user_id = id, role = role.as_str(), "user added in the workspace");
    let text = fill(manager.frame.lang.text(Key::ManageUsersAdded), &[("name", &username)]);
    page_of(&state, &manager, NewUserForm { role: "officer".into(), ..NewUserForm::default() }, Vec::new(), Some((true, text))).await
}

/// Disables or enables `id`; a disabled user's sessions end at once.
async fn toggle(state: &AppState, manager: &Manager, id: i64, disabled: bool) -> Result<Response, ApiError> {
    if let Some(refused) = unless_admin(manager) {
        return Ok(refused);
    }
    let lang = manager.frame.lang;
    if id == manager.user.id && disabled {
        return page_of(state, manager, NewUserForm::default(), Vec::new(), Some((false, lang.text(Key::ManageUsersNotSelf).to_owned())))
            .await;
    }
    let mut conn = state.db.pool.acquire().await?;
    let Some(user) = users::find(&mut conn, id).await? else {
        return Ok(manager.message(StatusCode::NOT_FOUND, Key::ManageUsersTitle, lang.text(Key::ManageUsersTitle)));
    };
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    users::set_disabled(&mut tx, id, disabled).await?;
    if disabled {
        sessions::delete_for_user(&mut tx, id).await?;
    }
    tx.commit().await?;
    drop(conn);
    let key = if disabled { Key::ManageUsersDisabledDone } else { Key::ManageUsersEnabled };
    let text = fill(lang.text(key), &[("name", &user.username)]);
    page_of(state, manager, NewUserForm { role: "officer".into(), ..NewUserForm::default() }, Vec::new(), Some((true, text))).await
}

async fn disable(State(state): State<AppState>, manager: Manager, Path(id): Path<i64>) -> Result<Response, ApiError> {
    toggle(&state, &manager, id, true).await
}

async fn enable(State(state): State<AppState>, manager: Manager, Path(id): Path<i64>) -> Result<Response, ApiError> {
    toggle(&state, &manager, id, false).await
}

#[derive(Deserialize)]
struct PasswordPost {
    #[serde(default)]
    password: String,
}

/// A new password for `id`: whoever knew the old one may hold a session, so all of theirs end.
async fn set_password(
    State(state): State<AppState>,
    manager: Manager,
    Path(id): Path<i64>,
    Form(form): Form<PasswordPost>,
) -> Result<Response, ApiError> {
    if let Some(refused) = unless_admin(&manager) {
        return Ok(refused);
    }
    let lang = manager.frame.lang;
    let Ok(hash) = password::hash(&form.password) else {
        return page_of(
            &state,
            &manager,
            NewUserForm::default(),
            Vec::new(),
            Some((false, lang.text(Key::ManageUsersErrPassword).to_owned())),
        )
        .await;
    };
    let mut conn = state.db.pool.acquire().await?;
    let Some(user) = users::find(&mut conn, id).await? else {
        return Ok(manager.message(StatusCode::NOT_FOUND, Key::ManageUsersTitle, lang.text(Key::ManageUsersTitle)));
    };
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    users::set_password(&mut tx, &user.username, &hash).await?;
    sessions::delete_for_user(&mut tx, id).await?;
    tx.commit().await?;
    drop(conn);
    let text = fill(lang.text(Key::ManageUsersPasswordDone), &[("name", &user.username)]);
    page_of(&state, &manager, NewUserForm { role: "officer".into(), ..NewUserForm::default() }, Vec::new(), Some((true, text))).await
}

#[derive(Deserialize)]
struct DepartmentPost {
    #[serde(default)]
    name: String,
}

async fn add_department(State(state): State<AppState>, manager: Manager, Form(form): Form<DepartmentPost>) -> Result<Response, ApiError> {
    if let Some(refused) = unless_admin(&manager) {
        return Ok(refused);
    }
    let lang = manager.frame.lang;
    let name = form.name.trim().to_owned();
    let fresh = NewUserForm { role: "officer".into(), ..NewUserForm::default() };
    if !users::is_valid_label(&name) {
        return page_of(&state, &manager, fresh, Vec::new(), Some((false, lang.text(Key::ManageUsersErrDisplayName).to_owned()))).await;
    }
    let added = {
        let mut conn = state.db.pool.acquire().await?;
        users::add_department(&mut conn, &name).await?
    };
    let notice = match added {
        true => (true, fill(lang.text(Key::ManageUsersDepartmentAdded), &[("name", &name)])),
        false => (false, lang.text(Key::ManageUsersDepartmentExists).to_owned()),
    };
    page_of(&state, &manager, fresh, Vec::new(), Some(notice)).await
}
