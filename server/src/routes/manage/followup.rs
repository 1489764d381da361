//! The overdue list (filtered by officer, department and event, and as CSV) and a lead's
//! follow-up form (owner, first contact).

use app::i18n::Key;
use app::manage::followup::{overdue_page, OverdueItem, OverdueList};
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::followup::{Deadline, FollowUpRules, FollowUpState, OverdueFilter};
use domain::{PipelineStage, Wan};
use serde::Deserialize;

use super::Manager;
use crate::db::followup::{self, FollowUp, OverdueRow};
use crate::db::review;
use crate::error::ApiError;
use crate::routes::query::PageQuery;
use crate::state::AppState;

const PAGE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/overdue", get(list))
        .route("/manage/export/overdue.csv", get(overdue_csv))
        .route("/manage/leads/{id}/followup", post(save))
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

async fn list(State(state): State<AppState>, manager: Manager, PageQuery(filter): PageQuery<OverdueFilter>) -> Result<Response, ApiError> {
    let rules = state.follow_up;
    let page = filter.page.max(0);
    let mut conn = state.db.pool.acquire().await?;
    let (rows, total) = followup::overdue(&mut conn, &rules, domain::time::now(), &filter, PAGE, page * PAGE).await?;
    let choices = review::choices(&mut conn).await?;
    let items = rows.into_iter().map(|row| item(&rules, row)).collect();
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    let list = OverdueList {
        rules,
        items,
        total,
        page,
        pages,
        filter,
        officers: choices.officers,
        departments: choices.departments,
        events: choices.events,
    };
    Ok(manager.page(overdue_page(&manager.frame, list)))
}

/// The overdue leads the filters let through, every page, as CSV.
async fn overdue_csv(
    State(state): State<AppState>,
    _manager: Manager,
    PageQuery(filter): PageQuery<OverdueFilter>,
) -> Result<Response, ApiError> {
    /// More than any district has overdue at once.
    const MOST: i64 = 100_000;
    let rules = state.follow_up;
    let mut conn = state.db.pool.acquire().await?;
    let (rows, _) = followup::overdue(&mut conn, &rules, domain::time::now(), &filter, MOST, 0).await?;
    let items: Vec<OverdueItem> = rows.into_iter().map(|row| item(&rules, row)).collect();
    let name = format!("attachment; filename=\"overdue-{}.csv\"", domain::time::file_stamp(domain::time::now()));
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (CONTENT_DISPOSITION, name)], crate::export::overdue_csv(&items))
        .into_response())
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
    let assignee = Some(form.assignee.trim().to_owned()).filter(|a| !a.is_empty());
    if let Some(name) = &assignee {
        let mut conn = state.db.pool.acquire().await?;
        if !followup::assignable(&mut conn).await?.contains(name) {
            drop(conn);
            return super::leads::render_with_followup_error(&state, &manager, &id, Key::ManageFollowupUnknownAssignee).await;
        }
    }
    // Read, decide and write in one transaction, in the writers' turn: two managers saving at
    // once are applied one after the other, each on what the other wrote. The sequence row is
    // locked first (no number is taken), which orders writers on other servers too.
    let mut turn = state.db.writer_turn().await;
    let mut tx = turn.begin().await?;
    crate::db::leads::take_sequence(&mut tx, 0).await?;
    if crate::db::leads::find(&mut tx, &id).await?.is_none() {
        drop(tx);
        let lang = manager.frame.lang;
        return Ok(manager.message(axum::http::StatusCode::NOT_FOUND, Key::ManageNavLeads, lang.text(Key::ManageLeadNotFound)));
    }
    let before = followup::find(&mut tx, &id).await?;
    let responded_at = before.responded_at.clone().or_else(|| form.responded.is_some().then(crate::db::now_text));
    let after = FollowUp { assignee, responded_at };
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
    turn.committed();
    Ok(Redirect::to(&format!("/manage/leads/{id}?followup=1")).into_response())
}
