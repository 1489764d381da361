//! Handing leads to another officer: the form on a lead's page, and the page that hands all of
//! one officer's leads to another (after a confirmation that says how many).

use leptos::prelude::*;

use super::{csrf_input, document, Frame, Section};
use crate::i18n::{fill, Key, Lang};

/// An officer leads can be handed to or from.
#[derive(Clone, Debug)]
pub struct OfficerChoice {
    pub username: String,
    /// How they are shown (their name, department).
    pub label: String,
    /// How many leads they own.
    pub leads: usize,
    /// Whether their account is enabled (leads go only to such officers; they may come from any).
    pub active: bool,
}

fn options<'a>(officers: impl Iterator<Item = &'a OfficerChoice>, selected: &str, skip: Option<&str>) -> impl IntoView {
    officers
        .filter(|o| Some(o.username.as_str()) != skip)
        .map(|o| {
            let is = o.username == selected;
            view! { <option value=o.username.clone() selected=is>{o.label.clone()}</option> }
        })
        .collect_view()
}

/// The lead page's form: hand this lead (owned by `owner`) to another officer.
pub fn lead_form(lang: Lang, csrf: &str, lead_id: &str, owner: &str, officers: &[OfficerChoice]) -> impl IntoView {
    let t = move |key| lang.text(key);
    let action = format!("/manage/leads/{lead_id}/reassign");
    let choices = options(officers.iter().filter(|o| o.active), "", Some(owner)).into_any();
    view! {
        <form class="reassign-form" method="post" action=action data-testid="reassign-form">
            {csrf_input(csrf)}
            <h2>{t(Key::ManageReassignTitle)}</h2>
            <p class="muted">{t(Key::ManageReassignExplained)}</p>
            <div class="form-grid">
                <label>{t(Key::ManageReassignTo)}
                    <select name="to" data-testid="reassign-to" required>
                        <option value="">"—"</option>
                        {choices}
                    </select>
                </label>
            </div>
            <button type="submit" class="button" data-testid="reassign-submit">{t(Key::ManageReassignSubmit)}</button>
        </form>
    }
}

/// A bulk handover waiting for the manager's confirmation.
#[derive(Clone, Debug)]
pub struct Confirm {
    pub from: OfficerChoice,
    pub to: OfficerChoice,
}

/// The bulk handover page.
#[derive(Clone, Debug, Default)]
pub struct ReassignPage {
    pub officers: Vec<OfficerChoice>,
    /// The choice as posted (to keep the form as typed).
    pub from: String,
    pub to: String,
    pub confirm: Option<Confirm>,
    /// A message above the form: whether it tells of a success, and its text.
    pub notice: Option<(bool, String)>,
}

pub fn reassign_page(frame: &Frame, page: ReassignPage) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let csrf = frame.csrf.clone();
    let confirm = page.confirm.map(|c| {
        let question = fill(
            t(Key::ManageReassignConfirm),
            &[("from", &c.from.label), ("count", &c.from.leads.to_string()), ("to", &c.to.label)],
        );
        view! {
            <section class="card notice warn" data-testid="reassign-confirm" role="status">
                <p><strong>{question}</strong></p>
                <p class="muted">{t(Key::ManageReassignExplained)}</p>
                <form method="post" action="/manage/reassign" class="inline">
                    {csrf_input(&csrf)}
                    <input type="hidden" name="from" value=c.from.username.clone()/>
                    <input type="hidden" name="to" value=c.to.username.clone()/>
                    <input type="hidden" name="confirm" value="1"/>
                    <button type="submit" class="primary" data-testid="reassign-confirm-button">{t(Key::ManageReassignConfirmButton)}</button>
                    <a class="button ghost" href="/manage/reassign">{t(Key::ManageReassignCancel)}</a>
                </form>
            </section>
        }
    });
    let notice = page.notice.map(|(ok, text)| {
        let class = if ok { "form-ok" } else { "form-error" };
        view! { <p class=class role=if ok { "status" } else { "alert" } data-testid="reassign-notice">{text}</p> }
    });
    let body = view! {
        <p><a class="button" href="/manage/leads">{t(Key::ManageLeadBack)}</a></p>
        <h1>{t(Key::ManageReassignBulkTitle)}</h1>
        <p class="muted">{t(Key::ManageReassignBulkExplained)}</p>
        {notice}
        {confirm}
        <form class="card" method="post" action="/manage/reassign" data-testid="reassign-bulk-form">
            {csrf_input(&frame.csrf)}
            <div class="form-grid">
                <label>{t(Key::ManageReassignFrom)}
                    <select name="from" data-testid="reassign-from" required>
                        <option value="">"—"</option>
                        {options(page.officers.iter(), &page.from, None)}
                    </select>
                </label>
                <label>{t(Key::ManageReassignTo)}
                    <select name="to" data-testid="reassign-to" required>
                        <option value="">"—"</option>
                        {options(page.officers.iter().filter(|o| o.active), &page.to, None)}
                    </select>
                </label>
            </div>
            <button type="submit" class="button" data-testid="reassign-submit">{t(Key::ManageReassignSubmit)}</button>
        </form>
    };
    document(frame, Some(Section::Leads), t(Key::ManageReassignBulkTitle), body.into_any())
}
