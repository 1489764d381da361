use super::*;
use chrono::TimeZone;
use domain::{Consent, LeadDraft, LeadMeta};

fn lead(company: &str) -> Lead {
    let at = chrono::Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, 0).unwrap();
    let draft = LeadDraft {
        company_name: company.into(),
        contact_name: "王芳".into(),
        mobile: "13800138000".into(),
        consent: Some(Consent { text_version: "v1".into(), given_at: at }),
        ..LeadDraft::default()
    };
    draft.parse(LeadMeta { id: LeadId::new(), captured_at: at, updated_at: at, captured_by: String::new(), device_id: "t".into() }).unwrap()
}

fn synced(lead: &Lead, version: u64) -> LeadRecord {
    let mut record = LeadRecord::new(lead.clone());
    record.server_version = version;
    record
}

#[test]
fn a_new_lead_queues_every_attribute_on_base_zero() {
    let new = lead("甲");
    let entry = OutboxEntry::for_save(None, &new).unwrap();
    assert_eq!(entry.change.base_version, 0);
    assert_eq!(entry.change.changed, LeadAttr::ALL.to_vec());
    assert_eq!(entry.change_id, entry.change.change_id.to_string());
}

#[test]
fn an_edit_of_a_synced_lead_queues_only_what_changed() {
    let before = lead("甲");
    let mut after = before.clone();
    after.notes = Some("回访".into());
    let entry = OutboxEntry::for_save(Some(&synced(&before, 4)), &after).unwrap();
    assert_eq!(entry.change.base_version, 4);
    assert_eq!(entry.change.changed, vec![LeadAttr::Notes]);
    assert_eq!(OutboxEntry::for_save(Some(&synced(&before, 4)), &before), None, "nothing changed, nothing queued");
}

#[test]
fn an_edit_before_the_first_sync_still_sends_the_whole_lead() {
    let before = lead("甲");
    let mut after = before.clone();
    after.notes = Some("回访".into());
    let entry = OutboxEntry::for_save(Some(&synced(&before, 0)), &after).unwrap();
    assert_eq!((entry.change.base_version, entry.change.changed.len()), (0, LeadAttr::ALL.len()));
}

#[test]
fn batches_skip_rejected_changes_and_keep_queue_order() {
    let mut entries: Vec<OutboxEntry> = ["甲", "乙", "丙"].iter().map(|c| OutboxEntry::for_save(None, &lead(c)).unwrap()).collect();
    entries[0].queued_at = "2026-09-20T02:00:03.000Z".into();
    entries[1].queued_at = "2026-09-20T02:00:01.000Z".into();
    entries[2].queued_at = "2026-09-20T02:00:02.000Z".into();
    entries[2].rejected = Some(RejectReason::NotYourLead);
    let batch = next_batch(&entries, 10);
    assert_eq!(batch.iter().map(|e| e.change.lead.company_name.as_str()).collect::<Vec<_>>(), vec!["乙", "甲"]);
    assert_eq!(next_batch(&entries, 1).len(), 1);
}

#[test]
fn saves_in_the_same_millisecond_are_sent_in_the_order_they_were_made() {
    let first = lead("甲");
    let mut entries = Vec::new();
    let mut previous = synced(&first, 1);
    for title in ["总经理", "董事长", "投资总监", "副总裁", "财务总监", "厂长", "主任", "经理"] {
        let mut edited = previous.lead.clone();
        edited.contact_title = Some(title.into());
        let mut entry = OutboxEntry::for_save(Some(&previous), &edited).unwrap();
        entry.queued_at = "2026-09-20T02:00:00.000Z".into();
        entries.push(entry);
        previous = synced(&edited, 1);
    }
    // However the store happens to return them (it keys them by change id).
    entries.reverse();
    let sent: Vec<String> = next_batch(&entries, 10).into_iter().map(|e| e.change.lead.contact_title.clone().unwrap()).collect();
    assert_eq!(sent, vec!["总经理", "董事长", "投资总监", "副总裁", "财务总监", "厂长", "主任", "经理"], "the last save is applied last");
}

