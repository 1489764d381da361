//! Follow-up: who follows a lead up, its recorded first contact, and the overdue list, whose
//! cut-offs come from `domain::followup::FollowUpRules`.

use chrono::{DateTime, Utc};
use domain::followup::FollowUpRules;
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

/// The leads past a deadline at `now`, longest overdue first, one page, and how many there are.
pub async fn overdue(
    conn: &mut AnyConnection,
    rules: &FollowUpRules,
    now: DateTime<Utc>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<OverdueRow>, i64), sqlx::Error> {
    let first = domain::time::rfc3339::format(rules.first_response_cutoff(now));
    let assessment = domain::time::rfc3339::format(rules.assessment_cutoff(now));
    let count_sql = format!("SELECT COUNT(*) AS n {OVERDUE}");
    let total: i64 = sqlx::query(&count_sql)
        .bind(first.clone())
        .bind(rules.assessment_from.0)
        .bind(assessment.clone())
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    let sql = format!(
        "SELECT f.lead_id, f.company_name, f.captured_at, f.intended_wan, u.username, u.department, fu.assignee, fu.responded_at \
         {OVERDUE} ORDER BY f.captured_at, f.lead_id LIMIT $4 OFFSET $5"
    );
    let rows =
        sqlx::query(&sql).bind(first).bind(rules.assessment_from.0).bind(assessment).bind(limit).bind(offset).fetch_all(conn).await?;
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
