//! `GET /manage/leads/{id}/personal-data.json`: a contact's access request (PIPL). Everything the
//! server holds on the contact of this lead, and of every other lead sharing their mobile, WeChat
//! ID or email: each lead as stored, its owner, its whole trail, and any erasure recorded.

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use super::Manager;
use crate::db::history::HistoryEntry;
use crate::db::{duplicates, erasures, history, leads, users};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/manage/leads/{id}/personal-data.json", get(export))
}

/// The keys that name the same person (not the same company).
const CONTACT_KEYS: [&str; 3] = ["mobile", "wechat", "email"];

#[derive(Serialize)]
struct Held {
    lead: domain::Lead,
    owner: String,
    version: i64,
    trail: Vec<HistoryEntry>,
    erasures: Vec<erasures::ErasureRecord>,
}

#[derive(Serialize)]
struct Export {
    exported_at: String,
    exported_by: String,
    leads: Vec<Held>,
}

async fn export(State(state): State<AppState>, manager: Manager, Path(id): Path<String>) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    if leads::find(&mut conn, &id).await?.is_none() {
        return Ok(manager.message(
            StatusCode::NOT_FOUND,
            app::i18n::Key::ManageNavLeads,
            manager.frame.lang.text(app::i18n::Key::ManageLeadNotFound),
        ));
    }
    let mut ids = vec![id.clone()];
    for pair in duplicates::pairs_of(&mut conn, &id).await? {
        if pair.kinds.iter().any(|k| CONTACT_KEYS.contains(&k.as_str())) {
            let other = if pair.a == id { pair.b } else { pair.a };
            if !ids.contains(&other) {
                ids.push(other);
            }
        }
    }
    let names = users::names(&mut conn).await?;
    let mut held = Vec::with_capacity(ids.len());
    for id in &ids {
        let Some(stored) = leads::find(&mut conn, id).await? else { continue };
        held.push(Held {
            owner: names.get(&stored.owner_id).cloned().unwrap_or_default(),
            version: stored.version,
            lead: stored.lead,
            trail: history::for_lead(&mut conn, id).await?,
            erasures: erasures::for_lead(&mut conn, id).await?,
        });
    }
    let export = Export { exported_at: crate::db::now_text(), exported_by: manager.user.username.clone(), leads: held };
    let body = serde_json::to_string_pretty(&export).map_err(|e| ApiError::Internal(e.into()))?;
    let disposition = format!("attachment; filename=\"personal-data-{id}.json\"");
    Ok(([(CONTENT_TYPE, "application/json; charset=utf-8".to_owned()), (CONTENT_DISPOSITION, disposition)], body).into_response())
}
