//! The lead (线索): an investor contact captured by an officer, and the one parser that decides
//! whether a lead is valid ([`LeadDraft::parse`]). The capture form parses what was typed; the
//! server runs every lead it receives through the same parser ([`Lead::normalized`]).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::contact::{parse_email, parse_mobile, parse_wechat};
use crate::credit_code::parse_credit_code;
use crate::origin::parse_country;
use crate::{
    text, FieldError, FieldErrorKind, IndustryChain, IndustrySegment, LeadField, MoneyUnit, Origin, OriginKind, Pipeline, Province, Wan,
};

/// The version of the consent text (PIPL notice) the capture form shows. Bump it whenever the
/// wording in the translation files changes, so every lead records what its contact agreed to.
pub const CONSENT_TEXT_VERSION: &str = "2026-11-v1";

/// Longest accepted text, in characters, per free-text field.
pub mod max {
    pub const COMPANY: usize = 100;
    pub const PERSON: usize = 50;
    pub const CITY: usize = 50;
    pub const PROJECT: usize = 200;
    pub const EVENT: usize = 100;
    pub const NOTES: usize = 2000;
    pub const CONSENT_VERSION: usize = 32;
    pub const REASON: usize = 200;
}

/// A lead's identity, made on the device that captured it (UUID v4), so it never needs a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LeadId(pub Uuid);

impl LeadId {
    /// A fresh id, unique and time-ordered (UUID v7): leads captured one after another get ids
    /// that sort together, so the server's indexes on them grow at one end instead of touching a
    /// random page per lead.
    pub fn new() -> Self {
        LeadId(Uuid::now_v7())
    }
}

impl Default for LeadId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for LeadId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How likely the investor is to invest, as the officer judged at the booth.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Hot,
    #[default]
    Warm,
    Cold,
}

impl Intent {
    pub const ALL: [Intent; 3] = [Intent::Hot, Intent::Warm, Intent::Cold];

    /// Stable code, used in forms and translation keys.
    pub fn code(self) -> &'static str {
        match self {
            Intent::Hot => "hot",
            Intent::Warm => "warm",
            Intent::Cold => "cold",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.code() == code)
    }
}

/// Enterprise tier: the "three kinds of top 500" (三类500强) and industry leaders (行业龙头).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnterpriseTier {
    pub fortune_global_500: bool,
    pub china_top_500: bool,
    pub china_private_top_500: bool,
    pub industry_leader: bool,
}

impl EnterpriseTier {
    /// Whether the enterprise is on any of the three top-500 lists the plan counts.
    pub fn is_top_500(&self) -> bool {
        self.fortune_global_500 || self.china_top_500 || self.china_private_top_500
    }
}

/// The contact's consent to keep their personal information (PIPL), and which text they saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub text_version: String,
    #[serde(with = "crate::time::rfc3339")]
    pub given_at: DateTime<Utc>,
}

/// A lead its officer withdrew (deleted on the tablet): the server keeps it, out of every list and
/// figure of the workspace, and sends it to the officer's tablets so that each drops its copy. A
/// manager can restore it (the withdrawal is then `None` again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    #[serde(with = "crate::time::rfc3339")]
    pub at: DateTime<Utc>,
    /// The user name of who withdrew it: the server records the pushing officer's, whatever the
    /// tablet sent.
    pub by: String,
    /// Why: one of [`Withdrawal::REASONS`] from a tablet; a line of text from elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Withdrawal {
    /// The reasons an officer picks from when deleting a lead on the tablet, as codes (shown in
    /// the reader's language, `withdraw_reason.CODE`): entered twice, entered by mistake, a test
    /// entry, another reason.
    pub const REASONS: &'static [&'static str] = &["duplicate", "mistake", "test", "other"];

    /// Whether a lead at `stage` may be withdrawn from a tablet: only before it became a project
    /// (lead or screened). Past that, the project record belongs to the district's figures.
    pub fn allowed_at(stage: crate::PipelineStage) -> bool {
        matches!(stage, crate::PipelineStage::Lead | crate::PipelineStage::Screened)
    }
}

