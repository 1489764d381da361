#!/usr/bin/env bash
# The release build: the QR code reader's WebAssembly (scripts/build-scanner.sh), then the server
# and the site (`cargo leptos build --release`), in target/release/server and target/site.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-scanner.sh
cargo leptos build --release
