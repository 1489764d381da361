//! The lead form, shared by "capture" and "edit": the fields an officer fills at the booth first,
//! the rest behind "more", and one big save button. It parses the draft with the domain's parser
//! and shows every error next to its field; it stores nothing itself (the page decides).

use domain::{
    Consent, EnterpriseTier, FieldError, FieldErrorKind, IndustryChain, Intent, LeadField, MoneyUnit, OriginKind, Province,
    CONSENT_TEXT_VERSION, COUNTRIES,
};
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::components::fields::{error_message, FieldMessage, FormState, SelectField, TextField};
use crate::components::toast::{ToastKind, Toasts};
use crate::i18n::{fill, tr, use_i18n, Key, Lang};
use crate::local_leads::use_local_leads;
use crate::offline::StoreError;

/// Id of the datalist of events already used on this tablet.
const EVENTS_LIST: &str = "known-events";

/// Moves focus to a field of the form and scrolls its box (label, input and message) into view
/// only as far as needed: a field already on screen stays where it is (the sync bar above the form
/// stays in view), and one scrolled to stops clear of the sticky header, the save bar and the toast
/// (the fields' `scroll-margin` in the style sheet). The clock's errors focus the consent.
pub fn focus_field(field: LeadField) {
    use wasm_bindgen::JsCast;
    let input = match field {
        LeadField::CapturedAt | LeadField::UpdatedAt | LeadField::Withdrawn | LeadField::Erased => LeadField::Consent,
        other => other,
    };
    let element = document().get_element_by_id(&format!("f-{}", input.name()));
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = element.focus_with_options(&options);
        let target = element.closest(".field").ok().flatten().unwrap_or_else(|| element.clone().into());
        let scroll = web_sys::ScrollIntoViewOptions::new();
        scroll.set_block(web_sys::ScrollLogicalPosition::Nearest);
        target.scroll_into_view_with_scroll_into_view_options(&scroll);
    }
}

/// Opens the "more" section when an error sits in it, so the officer sees the message.
pub fn reveal_errors(errors: &[FieldError]) {
    let essentials = [
        LeadField::CompanyName,
        LeadField::ContactName,
        LeadField::ContactTitle,
        LeadField::Mobile,
        LeadField::Wechat,
        LeadField::Email,
        LeadField::Event,
        LeadField::Consent,
        LeadField::CapturedAt,
        LeadField::UpdatedAt,
    ];
    if errors.iter().any(|e| !essentials.contains(&e.field)) {
        if let Some(details) = document().get_element_by_id("more") {
            let _ = details.set_attribute("open", "");
        }
    }
    if let Some(first) = errors.first() {
        focus_field(first.field);
    }
}

