//! Leads as the server stores them: the lead itself (JSON of `domain::Lead`), its owner, its
//! version (one more per applied change), the version each attribute last changed in (for
//! merging; attributes still at version 1 are left out of the stored JSON), and its place in the
//! change sequence (for pulls).
//!
//! A lead still as it was first stored has no JSON of its own (`data` is NULL): the audit
//! trail's `created` entry holds it, packed (`super::packed`), and the reads here take it from
//! there. Its first change writes `data`. Why: the lead row and that entry held the same ~800
//! bytes, and bytes are what a sync's transaction costs the disk (20 tablets' backlogs: ~25% more
//! leads per second).

use std::collections::BTreeMap;

use std::sync::OnceLock;

use domain::sync::LeadAttr;
use domain::Lead;
use sqlx::{AnyConnection, Row};

use super::dialect::{is_postgres, text_as_blob};
use super::history::CREATED;

/// A lead with the server's bookkeeping.
#[derive(Clone, Debug)]
pub struct StoredLead {
    pub owner_id: i64,
    pub version: i64,
    pub seq: i64,
    pub lead: Lead,
    pub attr_versions: BTreeMap<LeadAttr, i64>,
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

impl StoredLead {
    /// A lead as first stored: version 1, every attribute at version 1.
    pub fn first_version(owner_id: i64, seq: i64, lead: Lead) -> StoredLead {
        StoredLead { owner_id, version: 1, seq, lead, attr_versions: first_attr_versions() }
    }
}

fn first_attr_versions() -> BTreeMap<LeadAttr, i64> {
    LeadAttr::ALL.iter().map(|a| (*a, 1)).collect()
}

/// Every attribute of a lead starts at version 1: only the ones changed since are stored.
fn encode_attr_versions(versions: &BTreeMap<LeadAttr, i64>) -> Result<String, sqlx::Error> {
    encode(&versions.iter().filter(|(_, v)| **v > 1).collect::<BTreeMap<_, _>>())
}

fn decode_attr_versions(text: &str) -> Result<BTreeMap<LeadAttr, i64>, sqlx::Error> {
    let mut versions = first_attr_versions();
    versions.extend(decode::<BTreeMap<LeadAttr, i64>>(text)?);
    Ok(versions)
}

/// The columns [`from_row`] reads, for a query `FROM leads` on `conn`'s engine. `body` is the
/// lead's JSON as bytes: its own, or else its trail's `created` entry's, packed or as JSON.
fn columns(conn: &AnyConnection) -> &'static str {
    fn build(postgres: bool) -> String {
        let (data, first_json) = (text_as_blob(postgres, "data"), text_as_blob(postgres, "h.new_value"));
        format!(
            "id, owner_id, version, seq, attr_versions, COALESCE({data}, (SELECT COALESCE(h.packed, {first_json}) FROM lead_history h \
             WHERE h.lead_id = leads.id AND h.attr = '{CREATED}' ORDER BY h.id LIMIT 1)) AS body"
        )
    }
    static SQLITE: OnceLock<String> = OnceLock::new();
    static POSTGRES: OnceLock<String> = OnceLock::new();
    match is_postgres(conn) {
        false => SQLITE.get_or_init(|| build(false)),
        true => POSTGRES.get_or_init(|| build(true)),
    }
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<StoredLead, sqlx::Error> {
    let body = super::packed::unpack(&row.try_get::<Vec<u8>, _>("body")?).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(StoredLead {
        owner_id: row.try_get("owner_id")?,
        version: row.try_get("version")?,
        seq: row.try_get("seq")?,
        lead: decode(&body)?,
        attr_versions: decode_attr_versions(&row.try_get::<String, _>("attr_versions")?)?,
    })
}

/// The id of a lead row, for the register of rows that cannot be read.
fn row_id(row: &sqlx::any::AnyRow) -> String {
    row.try_get::<String, _>("id").unwrap_or_default()
}

/// Reads the rows, skipping (and noting, `super::unreadable`) the ones that cannot be read.
fn readable(rows: &[sqlx::any::AnyRow]) -> Vec<StoredLead> {
    super::unreadable::skipping("leads", rows, row_id, from_row)
}

/// The lead with this id; `None` also when its row cannot be read (noted in `super::unreadable`).
pub async fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<StoredLead>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {} FROM leads WHERE id = $1", columns(conn))).bind(id).fetch_optional(conn).await?;
    Ok(readable(row.as_slice()).pop())
}

