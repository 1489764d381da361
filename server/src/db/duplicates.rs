//! Duplicate flags: every written lead's keys (`domain::duplicates::keys`) go to `lead_keys`, and
//! each pair of leads sharing one goes to `lead_duplicates`, in the transaction that wrote the
//! lead. Merged-away leads are left out of the lists.

use std::collections::BTreeSet;

use sqlx::{AnyConnection, Row};

use super::bulk::{text, Kind::Text};
use super::leads::StoredLead;

fn with_ids<'q>(sql: &'q str, ids: &[String]) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    ids.iter().fold(sqlx::query(sql), |query, id| query.bind(id.clone()))
}

/// A key shared by more leads than this (a switchboard number, a placeholder) identifies nobody:
/// it flags no pair, which also keeps the pairs from growing with the square of its leads.
pub const MAX_SHARED: i64 = 20;

/// `… AS q JOIN lead_keys k ON …`: the keys arrive as one JSON array of `[kind, value]` pairs (one
/// bound value, whatever their number), each looked up by the primary key.
fn keys_joined(conn: &AnyConnection) -> &'static str {
    if super::is_postgres(conn) {
        "jsonb_array_elements($1::jsonb) AS q(value) JOIN lead_keys k ON k.kind = q.value ->> 0 AND k.value = q.value ->> 1"
    } else {
        "json_each($1) AS q JOIN lead_keys k ON k.kind = q.value ->> 0 AND k.value = q.value ->> 1"
    }
}

fn keys_json<'a>(keys: impl Iterator<Item = (&'a str, &'a str)>) -> Result<String, sqlx::Error> {
    let pairs: Vec<[&str; 2]> = keys.map(|(k, v)| [k, v]).collect();
    serde_json::to_string(&pairs).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// The pairs (a < b) of leads sharing one of `keys` (kind, value, lead id), over every stored
/// lead: each key is looked up by the primary key, and counted first, so that a key shared by
/// many is skipped without reading its leads.
async fn pairs_sharing(
    conn: &mut AnyConnection,
    keys: &BTreeSet<(String, String, String)>,
) -> Result<BTreeSet<(String, String, String)>, sqlx::Error> {
    let distinct: BTreeSet<(&str, &str)> = keys.iter().map(|(k, v, _)| (k.as_str(), v.as_str())).collect();
    let distinct: Vec<(&str, &str)> = distinct.into_iter().collect();
    let mut pairs = BTreeSet::new();
    for chunk in distinct.chunks(2000) {
        let counted = format!("SELECT k.kind, k.value, COUNT(*) AS n FROM {} GROUP BY k.kind, k.value", keys_joined(conn));
        let identifying: Vec<(String, String)> = sqlx::query(&counted)
            .bind(keys_json(chunk.iter().copied())?)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<String, _>("kind")?, r.try_get::<String, _>("value")?, r.try_get::<i64, _>("n")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?
            .into_iter()
            .filter(|(_, _, n)| (2..=MAX_SHARED).contains(n))
            .map(|(k, v, _)| (k, v))
            .collect();
        if identifying.is_empty() {
            continue;
        }
        let sql = format!("SELECT k.kind, k.value, k.lead_id FROM {}", keys_joined(conn));
        let rows =
            sqlx::query(&sql).bind(keys_json(identifying.iter().map(|(k, v)| (k.as_str(), v.as_str())))?).fetch_all(&mut *conn).await?;
        let mut by_key: std::collections::BTreeMap<(String, String), Vec<String>> = Default::default();
        for r in rows {
            by_key.entry((r.try_get("kind")?, r.try_get("value")?)).or_default().push(r.try_get("lead_id")?);
        }
        for ((kind, _), ids) in by_key {
            for (i, a) in ids.iter().enumerate() {
                for b in &ids[i + 1..] {
                    let (a, b) = if a < b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
                    pairs.insert((a, b, kind.clone()));
                }
            }
        }
    }
    Ok(pairs)
}

/// Rewrites the keys and duplicate pairs of `leads`. A lead at its first version has the keys it
/// was first indexed with, if any (they are a function of the lead): its old rows need no
/// deleting, and writing them again changes nothing.
pub async fn index(conn: &mut AnyConnection, leads: &[&StoredLead]) -> Result<(), sqlx::Error> {
    for chunk in leads.chunks(200) {
        let ids: Vec<String> = chunk.iter().filter(|s| s.version > 1).map(|s| s.lead.id.to_string()).collect();
        let list = super::placeholders(1, ids.len());
        if !ids.is_empty() {
            for sql in [
                format!("DELETE FROM lead_keys WHERE lead_id IN ({list})"),
                format!("DELETE FROM lead_duplicates WHERE a IN ({list})"),
                format!("DELETE FROM lead_duplicates WHERE b IN ({list})"),
            ] {
                with_ids(&sql, &ids).execute(&mut *conn).await?;
            }
        }
        let keys: BTreeSet<(String, String, String)> = chunk
            .iter()
            .flat_map(|s| {
                domain::duplicates::keys(&s.lead).into_iter().map(|(kind, value)| (kind.code().to_owned(), value, s.lead.id.to_string()))
            })
            .collect();
        if keys.is_empty() {
            continue;
        }
        let rows: Vec<Vec<serde_json::Value>> = keys.iter().map(|(k, v, id)| vec![text(Some(k)), text(Some(v)), text(Some(id))]).collect();
        super::bulk::insert(conn, "lead_keys", &[("kind", Text), ("value", Text), ("lead_id", Text)], &rows, "ON CONFLICT DO NOTHING")
            .await?;
        let pairs = pairs_sharing(conn, &keys).await?;
        let rows: Vec<Vec<serde_json::Value>> = pairs.iter().map(|(a, b, k)| vec![text(Some(a)), text(Some(b)), text(Some(k))]).collect();
        super::bulk::insert(conn, "lead_duplicates", &[("a", Text), ("b", Text), ("kind", Text)], &rows, "ON CONFLICT DO NOTHING").await?;
    }
    Ok(())
}

