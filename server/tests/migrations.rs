//! A database made by an earlier version of the server keeps what it stores through the
//! migrations that follow, on SQLite and on PostgreSQL.

mod common;

use std::path::Path;

use common::{create, lead, request, start_server};
use domain::Lead;
use sqlx::any::AnyPoolOptions;
use sqlx::Row;

/// The migrations of this engine up to and including number `upto`, copied into `into`.
fn migrations_up_to(engine: &str, upto: u32, into: &Path) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(engine);
    for entry in std::fs::read_dir(source).expect("migrations directory") {
        let path = entry.expect("migration file").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("utf-8 name").to_owned();
        let number: u32 = name.split('_').next().and_then(|n| n.parse().ok()).expect("numbered migration");
        if number <= upto {
            std::fs::copy(&path, into.join(&name)).expect("copy migration");
        }
    }
}

/// Stores `lead` for `owner_id` as the server did before migration 4: the lead row holds its JSON,
/// and so does the trail's `created` entry.
async fn store_as_before(conn: &mut sqlx::AnyConnection, owner_id: i64, lead: &Lead) {
    let json = serde_json::to_string(lead).unwrap();
    let at = "2026-09-20T02:00:00Z";
    sqlx::query("UPDATE sync_sequence SET value = 1 WHERE id = 1").execute(&mut *conn).await.unwrap();
    sqlx::query(
        "INSERT INTO leads (id, owner_id, version, seq, data, attr_versions, device_id, event, captured_at, updated_at, synced_at) \
         VALUES ($1, $2, 1, 1, $3, '{}', 'tablet-1', NULL, $4, $4, $4)",
    )
    .bind(lead.id.to_string())
    .bind(owner_id)
    .bind(&json)
    .bind(at)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO lead_history (lead_id, change_id, user_id, device_id, source, attr, old_value, new_value, overwritten, at) \
         VALUES ($1, NULL, $2, 'tablet-1', 'sync', 'created', NULL, $3, 0, $4)",
    )
    .bind(lead.id.to_string())
    .bind(owner_id)
    .bind(&json)
    .bind(at)
    .execute(&mut *conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn leads_stored_before_the_trail_held_first_versions_are_kept_whole_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let engine = if database_url.starts_with("postgres") { "postgres" } else { "sqlite" };
    let old = tempfile::tempdir().unwrap();
    migrations_up_to(engine, 3, old.path());

    // The database as the previous version left it, with one officer's lead and a session.
    sqlx::any::install_default_drivers();
    let open_url = if engine == "sqlite" { format!("{database_url}?mode=rwc") } else { database_url.clone() };
    let pool = AnyPoolOptions::new().max_connections(1).connect(&open_url).await.unwrap();
    sqlx::migrate::Migrator::new(old.path()).await.unwrap().run(&pool).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    // As the previous version's `users::insert` wrote it (today's also fills the department list).
    let officer: i64 = sqlx::query(
        "INSERT INTO users (username, password_hash, role, department, disabled, created_at) \
         VALUES ('li.wei', 'not a usable hash', 'officer', '测试', 0, '2026-11-01T00:00:00.000Z') RETURNING id",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap()
    .get("id");
    let token = server::auth::token::generate();
    server::db::sessions::insert(&mut conn, &server::auth::token::hash(&token), officer).await.unwrap();
    let mut earlier = lead("成都蜀味预制菜有限公司");
    earlier.captured_by = "li.wei".into();
    store_as_before(&mut conn, officer, &earlier).await;
    drop(conn);
    pool.close().await;

    // The new version migrates it at start; the stored lead and new ones read back whole.
    let (addr, server) = start_server(&database_url).await;
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    let sync = |body: domain::sync::SyncRequest| {
        let (client, url, token) = (client.clone(), format!("{base}/api/v1/sync"), token.clone());
        async move {
            let response = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<domain::sync::SyncResponse>().await.unwrap()
        }
    };
    let mut later = lead("重庆山城火锅底料有限公司");
    let pushed = sync(request("tablet-2", 0, vec![create(&later)])).await;
    assert_eq!(pushed.results[0].version, Some(1), "a new lead is stored after the upgrade");
    later.captured_by = "li.wei".into();
    later.device_id = "tablet-2".into();

    let pulled = sync(request("tablet-3", 0, vec![])).await;
    let mut leads: Vec<Lead> = pulled.changes.into_iter().map(|c| c.lead).collect();
    leads.sort_by_key(|l| l.id);
    assert_eq!(leads, vec![earlier, later], "a new device pulls both leads, whole");
    server.abort();
}
