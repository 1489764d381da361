//! `/manage/events`: the district's list of events (`domain::event`), which every tablet receives
//! with its next sync. Administrators add an event, change its dates and venue, and merge an
//! event name typed on tablets into a listed event (`web_edit::fold_event`); managers read the
//! list and each event's page (`/manage/events/{id}`).

use app::i18n::{fill, Key};
use app::manage::events::{event_page, events_page, EventPage, EventRow, EventsPage, HotLead};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::event::{EventDraft, EventField, EventProblem};
use domain::followup::OverdueFilter;
use serde::Deserialize;

use super::Manager;
use crate::db::users::Role;
use crate::db::{events, followup, Db};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/events", get(show).post(add))
        .route("/manage/events/fold", post(fold))
        .route("/manage/events/{id}", get(one).post(change))
}

/// The 403 page for anyone but an administrator.
fn unless_admin(manager: &Manager) -> Option<Response> {
    (manager.user.role != Role::Admin)
        .then(|| manager.message(StatusCode::FORBIDDEN, Key::ManageEventsTitle, manager.frame.lang.text(Key::ManageEventsAdminsOnly)))
}

/// The form's message for each refused field.
fn problems(found: Vec<(EventField, EventProblem)>) -> Vec<(&'static str, Key)> {
    found
        .into_iter()
        .map(|(field, problem)| {
            let key = match (field, problem) {
                (_, EventProblem::BadRange) => Key::ManageEventsErrRange,
                (EventField::Name, _) => Key::ManageEventsErrName,
                (EventField::Venue, _) => Key::ManageEventsErrVenue,
                (EventField::StartsOn | EventField::EndsOn, _) => Key::ManageEventsErrDate,
            };
            (field.name(), key)
        })
        .collect()
}

async fn page_of(
    db: &Db,
    manager: &Manager,
    form: EventDraft,
    errors: Vec<(&'static str, Key)>,
    notice: Option<(bool, String)>,
) -> Result<Response, ApiError> {
    let mut conn = db.pool.acquire().await?;
    let events =
        events::list(&mut conn).await?.into_iter().map(|l| EventRow { id: l.id, draft: EventDraft::from_event(&l.event) }).collect();
    let unlisted = events::unlisted_names(&mut conn, 100).await?;
    let refused = !errors.is_empty() || matches!(notice, Some((false, _)));
    let html = events_page(&manager.frame, EventsPage { events, unlisted, form, errors, notice });
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, manager.page(html)).into_response())
}

async fn show(State(state): State<AppState>, manager: Manager) -> Result<Response, ApiError> {
    page_of(&state.db, &manager, EventDraft::default(), Vec::new(), None).await
}

async fn add(State(state): State<AppState>, manager: Manager, Form(form): Form<EventDraft>) -> Result<Response, ApiError> {
    if let Some(refused) = unless_admin(&manager) {
        return Ok(refused);
    }
    let event = match form.parse() {
        Ok(event) => event,
        Err(found) => return page_of(&state.db, &manager, form, problems(found), None).await,
    };
    let added = {
        let mut conn = state.db.pool.acquire().await?;
        events::insert(&mut conn, &event, manager.user.id).await
    };
    match added {
        Ok(id) => tracing::info!(by = manager.user.id, event_id = id, "event listed"),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return page_of(&state.db, &manager, form, vec![("name", Key::ManageEventsErrTaken)], None).await;
        }
        Err(e) => return Err(e.into()),
    }
    let text = fill(manager.frame.lang.text(Key::ManageEventsAdded), &[("name", &event.name)]);
    page_of(&state.db, &manager, EventDraft::default(), Vec::new(), Some((true, text))).await
}

