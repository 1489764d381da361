//! What a careless clock, a hostile client or a bad row does to the server: each finding of the
//! hostile-input review, reproduced over real HTTP on a fresh database (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`). Every one of these failed before its fix.

mod common;

use common::{create, edit, lead, no_redirects, request, spawn_app, user_with_session};
use domain::sync::{ChangeStatus, RejectReason};
use domain::LeadField;
use serde_json::{json, Value};
use server::db::users::Role;

/// A server with an officer, a manager and one lead the officer synced.
async fn app_with_a_lead() -> (common::TestApp, String, String, domain::Lead) {
    let app = spawn_app().await;
    let officer = app.officer("li.wei").await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let target = lead("蜀味");
    app.sync(&officer, &request("tablet-1", 0, vec![create(&target)])).await;
    (app, officer, manager, target)
}

/// A valid change that creates `company`, as JSON to be spoiled.
fn change_json(company: &str) -> Value {
    serde_json::to_value(create(&lead(company))).unwrap()
}

#[tokio::test]
async fn an_instant_no_clock_gives_is_rejected_alone_and_every_reader_still_answers() {
    let app = spawn_app().await;
    let officer = app.officer("li.wei").await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    // Year -1 and year 10000 once in UTC: these were stored and then wedged every reader.
    let mut captured = change_json("负年份企业");
    captured["lead"]["captured_at"] = json!("0000-01-01T00:00:00.000+23:59");
    let mut consent = change_json("万年企业");
    consent["lead"]["consent"]["given_at"] = json!("9999-12-31T23:59:59.000-01:00");
    // In the stored format's range but not in the years a lead may carry: a reset tablet clock.
    let mut reset = change_json("时钟复位企业");
    reset["lead"]["captured_at"] = json!("1970-01-01T00:00:00.000Z");
    let good = change_json("正常企业");
    let body = json!({ "device_id": "tablet-1", "cursor": 0, "changes": [captured, consent, reset, good] });

    let response = app.sync_json(&officer, &body).await;

    assert_eq!(response.status(), 200);
    let answer: domain::sync::SyncResponse = response.json().await.unwrap();
    let statuses: Vec<_> = answer.results.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![ChangeStatus::Rejected, ChangeStatus::Rejected, ChangeStatus::Rejected, ChangeStatus::Applied]);
    let Some(RejectReason::Malformed { message }) = &answer.results[0].reason else { panic!("{:?}", answer.results[0]) };
    assert!(message.starts_with("lead.captured_at"), "{message}");
    let Some(RejectReason::Malformed { message }) = &answer.results[1].reason else { panic!("{:?}", answer.results[1]) };
    assert!(message.starts_with("lead.consent.given_at"), "{message}");
    let Some(RejectReason::Invalid { errors }) = &answer.results[2].reason else { panic!("{:?}", answer.results[2]) };
    assert_eq!(
        errors.iter().map(|e| (e.field, e.kind)).collect::<Vec<_>>(),
        vec![(LeadField::CapturedAt, domain::FieldErrorKind::ClockOutOfRange)]
    );
    app.readers_answer(&manager, &[answer.results[3].lead_id]).await.unwrap();

    // The same batch again gets the same answers: the rejections were recorded.
    let again: domain::sync::SyncResponse = app.sync_json(&officer, &body).await.json().await.unwrap();
    assert_eq!(again.results.iter().map(|r| r.status).collect::<Vec<_>>()[..3], [ChangeStatus::Rejected; 3]);
    assert_eq!(again.results[3].status, ChangeStatus::Duplicate);
}

#[tokio::test]
async fn an_edit_with_an_unwritable_updated_at_is_rejected_and_the_lead_stays_readable() {
    let app = spawn_app().await;
    let officer = app.officer("li.wei").await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let original = lead("蜀味");
    app.sync(&officer, &request("tablet-1", 0, vec![create(&original)])).await;
    let mut edited = original.clone();
    edited.notes = Some("改了".into());
    let mut change = serde_json::to_value(edit(&original, &edited, 1)).unwrap();
    change["lead"]["updated_at"] = json!("9999-12-31T23:59:59.000-01:00");

    let answer: domain::sync::SyncResponse =
        app.sync_json(&officer, &json!({ "device_id": "tablet-1", "cursor": 0, "changes": [change] })).await.json().await.unwrap();

    assert_eq!(answer.results[0].status, ChangeStatus::Rejected);
    app.readers_answer(&manager, &[original.id]).await.unwrap();
}

