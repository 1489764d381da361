//! The sync API over real HTTP on a real database: exactly-once application, per-attribute merge,
//! later arrival wins with history, ownership, validation, and bad input that changes nothing.

mod common;

use common::{all_leads, create, edit, lead, request, spawn_app};
use domain::sync::{ChangeStatus, RejectReason};
use domain::LeadField;
use server::db::users::Role;

#[tokio::test]
async fn a_new_lead_is_applied_and_pulled_back_with_its_version() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let captured = lead("成都蜀味预制菜有限公司");

    let response = app.sync(&token, &request("tablet-1", 0, vec![create(&captured)])).await;

    assert_eq!(response.results.len(), 1);
    assert_eq!(response.results[0].status, ChangeStatus::Applied);
    assert_eq!(response.results[0].version, Some(1));
    assert_eq!(response.changes.len(), 1);
    assert_eq!(response.changes[0].lead.company_name, "成都蜀味预制菜有限公司");
    assert_eq!(response.changes[0].lead.captured_by, "li.wei", "the server records who captured it");
    assert!(response.cursor > 0);
    // Nothing new after the cursor.
    let again = app.sync(&token, &request("tablet-1", response.cursor, vec![])).await;
    assert!(again.changes.is_empty());
    assert_eq!(again.cursor, response.cursor);
}

#[tokio::test]
async fn a_sync_answer_says_how_long_the_server_took_so_the_tablet_can_size_its_next_request() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let batch: Vec<_> = (0..50).map(|i| create(&lead(&format!("成都第{i}食品有限公司")))).collect();

    let response = app.sync_raw(&token, &request("tablet-1", 0, batch)).await;

    assert_eq!(response.status(), 200);
    let header = response.headers().get("server-timing").expect("a Server-Timing header").to_str().unwrap().to_owned();
    let took = domain::sync::request_size::server_ms(&header).expect("the sync metric with a duration");
    assert!(took > 0.0 && took < 60_000.0, "{header}");
}

#[tokio::test]
async fn the_same_batch_twice_applies_once() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let batch = request("tablet-1", 0, vec![create(&lead("甲公司")), create(&lead("乙公司"))]);

    let first = app.sync(&token, &batch).await;
    let second = app.sync(&token, &batch).await;

    assert!(first.results.iter().all(|r| r.status == ChangeStatus::Applied));
    assert!(second.results.iter().all(|r| r.status == ChangeStatus::Duplicate));
    assert_eq!(second.results.iter().map(|r| r.version).collect::<Vec<_>>(), vec![Some(1), Some(1)]);
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM leads").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(count, 2);
    let (history,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM lead_history WHERE attr = 'created'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(history, 2, "no history written twice");
}

#[tokio::test]
async fn the_same_batch_at_the_same_time_applies_once() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let batch = request("tablet-1", 0, (0..50).map(|i| create(&lead(&format!("公司{i}")))).collect());

    let (a, b) = tokio::join!(app.sync(&token, &batch), app.sync(&token, &batch));

    let applied = a.results.iter().chain(&b.results).filter(|r| r.status == ChangeStatus::Applied).count();
    let duplicate = a.results.iter().chain(&b.results).filter(|r| r.status == ChangeStatus::Duplicate).count();
    assert_eq!((applied, duplicate), (50, 50));
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM leads").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(count, 50);
}

#[tokio::test]
async fn a_lead_stored_as_sent_is_not_sent_back_but_a_merged_one_is() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let mut original = lead("雁江食品");
    original.captured_by = "li.wei".into();
    let first = app.sync(&token, &request("tablet-1", 0, vec![create(&original)])).await;
    assert_eq!(first.results[0].version, Some(1));
    assert!(first.changes.is_empty(), "the tablet holds this lead as the server stored it");
    // Its cursor moved past the lead: an empty sync pulls nothing either.
    let quiet = app.sync(&token, &request("tablet-1", first.cursor, vec![])).await;
    assert!(quiet.changes.is_empty());

    let mut on_phone = original.clone();
    on_phone.notes = Some("已约下周考察".into());
    app.sync(&token, &request("phone-1", 0, vec![edit(&original, &on_phone, 1)])).await;
    let mut on_tablet = original.clone();
    on_tablet.contact_title = Some("总经理".into());
    let merged = app.sync(&token, &request("tablet-1", first.cursor, vec![edit(&original, &on_tablet, 1)])).await;

    assert_eq!(merged.results[0].status, ChangeStatus::Merged);
    assert_eq!(merged.changes.len(), 1, "the merged lead differs from the tablet's copy: it is sent");
    assert_eq!(merged.changes[0].lead.contact_title.as_deref(), Some("总经理"));
    assert_eq!(merged.changes[0].lead.notes.as_deref(), Some("已约下周考察"));
    assert_eq!(merged.changes[0].version, 3);
}