#[test]
fn answers_sort_into_done_rejected_and_versions() {
    let (a, b) = (lead("甲"), lead("乙"));
    let result =
        |lead: &Lead, status, version| ChangeResult { change_id: uuid::Uuid::new_v4(), lead_id: lead.id, status, version, reason: None };
    let mut rejected = result(&b, ChangeStatus::Rejected, None);
    rejected.reason = Some(RejectReason::NotYourLead);
    let results = vec![
        result(&a, ChangeStatus::Applied, Some(1)),
        result(&a, ChangeStatus::Merged, Some(3)),
        result(&a, ChangeStatus::Duplicate, Some(2)),
        rejected.clone(),
    ];
    let ack = acknowledge(&results);
    assert_eq!(ack.done.len(), 3);
    assert_eq!(ack.rejected, vec![(rejected.change_id.to_string(), RejectReason::NotYourLead)]);
    assert_eq!(ack.versions.get(&a.id), Some(&3));
    assert_eq!(ack.versions.get(&b.id), None);
}

#[test]
fn pulled_leads_replace_the_tablets_copy_unless_changes_are_waiting() {
    let local = lead("甲");
    let mut on_server = local.clone();
    on_server.contact_title = Some("总经理".into());
    let server = ServerLead { version: 5, lead: on_server.clone() };

    let replaced = merge_pulled(Some(&synced(&local, 3)), false, &server).unwrap();
    assert_eq!((replaced.lead.contact_title.as_deref(), replaced.server_version), (Some("总经理"), 5));

    let kept = merge_pulled(Some(&synced(&local, 3)), true, &server).unwrap();
    assert_eq!((kept.lead.contact_title, kept.server_version), (None, 5), "the officer's unsent edit stays");

    assert_eq!(merge_pulled(Some(&synced(&on_server, 5)), false, &server), None, "already up to date");
    let fresh = merge_pulled(None, false, &server).unwrap();
    assert_eq!(fresh.server_version, 5);
}

/// What the store reads for a round that sent `sent`, all still queued, with the tablet's
/// `local` records.
fn state<'a>(sent: &'a [OutboxEntry], refused: &'a [OutboxEntry], local: &[LeadRecord]) -> RoundState<'a> {
    let mut queued_per_lead = BTreeMap::new();
    for entry in sent {
        *queued_per_lead.entry(entry.change.lead.id).or_insert(0) += 1;
    }
    RoundState {
        sent,
        still_queued: sent.iter().map(|e| e.change_id.clone()).collect(),
        refused,
        local: local.iter().map(|r| (r.lead.id, r.clone())).collect(),
        versions: BTreeMap::new(),
        queued_per_lead,
        gone: &[],
    }
}

fn answer(entry: &OutboxEntry, status: ChangeStatus, version: Option<u64>, reason: Option<RejectReason>) -> ChangeResult {
    ChangeResult { change_id: entry.change.change_id, lead_id: entry.change.lead.id, status, version, reason }
}

#[test]
fn a_plan_removes_acknowledged_refuses_refused_and_stores_versions_and_pulls() {
    let (a, b, c) = (lead("甲"), lead("乙"), lead("丙"));
    let entries: Vec<OutboxEntry> = [&a, &b, &c].iter().map(|l| OutboxEntry::for_save(None, l).unwrap()).collect();
    let local = [synced(&a, 0), synced(&b, 0)];
    let results = vec![
        answer(&entries[0], ChangeStatus::Applied, Some(1), None),
        answer(&entries[1], ChangeStatus::Rejected, None, Some(RejectReason::NotYourLead)),
        answer(&entries[2], ChangeStatus::Applied, Some(4), None),
    ];
    let mut a_on_server = a.clone();
    a_on_server.captured_by = "li.wei".into();
    let mut round = state(&entries, &[], &local);
    round.versions.insert(c.id, 0);
    let plan = plan(&round, &acknowledge(&results), &[ServerLead { version: 1, lead: a_on_server.clone() }]);

    assert_eq!(plan.remove, vec![entries[0].change_id.clone(), entries[2].change_id.clone()]);
    assert_eq!(plan.refuse.len(), 1);
    assert_eq!((&plan.refuse[0].change_id, &plan.refuse[0].rejected), (&entries[1].change_id, &Some(RejectReason::NotYourLead)));
    assert_eq!(plan.dequeued(), 3);
    assert_eq!(plan.records.len(), 1);
    assert_eq!((plan.records[0].server_version, &plan.records[0].lead), (1, &a_on_server), "pulled: the server's copy");
    assert_eq!(plan.versions_only, [(c.id, 4)].into_iter().collect(), "acknowledged: only the new version");
    assert_eq!(plan.changed, vec![a_on_server]);
}

