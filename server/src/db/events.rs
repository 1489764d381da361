//! `events`: the district's list of expos and promotion meetings, kept by administrators
//! (`domain::event`). Read by the workspace's event pages and sent to every tablet with each
//! sync. A row that does not read back as an event is skipped and registered (`unreadable`).

use domain::event::Event;
use domain::time::optional_date;
use sqlx::{AnyConnection, Row};

use super::unreadable;

/// A listed event and its row id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedEvent {
    pub id: i64,
    pub event: Event,
}

fn read(row: &sqlx::any::AnyRow) -> Result<Option<ListedEvent>, sqlx::Error> {
    let id: i64 = row.try_get("id")?;
    let (starts, ends): (String, String) = (row.try_get("starts_on")?, row.try_get("ends_on")?);
    let dates = optional_date::parse(&starts).zip(optional_date::parse(&ends));
    let (name, venue): (String, Option<String>) = (row.try_get("name")?, row.try_get("venue")?);
    let event = dates.map(|(starts_on, ends_on)| Event { name, starts_on, ends_on, venue }).filter(|e| e.normalized().as_ref() == Some(e));
    if event.is_none() {
        unreadable::note("events", &id.to_string(), &"not an event by the domain's rules");
    }
    Ok(event.map(|event| ListedEvent { id, event }))
}

const COLUMNS: &str = "id, name, starts_on, ends_on, venue";

/// Every listed event, the latest first.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<ListedEvent>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM events ORDER BY starts_on DESC, name")).fetch_all(conn).await?;
    Ok(rows.iter().map(read).collect::<Result<Vec<_>, _>>()?.into_iter().flatten().collect())
}

/// The events tablets receive with each sync: every event that has not ended more than a year
/// before `today`, at most `limit`.
pub async fn for_tablets(conn: &mut AnyConnection, today: chrono::NaiveDate, limit: i64) -> Result<Vec<Event>, sqlx::Error> {
    let since = optional_date::format(today - chrono::Duration::days(366));
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM events WHERE ends_on >= $1 ORDER BY starts_on DESC, name LIMIT $2"))
        .bind(since)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(rows.iter().map(read).collect::<Result<Vec<_>, _>>()?.into_iter().flatten().map(|l| l.event).collect())
}

/// The event `id`, if listed and readable.
pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<ListedEvent>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM events WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    Ok(row.as_ref().map(read).transpose()?.flatten())
}

/// Lists `event`; its name must be new (a unique violation otherwise).
pub async fn insert(conn: &mut AnyConnection, event: &Event, by: i64) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO events (name, starts_on, ends_on, venue, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(event.name.clone())
    .bind(optional_date::format(event.starts_on))
    .bind(optional_date::format(event.ends_on))
    .bind(event.venue.clone())
    .bind(by)
    .bind(super::now_text())
    .fetch_one(conn)
    .await?;
    row.try_get("id")
}

/// New dates and venue for the event `id` (its name stays: leads carry it).
pub async fn update(conn: &mut AnyConnection, id: i64, event: &Event) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE events SET starts_on = $1, ends_on = $2, venue = $3 WHERE id = $4")
        .bind(optional_date::format(event.starts_on))
        .bind(optional_date::format(event.ends_on))
        .bind(event.venue.clone())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Event names leads carry that are not listed (typed on a tablet), with how many live leads
/// carry each, the most used first, at most `limit`.
pub async fn unlisted_names(conn: &mut AnyConnection, limit: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT f.event, COUNT(*) AS n FROM lead_facts f WHERE f.event IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM events e WHERE e.name = f.event) \
         GROUP BY f.event ORDER BY COUNT(*) DESC, f.event LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("event")?, r.try_get("n")?))).collect()
}

/// The leads (withdrawn ones too) that carry the event name `name`.
pub async fn lead_ids_with(conn: &mut AnyConnection, name: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT id FROM leads WHERE event = $1 ORDER BY seq").bind(name.to_owned()).fetch_all(conn).await?;
    rows.iter().map(|r| r.try_get("id")).collect()
}

/// One capture at an event: who, when, how warm.
#[derive(Clone, Debug)]
pub struct Capture {
    pub lead_id: String,
    pub officer: String,
    pub captured_at: String,
    pub intent: String,
    pub company_name: String,
    pub stage: String,
}

/// The live leads captured at the event `name`, in capture order, at most `limit`.
pub async fn captures(conn: &mut AnyConnection, name: &str, limit: i64) -> Result<Vec<Capture>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT f.lead_id, COALESCE(NULLIF(u.display_name, ''), u.username) AS officer, f.captured_at, f.intent, f.company_name, f.stage \
         FROM lead_facts f JOIN users u ON u.id = f.owner_id WHERE f.event = $1 ORDER BY f.captured_at, f.lead_id LIMIT $2",
    )
    .bind(name.to_owned())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Capture {
                lead_id: r.try_get("lead_id")?,
                officer: r.try_get("officer")?,
                captured_at: r.try_get("captured_at")?,
                intent: r.try_get("intent")?,
                company_name: r.try_get("company_name")?,
                stage: r.try_get("stage")?,
            })
        })
        .collect()
}
