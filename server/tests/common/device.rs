//! A simulated tablet: the same outbox, acknowledgement and merge code as the real one (the `app`
//! crate's pure `offline::outbox` module), with its durable state held in memory, talking to the
//! server over real HTTP.

use std::collections::BTreeMap;

use app::offline::outbox::{acknowledge, changes_anything, next_batch, plan, OutboxEntry};
use app::offline::record::LeadRecord;
use domain::sync::request_size::{server_ms, RequestSize};
use domain::sync::{SyncRequest, SyncResponse};
use domain::{Lead, LeadId};

pub struct Device {
    pub id: String,
    pub token: String,
    pub records: BTreeMap<LeadId, LeadRecord>,
    pub outbox: Vec<OutboxEntry>,
    pub cursor: u64,
    client: reqwest::Client,
}

impl Device {
    pub fn new(id: &str, token: &str) -> Device {
        // A new connection per request, so a proxy fault hits exactly one request.
        let client = reqwest::Client::builder().pool_max_idle_per_host(0).timeout(std::time::Duration::from_secs(20)).build().unwrap();
        Device { id: id.into(), token: token.into(), records: BTreeMap::new(), outbox: Vec::new(), cursor: 0, client }
    }

    /// Saves a lead as the tablet's store does: the record and its queued change together.
    pub fn save(&mut self, lead: Lead) {
        let previous = self.records.get(&lead.id);
        if !changes_anything(previous, &lead) {
            return;
        }
        if let Some(entry) = OutboxEntry::for_save(previous, &lead) {
            self.outbox.push(entry);
        }
        let mut record = LeadRecord::new(lead.clone());
        record.server_version = previous.map_or(0, |p| p.server_version);
        self.records.insert(lead.id, record);
    }

    pub fn pending(&self) -> usize {
        self.outbox.iter().filter(|e| e.is_pending()).count()
    }

    /// One sync as the tablet runs it: rounds until nothing is left to send or pull. An error
    /// (network, server) leaves the state as the last completed round left it.
    pub async fn sync(&mut self, base_url: &str) -> Result<(), String> {
        let mut size = RequestSize::default();
        for _ in 0..100 {
            let changes = next_batch(&self.outbox, size.get());
            let sent = changes.len();
            let request = SyncRequest { device_id: self.id.clone(), cursor: self.cursor, changes };
            let response = self
                .client
                .post(format!("{base_url}/api/v1/sync"))
                .bearer_auth(&self.token)
                .json(&request)
                .send()
                .await
                .map_err(|e| format!("transport: {e}"))?;
            if response.status() != 200 {
                return Err(format!("status {}", response.status()));
            }
            let took = response.headers().get("server-timing").and_then(|v| v.to_str().ok()).and_then(server_ms);
            let answer: SyncResponse = response.json().await.map_err(|e| format!("body: {e}"))?;
            self.apply(&answer);
            if sent < size.get() && !answer.more {
                return Ok(());
            }
            size = size.next(sent, took);
        }
        Err("too many rounds".into())
    }

    /// What the store's `apply_sync` does, on the in-memory state.
    fn apply(&mut self, answer: &SyncResponse) {
        let ack = acknowledge(&answer.results);
        let planned = plan(&self.outbox, &self.records, &ack, &answer.changes);
        self.outbox.retain(|e| !planned.remove.contains(&e.change_id));
        for marked in planned.mark {
            if let Some(entry) = self.outbox.iter_mut().find(|e| e.change_id == marked.change_id) {
                *entry = marked;
            }
        }
        for record in planned.records {
            self.records.insert(record.lead.id, record);
        }
        self.cursor = answer.cursor;
    }
}
