//! Follow-up: who follows a lead up, its recorded first contact, and the overdue list, whose
//! cut-offs come from `domain::followup::FollowUpRules`.

use chrono::{DateTime, Utc};
use domain::followup::{FollowUpRules, OverdueFilter};
use sqlx::{AnyConnection, Row};

/// A lead's follow-up record.
#[derive(Clone, Debug, Default)]
pub struct FollowUp {
    pub assignee: Option<String>,
    pub responded_at: Option<String>,
}

pub async fn find(conn: &mut AnyConnection, lead_id: &str) -> Result<FollowUp, sqlx::Error> {
    let row = sqlx::query("SELECT assignee, responded_at FROM lead_followup WHERE lead_id = $1").bind(lead_id).fetch_optional(conn).await?;
    match row {
        Some(r) => Ok(FollowUp { assignee: r.try_get("assignee")?, responded_at: r.try_get("responded_at")? }),
        None => Ok(FollowUp::default()),
    }
}

/// Stores a lead's follow-up record.
pub async fn save(conn: &mut AnyConnection, lead_id: &str, record: &FollowUp) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO lead_followup (lead_id, assignee, responded_at, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (lead_id) DO UPDATE SET assignee = excluded.assignee, responded_at = excluded.responded_at, updated_at = excluded.updated_at",
    )
    .bind(lead_id)
    .bind(record.assignee.clone())
    .bind(record.responded_at.clone())
    .bind(super::now_text())
    .execute(conn)
    .await?;
    Ok(())
}

/// One overdue lead.
#[derive(Clone, Debug)]
pub struct OverdueRow {
    pub lead_id: String,
    pub company_name: String,
    pub captured_at: String,
    pub intended_wan: Option<i64>,
    pub officer: String,
    pub department: String,
    pub assignee: Option<String>,
    pub responded_at: Option<String>,
}

const OVERDUE: &str = "FROM lead_facts f JOIN users u ON u.id = f.owner_id LEFT JOIN lead_followup fu ON fu.lead_id = f.lead_id \
     WHERE f.stage = 'lead' AND ((fu.responded_at IS NULL AND f.captured_at < $1) OR (f.intended_wan >= $2 AND f.captured_at < $3))";

/// The filter's columns, as SQL: each set filter is one more bound value after the first three.
fn filter_sql(filter: &OverdueFilter) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut values = Vec::new();
    for (i, (name, value)) in filter.set().into_iter().enumerate() {
        let column = match name {
            "officer" => "u.username",
            "department" => "u.department",
            _ => "f.event",
        };
        sql.push_str(&format!(" AND {column} = ${}", i + 4));
        values.push(value);
    }
    (sql, values)
}

/// The leads past a deadline at `now` that `filter` lets through, longest overdue first, one
/// page, and how many there are.
pub async fn overdue(
    conn: &mut AnyConnection,
    rules: &FollowUpRules,
    now: DateTime<Utc>,
    filter: &OverdueFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<OverdueRow>, i64), sqlx::Error> {
    let first = domain::time::rfc3339::format(rules.first_response_cutoff(now));
    let assessment = domain::time::rfc3339::format(rules.assessment_cutoff(now));
    let (filters, values) = filter_sql(filter);
    fn bound<'q>(
        sql: &'q str,
        first: &str,
        from_wan: i64,
        assessment: &str,
        values: &[String],
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let query = sqlx::query(sql).bind(first.to_owned()).bind(from_wan).bind(assessment.to_owned());
        values.iter().fold(query, |q, v| q.bind(v.clone()))
    }
    let bind = |sql| bound(sql, &first, rules.assessment_from.0, &assessment, &values);
    let count_sql = format!("SELECT COUNT(*) AS n {OVERDUE}{filters}");
    let total: i64 = bind(&count_sql).fetch_one(&mut *conn).await?.try_get("n")?;
    let (l, o) = (values.len() + 4, values.len() + 5);
    let sql = format!(
        "SELECT f.lead_id, f.company_name, f.captured_at, f.intended_wan, COALESCE(NULLIF(u.display_name, ''), u.username) AS username, u.department, fu.assignee, fu.responded_at \
         {OVERDUE}{filters} ORDER BY f.captured_at, f.lead_id LIMIT ${l} OFFSET ${o}"
    );
    let rows = bind(&sql).bind(limit).bind(offset).fetch_all(conn).await?;
    let rows = rows
        .iter()
        .map(|r| {
            Ok(OverdueRow {
                lead_id: r.try_get("lead_id")?,
                company_name: r.try_get("company_name")?,
                captured_at: r.try_get("captured_at")?,
                intended_wan: r.try_get("intended_wan")?,
                officer: r.try_get("username")?,
                department: r.try_get("department")?,
                assignee: r.try_get("assignee")?,
                responded_at: r.try_get("responded_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((rows, total))
}

/// Names of the enabled users who can follow a lead up (officers and managers).
pub async fn assignable(conn: &mut AnyConnection) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT username FROM users WHERE disabled = 0 AND role IN ('officer', 'manager') ORDER BY username")
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| r.try_get("username")).collect()
}
