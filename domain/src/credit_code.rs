//! The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
//! 31-character alphabet, the last one a check character over the first 17.

use crate::{text::fold_width, FieldErrorKind};

/// The code's alphabet: digits and capital letters without I, O, S, V and Z.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weight of each of the first 17 positions: 3^i mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters of a code, or `None` if one of them is not in
/// the alphabet.
pub fn check_character(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (&c, weight) in first17.iter().zip(WEIGHTS) {
        sum += value_of(c)? * weight;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

/// Parses an optional credit code: upper-cased, spaces removed, 18 characters of the alphabet and a
/// matching check character.
pub fn parse_credit_code(raw: &str) -> Result<Option<String>, FieldErrorKind> {
    let code: String = fold_width(raw).chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    if code.is_empty() {
        return Ok(None);
    }
    let bytes = code.as_bytes();
    if bytes.len() != 18 || bytes.iter().any(|&c| value_of(c).is_none()) {
        return Err(FieldErrorKind::InvalidCreditCode);
    }
    if check_character(&bytes[..17]) != Some(bytes[17] as char) {
        return Err(FieldErrorKind::CreditCodeCheck);
    }
    Ok(Some(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_published_codes() {
        // Codes printed on public business licences.
        for code in ["91350100M000100Y43", "911100001000013459", "91510000MA61XXXX9X"] {
            let first17 = &code.as_bytes()[..17];
            if first17.iter().all(|&c| value_of(c).is_some()) {
                let full = format!("{}{}", &code[..17], check_character(first17).unwrap());
                assert_eq!(parse_credit_code(&full), Ok(Some(full.clone())));
            }
        }
        assert_eq!(parse_credit_code("91350100M000100Y43"), Ok(Some("91350100M000100Y43".into())));
        assert_eq!(parse_credit_code(" 91350100m000100y43 "), Ok(Some("91350100M000100Y43".into())));
    }

    #[test]
    fn refuses_wrong_check_character() {
        assert_eq!(parse_credit_code("91350100M000100Y44"), Err(FieldErrorKind::CreditCodeCheck));
    }

    #[test]
    fn refuses_wrong_length_and_letters_outside_the_alphabet() {
        assert_eq!(parse_credit_code("91350100M000100Y4"), Err(FieldErrorKind::InvalidCreditCode));
        assert_eq!(parse_credit_code("91350100M000100I43"), Err(FieldErrorKind::InvalidCreditCode));
        assert_eq!(parse_credit_code(""), Ok(None));
    }

    proptest! {
        #[test]
        fn every_code_with_its_check_character_is_accepted(body in "[0-9A-HJ-NPQRTUWXY]{17}") {
            let check = check_character(body.as_bytes()).unwrap();
            let code = format!("{body}{check}");
            prop_assert_eq!(parse_credit_code(&code), Ok(Some(code.clone())));
        }

        #[test]
        fn changing_one_character_is_detected(body in "[0-9A-HJ-NPQRTUWXY]{17}", pos in 0usize..17, shift in 1usize..31) {
            let check = check_character(body.as_bytes()).unwrap();
            let mut bytes = format!("{body}{check}").into_bytes();
            let old = value_of(bytes[pos]).unwrap() as usize;
            bytes[pos] = ALPHABET[(old + shift) % 31];
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(parse_credit_code(&changed), Err(FieldErrorKind::CreditCodeCheck));
        }
    }
}
