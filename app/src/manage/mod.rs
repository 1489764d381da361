//! The manager workspace (领导小组办公室): server-rendered pages, no WebAssembly. Managers work
//! online at a desk or on a tablet; plain HTML forms and links keep every page fast at 100,000
//! leads and every filter a shareable URL. The server loads the data and calls these views;
//! they only turn data into HTML.

pub mod correct;
pub mod dashboard;
pub mod devices;
pub mod duplicates;
pub mod events;
pub mod followup;
pub mod lead;
pub mod leads;
pub mod privacy;
pub mod reassign;
pub mod setup;
pub mod targets;
pub mod trail;
pub mod users;
pub mod withdrawn;

use domain::Wan;
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

use crate::i18n::{fill, Key, Lang};

/// Which part of the workspace a page belongs to (highlighted in the navigation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Leads,
    Overdue,
    Duplicates,
    Dashboard,
    Targets,
    Events,
    Devices,
    Users,
}

/// Everything a page's frame needs: language, stylesheet, who is signed in.
#[derive(Clone, Debug)]
pub struct Frame {
    pub lang: Lang,
    pub css_href: String,
    pub user_name: String,
    pub department: String,
    /// The path and query of this page, to come back to after switching language.
    pub here: String,
    /// This session's token for the workspace's forms (`csrf_input`), checked on every post.
    pub csrf: String,
    /// Stored rows the server could not read (table, id), shown to administrators on every page.
    pub unreadable: Vec<(String, String)>,
    /// Whether the user is an administrator (the accounts page is theirs).
    pub admin: bool,
}

/// Renders a whole document around `body`.
pub fn document(frame: &Frame, section: Option<Section>, title: &str, body: AnyView) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let current = move |s: Section| if section == Some(s) { "page" } else { "false" };
    let switch = format!("/lang/{}?back={}", lang.other().tag(), domain::review::percent_encode(&frame.here));
    let who = fill(t(Key::ManageSignedInAs), &[("name", &frame.user_name), ("department", &frame.department)]);
    let page_title = format!("{title} · {}", t(Key::ManageTitle));
    let css = frame.css_href.clone();
    let signed_in = !frame.user_name.is_empty();
    let unreadable = (!frame.unreadable.is_empty()).then(|| {
        let rows = frame.unreadable.iter().map(|(table, id)| format!("{table} {id}")).collect::<Vec<_>>().join(", ");
        let text = fill(t(Key::ManageUnreadableRows), &[("n", &frame.unreadable.len().to_string()), ("rows", &rows)]);
        view! { <p class="notice unreadable" role="alert" data-testid="unreadable-rows">{text}</p> }
    });
    let html = view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{page_title}</title>
                <link rel="stylesheet" href=css/>
                <link rel="icon" href="/icons/icon-192.png"/>
            </head>
            <body class="manage">
                <header class="app-header manage-header">
                    <a class="brand" href="/manage/leads">
                        <span class="brand-name">{t(Key::AppName)}</span>
                        <span class="brand-tagline">{t(Key::ManageTitle)}</span>
                    </a>
                    <nav class="tabs">
                        <a class="tab" href="/manage/leads" aria-current=current(Section::Leads)>{t(Key::ManageNavLeads)}</a>
                        <a class="tab" href="/manage/overdue" aria-current=current(Section::Overdue)>{t(Key::ManageNavOverdue)}</a>
                        <a class="tab" href="/manage/duplicates" aria-current=current(Section::Duplicates)>{t(Key::ManageNavDuplicates)}</a>
                        <a class="tab" href="/manage/dashboard" aria-current=current(Section::Dashboard)>{t(Key::ManageNavDashboard)}</a>
                        <a class="tab" href="/manage/targets" aria-current=current(Section::Targets)>{t(Key::ManageNavTargets)}</a>
                        <a class="tab" href="/manage/events" aria-current=current(Section::Events) data-testid="events-tab">{t(Key::ManageNavEvents)}</a>
                        <a class="tab" href="/manage/devices" aria-current=current(Section::Devices) data-testid="devices-tab">{t(Key::ManageNavDevices)}</a>
                        {frame.admin.then(|| view! {
                            <a class="tab" href="/manage/users" aria-current=current(Section::Users) data-testid="users-tab">{t(Key::ManageNavUsers)}</a>
                        })}
                    </nav>
                    {signed_in.then(|| view! { <span class="who">{who}</span> })}
                    <a class="lang-toggle" href=switch lang=lang.other().tag()>{t(Key::LangSwitch)}</a>
                    {signed_in.then(|| view! {
                        <form method="post" action="/manage/logout" class="inline">
                            {csrf_input(&frame.csrf)}
                            <button type="submit" class="header-button">{t(Key::ManageLogout)}</button>
                        </form>
                    })}
                </header>
                <main class="manage-main">{unreadable}{body}</main>
            </body>
        </html>
    };
    Owner::new().with(|| html.to_html())
}

/// The hidden field every workspace form posts: the session's anti-forgery token.
pub fn csrf_input(token: &str) -> impl IntoView {
    view! { <input type="hidden" name="_csrf" value=token.to_owned()/> }
}

/// A page that only says something, for a request whose user is not known (a refused post).
pub fn bare_message_page(lang: Lang, title: &str, message: &str) -> String {
    let frame = Frame {
        lang,
        css_href: "/pkg/zhaoshang.css".into(),
        user_name: String::new(),
        department: String::new(),
        here: "/manage/leads".into(),
        csrf: String::new(),
        unreadable: Vec::new(),
        admin: false,
    };
    message_page(&frame, title, message)
}

/// A page that only says something (not found, not allowed), in the workspace's frame.
pub fn message_page(frame: &Frame, title: &str, message: &str) -> String {
    let message = message.to_owned();
    document(frame, None, title, view! { <p class="notice" role="alert" data-testid="notice">{message}</p> }.into_any())
}

/// An amount in 亿元 with two decimals (the plan's unit), from 万元.
pub fn yi(wan: Wan) -> String {
    let sign = if wan.0 < 0 { "-" } else { "" };
    let hundredths = (wan.0.unsigned_abs() + 50) / 100;
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

/// A whole number with thousands separators.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// An RFC 3339 instant as Beijing time, or the text itself when it does not parse.
pub fn beijing(text: &str) -> String {
    domain::time::rfc3339::parse(text).map(domain::time::format_shanghai).unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_numbers_read_as_the_plan_writes_them() {
        assert_eq!(yi(Wan(123_456)), "12.35");
        assert_eq!(yi(Wan(0)), "0.00");
        assert_eq!(yi(Wan(-5_000)), "-0.50");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(-1000), "-1,000");
        assert_eq!(grouped(12), "12");
    }
}
