//! The server as separate operating-system processes (the built binary), as deployed: two of them
//! on one database with tablets syncing through both in turn, and through nginx balancing both
//! while one is killed and restarted; one killed with SIGKILL in the middle of a batch and started
//! again; a clean stop. Afterwards the server holds exactly every lead each
//! tablet captured, once, in the state the tablet last gave it.

mod common;

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::device::Device;
use common::{lead, user_with_session};
use domain::sync::ServerLead;
use domain::LeadId;
use server::db::users::Role;
use server::db::Db;

/// A running server process; killed (SIGKILL) when dropped.
struct ServerProcess {
    child: Child,
    url: String,
}

impl ServerProcess {
    async fn start(database_url: &str) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        ServerProcess::start_on(database_url, port).await
    }

    /// On a given port (a restart behind a balancer comes back where the balancer looks).
    async fn start_on(database_url: &str, port: u16) -> ServerProcess {
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("ZS_TRUSTED_PROXIES", "127.0.0.1")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_OUTPUT_NAME", "zhaoshang")
            .env("LEPTOS_SITE_ROOT", std::env::temp_dir())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start the server binary");
        let process = ServerProcess { child, url: format!("http://127.0.0.1:{port}") };
        for _ in 0..400 {
            if reqwest::get(format!("{}/healthz", process.url)).await.is_ok_and(|r| r.status() == 200) {
                return process;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server process did not start");
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn server_leads(url: &str, manager: &str) -> BTreeMap<LeadId, ServerLead> {
    common::all_leads(&reqwest::Client::new(), url, manager).await.into_iter().map(|l| (l.lead.id, l)).collect()
}

/// Every lead of every device is on the server once, as the device holds it, at its version.
fn assert_converged(devices: &[&Device], on_server: &BTreeMap<LeadId, ServerLead>, captured: usize) {
    assert_eq!(on_server.len(), captured, "every captured lead once on the server");
    for device in devices {
        assert_eq!(device.pending(), 0, "{} still has changes to send", device.id);
        for (id, record) in &device.records {
            let server = &on_server[id];
            assert!(
                server.lead == record.lead,
                "lead {id} of {} differs from the server in {:?}",
                device.id,
                server.lead.changed_attrs(&record.lead)
            );
            assert_eq!(server.version, record.server_version, "version of {id} on {}", device.id);
        }
    }
}

fn captured_by(officer: &str, company: &str, device: &str) -> domain::Lead {
    let mut new = lead(company);
    new.captured_by = officer.into();
    new.device_id = device.into();
    new
}

#[tokio::test]
async fn two_server_processes_on_one_database_keep_every_lead_once() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let (a, b) = (ServerProcess::start(&database_url).await, ServerProcess::start(&database_url).await);
    let db = Db::connect(&database_url).await.unwrap();
    let officer = user_with_session(&db, "li.wei", Role::Officer).await;
    let manager = user_with_session(&db, "manager", Role::Manager).await;
    let mut tablet = Device::new("li-tablet", &officer);
    let mut phone = Device::new("li-phone", &officer);

    let mut captured = 0;
    for round in 0..4 {
        for i in 0..25 {
            tablet.save(captured_by("li.wei", &format!("平板企业{round}-{i}"), "li-tablet"));
            phone.save(captured_by("li.wei", &format!("手机企业{round}-{i}"), "li-phone"));
            captured += 2;
        }
        // Each edits a lead the other captured (both devices belong to one officer).
        for (device, other) in [(&mut tablet, "li-phone"), (&mut phone, "li-tablet")] {
            if let Some(mut edited) = device.records.values().find(|r| r.lead.device_id == other).map(|r| r.lead.clone()) {
                edited.notes = Some(format!("第{round}轮由另一台设备补充"));
                edited.updated_at = domain::time::now();
                device.save(edited);
            }
        }
        // At the same time, through different servers, swapping each round.
        let (first, second) = if round % 2 == 0 { (&a.url, &b.url) } else { (&b.url, &a.url) };
        let (x, y) = tokio::join!(tablet.sync(first), phone.sync(second));
        x.unwrap();
        y.unwrap();
    }
    // Quiet: both pull what the other sent.
    for _ in 0..2 {
        tablet.sync(&a.url).await.unwrap();
        phone.sync(&b.url).await.unwrap();
    }
    assert_converged(&[&tablet, &phone], &server_leads(&b.url, &manager).await, captured);
    assert_eq!(tablet.records.len(), captured, "the tablet holds the phone's leads too");
}

#[tokio::test]
async fn a_server_process_killed_mid_batch_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let mut server = ServerProcess::start(&database_url).await;
    let db = Db::connect(&database_url).await.unwrap();
    let officer = user_with_session(&db, "zhao.min", Role::Officer).await;
    let manager = user_with_session(&db, "manager", Role::Manager).await;
    let mut tablet = Device::new("zhao-tablet", &officer);

    let mut captured = 0;
    for (round, wait_ms) in [5u64, 30, 60, 90, 120].into_iter().enumerate() {
        for i in 0..400 {
            tablet.save(captured_by("zhao.min", &format!("企业{round}-{i}"), "zhao-tablet"));
            captured += 1;
        }
        // SIGKILL at different moments of the batch (on its way, being applied, committed and
        // being answered, done): the sync fails or finishes; either way nothing half-done may
        // remain, and the next sync settles it.
        let url = server.url.clone();
        let sync = tablet.sync(&url);
        let kill = async {
            tokio::time::sleep(Duration::from_millis(wait_ms)).await;
            server.kill();
        };
        let (_, ()) = tokio::join!(sync, kill);
        server = ServerProcess::start(&database_url).await;
        tablet.sync(&server.url).await.expect("the sync after the restart");
    }
    tablet.sync(&server.url).await.unwrap();
    assert_converged(&[&tablet], &server_leads(&server.url, &manager).await, captured);
}

#[tokio::test]
async fn login_failures_through_one_server_process_count_at_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let (a, b) = (ServerProcess::start(&database_url).await, ServerProcess::start(&database_url).await);
    let client = reqwest::Client::new();
    let login = |url: &str, password: &str| {
        client.post(format!("{url}/api/v1/login")).json(&serde_json::json!({"username": "li.wei", "password": password})).send()
    };
    for _ in 0..3 {
        assert_eq!(login(&a.url, "wrong password one").await.unwrap().status(), 401);
    }
    for _ in 0..2 {
        assert_eq!(login(&b.url, "wrong password two").await.unwrap().status(), 401);
    }
    // Five failures in all, across the two processes: the sixth attempt at either is slowed.
    assert_eq!(login(&a.url, "wrong password three").await.unwrap().status(), 429);
    drop(a);
    let restarted = ServerProcess::start(&database_url).await;
    assert_eq!(login(&restarted.url, "wrong password four").await.unwrap().status(), 429, "a restart forgets nothing");
    assert_eq!(login(&b.url, "wrong password five").await.unwrap().status(), 429);
}

