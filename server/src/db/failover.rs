//! A PostgreSQL primary with a standby: `DATABASE_URL` may list several hosts, as libpq spells it
//! (`postgres://zs@db-a:5432,db-b:5432/zhaoshang`), and the pool connects only to the one that is
//! the primary. When the primary dies and a standby is promoted, [`follow_primary`] (run every
//! second by the server's upkeep) finds the new primary and points the pool's new connections at
//! it; the pool drops the connections to the dead host as they fail their check. Requests that came
//! while no primary answered fail (a tablet retries them: its changes apply exactly once).

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection, Row};

/// How long a host may take to answer whether it is the primary.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The hosts of one database, and which of them the pool connects to.
#[derive(Debug)]
pub struct Hosts {
    /// One URL per host, each otherwise as given.
    urls: Vec<String>,
    current: AtomicUsize,
}

impl Hosts {
    /// The hosts `url` lists; `None` when it names one (or is not PostgreSQL's).
    pub fn of(url: &str) -> Option<Arc<Hosts>> {
        let urls = split_hosts(url);
        (urls.len() > 1).then(|| Arc::new(Hosts { urls, current: AtomicUsize::new(0) }))
    }

    /// The URL the pool connects to now.
    pub fn current(&self) -> &str {
        &self.urls[self.current.load(Ordering::Relaxed)]
    }

    /// Waits up to `patience` for one of the hosts to be a primary, trying them in order; the
    /// pool's URL is then that host's.
    pub async fn find_primary(&self, patience: Duration) -> Option<&str> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            for (i, url) in self.urls.iter().enumerate() {
                if matches!(is_primary(url).await, Ok(true)) {
                    self.current.store(i, Ordering::Relaxed);
                    return Some(url);
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// `postgres://user:secret@a:5432,b:5433/db?opts` as `postgres://user:secret@a:5432/db?opts` and
/// `postgres://user:secret@b:5433/db?opts`. A URL of one host (or not PostgreSQL's) comes back
/// alone.
pub fn split_hosts(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else { return vec![url.to_owned()] };
    if !scheme.starts_with("postgres") {
        return vec![url.to_owned()];
    }
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (user, hosts) = match authority.rsplit_once('@') {
        Some((user, hosts)) => (format!("{user}@"), hosts),
        None => (String::new(), authority),
    };
    let hosts: Vec<&str> = hosts.split(',').map(str::trim).filter(|h| !h.is_empty()).collect();
    if hosts.len() < 2 {
        return vec![url.to_owned()];
    }
    hosts.into_iter().map(|host| format!("{scheme}://{user}{host}{tail}")).collect()
}

/// The `host:port` of a one-host URL, for the log (no user, no password).
pub fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    authority.rsplit_once('@').map_or(authority, |(_, host)| host)
}

/// Whether the server at `url` is a primary (takes writes), asked on a connection of its own.
pub async fn is_primary(url: &str) -> Result<bool, sqlx::Error> {
    let probe = async {
        let mut conn = AnyConnectOptions::from_str(url)?.disable_statement_logging().connect().await?;
        let primary = in_recovery(&mut conn).await.map(|standby| !standby);
        let _ = conn.close().await;
        primary
    };
    tokio::time::timeout(PROBE_TIMEOUT, probe).await.map_err(|_| sqlx::Error::PoolTimedOut)?
}

/// Whether the server `conn` is connected to is a standby (recovering from its primary's log).
pub async fn in_recovery(conn: &mut AnyConnection) -> Result<bool, sqlx::Error> {
    sqlx::query("SELECT pg_is_in_recovery() AS standby").fetch_one(conn).await?.try_get("standby")
}

/// Keeps the pool on the primary: when the host it connects to no longer answers as one, the
/// first host that does becomes the pool's. Returns the new primary's URL when it moved.
pub async fn follow_primary(pool: &sqlx::AnyPool, hosts: &Hosts) -> Result<Option<String>, sqlx::Error> {
    if matches!(is_primary(hosts.current()).await, Ok(true)) {
        return Ok(None);
    }
    let Some(url) = hosts.find_primary(Duration::ZERO).await else {
        return Err(sqlx::Error::Protocol("no host of the database answers as its primary".into()));
    };
    let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
    pool.set_connect_options(options);
    Ok(Some(url.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_listing_hosts_gives_one_url_per_host() {
        assert_eq!(
            split_hosts("postgres://zs:s%40cret@db-a:5432,db-b:5433/zhaoshang?sslmode=require"),
            vec![
                "postgres://zs:s%40cret@db-a:5432/zhaoshang?sslmode=require",
                "postgres://zs:s%40cret@db-b:5433/zhaoshang?sslmode=require"
            ]
        );
        assert_eq!(split_hosts("postgresql://a,b/db"), vec!["postgresql://a/db", "postgresql://b/db"]);
    }

    #[test]
    fn a_url_of_one_host_is_kept_as_it_is() {
        for url in ["postgres://zs@db:5432/zhaoshang", "sqlite://./data/zhaoshang.db", "postgres://zs@db,/x", "nonsense"] {
            assert_eq!(split_hosts(url), vec![url.to_owned()], "{url}");
        }
        assert!(Hosts::of("postgres://zs@db:5432/zhaoshang").is_none());
        assert!(Hosts::of("postgres://zs@a,b/zhaoshang").is_some());
        assert_eq!(host("postgres://zs:secret@db-b:5433/zhaoshang"), "db-b:5433");
    }
}