#[component]
pub fn LeadForm(
    form: FormState,
    /// Whether this form captures new leads (the event field is then the "current event").
    capturing: bool,
    saving: ReadSignal<bool>,
    on_submit: Callback<SubmitEvent>,
    /// When editing: deletes the lead (a "back" link and a delete button are shown).
    #[prop(optional)]
    on_delete: Option<Callback<&'static str>>,
) -> impl IntoView {
    provide_context(form);
    let i18n = use_i18n();
    let leads = use_local_leads();
    let draft = form.draft;
    let known_events = move || leads.events.get().into_iter().map(|e| view! { <option value=e/> }).collect_view();
    // The dates and venue of the chosen event, when it is a listed one.
    let listed_event = move || {
        let name = draft.with(|d| d.event.trim().to_owned());
        let event = leads.catalog.with(|c| c.iter().find(|e| e.name == name).cloned())?;
        let fmt = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let dates = match event.starts_on == event.ends_on {
            true => fmt(event.starts_on),
            false => format!("{} – {}", fmt(event.starts_on), fmt(event.ends_on)),
        };
        let text = match &event.venue {
            Some(venue) => fill(i18n.lang.get().text(Key::CaptureEventListed), &[("dates", &dates), ("venue", venue)]),
            None => dates,
        };
        Some(view! { <p class="event-listed" data-testid="event-listed">{text}</p> })
    };

    view! {
        <form class="lead-form" on:submit=move |ev| on_submit.run(ev) novalidate=true>
            <div class="event-bar">
                <TextField field=LeadField::Event label=if capturing { Key::CaptureCurrentEvent } else { Key::FieldEvent }
                    get=|d| d.event.clone() set=|d, v| d.event = v list=EVENTS_LIST wide=true/>
                <datalist id=EVENTS_LIST>{known_events}</datalist>
                {listed_event}
            </div>
            <div class="form-top">
                <p class="hint">{tr(Key::CaptureRequiredHint)}</p>
                {capturing.then(|| view! { <crate::components::scan::ScanButton/> })}
                <crate::components::card_photo::CardPhotos/>
            </div>
            <div class="grid">
                <TextField field=LeadField::CompanyName label=Key::FieldCompanyName required=true autocomplete="organization"
                    get=|d| d.company_name.clone() set=|d, v| d.company_name = v/>
                <TextField field=LeadField::ContactName label=Key::FieldContactName required=true autocomplete="name"
                    get=|d| d.contact_name.clone() set=|d, v| d.contact_name = v/>
                <TextField field=LeadField::ContactTitle label=Key::FieldContactTitle
                    get=|d| d.contact_title.clone() set=|d, v| d.contact_title = v/>
                <TextField field=LeadField::Mobile label=Key::FieldMobile input_type="tel" inputmode="tel"
                    get=|d| d.mobile.clone() set=|d, v| d.mobile = v/>
                <TextField field=LeadField::Wechat label=Key::FieldWechat
                    get=|d| d.wechat.clone() set=|d, v| d.wechat = v/>
                <TextField field=LeadField::Email label=Key::FieldEmail input_type="email" inputmode="email"
                    get=|d| d.email.clone() set=|d, v| d.email = v/>
            </div>
            <IntentChoice/>
            <ConsentBox/>
            <details id="more" class="more">
                <summary data-testid="more-toggle">{tr(Key::CaptureMore)}</summary>
                <div class="grid">
                    <TextField field=LeadField::CreditCode label=Key::FieldCreditCode
                        get=|d| d.credit_code.clone() set=|d, v| d.credit_code = v/>
                    <OriginFields/>
                    <IndustryFields/>
                    <TextField field=LeadField::IntendedProject label=Key::FieldIntendedProject wide=true
                        get=|d| d.intended_project.clone() set=|d, v| d.intended_project = v/>
                    <InvestmentField/>
                    <TextField field=LeadField::Referrer label=Key::FieldReferrer
                        get=|d| d.referrer.clone() set=|d, v| d.referrer = v/>
                    <TextField field=LeadField::NextFollowUp label=Key::FieldNextFollowUp input_type="date"
                        get=|d| d.next_follow_up.clone() set=|d, v| d.next_follow_up = v/>
                    <TierChoice/>
                    <div class="field wide">
                        <label for="f-notes">{tr(Key::FieldNotes)}</label>
                        <textarea id="f-notes" name="notes" rows="3"
                            prop:value=move || draft.with(|d| d.notes.clone())
                            on:input=move |ev| { let v = event_target_value(&ev); form.edit(LeadField::Notes, |d| d.notes = v) }>
                        </textarea>
                        <FieldMessage field=LeadField::Notes/>
                    </div>
                </div>
            </details>
            {move || on_delete.is_some().then(|| draft.with(|d| crate::pages::edit::deletable_at(d.pipeline.stage).err())).flatten().map(|why| {
                view! { <p class="form-note" id="not-deletable" data-testid="not-deletable">{crate::pages::edit::not_deletable_text(i18n.lang.get(), why)}</p> }
            })}
            <div class="actions">
                {on_delete.map(|on_delete| view! {
                    <a class="button secondary" href="/leads">{tr(Key::ActionCancel)}</a>
                    <crate::components::delete_button::DeleteButton on_delete
                        disabled=Signal::derive(move || draft.with(|d| crate::pages::edit::deletable_at(d.pipeline.stage).is_err()))
                        described_by=Signal::derive(move || draft.with(|d| crate::pages::edit::deletable_at(d.pipeline.stage).is_err()).then_some("not-deletable"))/>
                })}
                <button type="submit" class="primary" data-testid="save" disabled=move || saving.get()>
                    {move || if capturing { i18n.t(Key::ActionSaveNext) } else { i18n.t(Key::ActionSave) }}
                </button>
            </div>
        </form>
    }
}

