//! Yearly and quarterly targets, as an administrator entered them.

use domain::report::{IndustryScope, Metric, Period, Target};
use domain::Supervision;
use sqlx::{AnyConnection, Row};

fn from_row(r: &sqlx::any::AnyRow) -> Result<Option<(i64, Target)>, sqlx::Error> {
    let period: String = r.try_get("period")?;
    let metric: String = r.try_get("metric")?;
    let scope: String = r.try_get("scope")?;
    let supervision: String = r.try_get("supervision")?;
    // Rows are written from parsed targets only; one that no longer parses (a code removed in a
    // later version) is skipped rather than failing every report.
    let (Some(period), Some(metric), Some(scope)) = (Period::parse(&period), Metric::from_code(&metric), IndustryScope::parse(&scope))
    else {
        return Ok(None);
    };
    let supervision = if supervision.is_empty() { None } else { Supervision::from_code(&supervision) };
    Ok(Some((r.try_get("id")?, Target { period, metric, scope, supervision, value: r.try_get("value")? })))
}

/// Every target, by period (years before their quarters) and in the order entered.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<(i64, Target)>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, period, metric, scope, supervision, value FROM targets ORDER BY period, id").fetch_all(conn).await?;
    Ok(rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?.into_iter().flatten().collect())
}

/// Stores a target, replacing the one with the same period, metric, industries and supervision.
pub async fn upsert(conn: &mut AnyConnection, target: &Target) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO targets (period, metric, scope, supervision, value) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (period, metric, scope, supervision) DO UPDATE SET value = excluded.value",
    )
    .bind(target.period.code())
    .bind(target.metric.code())
    .bind(target.scope.code())
    .bind(target.supervision.map_or("", |s| s.code()))
    .bind(target.value)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a target; false when there was none with this id.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM targets WHERE id = $1").bind(id).execute(conn).await?.rows_affected() > 0)
}
