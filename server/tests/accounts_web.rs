//! Administration in the web: an administrator adds an officer who then logs in and syncs,
//! disables and enables them (a disabled officer's sessions end), sets a new password (the old
//! sessions end, the new password works), and adds a department; a manager gets 403 there; a
//! refused form stores nothing. And the first run: a server with no administrator gives a
//! one-time link that creates the first one, and the link is dead after.

mod common;

use common::{cookie, no_redirects, request, spawn_app, user_with_session, TestApp, PASSWORD};
use server::db::users::Role;

async fn post(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    common::post_form(app, token, path, fields).await
}

async fn user(app: &TestApp, name: &str) -> Option<server::db::users::User> {
    let mut conn = app.db.pool.acquire().await.unwrap();
    server::db::users::find_by_name(&mut conn, name).await.unwrap()
}

#[tokio::test]
async fn an_admin_adds_an_officer_who_logs_in_and_is_disabled_and_given_a_new_password() {
    let app = spawn_app().await;
    let admin = user_with_session(&app.db, "sun.admin", Role::Admin).await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;

    let page = app.client.get(app.url("/manage/users")).header("cookie", cookie(&admin)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("data-testid=\"add-user-form\"") && html.contains("zhao.manager"));
    let forbidden = app.client.get(app.url("/manage/users")).header("cookie", cookie(&manager)).send().await.unwrap();
    assert_eq!(forbidden.status(), 403, "managers do not run accounts");
    let (status, _) =
        post(&app, &manager, "/manage/users", &[("username", "x.y"), ("role", "admin"), ("department", "测试"), ("password", PASSWORD)])
            .await;
    assert_eq!(status, 403);
    assert!(user(&app, "x.y").await.is_none());

    // Refused fields are each named, and nothing is stored.
    let (status, html) = post(
        &app,
        &admin,
        "/manage/users",
        &[("username", "王 伟"), ("role", "officer"), ("department", "没有的部门"), ("password", "short")],
    )
    .await;
    assert_eq!(status, 422);
    for field in ["username", "department", "password"] {
        assert!(html.contains(&format!("data-testid=\"user-error-{field}\"")), "{field}");
    }
    assert!(user(&app, "王 伟").await.is_none());

    let fields = [("username", "wang.wei"), ("display_name", "王伟"), ("role", "officer"), ("department", "测试"), ("password", PASSWORD)];
    let (status, html) = post(&app, &admin, "/manage/users", &fields).await;
    assert!(status == 200 && html.contains("data-testid=\"users-notice\""), "{status}");
    let added = user(&app, "wang.wei").await.expect("added");
    assert_eq!((added.role, added.label()), (Role::Officer, "王伟"));
    let (status, _) = post(&app, &admin, "/manage/users", &fields).await;
    assert_eq!(status, 422, "a user name is taken once");

    // The officer logs in and syncs.
    let token = app.login("wang.wei").await;
    let answer = app.sync_raw(&token, &request("tablet-1", 0, vec![])).await;
    assert_eq!(answer.status(), 200);
    let html = app.client.get(app.url("/manage/users")).header("cookie", cookie(&admin)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("王伟"), "listed by name");

    // Disabled: the session ends at once; enabled again, they log in again.
    let (status, _) = post(&app, &admin, &format!("/manage/users/{}/disable", added.id), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(app.sync_raw(&token, &request("tablet-1", 0, vec![])).await.status(), 401);
    let (status, _) = post(&app, &admin, &format!("/manage/users/{}/enable", added.id), &[]).await;
    assert_eq!(status, 200);
    let token = app.login("wang.wei").await;

    // A new password: the old sessions end, the new password works, the old does not.
    let (status, _) = post(&app, &admin, &format!("/manage/users/{}/password", added.id), &[("password", "一个新的足够长的密码")]).await;
    assert_eq!(status, 200);
    assert_eq!(app.sync_raw(&token, &request("tablet-1", 0, vec![])).await.status(), 401);
    app.login_with("wang.wei", "一个新的足够长的密码").await;
    let old = app
        .client
        .post(app.url("/api/v1/login"))
        .json(&serde_json::json!({"username": "wang.wei", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401);

    // An admin cannot lock themselves out; departments are a managed list.
    let me = user(&app, "sun.admin").await.unwrap();
    let (status, _) = post(&app, &admin, &format!("/manage/users/{}/disable", me.id), &[]).await;
    assert_eq!(status, 422);
    assert!(!user(&app, "sun.admin").await.unwrap().disabled);
    let (status, html) = post(&app, &admin, "/manage/departments", &[("name", "区商务局")]).await;
    assert!(status == 200 && html.contains("区商务局"));
    let (status, _) = post(&app, &admin, "/manage/departments", &[("name", "区商务局")]).await;
    assert_eq!(status, 422, "once");
    let (status, _) = post(
        &app,
        &admin,
        "/manage/users",
        &[("username", "li.na"), ("role", "officer"), ("department", "区商务局"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(user(&app, "li.na").await.unwrap().department, "区商务局");
}

#[tokio::test]
async fn a_server_without_an_administrator_gives_a_one_time_setup_link() {
    let app = spawn_app().await;
    let path = app.setup_path.clone().expect("no administrator: a setup link");
    let page = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("data-testid=\"setup-form\""));
    let wrong = app.client.get(app.url("/setup?token=guessed")).send().await.unwrap();
    assert_eq!(wrong.status(), 403);

    let token = path.trim_start_matches("/setup?token=");
    let form = |password: &str| {
        vec![
            ("token", token.to_owned()),
            ("username", "sun.admin".to_owned()),
            ("display_name", "孙主任".to_owned()),
            ("department", "区投资促进局".to_owned()),
            ("password", password.to_owned()),
        ]
    };
    let refused = no_redirects().post(app.url("/setup")).header("origin", &app.base).form(&form("short")).send().await.unwrap();
    assert_eq!(refused.status(), 422);
    assert!(user(&app, "sun.admin").await.is_none());
    let created = no_redirects().post(app.url("/setup")).header("origin", &app.base).form(&form(PASSWORD)).send().await.unwrap();
    assert_eq!(created.status(), 303);
    let admin = user(&app, "sun.admin").await.expect("created");
    assert_eq!((admin.role, admin.label()), (Role::Admin, "孙主任"));
    app.login("sun.admin").await;

    // The link is dead now, for showing and for posting.
    assert_eq!(app.client.get(app.url(&path)).send().await.unwrap().status(), 403);
    let again = no_redirects().post(app.url("/setup")).header("origin", &app.base).form(&form(PASSWORD)).send().await.unwrap();
    assert_eq!(again.status(), 403);
}
