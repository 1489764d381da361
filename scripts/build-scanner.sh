#!/usr/bin/env bash
# Builds the tablet's QR code reader (the `scanner` crate) to its own WebAssembly module for the
# scan worker (public/scan-worker.js): public/scanner/scanner.js and scanner_bg.wasm, which
# `cargo leptos build` then copies into the site. scripts/build.sh runs it before that build.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p scanner --lib --target wasm32-unknown-unknown --profile wasm-release
wasm-bindgen --target no-modules --no-typescript --out-dir public/scanner \
  target/wasm32-unknown-unknown/wasm-release/scanner.wasm
opt=$(ls node_modules/.bin/wasm-opt end2end/node_modules/.bin/wasm-opt 2>/dev/null | head -n 1 || true)
if [ -n "$opt" ]; then
  "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int public/scanner/scanner_bg.wasm -o public/scanner/scanner_bg.wasm
fi
