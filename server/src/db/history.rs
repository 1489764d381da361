//! The audit trail: every change to a lead's attributes, who made it, when, through which device
//! and by which way (sync or web), with the old and the new value.

use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// One changed attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The entry's number, once stored (read back from the trail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub lead_id: String,
    pub change_id: Option<String>,
    pub user_id: i64,
    pub device_id: String,
    /// `sync` or `web`.
    pub source: &'static str,
    /// The attribute's name, or `created` for the entry that records a new lead whole.
    pub attr: String,
    /// JSON of the value before (absent for a new lead).
    pub old_value: Option<String>,
    /// JSON of the value after.
    pub new_value: Option<String>,
    /// The value after in the packed form (`super::packed`), stored instead of `new_value`: a new
    /// lead's `created` entry, packed where the change was checked. Readers of the trail get it
    /// unpacked, in `new_value`.
    #[serde(skip)]
    pub packed_new_value: Option<Vec<u8>>,
    /// The old value was a concurrent edit (made after the version the change was based on) that
    /// this change replaced: kept here so a manager can see it.
    pub overwritten: bool,
    pub at: String,
}

/// The attribute name of the entry that records a new lead whole.
pub const CREATED: &str = "created";

/// Device name recorded in the trail for changes made in the manager workspace.
pub const WEB_DEVICE: &str = "web";

impl HistoryEntry {
    /// The entry that records a new lead whole, as `packed` (`super::packed::pack` of its JSON):
    /// the only copy of the lead until it first changes (see `super::leads`).
    pub fn created(
        lead_id: String,
        change_id: Option<String>,
        user_id: i64,
        device_id: String,
        packed: Vec<u8>,
        at: String,
    ) -> HistoryEntry {
        HistoryEntry {
            id: None,
            lead_id,
            change_id,
            user_id,
            device_id,
            source: "sync",
            attr: CREATED.to_owned(),
            old_value: None,
            new_value: None,
            packed_new_value: Some(packed),
            overwritten: false,
            at,
        }
    }

    /// A change `user_id` made in the manager workspace.
    pub fn web(lead_id: &str, user_id: i64, attr: &str, old_value: Option<String>, new_value: Option<String>, at: &str) -> HistoryEntry {
        HistoryEntry {
            id: None,
            lead_id: lead_id.to_owned(),
            change_id: None,
            user_id,
            device_id: WEB_DEVICE.to_owned(),
            source: "web",
            attr: attr.to_owned(),
            old_value,
            new_value,
            packed_new_value: None,
            overwritten: false,
            at: at.to_owned(),
        }
    }
}

/// Appends entries to the trail.
pub async fn insert(conn: &mut AnyConnection, entries: &[HistoryEntry]) -> Result<(), sqlx::Error> {
    use super::bulk::{blob, int, text, Kind::Blob, Kind::Int, Kind::Text};
    let columns = [
        ("lead_id", Text),
        ("change_id", Text),
        ("user_id", Int),
        ("device_id", Text),
        ("source", Text),
        ("attr", Text),
        ("overwritten", Int),
        ("at", Text),
        ("old_value", Text),
        ("new_value", Text),
        ("packed", Blob),
    ];
    let rows: Vec<Vec<serde_json::Value>> = entries
        .iter()
        .map(|e| {
            vec![
                text(Some(&e.lead_id)),
                text(e.change_id.as_deref()),
                int(Some(e.user_id)),
                text(Some(&e.device_id)),
                text(Some(e.source)),
                text(Some(&e.attr)),
                int(Some(i64::from(e.overwritten))),
                text(Some(&e.at)),
                text(e.old_value.as_deref()),
                text(e.new_value.as_deref()),
                blob(e.packed_new_value.as_deref()),
            ]
        })
        .collect();
    for chunk in rows.chunks(1000) {
        super::bulk::insert(conn, "lead_history", &columns, chunk, "").await?;
    }
    Ok(())
}

/// The value after of a trail entry: its JSON, or its packed form unpacked. One that cannot be
/// unpacked is shown as missing (and noted), not as a trail that cannot be read.
fn new_value(row: &sqlx::any::AnyRow) -> Result<Option<String>, sqlx::Error> {
    if let Some(json) = row.try_get::<Option<String>, _>("new_value")? {
        return Ok(Some(json));
    }
    let Some(packed) = row.try_get::<Option<Vec<u8>>, _>("packed")? else { return Ok(None) };
    match super::packed::unpack(&packed) {
        Ok(json) => Ok(Some(json)),
        Err(error) => {
            let id = row.try_get::<i64, _>("id").map(|id| id.to_string()).unwrap_or_default();
            super::unreadable::note("lead_history", &id, &error);
            Ok(None)
        }
    }
}

/// A lead's trail, oldest first.
pub async fn for_lead(conn: &mut AnyConnection, lead_id: &str) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {ENTRY_COLUMNS} FROM lead_history WHERE lead_id = $1 ORDER BY id"))
        .bind(lead_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(entry_from_row).collect()
}

/// The entry `id` of the trail of `lead_id`, if there is one.
pub async fn entry(conn: &mut AnyConnection, lead_id: &str, id: i64) -> Result<Option<HistoryEntry>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {ENTRY_COLUMNS} FROM lead_history WHERE lead_id = $1 AND id = $2"))
        .bind(lead_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(entry_from_row).transpose()
}

const ENTRY_COLUMNS: &str = "id, lead_id, change_id, user_id, device_id, source, attr, old_value, new_value, packed, overwritten, at";

fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<HistoryEntry, sqlx::Error> {
    let source: String = r.try_get("source")?;
    Ok(HistoryEntry {
        id: Some(r.try_get("id")?),
        lead_id: r.try_get("lead_id")?,
        change_id: r.try_get("change_id")?,
        user_id: r.try_get("user_id")?,
        device_id: r.try_get("device_id")?,
        source: if source == "web" { "web" } else { "sync" },
        attr: r.try_get("attr")?,
        old_value: r.try_get("old_value")?,
        new_value: new_value(r)?,
        packed_new_value: None,
        overwritten: r.try_get::<i64, _>("overwritten")? != 0,
        at: r.try_get("at")?,
    })
}
