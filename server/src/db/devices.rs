//! `devices`: each tablet an officer syncs from, with when it was last seen and its last report
//! (`domain::device`). Written in batches by `crate::devices`, read by the workspace's device page
//! and the accounts page. A report that does not read back by the domain's rules is shown as no
//! report, and registered (`unreadable`).

use chrono::{DateTime, Utc};
use domain::device::{DeviceReport, DeviceStorage};
use domain::time::rfc3339;
use sqlx::{AnyConnection, Row};

use super::unreadable;

/// A sighting of a tablet: its last sync, with what it said of itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sighting {
    pub user_id: i64,
    pub device_id: String,
    pub at: DateTime<Utc>,
    /// `None` from a tablet of an earlier build.
    pub report: Option<DeviceReport>,
}

/// A tablet as the device page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub user_id: i64,
    pub device_id: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub report: Option<DeviceReport>,
}

/// Records `sightings` (at most one per device), each unless the row already holds a later one
/// (another server may have written it).
pub async fn record(conn: &mut AnyConnection, sightings: &[Sighting]) -> Result<(), sqlx::Error> {
    for s in sightings {
        let at = rfc3339::format(s.at);
        let r = s.report.as_ref();
        let storage = r.and_then(|r| r.storage);
        sqlx::query(
            "INSERT INTO devices (user_id, device_id, first_seen, last_seen, reported, waiting, oldest_waiting, refused, build, \
             persisted, usage_bytes, quota_bytes) VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (user_id, device_id) DO UPDATE SET last_seen = excluded.last_seen, reported = excluded.reported, \
             waiting = excluded.waiting, oldest_waiting = excluded.oldest_waiting, refused = excluded.refused, \
             build = excluded.build, persisted = excluded.persisted, usage_bytes = excluded.usage_bytes, \
             quota_bytes = excluded.quota_bytes WHERE devices.last_seen <= excluded.last_seen",
        )
        .bind(s.user_id)
        .bind(s.device_id.clone())
        .bind(at)
        .bind(i64::from(r.is_some()))
        .bind(r.map_or(0, |r| i64::from(r.waiting)))
        .bind(r.and_then(|r| r.oldest_waiting).map(rfc3339::format))
        .bind(r.map_or(0, |r| i64::from(r.refused)))
        .bind(r.map(|r| r.build.clone()).unwrap_or_default())
        .bind(storage.map(|s| i64::from(s.persisted)))
        .bind(storage.map(|s| s.usage_bytes as i64))
        .bind(storage.map(|s| s.quota_bytes as i64))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn read(row: &sqlx::any::AnyRow) -> Result<Option<Device>, sqlx::Error> {
    let user_id: i64 = row.try_get("user_id")?;
    let device_id: String = row.try_get("device_id")?;
    let key = format!("{user_id}/{device_id}");
    let instant = |column: &str| -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        Ok(row.try_get::<Option<String>, _>(column)?.and_then(|text| rfc3339::parse(&text)))
    };
    let (Some(first_seen), Some(last_seen)) = (instant("first_seen")?, instant("last_seen")?) else {
        unreadable::note("devices", &key, &"first_seen or last_seen is not an instant");
        return Ok(None);
    };
    let report = if row.try_get::<i64, _>("reported")? == 1 {
        let report = read_report(row)?;
        if report.is_none() {
            unreadable::note("devices", &key, &"the last report does not keep the domain's rules");
        }
        report
    } else {
        None
    };
    Ok(Some(Device { user_id, device_id, first_seen, last_seen, report }))
}

/// The last report of a row that holds one; `None` when it does not read back by the domain's
/// rules.
fn read_report(row: &sqlx::any::AnyRow) -> Result<Option<DeviceReport>, sqlx::Error> {
    let count = |column: &str| -> Result<Option<u32>, sqlx::Error> { Ok(u32::try_from(row.try_get::<i64, _>(column)?).ok()) };
    let bytes = |column: &str| -> Result<Option<u64>, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(column)?.and_then(|n| u64::try_from(n).ok()))
    };
    let (Some(waiting), Some(refused)) = (count("waiting")?, count("refused")?) else { return Ok(None) };
    let oldest_waiting = match row.try_get::<Option<String>, _>("oldest_waiting")? {
        None => None,
        Some(text) => match rfc3339::parse(&text) {
            Some(at) => Some(at),
            None => return Ok(None),
        },
    };
    let storage = match row.try_get::<Option<i64>, _>("persisted")? {
        None => None,
        Some(persisted) => match (bytes("usage_bytes")?, bytes("quota_bytes")?) {
            (Some(usage_bytes), Some(quota_bytes)) => Some(DeviceStorage { persisted: persisted == 1, usage_bytes, quota_bytes }),
            _ => return Ok(None),
        },
    };
    let report = DeviceReport { waiting, oldest_waiting, refused, build: row.try_get("build")?, storage };
    Ok(report.check().is_ok().then_some(report))
}

/// When each of `device_ids` first synced (the earliest, should two officers share a tablet);
/// ids never seen are left out.
pub async fn first_seen(
    conn: &mut AnyConnection,
    device_ids: &[&str],
) -> Result<std::collections::HashMap<String, DateTime<Utc>>, sqlx::Error> {
    if device_ids.is_empty() {
        return Ok(Default::default());
    }
    let sql = format!(
        "SELECT device_id, MIN(first_seen) AS first_seen FROM devices WHERE device_id IN ({}) GROUP BY device_id",
        super::placeholders(1, device_ids.len())
    );
    let rows = device_ids.iter().fold(sqlx::query(&sql), |q, id| q.bind(id.to_string())).fetch_all(conn).await?;
    let mut seen = std::collections::HashMap::new();
    for row in rows {
        if let Some(at) = row.try_get::<String, _>("first_seen").ok().as_deref().and_then(rfc3339::parse) {
            seen.insert(row.try_get("device_id")?, at);
        }
    }
    Ok(seen)
}

/// Every known tablet, by officer, the most recently seen first.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Device>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT user_id, device_id, first_seen, last_seen, reported, waiting, oldest_waiting, refused, build, persisted, \
         usage_bytes, quota_bytes FROM devices ORDER BY user_id, last_seen DESC, device_id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(read).collect::<Result<Vec<_>, _>>()?.into_iter().flatten().collect())
}
