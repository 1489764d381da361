//! The workspace's changes to stored leads (a stage moved, a withdrawn lead restored, a duplicate
//! merged), each in one transaction of the writers' turn, as sync batches take it: one write path
//! for leads. The lead gets a new version and a new place in the change sequence, so the owning
//! officer's tablets pull it on their next sync; each changed attribute gets the new version (so
//! a tablet's edit based on an older one is merged, not taken whole) and an entry in the trail,
//! recorded as a web change.

use domain::sync::LeadAttr;
use domain::{Lead, StageChange, StageError};

use crate::db::history::HistoryEntry;
use crate::db::leads::StoredLead;
use crate::db::users::User;
use crate::db::{history, leads, now_text, Db};

/// Why a web change was not made.
#[derive(Debug, thiserror::Error)]
pub enum EditError<E> {
    #[error("no lead with this id")]
    NotFound,
    /// The domain's rules refused the change.
    #[error("refused")]
    Refused(E),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

fn json(lead: &Lead) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(lead).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// The JSON of `attr` in the lead's JSON `lead`, as the trail holds it. A fresh pipeline is left
/// out of a lead's JSON: the trail shows it whole.
pub fn attr_json(lead: &serde_json::Value, attr: LeadAttr) -> String {
    match lead.get(attr.name()) {
        Some(value) => value.to_string(),
        None if attr == LeadAttr::Pipeline => serde_json::to_string(&domain::Pipeline::default()).unwrap_or_default(),
        None => "null".to_owned(),
    }
}

/// Makes `next` the new state of `stored`, as a web change by `user` at `at` placed at `seq`;
/// returns the trail's entries for it (one per changed attribute), for the caller to insert in
/// the same transaction.
pub fn record(stored: &mut StoredLead, next: Lead, seq: i64, user: &User, at: &str) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    let changed = stored.lead.changed_attrs(&next);
    let (old, new) = (json(&stored.lead)?, json(&next)?);
    let id = stored.lead.id.to_string();
    stored.version += 1;
    stored.seq = seq;
    let mut entries = Vec::with_capacity(changed.len());
    for attr in changed {
        stored.attr_versions.insert(attr, stored.version);
        let value = |lead: &serde_json::Value| attr_json(lead, attr);
        entries.push(HistoryEntry::web(&id, user.id, attr.name(), Some(value(&old)), Some(value(&new)), at));
    }
    stored.lead = next;
    Ok(entries)
}

/// Applies `change` (the domain's rules, given the lead as stored) to the lead `lead_id` on behalf
/// of `user`; returns the lead's new version.
pub async fn edit<E>(db: &Db, user: &User, lead_id: &str, change: impl FnOnce(&Lead) -> Result<Lead, E>) -> Result<i64, EditError<E>> {
    let mut turn = db.writer_turn().await;
    let mut tx = turn.begin().await?;
    // First statement: takes the write lock, so the sequence number is in commit order.
    let seq = leads::take_sequence(&mut tx, 1).await?;
    let mut stored = leads::find(&mut tx, lead_id).await?.ok_or(EditError::NotFound)?;
    let next = change(&stored.lead).map_err(EditError::Refused)?;
    let entries = record(&mut stored, next, seq, user, &now_text())?;
    leads::update(&mut tx, &stored).await?;
    history::insert(&mut tx, &entries).await?;
    tx.commit().await?;
    turn.committed();
    Ok(stored.version)
}

/// Why a manager's stage change was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum StageRefusal {
    /// The pipeline's rules.
    Rule(StageError),
    /// The officer withdrew the lead: it is restored first.
    Withdrawn,
}

/// A manager moving a lead through the pipeline ([`domain::Pipeline::apply`] decides).
pub async fn change_stage(db: &Db, manager: &User, lead_id: &str, change: &StageChange) -> Result<i64, EditError<StageRefusal>> {
    edit(db, manager, lead_id, |lead| {
        if lead.withdrawn.is_some() {
            return Err(StageRefusal::Withdrawn);
        }
        let pipeline = lead.pipeline.apply(change).map_err(StageRefusal::Rule)?;
        Ok(Lead { pipeline, ..lead.clone() })
    })
    .await
}

/// Why a restore was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct NotWithdrawn;

/// A manager restoring a lead its officer withdrew: it is back in the workspace's lists and
/// figures, and on the officer's tablets at their next sync.
pub async fn restore(db: &Db, manager: &User, lead_id: &str) -> Result<i64, EditError<NotWithdrawn>> {
    edit(db, manager, lead_id, |lead| match lead.withdrawn {
        Some(_) => Ok(Lead { withdrawn: None, ..lead.clone() }),
        None => Err(NotWithdrawn),
    })
    .await
}
