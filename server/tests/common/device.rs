//! A simulated tablet: the same outbox, acknowledgement and merge code as the real one (the `app`
//! crate's pure `offline::outbox` module), with its durable state held in memory, talking to the
//! server over real HTTP.

use std::collections::BTreeMap;

use app::offline::outbox::{acknowledge, changes_anything, next_batch, plan, withdraw, NotWithdrawable, OutboxEntry, RoundState};
use app::offline::record::LeadRecord;
use domain::sync::request_size::{server_ms, RequestSize};
use domain::sync::{LeadChange, ServerLead, SyncRequest, SyncResponse};
use domain::{Lead, LeadId};

/// Most changes the tablet's store applies in one transaction (`LeadStore::apply_sync`).
const APPLY_CHUNK: usize = 100;

pub struct Device {
    pub id: String,
    pub token: String,
    pub records: BTreeMap<LeadId, LeadRecord>,
    /// Changes waiting to be sent.
    pub outbox: Vec<OutboxEntry>,
    /// Changes the server refused, kept for the officer.
    pub refused: Vec<OutboxEntry>,
    pub cursor: u64,
    client: reqwest::Client,
}

impl Device {
    pub fn new(id: &str, token: &str) -> Device {
        // A new connection per request, so a proxy fault hits exactly one request.
        let client = reqwest::Client::builder().pool_max_idle_per_host(0).timeout(std::time::Duration::from_secs(20)).build().unwrap();
        Device { id: id.into(), token: token.into(), records: BTreeMap::new(), outbox: Vec::new(), refused: Vec::new(), cursor: 0, client }
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

    /// Deletes a lead as the officer does on the tablet (`LeadStore::withdraw`): the record stays,
    /// withdrawn, with its withdrawal queued.
    pub fn withdraw(&mut self, id: LeadId, by: &str) -> Result<(), NotWithdrawable> {
        let record = self.records.get(&id).expect("a lead on this tablet").clone();
        let withdrawn = withdraw(&record, by, "duplicate", domain::time::now())?;
        let previous = if withdrawn.drop_queued {
            self.outbox.retain(|e| e.change.lead.id != id);
            self.refused.retain(|e| e.change.lead.id != id);
            None
        } else {
            Some(&record)
        };
        if let Some(entry) = OutboxEntry::for_save(previous, &withdrawn.lead) {
            self.outbox.push(entry);
        }
        let mut stored = LeadRecord::new(withdrawn.lead);
        stored.server_version = record.server_version;
        self.records.insert(id, stored);
        Ok(())
    }

    /// The leads the officer sees: every record not withdrawn.
    pub fn shown(&self) -> Vec<&domain::Lead> {
        self.records.values().filter(|r| r.lead.withdrawn.is_none()).map(|r| &r.lead).collect()
    }

    pub fn pending(&self) -> usize {
        self.outbox.len()
    }

    /// One sync as the tablet runs it (`sync_client::sync`): rounds until nothing is left to send
    /// or pull. An error (network, server) leaves the state as the last completed round left it.
    pub async fn sync(&mut self, base_url: &str) -> Result<(), String> {
        let mut size = RequestSize::default();
        for _ in 0..100 {
            let sent: Vec<OutboxEntry> = next_batch(&self.outbox, size.get()).into_iter().cloned().collect();
            let changes: Vec<LeadChange> = sent.iter().map(|e| e.change.clone()).collect();
            let request =
                SyncRequest { protocol: domain::sync::PROTOCOL, device_id: self.id.clone(), cursor: self.cursor, changes, device: None };
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
            self.apply(&sent, &answer);
            if !answer.more && (self.pending() == 0 || sent.is_empty()) {
                return Ok(());
            }
            size = size.next(sent.len(), took);
        }
        Err("too many rounds".into())
    }

    /// What the store's `apply_sync` does, on the in-memory state: chunk by chunk, each reading
    /// only what it concerns.
    fn apply(&mut self, sent: &[OutboxEntry], answer: &SyncResponse) {
        let ack = acknowledge(&answer.results);
        let chunks: Vec<&[OutboxEntry]> = if sent.is_empty() { vec![&[]] } else { sent.chunks(APPLY_CHUNK).collect() };
        let last = chunks.len() - 1;
        for (i, (chunk, part)) in chunks.iter().zip(ack.split(&chunks)).enumerate() {
            let pulled: &[ServerLead] = if i == last { &answer.changes } else { &[] };
            let gone: &[domain::LeadId] = if i == last { &answer.gone } else { &[] };
            let refused = self.refused.clone();
            let mut state = RoundState { sent: chunk, refused: &refused, gone, ..RoundState::default() };
            state.still_queued =
                chunk.iter().filter(|e| self.outbox.iter().any(|q| q.change_id == e.change_id)).map(|e| e.change_id.clone()).collect();
            for id in pulled.iter().map(|s| s.lead.id).chain(gone.iter().copied()) {
                if let Some(record) = self.records.get(&id) {
                    state.local.insert(id, record.clone());
                }
                state.queued_per_lead.insert(id, self.outbox.iter().filter(|e| e.change.lead.id == id).count());
            }
            // Withdrawn leads this chunk sent are read whole, with their queued changes counted.
            for id in chunk.iter().map(|e| e.change.lead.id) {
                if let Some(record) = self.records.get(&id).filter(|r| r.lead.withdrawn.is_some()) {
                    state.local.insert(id, record.clone());
                    state.queued_per_lead.insert(id, self.outbox.iter().filter(|e| e.change.lead.id == id).count());
                }
            }
            for id in part.versions.keys().filter(|id| !state.local.contains_key(id)) {
                if let Some(record) = self.records.get(id) {
                    state.versions.insert(*id, record.server_version);
                }
            }
            let planned = plan(&state, &part, pulled);
            self.outbox.retain(|e| !planned.remove.contains(&e.change_id) && !planned.refuse.iter().any(|r| r.change_id == e.change_id));
            self.refused.retain(|e| !planned.settle.contains(&e.change_id));
            self.refused.extend(planned.refuse);
            for record in planned.records {
                self.records.insert(record.lead.id, record);
            }
            for (id, version) in planned.versions_only {
                if let Some(record) = self.records.get_mut(&id) {
                    record.server_version = version;
                }
            }
            for id in planned.purge {
                self.records.remove(&id);
            }
        }
        self.cursor = answer.cursor;
    }
}
