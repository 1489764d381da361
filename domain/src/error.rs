//! Field-level validation errors. They carry codes, never sentences: the UI turns a code into a
//! message in the officer's language, the server into an English reason in its sync response.

use serde::{Deserialize, Serialize};

/// A field of a lead, named as the capture form and the sync protocol name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadField {
    CompanyName,
    CreditCode,
    ContactName,
    ContactTitle,
    Mobile,
    Wechat,
    Email,
    Origin,
    Province,
    City,
    Country,
    Industry,
    IndustrySegment,
    IntendedProject,
    IntendedInvestment,
    Intent,
    Event,
    Referrer,
    Consent,
    Notes,
    NextFollowUp,
    /// The officer's withdrawal of the lead: set by the device, not typed.
    Withdrawn,
    /// The erasure of the contact's personal data: set by the server, not typed.
    Erased,
    /// When the lead was captured: set by the device's clock, not typed.
    CapturedAt,
    /// When the lead was last changed: set by the device's clock, not typed.
    UpdatedAt,
}

impl LeadField {
    /// The snake_case name used for form inputs, error anchors and the sync protocol.
    pub fn name(self) -> &'static str {
        match self {
            LeadField::CompanyName => "company_name",
            LeadField::CreditCode => "credit_code",
            LeadField::ContactName => "contact_name",
            LeadField::ContactTitle => "contact_title",
            LeadField::Mobile => "mobile",
            LeadField::Wechat => "wechat",
            LeadField::Email => "email",
            LeadField::Origin => "origin",
            LeadField::Province => "province",
            LeadField::City => "city",
            LeadField::Country => "country",
            LeadField::Industry => "industry",
            LeadField::IndustrySegment => "industry_segment",
            LeadField::IntendedProject => "intended_project",
            LeadField::IntendedInvestment => "intended_investment",
            LeadField::Intent => "intent",
            LeadField::Event => "event",
            LeadField::Referrer => "referrer",
            LeadField::Consent => "consent",
            LeadField::Notes => "notes",
            LeadField::NextFollowUp => "next_follow_up",
            LeadField::Withdrawn => "withdrawn",
            LeadField::Erased => "erased",
            LeadField::CapturedAt => "captured_at",
            LeadField::UpdatedAt => "updated_at",
        }
    }
}

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum FieldErrorKind {
    #[error("required")]
    Required,
    #[error("longer than {max} characters")]
    TooLong { max: usize },
    #[error("not a mainland 11-digit mobile or a +international number")]
    InvalidMobile,
    #[error("not a WeChat ID (6-20 letters, digits, _ or -, starting with a letter) or a mobile")]
    InvalidWechat,
    #[error("not an email address")]
    InvalidEmail,
    #[error("a unified social credit code has 18 characters from 0-9 and A-Y without I, O, S, V, Z")]
    InvalidCreditCode,
    #[error("the check character of the unified social credit code does not match")]
    CreditCodeCheck,
    #[error("at least one of mobile, WeChat ID or email is required")]
    NeedOneContact,
    #[error("the contact's consent to keep personal information is required")]
    ConsentRequired,
    #[error("not an amount of money")]
    InvalidAmount,
    #[error("too many decimal places for this unit")]
    TooManyDecimals,
    #[error("amount is larger than any project")]
    AmountTooLarge,
    #[error("the segment does not belong to the chosen industry chain")]
    SegmentMismatch,
    #[error("unknown country")]
    UnknownCountry,
    #[error("a province is required for a domestic origin")]
    ProvinceRequired,
    #[error("not one of the choices offered")]
    UnknownChoice,
    #[error("not a date (YYYY-MM-DD)")]
    InvalidDate,
    #[error("contains a control character (such as U+0000); only line breaks and tabs may be in a text")]
    ControlCharacter,
    #[error(
        "contains a character that reverses or isolates the direction of text (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C)"
    )]
    DirectionControl,
    #[error("the device's clock gave an instant outside 2000-01-01 to 2099-12-31 (UTC)")]
    ClockOutOfRange,
    #[error("a date outside the years 2000 to 2099")]
    DateOutOfRange,
}

impl FieldErrorKind {
    /// A stable code for translation keys (`error.<code>`).
    pub fn code(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "required",
            FieldErrorKind::TooLong { .. } => "too_long",
            FieldErrorKind::InvalidMobile => "invalid_mobile",
            FieldErrorKind::InvalidWechat => "invalid_wechat",
            FieldErrorKind::InvalidEmail => "invalid_email",
            FieldErrorKind::InvalidCreditCode => "invalid_credit_code",
            FieldErrorKind::CreditCodeCheck => "credit_code_check",
            FieldErrorKind::NeedOneContact => "need_one_contact",
            FieldErrorKind::ConsentRequired => "consent_required",
            FieldErrorKind::InvalidAmount => "invalid_amount",
            FieldErrorKind::TooManyDecimals => "too_many_decimals",
            FieldErrorKind::AmountTooLarge => "amount_too_large",
            FieldErrorKind::SegmentMismatch => "segment_mismatch",
            FieldErrorKind::UnknownCountry => "unknown_country",
            FieldErrorKind::ProvinceRequired => "province_required",
            FieldErrorKind::UnknownChoice => "unknown_choice",
            FieldErrorKind::InvalidDate => "invalid_date",
            FieldErrorKind::ControlCharacter => "control_character",
            FieldErrorKind::DirectionControl => "direction_control",
            FieldErrorKind::ClockOutOfRange => "clock_out_of_range",
            FieldErrorKind::DateOutOfRange => "date_out_of_range",
        }
    }
}

/// One field that failed validation, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}: {kind}", field.name())]
pub struct FieldError {
    pub field: LeadField,
    pub kind: FieldErrorKind,
}