/// The contact's personal data erased from a lead (PIPL: the contact asked, or withdrew their
/// consent; or the retention rule). The project record stays for the statistics; who asked and
/// how is kept by the server beside the lead, not in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    #[serde(with = "crate::time::rfc3339")]
    pub at: DateTime<Utc>,
    /// The user name of who recorded the erasure (a manager), or `retention`.
    pub by: String,
}

/// The attributes of a lead that are the contact's personal data.
pub const PERSONAL: [crate::sync::LeadAttr; 6] = {
    use crate::sync::LeadAttr as A;
    [A::ContactName, A::ContactTitle, A::Mobile, A::Wechat, A::Email, A::Notes]
};

/// Who captured a lead, where and when: set by the device, not typed by the officer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadMeta {
    pub id: LeadId,
    #[serde(with = "crate::time::rfc3339")]
    pub captured_at: DateTime<Utc>,
    #[serde(with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    pub captured_by: String,
    pub device_id: String,
}

/// A valid lead. Build one with [`LeadDraft::parse`]; check one that arrived from elsewhere with
/// [`Lead::normalized`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub id: LeadId,
    pub company_name: String,
    pub credit_code: Option<String>,
    pub contact_name: String,
    pub contact_title: Option<String>,
    pub mobile: Option<String>,
    pub wechat: Option<String>,
    pub email: Option<String>,
    pub origin: Option<Origin>,
    pub industry: Option<IndustryChain>,
    pub industry_segment: Option<IndustrySegment>,
    pub intended_project: Option<String>,
    /// Intended investment in 万元.
    pub intended_investment: Option<Wan>,
    pub tier: EnterpriseTier,
    pub intent: Intent,
    pub event: Option<String>,
    pub referrer: Option<String>,
    pub consent: Consent,
    pub notes: Option<String>,
    #[serde(default, with = "crate::time::optional_date")]
    pub next_follow_up: Option<NaiveDate>,
    /// Where the lead stands in the project pipeline: moved by managers on the server, shown on
    /// the tablet. Absent in leads stored before the pipeline existed.
    #[serde(default, skip_serializing_if = "Pipeline::is_fresh")]
    pub pipeline: Pipeline,
    /// Set when the officer withdrew the lead; absent on every lead in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Withdrawal>,
    /// Set when the contact's personal data was erased: the lead then has none ([`PERSONAL`]),
    /// whatever a tablet sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased: Option<Erasure>,
    #[serde(with = "crate::time::rfc3339")]
    pub captured_at: DateTime<Utc>,
    #[serde(with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    pub captured_by: String,
    pub device_id: String,
}

impl Lead {
    /// Who/where/when of this lead.
    pub fn meta(&self) -> LeadMeta {
        LeadMeta {
            id: self.id,
            captured_at: self.captured_at,
            updated_at: self.updated_at,
            captured_by: self.captured_by.clone(),
            device_id: self.device_id.clone(),
        }
    }

    /// The lead without the contact's personal data, marked erased at `at` by `by`.
    pub fn erased(&self, at: DateTime<Utc>, by: &str) -> Lead {
        let mut lead = self.clone();
        lead.contact_name = String::new();
        lead.contact_title = None;
        lead.mobile = None;
        lead.wechat = None;
        lead.email = None;
        lead.notes = None;
        lead.erased = Some(self.erased.clone().unwrap_or(Erasure { at, by: by.to_owned() }));
        lead
    }

    /// An erased lead as it may be stored: without personal data.
    fn without_erased_data(lead: Lead) -> Lead {
        match &lead.erased {
            Some(e) => {
                let (at, by) = (e.at, e.by.clone());
                lead.erased(at, &by)
            }
            None => lead,
        }
    }

    /// Whether any personal attribute ([`PERSONAL`]) holds a value.
    pub fn has_personal_data(&self) -> bool {
        !self.contact_name.is_empty()
            || [&self.contact_title, &self.mobile, &self.wechat, &self.email, &self.notes].iter().any(|v| v.is_some())
    }

    /// Runs the lead through the same parser the capture form uses and returns it normalised
    /// (trimmed text, mobile without spaces, ...), or every field that is wrong.
    pub fn normalized(&self) -> Result<Lead, Vec<FieldError>> {
        LeadDraft::from_lead(self).parse(self.meta())
    }

