//! The lead table, a lead's page with the stage form it posts, its correction form, a value of
//! its trail put back, its handover to another officer, the erasure of its contact's personal
//! data, the restore of a withdrawn lead, and the list of withdrawn leads.

use app::i18n::Key;
use app::manage::correct::{correction_page, CorrectionPage};
use app::manage::lead::{lead_page, FollowUpSection, HistoryRow, LeadDetail};
use app::manage::leads::{lead_list, LeadList};
use app::manage::privacy::ErasureView;
use app::manage::withdrawn::{withdrawn_page, WithdrawnView};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::correction::CorrectionForm;
use domain::followup::FollowUpState;
use domain::review::LeadFilter;
use domain::{OriginClass, StageForm};
use serde::Deserialize;

use super::duplicates::pair_views;
use super::followup::missed;
use super::Manager;
use crate::db::erasures::{self, Basis};
use crate::db::{duplicates, followup, history, leads, review, users};
use crate::error::ApiError;
use crate::routes::query::PageQuery;
use crate::state::AppState;
use crate::web_edit::{
    change_stage, correct as correct_lead, erase as erase_personal_data, reassign as reassign_leads, restore as restore_lead,
    revert as revert_value, Correction, CorrectionRefusal, EditError, ErasureRequest, Handed, StageRefusal,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/leads", get(list))
        .route("/manage/leads/{id}", get(show))
        .route("/manage/leads/{id}/stage", post(stage))
        .route("/manage/leads/{id}/restore", post(restore))
        .route("/manage/leads/{id}/edit", get(correction).post(correct))
        .route("/manage/leads/{id}/revert", post(revert))
        .route("/manage/leads/{id}/reassign", post(reassign))
        .route("/manage/leads/{id}/erase", post(erase))
        .route("/manage/leads/{id}/photos/{side}", get(photo))
        .route("/manage/withdrawn", get(withdrawn))
}

async fn list(State(state): State<AppState>, manager: Manager, PageQuery(filter): PageQuery<LeadFilter>) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let choices = review::choices(&mut conn).await?;
    let (page, error) = match filter.parse() {
        Ok(parsed) => (review::page(&mut conn, &parsed).await?, None),
        Err(e) => (Default::default(), Some(e.to_string())),
    };
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let view = LeadList { filter, page, error, events: choices.events, officers: choices.officers, departments: choices.departments };
    Ok((status, manager.page(lead_list(&manager.frame, view))).into_response())
}

#[derive(Deserialize)]
struct Saved {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    followup: Option<String>,
    #[serde(default)]
    restored: Option<String>,
    #[serde(default)]
    corrected: Option<String>,
    #[serde(default)]
    reverted: Option<String>,
    #[serde(default)]
    merged: Option<String>,
    #[serde(default)]
    reassigned: Option<String>,
    #[serde(default)]
    erased: Option<String>,
}

/// What the lead page says besides the lead: the outcome of the last form sent.
#[derive(Default)]
struct Outcome {
    /// The stage form as typed, after a refused change.
    form: Option<StageForm>,
    stage_error: Option<&'static str>,
    stage_saved: bool,
    followup_error: Option<Key>,
    followup_saved: bool,
    restored: bool,
    /// A message above the page: whether it tells of a success, and its text.
    notice: Option<(bool, Key)>,
    erase_error: Option<Key>,
}

/// The lead page with the follow-up form's error.
pub async fn render_with_followup_error(state: &AppState, manager: &Manager, id: &str, error: Key) -> Result<Response, ApiError> {
    render(state, manager, id, Outcome { followup_error: Some(error), ..Outcome::default() }).await
}

