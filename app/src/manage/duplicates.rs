//! Possible duplicates: pairs of leads sharing a mobile, WeChat ID, credit code or company name,
//! each with a merge button (the lead captured first keeps the credit).

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
                        <thead><tr><th>{t(Key::ManageDupKeeps)}</th><th>{t(Key::ManageDupAbsorbed)}</th><th>{t(Key::ManageDupShared)}</th><th></th></tr></thead>
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
