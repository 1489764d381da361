//! The real server on a free port, over real HTTP: health, the rendered pages in both languages,
//! and a service worker whose cache name follows the app build it serves.

mod common;

use common::{spawn_app_with_site as spawn_app, TestApp};

/// A site root holding a fake build of the app's files.
fn site_with_wasm(wasm: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("zhaoshang.wasm"), wasm).unwrap();
    std::fs::write(pkg.join("zhaoshang.js"), "export default function init() {}").unwrap();
    std::fs::write(pkg.join("zhaoshang.css"), "body {}").unwrap();
    dir
}

fn cache_name(service_worker: &str) -> String {
    let start = service_worker.find("const BUILD = '").expect("build id in the service worker") + 15;
    service_worker[start..start + 16].to_owned()
}

#[tokio::test]
async fn health_check_answers_ok() {
    let site = site_with_wasm(b"a");
    let app = spawn_app(site.path()).await;

    let response = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn the_capture_page_renders_in_chinese_by_default_and_in_english_by_cookie() {
    let site = site_with_wasm(b"a");
    let app = spawn_app(site.path()).await;

    let chinese = app.client.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(chinese.status(), 200);
    let chinese = chinese.text().await.unwrap();
    assert!(chinese.contains(r#"lang="zh-CN""#), "{chinese}");
    assert!(chinese.contains("录入线索"));
    assert!(chinese.contains(r#"id="f-company_name""#));
    assert!(chinese.contains("/sw.js"));

    let english = app.client.get(format!("{}/", app.base)).header("cookie", "zs_lang=en").send().await.unwrap();
    let english = english.text().await.unwrap();
    assert!(english.contains(r#"lang="en""#));
    assert!(english.contains("Capture a lead"));
}

#[tokio::test]
async fn every_offline_route_renders_and_unknown_paths_are_404() {
    let site = site_with_wasm(b"a");
    let app = spawn_app(site.path()).await;

    for route in app::OFFLINE_ROUTES {
        let response = app.client.get(format!("{}{route}", app.base)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{route}");
        assert!(response.headers().contains_key(server::routes::BUILD_HEADER), "{route}");
    }
    let missing = app.client.get(format!("{}/no-such-page", app.base)).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_service_worker_precaches_the_shell_under_a_name_that_changes_with_the_build() {
    let (site_a, site_b) = (site_with_wasm(b"build one"), site_with_wasm(b"build two"));
    let (app_a, app_a_again, app_b) = (spawn_app(site_a.path()).await, spawn_app(site_a.path()).await, spawn_app(site_b.path()).await);
    let fetch = |app: &TestApp| {
        let url = format!("{}/sw.js", app.base);
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap() }
    };

    let response = fetch(&app_a).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let sw_a = response.text().await.unwrap();
    for url in [
        "\"/\"",
        "\"/leads\"",
        "\"/edit\"",
        "\"/pkg/zhaoshang.wasm\"",
        "\"/pkg/zhaoshang.js\"",
        "\"/pkg/zhaoshang.css\"",
        "\"/manifest.webmanifest\"",
        "\"/journal.js\"",
    ] {
        assert!(sw_a.contains(url), "{url} missing from the precache list");
    }
    assert!(!sw_a.contains("__"), "a placeholder was left in the service worker");

    let sw_a_again = fetch(&app_a_again).await.text().await.unwrap();
    let sw_b = fetch(&app_b).await.text().await.unwrap();
    assert_eq!(cache_name(&sw_a), cache_name(&sw_a_again), "same build, same cache");
    assert_ne!(cache_name(&sw_a), cache_name(&sw_b), "a new build must get a new cache");
}