#[tokio::test]
async fn a_null_consent_rejects_that_change_and_the_rest_of_the_batch_applies() {
    let app = spawn_app().await;
    let officer = app.officer("li.wei").await;
    let mut no_consent = change_json("无同意企业");
    no_consent["lead"]["consent"] = Value::Null;
    let mut unknown_key = change_json("多字段企业");
    unknown_key["admin"] = json!(true);
    let body = json!({ "device_id": "tablet-1", "cursor": 0, "changes": [no_consent, unknown_key, change_json("正常企业")] });

    let answer: domain::sync::SyncResponse = app.sync_json(&officer, &body).await.json().await.unwrap();

    assert_eq!(
        answer.results.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![ChangeStatus::Rejected, ChangeStatus::Rejected, ChangeStatus::Applied]
    );
    let Some(RejectReason::Malformed { message }) = &answer.results[0].reason else { panic!("{:?}", answer.results[0]) };
    assert!(message.starts_with("lead.consent"), "{message}");
    assert_eq!(answer.changes.len(), 1);

    // A change that does not say which change it is cannot be answered: the request is refused.
    let mut anonymous = change_json("匿名企业");
    anonymous["change_id"] = json!("not a uuid");
    let response = app.sync_json(&officer, &json!({ "device_id": "tablet-1", "cursor": 0, "changes": [anonymous] })).await;
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.unwrap();
    assert!(error["message"].as_str().unwrap().contains("changes[0]"), "{error}");
}

#[tokio::test]
async fn the_capture_device_and_time_are_the_servers_not_the_leads_own() {
    let app = spawn_app().await;
    let officer = app.officer("li.wei").await;
    let mut forged = lead("伪造来源企业");
    forged.device_id = "\u{0}".repeat(1000);
    forged.captured_at = chrono::Utc::now() + chrono::TimeDelta::days(3000);
    forged.updated_at = forged.captured_at;

    let sent = domain::time::now();
    let answer = app.sync(&officer, &request("tablet-li", 0, vec![create(&forged)])).await;

    assert_eq!(answer.results[0].status, ChangeStatus::Applied);
    let stored = &answer.changes[0].lead;
    assert_eq!(stored.device_id, "tablet-li", "the device the request came from");
    assert!(
        stored.captured_at >= sent && stored.captured_at <= domain::time::now(),
        "captured no later than it arrived: {}",
        stored.captured_at
    );
    assert!(stored.updated_at >= stored.captured_at);
}

#[tokio::test]
async fn an_unreadable_row_is_skipped_by_every_reader_counted_and_shown_to_admins() {
    let app = spawn_app().await;
    let officer = app.officer("li.wei").await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let admin = user_with_session(&app.db, "root.admin", Role::Admin).await;
    let (good, bad) = (lead("好企业"), lead("坏企业"));
    app.sync(&officer, &request("tablet-1", 0, vec![create(&good), create(&bad)])).await;
    // What an older server wrote: a year no parser reads (and its trail entry, which the read
    // falls back to, likewise).
    let broken = serde_json::to_string(&bad).unwrap().replace("2026-09-20T02:00:00.000Z", "-001-12-31T00:01:00.000Z");
    sqlx::query("UPDATE leads SET data = $1, seq = seq + 100 WHERE id = $2")
        .bind(&broken)
        .bind(bad.id.to_string())
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE sync_sequence SET value = value + 100").execute(&app.db.pool).await.unwrap();

    app.readers_answer(&manager, &[good.id]).await.unwrap();
    let page = app.client.get(app.url(&format!("/manage/leads/{}", bad.id))).bearer_auth(&manager).send().await.unwrap();
    assert_eq!((page.status().as_u16(), page.headers()["content-type"].to_str().unwrap()), (404, "text/html; charset=utf-8"));
    let listed: Vec<Value> = app.client.get(app.url("/api/v1/leads")).bearer_auth(&manager).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed.len(), 1, "the unreadable lead is left out");
    let health: Value = app.client.get(app.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert!(health["unreadable_rows"].as_i64().unwrap() >= 1, "{health}");
    let page = app.client.get(app.url("/manage/leads")).bearer_auth(&admin).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"unreadable-rows\"") && page.contains(&bad.id.to_string()), "admins see the row");
    let page = app.client.get(app.url("/manage/leads")).bearer_auth(&manager).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("unreadable-rows"), "managers do not");

    // The officer's next edit of that lead is refused, not taken for a new lead (a 500 forever).
    let mut edited = bad.clone();
    edited.notes = Some("再改".into());
    let answer = app.sync(&officer, &request("tablet-1", 0, vec![edit(&bad, &edited, 1)])).await;
    assert_eq!(answer.results[0].status, ChangeStatus::Rejected);
}

