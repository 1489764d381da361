//! Accounts: who may log in, with which role and department.

use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Captures leads; reads and writes only their own.
    Officer,
    /// Reads every lead; drives the pipeline.
    Manager,
    /// Manages accounts.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "officer" => Some(Role::Officer),
            "manager" => Some(Role::Manager),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A user as the rest of the server sees it (never with the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub department: String,
    pub disabled: bool,
}

fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        role: Role::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?,
        department: row.try_get("department")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

/// Adds a user; fails with a unique violation if the name is taken.
pub async fn insert(
    conn: &mut AnyConnection,
    username: &str,
    password_hash: &str,
    role: Role,
    department: &str,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO users (username, password_hash, role, department, disabled, created_at) VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
    )
    .bind(username)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(department)
    .bind(super::now_text())
    .fetch_one(conn)
    .await?;
    row.try_get("id")
}

/// The user with this name and their password hash.
pub async fn find_with_hash(conn: &mut AnyConnection, username: &str) -> Result<Option<(User, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, username, role, department, disabled, password_hash FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(conn)
        .await?;
    row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?))).transpose()
}

/// The user with this id.
pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query("SELECT id, username, role, department, disabled FROM users WHERE id = $1").bind(id).fetch_optional(conn).await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Replaces a user's password hash; false if there is no such user.
pub async fn set_password(conn: &mut AnyConnection, username: &str, password_hash: &str) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2").bind(password_hash).bind(username).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Disables a user (they can no longer log in; their sessions end); false if there is no such user.
pub async fn disable(conn: &mut AnyConnection, username: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET disabled = 1 WHERE username = $1").bind(username).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Every user, by name.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<User>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, username, role, department, disabled FROM users ORDER BY username").fetch_all(conn).await?;
    rows.iter().map(user_from_row).collect()
}

/// Every user's name by id, for showing who made a change.
pub async fn names(conn: &mut AnyConnection) -> Result<std::collections::HashMap<i64, String>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, username FROM users").fetch_all(conn).await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("username")?))).collect()
}

/// Every officer with how many leads they own, by name.
pub async fn officers_with_leads(conn: &mut AnyConnection) -> Result<Vec<(User, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, username, role, department, disabled, (SELECT COUNT(*) FROM leads WHERE owner_id = users.id) AS leads \
         FROM users WHERE role = 'officer' ORDER BY username",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((user_from_row(r)?, r.try_get("leads")?))).collect()
}

/// The user with this name.
pub async fn find_by_name(conn: &mut AnyConnection, username: &str) -> Result<Option<User>, sqlx::Error> {
    Ok(find_with_hash(conn, username).await?.map(|(user, _)| user))
}
