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
    let restore = restore(&replay(lines), &Held::default());
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
    assert!(restore(&replay([line]), &held).is_empty());
}

#[test]
fn a_change_acknowledged_in_the_database_but_not_in_the_journal_is_not_resurrected_as_newer() {
    // The database took the answer (the change left the outbox); the journal's ack line was lost.
    let a = lead_at("甲", 0);
    let line = put(&a, None);
    let held = Held { leads: [(a.id, LeadRecord::new(a.clone()).updated_at)].into_iter().collect(), change_ids: BTreeSet::new() };
    assert!(restore(&replay([line]), &held).is_empty());
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
    let restore = restore(&replay([first, second.clone()]), &held);
    assert_eq!(restore.records.iter().map(|r| r.lead.clone()).collect::<Vec<_>>(), vec![a2]);
    assert_eq!(restore.entries.iter().map(|e| e.change_id.clone()).collect::<Vec<_>>(), vec![change_id(&second)]);
}

#[test]
fn lines_round_trip_through_json() {
    let a = lead_at("甲", 0);
    let versions = JournalLine::Versions { versions: [(a.id, 7)].into_iter().collect() };
    let queue = JournalLine::Queue { entry: OutboxEntry::for_save(None, &a).unwrap() };
    for line in [put(&a, None), JournalLine::Delete { id: a.id }, JournalLine::Ack { change_ids: vec!["x".into()] }, versions, queue] {
        let json = serde_json::to_string(&line).unwrap();
        assert!(!json.contains('\n'), "one line per entry");
        assert_eq!(serde_json::from_str::<JournalLine>(&json).unwrap(), line);
    }
}

/// A snapshot file as the worker writes it: header, lines, then `tail` (the log's later lines,
/// already text), then the end line over all of that.
fn snapshot_file(seq: u64, lines: &[JournalLine], tail: &str) -> String {
    let mut text = snapshot_header(seq);
    for line in lines {
        text.push_str(&serde_json::to_string(line).unwrap());
        text.push('\n');
    }
    text.push_str(tail);
    let end = snapshot_end(seq, text.len() as u64, checksum(text.as_bytes()));
    text + &end
}

fn parse(body: &str) -> Vec<JournalLine> {
    body.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

#[test]
fn a_snapshot_replays_to_the_state_it_was_made_of_without_what_was_deleted_or_overwritten() {
    let (a, b, c) = (lead_at("甲", 0), lead_at("乙", 1), lead_at("丙", 2));
    let a2 = edited(&a, "回访", 5);
    let first = put(&a, None);
    let lines = vec![
        first.clone(),
        put(&b, None),
        put(&c, None),
        put(&a2, Some(&LeadRecord::new(a.clone()))),
        JournalLine::Ack { change_ids: vec![change_id(&first)] },
        JournalLine::Delete { id: c.id },
        JournalLine::Versions { versions: [(b.id, 4)].into_iter().collect() },
    ];
    let state = replay(lines);
    let file = snapshot_file(7, &snapshot_lines(&state), "");
    let (seq, body) = read_snapshot(&file).expect("a whole snapshot");
    assert_eq!(seq, 7);
    assert_eq!(replay(parse(body)), state);
    assert!(!body.contains(&c.id.to_string()), "a deleted lead is not in the snapshot");
    assert!(!body.contains(&change_id(&first)), "an acknowledged change is not in the snapshot");
    assert_eq!(body.lines().filter(|l| l.contains(&a.id.to_string())).count(), 2, "one copy of the lead and its one waiting change");
}

#[test]
fn the_log_written_after_the_state_was_read_follows_the_snapshot() {
    let (a, b) = (lead_at("甲", 0), lead_at("乙", 1));
    let earlier = put(&a, None);
    let state = replay([earlier.clone()]);
    let later = put(&b, None);
    let tail = serde_json::to_string(&later).unwrap() + "\n";
    let file = snapshot_file(1, &snapshot_lines(&state), &tail);
    let (_, body) = read_snapshot(&file).unwrap();
    assert_eq!(replay(parse(body)), replay([earlier, later]));
}

#[test]
fn a_snapshot_cut_short_or_changed_is_not_taken() {
    let a = lead_at("甲", 0);
    let file = snapshot_file(3, &snapshot_lines(&replay([put(&a, None)])), "");
    assert!(read_snapshot(&file).is_some());
    // Every shorter prefix (a write the crash cut off) is refused.
    for cut in (0..file.len()).filter(|i| file.is_char_boundary(*i)) {
        assert!(read_snapshot(&file[..cut]).is_none(), "cut at {cut}");
    }
    // So is a block the disk never wrote (zeros where the lines were).
    let middle = file.len() / 2;
    let holed = format!("{}{}{}", &file[..middle - 8], "\0".repeat(8), &file[middle..]);
    assert!(read_snapshot(&holed).is_none());
    assert!(read_snapshot("").is_none());
}

#[test]
fn the_newest_whole_snapshot_is_taken() {
    let (a, b) = (lead_at("甲", 0), lead_at("乙", 1));
    let older = snapshot_file(4, &snapshot_lines(&replay([put(&a, None)])), "");
    let newer = snapshot_file(5, &snapshot_lines(&replay([put(&a, None), put(&b, None)])), "");
    assert_eq!(newest_snapshot([&older, &newer]).map(|(slot, seq, _)| (slot, seq)), Some((1, 5)));
    assert_eq!(newest_snapshot([&newer, &older]).map(|(slot, seq, _)| (slot, seq)), Some((0, 5)));
    // The newer one cut short by a crash: the older one and the whole log still hold everything.
    assert_eq!(newest_snapshot([&older, &newer[..newer.len() - 3]]).map(|(slot, seq, _)| (slot, seq)), Some((0, 4)));
    assert_eq!(newest_snapshot(["", ""]), None);
}

#[test]
fn the_log_is_compacted_once_it_is_large_against_the_snapshot() {
    assert!(!should_compact(COMPACT_FROM_BYTES - 1, 0), "a small log is left alone");
    assert!(should_compact(COMPACT_FROM_BYTES, 0));
    assert!(!should_compact(COMPACT_FROM_BYTES * 2, COMPACT_FROM_BYTES * 8), "a log small against its snapshot waits");
    assert!(should_compact(COMPACT_FROM_BYTES * 4, COMPACT_FROM_BYTES * 8));
}

#[test]
fn the_checksum_is_fnv_1a() {
    // Published test vectors of 32-bit FNV-1a (the worker's JavaScript computes the same).
    assert_eq!(checksum(b""), 0x811c_9dc5);
    assert_eq!(checksum(b"a"), 0xe40c_292c);
    assert_eq!(checksum(b"foobar"), 0xbf9c_f968);
}
