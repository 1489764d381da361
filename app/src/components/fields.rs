//! Form fields of the lead form: every input has a visible label, a large touch target, and its
//! validation message right under it (`#err-<field>`), in the officer's language.

use domain::{FieldError, FieldErrorKind, LeadDraft, LeadField};
use leptos::prelude::*;

use crate::i18n::{fill, tr, use_i18n, Key, Lang};

/// The draft being edited and its current errors, shared by the fields of one form.
#[derive(Clone, Copy)]
pub struct FormState {
    pub draft: RwSignal<LeadDraft>,
    pub errors: RwSignal<Vec<FieldError>>,
    /// The fields a scan filled, marked for the officer to check until they edit them or save.
    pub scanned: RwSignal<Vec<LeadField>>,
    /// The card's photos: taken in this form and not yet kept, or kept with the lead (edit).
    pub photos: RwSignal<Vec<crate::components::card_photo::FormPhoto>>,
}

impl FormState {
    /// A form showing `draft`, with no errors yet.
    pub fn new(draft: LeadDraft) -> Self {
        FormState {
            draft: RwSignal::new(draft),
            errors: RwSignal::new(Vec::new()),
            scanned: RwSignal::new(Vec::new()),
            photos: RwSignal::new(Vec::new()),
        }
    }

    /// Changes the draft and forgets the errors of `field`, which the officer is fixing, and its
    /// scan mark (the officer has looked at it). Typing any contact also clears "one of mobile /
    /// WeChat / email is required" (it sits on mobile), but not an error about the mobile number
    /// itself.
    pub fn edit(&self, field: LeadField, change: impl FnOnce(&mut LeadDraft)) {
        self.draft.update(change);
        if self.scanned.with_untracked(|s| s.contains(&field)) {
            self.scanned.update(|s| s.retain(|f| *f != field));
        }
        self.forget_errors(&[field]);
    }

    /// Forgets the errors of `fields`, whose values just changed (as [`FormState::edit`] does for
    /// one).
    pub fn forget_errors(&self, fields: &[LeadField]) {
        let fixes = |e: &FieldError| {
            fields.iter().any(|&field| e.field == field || (field_is_contact(field) && e.kind == FieldErrorKind::NeedOneContact))
        };
        self.errors.update(|errors| errors.retain(|e| !fixes(e)));
    }

    /// The first error of `field`, if any (tracked).
    pub fn error_of(&self, field: LeadField) -> Option<FieldError> {
        self.errors.with(|errors| errors.iter().find(|e| e.field == field).copied())
    }
}

fn field_is_contact(field: LeadField) -> bool {
    matches!(field, LeadField::Mobile | LeadField::Wechat | LeadField::Email)
}

/// The message for a field error in `lang`.
pub fn error_message(lang: Lang, error: &FieldError) -> String {
    let template = lang.text_of("error", error.kind.code());
    match error.kind {
        domain::FieldErrorKind::TooLong { max } => fill(&template, &[("max", &max.to_string())]),
        _ => template,
    }
}

pub fn use_form() -> FormState {
    expect_context::<FormState>()
}

/// The message under a field, present only while the field has an error.
#[component]
pub fn FieldMessage(field: LeadField) -> impl IntoView {
    let form = use_form();
    let i18n = use_i18n();
    move || {
        form.error_of(field).map(|error| {
            view! {
                <p class="field-error" id=format!("err-{}", field.name()) role="alert">
                    {move || error_message(i18n.lang.get(), &error)}
                </p>
            }
        })
    }
}

/// A labelled single-line input bound to one text field of the draft.
#[component]
pub fn TextField(
    field: LeadField,
    label: Key,
    get: fn(&LeadDraft) -> String,
    set: fn(&mut LeadDraft, String),
    #[prop(optional)] required: bool,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] list: Option<&'static str>,
    #[prop(optional)] wide: bool,
) -> impl IntoView {
    let form = use_form();
    let name = field.name();
    let id = format!("f-{name}");
    let invalid = move || form.error_of(field).is_some();
    let scanned = move || form.scanned.with(|s| s.contains(&field));
    view! {
        <div class="field" class:wide=wide class:invalid=invalid class:scanned=scanned>
            <label for=id.clone()>
                {tr(label)}
                {required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}
                {move || scanned().then(|| view! { <span class="scanned-mark" data-testid="scanned-mark">{tr(Key::ScanMarked)}</span> })}
            </label>
            <input
                id=id
                name=name
                type=input_type
                inputmode=inputmode
                autocomplete=autocomplete
                list=list
                aria-invalid=move || invalid().to_string()
                aria-describedby=format!("err-{name}")
                prop:value=move || form.draft.with(get)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    form.edit(field, |d| set(d, value));
                }
            />
            <FieldMessage field/>
        </div>
    }
}

/// A labelled pick-list bound to one code field of the draft; the first option is "choose".
#[component]
pub fn SelectField(
    field: LeadField,
    label: Key,
    get: fn(&LeadDraft) -> String,
    set: fn(&mut LeadDraft, String),
    /// `(code, translated label)` pairs, recomputed when the language or the draft changes.
    options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let form = use_form();
    let name = field.name();
    let id = format!("f-{name}");
    let invalid = move || form.error_of(field).is_some();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{tr(label)}</label>
            <select
                id=id
                name=name
                aria-invalid=move || invalid().to_string()
                prop:value=move || form.draft.with(get)
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    form.edit(field, |d| set(d, value));
                }
            >
                <option value="">{tr(Key::Choose)}</option>
                {move || {
                    let selected = form.draft.with(get);
                    options
                        .get()
                        .into_iter()
                        .map(|(code, text)| {
                            let is_selected = code == selected;
                            view! { <option value=code selected=is_selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <FieldMessage field/>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(field: LeadField, kind: FieldErrorKind) -> FieldError {
        FieldError { field, kind }
    }

    #[test]
    fn typing_a_contact_clears_only_the_one_contact_rule_and_its_own_errors() {
        // Signals live in an owner's arena (required when the server's features are on).
        Owner::new().with(typing_a_contact_scenario);
    }

    fn typing_a_contact_scenario() {
        let form = FormState::new(LeadDraft::default());
        form.errors.set(vec![
            error(LeadField::Mobile, FieldErrorKind::InvalidMobile),
            error(LeadField::Mobile, FieldErrorKind::NeedOneContact),
            error(LeadField::Email, FieldErrorKind::InvalidEmail),
        ]);

        form.edit(LeadField::Wechat, |d| d.wechat = "wxid_wangfang".into());
        assert_eq!(
            form.errors.get_untracked(),
            vec![error(LeadField::Mobile, FieldErrorKind::InvalidMobile), error(LeadField::Email, FieldErrorKind::InvalidEmail),]
        );

        form.edit(LeadField::Mobile, |d| d.mobile = "13800138000".into());
        assert_eq!(form.errors.get_untracked(), vec![error(LeadField::Email, FieldErrorKind::InvalidEmail)]);
        assert_eq!(form.draft.get_untracked().wechat, "wxid_wangfang");
    }
}
