//! Merging two duplicate leads, in one transaction. The lead captured first survives (its referrer
//! keeps the credit) and takes the fields it lacks from the other (`domain::duplicates::merge`);
//! the other is dropped with a reason naming the survivor. Both get new versions and places in the
//! change sequence, so both officers' tablets see the outcome; the trail records every change.

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

    let merged = domain::duplicates::merge(&keep.lead, &absorb.lead);
    let mut entries = crate::web_edit::record(&mut keep, merged, first_seq, manager, &at)?;
    entries.push(HistoryEntry::web(&keep.lead.id.to_string(), manager.id, "merged", None, Some(absorb.lead.id.to_string()), &at));

    let today = domain::time::now().with_timezone(&domain::time::shanghai()).date_naive();
    let drop = StageChange {
        to: PipelineStage::Dropped,
        on: today,
        reason: reason(&keep.lead),
        signing: None,
        actual_to_date: None,
        funds_on: None,
    };
    let dropped = if absorb.lead.pipeline.stage == PipelineStage::Dropped {
        let mut p = absorb.lead.pipeline.clone();
        p.reason = Some(drop.reason.clone());
        p
    } else {
        absorb.lead.pipeline.apply(&drop).unwrap_or_else(|_| absorb.lead.pipeline.clone())
    };
    let absorbed = Lead { pipeline: dropped, ..absorb.lead.clone() };
    entries.extend(crate::web_edit::record(&mut absorb, absorbed, first_seq + 1, manager, &at)?);

    leads::update(&mut tx, &keep).await?;
    leads::update(&mut tx, &absorb).await?;
    duplicates::record_merge(&mut tx, &absorb.lead.id.to_string(), &keep.lead.id.to_string(), manager.id).await?;
    history::insert(&mut tx, &entries).await?;
    tx.commit().await?;
    turn.committed();
    Ok(keep.lead.id.to_string())
}
