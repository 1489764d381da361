//! `/manage/reassign`: handing all of one officer's leads to another (an officer who leaves). The
//! first post shows how many leads would move and asks for confirmation; the confirmed post moves
//! them in one transaction (`web_edit::reassign`).

use app::i18n::{fill, Key};
use app::manage::reassign::{reassign_page, Confirm, ReassignPage};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::{officer_choices, Manager};
use crate::db::users;
use crate::error::ApiError;
use crate::state::AppState;
use crate::web_edit::{reassign, EditError, Handed};

pub fn router() -> Router<AppState> {
    Router::new().route("/manage/reassign", get(show).post(post))
}

async fn show(State(state): State<AppState>, manager: Manager) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let page = ReassignPage { officers: officer_choices(&mut conn).await?, ..ReassignPage::default() };
    Ok(manager.page(reassign_page(&manager.frame, page)))
}

#[derive(Deserialize)]
struct BulkPost {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    confirm: Option<String>,
}

async fn post(State(state): State<AppState>, manager: Manager, Form(form): Form<BulkPost>) -> Result<Response, ApiError> {
    let lang = manager.frame.lang;
    let mut conn = state.db.pool.acquire().await?;
    let officers = officer_choices(&mut conn).await?;
    let choice = |name: &str| officers.iter().find(|o| o.username == name).cloned();
    let mut page = ReassignPage { officers: officers.clone(), from: form.from.clone(), to: form.to.clone(), ..ReassignPage::default() };
    let refuse = |mut page: ReassignPage, key: Key| {
        page.notice = Some((false, lang.text(key).to_owned()));
        (StatusCode::UNPROCESSABLE_ENTITY, manager.page(reassign_page(&manager.frame, page))).into_response()
    };
    let (Some(from), Some(to)) = (choice(&form.from), choice(&form.to).filter(|o| o.active)) else {
        return Ok(refuse(page, Key::ManageReassignRefused));
    };
    if from.username == to.username {
        return Ok(refuse(page, Key::ManageReassignSame));
    }
    if form.confirm.is_none() {
        page.confirm = Some(Confirm { from, to });
        return Ok(manager.page(reassign_page(&manager.frame, page)));
    }
    let (Some(from_user), Some(to_user)) =
        (users::find_by_name(&mut conn, &from.username).await?, users::find_by_name(&mut conn, &to.username).await?)
    else {
        return Ok(refuse(page, Key::ManageReassignRefused));
    };
    drop(conn);
    match reassign(&state.db, &manager.user, Handed::AllOf(from_user.id), &to_user).await {
        Ok(done) => {
            let mut conn = state.db.pool.acquire().await?;
            let text = fill(lang.text(Key::ManageReassignBulkDone), &[("count", &done.moved.to_string()), ("to", &to.label)]);
            let page = ReassignPage { officers: officer_choices(&mut conn).await?, notice: Some((true, text)), ..ReassignPage::default() };
            Ok(manager.page(reassign_page(&manager.frame, page)))
        }
        Err(EditError::Refused(_)) | Err(EditError::NotFound) => Ok(refuse(page, Key::ManageReassignRefused)),
        Err(EditError::Db(e)) => Err(e.into()),
    }
}