#[tokio::test]
async fn sigterm_stops_the_server_while_clients_hold_half_sent_requests() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let mut server = ServerProcess::start(&database_url).await;
    let address = server.url.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(stream);
    }
    let started = std::time::Instant::now();
    let terminated = Command::new("kill").arg("-TERM").arg(server.child.id().to_string()).status().unwrap();
    assert!(terminated.success());
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "a clean stop: {status}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "still running {:?} after SIGTERM", started.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_clean_stop_leaves_the_database_in_its_file() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        return; // SQLite's write-ahead log only.
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("zhaoshang.db");
    let database_url = format!("sqlite://{}", file.display());
    let mut server = ServerProcess::start(&database_url).await;
    let db = Db::connect(&database_url).await.unwrap();
    let officer = user_with_session(&db, "li.wei", Role::Officer).await;
    drop(db);
    let mut tablet = Device::new("li-tablet", &officer);
    for i in 0..600 {
        tablet.save(captured_by("li.wei", &format!("停机前企业{i}"), "li-tablet"));
    }
    tablet.sync(&server.url).await.unwrap();
    assert_eq!(tablet.pending(), 0);
    let wal = dir.path().join("zhaoshang.db-wal");
    assert!(std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0), "the syncs went through the log");

    // SIGTERM, as systemd stops it: the process finishes and exits 0.
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
    let left = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(left, 0, "the log was written into the database file");
    // The file alone, copied elsewhere, holds every lead.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&file, &copy).unwrap();
    let copied = Db::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
    let mut conn = copied.pool.acquire().await.unwrap();
    let count: i64 = sqlx::Row::get(&sqlx::query("SELECT COUNT(*) AS n FROM leads").fetch_one(&mut *conn).await.unwrap(), "n");
    assert_eq!(count, 600);
}

