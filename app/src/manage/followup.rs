//! The overdue list: leads past their first-response or assessment deadline, longest overdue
//! first, with who follows them up.

use domain::followup::{Deadline, FollowUpRules, OverdueFilter};
use leptos::prelude::*;

use super::{beijing, document, grouped, yi, Frame, Section};
use crate::i18n::{fill, Key};

/// One overdue lead, ready to show.
#[derive(Clone, Debug)]
pub struct OverdueItem {
    pub lead_id: String,
    pub company_name: String,
    pub captured_at: String,
    pub intended_wan: Option<i64>,
    pub officer: String,
    pub department: String,
    pub assignee: Option<String>,
    /// The deadlines missed, with days late.
    pub missed: Vec<(Deadline, i64)>,
}

/// What the overdue page shows.
#[derive(Clone, Debug)]
pub struct OverdueList {
    pub rules: FollowUpRules,
    pub items: Vec<OverdueItem>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub filter: OverdueFilter,
    /// The filters' choices: officers, departments and events that occur.
    pub officers: Vec<String>,
    pub departments: Vec<String>,
    pub events: Vec<String>,
}

pub fn overdue_page(frame: &Frame, list: OverdueList) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let rules = fill(
        t(Key::ManageOverdueRules),
        &[
            ("first", &list.rules.first_response_days.to_string()),
            ("from", &yi(list.rules.assessment_from)),
            ("days", &list.rules.assessment_days.to_string()),
        ],
    );
    let count = fill(t(Key::ManageOverdueCount), &[("n", &grouped(list.total))]);
    let pager =
        |to: i64, key: Key| view! { <a class="button" href=format!("/manage/overdue?{}", list.filter.query_with_page(to))>{t(key)}</a> };
    let query = list.filter.query_with_page(0);
    let export = if query.is_empty() { "/manage/export/overdue.csv".to_owned() } else { format!("/manage/export/overdue.csv?{query}") };
    let any = t(Key::ManageFilterAny);
    let f = &list.filter;
    let filters = view! {
        <form class="filters" method="get" action="/manage/overdue" data-testid="overdue-filters">
            {super::leads::select("officer", t(Key::ManageColOfficer).into(), any, super::leads::plain(&list.officers), &f.officer)}
            {super::leads::select("department", t(Key::ManageColDepartment).into(), any, super::leads::plain(&list.departments), &f.department)}
            {super::leads::select("event", t(Key::FieldEvent).into(), any, super::leads::plain(&list.events), &f.event)}
            <div class="filter-actions">
                <button type="submit" class="primary" data-testid="apply-filters">{t(Key::ManageFilterApply)}</button>
                <a class="button" href="/manage/overdue">{t(Key::ManageFilterClear)}</a>
            </div>
        </form>
    };
    let prev = (list.page > 0).then(|| pager(list.page - 1, Key::ManagePrev));
    let next = (list.page + 1 < list.pages).then(|| pager(list.page + 1, Key::ManageNext));
    let page_text = fill(t(Key::ManagePage), &[("page", &(list.page + 1).to_string()), ("pages", &list.pages.max(1).to_string())]);
    let items = list.items;
    let body = view! {
        <h1>{t(Key::ManageOverdueTitle)}</h1>
        <p class="hint">{rules}</p>
        {filters}
        <div class="list-bar">
            <strong data-testid="overdue-count">{count}</strong>
            <span class="spacer"></span>
            <a class="button" href=export data-testid="export-overdue">{t(Key::ManageExportCsv)}</a>
        </div>
        {if items.is_empty() {
            view! { <p class="empty">{t(Key::ManageOverdueNone)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="review" data-testid="overdue">
                        <thead><tr>
                            <th>{t(Key::ManageColCompany)}</th><th>{t(Key::ManageOverdueMissed)}</th><th class="num">{t(Key::ManageColIntended)}</th>
                            <th>{t(Key::ManageColOfficer)}</th><th>{t(Key::ManageFollowupAssignee)}</th><th>{t(Key::ManageColCaptured)}</th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|item| {
                                let href = format!("/manage/leads/{}", item.lead_id);
                                let missed = item.missed.iter().map(|(deadline, days)| {
                                    let late = fill(t(Key::ManageOverdueLate), &[("days", &days.to_string())]);
                                    view! { <span class="tag warn">{lang.text_of("deadline", deadline.code())}" · "{late}</span><br/> }
                                }).collect_view();
                                view! {
                                    <tr data-testid="overdue-row">
                                        <td class="company"><a href=href>{item.company_name}</a></td>
                                        <td>{missed}</td>
                                        <td class="num">{item.intended_wan.map(grouped).unwrap_or_default()}</td>
                                        <td>{item.officer}<br/><span class="muted">{item.department}</span></td>
                                        <td>{item.assignee.unwrap_or_else(|| t(Key::ManageFollowupNobody).to_owned())}</td>
                                        <td class="muted">{beijing(&item.captured_at)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <nav class="pager">{prev}<span>{page_text}</span>{next}</nav>
    };
    document(frame, Some(Section::Overdue), t(Key::ManageNavOverdue), body.into_any())
}
