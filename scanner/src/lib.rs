//! The tablet's QR code reader. A camera frame arrives as RGBA pixels (a canvas' `ImageData`); it
//! is turned to grey, searched for QR codes, and the first one that decodes is returned as its raw
//! bytes: the payload's encoding (UTF-8, or GB18030 in older Chinese vCards) is for
//! `domain::scan` to read, not for the decoder to guess. [`read_payload`] then reads them here, in
//! the worker, so the tables of the legacy encodings load with the reader, not with the capture
//! screen; the page gets a `domain::scan::Scanned`.
//!
//! Compiled to its own WebAssembly module (`scripts/build-scanner.sh`) and run in a dedicated
//! worker (`public/scan-worker.js`), so decoding never holds up the page, and the capture screen's
//! first download does not carry it.

use wasm_bindgen::prelude::*;

/// The bytes of the first QR code found in an RGBA frame of `width` × `height` pixels, or nothing.
#[wasm_bindgen]
pub fn decode_rgba(rgba: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 || rgba.len() < w * h * 4 {
        return None;
    }
    // Luma by integer weights (ITU-R BT.601), the grey a printed code is read in.
    let grey = |x: usize, y: usize| {
        let p = &rgba[(y * w + x) * 4..];
        ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8
    };
    decode_grey(w, h, grey)
}

/// What a code's bytes say, read by `domain::scan::parse`: a `domain::scan::Scanned` as a plain
/// JavaScript object (serde's field names), for the page to put into its form.
#[wasm_bindgen]
pub fn read_payload(bytes: &[u8]) -> JsValue {
    serde_wasm_bindgen::to_value(&domain::scan::parse(bytes)).unwrap_or(JsValue::NULL)
}

/// What a business card's printed text says: `domain::scan::read_printed` over the lines the card
/// reader read (an array of `domain::scan::TextLine`), as a `domain::scan::Scanned` object. Run in
/// the card reader's worker (`public/ocr-worker.js` loads this module too), so the capture
/// screen's first download does not carry the extractor and its tables.
#[wasm_bindgen]
pub fn read_card_lines(lines: JsValue) -> JsValue {
    let lines: Vec<domain::scan::TextLine> = serde_wasm_bindgen::from_value(lines).unwrap_or_default();
    serde_wasm_bindgen::to_value(&domain::scan::read_printed(&lines)).unwrap_or(JsValue::NULL)
}

/// The bytes of the first QR code found in a grey image given pixel by pixel.
pub fn decode_grey(width: usize, height: usize, pixel: impl FnMut(usize, usize) -> u8) -> Option<Vec<u8>> {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, pixel);
    image.detect_grids().into_iter().find_map(|grid| {
        let mut bytes = Vec::new();
        grid.decode_to(&mut bytes).ok().map(|_| bytes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RGBA frame of `width` × `height` pixels, grey, with `payload`'s code drawn at `(left,
    /// top)`, `scale` pixels a module, in a white quiet zone of four modules.
    fn frame_with_code(payload: &[u8], width: usize, height: usize, left: usize, top: usize, scale: usize) -> Vec<u8> {
        let code = qrcode::QrCode::new(payload).unwrap();
        let size = code.width();
        let colors = code.to_colors();
        let mut rgba = vec![170u8; width * height * 4];
        let side = (size + 8) * scale;
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = ((x / scale) as isize - 4, (y / scale) as isize - 4);
                let dark = mx >= 0
                    && my >= 0
                    && (mx as usize) < size
                    && (my as usize) < size
                    && colors[my as usize * size + mx as usize] == qrcode::Color::Dark;
                let i = ((top + y) * width + left + x) * 4;
                rgba[i..i + 3].fill(if dark { 20 } else { 240 });
            }
        }
        rgba
    }

    #[test]
    fn a_code_in_a_camera_frame_gives_its_bytes_as_they_were_encoded() {
        let vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:欧阳晓明\r\nORG:成都天府智造科技有限公司\r\nTEL;TYPE=CELL:13800138000\r\nEND:VCARD";
        let frame = frame_with_code(vcard.as_bytes(), 640, 480, 150, 60, 5);
        assert_eq!(decode_rgba(&frame, 640, 480), Some(vcard.as_bytes().to_vec()));
    }

    #[test]
    fn bytes_that_are_not_utf8_come_back_unchanged() {
        // "张伟" in GB18030, as a vCard 2.1 from an older phone carries it.
        let gb = [b"N;CHARSET=GB18030:".as_slice(), &[0xd5, 0xc5, 0xce, 0xb0]].concat();
        let frame = frame_with_code(&gb, 400, 400, 40, 40, 4);
        assert_eq!(decode_rgba(&frame, 400, 400), Some(gb));
    }

    #[test]
    fn a_frame_without_a_code_gives_nothing() {
        let mut frame = vec![170u8; 320 * 240 * 4];
        for (i, px) in frame.chunks_mut(4).enumerate() {
            px[..3].fill(if (i / 7) % 3 == 0 { 30 } else { 220 });
        }
        assert_eq!(decode_rgba(&frame, 320, 240), None);
    }

    #[test]
    fn nothing_is_found_in_an_empty_or_short_frame() {
        assert_eq!(decode_rgba(&[], 0, 0), None);
        assert_eq!(decode_rgba(&[255; 16], 4, 4), None);
        assert_eq!(decode_rgba(&[255; 15], 4, 4), None, "a frame shorter than its size says");
    }
}
