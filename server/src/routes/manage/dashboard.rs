//! The dashboard of one period (the current quarter by default).

use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use app::manage::dashboard::dashboard_page;
use chrono::NaiveDate;
use domain::report::{dashboard, Dashboard, Period};
use serde::Deserialize;

use super::Manager;
use crate::db::{reports, targets};
use crate::error::ApiError;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/manage/dashboard", get(show))
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    pub period: String,
}

/// Today in Beijing.
pub fn today() -> NaiveDate {
    domain::time::now().with_timezone(&domain::time::shanghai()).date_naive()
}

/// The period a query names, or the current quarter; a period that does not parse is a 400.
pub fn period_of(query: &PeriodQuery) -> Result<Period, ApiError> {
    if query.period.trim().is_empty() {
        return Ok(Period::quarter_of(today()));
    }
    Period::parse(query.period.trim()).ok_or_else(|| ApiError::BadRequest(format!("unknown period {:?}: write 2023 or 2023-Q2", query.period)))
}

/// Loads the targets and the projects and computes the dashboard of `period` as of today.
pub async fn compute(state: &AppState, period: Period) -> Result<Dashboard, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let all_targets: Vec<_> = targets::list(&mut conn).await?.into_iter().map(|(_, t)| t).collect();
    let facts = reports::project_facts(&mut conn).await?;
    Ok(dashboard(&all_targets, &facts, period, today()))
}

async fn show(State(state): State<AppState>, manager: Manager, Query(query): Query<PeriodQuery>) -> Result<Response, ApiError> {
    let period = period_of(&query)?;
    let dash = compute(&state, period).await?;
    let mut conn = state.db.pool.acquire().await?;
    let years = reports::years(&mut conn, today().format("%Y").to_string().parse().unwrap_or(2023)).await?;
    let periods: Vec<Period> = years.iter().flat_map(|y| std::iter::once(Period::Year(*y)).chain((1..=4).map(|q| Period::Quarter(*y, q)))).collect();
    Ok(manager.page(dashboard_page(&manager.frame, &dash, &periods)))
}
