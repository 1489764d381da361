//! The manager workspace on the real server: roles on every page and export, stage changes
//! reaching the officer's tablet through sync, refused changes, exports read back (calamine for
//! .xlsx), the dashboard's figures after a signing, and the demo command.

mod common;

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::device::Device;
use common::{cookie, lead, no_redirects, signed, spawn_app, user_with_session, TestApp};
use domain::{IndustryChain, PipelineStage, Wan};
use server::db::users::Role;

/// A client that shows redirects instead of following them.
/// An officer's device with `leads` captured and synced; returns the device.
async fn officer_with_leads(app: &TestApp, name: &str, leads: Vec<domain::Lead>) -> Device {
    let token = user_with_session(&app.db, name, Role::Officer).await;
    let mut device = Device::new(&format!("tablet-{name}"), &token);
    for lead in leads {
        device.save(lead);
    }
    device.sync(&app.base).await.expect("sync");
    assert_eq!(device.pending(), 0);
    device
}

fn lead_in(company: &str, industry: IndustryChain, event: &str) -> domain::Lead {
    let mut l = lead(company);
    l.industry = Some(industry);
    l.event = Some(event.into());
    l
}

/// Posts the stage form of a lead as a manager would.
async fn post_stage(app: &TestApp, token: &str, id: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    no_redirects()
        .post(app.url(&format!("/manage/leads/{id}/stage")))
        .header("cookie", cookie(token))
        .header("origin", &app.base)
        .form(&signed(token, fields))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn officers_get_403_from_every_manager_page_export_and_target_endpoint() {
    let app = spawn_app().await;
    let device = officer_with_leads(&app, "li.officer", vec![lead("四川甲公司")]).await;
    let id = device.records.keys().next().unwrap().to_string();
    let officer = device.token.clone();
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let admin = user_with_session(&app.db, "root.admin", Role::Admin).await;
    let client = no_redirects();
    let gets = [
        "/manage/leads".to_owned(),
        format!("/manage/leads/{id}"),
        "/manage/dashboard".into(),
        "/manage/overdue".into(),
        "/manage/duplicates".into(),
        "/manage/targets".into(),
        "/manage/export/leads.csv".into(),
        "/manage/export/leads.xlsx".into(),
        "/manage/export/bulletin.xlsx".into(),
        "/manage/export/overdue.csv".into(),
        "/manage/withdrawn".into(),
        format!("/manage/leads/{id}/edit"),
    ];
    let posts = [
        format!("/manage/leads/{id}/stage"),
        format!("/manage/leads/{id}/followup"),
        format!("/manage/leads/{id}/edit"),
        format!("/manage/leads/{id}/revert"),
        format!("/manage/leads/{id}/restore"),
        "/manage/duplicates/merge".into(),
        "/manage/targets".into(),
        "/manage/targets/1/delete".into(),
    ];
    for path in &gets {
        let as_officer = client.get(app.url(path)).header("cookie", cookie(&officer)).send().await.unwrap();
        assert_eq!(as_officer.status(), 403, "officer GET {path}");
        let anonymous = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(anonymous.status(), 303, "anonymous GET {path} is sent to log in");
        assert!(anonymous.headers()["location"].to_str().unwrap().starts_with("/login?next=%2Fmanage"), "{path}");
        let as_manager = client.get(app.url(path)).header("cookie", cookie(&manager)).send().await.unwrap();
        assert_eq!(as_manager.status(), 200, "manager GET {path}");
    }
    let form = [
        ("to", "signed"),
        ("on", "2026-10-01"),
        ("agreed_wan", "50000"),
        ("period", "2026"),
        ("metric", "signed_projects"),
        ("value", "3"),
        ("assignee", "li.officer"),
        ("keep", id.as_str()),
        ("absorb", id.as_str()),
    ];
    for path in &posts {
        let as_officer = client
            .post(app.url(path))
            .header("cookie", cookie(&officer))
            .header("origin", &app.base)
            .form(&signed(&officer, &form))
            .send()
            .await
            .unwrap();
        assert_eq!(as_officer.status(), 403, "officer POST {path}");
    }
    // Targets are for administrators: a manager reads them but cannot change them.
    let as_manager = client
        .post(app.url("/manage/targets"))
        .header("cookie", cookie(&manager))
        .header("origin", &app.base)
        .form(&signed(&manager, &form))
        .send()
        .await
        .unwrap();
    assert_eq!(as_manager.status(), 403);
    let as_admin = client
        .post(app.url("/manage/targets"))
        .header("cookie", cookie(&admin))
        .header("origin", &app.base)
        .form(&signed(&admin, &form))
        .send()
        .await
        .unwrap();
    assert_eq!(as_admin.status(), 303);
    // Nothing the officer posted changed the lead.
    let mut conn = app.db.pool.acquire().await.unwrap();
    let stored = server::db::leads::find(&mut conn, &id).await.unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.lead.pipeline.stage, PipelineStage::Lead);
}

