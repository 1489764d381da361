//! A manager correcting a lead: every attribute the officer types, in one form, each refused field
//! with its message beside it. The form carries what it showed (`shown`), so the server takes only
//! what the manager changed and an officer's edit of another field made meanwhile stays.

use domain::correction::CorrectionForm;
use domain::{FieldError, IndustryChain, IndustrySegment, Intent, LeadField, Province, COUNTRIES};
use leptos::prelude::*;

use super::{document, Frame, Section};
use crate::i18n::{Key, Lang};

/// What the correction page shows.
pub struct CorrectionPage {
    pub lead_id: String,
    pub company_name: String,
    /// The form as typed (or as the lead is).
    pub form: CorrectionForm,
    /// The form as first shown, as JSON, sent back with it.
    pub shown: String,
    pub errors: Vec<FieldError>,
}

/// A `<select>`'s options from codes, the current one selected, with an empty choice first when
/// `empty` names it.
fn options(lang: Lang, group: &'static str, codes: impl Iterator<Item = &'static str>, current: &str, empty: Option<&str>) -> AnyView {
    let current = current.to_owned();
    let blank = empty.map(|label| {
        let label = label.to_owned();
        view! { <option value="">{label}</option> }
    });
    let rest = codes
        .map(|code| {
            let selected = code == current;
            view! { <option value=code selected=selected>{lang.text_of(group, code)}</option> }
        })
        .collect_view();
    view! { {blank}{rest} }.into_any()
}

pub fn correction_page(frame: &Frame, page: CorrectionPage) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let f = &page.form;
    let errors = page.errors.clone();
    // The message of a field, right under its input.
    let message = move |field: LeadField| {
        errors.iter().find(|e| e.field == field).map(|e| {
            let text = crate::components::fields::error_message(lang, e);
            view! { <span class="field-error" role="alert" data-testid=format!("error-{}", field.name())>{text}</span> }
        })
    };
    let text_input = |field: LeadField, value: &str, max: usize| {
        let name = field.name();
        let (id, label_for) = (format!("c-{name}"), format!("c-{name}"));
        view! {
            <label for=label_for>{lang.text_of("field", name)}
                <input type="text" id=id name=name value=value.to_owned() maxlength=max.to_string()/>
                {message(field)}
            </label>
        }
    };
    let tick = |name: &'static str, on: bool| {
        view! { <label class="check"><input type="checkbox" name=name checked=on/>{lang.text_of("tier", name)}</label> }
    };
    let action = format!("/manage/leads/{}/edit", page.lead_id);
    let back = format!("/manage/leads/{}", page.lead_id);
    let none = t(Key::ManageCorrectNone);
    let body = view! {
        <p><a class="button" href=back.clone()>{t(Key::ManageCorrectBack)}</a></p>
        <h1>{t(Key::ManageCorrectTitle)}" · "{page.company_name.clone()}</h1>
        <p class="muted">{t(Key::ManageCorrectExplained)}</p>
        {(!page.errors.is_empty()).then(|| view! { <p class="form-error" role="alert" data-testid="correct-error">{t(Key::ManageCorrectRefused)}</p> })}
        <form class="stage-form correct-form" method="post" action=action data-testid="correct-form">
            {super::csrf_input(&frame.csrf)}
            <input type="hidden" name="shown" value=page.shown.clone()/>
            <div class="form-grid">
                {text_input(LeadField::CompanyName, &f.company_name, 100)}
                {text_input(LeadField::CreditCode, &f.credit_code, 18)}
                {text_input(LeadField::ContactName, &f.contact_name, 50)}
                {text_input(LeadField::ContactTitle, &f.contact_title, 50)}
                {text_input(LeadField::Mobile, &f.mobile, 30)}
                {text_input(LeadField::Wechat, &f.wechat, 30)}
                {text_input(LeadField::Email, &f.email, 100)}
                <label for="c-origin_kind">{t(Key::FieldOrigin)}
                    <select id="c-origin_kind" name="origin_kind">
                        {options(lang, "origin", ["domestic", "foreign"].into_iter(), &f.origin_kind, None)}
                    </select>
                    {message(LeadField::Origin)}
                </label>
                <label for="c-province">{t(Key::FieldProvince)}
                    <select id="c-province" name="province">{options(lang, "province", Province::ALL.iter().map(|p| p.code()), &f.province, Some(none))}</select>
                    {message(LeadField::Province)}
                </label>
                {text_input(LeadField::City, &f.city, 50)}
                <label for="c-country">{t(Key::FieldCountry)}
                    <select id="c-country" name="country">{options(lang, "country", COUNTRIES.iter().copied(), &f.country, Some(none))}</select>
                    {message(LeadField::Country)}
                </label>
                <label for="c-industry">{t(Key::FieldIndustry)}
                    <select id="c-industry" name="industry" data-testid="correct-industry">
                        {options(lang, "industry", IndustryChain::ALL.iter().map(|c| c.code()), &f.industry, Some(none))}
                    </select>
                    {message(LeadField::Industry)}
                </label>
                <label for="c-industry_segment">{t(Key::FieldIndustrySegment)}
                    <select id="c-industry_segment" name="industry_segment">
                        {options(lang, "segment", IndustrySegment::ALL.iter().map(|s| s.code()), &f.industry_segment, Some(none))}
                    </select>
                    {message(LeadField::IndustrySegment)}
                </label>
                {text_input(LeadField::IntendedProject, &f.intended_project, 200)}
                <label for="c-investment_amount">{t(Key::FieldIntendedInvestment)}
                    <span class="amount">
                        <input type="text" inputmode="decimal" id="c-investment_amount" name="investment_amount" value=f.investment_amount.clone()/>
                        <select name="investment_unit" aria-label=t(Key::FieldIntendedInvestment)>
                            {options(lang, "unit", ["wan", "yi"].into_iter(), &f.investment_unit, None)}
                        </select>
                    </span>
                    {message(LeadField::IntendedInvestment)}
                </label>
                <label for="c-intent">{t(Key::FieldIntent)}
                    <select id="c-intent" name="intent">{options(lang, "intent", Intent::ALL.iter().map(|i| i.code()), &f.intent, None)}</select>
                    {message(LeadField::Intent)}
                </label>
                {text_input(LeadField::Event, &f.event, 100)}
                {text_input(LeadField::Referrer, &f.referrer, 50)}
                <label for="c-next_follow_up">{t(Key::FieldNextFollowUp)}
                    <input type="date" id="c-next_follow_up" name="next_follow_up" value=f.next_follow_up.clone()/>
                    {message(LeadField::NextFollowUp)}
                </label>
                <fieldset class="wide"><legend>{t(Key::FieldTier)}</legend>
                    {tick("fortune_global_500", f.fortune_global_500.is_some())}
                    {tick("china_top_500", f.china_top_500.is_some())}
                    {tick("china_private_top_500", f.china_private_top_500.is_some())}
                    {tick("industry_leader", f.industry_leader.is_some())}
                </fieldset>
                <label for="c-notes" class="wide">{t(Key::FieldNotes)}
                    <textarea id="c-notes" name="notes" rows="4" maxlength="2000">{f.notes.clone()}</textarea>
                    {message(LeadField::Notes)}
                </label>
            </div>
            <button type="submit" class="primary" data-testid="correct-submit">{t(Key::ManageCorrectSubmit)}</button>
        </form>
    };
    document(frame, Some(Section::Leads), t(Key::ManageCorrectTitle), body.into_any())
}
