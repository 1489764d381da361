//! Targets: everyone in the workspace reads them; administrators add, change and delete them.

use app::i18n::Key;
use app::manage::targets::{targets_page, TargetForm, TargetsView};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::report::{IndustryScope, Metric, Period, Target};
use domain::Supervision;

use super::Manager;
use crate::db::targets;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/manage/targets", get(show).post(save)).route("/manage/targets/{id}/delete", post(delete))
}

async fn render(state: &AppState, manager: &Manager, form: TargetForm, error: Option<Key>, saved: bool) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let list = targets::list(&mut conn).await?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let view = TargetsView { targets: list, can_edit: manager.is_admin(), form, error, saved };
    Ok((status, manager.page(targets_page(&manager.frame, view))).into_response())
}

async fn show(State(state): State<AppState>, manager: Manager, uri: axum::http::Uri) -> Result<Response, ApiError> {
    let saved = uri.query().is_some_and(|q| q.contains("saved"));
    render(&state, &manager, TargetForm::default(), None, saved).await
}

fn forbidden(manager: &Manager) -> Response {
    let lang = manager.frame.lang;
    manager.message(StatusCode::FORBIDDEN, Key::ManageNavTargets, lang.text(Key::ManageTargetsAdminOnly))
}

/// Reads the form (its `scope` may repeat, which a plain struct form cannot hold).
fn read_form(body: &str) -> TargetForm {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap_or_default();
    let mut form = TargetForm::default();
    for (name, value) in pairs {
        match name.as_str() {
            "period" => form.period = value,
            "metric" => form.metric = value,
            "scope" => form.scope.push(value),
            "supervision" => form.supervision = value,
            "value" => form.value = value,
            _ => {}
        }
    }
    form
}

/// The target a form describes, or the message key of what is wrong.
fn parse(form: &TargetForm) -> Result<Target, Key> {
    let period = Period::parse(form.period.trim()).ok_or(Key::ManageTargetsBadPeriod)?;
    let metric = Metric::from_code(form.metric.trim()).ok_or(Key::ManageTargetsBadChoice)?;
    let scope = IndustryScope::parse(&form.scope.join(",")).ok_or(Key::ManageTargetsBadChoice)?;
    let supervision = match form.supervision.trim() {
        "" => None,
        code => Some(Supervision::from_code(code).ok_or(Key::ManageTargetsBadChoice)?),
    };
    let digits: String = form.value.chars().filter(|c| *c != ',' && !c.is_whitespace()).collect();
    // Bounded so that every figure computed from a target (progress, sums) fits: 10^12 is more
    // than any district's yearly target in 万元, US dollars or counts.
    let value = digits.parse::<i64>().ok().filter(|v| (0..=1_000_000_000_000).contains(v)).ok_or(Key::ManageTargetsBadValue)?;
    Ok(Target { period, metric, scope, supervision, value })
}

async fn save(State(state): State<AppState>, manager: Manager, body: String) -> Result<Response, ApiError> {
    if !manager.is_admin() {
        return Ok(forbidden(&manager));
    }
    let form = read_form(&body);
    match parse(&form) {
        Ok(target) => {
            let mut conn = state.db.pool.acquire().await?;
            targets::upsert(&mut conn, &target).await?;
            Ok(Redirect::to("/manage/targets?saved=1").into_response())
        }
        Err(key) => render(&state, &manager, form, Some(key), false).await,
    }
}

async fn delete(State(state): State<AppState>, manager: Manager, Path(id): Path<i64>) -> Result<Response, ApiError> {
    if !manager.is_admin() {
        return Ok(forbidden(&manager));
    }
    let mut conn = state.db.pool.acquire().await?;
    targets::delete(&mut conn, id).await?;
    Ok(Redirect::to("/manage/targets").into_response())
}
