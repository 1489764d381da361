//! Business-card photos: uploaded by the tablet after the lead, named by their SHA-256, stored
//! exactly once whatever the retries (a lost answer, a request cut half-way, a server stopped
//! mid-upload), refused with the API's error shape when they are not what they claim, shown on the
//! lead's page in the workspace, and deleted with the contact's personal data.

mod common;

use common::proxy::{Fault, FaultProxy};
use common::{create, lead, request, spawn_app, user_with_session, TestApp};
use server::db::users::Role;
use sha2::{Digest, Sha256};

/// A small JPEG-looking photo: the JPEG start marker, then `fill` bytes.
fn jpeg(fill: u8, len: usize) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xd8, 0xff, 0xe0];
    bytes.resize(len, fill);
    bytes
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn put_photo(client: &reqwest::Client, base: &str, token: &str, lead: &str, side: &str, bytes: &[u8]) -> reqwest::Response {
    put_named(client, &format!("{base}/api/v1/leads/{lead}/photos/{side}/{}", sha256(bytes)), Some(token), bytes).await.unwrap()
}

/// A PUT of `bytes` to `url` as it is written (any name), with the session `token` if given.
async fn put_named(client: &reqwest::Client, url: &str, token: Option<&str>, bytes: &[u8]) -> Result<reqwest::Response, reqwest::Error> {
    let request = client.put(url).header("content-type", "image/jpeg").body(bytes.to_vec());
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
    .send()
    .await
}

async fn photo_rows(app: &TestApp) -> Vec<(String, String, String)> {
    let mut conn = app.db.pool.acquire().await.unwrap();
    sqlx::query("SELECT lead_id, side, sha256 FROM lead_photos ORDER BY lead_id, side")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (sqlx::Row::get(r, "lead_id"), sqlx::Row::get(r, "side"), sqlx::Row::get(r, "sha256")))
        .collect()
}

/// An officer with one synced lead; their token and the lead's id.
async fn officer_with_lead(app: &TestApp, name: &str) -> (String, String) {
    let token = app.officer(name).await;
    let mut new = lead("成都名片照片测试有限公司");
    new.captured_by = name.into();
    let id = new.id.to_string();
    app.sync(&token, &request(&format!("{name}-tablet"), 0, vec![create(&new)])).await;
    (token, id)
}

#[tokio::test]
async fn a_photo_uploaded_after_its_lead_is_stored_once_and_shown_on_the_lead_page() {
    let app = spawn_app().await;
    let (officer, id) = officer_with_lead(&app, "li.wei").await;
    let front = jpeg(7, 120_000);

    let first = put_photo(&app.client, &app.base, &officer, &id, "front", &front).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.json::<serde_json::Value>().await.unwrap()["status"], "added");
    // Sent again (its answer was lost): nothing changes.
    let again = put_photo(&app.client, &app.base, &officer, &id, "front", &front).await;
    assert_eq!(again.json::<serde_json::Value>().await.unwrap()["status"], "unchanged");
    assert_eq!(photo_rows(&app).await, vec![(id.clone(), "front".into(), sha256(&front))]);

    // The workspace shows it on the lead's page, and serves its bytes to managers only.
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let page = app.client.get(app.url(&format!("/manage/leads/{id}"))).bearer_auth(&manager).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/manage/leads/{id}/photos/front")), "the page shows the front");
    assert!(!page.contains("photos/back"));
    let image = app.client.get(app.url(&format!("/manage/leads/{id}/photos/front"))).bearer_auth(&manager).send().await.unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/jpeg");
    assert!(image.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    assert_eq!(image.bytes().await.unwrap().to_vec(), front);
    let as_officer = app.client.get(app.url(&format!("/manage/leads/{id}/photos/front"))).bearer_auth(&officer).send().await.unwrap();
    assert_ne!(as_officer.status(), 200, "an officer does not read the workspace");

    // A new photo of the same side replaces the old one.
    let retaken = jpeg(9, 90_000);
    let replaced = put_photo(&app.client, &app.base, &officer, &id, "front", &retaken).await;
    assert_eq!(replaced.json::<serde_json::Value>().await.unwrap()["status"], "replaced");
    let back = jpeg(3, 50_000);
    assert_eq!(put_photo(&app.client, &app.base, &officer, &id, "back", &back).await.status(), 200);
    assert_eq!(photo_rows(&app).await, vec![(id.clone(), "back".into(), sha256(&back)), (id.clone(), "front".into(), sha256(&retaken))]);
}

