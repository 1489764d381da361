//! The workspace's changes to stored leads (a stage moved, a lead corrected, a value put back from
//! the trail, a withdrawn lead restored, leads handed to another officer, a duplicate merged),
//! each in one transaction of the writers' turn, as sync batches take it: one write path for
//! leads. The lead gets a new version and a new place in the change sequence, so the owning
//! officer's tablets pull it on their next sync; each changed attribute gets the new version (so
//! a tablet's edit based on an older one is merged, not taken whole) and an entry in the trail,
//! recorded as a web change.

use domain::correction::CorrectionForm;
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
/// of `user`; returns the lead's new version (its version as it was when nothing changed: then
/// nothing is written).
pub async fn edit<E>(db: &Db, user: &User, lead_id: &str, change: impl FnOnce(&Lead) -> Result<Lead, E>) -> Result<i64, EditError<E>> {
    let mut turn = db.writer_turn().await;
    let mut tx = turn.begin().await?;
    // First statement: takes the write lock, so the sequence number is in commit order.
    let seq = leads::take_sequence(&mut tx, 1).await?;
    let mut stored = leads::find(&mut tx, lead_id).await?.ok_or(EditError::NotFound)?;
    let next = change(&stored.lead).map_err(EditError::Refused)?;
    if stored.lead.changed_attrs(&next).is_empty() {
        return Ok(stored.version);
    }
    let entries = record(&mut stored, next, seq, user, &now_text())?;
    leads::update(&mut tx, &stored).await?;
    history::insert(&mut tx, &entries).await?;
    tx.commit().await?;
    turn.committed();
    Ok(stored.version)
}

/// Which leads a reassignment hands over.
#[derive(Clone, Copy, Debug)]
pub enum Handed<'a> {
    /// One lead, by id.
    Lead(&'a str),
    /// Every lead of this officer (one who is leaving, say), withdrawn ones too.
    AllOf(i64),
}

/// Why a reassignment was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum ReassignRefusal {
    /// Leads go to an officer whose account is enabled.
    NotAnActiveOfficer,
}

/// What a reassignment did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reassigned {
    /// Leads that now belong to the new officer.
    pub moved: usize,
    /// Leads left where they were: their stored row cannot be read (`db::unreadable`).
    pub unreadable: usize,
}

/// A manager handing leads to the officer `to`, in one transaction: each lead gets a new version
/// and place in the change sequence (the new officer's tablets pull it with its history), a trail
/// entry (`owner`, from whom to whom) and a handoff record, which takes it off the old officer's
/// tablets at their next sync (`db::handoffs`). Leads `to` already owns are left alone.
pub async fn reassign(db: &Db, manager: &User, which: Handed<'_>, to: &User) -> Result<Reassigned, EditError<ReassignRefusal>> {
    if to.role != crate::db::users::Role::Officer || to.disabled {
        return Err(EditError::Refused(ReassignRefusal::NotAnActiveOfficer));
    }
    let mut turn = db.writer_turn().await;
    let mut tx = turn.begin().await?;
    // First statement: takes the write lock (numbers are taken below, once the leads are known).
    leads::take_sequence(&mut tx, 0).await?;
    let ids = match which {
        Handed::Lead(id) => vec![id.to_owned()],
        Handed::AllOf(owner_id) => leads::ids_of_owner(&mut tx, owner_id).await?,
    };
    let found = leads::find_many(&mut tx, &ids).await?;
    if matches!(which, Handed::Lead(_)) && found.leads.is_empty() && found.unreadable.is_empty() {
        return Err(EditError::NotFound);
    }
    let mut moving: Vec<StoredLead> = found.leads.into_values().filter(|s| s.owner_id != to.id).collect();
    moving.sort_by_key(|s| s.seq);
    let done = Reassigned { moved: moving.len(), unreadable: found.unreadable.len() };
    if moving.is_empty() {
        return Ok(done);
    }
    let names = crate::db::users::names(&mut tx).await?;
    let name = |id: i64| serde_json::Value::from(names.get(&id).cloned().unwrap_or_default()).to_string();
    let first_seq = leads::take_sequence(&mut tx, moving.len() as i64).await?;
    let at = now_text();
    let (mut entries, mut handoffs) = (Vec::with_capacity(moving.len()), Vec::with_capacity(moving.len()));
    for (stored, seq) in moving.iter_mut().zip(first_seq..) {
        let id = stored.lead.id;
        entries.push(HistoryEntry::web(&id.to_string(), manager.id, OWNER, Some(name(stored.owner_id)), Some(name(to.id)), &at));
        handoffs.push(crate::db::handoffs::Handoff { lead_id: id, from: stored.owner_id, to: to.id, seq, by: manager.id });
        stored.owner_id = to.id;
        stored.version += 1;
        stored.seq = seq;
        leads::update(&mut tx, stored).await?;
    }
    history::insert(&mut tx, &entries).await?;
    crate::db::handoffs::insert(&mut tx, &handoffs, &at).await?;
    tx.commit().await?;
    turn.committed();
    Ok(done)
}