#[tokio::test]
async fn a_managers_stage_change_reaches_the_officers_tablet_and_survives_its_edits() {
    let app = spawn_app().await;
    let mut device = officer_with_leads(&app, "wang.officer", vec![lead("天府食品有限公司")]).await;
    let id = *device.records.keys().next().unwrap();
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;

    let response = post_stage(
        &app,
        &manager,
        &id.to_string(),
        &[("to", "signed"), ("on", "2026-10-08"), ("agreed_wan", "120000"), ("supervision", "provincial"), ("out_of_province", "on")],
    )
    .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap_or_default());

    device.sync(&app.base).await.expect("sync");
    let on_tablet = &device.records[&id].lead;
    assert_eq!(on_tablet.pipeline.stage, PipelineStage::Signed);
    let signing = on_tablet.pipeline.signing.as_ref().expect("signing reached the tablet");
    assert_eq!(signing.agreed_investment, Wan(120_000));
    assert!(signing.out_of_province);

    // The officer edits another field offline: the stage survives the merge on the server.
    let mut edited = on_tablet.clone();
    edited.notes = Some("已约第二次面谈".into());
    device.save(edited);
    device.sync(&app.base).await.expect("sync");
    let mut conn = app.db.pool.acquire().await.unwrap();
    let stored = server::db::leads::find(&mut conn, &id.to_string()).await.unwrap().unwrap();
    assert_eq!(stored.lead.pipeline.stage, PipelineStage::Signed);
    assert_eq!(stored.lead.notes.as_deref(), Some("已约第二次面谈"));

    // The trail holds the change, made on the web by the manager.
    let trail = server::db::history::for_lead(&mut conn, &id.to_string()).await.unwrap();
    let change = trail.iter().find(|e| e.attr == "pipeline").expect("pipeline change in the trail");
    assert_eq!(change.source, "web");
    assert!(change.new_value.as_deref().unwrap().contains("\"stage\":\"signed\""));
}

