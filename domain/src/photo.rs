//! Photos of a contact's business card (front and back), kept with the lead: what the tablet may
//! send and the server keeps. One rule for both: the tablet compresses a photo to fit
//! [`MAX_BYTES`], and the server refuses anything larger, or anything that is not a JPEG or WebP
//! image, or whose bytes do not hash to the name it was sent under.

use serde::{Deserialize, Serialize};

/// The largest photo kept: 300 KiB (a card photographed at ~1600 px, JPEG quality ~0.8).
pub const MAX_BYTES: usize = 300 * 1024;

/// Which side of the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Front,
    Back,
}

impl Side {
    pub const ALL: [Side; 2] = [Side::Front, Side::Back];

    pub fn code(self) -> &'static str {
        match self {
            Side::Front => "front",
            Side::Back => "back",
        }
    }

    pub fn from_code(code: &str) -> Option<Side> {
        Side::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The image type of `bytes` by their first bytes (what they are, whatever a header claims):
/// `image/jpeg` or `image/webp`, else `None`.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() >= 4 && bytes[..3] == [0xff, 0xd8, 0xff] {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Whether `text` is a SHA-256 as photos are named: 64 lower-case hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(image_type(&[0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), Some("image/jpeg"));
        assert_eq!(image_type(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        for other in [&b"\x89PNG\r\n\x1a\n"[..], b"GIF89a", b"<svg", b"", b"\xff\xd8"] {
            assert_eq!(image_type(other), None, "{other:?}");
        }
    }

    #[test]
    fn names_are_lower_case_sha256_hex() {
        assert!(is_sha256_hex(&"ab".repeat(32)));
        assert!(!is_sha256_hex(&"AB".repeat(32)));
        assert!(!is_sha256_hex(&"ab".repeat(31)));
        assert!(!is_sha256_hex(&"zz".repeat(32)));
        assert!(!is_sha256_hex("../../etc/passwd"));
    }

    #[test]
    fn sides_read_back_from_their_codes() {
        for side in Side::ALL {
            assert_eq!(Side::from_code(side.code()), Some(side));
        }
        assert_eq!(Side::from_code("Front"), None);
    }
}