#[tokio::test]
async fn redirect_targets_never_leave_the_site() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for back in ["/%09/evil.example", "%2F%09%2Fevil.example%2F", "/%5Cevil.example", "//evil.example", "https://evil.example/"] {
        let response = client.get(app.url(&format!("/lang/en?back={back}"))).send().await.unwrap();
        assert_eq!(response.status(), 303, "{back}");
        assert_eq!(response.headers()["location"], "/manage/leads", "{back}");
    }
    let response = client.get(app.url("/lang/en?back=/manage/dashboard%3Fperiod%3D2023")).send().await.unwrap();
    assert_eq!(response.headers()["location"], "/manage/dashboard?period=2023");
}

#[tokio::test]
async fn a_form_posted_from_another_origin_or_without_its_token_changes_nothing() {
    let (app, officer, manager, target) = app_with_a_lead().await;
    let stage = app.url(&format!("/manage/leads/{}/stage", target.id));
    let token = server::auth::token::form_token(&manager);
    let fields = |csrf: &str| vec![("to", "screened".to_owned()), ("on", "2026-10-01".to_owned()), ("_csrf", csrf.to_owned())];
    let client = no_redirects();
    let cookie = format!("zs_session={manager}");
    // Another port of the same host (same site to the browser), a sibling, no origin at all, no token.
    let evil_port = app.base.replace(&app.base.rsplit(':').next().unwrap().to_string(), "1");
    let attempts = [
        (Some(evil_port.as_str()), None, token.clone()),
        (Some("http://evil.example"), None, token.clone()),
        (Some("null"), None, token.clone()),
        (None, Some("same-site"), token.clone()),
        (None, None, token.clone()),
        (Some(app.base.as_str()), None, String::new()),
        (Some(app.base.as_str()), None, "0".repeat(64)),
    ];
    for (origin, fetch_site, csrf) in attempts {
        let mut post = client.post(&stage).header("cookie", &cookie).form(&fields(&csrf));
        if let Some(origin) = origin {
            post = post.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            post = post.header("sec-fetch-site", site);
        }
        let response = post.send().await.unwrap();
        assert_eq!(response.status(), 403, "{origin:?} {fetch_site:?} {csrf}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(response.text().await.unwrap().contains("已拒绝"), "the workspace's page, in the user's language");
    }
    let listed: Value = app.client.get(app.url("/api/v1/leads")).bearer_auth(&manager).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed[0]["lead"]["pipeline"], Value::Null, "still a fresh lead");

    // The form as the page sends it is taken.
    let ok = client.post(&stage).header("cookie", &cookie).header("origin", &app.base).form(&fields(&token)).send().await.unwrap();
    assert_eq!(ok.status(), 303);
    // The API on the cookie from another origin: the API's JSON error.
    let sync = client
        .post(app.url("/api/v1/sync"))
        .header("cookie", format!("zs_session={officer}"))
        .header("origin", "http://evil.example")
        .json(&request("tablet-1", 0, vec![create(&lead("跨站企业"))]))
        .send()
        .await
        .unwrap();
    assert_eq!(sync.status(), 403);
    let error: Value = sync.json().await.unwrap();
    assert_eq!(error["error"], "cross_site");
}

