//! The events pages: the district's list of expos and promotion meetings (administrators add an
//! event, change its dates and venue, and merge event names typed on tablets into a listed
//! event), and one event's page: captures per officer per day, hot leads, follow-ups overdue.

use domain::event::{CaptureGrid, EventDraft};
use leptos::prelude::*;

use super::{csrf_input, document, Frame, Section};
use crate::i18n::{fill, Key, Lang};

/// A listed event, ready to show.
#[derive(Clone, Debug)]
pub struct EventRow {
    pub id: i64,
    pub draft: EventDraft,
}

/// The events list page.
#[derive(Clone, Debug, Default)]
pub struct EventsPage {
    pub events: Vec<EventRow>,
    /// Names leads carry that are not listed, with how many leads carry each.
    pub unlisted: Vec<(String, i64)>,
    /// The add form as typed (after a refusal), and its errors by field name.
    pub form: EventDraft,
    pub errors: Vec<(&'static str, Key)>,
    /// A message above the page: whether it tells of a success, and its text.
    pub notice: Option<(bool, String)>,
}

fn error_for(lang: Lang, errors: &[(&'static str, Key)], field: &str) -> impl IntoView {
    errors.iter().find(|(f, _)| *f == field).map(|(f, key)| {
        let id = format!("err-{f}");
        view! { <span class="field-error" id=id role="alert" data-testid=format!("event-error-{f}")>{lang.text(*key)}</span> }
    })
}

/// "2026-05-20 – 2026-05-24", or one day.
pub fn dates(draft: &EventDraft) -> String {
    if draft.starts_on == draft.ends_on {
        draft.starts_on.clone()
    } else {
        format!("{} – {}", draft.starts_on, draft.ends_on)
    }
}

pub fn events_page(frame: &Frame, page: EventsPage) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let (admin, csrf) = (frame.admin, frame.csrf.clone());
    let rows = page
        .events
        .iter()
        .map(|e| {
            let href = format!("/manage/events/{}", e.id);
            let action = format!("/manage/events/{}#event-{}", e.id, e.id);
            let (d, row_id) = (e.draft.clone(), format!("event-{}", e.id));
            let edit = admin.then(|| {
                view! {
                    <form method="post" action=action class="inline event-edit">
                        {csrf_input(&csrf)}
                        <input type="date" name="starts_on" value=d.starts_on.clone() required aria-label=t(Key::ManageEventsStartsOn)/>
                        <input type="date" name="ends_on" value=d.ends_on.clone() required aria-label=t(Key::ManageEventsEndsOn)/>
                        <input type="text" name="venue" value=d.venue.clone() maxlength="100" aria-label=t(Key::ManageEventsVenue) placeholder=t(Key::ManageEventsVenue)/>
                        <button type="submit" class="button">{t(Key::ManageEventsSave)}</button>
                    </form>
                }
            });
            view! {
                <tr data-testid="event-row" id=row_id>
                    <td><a href=href>{d.name.clone()}</a></td>
                    <td>{dates(&d)}</td>
                    <td>{d.venue.clone()}</td>
                    {admin.then(|| view! { <td>{edit}</td> })}
                </tr>
            }
        })
        .collect_view();
    let listed = !page.events.is_empty();
    let choices = page.events.iter().map(|e| view! { <option value=e.id.to_string()>{e.draft.name.clone()}</option> }).collect_view();
    let unlisted = page
        .unlisted
        .iter()
        .map(|(name, n)| {
            let label = format!("{} {name}", t(Key::ManageEventsFoldInto));
            view! {
                <tr data-testid="unlisted-row">
                    <td>{name.clone()}</td>
                    <td class="num">{*n}</td>
                    {(admin && listed).then(|| view! {
                        <td>
                            <form method="post" action="/manage/events/fold#unlisted" class="inline">
                                {csrf_input(&csrf)}
                                <input type="hidden" name="from" value=name.clone()/>
                                <select name="into" aria-label=label>{choices.clone()}</select>
                                <button type="submit" class="button" data-testid="fold-event">{t(Key::ManageEventsFold)}</button>
                            </form>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let no_unlisted = page.unlisted.is_empty();
    let (form, errors) = (page.form, page.errors);
    let notice = page.notice.map(|(ok, text)| {
        let class = if ok { "form-ok" } else { "form-error" };
        view! { <p class=class role=if ok { "status" } else { "alert" } data-testid="events-notice">{text}</p> }
    });
    let add = admin.then(|| {
        view! {
            <h2>{t(Key::ManageEventsAdd)}</h2>
            <form method="post" action="/manage/events#add-event" data-testid="add-event-form">
                {csrf_input(&frame.csrf)}
                <div class="form-grid">
                    <label>{t(Key::ManageEventsName)}
                        <input type="text" name="name" value=form.name.clone() maxlength="100" data-testid="new-event-name"/>
                        {error_for(lang, &errors, "name")}
                    </label>
                    <label>{t(Key::ManageEventsStartsOn)}
                        <input type="date" name="starts_on" value=form.starts_on.clone() data-testid="new-event-starts"/>
                        {error_for(lang, &errors, "starts_on")}
                    </label>
                    <label>{t(Key::ManageEventsEndsOn)}
                        <input type="date" name="ends_on" value=form.ends_on.clone() data-testid="new-event-ends"/>
                        {error_for(lang, &errors, "ends_on")}
                    </label>
                    <label>{t(Key::ManageEventsVenue)}
                        <input type="text" name="venue" value=form.venue.clone() maxlength="100" data-testid="new-event-venue"/>
                        {error_for(lang, &errors, "venue")}
                    </label>
                </div>
                <button type="submit" class="primary" data-testid="add-event">{t(Key::ManageEventsAdd)}</button>
            </form>
        }
    });
    let body = view! {
        <h1>{t(Key::ManageEventsTitle)}</h1>
        <section class="card" id="add-event">
            {notice}
            {add}
        </section>
        <section class="card">
            <h2>{t(Key::ManageEventsList)}</h2>
            {if listed {
                view! {
                    <div class="table-wrap">
                        <table class="review" data-testid="events-table">
                            <thead><tr>
                                <th>{t(Key::ManageEventsName)}</th>
                                <th>{t(Key::ManageEventsDates)}</th>
                                <th>{t(Key::ManageEventsVenue)}</th>
                                {admin.then(|| view! { <th>{t(Key::ManageUsersActions)}</th> })}
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            } else {
                view! { <p class="empty" data-testid="events-empty">{t(Key::ManageEventsNone)}</p> }.into_any()
            }}
        </section>
        <section class="card" id="unlisted">
            <h2>{t(Key::ManageEventsUnlisted)}</h2>
            <p class="muted">{t(Key::ManageEventsUnlistedHint)}</p>
            {if no_unlisted {
                view! { <p class="empty">{t(Key::ManageEventsUnlistedNone)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="review" data-testid="unlisted-table">
                            <thead><tr>
                                <th>{t(Key::ManageEventsName)}</th>
                                <th class="num">{t(Key::ManageEventsLeads)}</th>
                                {(admin && listed).then(|| view! { <th>{t(Key::ManageEventsFoldInto)}</th> })}
                            </tr></thead>
                            <tbody>{unlisted}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    };
    document(frame, Some(Section::Events), t(Key::ManageEventsTitle), body.into_any())
}

/// A hot lead of the event.
#[derive(Clone, Debug)]
pub struct HotLead {
    pub lead_id: String,
    pub company_name: String,
    pub officer: String,
    /// The stage's code.
    pub stage: String,
}

/// One event's page.
#[derive(Clone, Debug)]
pub struct EventPage {
    pub event: EventDraft,
    pub grid: CaptureGrid,
    pub hot: Vec<HotLead>,
    /// How many of the event's leads are overdue for follow-up.
    pub overdue: i64,
}

pub fn event_page(frame: &Frame, page: EventPage) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let name = page.event.name.clone();
    let heads = page.grid.days.iter().map(|d| view! { <th class="num">{d.format("%m-%d").to_string()}</th> }).collect_view();
    let rows = page
        .grid
        .rows
        .iter()
        .map(|r| {
            let cells = r.per_day.iter().map(|n| view! { <td class="num">{*n}</td> }).collect_view();
            view! {
                <tr data-testid="capture-row">
                    <th scope="row">{r.officer.clone()}</th>
                    {cells}
                    <td class="num">{r.other_days}</td>
                    <td class="num"><strong>{r.total}</strong></td>
                </tr>
            }
        })
        .collect_view();
    let no_captures = page.grid.rows.is_empty();
    let hot = page
        .hot
        .iter()
        .map(|h| {
            let href = format!("/manage/leads/{}", h.lead_id);
            view! {
                <tr data-testid="hot-row">
                    <td><a href=href>{h.company_name.clone()}</a></td>
                    <td>{h.officer.clone()}</td>
                    <td>{lang.text_of("stage", &h.stage)}</td>
                </tr>
            }
        })
        .collect_view();
    let no_hot = page.hot.is_empty();
    let overdue_href = format!("/manage/overdue?event={}", domain::review::percent_encode(&name));
    let overdue_text = fill(t(Key::ManageEventsDueCount), &[("n", &page.overdue.to_string())]);
    let venue = page.event.venue.clone();
    let body = view! {
        <p class="back"><a href="/manage/events">{t(Key::ManageEventsList)}</a></p>
        <h1>{name.clone()}</h1>
        <p class="muted" data-testid="event-dates">{dates(&page.event)}" · "{venue}</p>
        <section class="card">
            <h2>{t(Key::ManageEventsCaptures)}</h2>
            {if no_captures {
                view! { <p class="empty">{t(Key::ManageEventsNoCaptures)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="review" data-testid="capture-grid">
                            <thead><tr>
                                <th>{t(Key::ManageEventsOfficer)}</th>
                                {heads}
                                <th class="num">{t(Key::ManageEventsOtherDays)}</th>
                                <th class="num">{t(Key::ManageEventsTotal)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
        <section class="card">
            <h2>{t(Key::ManageEventsHot)}</h2>
            {if no_hot {
                view! { <p class="empty">{t(Key::ManageEventsNoHot)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="review" data-testid="hot-leads">
                            <thead><tr>
                                <th>{t(Key::FieldCompanyName)}</th>
                                <th>{t(Key::ManageEventsOfficer)}</th>
                                <th>{t(Key::ManageColStage)}</th>
                            </tr></thead>
                            <tbody>{hot}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
        <section class="card">
            <h2>{t(Key::ManageEventsDue)}</h2>
            <p><a href=overdue_href data-testid="event-overdue">{overdue_text}</a></p>
        </section>
    };
    document(frame, Some(Section::Events), &name, body.into_any())
}
