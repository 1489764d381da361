//! The device fleet: what each tablet reports with its sync (changes it still holds, the oldest,
//! its build, its storage) reaches the workspace's device page, which warns about a tablet whose
//! unsynced changes are older than a day and stops once it has synced; a report outside the
//! rules is refused with the API's JSON and changes nothing stored; officers get 403.

mod common;

use chrono::Duration;
use common::{all_leads, cookie, create, lead, request, spawn_app, user_with_session};
use domain::device::{DeviceReport, DeviceStorage};
use server::db::users::Role;

fn with_report(mut body: domain::sync::SyncRequest, report: DeviceReport) -> domain::sync::SyncRequest {
    body.device = Some(report);
    body
}

#[tokio::test]
async fn tablets_report_what_they_hold_and_the_device_page_warns_about_old_unsynced_changes() {
    let app = spawn_app().await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let admin = user_with_session(&app.db, "sun.admin", Role::Admin).await;
    let officer = app.officer("li.officer").await;
    let page = |token: &str, path: &str| {
        let (client, url, token) = (app.client.clone(), app.url(path), token.to_owned());
        async move {
            let response = client.get(url).header("cookie", cookie(&token)).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, html) = page(&manager, "/manage/devices").await;
    assert!(status == 200 && html.contains("data-testid=\"devices-empty\""), "{status}");

    // Tablet 1 sends one lead and one the server refuses; three more wait on it, the oldest
    // queued two days ago (its sync keeps being cut); its storage may be evicted.
    let build = app.client.get(app.url("/healthz")).send().await.unwrap().headers()["x-zhaoshang-build"].to_str().unwrap().to_owned();
    // An empty company name: the same rules as the form refuse it.
    let refused = domain::Lead { company_name: String::new(), ..lead("待补") };
    let storage = DeviceStorage { persisted: false, usage_bytes: 18 * 1024 * 1024, quota_bytes: 1 << 30 };
    let two_days_ago = domain::time::now() - Duration::days(2);
    let report = DeviceReport::new(3, Some(two_days_ago), 0, "0123456789abcdef", Some(storage));
    let first = lead("蜀味食品");
    let answer = app.sync(&officer, &with_report(request("tablet-one-uuid", 0, vec![create(&first), create(&refused)]), report)).await;
    assert_eq!(answer.results.iter().filter(|r| r.status == domain::sync::ChangeStatus::Rejected).count(), 1);
    // Tablet 2 runs an earlier build, which reports nothing.
    app.sync(&officer, &request("tablet-two-uuid", 0, vec![])).await;

    let (status, html) = page(&manager, "/manage/devices").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("data-testid=\"device-row\"").count(), 2, "{html}");
    let warning = html.split("data-testid=\"devices-at-risk\"").nth(1).expect("a warning").split("</div>").next().unwrap();
    assert!(warning.contains("#device-tablet-one-uuid") && !warning.contains("tablet-two"), "{warning}");
    let row = |id: &str| html.split(&format!("id=\"device-{id}\"")).nth(1).unwrap().split("</tr>").next().unwrap().to_owned();
    let one = row("tablet-one-uuid");
    assert!(one.contains("3 项待同步") && one.contains("1 项被退回"), "the refused change stays on the tablet: {one}");
    assert!(one.contains(&domain::time::format_shanghai(two_days_ago)), "{one}");
    assert!(one.contains("较早版本") && one.contains("可能被浏览器清除") && one.contains("18.0 MB"), "{one}");
    assert!(row("tablet-two-uuid").contains("未报告"));

    // The accounts page counts both and links to them.
    let (_, accounts) = page(&admin, "/manage/users").await;
    let officer_row = accounts.split("id=\"user-li.officer\"").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(officer_row.contains("<td>2") && officer_row.contains("/manage/devices#officer-li.officer"), "{officer_row}");

    // Updated and connected, the tablet sends the rest: no warning any more.
    let rest: Vec<_> = ["天府智造", "川渝物流", "西部数谷"].iter().map(|c| create(&lead(c))).collect();
    let report = DeviceReport::new(0, None, 1, &build, Some(DeviceStorage { persisted: true, ..storage }));
    app.sync(&officer, &with_report(request("tablet-one-uuid", answer.cursor, rest), report)).await;
    let (_, html) = page(&manager, "/manage/devices").await;
    assert!(!html.contains("data-testid=\"devices-at-risk\""), "{html}");
    let one = html.split("id=\"device-tablet-one-uuid\"").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(one.contains("当前版本") && one.contains("持久存储") && one.contains("1 项被退回") && !one.contains("待同步"), "{one}");

    // In English too.
    let response =
        app.client.get(app.url("/manage/devices")).header("cookie", format!("{}; zs_lang=en", cookie(&manager))).send().await.unwrap();
    let english = response.text().await.unwrap();
    assert!(english.contains("Tablets") && english.contains("1 refused, to be corrected") && english.contains("Current"), "{english}");

    // The lead's trail names the tablet by its officer and first sync.
    let today = domain::time::format_shanghai(domain::time::now()).chars().take(10).collect::<String>();
    let (_, lead_page) = page(&manager, &format!("/manage/leads/{}", first.id)).await;
    assert!(lead_page.contains(&format!("tablet-o（{today} 起）")), "{lead_page}");

    let (status, _) = page(&officer, "/manage/devices").await;
    assert_eq!(status, 403, "officers do not see the fleet");
}

#[tokio::test]
async fn a_report_outside_the_rules_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let officer = app.officer("li.officer").await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let good = serde_json::json!({ "waiting": 1, "oldest_waiting": "2026-09-20T02:00:00.000Z", "refused": 0, "build": "abc" });
    let hostile = [
        ("build", serde_json::json!("<script>alert(1)</script>")),
        ("build", serde_json::json!("x".repeat(65))),
        ("oldest_waiting", serde_json::json!("2100-01-01T00:00:00.000Z")),
        ("oldest_waiting", serde_json::json!("9999-12-31T23:59:59.000-01:00")),
        ("waiting", serde_json::json!(-1)),
        ("waiting", serde_json::json!(u64::MAX)),
        ("refused", serde_json::json!(10_000_001)),
        ("storage", serde_json::json!({ "persisted": true, "usage_bytes": 1u64 << 60, "quota_bytes": 0 })),
        ("unknown", serde_json::json!(1)),
    ];
    for (n, (field, value)) in hostile.into_iter().enumerate() {
        let mut device = good.clone();
        device[field] = value.clone();
        let change = serde_json::to_value(create(&lead(&format!("企业{n}")))).unwrap();
        let body = serde_json::json!({ "device_id": "tablet-x", "cursor": 0, "changes": [change], "device": device });
        let response = app.sync_json(&officer, &body).await;
        assert_eq!(response.status(), 400, "{field} = {value}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert!(error["error"].is_string() && error["message"].as_str().is_some_and(|m| m.contains("device")), "{error}");
    }
    assert!(all_leads(&app.client, &app.base, &manager).await.is_empty(), "no refused request stored its lead");
    let html = app.client.get(app.url("/manage/devices")).bearer_auth(&manager).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"devices-empty\""), "nor the tablet");
}