#[tokio::test]
async fn logging_out_of_the_workspace_needs_the_session_and_its_token() {
    let app = spawn_app().await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let client = no_redirects();
    let logout = app.url("/manage/logout");
    let anonymous = client.post(&logout).header("origin", &app.base).send().await.unwrap();
    assert_eq!((anonymous.status().as_u16(), anonymous.headers()["location"].to_str().unwrap().starts_with("/login")), (303, true));
    let forged = client.post(&logout).header("cookie", format!("zs_session={manager}")).header("origin", &app.base).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(app.client.get(app.url("/api/v1/me")).bearer_auth(&manager).send().await.unwrap().status(), 200, "still signed in");
    let token = server::auth::token::form_token(&manager);
    let real = client
        .post(&logout)
        .header("cookie", format!("zs_session={manager}"))
        .header("origin", &app.base)
        .form(&[("_csrf", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(real.status(), 303);
    assert_eq!(app.client.get(app.url("/api/v1/me")).bearer_auth(&manager).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_personal_data_is_never_cached() {
    let app = spawn_app().await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    for (path, private) in [
        ("/manage/leads", true),
        ("/manage/export/leads.csv", true),
        ("/api/v1/leads", true),
        ("/healthz", false),
        ("/no/such/page", false),
    ] {
        let response = app.client.get(app.url(path)).bearer_auth(&manager).send().await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers.get("cache-control").is_some_and(|v| v == "no-store"), private, "{path}");
        assert!(headers.get("strict-transport-security").is_none(), "no HSTS over plain http");
    }
    let https = common::spawn_app_configured(std::env::temp_dir().as_path(), |mut config| {
        config.secure_cookies = true;
        config
    })
    .await;
    let response = https.client.get(https.url("/healthz")).send().await.unwrap();
    assert_eq!(response.headers()["strict-transport-security"], "max-age=31536000");
}

#[tokio::test]
async fn api_errors_are_the_documented_json_whatever_went_wrong() {
    let app = spawn_app().await;
    let officer = app.officer("li.wei").await;
    let cases = [
        (reqwest::Method::GET, "/api/v1/leads?after=abc", 400),
        (reqwest::Method::GET, "/api/v1/leads?limit=1e99", 400),
        (reqwest::Method::DELETE, "/api/v1/sync", 405),
        (reqwest::Method::GET, "/api/v1/login", 405),
        (reqwest::Method::GET, "/api/v1/nothing", 404),
    ];
    for (method, path, status) in cases {
        let response = app.client.request(method.clone(), app.url(path)).bearer_auth(&officer).send().await.unwrap();
        assert_eq!(response.status(), status, "{method} {path}");
        assert_eq!(response.headers()["content-type"], "application/json", "{method} {path}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string() && body["message"].is_string(), "{method} {path}: {body}");
    }
}

#[tokio::test]
async fn a_workspace_link_it_cannot_read_is_its_html_page_in_the_users_language() {
    let app = spawn_app().await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    for path in [
        "/manage/leads?sort=zzz",
        "/manage/leads?page=zzz",
        "/manage/overdue?page=-",
        "/manage/dashboard?period=2023-Q9",
        "/manage/export/bulletin.xlsx?period=x",
        "/manage/export/leads.csv?from=2023-13-01",
    ] {
        // The page names the parameter and its value, in the user's words, not serde's.
        let param = path.split_once('?').unwrap().1;
        for (cookie, words) in
            [("zs_lang=zh-CN", format!("链接中的参数「{param}」无法识别")), ("zs_lang=en", format!("parameter “{param}” cannot be read"))]
        {
            let response = app.client.get(app.url(path)).bearer_auth(&manager).header("cookie", cookie).send().await.unwrap();
            assert_eq!(response.status(), 400, "{path}");
            assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8", "{path}");
            let html = response.text().await.unwrap();
            assert!(html.contains(&words), "{path} {cookie}: {}", html.chars().take(600).collect::<String>());
            assert!(!html.contains("variant") && !html.contains("invalid digit"), "{path}: serde's English shown");
        }
    }
}

#[tokio::test]
async fn connections_that_never_finish_their_headers_are_cut_off_and_do_not_starve_others() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let limits = server::serve::Limits { header_read: std::time::Duration::from_secs(1), connections: 64, ..Default::default() };
    let app = common::spawn_app_configured(std::env::temp_dir().as_path(), move |mut config| {
        config.limits = limits;
        config
    })
    .await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
        slow.push(stream);
    }
    // A real request gets through once the cap frees up: the slow ones are cut off in turn.
    let started = std::time::Instant::now();
    let health = tokio::time::timeout(std::time::Duration::from_secs(20), app.client.get(app.url("/healthz")).send()).await;
    assert!(health.is_ok_and(|r| r.is_ok_and(|r| r.status() == 200)), "a normal request is served beside 200 slow ones");
    // Every slow connection is closed by the server (EOF, or a 408 answer then EOF).
    for (n, stream) in slow.iter_mut().enumerate() {
        let mut rest = Vec::new();
        let read = tokio::time::timeout(std::time::Duration::from_secs(20), stream.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "slow connection {n} still open after {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn managers_saving_the_same_follow_up_at_once_are_applied_one_after_the_other() {
    let (app, _, manager, target) = app_with_a_lead().await;
    let url = app.url(&format!("/manage/leads/{}/followup", target.id));
    let token = server::auth::token::form_token(&manager);
    let posts: Vec<_> = (0..12)
        .map(|_| {
            let post = no_redirects()
                .post(&url)
                .header("cookie", format!("zs_session={manager}"))
                .header("origin", &app.base)
                .form(&[("responded", "on"), ("_csrf", token.as_str())])
                .send();
            tokio::spawn(post)
        })
        .collect();
    for post in posts {
        assert_eq!(post.await.unwrap().unwrap().status(), 303);
    }
    // Each save read what the one before it wrote: the first contact is recorded once.
    let trail = app.history(&manager, target.id).await;
    assert_eq!(trail.iter().filter(|e| e["attr"] == "responded_at").count(), 1, "{trail:?}");
}

#[tokio::test]
async fn a_workspace_form_that_does_not_fit_is_answered_with_the_workspace_page() {
    let (app, _, manager, _) = app_with_a_lead().await;
    let token = server::auth::token::form_token(&manager);
    // The merge form without the two leads: axum's rejection was English plain text.
    let response = no_redirects()
        .post(app.url("/manage/duplicates/merge"))
        .header("cookie", format!("zs_session={manager}"))
        .header("origin", &app.base)
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error());
    assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
    assert!(response.text().await.unwrap().contains("这个请求无法处理"));
}
