//! `/manage/devices`: every tablet that has synced, by officer, with its last report
//! (`domain::device`), for managers and administrators. Sightings not yet written are written
//! first (`crate::fleet`), so the page shows this server's latest syncs.

use app::manage::devices::{devices_page, DeviceRow, DevicesPage};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::Manager;
use crate::db::{devices, users};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/manage/devices", get(show))
}

async fn show(State(state): State<AppState>, manager: Manager) -> Result<Response, ApiError> {
    state.fleet.flush(&state.db).await?;
    let mut conn = state.db.pool.acquire().await?;
    let people: std::collections::HashMap<i64, users::User> = users::list(&mut conn).await?.into_iter().map(|u| (u.id, u)).collect();
    let now = domain::time::now();
    let mut rows: Vec<DeviceRow> = devices::list(&mut conn)
        .await?
        .into_iter()
        .map(|d| {
            let person = people.get(&d.user_id);
            let at_risk =
                d.report.as_ref().is_some_and(|r| domain::device::at_risk(r.waiting, r.oldest_waiting, r.refused, d.last_seen, now));
            DeviceRow {
                officer: person.map(|p| p.label().to_owned()).unwrap_or_else(|| format!("#{}", d.user_id)),
                username: person.map(|p| p.username.clone()).unwrap_or_default(),
                department: person.map(|p| p.department.clone()).unwrap_or_default(),
                device_id: d.device_id,
                first_seen: d.first_seen,
                last_seen: d.last_seen,
                report: d.report,
                at_risk,
            }
        })
        .collect();
    // By officer as people read names; each officer's tablets the most recently seen first.
    rows.sort_by(|a, b| {
        (&a.officer, &a.username, std::cmp::Reverse(a.last_seen)).cmp(&(&b.officer, &b.username, std::cmp::Reverse(b.last_seen)))
    });
    Ok(manager.page(devices_page(&manager.frame, DevicesPage { rows, current_build: state.build.id.clone() })))
}
