//! The officer's view of the tablet's storage: persistent or not, how much is used, and the
//! offline export (CSV, JSON) as a safety net.

use leptos::prelude::*;

use crate::i18n::{fill, use_i18n, Key};
use crate::local_leads::use_local_leads;
use crate::offline::export;
use crate::offline::storage_info::{format_bytes, request_persistence_and_measure, StorageInfo};
use crate::components::toast::{use_toasts, ToastKind};

#[component]
pub fn StoragePanel() -> impl IntoView {
    let i18n = use_i18n();
    let leads = use_local_leads();
    let toasts = use_toasts();
    let info = RwSignal::new(None::<StorageInfo>);
    // Measure again whenever the number of leads changes.
    Effect::new(move |_| {
        leads.leads.with(Vec::len);
        leptos::task::spawn_local(async move { info.set(Some(request_persistence_and_measure().await)) });
    });
    let persistence = move || match info.get() {
        Some(StorageInfo { persistent: true, .. }) => i18n.t(Key::StoragePersistent),
        _ => i18n.t(Key::StorageNotPersistent),
    };
    let usage = move || match info.get() {
        Some(StorageInfo { usage_bytes: Some(used), quota_bytes: Some(quota), .. }) => {
            fill(i18n.t(Key::StorageUsage), &[("used", &format_bytes(used)), ("quota", &format_bytes(quota))])
        }
        _ => i18n.t(Key::StorageUnknown).to_owned(),
    };
    let stamp = || chrono::Utc::now().with_timezone(&domain::time::shanghai()).format("%Y%m%d-%H%M").to_string();
    let export_with = move |kind: &'static str| {
        let all = leads.leads.get_untracked();
        let (name, mime, body) = match kind {
            "csv" => (format!("zhaoshang-leads-{}.csv", stamp()), "text/csv;charset=utf-8", export::to_csv(&all, i18n.lang.get_untracked())),
            _ => (format!("zhaoshang-leads-{}.json", stamp()), "application/json", export::to_json(&all)),
        };
        if let Err(reason) = export::download(&name, mime, &body) {
            toasts.show(ToastKind::Problem, reason);
        }
    };
    view! {
        <section class="storage-panel" data-testid="storage-status">
            <h2>{move || i18n.t(Key::StorageTitle)}</h2>
            <p class="persistence" class:warn=move || !info.get().is_some_and(|i| i.persistent)>{persistence}</p>
            <p class="usage">{usage}</p>
            <p class="hint">{move || i18n.t(Key::StorageExportHint)}</p>
            <div class="export-buttons">
                <button type="button" class="secondary" data-testid="export-csv" on:click=move |_| export_with("csv")>
                    {move || i18n.t(Key::ActionExportCsv)}
                </button>
                <button type="button" class="secondary" data-testid="export-json" on:click=move |_| export_with("json")>
                    {move || i18n.t(Key::ActionExportJson)}
                </button>
            </div>
        </section>
    }
}
