use super::*;
use crate::OriginClass;
use chrono::TimeZone;
use proptest::prelude::*;

fn meta() -> LeadMeta {
    let at = Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, 0).unwrap();
    LeadMeta { id: LeadId::new(), captured_at: at, updated_at: at, captured_by: "li.wei".into(), device_id: "tablet-1".into() }
}

fn consent() -> Option<Consent> {
    Some(Consent { text_version: CONSENT_TEXT_VERSION.into(), given_at: Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, 0).unwrap() })
}

/// The smallest draft a booth capture needs: company, contact, one way to reach them, consent.
fn minimal() -> LeadDraft {
    LeadDraft {
        company_name: "成都蜀味预制菜有限公司".into(),
        contact_name: "王芳".into(),
        mobile: "138 0013 8000".into(),
        consent: consent(),
        ..LeadDraft::default()
    }
}

fn kinds(errors: &[FieldError]) -> Vec<(LeadField, FieldErrorKind)> {
    errors.iter().map(|e| (e.field, e.kind)).collect()
}

#[test]
fn a_minimal_draft_parses_and_is_normalised() {
    let lead = minimal().parse(meta()).unwrap();
    assert_eq!(lead.company_name, "成都蜀味预制菜有限公司");
    assert_eq!(lead.mobile.as_deref(), Some("13800138000"));
    assert_eq!(lead.intent, Intent::Warm);
    assert_eq!(lead.origin, None);
}

#[test]
fn missing_company_contact_and_consent_are_all_reported() {
    let draft = LeadDraft { mobile: "13800138000".into(), ..LeadDraft::default() };
    let errors = draft.parse(meta()).unwrap_err();
    assert_eq!(
        kinds(&errors),
        vec![
            (LeadField::CompanyName, FieldErrorKind::Required),
            (LeadField::ContactName, FieldErrorKind::Required),
            (LeadField::Consent, FieldErrorKind::ConsentRequired),
        ]
    );
}

#[test]
fn a_consent_whose_text_version_holds_a_control_character_is_no_consent() {
    let mut draft = minimal();
    draft.consent = consent().map(|c| Consent { text_version: format!("{}\u{0}", c.text_version), ..c });
    assert_eq!(kinds(&draft.parse(meta()).unwrap_err()), vec![(LeadField::Consent, FieldErrorKind::ConsentRequired)]);
}

#[test]
fn one_of_mobile_wechat_or_email_is_required() {
    let draft = LeadDraft { mobile: String::new(), ..minimal() };
    assert_eq!(kinds(&draft.parse(meta()).unwrap_err()), vec![(LeadField::Mobile, FieldErrorKind::NeedOneContact)]);
    for (wechat, email) in [("wxid_wangfang", ""), ("", "wang@shuwei.cn")] {
        let draft = LeadDraft { mobile: String::new(), wechat: wechat.into(), email: email.into(), ..minimal() };
        assert!(draft.parse(meta()).is_ok(), "{wechat}{email}");
    }
}

#[test]
fn each_field_reports_its_own_error() {
    let draft = LeadDraft {
        credit_code: "91350100M000100Y44".into(),
        email: "not-an-email".into(),
        investment_amount: "1.23456".into(),
        investment_unit: MoneyUnit::Yi,
        industry: "manufacturing".into(),
        industry_segment: "pigs".into(),
        next_follow_up: "2026-13-01".into(),
        company_name: "x".repeat(101),
        ..minimal()
    };
    assert_eq!(
        kinds(&draft.parse(meta()).unwrap_err()),
        vec![
            (LeadField::CompanyName, FieldErrorKind::TooLong { max: 100 }),
            (LeadField::CreditCode, FieldErrorKind::CreditCodeCheck),
            (LeadField::Email, FieldErrorKind::InvalidEmail),
            (LeadField::IndustrySegment, FieldErrorKind::SegmentMismatch),
            (LeadField::IntendedInvestment, FieldErrorKind::TooManyDecimals),
            (LeadField::NextFollowUp, FieldErrorKind::InvalidDate),
        ]
    );
}

#[test]
fn origins_are_parsed_and_classified() {
    let domestic = LeadDraft { province: "guangdong".into(), city: "深圳".into(), ..minimal() };
    let lead = domestic.parse(meta()).unwrap();
    assert_eq!(lead.origin.as_ref().map(Origin::class), Some(OriginClass::OutOfProvince));

    let city_only = LeadDraft { city: "深圳".into(), ..minimal() };
    assert_eq!(kinds(&city_only.parse(meta()).unwrap_err()), vec![(LeadField::Province, FieldErrorKind::ProvinceRequired)]);

    let foreign = LeadDraft { origin_kind: OriginKind::Foreign, country: "sg".into(), ..minimal() };
    assert_eq!(foreign.parse(meta()).unwrap().origin, Some(Origin::Foreign { country: "SG".into() }));
}

#[test]
fn a_full_lead_survives_the_form_round_trip() {
    let draft = LeadDraft {
        credit_code: "91350100M000100Y43".into(),
        contact_title: "总经理".into(),
        wechat: "wxid_wangfang".into(),
        email: "wang@shuwei.cn".into(),
        province: "chongqing".into(),
        city: "渝北".into(),
        industry: "food_beverage".into(),
        industry_segment: "pre_made_dishes".into(),
        intended_project: "中央厨房及预制菜生产基地".into(),
        investment_amount: "3.5".into(),
        investment_unit: MoneyUnit::Yi,
        tier: EnterpriseTier { china_private_top_500: true, ..EnterpriseTier::default() },
        intent: Intent::Hot,
        event: "第十九届西博会".into(),
        referrer: "张强".into(),
        notes: "需要 20 亩工业用地".into(),
        next_follow_up: "2026-10-08".into(),
        ..minimal()
    };
    let lead = draft.parse(meta()).unwrap();
    assert_eq!(lead.intended_investment, Some(Wan(35_000)));
    assert!(lead.tier.is_top_500());
    assert_eq!(LeadDraft::from_lead(&lead).parse(lead.meta()), Ok(lead.clone()));
    assert_eq!(lead.normalized(), Ok(lead));
}

