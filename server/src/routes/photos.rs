//! Business-card photos of a lead. The tablet uploads each after the lead itself has synced:
//! `PUT /api/v1/leads/{id}/photos/{side}/{sha256}` with the image's bytes as the body, named by
//! their SHA-256. An upload sent again (its answer was lost, the server restarted mid-way) finds the
//! same bytes stored and changes nothing, so each photo is stored exactly once whatever the
//! retries; a tablet resumes with the photos not yet acknowledged. The workspace shows them on the
//! lead's page (`manage::leads`).
//!
//! Answers the tablet acts on: 200 stored (or already there); 404 the lead is not on the server
//! yet, or is not this officer's (try again after the lead's sync); 410 the contact's personal
//! data was erased (drop the photo); 400, 413, 415 the photo itself is refused (bytes that do not
//! hash to its name, larger than `domain::photo::MAX_BYTES`, not a JPEG or WebP image).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::routing::put;
use axum::{Json, Router};
use domain::photo::{self, Side};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::AuthUser;
use crate::db::photos::{self as stored_photos, NewPhoto, Stored};
use crate::db::users::Role;
use crate::db::{leads, now_text};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        // The body limit lets a photo somewhat over the size through, so it is refused with its own
        // message (413, the limit named) rather than the server's generic one.
        .route("/api/v1/leads/{id}/photos/{side}/{sha256}", put(upload).layer(DefaultBodyLimit::max(photo::MAX_BYTES * 4)))
}

#[derive(Serialize)]
struct Uploaded {
    status: &'static str,
    sha256: String,
}

async fn upload(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path((id, side, sha256)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<Uploaded>, ApiError> {
    let side = Side::from_code(&side).ok_or_else(|| ApiError::BadRequest("a photo's side is front or back".into()))?;
    if !photo::is_sha256_hex(&sha256) {
        return Err(ApiError::BadRequest("a photo is named by the SHA-256 of its bytes, in lower-case hex".into()));
    }
    if body.len() > photo::MAX_BYTES {
        return Err(ApiError::PayloadTooLarge(format!(
            "a photo may be at most {} KB; this one is {} KB",
            photo::MAX_BYTES / 1024,
            body.len() / 1024
        )));
    }
    let Some(content_type) = photo::image_type(&body) else {
        return Err(ApiError::UnsupportedMediaType("a photo must be a JPEG or WebP image".into()));
    };
    let digest: String = Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
    if digest != sha256 {
        return Err(ApiError::BadRequest("the photo's bytes do not hash to its name: it arrived incomplete; send it again".into()));
    }
    let mut conn = state.db.pool.acquire().await?;
    let lead = leads::find(&mut conn, &id).await?;
    let lead = match lead {
        Some(stored) if stored.owner_id == user.id || matches!(user.role, Role::Manager | Role::Admin) => stored,
        _ => return Err(ApiError::NotFound("no lead with this id on the server yet: sync the lead first")),
    };
    if lead.lead.erased.is_some() {
        return Err(ApiError::Gone("the contact's personal data was erased: no photo of the card is kept"));
    }
    let at = now_text();
    let photo = NewPhoto { lead_id: &id, side, sha256: &sha256, content_type, bytes: &body, uploaded_by: user.id, uploaded_at: &at };
    let status = match stored_photos::put(&mut conn, &photo).await? {
        Stored::Added => "added",
        Stored::Replaced => "replaced",
        Stored::Unchanged => "unchanged",
    };
    Ok(Json(Uploaded { status, sha256 }))
}