/// A contact's request, as a manager records it.
pub struct ErasureRequest<'a> {
    pub basis: crate::db::erasures::Basis,
    /// How the request came, in the manager's words.
    pub note: Option<&'a str>,
}

/// Erases the contact's personal data ([`domain::PERSONAL`]) from the lead `lead_id`, in one
/// transaction: from the lead (a new version: every tablet holding it replaces its copy at its
/// next sync), from the trail's values (`db::erasures::scrub_trail`), with a record of who asked
/// and when. The workspace's index drops them after the commit, as for any change. `by` is
/// `None` for the retention rule. Erasing an erased lead again only records the request.
pub async fn erase(
    db: &Db,
    by: Option<&User>,
    lead_id: &str,
    request: ErasureRequest<'_>,
) -> Result<i64, EditError<std::convert::Infallible>> {
    use crate::db::erasures;
    let mut turn = db.writer_turn().await;
    let mut tx = turn.begin().await?;
    let seq = leads::take_sequence(&mut tx, 1).await?;
    let mut stored = leads::find(&mut tx, lead_id).await?.ok_or(EditError::NotFound)?;
    let (now, at) = (domain::time::now(), now_text());
    let who = by.map_or("retention", |u| u.username.as_str());
    let next = stored.lead.erased(now, who);
    let created = erasures::created(&mut tx, lead_id).await?.map(|first| first.erased(now, who));
    // The lead's own JSON is written whole (`leads::update`): a lead still as first stored would
    // otherwise be read from the `created` entry, which is replaced here.
    let changed = stored.lead.changed_attrs(&next);
    stored.version += 1;
    stored.seq = seq;
    for attr in &changed {
        stored.attr_versions.insert(*attr, stored.version);
    }
    let user_id = by.map_or(stored.owner_id, |u| u.id);
    let entry = HistoryEntry::web(lead_id, user_id, LeadAttr::Erased.name(), None, Some(json(&next)?["erased"].to_string()), &at);
    stored.lead = next;
    leads::update(&mut tx, &stored).await?;
    let created = match created {
        Some(lead) => serde_json::to_string(&lead).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
        None => serde_json::to_string(&stored.lead).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
    };
    erasures::scrub_trail(&mut tx, lead_id, &created).await?;
    history::insert(&mut tx, &[entry]).await?;
    let record = erasures::ErasureRecord {
        basis: request.basis,
        note: request.note.map(str::trim).filter(|n| !n.is_empty()).map(|n| n.chars().take(200).collect()),
        recorded_by: by.map(|u| u.id),
        at,
    };
    erasures::insert(&mut tx, lead_id, &record).await?;
    // The card's photos are the contact's personal data too.
    crate::db::photos::delete_of_lead(&mut tx, lead_id).await?;
    tx.commit().await?;
    turn.committed();
    Ok(stored.version)
}

/// The retention rule: erases the personal data of every lead with no change for `years` years
/// (the server's last write of it); returns how many.
pub async fn erase_inactive(db: &Db, years: u32) -> Result<usize, sqlx::Error> {
    let cutoff = domain::time::now() - chrono::Duration::days(365 * i64::from(years)) - chrono::Duration::days(i64::from(years / 4));
    let ids = {
        let mut conn = db.pool.acquire().await?;
        leads::idle_since(&mut conn, &domain::time::rfc3339::format(cutoff)).await?
    };
    let mut erased = 0;
    for id in ids {
        let request = ErasureRequest { basis: crate::db::erasures::Basis::Retention, note: None };
        match erase(db, None, &id, request).await {
            Ok(_) => erased += 1,
            Err(EditError::Db(e)) => return Err(e),
            Err(EditError::NotFound | EditError::Refused(_)) => {}
        }
    }
    Ok(erased)
}

/// The trail's name for a lead's owner changing hands (not an attribute of the lead: the server
/// keeps who owns it beside it).
pub const OWNER: &str = "owner";

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

/// Why a manager's correction was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CorrectionRefusal {
    /// Fields the capture form's rules refuse.
    Invalid(Vec<domain::FieldError>),
    /// The officer withdrew the lead: it is restored first.
    Withdrawn,
}

/// What the manager's form said, and what it showed when it was opened.
pub struct Correction<'a> {
    pub form: &'a CorrectionForm,
    /// The form as it was shown: what the manager changed is what differs from it. `None` (a
    /// client that sends no such thing) takes the whole form.
    pub shown: Option<&'a CorrectionForm>,
}

