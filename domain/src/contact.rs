//! Ways to reach a contact: mobile phone, WeChat ID and email. Each parser returns the normalised
//! form that is stored, so that the same number typed two ways is the same value (duplicate
//! detection depends on it).

use crate::{text::fold_width, FieldErrorKind};

/// Parses a mobile number: a mainland 11-digit number (`1[3-9]` and nine digits, with or without
/// `+86`/`0086`), or an international number in E.164 form (`+` and 7 to 15 digits). Spaces,
/// hyphens and brackets are ignored. Mainland numbers are stored as 11 digits, others with `+`.
pub fn parse_mobile(raw: &str) -> Result<Option<String>, FieldErrorKind> {
    let folded = fold_width(raw);
    let compact: String = folded.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    if compact.is_empty() {
        return Ok(None);
    }
    let (international, digits) = if let Some(rest) = compact.strip_prefix('+') {
        (true, rest)
    } else if let Some(rest) = compact.strip_prefix("00") {
        (true, rest)
    } else {
        (false, compact.as_str())
    };
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldErrorKind::InvalidMobile);
    }
    let mainland = if international { digits.strip_prefix("86") } else { Some(digits) };
    if let Some(national) = mainland {
        if is_mainland_mobile(national) {
            return Ok(Some(national.to_owned()));
        }
        if !international {
            return Err(FieldErrorKind::InvalidMobile);
        }
    }
    // E.164: at most 15 digits, no leading zero in the country code.
    if (7..=15).contains(&digits.len()) && !digits.starts_with('0') && !digits.starts_with("86") {
        Ok(Some(format!("+{digits}")))
    } else {
        Err(FieldErrorKind::InvalidMobile)
    }
}

fn is_mainland_mobile(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]) && bytes.iter().all(u8::is_ascii_digit)
}

/// Parses a WeChat ID: 6 to 20 letters, digits, `_` or `-`, starting with a letter (WeChat's own
/// rule). Officers often write the mobile number a WeChat account is bound to instead, so a
/// mainland mobile is accepted too.
pub fn parse_wechat(raw: &str) -> Result<Option<String>, FieldErrorKind> {
    let folded = fold_width(raw);
    let id = folded.trim();
    if id.is_empty() {
        return Ok(None);
    }
    let starts_with_letter = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let allowed = id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if (starts_with_letter && allowed && (6..=20).contains(&id.len())) || is_mainland_mobile(id) {
        Ok(Some(id.to_owned()))
    } else {
        Err(FieldErrorKind::InvalidWechat)
    }
}

/// Parses an email address: one `@`, a non-empty local part, a domain with a dot and no empty
/// label, no spaces, at most 254 characters. The domain's Latin letters are lower-cased.
pub fn parse_email(raw: &str) -> Result<Option<String>, FieldErrorKind> {
    let folded = fold_width(raw);
    let email = folded.trim();
    if email.is_empty() {
        return Ok(None);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(FieldErrorKind::InvalidEmail);
    };
    let domain_ok =
        domain.contains('.') && domain.split('.').all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-'));
    let local_ok = !local.is_empty() && !local.contains(char::is_whitespace) && !local.contains('@');
    if email.len() > 254 || !domain_ok || !local_ok {
        return Err(FieldErrorKind::InvalidEmail);
    }
    Ok(Some(format!("{local}@{}", domain.to_ascii_lowercase())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mainland_mobiles_are_stored_as_eleven_digits() {
        for raw in ["13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000", "１３８００１３８０００"] {
            assert_eq!(parse_mobile(raw), Ok(Some("13800138000".into())), "{raw}");
        }
    }

    #[test]
    fn international_mobiles_keep_their_plus() {
        assert_eq!(parse_mobile("+49 151 2345 6789"), Ok(Some("+4915123456789".into())));
        assert_eq!(parse_mobile("+852 9123 4567"), Ok(Some("+85291234567".into())));
    }

    #[test]
    fn bad_mobiles_are_refused() {
        for raw in ["12800138000", "1380013800", "138001380001", "+86 128 0013 8000", "+0123456789", "+12", "13800l38000", "abc"] {
            assert_eq!(parse_mobile(raw), Err(FieldErrorKind::InvalidMobile), "{raw}");
        }
        assert_eq!(parse_mobile("  "), Ok(None));
    }

    #[test]
    fn wechat_ids_follow_wechats_rule_or_are_a_mobile() {
        assert_eq!(parse_wechat("wxid_zhang-3"), Ok(Some("wxid_zhang-3".into())));
        assert_eq!(parse_wechat("13800138000"), Ok(Some("13800138000".into())));
        for raw in ["abc", "1abcdef", "zhang san", "a234567890123456789012", "张三微信号"] {
            assert_eq!(parse_wechat(raw), Err(FieldErrorKind::InvalidWechat), "{raw}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(parse_email(" Li.Wei@Example.COM "), Ok(Some("Li.Wei@example.com".into())));
        assert_eq!(parse_email("wang@企业.中国"), Ok(Some("wang@企业.中国".into())));
        for raw in ["li.wei", "@x.cn", "a@b", "a@b..cn", "a b@c.cn", "a@@b.cn"] {
            assert_eq!(parse_email(raw), Err(FieldErrorKind::InvalidEmail), "{raw}");
        }
    }

    proptest! {
        #[test]
        fn any_valid_mainland_number_round_trips(second in 3u8..=9, rest in "[0-9]{9}") {
            let number = format!("1{second}{rest}");
            prop_assert_eq!(parse_mobile(&number), Ok(Some(number.clone())));
            let spaced = format!("+86 {} {} {}", &number[..3], &number[3..7], &number[7..]);
            prop_assert_eq!(parse_mobile(&spaced), Ok(Some(number.clone())));
        }

        #[test]
        fn parsers_never_panic(raw in "\\PC{0,40}") {
            let _ = parse_mobile(&raw);
            let _ = parse_wechat(&raw);
            let _ = parse_email(&raw);
        }
    }
}
