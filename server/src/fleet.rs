//! The device fleet's sightings: each sync says which tablet it came from and what the tablet
//! holds (`domain::device`); this keeps the last sighting of each tablet in memory and writes them
//! to `devices` in one transaction every [`FLUSH`], and before a page that shows them reads.
//!
//! Why not with each sync: on SQLite every commit waits for the disk, and a sync that pulls
//! nothing writes nothing else. Twenty tablets syncing at once would each add a commit to the
//! writers' queue for a figure the device page shows to the minute. What is lost in a crash is a
//! few seconds of "last seen": the next sync of each tablet says it again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::device::DeviceReport;

use crate::db::devices::{self, Sighting};
use crate::db::Db;

/// How often sightings are written.
pub const FLUSH: Duration = Duration::from_secs(2);

/// The sightings not yet written, by officer and tablet.
#[derive(Clone, Debug, Default)]
pub struct Fleet {
    unwritten: Arc<Mutex<HashMap<(i64, String), Sighting>>>,
}

impl Fleet {
    /// Notes that `user_id`'s tablet `device_id` synced at `at`, saying `report` of itself.
    pub fn seen(&self, user_id: i64, device_id: &str, at: DateTime<Utc>, report: Option<DeviceReport>) {
        let sighting = Sighting { user_id, device_id: device_id.to_owned(), at, report };
        self.keep_latest(sighting);
    }

    fn keep_latest(&self, sighting: Sighting) {
        let mut unwritten = self.unwritten.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = (sighting.user_id, sighting.device_id.clone());
        match unwritten.get(&key) {
            Some(kept) if kept.at > sighting.at => {}
            _ => {
                unwritten.insert(key, sighting);
            }
        }
    }

    /// Writes the sightings noted so far. On failure they are kept for the next attempt (unless a
    /// later sighting of the same tablet came in meanwhile).
    pub async fn flush(&self, db: &Db) -> Result<(), sqlx::Error> {
        let taken: Vec<Sighting> = {
            let mut unwritten = self.unwritten.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            unwritten.drain().map(|(_, s)| s).collect()
        };
        if taken.is_empty() {
            return Ok(());
        }
        let written = async {
            let mut tx = db.pool.begin().await?;
            devices::record(&mut tx, &taken).await?;
            tx.commit().await
        }
        .await;
        if written.is_err() {
            for sighting in taken {
                self.keep_latest(sighting);
            }
        }
        written
    }
}
