//! The real server on a free port with a fresh database per test: a SQLite file in a temporary
//! directory, or, when `TEST_DATABASE_URL` names a PostgreSQL server, a new database created on it.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;

use chrono::TimeZone;
use domain::sync::{LeadAttr, LeadChange, SyncRequest, SyncResponse};
use domain::{Consent, Lead, LeadDraft, LeadId, LeadMeta};
use server::config::Config;
use server::db::users::Role;
use server::db::{users, Db};
use server::startup::Application;
use sqlx::Executor;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub database_url: String,
    /// The first-run setup link's path the server printed (every test database starts without an
    /// administrator).
    pub setup_path: Option<String>,
    _dir: tempfile::TempDir,
}

/// A database URL for one test: a fresh SQLite file, or a fresh database on the PostgreSQL server
/// named by `TEST_DATABASE_URL`.
pub async fn fresh_database_url(dir: &Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let name = format!("zs_test_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await.expect("connect to TEST_DATABASE_URL");
            admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
            let (server, _) = url.rsplit_once('/').expect("postgres URL with a database name");
            format!("{server}/{name}")
        }
        _ => format!("sqlite://{}", dir.join("zhaoshang.db").display()),
    }
}

/// Starts the app on `site_root` (a directory of built assets; empty is fine for API tests).
pub async fn spawn_app_with_site(site_root: &Path) -> TestApp {
    spawn_app_configured(site_root, |config| config).await
}

/// Starts the app behind a reverse proxy on 127.0.0.1 (trusted): a test names the client's
/// address in `X-Forwarded-For`.
pub async fn spawn_app_behind_proxy() -> TestApp {
    let site = tempfile::tempdir().expect("temp dir");
    let proxies = server::client_address::parse_list("127.0.0.1").unwrap();
    let app = spawn_app_configured(site.path(), |config| config.with_trusted_proxies(proxies)).await;
    std::mem::forget(site);
    app
}

/// Starts the app on `site_root` with the configuration `configure` makes of the tests' one.
pub async fn spawn_app_configured(site_root: &Path, configure: impl FnOnce(Config) -> Config) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database_url(dir.path()).await;
    let config = Config::from_env()
        .expect("configuration")
        .with_address(SocketAddr::from(([127, 0, 0, 1], 0)))
        .with_site_root(site_root.to_str().expect("utf-8 path"))
        .with_database_url(&database_url);
    let config = configure(config);
    let app = Application::build(config).await.expect("server builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let setup_path = app.setup_path();
    tokio::spawn(app.run_until_stopped());
    let db = Db::connect(&database_url).await.expect("test connection");
    TestApp { base, client: reqwest::Client::new(), db, database_url, setup_path, _dir: dir }
}

pub async fn spawn_app() -> TestApp {
    let site = tempfile::tempdir().expect("temp dir");
    let app = spawn_app_with_site(site.path()).await;
    std::mem::forget(site);
    app
}

pub const PASSWORD: &str = "招商-correct-horse";

/// A server on `database_url` (port 0), running until its handle is aborted (a crash: requests in
/// flight are dropped and their transactions roll back).
pub async fn start_server(database_url: &str) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let site = std::env::temp_dir();
    let config = Config::from_env()
        .expect("configuration")
        .with_address(SocketAddr::from(([127, 0, 0, 1], 0)))
        .with_site_root(site.to_str().expect("utf-8 path"))
        .with_database_url(database_url);
    let app = Application::build(config).await.expect("server builds");
    let addr = app.address();
    let handle = tokio::spawn(async move {
        let _ = app.run_until_stopped().await;
    });
    (addr, handle)
}