/// nginx from Debian, balancing `upstreams` on `port`, as docs/deploy.md configures it; stopped
/// when dropped. `None` when nginx is not installed.
struct Nginx {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(port: u16, upstreams: &[u16]) -> Option<Nginx> {
        let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().find(|p| std::path::Path::new(p).exists())?;
        let dir = tempfile::tempdir().unwrap();
        let servers: String = upstreams.iter().map(|p| format!("        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;\n")).collect();
        let config = format!(
            "pid {dir}/nginx.pid;\nerror_log {dir}/error.log warn;\nevents {{ worker_connections 256; }}\nhttp {{\n\
             access_log off;\n    client_body_temp_path {dir}/body;\n    proxy_temp_path {dir}/proxy;\n\
             fastcgi_temp_path {dir}/fastcgi;\n    uwsgi_temp_path {dir}/uwsgi;\n    scgi_temp_path {dir}/scgi;\n\
             upstream zhaoshang {{\n{servers}    }}\n    server {{\n        listen 127.0.0.1:{port};\n\
             client_max_body_size 3m;\n        location / {{\n            proxy_pass http://zhaoshang;\n\
             proxy_set_header Host $http_host;\n            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
             proxy_set_header X-Forwarded-Proto $scheme;\n\
             proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n\
             proxy_connect_timeout 2s;\n        }}\n    }}\n}}\n",
            dir = dir.path().display()
        );
        std::fs::write(dir.path().join("nginx.conf"), config).unwrap();
        let child = Command::new(binary)
            .args(["-p", dir.path().to_str().unwrap(), "-c", "nginx.conf", "-g", "daemon off;"])
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        Some(Nginx { child, _dir: dir })
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, so the master stops its workers too (SIGKILL would leave them running).
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn tablets_sync_through_nginx_while_one_of_two_server_processes_is_killed_and_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let free = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (port_a, port_b, port_lb) = (free(), free(), free());
    let mut a = ServerProcess::start_on(&database_url, port_a).await;
    let _b = ServerProcess::start_on(&database_url, port_b).await;
    let Some(_nginx) = Nginx::start(port_lb, &[port_a, port_b]) else {
        panic!("nginx is not installed: scripts/setup.sh installs it");
    };
    let balancer = format!("http://127.0.0.1:{port_lb}");
    for _ in 0..100 {
        if reqwest::get(format!("{balancer}/healthz")).await.is_ok_and(|r| r.status() == 200) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let db = Db::connect(&database_url).await.unwrap();
    let manager = user_with_session(&db, "manager", Role::Manager).await;
    let mut tablets = Vec::new();
    for n in 0..3 {
        let officer = format!("officer.{n}");
        let token = user_with_session(&db, &officer, Role::Officer).await;
        tablets.push((officer, Device::new(&format!("tablet-{n}"), &token)));
    }

    let mut captured = 0;
    for round in 0..6 {
        for (officer, tablet) in tablets.iter_mut() {
            for i in 0..40 {
                let device = tablet.id.clone();
                tablet.save(captured_by(officer, &format!("{officer}企业{round}-{i}"), &device));
                captured += 1;
            }
        }
        // Round 2: one process dies (SIGKILL) while the tablets sync; round 4: it is back.
        let syncs = futures::future::join_all(tablets.iter_mut().map(|(_, t)| t.sync(&balancer)));
        if round == 2 {
            let kill = async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                a.kill();
            };
            let (results, ()) = tokio::join!(syncs, kill);
            // A sync cut by the kill failed or was passed to the other process; either way it
            // is retried below.
            let _ = results;
        } else {
            for result in syncs.await {
                result.expect("a sync through the balancer");
            }
        }
        if round == 4 {
            a = ServerProcess::start_on(&database_url, port_a).await;
        }
    }
    for _ in 0..2 {
        for (_, tablet) in tablets.iter_mut() {
            tablet.sync(&balancer).await.expect("the tablets settle");
        }
    }
    let devices: Vec<&Device> = tablets.iter().map(|(_, t)| t).collect();
    assert_converged(&devices, &server_leads(&balancer, &manager).await, captured);
    // The workspace's index caught up with every lead, whichever process wrote it.
    let mut lag = u64::MAX;
    for _ in 0..100 {
        let health: serde_json::Value = reqwest::get(format!("{balancer}/healthz")).await.unwrap().json().await.unwrap();
        lag = health["index_lag"].as_u64().unwrap();
        if lag == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(lag, 0);
    let page = reqwest::Client::new().get(format!("{balancer}/manage/leads")).bearer_auth(&manager).send().await.unwrap();
    assert!(page.text().await.unwrap().contains(&format!("共 {captured} 条线索")));
}

