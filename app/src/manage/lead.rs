//! One lead for a manager: every field, where it came from (device, captured, synced), its
//! project progress with the stage form, and its whole audit trail.

use domain::{Lead, PipelineStage, StageForm, Supervision};
use leptos::prelude::*;

use super::{beijing, document, grouped, yi, Frame, Section};
use crate::i18n::{Key, Lang};

/// One entry of the audit trail, ready to show.
#[derive(Clone, Debug)]
pub struct HistoryRow {
    pub at: String,
    pub who: String,
    pub device: String,
    pub via_web: bool,
    pub attr: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub overwritten: bool,
    /// The entry's number when its old value can be put back (an officer's attribute).
    pub revert_entry: Option<i64>,
}

/// What the lead page shows.
#[derive(Clone, Debug)]
pub struct LeadDetail {
    pub lead: Lead,
    pub version: i64,
    pub officer: String,
    pub department: String,
    pub synced_at: String,
    pub history: Vec<HistoryRow>,
    /// The stage form as last typed (or prefilled).
    pub form: StageForm,
    /// Why the last stage change was refused: a `stage_error.<code>` code.
    pub error: Option<&'static str>,
    pub saved: bool,
    /// The lead was just restored.
    pub restored: bool,
    /// A message above the page: whether it tells of a success, and its text.
    pub notice: Option<(bool, Key)>,
    pub followup: FollowUpSection,
    /// Pairs this lead is in.
    pub duplicates: Vec<super::duplicates::PairView>,
    /// The officers the lead can be handed to (its owner among them).
    pub officers: Vec<super::reassign::OfficerChoice>,
    /// The owner's user name.
    pub owner: String,
    /// The erasures of the contact's personal data, oldest first.
    pub erasures: Vec<super::privacy::ErasureView>,
    /// Why the last erasure was refused.
    pub erase_error: Option<Key>,
    /// When each tablet first synced, by device id (the trail names tablets by it).
    pub device_first_seen: std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>,
    /// The sides of the business card photographed with the lead.
    pub photos: Vec<domain::photo::Side>,
}

/// The follow-up part of the lead page.
#[derive(Clone, Debug, Default)]
pub struct FollowUpSection {
    pub assignee: Option<String>,
    pub responded_at: Option<String>,
    /// Who can be chosen as the follow-up owner.
    pub assignable: Vec<String>,
    /// Deadlines missed, with days late.
    pub missed: Vec<(domain::followup::Deadline, i64)>,
    pub saved: bool,
    pub error: Option<Key>,
}

fn field(label: impl Into<String>, value: String) -> impl IntoView {
    let label = label.into();
    view! { <div class="kv"><dt>{label}</dt><dd>{value}</dd></div> }
}

fn fields(lang: Lang, lead: &Lead) -> impl IntoView {
    let t = move |key| lang.text(key);
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let investment = lead.intended_investment.map(|w| format!("{} {}", grouped(w.0), t(Key::UnitWan))).unwrap_or_default();
    view! {
        <dl class="fields">
            {field(t(Key::FieldCompanyName), lead.company_name.clone())}
            {field(t(Key::FieldCreditCode), text(&lead.credit_code))}
            {field(t(Key::FieldContactName), lead.contact_name.clone())}
            {field(t(Key::FieldContactTitle), text(&lead.contact_title))}
            {field(t(Key::FieldMobile), text(&lead.mobile))}
            {field(t(Key::FieldWechat), text(&lead.wechat))}
            {field(t(Key::FieldEmail), text(&lead.email))}
            {field(t(Key::FieldOrigin), crate::lead_columns::origin_text(lead.origin.as_ref(), lang))}
            {field(t(Key::FieldIndustry), lead.industry.map(|i| lang.text_of("industry", i.code())).unwrap_or_default())}
            {field(t(Key::FieldIndustrySegment), lead.industry_segment.map(|s| lang.text_of("segment", s.code())).unwrap_or_default())}
            {field(t(Key::FieldIntendedProject), text(&lead.intended_project))}
            {field(t(Key::FieldIntendedInvestment), investment)}
            {field(t(Key::FieldTier), crate::lead_columns::tier_text(&lead.tier, lang))}
            {field(t(Key::FieldIntent), lang.text_of("intent", lead.intent.code()))}
            {field(t(Key::FieldEvent), text(&lead.event))}
            {field(t(Key::FieldReferrer), text(&lead.referrer))}
            {field(t(Key::FieldNextFollowUp), lead.next_follow_up.map(|d| d.to_string()).unwrap_or_default())}
            {field(t(Key::FieldNotes), text(&lead.notes))}
        </dl>
    }
}