    /// An upper bound of the length of this lead's JSON, in bytes, without serializing it: the
    /// texts at three bytes a character plus room for every other field. The tablet sizes sync
    /// batches with it.
    pub fn json_len_bound(&self) -> usize {
        let texts = [
            Some(&self.company_name),
            self.credit_code.as_ref(),
            Some(&self.contact_name),
            self.contact_title.as_ref(),
            self.mobile.as_ref(),
            self.wechat.as_ref(),
            self.email.as_ref(),
            self.intended_project.as_ref(),
            self.event.as_ref(),
            self.referrer.as_ref(),
            self.notes.as_ref(),
            Some(&self.captured_by),
            Some(&self.device_id),
            Some(&self.consent.text_version),
        ];
        let city = match &self.origin {
            Some(crate::Origin::Domestic { city: Some(city), .. }) => city.len(),
            _ => 0,
        };
        // JSON escapes a quote or backslash with one more byte and a control character with up to
        // six: counting each character as six bytes covers any text.
        let reason = self.pipeline.reason.as_ref().map_or(0, |r| r.chars().count() * 6);
        let withdrawn =
            self.withdrawn.as_ref().map_or(0, |w| (w.by.chars().count() + w.reason.as_ref().map_or(0, |r| r.chars().count())) * 6 + 80);
        texts.iter().flatten().map(|t| t.chars().count() * 6).sum::<usize>()
            + city * 6
            + reason
            + withdrawn
            + self.erased.as_ref().map_or(0, |e| e.by.chars().count() * 6 + 60)
            + 60 * self.pipeline.funds.len()
            + 1800
    }

    /// Whether `query` occurs in the company or contact name (ignoring the case of Latin letters;
    /// Chinese has none, and full Unicode case tables would weigh on the tablet's WebAssembly).
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim().to_ascii_lowercase();
        query.is_empty()
            || self.company_name.to_ascii_lowercase().contains(&query)
            || self.contact_name.to_ascii_lowercase().contains(&query)
    }
}

/// What the officer typed, as text, before it is parsed into a [`Lead`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadDraft {
    pub company_name: String,
    pub credit_code: String,
    pub contact_name: String,
    pub contact_title: String,
    pub mobile: String,
    pub wechat: String,
    pub email: String,
    pub origin_kind: OriginKind,
    /// A [`Province`] code, or empty.
    pub province: String,
    pub city: String,
    /// A country code from [`crate::COUNTRIES`], or empty.
    pub country: String,
    /// An [`IndustryChain`] code, or empty.
    pub industry: String,
    /// An [`IndustrySegment`] code, or empty.
    pub industry_segment: String,
    pub intended_project: String,
    pub investment_amount: String,
    pub investment_unit: MoneyUnit,
    pub tier: EnterpriseTier,
    pub intent: Intent,
    pub event: String,
    pub referrer: String,
    /// The consent record, once the contact has agreed.
    pub consent: Option<Consent>,
    pub notes: String,
    /// `YYYY-MM-DD`, or empty.
    pub next_follow_up: String,
    /// Not edited in the form: carried through so that editing a lead keeps its stage.
    pub pipeline: Pipeline,
    /// Not edited in the form either: carried through.
    pub withdrawn: Option<Withdrawal>,
    /// Carried through too: an erased lead takes no personal data.
    pub erased: Option<Erasure>,
}

/// Collects field errors while a draft is parsed, so that every wrong field is reported at once.
struct Errors(Vec<FieldError>);

impl Errors {
    fn check<T: Default>(&mut self, field: LeadField, result: Result<T, FieldErrorKind>) -> T {
        result.unwrap_or_else(|kind| {
            self.0.push(FieldError { field, kind });
            T::default()
        })
    }
}

