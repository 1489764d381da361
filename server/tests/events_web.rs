//! Events as reference data: an administrator lists an event (a refused form names each field
//! and stores nothing; a manager gets 403), every tablet receives it with its next sync, an
//! event name typed on a tablet offline is merged into the listed event (the lead's trail says
//! so and the officer's tablet pulls the new name), and the event's page counts captures per
//! officer per day.

mod common;

use common::{cookie, create, lead, request, spawn_app, user_with_session};
use server::db::users::Role;

#[tokio::test]
async fn an_admin_lists_an_event_tablets_receive_it_and_typed_names_are_merged_into_it() {
    let app = spawn_app().await;
    let admin = user_with_session(&app.db, "sun.admin", Role::Admin).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let officer = app.officer("li.officer").await;

    let (status, _) =
        common::post_form(&app, &manager, "/manage/events", &[("name", "西博会"), ("starts_on", "2026-05-20"), ("ends_on", "2026-05-24")])
            .await;
    assert_eq!(status, 403, "managers do not list events");
    let bad = [("name", " "), ("starts_on", "2026-05-24"), ("ends_on", "2026-05-20"), ("venue", "馆\u{202E}")];
    let (status, html) = common::post_form(&app, &admin, "/manage/events", &bad).await;
    assert_eq!(status, 422);
    for field in ["name", "ends_on", "venue"] {
        assert!(html.contains(&format!("data-testid=\"event-error-{field}\"")), "{field}");
    }
    let empty = app.sync(&officer, &request("tablet-1", 0, vec![])).await;
    assert!(empty.reference.catalog.is_empty(), "a refused form stores nothing");

    let fair = [("name", "第二十一届西博会"), ("starts_on", "2026-09-19"), ("ends_on", "2026-09-23"), ("venue", "中国西部国际博览城")];
    let (status, html) = common::post_form(&app, &admin, "/manage/events", &fair).await;
    assert!(status == 200 && html.contains("data-testid=\"events-notice\""), "{status}");
    let (status, _) = common::post_form(&app, &admin, "/manage/events", &fair).await;
    assert_eq!(status, 422, "a name is listed once");

    // The tablet gets it with its next sync, and captures two leads under a typed spelling.
    let answer = app.sync(&officer, &request("tablet-1", 0, vec![])).await;
    let listed = &answer.reference.catalog;
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].name.as_str(), listed[0].venue.as_deref()), ("第二十一届西博会", Some("中国西部国际博览城")));
    let typed: Vec<_> = ["蜀味食品", "天府智造"].iter().map(|c| domain::Lead { event: Some("西博会2026".into()), ..lead(c) }).collect();
    let answer = app.sync(&officer, &request("tablet-1", answer.cursor, typed.iter().map(create).collect())).await;
    let cursor = answer.cursor;
    server::indexer::catch_up(&app.db).await.unwrap();

    let page = |path: &str| {
        let (client, url, admin) = (app.client.clone(), app.url(path), admin.clone());
        async move { client.get(url).header("cookie", cookie(&admin)).send().await.unwrap().text().await.unwrap() }
    };
    let html = page("/manage/events").await;
    assert!(html.contains("data-testid=\"unlisted-row\"") && html.contains("西博会2026"), "the typed name is offered for merging");
    let id = {
        let mut conn = app.db.pool.acquire().await.unwrap();
        server::db::events::list(&mut conn).await.unwrap()[0].id
    };
    let (status, html) = common::post_form(&app, &admin, "/manage/events/fold", &[("from", "西博会2026"), ("into", &id.to_string())]).await;
    assert_eq!(status, 200);
    assert!(!html.contains("data-testid=\"unlisted-row\""), "nothing left to merge");

    // The officer's tablet pulls both leads under the listed name; the trail says who changed it.
    let answer = app.sync(&officer, &request("tablet-1", cursor, vec![])).await;
    let pulled: Vec<_> = answer.changes.iter().map(|c| c.lead.event.clone()).collect();
    assert_eq!(pulled, vec![Some("第二十一届西博会".to_owned()); 2]);
    let trail = app.history(&manager, typed[0].id).await;
    assert!(
        trail.iter().any(|e| e["attr"] == "event" && e["new_value"].as_str().is_some_and(|v| v.contains("第二十一届西博会"))),
        "{trail:?}"
    );

    // The event's page counts them: one officer, both on its second day (10:00 in Chengdu).
    let html = page(&format!("/manage/events/{id}")).await;
    assert!(html.contains("data-testid=\"capture-grid\"") && html.contains("li.officer"), "{html}");
    assert_eq!(html.matches("data-testid=\"capture-row\"").count(), 1);
}
