//! Editing a lead on the tablet (`/edit?id=…`). The query string, not the path, names the lead, so
//! the service worker serves this one cached page for every lead while offline.

use domain::{LeadDraft, LeadId, LeadMeta};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::components::fields::FormState;
use crate::components::toast::{use_toasts, ToastKind};
use crate::i18n::{fill, use_i18n, Key};
use crate::local_leads::{use_local_leads, LocalLeads};
use crate::pages::lead_form::{parse_or_show_errors, report_store_error, LeadForm};
use crate::components::toast::Toasts;
use crate::i18n::I18n;

/// Deletes a lead and offers to undo it; shared by the list and the edit screen.
pub fn delete_with_undo(leads: LocalLeads, toasts: Toasts, i18n: I18n, id: LeadId) {
    leptos::task::spawn_local(async move {
        match leads.delete(id).await {
            Ok(Some(lead)) => {
                let message = fill(i18n.lang.get_untracked().text(Key::ToastDeleted), &[("company", &lead.company_name)]);
                let undo = Callback::new(move |()| {
                    let lead = lead.clone();
                    leptos::task::spawn_local(async move {
                        match leads.save(lead).await {
                            Ok(()) => toasts.show(ToastKind::Ok, i18n.lang.get_untracked().text(Key::ToastRestored).to_owned()),
                            Err(error) => toasts.show(ToastKind::Problem, error.to_string()),
                        }
                    });
                });
                toasts.show_with_undo(message, undo);
            }
            Ok(None) => {}
            Err(error) => toasts.show(ToastKind::Problem, error.to_string()),
        }
    });
}

#[component]
pub fn EditPage() -> impl IntoView {
    let i18n = use_i18n();
    let leads = use_local_leads();
    let query = use_query_map();
    let id = Memo::new(move |_| query.with(|q| q.get("id")).and_then(|raw| uuid::Uuid::parse_str(&raw).ok()).map(LeadId));
    // The lead as stored, once the store has loaded; `None` while loading or when not found.
    let stored = Memo::new(move |_| {
        let id = id.get()?;
        leads.leads.with(|all| all.iter().find(|l| l.id == id).cloned())
    });

    view! {
        <section class="page edit-page">
            <h1>{move || i18n.t(Key::CaptureEditTitle)}</h1>
            {move || match (leads.is_ready(), id.get()) {
                (false, _) => view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }.into_any(),
                (true, Some(id)) if stored.with_untracked(Option::is_some) => view! { <EditForm id/> }.into_any(),
                (true, _) => view! {
                    <p class="not-found" data-testid="not-found">{move || i18n.t(Key::CaptureNotFound)}</p>
                    <a class="button secondary" href="/leads">{move || i18n.t(Key::ActionCancel)}</a>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn EditForm(id: LeadId) -> impl IntoView {
    let i18n = use_i18n();
    let leads = use_local_leads();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let Some(original) = leads.get(id) else {
        return ().into_any();
    };
    let form = FormState { draft: RwSignal::new(LeadDraft::from_lead(&original)), errors: RwSignal::new(Vec::new()) };
    let saving = RwSignal::new(false);
    let meta = original.meta();

    let go_to_list = {
        let navigate = navigate.clone();
        move || navigate("/leads", Default::default())
    };
    let on_submit = Callback::new({
        let go_to_list = go_to_list.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let meta = LeadMeta { updated_at: chrono::Utc::now(), ..meta.clone() };
            let Some(lead) = parse_or_show_errors(form, meta, toasts, i18n.lang.get_untracked()) else { return };
            saving.set(true);
            let go_to_list = go_to_list.clone();
            leptos::task::spawn_local(async move {
                match leads.save(lead).await {
                    Ok(()) => {
                        toasts.show(ToastKind::Ok, i18n.lang.get_untracked().text(Key::ToastUpdated).to_owned());
                        go_to_list();
                    }
                    Err(error) => report_store_error(toasts, i18n.lang.get_untracked(), error),
                }
                saving.set(false);
            });
        }
    });
    let on_delete = move |_| {
        delete_with_undo(leads, toasts, i18n, id);
        go_to_list();
    };

    view! {
        <LeadForm form capturing=false saving=saving.read_only() on_submit
            extra_actions=Box::new(move || view! {
                <a class="button secondary" href="/leads">{move || i18n.t(Key::ActionCancel)}</a>
                <button type="button" class="danger" data-testid="delete" on:click=on_delete.clone()>
                    {move || i18n.t(Key::ActionDelete)}
                </button>
            }.into_any())/>
    }
    .into_any()
}
