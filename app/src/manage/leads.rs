//! The lead table: filters (a GET form, so every filtered list is a link), search, sorting,
//! pages, and the exports of exactly the filtered list.

use domain::review::{origin_class_code, LeadFilter, ReviewPage, ReviewRow, Sort, PAGE_SIZE};
use domain::{IndustryChain, Intent, PipelineStage};
use leptos::prelude::*;

use super::{beijing, document, grouped, Frame, Section};
use crate::i18n::{fill, Key, Lang};

/// What the lead table shows.
#[derive(Clone, Debug, Default)]
pub struct LeadList {
    pub filter: LeadFilter,
    pub page: ReviewPage,
    /// A filter that could not be applied, said in words.
    pub error: Option<String>,
    pub events: Vec<String>,
    pub officers: Vec<String>,
    pub departments: Vec<String>,
}

/// A `<select>` of `options` (value, label) with "any" first, `selected` chosen.
pub(crate) fn select(
    name: &'static str,
    label: String,
    any: &'static str,
    options: Vec<(String, String)>,
    selected: &str,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let label_for = id.clone();
    let selected = selected.to_owned();
    view! {
        <label class="filter" for=label_for>
            <span>{label}</span>
            <select id=id name=name>
                <option value="">{any}</option>
                {options.into_iter().map(|(value, text)| {
                    let is = value == selected;
                    view! { <option value=value selected=is>{text}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

fn codes<T: Copy>(lang: Lang, prefix: &str, all: &[T], code: fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter().map(|v| (code(*v).to_owned(), lang.text_of(prefix, code(*v)))).collect()
}

pub(crate) fn plain(values: &[String]) -> Vec<(String, String)> {
    values.iter().map(|v| (v.clone(), v.clone())).collect()
}

fn filter_form(lang: Lang, list: &LeadList) -> impl IntoView {
    let t = move |key| lang.text(key);
    let f = &list.filter;
    let any = t(Key::ManageFilterAny);
    let origins = [domain::OriginClass::InProvince, domain::OriginClass::OutOfProvince, domain::OriginClass::Foreign]
        .iter()
        .map(|c| (origin_class_code(*c).to_owned(), lang.text_of("origin_class", origin_class_code(*c))))
        .collect();
    let sorts = Sort::ALL.iter().map(|s| (s.code().to_owned(), lang.text_of("manage.sort", s.code()))).collect::<Vec<_>>();
    let sort = f.sort.code();
    let set = [&f.event, &f.industry, &f.stage, &f.origin, &f.intent, &f.tier, &f.officer, &f.department, &f.from, &f.to]
        .iter()
        .filter(|v| !v.trim().is_empty())
        .count();
    let toggle = if set == 0 { t(Key::ManageFilterMore).to_owned() } else { fill(t(Key::ManageFilterMoreSet), &[("n", &set.to_string())]) };
    view! {
        <form class="filters" method="get" action="/manage/leads" data-testid="lead-filters">
            <label class="filter search">
                <span>{t(Key::ManageFilterSearch)}</span>
                <input type="search" name="q" value=f.q.clone() placeholder=t(Key::ManageFilterSearch)/>
            </label>
            // In portrait the other filters fold away behind this switch (CSS only; it has no name,
            // so the form does not send it).
            <label class="filter-toggle" data-testid="filters-toggle">
                <input type="checkbox" checked=set != 0/>
                <span>{toggle}</span>
            </label>
            <div class="more-filters">
            {select("event", t(Key::FieldEvent).into(), any, plain(&list.events), &f.event)}
            {select("industry", t(Key::FieldIndustry).into(), any, codes(lang, "industry", IndustryChain::ALL, IndustryChain::code), &f.industry)}
            {select("stage", t(Key::ManageColStage).into(), any, codes(lang, "stage", PipelineStage::ALL, PipelineStage::code), &f.stage)}
            {select("origin", t(Key::ManageColOrigin).into(), any, origins, &f.origin)}
            {select("intent", t(Key::FieldIntent).into(), any, codes(lang, "intent", &Intent::ALL, Intent::code), &f.intent)}
            {select("tier", t(Key::FieldTier).into(), any, vec![("top_500".into(), t(Key::ManageFilterTop500).into())], &f.tier)}
            {select("officer", t(Key::ManageColOfficer).into(), any, plain(&list.officers), &f.officer)}
            {select("department", t(Key::ManageColDepartment).into(), any, plain(&list.departments), &f.department)}
            <label class="filter">
                <span>{t(Key::ManageFilterFrom)}</span>
                <input type="date" name="from" value=f.from.clone()/>
            </label>
            <label class="filter">
                <span>{t(Key::ManageFilterTo)}</span>
                <input type="date" name="to" value=f.to.clone()/>
            </label>
            <label class="filter">
                <span>{t(Key::ManageSortLabel)}</span>
                <select name="sort">
                    {sorts.into_iter().map(|(value, text)| {
                        let is = value == sort;
                        view! { <option value=value selected=is>{text}</option> }
                    }).collect_view()}
                </select>
            </label>
            </div>
            <div class="filter-actions">
                <button type="submit" class="primary" data-testid="apply-filters">{t(Key::ManageFilterApply)}</button>
                <a class="button" href="/manage/leads">{t(Key::ManageFilterClear)}</a>
            </div>
        </form>
    }
}

fn row_view(lang: Lang, row: ReviewRow) -> impl IntoView {
    let href = format!("/manage/leads/{}", row.id);
    let stage_class = format!("stage-chip stage-{}", row.stage.code());
    let industry = row.industry.map(|i| lang.text_of("industry", i.code())).unwrap_or_default();
    let origin = row.origin.map(|o| lang.text_of("origin_class", origin_class_code(o))).unwrap_or_default();
    let amount = row.agreed_wan.or(row.intended_wan).map(grouped).unwrap_or_default();
    view! {
        <tr data-testid="lead-row">
            <td class="company"><a href=href>{row.company_name}</a>{row.top_500.then(|| view! { <span class="tag">"500"</span> })}</td>
            <td>{row.contact_name}<br/><span class="muted">{row.mobile.unwrap_or_default()}</span></td>
            <td>{row.event.unwrap_or_default()}</td>
            <td>{industry}</td>
            <td>{origin}</td>
            <td><span class=stage_class>{lang.text_of("stage", row.stage.code())}</span></td>
            <td class="num">{amount}</td>
            <td>{row.officer}<br/><span class="muted">{row.department}</span></td>
            <td class="muted">{beijing(&row.captured_at)}</td>
        </tr>
    }
}

/// The lead table page.
pub fn lead_list(frame: &Frame, list: LeadList) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let total = list.page.total;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = list.filter.page.clamp(0, pages - 1);
    let query = list.filter.query_with_page(0);
    let export = |path: &str| if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") };
    let pager = |to: i64, key: Key| {
        let href = format!("/manage/leads?{}", list.filter.query_with_page(to));
        view! { <a class="button" href=href rel=if to < page { "prev" } else { "next" }>{t(key)}</a> }
    };
    let prev = (page > 0).then(|| pager(page - 1, Key::ManagePrev));
    let next = (page + 1 < pages).then(|| pager(page + 1, Key::ManageNext));
    let page_text = fill(t(Key::ManagePage), &[("page", &(page + 1).to_string()), ("pages", &pages.to_string())]);
    let count = fill(t(Key::ManageCount), &[("n", &grouped(total))]);
    let error = list.error.clone().map(|detail| fill(t(Key::ManageBadFilter), &[("detail", &detail)]));
    let body = view! {
        <h1>{t(Key::ManageNavLeads)}</h1>
        {filter_form(lang, &list)}
        {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        <div class="list-bar">
            <strong data-testid="lead-count">{count}</strong>
            <span class="spacer"></span>
            <a class="button" href=export("/manage/export/leads.csv") data-testid="export-csv">{t(Key::ManageExportCsv)}</a>
            <a class="button" href=export("/manage/export/leads.xlsx") data-testid="export-xlsx">{t(Key::ManageExportXlsx)}</a>
            <a class="button ghost" href="/manage/withdrawn" data-testid="withdrawn-link">{t(Key::ManageWithdrawnLink)}</a>
            <a class="button ghost" href="/manage/reassign" data-testid="reassign-link">{t(Key::ManageReassignLink)}</a>
        </div>
        {if list.page.rows.is_empty() {
            view! { <p class="empty">{t(Key::ManageEmpty)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="review">
                        <thead><tr>
                            <th>{t(Key::ManageColCompany)}</th>
                            <th>{t(Key::ManageColContact)}</th>
                            <th>{t(Key::ManageColEvent)}</th>
                            <th>{t(Key::ManageColIndustry)}</th>
                            <th>{t(Key::ManageColOrigin)}</th>
                            <th>{t(Key::ManageColStage)}</th>
                            <th class="num">{t(Key::ManageColIntended)}</th>
                            <th>{t(Key::ManageColOfficer)}</th>
                            <th>{t(Key::ManageColCaptured)}</th>
                        </tr></thead>
                        <tbody>{list.page.rows.into_iter().map(|row| row_view(lang, row)).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <nav class="pager">{prev}<span>{page_text}</span>{next}</nav>
    };
    document(frame, Some(Section::Leads), t(Key::ManageNavLeads), body.into_any())
}
