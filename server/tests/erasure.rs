//! PIPL: a contact's personal data erased on request leaves the lead, its trail, the database
//! file and every tablet holding the lead (one offline with an edit of it too), while the project
//! record stays; an access request exports everything held on the contact; the retention rule
//! erases leads idle for longer than allowed. Real database (SQLite file or PostgreSQL), real
//! HTTP, simulated tablets running the real outbox code.

mod common;

use common::device::Device;
use common::{cookie, lead, spawn_app, user_with_session, TestApp};
use domain::{Lead, LeadId};
use server::db::users::Role;
use sqlx::Row;

const NAME: &str = "欧阳建国";
const MOBILE: &str = "13987654321";
const WECHAT: &str = "oyjg_cq2026";
const EMAIL: &str = "oyjg@example.cn";
const NOTE: &str = "欧阳总说下周来园区";

fn contact(company: &str) -> Lead {
    let mut l = lead(company);
    l.contact_name = NAME.into();
    l.contact_title = Some("董事长".into());
    l.mobile = Some(MOBILE.into());
    l.wechat = Some(WECHAT.into());
    l.email = Some(EMAIL.into());
    l.notes = Some(NOTE.into());
    l.normalized().unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    common::post_form(app, token, path, fields).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).header("cookie", cookie(token)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Which of the contact's values the stored database holds anywhere: the SQLite file (and its
/// log) read raw after a checkpoint and VACUUM, or, on PostgreSQL, every row of every table as text.
async fn personal_values_held(app: &TestApp, compact: bool) -> Vec<&'static str> {
    let values = [NAME, MOBILE, WECHAT, EMAIL, NOTE];
    if compact {
        server::db::compact(&app.db).await.unwrap();
    } else {
        server::db::checkpoint(&app.db).await.unwrap();
    }
    if let Some(path) = app.database_url.strip_prefix("sqlite://") {
        let mut bytes = std::fs::read(path).unwrap();
        bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
        return values.into_iter().filter(|v| bytes.windows(v.len()).any(|w| w == v.as_bytes())).collect();
    }
    let mut conn = app.db.pool.acquire().await.unwrap();
    let tables: Vec<String> = sqlx::query("SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public'")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("t"))
        .collect();
    let mut held = Vec::new();
    for value in values {
        for table in &tables {
            let sql = format!("SELECT COUNT(*) AS n FROM {table} t WHERE t::text LIKE $1");
            let n: i64 = sqlx::query(&sql).bind(format!("%{value}%")).fetch_one(&mut *conn).await.unwrap().get("n");
            if n > 0 {
                held.push(value);
                break;
            }
        }
    }
    held
}

fn device_holds(device: &Device) -> Vec<&'static str> {
    let state = serde_json::to_string(&(&device.records, &device.outbox, &device.refused)).unwrap();
    [NAME, MOBILE, WECHAT, EMAIL, NOTE].into_iter().filter(|v| state.contains(v)).collect()
}

async fn stored(app: &TestApp, id: LeadId) -> Lead {
    let mut conn = app.db.pool.acquire().await.unwrap();
    server::db::leads::find(&mut conn, &id.to_string()).await.unwrap().unwrap().lead
}

#[tokio::test]
async fn an_erasure_leaves_the_lead_its_trail_the_database_file_and_every_tablet() {
    let app = spawn_app().await;
    let officer = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let (mut tablet, mut offline) = (Device::new("tablet-a", &officer), Device::new("tablet-b", &officer));
    let mut project = contact("天府食品有限公司");
    project.intended_investment = Some(domain::Wan(50_000));
    tablet.save(project.clone());
    tablet.sync(&app.base).await.unwrap();
    // A tablet edit and a manager's correction: the trail holds personal values old and new.
    let mut edited = tablet.records[&project.id].lead.clone();
    edited.contact_title = Some("总经理".into());
    edited.notes = Some(format!("{NOTE}，带技术团队"));
    tablet.save(edited);
    tablet.sync(&app.base).await.unwrap();
    offline.sync(&app.base).await.unwrap();
    // The second tablet goes offline and edits the notes again meanwhile.
    let mut later = offline.records[&project.id].lead.clone();
    later.notes = Some(format!("{NOTE}，已发资料"));
    later.intent = domain::Intent::Hot;
    offline.save(later);

    let (_, list) = get(&app, &manager, &format!("/manage/leads?q={MOBILE}")).await;
    assert!(list.contains("天府食品有限公司"), "found by the contact's mobile before");
    assert_eq!(personal_values_held(&app, false).await.len(), 5, "the database holds every value before (the check can fail)");

    // Without the confirmation nothing happens.
    let path = format!("/manage/leads/{}/erase", project.id);
    let (status, page) = post(&app, &manager, &path, &[("basis", "contact_request"), ("note", "电话来电要求")]).await;
    assert!(status == 422 && page.contains("data-testid=\"erase-error\""), "{status}");
    assert_eq!(stored(&app, project.id).await.mobile.as_deref(), Some(MOBILE));
    let (status, _) = post(&app, &manager, &path, &[("basis", "contact_request"), ("note", "电话来电要求"), ("confirm", "1")]).await;
    assert_eq!(status, 303);

    let erased = stored(&app, project.id).await;
    assert!(!erased.has_personal_data() && erased.erased.is_some(), "{erased:?}");
    assert_eq!(
        (erased.company_name.as_str(), erased.intended_investment),
        ("天府食品有限公司", Some(domain::Wan(50_000))),
        "the project stays"
    );
    let (_, page) = get(&app, &manager, &format!("/manage/leads/{}", project.id)).await;
    assert!(page.contains("data-testid=\"lead-erased\""), "the lead page says it was erased");
    let (_, list) = get(&app, &manager, &format!("/manage/leads?q={MOBILE}")).await;
    assert!(!list.contains("天府食品有限公司"), "the workspace's search index forgot the mobile");

    // Every tablet: the synced one at its next sync; the offline one's edit goes through, without
    // the contact's data, and its copy loses it.
    tablet.sync(&app.base).await.unwrap();
    assert_eq!(device_holds(&tablet), Vec::<&str>::new());
    offline.sync(&app.base).await.unwrap();
    assert_eq!((offline.pending(), offline.refused.len()), (0, 0));
    assert_eq!(device_holds(&offline), Vec::<&str>::new());
    assert_eq!(offline.records[&project.id].lead.intent, domain::Intent::Hot, "the edit's other attribute applied");
    let after = stored(&app, project.id).await;
    assert!(!after.has_personal_data(), "the offline edit did not bring the notes back: {after:?}");
    let mut fresh = Device::new("tablet-c", &officer);
    fresh.sync(&app.base).await.unwrap();
    assert_eq!(device_holds(&fresh), Vec::<&str>::new());

    // The raw database: none of the values anywhere, once compacted; who asked and when is kept.
    let _ = get(&app, &manager, "/manage/leads").await;
    assert_eq!(personal_values_held(&app, true).await, Vec::<&str>::new());
    let mut conn = app.db.pool.acquire().await.unwrap();
    let records = server::db::erasures::for_lead(&mut conn, &project.id.to_string()).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!((records[0].basis, records[0].note.as_deref()), (server::db::erasures::Basis::ContactRequest, Some("电话来电要求")));
}

