//! Possible duplicates and their merge, confirmed on a page that says what it will do.

use std::collections::HashMap;

use app::i18n::{fill, Key};
use app::manage::duplicates::{duplicates_page, merge_confirm_page, MergePreview, PairSide, PairView};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::Manager;
use crate::db::duplicates::{self, DuplicatePair, Side};
use crate::db::leads;
use crate::error::ApiError;
use crate::merge::{merge, MergeError};
use crate::state::AppState;

/// Most pairs listed on the page.
const PAIRS_SHOWN: i64 = 200;

pub fn router() -> Router<AppState> {
    Router::new().route("/manage/duplicates", get(list)).route("/manage/duplicates/merge", post(merge_pair))
}

/// One lead of a pair, as shown.
fn pair_side(sides: &HashMap<String, Side>, id: &str) -> Option<PairSide> {
    sides.get(id).map(|s| PairSide {
        lead_id: id.to_owned(),
        company_name: s.company_name.clone(),
        contact_name: s.contact_name.clone(),
        officer: s.officer.clone(),
        captured_at: s.captured_at.clone(),
    })
}

/// The pairs as shown: the side captured first keeps the lead.
pub fn pair_views(pairs: Vec<DuplicatePair>, sides: &HashMap<String, Side>) -> Vec<PairView> {
    let side = |id: &str| pair_side(sides, id);
    pairs
        .into_iter()
        .filter_map(|pair| {
            let (a, b) = (side(&pair.a)?, side(&pair.b)?);
            let (keeps, absorbed) =
                if (a.captured_at.as_str(), a.lead_id.as_str()) <= (b.captured_at.as_str(), b.lead_id.as_str()) { (a, b) } else { (b, a) };
            Some(PairView { keeps, absorbed, kinds: pair.kinds })
        })
        .collect()
}

async fn list(State(state): State<AppState>, manager: Manager) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let pairs = duplicates::pairs(&mut conn, PAIRS_SHOWN).await?;
    let ids: Vec<String> = pairs.iter().flat_map(|p| [p.a.clone(), p.b.clone()]).collect();
    let sides = duplicates::sides(&mut conn, &ids).await?;
    Ok(manager.page(duplicates_page(&manager.frame, pair_views(pairs, &sides))))
}

#[derive(Deserialize)]
struct MergeForm {
    keep: String,
    absorb: String,
    /// Present once the manager has seen what the merge will do.
    #[serde(default)]
    confirm: Option<String>,
}

/// What merging the two leads would do, as the confirmation page shows it.
async fn preview(state: &AppState, one: &str, other: &str) -> Result<Option<MergePreview>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (Some(a), Some(b)) = (leads::find(&mut conn, one).await?, leads::find(&mut conn, other).await?) else { return Ok(None) };
    let (keep, absorb) = domain::duplicates::survivor(&a.lead, &b.lead);
    let filled = keep.changed_attrs(&domain::duplicates::merge(keep, absorb)).into_iter().map(|a| a.name().to_owned()).collect();
    let ids = vec![keep.id.to_string(), absorb.id.to_string()];
    let sides = duplicates::sides(&mut conn, &ids).await?;
    let side = |id: &str| pair_side(&sides, id);
    Ok(side(&ids[0]).zip(side(&ids[1])).map(|(keeps, absorbed)| MergePreview { keeps, absorbed, filled }))
}

/// A merge: first the page that says what it will do, then, confirmed, the merge itself and the
/// surviving lead's page saying it is done.
async fn merge_pair(State(state): State<AppState>, manager: Manager, Form(form): Form<MergeForm>) -> Result<Response, ApiError> {
    let lang = manager.frame.lang;
    if form.confirm.is_none() {
        return Ok(match preview(&state, &form.keep, &form.absorb).await? {
            Some(preview) => manager.page(merge_confirm_page(&manager.frame, preview)),
            None => manager.message(StatusCode::NOT_FOUND, Key::ManageNavDuplicates, lang.text(Key::ManageLeadNotFound)),
        });
    }
    let reason = |survivor: &domain::Lead| fill(lang.text(Key::ManageDupMergedReason), &[("company", &survivor.company_name)]);
    match merge(&state.db, &manager.user, &form.keep, &form.absorb, reason).await {
        Ok(survivor) => Ok(Redirect::to(&format!("/manage/leads/{survivor}?merged=1")).into_response()),
        Err(MergeError::NotFound) => {
            Ok(manager.message(StatusCode::NOT_FOUND, Key::ManageNavDuplicates, lang.text(Key::ManageLeadNotFound)))
        }
        Err(MergeError::NotDuplicates | MergeError::AlreadyMerged) => {
            Ok(manager.message(StatusCode::UNPROCESSABLE_ENTITY, Key::ManageNavDuplicates, lang.text(Key::ManageDupNotDuplicates)))
        }
        Err(MergeError::Db(e)) => Err(e.into()),
    }
}