#[tokio::test]
async fn recording_money_received_leaves_the_signing_date_alone() {
    let app = spawn_app().await;
    let device = officer_with_leads(&app, "wang.officer", vec![lead("天府食品有限公司")]).await;
    let id = device.records.keys().next().unwrap().to_string();
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let signing = [("to", "signed"), ("on", "2026-01-01"), ("agreed_wan", "80000")];
    assert_eq!(post_stage(&app, &manager, &id, &signing).await.status(), 303);

    // The form as the lead's page shows it: the signing date prefilled, today for the money.
    let page = app.client.get(app.url(&format!("/manage/leads/{id}"))).header("cookie", cookie(&manager)).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"name="signed_on" value="2026-01-01""#), "the signing date is prefilled");
    let today = domain::time::now().with_timezone(&domain::time::shanghai()).date_naive().to_string();
    let reading = [
        ("to", "signed"),
        ("on", today.as_str()),
        ("signed_on", "2026-01-01"),
        ("agreed_wan", "80000"),
        ("actual_wan", "20000"),
        ("funds_on", today.as_str()),
    ];
    assert_eq!(post_stage(&app, &manager, &id, &reading).await.status(), 303);
    // A client that sends no signing date at all (an older page) keeps it too.
    let later = [("to", "signed"), ("on", "2026-11-30"), ("agreed_wan", "80000"), ("actual_wan", "30000"), ("funds_on", "2026-11-30")];
    assert_eq!(post_stage(&app, &manager, &id, &later).await.status(), 303);

    let mut conn = app.db.pool.acquire().await.unwrap();
    let pipeline = server::db::leads::find(&mut conn, &id).await.unwrap().unwrap().lead.pipeline;
    assert_eq!(pipeline.signing.map(|s| s.signed_on.to_string()), Some("2026-01-01".to_owned()), "still signed in 2026-Q1");
    let readings: Vec<(String, i64)> = pipeline.funds.iter().map(|r| (r.on.to_string(), r.to_date.0)).collect();
    let mut expected = vec![("2026-11-30".to_owned(), 30_000), (today.clone(), 20_000)];
    expected.sort();
    expected.dedup_by(|a, b| a.0 == b.0);
    assert_eq!(readings.len(), expected.len(), "{readings:?}");
    assert!(readings.iter().all(|(on, _)| expected.iter().any(|(e, _)| e == on)), "each reading on its own day: {readings:?}");

    // Money cannot arrive before the signing: refused with the form's message, nothing stored.
    let version = server::db::leads::find(&mut conn, &id).await.unwrap().unwrap().version;
    let early = [("to", "signed"), ("on", "2026-11-30"), ("agreed_wan", "80000"), ("actual_wan", "40000"), ("funds_on", "2025-12-31")];
    let response = post_stage(&app, &manager, &id, &early).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("到位资金的日期不能早于签约日期"));
    assert_eq!(server::db::leads::find(&mut conn, &id).await.unwrap().unwrap().version, version);
}

#[tokio::test]
async fn a_refused_stage_change_says_why_and_changes_nothing() {
    let app = spawn_app().await;
    let device = officer_with_leads(&app, "wang.officer", vec![lead("天府食品有限公司")]).await;
    let id = device.records.keys().next().unwrap().to_string();
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    for (fields, message) in [
        (vec![("to", "signed"), ("on", "2026-10-08")], "签约需要填写协议引资金额和签约日期"),
        (vec![("to", "signed"), ("on", "2026-10-08"), ("agreed_wan", "十万")], "请填写整数金额"),
        (vec![("to", "signed"), ("on", "08/10/2026"), ("agreed_wan", "100")], "日期格式应为"),
        (vec![("to", "dropped"), ("on", "2026-10-08")], "需要填写原因"),
        (vec![("to", "launched"), ("on", "2026-10-08")], "请选择有效的阶段"),
    ] {
        let response = post_stage(&app, &manager, &id, &fields).await;
        assert_eq!(response.status(), 422, "{fields:?}");
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{fields:?} should say {message}");
    }
    let mut conn = app.db.pool.acquire().await.unwrap();
    let stored = server::db::leads::find(&mut conn, &id).await.unwrap().unwrap();
    assert_eq!(stored.version, 1, "nothing stored changed");
}

/// The text of every element of `html` carrying `marker` in its opening tag.
fn texts_of(html: &str, marker: &str) -> Vec<String> {
    html.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &html[at..];
            let start = rest.find('>')? + 1;
            let end = rest[start..].find('<')? + start;
            Some(rest[start..end].to_owned())
        })
        .collect()
}

/// One cell of a sheet, as calamine reads it.
fn cell(bytes: &[u8], sheet: &str, row: usize, col: usize) -> Data {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a valid .xlsx");
    let range = workbook.worksheet_range(sheet).expect("the sheet exists");
    range.get((row, col)).cloned().unwrap_or(Data::Empty)
}

