//! `lead_erasures` and the trail's side of an erasure (PIPL): the record of who asked and when,
//! and the trail's values of the contact's personal attributes cleared. `crate::web_edit::erase`
//! calls these in the transaction that erases the lead itself.

use sqlx::{AnyConnection, Row};

use super::history::CREATED;

/// Why a contact's personal data was erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The contact asked.
    ContactRequest,
    /// The contact withdrew their consent.
    ConsentWithdrawn,
    /// No activity for longer than the retention rule allows.
    Retention,
}

impl Basis {
    pub fn code(self) -> &'static str {
        match self {
            Basis::ContactRequest => "contact_request",
            Basis::ConsentWithdrawn => "consent_withdrawn",
            Basis::Retention => "retention",
        }
    }

    pub fn from_code(code: &str) -> Option<Basis> {
        [Basis::ContactRequest, Basis::ConsentWithdrawn, Basis::Retention].into_iter().find(|b| b.code() == code)
    }
}

/// One recorded erasure.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ErasureRecord {
    pub basis: Basis,
    pub note: Option<String>,
    /// The user who recorded it; `None` for the retention rule.
    pub recorded_by: Option<i64>,
    pub at: String,
}

pub async fn insert(conn: &mut AnyConnection, lead_id: &str, record: &ErasureRecord) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO lead_erasures (lead_id, basis, note, recorded_by, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(lead_id)
        .bind(record.basis.code())
        .bind(record.note.clone())
        .bind(record.recorded_by)
        .bind(&record.at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn for_lead(conn: &mut AnyConnection, lead_id: &str) -> Result<Vec<ErasureRecord>, sqlx::Error> {
    let rows = sqlx::query("SELECT basis, note, recorded_by, at FROM lead_erasures WHERE lead_id = $1 ORDER BY id")
        .bind(lead_id)
        .fetch_all(conn)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(ErasureRecord {
                basis: Basis::from_code(&r.try_get::<String, _>("basis").ok()?)?,
                note: r.try_get("note").ok()?,
                recorded_by: r.try_get("recorded_by").ok()?,
                at: r.try_get("at").ok()?,
            })
        })
        .collect())
}

/// Clears the trail of `lead_id` of the contact's personal data: the values of the personal
/// attributes become `null`, and the `created` entry (the lead as first stored, packed or as
/// JSON) is replaced by `created_erased`, that lead without them.
pub async fn scrub_trail(conn: &mut AnyConnection, lead_id: &str, created_erased: &str) -> Result<(), sqlx::Error> {
    let attrs = domain::PERSONAL.iter().map(|a| format!("'{}'", a.name())).collect::<Vec<_>>().join(", ");
    sqlx::query(&format!(
        "UPDATE lead_history SET old_value = CASE WHEN old_value IS NULL THEN NULL ELSE 'null' END, new_value = 'null', packed = NULL \
         WHERE lead_id = $1 AND attr IN ({attrs})"
    ))
    .bind(lead_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE lead_history SET new_value = $1, packed = NULL WHERE lead_id = $2 AND attr = $3")
        .bind(created_erased)
        .bind(lead_id)
        .bind(CREATED)
        .execute(conn)
        .await?;
    Ok(())
}

/// The first stored version of a lead (its trail's `created` entry), if it can be read.
pub async fn created(conn: &mut AnyConnection, lead_id: &str) -> Result<Option<domain::Lead>, sqlx::Error> {
    let entry = super::history::for_lead(conn, lead_id).await?.into_iter().find(|e| e.attr == CREATED);
    Ok(entry.and_then(|e| e.new_value).and_then(|json| serde_json::from_str(&json).ok()))
}
