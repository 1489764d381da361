//! Duplicate leads: two officers met the same investor (at the same fair, or a month apart). A
//! lead is matched on its mobile, WeChat ID, credit code and normalised company name; a manager
//! merges two matches into the one captured first, whose referrer keeps the credit.

use crate::Lead;

/// What two leads can share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    Mobile,
    Wechat,
    CreditCode,
    Company,
}

impl KeyKind {
    pub const ALL: [KeyKind; 4] = [KeyKind::Mobile, KeyKind::Wechat, KeyKind::CreditCode, KeyKind::Company];

    pub fn code(self) -> &'static str {
        match self {
            KeyKind::Mobile => "mobile",
            KeyKind::Wechat => "wechat",
            KeyKind::CreditCode => "credit_code",
            KeyKind::Company => "company",
        }
    }

    pub fn from_code(code: &str) -> Option<KeyKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Legal-form endings that do not tell two companies apart (longest first).
const COMPANY_ENDINGS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团",
    "公司",
    "co.,ltd.",
    "co., ltd.",
    "co.,ltd",
    "co., ltd",
    "co. ltd",
    "limited",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "group",
    "corp.",
    "corp",
];

/// A company name as compared: lower case, without spaces, brackets, punctuation and the legal
/// form ("四川 天府食品有限公司" and "四川天府食品（有限公司）" match). Empty when nothing is left.
pub fn normalize_company(name: &str) -> String {
    let mut text: String = crate::text::fold_width(name).to_lowercase();
    // The legal form first, while its punctuation is still there to match.
    loop {
        let trimmed = text.trim_end_matches(|c: char| c.is_whitespace() || "()（）.,，".contains(c)).to_owned();
        match COMPANY_ENDINGS.iter().find(|e| trimmed.ends_with(*e)) {
            Some(ending) if trimmed.len() > ending.len() => text = trimmed[..trimmed.len() - ending.len()].to_owned(),
            _ => {
                text = trimmed;
                break;
            }
        }
    }
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The keys a lead can be matched on, each with its kind; none for a withdrawn lead, which is
/// nobody's duplicate.
pub fn keys(lead: &Lead) -> Vec<(KeyKind, String)> {
    let mut keys = Vec::new();
    if lead.withdrawn.is_some() {
        return keys;
    }
    if let Some(mobile) = &lead.mobile {
        keys.push((KeyKind::Mobile, mobile.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()));
    }
    if let Some(wechat) = &lead.wechat {
        keys.push((KeyKind::Wechat, wechat.to_lowercase()));
    }
    if let Some(code) = &lead.credit_code {
        keys.push((KeyKind::CreditCode, code.to_uppercase()));
    }
    let company = normalize_company(&lead.company_name);
    if company.chars().count() >= 2 {
        keys.push((KeyKind::Company, company));
    }
    keys.retain(|(_, v)| !v.is_empty());
    keys
}

/// Of two duplicates, the one that keeps the lead: the one captured first (the first referrer
/// keeps the credit); on a tie, the smaller id, so the choice never depends on the order asked.
pub fn survivor<'a>(a: &'a Lead, b: &'a Lead) -> (&'a Lead, &'a Lead) {
    if (a.captured_at, a.id) <= (b.captured_at, b.id) {
        (a, b)
    } else {
        (b, a)
    }
}

/// The surviving lead after merging `absorbed` into it: every field it lacks is taken from the
/// other; what it has (the referrer first of all) stays. Notes are joined.
pub fn merge(survivor: &Lead, absorbed: &Lead) -> Lead {
    let mut merged = survivor.clone();
    macro_rules! fill {
        ($($field:ident),+) => { $(if merged.$field.is_none() { merged.$field = absorbed.$field.clone(); })+ };
    }
    fill!(
        credit_code,
        contact_title,
        mobile,
        wechat,
        email,
        origin,
        industry,
        industry_segment,
        intended_project,
        intended_investment,
        event,
        referrer,
        next_follow_up
    );
    merged.notes = match (&survivor.notes, &absorbed.notes) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}\n{b}")),
        (None, Some(b)) => Some(b.clone()),
        _ => merged.notes,
    };
    merged
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::{Consent, LeadDraft, LeadId, LeadMeta};

    fn lead(company: &str, mobile: &str, day: u32, referrer: &str) -> Lead {
        let at = Utc.with_ymd_and_hms(2023, 5, day, 2, 0, 0).unwrap();
        let draft = LeadDraft {
            company_name: company.into(),
            contact_name: "王芳".into(),
            mobile: mobile.into(),
            referrer: referrer.into(),
            consent: Some(Consent { text_version: "v1".into(), given_at: at }),
            ..LeadDraft::default()
        };
        draft
            .parse(LeadMeta { id: LeadId::new(), captured_at: at, updated_at: at, captured_by: "x".into(), device_id: "d".into() })
            .unwrap()
    }

    #[test]
    fn company_names_match_without_their_legal_form_and_punctuation() {
        assert_eq!(normalize_company("四川天府食品有限公司"), "四川天府食品");
        assert_eq!(normalize_company(" 四川 天府食品（有限公司） "), "四川天府食品");
        assert_eq!(normalize_company("四川天府食品股份有限公司"), "四川天府食品");
        assert_eq!(normalize_company("Tianfu Foods Co., Ltd."), "tianfufoods");
        assert_eq!(normalize_company("ＴＩＡＮＦＵ Foods Limited"), "tianfufoods");
        assert_eq!(normalize_company("有限公司"), "有限公司", "a name that is only a legal form stays");
    }

    #[test]
    fn keys_cover_phone_company_and_skip_what_is_missing() {
        let l = lead("四川天府食品有限公司", "138 0013 8000", 1, "");
        let keys = keys(&l);
        assert!(keys.contains(&(KeyKind::Mobile, "13800138000".into())));
        assert!(keys.contains(&(KeyKind::Company, "四川天府食品".into())));
        assert_eq!(keys.len(), 2, "no WeChat ID, no credit code: {keys:?}");
    }

    #[test]
    fn the_first_captured_lead_survives_and_keeps_its_referrer() {
        let first = lead("天府食品", "13800138000", 3, "李引荐");
        let mut later = lead("天府食品有限公司", "13800138000", 9, "张引荐");
        later.email = Some("ceo@tianfu.cn".into());
        later.notes = Some("想看园区".into());
        let (keep, absorb) = survivor(&later, &first);
        assert_eq!(keep.id, first.id);
        let merged = merge(keep, absorb);
        assert_eq!(merged.referrer.as_deref(), Some("李引荐"), "the first referrer keeps the credit");
        assert_eq!(merged.email.as_deref(), Some("ceo@tianfu.cn"), "a missing field is filled in");
        assert_eq!(merged.notes.as_deref(), Some("想看园区"));
        assert_eq!(merged.id, first.id);
    }
}
