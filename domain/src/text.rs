//! Free-text fields: trimmed, bounded, and normalised the same way on every device.

use crate::FieldErrorKind;

/// Trims `raw`, folds full-width ASCII (what a Chinese IME often produces) to half-width, and checks
/// the length in characters and that no control character other than a line break or a tab is in
/// it (pasted from elsewhere, or sent by an API client: invisible on screen, and the Excel exports'
/// XML cannot hold one). An empty result is `None`.
pub fn optional(raw: &str, max: usize) -> Result<Option<String>, FieldErrorKind> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(FieldErrorKind::TooLong { max });
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldErrorKind::ControlCharacter);
    }
    Ok(Some(text.to_owned()))
}

/// Like [`optional`] but an empty value is an error.
pub fn required(raw: &str, max: usize) -> Result<String, FieldErrorKind> {
    optional(raw, max)?.ok_or(FieldErrorKind::Required)
}

/// Folds full-width digits, letters and common punctuation (U+FF01..U+FF5E) and the ideographic
/// space to their ASCII forms, so that "１３８" typed through an IME is read as "138".
pub fn fold_width(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '。' => '.',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds_by_characters_not_bytes() {
        assert_eq!(optional("  成都  ", 2), Ok(Some("成都".into())));
        assert_eq!(optional("成都市", 2), Err(FieldErrorKind::TooLong { max: 2 }));
        assert_eq!(optional("   ", 2), Ok(None));
        assert_eq!(required(" ", 2), Err(FieldErrorKind::Required));
    }

    #[test]
    fn refuses_control_characters_but_keeps_line_breaks_and_tabs() {
        assert_eq!(optional("成都\u{0}蜀味", 20), Err(FieldErrorKind::ControlCharacter));
        assert_eq!(optional("a\u{1b}[31m", 20), Err(FieldErrorKind::ControlCharacter));
        assert_eq!(optional("第一行\r\n第二行\t完", 20), Ok(Some("第一行\r\n第二行\t完".into())));
    }

    #[test]
    fn folds_full_width_digits_and_at_sign() {
        assert_eq!(fold_width("１３８００１３８０００"), "13800138000");
        assert_eq!(fold_width("ａ＠ｂ．ｃｎ"), "a@b.cn");
        assert_eq!(fold_width("１．５"), "1.5");
    }
}