/// Hot / warm / cold as three big segmented buttons.
#[component]
fn IntentChoice() -> impl IntoView {
    let form = crate::components::fields::use_form();
    let i18n = use_i18n();
    view! {
        <fieldset class="segmented">
            <legend>{tr(Key::FieldIntent)}</legend>
            {Intent::ALL
                .into_iter()
                .map(|intent| {
                    let id = format!("f-intent-{}", intent.code());
                    view! {
                        <input type="radio" name="intent" id=id.clone() value=intent.code()
                            prop:checked=move || form.draft.with(|d| d.intent == intent)
                            on:change=move |_| form.draft.update(|d| d.intent = intent)/>
                        <label for=id class=format!("seg intent-{}", intent.code())>{move || i18n.code("intent", intent.code())}</label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// The contact's consent (PIPL), with the text and version the officer showed them.
#[component]
fn ConsentBox() -> impl IntoView {
    let form = crate::components::fields::use_form();
    let i18n = use_i18n();
    let consent_error = move || form.error_of(LeadField::Consent).filter(|e| !is_clock(e));
    let clock_error = move || form.errors.with(|errors| errors.iter().find(|e| is_clock(e)).copied());
    let invalid = move || consent_error().is_some() || clock_error().is_some();
    view! {
        <div class="field consent" class:invalid=invalid>
            <label class="check" for="f-consent">
                <input type="checkbox" id="f-consent" name="consent"
                    aria-describedby="err-consent"
                    prop:checked=move || form.draft.with(|d| d.consent.is_some())
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        form.edit(LeadField::Consent, |d| {
                            d.consent = checked.then(|| Consent { text_version: CONSENT_TEXT_VERSION.into(), given_at: domain::time::now() });
                        });
                    }/>
                <span>{tr(Key::FieldConsent)}<span class="req" aria-hidden="true">" *"</span></span>
            </label>
            <p class="consent-text">
                {tr(Key::ConsentText)}
                " ("{tr(Key::ConsentVersion)}" "
                {move || form.draft.with(|d| d.consent.as_ref().map(|c| c.text_version.clone()).unwrap_or_else(|| CONSENT_TEXT_VERSION.into()))}")"
            </p>
            {move || {
                consent_error().map(|error| {
                    view! {
                        <p class="field-error" id="err-consent" role="alert">{move || error_message(i18n.lang.get(), &error)}</p>
                    }
                })
            }}
            {move || {
                clock_error().map(|error| {
                    view! {
                        <p class="field-error" id="err-clock" role="alert">{move || error_message(i18n.lang.get(), &error)}</p>
                    }
                })
            }}
        </div>
    }
}

/// Whether `error` says the device's clock is out of range. The clock is not a field: the consent,
/// the capture and the edit all take it, so one message beside the consent stands for them all.
fn is_clock(error: &FieldError) -> bool {
    error.kind == FieldErrorKind::ClockOutOfRange
}

/// Domestic (province + city) or foreign (country).
#[component]
fn OriginFields() -> impl IntoView {
    let form = crate::components::fields::use_form();
    let i18n = use_i18n();
    let foreign = move || form.draft.with(|d| d.origin_kind == OriginKind::Foreign);
    let provinces = Signal::derive(move || {
        let lang = i18n.lang.get();
        Province::ALL.iter().map(|p| (p.code().to_owned(), lang.text_of("province", p.code()))).collect()
    });
    let countries = Signal::derive(move || {
        let lang = i18n.lang.get();
        COUNTRIES.iter().map(|c| (c.to_string(), lang.text_of("country", c))).collect()
    });
    let kind_button = move |kind: OriginKind, key: Key, testid: &'static str| {
        let selected = Signal::derive(move || form.draft.with(|d| d.origin_kind == kind));
        let press = Callback::new(move |()| form.edit(LeadField::Origin, |d| d.origin_kind = kind));
        view! { <SegButton selected press label=key testid/> }
    };
    view! {
        <div class="field wide">
            <span class="label">{tr(Key::FieldOrigin)}</span>
            <div class="seg-row">
                {kind_button(OriginKind::Domestic, Key::OriginDomestic, "origin-domestic")}
                {kind_button(OriginKind::Foreign, Key::OriginForeign, "origin-foreign")}
            </div>
        </div>
        {move || if foreign() {
            Either::Left(view! {
                <SelectField field=LeadField::Country label=Key::FieldCountry options=countries
                    get=|d| d.country.clone() set=|d, v| d.country = v/>
            })
        } else {
            Either::Right(view! {
                <SelectField field=LeadField::Province label=Key::FieldProvince options=provinces
                    get=|d| d.province.clone() set=|d, v| d.province = v/>
                <TextField field=LeadField::City label=Key::FieldCity get=|d| d.city.clone() set=|d, v| d.city = v/>
            })
        }}
    }
}

/// Industry chain, then a segment of that chain when it has any.
#[component]
fn IndustryFields() -> impl IntoView {
    let form = crate::components::fields::use_form();
    let i18n = use_i18n();
    let chains = Signal::derive(move || {
        let lang = i18n.lang.get();
        IndustryChain::ALL.iter().map(|c| (c.code().to_owned(), lang.text_of("industry", c.code()))).collect()
    });
    let segments = Signal::derive(move || {
        let lang = i18n.lang.get();
        let chain = form.draft.with(|d| IndustryChain::from_code(&d.industry));
        chain.map(|c| c.segments().map(|s| (s.code().to_owned(), lang.text_of("segment", s.code()))).collect()).unwrap_or_default()
    });
    view! {
        <SelectField field=LeadField::Industry label=Key::FieldIndustry options=chains
            get=|d| d.industry.clone()
            set=|d, v| { d.industry = v; d.industry_segment.clear(); }/>
        {move || (!segments.with(Vec::is_empty)).then(|| view! {
            <SelectField field=LeadField::IndustrySegment label=Key::FieldIndustrySegment options=segments
                get=|d| d.industry_segment.clone() set=|d, v| d.industry_segment = v/>
        })}
    }
}

/// The intended investment: an amount and its unit (万元 or 亿元).
#[component]
fn InvestmentField() -> impl IntoView {
    let form = crate::components::fields::use_form();
    let invalid = move || form.error_of(LeadField::IntendedInvestment).is_some();
    let unit_button = move |unit: MoneyUnit, key: Key| {
        let selected = Signal::derive(move || form.draft.with(|d| d.investment_unit == unit));
        let press = Callback::new(move |()| form.edit(LeadField::IntendedInvestment, |d| d.investment_unit = unit));
        let testid = match unit {
            MoneyUnit::Wan => "unit-wan",
            MoneyUnit::Yi => "unit-yi",
        };
        view! { <SegButton selected press label=key testid/> }
    };
    view! {
        <div class="field" class:invalid=invalid>
            <label for="f-intended_investment">{tr(Key::FieldIntendedInvestment)}</label>
            <div class="amount-row">
                <input id="f-intended_investment" name="intended_investment" type="text" inputmode="decimal" autocomplete="off"
                    aria-describedby="err-intended_investment"
                    prop:value=move || form.draft.with(|d| d.investment_amount.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.edit(LeadField::IntendedInvestment, |d| d.investment_amount = v) }/>
                {unit_button(MoneyUnit::Wan, Key::UnitWan)}
                {unit_button(MoneyUnit::Yi, Key::UnitYi)}
            </div>
            <FieldMessage field=LeadField::IntendedInvestment/>
        </div>
    }
}

/// One button of a segmented choice: pressed when `selected`.
#[component]
fn SegButton(selected: Signal<bool>, press: Callback<()>, label: Key, testid: &'static str) -> impl IntoView {
    view! {
        <button type="button" class="seg-button" data-testid=testid
            class:selected=move || selected.get()
            aria-pressed=move || selected.get().to_string()
            on:click=move |_| press.run(())>
            {tr(label)}
        </button>
    }
}

/// The enterprise tier flags as large checkboxes.
#[component]
fn TierChoice() -> impl IntoView {
    let form = crate::components::fields::use_form();
    let i18n = use_i18n();
    type Flag = fn(&mut EnterpriseTier) -> &mut bool;
    let flags: [(&'static str, Key, Flag); 4] = [
        ("fortune_global_500", Key::TierFortuneGlobal500, |t| &mut t.fortune_global_500),
        ("china_top_500", Key::TierChinaTop500, |t| &mut t.china_top_500),
        ("china_private_top_500", Key::TierChinaPrivateTop500, |t| &mut t.china_private_top_500),
        ("industry_leader", Key::TierIndustryLeader, |t| &mut t.industry_leader),
    ];
    view! {
        <fieldset class="field wide tiers">
            <legend>{tr(Key::FieldTier)}</legend>
            {flags
                .into_iter()
                .map(|(code, key, flag)| {
                    let id = format!("f-tier-{code}");
                    let label_for = id.clone();
                    view! {
                        <label class="check" for=label_for>
                            <input type="checkbox" id=id name=format!("tier_{code}")
                                prop:checked=move || form.draft.with(|d| *flag(&mut d.tier.clone()))
                                on:change=move |ev| { let on = event_target_checked(&ev); form.draft.update(|d| *flag(&mut d.tier) = on) }/>
                            <span>{move || i18n.t(key)}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// Parses the form's draft into a lead with `meta`, or shows every error next to its field (and a
/// toast counting them) and returns `None`.
pub fn parse_or_show_errors(form: FormState, meta: domain::LeadMeta, toasts: Toasts, lang: Lang) -> Option<domain::Lead> {
    match form.draft.get_untracked().parse(meta) {
        Ok(lead) => {
            if form.errors.with_untracked(|e| !e.is_empty()) {
                form.errors.set(Vec::new());
            }
            Some(lead)
        }
        Err(errors) => {
            // The clock's errors are one message on screen, so they count once.
            let shown = errors.iter().filter(|e| !is_clock(e)).count() + usize::from(errors.iter().any(is_clock));
            let message = crate::i18n::fill(lang.text(Key::ToastFixErrors), &[("n", &shown.to_string())]);
            toasts.show(ToastKind::Problem, message);
            reveal_errors(&errors);
            form.errors.set(errors);
            None
        }
    }
}

/// Tells the officer why a save failed; what was stored before is untouched either way.
pub fn report_store_error(toasts: Toasts, lang: Lang, error: StoreError) {
    let message = match &error {
        StoreError::QuotaExceeded => lang.text(Key::ToastStorageFull).to_owned(),
        StoreError::Unavailable(_) => lang.text(Key::ToastStorageUnavailable).to_owned(),
        StoreError::Closed | StoreError::Failed(_) => {
            leptos::logging::warn!("save failed: {error}");
            lang.text(Key::ToastSaveFailed).to_owned()
        }
        StoreError::KeptInJournal(_) => lang.text(Key::ToastKeptInJournal).to_owned(),
    };
    toasts.show(ToastKind::Problem, message);
}
