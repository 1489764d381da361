//! Accounts over real HTTP: login, sessions by bearer token and cookie, logout, rate limits, roles.

mod common;

use common::{spawn_app, spawn_app_behind_proxy, TestApp, PASSWORD};
use serde_json::json;
use server::db::users::Role;

#[tokio::test]
async fn login_returns_a_token_and_an_httponly_strict_cookie() {
    let app = spawn_app().await;
    app.add_user("li.wei", Role::Officer).await;

    let response =
        app.client.post(app.url("/api/v1/login")).json(&json!({"username": "li.wei", "password": PASSWORD})).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("zs_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=34560000"), "{cookie}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user"]["role"], "officer");
    assert!(body["user"].get("password_hash").is_none());
    let token = body["token"].as_str().unwrap();
    assert!(token.len() >= 43, "at least 256 bits");

    let me = app.client.get(app.url("/api/v1/me")).bearer_auth(token).send().await.unwrap();
    assert_eq!(me.status(), 200);
    let by_cookie = app.client.get(app.url("/api/v1/me")).header("cookie", format!("zs_session={token}")).send().await.unwrap();
    assert_eq!(by_cookie.status(), 200);
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_get_the_same_401() {
    let app = spawn_app().await;
    app.add_user("li.wei", Role::Officer).await;

    for (user, password) in [("li.wei", "wrong password!"), ("nobody", PASSWORD)] {
        let response =
            app.client.post(app.url("/api/v1/login")).json(&json!({"username": user, "password": password})).send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
        assert_eq!(body["message"], "wrong user name or password");
    }
}

/// A login from `address`, as the trusted proxy in front of the server reports it.
async fn login_from(app: &TestApp, address: &str, username: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/login"))
        .header("x-forwarded-for", address)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_guesser_is_slowed_at_their_address_and_cannot_lock_the_officer_out() {
    let app = spawn_app_behind_proxy().await;
    app.add_user("li.wei", Role::Officer).await;
    let attacker = "203.0.113.66";

    for _ in 0..5 {
        assert_eq!(login_from(&app, attacker, "li.wei", "not the password").await.status(), 401);
    }
    let limited = login_from(&app, attacker, "li.wei", "not the password").await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["error"], "too_many_requests");
    // At the attacker's address even the right password waits…
    assert_eq!(login_from(&app, attacker, "li.wei", PASSWORD).await.status(), 429);
    // …while the officer at their own address logs in, and keeps doing so.
    for _ in 0..3 {
        assert_eq!(login_from(&app, "198.51.100.7", "li.wei", PASSWORD).await.status(), 200);
    }
    // Without a trusted proxy in between, the header is the client's own word and ignored: the
    // server counts the peer's address (127.0.0.1 here), which has not failed.
    let app = spawn_app().await;
    app.add_user("li.wei", Role::Officer).await;
    for _ in 0..5 {
        assert_eq!(login_from(&app, "203.0.113.66", "li.wei", "not the password").await.status(), 401);
    }
    assert_eq!(login_from(&app, "198.51.100.7", "li.wei", PASSWORD).await.status(), 429, "the peer is one address");
}

#[tokio::test]
async fn failures_from_one_address_across_accounts_are_bounded_and_a_success_does_not_reset_them() {
    let app = spawn_app_behind_proxy().await;
    app.add_user("li.wei", Role::Officer).await;
    for n in 0..30 {
        assert_eq!(login_from(&app, "203.0.113.66", &format!("guess{n}"), "not the password").await.status(), 401);
    }
    assert_eq!(login_from(&app, "203.0.113.66", "li.wei", PASSWORD).await.status(), 429);
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_failures").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(count, 60, "stored in the database, where every server process reads them");
}

#[tokio::test]
async fn changing_a_password_ends_every_session_and_sessions_have_an_absolute_lifetime() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let other = app.login("li.wei").await;
    let mut input = std::io::Cursor::new("a new password 2026\n");
    server::cli::run_user_command(&app.db, server::cli::Command::SetPassword { username: "li.wei".into() }, &mut input).await.unwrap();
    for t in [&token, &other] {
        assert_eq!(app.client.get(app.url("/api/v1/me")).bearer_auth(t).send().await.unwrap().status(), 401);
    }

    // Used every day, a session still ends 90 days after it began.
    let token = app.login_with("li.wei", "a new password 2026").await;
    assert_eq!(app.client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 200);
    sqlx::query("UPDATE sessions SET created_at = '2020-01-01T00:00:00.000Z'").execute(&app.db.pool).await.unwrap();
    assert_eq!(app.client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let response = app.client.get(app.url("/api/v1/me")).header("authorization", format!("{scheme} {token}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
    }
    let response = app.client.get(app.url("/api/v1/me")).header("authorization", format!("Basic {token}")).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn requests_without_a_valid_session_get_401_and_logout_ends_the_session() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;

    for auth in [None, Some("Bearer not-a-token")] {
        let mut request = app.client.get(app.url("/api/v1/me"));
        if let Some(value) = auth {
            request = request.header("authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
    }

    let logout = app.client.post(app.url("/api/v1/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(logout.status(), 200);
    assert_eq!(app.client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'").execute(&app.db.pool).await.unwrap();

    let response = app.client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();

    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("log in again"));
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in_or_use_its_session() {
    let app = spawn_app().await;
    let token = app.officer("li.wei").await;
    let mut conn = app.db.pool.acquire().await.unwrap();
    server::db::users::disable(&mut conn, "li.wei").await.unwrap();

    assert_eq!(app.client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 401);
    let login = app.client.post(app.url("/api/v1/login")).json(&json!({"username": "li.wei", "password": PASSWORD})).send().await.unwrap();
    assert_eq!(login.status(), 401);
}

#[tokio::test]
async fn officers_get_403_from_manager_endpoints() {
    let app = spawn_app().await;
    let officer = app.officer("li.wei").await;
    let id = uuid::Uuid::new_v4();

    let response = app.client.get(app.url(&format!("/api/v1/leads/{id}/history"))).bearer_auth(&officer).send().await.unwrap();

    assert_eq!(response.status(), 403);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
}

#[tokio::test]
async fn the_command_line_adds_users_with_a_password_from_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let app = spawn_app().await;
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };

    let added = run(&["user", "add", "wang.fang", "--role", "manager", "--department", "投促办"], "a long enough password\n");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let again = run(&["user", "add", "wang.fang", "--role", "officer", "--department", "x"], "another long password\n");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let short = run(&["user", "add", "zhao", "--role", "officer", "--department", "x"], "short\n");
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    let listed = run(&["user", "list"], "");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("wang.fang\tmanager\t投促办"));

    let login =
        |password: &str| app.client.post(app.url("/api/v1/login")).json(&json!({"username": "wang.fang", "password": password})).send();
    assert_eq!(login("a long enough password").await.unwrap().status(), 200);
    assert!(run(&["user", "passwd", "wang.fang"], "a brand new password\n").status.success());
    assert_eq!(login("a long enough password").await.unwrap().status(), 401);
    assert_eq!(login("a brand new password").await.unwrap().status(), 200);
}
