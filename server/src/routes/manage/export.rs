//! Downloads: the filtered lead list (CSV, .xlsx) and the monthly bulletin (.xlsx).

use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use domain::review::LeadFilter;

use super::dashboard::{compute, period_of, years, PeriodQuery};
use super::Manager;
use crate::db::review;
use crate::error::ApiError;
use crate::export;
use crate::state::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/export/leads.csv", get(leads_csv))
        .route("/manage/export/leads.xlsx", get(leads_xlsx))
        .route("/manage/export/bulletin.xlsx", get(bulletin))
}

fn download(content_type: &'static str, name: String, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(CONTENT_TYPE, content_type.to_owned()), (CONTENT_DISPOSITION, disposition)], body).into_response()
}

fn stamp() -> String {
    domain::time::file_stamp(domain::time::now())
}

async fn filtered(state: &AppState, filter: &LeadFilter) -> Result<Vec<domain::review::ReviewRow>, ApiError> {
    let parsed = filter.parse().map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(review::rows(&mut conn, &parsed).await?)
}

async fn leads_csv(State(state): State<AppState>, _manager: Manager, Query(filter): Query<LeadFilter>) -> Result<Response, ApiError> {
    let rows = filtered(&state, &filter).await?;
    Ok(download("text/csv; charset=utf-8", format!("leads-{}.csv", stamp()), export::leads_csv(&rows).into_bytes()))
}

async fn leads_xlsx(State(state): State<AppState>, _manager: Manager, Query(filter): Query<LeadFilter>) -> Result<Response, ApiError> {
    let rows = filtered(&state, &filter).await?;
    let body = export::leads_xlsx(&rows).map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("xlsx")))?;
    Ok(download(XLSX, format!("leads-{}.xlsx", stamp()), body))
}

async fn bulletin(State(state): State<AppState>, _manager: Manager, Query(query): Query<PeriodQuery>) -> Result<Response, ApiError> {
    let period = period_of(&query, &years(&state).await?)?;
    let dash = compute(&state, period).await?;
    let body = export::bulletin_xlsx(&dash).map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("xlsx")))?;
    Ok(download(XLSX, format!("bulletin-{}.xlsx", period.code()), body))
}
