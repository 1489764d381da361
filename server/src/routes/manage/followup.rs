//! The overdue list and a lead's follow-up form (owner, first contact).

use app::i18n::Key;
use app::manage::followup::{overdue_page, OverdueItem, OverdueList};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::followup::{Deadline, FollowUpRules, FollowUpState};
use domain::{PipelineStage, Wan};
use serde::Deserialize;

use super::Manager;
use crate::db::followup::{self, FollowUp, OverdueRow};
use crate::error::ApiError;
use crate::routes::query::PageQuery;
use crate::state::AppState;

const PAGE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/manage/overdue", get(list)).route("/manage/leads/{id}/followup", post(save))
}

/// The deadlines a lead has missed now, with whole days late.
pub fn missed(rules: &FollowUpRules, state: &FollowUpState) -> Vec<(Deadline, i64)> {
    let now = domain::time::now();
    rules.overdue(state, now).into_iter().map(|(deadline, due)| (deadline, (now - due).num_days())).collect()
}

fn item(rules: &FollowUpRules, row: OverdueRow) -> OverdueItem {
    let state = FollowUpState {
        captured_at: domain::time::rfc3339::parse(&row.captured_at).unwrap_or_else(domain::time::now),
        stage: PipelineStage::Lead,
        intended: row.intended_wan.map(Wan),
        responded_at: row.responded_at.as_deref().and_then(domain::time::rfc3339::parse),
    };
    OverdueItem {
        missed: missed(rules, &state),
        lead_id: row.lead_id,
        company_name: row.company_name,
        captured_at: row.captured_at,
        intended_wan: row.intended_wan,
        officer: row.officer,
        department: row.department,
        assignee: row.assignee,
    }
}

#[derive(Deserialize, Default)]
struct PageNumber {
    #[serde(default)]
    page: i64,
}

async fn list(State(state): State<AppState>, manager: Manager, PageQuery(query): PageQuery<PageNumber>) -> Result<Response, ApiError> {
    let rules = state.follow_up;
    let page = query.page.max(0);
    let mut conn = state.db.pool.acquire().await?;
    let (rows, total) = followup::overdue(&mut conn, &rules, domain::time::now(), PAGE, page * PAGE).await?;
    let items = rows.into_iter().map(|row| item(&rules, row)).collect();
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    Ok(manager.page(overdue_page(&manager.frame, OverdueList { rules, items, total, page, pages })))
}

#[derive(Deserialize)]
struct FollowUpForm {
    #[serde(default)]
    assignee: String,
    /// A checkbox: present when ticked.
    responded: Option<String>,
}

async fn save(
    State(state): State<AppState>,
    manager: Manager,
    Path(id): Path<String>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    if crate::db::leads::find(&mut conn, &id).await?.is_none() {
        return Ok(manager.message(
            axum::http::StatusCode::NOT_FOUND,
            Key::ManageNavLeads,
            manager.frame.lang.text(Key::ManageLeadNotFound),
        ));
    }
    let assignee = Some(form.assignee.trim().to_owned()).filter(|a| !a.is_empty());
    if let Some(name) = &assignee {
        if !followup::assignable(&mut conn).await?.contains(name) {
            drop(conn);
            return super::leads::render_with_followup_error(&state, &manager, &id, Key::ManageFollowupUnknownAssignee).await;
        }
    }
    let before = followup::find(&mut conn, &id).await?;
    let responded_at = before.responded_at.clone().or_else(|| form.responded.is_some().then(crate::db::now_text));
    let after = FollowUp { assignee, responded_at };
    let mut tx = state.db.pool.begin().await?;
    followup::save(&mut tx, &id, &after).await?;
    let mut entries = Vec::new();
    let at = crate::db::now_text();
    for (attr, old, new) in [("assignee", &before.assignee, &after.assignee), ("responded_at", &before.responded_at, &after.responded_at)] {
        if old != new {
            entries.push(crate::db::history::HistoryEntry::web(&id, manager.user.id, attr, old.clone(), new.clone(), &at));
        }
    }
    crate::db::history::insert(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/manage/leads/{id}?followup=1")).into_response())
}
