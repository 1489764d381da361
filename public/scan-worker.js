// The QR code reader's worker: it loads the reader (`scanner`, Rust compiled to WebAssembly, built
// by scripts/build-scanner.sh) and decodes the frames the page sends, one at a time, so the page
// never waits for a decode. Loaded only when the officer first taps "扫码"; the service worker
// keeps it for offline use from then on.
//
// Messages out: {ready: true} once the reader is loaded, or {ready: false, error} if it cannot be;
//   then for each {id, pixels: ArrayBuffer (RGBA), width, height} in:
//   {id, bytes: Uint8Array | null, ms}   the first code's raw bytes, and the decode time
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
  let bytes = null;
  try {
    bytes = wasm_bindgen.decode_rgba(new Uint8Array(pixels), width, height) ?? null;
  } catch (error) {
    bytes = null;
  }
  const ms = performance.now() - started;
  self.postMessage({ id, bytes, ms }, bytes ? [bytes.buffer] : []);
};
