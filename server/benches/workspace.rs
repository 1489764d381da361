//! Manager-workspace benchmark over 100,000 leads (the demo generator, 2022–2023):
//!
//! 1. the filtered lead-table query (count + one page of 50) for a set of filters a manager uses:
//!    p50 / p95 / max per filter and over all of them; also the whole page over HTTP;
//! 2. the dashboard computation (load the projects and targets, compute every table) for the year
//!    and a quarter: p50 / p95 / max; also the whole page over HTTP.
//!
//! Goals: list query p95 < 50 ms, dashboard < 200 ms, on SQLite and on PostgreSQL.
//! Usage: `cargo bench -p server --bench workspace` (SQLite file in a temporary directory), or with
//! `BENCH_DATABASE_URL=postgres://…/db` (a new database is created beside it). `ZS_BENCH_LEADS`
//! changes the number of leads, `ZS_BENCH_RUNS` the runs per case (default 50). Results go to
//! stdout and `bench-results/workspace-<engine>.json`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use domain::report::{dashboard, Period};
use domain::review::{LeadFilter, Sort};
use server::config::Config;
use server::db::{reports, review, targets, Db, Engine};
use server::startup::Application;
use sqlx::Executor;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

struct Stats {
    name: String,
    p50: Duration,
    p95: Duration,
    max: Duration,
}

impl Stats {
    fn of(name: &str, mut times: Vec<Duration>) -> Stats {
        times.sort();
        Stats {
            name: name.to_owned(),
            p50: percentile(&times, 50.0),
            p95: percentile(&times, 95.0),
            max: *times.last().unwrap_or(&Duration::ZERO),
        }
    }

    fn print(&self) {
        println!("  {:<44} p50 {:>8.2} ms  p95 {:>8.2} ms  max {:>8.2} ms", self.name, ms(self.p50), ms(self.p95), ms(self.max));
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({ "case": self.name, "p50_ms": ms(self.p50), "p95_ms": ms(self.p95), "max_ms": ms(self.max) })
    }
}

async fn database_url(dir: &std::path::Path) -> (String, Engine) {
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let name = format!("zs_bench_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await.expect("connect to BENCH_DATABASE_URL");
            admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create the benchmark database");
            let (server, _) = url.rsplit_once('/').expect("postgres URL with a database name");
            (format!("{server}/{name}"), Engine::Postgres)
        }
        _ => (format!("sqlite://{}", dir.join("bench.db").display()), Engine::Sqlite),
    }
}

fn filters() -> Vec<(&'static str, LeadFilter)> {
    let f = LeadFilter::default;
    vec![
        ("no filter, newest first", f()),
        ("industry", LeadFilter { industry: "food_beverage".into(), ..f() }),
        ("industry + event", LeadFilter { industry: "food_beverage".into(), event: "第二十届西博会".into(), ..f() }),
        (
            "industry + event + stage",
            LeadFilter { industry: "food_beverage".into(), event: "第二十届西博会".into(), stage: "lead".into(), ..f() },
        ),
        ("search company/contact/phone", LeadFilter { q: "天府".into(), ..f() }),
        ("search a phone number part", LeadFilter { q: "1381".into(), ..f() }),
        (
            "department + origin + date range",
            LeadFilter {
                department: "重庆招商中心".into(),
                origin: "out_of_province".into(),
                from: "2023-04-01".into(),
                to: "2023-06-30".into(),
                ..f()
            },
        ),
        (
            "officer + top-500, by investment",
            LeadFilter { officer: "demo.zhou".into(), tier: "top_500".into(), sort: Sort::Investment, ..f() },
        ),
        ("stage signed, by company", LeadFilter { stage: "signed".into(), sort: Sort::Company, ..f() }),
        ("page 100, no filter", LeadFilter { page: 100, ..f() }),
    ]
}