/// The stored leads with these ids, and the ids of those whose rows cannot be read.
pub struct Found {
    pub leads: std::collections::HashMap<domain::LeadId, StoredLead>,
    pub unreadable: std::collections::BTreeSet<String>,
}

/// The stored leads with these ids.
pub async fn find_many(conn: &mut AnyConnection, ids: &[String]) -> Result<Found, sqlx::Error> {
    let mut found = Found { leads: Default::default(), unreadable: Default::default() };
    for row in super::bulk::fetch_where_in(conn, &format!("SELECT {} FROM leads", columns(conn)), "id", ids).await? {
        match from_row(&row) {
            Ok(stored) => {
                found.leads.insert(stored.lead.id, stored);
            }
            Err(error) => {
                super::unreadable::note("leads", &row_id(&row), &error);
                found.unreadable.insert(row_id(&row));
            }
        }
    }
    Ok(found)
}

/// A lead the server has not seen before, to be stored.
pub struct NewLead<'a> {
    pub stored: &'a StoredLead,
    /// The device it came from.
    pub device_id: &'a str,
    /// The caller writes, in the same transaction, the trail's `created` entry holding exactly
    /// this lead: the row then has no JSON of its own.
    pub in_trail: bool,
}

/// Stores leads the server has not seen before.
pub async fn insert_many(conn: &mut AnyConnection, new: &[NewLead<'_>]) -> Result<(), sqlx::Error> {
    use super::bulk::{int, text, Kind::Int, Kind::Text};
    let columns = [
        ("id", Text),
        ("owner_id", Int),
        ("version", Int),
        ("seq", Int),
        ("device_id", Text),
        ("event", Text),
        ("captured_at", Text),
        ("updated_at", Text),
        ("synced_at", Text),
        ("attr_versions", Text),
        ("data", Text),
    ];
    let synced_at = super::now_text();
    let rows = new
        .iter()
        .map(|&NewLead { stored: s, device_id, in_trail }| {
            let lead = &s.lead;
            let data = if in_trail { None } else { Some(encode(lead)?) };
            Ok(vec![
                text(Some(&lead.id.to_string())),
                int(Some(s.owner_id)),
                int(Some(s.version)),
                int(Some(s.seq)),
                text(Some(device_id)),
                text(lead.event.as_deref()),
                text(Some(&domain::time::rfc3339::format(lead.captured_at))),
                text(Some(&domain::time::rfc3339::format(lead.updated_at))),
                text(Some(&synced_at)),
                text(Some(&encode_attr_versions(&s.attr_versions)?)),
                text(data.as_deref()),
            ])
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    for chunk in rows.chunks(1000) {
        super::bulk::insert(conn, "leads", &columns, chunk, "").await?;
    }
    Ok(())
}

/// Replaces a stored lead with its next version (and owner).
pub async fn update(conn: &mut AnyConnection, stored: &StoredLead) -> Result<(), sqlx::Error> {
    let lead = &stored.lead;
    sqlx::query(
        "UPDATE leads SET version = $1, seq = $2, data = $3, attr_versions = $4, event = $5, updated_at = $6, synced_at = $7, owner_id = $8 \
         WHERE id = $9",
    )
    .bind(stored.version)
    .bind(stored.seq)
    .bind(encode(lead)?)
    .bind(encode_attr_versions(&stored.attr_versions)?)
    .bind(lead.event.clone())
    .bind(domain::time::rfc3339::format(lead.updated_at))
    .bind(super::now_text())
    .bind(stored.owner_id)
    .bind(lead.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes `count` numbers from the change sequence and returns the first. Called first in a writing
/// transaction: it locks the sequence row (PostgreSQL) or the database (SQLite) until commit, so
/// numbers are handed out in commit order.
pub async fn take_sequence(conn: &mut AnyConnection, count: i64) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("UPDATE sync_sequence SET value = value + $1 WHERE id = 1 RETURNING value").bind(count).fetch_one(conn).await?;
    let last: i64 = row.try_get("value")?;
    Ok(last - count + 1)
}

/// The last sequence number handed out by a committed transaction: every lead change numbered up
/// to it is visible.
pub async fn committed_sequence(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT value FROM sync_sequence WHERE id = 1").fetch_one(conn).await?;
    row.try_get("value")
}

/// Leads whose latest change is numbered after `after` and up to `upto`, in sequence order, at
/// most `limit`.
pub async fn changed_between(conn: &mut AnyConnection, after: i64, upto: i64, limit: i64) -> Result<Vec<StoredLead>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {} FROM leads WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3", columns(conn)))
        .bind(after)
        .bind(upto)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(readable(&rows))
}

/// Leads changed after `cursor` in sequence order, at most `limit`; only `owner_id`'s when given;
/// none of the sequence numbers in `skip`.
pub async fn changed_since(
    conn: &mut AnyConnection,
    owner_id: Option<i64>,
    cursor: i64,
    skip: &[i64],
    limit: i64,
) -> Result<Vec<StoredLead>, sqlx::Error> {
    let owner = if owner_id.is_some() { "owner_id = $4 AND" } else { "$4 IS NULL AND" };
    let skipped = match skip {
        [] => "$3 IS NULL",
        _ if super::is_postgres(conn) => "seq NOT IN (SELECT jsonb_array_elements_text($3::jsonb)::bigint)",
        _ => "seq NOT IN (SELECT value FROM json_each($3))",
    };
    let sql = format!("SELECT {} FROM leads WHERE {owner} seq > $1 AND {skipped} ORDER BY seq LIMIT $2", columns(conn));
    let skip = (!skip.is_empty()).then(|| serde_json::Value::from(skip).to_string());
    let rows = sqlx::query(&sql).bind(cursor).bind(limit).bind(skip).bind(owner_id).fetch_all(conn).await?;
    Ok(readable(&rows))
}

/// When and from which device a lead last reached the server.
#[derive(Clone, Debug, Default)]
pub struct Bookkeeping {
    pub device_id: String,
    pub synced_at: String,
}

pub async fn bookkeeping(conn: &mut AnyConnection, id: &str) -> Result<Bookkeeping, sqlx::Error> {
    let row = sqlx::query("SELECT device_id, synced_at FROM leads WHERE id = $1").bind(id).fetch_optional(conn).await?;
    match row {
        Some(r) => Ok(Bookkeeping { device_id: r.try_get("device_id")?, synced_at: r.try_get("synced_at")? }),
        None => Ok(Bookkeeping::default()),
    }
}

/// The ids of `owner_id`'s leads, oldest change first.
pub async fn ids_of_owner(conn: &mut AnyConnection, owner_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT id FROM leads WHERE owner_id = $1 ORDER BY seq").bind(owner_id).fetch_all(conn).await?;
    rows.iter().map(|r| r.try_get("id")).collect()
}

/// The ids of the leads the server last wrote before `before` (RFC 3339) whose contact's data is
/// not erased yet: the retention rule's candidates.
pub async fn idle_since(conn: &mut AnyConnection, before: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows =
        sqlx::query(&format!("SELECT {} FROM leads WHERE synced_at < $1 ORDER BY seq", columns(conn))).bind(before).fetch_all(conn).await?;
    Ok(readable(&rows).into_iter().filter(|s| s.lead.erased.is_none()).map(|s| s.lead.id.to_string()).collect())
}
