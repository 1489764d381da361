//! The leads on this tablet: newest first, searchable by company or contact, filterable by
//! event. A row opens the lead for editing; deleting offers an undo.

use domain::{time::format_shanghai, Lead};
use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::components::storage_panel::StoragePanel;
use crate::components::toast::use_toasts;
use crate::i18n::{fill, tr, use_i18n, Key};
use crate::local_leads::use_local_leads;
use crate::pages::edit::delete_with_undo;

/// Rows rendered at once; more would slow a tablet down, and search narrows the list anyway.
const MAX_ROWS: usize = 200;

#[component]
pub fn LeadsPage() -> impl IntoView {
    let i18n = use_i18n();
    let leads = use_local_leads();
    let search = RwSignal::new(String::new());
    let event = RwSignal::new(String::new());
    let matching = Memo::new(move |_| {
        let (search, event) = (search.get(), event.get());
        let mut found: Vec<Lead> = leads.leads.with(|all| {
            all.iter().filter(|l| l.matches(&search) && (event.is_empty() || l.event.as_deref() == Some(event.as_str()))).cloned().collect()
        });
        found.sort_by_key(|l| std::cmp::Reverse(l.captured_at));
        found
    });
    let events = move || {
        leads
            .events
            .get()
            .into_iter()
            .map(|e| {
                let value = e.clone();
                view! { <option value=value>{e}</option> }
            })
            .collect_view()
    };
    let summary = move || fill(i18n.t(Key::LeadsCount), &[("n", &matching.with(Vec::len).to_string())]);

    view! {
        <section class="page leads-page">
            <h1>{tr(Key::LeadsTitle)}</h1>
            <div class="filters">
                <label class="sr-only" for="search">{tr(Key::LeadsSearchLabel)}</label>
                <input id="search" type="search" data-testid="search" placeholder=move || i18n.t(Key::LeadsSearch)
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                <label class="sr-only" for="event-filter">{tr(Key::LeadsEventFilter)}</label>
                <select id="event-filter" data-testid="event-filter" on:change=move |ev| event.set(event_target_value(&ev))
                    prop:value=move || event.get()>
                    <option value="">{tr(Key::LeadsAllEvents)}</option>
                    {events}
                </select>
                <span class="summary" data-testid="result-count">{summary}</span>
            </div>
            {move || {
                if !leads.is_ready() {
                    EitherOf3::A(view! { <p class="loading">{tr(Key::Loading)}</p> })
                } else if matching.with(Vec::is_empty) {
                    let empty = leads.leads.with(Vec::is_empty);
                    EitherOf3::B(view! {
                        <p class="empty" data-testid="empty">{tr(if empty { Key::LeadsEmpty } else { Key::LeadsNoMatch })}</p>
                    })
                } else {
                    EitherOf3::C(view! {
                        <ul class="lead-list">
                            <For each=move || matching.get().into_iter().take(MAX_ROWS) key=|l| (l.id, l.updated_at) let:lead>
                                <LeadRow lead/>
                            </For>
                        </ul>
                    })
                }
            }}
            <StoragePanel/>
        </section>
    }
}

#[component]
fn LeadRow(lead: Lead) -> impl IntoView {
    let i18n = use_i18n();
    let leads = use_local_leads();
    let toasts = use_toasts();
    let id = lead.id;
    let reach = [&lead.mobile, &lead.wechat, &lead.email].into_iter().flatten().next().cloned().unwrap_or_else(|| "—".into());
    let intent = lead.intent.code();
    // The stage a manager moved the lead to, shown once it has left the start of the pipeline.
    let stage = (lead.pipeline.stage != domain::PipelineStage::Lead).then(|| lead.pipeline.stage.code());
    let sync = crate::sync_state::use_sync();
    let attention = move || {
        let lang = i18n.lang.get();
        sync.attention.with(|all| all.iter().find(|a| a.lead_id == id).map(|a| reject_text(lang, &a.reason)))
    };
    view! {
        <li class="lead-row" data-testid="lead-row">
            <a class="lead-open" href=format!("/edit?id={id}")>
                <span class="company">{lead.company_name.clone()}</span>
                <span class="contact">{lead.contact_name.clone()}" · "{reach}</span>
                {move || attention().map(|reason| {
                    let title = reason.clone();
                    view! { <span class="attention" data-testid="attention" title=title>{tr(Key::AttentionBadge)}" · "{reason}</span> }
                })}
                <span class="meta">
                    <span class=format!("intent intent-{intent}")>{move || i18n.code("intent", intent)}</span>
                    {stage.map(|stage| view! {
                        <span class=format!("stage-chip stage-{stage}") data-testid="lead-stage">{move || i18n.code("stage", stage)}</span>
                    })}
                    {lead.event.clone().map(|e| view! { <span class="event">{e}</span> })}
                    <span class="when">{format_shanghai(lead.captured_at)}</span>
                </span>
            </a>
            {match crate::pages::edit::deletable_at(lead.pipeline.stage) {
                Ok(()) => view! {
                    <crate::components::delete_button::DeleteButton class="danger ghost"
                        on_delete=Callback::new(move |reason| delete_with_undo(leads, toasts, i18n, id, reason))/>
                }.into_any(),
                // A project: not deleted here; the toast says why.
                Err(why) => view! {
                    <button type="button" class="danger ghost not-allowed" data-testid="delete"
                        on:click=move |_| toasts.show(crate::components::toast::ToastKind::Problem, crate::pages::edit::not_deletable_text(i18n.lang.get_untracked(), why))>
                        {tr(Key::ActionDelete)}
                    </button>
                }.into_any(),
            }}
        </li>
    }
}

/// Why the server refused a change, for the officer.
fn reject_text(lang: crate::i18n::Lang, reason: &domain::sync::RejectReason) -> String {
    use domain::sync::RejectReason;
    match reason {
        RejectReason::NotYourLead => lang.text(Key::RejectNotYourLead).to_owned(),
        RejectReason::Invalid { errors } => {
            let fields: Vec<String> = errors.iter().map(|e| lang.text_of("field", e.field.name())).collect();
            fill(lang.text(Key::RejectInvalid), &[("fields", &fields.join("、"))])
        }
        RejectReason::Malformed { message } => fill(lang.text(Key::RejectMalformed), &[("message", message)]),
        RejectReason::NotWithdrawable { stage } => {
            fill(lang.text(Key::RejectNotWithdrawable), &[("stage", &lang.text_of("stage", stage.code()))])
        }
    }
}
