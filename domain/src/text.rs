//! Free-text fields: trimmed, bounded, and normalised the same way on every device.

use crate::FieldErrorKind;

/// Characters of no width that text pasted from a chat or a web page often carries (zero-width
/// space, non-joiner, joiner, word joiner, byte-order mark): removed, since nobody can see or
/// type them and they would make "蜀味" and "蜀\u{200B}味" two companies.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Characters that change the direction text is shown in: an override (U+202E) makes
/// "moc.live" read as "evil.com" in the workspace. Refused, not removed: the officer should see
/// that the text is not what it seems.
pub(crate) fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Trims `raw`, removes zero-width characters, and checks the length in characters and that no
/// control character other than a line break or a tab is in it (pasted from elsewhere, or sent by
/// an API client: invisible on screen, and the Excel exports' XML cannot hold one), nor a
/// character that changes the direction of text. An empty result is `None`.
pub fn optional(raw: &str, max: usize) -> Result<Option<String>, FieldErrorKind> {
    let stripped: String;
    let text = if raw.chars().any(is_zero_width) {
        stripped = raw.chars().filter(|c| !is_zero_width(*c)).collect();
        stripped.trim()
    } else {
        raw.trim()
    };
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(FieldErrorKind::TooLong { max });
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldErrorKind::ControlCharacter);
    }
    if text.chars().any(is_direction_control) {
        return Err(FieldErrorKind::DirectionControl);
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
    fn removes_zero_width_characters_and_refuses_direction_controls() {
        assert_eq!(optional("\u{FEFF}蜀\u{200B}味\u{200D}", 20), Ok(Some("蜀味".into())));
        assert_eq!(optional("\u{200B} ", 20), Ok(None));
        assert_eq!(optional("成都\u{202E}moc.live", 20), Err(FieldErrorKind::DirectionControl));
        assert_eq!(optional("a\u{2067}b", 20), Err(FieldErrorKind::DirectionControl));
    }

    #[test]
    fn folds_full_width_digits_and_at_sign() {
        assert_eq!(fold_width("１３８００１３８０００"), "13800138000");
        assert_eq!(fold_width("ａ＠ｂ．ｃｎ"), "a@b.cn");
        assert_eq!(fold_width("１．５"), "1.5");
    }
}