#[tokio::test]
async fn photos_that_are_not_what_they_claim_are_refused_with_the_api_error_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (officer, id) = officer_with_lead(&app, "li.wei").await;
    let (other, _) = officer_with_lead(&app, "wang.fang").await;
    let front = jpeg(7, 10_000);
    let named = |name: &str| app.url(&format!("/api/v1/leads/{id}/photos/front/{name}"));
    let cases: Vec<(&str, reqwest::Response, u16, &str)> = vec![
        (
            "a lead not synced yet",
            put_photo(&app.client, &app.base, &officer, &uuid::Uuid::now_v7().to_string(), "front", &front).await,
            404,
            "not_found",
        ),
        ("another officer's lead", put_photo(&app.client, &app.base, &other, &id, "front", &front).await, 404, "not_found"),
        ("a side that is not one", put_photo(&app.client, &app.base, &officer, &id, "left", &front).await, 400, "bad_request"),
        (
            "too large",
            put_photo(&app.client, &app.base, &officer, &id, "front", &jpeg(1, domain::photo::MAX_BYTES + 1)).await,
            413,
            "payload_too_large",
        ),
        (
            "not a JPEG or WebP",
            put_photo(&app.client, &app.base, &officer, &id, "front", b"\x89PNG\r\n\x1a\n0000000000").await,
            415,
            "unsupported_media_type",
        ),
        (
            "bytes that do not hash to the name",
            put_named(&app.client, &named(&sha256(&jpeg(8, 10_000))), Some(&officer), &front).await.unwrap(),
            400,
            "bad_request",
        ),
        ("no session", put_named(&app.client, &named(&sha256(&front)), None, &front).await.unwrap(), 401, "unauthorized"),
        (
            "a name that is not a SHA-256",
            put_named(&app.client, &named("..%2F..%2Fetc"), Some(&officer), &front).await.unwrap(),
            400,
            "bad_request",
        ),
    ];
    for (what, response, status, code) in cases {
        assert_eq!(response.status().as_u16(), status, "{what}");
        let body: serde_json::Value = response.json().await.unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
        assert_eq!(body["error"], code, "{what}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}");
    }
    assert!(photo_rows(&app).await.is_empty());
}

#[tokio::test]
async fn erasing_the_contact_deletes_the_photos_and_later_uploads_are_gone() {
    let app = spawn_app().await;
    let (officer, id) = officer_with_lead(&app, "li.wei").await;
    assert_eq!(put_photo(&app.client, &app.base, &officer, &id, "front", &jpeg(7, 10_000)).await.status(), 200);
    let request = server::web_edit::ErasureRequest { basis: server::db::erasures::Basis::ContactRequest, note: None };
    server::web_edit::erase(&app.db, None, &id, request).await.unwrap();
    assert!(photo_rows(&app).await.is_empty(), "the card's photos are erased with the contact");
    let late = put_photo(&app.client, &app.base, &officer, &id, "back", &jpeg(5, 10_000)).await;
    assert_eq!(late.status(), 410, "a tablet's late upload is told to drop it");
    assert_eq!(late.json::<serde_json::Value>().await.unwrap()["error"], "gone");
    assert!(photo_rows(&app).await.is_empty());
}

#[tokio::test]
async fn an_upload_whose_answer_is_lost_or_whose_request_is_cut_is_stored_exactly_once_after_retries() {
    let app = spawn_app().await;
    let (officer, id) = officer_with_lead(&app, "li.wei").await;
    let proxy = FaultProxy::start(app.base.trim_start_matches("http://").parse().unwrap()).await;
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let front = jpeg(7, 200_000);
    // Cut half-way: nothing arrives whole, nothing is stored.
    let through_proxy = format!("{}/api/v1/leads/{id}/photos/front/{}", proxy.url(), sha256(&front));
    proxy.inject(Fault::CutRequest);
    assert!(put_named(&client, &through_proxy, Some(&officer), &front).await.is_err_or_not_ok());
    assert!(photo_rows(&app).await.is_empty());
    // Stored, but the answer is lost: the tablet sends it again.
    proxy.inject(Fault::DropResponse);
    assert!(put_named(&client, &through_proxy, Some(&officer), &front).await.is_err_or_not_ok());
    let retried = put_photo(&client, &proxy.url(), &officer, &id, "front", &front).await;
    assert_eq!(retried.status(), 200);
    assert_eq!(retried.json::<serde_json::Value>().await.unwrap()["status"], "unchanged");
    assert_eq!(photo_rows(&app).await, vec![(id, "front".into(), sha256(&front))]);
}

trait FailedOrRefused {
    fn is_err_or_not_ok(&self) -> bool;
}

impl FailedOrRefused for Result<reqwest::Response, reqwest::Error> {
    fn is_err_or_not_ok(&self) -> bool {
        self.as_ref().map_or(true, |r| !r.status().is_success())
    }
}