/// The lead page.
async fn render(state: &AppState, manager: &Manager, id: &str, outcome: Outcome) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let Some(stored) = leads::find(&mut conn, id).await? else {
        return Ok(manager.message(StatusCode::NOT_FOUND, Key::ManageNavLeads, manager.frame.lang.text(Key::ManageLeadNotFound)));
    };
    let meta = leads::bookkeeping(&mut conn, id).await?;
    let owner = users::find(&mut conn, stored.owner_id).await?;
    let owner_name = owner.as_ref().map(|u| u.username.clone()).unwrap_or_default();
    let officers = super::officer_choices(&mut conn).await?;
    let erasures =
        erasures::for_lead(&mut conn, id).await?.into_iter().map(|e| ErasureView { basis: e.basis.code().to_owned(), at: e.at }).collect();
    let names = users::labels(&mut conn).await?;
    let trail = history::for_lead(&mut conn, id).await?;
    // The trail names tablets by their first sync: this server's latest sightings first.
    state.fleet.flush(&state.db).await?;
    let mut devices: Vec<&str> = trail.iter().filter(|e| e.source == "sync").map(|e| e.device_id.as_str()).collect();
    devices.push(&stored.lead.device_id);
    devices.sort_unstable();
    devices.dedup();
    let device_first_seen = crate::db::devices::first_seen(&mut conn, &devices).await?;
    let photos = crate::db::photos::of_lead(&mut conn, id).await?.into_iter().map(|p| p.side).collect();
    let record = followup::find(&mut conn, id).await?;
    let assignable = followup::assignable(&mut conn).await?;
    let pairs = duplicates::pairs_of(&mut conn, id).await?;
    let pair_ids: Vec<String> = pairs.iter().flat_map(|p| [p.a.clone(), p.b.clone()]).collect();
    let sides = duplicates::sides(&mut conn, &pair_ids).await?;
    let lead = stored.lead;
    let follow_state = FollowUpState {
        captured_at: lead.captured_at,
        stage: lead.pipeline.stage,
        intended: lead.intended_investment,
        responded_at: record.responded_at.as_deref().and_then(domain::time::rfc3339::parse),
    };
    let followup = FollowUpSection {
        assignee: record.assignee,
        responded_at: record.responded_at,
        assignable,
        missed: missed(&state.follow_up, &follow_state),
        saved: outcome.followup_saved,
        error: outcome.followup_error,
    };
    let out_of_province = lead.origin.as_ref().is_some_and(|o| o.class() == OriginClass::OutOfProvince);
    let today = domain::time::now().with_timezone(&domain::time::shanghai()).date_naive();
    let form = outcome.form.unwrap_or_else(|| StageForm::for_pipeline(&lead.pipeline, today, out_of_province));
    let error = outcome.stage_error;
    let history = trail
        .into_iter()
        .map(|e| HistoryRow {
            revert_entry: e.id.filter(|_| e.old_value.is_some() && crate::web_edit::revertible(&e.attr).is_some()),
            at: e.at,
            who: names.get(&e.user_id).cloned().unwrap_or_else(|| e.user_id.to_string()),
            device: e.device_id,
            via_web: e.source == "web",
            attr: e.attr,
            old_value: e.old_value,
            new_value: e.new_value,
            overwritten: e.overwritten,
        })
        .collect();
    let detail = LeadDetail {
        lead,
        version: stored.version,
        officer: owner.as_ref().map(|u| u.label().to_owned()).unwrap_or_default(),
        department: owner.map(|u| u.department).unwrap_or_default(),
        synced_at: meta.synced_at,
        history,
        form,
        error,
        saved: outcome.stage_saved,
        restored: outcome.restored,
        notice: outcome.notice,
        followup,
        duplicates: pair_views(pairs, &sides),
        officers,
        owner: owner_name,
        erasures,
        erase_error: outcome.erase_error,
        device_first_seen,
        photos,
    };
    let refused =
        error.is_some() || detail.followup.error.is_some() || detail.erase_error.is_some() || matches!(detail.notice, Some((false, _)));
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, manager.page(lead_page(&manager.frame, detail))).into_response())
}

async fn show(
    State(state): State<AppState>,
    manager: Manager,
    Path(id): Path<String>,
    PageQuery(saved): PageQuery<Saved>,
) -> Result<Response, ApiError> {
    render(
        &state,
        &manager,
        &id,
        Outcome {
            stage_saved: saved.saved.is_some(),
            followup_saved: saved.followup.is_some(),
            restored: saved.restored.is_some(),
            notice: [
                (saved.corrected.is_some(), Key::ManageCorrectSaved),
                (saved.reverted.is_some(), Key::ManageCorrectReverted),
                (saved.merged.is_some(), Key::ManageDupMerged),
                (saved.reassigned.is_some(), Key::ManageReassignDone),
                (saved.erased.is_some(), Key::ManagePiplDone),
            ]
            .into_iter()
            .find(|(said, _)| *said)
            .map(|(_, key)| (true, key)),
            ..Outcome::default()
        },
    )
    .await
}

