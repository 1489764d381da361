//! From the bytes of a scanned code to text: byte-order marks, a charset a vCard property
//! declares, the guess for bytes that declare none (UTF-8, else GB18030, what Chinese phones and
//! label printers write), and the quoted-printable encoding of vCard 2.1.

use encoding_rs::{Encoding, GB18030};

/// Text decoded from bytes, and whether every byte sequence was valid in its encoding (a
/// malformed one became U+FFFD).
pub(super) struct Decoded {
    pub text: String,
    pub clean: bool,
}

/// The payload without its byte-order mark, as UTF-8 bytes when the mark says UTF-16 (the only
/// encodings whose bytes the line-based parsers could not read as ASCII-compatible).
pub(super) fn without_bom(payload: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match Encoding::for_bom(payload) {
        Some((encoding, bom_len)) if encoding == encoding_rs::UTF_8 => payload[bom_len..].into(),
        Some((encoding, bom_len)) => {
            let (text, _) = encoding.decode_without_bom_handling(&payload[bom_len..]);
            text.into_owned().into_bytes().into()
        }
        None => payload.into(),
    }
}

/// Bytes that name no charset: UTF-8 when they are valid UTF-8, else GB18030 (a superset of GBK
/// and GB2312).
pub(super) fn guess(bytes: &[u8]) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded { text: text.to_owned(), clean: true },
        Err(_) => {
            let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
            Decoded { text: text.into_owned(), clean: !had_errors }
        }
    }
}

/// Bytes in the charset a vCard property names (`CHARSET=GB2312`, `BIG5`, `UTF-8`, ... as the
/// WHATWG encoding labels spell them), or [`guess`]ed when it names none or one unknown.
pub(super) fn with_charset(bytes: &[u8], charset: Option<&str>) -> Decoded {
    match charset.and_then(|label| Encoding::for_label(label.trim().trim_matches('"').as_bytes())) {
        // A UTF-8 label on bytes that are not UTF-8 is a mislabel (phones write it by default).
        Some(encoding) if encoding == encoding_rs::UTF_8 => guess(bytes),
        Some(encoding) => {
            let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
            Decoded { text: text.into_owned(), clean: !had_errors }
        }
        None => guess(bytes),
    }
}

/// Decodes quoted-printable: `=XX` is the byte XX; a `=` at the end of a line is a soft line
/// break (joined already by the vCard reader, removed here if one is left); any other `=` is kept.
pub(super) fn quoted_printable(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte != b'=' {
            out.push(byte);
            i += 1;
            continue;
        }
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (hex(i + 1), hex(i + 2)) {
            (Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            _ if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            _ if bytes.get(i + 1..i + 3) == Some(b"\r\n") => i += 3,
            _ if i + 1 == bytes.len() => i += 1,
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_decodes_bytes_and_keeps_stray_equals_signs() {
        assert_eq!(quoted_printable(b"=E5=BC=A0"), "张".as_bytes());
        assert_eq!(quoted_printable(b"a=3Db=\r\nc"), b"a=bc");
        assert_eq!(quoted_printable(b"1+1=2 =zz="), b"1+1=2 =zz");
        assert_eq!(quoted_printable(b"=e5=bc=a0"), "张".as_bytes());
    }

    #[test]
    fn bytes_without_a_charset_are_utf8_or_else_gb18030() {
        let (gbk, _, _) = GB18030.encode("成都蜀味");
        assert_eq!(guess(&gbk).text, "成都蜀味");
        assert_eq!(guess("成都".as_bytes()).text, "成都");
        assert_eq!(with_charset(&gbk, Some("UTF-8")).text, "成都蜀味");
        let (big5, _, _) = encoding_rs::BIG5.encode("臺北許");
        assert_eq!(with_charset(&big5, Some("BIG5")).text, "臺北許");
    }

    #[test]
    fn byte_order_marks_are_removed_and_utf16_becomes_utf8() {
        assert_eq!(&*without_bom(b"\xEF\xBB\xBFBEGIN"), b"BEGIN");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("张A".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(&*without_bom(&utf16), "张A".as_bytes());
    }
}