impl LeadDraft {
    /// The draft that shows `lead` in the form, amounts in the unit a person would say them in.
    pub fn from_lead(lead: &Lead) -> Self {
        let unit = lead.intended_investment.map(Wan::natural_unit).unwrap_or_default();
        let (origin_kind, province, city, country) = match &lead.origin {
            None => (OriginKind::Domestic, String::new(), String::new(), String::new()),
            Some(Origin::Domestic { province, city }) => {
                (OriginKind::Domestic, province.code().into(), city.clone().unwrap_or_default(), String::new())
            }
            Some(Origin::Foreign { country }) => (OriginKind::Foreign, String::new(), String::new(), country.clone()),
        };
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        LeadDraft {
            company_name: lead.company_name.clone(),
            credit_code: text(&lead.credit_code),
            contact_name: lead.contact_name.clone(),
            contact_title: text(&lead.contact_title),
            mobile: text(&lead.mobile),
            wechat: text(&lead.wechat),
            email: text(&lead.email),
            origin_kind,
            province,
            city,
            country,
            industry: lead.industry.map(|i| i.code().to_owned()).unwrap_or_default(),
            industry_segment: lead.industry_segment.map(|s| s.code().to_owned()).unwrap_or_default(),
            intended_project: text(&lead.intended_project),
            investment_amount: lead.intended_investment.map(|w| w.format_in(unit)).unwrap_or_default(),
            investment_unit: unit,
            tier: lead.tier,
            intent: lead.intent,
            event: text(&lead.event),
            referrer: text(&lead.referrer),
            consent: Some(lead.consent.clone()),
            notes: text(&lead.notes),
            next_follow_up: lead.next_follow_up.map(|d| d.to_string()).unwrap_or_default(),
            pipeline: lead.pipeline.clone(),
            withdrawn: lead.withdrawn.clone(),
            erased: lead.erased.clone(),
        }
    }

    /// Parses the draft into a lead, or returns every field that is wrong, in form order.
    pub fn parse(&self, meta: LeadMeta) -> Result<Lead, Vec<FieldError>> {
        use LeadField as F;
        let mut errors = Errors(Vec::new());
        let company_name = errors.check(F::CompanyName, text::required(&self.company_name, max::COMPANY));
        let credit_code = errors.check(F::CreditCode, parse_credit_code(&self.credit_code));
        let contact_name = match self.erased {
            // Erased: whatever was typed is not kept.
            Some(_) => String::new(),
            None => errors.check(F::ContactName, text::required(&self.contact_name, max::PERSON)),
        };
        let contact_title = errors.check(F::ContactTitle, text::optional(&self.contact_title, max::PERSON));
        let mobile = errors.check(F::Mobile, parse_mobile(&self.mobile));
        let wechat = errors.check(F::Wechat, parse_wechat(&self.wechat));
        let email = errors.check(F::Email, parse_email(&self.email));
        let any_contact_typed = [&self.mobile, &self.wechat, &self.email].iter().any(|s| !s.trim().is_empty());
        if !any_contact_typed && self.erased.is_none() {
            errors.0.push(FieldError { field: F::Mobile, kind: FieldErrorKind::NeedOneContact });
        }
        let origin = self.parse_origin(&mut errors);
        let industry = errors.check(F::Industry, code_or_none(&self.industry, IndustryChain::from_code));
        let industry_segment = errors.check(F::IndustrySegment, code_or_none(&self.industry_segment, IndustrySegment::from_code));
        if let Some(segment) = industry_segment {
            if industry != Some(segment.chain()) {
                errors.0.push(FieldError { field: F::IndustrySegment, kind: FieldErrorKind::SegmentMismatch });
            }
        }
        let intended_project = errors.check(F::IntendedProject, text::optional(&self.intended_project, max::PROJECT));
        let intended_investment = errors.check(F::IntendedInvestment, Wan::parse(&self.investment_amount, self.investment_unit));
        let event = errors.check(F::Event, text::optional(&self.event, max::EVENT));
        let referrer = errors.check(F::Referrer, text::optional(&self.referrer, max::PERSON));
        let consent = match &self.consent {
            Some(c) if !crate::time::in_range(c.given_at) => {
                errors.0.push(FieldError { field: F::Consent, kind: FieldErrorKind::ClockOutOfRange });
                None
            }
            Some(c)
                if !c.text_version.trim().is_empty()
                    && c.text_version.len() <= max::CONSENT_VERSION
                    && !c.text_version.chars().any(char::is_control) =>
            {
                Some(c.clone())
            }
            _ => {
                errors.0.push(FieldError { field: F::Consent, kind: FieldErrorKind::ConsentRequired });
                None
            }
        };
        let notes = errors.check(F::Notes, text::optional(&self.notes, max::NOTES));
        let withdrawn = errors.check(F::Withdrawn, parse_withdrawal(self.withdrawn.as_ref()));
        let erased = errors.check(F::Erased, parse_erasure(self.erased.as_ref()));
        let next_follow_up = errors.check(F::NextFollowUp, parse_date(&self.next_follow_up));
        for (field, at) in [(F::CapturedAt, meta.captured_at), (F::UpdatedAt, meta.updated_at)] {
            if !crate::time::in_range(at) {
                errors.0.push(FieldError { field, kind: FieldErrorKind::ClockOutOfRange });
            }
        }

        match consent {
            Some(consent) if errors.0.is_empty() => Ok(Lead::without_erased_data(Lead {
                id: meta.id,
                company_name,
                credit_code,
                contact_name,
                contact_title,
                mobile,
                wechat,
                email,
                origin,
                industry,
                industry_segment,
                intended_project,
                intended_investment,
                tier: self.tier,
                intent: self.intent,
                event,
                referrer,
                consent,
                notes,
                next_follow_up,
                pipeline: self.pipeline.clone(),
                withdrawn,
                erased,
                captured_at: meta.captured_at,
                updated_at: meta.updated_at,
                captured_by: meta.captured_by,
                device_id: meta.device_id,
            })),
            _ => {
                errors.0.sort_by_key(|e| e.field as u8);
                Err(errors.0)
            }
        }
    }

