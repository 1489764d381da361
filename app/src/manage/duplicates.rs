//! Possible duplicates: pairs of leads sharing a mobile, WeChat ID, credit code or company name,
//! each with a merge button (the lead captured first keeps the credit), and the page that says
//! what a merge will do and asks to confirm it.

use leptos::prelude::*;

use super::{beijing, document, Frame, Section};
use crate::i18n::{Key, Lang};

/// One lead of a pair, as listed.
#[derive(Clone, Debug)]
pub struct PairSide {
    pub lead_id: String,
    pub company_name: String,
    pub contact_name: String,
    pub officer: String,
    pub captured_at: String,
}

/// A pair: `keeps` was captured first and survives a merge.
#[derive(Clone, Debug)]
pub struct PairView {
    pub keeps: PairSide,
    pub absorbed: PairSide,
    /// Key kinds shared (`mobile`, `company`, …).
    pub kinds: Vec<String>,
}

fn side(side: PairSide) -> impl IntoView {
    let href = format!("/manage/leads/{}", side.lead_id);
    view! {
        <a href=href><strong>{side.company_name}</strong></a><br/>
        {side.contact_name}" · "{side.officer}<br/>
        <span class="muted">{beijing(&side.captured_at)}</span>
    }
}

/// The kinds of a pair's shared keys in words.
pub fn kinds_text(lang: Lang, kinds: &[String]) -> String {
    kinds.iter().map(|k| lang.text_of("dupkey", k)).collect::<Vec<_>>().join("、")
}

/// A merge form for a pair.
pub fn merge_button(lang: Lang, csrf: &str, keeps: &str, absorbed: &str) -> impl IntoView {
    view! {
        <form method="post" action="/manage/duplicates/merge" class="inline">
            {super::csrf_input(csrf)}
            <input type="hidden" name="keep" value=keeps.to_owned()/>
            <input type="hidden" name="absorb" value=absorbed.to_owned()/>
            <button type="submit" class="button" data-testid="merge">{lang.text(Key::ManageDupMerge)}</button>
        </form>
    }
}

pub fn duplicates_page(frame: &Frame, pairs: Vec<PairView>) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let body = view! {
        <h1>{t(Key::ManageDupTitle)}</h1>
        <p class="hint">{t(Key::ManageDupHint)}</p>
        {if pairs.is_empty() {
            view! { <p class="empty">{t(Key::ManageDupNone)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="review" data-testid="duplicates">
                        <thead><tr><th>{t(Key::ManageDupKeeps)}</th><th>{t(Key::ManageDupAbsorbed)}</th><th>{t(Key::ManageDupShared)}</th><th>{t(Key::ManageActions)}</th></tr></thead>
                        <tbody>
                            {pairs.into_iter().map(|pair| {
                                let button = merge_button(lang, &frame.csrf, &pair.keeps.lead_id, &pair.absorbed.lead_id);
                                view! {
                                    <tr data-testid="duplicate-pair">
                                        <td>{side(pair.keeps)}</td>
                                        <td>{side(pair.absorbed)}</td>
                                        <td>{kinds_text(lang, &pair.kinds)}</td>
                                        <td>{button}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    };
    document(frame, Some(Section::Duplicates), t(Key::ManageNavDuplicates), body.into_any())
}

/// What a merge will do, to confirm.
#[derive(Clone, Debug)]
pub struct MergePreview {
    pub keeps: PairSide,
    pub absorbed: PairSide,
    /// The attributes the survivor lacks and takes from the other (their names in the lead's JSON).
    pub filled: Vec<String>,
}

pub fn merge_confirm_page(frame: &Frame, preview: MergePreview) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let filled = if preview.filled.is_empty() {
        t(Key::ManageDupFillsNothing).to_owned()
    } else {
        let names: Vec<String> = preview.filled.iter().map(|a| lang.text_of("field", a)).collect();
        crate::i18n::fill(t(Key::ManageDupFills), &[("fields", &names.join("、"))])
    };
    let dropped = crate::i18n::fill(t(Key::ManageDupDrops), &[("company", &preview.keeps.company_name)]);
    let back = "/manage/duplicates";
    let body = view! {
        <p><a class="button" href=back>{t(Key::ManageDupBack)}</a></p>
        <h1>{t(Key::ManageDupConfirmTitle)}</h1>
        <div class="lead-columns">
            <section class="card" data-testid="merge-keeps"><h2>{t(Key::ManageDupKeeps)}</h2><p>{side(preview.keeps.clone())}</p><p>{filled}</p></section>
            <section class="card" data-testid="merge-absorbed"><h2>{t(Key::ManageDupAbsorbed)}</h2><p>{side(preview.absorbed.clone())}</p><p>{dropped}</p></section>
        </div>
        <p class="muted">{t(Key::ManageDupConfirmExplained)}</p>
        <form method="post" action="/manage/duplicates/merge">
            {super::csrf_input(&frame.csrf)}
            <input type="hidden" name="keep" value=preview.keeps.lead_id.clone()/>
            <input type="hidden" name="absorb" value=preview.absorbed.lead_id.clone()/>
            <input type="hidden" name="confirm" value="1"/>
            <button type="submit" class="primary" data-testid="merge-confirm">{t(Key::ManageDupConfirm)}</button>
        </form>
    };
    document(frame, Some(Section::Duplicates), t(Key::ManageDupConfirmTitle), body.into_any())
}
