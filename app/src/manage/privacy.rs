//! A lead's personal-information section (PIPL): the export of everything held on the contact
//! (an access request), and the erasure of their personal data, after a confirmation; on an
//! erased lead, when and on what basis it was erased.

use leptos::prelude::*;

use super::{beijing, csrf_input};
use crate::i18n::{fill, Key, Lang};

/// An erasure of the lead, as recorded.
#[derive(Clone, Debug)]
pub struct ErasureView {
    /// A `basis.<code>` code.
    pub basis: String,
    /// RFC 3339.
    pub at: String,
}

/// The section: `erasures` empty while the contact's data is held.
pub fn section(lang: Lang, csrf: &str, lead_id: &str, erasures: &[ErasureView], error: Option<Key>) -> impl IntoView {
    let t = move |key| lang.text(key);
    let export = format!("/manage/leads/{lead_id}/personal-data.json");
    // The page that answers a refused erasure opens at this section, where its message is.
    let action = format!("/manage/leads/{lead_id}/erase#privacy");
    let erased = erasures.first().map(|e| {
        let said = fill(t(Key::ManagePiplErasedNotice), &[("at", &beijing(&e.at)), ("basis", &lang.text_of("basis", &e.basis))]);
        view! { <p class="notice" role="status" data-testid="lead-erased"><strong>{said}</strong></p> }
    });
    let form = erasures.is_empty().then(|| {
        let bases = ["contact_request", "consent_withdrawn"]
            .into_iter()
            .map(|code| view! { <option value=code>{lang.text_of("basis", code)}</option> })
            .collect_view();
        view! {
            <form method="post" action=action data-testid="erase-form">
                {csrf_input(csrf)}
                <h3>{t(Key::ManagePiplErase)}</h3>
                <p class="muted">{t(Key::ManagePiplEraseExplained)}</p>
                {error.map(|key| view! { <p class="form-error" role="alert" data-testid="erase-error">{t(key)}</p> })}
                <div class="form-grid">
                    <label>{t(Key::ManagePiplBasis)}<select name="basis" data-testid="erase-basis">{bases}</select></label>
                    <label>{t(Key::ManagePiplNote)}<input type="text" name="note" maxlength="200" data-testid="erase-note"/></label>
                </div>
                <label class="check"><input type="checkbox" name="confirm" value="1" data-testid="erase-confirm"/>{t(Key::ManagePiplConfirm)}</label>
                <button type="submit" class="button danger" data-testid="erase-submit">{t(Key::ManagePiplErase)}</button>
            </form>
        }
    });
    view! {
        <section class="card" id="privacy" data-testid="lead-privacy">
            <h2>{t(Key::ManagePiplTitle)}</h2>
            {erased}
            <p class="muted">{t(Key::ManagePiplExplained)}</p>
            <p><a class="button" href=export download="" data-testid="personal-data-export">{t(Key::ManagePiplExport)}</a></p>
            {form}
        </section>
    }
}
