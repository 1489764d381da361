//! The manager workspace's tables are written after the sync transaction commits: by the
//! background indexer without anyone asking, and again from the start without changing anything.

mod common;

use std::time::Duration;

use common::{create, lead, request, spawn_app};
use sqlx::Row;

async fn count(app: &common::TestApp, sql: &str) -> i64 {
    let mut conn = app.db.pool.acquire().await.unwrap();
    sqlx::query(sql).fetch_one(&mut *conn).await.unwrap().get("n")
}

async fn index_lag(app: &common::TestApp) -> i64 {
    let health: serde_json::Value = app.client.get(app.url("/healthz")).send().await.unwrap().json().await.unwrap();
    health["index_lag"].as_i64().expect("/healthz reports the index lag")
}

#[tokio::test]
async fn synced_leads_reach_the_workspace_tables_in_the_background_and_reindexing_changes_nothing() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let (mut a, mut b, mut c) = (lead("成都蜀味预制菜有限公司"), lead("重庆山城火锅底料有限公司"), lead("雁江食品"));
    b.mobile = a.mobile.clone();
    a.event = Some("第十九届西博会".into());
    c.mobile = Some("13900000003".into());
    app.sync(&token, &request("tablet-1", 0, vec![create(&a), create(&b), create(&c)])).await;

    // No manager page is asked for: the background indexer alone catches up.
    let mut waited = Duration::ZERO;
    while index_lag(&app).await > 0 {
        assert!(waited < Duration::from_secs(20), "the index is still behind after {waited:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM lead_facts").await, 3);
    let mut conn = app.db.pool.acquire().await.unwrap();
    assert_eq!(server::db::duplicates::count(&mut conn).await.unwrap(), 1, "a and b share a mobile");
    let keys = count(&app, "SELECT COUNT(*) AS n FROM lead_keys").await;
    let reference = app.sync(&token, &request("tablet-2", 0, vec![])).await.reference;
    assert_eq!(reference.events, vec!["第十九届西博会".to_owned()], "the tablets' pick-list of events");

    // From the start again (as after the upgrade that added this): the same rows.
    sqlx::query("UPDATE workspace_index SET indexed_seq = 0").execute(&mut *conn).await.unwrap();
    // (The background indexer may get there first: either way, everything is indexed again.)
    server::indexer::catch_up(&app.db).await.unwrap();
    assert_eq!(index_lag(&app).await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM lead_facts").await, 3);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM lead_keys").await, keys);
    assert_eq!(server::db::duplicates::count(&mut conn).await.unwrap(), 1);
}