/// The rows of a sheet as text.
fn sheet_rows(bytes: Vec<u8>, sheet: &str) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a valid .xlsx");
    let range = workbook.worksheet_range(sheet).expect("the sheet exists");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn exports_hold_exactly_the_filtered_leads() {
    let app = spawn_app().await;
    let mut leads = vec![
        lead_in("天府食品有限公司", IndustryChain::FoodBeverage, "西博会"),
        lead_in("川味预制菜有限公司", IndustryChain::FoodBeverage, "西博会"),
        lead_in("=cmd|' /C calc'!A0 食品", IndustryChain::FoodBeverage, "西博会"),
        lead_in("远航医药科技有限公司", IndustryChain::MedicineHealth, "西博会"),
        lead_in("粤海食品有限公司", IndustryChain::FoodBeverage, "四川行"),
    ];
    leads[0].intended_investment = Some(Wan(50_000));
    // A contact reachable only by e-mail and WeChat: the export must carry both.
    leads[1].mobile = None;
    leads[1].email = Some("buyer@chuanwei.example".into());
    leads[1].wechat = Some("chuanwei_buyer".into());
    leads[1].contact_title = Some("采购总监".into());
    officer_with_leads(&app, "wang.officer", leads).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let query = "?industry=food_beverage&event=%E8%A5%BF%E5%8D%9A%E4%BC%9A&sort=company";
    let get = |path: String| app.client.get(app.url(&path)).header("cookie", cookie(&manager)).send();

    let csv = get(format!("/manage/export/leads.csv{query}")).await.unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("线索编号,企业名称,统一社会信用代码,联系人,职务,手机,微信号,邮箱,"), "{}", lines[0]);
    assert_eq!(lines.len(), 4, "header and the three food leads of the fair: {lines:?}");
    assert!(text.contains("'=cmd"), "a formula is neutralised in CSV");
    assert!(!text.contains("远航医药") && !text.contains("粤海食品"));
    let chuanwei = lines.iter().find(|l| l.contains("川味预制菜")).unwrap();
    assert!(chuanwei.contains(",采购总监,,chuanwei_buyer,buyer@chuanwei.example,"), "title, WeChat and e-mail: {chuanwei}");

    let xlsx = get(format!("/manage/export/leads.xlsx{query}")).await.unwrap();
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let rows = sheet_rows(bytes.clone(), "线索审核");
    assert_eq!(rows[0][1], "企业名称");
    assert_eq!(rows.len(), 4);
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {:?}", rows[0]));
    let companies: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(companies, ["=cmd|' /C calc'!A0 食品", "天府食品有限公司", "川味预制菜有限公司"], "sorted by company, text stays text");
    let tianfu = rows.iter().find(|r| r[1] == "天府食品有限公司").unwrap();
    assert_eq!(tianfu[column("意向投资额（万元）")], "50000", "amounts stay numbers");
    let chuanwei = rows.iter().find(|r| r[1] == "川味预制菜有限公司").unwrap();
    assert_eq!(chuanwei[column("邮箱")], "buyer@chuanwei.example");
    assert_eq!(chuanwei[column("微信号")], "chuanwei_buyer");
    assert_eq!(rows[0][column("阶段")..], ["阶段", "签约日期", "协议引资（万元）", "累计实际到位（万元）", "招商干部", "责任单位"]);
    assert!(
        matches!(cell(&bytes, "线索审核", 1, column("录入时间（北京时间）")), Data::DateTime(_)),
        "the capture time is a date-time, not text"
    );

    // The dashboard's list shows the same count.
    let html = get(format!("/manage/leads{query}")).await.unwrap().text().await.unwrap();
    assert!(html.contains("共 3 条线索"), "the table counts the same leads");
}

