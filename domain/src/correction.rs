//! A manager's correction of a lead in the workspace: every attribute an officer types, as the
//! workspace's form sends it (flat text; checkboxes present when ticked), read through the same
//! parser as the capture form ([`LeadDraft::parse`]). What the form does not hold (the contact's
//! consent, the pipeline, who captured it where and when) stays as it was.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{FieldError, FieldErrorKind, Intent, Lead, LeadDraft, LeadField, LeadMeta, MoneyUnit, OriginKind};

/// The correction form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CorrectionForm {
    pub company_name: String,
    pub credit_code: String,
    pub contact_name: String,
    pub contact_title: String,
    pub mobile: String,
    pub wechat: String,
    pub email: String,
    /// `domestic` or `foreign`.
    pub origin_kind: String,
    pub province: String,
    pub city: String,
    pub country: String,
    pub industry: String,
    pub industry_segment: String,
    pub intended_project: String,
    pub investment_amount: String,
    /// `wan` or `yi`.
    pub investment_unit: String,
    pub fortune_global_500: Option<String>,
    pub china_top_500: Option<String>,
    pub china_private_top_500: Option<String>,
    pub industry_leader: Option<String>,
    /// `hot`, `warm` or `cold`.
    pub intent: String,
    pub event: String,
    pub referrer: String,
    pub notes: String,
    /// `YYYY-MM-DD`, or empty.
    pub next_follow_up: String,
}

/// `parsed`, or an "unknown choice" error of `field` when there is none.
fn choice<T>(errors: &mut Vec<FieldError>, field: LeadField, parsed: Option<T>) -> Option<T> {
    if parsed.is_none() {
        errors.push(FieldError { field, kind: FieldErrorKind::UnknownChoice });
    }
    parsed
}

fn ticked(on: bool) -> Option<String> {
    on.then(|| "on".to_owned())
}

impl CorrectionForm {
    /// The form showing `lead`.
    pub fn for_lead(lead: &Lead) -> CorrectionForm {
        let d = LeadDraft::from_lead(lead);
        CorrectionForm {
            company_name: d.company_name,
            credit_code: d.credit_code,
            contact_name: d.contact_name,
            contact_title: d.contact_title,
            mobile: d.mobile,
            wechat: d.wechat,
            email: d.email,
            origin_kind: match d.origin_kind {
                OriginKind::Domestic => "domestic",
                OriginKind::Foreign => "foreign",
            }
            .to_owned(),
            province: d.province,
            city: d.city,
            country: d.country,
            industry: d.industry,
            industry_segment: d.industry_segment,
            intended_project: d.intended_project,
            investment_amount: d.investment_amount,
            investment_unit: d.investment_unit.code().to_owned(),
            fortune_global_500: ticked(d.tier.fortune_global_500),
            china_top_500: ticked(d.tier.china_top_500),
            china_private_top_500: ticked(d.tier.china_private_top_500),
            industry_leader: ticked(d.tier.industry_leader),
            intent: d.intent.code().to_owned(),
            event: d.event,
            referrer: d.referrer,
            notes: d.notes,
            next_follow_up: d.next_follow_up,
        }
    }

