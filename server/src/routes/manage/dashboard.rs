//! The dashboard of one period (the current quarter by default).

use app::manage::dashboard::dashboard_page;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::Datelike;
use domain::report::Period;

use super::Manager;
use crate::error::ApiError;
use crate::reporting::{compute, period_of, today, years, PeriodQuery};
use crate::routes::query::PageQuery;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/manage/dashboard", get(show))
}

async fn show(State(state): State<AppState>, manager: Manager, PageQuery(query): PageQuery<PeriodQuery>) -> Result<Response, ApiError> {
    let mut years = years(&state).await?;
    let period = match period_of(&query, &years) {
        Ok(period) => period,
        Err(raw) => return Ok(manager.bad_query("period", &raw)),
    };
    let dash = compute(&state, period).await?;
    years.push(today().year());
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let periods: Vec<Period> =
        years.iter().flat_map(|y| std::iter::once(Period::Year(*y)).chain((1..=4).map(|q| Period::Quarter(*y, q)))).collect();
    Ok(manager.page(dashboard_page(&manager.frame, &dash, &periods)))
}