/// A pair of possible duplicates, as the duplicates page lists it.
#[derive(Clone, Debug)]
pub struct DuplicatePair {
    pub a: String,
    pub b: String,
    /// The keys they share (`mobile`, `company`, …).
    pub kinds: Vec<String>,
}

/// Rows of `(a, b, kind)` ordered by pair, as pairs with every key kind they share.
fn grouped(rows: &[sqlx::any::AnyRow]) -> Result<Vec<DuplicatePair>, sqlx::Error> {
    let mut pairs: Vec<DuplicatePair> = Vec::new();
    for r in rows {
        let (a, b, kind): (String, String, String) = (r.try_get("a")?, r.try_get("b")?, r.try_get("kind")?);
        match pairs.last_mut() {
            Some(last) if last.a == a && last.b == b => last.kinds.push(kind),
            _ => pairs.push(DuplicatePair { a, b, kinds: vec![kind] }),
        }
    }
    Ok(pairs)
}

/// Pairs of leads that share a key, neither of them merged away, newest flagged first.
pub async fn pairs(conn: &mut AnyConnection, limit: i64) -> Result<Vec<DuplicatePair>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.a, d.b, d.kind FROM lead_duplicates d \
         WHERE d.a NOT IN (SELECT absorbed_id FROM lead_merges) AND d.b NOT IN (SELECT absorbed_id FROM lead_merges) \
         ORDER BY d.a, d.b, d.kind LIMIT $1",
    )
    .bind(limit * 4)
    .fetch_all(conn)
    .await?;
    let mut pairs = grouped(&rows)?;
    pairs.truncate(limit as usize);
    Ok(pairs)
}

/// How many pairs are waiting for a decision.
pub async fn count(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM (SELECT DISTINCT a, b FROM lead_duplicates \
         WHERE a NOT IN (SELECT absorbed_id FROM lead_merges) AND b NOT IN (SELECT absorbed_id FROM lead_merges)) p",
    )
    .fetch_one(conn)
    .await?;
    row.try_get("n")
}

/// Records that `absorbed` was merged into `survivor`.
pub async fn record_merge(conn: &mut AnyConnection, absorbed: &str, survivor: &str, by: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO lead_merges (absorbed_id, survivor_id, merged_by, merged_at) VALUES ($1, $2, $3, $4)")
        .bind(absorbed)
        .bind(survivor)
        .bind(by)
        .bind(super::now_text())
        .execute(conn)
        .await?;
    Ok(())
}

/// The pairs lead `id` is in, neither side merged away.
pub async fn pairs_of(conn: &mut AnyConnection, id: &str) -> Result<Vec<DuplicatePair>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.a, d.b, d.kind FROM lead_duplicates d WHERE (d.a = $1 OR d.b = $2) \
         AND d.a NOT IN (SELECT absorbed_id FROM lead_merges) AND d.b NOT IN (SELECT absorbed_id FROM lead_merges) ORDER BY d.a, d.b, d.kind",
    )
    .bind(id)
    .bind(id)
    .fetch_all(conn)
    .await?;
    grouped(&rows)
}

/// What a pair list shows of a lead.
#[derive(Clone, Debug)]
pub struct Side {
    pub company_name: String,
    pub contact_name: String,
    pub officer: String,
    pub captured_at: String,
}

/// The list summary of these leads, by id.
pub async fn sides(conn: &mut AnyConnection, ids: &[String]) -> Result<std::collections::HashMap<String, Side>, sqlx::Error> {
    let mut found = std::collections::HashMap::new();
    for chunk in ids.chunks(300) {
        let sql = format!(
            "SELECT f.lead_id, f.company_name, f.contact_name, f.captured_at, COALESCE(NULLIF(u.display_name, ''), u.username) AS username FROM lead_facts f JOIN users u ON u.id = f.owner_id WHERE f.lead_id IN ({})",
            super::placeholders(1, chunk.len())
        );
        for r in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            found.insert(
                r.try_get("lead_id")?,
                Side {
                    company_name: r.try_get("company_name")?,
                    contact_name: r.try_get("contact_name")?,
                    officer: r.try_get("username")?,
                    captured_at: r.try_get("captured_at")?,
                },
            );
        }
    }
    Ok(found)
}