#[tokio::test]
async fn a_lead_captured_and_edited_before_one_sync_is_stored_as_edited() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    app.add_user("wang.fang", Role::Manager).await;
    let manager = app.login("wang.fang").await;
    let mut captured = lead("雁江食品");
    captured.captured_by = "li.wei".into();
    let mut edited = captured.clone();
    edited.notes = Some("已约下周考察".into());

    let answer = app.sync(&token, &request("tablet-1", 0, vec![create(&captured), edit(&captured, &edited, 0)])).await;

    assert_eq!(answer.results.iter().map(|r| r.version).collect::<Vec<_>>(), vec![Some(1), Some(2)]);
    let listed: Vec<domain::sync::ServerLead> =
        app.client.get(app.url("/api/v1/leads")).bearer_auth(&manager).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].version, 2);
    assert_eq!(listed[0].lead.notes.as_deref(), Some("已约下周考察"), "the row holds the edit, not the creation");
    assert_eq!(app.history(&manager, captured.id).await.len(), 2, "the creation and the edit");
}

#[tokio::test]
async fn two_devices_editing_different_attributes_are_both_kept() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let original = lead("雁江食品");
    app.sync(&token, &request("tablet-1", 0, vec![create(&original)])).await;

    let mut on_tablet = original.clone();
    on_tablet.contact_title = Some("总经理".into());
    let mut on_phone = original.clone();
    on_phone.notes = Some("已约下周考察".into());
    let first = app.sync(&token, &request("tablet-1", 0, vec![edit(&original, &on_tablet, 1)])).await;
    let second = app.sync(&token, &request("phone-1", 0, vec![edit(&original, &on_phone, 1)])).await;

    assert_eq!(first.results[0].status, ChangeStatus::Applied);
    assert_eq!(second.results[0].status, ChangeStatus::Merged);
    assert_eq!(second.results[0].version, Some(3));
    let server = second.changes.iter().find(|l| l.lead.id == original.id).unwrap();
    assert_eq!(server.lead.contact_title.as_deref(), Some("总经理"));
    assert_eq!(server.lead.notes.as_deref(), Some("已约下周考察"));
}

#[tokio::test]
async fn the_same_attribute_edited_twice_keeps_the_later_and_history_holds_the_other() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    app.add_user("wang.fang", Role::Manager).await;
    let manager = app.login("wang.fang").await;
    let original = lead("雁江食品");
    app.sync(&token, &request("tablet-1", 0, vec![create(&original)])).await;

    let mut first = original.clone();
    first.mobile = Some("13900000001".into());
    let mut later = original.clone();
    later.mobile = Some("13900000002".into());
    app.sync(&token, &request("tablet-1", 0, vec![edit(&original, &first, 1)])).await;
    let response = app.sync(&token, &request("phone-1", 0, vec![edit(&original, &later, 1)])).await;

    assert_eq!(response.results[0].status, ChangeStatus::Merged);
    let server = response.changes.iter().find(|l| l.lead.id == original.id).unwrap();
    assert_eq!(server.lead.mobile.as_deref(), Some("13900000002"));
    let history = app.history(&manager, original.id).await;
    assert_eq!(history[0]["attr"], "created");
    assert!(history[0]["new_value"].as_str().unwrap().contains("13800138000"));
    let mobile: Vec<_> = history.iter().filter(|h| h["attr"] == "mobile").collect();
    assert_eq!(mobile.len(), 2, "first edit, later edit: {history:#?}");
    assert_eq!(mobile[0]["overwritten"], false);
    let overwritten = mobile.last().unwrap();
    assert_eq!(overwritten["old_value"], "\"13900000001\"");
    assert_eq!(overwritten["new_value"], "\"13900000002\"");
    assert_eq!(overwritten["overwritten"], true);
    assert_eq!(overwritten["device_id"], "phone-1");
    assert_eq!(overwritten["source"], "sync");
}

