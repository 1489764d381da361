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
    /// The person's name, as people are shown (the user name when none was given).
    pub display_name: Option<String>,
}

impl User {
    /// How the user is shown to people: their name, else their user name.
    pub fn label(&self) -> &str {
        self.display_name.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or(&self.username)
    }
}

fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        role: Role::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?,
        department: row.try_get("department")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        display_name: row.try_get("display_name")?,
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
    .fetch_one(&mut *conn)
    .await?;
    // Every department a user is in is on the managed list.
    add_department(conn, department).await?;
    row.try_get("id")
}

/// The user with this name and their password hash.
pub async fn find_with_hash(conn: &mut AnyConnection, username: &str) -> Result<Option<(User, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, username, role, department, disabled, display_name, password_hash FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(conn)
        .await?;
    row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?))).transpose()
}

/// The user with this id.
pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query("SELECT id, username, role, department, disabled, display_name FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
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
    let rows =
        sqlx::query("SELECT id, username, role, department, disabled, display_name FROM users ORDER BY username").fetch_all(conn).await?;
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
        "SELECT id, username, role, department, disabled, display_name, (SELECT COUNT(*) FROM leads WHERE owner_id = users.id) AS leads \
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

/// Sets a user's display name (`None` clears it).
pub async fn set_display_name(conn: &mut AnyConnection, id: i64, name: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2").bind(name).bind(id).execute(conn).await?;
    Ok(())
}

/// Disables or enables a user by id; false if there is no such user.
pub async fn set_disabled(conn: &mut AnyConnection, id: i64, disabled: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2").bind(i64::from(disabled)).bind(id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Notes a successful login.
pub async fn record_login(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2").bind(super::now_text()).bind(id).execute(conn).await?;
    Ok(())
}

/// Whether an enabled administrator exists.
pub async fn any_admin(conn: &mut AnyConnection) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").fetch_one(conn).await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// A user as the account list shows them.
#[derive(Clone, Debug)]
pub struct Account {
    pub user: User,
    pub last_login_at: Option<String>,
    /// The last sync of any of the user's tablets.
    pub last_sync_at: Option<String>,
    /// The tablets the user syncs from, the most recently seen first.
    pub devices: Vec<String>,
}

/// Every user, by name, with their last login, last sync and devices.
pub async fn accounts(conn: &mut AnyConnection) -> Result<Vec<Account>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, username, role, department, disabled, display_name, last_login_at, \
         (SELECT MAX(last_seen) FROM devices WHERE user_id = users.id) AS last_sync_at FROM users ORDER BY username",
    )
    .fetch_all(&mut *conn)
    .await?;
    let devices = sqlx::query("SELECT user_id, device_id FROM devices ORDER BY last_seen DESC, device_id").fetch_all(&mut *conn).await?;
    let mut by_user: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for row in devices {
        by_user.entry(row.try_get("user_id")?).or_default().push(row.try_get("device_id")?);
    }
    rows.iter()
        .map(|r| {
            let user = user_from_row(r)?;
            Ok(Account {
                last_login_at: r.try_get("last_login_at")?,
                last_sync_at: r.try_get("last_sync_at")?,
                devices: by_user.remove(&user.id).unwrap_or_default(),
                user,
            })
        })
        .collect()
}

/// The departments, by name.
pub async fn departments(conn: &mut AnyConnection) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT name FROM departments ORDER BY name").fetch_all(conn).await?;
    rows.iter().map(|r| r.try_get("name")).collect()
}

/// Adds a department; false when it exists already.
pub async fn add_department(conn: &mut AnyConnection, name: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("INSERT INTO departments (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(super::now_text())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether `name` can be a user name: 2 to 50 letters, digits, '.', '_' or '-'.
pub fn is_valid_name(name: &str) -> bool {
    (2..=50).contains(&name.chars().count()) && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Whether `name` can be a display name or a department: 1 to 50 characters, no control ones.
pub fn is_valid_label(name: &str) -> bool {
    (1..=50).contains(&name.trim().chars().count()) && !name.chars().any(char::is_control)
}

/// Stores the hash of a first-run setup token.
pub async fn insert_setup_token(conn: &mut AnyConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
        .bind(token_hash)
        .bind(super::now_text())
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether this is the hash of a setup token still valid.
pub async fn setup_token_exists(conn: &mut AnyConnection, token_hash: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM setup_tokens WHERE token_hash = $1").bind(token_hash).fetch_optional(conn).await?.is_some())
}

/// Ends every setup token (the first administrator exists).
pub async fn clear_setup_tokens(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM setup_tokens").execute(conn).await?;
    Ok(())
}

/// How every user is shown ([`User::label`]), by id.
pub async fn labels(conn: &mut AnyConnection) -> Result<std::collections::HashMap<i64, String>, sqlx::Error> {
    Ok(list(conn).await?.into_iter().map(|u| (u.id, u.label().to_owned())).collect())
}
