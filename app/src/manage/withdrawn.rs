//! The leads their officers withdrew (deleted on the tablet): out of every other list and figure,
//! listed here with who withdrew each and when, each a link to its page, where it can be restored.

use leptos::prelude::*;

use super::{beijing, document, Frame, Section};
use crate::i18n::Key;

/// One withdrawn lead, ready to show.
#[derive(Clone, Debug)]
pub struct WithdrawnView {
    pub lead_id: String,
    pub company_name: String,
    pub contact_name: String,
    pub officer: String,
    /// RFC 3339.
    pub withdrawn_at: String,
    pub withdrawn_by: String,
    pub reason: Option<String>,
}

pub fn withdrawn_page(frame: &Frame, rows: Vec<WithdrawnView>) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let body = view! {
        <p><a class="button" href="/manage/leads">{t(Key::ManageLeadBack)}</a></p>
        <h1>{t(Key::ManageWithdrawnTitle)}</h1>
        <p class="muted">{t(Key::ManageWithdrawnExplained)}</p>
        {if rows.is_empty() {
            view! { <p class="empty" data-testid="withdrawn-empty">{t(Key::ManageWithdrawnEmpty)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="review" data-testid="withdrawn-table">
                        <thead><tr>
                            <th>{t(Key::ManageColCompany)}</th>
                            <th>{t(Key::ManageColContact)}</th>
                            <th>{t(Key::ManageColOfficer)}</th>
                            <th>{t(Key::ManageWithdrawnColAt)}</th>
                            <th>{t(Key::ManageWithdrawnColBy)}</th>
                            <th>{t(Key::ManageWithdrawnReason)}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let href = format!("/manage/leads/{}", r.lead_id);
                                view! {
                                    <tr>
                                        <td><a href=href>{r.company_name}</a></td>
                                        <td>{r.contact_name}</td>
                                        <td>{r.officer}</td>
                                        <td class="muted">{beijing(&r.withdrawn_at)}</td>
                                        <td>{r.withdrawn_by}</td>
                                        <td data-testid="withdrawn-row-reason">{r.reason.map(|code| lang.text_of("withdraw_reason", &code)).unwrap_or_default()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    };
    document(frame, Some(Section::Leads), t(Key::ManageWithdrawnTitle), body.into_any())
}
