//! The device page: every tablet that has synced, by officer, with its last sync and what it said
//! of itself then (`domain::device`): changes it still holds that the server lacks and since
//! when, its app build against the one served now, and its storage. Tablets whose unsynced
//! changes are older than a day are named at the top: a wiped or lost tablet takes them along.

use chrono::{DateTime, Utc};
use domain::device::DeviceReport;
use domain::time::format_shanghai;
use leptos::prelude::*;

use super::{document, grouped, Frame, Section};
use crate::i18n::{fill, Key, Lang};
use crate::offline::storage_info::format_bytes;

/// One tablet, ready to show.
#[derive(Clone, Debug)]
pub struct DeviceRow {
    /// The officer's display name (their user name when they have none).
    pub officer: String,
    pub username: String,
    pub department: String,
    pub device_id: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// `None` from a tablet of an earlier build.
    pub report: Option<DeviceReport>,
    /// It holds changes the server has lacked for more than a day (`domain::device::at_risk`).
    pub at_risk: bool,
}

/// The device page.
#[derive(Clone, Debug, Default)]
pub struct DevicesPage {
    pub rows: Vec<DeviceRow>,
    /// The build the server serves now.
    pub current_build: String,
}

/// The first eight characters of a device id, as the trail names devices too.
fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

fn unsynced(lang: Lang, report: &Option<DeviceReport>) -> AnyView {
    let t = move |key| lang.text(key);
    let Some(r) = report else {
        return view! { <span class="muted">{t(Key::ManageDevicesNotReported)}</span> }.into_any();
    };
    if r.waiting == 0 && r.refused == 0 {
        return view! { <span class="muted">{t(Key::ManageDevicesNoneWaiting)}</span> }.into_any();
    }
    let waiting = (r.waiting > 0).then(|| {
        let oldest = r.oldest_waiting.map(|at| fill(t(Key::ManageDevicesOldest), &[("at", &format_shanghai(at))]));
        view! {
            <span data-testid="device-waiting">{fill(t(Key::ManageDevicesWaiting), &[("n", &grouped(i64::from(r.waiting)))])}</span>
            {oldest.map(|o| view! { <br/><span class="muted">{o}</span> })}
        }
    });
    let refused = (r.refused > 0).then(|| {
        view! { <br/><span data-testid="device-refused">{fill(t(Key::ManageDevicesRefused), &[("n", &grouped(i64::from(r.refused)))])}</span> }
    });
    view! { {waiting}{refused} }.into_any()
}

fn build(lang: Lang, report: &Option<DeviceReport>, current: &str) -> AnyView {
    let t = move |key| lang.text(key);
    match report {
        None => view! { <span class="muted">"—"</span> }.into_any(),
        Some(r) if !current.is_empty() && r.build == current => {
            view! { <span data-testid="device-build">{t(Key::ManageDevicesBuildCurrent)}</span> }.into_any()
        }
        Some(r) => {
            let shown = if r.build.is_empty() { "?".to_owned() } else { short(&r.build) };
            view! {
                <span class="tag warn" data-testid="device-build">{t(Key::ManageDevicesBuildOld)}</span>
                " "<code class="muted">{shown}</code>
            }
            .into_any()
        }
    }
}

fn storage(lang: Lang, report: &Option<DeviceReport>) -> AnyView {
    let t = move |key| lang.text(key);
    match report.as_ref().and_then(|r| r.storage) {
        None if report.is_none() => view! { <span class="muted">"—"</span> }.into_any(),
        None => view! { <span class="muted">{t(Key::ManageDevicesStorageUnknown)}</span> }.into_any(),
        Some(s) => {
            let used = fill(
                t(Key::ManageDevicesUsage),
                &[("used", &format_bytes(s.usage_bytes as f64)), ("quota", &format_bytes(s.quota_bytes as f64))],
            );
            let kept = if s.persisted {
                view! { <span data-testid="device-storage">{t(Key::ManageDevicesPersisted)}</span> }.into_any()
            } else {
                view! { <span class="tag warn" data-testid="device-storage">{t(Key::ManageDevicesNotPersisted)}</span> }.into_any()
            };
            view! { {kept}<br/><span class="muted">{used}</span> }.into_any()
        }
    }
}

pub fn devices_page(frame: &Frame, page: DevicesPage) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let at_risk: Vec<&DeviceRow> = page.rows.iter().filter(|r| r.at_risk).collect();
    let warning = (!at_risk.is_empty()).then(|| {
        let items = at_risk
            .iter()
            .map(|r| {
                let href = format!("#device-{}", r.device_id);
                let label = format!("{} · {}", r.officer, short(&r.device_id));
                view! { <li><a href=href>{label}</a></li> }
            })
            .collect_view();
        view! {
            <div class="form-error" role="alert" data-testid="devices-at-risk">
                <p>{fill(t(Key::ManageDevicesAtRisk), &[("n", &at_risk.len().to_string())])}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    let rows = page
        .rows
        .iter()
        .enumerate()
        .map(|(n, r)| {
            // The accounts page links to an officer's first tablet.
            let first_of_officer = n == 0 || page.rows[n - 1].username != r.username;
            let anchor = first_of_officer.then(|| format!("officer-{}", r.username));
            // The user name beside a display name; alone it is the name shown already.
            let who = if r.officer == r.username { r.department.clone() } else { format!("{} · {}", r.username, r.department) };
            let class = if r.at_risk { "at-risk" } else { "" };
            let row_id = format!("device-{}", r.device_id);
            let first = fill(t(Key::ManageDevicesFirstSeen), &[("at", &format_shanghai(r.first_seen))]);
            let badge = r.at_risk.then(|| view! { <br/><span class="tag">{t(Key::ManageDevicesRiskBadge)}</span> });
            view! {
                <tr data-testid="device-row" id=row_id class=class>
                    <td><strong id=anchor>{r.officer.clone()}</strong><br/><span class="muted">{who}</span></td>
                    <td><code title=r.device_id.clone()>{short(&r.device_id)}</code><br/><span class="muted">{first}</span></td>
                    <td>{format_shanghai(r.last_seen)}{badge}</td>
                    <td>{unsynced(lang, &r.report)}</td>
                    <td>{build(lang, &r.report, &page.current_build)}</td>
                    <td>{storage(lang, &r.report)}</td>
                </tr>
            }
        })
        .collect_view();
    let table = if page.rows.is_empty() {
        view! { <p class="empty" data-testid="devices-empty">{t(Key::ManageDevicesEmpty)}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=t(Key::ManageDevicesTitle)>
                <table class="review devices" data-testid="devices-table">
                    <thead>
                        <tr>
                            <th scope="col">{t(Key::ManageDevicesOfficer)}</th>
                            <th scope="col">{t(Key::ManageDevicesDevice)}</th>
                            <th scope="col">{t(Key::ManageDevicesLastSeen)}</th>
                            <th scope="col">{t(Key::ManageDevicesUnsynced)}</th>
                            <th scope="col">{t(Key::ManageDevicesBuild)}</th>
                            <th scope="col">{t(Key::ManageDevicesStorage)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let body = view! {
        <h1>{t(Key::ManageDevicesTitle)}</h1>
        <p class="muted intro">{t(Key::ManageDevicesIntro)}</p>
        {warning}
        <section class="card">{table}</section>
    };
    document(frame, Some(Section::Devices), t(Key::ManageDevicesTitle), body.into_any())
}
