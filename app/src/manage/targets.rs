//! The targets page: every target by period, and for administrators the form that adds or
//! changes one (a target with the same period, metric, industries and supervision is replaced).

use domain::report::{Metric, Target};
use domain::{IndustryChain, IndustrySegment, Supervision};
use leptos::prelude::*;

use super::dashboard::{amount, period_name, scope_text};
use super::{document, Frame, Section};
use crate::i18n::{Key, Lang};

/// The target form as typed.
#[derive(Clone, Debug, Default)]
pub struct TargetForm {
    pub period: String,
    pub metric: String,
    pub scope: Vec<String>,
    pub supervision: String,
    pub value: String,
}

/// What the targets page shows.
#[derive(Clone, Debug, Default)]
pub struct TargetsView {
    pub targets: Vec<(i64, Target)>,
    pub can_edit: bool,
    pub form: TargetForm,
    pub error: Option<Key>,
    pub saved: bool,
}

fn form_view(lang: Lang, csrf: &str, form: &TargetForm) -> impl IntoView {
    let t = move |key| lang.text(key);
    let metrics = Metric::ALL
        .iter()
        .map(|m| {
            let is = m.code() == form.metric;
            view! { <option value=m.code() selected=is>{lang.text_of("metric", m.code())}</option> }
        })
        .collect_view();
    let scope_options = IndustryChain::ALL
        .iter()
        .map(|c| (c.code(), lang.text_of("industry", c.code())))
        .chain(IndustrySegment::ALL.iter().map(|s| (s.code(), format!("· {}", lang.text_of("segment", s.code())))))
        .map(|(code, name)| {
            let is = form.scope.iter().any(|s| s == code);
            view! { <option value=code selected=is>{name}</option> }
        })
        .collect_view();
    let supervision_options = Supervision::ALL
        .iter()
        .map(|s| {
            let is = s.code() == form.supervision;
            view! { <option value=s.code() selected=is>{lang.text_of("supervision", s.code())}</option> }
        })
        .collect_view();
    view! {
        <form class="target-form card" method="post" action="/manage/targets" data-testid="target-form">
            {super::csrf_input(csrf)}
            <h2>{t(Key::ManageTargetsAdd)}</h2>
            <p class="hint">{t(Key::ManageTargetsUnitHint)}</p>
            <div class="form-grid">
                <label>{t(Key::ManageTargetsPeriod)}<input type="text" name="period" value=form.period.clone() placeholder="2023-Q1" required/></label>
                <label>{t(Key::ManageDashMetric)}<select name="metric">{metrics}</select></label>
                <label>{t(Key::ManageTargetsValue)}<input type="text" inputmode="numeric" name="value" value=form.value.clone() required/></label>
                <label>{t(Key::ManageTargetsSupervision)}<select name="supervision"><option value="">{t(Key::ManageDashScopeAll)}</option>{supervision_options}</select></label>
                <label class="wide">{t(Key::ManageTargetsScope)}<select name="scope" multiple size="6">{scope_options}</select></label>
            </div>
            <button type="submit" class="primary">{t(Key::ManageTargetsSave)}</button>
        </form>
    }
}

/// The targets page.
pub fn targets_page(frame: &Frame, page: TargetsView) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let editing = page.can_edit;
    let rows = page.targets.clone();
    let csrf = frame.csrf.clone();
    let body = view! {
        <h1>{t(Key::ManageTargetsTitle)}</h1>
        {page.saved.then(|| view! { <p class="form-ok" role="status">{t(Key::ManageTargetsSaved)}</p> })}
        {page.error.map(|key| view! { <p class="form-error" role="alert" data-testid="target-error">{t(key)}</p> })}
        {if editing { form_view(lang, &frame.csrf, &page.form).into_any() } else { view! { <p class="hint">{t(Key::ManageTargetsAdminOnly)}</p> }.into_any() }}
        <section class="card">
            {rows.is_empty().then(|| view! { <p class="empty">{t(Key::ManageTargetsNone)}</p> })}
            <table class="targets-list" data-testid="targets-list">
                <thead><tr>
                    <th>{t(Key::ManageDashPeriod)}</th><th>{t(Key::ManageDashMetric)}</th><th>{t(Key::ManageColIndustry)}</th>
                    <th>{t(Key::ManageTargetsSupervision)}</th><th class="num">{t(Key::ManageTargetsValue)}</th><th>{t(Key::ManageActions)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|(id, target)| {
                        let delete = format!("/manage/targets/{id}/delete");
                        let supervision = target.supervision.map(|s| lang.text_of("supervision", s.code())).unwrap_or_default();
                        view! {
                            <tr>
                                <td>{period_name(lang, target.period)}</td>
                                <td>{lang.text_of("metric", target.metric.code())}</td>
                                <td>{scope_text(lang, &target)}</td>
                                <td>{supervision}</td>
                                <td class="num">{amount(lang, target.metric.unit(), target.value)}</td>
                                <td>{editing.then(|| view! {
                                    <form method="post" action=delete class="inline">{super::csrf_input(&csrf)}<button type="submit" class="danger">{t(Key::ManageTargetsDelete)}</button></form>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    };
    document(frame, Some(Section::Targets), t(Key::ManageNavTargets), body.into_any())
}
