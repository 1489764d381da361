//! Merging two duplicate leads, in one transaction. The lead captured first survives (its referrer
//! keeps the credit) and takes the fields it lacks from the other (`domain::duplicates::merge`);
//! the other is dropped with a reason naming the survivor. Both get new versions and places in the
//! change sequence, so both officers' tablets see the outcome; the trail records every change.

use domain::sync::LeadAttr;
use domain::{Lead, PipelineStage, StageChange};

use crate::db::history::HistoryEntry;
use crate::db::leads::StoredLead;
use crate::db::users::User;
use crate::db::{duplicates, history, leads, now_text, Db};

/// Why a merge was not made.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("no lead with this id")]
    NotFound,
    #[error("the two leads share no key: they are not duplicates")]
    NotDuplicates,
    #[error("one of the leads was merged already")]
    AlreadyMerged,
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Merges the leads `one` and `other`; `reason` is the dropped lead's reason (it gets the
/// survivor's company name appended by the caller's wording). Returns the survivor's id.
pub async fn merge(db: &Db, manager: &User, one: &str, other: &str, reason: impl Fn(&Lead) -> String) -> Result<String, MergeError> {
    // The writers' turn, as sync batches take it: one write path for leads.
    let mut turn = db.writer_turn().await;
    let mut tx = turn.begin().await?;
    let first_seq = leads::take_sequence(&mut tx, 2).await?;
    let a = leads::find(&mut tx, one).await?.ok_or(MergeError::NotFound)?;
    let b = leads::find(&mut tx, other).await?.ok_or(MergeError::NotFound)?;
    let shared = domain::duplicates::keys(&a.lead).into_iter().any(|k| domain::duplicates::keys(&b.lead).contains(&k));
    if !shared || a.lead.id == b.lead.id {
        return Err(MergeError::NotDuplicates);
    }
    let merged_already: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) AS n FROM lead_merges WHERE absorbed_id IN ($1, $2)")
            .bind(one)
            .bind(other)
            .fetch_one(&mut *tx)
            .await?,
        "n",
    )?;
    if merged_already > 0 {
        return Err(MergeError::AlreadyMerged);
    }
    let keep_id = domain::duplicates::survivor(&a.lead, &b.lead).0.id;
    let (mut keep, mut absorb): (StoredLead, StoredLead) = if keep_id == a.lead.id { (a, b) } else { (b, a) };
    let at = now_text();
    let mut entries = Vec::new();

    let merged = domain::duplicates::merge(&keep.lead, &absorb.lead);
    let changed = keep.lead.changed_attrs(&merged);
    let (old, new) = (json(&keep.lead)?, json(&merged)?);
    keep.version += 1;
    keep.seq = first_seq;
    for attr in &changed {
        keep.attr_versions.insert(*attr, keep.version);
        entries.push(HistoryEntry::web(
            &keep.lead.id.to_string(),
            manager.id,
            attr.name(),
            Some(old[attr.name()].to_string()),
            Some(new[attr.name()].to_string()),
            &at,
        ));
    }
    entries.push(HistoryEntry::web(&keep.lead.id.to_string(), manager.id, "merged", None, Some(absorb.lead.id.to_string()), &at));
    keep.lead = merged;

    let today = domain::time::now().with_timezone(&domain::time::shanghai()).date_naive();
    let drop = StageChange { to: PipelineStage::Dropped, on: today, reason: reason(&keep.lead), signing: None, actual_to_date: None };
    let dropped = if absorb.lead.pipeline.stage == PipelineStage::Dropped {
        let mut p = absorb.lead.pipeline.clone();
        p.reason = Some(drop.reason.clone());
        p
    } else {
        absorb.lead.pipeline.apply(&drop).unwrap_or_else(|_| absorb.lead.pipeline.clone())
    };
    entries.push(HistoryEntry::web(
        &absorb.lead.id.to_string(),
        manager.id,
        LeadAttr::Pipeline.name(),
        Some(json(&absorb.lead.pipeline)?.to_string()),
        Some(json(&dropped)?.to_string()),
        &at,
    ));
    absorb.version += 1;
    absorb.seq = first_seq + 1;
    absorb.attr_versions.insert(LeadAttr::Pipeline, absorb.version);
    absorb.lead.pipeline = dropped;

    leads::update(&mut tx, &keep).await?;
    leads::update(&mut tx, &absorb).await?;
    duplicates::record_merge(&mut tx, &absorb.lead.id.to_string(), &keep.lead.id.to_string(), manager.id).await?;
    history::insert(&mut tx, &entries).await?;
    tx.commit().await?;
    turn.committed();
    Ok(keep.lead.id.to_string())
}
