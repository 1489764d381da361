//! Handing leads to another officer: a reassigned lead leaves the old officer's tablets and
//! pulls and enters the new one's, with its history; an edit the old officer made offline before
//! learning of it still applies; a departing officer's leads all move at once, after a
//! confirmation; leads go only to an enabled officer. Simulated tablets (the real outbox code)
//! over real HTTP.

mod common;

use common::device::Device;
use common::{cookie, lead, spawn_app, user_with_session, TestApp};
use domain::LeadId;
use server::db::users::Role;

async fn page(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).header("cookie", cookie(token)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn post(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    common::post_form(app, token, path, fields).await
}

async fn owner(app: &TestApp, id: LeadId) -> String {
    let mut conn = app.db.pool.acquire().await.unwrap();
    let stored = server::db::leads::find(&mut conn, &id.to_string()).await.unwrap().unwrap();
    server::db::users::find(&mut conn, stored.owner_id).await.unwrap().unwrap().username
}

#[tokio::test]
async fn a_reassigned_lead_leaves_the_old_officers_pull_and_enters_the_new_ones() {
    let app = spawn_app().await;
    let wang = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let li = user_with_session(&app.db, "li.officer", Role::Officer).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let (mut tablet, mut second) = (Device::new("wang-a", &wang), Device::new("wang-b", &wang));
    let mut new_owner = Device::new("li-a", &li);
    let (handed, kept) = (lead("天府食品有限公司"), lead("留下的公司"));
    tablet.save(handed.clone());
    tablet.save(kept.clone());
    tablet.sync(&app.base).await.unwrap();
    second.sync(&app.base).await.unwrap();
    new_owner.sync(&app.base).await.unwrap();
    assert!(new_owner.records.is_empty(), "li has none of wang's leads");

    // The second tablet is offline and edits the lead meanwhile.
    let mut edited = second.records[&handed.id].lead.clone();
    edited.notes = Some("展会后回访，已约下周".into());
    second.save(edited);

    let (status, _) = post(&app, &manager, &format!("/manage/leads/{}/reassign", handed.id), &[("to", "li.officer")]).await;
    assert_eq!(status, 303);
    assert_eq!(owner(&app, handed.id).await, "li.officer");
    let (_, lead_page) = page(&app, &manager, &format!("/manage/leads/{}?reassigned=1", handed.id)).await;
    assert!(lead_page.contains("data-testid=\"lead-notice\""), "the page says it was handed over");

    // The first tablet drops it at its next sync; the new officer's tablet gets it.
    tablet.sync(&app.base).await.unwrap();
    assert_eq!(tablet.shown().iter().map(|l| l.id).collect::<Vec<_>>(), vec![kept.id]);
    assert!(!tablet.records.contains_key(&handed.id), "the record is gone, not just hidden");
    new_owner.sync(&app.base).await.unwrap();
    assert_eq!(new_owner.shown().iter().map(|l| l.id).collect::<Vec<_>>(), vec![handed.id]);

    // The offline tablet's edit, made before it learned, still applies; then the lead leaves it.
    second.sync(&app.base).await.unwrap();
    assert_eq!((second.pending(), second.refused.len()), (0, 0), "the edit went through");
    assert!(!second.records.contains_key(&handed.id), "and the lead left the tablet");
    new_owner.sync(&app.base).await.unwrap();
    assert_eq!(new_owner.records[&handed.id].lead.notes.as_deref(), Some("展会后回访，已约下周"), "the new owner has the edit");

    // No later pull brings it back to the old officer; a fresh tablet of theirs never sees it.
    tablet.sync(&app.base).await.unwrap();
    let mut fresh = Device::new("wang-c", &wang);
    fresh.sync(&app.base).await.unwrap();
    for device in [&tablet, &second, &fresh] {
        assert!(!device.records.contains_key(&handed.id), "{}", device.id);
        assert!(device.records.contains_key(&kept.id), "{}", device.id);
    }
    // The new officer edits it as its owner.
    let mut li_edit = new_owner.records[&handed.id].lead.clone();
    li_edit.intent = domain::Intent::Hot;
    new_owner.save(li_edit);
    new_owner.sync(&app.base).await.unwrap();
    assert_eq!((new_owner.pending(), new_owner.refused.len()), (0, 0));

    // The trail says who handed it to whom.
    let trail = app.history(&manager, handed.id).await;
    let owners: Vec<_> = trail.iter().filter(|e| e["attr"] == "owner").map(|e| (e["old_value"].clone(), e["new_value"].clone())).collect();
    assert_eq!(owners.len(), 1, "{trail:?}");
    assert!(owners[0].0.as_str().unwrap().contains("wang.officer") && owners[0].1.as_str().unwrap().contains("li.officer"));
}

#[tokio::test]
async fn all_of_a_departing_officers_leads_move_after_a_confirmation() {
    let app = spawn_app().await;
    let wang = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let li = user_with_session(&app.db, "li.officer", Role::Officer).await;
    let _gone = user_with_session(&app.db, "chen.left", Role::Officer).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let mut tablet = Device::new("wang-a", &wang);
    let leads: Vec<_> = (0..3).map(|n| lead(&format!("第{n}家公司"))).collect();
    for l in &leads {
        tablet.save(l.clone());
    }
    tablet.sync(&app.base).await.unwrap();
    {
        let mut conn = app.db.pool.acquire().await.unwrap();
        server::db::users::disable(&mut conn, "chen.left").await.unwrap();
    }

    let (status, form) = page(&app, &manager, "/manage/reassign").await;
    assert_eq!(status, 200);
    assert!(form.contains("wang.officer") && form.contains("li.officer"));
    // Leads go only to an enabled officer, and not to their own owner.
    let (status, refused) = post(&app, &manager, "/manage/reassign", &[("from", "wang.officer"), ("to", "chen.left")]).await;
    assert!(status == 422 && refused.contains("data-testid=\"reassign-notice\""), "{status}");
    let (status, _) = post(&app, &manager, "/manage/reassign", &[("from", "wang.officer"), ("to", "wang.officer")]).await;
    assert_eq!(status, 422);

    // The first post only asks.
    let (status, confirm) = post(&app, &manager, "/manage/reassign", &[("from", "wang.officer"), ("to", "li.officer")]).await;
    assert!(status == 200 && confirm.contains("data-testid=\"reassign-confirm\"") && confirm.contains(" 3 "), "{confirm}");
    assert_eq!(owner(&app, leads[0].id).await, "wang.officer", "nothing moved before the confirmation");
    let (status, done) =
        post(&app, &manager, "/manage/reassign", &[("from", "wang.officer"), ("to", "li.officer"), ("confirm", "1")]).await;
    assert!(status == 200 && done.contains("data-testid=\"reassign-notice\""), "{status}");
    for l in &leads {
        assert_eq!(owner(&app, l.id).await, "li.officer");
    }
    tablet.sync(&app.base).await.unwrap();
    assert!(tablet.records.is_empty(), "every lead left the old officer's tablet");
    let mut li_tablet = Device::new("li-a", &li);
    li_tablet.sync(&app.base).await.unwrap();
    assert_eq!(li_tablet.shown().len(), 3);

    let (_, list) = page(&app, &manager, "/manage/leads?officer=li.officer").await;
    assert!(list.contains("第0家公司"), "the workspace lists them under the new officer");

    // An officer cannot hand leads over.
    let (status, _) = post(&app, &wang, "/manage/reassign", &[("from", "li.officer"), ("to", "wang.officer"), ("confirm", "1")]).await;
    assert_eq!(status, 403);
}