    /// `lead` as corrected at `at`, or every field that is wrong (the capture form's rules).
    pub fn apply(&self, lead: &Lead, at: DateTime<Utc>) -> Result<Lead, Vec<FieldError>> {
        let mut choice_errors = Vec::new();
        let origin_kind = choice(
            &mut choice_errors,
            LeadField::Origin,
            match self.origin_kind.trim() {
                "domestic" | "" => Some(OriginKind::Domestic),
                "foreign" => Some(OriginKind::Foreign),
                _ => None,
            },
        );
        let unit = match self.investment_unit.trim() {
            "" => Some(MoneyUnit::Wan),
            code => choice(&mut choice_errors, LeadField::IntendedInvestment, MoneyUnit::from_code(code)),
        };
        let intent = choice(&mut choice_errors, LeadField::Intent, Intent::from_code(self.intent.trim()));
        let mut draft = LeadDraft::from_lead(lead);
        draft.company_name = self.company_name.clone();
        draft.credit_code = self.credit_code.clone();
        draft.contact_name = self.contact_name.clone();
        draft.contact_title = self.contact_title.clone();
        draft.mobile = self.mobile.clone();
        draft.wechat = self.wechat.clone();
        draft.email = self.email.clone();
        draft.origin_kind = origin_kind.unwrap_or_default();
        draft.province = self.province.clone();
        draft.city = self.city.clone();
        draft.country = self.country.clone();
        draft.industry = self.industry.clone();
        draft.industry_segment = self.industry_segment.clone();
        draft.intended_project = self.intended_project.clone();
        draft.investment_amount = self.investment_amount.clone();
        draft.investment_unit = unit.unwrap_or_default();
        draft.tier.fortune_global_500 = self.fortune_global_500.is_some();
        draft.tier.china_top_500 = self.china_top_500.is_some();
        draft.tier.china_private_top_500 = self.china_private_top_500.is_some();
        draft.tier.industry_leader = self.industry_leader.is_some();
        draft.intent = intent.unwrap_or(lead.intent);
        draft.event = self.event.clone();
        draft.referrer = self.referrer.clone();
        draft.notes = self.notes.clone();
        draft.next_follow_up = self.next_follow_up.clone();
        let meta = LeadMeta { updated_at: at.max(lead.updated_at), ..lead.meta() };
        let parsed = draft.parse(meta);
        match (parsed, choice_errors.is_empty()) {
            (Ok(corrected), true) => Ok(corrected),
            (Ok(_), false) => Err(choice_errors),
            (Err(mut errors), _) => {
                errors.extend(choice_errors);
                errors.sort_by_key(|e| e.field as u8);
                Err(errors)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Consent, IndustryChain};
    use chrono::TimeZone;

    fn lead() -> Lead {
        let at = Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, 0).unwrap();
        let draft = LeadDraft {
            company_name: "天府食品".into(),
            contact_name: "王芳".into(),
            mobile: "13800138000".into(),
            industry: "food_beverage".into(),
            investment_amount: "1.5".into(),
            investment_unit: MoneyUnit::Yi,
            consent: Some(Consent { text_version: "v1".into(), given_at: at }),
            ..LeadDraft::default()
        };
        draft
            .parse(LeadMeta { id: crate::LeadId::new(), captured_at: at, updated_at: at, captured_by: "li".into(), device_id: "t".into() })
            .unwrap()
    }

    #[test]
    fn the_form_shows_the_lead_and_an_unchanged_form_changes_nothing_but_the_time() {
        let lead = lead();
        let form = CorrectionForm::for_lead(&lead);
        assert_eq!((form.investment_amount.as_str(), form.investment_unit.as_str()), ("1.5", "yi"));
        let later = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap();
        let same = form.apply(&lead, later).expect("the lead as it is");
        assert!(lead.changed_attrs(&same).is_empty(), "{:?}", lead.changed_attrs(&same));
        assert_eq!(same.updated_at, later);
    }

    #[test]
    fn a_correction_goes_through_the_capture_forms_rules() {
        let lead = lead();
        let mut form = CorrectionForm::for_lead(&lead);
        form.company_name = " 天府食品集团有限公司 ".into();
        form.industry = "medicine_health".into();
        let corrected = form.apply(&lead, lead.updated_at).unwrap();
        assert_eq!(corrected.company_name, "天府食品集团有限公司");
        assert_eq!(corrected.industry, Some(IndustryChain::MedicineHealth));
        assert_eq!(corrected.consent, lead.consent, "the consent is not the manager's to change");

        form.mobile = "12345".into();
        form.intent = "lukewarm".into();
        let fields: Vec<LeadField> = form.apply(&lead, lead.updated_at).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![LeadField::Mobile, LeadField::Intent]);
    }
}
