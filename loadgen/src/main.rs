//! Sync benchmarks against the real server binary, over real HTTP:
//!
//! 1. one device pushes 10,000 leads (about 780 characters of JSON each), sizing its requests as
//!    the tablet does (`domain::sync::request_size`: from 100 changes, by the server's reported
//!    time): wall time;
//! 2. 20 devices (20 officers) push at once, 2,500 leads each, sized as the tablet does (50,000
//!    leads): leads per second, the p50/p99 latency of a sync request, and the mean request size;
//! 3. the same 20 devices sync after every save, one lead per request, 50 each: the same figures;
//! 4. the same 20 devices push 50,000 leads again, always in the largest requests the server takes
//!    (500): twenty tablets then keep 10,000 leads in flight, so no server can answer them in
//!    200 ms at less than 50,000 leads/s (Little's law); this is why the tablet adapts.
//!
//! After 1 and 2, how long until the manager workspace has indexed every lead (`/healthz`'s
//! `index_lag` is 0): that work follows the sync transactions instead of being part of them.
//!
//! The server runs as its own process on a fresh database: a SQLite file (the default, with
//! `synchronous=FULL`) or, with `BENCH_DATABASE_URL=postgres://…`, a new database on that server.
//! Usage: `cargo run --release -p loadgen` after `cargo leptos build --release` (the server binary
//! is `target/release/server`, or `ZS_SERVER_BIN`). Results go to stdout and to
//! `bench-results/sync-<engine>.json`.
//!
//! `cargo run --release -p loadgen -- --balanced [RUNS]`: scenario 2 through Debian's nginx to two
//! server processes on one database, against one process direct, alternating, RUNS times (3) ->
//! `bench-results/balanced-<engine>.json`.
//!
//! `cargo run --release -p loadgen -- --failover [RUNS]`: the death of the PostgreSQL primary and
//! the promotion of its standby while twenty tablets sync (`failover`) ->
//! `bench-results/failover-postgres.json`.
//!
//! `cargo run --release -p loadgen -- --backup [RUNS]`: `server backup` of a 100,000-lead SQLite
//! database while twenty tablets sync each save, against the same load without it ->
//! `bench-results/backup-sqlite.json`.

mod failover;

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::TimeZone;
use domain::sync::request_size::{server_ms, RequestSize};
use domain::sync::{LeadAttr, LeadChange, SyncRequest, SyncResponse, MAX_CHANGES_PER_REQUEST};
use domain::{Consent, Lead, LeadDraft, LeadId, LeadMeta};

const PASSWORD: &str = "benchmark password";