#[tokio::test]
async fn a_signing_moves_the_dashboard_and_the_bulletin() {
    let app = spawn_app().await;
    let mut food = lead_in("天府食品有限公司", IndustryChain::FoodBeverage, "西博会");
    food.origin = Some(domain::Origin::Domestic { province: domain::Province::Guangdong, city: None });
    let device = officer_with_leads(&app, "wang.officer", vec![food]).await;
    let id = device.records.keys().next().unwrap().to_string();
    {
        let mut conn = app.db.pool.acquire().await.unwrap();
        let officer = server::db::users::find_by_name(&mut conn, "wang.officer").await.unwrap().unwrap();
        server::db::users::set_display_name(&mut conn, officer.id, Some("王明")).await.unwrap();
    }
    let admin = user_with_session(&app.db, "root.admin", Role::Admin).await;
    let client = no_redirects();
    for (metric, value) in [("signed_projects", "2"), ("agreed_investment", "100000"), ("out_of_province_agreed", "50000")] {
        let response = client
            .post(app.url("/manage/targets"))
            .header("cookie", cookie(&admin))
            .header("origin", &app.base)
            .form(&signed(&admin, &[("period", "2026-Q4"), ("metric", metric), ("value", value)]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
    }
    let dashboard = || async {
        let html = app
            .client
            .get(app.url("/manage/dashboard?period=2026-Q4"))
            .header("cookie", cookie(&admin))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        html
    };
    let before = dashboard().await;
    assert_eq!(texts_of(&before, "data-testid=\"target-actual\""), ["0", "0.00 亿元", "0.00 亿元"], "no signing yet");

    let response =
        post_stage(&app, &admin, &id, &[("to", "signed"), ("on", "2026-10-08"), ("agreed_wan", "75000"), ("out_of_province", "on")]).await;
    assert_eq!(response.status(), 303);
    let after = dashboard().await;
    // One of two projects (50%), 7.50 of 10.00 亿元 (75%), all of it out-of-province: 7.50 of
    // 5.00 亿元 (150%).
    assert_eq!(texts_of(&after, "data-testid=\"target-actual\""), ["1", "7.50 亿元", "7.50 亿元"]);
    assert_eq!(texts_of(&after, "class=\"bar-label\""), ["50%", "75%", "150%"]);
    // Officers are ranked under their names, not their user names.
    let ranking = after.split("data-testid=\"officers\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(ranking.contains("王明") && !ranking.contains("wang.officer"), "{ranking}");

    let bulletin =
        app.client.get(app.url("/manage/export/bulletin.xlsx?period=2026-Q4")).header("cookie", cookie(&admin)).send().await.unwrap();
    assert_eq!(bulletin.status(), 200);
    let rows = sheet_rows(bulletin.bytes().await.unwrap().to_vec(), "目标完成情况");
    assert_eq!(rows[0][0], "2026 年第 4 季度");
    assert_eq!(rows[1], ["指标", "目标", "完成", "进度"]);
    let agreed = rows.iter().find(|r| r[0] == "协议引资").expect("agreed investment row");
    // Numbers a spreadsheet can add up, in 亿元, and the progress as a share.
    assert_eq!(agreed[1..], ["10".to_owned(), "7.5".into(), "0.75".into()]);
    let bad = app.client.get(app.url("/manage/export/bulletin.xlsx?period=2026-Q5")).header("cookie", cookie(&admin)).send().await.unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_demo_loads_the_plans_targets_once() {
    let app = spawn_app().await;
    let written = server::demo::load(&app.db, 300, 7).await.expect("demo loads");
    assert_eq!(written, 300);
    let mut conn = app.db.pool.acquire().await.unwrap();
    let targets = server::db::targets::list(&mut conn).await.unwrap();
    let year =
        targets.iter().find(|(_, t)| t.period.code() == "2023" && t.metric.code() == "agreed_investment").expect("yearly agreed target");
    assert_eq!(year.1.value, 800_000, "80 亿元 in 万元");
    assert!(targets.iter().any(|(_, t)| t.period.code() == "2023-Q2" && t.scope.code() == "hospital_preparations,reproductive_health"));
    let facts = server::db::reports::project_facts(&mut conn).await.unwrap();
    assert!(facts.iter().any(|f| f.pipeline.stage.is_signed()), "some demo leads are signed projects");
    drop(conn);
    assert!(matches!(server::demo::load(&app.db, 10, 7).await, Err(server::demo::DemoError::NotEmpty(300))));
}

#[tokio::test]
async fn the_same_investor_met_by_two_officers_is_flagged_and_merged_into_the_first_capture() {
    let app = spawn_app().await;
    let mut first = lead("四川天府食品有限公司");
    first.referrer = Some("李引荐".into());
    first.captured_at -= chrono::Duration::days(3);
    first.updated_at = first.captured_at;
    let mut second = lead("四川天府食品（有限公司）");
    second.email = Some("ceo@tianfu.cn".into());
    second.referrer = Some("张引荐".into());
    let other = lead_in("远航医药科技有限公司", IndustryChain::MedicineHealth, "西博会");
    let mut other = other;
    other.mobile = Some("13900000000".into());
    let mut first_device = officer_with_leads(&app, "wang.officer", vec![first.clone()]).await;
    let mut second_device = officer_with_leads(&app, "li.officer", vec![second.clone(), other]).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let get = |path: &str| app.client.get(app.url(path)).header("cookie", cookie(&manager)).send();

    // Same mobile and the same company once its legal form is set aside: flagged on sync.
    let html = get("/manage/duplicates").await.unwrap().text().await.unwrap();
    assert_eq!(html.matches("data-testid=\"duplicate-pair\"").count(), 1, "one pair, the medicine company is not in it");
    assert!(html.contains("手机、企业名称") || html.contains("企业名称、手机"), "both shared keys are named");

    let merge = |fields: Vec<(&'static str, String)>| {
        no_redirects()
            .post(app.url("/manage/duplicates/merge"))
            .header("cookie", cookie(&manager))
            .header("origin", &app.base)
            .form(&signed(&manager, &fields))
            .send()
    };
    // The merge button first shows what the merge will do, and changes nothing.
    let response = merge(vec![("keep", second.id.to_string()), ("absorb", first.id.to_string())]).await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("data-testid=\"merge-confirm\""), "a confirmation is asked for");
    assert!(html.contains("将补入它缺少的：邮箱"), "it says what the survivor takes: {}", texts_of(&html, "<p").join(" | "));
    let mut conn = app.db.pool.acquire().await.unwrap();
    assert_eq!(server::db::leads::find(&mut conn, &second.id.to_string()).await.unwrap().unwrap().version, 1, "nothing merged yet");
    drop(conn);

    let response = merge(vec![("keep", second.id.to_string()), ("absorb", first.id.to_string()), ("confirm", "1".into())]).await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/manage/leads/{}?merged=1", first.id),
        "the first capture survives, whatever the form said"
    );
    let done = get(&format!("/manage/leads/{}?merged=1", first.id)).await.unwrap().text().await.unwrap();
    assert!(done.contains("已合并"), "the lead's page says what was done");

    let mut conn = app.db.pool.acquire().await.unwrap();
    let kept = server::db::leads::find(&mut conn, &first.id.to_string()).await.unwrap().unwrap();
    assert_eq!(kept.lead.referrer.as_deref(), Some("李引荐"), "the first referrer keeps the credit");
    assert_eq!(kept.lead.email.as_deref(), Some("ceo@tianfu.cn"), "what the survivor lacked is filled in");
    let absorbed = server::db::leads::find(&mut conn, &second.id.to_string()).await.unwrap().unwrap();
    assert_eq!(absorbed.lead.pipeline.stage, PipelineStage::Dropped);
    assert!(absorbed.lead.pipeline.reason.as_deref().unwrap().contains("四川天府食品有限公司"));
    let trail = server::db::history::for_lead(&mut conn, &first.id.to_string()).await.unwrap();
    assert!(trail.iter().any(|e| e.attr == "merged"), "the merge is in the survivor's trail");
    drop(conn);

    // Both officers' tablets learn the outcome; the list has no pair left.
    first_device.sync(&app.base).await.unwrap();
    second_device.sync(&app.base).await.unwrap();
    assert_eq!(first_device.records[&first.id].lead.email.as_deref(), Some("ceo@tianfu.cn"));
    assert_eq!(second_device.records[&second.id].lead.pipeline.stage, PipelineStage::Dropped);
    let html = get("/manage/duplicates").await.unwrap().text().await.unwrap();
    assert_eq!(html.matches("data-testid=\"duplicate-pair\"").count(), 0);
}

#[tokio::test]
async fn overdue_leads_are_listed_until_someone_follows_them_up() {
    let app = spawn_app().await;
    // Captured long ago (the fixture's date): both past their first-response deadline; the large
    // one past its assessment deadline too.
    let small = lead("小额线索有限公司");
    let mut large = lead("大额线索有限公司");
    large.intended_investment = Some(Wan(20_000));
    officer_with_leads(&app, "wang.officer", vec![small.clone(), large.clone()]).await;
    let mut elsewhere = lead("别处的线索有限公司");
    elsewhere.event = Some("四川行".into());
    officer_with_leads(&app, "li.officer", vec![elsewhere]).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let get = |path: String| app.client.get(app.url(&path)).header("cookie", cookie(&manager)).send();

    // Filtered by officer, by event; and the same as CSV.
    let all = get("/manage/overdue".into()).await.unwrap().text().await.unwrap();
    assert!(all.contains("共 3 条逾期"), "every officer's overdue leads");
    let html = get("/manage/overdue?officer=wang.officer".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("共 2 条逾期") && !html.contains("别处的线索"));
    let by_event = get("/manage/overdue?event=%E5%9B%9B%E5%B7%9D%E8%A1%8C".into()).await.unwrap().text().await.unwrap();
    assert!(by_event.contains("共 1 条逾期") && by_event.contains("别处的线索"));
    let csv = get("/manage/export/overdue.csv?officer=wang.officer".into()).await.unwrap();
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "the header and the officer's two leads: {lines:?}");
    assert!(lines.iter().any(|l| l.contains("大额线索有限公司") && l.contains("论证评估逾期") && l.contains(",20000,")), "{lines:?}");
    assert_eq!(html.matches("首次联系逾期").count(), 2);
    assert_eq!(html.matches("论证评估逾期").count(), 1, "only the lead of 1 亿元 or more needs an assessment");

    // The first contact is recorded for the small lead and an owner assigned: it leaves the list.
    let response = no_redirects()
        .post(app.url(&format!("/manage/leads/{}/followup", small.id)))
        .header("cookie", cookie(&manager))
        .header("origin", &app.base)
        .form(&signed(&manager, &[("assignee", "wang.officer"), ("responded", "on")]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let bad = no_redirects()
        .post(app.url(&format!("/manage/leads/{}/followup", large.id)))
        .header("cookie", cookie(&manager))
        .header("origin", &app.base)
        .form(&signed(&manager, &[("assignee", "nobody.here")]))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422, "an unknown owner is refused");
    let html = get("/manage/overdue?officer=wang.officer".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("共 1 条逾期"), "only the large lead is left");
    assert!(html.contains("大额线索有限公司") && !html.contains("小额线索有限公司"));
    let page = get(format!("/manage/leads/{}", small.id)).await.unwrap().text().await.unwrap();
    assert!(page.contains("首次联系时间"));

    // Screening the large lead answers its deadlines.
    let response = post_stage(&app, &manager, &large.id.to_string(), &[("to", "screened"), ("on", "2026-10-01")]).await;
    assert_eq!(response.status(), 303);
    let html = get("/manage/overdue?officer=wang.officer".into()).await.unwrap().text().await.unwrap();
    assert!(html.contains("没有逾期的线索"));
}

#[tokio::test]
async fn a_key_shared_by_many_leads_flags_no_pair() {
    let app = spawn_app().await;
    // A switchboard number on more leads than a person would be: not a sign of a duplicate.
    let leads: Vec<domain::Lead> = (0..=server::db::duplicates::MAX_SHARED).map(|i| lead(&format!("第{i}家企业"))).collect();
    officer_with_leads(&app, "wang.officer", leads).await;
    server::indexer::catch_up(&app.db).await.unwrap();
    let mut conn = app.db.pool.acquire().await.unwrap();
    let keyed: i64 =
        sqlx::Row::get(&sqlx::query("SELECT COUNT(*) AS n FROM lead_keys WHERE kind = 'mobile'").fetch_one(&mut *conn).await.unwrap(), "n");
    assert_eq!(keyed, server::db::duplicates::MAX_SHARED + 1, "every lead's mobile is indexed");
    assert_eq!(server::db::duplicates::count(&mut conn).await.unwrap(), 0);
}
