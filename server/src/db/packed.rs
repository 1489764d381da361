//! The compact form a lead's JSON is stored in: zstd, with a dictionary of what every lead's JSON
//! repeats (the field names in their order, the codes of provinces, industries and segments), so
//! even a short lead shrinks. One byte in front says which form follows; JSON stored before this
//! form existed (its first byte is `{`) is read as it is.
//!
//! Why: a new lead's ~1.5 KB of JSON in the trail was a third of the bytes the server kept per
//! lead, and PouchDB's LevelDB, the peer the sync is measured against, compresses its documents
//! too. Packing runs where the pushed changes are checked, beside other requests, not in the
//! writers' turn.
//!
//! The dictionary is part of the stored format: `dictionary-v1.txt` must never change. A better
//! one would be a new tag with a new file beside it, the old one kept for the rows that use it.

use std::cell::RefCell;
use std::sync::OnceLock;

use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// The first byte of a packed value: zstd with `dictionary-v1.txt`.
const ZSTD_V1: u8 = 1;
const DICTIONARY_V1: &[u8] = include_bytes!("packed/dictionary-v1.txt");
/// zstd's level: 3 is its default; higher levels cost more time than they save bytes here.
const LEVEL: i32 = 3;
/// The most bytes a packed value may unpack to: more than any lead the server accepts (its JSON
/// is bounded by the request's body limit), so a damaged length cannot make a reader allocate
/// without bound.
const MAX_UNPACKED: usize = 4 << 20;

/// Why a stored value could not be read.
#[derive(Debug, thiserror::Error)]
pub enum UnpackError {
    #[error("an empty value")]
    Empty,
    #[error("an unknown packed form (first byte {0})")]
    UnknownForm(u8),
    #[error("its length is missing or over {MAX_UNPACKED} bytes")]
    Length,
    #[error("zstd: {0}")]
    Zstd(#[from] std::io::Error),
    #[error("not UTF-8: {0}")]
    Utf8(#[from] std::string::FromUtf8Error),
}

fn encoder_dictionary() -> &'static EncoderDictionary<'static> {
    static DICT: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| EncoderDictionary::copy(DICTIONARY_V1, LEVEL))
}

fn decoder_dictionary() -> &'static DecoderDictionary<'static> {
    static DICT: OnceLock<DecoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| DecoderDictionary::copy(DICTIONARY_V1))
}

thread_local! {
    // A compressor's context is ~1 MB to set up: one per thread, reused.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// `json` in the packed form.
pub fn pack(json: &str) -> Vec<u8> {
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let compressor = match &mut *cell {
            Some(compressor) => compressor,
            empty => empty
                .insert(zstd::bulk::Compressor::with_prepared_dictionary(encoder_dictionary()).expect("a zstd context and its dictionary")),
        };
        // Cannot fail: `compress` sizes its buffer by the bound of the compressed size.
        let frame = compressor.compress(json.as_bytes()).expect("zstd into a buffer of its bound");
        let mut packed = Vec::with_capacity(1 + frame.len());
        packed.push(ZSTD_V1);
        packed.extend_from_slice(&frame);
        packed
    })
}

/// The JSON of a stored value: packed, or JSON as stored before the packed form.
pub fn unpack(stored: &[u8]) -> Result<String, UnpackError> {
    match stored.first() {
        None => Err(UnpackError::Empty),
        Some(b'{') => Ok(String::from_utf8(stored.to_vec())?),
        Some(&ZSTD_V1) => {
            let frame = &stored[1..];
            let length = match zstd::zstd_safe::get_frame_content_size(frame) {
                Ok(Some(length)) if length as usize <= MAX_UNPACKED => length as usize,
                _ => return Err(UnpackError::Length),
            };
            let bytes = DECOMPRESSOR.with(|cell| {
                let mut cell = cell.borrow_mut();
                let decompressor = match &mut *cell {
                    Some(decompressor) => decompressor,
                    empty => empty.insert(zstd::bulk::Decompressor::with_prepared_dictionary(decoder_dictionary())?),
                };
                decompressor.decompress(frame, length)
            })?;
            Ok(String::from_utf8(bytes)?)
        }
        Some(&other) => Err(UnpackError::UnknownForm(other)),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn json_stored_before_the_packed_form_reads_as_it_is() {
        assert_eq!(unpack(br#"{"a":1}"#).unwrap(), r#"{"a":1}"#);
    }

    #[test]
    fn a_damaged_value_is_an_error_not_a_panic() {
        assert!(matches!(unpack(b""), Err(UnpackError::Empty)));
        assert!(matches!(unpack(&[7, 1, 2]), Err(UnpackError::UnknownForm(7))));
        let mut packed = pack(r#"{"company_name":"重庆某某有限公司"}"#);
        packed.truncate(packed.len() - 3);
        assert!(unpack(&packed).is_err());
        assert!(unpack(&[ZSTD_V1, 0x28, 0xb5]).is_err());
    }

    #[test]
    fn a_lead_shrinks_to_under_half() {
        let json = r#"{"id":"019a9f6e-2c40-7c1e-9d3a-5b6f7e8a9b0c","company_name":"重庆巴渝食品有限公司","credit_code":null,"contact_name":"王建国","contact_title":"总经理","mobile":"13912345678","wechat":null,"email":null,"origin":{"kind":"domestic","province":"sichuan","city":"成都市"},"industry":"food_beverage","industry_segment":"pre_made_dishes","intended_project":"预制菜中央厨房","intended_investment":20000,"tier":{"fortune_global_500":false,"china_top_500":false,"china_private_top_500":false,"industry_leader":true},"intent":"hot","event":"第二十五届中国西部国际博览会","referrer":null,"consent":{"text_version":"2026-11-v1","given_at":"2026-11-20T02:03:04.567Z"},"notes":"对园区的冷链配套感兴趣，下周来考察","next_follow_up":"2026-11-27","captured_at":"2026-11-20T02:03:04.567Z","updated_at":"2026-11-20T02:03:04.567Z","captured_by":"demo.xu","device_id":"4f7c2a90-1b3d-4e5f-8a6b-7c8d9e0f1a2b"}"#;
        let packed = pack(json);
        assert!(packed.len() * 2 < json.len(), "{} bytes packed from {}", packed.len(), json.len());
        assert_eq!(unpack(&packed).unwrap(), json);
    }

    proptest! {
        #[test]
        fn whatever_is_packed_unpacks_to_itself(text in "\\PC{0,2000}") {
            prop_assert_eq!(unpack(&pack(&text)).unwrap(), text);
        }
    }
}
