//! The first-run page: on a server with no administrator, the one-time link it printed opens
//! this form, which creates the first administrator (as Gitea or Grafana do on first start).

use leptos::prelude::*;

use super::{document, Frame};
use crate::i18n::Key;

/// The setup form as typed, with its errors by field name.
#[derive(Clone, Debug, Default)]
pub struct SetupPage {
    pub token: String,
    pub form: super::users::NewUserForm,
    pub errors: Vec<(&'static str, Key)>,
}

pub fn setup_page(frame: &Frame, page: SetupPage) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let errors = page.errors;
    let error_for = move |field: &str| {
        errors.iter().find(|(f, _)| *f == field).map(|(f, key)| {
            view! { <span class="field-error" role="alert" data-testid=format!("setup-error-{f}")>{lang.text(*key)}</span> }
        })
    };
    let form = page.form;
    let body = view! {
        <h1>{t(Key::SetupTitle)}</h1>
        <p class="muted">{t(Key::SetupExplained)}</p>
        <form class="card" method="post" action="/setup" data-testid="setup-form">
            <input type="hidden" name="token" value=page.token/>
            <div class="form-grid">
                <label>{t(Key::ManageUsersUsername)}
                    <input type="text" name="username" value=form.username autocomplete="username" data-testid="setup-username"/>
                    {error_for("username")}
                </label>
                <label>{t(Key::ManageUsersDisplayName)}
                    <input type="text" name="display_name" value=form.display_name data-testid="setup-display-name"/>
                    {error_for("display_name")}
                </label>
                <label>{t(Key::ManageUsersDepartment)}
                    <input type="text" name="department" value=form.department data-testid="setup-department"/>
                    {error_for("department")}
                </label>
                <label>{t(Key::ManageUsersPassword)}
                    <input type="password" name="password" autocomplete="new-password" data-testid="setup-password"/>
                    {error_for("password")}
                </label>
            </div>
            <button type="submit" class="primary" data-testid="setup-submit">{t(Key::SetupSubmit)}</button>
        </form>
    };
    document(frame, None, t(Key::SetupTitle), body.into_any())
}
