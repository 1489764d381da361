//! Downloads: the filtered lead list (CSV, .xlsx) and the monthly bulletin (.xlsx).

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use domain::review::LeadFilter;

use super::Manager;
use crate::db::review;
use crate::error::ApiError;
use crate::export;
use crate::reporting::{compute, period_of, years, PeriodQuery};
use crate::routes::query::PageQuery;
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

/// The lead list's two formats.
#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

/// The filtered list as a download; a filter that does not parse is the workspace's 400 page.
async fn leads(state: &AppState, manager: &Manager, filter: &LeadFilter, format: Format) -> Result<Response, ApiError> {
    let parsed = match filter.parse() {
        Ok(parsed) => parsed,
        Err(e) => return Ok(manager.bad_query(e.filter, &e.value)),
    };
    let mut conn = state.db.pool.acquire().await?;
    let rows = review::rows(&mut conn, &parsed).await?;
    let rows = export::with_leads(&mut conn, rows).await?;
    Ok(match format {
        Format::Csv => download("text/csv; charset=utf-8", format!("leads-{}.csv", stamp()), export::leads_csv(&rows).into_bytes()),
        Format::Xlsx => {
            let body = export::leads_xlsx(&rows).map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("xlsx")))?;
            download(XLSX, format!("leads-{}.xlsx", stamp()), body)
        }
    })
}

async fn leads_csv(
    State(state): State<AppState>,
    manager: Manager,
    PageQuery(filter): PageQuery<LeadFilter>,
) -> Result<Response, ApiError> {
    leads(&state, &manager, &filter, Format::Csv).await
}

async fn leads_xlsx(
    State(state): State<AppState>,
    manager: Manager,
    PageQuery(filter): PageQuery<LeadFilter>,
) -> Result<Response, ApiError> {
    leads(&state, &manager, &filter, Format::Xlsx).await
}

async fn bulletin(State(state): State<AppState>, manager: Manager, PageQuery(query): PageQuery<PeriodQuery>) -> Result<Response, ApiError> {
    let period = match period_of(&query, &years(&state).await?) {
        Ok(period) => period,
        Err(raw) => return Ok(manager.bad_query("period", &raw)),
    };
    let dash = compute(&state, period).await?;
    let body = export::bulletin_xlsx(&dash).map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("xlsx")))?;
    Ok(download(XLSX, format!("bulletin-{}.xlsx", period.code()), body))
}
