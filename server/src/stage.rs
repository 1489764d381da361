//! A manager moving a lead through the pipeline, in one transaction: the domain's rules decide
//! ([`domain::Pipeline::apply`]); the lead gets a new version and a new place in the change
//! sequence, so the owning officer's tablet pulls it on its next sync; the audit trail records it
//! as a web change.

use domain::sync::LeadAttr;
use domain::{StageChange, StageError};

use crate::db::history::HistoryEntry;
use crate::db::users::User;
use crate::db::{history, leads, now_text, Db};

/// Why a stage change was not made.
#[derive(Debug, thiserror::Error)]
pub enum ChangeStageError {
    #[error("no lead with this id")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] StageError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Applies `change` to the lead `lead_id` on behalf of `manager`; returns the lead's new version.
pub async fn change_stage(db: &Db, manager: &User, lead_id: &str, change: &StageChange) -> Result<i64, ChangeStageError> {
    // The writers' turn, as sync batches take it: one write path for leads.
    let mut turn = db.writer_turn().await;
    let mut tx = turn.begin().await?;
    // First statement: takes the write lock, so the sequence number is in commit order.
    let seq = leads::take_sequence(&mut tx, 1).await?;
    let mut stored = leads::find(&mut tx, lead_id).await?.ok_or(ChangeStageError::NotFound)?;
    let next = stored.lead.pipeline.apply(change)?;
    let json = |value: &domain::Pipeline| serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)));
    let entry = HistoryEntry::web(
        lead_id,
        manager.id,
        LeadAttr::Pipeline.name(),
        Some(json(&stored.lead.pipeline)?),
        Some(json(&next)?),
        &now_text(),
    );
    stored.version += 1;
    stored.seq = seq;
    stored.attr_versions.insert(LeadAttr::Pipeline, stored.version);
    stored.lead.pipeline = next;
    leads::update(&mut tx, &stored).await?;
    history::insert(&mut tx, &[entry]).await?;
    tx.commit().await?;
    turn.committed();
    Ok(stored.version)
}
