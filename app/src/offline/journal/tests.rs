use super::*;
use chrono::TimeZone;
use domain::{Consent, Lead, LeadDraft, LeadMeta};

fn lead_at(company: &str, second: u32) -> Lead {
    let at = chrono::Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, second).unwrap();
    let draft = LeadDraft {
        company_name: company.into(),
        contact_name: "王芳".into(),
        mobile: "13800138000".into(),
        consent: Some(Consent { text_version: "v1".into(), given_at: at }),
        ..LeadDraft::default()
    };
    draft.parse(LeadMeta { id: LeadId::new(), captured_at: at, updated_at: at, captured_by: String::new(), device_id: "t".into() }).unwrap()
}

fn edited(lead: &Lead, notes: &str, second: u32) -> Lead {
    let mut after = lead.clone();
    after.notes = Some(notes.into());
    after.updated_at = chrono::Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, second).unwrap();
    after
}

/// The line a save writes: the record and the change it queued.
fn put(lead: &Lead, previous: Option<&LeadRecord>) -> JournalLine {
    JournalLine::Put { record: LeadRecord::new(lead.clone()), entry: OutboxEntry::for_save(previous, lead) }
}

fn change_id(line: &JournalLine) -> String {
    match line {
        JournalLine::Put { entry: Some(entry), .. } => entry.change_id.clone(),
        _ => panic!("no change in {line:?}"),
    }
}

#[test]
fn replay_keeps_the_newest_record_and_the_unacknowledged_changes() {
    let a = lead_at("甲", 0);
    let b = lead_at("乙", 1);
    let a2 = edited(&a, "回访", 5);
    let first = put(&a, None);
    let second = put(&b, None);
    let third = put(&a2, Some(&LeadRecord::new(a.clone())));
    let acked = change_id(&first);
    let replayed = replay([first, second, third.clone(), JournalLine::Ack { change_ids: vec![acked.clone()] }]);
    assert_eq!(replayed.records.len(), 2);
    assert_eq!(replayed.records[&a.id].lead.notes.as_deref(), Some("回访"));
    assert!(!replayed.entries.contains_key(&acked));
    assert!(replayed.entries.contains_key(&change_id(&third)));
    assert_eq!(replayed.entries.len(), 2);
}

#[test]
fn acknowledged_versions_are_recorded_without_copying_the_lead_again() {
    let (a, b) = (lead_at("甲", 0), lead_at("乙", 1));
    let versions = |v: u64| JournalLine::Versions { versions: [(a.id, v), (b.id, v)].into_iter().collect() };
    let replayed = replay([put(&a, None), versions(3), versions(2)]);
    assert_eq!(replayed.records[&a.id].server_version, 3, "a version never goes back");
    assert!(!replayed.records.contains_key(&b.id), "a version alone does not make a lead");
}

#[test]
fn a_delete_forgets_the_lead_and_its_changes() {
    let a = lead_at("甲", 0);
    let replayed = replay([put(&a, None), JournalLine::Delete { id: a.id }]);
    assert_eq!(replayed, Replayed::default());
}

#[test]
fn an_older_copy_written_later_does_not_replace_a_newer_one() {
    let a = lead_at("甲", 0);
    let a2 = edited(&a, "回访", 5);
    let replayed = replay([put(&a2, None), JournalLine::Put { record: LeadRecord::new(a.clone()), entry: None }]);
    assert_eq!(replayed.records[&a.id].lead, a2);
}

#[test]
fn an_emptied_database_gets_every_lead_and_change_back() {
    let leads: Vec<Lead> = (0..5).map(|i| lead_at(&format!("公司{i}"), i)).collect();
    let lines: Vec<JournalLine> = leads.iter().map(|l| put(l, None)).collect();
    let restore = restore(replay(lines), &Held::default());
    assert_eq!(restore.records.len(), 5);
    assert_eq!(restore.entries.len(), 5);
}

#[test]
fn a_database_that_holds_everything_needs_nothing_written() {
    let a = lead_at("甲", 0);
    let line = put(&a, None);
    let held = Held {
        leads: [(a.id, LeadRecord::new(a.clone()).updated_at)].into_iter().collect(),
        change_ids: [change_id(&line)].into_iter().collect(),
    };
    assert!(restore(replay([line]), &held).is_empty());
}

#[test]
fn a_change_acknowledged_in_the_database_but_not_in_the_journal_is_not_resurrected_as_newer() {
    // The database took the answer (the change left the outbox); the journal's ack line was lost.
    let a = lead_at("甲", 0);
    let line = put(&a, None);
    let held = Held { leads: [(a.id, LeadRecord::new(a.clone()).updated_at)].into_iter().collect(), change_ids: BTreeSet::new() };
    assert!(restore(replay([line]), &held).is_empty());
}

#[test]
fn a_save_the_database_failed_to_commit_is_written_back_with_its_change() {
    let a = lead_at("甲", 0);
    let a2 = edited(&a, "回访", 5);
    let first = put(&a, None);
    let second = put(&a2, Some(&LeadRecord::new(a.clone())));
    let held = Held {
        leads: [(a.id, LeadRecord::new(a.clone()).updated_at)].into_iter().collect(),
        change_ids: [change_id(&first)].into_iter().collect(),
    };
    let restore = restore(replay([first, second.clone()]), &held);
    assert_eq!(restore.records.iter().map(|r| r.lead.clone()).collect::<Vec<_>>(), vec![a2]);
    assert_eq!(restore.entries.iter().map(|e| e.change_id.clone()).collect::<Vec<_>>(), vec![change_id(&second)]);
}

#[test]
fn lines_round_trip_through_json() {
    let a = lead_at("甲", 0);
    let versions = JournalLine::Versions { versions: [(a.id, 7)].into_iter().collect() };
    for line in [put(&a, None), JournalLine::Delete { id: a.id }, JournalLine::Ack { change_ids: vec!["x".into()] }, versions] {
        let json = serde_json::to_string(&line).unwrap();
        assert!(!json.contains('\n'), "one line per entry");
        assert_eq!(serde_json::from_str::<JournalLine>(&json).unwrap(), line);
    }
}