#[test]
fn a_change_no_longer_queued_is_neither_removed_nor_refused_again() {
    // The officer deleted the lead while its change was on its way.
    let a = lead("甲");
    let entries = vec![OutboxEntry::for_save(None, &a).unwrap(), OutboxEntry::for_save(None, &lead("乙")).unwrap()];
    let mut gone = state(&entries, &[], &[]);
    gone.still_queued.clear();
    let results = vec![
        answer(&entries[0], ChangeStatus::Applied, Some(1), None),
        answer(&entries[1], ChangeStatus::Rejected, None, Some(RejectReason::NotYourLead)),
    ];
    let plan = plan(&gone, &acknowledge(&results), &[]);
    assert_eq!((plan.dequeued(), plan.records.len()), (0, 0), "the pending count must not go down for them: {plan:?}");
}

#[test]
fn a_pulled_lead_with_another_change_still_queued_keeps_the_tablets_copy() {
    let a = lead("甲");
    let mut edited = a.clone();
    edited.notes = Some("回访".into());
    let sent = vec![OutboxEntry::for_save(None, &a).unwrap()];
    let mut waiting = state(&sent, &[], &[synced(&edited, 0)]);
    waiting.queued_per_lead.insert(a.id, 2);
    let results = vec![answer(&sent[0], ChangeStatus::Applied, Some(1), None)];
    let planned = plan(&waiting, &acknowledge(&results), &[ServerLead { version: 1, lead: a.clone() }]);
    assert_eq!(planned.records.len(), 1);
    assert_eq!((&planned.records[0].lead, planned.records[0].server_version), (&edited, 1), "the unsent edit stays");
    waiting.queued_per_lead.insert(a.id, 1);
    let planned = plan(&waiting, &acknowledge(&results), &[ServerLead { version: 1, lead: a.clone() }]);
    assert_eq!(&planned.records[0].lead, &a, "nothing left to send: the server's copy");
}

#[test]
fn a_save_that_changes_nothing_is_not_stored() {
    let before = lead("甲");
    let mut touched = before.clone();
    touched.updated_at += chrono::TimeDelta::seconds(5);
    assert!(!changes_anything(Some(&synced(&before, 2)), &touched));
    touched.notes = Some("回访".into());
    assert!(changes_anything(Some(&synced(&before, 2)), &touched));
    assert!(changes_anything(None, &before));
}

#[test]
fn batches_stay_under_the_body_limit() {
    let entries: Vec<OutboxEntry> = (0..500)
        .map(|i| {
            let mut big = lead(&format!("企业{i}"));
            big.notes = Some("长".repeat(2000));
            big.intended_project = Some("项".repeat(200));
            OutboxEntry::for_save(None, &big).unwrap()
        })
        .collect();
    let batch = next_batch(&entries, 500);
    assert!(batch.len() < 500 && !batch.is_empty());
    let changes: Vec<&LeadChange> = batch.iter().map(|e| &e.change).collect();
    let json = serde_json::to_string(&changes).unwrap();
    assert!(json.len() < 2 * 1024 * 1024, "{} bytes", json.len());
    assert!(json.len() <= MAX_BATCH_BYTES, "the bound is an upper bound: {} bytes", json.len());
}

#[test]
fn a_refused_change_is_settled_by_a_later_applied_change_of_the_same_lead() {
    let bad = lead("甲");
    let mut refused = OutboxEntry::for_save(None, &bad).unwrap();
    refused.rejected = Some(RejectReason::NotYourLead);
    refused.queued_at = "2026-09-20T02:00:00.000Z".into();
    let mut fixed = OutboxEntry::for_save(None, &bad).unwrap();
    fixed.queued_at = "2026-09-20T03:00:00.000Z".into();
    let (sent, refused) = (vec![fixed.clone()], vec![refused]);
    let results = vec![answer(&fixed, ChangeStatus::Applied, Some(1), None)];
    let planned = plan(&state(&sent, &refused, &[]), &acknowledge(&results), &[]);
    assert_eq!(planned.settle, vec![refused[0].change_id.clone()]);
    assert_eq!(planned.remove, vec![fixed.change_id.clone()]);
    let unrelated = plan(&state(&[], &refused, &[]), &acknowledge(&[]), &[]);
    assert!(unrelated.settle.is_empty(), "never dropped otherwise");
    let earlier = plan(&state(&sent, &refused, &[]), &acknowledge(&[]), &[]);
    assert!(earlier.settle.is_empty(), "only an applied change settles it");
}

