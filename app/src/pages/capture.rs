//! The capture screen: the officer's main screen at the booth. "Save, next lead" stores the lead
//! durably on the tablet, confirms, and clears the form for the next contact while keeping the
//! current event.

use domain::{LeadDraft, LeadField, LeadId, LeadMeta};
use leptos::prelude::*;

use crate::components::card_photo;
use crate::components::fields::FormState;
use crate::components::toast::{use_toasts, ToastKind};
use crate::i18n::{fill, tr, use_i18n, Key};
use crate::local_leads::use_local_leads;
use crate::offline::settings;
use crate::pages::lead_form::{focus_field, parse_or_show_errors, report_store_error, LeadForm};
use crate::perf;

#[component]
pub fn CapturePage() -> impl IntoView {
    let i18n = use_i18n();
    let leads = use_local_leads();
    let toasts = use_toasts();
    let sync = crate::sync_state::use_sync();
    let form = FormState::new(LeadDraft::default());
    let saving = RwSignal::new(false);

    // The current event lives on the tablet, so it is filled in after hydration.
    Effect::new(move |_| {
        let event = settings::current_event();
        form.draft.update(|d| {
            if d.event.is_empty() {
                d.event = event
            }
        });
    });
    // The listed event of the day fills an empty event field, or replaces a listed event that
    // has ended: once per visit, so an officer who clears the field keeps it clear.
    let defaulted = StoredValue::new(false);
    Effect::new(move |_| {
        let catalog = leads.catalog.get();
        let today = domain::time::now().with_timezone(&domain::time::shanghai()).date_naive();
        let Some(default) = domain::event::default_on(&catalog, today).filter(|_| !defaulted.get_value()) else { return };
        defaulted.set_value(true);
        form.draft.update(|d| {
            let ended = catalog.iter().any(|e| e.name == d.event.trim() && e.ends_on < today);
            if d.event.trim().is_empty() || ended {
                d.event = default.name.clone();
            }
        });
    });
    // Remember the event as the officer changes it.
    Effect::new(move |_| {
        let event = form.draft.with(|d| d.event.clone());
        settings::set_current_event(event.trim());
    });

    let on_submit = Callback::new(move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        perf::capture_started();
        let now = domain::time::now();
        let meta = LeadMeta {
            id: LeadId::new(),
            captured_at: now,
            updated_at: now,
            captured_by: settings::officer().unwrap_or_default(),
            device_id: settings::device_id(),
        };
        let Some(lead) = parse_or_show_errors(form, meta, toasts, i18n.lang.get_untracked()) else { return };
        saving.set(true);
        leptos::task::spawn_local(async move {
            let company = lead.company_name.clone();
            let event = lead.event.clone().unwrap_or_default();
            let id = lead.id;
            match leads.capture(lead).await {
                Ok(queued) => {
                    let lang = i18n.lang.get_untracked();
                    let photos = form.photos.get_untracked();
                    match card_photo::keep_taken(&photos, id).await {
                        Ok(()) => toasts.show(ToastKind::Ok, fill(lang.text(Key::ToastSaved), &[("company", &company)])),
                        Err(error) => toasts.show(ToastKind::Problem, card_photo::not_kept_text(lang, &error)),
                    }
                    card_photo::release_all(photos);
                    form.draft.set(LeadDraft { event, ..LeadDraft::default() });
                    form.scanned.set(Vec::new());
                    form.photos.set(Vec::new());
                    sync.after_save(queued);
                    // The next contact starts at the top: the empty form, the sync bar above it.
                    window().scroll_to_with_x_and_y(0.0, 0.0);
                    focus_field(LeadField::CompanyName);
                }
                Err(error) => report_store_error(toasts, i18n.lang.get_untracked(), error),
            }
            saving.set(false);
        });
    });

    view! {
        <section class="page capture-page">
            <h1>{tr(Key::CaptureTitle)}</h1>
            <LeadForm form capturing=true saving=saving.read_only() on_submit/>
        </section>
    }
}
