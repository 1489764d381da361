//! Editing a lead on the tablet (`/edit?id=…`). The query string, not the path, names the lead, so
//! the service worker serves this one cached page for every lead while offline. The server renders
//! it empty; the tablet fills it in from its store.

use domain::{Lead, LeadDraft, LeadId, LeadMeta};
use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::components::card_photo::{keep_taken, not_kept_text, FormPhoto};
use crate::components::fields::FormState;
use crate::components::toast::{use_toasts, ToastKind, Toasts};
use crate::i18n::{fill, tr, use_i18n, I18n, Key};
use crate::local_leads::{use_local_leads, LocalLeads};
use crate::offline::outbox::NotWithdrawable;
use crate::page::{go_to, query_param};
use crate::pages::lead_form::{parse_or_show_errors, report_store_error, LeadForm};

/// Deletes a lead and offers to undo it; shared by the list and the edit screen. A lead that has
/// become a project is not deleted: the toast says why.
pub fn delete_with_undo(leads: LocalLeads, toasts: Toasts, i18n: I18n, id: LeadId, reason: &'static str) {
    let sync = crate::sync_state::use_sync();
    leptos::task::spawn_local(async move {
        let lang = move || i18n.lang.get_untracked();
        match leads.delete(id, reason).await {
            Ok(Some(Ok(lead))) => {
                sync.recount();
                let message = fill(lang().text(Key::ToastDeleted), &[("company", &lead.company_name)]);
                let undo = Callback::new(move |()| {
                    let lead = lead.clone();
                    leptos::task::spawn_local(async move {
                        match leads.undo_delete(lead).await {
                            Ok(queued) => {
                                sync.after_save(queued);
                                toasts.show(ToastKind::Ok, lang().text(Key::ToastRestored).to_owned());
                            }
                            Err(error) => report_store_error(toasts, lang(), error),
                        }
                    });
                });
                toasts.show_with_undo(message, undo);
            }
            Ok(Some(Err(why))) => toasts.show(ToastKind::Problem, not_deletable_text(lang(), why)),
            Ok(None) => {}
            Err(error) => report_store_error(toasts, lang(), error),
        }
    });
}

/// Why a lead cannot be deleted on the tablet, for the officer.
pub fn not_deletable_text(lang: crate::i18n::Lang, why: NotWithdrawable) -> String {
    match why {
        NotWithdrawable::Stage(stage) => fill(lang.text(Key::DeleteNotAllowed), &[("stage", &lang.text_of("stage", stage.code()))]),
        NotWithdrawable::Already => lang.text(Key::DeleteAlready).to_owned(),
    }
}

/// Whether the officer may delete a lead at `stage` on the tablet, or why not.
pub fn deletable_at(stage: domain::PipelineStage) -> Result<(), NotWithdrawable> {
    if domain::Withdrawal::allowed_at(stage) {
        Ok(())
    } else {
        Err(NotWithdrawable::Stage(stage))
    }
}

/// What the edit screen can show.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Showing {
    Loading,
    Form,
    NotFound,
}

#[component]
pub fn EditPage() -> impl IntoView {
    let i18n = use_i18n();
    let leads = use_local_leads();
    let toasts = use_toasts();
    let sync = crate::sync_state::use_sync();
    let id = RwSignal::new(None::<LeadId>);
    Effect::new(move |_| id.set(query_param("id").and_then(|raw| uuid::Uuid::parse_str(&raw).ok()).map(LeadId)));
    let form = FormState::new(LeadDraft::default());
    // The lead as it was loaded: the form edits a copy, saving keeps its identity and capture data.
    let original = RwSignal::new(None::<Lead>);
    Effect::new(move |_| {
        if !leads.is_ready() || original.with_untracked(Option::is_some) {
            return;
        }
        if let Some(lead) = id.get().and_then(|id| leads.get(id)) {
            form.draft.set(LeadDraft::from_lead(&lead));
            let lead_id = lead.id;
            original.set(Some(lead));
            leptos::task::spawn_local(async move {
                if let Ok(kept) = crate::offline::photos::of(lead_id).await {
                    form.photos.set(kept.into_iter().map(FormPhoto::from).collect());
                }
            });
        }
    });
    let showing = Memo::new(move |_| {
        let exists =
            original.with(|o| o.as_ref().map(|lead| lead.id)).is_some_and(|id| leads.leads.with(|all| all.iter().any(|l| l.id == id)));
        match (leads.is_ready(), exists) {
            (false, _) => Showing::Loading,
            (true, true) => Showing::Form,
            (true, false) => Showing::NotFound,
        }
    });
    let saving = RwSignal::new(false);

    let on_submit = Callback::new(move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(meta) = original.with_untracked(|o| o.as_ref().map(Lead::meta)) else { return };
        let meta = LeadMeta { updated_at: domain::time::now(), ..meta };
        let Some(lead) = parse_or_show_errors(form, meta, toasts, i18n.lang.get_untracked()) else { return };
        saving.set(true);
        let company = lead.company_name.clone();
        let lead_id = lead.id;
        leptos::task::spawn_local(async move {
            match leads.save(lead).await {
                Ok(queued) => {
                    sync.after_save(queued);
                    let lang = i18n.lang.get_untracked();
                    if let Err(error) = keep_taken(&form.photos.get_untracked(), lead_id).await {
                        // The lead is saved; the photo stays in the form for another try.
                        toasts.show(ToastKind::Problem, not_kept_text(lang, &error));
                        saving.set(false);
                        return;
                    }
                    toasts.show_on_next_screen(fill(lang.text(Key::ToastEdited), &[("company", &company)]));
                    go_to("/leads");
                }
                Err(error) => {
                    report_store_error(toasts, i18n.lang.get_untracked(), error);
                    saving.set(false);
                }
            }
        });
    });
    let on_delete = Callback::new(move |reason: &'static str| {
        if let Some(id) = original.with_untracked(|o| o.as_ref().map(|l| l.id)) {
            delete_with_undo(leads, toasts, i18n, id, reason);
        }
    });

    view! {
        <section class="page edit-page">
            <h1>{tr(Key::CaptureEditTitle)}</h1>
            {move || match showing.get() {
                Showing::Loading => EitherOf3::A(view! { <p class="loading">{tr(Key::Loading)}</p> }),
                Showing::Form => EitherOf3::B(view! {
                    <LeadForm form capturing=false saving=saving.read_only() on_submit on_delete/>
                }),
                Showing::NotFound => EitherOf3::C(view! {
                    <p class="not-found" data-testid="not-found">{tr(Key::CaptureNotFound)}</p>
                    <a class="button secondary" href="/leads">{tr(Key::ActionCancel)}</a>
                }),
            }}
        </section>
    }
}