    fn parse_origin(&self, errors: &mut Errors) -> Option<Origin> {
        match self.origin_kind {
            OriginKind::Domestic => {
                let city = errors.check(LeadField::City, text::optional(&self.city, max::CITY));
                let province = errors.check(LeadField::Province, code_or_none(&self.province, Province::from_code));
                match (province, city) {
                    (Some(province), city) => Some(Origin::Domestic { province, city }),
                    (None, Some(_)) => {
                        errors.0.push(FieldError { field: LeadField::Province, kind: FieldErrorKind::ProvinceRequired });
                        None
                    }
                    (None, None) => None,
                }
            }
            OriginKind::Foreign if self.country.trim().is_empty() => None,
            OriginKind::Foreign => {
                let country = errors.check(LeadField::Country, parse_country(&self.country).map(Some));
                country.map(|country| Origin::Foreign { country })
            }
        }
    }
}

fn code_or_none<T>(code: &str, from_code: impl Fn(&str) -> Option<T>) -> Result<Option<T>, FieldErrorKind> {
    let code = code.trim();
    if code.is_empty() {
        return Ok(None);
    }
    from_code(code).map(Some).ok_or(FieldErrorKind::UnknownChoice)
}

/// A withdrawal as it may be stored: its instant one a clock gives, who and why short single lines.
fn parse_withdrawal(withdrawal: Option<&Withdrawal>) -> Result<Option<Withdrawal>, FieldErrorKind> {
    let Some(w) = withdrawal else { return Ok(None) };
    if !crate::time::in_range(w.at) {
        return Err(FieldErrorKind::ClockOutOfRange);
    }
    let by = text::required(&w.by, max::PERSON)?;
    let reason = match &w.reason {
        Some(reason) => text::optional(reason, max::REASON)?,
        None => None,
    };
    Ok(Some(Withdrawal { at: w.at, by, reason }))
}

fn parse_erasure(erasure: Option<&Erasure>) -> Result<Option<Erasure>, FieldErrorKind> {
    let Some(e) = erasure else { return Ok(None) };
    if !crate::time::in_range(e.at) {
        return Err(FieldErrorKind::ClockOutOfRange);
    }
    Ok(Some(Erasure { at: e.at, by: text::required(&e.by, max::PERSON)? }))
}

fn parse_date(raw: &str) -> Result<Option<NaiveDate>, FieldErrorKind> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let date = crate::time::optional_date::parse(raw).ok_or(FieldErrorKind::InvalidDate)?;
    if !crate::time::date_in_range(date) {
        return Err(FieldErrorKind::DateOutOfRange);
    }
    Ok(Some(date))
}

#[cfg(test)]
mod tests;
