//! The end of a lead's life on the tablets: a delete on one tablet is a withdrawal the server
//! keeps, that reaches every tablet of the officer (one offline meanwhile too) and that no pull
//! undoes; a lead that has become a project cannot be withdrawn from a tablet; a manager restores
//! a withdrawn lead, and it comes back. Simulated tablets (the real outbox code) over real HTTP.

mod common;

use common::device::Device;
use common::{cookie, lead, no_redirects, signed, spawn_app, user_with_session, TestApp};
use domain::sync::RejectReason;
use domain::{LeadId, PipelineStage};
use server::db::users::Role;

async fn page(app: &TestApp, token: &str, path: &str) -> String {
    app.client.get(app.url(path)).header("cookie", cookie(token)).send().await.unwrap().text().await.unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    no_redirects()
        .post(app.url(path))
        .header("cookie", cookie(token))
        .header("origin", &app.base)
        .form(&signed(token, fields))
        .send()
        .await
        .unwrap()
}

async fn stored(app: &TestApp, id: LeadId) -> server::db::leads::StoredLead {
    let mut conn = app.db.pool.acquire().await.unwrap();
    server::db::leads::find(&mut conn, &id.to_string()).await.unwrap().expect("the server keeps the lead")
}

#[tokio::test]
async fn a_delete_reaches_every_tablet_of_the_officer_and_no_pull_brings_it_back() {
    let app = spawn_app().await;
    let token = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let (mut tablet, mut other) = (Device::new("tablet-a", &token), Device::new("tablet-b", &token));
    let (kept, gone) = (lead("天府食品有限公司"), lead("重复录入的公司"));
    tablet.save(kept.clone());
    tablet.save(gone.clone());
    tablet.sync(&app.base).await.unwrap();
    other.sync(&app.base).await.unwrap();
    assert_eq!(other.shown().len(), 2, "the second tablet has both");

    // Deleted on the first tablet; the second is offline all the while, and edits the lead.
    tablet.withdraw(gone.id, "wang.officer").expect("a fresh lead can be withdrawn");
    assert_eq!(tablet.shown().len(), 1, "gone from the list at once");
    tablet.sync(&app.base).await.unwrap();
    assert_eq!((tablet.pending(), tablet.records.len()), (0, 1), "acknowledged: the record is gone too");
    let withdrawal = stored(&app, gone.id).await.lead.withdrawn.expect("the server records the withdrawal");
    assert_eq!(withdrawal.by, "wang.officer");

    let mut edited = other.records[&gone.id].lead.clone();
    edited.notes = Some("展会后回访".into());
    other.save(edited);
    other.sync(&app.base).await.unwrap();
    assert_eq!(other.pending(), 0);
    assert!(!other.records.contains_key(&gone.id), "the tombstone took the lead off the second tablet");
    assert!(stored(&app, gone.id).await.lead.withdrawn.is_some(), "an edit from another tablet does not undo the withdrawal");

    // Later syncs, and a tablet syncing for the first time, never bring it back.
    tablet.sync(&app.base).await.unwrap();
    let mut fresh = Device::new("tablet-c", &token);
    fresh.sync(&app.base).await.unwrap();
    for device in [&tablet, &other, &fresh] {
        assert_eq!(device.shown().iter().map(|l| l.id).collect::<Vec<_>>(), vec![kept.id], "{}", device.id);
        assert!(!device.records.contains_key(&gone.id), "{}", device.id);
    }

    // The workspace: out of the list and the export, on the list of withdrawn leads.
    let list = page(&app, &manager, "/manage/leads").await;
    assert!(list.contains("天府食品有限公司") && !list.contains("重复录入的公司"), "the withdrawn lead is out of the list");
    let csv = page(&app, &manager, "/manage/export/leads.csv").await;
    assert!(!csv.contains("重复录入的公司"), "and out of the export");
    let withdrawn = page(&app, &manager, "/manage/withdrawn").await;
    assert!(withdrawn.contains("重复录入的公司") && withdrawn.contains("wang.officer"), "listed with who withdrew it");

    // A manager restores it: back in the list, and on the officer's tablets at their next sync.
    let lead_page = page(&app, &manager, &format!("/manage/leads/{}", gone.id)).await;
    assert!(lead_page.contains("data-testid=\"lead-withdrawn\""), "its page says it is withdrawn");
    let restored = post(&app, &manager, &format!("/manage/leads/{}/restore", gone.id), &[]).await;
    assert_eq!(restored.status(), 303);
    assert!(stored(&app, gone.id).await.lead.withdrawn.is_none());
    assert!(page(&app, &manager, "/manage/leads").await.contains("重复录入的公司"));
    assert!(page(&app, &manager, "/manage/withdrawn").await.contains("data-testid=\"withdrawn-empty\""));
    for device in [&mut tablet, &mut other] {
        device.sync(&app.base).await.unwrap();
        let back = device.records.get(&gone.id).unwrap_or_else(|| panic!("{}: restored lead back", device.id));
        assert_eq!(back.lead.notes.as_deref(), Some("展会后回访"), "with every change made meanwhile");
    }
    let mut conn = app.db.pool.acquire().await.unwrap();
    let trail = server::db::history::for_lead(&mut conn, &gone.id.to_string()).await.unwrap();
    let withdrawals: Vec<_> = trail.iter().filter(|e| e.attr == "withdrawn").map(|e| e.source).collect();
    assert_eq!(withdrawals, ["sync", "web"], "the trail holds the withdrawal and the restore");
}