/// New dates and venue for a listed event.
async fn change(
    State(state): State<AppState>,
    manager: Manager,
    Path(id): Path<i64>,
    Form(form): Form<EventDraft>,
) -> Result<Response, ApiError> {
    if let Some(refused) = unless_admin(&manager) {
        return Ok(refused);
    }
    let lang = manager.frame.lang;
    let mut conn = state.db.pool.acquire().await?;
    let Some(listed) = events::find(&mut conn, id).await? else {
        return Ok(manager.message(StatusCode::NOT_FOUND, Key::ManageEventsTitle, lang.text(Key::ManageEventsNotFound)));
    };
    let draft = EventDraft { name: listed.event.name.clone(), ..form };
    let event = match draft.parse() {
        Ok(event) => event,
        Err(found) => {
            let message = problems(found).first().map(|(_, key)| lang.text(*key).to_owned()).unwrap_or_default();
            drop(conn);
            return page_of(&state.db, &manager, EventDraft::default(), Vec::new(), Some((false, message))).await;
        }
    };
    events::update(&mut conn, id, &event).await?;
    drop(conn);
    let text = fill(lang.text(Key::ManageEventsSaved), &[("name", &event.name)]);
    page_of(&state.db, &manager, EventDraft::default(), Vec::new(), Some((true, text))).await
}

#[derive(Deserialize)]
struct FoldPost {
    #[serde(default)]
    from: String,
    into: i64,
}

/// Every lead carrying the typed name `from` gets the listed event `into`.
async fn fold(State(state): State<AppState>, manager: Manager, Form(form): Form<FoldPost>) -> Result<Response, ApiError> {
    if let Some(refused) = unless_admin(&manager) {
        return Ok(refused);
    }
    let lang = manager.frame.lang;
    let into = {
        let mut conn = state.db.pool.acquire().await?;
        events::find(&mut conn, form.into).await?
    };
    let Some(into) = into else {
        return Ok(manager.message(StatusCode::NOT_FOUND, Key::ManageEventsTitle, lang.text(Key::ManageEventsNotFound)));
    };
    let moved = crate::web_edit::fold_event(&state.db, &manager.user, &form.from, &into.event).await?;
    // The page lists the typed names from the workspace's index: bring it up to date first.
    crate::indexer::catch_up(&state.db).await?;
    tracing::info!(by = manager.user.id, moved, "event name folded into a listed event");
    let text = fill(lang.text(Key::ManageEventsFolded), &[("n", &moved.to_string()), ("from", &form.from), ("to", &into.event.name)]);
    page_of(&state.db, &manager, EventDraft::default(), Vec::new(), Some((true, text))).await
}

/// How many hot leads the event's page lists.
const HOT_SHOWN: usize = 50;
/// The most captures an event's page counts.
const CAPTURES_READ: i64 = 20_000;

async fn one(State(state): State<AppState>, manager: Manager, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let lang = manager.frame.lang;
    let mut conn = state.db.pool.acquire().await?;
    let Some(listed) = events::find(&mut conn, id).await? else {
        return Ok(manager.message(StatusCode::NOT_FOUND, Key::ManageEventsTitle, lang.text(Key::ManageEventsNotFound)));
    };
    let captures = events::captures(&mut conn, &listed.event.name, CAPTURES_READ).await?;
    let when = captures.iter().filter_map(|c| domain::time::rfc3339::parse(&c.captured_at).map(|at| (c.officer.clone(), at)));
    let grid = domain::event::capture_grid(&listed.event, when.collect::<Vec<_>>());
    let hot = captures
        .iter()
        .rev()
        .filter(|c| c.intent == domain::Intent::Hot.code())
        .take(HOT_SHOWN)
        .map(|c| HotLead {
            lead_id: c.lead_id.clone(),
            company_name: c.company_name.clone(),
            officer: c.officer.clone(),
            stage: c.stage.clone(),
        })
        .collect();
    let filter = OverdueFilter { event: listed.event.name.clone(), ..OverdueFilter::default() };
    let (_, overdue) = followup::overdue(&mut conn, &state.follow_up, domain::time::now(), &filter, 1, 0).await?;
    let html = event_page(&manager.frame, EventPage { event: EventDraft::from_event(&listed.event), grid, hot, overdue });
    Ok(manager.page(html))
}