fn progress(lang: Lang, lead: &Lead) -> impl IntoView {
    let t = move |key| lang.text(key);
    let p = &lead.pipeline;
    let stage_class = format!("stage-chip stage-{}", p.stage.code());
    let signing = p.signing.as_ref().map(|s| {
        view! {
            {field(t(Key::ManageStageSignedOn), s.signed_on.to_string())}
            {field(t(Key::ManageStageAgreed), format!("{} {} ({} {})", grouped(s.agreed_investment.0), t(Key::UnitWan), yi(s.agreed_investment), t(Key::UnitYi)))}
            {field(t(Key::ManageStageOutOfProvince), if s.out_of_province { "✓".to_owned() } else { "—".to_owned() })}
            {field(t(Key::ManageStageFdi), grouped(s.fdi_usd))}
            {field(t(Key::ManageStageSupervision), lang.text_of("supervision", s.supervision.code()))}
        }
    });
    let dates = [
        (PipelineStage::Screened, p.screened_on),
        (PipelineStage::Negotiating, p.negotiating_on),
        (PipelineStage::Performed, p.performed_on),
        (PipelineStage::Started, p.started_on),
        (PipelineStage::FundsInPlace, p.funds_in_place_on),
        (PipelineStage::Operating, p.operating_on),
    ];
    let actual = (!p.funds.is_empty())
        .then(|| field(t(Key::ManageStageActualToDate), format!("{} {}", grouped(p.actual_to_date().0), t(Key::UnitWan))));
    view! {
        <p><span class=stage_class data-testid="lead-stage">{lang.text_of("stage", p.stage.code())}</span>
            {p.reason.clone().map(|r| view! { <span class="muted">" · "{r}</span> })}</p>
        <dl class="fields">
            {signing}
            {dates.into_iter().filter_map(|(stage, on)| on.map(|d| field(lang.text_of("stage", stage.code()), d.to_string()))).collect_view()}
            {actual}
        </dl>
    }
}

fn stage_form(lang: Lang, csrf: &str, lead_id: &str, form: &StageForm, error: Option<&'static str>, saved: bool) -> impl IntoView {
    let t = move |key| lang.text(key);
    let action = format!("/manage/leads/{lead_id}/stage");
    let stages = PipelineStage::ALL
        .iter()
        .map(|s| {
            let is = s.code() == form.to;
            view! { <option value=s.code() selected=is>{lang.text_of("stage", s.code())}</option> }
        })
        .collect_view();
    let supervisions = Supervision::ALL
        .iter()
        .map(|s| {
            let is = s.code() == form.supervision;
            view! { <option value=s.code() selected=is>{lang.text_of("supervision", s.code())}</option> }
        })
        .collect_view();
    let error = error.map(|code| lang.text_of("stage_error", code));
    view! {
        <form class="stage-form" method="post" action=action data-testid="stage-form">
            {super::csrf_input(csrf)}
            <h2>{t(Key::ManageStageForm)}</h2>
            {saved.then(|| view! { <p class="form-ok" role="status" data-testid="stage-saved">{t(Key::ManageStageSaved)}</p> })}
            {error.map(|e| view! { <p class="form-error" role="alert" data-testid="stage-error">{e}</p> })}
            <div class="form-grid">
                <label>{t(Key::ManageStageTo)}<select name="to" data-testid="stage-to">{stages}</select></label>
                <label>{t(Key::ManageStageOn)}<input type="date" name="on" value=form.on.clone() required/></label>
                <label>{t(Key::ManageStageSignedOnField)}<input type="date" name="signed_on" value=form.signed_on.clone() data-testid="stage-signed-on"/></label>
                <label>{t(Key::ManageStageAgreed)}<input type="text" inputmode="numeric" name="agreed_wan" value=form.agreed_wan.clone() data-testid="stage-agreed"/></label>
                <label>{t(Key::ManageStageFdi)}<input type="text" inputmode="numeric" name="fdi_usd" value=form.fdi_usd.clone()/></label>
                <label>{t(Key::ManageStageSupervision)}<select name="supervision">{supervisions}</select></label>
                <label class="check"><input type="checkbox" name="out_of_province" checked=form.out_of_province.is_some()/>{t(Key::ManageStageOutOfProvince)}</label>
                <label>{t(Key::ManageStageActual)}<input type="text" inputmode="numeric" name="actual_wan" value=form.actual_wan.clone() data-testid="stage-actual"/></label>
                <label>{t(Key::ManageStageFundsOn)}<input type="date" name="funds_on" value=form.funds_on.clone() data-testid="stage-funds-on"/></label>
                <label class="wide">{t(Key::ManageStageReason)}<input type="text" name="reason" value=form.reason.clone() maxlength="500"/></label>
            </div>
            <button type="submit" class="primary" data-testid="stage-submit">{t(Key::ManageStageSubmit)}</button>
        </form>
    }
}

