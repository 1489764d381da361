//! A lead's attributes as the columns of a spreadsheet, in one order under one set of headers:
//! the tablet's "export my leads" CSV and the workspace's CSV and .xlsx are made from this list,
//! so no export leaves an attribute out. Cells keep their kind (amount, date, instant), so a
//! spreadsheet gets numbers and dates, not text that looks like them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{time::format_shanghai, Lead, Origin};

use crate::i18n::{Key, Lang};

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// An amount in 万元.
    Wan(Option<i64>),
    Date(Option<NaiveDate>),
    /// Shown in Beijing time.
    Instant(Option<DateTime<Utc>>),
}

impl Value {
    /// The cell as CSV text: amounts as plain whole numbers, dates `YYYY-MM-DD`, instants
    /// `YYYY-MM-DD HH:MM` in Beijing time.
    pub fn text(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Wan(wan) => wan.map(|w| w.to_string()).unwrap_or_default(),
            Value::Date(day) => day.map(domain::time::optional_date::format).unwrap_or_default(),
            Value::Instant(at) => at.map(format_shanghai).unwrap_or_default(),
        }
    }
}

/// An attribute of a lead, as a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Id,
    Company,
    CreditCode,
    Contact,
    Title,
    Mobile,
    Wechat,
    Email,
    Origin,
    Industry,
    Segment,
    Project,
    IntendedWan,
    Tier,
    Intent,
    Event,
    Referrer,
    ConsentVersion,
    Notes,
    NextFollowUp,
    CapturedAt,
    UpdatedAt,
    CapturedBy,
    DeviceId,
}

/// Every attribute a lead has, in the order of the exports.
pub const COLUMNS: [Column; 24] = [
    Column::Id,
    Column::Company,
    Column::CreditCode,
    Column::Contact,
    Column::Title,
    Column::Mobile,
    Column::Wechat,
    Column::Email,
    Column::Origin,
    Column::Industry,
    Column::Segment,
    Column::Project,
    Column::IntendedWan,
    Column::Tier,
    Column::Intent,
    Column::Event,
    Column::Referrer,
    Column::ConsentVersion,
    Column::Notes,
    Column::NextFollowUp,
    Column::CapturedAt,
    Column::UpdatedAt,
    Column::CapturedBy,
    Column::DeviceId,
];

impl Column {
    pub fn header(self, lang: Lang) -> String {
        let key = match self {
            Column::Id => Key::ExportHeaderId,
            Column::Company => Key::FieldCompanyName,
            Column::CreditCode => Key::FieldCreditCode,
            Column::Contact => Key::FieldContactName,
            Column::Title => Key::FieldContactTitle,
            Column::Mobile => Key::FieldMobile,
            Column::Wechat => Key::FieldWechat,
            Column::Email => Key::FieldEmail,
            Column::Origin => Key::FieldOrigin,
            Column::Industry => Key::FieldIndustry,
            Column::Segment => Key::FieldIndustrySegment,
            Column::Project => Key::FieldIntendedProject,
            Column::IntendedWan => {
                let (field, unit) = (lang.text(Key::FieldIntendedInvestment), lang.text(Key::UnitWan));
                return match lang {
                    Lang::Zh => format!("{field}（{unit}）"),
                    Lang::En => format!("{field} ({unit})"),
                };
            }
            Column::Tier => Key::FieldTier,
            Column::Intent => Key::FieldIntent,
            Column::Event => Key::FieldEvent,
            Column::Referrer => Key::FieldReferrer,
            Column::ConsentVersion => Key::ExportHeaderConsentVersion,
            Column::Notes => Key::FieldNotes,
            Column::NextFollowUp => Key::FieldNextFollowUp,
            Column::CapturedAt => Key::ExportHeaderCapturedAt,
            Column::UpdatedAt => Key::ExportHeaderUpdatedAt,
            Column::CapturedBy => Key::ExportHeaderCapturedBy,
            Column::DeviceId => Key::ExportHeaderDeviceId,
        };
        lang.text(key).to_owned()
    }

    /// This attribute of `lead`, with choices named in `lang`.
    pub fn value(self, lead: &Lead, lang: Lang) -> Value {
        let text = |v: &Option<String>| Value::Text(v.clone().unwrap_or_default());
        match self {
            Column::Id => Value::Text(lead.id.to_string()),
            Column::Company => Value::Text(lead.company_name.clone()),
            Column::CreditCode => text(&lead.credit_code),
            Column::Contact => Value::Text(lead.contact_name.clone()),
            Column::Title => text(&lead.contact_title),
            Column::Mobile => text(&lead.mobile),
            Column::Wechat => text(&lead.wechat),
            Column::Email => text(&lead.email),
            Column::Origin => Value::Text(origin_text(lead.origin.as_ref(), lang)),
            Column::Industry => Value::Text(lead.industry.map(|i| lang.text_of("industry", i.code())).unwrap_or_default()),
            Column::Segment => Value::Text(lead.industry_segment.map(|s| lang.text_of("segment", s.code())).unwrap_or_default()),
            Column::Project => text(&lead.intended_project),
            Column::IntendedWan => Value::Wan(lead.intended_investment.map(|w| w.0)),
            Column::Tier => Value::Text(tier_text(&lead.tier, lang)),
            Column::Intent => Value::Text(lang.text_of("intent", lead.intent.code())),
            Column::Event => text(&lead.event),
            Column::Referrer => text(&lead.referrer),
            Column::ConsentVersion => Value::Text(lead.consent.text_version.clone()),
            Column::Notes => text(&lead.notes),
            Column::NextFollowUp => Value::Date(lead.next_follow_up),
            Column::CapturedAt => Value::Instant(Some(lead.captured_at)),
            Column::UpdatedAt => Value::Instant(Some(lead.updated_at)),
            Column::CapturedBy => Value::Text(lead.captured_by.clone()),
            Column::DeviceId => Value::Text(lead.device_id.clone()),
        }
    }
}

/// The headers of every column, in `lang`.
pub fn headers(lang: Lang) -> Vec<String> {
    COLUMNS.iter().map(|c| c.header(lang)).collect()
}

/// Every attribute of `lead`, in the order of [`COLUMNS`].
pub fn values(lead: &Lead, lang: Lang) -> Vec<Value> {
    COLUMNS.iter().map(|c| c.value(lead, lang)).collect()
}

/// Where the investor comes from, in words (empty when not recorded).
pub fn origin_text(origin: Option<&Origin>, lang: Lang) -> String {
    match origin {
        None => String::new(),
        Some(Origin::Domestic { province, city }) => {
            let province = lang.text_of("province", province.code());
            city.as_ref().map(|c| format!("{province} {c}")).unwrap_or(province)
        }
        Some(Origin::Foreign { country }) => lang.text_of("country", country),
    }
}

/// The enterprise's tiers, in words (empty when none).
pub fn tier_text(tier: &domain::EnterpriseTier, lang: Lang) -> String {
    [
        (tier.fortune_global_500, Key::TierFortuneGlobal500),
        (tier.china_top_500, Key::TierChinaTop500),
        (tier.china_private_top_500, Key::TierChinaPrivateTop500),
        (tier.industry_leader, Key::TierIndustryLeader),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, key)| lang.text(*key))
    .collect::<Vec<_>>()
    .join("、")
}