#[test]
fn an_answer_splits_by_the_chunks_of_the_changes_it_answers() {
    let (a, b) = (lead("甲"), lead("乙"));
    let mut edit = a.clone();
    edit.notes = Some("回访".into());
    let entries =
        [OutboxEntry::for_save(None, &a).unwrap(), OutboxEntry::for_save(None, &b).unwrap(), OutboxEntry::for_save(None, &edit).unwrap()];
    let results = vec![
        answer(&entries[0], ChangeStatus::Applied, Some(1), None),
        answer(&entries[1], ChangeStatus::Rejected, None, Some(RejectReason::NotYourLead)),
        answer(&entries[2], ChangeStatus::Applied, Some(2), None),
        ChangeResult {
            change_id: uuid::Uuid::now_v7(),
            lead_id: lead("丙").id,
            status: ChangeStatus::Duplicate,
            version: Some(5),
            reason: None,
        },
    ];
    let ack = acknowledge(&results);
    let chunks: Vec<&[OutboxEntry]> = entries.chunks(2).collect();
    let parts = ack.split(&chunks);
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].done, vec![entries[0].change_id.clone()]);
    assert_eq!(parts[0].rejected.len(), 1);
    assert_eq!(
        parts[1].done,
        vec![entries[2].change_id.clone(), results[3].change_id.to_string()],
        "an answer about no sent change goes last"
    );
    assert_eq!(parts[0].versions.get(&a.id), Some(&2), "a lead in two chunks gets its newest version in both");
    assert_eq!(parts[1].versions.get(&a.id), Some(&2));
    assert_eq!(parts.iter().map(|p| p.done.len() + p.rejected.len()).sum::<usize>(), results.len(), "nothing lost, nothing twice");
}

fn at(second: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 10, 1, 8, 0, second).unwrap()
}

#[test]
fn a_delete_queues_a_withdrawal_of_only_that_attribute() {
    let a = lead("甲");
    let record = synced(&a, 3);
    let withdrawn = withdraw(&record, "li.wei", "duplicate", at(0)).expect("a fresh lead can be withdrawn");
    assert!(!withdrawn.drop_queued, "the server has the lead: earlier changes still go first");
    assert_eq!(withdrawn.lead.withdrawn.as_ref().map(|w| w.by.as_str()), Some("li.wei"));
    assert_eq!(withdrawn.lead.withdrawn.as_ref().and_then(|w| w.reason.as_deref()), Some("duplicate"), "the officer's reason goes along");
    let entry = OutboxEntry::for_save(Some(&record), &withdrawn.lead).unwrap();
    assert_eq!((entry.change.base_version, entry.change.changed.clone()), (3, vec![LeadAttr::Withdrawn]));

    // Never acknowledged: the withdrawal stands for the whole lead, its earlier changes go.
    let fresh = withdraw(&synced(&a, 0), "li.wei", "", at(0)).unwrap();
    assert!(fresh.drop_queued);
    assert_eq!(fresh.lead.withdrawn.as_ref().map(|w| w.reason.clone()), Some(None), "no reason given: none recorded");
    assert_eq!(OutboxEntry::for_save(None, &fresh.lead).unwrap().change.changed, LeadAttr::ALL.to_vec());

    let mut negotiating = record.clone();
    negotiating.lead.pipeline.stage = domain::PipelineStage::Negotiating;
    assert_eq!(withdraw(&negotiating, "li.wei", "other", at(0)), Err(NotWithdrawable::Stage(domain::PipelineStage::Negotiating)));
    let again = LeadRecord { lead: withdrawn.lead.clone(), server_version: 3, ..record.clone() };
    assert_eq!(withdraw(&again, "li.wei", "other", at(1)), Err(NotWithdrawable::Already));
}

