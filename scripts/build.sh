#!/usr/bin/env bash
# The release build: the QR code reader's WebAssembly (scripts/build-scanner.sh) and the card
# reader's models and runtime (scripts/build-ocr.sh), then the server and the site
# (`cargo leptos build --release`), in target/release/server and target/site.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-scanner.sh
scripts/build-ocr.sh
cargo leptos build --release
