//! The dashboard of one period (the current quarter by default).

use app::manage::dashboard::dashboard_page;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};
use domain::report::{dashboard, Dashboard, Period};
use serde::Deserialize;

use super::Manager;
use crate::db::{reports, targets};
use crate::error::ApiError;
use crate::routes::query::PageQuery;
use crate::state::AppState;

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

/// The period a query names (one that does not parse: what to say of it). Without one: the
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
    Period::parse(query.period.trim()).ok_or_else(|| format!("period={}: 2023, 2023-Q2", query.period))
}

/// The years with data, newest first.
pub async fn years(state: &AppState) -> Result<Vec<i32>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(reports::years(&mut conn).await?)
}

/// Loads the targets and the projects and computes the dashboard of `period` as of today.
pub async fn compute(state: &AppState, period: Period) -> Result<Dashboard, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let all_targets: Vec<_> = targets::list(&mut conn).await?.into_iter().map(|(_, t)| t).collect();
    let facts = reports::project_facts(&mut conn).await?;
    Ok(dashboard(&all_targets, &facts, period, today()))
}

async fn show(State(state): State<AppState>, manager: Manager, PageQuery(query): PageQuery<PeriodQuery>) -> Result<Response, ApiError> {
    let mut years = years(&state).await?;
    let period = match period_of(&query, &years) {
        Ok(period) => period,
        Err(detail) => return Ok(manager.bad_query(&detail)),
    };
    let dash = compute(&state, period).await?;
    years.push(today().year());
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let periods: Vec<Period> =
        years.iter().flat_map(|y| std::iter::once(Period::Year(*y)).chain((1..=4).map(|q| Period::Quarter(*y, q)))).collect();
    Ok(manager.page(dashboard_page(&manager.frame, &dash, &periods)))
}
