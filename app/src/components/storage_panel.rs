//! The officer's view of the tablet's storage: persistent or not, how much the app uses, the
//! disk's free space as measured by writing to it (the browser's quota is not the disk's: it says
//! "1 GB" on a nearly full one), the card photos kept, and the offline export (CSV, JSON) as a
//! safety net.

use leptos::prelude::*;

use crate::components::toast::{use_toasts, ToastKind};
use crate::i18n::{fill, tr, use_i18n, Key};
use crate::local_leads::{use_local_leads, LOW_SPACE_BYTES};
use crate::offline::export;
use crate::offline::storage_info::{format_bytes, request_persistence_and_measure, StorageInfo};

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
    // The card photos kept here (measured with the rest; nothing loads when there are none).
    let photos = RwSignal::new(crate::offline::photos::PhotoStats::default());
    Effect::new(move |_| {
        leads.leads.with(Vec::len);
        leptos::task::spawn_local(async move {
            if let Ok(stats) = crate::offline::photos::stats().await {
                photos.set(stats);
            }
        })
    });
    let photo_line = move || {
        let stats = photos.get();
        (stats.count > 0).then(|| {
            let text = fill(
                i18n.t(Key::StoragePhotos),
                &[("n", &stats.count.to_string()), ("size", &format_bytes(stats.bytes as f64)), ("waiting", &stats.waiting.to_string())],
            );
            view! { <p class="photos" data-testid="storage-photos">{text}</p> }
        })
    };
    // The free space as it is now, not as the last start measured it.
    Effect::new(move |_| leads.recheck_space());
    let persistence = move || match info.get() {
        Some(StorageInfo { persistent: true, .. }) => i18n.t(Key::StoragePersistent),
        _ => i18n.t(Key::StorageNotPersistent),
    };
    let usage = move || match info.get() {
        Some(StorageInfo { usage_bytes: Some(used), .. }) => fill(i18n.t(Key::StorageUsage), &[("used", &format_bytes(used))]),
        _ => i18n.t(Key::StorageUnknown).to_owned(),
    };
    let free = move || match leads.free_space.get() {
        Some(m) if m.free >= LOW_SPACE_BYTES => fill(i18n.t(Key::StorageFreeOk), &[("free", &format_bytes(m.free as f64))]),
        Some(m) => fill(i18n.t(Key::StorageFreeLow), &[("free", &format_bytes(m.free as f64))]),
        None => i18n.t(Key::StorageFreeUnknown).to_owned(),
    };
    let stamp = || domain::time::file_stamp(domain::time::now());
    let export_with = move |kind: &'static str| {
        let all = leads.leads.get_untracked();
        let made = match kind {
            "csv" => {
                Ok((format!("zhaoshang-leads-{}.csv", stamp()), "text/csv;charset=utf-8", export::to_csv(&all, i18n.lang.get_untracked())))
            }
            _ => export::to_json(&all).map(|body| (format!("zhaoshang-leads-{}.json", stamp()), "application/json", body)),
        };
        if let Err(reason) = made.and_then(|(name, mime, body)| export::download(&name, mime, &body)) {
            toasts.show(ToastKind::Problem, reason);
        }
    };
    view! {
        <section class="storage-panel" data-testid="storage-status">
            <h2>{tr(Key::StorageTitle)}</h2>
            <p class="persistence" class:warn=move || !info.get().is_some_and(|i| i.persistent)>{persistence}</p>
            <p class="usage">{usage}</p>
            {photo_line}
            <p class="free" class:warn=move || leads.space_is_low() data-testid="free-space">{free}</p>
            <p class="hint">{tr(Key::StorageExportHint)}</p>
            <div class="export-buttons">
                <button type="button" class="secondary" data-testid="export-csv" on:click=move |_| export_with("csv")>
                    {tr(Key::ActionExportCsv)}
                </button>
                <button type="button" class="secondary" data-testid="export-json" on:click=move |_| export_with("json")>
                    {tr(Key::ActionExportJson)}
                </button>
            </div>
        </section>
    }
}
