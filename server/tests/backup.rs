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

/// `pg_dump`, `createdb` and `pg_restore` of the PostgreSQL server's own version, as
/// docs/deploy.md runs them.
fn pg_tool(name: &str, args: &[&str]) {
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .and_then(|versions| versions.filter_map(|v| v.ok()).map(|v| v.path().join("bin").join(name)).filter(|p| p.exists()).max())
        .unwrap_or_else(|| name.into());
    let out = std::process::Command::new(&bin).args(args).output().unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn a_pg_dump_taken_during_syncs_restores_into_a_fresh_database_with_every_acknowledged_lead() {
    let Some(server_url) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) else {
        return; // PostgreSQL's backup; SQLite's is tested above.
    };
    let app = common::spawn_app().await;
    let officer = app.officer("li.wei").await;
    let mut tablet = Device::new("li-tablet", &officer);
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("zhaoshang.dump");

    let mut acknowledged_before = BTreeSet::new();
    for round in 0..6 {
        for i in 0..200 {
            let mut new = lead(&format!("备份演练企业{round}-{i}"));
            new.captured_by = "li.wei".into();
            tablet.save(new);
        }
        if round == 3 {
            // pg_dump -Fc while this round's batch is applied (it reads one snapshot).
            acknowledged_before = tablet.records.iter().filter(|(_, r)| r.server_version > 0).map(|(id, _)| *id).collect();
            let (url, path) = (app.database_url.clone(), dump.display().to_string());
            let dumping = tokio::task::spawn_blocking(move || pg_tool("pg_dump", &["-Fc", "-f", &path, &url]));
            tablet.sync(&app.base).await.unwrap();
            dumping.await.unwrap();
        } else {
            tablet.sync(&app.base).await.unwrap();
        }
    }
    assert_eq!(acknowledged_before.len(), 600);

    // Restored into a new database, and a fresh server started on it.
    let name = format!("zs_restored_{}", uuid::Uuid::new_v4().simple());
    let (server, _) = server_url.rsplit_once('/').unwrap();
    let restored_url = format!("{server}/{name}");
    pg_tool("createdb", &[&format!("--maintenance-db={server_url}"), &name]);
    pg_tool("pg_restore", &["--no-owner", "-d", &restored_url, &dump.display().to_string()]);
    let restored = common::spawn_app_configured(dir.path(), |config| config.with_database_url(&restored_url)).await;
    let restored_db = Db::connect(&restored_url).await.unwrap();
    let manager = user_with_session(&restored_db, "zhao.manager", Role::Manager).await;
    let leads = all_leads(&restored.client, &restored.base, &manager).await;
    let held: BTreeSet<_> = leads.iter().map(|l| l.lead.id).collect();
    assert!(acknowledged_before.is_subset(&held), "missing: {:?}", acknowledged_before.difference(&held).count());
    for l in &leads {
        assert_eq!(l.lead, tablet.records[&l.lead.id].lead, "a lead in the dump is as the tablet sent it");
    }
    restored.readers_answer(&manager, &leads.iter().take(3).map(|l| l.lead.id).collect::<Vec<_>>()).await.unwrap();
    // The restored server takes the tablet's next lead.
    let mut next = lead("恢复后的新企业");
    next.captured_by = "li.wei".into();
    let next_id = next.id;
    tablet.save(next);
    tablet.sync(&restored.base).await.unwrap();
    assert!(all_leads(&restored.client, &restored.base, &manager).await.iter().any(|l| l.lead.id == next_id));
}

#[tokio::test]
async fn the_server_takes_scheduled_backups_keeps_the_newest_and_they_restore() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        return; // The server's schedule is SQLite's; PostgreSQL's is a pg_dump timer.
    }
    let dir = tempfile::tempdir().unwrap();
    let schedule = server::backup::Schedule { dir: dir.path().join("backups"), every: std::time::Duration::from_secs(1), keep: 2 };
    let app = common::spawn_app_configured(dir.path(), |config| config.with_backups(schedule.clone())).await;
    let officer = app.officer("li.wei").await;
    let mut tablet = Device::new("li-tablet", &officer);
    for i in 0..50 {
        let mut new = lead(&format!("定时备份企业{i}"));
        new.captured_by = "li.wei".into();
        tablet.save(new);
    }
    tablet.sync(&app.base).await.unwrap();
    let synced = std::time::SystemTime::now();

    // Every name the directory shows, in the order they appear.
    let mut seen: Vec<std::path::PathBuf> = Vec::new();
    for _ in 0..200 {
        for path in schedule.taken() {
            if !seen.contains(&path) {
                seen.push(path);
            }
        }
        if seen.len() >= 5 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(seen.len() >= 5, "backups taken: {seen:?}");
    assert!(!seen[0].exists() && !seen[1].exists(), "the oldest are deleted");
    assert!(schedule.taken().len() <= 3, "two kept (and one being written): {:?}", schedule.taken());

    // One taken after the sync (and complete: a newer one exists) restores with every lead.
    let after_sync = seen.iter().rev().skip(1).find(|p| std::fs::metadata(p).unwrap().modified().unwrap() > synced).unwrap().clone();
    let restored_url = format!("sqlite://{}", dir.path().join("restored/zhaoshang.db").display());
    std::fs::create_dir_all(dir.path().join("restored")).unwrap();
    let written = server::backup::restore(&restored_url, &after_sync).await.unwrap();
    assert_eq!(written.leads, 50);
}