#[tokio::test]
async fn another_officers_lead_and_invalid_leads_are_rejected_and_the_rest_applies() {
    let app = spawn_app().await;
    let li = app.officer("li.wei").await;
    let zhao = app.officer("zhao.lei").await;
    let lis_lead = lead("李的企业");
    app.sync(&li, &request("tablet-li", 0, vec![create(&lis_lead)])).await;

    let mut hijacked = lis_lead.clone();
    hijacked.notes = Some("改别人的线索".into());
    let mut invalid = lead("无效企业");
    invalid.company_name = "   ".into();
    invalid.mobile = Some("12345".into());
    let good = lead("正常企业");
    let response = app.sync(&zhao, &request("tablet-zhao", 0, vec![edit(&lis_lead, &hijacked, 1), create(&invalid), create(&good)])).await;

    assert_eq!(response.results[0].status, ChangeStatus::Rejected);
    assert_eq!(response.results[0].reason, Some(RejectReason::NotYourLead));
    assert_eq!(response.results[1].status, ChangeStatus::Rejected);
    let Some(RejectReason::Invalid { errors }) = &response.results[1].reason else { panic!("{:?}", response.results[1]) };
    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, vec![LeadField::CompanyName, LeadField::Mobile]);
    assert_eq!(response.results[2].status, ChangeStatus::Applied);
    // Zhao pulls only his own lead; Li's is untouched.
    assert_eq!(response.changes.iter().map(|l| l.lead.company_name.as_str()).collect::<Vec<_>>(), vec!["正常企业"]);
    let lis = app.sync(&li, &request("tablet-li", 0, vec![])).await;
    assert_eq!(lis.changes[0].lead.notes, None);
}

#[tokio::test]
async fn a_control_character_in_a_text_is_rejected_with_its_field_and_the_rest_of_the_batch_applies() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    // A NUL pasted into the notes: invisible, and no Excel export can hold it (XML 1.0).
    let mut pasted = lead("粘贴的企业");
    pasted.notes = Some("考察\u{0}安排".into());
    let mut multiline = lead("多行备注企业");
    multiline.notes = Some("第一行\n第二行\t完".into());

    let response = app.sync(&token, &request("tablet-1", 0, vec![create(&pasted), create(&multiline)])).await;

    assert_eq!(response.results[0].status, ChangeStatus::Rejected);
    let Some(RejectReason::Invalid { errors }) = &response.results[0].reason else { panic!("{:?}", response.results[0]) };
    assert_eq!(
        errors.iter().map(|e| (e.field, e.kind)).collect::<Vec<_>>(),
        vec![(LeadField::Notes, domain::FieldErrorKind::ControlCharacter)]
    );
    assert_eq!(response.results[1].status, ChangeStatus::Applied);
    let pulled = app.sync(&token, &request("tablet-2", 0, vec![])).await;
    assert_eq!(pulled.changes.iter().map(|l| l.lead.notes.as_deref()).collect::<Vec<_>>(), vec![Some("第一行\n第二行\t完")]);

    let bad_device = app.sync_raw(&token, &request("tablet\u{0}", 0, vec![create(&lead("设备名错误"))])).await;
    assert_eq!(bad_device.status(), 400);
    let after = app.sync(&token, &request("tablet-2", 0, vec![])).await;
    assert_eq!(after.changes.len(), 1, "the refused request stored nothing");
}