/// Adds a user and a session for them straight in the database (no password hashing: fast), and
/// returns the session token.
pub async fn user_with_session(db: &Db, name: &str, role: Role) -> String {
    let mut conn = db.pool.acquire().await.unwrap();
    let id = users::insert(&mut conn, name, "not a usable hash", role, "测试").await.unwrap();
    let token = server::auth::token::generate();
    server::db::sessions::insert(&mut conn, &server::auth::token::hash(&token), id).await.unwrap();
    token
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Adds an account directly in the database (as `server user add` does).
    pub async fn add_user(&self, name: &str, role: Role) -> i64 {
        let hash = server::auth::password::hash(PASSWORD).unwrap();
        let mut conn = self.db.pool.acquire().await.unwrap();
        users::insert(&mut conn, name, &hash, role, "经济合作和外事局").await.unwrap()
    }

    pub async fn login(&self, name: &str) -> String {
        self.login_with(name, PASSWORD).await
    }

    pub async fn login_with(&self, name: &str, password: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/login"))
            .json(&serde_json::json!({"username": name, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "login of {name}");
        let body: serde_json::Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// A logged-in officer's token.
    pub async fn officer(&self, name: &str) -> String {
        self.add_user(name, Role::Officer).await;
        self.login(name).await
    }

    pub async fn sync_raw(&self, token: &str, body: &SyncRequest) -> reqwest::Response {
        self.client.post(self.url("/api/v1/sync")).bearer_auth(token).json(body).send().await.unwrap()
    }

    pub async fn sync(&self, token: &str, body: &SyncRequest) -> SyncResponse {
        let response = self.sync_raw(token, body).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn history(&self, manager_token: &str, lead: LeadId) -> Vec<serde_json::Value> {
        let response = self.client.get(self.url(&format!("/api/v1/leads/{lead}/history"))).bearer_auth(manager_token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }
}

/// A valid lead as a tablet would capture it.
pub fn lead(company: &str) -> Lead {
    let at = chrono::Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, 0).unwrap();
    let draft = LeadDraft {
        company_name: company.into(),
        contact_name: "王芳".into(),
        mobile: "13800138000".into(),
        consent: Some(Consent { text_version: "2026-11-v1".into(), given_at: at }),
        ..LeadDraft::default()
    };
    draft
        .parse(LeadMeta { id: LeadId::new(), captured_at: at, updated_at: at, captured_by: String::new(), device_id: "tablet-1".into() })
        .unwrap()
}

/// The change that creates `lead` on the server.
pub fn create(lead: &Lead) -> LeadChange {
    LeadChange { change_id: uuid::Uuid::new_v4(), base_version: 0, changed: LeadAttr::ALL.to_vec(), lead: lead.clone() }
}

/// The change from `before` to `after`, based on server version `base`.
pub fn edit(before: &Lead, after: &Lead, base: u64) -> LeadChange {
    LeadChange { change_id: uuid::Uuid::new_v4(), base_version: base, changed: before.changed_attrs(after), lead: after.clone() }
}

pub fn request(device: &str, cursor: u64, changes: Vec<LeadChange>) -> SyncRequest {
    SyncRequest { protocol: domain::sync::PROTOCOL, device_id: device.into(), cursor, changes, device: None }
}

pub mod device;
pub mod proxy;

/// Every page, export and API read a manager or the tablet depends on.
pub const READERS: &[&str] = &[
    "/manage/leads",
    "/manage/leads?sort=company",
    "/manage/overdue",
    "/manage/duplicates",
    "/manage/dashboard",
    "/manage/dashboard?period=2026",
    "/manage/targets",
    "/manage/withdrawn",
    "/manage/events",
    "/manage/devices",
    "/manage/export/leads.csv",
    "/manage/export/leads.xlsx",
    "/manage/export/bulletin.xlsx",
    "/api/v1/leads",
    "/healthz",
];

impl TestApp {
    /// Asserts that every reader in [`READERS`] answers 200 to `manager_token`, and the page of each
    /// lead in `leads`; returns the first failure instead of panicking when `soft`.
    pub async fn readers_answer(&self, manager_token: &str, leads: &[LeadId]) -> Result<(), String> {
        let lead_pages = leads.iter().map(|id| format!("/manage/leads/{id}"));
        for path in READERS.iter().map(|p| p.to_string()).chain(lead_pages) {
            let response = self.client.get(self.url(&path)).bearer_auth(manager_token).send().await.map_err(|e| format!("{path}: {e}"))?;
            let status = response.status();
            if status != 200 {
                let body = response.text().await.unwrap_or_default();
                return Err(format!("{path} answered {status}: {}", body.chars().take(300).collect::<String>()));
            }
            // Read the whole body: an export that fails half-way shows only here.
            response.bytes().await.map_err(|e| format!("{path}: body: {e}"))?;
        }
        Ok(())
    }

    /// Posts a raw JSON body to the sync endpoint.
    pub async fn sync_json(&self, token: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client.post(self.url("/api/v1/sync")).bearer_auth(token).json(body).send().await.unwrap()
    }
}

/// Every lead the server lists to `token` (a manager: every lead), paged through by
/// `X-Next-After` however many there are.
pub async fn all_leads(http: &reqwest::Client, base: &str, token: &str) -> Vec<domain::sync::ServerLead> {
    const PAGE: usize = 1000;
    let (mut leads, mut after) = (Vec::new(), 0i64);
    loop {
        let response = http.get(format!("{base}/api/v1/leads?after={after}&limit={PAGE}")).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        after = response.headers()["x-next-after"].to_str().unwrap().parse().unwrap();
        let page: Vec<domain::sync::ServerLead> = response.json().await.unwrap();
        let done = page.len() < PAGE;
        leads.extend(page);
        if done {
            return leads;
        }
    }
}

/// A client that shows redirects instead of following them.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The session cookie of `token`.
pub fn cookie(token: &str) -> String {
    format!("zs_session={token}")
}

/// A workspace form's fields with the session's anti-forgery token, as the page sends them.
pub fn signed<K: AsRef<str>, V: AsRef<str>>(token: &str, fields: &[(K, V)]) -> Vec<(String, String)> {
    let mut signed: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned())).collect();
    signed.push(("_csrf".into(), server::auth::token::form_token(token)));
    signed
}

/// Posts a workspace form as the session `token` would (same origin, its form token); returns the
/// status and the body, redirects not followed.
pub async fn post_form(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let response = no_redirects()
        .post(app.url(path))
        .header("cookie", cookie(token))
        .header("origin", &app.base)
        .form(&signed(token, fields))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}
