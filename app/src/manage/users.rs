//! The administrators' accounts page: every user with their role, department, state, last
//! login, last sync and devices; a form to add a user; per user, disable or enable and a new
//! password (which ends their sessions); and the managed list of departments.

use leptos::prelude::*;

use super::{beijing, csrf_input, document, Frame, Section};
use crate::i18n::{Key, Lang};

/// One account, ready to show.
#[derive(Clone, Debug)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// `officer`, `manager` or `admin`.
    pub role: String,
    pub department: String,
    pub disabled: bool,
    /// RFC 3339.
    pub last_login_at: Option<String>,
    pub last_sync_at: Option<String>,
    pub devices: usize,
    /// The account of the administrator looking (not to be disabled by themselves).
    pub is_self: bool,
}

/// The add-user form as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub department: String,
    pub password: String,
}

/// The accounts page.
#[derive(Clone, Debug, Default)]
pub struct UsersPage {
    pub accounts: Vec<AccountView>,
    pub departments: Vec<String>,
    /// The add-user form as typed (after a refusal), and its errors by field name.
    pub form: NewUserForm,
    pub errors: Vec<(&'static str, Key)>,
    /// A message above the page: whether it tells of a success, and its text.
    pub notice: Option<(bool, String)>,
}

fn error_for(lang: Lang, errors: &[(&'static str, Key)], field: &str) -> impl IntoView {
    errors.iter().find(|(f, _)| *f == field).map(|(f, key)| {
        let id = format!("err-{f}");
        view! { <span class="field-error" id=id role="alert" data-testid=format!("user-error-{f}")>{lang.text(*key)}</span> }
    })
}

fn when(lang: Lang, at: &Option<String>) -> String {
    at.as_deref().map(beijing).unwrap_or_else(|| lang.text(Key::ManageUsersNever).to_owned())
}

pub fn users_page(frame: &Frame, page: UsersPage) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let csrf = frame.csrf.clone();
    let rows = page
        .accounts
        .into_iter()
        .map(|a| {
            let (toggle, toggle_label) = if a.disabled {
                (format!("/manage/users/{}/enable", a.id), t(Key::ManageUsersEnable))
            } else {
                (format!("/manage/users/{}/disable", a.id), t(Key::ManageUsersDisable))
            };
            let password = format!("/manage/users/{}/password", a.id);
            let state = if a.disabled { t(Key::ManageUsersDisabled) } else { t(Key::ManageUsersActive) };
            let password_label = format!("{} {}", t(Key::ManageUsersNewPassword), a.username);
            let row_id = format!("user-{}", a.username);
            view! {
                <tr data-testid="user-row" id=row_id>
                    <td><strong>{a.display_name.clone()}</strong><br/><span class="muted">{a.username.clone()}" · "{state}</span></td>
                    <td>{lang.text_of("role", &a.role)}<br/><span class="muted">{a.department.clone()}</span></td>
                    <td class="muted">{when(lang, &a.last_login_at)}<br/>{when(lang, &a.last_sync_at)}</td>
                    <td>
                        {a.devices}
                        {(a.devices > 0).then(|| {
                            let href = format!("/manage/devices#officer-{}", a.username);
                            view! { <br/><a href=href class="muted">{t(Key::ManageUsersDevicesLink)}</a> }
                        })}
                    </td>
                    <td>
                        {(!a.is_self).then(|| view! {
                            <form method="post" action=toggle.clone() class="inline">
                                {csrf_input(&csrf)}
                                <button type="submit" class="button" data-testid="user-toggle">{toggle_label}</button>
                            </form>
                        })}
                        <form method="post" action=password class="inline">
                            {csrf_input(&csrf)}
                            <input type="password" name="password" autocomplete="new-password" minlength="10" required
                                aria-label=password_label data-testid="user-new-password"/>
                            <button type="submit" class="button" data-testid="user-set-password">{t(Key::ManageUsersSetPassword)}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let form = page.form;
    let roles = ["officer", "manager", "admin"]
        .into_iter()
        .map(|r| {
            let is = form.role == r;
            view! { <option value=r selected=is>{lang.text_of("role", r)}</option> }
        })
        .collect_view();
    let departments = page
        .departments
        .iter()
        .map(|d| {
            let is = form.department == *d;
            view! { <option value=d.clone() selected=is>{d.clone()}</option> }
        })
        .collect_view();
    let department_list = page.departments.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view();
    let errors = page.errors;
    let notice = page.notice.map(|(ok, text)| {
        let class = if ok { "form-ok" } else { "form-error" };
        view! { <p class=class role=if ok { "status" } else { "alert" } data-testid="users-notice">{text}</p> }
    });
    let body = view! {
        <h1>{t(Key::ManageUsersTitle)}</h1>
        // In the first section: the page after adding a user opens at it (`#add-user`).
        <section class="card" id="add-user">
            {notice}
            <h2>{t(Key::ManageUsersAdd)}</h2>
            <form method="post" action="/manage/users#add-user" data-testid="add-user-form">
                {csrf_input(&frame.csrf)}
                <div class="form-grid">
                    <label>{t(Key::ManageUsersUsername)}
                        <input type="text" name="username" value=form.username.clone() autocomplete="off" data-testid="new-username"/>
                        {error_for(lang, &errors, "username")}
                    </label>
                    <label>{t(Key::ManageUsersDisplayName)}
                        <input type="text" name="display_name" value=form.display_name.clone() data-testid="new-display-name"/>
                        {error_for(lang, &errors, "display_name")}
                    </label>
                    <label>{t(Key::ManageUsersRole)}<select name="role" data-testid="new-role">{roles}</select></label>
                    <label>{t(Key::ManageUsersDepartment)}
                        <select name="department" data-testid="new-department">{departments}</select>
                        {error_for(lang, &errors, "department")}
                    </label>
                    <label>{t(Key::ManageUsersPassword)}
                        <input type="password" name="password" autocomplete="new-password" data-testid="new-password"/>
                        {error_for(lang, &errors, "password")}
                    </label>
                </div>
                <button type="submit" class="primary" data-testid="add-user">{t(Key::ManageUsersAdd)}</button>
            </form>
        </section>
        <section class="card">
            <h2>{t(Key::ManageUsersList)}</h2>
            <div class="table-wrap">
                <table class="review" data-testid="users-table">
                    <thead><tr>
                        <th>{t(Key::ManageUsersDisplayName)}" · "{t(Key::ManageUsersState)}</th>
                        <th>{t(Key::ManageUsersRole)}" · "{t(Key::ManageUsersDepartment)}</th>
                        <th>{t(Key::ManageUsersLastLogin)}" / "{t(Key::ManageUsersLastSync)}</th>
                        <th>{t(Key::ManageUsersDevices)}</th>
                        <th>{t(Key::ManageUsersActions)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        <section class="card" id="departments">
            <h2>{t(Key::ManageUsersDepartments)}</h2>
            <ul class="department-list" data-testid="departments">{department_list}</ul>
            <form method="post" action="/manage/departments#departments" class="inline">
                {csrf_input(&frame.csrf)}
                <input type="text" name="name" maxlength="50" required aria-label=t(Key::ManageUsersNewDepartment) placeholder=t(Key::ManageUsersNewDepartment) data-testid="new-department-name"/>
                <button type="submit" class="button" data-testid="add-department">{t(Key::ManageUsersAddDepartment)}</button>
            </form>
        </section>
    };
    document(frame, Some(Section::Users), t(Key::ManageUsersTitle), body.into_any())
}