/// A PostgreSQL primary and its synchronous standby from Debian's packages, made by
/// `scripts/postgres.sh` as docs/deploy.md describes; both stopped and removed when dropped.
struct Replicated {
    dir: tempfile::TempDir,
    primary_port: u16,
    standby_port: u16,
}

impl Replicated {
    fn script(args: &[&str]) -> String {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/postgres.sh");
        let out = Command::new(script).args(args).output().expect("run scripts/postgres.sh");
        assert!(out.status.success(), "postgres.sh {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    fn start() -> Replicated {
        let dir = tempfile::tempdir().unwrap();
        let free = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let (primary_port, standby_port) = (free(), free());
        let path = |name: &str| dir.path().join(name).display().to_string();
        Replicated::script(&["start-primary", &path("a"), &primary_port.to_string()]);
        Replicated::script(&["start-standby", &path("b"), &standby_port.to_string(), &primary_port.to_string()]);
        Replicated { dir, primary_port, standby_port }
    }

    /// The URL the servers are given: both hosts, the primary first.
    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{},127.0.0.1:{}/postgres", self.primary_port, self.standby_port)
    }

    fn standby_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.standby_port)
    }

    /// Stops the primary at once, as a power cut would, off the runtime's thread (the tablets'
    /// syncs go on meanwhile).
    async fn crash_primary(&self) {
        let dir = self.dir.path().join("a").display().to_string();
        tokio::task::spawn_blocking(move || Replicated::script(&["crash", &dir])).await.unwrap();
    }

    async fn promote_standby(&self) {
        let dir = self.dir.path().join("b").display().to_string();
        tokio::task::spawn_blocking(move || Replicated::script(&["promote", &dir])).await.unwrap();
    }
}

impl Drop for Replicated {
    fn drop(&mut self) {
        for name in ["a", "b"] {
            let _ = Replicated::script(&["stop", &self.dir.path().join(name).display().to_string()]);
        }
    }
}

