//! The dashboard: targets against actual figures with progress bars, the three rates, industries,
//! the ranking of departments and officers, and signings / landings / starts per month as an SVG
//! chart. Also the formatting of figures that the bulletin export shares.

use domain::report::{Actual, Dashboard, MonthRow, Period, RankRow, Target, TargetRow, Unit};
use domain::Wan;
use leptos::prelude::*;

use super::{document, grouped, yi, Frame, Section};
use crate::i18n::{fill, Key, Lang};

/// A period's name: "2023 年第 2 季度".
pub fn period_name(lang: Lang, period: Period) -> String {
    match period {
        Period::Year(year) => fill(lang.text(Key::ManageDashYear), &[("year", &year.to_string())]),
        Period::Quarter(year, q) => fill(lang.text(Key::ManageDashQuarter), &[("year", &year.to_string()), ("q", &q.to_string())]),
    }
}

/// A target's industries in words ("医药大健康、现代农业"); empty for every industry.
pub fn scope_text(lang: Lang, target: &Target) -> String {
    let names: Vec<String> = target
        .scope
        .chains
        .iter()
        .map(|c| lang.text_of("industry", c.code()))
        .chain(target.scope.segments.iter().map(|s| lang.text_of("segment", s.code())))
        .collect();
    names.join("、")
}

/// A target's name: its metric, with its industries and supervision when it has them.
pub fn target_name(lang: Lang, row: &TargetRow) -> String {
    let target = &row.target;
    let mut name = lang.text_of("metric", target.metric.code());
    if !target.scope.is_all() {
        name = format!("{name}（{}）", scope_text(lang, target));
    }
    if let Some(s) = target.supervision {
        name = format!("{name} · {}", lang.text_of("supervision", s.code()));
    }
    name
}

/// An amount in a metric's unit, as shown: counts whole, money in 亿元, dollars grouped.
pub fn amount(lang: Lang, unit: Unit, value: i64) -> String {
    match unit {
        Unit::Count => grouped(value),
        Unit::Wan => format!("{} {}", yi(Wan(value)), lang.text(Key::UnitYi)),
        Unit::Usd => format!("{} {}", grouped(value), lang.text(Key::UnitUsd)),
        Unit::Percent => format!("{value}%"),
    }
}

/// The actual figure of a target, as shown.
pub fn actual_text(lang: Lang, row: &TargetRow) -> String {
    match row.actual {
        Actual::Amount(value) => amount(lang, row.target.metric.unit(), value),
        Actual::Rate(ratio) => ratio.display(),
    }
}

/// Progress as shown: "85%", or "—" when there is nothing to measure.
pub fn progress_text(progress: Option<f64>) -> String {
    progress.map_or_else(|| "—".to_owned(), |p| format!("{:.0}%", p * 100.0))
}