#[tokio::main]
async fn main() {
    let leads: usize = std::env::var("ZS_BENCH_LEADS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runs: usize = std::env::var("ZS_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, engine) = database_url(dir.path()).await;
    let engine_name = if engine == Engine::Sqlite { "sqlite" } else { "postgres" };
    let db = Db::connect(&url).await.expect("database");
    let started = Instant::now();
    server::demo::load(&db, leads, 2023).await.expect("demo data");
    println!("== Manager workspace on {engine_name}: {leads} leads loaded in {:.1} s", started.elapsed().as_secs_f64());

    let mut results = Vec::new();
    let mut all_queries = Vec::new();
    println!("-- filtered list query (count + page of 50)");
    for (name, filter) in filters() {
        let parsed = filter.parse().expect("valid filter");
        let mut times = Vec::with_capacity(runs);
        let mut total = 0;
        for _ in 0..runs {
            let mut conn = db.pool.acquire().await.expect("connection");
            let t = Instant::now();
            let page = review::page(&mut conn, &parsed).await.expect("query");
            times.push(t.elapsed());
            total = page.total;
        }
        all_queries.extend(times.iter().copied());
        let stats = Stats::of(&format!("{name} ({total} leads)"), times);
        stats.print();
        results.push(stats.json());
    }
    let overall = Stats::of("all list queries", all_queries);
    overall.print();

    println!("-- dashboard computation (load projects + targets, compute)");
    let mut dash_stats = Vec::new();
    for period in [Period::Year(2023), Period::Quarter(2023, 2)] {
        let (mut times, mut loads, mut computes) = (Vec::with_capacity(runs), Vec::new(), Vec::new());
        let mut projects = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let mut conn = db.pool.acquire().await.expect("connection");
            let all: Vec<_> = targets::list(&mut conn).await.expect("targets").into_iter().map(|(_, t)| t).collect();
            let facts = reports::project_facts(&mut conn).await.expect("facts");
            let loaded = t.elapsed();
            let dash = dashboard(&all, &facts, period, chrono::NaiveDate::from_ymd_opt(2024, 1, 15).expect("date"));
            std::hint::black_box(dash);
            times.push(t.elapsed());
            loads.push(loaded);
            computes.push(t.elapsed() - loaded);
            projects = facts.len();
        }
        let stats = Stats::of(&format!("dashboard {} ({projects} fact rows)", period.code()), times);
        stats.print();
        Stats::of("  of which loading", loads).print();
        Stats::of("  of which computing", computes).print();
        dash_stats.push(stats);
    }

    println!("-- whole pages over HTTP (render included)");
    let site = tempfile::tempdir().expect("site dir");
    let config = Config::from_env()
        .expect("configuration")
        .with_address(SocketAddr::from(([127, 0, 0, 1], 0)))
        .with_site_root(site.path().to_str().expect("utf-8 path"))
        .with_database_url(&url);
    let app = Application::build(config).await.expect("server");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let token = {
        let mut conn = db.pool.acquire().await.expect("connection");
        let id =
            server::db::users::insert(&mut conn, "bench.manager", "not a usable hash", server::db::users::Role::Manager, "领导小组办公室")
                .await
                .expect("user");
        let token = server::auth::token::generate();
        server::db::sessions::insert(&mut conn, &server::auth::token::hash(&token), id).await.expect("session");
        token
    };
    let client = reqwest::Client::new();
    let mut page_stats = Vec::new();
    for (name, path) in [
        (
            "GET /manage/leads?industry&event",
            "/manage/leads?industry=food_beverage&event=%E7%AC%AC%E4%BA%8C%E5%8D%81%E5%B1%8A%E8%A5%BF%E5%8D%9A%E4%BC%9A",
        ),
        ("GET /manage/leads?q=天府", "/manage/leads?q=%E5%A4%A9%E5%BA%9C"),
        ("GET /manage/dashboard?period=2023", "/manage/dashboard?period=2023"),
    ] {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let response =
                client.get(format!("{base}{path}")).header("cookie", format!("zs_session={token}")).send().await.expect("request");
            assert_eq!(response.status(), 200, "{path}");
            response.bytes().await.expect("body");
            times.push(t.elapsed());
        }
        let stats = Stats::of(name, times);
        stats.print();
        page_stats.push(stats);
    }

    let list_met = overall.p95 < Duration::from_millis(50);
    let dash_met = dash_stats.iter().all(|s| s.p95 < Duration::from_millis(200));
    println!(
        "goal list query p95 < 50 ms: {}; dashboard p95 < 200 ms: {}",
        if list_met { "met" } else { "NOT met" },
        if dash_met { "met" } else { "NOT met" }
    );
    let json = serde_json::json!({
        "benchmark": "workspace",
        "engine": engine_name,
        "leads": leads,
        "runs_per_case": runs,
        "list_queries": results,
        "list_overall": overall.json(),
        "dashboard": dash_stats.iter().map(Stats::json).collect::<Vec<_>>(),
        "pages": page_stats.iter().map(Stats::json).collect::<Vec<_>>(),
        "goals": { "list_p95_ms_under": 50, "list_met": list_met, "dashboard_p95_ms_under": 200, "dashboard_met": dash_met },
    });
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench-results");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join(format!("workspace-{engine_name}.json")), serde_json::to_string_pretty(&json).unwrap_or_default());
}