/// Run in the PostgreSQL pass of the tests (`TEST_DATABASE_URL`), which has the server installed;
/// it makes its own primary and standby.
#[tokio::test]
async fn tablets_sync_through_the_death_of_the_database_primary_and_the_promotion_of_its_standby() {
    if !std::env::var("TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres")) {
        eprintln!("run with TEST_DATABASE_URL=postgres://… (scripts/test.sh does)");
        return;
    }
    let cluster = Replicated::start();
    let database_url = cluster.url();
    let free = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (port_a, port_b, port_lb) = (free(), free(), free());
    let _a = ServerProcess::start_on(&database_url, port_a).await;
    let _b = ServerProcess::start_on(&database_url, port_b).await;
    let _nginx = Nginx::start(port_lb, &[port_a, port_b]).expect("nginx is not installed: scripts/setup.sh installs it");
    let balancer = format!("http://127.0.0.1:{port_lb}");
    let db = Db::connect(&database_url).await.unwrap();
    let manager = user_with_session(&db, "manager", Role::Manager).await;
    let mut tablets = Vec::new();
    for n in 0..3 {
        let officer = format!("officer.{n}");
        let token = user_with_session(&db, &officer, Role::Officer).await;
        tablets.push((officer, Device::new(&format!("tablet-{n}"), &token)));
    }
    db.pool.close().await;

    let mut captured = 0;
    for round in 0..6 {
        // The round the primary dies in carries more, so that it dies in the middle of the syncs.
        let per_tablet = if round == 2 { 1_500 } else { 150 };
        for (officer, tablet) in tablets.iter_mut() {
            for i in 0..per_tablet {
                let device = tablet.id.clone();
                tablet.save(captured_by(officer, &format!("{officer}企业{round}-{i}"), &device));
                captured += 1;
            }
        }
        let syncs = futures::future::join_all(tablets.iter_mut().map(|(_, t)| t.sync(&balancer)));
        if round != 2 {
            for result in syncs.await {
                result.expect("a sync with a primary up");
            }
            continue;
        }
        // The primary dies while the tablets sync; a second later its standby is promoted (as an
        // operator or a failover manager would).
        let failover = async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            cluster.crash_primary().await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            cluster.promote_standby().await;
        };
        // A sync cut by the primary's death fails (or waits for the promotion); either way what
        // was not acknowledged is sent again below.
        let (_results, ()) = tokio::join!(syncs, failover);
        // Every lead a tablet had acknowledged by then is on the new primary.
        let promoted = Db::connect(&cluster.standby_url()).await.unwrap();
        let mut conn = promoted.pool.acquire().await.unwrap();
        let on_new_primary: std::collections::BTreeSet<String> =
            sqlx::query("SELECT id FROM leads").fetch_all(&mut *conn).await.unwrap().iter().map(|r| sqlx::Row::get(r, "id")).collect();
        drop(conn);
        promoted.pool.close().await;
        let acknowledged: Vec<LeadId> =
            tablets.iter().flat_map(|(_, t)| t.records.values().filter(|r| r.server_version > 0).map(|r| r.lead.id)).collect();
        assert!(!acknowledged.is_empty());
        for id in &acknowledged {
            assert!(on_new_primary.contains(&id.to_string()), "lead {id} was acknowledged but is not on the new primary");
        }
    }
    // The servers found the new primary on their own: the tablets' retries apply the rest.
    for _ in 0..2 {
        for (_, tablet) in tablets.iter_mut() {
            tablet.sync(&balancer).await.expect("a sync after the failover");
        }
    }
    let devices: Vec<&Device> = tablets.iter().map(|(_, t)| t).collect();
    assert_converged(&devices, &server_leads(&balancer, &manager).await, captured);
}

/// A business-card photo whose upload a server process dies in the middle of (SIGKILL at several
/// moments) is stored exactly once, whole, after the tablet's retry.
#[tokio::test]
async fn a_photo_upload_cut_by_a_killed_server_process_is_stored_once_after_the_retry() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let mut server = ServerProcess::start(&database_url).await;
    let db = Db::connect(&database_url).await.unwrap();
    let officer = user_with_session(&db, "li.wei", Role::Officer).await;
    let mut tablet = Device::new("li-tablet", &officer);
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let mut leads = Vec::new();
    for round in 0..4 {
        let new = captured_by("li.wei", &format!("名片企业{round}"), "li-tablet");
        leads.push(new.id.to_string());
        tablet.save(new);
    }
    tablet.sync(&server.url).await.unwrap();
    let mut expected = Vec::new();
    for (round, (id, wait_ms)) in leads.iter().zip([1u64, 5, 15, 40]).enumerate() {
        let mut photo = vec![0xff, 0xd8, 0xff, 0xe0];
        photo.resize(280_000, round as u8 + 1);
        let sha: String = Sha256::digest(&photo).iter().map(|b| format!("{b:02x}")).collect();
        let put = |base: String| {
            client.put(format!("{base}/api/v1/leads/{id}/photos/front/{sha}")).bearer_auth(&officer).body(photo.clone()).send()
        };
        let uploading = put(server.url.clone());
        let kill = async {
            tokio::time::sleep(Duration::from_millis(wait_ms)).await;
            server.kill();
        };
        let (_, ()) = tokio::join!(uploading, kill);
        server = ServerProcess::start(&database_url).await;
        let retried = put(server.url.clone()).await.unwrap();
        assert_eq!(retried.status(), 200, "the retry after the restart");
        expected.push((id.clone(), sha));
    }
    let mut conn = db.pool.acquire().await.unwrap();
    let mut rows: Vec<(String, String)> = sqlx::query("SELECT lead_id, sha256 FROM lead_photos WHERE side = 'front'")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (sqlx::Row::get(r, "lead_id"), sqlx::Row::get(r, "sha256")))
        .collect();
    rows.sort();
    expected.sort();
    assert_eq!(rows, expected, "each photo once, whole");
}