#[test]
fn an_acknowledged_withdrawal_and_a_pulled_tombstone_purge_the_record() {
    let a = lead("甲");
    let withdrawn = withdraw(&synced(&a, 3), "li.wei", "mistake", at(0)).unwrap().lead;
    let sent = vec![OutboxEntry::for_save(Some(&synced(&a, 3)), &withdrawn).unwrap()];
    let round = state(&sent, &[], &[synced(&withdrawn, 3)]);
    let results = vec![answer(&sent[0], ChangeStatus::Applied, Some(4), None)];
    let planned = plan(&round, &acknowledge(&results), &[]);
    assert_eq!(planned.purge, vec![a.id], "nothing left to send: the record goes");
    assert!(planned.records.is_empty() && planned.versions_only.is_empty(), "{planned:?}");

    // The withdrawal of a lead the server never had is answered without a version.
    let results = vec![answer(&sent[0], ChangeStatus::Applied, None, None)];
    assert_eq!(plan(&round, &acknowledge(&results), &[]).purge, vec![a.id]);

    // Another tablet of the officer: the lead comes as a tombstone and leaves the list.
    let b = lead("乙");
    let on_server = Lead { withdrawn: withdrawn.withdrawn.clone(), ..b.clone() };
    let elsewhere = state(&[], &[], &[synced(&b, 2)]);
    let planned = plan(&elsewhere, &Acknowledgement::default(), &[ServerLead { version: 3, lead: on_server.clone() }]);
    assert_eq!((planned.purge.clone(), planned.changed.clone()), (vec![b.id], vec![on_server.clone()]));
    assert!(planned.records.is_empty());
    // A tablet that never had it stores nothing; one with an edit still to send keeps its copy
    // until the edit is through.
    let planned = plan(&state(&[], &[], &[]), &Acknowledgement::default(), &[ServerLead { version: 3, lead: on_server.clone() }]);
    assert_eq!((planned.purge.len(), planned.records.len(), planned.changed.len()), (1, 0, 0));
    let mut waiting = state(&[], &[], &[synced(&b, 2)]);
    waiting.queued_per_lead.insert(b.id, 1);
    let planned = plan(&waiting, &Acknowledgement::default(), &[ServerLead { version: 3, lead: on_server }]);
    assert!(planned.purge.is_empty());
    assert_eq!(planned.records[0].server_version, 3);

    // Restored by a manager: it comes back.
    let planned = plan(&state(&[], &[], &[]), &Acknowledgement::default(), &[ServerLead { version: 4, lead: b.clone() }]);
    assert_eq!((planned.records.len(), planned.changed.clone()), (1, vec![b]));
}

#[test]
fn a_lead_handed_to_another_officer_leaves_once_its_changes_are_through() {
    let (a, b) = (lead("甲"), lead("乙"));
    // Nothing queued: the record goes and the list drops it.
    let gone = [a.id];
    let mut round = state(&[], &[], &[synced(&a, 2)]);
    round.gone = &gone;
    let planned = plan(&round, &Acknowledgement::default(), &[]);
    assert_eq!((planned.purge.clone(), planned.handed_off.clone()), (vec![a.id], vec![a.id]));
    assert!(planned.records.is_empty() && planned.changed.is_empty(), "{planned:?}");

    // An edit made before the tablet learned is still queued (sent in a later round): kept.
    let mut edited = a.clone();
    edited.notes = Some("改过".into());
    let later = OutboxEntry::for_save(Some(&synced(&a, 2)), &edited).unwrap();
    let mut round = state(&[], &[], &[synced(&edited, 2)]);
    round.queued_per_lead.insert(a.id, 1);
    round.gone = &gone;
    let planned = plan(&round, &Acknowledgement::default(), &[]);
    assert!(planned.purge.is_empty() && planned.handed_off.is_empty(), "{planned:?}");

    // The round that sends it: its answer names the lead again, and now it goes.
    let sent = vec![later];
    let mut round = state(&sent, &[], &[synced(&edited, 2)]);
    round.gone = &gone;
    let results = vec![answer(&sent[0], ChangeStatus::Merged, Some(4), None)];
    let planned = plan(&round, &acknowledge(&results), &[]);
    assert_eq!((planned.remove.len(), planned.purge.clone()), (1, vec![a.id]));
    assert!(planned.records.is_empty() && planned.versions_only.is_empty(), "{planned:?}");

    // A lead the tablet never had (handed away before it synced) or already withdrawn: nothing
    // to show.
    let gone = [b.id];
    let mut round = state(&[], &[], &[]);
    round.gone = &gone;
    let planned = plan(&round, &Acknowledgement::default(), &[]);
    assert_eq!((planned.purge.clone(), planned.handed_off.len()), (vec![b.id], 0));
}