async fn stage(
    State(state): State<AppState>,
    manager: Manager,
    Path(id): Path<String>,
    Form(form): Form<StageForm>,
) -> Result<Response, ApiError> {
    let current = {
        let mut conn = state.db.pool.acquire().await?;
        match leads::find(&mut conn, &id).await? {
            Some(stored) => stored.lead.pipeline,
            None => return render(&state, &manager, &id, Outcome::default()).await,
        }
    };
    let change = match form.parse(&current) {
        Ok(change) => change,
        Err(e) => {
            return render(&state, &manager, &id, Outcome { form: Some(form), stage_error: Some(e.code()), ..Outcome::default() }).await
        }
    };
    match change_stage(&state.db, &manager.user, &id, &change).await {
        Ok(_) => Ok(Redirect::to(&format!("/manage/leads/{id}?saved=1")).into_response()),
        Err(EditError::Refused(refusal)) => {
            let code = match refusal {
                StageRefusal::Rule(e) => e.code(),
                StageRefusal::Withdrawn => "withdrawn",
            };
            render(&state, &manager, &id, Outcome { form: Some(form), stage_error: Some(code), ..Outcome::default() }).await
        }
        Err(EditError::NotFound) => render(&state, &manager, &id, Outcome::default()).await,
        Err(EditError::Db(e)) => Err(e.into()),
    }
}

/// The withdrawn leads, the latest first.
async fn withdrawn(State(state): State<AppState>, manager: Manager) -> Result<Response, ApiError> {
    const SHOWN: i64 = 500;
    let mut conn = state.db.pool.acquire().await?;
    let rows = crate::db::facts::withdrawn(&mut conn, SHOWN)
        .await?
        .into_iter()
        .map(|r| WithdrawnView {
            lead_id: r.lead_id,
            company_name: r.company_name,
            contact_name: r.contact_name,
            officer: r.officer,
            withdrawn_at: r.withdrawn_at,
            withdrawn_by: r.withdrawn_by,
            reason: r.reason,
        })
        .collect();
    Ok(manager.page(withdrawn_page(&manager.frame, rows)).into_response())
}

/// A withdrawn lead back in the workspace, and on its officer's tablets at their next sync. A
/// lead that is not withdrawn (restored meanwhile by someone else) is simply shown.
async fn restore(State(state): State<AppState>, manager: Manager, Path(id): Path<String>) -> Result<Response, ApiError> {
    match restore_lead(&state.db, &manager.user, &id).await {
        Ok(_) => Ok(Redirect::to(&format!("/manage/leads/{id}?restored=1")).into_response()),
        Err(EditError::Refused(_)) | Err(EditError::NotFound) => render(&state, &manager, &id, Outcome::default()).await,
        Err(EditError::Db(e)) => Err(e.into()),
    }
}

/// The lead page's handover form.
#[derive(Deserialize)]
struct ReassignPost {
    to: String,
}

/// Hands the lead to another officer (`web_edit::reassign`).
async fn reassign(
    State(state): State<AppState>,
    manager: Manager,
    Path(id): Path<String>,
    Form(form): Form<ReassignPost>,
) -> Result<Response, ApiError> {
    let to = {
        let mut conn = state.db.pool.acquire().await?;
        users::find_by_name(&mut conn, &form.to).await?
    };
    let refused = || Outcome { notice: Some((false, Key::ManageReassignRefused)), ..Outcome::default() };
    let Some(to) = to else { return render(&state, &manager, &id, refused()).await };
    match reassign_leads(&state.db, &manager.user, Handed::Lead(&id), &to).await {
        Ok(_) => Ok(Redirect::to(&format!("/manage/leads/{id}?reassigned=1")).into_response()),
        Err(EditError::Refused(_)) => render(&state, &manager, &id, refused()).await,
        Err(EditError::NotFound) => render(&state, &manager, &id, Outcome::default()).await,
        Err(EditError::Db(e)) => Err(e.into()),
    }
}