struct Server {
    child: Child,
    url: String,
    database_url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        // nginx's master stops its workers on SIGTERM; SIGKILL would leave them running.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            std::thread::sleep(Duration::from_millis(200));
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Debian's nginx on a free port, balancing `upstreams` as docs/deploy.md configures it; it
/// stands for the server (`url`) with the servers' database (`database_url`).
async fn start_nginx(upstreams: &[&Server], dir: &std::path::Path) -> Server {
    let port = free_port();
    let servers: String = upstreams
        .iter()
        .map(|s| format!("        server {} max_fails=1 fail_timeout=2s;\n", s.url.trim_start_matches("http://")))
        .collect();
    let config = format!(
        "pid {dir}/nginx.pid;\nerror_log {dir}/error.log warn;\nworker_processes 1;\nevents {{ worker_connections 1024; }}\n\
         http {{\n    access_log off;\n    client_body_temp_path {dir}/body;\n    proxy_temp_path {dir}/proxy;\n\
         fastcgi_temp_path {dir}/fastcgi;\n    uwsgi_temp_path {dir}/uwsgi;\n    scgi_temp_path {dir}/scgi;\n\
         upstream zhaoshang {{\n{servers}        keepalive 32;\n    }}\n    server {{\n        listen 127.0.0.1:{port};\n\
         client_max_body_size 3m;\n        location / {{\n            proxy_pass http://zhaoshang;\n\
         proxy_http_version 1.1;\n            proxy_set_header Connection \"\";\n\
         proxy_set_header Host $http_host;\n            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
         proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n        }}\n    }}\n}}\n",
        dir = dir.display()
    );
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("nginx.conf"), config).unwrap();
    let child = Command::new("/usr/sbin/nginx")
        .args(["-p", dir.to_str().unwrap(), "-c", "nginx.conf", "-g", "daemon off;"])
        .spawn()
        .expect("start nginx (scripts/setup.sh installs it)");
    let nginx = Server { child, url: format!("http://127.0.0.1:{port}"), database_url: upstreams[0].database_url.clone() };
    for _ in 0..300 {
        if reqwest::get(format!("{}/healthz", nginx.url)).await.is_ok_and(|r| r.status() == 200) {
            return nginx;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nginx did not start");
}

/// Scenario 2 through nginx to two server processes on one database, and against one process
/// direct on another fresh database, alternating which goes first, `runs` times.
async fn balanced(runs: usize, fresh_url: impl Fn(&str) -> String, dir: &std::path::Path, engine: &str) {
    let client = reqwest::Client::new();
    let mut results = Vec::new();
    for run in 0..runs {
        for balanced_first in [run % 2 == 0, run % 2 != 0] {
            let label = if balanced_first { "nginx, two processes" } else { "one process, direct" };
            let url = fresh_url(&format!("{run}{}", u8::from(balanced_first)));
            let first = start_server(&url).await;
            let (target, _others) = if balanced_first {
                let second = start_server(&url).await;
                let nginx = start_nginx(&[&first, &second], &dir.join(format!("nginx-{run}"))).await;
                (nginx, vec![first, second])
            } else {
                (first, Vec::new())
            };
            let mut tablets = devices(&client, &target, "officer", 20).await;
            let (wall, mut latencies, _) = devices_at_once(&client, &target, &mut tablets, 0, 2_500, Sizing::Tablet).await;
            latencies.sort_by(|a, b| a.total_cmp(b));
            let (rate, p99) = (50_000.0 / wall, percentile(&latencies, 99.0));
            println!("  run {run}, {label}: 20 devices × 2,500 leads, {rate:.0} leads/s, request p99 {p99:.0} ms");
            results.push(serde_json::json!({ "run": run, "setup": label, "leads_per_second": rate, "request_latency_ms_p99": p99 }));
        }
    }
    std::fs::create_dir_all("bench-results").unwrap();
    let result = serde_json::json!({ "engine": engine, "devices": 20, "leads_per_device": 2_500, "runs": results });
    std::fs::write(format!("bench-results/balanced-{engine}.json"), serde_json::to_string_pretty(&result).unwrap()).unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn server_bin() -> String {
    std::env::var("ZS_SERVER_BIN").unwrap_or_else(|_| "target/release/server".into())
}

async fn start_server(database_url: &str) -> Server {
    let port = free_port();
    let child = Command::new(server_bin())
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "zhaoshang")
        .env("RUST_LOG", "warn")
        .spawn()
        .expect("start the server binary (build it with `cargo leptos build --release`)");
    // Dropping it kills the process, also when it never answers.
    let server = Server { child, url: format!("http://127.0.0.1:{port}"), database_url: database_url.to_owned() };
    for _ in 0..300 {
        if reqwest::get(format!("{}/healthz", server.url)).await.is_ok_and(|r| r.status() == 200) {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not start");
}

fn add_user(server: &Server, name: &str) {
    let mut child = Command::new(server_bin())
        .args(["user", "add", name, "--role", "officer", "--department", "投促办"])
        .env("DATABASE_URL", &server.database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "user add {name}");
}

async fn login(client: &reqwest::Client, server: &Server, name: &str) -> String {
    let response = client
        .post(format!("{}/api/v1/login", server.url))
        .json(&serde_json::json!({"username": name, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

/// A realistic lead of about 780 characters of JSON, captured by `officer` (as the tablet's
/// capture form fills it in).
fn lead(n: usize, officer: &str) -> Lead {
    let at = chrono::Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, 0).unwrap();
    let draft = LeadDraft {
        company_name: format!("成都蜀味预制菜食品有限公司第{n}分公司"),
        contact_name: "王芳".into(),
        contact_title: "总经理".into(),
        mobile: format!("139{:08}", n % 100_000_000),
        wechat: "wxid_wangfang".into(),
        province: "chongqing".into(),
        city: "渝北".into(),
        industry: "food_beverage".into(),
        industry_segment: "pre_made_dishes".into(),
        intended_project: "中央厨房及预制菜生产基地".into(),
        investment_amount: "3.5".into(),
        investment_unit: domain::MoneyUnit::Yi,
        event: "第十九届西博会".into(),
        referrer: "张强".into(),
        notes: "需要二十亩工业用地，下周安排考察城东医药食品产业园".into(),
        next_follow_up: "2026-10-08".into(),
        consent: Some(Consent { text_version: "2026-11-v1".into(), given_at: at }),
        ..LeadDraft::default()
    };
    draft
        .parse(LeadMeta { id: LeadId::new(), captured_at: at, updated_at: at, captured_by: officer.into(), device_id: "bench".into() })
        .unwrap()
}

fn batch(start: usize, count: usize, officer: &str) -> Vec<LeadChange> {
    (start..start + count)
        .map(|n| LeadChange { change_id: uuid::Uuid::now_v7(), base_version: 0, changed: LeadAttr::ALL.to_vec(), lead: lead(n, officer) })
        .collect()
}

/// One sync request; the answer and the server's own time for it (`Server-Timing`).
async fn push(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    device: &str,
    cursor: u64,
    changes: Vec<LeadChange>,
) -> (SyncResponse, Option<f64>) {
    let response = client
        .post(format!("{url}/api/v1/sync"))
        .bearer_auth(token)
        .json(&SyncRequest { protocol: domain::sync::PROTOCOL, device_id: device.into(), cursor, changes, device: None })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let took = response.headers().get("server-timing").and_then(|v| v.to_str().ok()).and_then(server_ms);
    (response.json().await.unwrap(), took)
}

/// How a device sizes its requests.
#[derive(Clone, Copy)]
enum Sizing {
    /// As the tablet does.
    Tablet,
    Fixed(usize),
}

/// What pushing a backlog took.
#[derive(Default)]
struct Pushed {
    latencies_ms: Vec<f64>,
    changes: usize,
}

/// Pushes `backlog` in requests sized by `sizing`, one after the other, from `device`'s tablet
/// `name`; its cursor moves on.
async fn push_backlog(
    client: &reqwest::Client,
    url: &str,
    device: &mut Device,
    name: &str,
    mut backlog: Vec<LeadChange>,
    sizing: Sizing,
) -> Pushed {
    let mut pushed = Pushed::default();
    let mut size = RequestSize::default();
    while !backlog.is_empty() {
        let count = match sizing {
            Sizing::Tablet => size.get(),
            Sizing::Fixed(n) => n,
        };
        let changes: Vec<LeadChange> = backlog.drain(..count.min(backlog.len())).collect();
        let sent = changes.len();
        let started = Instant::now();
        let (answer, took) = push(client, url, &device.token, name, device.cursor, changes).await;
        pushed.latencies_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        pushed.changes += sent;
        device.cursor = answer.cursor;
        size = size.next(sent, took);
    }
    pushed
}

/// Waits until the manager workspace has indexed every synced lead (`/healthz` reports no lag);
/// returns how long that took.
async fn until_indexed(client: &reqwest::Client, server: &Server) -> f64 {
    let started = Instant::now();
    loop {
        let health: serde_json::Value = client.get(format!("{}/healthz", server.url)).send().await.unwrap().json().await.unwrap();
        if health["index_lag"].as_i64() == Some(0) {
            return started.elapsed().as_secs_f64();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An officer's tablet: who, its session, and the cursor of its last sync.
#[derive(Clone)]
struct Device {
    officer: String,
    token: String,
    cursor: u64,
}

/// `count` officers named `prefix0`, `prefix1`, …, logged in, a tablet each.
async fn devices(client: &reqwest::Client, server: &Server, prefix: &str, count: usize) -> Vec<Device> {
    let mut devices = Vec::new();
    for d in 0..count {
        let officer = format!("{prefix}{d}");
        add_user(server, &officer);
        let token = login(client, server, &officer).await;
        devices.push(Device { officer, token, cursor: 0 });
    }
    devices
}

/// Every device pushes `per_device` new leads (numbered from `first`) sized by `sizing`, all
/// devices at once. Returns the wall time, every request's latency in milliseconds, and the mean
/// request size.
async fn devices_at_once(
    client: &reqwest::Client,
    server: &Server,
    devices: &mut [Device],
    first: usize,
    per_device: usize,
    sizing: Sizing,
) -> (f64, Vec<f64>, f64) {
    // The leads are made before the clock starts.
    let work: Vec<(Device, Vec<LeadChange>)> = devices
        .iter()
        .enumerate()
        .map(|(d, device)| (device.clone(), batch(first + d * per_device, per_device, &device.officer)))
        .collect();
    let started = Instant::now();
    let tasks: Vec<_> = work
        .into_iter()
        .enumerate()
        .map(|(d, (mut device, backlog))| {
            let (client, url) = (client.clone(), server.url.clone());
            tokio::spawn(async move {
                let pushed = push_backlog(&client, &url, &mut device, &format!("tablet-{d}"), backlog, sizing).await;
                (device, pushed)
            })
        })
        .collect();
    let (mut latencies, mut changes) = (Vec::new(), 0);
    for (slot, task) in devices.iter_mut().zip(tasks) {
        let (device, pushed) = task.await.unwrap();
        *slot = device;
        changes += pushed.changes;
        latencies.extend(pushed.latencies_ms);
    }
    let mean_size = changes as f64 / latencies.len().max(1) as f64;
    (started.elapsed().as_secs_f64(), latencies, mean_size)
}

/// `server backup` of a 100,000-lead SQLite database: how long it takes, and sync latency while it
/// runs against the same load without it, `runs` times each, alternating.
async fn backup_under_load(runs: usize, dir: &std::path::Path) {
    let client = reqwest::Client::new();
    let database_url = format!("sqlite://{}", dir.join("backup-bench.db").display());
    let server = start_server(&database_url).await;
    let mut tablets = devices(&client, &server, "officer", 20).await;
    let (fill, _, _) = devices_at_once(&client, &server, &mut tablets, 0, 5_000, Sizing::Tablet).await;
    until_indexed(&client, &server).await;
    println!("backup under load, SQLite: 100,000 leads stored in {fill:.1} s");
    let mut next = 100_000;
    let mut results = Vec::new();
    for run in 0..runs {
        for with_backup in [run % 2 == 0, run % 2 != 0] {
            let target = dir.join(format!("backup-{run}-{with_backup}.db"));
            let backing_up = with_backup.then(|| {
                let (database_url, target) = (database_url.clone(), target.clone());
                tokio::task::spawn_blocking(move || {
                    let started = Instant::now();
                    let status = Command::new(server_bin())
                        .args(["backup", target.to_str().unwrap()])
                        .env("DATABASE_URL", &database_url)
                        .env("RUST_LOG", "warn")
                        .stdout(Stdio::null())
                        .status()
                        .unwrap();
                    assert!(status.success(), "server backup");
                    started.elapsed().as_secs_f64()
                })
            });
            // A fair's steady load: every tablet syncing each save, 100 saves each (longer than the backup).
            let (load_wall, mut latencies, _) = devices_at_once(&client, &server, &mut tablets, next, 100, Sizing::Fixed(1)).await;
            next += 20 * 100;
            latencies.sort_by(|a, b| a.total_cmp(b));
            let p99 = percentile(&latencies, 99.0);
            let took = match backing_up {
                Some(task) => Some(task.await.unwrap()),
                None => None,
            };
            let bytes = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
            match took {
                Some(took) => println!(
                    "  run {run}, with a backup: backup {took:.2} s ({:.0} MB); the load {load_wall:.2} s, sync p99 {p99:.1} ms",
                    bytes as f64 / 1e6
                ),
                None => println!("  run {run}, without: the load {load_wall:.2} s, sync p99 {p99:.1} ms"),
            }
            results.push(serde_json::json!({
                "run": run, "backup": with_backup, "backup_seconds": took, "backup_bytes": bytes,
                "load_seconds": load_wall, "sync_latency_ms_p99": p99
            }));
            let _ = std::fs::remove_file(&target);
        }
    }
    std::fs::create_dir_all("bench-results").unwrap();
    let result = serde_json::json!({ "engine": "sqlite", "leads": 100_000, "runs": results });
    std::fs::write("bench-results/backup-sqlite.json", serde_json::to_string_pretty(&result).unwrap()).unwrap();
}

/// A database `bench_NAME_…` made on the PostgreSQL server of `url` (blocking: `psql`).
fn fresh_postgres(url: &str, name: &str) -> String {
    let database = format!("zs_bench_{name}_{}", uuid::Uuid::new_v4().simple());
    let status = Command::new("psql").args([url, "-q", "-c", &format!("CREATE DATABASE {database}")]).status().expect("psql");
    assert!(status.success(), "create database {database}");
    let (server, _) = url.rsplit_once('/').expect("a postgres URL with a database name");
    format!("{server}/{database}")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize - 1]
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("zs-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}", dir.join("bench.db").display()));
    let engine = if database_url.starts_with("postgres") { "postgres" } else { "sqlite" };
    // `--balanced [RUNS]`: nginx and two processes against one process (the deployment's figure).
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--failover") {
        let runs = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(3);
        println!("the PostgreSQL primary crashes and its standby is promoted while 20 tablets sync each save");
        failover::failover(runs, &dir).await;
        let _ = std::fs::remove_dir_all(dir);
        return;
    }
    if args.first().map(String::as_str) == Some("--backup") {
        let runs = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(3);
        backup_under_load(runs, &dir).await;
        let _ = std::fs::remove_dir_all(dir);
        return;
    }
    if args.first().map(String::as_str) == Some("--balanced") {
        let runs = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(3);
        println!("sync through nginx to two server processes, against one process direct, on {engine}");
        let fresh = |name: &str| match database_url.strip_prefix("sqlite://") {
            Some(_) => format!("sqlite://{}", dir.join(format!("balanced-{name}.db")).display()),
            None => fresh_postgres(&database_url, name),
        };
        balanced(runs, fresh, &dir, engine).await;
        let _ = std::fs::remove_dir_all(dir);
        return;
    }
    let server = start_server(&database_url).await;
    let client = reqwest::Client::new();
    let json_len = serde_json::to_string(&lead(1, "single")).unwrap().chars().count();

    // 1. One device, 10,000 leads.
    add_user(&server, "single");
    let token = login(&client, &server, "single").await;
    let backlog = batch(0, 10_000, "single");
    let mut single_device = Device { officer: "single".into(), token, cursor: 0 };
    let started = Instant::now();
    let single_pushed = push_backlog(&client, &server.url, &mut single_device, "tablet-1", backlog, Sizing::Tablet).await;
    let single = started.elapsed().as_secs_f64();
    let single_requests = single_pushed.latencies_ms.len();
    let single_indexed = until_indexed(&client, &server).await;

    // 2. Twenty devices at once, each pushing a backlog of 2,500 leads.
    let mut tablets = devices(&client, &server, "officer", 20).await;
    let per_device = 2_500;
    let (wall, mut latencies, mean_size) = devices_at_once(&client, &server, &mut tablets, 0, per_device, Sizing::Tablet).await;
    let concurrent_indexed = until_indexed(&client, &server).await;
    latencies.sort_by(|a, b| a.total_cmp(b));
    let total = 20 * per_device;
    let rate = total as f64 / wall;

    // 3. The same twenty officers at a fair, each tablet syncing every lead right after its save.
    let saves = 50;
    let (booth_wall, mut booth_latencies, _) = devices_at_once(&client, &server, &mut tablets, total, saves, Sizing::Fixed(1)).await;
    booth_latencies.sort_by(|a, b| a.total_cmp(b));
    let booth_rate = (20 * saves) as f64 / booth_wall;

    // 4. The same backlog in the largest requests the server takes.
    let largest = MAX_CHANGES_PER_REQUEST;
    let (largest_wall, mut largest_latencies, _) =
        devices_at_once(&client, &server, &mut tablets, total + 20 * saves, per_device, Sizing::Fixed(largest)).await;
    largest_latencies.sort_by(|a, b| a.total_cmp(b));
    let largest_rate = total as f64 / largest_wall;

    println!("sync benchmark on {engine} (lead JSON {json_len} characters, requests sized as the tablet does unless said)");
    println!(
        "  one device, 10,000 leads: {single:.2} s ({:.0} leads/s, {single_requests} requests); goal on SQLite < 0.8 s",
        10_000.0 / single
    );
    println!("    in the manager workspace {single_indexed:.2} s after the last answer");
    println!(
        "  20 devices at once, {total} leads: {rate:.0} leads/s in {wall:.2} s; request latency p50 {:.0} ms, p99 {:.0} ms (mean request {mean_size:.0} leads); goal >= 20,000 leads/s, p99 < 200 ms",
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0)
    );
    println!("    in the manager workspace {concurrent_indexed:.2} s after the last answer");
    println!(
        "  20 devices at once, each syncing after every save (1 lead per request, {} requests): {booth_rate:.0} leads/s; request latency p50 {:.1} ms, p99 {:.1} ms",
        20 * saves,
        percentile(&booth_latencies, 50.0),
        percentile(&booth_latencies, 99.0)
    );
    println!(
        "  20 devices at once, {total} leads in batches of {largest}: {largest_rate:.0} leads/s in {largest_wall:.2} s; request latency p50 {:.0} ms, p99 {:.0} ms",
        percentile(&largest_latencies, 50.0),
        percentile(&largest_latencies, 99.0)
    );
    let result = serde_json::json!({
        "engine": engine,
        "lead_json_chars": json_len,
        "single_device_requests": single_requests,
        "concurrent_mean_request_size": mean_size,
        "single_device_10000_leads_seconds": single,
        "single_device_indexed_after_seconds": single_indexed,
        "concurrent_devices": 20,
        "concurrent_leads": total,
        "concurrent_wall_seconds": wall,
        "concurrent_leads_per_second": rate,
        "request_latency_ms_p50": percentile(&latencies, 50.0),
        "request_latency_ms_p99": percentile(&latencies, 99.0),
        "concurrent_indexed_after_seconds": concurrent_indexed,
        "per_save_requests": 20 * saves,
        "per_save_leads_per_second": booth_rate,
        "per_save_latency_ms_p50": percentile(&booth_latencies, 50.0),
        "per_save_latency_ms_p99": percentile(&booth_latencies, 99.0),
        "largest_batch": largest,
        "largest_batch_leads_per_second": largest_rate,
        "largest_batch_latency_ms_p50": percentile(&largest_latencies, 50.0),
        "largest_batch_latency_ms_p99": percentile(&largest_latencies, 99.0),
    });
    std::fs::create_dir_all("bench-results").unwrap();
    std::fs::write(format!("bench-results/sync-{engine}.json"), serde_json::to_string_pretty(&result).unwrap()).unwrap();
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