#[tokio::test]
async fn injection_strings_are_stored_verbatim() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let mut nasty = lead("Robert'); DROP TABLE leads;--");
    nasty.notes = Some("<script>alert('x')</script> \" ' ; -- /* */".into());
    nasty.contact_name = "<img src=x onerror=alert(1)>".into();

    let response = app.sync(&token, &request("tablet-1", 0, vec![create(&nasty)])).await;

    assert_eq!(response.results[0].status, ChangeStatus::Applied);
    let stored = &response.changes[0].lead;
    assert_eq!(stored.company_name, "Robert'); DROP TABLE leads;--");
    assert_eq!(stored.notes, nasty.notes);
    assert_eq!(stored.contact_name, "<img src=x onerror=alert(1)>");
}

#[tokio::test]
async fn bad_requests_get_a_clear_4xx_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    app.sync(&token, &request("tablet-1", 0, vec![create(&lead("已有企业"))])).await;
    let post = |body: String, content_type: &'static str| {
        app.client.post(app.url("/api/v1/sync")).bearer_auth(&token).header("content-type", content_type).body(body).send()
    };

    let cases: Vec<(String, &str, u16, &str)> = vec![
        ("{not json".into(), "application/json", 400, "not valid JSON"),
        (r#"{"device_id": 5, "cursor": 0, "changes": []}"#.into(), "application/json", 400, "device_id"),
        (r#"{"device_id": "t", "cursor": 0, "changes": [], "admin": true}"#.into(), "application/json", 400, "unknown field"),
        (r#"{"device_id": "t", "cursor": -1, "changes": []}"#.into(), "application/json", 400, "cursor"),
        (r#"{"device_id": "", "cursor": 0, "changes": []}"#.into(), "application/json", 400, "device_id"),
        (r#"{"device_id": "t", "cursor": 0, "changes": []}"#.into(), "text/plain", 415, "JSON"),
        (
            format!(r#"{{"device_id": "{}", "cursor": 0, "changes": []}}"#, "x".repeat(3 * 1024 * 1024)),
            "application/json",
            413,
            "larger than",
        ),
    ];
    for (body, content_type, status, message) in cases {
        let response = post(body, content_type).await.unwrap();
        assert_eq!(response.status(), status, "{message}");
        let json: serde_json::Value = response.json().await.unwrap();
        assert!(json["message"].as_str().unwrap().contains(message), "{json}");
    }

    let too_many = request("t", 0, (0..501).map(|i| create(&lead(&format!("企业{i}")))).collect());
    let response = app.sync_raw(&token, &too_many).await;
    assert_eq!(response.status(), 400);
    let json: serde_json::Value = response.json().await.unwrap();
    assert!(json["message"].as_str().unwrap().contains("at most 500"));

    let mut long = lead("长文企业");
    long.company_name = "长".repeat(10_000);
    long.notes = Some("x".repeat(10_000));
    let response = app.sync(&token, &request("t", 0, vec![create(&long)])).await;
    assert_eq!(response.results[0].status, ChangeStatus::Rejected);
    let Some(RejectReason::Invalid { errors }) = &response.results[0].reason else { panic!("{:?}", response.results[0]) };
    assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), vec![LeadField::CompanyName, LeadField::Notes]);

    let no_token = app.client.post(app.url("/api/v1/sync")).json(&request("t", 0, vec![])).send().await.unwrap();
    assert_eq!(no_token.status(), 401);

    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM leads").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(count, 1, "nothing was stored by the bad requests");
}

#[tokio::test]
async fn a_manager_lists_every_officers_leads_and_an_officer_only_their_own() {
    let app = spawn_app().await;
    let li = app.officer("li.wei").await;
    let zhao = app.officer("zhao.lei").await;
    app.add_user("wang.fang", Role::Manager).await;
    let manager = app.login("wang.fang").await;
    app.sync(&li, &request("a", 0, vec![create(&lead("李一")), create(&lead("李二"))])).await;
    app.sync(&zhao, &request("b", 0, vec![create(&lead("赵一"))])).await;

    let list = |token: String| {
        let request = app.client.get(app.url("/api/v1/leads")).bearer_auth(token);
        async move { request.send().await.unwrap().json::<Vec<serde_json::Value>>().await.unwrap().len() }
    };
    assert_eq!(list(manager.clone()).await, 3);
    assert_eq!(list(li).await, 2);
    assert_eq!(list(zhao).await, 1);

    // Page by page, one lead at a time, following the header: each lead once, then an empty page.
    let mut after = "0".to_owned();
    let mut seen = Vec::new();
    loop {
        let response = app.client.get(app.url(&format!("/api/v1/leads?after={after}&limit=1"))).bearer_auth(&manager).send().await.unwrap();
        let next = response.headers()["x-next-after"].to_str().unwrap().to_owned();
        let page: Vec<serde_json::Value> = response.json().await.unwrap();
        if page.is_empty() {
            assert_eq!(next, after, "an empty page keeps the place");
            break;
        }
        seen.extend(page.iter().map(|l| l["lead"]["company_name"].as_str().unwrap().to_owned()));
        after = next;
    }
    seen.sort();
    assert_eq!(seen, vec!["李一", "李二", "赵一"]);
}

#[tokio::test]
async fn a_sync_after_postgresql_ended_the_servers_connections_is_applied() {
    let app = spawn_app().await;
    if !app.database_url.starts_with("postgres") {
        // A SQLite connection is an open file: nothing outside the process ends it.
        return;
    }
    let token = app.officer("li.wei").await;
    let first = lead("成都蜀味预制菜有限公司");
    app.sync(&token, &request("tablet-1", 0, vec![create(&first)])).await;

    // A restarted PostgreSQL, or an administrator ending sessions: every connection the server
    // holds is gone, the one its sync writer keeps between turns among them.
    let mut conn = app.db.pool.acquire().await.unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);

    let second = lead("重庆山城火锅底料有限公司");
    let answer = app.sync(&token, &request("tablet-1", 0, vec![create(&second)])).await;
    assert_eq!(answer.results[0].status, ChangeStatus::Applied, "the writer connects again instead of failing the sync");
}

#[tokio::test]
async fn a_tablet_of_the_previous_build_still_syncs_and_is_asked_to_reload_only_once_nothing_waits_on_it() {
    let app = spawn_app().await;
    let token = app.officer("li.officer").await;
    let build = app.client.get(app.url("/healthz")).send().await.unwrap().headers()["x-zhaoshang-build"].to_str().unwrap().to_owned();

    // The previous build's request: no protocol and no device report. Taken, and not told to reload.
    let old = lead("旧版本平板的线索");
    let body = serde_json::json!({ "device_id": "old-tablet", "cursor": 0, "changes": [create(&old)] });
    let response = app.sync_json(&token, &body).await;
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(answer["results"][0]["status"], "applied");
    assert!(answer.get("reload").is_none(), "{answer}");

    // A tablet of another build with changes still waiting on it is not asked yet; once nothing
    // waits, it is; the build served is never asked.
    let asked = |build: &str, waiting: u64, changes: Vec<domain::sync::LeadChange>| {
        let mut body = request("new-tablet", 0, changes);
        body.device = Some(domain::device::DeviceReport::new(waiting, None, 0, build, None));
        body
    };
    let waiting = lead("还有待同步的");
    assert!(!app.sync(&token, &asked("0ld0ld0ld", 4, vec![create(&waiting)])).await.reload);
    assert!(app.sync(&token, &asked("0ld0ld0ld", 0, vec![])).await.reload);
    assert!(!app.sync(&token, &asked(&build, 0, vec![])).await.reload);

    // A protocol this server does not speak is refused with the API's JSON, and nothing is stored.
    let future = lead("未来版本的线索");
    let mut body = serde_json::to_value(request("future-tablet", 0, vec![create(&future)])).unwrap();
    body["protocol"] = serde_json::json!(domain::sync::PROTOCOL + 1);
    let response = app.sync_json(&token, &body).await;
    assert_eq!(response.status(), 400);
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error["error"], "bad_request");
    assert!(error["message"].as_str().unwrap().contains("protocol"), "{error}");
    let stored: Vec<String> = all_leads(&app.client, &app.base, &token).await.into_iter().map(|l| l.lead.company_name).collect();
    assert!(stored.contains(&"旧版本平板的线索".to_owned()) && stored.contains(&"还有待同步的".to_owned()));
    assert!(!stored.contains(&"未来版本的线索".to_owned()), "{stored:?}");
}
