//! Duplicate flags: every written lead's keys (`domain::duplicates::keys`) go to `lead_keys`, and
//! each pair of leads sharing one goes to `lead_duplicates`, in the transaction that wrote the
//! lead. Merged-away leads are left out of the lists.

use std::collections::BTreeSet;

use sqlx::{AnyConnection, Row};

use super::leads::StoredLead;

fn with_ids<'q>(sql: &'q str, ids: &[String]) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    ids.iter().fold(sqlx::query(sql), |query, id| query.bind(id.clone()))
}

/// Rewrites the keys and duplicate pairs of `leads`.
pub async fn index(conn: &mut AnyConnection, leads: &[&StoredLead]) -> Result<(), sqlx::Error> {
    for chunk in leads.chunks(200) {
        let ids: Vec<String> = chunk.iter().map(|s| s.lead.id.to_string()).collect();
        let list = super::placeholders(1, ids.len());
        for sql in [
            format!("DELETE FROM lead_keys WHERE lead_id IN ({list})"),
            format!("DELETE FROM lead_duplicates WHERE a IN ({list})"),
            format!("DELETE FROM lead_duplicates WHERE b IN ({list})"),
        ] {
            with_ids(&sql, &ids).execute(&mut *conn).await?;
        }
        let keys: BTreeSet<(String, String, String)> = chunk
            .iter()
            .flat_map(|s| domain::duplicates::keys(&s.lead).into_iter().map(|(kind, value)| (kind.code().to_owned(), value, s.lead.id.to_string())))
            .collect();
        if keys.is_empty() {
            continue;
        }
        for part in keys.iter().collect::<Vec<_>>().chunks(300) {
            let sql = format!("INSERT INTO lead_keys (kind, value, lead_id) VALUES {}", super::value_rows(part.len(), 3));
            let mut query = sqlx::query(&sql);
            for (kind, value, id) in part {
                query = query.bind(kind.clone()).bind(value.clone()).bind(id.clone());
            }
            query.execute(&mut *conn).await?;
        }
        let sql = format!(
            "SELECT DISTINCT k1.lead_id AS one, k2.lead_id AS other, k1.kind AS kind FROM lead_keys k1 \
             JOIN lead_keys k2 ON k2.kind = k1.kind AND k2.value = k1.value AND k2.lead_id <> k1.lead_id \
             WHERE k1.lead_id IN ({list})"
        );
        let found = with_ids(&sql, &ids).fetch_all(&mut *conn).await?;
        let pairs: BTreeSet<(String, String, String)> = found
            .iter()
            .map(|r| {
                let (one, other, kind): (String, String, String) = (r.try_get("one")?, r.try_get("other")?, r.try_get("kind")?);
                Ok(if one < other { (one, other, kind) } else { (other, one, kind) })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        for part in pairs.iter().collect::<Vec<_>>().chunks(300) {
            let sql = format!("INSERT INTO lead_duplicates (a, b, kind) VALUES {} ON CONFLICT DO NOTHING", super::value_rows(part.len(), 3));
            let mut query = sqlx::query(&sql);
            for (a, b, kind) in part {
                query = query.bind(a.clone()).bind(b.clone()).bind(kind.clone());
            }
            query.execute(&mut *conn).await?;
        }
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
    let mut pairs: Vec<DuplicatePair> = Vec::new();
    for r in rows {
        let (a, b, kind): (String, String, String) = (r.try_get("a")?, r.try_get("b")?, r.try_get("kind")?);
        match pairs.last_mut() {
            Some(last) if last.a == a && last.b == b => last.kinds.push(kind),
            _ => pairs.push(DuplicatePair { a, b, kinds: vec![kind] }),
        }
    }
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
            "SELECT f.lead_id, f.company_name, f.contact_name, f.captured_at, u.username FROM lead_facts f JOIN users u ON u.id = f.owner_id WHERE f.lead_id IN ({})",
            super::placeholders(1, chunk.len())
        );
        for r in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            found.insert(
                r.try_get("lead_id")?,
                Side { company_name: r.try_get("company_name")?, contact_name: r.try_get("contact_name")?, officer: r.try_get("username")?, captured_at: r.try_get("captured_at")? },
            );
        }
    }
    Ok(found)
}