#[tokio::test]
async fn a_lead_that_became_a_project_cannot_be_withdrawn_from_a_tablet() {
    let app = spawn_app().await;
    let token = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let mut tablet = Device::new("tablet-a", &token);
    let project = lead("天府食品有限公司");
    tablet.save(project.clone());
    tablet.sync(&app.base).await.unwrap();

    // The tablet's own rule, once it knows the stage.
    let moved = post(&app, &manager, &format!("/manage/leads/{}/stage", project.id), &[("to", "negotiating"), ("on", "2026-10-01")]).await;
    assert_eq!(moved.status(), 303);
    let mut late = Device::new("tablet-late", &token);
    late.records = tablet.records.clone();
    late.cursor = tablet.cursor;
    tablet.sync(&app.base).await.unwrap();
    assert_eq!(tablet.withdraw(project.id, "wang.officer"), Err(app::offline::outbox::NotWithdrawable::Stage(PipelineStage::Negotiating)));

    // A tablet that had not heard of the stage yet: the server refuses, and keeps the project.
    late.withdraw(project.id, "wang.officer").expect("its copy is still a fresh lead");
    late.sync(&app.base).await.unwrap();
    assert_eq!(late.refused.len(), 1);
    assert_eq!(late.refused[0].rejected, Some(RejectReason::NotWithdrawable { stage: PipelineStage::Negotiating }));
    let back = &late.records[&project.id].lead;
    assert!(back.withdrawn.is_none() && back.pipeline.stage == PipelineStage::Negotiating, "the pull put the project back: {back:?}");
    assert!(stored(&app, project.id).await.lead.withdrawn.is_none());
}

#[tokio::test]
async fn a_lead_deleted_before_its_first_sync_leaves_nothing_on_the_server() {
    let app = spawn_app().await;
    let token = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let mut tablet = Device::new("tablet-a", &token);
    let typo = lead("录错的公司");
    tablet.save(typo.clone());
    tablet.withdraw(typo.id, "wang.officer").unwrap();
    assert_eq!(tablet.pending(), 1, "only the withdrawal is queued");
    tablet.sync(&app.base).await.unwrap();
    assert_eq!((tablet.pending(), tablet.records.len()), (0, 0));
    let mut conn = app.db.pool.acquire().await.unwrap();
    assert!(server::db::leads::find(&mut conn, &typo.id.to_string()).await.unwrap().is_none(), "never stored");

    // Its creation reached the server, but the answer was lost: the withdrawal still holds.
    let mut lost = Device::new("tablet-b", &token);
    let reached = lead("应答丢失的公司");
    lost.save(reached.clone());
    let mut replay = Device::new("tablet-b", &token);
    replay.save(reached.clone());
    replay.sync(&app.base).await.unwrap();
    lost.withdraw(reached.id, "wang.officer").unwrap();
    lost.sync(&app.base).await.unwrap();
    assert_eq!(lost.pending(), 0);
    assert!(stored(&app, reached.id).await.lead.withdrawn.is_some());
}