/// The name of a changed attribute in the trail.
fn attr_name(lang: Lang, attr: &str) -> String {
    match attr {
        "created" => lang.text(Key::ManageHistoryCreated).to_owned(),
        "pipeline" => lang.text(Key::ManageLeadPipeline).to_owned(),
        other => lang.text_of("field", other),
    }
}

/// A value of the trail in words (`super::trail`): short ones shown whole, long ones (notes)
/// folded behind their beginning.
fn value_view(lang: Lang, attr: &str, value: Option<String>) -> AnyView {
    const SHORT: usize = 80;
    let Some(value) = value else { return ().into_any() };
    let value = super::trail::value_text(lang, attr, &value);
    if value.chars().count() <= SHORT {
        return view! { {value} }.into_any();
    }
    let head: String = value.chars().take(SHORT).collect();
    view! { <details><summary>{head}"…"</summary>{value}</details> }.into_any()
}

fn history_view(
    lang: Lang,
    csrf: &str,
    lead_id: &str,
    rows: Vec<HistoryRow>,
    first_seen: std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let action = format!("/manage/leads/{lead_id}/revert");
    let csrf = csrf.to_owned();
    let t = move |key| lang.text(key);
    view! {
        <div class="table-wrap">
            <table class="history" data-testid="history">
                <thead><tr>
                    <th>{t(Key::ManageHistoryAt)}</th><th>{t(Key::ManageHistoryWho)}</th><th>{t(Key::ManageHistoryVia)}</th>
                    <th>{t(Key::ManageHistoryAttr)}</th><th>{t(Key::ManageHistoryOld)}</th><th>{t(Key::ManageHistoryNew)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let via = if r.via_web {
                            t(Key::ManageHistoryWeb).to_owned()
                        } else {
                            let since = first_seen.get(&r.device).copied();
                            format!("{} · {}", t(Key::ManageHistorySync), super::trail::device_text(lang, &r.who, &r.device, since))
                        };
                        let class = if r.overwritten { "overwritten" } else { "" };
                        view! {
                            <tr class=class>
                                <td class="muted">{beijing(&r.at)}</td>
                                <td>{r.who}</td>
                                <td>{via}</td>
                                <td>{attr_name(lang, &r.attr)}{r.overwritten.then(|| view! { <br/><span class="tag warn">{t(Key::ManageHistoryOverwritten)}</span> })}</td>
                                <td class="value">{value_view(lang, &r.attr, r.old_value)}
                                    {r.revert_entry.map(|entry| view! {
                                        <form method="post" action=action.clone() class="inline">
                                            {super::csrf_input(&csrf)}
                                            <input type="hidden" name="entry" value=entry.to_string()/>
                                            <button type="submit" class="button ghost small" data-testid="revert">{t(Key::ManageCorrectRevert)}</button>
                                        </form>
                                    })}
                                </td>
                                <td class="value">{value_view(lang, &r.attr, r.new_value)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn followup_view(lang: Lang, csrf: &str, lead_id: &str, f: FollowUpSection) -> impl IntoView {
    let t = move |key| lang.text(key);
    let action = format!("/manage/leads/{lead_id}/followup");
    let current = f.assignee.clone().unwrap_or_default();
    let options = f
        .assignable
        .into_iter()
        .map(|name| {
            let is = name == current;
            view! { <option value=name.clone() selected=is>{name.clone()}</option> }
        })
        .collect_view();
    let missed = f
        .missed
        .into_iter()
        .map(|(deadline, days)| {
            let late = crate::i18n::fill(t(Key::ManageOverdueLate), &[("days", &days.to_string())]);
            view! { <span class="tag warn" data-testid="overdue-tag">{lang.text_of("deadline", deadline.code())}" · "{late}</span>" " }
        })
        .collect_view();
    let responded = f.responded_at.clone();
    view! {
        <form class="followup-form" method="post" action=action data-testid="followup-form">
            {super::csrf_input(csrf)}
            <h2>{t(Key::ManageFollowupTitle)}</h2>
            <p>{missed}</p>
            {f.saved.then(|| view! { <p class="form-ok" role="status">{t(Key::ManageFollowupSaved)}</p> })}
            {f.error.map(|key| view! { <p class="form-error" role="alert">{t(key)}</p> })}
            <div class="form-grid">
                <label>{t(Key::ManageFollowupAssignee)}
                    <select name="assignee" data-testid="assignee"><option value="">{t(Key::ManageFollowupNobody)}</option>{options}</select>
                </label>
                {match responded {
                    Some(at) => view! { <div class="kv"><dt>{t(Key::ManageFollowupRespondedAt)}</dt><dd>{beijing(&at)}</dd></div> }.into_any(),
                    None => view! { <label class="check"><input type="checkbox" name="responded" data-testid="responded"/>{t(Key::ManageFollowupResponded)}</label> }.into_any(),
                }}
            </div>
            <button type="submit" class="button">{t(Key::ManageFollowupSave)}</button>
        </form>
    }
}

fn duplicates_view(lang: Lang, csrf: &str, lead_id: &str, pairs: Vec<super::duplicates::PairView>) -> impl IntoView {
    let t = move |key| lang.text(key);
    (!pairs.is_empty()).then(|| {
        let rows = pairs
            .into_iter()
            .map(|pair| {
                let other = if pair.keeps.lead_id == lead_id { pair.absorbed.clone() } else { pair.keeps.clone() };
                let href = format!("/manage/leads/{}", other.lead_id);
                let button = super::duplicates::merge_button(lang, csrf, &pair.keeps.lead_id, &pair.absorbed.lead_id);
                view! {
                    <tr>
                        <td><a href=href>{other.company_name}</a><br/><span class="muted">{other.officer}</span></td>
                        <td>{super::duplicates::kinds_text(lang, &pair.kinds)}</td>
                        <td>{button}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card" data-testid="lead-duplicates">
                <h2>{t(Key::ManageDupTitle)}</h2>
                <table><tbody>{rows}</tbody></table>
            </section>
        }
    })
}

/// A withdrawn lead's notice: who withdrew it, when and why, and the button that restores it.
fn withdrawn_view(lang: Lang, csrf: &str, lead: &Lead) -> impl IntoView {
    let t = move |key| lang.text(key);
    lead.withdrawn.as_ref().map(|w| {
        let said = crate::i18n::fill(t(Key::ManageWithdrawnNotice), &[("who", &w.by), ("at", &domain::time::format_shanghai(w.at))]);
        let action = format!("/manage/leads/{}/restore", lead.id);
        view! {
            <section class="card notice warn" data-testid="lead-withdrawn" role="status">
                <p><strong>{said}</strong></p>
                {w.reason.as_deref().map(|code| {
                    let reason = lang.text_of("withdraw_reason", code);
                    view! { <p data-testid="withdrawn-reason">{t(Key::ManageWithdrawnReason)}"："{reason}</p> }
                })}
                <p class="muted">{t(Key::ManageWithdrawnExplained)}</p>
                <form method="post" action=action class="inline">
                    {super::csrf_input(csrf)}
                    <button type="submit" class="primary" data-testid="restore">{t(Key::ManageWithdrawnRestore)}</button>
                </form>
            </section>
        }
    })
}

/// The lead page.
/// The photos of the business card, each opening at full size.
fn photos_view(lang: crate::i18n::Lang, id: &str, sides: &[domain::photo::Side]) -> Option<impl IntoView> {
    (!sides.is_empty()).then(|| {
        let photos = sides
            .iter()
            .map(|side| {
                let src = format!("/manage/leads/{id}/photos/{}", side.code());
                let href = src.clone();
                let alt = lang.text(match side {
                    domain::photo::Side::Front => Key::ManagePhotoFront,
                    domain::photo::Side::Back => Key::ManagePhotoBack,
                });
                view! {
                    <figure class="card-photo" data-testid=format!("photo-{}", side.code())>
                        <a href=href><img src=src alt=alt loading="lazy"/></a>
                        <figcaption>{alt}</figcaption>
                    </figure>
                }
            })
            .collect_view();
        view! {
            <h2>{lang.text(Key::ManagePhotos)}</h2>
            <div class="card-photos">{photos}</div>
        }
    })
}

pub fn lead_page(frame: &Frame, detail: LeadDetail) -> String {
    let lang = frame.lang;
    let t = move |key| lang.text(key);
    let lead = detail.lead;
    let title = lead.company_name.clone();
    let captured_on = detail.device_first_seen.get(&lead.device_id).copied();
    let first_seen = detail.device_first_seen;
    let body = view! {
        <p><a class="button" href="/manage/leads">{t(Key::ManageLeadBack)}</a></p>
        <h1 data-testid="lead-title">{lead.company_name.clone()}</h1>
        {detail.restored.then(|| view! { <p class="form-ok" role="status" data-testid="restored">{t(Key::ManageWithdrawnRestored)}</p> })}
        {withdrawn_view(lang, &frame.csrf, &lead)}
        {detail.notice.map(|(ok, key)| {
            let class = if ok { "form-ok" } else { "form-error" };
            view! { <p class=class role=if ok { "status" } else { "alert" } data-testid="lead-notice">{t(key)}</p> }
        })}
        {lead.withdrawn.is_none().then(|| {
            let href = format!("/manage/leads/{}/edit", lead.id);
            view! { <p><a class="button" href=href data-testid="correct-link">{t(Key::ManageCorrectLink)}</a></p> }
        })}
        <div class="lead-columns">
            <section class="card">
                <h2>{t(Key::ManageLeadFields)}</h2>
                {fields(lang, &lead)}
                {photos_view(lang, &lead.id.to_string(), &detail.photos)}
                <h2>{t(Key::ManageLeadProvenance)}</h2>
                <dl class="fields">
                    {field(t(Key::ManageColOfficer), format!("{} ({})", detail.officer, detail.department))}
                    {field(t(Key::ManageLeadDevice), super::trail::device_text(lang, &lead.captured_by, &lead.device_id, captured_on))}
                    {field(t(Key::ManageLeadCapturedAt), domain::time::format_shanghai(lead.captured_at))}
                    {field(t(Key::ManageLeadSyncedAt), beijing(&detail.synced_at))}
                    {field(t(Key::ManageLeadVersion), detail.version.to_string())}
                </dl>
            </section>
            <section class="card">
                <h2>{t(Key::ManageLeadPipeline)}</h2>
                {progress(lang, &lead)}
                {lead.withdrawn.is_none().then(|| stage_form(lang, &frame.csrf, &lead.id.to_string(), &detail.form, detail.error, detail.saved))}
                {followup_view(lang, &frame.csrf, &lead.id.to_string(), detail.followup)}
                {super::reassign::lead_form(lang, &frame.csrf, &lead.id.to_string(), &detail.owner, &detail.officers)}
            </section>
        </div>
        {duplicates_view(lang, &frame.csrf, &lead.id.to_string(), detail.duplicates)}
        {super::privacy::section(lang, &frame.csrf, &lead.id.to_string(), &detail.erasures, detail.erase_error)}
        <section class="card">
            <h2>{t(Key::ManageLeadHistory)}</h2>
            {history_view(lang, &frame.csrf, &lead.id.to_string(), detail.history, first_seen)}
        </section>
    };
    document(frame, Some(Section::Leads), &title, body.into_any())
}
