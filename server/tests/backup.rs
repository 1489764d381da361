//! Backups while serving: a backup taken while a tablet syncs holds every lead acknowledged
//! before it began, each as it was then, and restored into a fresh server every reader answers;
//! a backup never overwrites a file, and a file that is not a database is not restored (the
//! database in place stays as it was).

mod common;

use std::collections::BTreeSet;

use common::device::Device;
use common::{all_leads, lead, user_with_session};
use server::db::users::Role;
use server::db::Db;

#[tokio::test]
async fn a_backup_taken_during_syncs_holds_every_acknowledged_lead_and_restores() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        return; // SQLite's backup; PostgreSQL's is pg_dump.
    }
    let app = common::spawn_app().await;
    let officer = app.officer("li.wei").await;
    let mut tablet = Device::new("li-tablet", &officer);
    let dir = tempfile::tempdir().unwrap();
    let backup_path = dir.path().join("backups/zhaoshang-backup.db");

    let mut acknowledged_before = BTreeSet::new();
    for round in 0..6 {
        for i in 0..60 {
            let mut new = lead(&format!("备份演练企业{round}-{i}"));
            new.captured_by = "li.wei".into();
            tablet.save(new);
        }
        if round == 3 {
            // The backup runs while this round's batch is applied.
            acknowledged_before = tablet.records.iter().filter(|(_, r)| r.server_version > 0).map(|(id, _)| *id).collect();
            let (synced, written) = tokio::join!(tablet.sync(&app.base), server::backup::backup(&app.db, &backup_path));
            synced.unwrap();
            let written = written.unwrap();
            assert!(written.leads >= acknowledged_before.len() as i64, "{written:?}");
        } else {
            tablet.sync(&app.base).await.unwrap();
        }
    }
    assert_eq!(acknowledged_before.len(), 180);
    assert!(matches!(server::backup::backup(&app.db, &backup_path).await, Err(server::backup::BackupError::Exists(_))));

    // Restored into a fresh server's database file.
    let restored_url = format!("sqlite://{}", dir.path().join("restored/zhaoshang.db").display());
    std::fs::create_dir_all(dir.path().join("restored")).unwrap();
    let written = server::backup::restore(&restored_url, &backup_path).await.unwrap();
    let restored = common::spawn_app_configured(dir.path(), |config| config.with_database_url(&restored_url)).await;
    let restored_db = Db::connect(&restored_url).await.unwrap();
    let manager = user_with_session(&restored_db, "zhao.manager", Role::Manager).await;
    let leads = all_leads(&restored.client, &restored.base, &manager).await;
    assert_eq!(leads.len() as i64, written.leads);
    let held: BTreeSet<_> = leads.iter().map(|l| l.lead.id).collect();
    assert!(acknowledged_before.is_subset(&held), "missing: {:?}", acknowledged_before.difference(&held).count());
    for l in &leads {
        assert_eq!(l.lead, tablet.records[&l.lead.id].lead, "a lead in the backup is as the tablet sent it");
    }
    restored.readers_answer(&manager, &leads.iter().take(3).map(|l| l.lead.id).collect::<Vec<_>>()).await.unwrap();
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("zhaoshang.db").display());
    let db = Db::connect(&url).await.unwrap();
    user_with_session(&db, "li.wei", Role::Officer).await;
    db.pool.close().await;
    let garbage = dir.path().join("notes.txt");
    std::fs::write(&garbage, "这不是数据库").unwrap();
    let refused = server::backup::restore(&url, &garbage).await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(!dir.path().join("zhaoshang.restoring").exists(), "nothing left behind");
    // The database in place still holds its user.
    let db = Db::connect(&url).await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    assert!(server::db::users::find_by_name(&mut conn, "li.wei").await.unwrap().is_some());
}
