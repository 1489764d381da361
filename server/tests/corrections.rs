//! A manager correcting a lead in the workspace: through the capture form's rules, merged per
//! attribute with the officer's edits made meanwhile on the tablet, in the trail, reaching the
//! officer's tablet; and a value of the trail put back in one action.

mod common;

use common::device::Device;
use common::{cookie, lead, no_redirects, signed, spawn_app, user_with_session, TestApp};
use domain::correction::CorrectionForm;
use domain::IndustryChain;
use server::db::users::Role;

/// The correction form's fields as the page shows them for the lead `id`, with `shown` (the
/// hidden copy the page sends back).
async fn shown_form(app: &TestApp, manager: &str, id: &str) -> (CorrectionForm, String) {
    let mut conn = app.db.pool.acquire().await.unwrap();
    let lead = server::db::leads::find(&mut conn, id).await.unwrap().unwrap().lead;
    let page = app.client.get(app.url(&format!("/manage/leads/{id}/edit"))).header("cookie", cookie(manager)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("value=\"{}\"", lead.company_name)), "the form shows the lead");
    let form = CorrectionForm::for_lead(&lead);
    (form.clone(), serde_json::to_string(&form).unwrap())
}

async fn post_correction(app: &TestApp, manager: &str, id: &str, form: &CorrectionForm, shown: &str) -> reqwest::Response {
    let mut fields: Vec<(String, String)> = serde_urlencoded::from_str(&serde_urlencoded::to_string(form).unwrap()).unwrap();
    fields.push(("shown".into(), shown.to_owned()));
    no_redirects()
        .post(app.url(&format!("/manage/leads/{id}/edit")))
        .header("cookie", cookie(manager))
        .header("origin", &app.base)
        .form(&signed(manager, &fields))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_correction_and_a_tablet_edit_of_another_field_both_survive_and_reach_the_tablet() {
    let app = spawn_app().await;
    let token = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let mut tablet = Device::new("tablet-a", &token);
    let captured = lead("天府食品");
    tablet.save(captured.clone());
    tablet.sync(&app.base).await.unwrap();
    let id = captured.id.to_string();

    // The manager opens the form; meanwhile the officer edits the notes on the tablet and syncs.
    let (mut form, shown) = shown_form(&app, &manager, &id).await;
    let mut edited = tablet.records[&captured.id].lead.clone();
    edited.notes = Some("已约第二次面谈".into());
    tablet.save(edited);
    tablet.sync(&app.base).await.unwrap();

    form.company_name = "天府食品集团有限公司".into();
    form.industry = "medicine_health".into();
    let response = post_correction(&app, &manager, &id, &form, &shown).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap_or_default());

    let mut conn = app.db.pool.acquire().await.unwrap();
    let stored = server::db::leads::find(&mut conn, &id).await.unwrap().unwrap().lead;
    assert_eq!(stored.company_name, "天府食品集团有限公司");
    assert_eq!(stored.industry, Some(IndustryChain::MedicineHealth));
    assert_eq!(stored.notes.as_deref(), Some("已约第二次面谈"), "the officer's edit made meanwhile stays");
    let trail = server::db::history::for_lead(&mut conn, &id).await.unwrap();
    let web: Vec<&str> = trail.iter().filter(|e| e.source == "web").map(|e| e.attr.as_str()).collect();
    assert_eq!(web, ["company_name", "industry"], "the trail holds exactly what the manager changed");

    // The officer's tablet shows the correction after its next sync.
    tablet.sync(&app.base).await.unwrap();
    let on_tablet = &tablet.records[&captured.id].lead;
    assert_eq!((on_tablet.company_name.as_str(), on_tablet.notes.as_deref()), ("天府食品集团有限公司", Some("已约第二次面谈")));

    // And the industry figures count it under its corrected chain.
    let list = app.client.get(app.url("/manage/leads?industry=medicine_health")).header("cookie", cookie(&manager)).send().await.unwrap();
    assert!(list.text().await.unwrap().contains("天府食品集团有限公司"));
}

#[tokio::test]
async fn a_refused_correction_says_which_field_and_changes_nothing() {
    let app = spawn_app().await;
    let token = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let mut tablet = Device::new("tablet-a", &token);
    let captured = lead("天府食品");
    tablet.save(captured.clone());
    tablet.sync(&app.base).await.unwrap();
    let id = captured.id.to_string();
    let (mut form, shown) = shown_form(&app, &manager, &id).await;
    form.mobile = "12345".into();
    form.company_name = "改了但不会保存".into();
    let response = post_correction(&app, &manager, &id, &form, &shown).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("data-testid=\"error-mobile\""), "the message sits with the mobile field");
    assert!(html.contains("请填写 11 位手机号"));
    assert!(html.contains("value=\"改了但不会保存\""), "what was typed is kept in the form");
    let mut conn = app.db.pool.acquire().await.unwrap();
    let stored = server::db::leads::find(&mut conn, &id).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.lead.company_name.as_str()), (1, "天府食品"), "nothing stored changed");
}

#[tokio::test]
async fn an_overwritten_value_is_put_back_from_the_trail_in_one_action() {
    let app = spawn_app().await;
    let token = user_with_session(&app.db, "wang.officer", Role::Officer).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let (mut a, mut b) = (Device::new("tablet-a", &token), Device::new("tablet-b", &token));
    let captured = lead("天府食品");
    a.save(captured.clone());
    a.sync(&app.base).await.unwrap();
    b.sync(&app.base).await.unwrap();
    // Both tablets edit the title offline; the later arrival wins, the other is overwritten.
    let mut first = a.records[&captured.id].lead.clone();
    first.contact_title = Some("董事长".into());
    a.save(first);
    let mut second = b.records[&captured.id].lead.clone();
    second.contact_title = Some("总经理助理".into());
    b.save(second);
    a.sync(&app.base).await.unwrap();
    b.sync(&app.base).await.unwrap();
    let id = captured.id.to_string();
    let mut conn = app.db.pool.acquire().await.unwrap();
    let trail = server::db::history::for_lead(&mut conn, &id).await.unwrap();
    let overwritten = trail.iter().find(|e| e.attr == "contact_title" && e.overwritten).expect("an overwritten title");
    assert_eq!(overwritten.old_value.as_deref(), Some("\"董事长\""));

    let page = app.client.get(app.url(&format!("/manage/leads/{id}"))).header("cookie", cookie(&manager)).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("data-testid=\"revert\""), "the trail offers to put it back");
    let entry = overwritten.id.unwrap().to_string();
    let response = no_redirects()
        .post(app.url(&format!("/manage/leads/{id}/revert")))
        .header("cookie", cookie(&manager))
        .header("origin", &app.base)
        .form(&signed(&manager, &[("entry", entry.as_str())]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let stored = server::db::leads::find(&mut conn, &id).await.unwrap().unwrap().lead;
    assert_eq!(stored.contact_title.as_deref(), Some("董事长"));
    a.sync(&app.base).await.unwrap();
    assert_eq!(a.records[&captured.id].lead.contact_title.as_deref(), Some("董事长"), "back on the tablet too");

    // An entry of another lead, or one with nothing to put back, changes nothing.
    let created = trail.iter().find(|e| e.attr == "created").unwrap().id.unwrap().to_string();
    let response = no_redirects()
        .post(app.url(&format!("/manage/leads/{id}/revert")))
        .header("cookie", cookie(&manager))
        .header("origin", &app.base)
        .form(&signed(&manager, &[("entry", created.as_str())]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
}
