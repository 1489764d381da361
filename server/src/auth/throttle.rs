//! Limits on failed logins, stored in the database: they hold across server processes on one
//! database and across restarts.
//!
//! Only failures count, and they count per user name *at a client address* and per client
//! address: a guesser at one address is slowed for that account (and, past a higher bound, for
//! every account), while the officer at their own address keeps logging in. A limit per user name
//! from anywhere would let anyone lock any officer out with ten wrong passwords, which is worse at
//! a fair than the guessing it stops; guesses spread over many addresses are left to the cost of
//! argon2 and these per-address bounds. A successful login clears the failures of its user name
//! at its address.

use chrono::TimeDelta;
use sqlx::{AnyConnection, Row};

/// How many failures are allowed, within what window.
#[derive(Clone, Copy, Debug)]
pub struct Throttle {
    pub window: TimeDelta,
    /// Failures of one user name from one address.
    pub per_account_and_address: i64,
    /// Failures from one address, whatever the user name.
    pub per_address: i64,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { window: TimeDelta::minutes(15), per_account_and_address: 5, per_address: 30 }
    }
}

fn pair_key(username: &str, address: &str) -> String {
    format!("account:{address}:{username}")
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

fn text(at: chrono::DateTime<chrono::Utc>) -> String {
    domain::time::rfc3339::format(at)
}

impl Throttle {
    /// `Err(seconds)` to wait when `username` at `address`, or `address` alone, has failed too
    /// often within the window.
    pub async fn check(&self, conn: &mut AnyConnection, username: &str, address: &str) -> Result<Result<(), u64>, sqlx::Error> {
        let now = domain::time::now();
        let (pair, alone) = (pair_key(username, address), address_key(address));
        let rows =
            sqlx::query("SELECT key, COUNT(*) AS n, MIN(at) AS first FROM login_failures WHERE key IN ($1, $2) AND at > $3 GROUP BY key")
                .bind(&pair)
                .bind(&alone)
                .bind(text(now - self.window))
                .fetch_all(conn)
                .await?;
        for row in rows {
            let (key, n, first): (String, i64, String) = (row.try_get("key")?, row.try_get("n")?, row.try_get("first")?);
            let limit = if key == pair { self.per_account_and_address } else { self.per_address };
            if n >= limit {
                let first = domain::time::rfc3339::parse(&first).unwrap_or(now);
                return Ok(Err((first + self.window - now).num_seconds().max(1) as u64));
            }
        }
        Ok(Ok(()))
    }

    /// Records a failed login of `username` at `address`, and forgets failures older than the window.
    pub async fn failed(&self, conn: &mut AnyConnection, username: &str, address: &str) -> Result<(), sqlx::Error> {
        let now = domain::time::now();
        sqlx::query("DELETE FROM login_failures WHERE at <= $1").bind(text(now - self.window)).execute(&mut *conn).await?;
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $3), ($2, $3)")
            .bind(pair_key(username, address))
            .bind(address_key(address))
            .bind(text(now))
            .execute(conn)
            .await?;
        Ok(())
    }

    /// A successful login of `username` at `address`: its failures there are forgotten.
    pub async fn succeeded(&self, conn: &mut AnyConnection, username: &str, address: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(pair_key(username, address)).execute(conn).await?;
        Ok(())
    }
}