/// The erasure form.
#[derive(Deserialize)]
struct ErasePost {
    #[serde(default)]
    basis: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// Erases the contact's personal data (`web_edit::erase`), once the manager confirmed.
async fn erase(
    State(state): State<AppState>,
    manager: Manager,
    Path(id): Path<String>,
    Form(form): Form<ErasePost>,
) -> Result<Response, ApiError> {
    let basis = Basis::from_code(&form.basis).filter(|b| *b != Basis::Retention);
    let (Some(basis), Some(_)) = (basis, form.confirm) else {
        return render(&state, &manager, &id, Outcome { erase_error: Some(Key::ManagePiplConfirmRequired), ..Outcome::default() }).await;
    };
    match erase_personal_data(&state.db, Some(&manager.user), &id, ErasureRequest { basis, note: Some(&form.note) }).await {
        Ok(_) => {
            state.indexer.wrote();
            Ok(Redirect::to(&format!("/manage/leads/{id}?erased=1")).into_response())
        }
        Err(EditError::NotFound) => render(&state, &manager, &id, Outcome::default()).await,
        Err(EditError::Refused(never)) => match never {},
        Err(EditError::Db(e)) => Err(e.into()),
    }
}

/// The correction form a manager posts, with the form as it was shown (JSON).
#[derive(Deserialize)]
struct CorrectionPost {
    #[serde(flatten)]
    form: CorrectionForm,
    #[serde(default)]
    shown: String,
}

/// The correction page: the form as `form` says (the lead as it is, when `None`).
async fn correction_page_of(
    state: &AppState,
    manager: &Manager,
    id: &str,
    typed: Option<(CorrectionForm, String)>,
    errors: Vec<domain::FieldError>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let Some(stored) = leads::find(&mut conn, id).await? else {
        return Ok(manager.message(StatusCode::NOT_FOUND, Key::ManageNavLeads, manager.frame.lang.text(Key::ManageLeadNotFound)));
    };
    let (form, shown) = typed.unwrap_or_else(|| {
        let form = CorrectionForm::for_lead(&stored.lead);
        let shown = serde_json::to_string(&form).unwrap_or_default();
        (form, shown)
    });
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = CorrectionPage { lead_id: id.to_owned(), company_name: stored.lead.company_name, form, shown, errors };
    Ok((status, manager.page(correction_page(&manager.frame, page))).into_response())
}

async fn correction(State(state): State<AppState>, manager: Manager, Path(id): Path<String>) -> Result<Response, ApiError> {
    correction_page_of(&state, &manager, &id, None, Vec::new()).await
}

/// A manager's correction: saved and back on the lead's page, or the form again with each refused
/// field's message beside it, nothing saved.
async fn correct(
    State(state): State<AppState>,
    manager: Manager,
    Path(id): Path<String>,
    Form(post): Form<CorrectionPost>,
) -> Result<Response, ApiError> {
    let shown: Option<CorrectionForm> = serde_json::from_str(&post.shown).ok();
    let correction = Correction { form: &post.form, shown: shown.as_ref() };
    match correct_lead(&state.db, &manager.user, &id, correction).await {
        Ok(_) => Ok(Redirect::to(&format!("/manage/leads/{id}?corrected=1")).into_response()),
        Err(EditError::Refused(CorrectionRefusal::Invalid(errors))) => {
            correction_page_of(&state, &manager, &id, Some((post.form, post.shown)), errors).await
        }
        Err(EditError::Refused(CorrectionRefusal::Withdrawn)) => {
            render(&state, &manager, &id, Outcome { notice: Some((false, Key::ManageCorrectWithdrawnErr)), ..Outcome::default() }).await
        }
        Err(EditError::NotFound) => correction_page_of(&state, &manager, &id, None, Vec::new()).await,
        Err(EditError::Db(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct RevertPost {
    entry: i64,
}

/// Puts back the value a trail entry replaced.
async fn revert(
    State(state): State<AppState>,
    manager: Manager,
    Path(id): Path<String>,
    Form(post): Form<RevertPost>,
) -> Result<Response, ApiError> {
    match revert_value(&state.db, &manager.user, &id, post.entry).await {
        Ok(_) => Ok(Redirect::to(&format!("/manage/leads/{id}?reverted=1")).into_response()),
        Err(EditError::Refused(_)) => {
            let outcome = Outcome { notice: Some((false, Key::ManageCorrectRevertRefused)), ..Outcome::default() };
            let page = render(&state, &manager, &id, outcome).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(EditError::NotFound) => render(&state, &manager, &id, Outcome::default()).await,
        Err(EditError::Db(e)) => Err(e.into()),
    }
}

/// A business-card photo of the lead, shown on its page.
async fn photo(State(state): State<AppState>, _manager: Manager, Path((id, side)): Path<(String, String)>) -> Result<Response, ApiError> {
    use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
    let side = domain::photo::Side::from_code(&side).ok_or(ApiError::NotFound("no such photo"))?;
    let mut conn = state.db.pool.acquire().await?;
    let (content_type, bytes) = crate::db::photos::bytes_of(&mut conn, &id, side).await?.ok_or(ApiError::NotFound("no such photo"))?;
    // Personal data: no cache keeps it (the workspace's pages say the same).
    Ok(([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "private, no-store".to_owned())], bytes).into_response())
}