/// A manager correcting a lead's attributes. Only the attributes the manager changed are taken,
/// as a tablet's change is merged: an officer's edit of another attribute made meanwhile stays.
pub async fn correct(db: &Db, manager: &User, lead_id: &str, correction: Correction<'_>) -> Result<i64, EditError<CorrectionRefusal>> {
    let at = domain::time::now();
    edit(db, manager, lead_id, |lead| {
        if lead.withdrawn.is_some() {
            return Err(CorrectionRefusal::Withdrawn);
        }
        let typed = correction.form.apply(lead, at).map_err(CorrectionRefusal::Invalid)?;
        let changed = match correction.shown.map(|shown| shown.apply(lead, at)) {
            Some(Ok(as_shown)) => as_shown.changed_attrs(&typed),
            _ => lead.changed_attrs(&typed),
        };
        let mut next = lead.clone();
        next.take_attrs(&typed, &changed);
        next.updated_at = typed.updated_at;
        next.normalized().map_err(CorrectionRefusal::Invalid)
    })
    .await
}

/// Why a value of the trail could not be put back.
#[derive(Debug, PartialEq, Eq)]
pub enum RevertRefusal {
    /// No such entry of this lead, or one with no attribute value to put back.
    NoValue,
    /// The value no longer passes the rules (they changed since), or the lead is withdrawn.
    Invalid,
}

/// The attributes whose earlier values a manager may put back from the trail: the officer's.
pub fn revertible(attr: &str) -> Option<LeadAttr> {
    LeadAttr::ALL.iter().copied().find(|a| a.name() == attr && !matches!(a, LeadAttr::Pipeline | LeadAttr::Withdrawn | LeadAttr::Consent))
}

/// Puts back the value the trail's entry `entry_id` replaced (an overwritten value, or a
/// correction to undo), as a web change of that one attribute.
pub async fn revert(db: &Db, manager: &User, lead_id: &str, entry_id: i64) -> Result<i64, EditError<RevertRefusal>> {
    let entry = {
        let mut conn = db.pool.acquire().await?;
        history::entry(&mut conn, lead_id, entry_id).await?
    };
    let Some((attr, Some(old))) = entry.and_then(|e| revertible(&e.attr).map(|a| (a, e.old_value))) else {
        return Err(EditError::Refused(RevertRefusal::NoValue));
    };
    let old: serde_json::Value = serde_json::from_str(&old).map_err(|_| EditError::Refused(RevertRefusal::NoValue))?;
    edit(db, manager, lead_id, |lead| {
        if lead.withdrawn.is_some() {
            return Err(RevertRefusal::Invalid);
        }
        let mut json = json(lead).map_err(|_| RevertRefusal::Invalid)?;
        json[attr.name()] = old;
        let mut back: Lead = serde_json::from_value(json).map_err(|_| RevertRefusal::Invalid)?;
        back.updated_at = back.updated_at.max(domain::time::now());
        back.normalized().map_err(|_| RevertRefusal::Invalid)
    })
    .await
}

/// An administrator folding the event name `from` (typed on tablets) into the listed event
/// `to`: every lead carrying `from`, withdrawn ones too, gets `to` as a web change in one
/// transaction, and the officers' tablets pull the new name at their next sync. Returns how many
/// leads changed.
pub async fn fold_event(db: &Db, admin: &User, from: &str, to: &domain::event::Event) -> Result<usize, sqlx::Error> {
    let mut turn = db.writer_turn().await;
    let mut tx = turn.begin().await?;
    // First statement: takes the write lock (numbers are taken below, once the leads are known).
    leads::take_sequence(&mut tx, 0).await?;
    let ids = crate::db::events::lead_ids_with(&mut tx, from).await?;
    let found = leads::find_many(&mut tx, &ids).await?;
    let mut folding: Vec<StoredLead> = found.leads.into_values().collect();
    folding.sort_by_key(|s| s.seq);
    if folding.is_empty() {
        return Ok(0);
    }
    let first_seq = leads::take_sequence(&mut tx, folding.len() as i64).await?;
    let at = now_text();
    let mut entries = Vec::with_capacity(folding.len());
    for (stored, seq) in folding.iter_mut().zip(first_seq..) {
        let next = Lead { event: Some(to.name.clone()), ..stored.lead.clone() };
        entries.extend(record(stored, next, seq, admin, &at)?);
        leads::update(&mut tx, stored).await?;
    }
    history::insert(&mut tx, &entries).await?;
    tx.commit().await?;
    turn.committed();
    Ok(folding.len())
}
