// The QR code reader's worker: it loads the reader (`scanner`, Rust compiled to WebAssembly, built
// by scripts/build-scanner.sh), decodes the frames the page sends, one at a time, so the page
// never waits for a decode, and reads what a code says. Loaded only when the officer first taps "扫码"; the service worker
// keeps it for offline use from then on.
//
// Messages out: {ready: true} once the reader is loaded, or {ready: false, error} if it cannot be;
//   then for each {id, pixels: ArrayBuffer (RGBA), width, height} in:
//   {id, scanned: object | null, ms}   what the first code found says (domain::scan::Scanned,
//                                      read here so the page does not carry the encodings' tables),
//                                      and the decode time
'use strict';

let ready;
try {
  importScripts('/scanner/scanner.js');
  ready = wasm_bindgen({ module_or_path: '/scanner/scanner_bg.wasm' });
} catch (error) {
  ready = Promise.reject(error);
}
ready.then(
  () => self.postMessage({ ready: true }),
  (error) => self.postMessage({ ready: false, error: String(error) }),
);

self.onmessage = async (event) => {
  const { id, pixels, width, height } = event.data;
  await ready;
  const started = performance.now();
  let scanned = null;
  try {
    const bytes = wasm_bindgen.decode_rgba(new Uint8Array(pixels), width, height);
    if (bytes) scanned = wasm_bindgen.read_payload(bytes);
  } catch (error) {
    scanned = null;
  }
  const ms = performance.now() - started;
  self.postMessage({ id, scanned, ms });
};
