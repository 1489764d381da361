//! Randomized, seeded schedules of devices, captures, edits and faults (dropped responses, requests
//! cut half-way, the server crashing mid-request and restarting), each checked afterwards: once the
//! network is healthy again and every device has synced, the server holds exactly every lead each
//! device captured, in the state its device last gave it, nothing lost, nothing twice, and every
//! device of an officer holds the same leads as the server.
//!
//! `ZS_SCHEDULES` sets how many schedules run (200 by default; more for a long run), `ZS_SEED`
//! the first seed. A failure names its seed, so it can be replayed alone.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::device::Device;
use common::proxy::{Fault, FaultProxy};
use common::{lead, start_server, user_with_session};
use domain::sync::ServerLead;
use domain::{Intent, LeadId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use server::db::users::Role;
use server::db::Db;

/// One database, one or more servers on it (each with its own connection pool, like separate
/// processes), each behind its own fault proxy.
struct World {
    database_url: String,
    servers: Vec<(FaultProxy, tokio::task::JoinHandle<()>)>,
    manager: String,
    http: reqwest::Client,
}

impl World {
    async fn new(servers: usize) -> (World, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let database_url = common::fresh_database_url(dir.path()).await;
        let mut running = Vec::new();
        for _ in 0..servers {
            let (addr, server) = start_server(&database_url).await;
            running.push((FaultProxy::start(addr).await, server));
        }
        let db = Db::connect(&database_url).await.unwrap();
        let manager = user_with_session(&db, "manager", Role::Manager).await;
        (World { database_url, servers: running, manager, http: reqwest::Client::new() }, dir)
    }

    fn proxy(&self, which: usize) -> &FaultProxy {
        &self.servers[which % self.servers.len()].0
    }

    /// Crashes server `which` and starts a new one on the same database.
    async fn restart(&mut self, which: usize) {
        let which = which % self.servers.len();
        self.servers[which].1.abort();
        let _ = (&mut self.servers[which].1).await;
        let (addr, server) = start_server(&self.database_url).await;
        self.servers[which].1 = server;
        self.servers[which].0.set_upstream(addr);
    }

    async fn server_leads(&self) -> Vec<ServerLead> {
        // Paged: a long run's shared database holds more leads than one page.
        common::all_leads(&self.http, &self.proxy(0).url(), &self.manager).await
    }
}

struct Actor {
    device: Device,
    officer: String,
    /// The leads this device captured: only it edits them.
    own: Vec<LeadId>,
}

async fn run_schedule(world: &mut World, db: &Db, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let officers = [format!("li-{seed}"), format!("zhao-{seed}")];
    let mut actors = Vec::new();
    for (i, officer) in officers.iter().enumerate() {
        let token = user_with_session(db, officer, Role::Officer).await;
        for d in 0..(2 - i) {
            actors.push(Actor { device: Device::new(&format!("{officer}-tablet-{d}"), &token), officer: officer.clone(), own: Vec::new() });
        }
    }
    let mut captured = 0usize;
    for step in 0..20 {
        let who = rng.gen_range(0..actors.len());
        let actor = &mut actors[who];
        match rng.gen_range(0..100) {
            0..=39 => {
                let mut new = lead(&format!("企业-{seed}-{step}"));
                new.device_id = actor.device.id.clone();
                actor.own.push(new.id);
                actor.device.save(new);
                captured += 1;
            }
            40..=64 if !actor.own.is_empty() => {
                let id = actor.own[rng.gen_range(0..actor.own.len())];
                let mut edited = actor.device.records[&id].lead.clone();
                match rng.gen_range(0..4) {
                    0 => edited.notes = Some(format!("第{step}步的备注")),
                    1 => edited.contact_title = Some(["总经理", "董事长", "投资总监"][rng.gen_range(0..3)].into()),
                    2 => edited.intent = [Intent::Hot, Intent::Warm, Intent::Cold][rng.gen_range(0..3)],
                    _ => edited.mobile = Some(format!("139{:08}", rng.gen_range(0..100_000_000u32))),
                }
                edited.updated_at = domain::time::now();
                actor.device.save(edited);
            }
            _ => {
                // Devices go through the servers in turn.
                let which = step;
                let fault = match rng.gen_range(0..10) {
                    0..=4 => Fault::None,
                    5..=6 => Fault::DropResponse,
                    7..=8 => Fault::CutRequest,
                    _ => {
                        // The server crashes while this device's sync is in flight.
                        let url = world.proxy(which).url();
                        let wait = Duration::from_micros(rng.gen_range(0..3000));
                        let sync = actor.device.sync(&url);
                        let server = &world.servers[which % world.servers.len()].1;
                        let crash = async {
                            tokio::time::sleep(wait).await;
                            server.abort();
                        };
                        let (_, ()) = tokio::join!(sync, crash);
                        world.restart(which).await;
                        continue;
                    }
                };
                world.proxy(which).inject(fault);
                let _ = actor.device.sync(&world.proxy(which).url()).await;
            }
        }
    }

    // The network heals: every device syncs until nothing moves.
    for round in 0..3 {
        for (i, actor) in actors.iter_mut().enumerate() {
            let url = world.proxy(round + i).url();
            actor.device.sync(&url).await.unwrap_or_else(|e| panic!("seed {seed}: healthy sync failed: {e}"));
        }
    }

    let on_server: BTreeMap<LeadId, ServerLead> =
        world.server_leads().await.into_iter().filter(|l| officers.contains(&l.lead.captured_by)).map(|l| (l.lead.id, l)).collect();
    assert_eq!(on_server.len(), captured, "seed {seed}: every captured lead once on the server");
    for actor in &actors {
        assert_eq!(actor.device.pending(), 0, "seed {seed}: {} still has changes to send", actor.device.id);
        assert!(actor.device.refused.is_empty(), "seed {seed}: {} has refused changes", actor.device.id);
        for id in &actor.own {
            let server = &on_server[id];
            let local = &actor.device.records[id];
            assert!(
                server.lead == local.lead,
                "seed {seed}: lead {id} of {} differs from the server in {:?} (updated_at server {} tablet {}, captured_by {:?} / {:?})",
                actor.device.id,
                server.lead.changed_attrs(&local.lead),
                server.lead.updated_at,
                local.lead.updated_at,
                server.lead.captured_by,
                local.lead.captured_by
            );
            assert_eq!(server.version, local.server_version, "seed {seed}: version of {id}");
        }
        let officer_leads: BTreeSet<LeadId> =
            on_server.values().filter(|l| l.lead.captured_by == actor.officer).map(|l| l.lead.id).collect();
        let device_leads: BTreeSet<LeadId> = actor.device.records.keys().copied().collect();
        assert_eq!(device_leads, officer_leads, "seed {seed}: {} holds exactly its officer's leads", actor.device.id);
        for id in &device_leads {
            assert_eq!(actor.device.records[id].lead, on_server[id].lead, "seed {seed}: {} converged on {id}", actor.device.id);
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn randomized_schedules_keep_every_lead_exactly_once() {
    let (count, first) = (env_number("ZS_SCHEDULES", 200), env_number("ZS_SEED", 1));
    let (mut world, _dir) = World::new(1).await;
    let db = Db::connect(&world.database_url).await.unwrap();
    for seed in first..first + count {
        run_schedule(&mut world, &db, seed).await;
    }
}

/// Two servers on one database (PostgreSQL in the suite's PostgreSQL run), the devices syncing
/// through both in turn, one crashing now and then: the same invariants.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_keep_every_lead_exactly_once() {
    let (count, first) = (env_number("ZS_SCHEDULES", 200) / 4, env_number("ZS_SEED", 1) + 100_000);
    let (mut world, _dir) = World::new(2).await;
    let db = Db::connect(&world.database_url).await.unwrap();
    for seed in first..first + count {
        run_schedule(&mut world, &db, seed).await;
    }
}
