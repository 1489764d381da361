//! `lead_photos`: the business-card photos of a lead, front and back, named by the SHA-256 of their
//! bytes. Written by the upload (`routes::photos`), read by the workspace's lead page, deleted with
//! the contact's personal data (`web_edit::erase`).

use domain::photo::Side;
use sqlx::{AnyConnection, Row};

/// What an upload did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// The side had no photo.
    Added,
    /// The side had another photo, now replaced.
    Replaced,
    /// The side already held these bytes (an upload sent again): nothing written.
    Unchanged,
}

/// A photo to store.
pub struct NewPhoto<'a> {
    pub lead_id: &'a str,
    pub side: Side,
    pub sha256: &'a str,
    pub content_type: &'static str,
    pub bytes: &'a [u8],
    pub uploaded_by: i64,
    pub uploaded_at: &'a str,
}

/// A stored photo's description (its bytes are read apart: [`bytes_of`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoInfo {
    pub side: Side,
    pub sha256: String,
    pub size: i64,
    pub uploaded_at: String,
}

/// Stores `photo` for its lead and side, unless the side already holds the same bytes.
pub async fn put(conn: &mut AnyConnection, photo: &NewPhoto<'_>) -> Result<Stored, sqlx::Error> {
    let held: Option<String> = sqlx::query("SELECT sha256 FROM lead_photos WHERE lead_id = $1 AND side = $2")
        .bind(photo.lead_id)
        .bind(photo.side.code())
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| row.try_get("sha256"))
        .transpose()?;
    if held.as_deref() == Some(photo.sha256) {
        return Ok(Stored::Unchanged);
    }
    sqlx::query(
        "INSERT INTO lead_photos (lead_id, side, sha256, content_type, bytes, size, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (lead_id, side) DO UPDATE SET sha256 = excluded.sha256, content_type = excluded.content_type, \
         bytes = excluded.bytes, size = excluded.size, uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at",
    )
    .bind(photo.lead_id)
    .bind(photo.side.code())
    .bind(photo.sha256)
    .bind(photo.content_type)
    .bind(photo.bytes.to_vec())
    .bind(photo.bytes.len() as i64)
    .bind(photo.uploaded_by)
    .bind(photo.uploaded_at)
    .execute(&mut *conn)
    .await?;
    Ok(if held.is_some() { Stored::Replaced } else { Stored::Added })
}

/// The photos a lead has, front first. A row whose side is not one the domain knows is left out.
pub async fn of_lead(conn: &mut AnyConnection, lead_id: &str) -> Result<Vec<PhotoInfo>, sqlx::Error> {
    let rows = sqlx::query("SELECT side, sha256, size, uploaded_at FROM lead_photos WHERE lead_id = $1")
        .bind(lead_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut photos = Vec::new();
    for row in rows {
        let side: String = row.try_get("side")?;
        let Some(side) = Side::from_code(&side) else { continue };
        photos.push(PhotoInfo {
            side,
            sha256: row.try_get("sha256")?,
            size: row.try_get("size")?,
            uploaded_at: row.try_get("uploaded_at")?,
        });
    }
    photos.sort_by_key(|p| p.side);
    Ok(photos)
}

/// A photo's type and bytes.
pub async fn bytes_of(conn: &mut AnyConnection, lead_id: &str, side: Side) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query("SELECT content_type, bytes FROM lead_photos WHERE lead_id = $1 AND side = $2")
        .bind(lead_id)
        .bind(side.code())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| Ok((row.try_get("content_type")?, row.try_get("bytes")?))).transpose()
}

/// Deletes every photo of a lead (its contact's personal data is erased); how many there were.
pub async fn delete_of_lead(conn: &mut AnyConnection, lead_id: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM lead_photos WHERE lead_id = $1").bind(lead_id).execute(&mut *conn).await?.rows_affected())
}