fn target_table(lang: Lang, rows: &[TargetRow]) -> AnyView {
    let t = move |key| lang.text(key);
    if rows.is_empty() {
        return view! { <p class="empty">{t(Key::ManageDashNoTargets)}</p> }.into_any();
    }
    let rows = rows.to_vec();
    view! {
        <table class="targets" data-testid="target-table">
            <thead><tr>
                <th>{t(Key::ManageDashMetric)}</th><th class="num">{t(Key::ManageDashTarget)}</th>
                <th class="num">{t(Key::ManageDashActual)}</th><th class="bar-cell">{t(Key::ManageDashProgress)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    // An SVG bar, not a `style` attribute: the pages' Content-Security-Policy allows no inline style.
                    let width = format!("{:.0}", row.progress.unwrap_or(0.0).clamp(0.0, 1.0) * 100.0);
                    let met = if row.progress.is_some_and(|p| p >= 1.0) { "bar met" } else { "bar" };
                    let metric = row.target.metric.code();
                    view! {
                        <tr data-metric=metric>
                            <td>{target_name(lang, &row)}</td>
                            <td class="num">{amount(lang, row.target.metric.unit(), row.target.value)}</td>
                            <td class="num" data-testid="target-actual">{actual_text(lang, &row)}</td>
                            <td class="bar-cell">
                                <svg class="bar-track" viewBox="0 0 100 14" preserveAspectRatio="none" aria-hidden="true">
                                    <rect class=met width=width height="14" rx="7"/>
                                </svg>
                                <span class="bar-label">{progress_text(row.progress)}</span>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn rank_table(lang: Lang, title: Key, rows: &[RankRow], testid: &'static str) -> impl IntoView {
    let t = move |key| lang.text(key);
    let rows = rows.to_vec();
    view! {
        // It scrolls sideways when narrow (the English headings): reachable by keyboard.
        <section class="card" tabindex="0" role="region" aria-label=t(title)>
            <h2>{t(title)}</h2>
            <table class="rank" data-testid=testid>
                <thead><tr>
                    <th>{t(Key::ManageDashRank)}</th><th>{t(Key::ManageDashName)}</th><th class="num">{t(Key::ManageDashSigned)}</th>
                    <th class="num">{t(Key::ManageDashAgreed)}</th><th class="num">{t(Key::ManageDashActualInv)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().enumerate().map(|(i, r)| view! {
                        <tr><td>{i + 1}</td><td>{r.name}</td><td class="num">{r.signed}</td><td class="num">{yi(r.agreed)}</td><td class="num">{yi(r.actual)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Signings, landings and starts per month as grouped bars.
fn month_chart(lang: Lang, months: &[MonthRow]) -> impl IntoView {
    const HEIGHT: f64 = 180.0;
    // Room above the tallest bar for its value.
    const TOP: f64 = 18.0;
    const GROUP: f64 = 60.0;
    const BAR: f64 = 14.0;
    let top = months.iter().map(|m| m.signings.max(m.landings).max(m.starts)).max().unwrap_or(0).max(1) as f64;
    let width = GROUP * months.len() as f64 + 40.0;
    let view_box = format!("0 0 {width} {}", TOP + HEIGHT + 40.0);
    let series = [("signings", Key::ManageDashSignings), ("landings", Key::ManageDashLandings), ("starts", Key::ManageDashStarts)];
    let bars = months
        .iter()
        .enumerate()
        .flat_map(|(i, m)| {
            let values = [m.signings, m.landings, m.starts];
            let month_label = fill(lang.text(Key::ManageDashMonth), &[("m", &m.month.to_string())]);
            let x0 = 30.0 + GROUP * i as f64;
            let label = view! { <text x=x0 + GROUP / 2.0 - 6.0 y=TOP + HEIGHT + 24.0 text-anchor="middle" class="axis">{month_label}</text> }.into_any();
            let bars = values.into_iter().zip(series).enumerate().map(move |(j, (value, (class, key)))| {
                let h = value as f64 / top * HEIGHT;
                let x = x0 + j as f64 * (BAR + 2.0);
                let title = format!("{}: {value}", lang.text(key));
                view! {
                    <g class=class>
                        <rect x=x y=TOP + HEIGHT - h + 4.0 width=BAR height=h><title>{title}</title></rect>
                        {(value > 0).then(|| view! { <text x=x + BAR / 2.0 y=TOP + HEIGHT - h text-anchor="middle" class="value">{value}</text> })}
                    </g>
                }
                .into_any()
            });
            std::iter::once(label).chain(bars).collect::<Vec<_>>()
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=view_box role="img" aria-label=lang.text(Key::ManageDashMonths) data-testid="month-chart">
                <line x1="24" y1=TOP + HEIGHT + 4.0 x2=width y2=TOP + HEIGHT + 4.0 class="baseline"/>
                {bars}
            </svg>
            <figcaption class="legend">
                {series.into_iter().map(|(class, key)| view! { <span class=format!("key {class}")>{lang.text(key)}</span> }).collect_view()}
            </figcaption>
        </figure>
    }
}

/// The dashboard page, with a chooser of `periods`.
pub fn dashboard_page(frame: &Frame, dash: &Dashboard, periods: &[Period]) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let current = dash.period;
    let options = periods
        .iter()
        .map(|p| {
            let is = *p == current;
            view! { <option value=p.code() selected=is>{period_name(lang, *p)}</option> }
        })
        .collect_view();
    let bulletin = format!("/manage/export/bulletin.xlsx?period={}", current.code());
    let rates = dash.rates.clone();
    let industries = dash.industries.clone();
    let body = view! {
        <div class="list-bar">
            <h1>{t(Key::ManageDashTitle)}" · "<span data-testid="period-name">{period_name(lang, current)}</span></h1>
            <span class="spacer"></span>
            <form method="get" action="/manage/dashboard" class="inline period-form">
                <label>{t(Key::ManageDashPeriod)}" "<select name="period">{options}</select></label>
                <button type="submit" class="button">{t(Key::ManageDashShow)}</button>
            </form>
            <a class="button" href=bulletin data-testid="export-bulletin">{t(Key::ManageExportBulletin)}</a>
        </div>
        <section class="card">{target_table(lang, &dash.rows)}</section>
        <section class="card">
            <h2>{t(Key::ManageDashRates)}</h2>
            <table class="rates" data-testid="rates">
                <thead><tr>
                    <th>{t(Key::ManageDashScope)}</th><th class="num">{t(Key::ManageDashCohort)}</th><th class="num">{t(Key::RatePerformance)}</th>
                    <th class="num">{t(Key::RateStart)}</th><th class="num">{t(Key::RateFunds)}</th>
                </tr></thead>
                <tbody>
                    {rates.into_iter().map(|r| {
                        let scope = r.supervision.map_or_else(|| t(Key::ManageDashScopeAll).to_owned(), |s| lang.text_of("supervision", s.code()));
                        view! { <tr><td>{scope}</td><td class="num">{r.cohort}</td><td class="num">{r.performance.display()}</td>
                            <td class="num">{r.start.display()}</td><td class="num">{r.funds.display()}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card">
            <h2>{t(Key::ManageDashMonths)}</h2>
            {month_chart(lang, &dash.months)}
        </section>
        <section class="card">
            <h2>{t(Key::ManageDashIndustries)}</h2>
            {if industries.is_empty() { Some(view! { <p class="empty">{t(Key::ManageDashNone)}</p> }) } else { None }}
            <table class="rank" data-testid="industries">
                <thead><tr><th>{t(Key::ManageColIndustry)}</th><th class="num">{t(Key::ManageDashSigned)}</th>
                    <th class="num">{t(Key::ManageDashAgreed)}</th><th class="num">{t(Key::ManageDashActualInv)}</th></tr></thead>
                <tbody>
                    {industries.into_iter().map(|r| {
                        let name = r.chain.map(|c| lang.text_of("industry", c.code())).unwrap_or_else(|| "—".into());
                        view! { <tr><td>{name}</td><td class="num">{r.signed}</td><td class="num">{yi(r.agreed)}</td><td class="num">{yi(r.actual)}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <div class="two-columns">
            {rank_table(lang, Key::ManageDashDepartments, &dash.departments, "departments")}
            {rank_table(lang, Key::ManageDashOfficers, &dash.officers, "officers")}
        </div>
    };
    document(frame, Some(Section::Dashboard), t(Key::ManageNavDashboard), body.into_any())
}
