//! `cargo run --release -p loadgen -- --failover [RUNS]`: a PostgreSQL primary with a synchronous
//! standby (`scripts/postgres.sh`), two server processes given both hosts behind nginx, and twenty
//! tablets syncing each save. The primary is crashed (an immediate stop, as a power cut) and its
//! standby promoted at once; measured: the time from the primary's death to the first sync that
//! succeeds again (a request sent after it), the promotion's share of it, and the leads the server acknowledged against the leads
//! on the new primary, which must be equal. -> `bench-results/failover-postgres.json`.

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::sync::{SyncRequest, SyncResponse};

use crate::{batch, devices, free_port, start_nginx, start_server, Device};

/// `scripts/postgres.sh ARGS`, its output.
fn postgres_sh(args: &[&str]) -> String {
    let out = Command::new("scripts/postgres.sh").args(args).output().expect("scripts/postgres.sh");
    assert!(out.status.success(), "postgres.sh {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// What one tablet saw: the leads acknowledged, and when its requests after the crash succeeded.
#[derive(Default)]
struct Seen {
    acknowledged: Vec<String>,
    /// When each successful request was sent and answered.
    successes: Vec<(Instant, Instant)>,
    failures: usize,
}

/// Saves one lead at a time and syncs it, retrying the same change until it is acknowledged, until
/// `stop`.
async fn booth(client: reqwest::Client, url: String, mut device: Device, name: String, first: usize, stop: Arc<AtomicBool>) -> Seen {
    let mut seen = Seen::default();
    let mut n = first;
    while !stop.load(Ordering::Relaxed) {
        let changes = batch(n, 1, &device.officer);
        let id = changes[0].lead.id.to_string();
        loop {
            let sent = Instant::now();
            let request = SyncRequest {
                protocol: domain::sync::PROTOCOL,
                device_id: name.clone(),
                cursor: device.cursor,
                changes: changes.clone(),
                device: None,
            };
            let answer = client.post(format!("{url}/api/v1/sync")).bearer_auth(&device.token).json(&request).send().await;
            match answer {
                Ok(response) if response.status() == 200 => {
                    let answer: SyncResponse = response.json().await.unwrap();
                    device.cursor = answer.cursor;
                    seen.acknowledged.push(id);
                    seen.successes.push((sent, Instant::now()));
                    break;
                }
                _ => {
                    seen.failures += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        n += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen
}

pub async fn failover(runs: usize, dir: &std::path::Path) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let mut results = Vec::new();
    for run in 0..runs {
        let cluster = dir.join(format!("failover-{run}"));
        let (primary, standby) = (cluster.join("a").display().to_string(), cluster.join("b").display().to_string());
        let (primary_port, standby_port) = (free_port(), free_port());
        postgres_sh(&["start-primary", &primary, &primary_port.to_string()]);
        postgres_sh(&["start-standby", &standby, &standby_port.to_string(), &primary_port.to_string()]);
        let database_url = format!("postgres://postgres@127.0.0.1:{primary_port},127.0.0.1:{standby_port}/postgres");
        let (first, second) = (start_server(&database_url).await, start_server(&database_url).await);
        let nginx = start_nginx(&[&first, &second], &cluster.join("nginx")).await;
        let tablets = devices(&client, &nginx, "officer", 20).await;

        let stop = Arc::new(AtomicBool::new(false));
        let tasks: Vec<_> = tablets
            .into_iter()
            .enumerate()
            .map(|(d, device)| {
                let (client, url, stop) = (client.clone(), nginx.url.clone(), stop.clone());
                tokio::spawn(booth(client, url, device, format!("tablet-{d}"), d * 1_000_000, stop))
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(2)).await;
        // The clock starts once the primary is gone (`pg_ctl stop -m immediate` has returned);
        // the scripts run off the tablets' threads.
        let run_script = |args: [String; 2]| tokio::task::spawn_blocking(move || postgres_sh(&[&args[0], &args[1]]));
        run_script(["crash".into(), primary.clone()]).await.unwrap();
        let crashed = Instant::now();
        run_script(["promote".into(), standby.clone()]).await.unwrap();
        let promoted = crashed.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(5)).await;
        stop.store(true, Ordering::Relaxed);
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap());
        }
        let back = seen
            .iter()
            .flat_map(|s| s.successes.iter().filter(|(sent, _)| *sent >= crashed).map(|(_, answered)| *answered))
            .min()
            .map(|at| at.duration_since(crashed).as_secs_f64());
        let acknowledged: BTreeSet<String> = seen.iter().flat_map(|s| s.acknowledged.iter().cloned()).collect();
        let failures: usize = seen.iter().map(|s| s.failures).sum();
        let standby_url = format!("postgres://postgres@127.0.0.1:{standby_port}/postgres");
        let ids = Command::new("psql").args([&standby_url, "-Atc", "SELECT id FROM leads"]).output().expect("psql");
        let present: BTreeSet<String> = String::from_utf8(ids.stdout).unwrap().lines().map(str::to_owned).collect();
        let lost = acknowledged.difference(&present).count();
        let back_text = back.map_or("never".to_owned(), |s| format!("{s:.2} s"));
        println!(
            "  run {run}: first sync after the primary died {back_text} (the standby promoted after {promoted:.2} s); {} leads acknowledged, {} on the new primary, {lost} acknowledged and missing; {failures} requests failed and were retried",
            acknowledged.len(),
            present.len()
        );
        results.push(serde_json::json!({
            "run": run, "first_sync_after_death_seconds": back, "promoted_after_seconds": promoted,
            "acknowledged": acknowledged.len(), "on_new_primary": present.len(), "acknowledged_missing": lost,
            "failed_requests_retried": failures
        }));
        drop((nginx, first, second));
        postgres_sh(&["stop", &primary]);
        postgres_sh(&["stop", &standby]);
    }
    std::fs::create_dir_all("bench-results").unwrap();
    let result = serde_json::json!({ "engine": "postgres", "devices": 20, "load": "each tablet syncs every save", "runs": results });
    std::fs::write("bench-results/failover-postgres.json", serde_json::to_string_pretty(&result).unwrap()).unwrap();
}