#[test]
fn a_lead_from_elsewhere_is_normalised_or_refused() {
    let mut lead = minimal().parse(meta()).unwrap();
    lead.mobile = Some("+86 138 0013 8000".into());
    lead.company_name = "  蜀味  ".into();
    let normalized = lead.normalized().unwrap();
    assert_eq!(normalized.mobile.as_deref(), Some("13800138000"));
    assert_eq!(normalized.company_name, "蜀味");

    lead.consent.text_version = String::new();
    assert_eq!(kinds(&lead.normalized().unwrap_err()), vec![(LeadField::Consent, FieldErrorKind::ConsentRequired)]);
}

#[test]
fn search_matches_company_or_contact() {
    let lead = minimal().parse(meta()).unwrap();
    assert!(lead.matches("蜀味"));
    assert!(lead.matches("王"));
    assert!(lead.matches(""));
    assert!(!lead.matches("重庆"));
    let latin = LeadDraft { company_name: "Chengdu FoodTech".into(), ..minimal() }.parse(meta()).unwrap();
    assert!(latin.matches("foodtech"));
}

proptest! {
    #[test]
    fn parse_never_panics_on_any_text(company in "\\PC{0,120}", mobile in "\\PC{0,20}", amount in "\\PC{0,12}") {
        let draft = LeadDraft { company_name: company, mobile, investment_amount: amount, ..minimal() };
        let _ = draft.parse(meta());
    }

    #[test]
    fn a_parsed_lead_is_a_fixed_point_of_normalisation(company in "[\\p{Han}A-Za-z ]{1,60}", yi in 0i64..100_000) {
        let draft = LeadDraft { company_name: company, investment_amount: Wan(yi).format_in(MoneyUnit::Yi), investment_unit: MoneyUnit::Yi, ..minimal() };
        if let Ok(lead) = draft.parse(meta()) {
            prop_assert_eq!(lead.normalized(), Ok(lead.clone()));
        }
    }
}

#[test]
fn instants_outside_2000_to_2099_are_refused_with_their_field() {
    let early = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap();
    let late = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap();
    let errors = minimal().parse(LeadMeta { captured_at: early, updated_at: late, ..meta() }).unwrap_err();
    assert_eq!(
        kinds(&errors),
        vec![(LeadField::CapturedAt, FieldErrorKind::ClockOutOfRange), (LeadField::UpdatedAt, FieldErrorKind::ClockOutOfRange)]
    );
    let draft = LeadDraft { consent: Some(Consent { text_version: CONSENT_TEXT_VERSION.into(), given_at: late }), ..minimal() };
    assert_eq!(kinds(&draft.parse(meta()).unwrap_err()), vec![(LeadField::Consent, FieldErrorKind::ClockOutOfRange)]);
    let draft = LeadDraft { next_follow_up: "2100-01-01".into(), ..minimal() };
    assert_eq!(kinds(&draft.parse(meta()).unwrap_err()), vec![(LeadField::NextFollowUp, FieldErrorKind::DateOutOfRange)]);
}

/// Any text, with a bias towards what breaks things: invisible and direction characters, quotes,
/// very long runs, full-width digits.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[\\u{0}-\\u{1f}\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{feff}a\"\\\\成 ]{0,12}",
        "[０-９a-z@.+ -]{0,24}",
        "\\PC{100,130}",
    ]
}

/// An instant anywhere the stored format can hold (years 0 to 9999), half of them in the years a
/// lead may carry.
fn any_instant() -> impl Strategy<Value = chrono::DateTime<Utc>> {
    prop_oneof![946_684_800_000i64..4_102_444_800_000, -62_167_219_200_000i64..253_402_300_799_999]
        .prop_map(|ms| Utc.timestamp_millis_opt(ms).unwrap())
}

proptest! {
    /// Whatever the parser accepts can be stored as JSON, read back as the same lead, and is left
    /// as it is by the parser a second time: a value the server takes is one it can show.
    #[test]
    fn every_lead_accepted_is_stored_and_read_back_unchanged(
        company in hostile_text(),
        contact in hostile_text(),
        title in hostile_text(),
        mobile in prop_oneof!["1[3-9][0-9]{9}", hostile_text()],
        email in prop_oneof!["[a-z]{1,8}@[a-z]{1,8}\\.cn", hostile_text()],
        notes in hostile_text(),
        amount in "[0-9.,]{0,16}",
        follow_up in prop_oneof!["[0-9]{4}-[0-9]{2}-[0-9]{2}", "[0-9-]{0,12}"],
        captured_at in any_instant(),
        updated_at in any_instant(),
        given_at in any_instant(),
    ) {
        let draft = LeadDraft {
            company_name: company,
            contact_name: contact,
            contact_title: title,
            mobile,
            email,
            notes,
            investment_amount: amount,
            next_follow_up: follow_up,
            consent: Some(Consent { text_version: CONSENT_TEXT_VERSION.into(), given_at }),
            ..LeadDraft::default()
        };
        if let Ok(lead) = draft.parse(LeadMeta { captured_at, updated_at, ..meta() }) {
            let json = serde_json::to_string(&lead).unwrap();
            let read: Lead = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&read, &lead);
            prop_assert_eq!(read.normalized(), Ok(lead));
        }
    }
}
