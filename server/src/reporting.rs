//! The dashboard's figures for a period, shared by the dashboard page and the bulletin export:
//! which period a link names, which years have data, and the computed dashboard.

use chrono::{Datelike, NaiveDate};
use domain::report::{dashboard, Dashboard, Period};
use serde::Deserialize;

use crate::db::{reports, targets, users};
use crate::error::ApiError;
use crate::state::AppState;

/// A link's period: `2023`, `2023-Q2`, or nothing for the default.
#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    pub period: String,
}

/// Today in Beijing.
pub fn today() -> NaiveDate {
    domain::time::now().with_timezone(&domain::time::shanghai()).date_naive()
}

/// The period a query names (one that does not parse: the value given). Without one: the
/// current quarter, or, when this year has no data yet, the latest year that has.
pub fn period_of(query: &PeriodQuery, years: &[i32]) -> Result<Period, String> {
    if query.period.trim().is_empty() {
        let today = today();
        let this_year = today.year();
        return Ok(match years.iter().max() {
            Some(latest) if !years.contains(&this_year) => Period::Year(*latest),
            _ => Period::quarter_of(today),
        });
    }
    Period::parse(query.period.trim()).ok_or_else(|| query.period.clone())
}

/// The years with data, newest first.
pub async fn years(state: &AppState) -> Result<Vec<i32>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(reports::years(&mut conn).await?)
}

/// Loads the targets and the projects and computes the dashboard of `period` as of today, officers
/// by their display names.
pub async fn compute(state: &AppState, period: Period) -> Result<Dashboard, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let all_targets: Vec<_> = targets::list(&mut conn).await?.into_iter().map(|(_, t)| t).collect();
    let facts = reports::project_facts(&mut conn).await?;
    let mut dash = dashboard(&all_targets, &facts, period, today());
    // Officers are ranked by account and shown by name.
    let names: std::collections::HashMap<String, String> =
        users::list(&mut conn).await?.into_iter().map(|u| (u.username.clone(), u.label().to_owned())).collect();
    for row in &mut dash.officers {
        if let Some(label) = names.get(&row.name) {
            row.name = label.clone();
        }
    }
    Ok(dash)
}
