//! `/metrics` for a monitoring system: absent unless configured, refused without the token, and
//! with it the counters move as tablets sync and logins fail, in Prometheus' text format.

mod common;

use common::{create, lead, request, spawn_app, spawn_app_configured};

#[tokio::test]
async fn metrics_need_the_token_and_count_syncs_changes_and_failed_logins() {
    let plain = spawn_app().await;
    let response = plain.client.get(plain.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 404, "no metrics unless configured");

    let site = tempfile::tempdir().unwrap();
    let app = spawn_app_configured(site.path(), |c| c.with_metrics_token("metrics-token-0123456789")).await;
    let scrape = |token: Option<&'static str>| {
        let (client, url) = (app.client.clone(), app.url("/metrics"));
        async move {
            let request = client.get(url);
            let request = match token {
                Some(token) => request.bearer_auth(token),
                None => request,
            };
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    assert_eq!(scrape(None).await.0, 403);
    assert_eq!(scrape(Some("a-wrong-token")).await.0, 403);

    let officer = app.officer("li.officer").await;
    let refused = domain::Lead { company_name: String::new(), ..lead("待补") };
    app.sync(&officer, &request("tablet-1", 0, vec![create(&lead("蜀味食品")), create(&refused)])).await;
    let wrong = app
        .client
        .post(app.url("/api/v1/login"))
        .json(&serde_json::json!({ "username": "li.officer", "password": "nope" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let (status, text) = scrape(Some("metrics-token-0123456789")).await;
    assert_eq!(status, 200);
    for line in [
        "zs_sync_requests_total 1\n",
        "zs_sync_duration_seconds_count 1\n",
        "zs_sync_changes_total{status=\"applied\"} 1\n",
        "zs_sync_changes_total{status=\"rejected\"} 1\n",
        "zs_login_failures_total 1\n",
        "# TYPE zs_index_lag gauge\n",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
}