#[tokio::test]
async fn an_access_request_exports_every_lead_of_the_contact_with_its_trail() {
    let app = spawn_app().await;
    let officer = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let other = user_with_session(&app.db, "li.officer", Role::Officer).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let (mut a, mut b) = (Device::new("tablet-a", &officer), Device::new("tablet-b", &other));
    let (first, second, stranger) = (contact("天府食品有限公司"), contact("巴渝物流有限公司"), lead("无关公司"));
    a.save(first.clone());
    a.save(stranger.clone());
    b.save(second.clone());
    a.sync(&app.base).await.unwrap();
    b.sync(&app.base).await.unwrap();
    let _ = get(&app, &manager, "/manage/leads").await;

    let response = app
        .client
        .get(app.url(&format!("/manage/leads/{}/personal-data.json", first.id)))
        .header("cookie", cookie(&manager))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let export: serde_json::Value = response.json().await.unwrap();
    let ids: Vec<&str> = export["leads"].as_array().unwrap().iter().map(|l| l["lead"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2, "both leads with the contact's mobile, not the stranger's: {ids:?}");
    assert!(ids.contains(&first.id.to_string().as_str()) && ids.contains(&second.id.to_string().as_str()));
    for held in export["leads"].as_array().unwrap() {
        assert_eq!(held["lead"]["mobile"], MOBILE);
        assert!(!held["trail"].as_array().unwrap().is_empty(), "with its trail");
    }
    let (status, _) = get(&app, &officer, &format!("/manage/leads/{}/personal-data.json", first.id)).await;
    assert_eq!(status, 403, "officers cannot export");
}

#[tokio::test]
async fn the_retention_rule_erases_leads_idle_for_longer_than_allowed() {
    let app = spawn_app().await;
    let officer = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let mut tablet = Device::new("tablet-a", &officer);
    let (old, recent) = (contact("三年前的公司"), contact("上周的公司"));
    tablet.save(old.clone());
    tablet.save(recent.clone());
    tablet.sync(&app.base).await.unwrap();
    {
        let mut conn = app.db.pool.acquire().await.unwrap();
        sqlx::query("UPDATE leads SET synced_at = '2022-01-05T00:00:00.000Z' WHERE id = $1")
            .bind(old.id.to_string())
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    let command = server::cli::parse(&["erase-inactive".into(), "--years".into(), "3".into()]).unwrap();
    let said = server::cli::run_user_command(&app.db, command, &mut std::io::empty()).await.unwrap();
    assert!(said.contains(" 1 "), "{said}");
    assert!(!stored(&app, old.id).await.has_personal_data());
    assert_eq!(stored(&app, recent.id).await.mobile.as_deref(), Some(MOBILE), "a recent lead is kept");
    let mut conn = app.db.pool.acquire().await.unwrap();
    let records = server::db::erasures::for_lead(&mut conn, &old.id.to_string()).await.unwrap();
    assert_eq!((records.len(), records[0].basis, records[0].recorded_by), (1, server::db::erasures::Basis::Retention, None));
    // Run again: nothing left to erase.
    let command = server::cli::parse(&["erase-inactive".into(), "--years".into(), "3".into()]).unwrap();
    let said = server::cli::run_user_command(&app.db, command, &mut std::io::empty()).await.unwrap();
    assert!(said.contains(" 0 "), "{said}");
}
